package dev.medallion.gold.build;

import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.common.storage.ObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lease's rules on a directory laid out as the gold bucket, with a clock the test moves. */
class BuildLeaseTest {
    private static final Instant START = Instant.parse("2026-03-14T23:30:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(900);

    @TempDir
    Path root;

    @Test
    void theFirstBuilderTakesItAndTheNextIsToldWhoHoldsItUntilWhen() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        BuildLease first = new BuildLease(gold, "tables/", clockAt(START));
        BuildLease second = new BuildLease(gold, "tables/", clockAt(START.plusSeconds(30)));

        BuildLease.Acquisition taken = first.acquire("request-1", START.plus(TIMEOUT), false);
        BuildLease.Acquisition refused = second.acquire("request-2", START.plusSeconds(30).plus(TIMEOUT), true);

        assertTrue(taken.held().isPresent());
        assertEquals("tables/_lease/build.json", first.key());
        BuildLease.Lease holder = refused.heldBy().orElseThrow();
        assertEquals("request-1", holder.holder());
        assertEquals(START.toString(), holder.acquiredAt());
        assertEquals(START.plus(TIMEOUT).plus(BuildLease.CLOCK_MARGIN), holder.expiry(), "the holder's deadline, plus the clock margin");
        assertEquals(false, holder.batchBuild(), "a direct build");
        assertTrue(new BuildLease(gold, "tables/", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true).held().orElseThrow().lease().batchBuild(),
                "the retry of the same request, for a batch this time");
        assertTrue(refused.held().isEmpty());
    }

    @Test
    void releasedItIsFreeForTheNextBuild() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        BuildLease lease = new BuildLease(gold, "", clockAt(START));
        BuildLease.Held held = lease.acquire("request-1", START.plus(TIMEOUT), true).held().orElseThrow();

        assertTrue(held.release());

        assertEquals(Optional.empty(), gold.stat("_lease/build.json"));
        assertTrue(lease.acquire("request-2", START.plus(TIMEOUT), true).held().isPresent());
    }

    @Test
    void anExpiredLeaseIsTakenOverAndItsFormerHolderCannotReleaseTheNewOne() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        BuildLease.Held crashed = new BuildLease(gold, "", clockAt(START)).acquire("request-killed", START.plus(TIMEOUT), true).held().orElseThrow();

        // Just before the expiry it is still held; just after, it is taken over.
        Instant expiry = START.plus(TIMEOUT).plus(BuildLease.CLOCK_MARGIN);
        assertTrue(new BuildLease(gold, "", clockAt(expiry.minusMillis(1))).acquire("request-2", expiry.plus(TIMEOUT), true).heldBy().isPresent());
        BuildLease.Held next = new BuildLease(gold, "", clockAt(expiry)).acquire("request-3", expiry.plus(TIMEOUT), true).held().orElseThrow();

        assertEquals("request-3", next.lease().holder());
        assertFalse(crashed.release(), "the lease is request-3's now");
        assertTrue(gold.stat("_lease/build.json").isPresent());
        assertTrue(next.release());
    }

    @Test
    void aRetryOfTheSameRequestTakesOverTheLeaseItsKilledAttemptLeft() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        new BuildLease(gold, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true).held().orElseThrow();

        BuildLease.Acquisition retry = new BuildLease(gold, "", clockAt(START.plusSeconds(60))).acquire("request-1", START.plusSeconds(60).plus(TIMEOUT), true);

        assertEquals(START.plusSeconds(60).toString(), retry.held().orElseThrow().lease().acquiredAt());
        assertTrue(new BuildLease(gold, "", clockAt(START.plusSeconds(61))).acquire("request-2", START.plus(TIMEOUT), true).heldBy().isPresent());
    }

    @Test
    void aDamagedLeaseIsAnErrorThatSaysWhatToDoNeverATakeover() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("_lease/build.json", "{\"holder\": \"x\"".getBytes(StandardCharsets.UTF_8));

        IOException damaged = assertThrows(IOException.class, () -> new BuildLease(gold, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true));

        assertTrue(damaged.getMessage().contains("_lease/build.json") && damaged.getMessage().contains("delete it"), damaged.getMessage());
    }

    private static Clock clockAt(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }
}
