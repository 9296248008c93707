package dev.medallion.gold.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medallion.common.config.GoldSettings;
import dev.medallion.common.storage.RequestTimeLimit;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.Request;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.gold.athena.Deadline;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.testing.GoldLake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The record a build writes before its view swap ({@code _state/<model>.swap.json}) when the swap then does
 * not happen: it must name the build the view still selects from (the record from before put back, or none,
 * an empty object, when there was none), not the build just removed. That record is what lets the next invocation record a
 * live build whose state write was lost, and a retried forced request know its build; losing it costs a
 * needless rebuild. Each failure is real: Athena's refusal and S3's errors come through a {@link FaultProxy}
 * in front of moto, and the time the record's write takes is the deadline moving while it is written.
 */
class GoldSwapRecordIT {
    private static final String MODEL = "product_totals";
    private static final String SWAP_KEY_PATH = "/tables/_state/" + MODEL + ".swap.json";

    @RegisterExtension
    static final S3Emulator AWS = S3Emulator.moto();

    private GoldLake lake;

    @BeforeEach
    void createLake() {
        lake = new GoldLake(AWS);
    }

    @AfterEach
    void closeLake() {
        lake.close();
    }

    /** Athena refuses the swap at its only attempt (a 400): the record of the build the view selects from is put back. */
    @Test
    void aSwapAthenaRefusesPutsBackTheRecordOfTheBuildTheViewSelectsFrom() throws IOException {
        JsonNode recordBefore = firstBuildThenNewInputs();
        ModelOutcome outcome;
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.status(400, "InvalidRequestException"), 100);

            outcome = builder(lake.s3(), athena).build(model(), false, "request-refused", generous());
        }

        assertFailedWithoutSwap(outcome, "NOT_STARTED");
        assertEquals(Optional.of(recordBefore), lake.swapRecord(MODEL), "the record of the build the view selects from, put back");
        // One read more than before the fix, and no more: the one telling whether the model changed, the one before the write.
        List<String> reads = lake.recorder().calls("S3").stream().filter(call -> call.equals("S3.GetObject " + SWAP_KEY_PATH.substring(1))).toList();
        assertTrue(reads.size() <= 2, lake.recorder().calls("S3").toString());
    }

    /** The model's first build, refused its swap: there was no record before it, and none is left naming the removed build. */
    @Test
    void aFirstSwapAthenaRefusesLeavesNoRecord() throws IOException {
        ModelOutcome outcome;
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.status(400, "InvalidRequestException"), 100);

            outcome = builder(lake.s3(), athena).build(model(), false, "request-refused", generous());
        }

        assertFailedWithoutSwap(outcome, "NOT_STARTED");
        assertEquals(Optional.empty(), lake.swapRecord(MODEL), "no record: the view selects from no build");
        // Emptied rather than deleted (the builder's role may not delete under _state/): the next build reads it as none, not as damaged.
        ModelOutcome next = builder(lake.s3(), lake.athena()).build(model(), false, "request-next", generous());
        assertEquals(ModelOutcome.Status.BUILT, next.status(), next.toString());
        assertTrue(lake.logLines().stream().noneMatch(line -> line.get("message").asText().startsWith("the record of the gold model's last swap is damaged")),
                lake.logLines().toString());
        assertTrue(lake.recorder().calls("S3").stream().noneMatch(call -> call.startsWith("S3.DeleteObject") && call.endsWith(".swap.json")), lake.recorder().calls("S3").toString());
    }

    /**
     * The record's write is answered only when the time the swap needed has gone: the swap is not started
     * (NO_TIME_TO_START), and the record it replaced is put back.
     */
    @Test
    void aRecordWriteThatTakesTheSwapsTimePutsBackTheRecordItReplaced() throws IOException {
        JsonNode recordBefore = firstBuildThenNewInputs();
        AtomicReference<Duration> left = new AtomicReference<>(Duration.ofMinutes(5));
        // Once the record is written, what is left is within the margin plus the 250 ms a query needs to start.
        ExecutionInterceptor slowRecordWrite = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutObjectRequest put && ("/" + put.key()).equals(SWAP_KEY_PATH)) {
                    left.set(GoldBuilder.SAFETY_MARGIN.plusMillis(100));
                }
            }
        };
        ModelOutcome outcome;
        try (S3Client s3 = s3(AWS.endpoint(), slowRecordWrite)) {
            outcome = builder(s3, lake.athena()).build(model(), false, "request-late", left::get);
        }

        assertFailedWithoutSwap(outcome, "NO_TIME_TO_START");
        assertFalse(outcome.failure().orElseThrow().contains("NOT_STARTED"), "not a start Athena refused: " + outcome.failure().orElseThrow());
        assertTrue(outcome.failure().orElseThrow().contains("view") && outcome.failure().orElseThrow().contains("of the invocation left"),
                outcome.failure().orElseThrow());
        assertEquals(Optional.of(recordBefore), lake.swapRecord(MODEL), "the record of the build the view selects from, put back");
    }

    /**
     * S3 stores the record at each attempt and answers 500: the build gives up its swap, and its record, which
     * landed, is replaced by the one from before.
     */
    @Test
    void aRecordWriteThatFailsAfterLandingPutsBackTheRecordItReplaced() throws IOException {
        JsonNode recordBefore = firstBuildThenNewInputs();
        ModelOutcome outcome;
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); S3Client s3 = s3(proxy.endpoint())) {
            Injection landed = proxy.inject(attemptsOfTheFirstPut(), Fault.afterForwarding(500), 100);

            outcome = builder(s3, lake.athena()).build(model(), false, "request-lost-answer", generous());

            assertTrue(landed.hits() > 0, landed.toString());
        }

        assertFailedWithoutSwap(outcome, null);
        assertTrue(outcome.failure().orElseThrow().contains("could not record the build before its view swap, so its swap was not started"),
                outcome.failure().orElseThrow());
        assertEquals(Optional.of(recordBefore), lake.swapRecord(MODEL), "the record of the build the view selects from, put back");
    }

    /**
     * The swap refused, and putting the record back fails too (S3 answers 500 to every attempt): the failure says
     * the record could not be put back, which build it may name, and why that is still safe.
     */
    @Test
    void aRecordThatCannotBePutBackIsNamedInTheFailureSayingWhyItIsSafe() throws IOException {
        firstBuildThenNewInputs();
        ModelOutcome outcome;
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); S3Client s3 = s3(proxy.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.status(400, "InvalidRequestException"), 100);
            Predicate<Request> firstPut = attemptsOfTheFirstPut();
            proxy.inject(firstPut.negate().and(Request.s3("PUT", SWAP_KEY_PATH)), Fault.status(500), 100);

            outcome = builder(s3, athena).build(model(), false, "request-refused", generous());
        }

        String build = assertFailedWithoutSwap(outcome, "NOT_STARTED");
        String failure = outcome.failure().orElseThrow();
        assertTrue(failure.contains("the record written before the swap, s3://" + lake.goldBucket() + SWAP_KEY_PATH + ", may name build " + build
                + ", removed, and could not be put back as it was ("), failure);
        assertTrue(failure.contains("That is safe: the next build disregards a record whose build the view does not select from"), failure);
        assertEquals(build, lake.swapRecord(MODEL).orElseThrow().get("current").get("buildId").asText(), "the fault held: the record is the build's own");
    }

    /**
     * The record before the swap cannot be read (S3 answers 500 to every GET of it), and Athena refuses the
     * swap: the record the build replaced cannot be put back, and the failure says why and why that is safe.
     */
    @Test
    void aRecordThatCouldNotBeReadBeforeTheWriteIsNamedInTheFailureSayingWhyItIsSafe() throws IOException {
        firstBuildThenNewInputs();
        ModelOutcome outcome;
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); S3Client s3 = s3(proxy.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.status(400, "InvalidRequestException"), 100);
            // Every GET of it but the first, the builder's before it decides (which an unread record fails): the build's own, before its write.
            AtomicInteger swapRecordReads = new AtomicInteger();
            proxy.inject(Request.s3("GET", SWAP_KEY_PATH).and(request -> swapRecordReads.incrementAndGet() > 1), Fault.status(500), 100);

            outcome = builder(s3, athena).build(model(), false, "request-refused", generous());
        }

        String build = assertFailedWithoutSwap(outcome, "NOT_STARTED");
        String failure = outcome.failure().orElseThrow();
        assertTrue(failure.contains("may name build " + build + ", removed, and could not be put back as it was (what it held before could not be read: "),
                failure);
        assertTrue(failure.contains("That is safe: the next build disregards a record whose build the view does not select from"), failure);
    }

    /** The model built once, as Athena would have left it, then a new silver file: returns the record its build wrote before its swap. */
    private JsonNode firstBuildThenNewInputs() throws IOException {
        lake.handler().handleRequest(Map.of("models", List.of(MODEL)), null);
        lake.applyAthenaEffects(MODEL);
        lake.addSilverFile("products");
        JsonNode record = lake.swapRecord(MODEL).orElseThrow(() -> new AssertionError("the first build wrote no record before its swap"));
        assertEquals(lake.currentBuild(MODEL), record.get("current").get("buildId").asText(), record.toString());
        lake.recorder().clear();
        return record;
    }

    /** The build failed, sent no view statement and was removed; returns its id. */
    private String assertFailedWithoutSwap(ModelOutcome outcome, String state) {
        assertEquals(ModelOutcome.Status.FAILED, outcome.status(), outcome.toString());
        String failure = outcome.failure().orElseThrow();
        if (state != null) {
            assertTrue(failure.contains(state), failure);
        }
        String build = outcome.buildId().orElseThrow();
        assertTrue(lake.athenaSql().stream().noneMatch(sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains(build)), lake.athenaSql().toString());
        assertTrue(lake.recorder().calls().stream().anyMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains(MODEL + "__" + build)),
                lake.recorder().calls().toString());
        return build;
    }

    /**
     * Every attempt of the first call that writes the record (the build's own); a later call, whose attempts are
     * numbered from 1 again ({@code amz-sdk-request: attempt=1; max=…}), is not matched.
     */
    private static Predicate<Request> attemptsOfTheFirstPut() {
        Predicate<Request> put = Request.s3("PUT", SWAP_KEY_PATH);
        AtomicInteger calls = new AtomicInteger();
        return request -> {
            if (!put.test(request)) {
                return false;
            }
            if (request.header("amz-sdk-request").orElse("attempt=1;").startsWith("attempt=1;")) {
                calls.incrementAndGet();
            }
            return calls.get() == 1;
        };
    }

    /** A build of a model without partitions starts its CTAS, then its view: every start after the first one. */
    private static Predicate<Request> secondAndLaterQueryStarts() {
        AtomicInteger starts = new AtomicInteger();
        return request -> "AmazonAthena.StartQueryExecution".equals(request.headers().get("x-amz-target")) && starts.incrementAndGet() > 1;
    }

    private static Deadline generous() {
        return () -> Duration.ofMinutes(5);
    }

    private GoldModel model() {
        return lake.models().named(List.of(MODEL)).get(0);
    }

    private GoldBuilder builder(S3Client s3, AthenaClient athena) {
        return new GoldBuilder(GoldSettings.fromEnvironment(lake.environment()), s3, lake.glue(), athena, RequestTimeLimit.NONE, lake.log(),
                Clock.systemUTC(), lake.recordingSleeper(), new Random(11));
    }

    private S3Client s3(URI endpoint, ExecutionInterceptor... interceptors) {
        return S3Clients.builder(Optional.of(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> {
                    configuration.addExecutionInterceptor(lake.recorder());
                    for (ExecutionInterceptor interceptor : interceptors) {
                        configuration.addExecutionInterceptor(interceptor);
                    }
                }).build();
    }

    private AthenaClient athenaThrough(FaultProxy proxy) {
        return AthenaClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(lake.recorder())).build();
    }
}
