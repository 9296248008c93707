package dev.medallion.gold.build;

import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.Request;
import dev.medallion.common.testing.S3Emulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lease on a real S3 API, whose conditional writes ({@code If-None-Match}, {@code If-Match}) decide
 * the races: builders that start at the same instant, each on its own client, and exactly one builds.
 * <p>
 * S3 makes each conditional write atomically, so of writes racing for one key exactly one lands. moto 5.2.1
 * checks the condition and then writes, with no lock between ({@code moto/s3/responses.py}), so racing writes
 * that arrive together can all land there. The race therefore goes through a {@link FaultProxy} that holds
 * every builder's PUT of the lease until all have sent theirs (each having read the lease as
 * free, or expired, and decided to write), then lets the emulator serve them one at a time
 * ({@link Fault#gatherThenOneAtATime}): one lands, the others get 412 and must take the path of a builder
 * that lost, on moto and LocalStack alike.
 */
class BuildLeaseIT {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    private static final int BUILDERS = 8;

    @Test
    void ofBuildersRacingForAFreeLeaseExactlyOneBuilds() throws Exception {
        String bucket = S3.createBucket("gold-lease");
        List<BuildLease.Acquisition> outcomes = race(bucket, Instant.now().plus(Duration.ofMinutes(15)));

        List<String> holders = outcomes.stream().filter(outcome -> outcome.held().isPresent()).map(outcome -> outcome.held().get().lease().holder()).toList();
        assertEquals(1, holders.size(), "builders that took the lease: " + holders);
        assertTrue(outcomes.stream().filter(outcome -> outcome.heldBy().isPresent())
                .allMatch(outcome -> outcome.heldBy().get().holder().equals(holders.get(0))), "every other builder is told who builds: " + outcomes);
    }

    @Test
    void ofBuildersRacingForAnExpiredLeaseExactlyOneTakesItOver() throws Exception {
        String bucket = S3.createBucket("gold-lease");
        BuildLease crashed = new BuildLease(new S3ObjectStore(S3.client(), bucket), "", Clock.systemUTC());
        // A lease whose holder's deadline passed a minute ago.
        BuildLease.Held old = crashed.acquire("request-killed", Instant.now().minus(Duration.ofMinutes(1)), true).held().orElseThrow();

        List<BuildLease.Acquisition> outcomes = race(bucket, Instant.now().plus(Duration.ofMinutes(15)));

        assertEquals(1, outcomes.stream().filter(outcome -> outcome.held().isPresent()).count(), "builders that took the expired lease over: " + outcomes);
        assertTrue(outcomes.stream().noneMatch(outcome -> outcome.heldBy().map(lease -> lease.holder().equals("request-killed")).orElse(false)),
                "nobody is kept out by the expired lease: " + outcomes);
        assertEquals(false, old.release(), "the former holder cannot release its successor's lease");
    }

    /**
     * Every builder asks for the lease at once, each with its own client and store, as concurrent invocations
     * do; every one of them reads the lease and sends its conditional write before any write is served.
     */
    private static List<BuildLease.Acquisition> race(String bucket, Instant until) throws Exception {
        List<S3Client> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(BUILDERS);
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            // Every write of the lease, conditional or not: a build that wrote it unconditionally would win every race.
            Injection writes = proxy.inject(Request.s3("PUT", "/" + bucket + "/_lease/build.json"), Fault.gatherThenOneAtATime(BUILDERS), BUILDERS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<BuildLease.Acquisition>> futures = new ArrayList<>();
            for (int i = 0; i < BUILDERS; i++) {
                String holder = "request-" + i;
                S3Client client = S3.clientThrough(proxy.endpoint());
                clients.add(client);
                BuildLease lease = new BuildLease(new S3ObjectStore(client, bucket), "", Clock.systemUTC());
                futures.add(pool.submit(() -> {
                    start.await();
                    return lease.acquire(holder, until, true);
                }));
            }
            start.countDown();
            List<BuildLease.Acquisition> outcomes = new ArrayList<>();
            for (Future<BuildLease.Acquisition> future : futures) {
                outcomes.add(future.get(120, TimeUnit.SECONDS));
            }
            assertEquals(BUILDERS, writes.hits(), "every builder found the lease free to take and wrote it: " + writes);
            assertEquals(List.of(), proxy.failures());
            return outcomes;
        }
        finally {
            pool.shutdownNow();
            clients.forEach(S3Client::close);
        }
    }
}
