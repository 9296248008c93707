package dev.medallion.gold.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.LambdaInvocation;
import dev.medallion.common.testing.Request;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.gold.testing.GoldLake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests that never get an answer (a half-open connection, a stalled response), held by a {@link FaultProxy}
 * in front of moto at every attempt: the build gives each up at its time limit, what the invocation has left
 * beyond the builder's safety margin (or, that close to the end, half of what is left less a second), and
 * fails naming the request and the limit, before Lambda would end the invocation; it leaves gold as it was,
 * releases the lease, and the next build succeeds. Without the limit each attempt waits for the HTTP client's
 * 30 s read timeout, and the SDK's retries take the build past the invocation's end, where Lambda kills it
 * with the lease held.
 */
class GoldRequestTimeLimitIT {
    /** {@link TimeFromTheHold}'s mark before the held request has reached the proxy. */
    private static final long NOT_HELD_YET = Long.MIN_VALUE;
    private static final Pattern LIMIT = Pattern.compile("timeout configuration: (\\d+) millis");
    private static final String MODEL = "product_totals";

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

    /** Fingerprinting lists the silver manifests; that listing hangs. */
    @Test
    void anS3RequestThatHangsFailsTheBuildAtItsLimitNamingItAndTheNextBuildSucceeds() throws IOException {
        String previous = firstBuildThenNewInputs();
        Gold before = gold();
        int queriesBefore = lake.athenaQueryIds().size();
        TimeFromTheHold invocation = new TimeFromTheHold("request-stalled", 35_000);

        GoldBuildException failure;
        long started = System.nanoTime();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); S3Client s3 = s3Through(proxy)) {
            Injection stalled = proxy.inject(invocation.fallingFrom(request -> request.method().equals("GET") && request.path().startsWith("/" + lake.silverBucket())
                    && request.hasQueryParameter("list-type")), Fault.hold(), 100);
            GoldCtasHandler handler = new GoldCtasHandler(lake.environment(), s3, lake.glue(), lake.athena(), lake.models(), lake.log(), lake.recordingSleeper());

            failure = assertThrows(GoldBuildException.class, () -> handler.handleRequest(Map.of("models", List.of(MODEL)), invocation.context()));
            assertEquals(1, stalled.hits(), "one request held, and given up without a retry");
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        // Given up at its limit, half of the 35 s left less a second, with time to spare for the lease and the answer.
        assertTrue(invocation.getRemainingTimeInMillis() >= 1_000, "failed with " + invocation.getRemainingTimeInMillis() + " ms of the invocation left, after "
                + seconds + " s");
        String message = failure.getMessage();
        assertTrue(message.contains(MODEL + ": could not tell whether its inputs changed: Could not list s3://" + lake.silverBucket() + "/_manifests/"), message);
        long limit = limitIn(message);
        assertTrue(limit >= 15_000 && limit <= 17_000, limit + " ms: " + message);
        assertTrue(seconds >= limit / 1000.0, "gave up after " + seconds + " s, before its limit of " + limit + " ms");

        assertLeaseReleased();
        assertEquals(before, gold(), "gold as it was");
        assertEquals(queriesBefore, lake.athenaQueryIds().size(), "no query started");

        Map<String, Object> next = lake.handler().handleRequest(Map.of("models", List.of(MODEL)), LambdaInvocation.of("gold-ctas", "request-next"));
        assertTrue(String.valueOf(next.get(MODEL)).startsWith("built "), next.toString());
        assertNotEquals(previous, lake.currentBuild(MODEL));
    }

    /**
     * The CTAS runs, has written part of its output, and the poll of its state hangs: it is given up at its
     * limit, the query stopped, its table and files removed; the view never moved.
     */
    @Test
    void anAthenaPollThatHangsStopsTheQueryRemovesItsBuildAndReleasesTheLease() throws Exception {
        String previous = firstBuildThenNewInputs();
        Gold before = gold();
        List<String> viewVersionsBefore = lake.viewVersions(MODEL);
        int queriesBefore = lake.athenaQueryIds().size();
        TimeFromTheHold invocation = new TimeFromTheHold("request-stalled", 63_000);

        GoldBuildException failure;
        String queryId;
        long started = System.nanoTime();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            Injection stalled = proxy.inject(invocation.fallingFrom(request -> "AmazonAthena.GetQueryExecution".equals(request.headers().get("x-amz-target"))),
                    Fault.hold(), 100);
            GoldCtasHandler handler = lake.handler(athena);

            CompletableFuture<Map<String, Object>> build = CompletableFuture.supplyAsync(() -> handler.handleRequest(Map.of("models", List.of(MODEL)), invocation.context()));
            assertTrue(stalled.awaitHits(1, Duration.ofSeconds(20)), "the CTAS's first poll reached the proxy");
            queryId = lake.athenaQueryIds().get(queriesBefore);
            leaveWhatTheRunningQueryWrote(lake.athenaSql().get(queriesBefore));
            failure = assertInstanceOf(GoldBuildException.class, failureOf(build));
            // Its limit, over 30 s, outlasts the HTTP client's read timeout, which ends the first attempt; the SDK
            // retries it, and the limit bounds the attempts together.
            assertTrue(stalled.hits() >= 1, stalled.toString());
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        assertTrue(invocation.getRemainingTimeInMillis() >= 1_000, "failed with " + invocation.getRemainingTimeInMillis() + " ms of the invocation left, after "
                + seconds + " s");
        String message = failure.getMessage();
        assertTrue(message.contains("Athena query " + queryId + " (ctas query of gold model " + MODEL + " (build ")
                && message.contains("UNKNOWN: could not read its state"), message);
        long limit = limitIn(message);
        // What was left beyond the 30 s margin when the poll started.
        assertTrue(limit >= 28_000 && limit <= 33_000, limit + " ms: " + message);
        assertTrue(seconds >= limit / 1000.0, "gave up after " + seconds + " s, before its limit of " + limit + " ms");

        // Stopped, never swapped: the view is as it was, and the build's table and files are gone.
        assertEquals("CANCELLED", AWS.athena().getQueryExecution(request -> request.queryExecutionId(queryId)).queryExecution().status().stateAsString());
        assertEquals(1, lake.athenaQueryIds().size() - queriesBefore, "the CTAS alone: no view swap was started");
        assertEquals(viewVersionsBefore, lake.viewVersions(MODEL));
        assertEquals(before, gold(), "gold as it was: state, tables and files");
        assertLeaseReleased();

        Map<String, Object> next = lake.handler().handleRequest(Map.of("models", List.of(MODEL)), LambdaInvocation.of("gold-ctas", "request-next"));
        assertTrue(String.valueOf(next.get(MODEL)).startsWith("built "), next.toString());
        assertNotEquals(previous, lake.currentBuild(MODEL));
    }

    /**
     * The CTAS has run and written its table and files, and the read of which build the view selects from
     * (Glue's GetTable of the view, the first catalog request after the CTAS) hangs: it is given up at its
     * limit, which leaves the margin and no time to start the swap; the build's table and files are removed,
     * the view never moved, and the failure names the read and its limit, not only the swap it cut short.
     * The record written before a swap still names the build the view selects from: it was written for the
     * swap that then was not started, naming a build just removed, and the previous build's record was lost.
     */
    @Test
    void aGlueReadOfTheViewThatHangsAfterTheCtasRemovesItsBuildAndReleasesTheLease() throws Exception {
        String previous = firstBuildThenNewInputs();
        Gold before = gold();
        JsonNode swapRecordBefore = lake.swapRecord(MODEL).orElseThrow(() -> new AssertionError("the first build wrote no record before its swap"));
        assertEquals(previous, swapRecordBefore.get("current").get("buildId").asText(), swapRecordBefore.toString());
        List<String> viewVersionsBefore = lake.viewVersions(MODEL);
        int queriesBefore = lake.athenaQueryIds().size();
        TimeFromTheHold invocation = new TimeFromTheHold("request-stalled", 63_000);

        GoldBuildException failure;
        long started = System.nanoTime();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); GlueClient glue = glueThrough(proxy); AthenaClient athena = athenaThrough(proxy)) {
            // The fingerprint's Glue reads of the silver tables come before the CTAS and are not held: the GetTables are
            // held only once the proxy has seen the CTAS's first poll, so the view's is the first held, on that event
            // rather than on a delay that gave the test time to add the hold (2 s, too little on a loaded machine).
            Injection stalled = proxy.inject(invocation.fallingFrom(afterTheFirst("AmazonAthena.GetQueryExecution", "AWSGlue.GetTable")), Fault.hold(), 100);
            GoldCtasHandler handler = new GoldCtasHandler(lake.environment(), lake.s3(), glue, athena, lake.models(), lake.log(), lake.recordingSleeper());

            CompletableFuture<Map<String, Object>> build = CompletableFuture.supplyAsync(() -> handler.handleRequest(Map.of("models", List.of(MODEL)), invocation.context()));
            assertTrue(stalled.awaitHits(1, Duration.ofSeconds(20)), "the view's GetTable reached the proxy");
            assertEquals(1, lake.athenaQueryIds().size() - queriesBefore, "held after the CTAS: " + lake.athenaSql());
            String queryId = lake.athenaQueryIds().get(queriesBefore);
            assertEquals("SUCCEEDED", AWS.athena().getQueryExecution(request -> request.queryExecutionId(queryId)).queryExecution().status().stateAsString());
            leaveWhatTheRunningQueryWrote(lake.athenaSql().get(queriesBefore));
            failure = assertInstanceOf(GoldBuildException.class, failureOf(build));
            assertTrue(stalled.hits() >= 1, stalled.toString());
            assertEquals(List.of(), proxy.failures(), "the proxy relayed every other request");
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        assertTrue(invocation.getRemainingTimeInMillis() >= 1_000, "failed with " + invocation.getRemainingTimeInMillis() + " ms of the invocation left, after "
                + seconds + " s");
        String message = failure.getMessage();
        assertTrue(message.contains("Could not read Glue table " + lake.goldDatabase() + "." + MODEL + ": "), message);
        long limit = limitIn(message);
        // What was left beyond the 30 s margin when the read started.
        assertTrue(limit >= 28_000 && limit <= 33_000, limit + " ms: " + message);
        assertTrue(seconds >= limit / 1000.0, "gave up after " + seconds + " s, before its limit of " + limit + " ms");

        // Never swapped: the view is as it was, and the build's table and files are gone.
        assertEquals(1, lake.athenaQueryIds().size() - queriesBefore, "the CTAS alone: no view swap was started");
        assertEquals(viewVersionsBefore, lake.viewVersions(MODEL));
        assertEquals(before, gold(), "gold as it was: state, tables and files");
        assertEquals(Optional.of(swapRecordBefore), lake.swapRecord(MODEL), "the record before the swap still names the build the view selects from, " + previous);
        assertLeaseReleased();

        Map<String, Object> next = lake.handler().handleRequest(Map.of("models", List.of(MODEL)), LambdaInvocation.of("gold-ctas", "request-next"));
        assertTrue(String.valueOf(next.get(MODEL)).startsWith("built "), next.toString());
        assertNotEquals(previous, lake.currentBuild(MODEL));
    }

    /**
     * Accepts the requests for {@code held} once the proxy has seen one for {@code first}, on the proxy's thread as it
     * consults the injection: it looks only at the requests, in the order they reach the proxy.
     */
    private static Predicate<Request> afterTheFirst(String first, String held) {
        AtomicBoolean seen = new AtomicBoolean();
        return request -> {
            String target = request.headers().get("x-amz-target");
            if (first.equals(target)) {
                seen.set(true);
            }
            return seen.get() && held.equals(target);
        };
    }

    /** The model built once, as Athena would have left it, then a new silver file: the next build has work to do. Returns the build. */
    private String firstBuildThenNewInputs() throws IOException {
        lake.handler().handleRequest(Map.of("models", List.of(MODEL)), LambdaInvocation.of("gold-ctas", "request-first"));
        lake.applyAthenaEffects(MODEL);
        lake.addSilverFile("products");
        return lake.currentBuild(MODEL);
    }

    /**
     * An invocation with {@code millis} left, its time standing still until the held request first reaches the proxy,
     * then falling with the wall clock, as Lambda's does: the held request's limit is what was left when it started,
     * however long a loaded machine took for the work before it (with the time falling from the start, a few slow
     * seconds there took the limit below the bounds the tests check), and the hang itself is still measured against
     * the invocation's end.
     */
    private static final class TimeFromTheHold {
        private final int millis;
        private final ForwardingContext context;
        private final AtomicLong heldAt = new AtomicLong(NOT_HELD_YET);

        TimeFromTheHold(String requestId, int millis) {
            this.millis = millis;
            this.context = new ForwardingContext(LambdaInvocation.of("gold-ctas", requestId), this::remainingMillis);
        }

        /** {@code held}, marking the moment it first accepts a request: the invocation's time falls from then. */
        Predicate<Request> fallingFrom(Predicate<Request> held) {
            return request -> {
                boolean matches = held.test(request);
                if (matches) {
                    heldAt.compareAndSet(NOT_HELD_YET, System.nanoTime());
                }
                return matches;
            };
        }

        Context context() {
            return context;
        }

        int getRemainingTimeInMillis() {
            return context.getRemainingTimeInMillis();
        }

        private int remainingMillis() {
            long held = heldAt.get();
            if (held == NOT_HELD_YET) {
                return millis;
            }
            return (int) Math.max(0, millis - (System.nanoTime() - held) / 1_000_000);
        }
    }

    /** What readers and the next build see of gold. */
    private record Gold(Optional<JsonNode> state, List<String> tables, List<String> keys) {}

    private Gold gold() throws IOException {
        return new Gold(lake.state(MODEL), lake.goldTables(), lake.goldKeys());
    }

    private void assertLeaseReleased() throws IOException {
        assertEquals(Optional.empty(), new S3ObjectStore(AWS.client(), lake.goldBucket()).stat("tables/_lease/build.json"), "the lease was released");
    }

    /** The CTAS's table, as Athena registers it, and a first file in its location. */
    private void leaveWhatTheRunningQueryWrote(String ctas) {
        Matcher table = Pattern.compile("CREATE TABLE \"([^\"]+)\"\\.\"([^\"]+)\"").matcher(ctas);
        Matcher location = Pattern.compile("external_location = 's3://([^/]+)/([^']+)'").matcher(ctas);
        assertTrue(table.find() && location.find(), ctas);
        AWS.glue().createTable(request -> request.databaseName(table.group(1)).tableInput(input -> input
                .name(table.group(2))
                .tableType("EXTERNAL_TABLE")
                .storageDescriptor(descriptor -> descriptor.location("s3://" + location.group(1) + "/" + location.group(2)))));
        AWS.client().putObject(request -> request.bucket(location.group(1)).key(location.group(2) + "20260314_233000_00001_abcde_partial"),
                RequestBody.fromString("PAR1"));
    }

    private static Throwable failureOf(CompletableFuture<?> build) throws InterruptedException, TimeoutException {
        try {
            Object answer = build.get(3, TimeUnit.MINUTES);
            throw new AssertionError("the build succeeded: " + answer);
        }
        catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static long limitIn(String message) {
        Matcher limit = LIMIT.matcher(message);
        assertTrue(limit.find(), "no time limit in: " + message);
        return Long.parseLong(limit.group(1));
    }

    private S3Client s3Through(FaultProxy proxy) {
        return S3Clients.builder(Optional.of(proxy.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(lake.recorder())).build();
    }

    private GlueClient glueThrough(FaultProxy proxy) {
        return GlueClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(lake.recorder())).build();
    }

    private AthenaClient athenaThrough(FaultProxy proxy) {
        return AthenaClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(lake.recorder())).build();
    }
}
