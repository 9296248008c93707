package dev.medallion.gold.build;

import dev.medallion.common.config.GoldSettings;
import dev.medallion.common.storage.RequestTimeLimit;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.gold.athena.AthenaQueries;
import dev.medallion.gold.athena.AthenaQueryException;
import dev.medallion.gold.athena.Deadline;
import dev.medallion.gold.athena.QueryStep;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.testing.GoldLake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The builder against moto with queries that never finish (moto keeps them QUEUED), on a clock that
 * advances only while the builder sleeps between polls: it backs off, stops the query while the
 * deadline still leaves its safety margin, and removes the build.
 */
class GoldBuildDeadlineIT {
    @RegisterExtension
    static final S3Emulator AWS = S3Emulator.moto();

    private GoldLake lake;
    private final SteppingClock clock = new SteppingClock(Instant.parse("2026-03-14T23:30:00Z"));
    private final List<Duration> sleeps = new ArrayList<>();
    /** What the running CTAS has written when the builder first waits for it (moto writes nothing). */
    private String writtenByTheQuery;

    @BeforeAll
    static void queriesNeverFinish() throws IOException {
        AWS.motoApi("/moto-api/state-manager/set-transition",
                "{\"model_name\": \"athena::execution\", \"transition\": {\"progression\": \"manual\", \"times\": 1000000}}");
    }

    @BeforeEach
    void createLake() {
        lake = new GoldLake(AWS);
    }

    @AfterEach
    void closeLake() {
        lake.close();
    }

    @Test
    void aQueryStillRunningNearTheDeadlineIsStoppedAndItsBuildRemoved() throws IOException {
        Deadline deadline = Deadline.at(clock.instant().plus(Duration.ofMinutes(2)), clock);

        ModelOutcome outcome = builder().build(model("product_totals"), false, "request-1", deadline);

        assertEquals(ModelOutcome.Status.FAILED, outcome.status());
        String queryId = lake.athenaQueryIds().get(0);
        String failure = outcome.failure().orElseThrow();
        assertTrue(failure.contains(queryId) && failure.contains("TIMED_OUT") && failure.contains("StopQueryExecution"), failure);
        assertEquals("CANCELLED", AWS.athena().getQueryExecution(request -> request.queryExecutionId(queryId)).queryExecution().status().stateAsString());
        assertTrue(lake.recorder().calls().contains("Athena.StopQueryExecution " + queryId), lake.recorder().calls().toString());

        // 250 ms doubling to 5 s, then 5 s, until a poll would leave less than the 30 s margin.
        assertEquals(List.of(250L, 500L, 1000L, 2000L, 4000L), sleeps.subList(0, 5).stream().map(Duration::toMillis).toList());
        assertTrue(sleeps.subList(5, sleeps.size()).stream().allMatch(sleep -> sleep.equals(Duration.ofSeconds(5))), sleeps.toString());
        Duration left = deadline.remaining();
        assertTrue(left.compareTo(GoldBuilder.SAFETY_MARGIN) >= 0 && left.compareTo(GoldBuilder.SAFETY_MARGIN.plusSeconds(5)) < 0, left.toString());

        // Only the CTAS was sent: no view, no state, and what it wrote before it was stopped is removed.
        assertEquals(1, lake.athenaQueryIds().size());
        assertTrue(lake.state("product_totals").isEmpty());
        assertTrue(writtenByTheQuery != null && writtenByTheQuery.startsWith("tables/product_totals/" + outcome.buildId().orElseThrow() + "/"), writtenByTheQuery);
        assertEquals(List.of(), lake.goldKeys());
        assertEquals(outcome.buildId().map(id -> "Glue.DeleteTable " + lake.goldDatabase() + ".product_totals__" + id).orElseThrow(),
                lake.recorder().calls("Glue").get(lake.recorder().calls("Glue").size() - 1));
    }

    /** A query that would be stopped at its first poll is not started: for the view, a swap whose outcome is certain. */
    @Test
    void aQueryIsNotStartedWhenItWouldBeStoppedAtItsFirstPoll() {
        AthenaQueries queries = new AthenaQueries(lake.athena(), lake.workgroup(), lake.goldDatabase(), sleeps::add, GoldBuilder.SAFETY_MARGIN, RequestTimeLimit.NONE,
                lake.log());
        Deadline deadline = Deadline.at(clock.instant().plus(GoldBuilder.SAFETY_MARGIN).plusMillis(100), clock);

        AthenaQueryException e = assertThrows(AthenaQueryException.class, () -> queries.run("SELECT 1", new QueryStep("product_totals", "b", "view"), deadline));

        assertEquals("NO_TIME_TO_START", e.state());
        assertTrue(e.getMessage().contains("not started: 30100 ms of the invocation left, 30 s of which are kept to clean up"), e.getMessage());
        assertEquals(List.of(), lake.athenaQueryIds(), "nothing reached Athena");
    }

    /**
     * A start whose every answer is lost, SDK attempts and resends alike (a 500 after Athena took it), is resent
     * with its token only while the deadline leaves the margin and a first poll after the wait: the resends stop
     * before the margin is touched, and the query, started once, is START_UNKNOWN, naming its token.
     */
    @Test
    void aStartWhoseAnswersAreAllLostIsResentOnlyWhileTheDeadlineLeavesTimeToWaitForIt() throws IOException {
        Deadline deadline = Deadline.at(clock.instant().plus(GoldBuilder.SAFETY_MARGIN).plusMillis(1_200), clock);
        AthenaQueryException e;
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = AthenaClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build()) {
            proxy.inject(request -> "AmazonAthena.StartQueryExecution".equals(request.headers().get("x-amz-target")), Fault.afterForwarding(500), 100);
            AthenaQueries queries = new AthenaQueries(athena, lake.workgroup(), lake.goldDatabase(), duration -> {
                sleeps.add(duration);
                clock.advance(duration);
            }, GoldBuilder.SAFETY_MARGIN, RequestTimeLimit.NONE, lake.log());

            e = assertThrows(AthenaQueryException.class, () -> queries.run("SELECT 1", new QueryStep("product_totals", "20260314233000_a1b2c3", "view"), deadline));
        }

        assertEquals("START_UNKNOWN", e.state());
        // 1,200 ms over the margin: a resend after 250 ms and one after 500 ms each leave a first poll (250 ms); one after 1 s would not.
        assertEquals(List.of(250L, 500L), sleeps.stream().map(Duration::toMillis).toList());
        assertTrue(e.getMessage().contains("resent 2 time(s) with its ClientRequestToken product_totals-20260314233000_a1b2c3-view-"), e.getMessage());
        assertTrue(deadline.remaining().compareTo(GoldBuilder.SAFETY_MARGIN) >= 0, deadline.remaining().toString());
        assertEquals(1, lake.athenaQueryIds().size(), "three calls, every attempt forwarded, one query");
    }

    @Test
    void aChangedModelIsNotStartedWithoutTimeForAQuery() throws IOException {
        Deadline deadline = Deadline.at(clock.instant().plus(GoldBuilder.MINIMUM_TO_START.minusSeconds(1)), clock);

        ModelOutcome outcome = builder().build(model("product_totals"), false, "request-1", deadline);

        assertEquals(ModelOutcome.Status.FAILED, outcome.status());
        assertTrue(outcome.failure().orElseThrow().startsWith("not started: 59 s of the invocation left, 60 s needed to build it"), outcome.failure().orElseThrow());
        assertEquals(List.of(), lake.athenaQueryIds());
        assertTrue(lake.recorder().calls().stream().noneMatch(call -> call.startsWith("Athena.")), "its inputs were read, but no query sent: " + lake.recorder().calls());
    }

    @Test
    void aModelIsNotEvenFingerprintedWithinTheSafetyMargin() throws IOException {
        Deadline deadline = Deadline.at(clock.instant().plus(GoldBuilder.SAFETY_MARGIN.minusSeconds(1)), clock);

        ModelOutcome outcome = builder().build(model("product_totals"), false, "request-1", deadline);

        assertEquals(ModelOutcome.Status.FAILED, outcome.status());
        assertTrue(outcome.failure().orElseThrow().startsWith("not started: 29 s of the invocation left, 30 s needed to tell whether its inputs changed"),
                outcome.failure().orElseThrow());
        assertEquals(List.of(), lake.recorder().calls(), "nothing was even read");
    }

    private GoldBuilder builder() {
        return new GoldBuilder(GoldSettings.fromEnvironment(lake.environment()), lake.s3(), lake.glue(), lake.athena(), RequestTimeLimit.NONE, lake.log(),
                Clock.systemUTC(), duration -> {
                    if (sleeps.isEmpty()) {
                        writtenByTheQuery = writeIntoTheLocationOfTheQuery();
                    }
                    sleeps.add(duration);
                    clock.advance(duration);
                }, new Random(7));
    }

    /** A file in the external_location of the CTAS Athena is running, as its first output. */
    private String writeIntoTheLocationOfTheQuery() {
        String ctas = lake.athenaSql().get(0);
        Matcher location = Pattern.compile("external_location = 's3://([^/]+)/([^']+)'").matcher(ctas);
        assertTrue(location.find(), ctas);
        String key = location.group(2) + "20260314_233000_00001_abcde_" + UUID.randomUUID();
        AWS.client().putObject(request -> request.bucket(location.group(1)).key(key), RequestBody.fromString("PAR1"));
        return key;
    }

    private GoldModel model(String name) {
        return lake.models().named(List.of(name)).get(0);
    }

    /** A clock that moves only when told: here, by the builder's sleeps. */
    private static final class SteppingClock extends Clock {
        private Instant now;

        SteppingClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
