package dev.medallion.gold.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.LambdaInvocation;
import dev.medallion.common.testing.Request;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.gold.build.BuildAndSwap;
import dev.medallion.gold.testing.FailingQueryAthena;
import dev.medallion.gold.testing.ForwardingAthena;
import dev.medallion.gold.testing.GoldLake;
import dev.medallion.gold.testing.StagingAthena;
import dev.medallion.gold.testing.ThrowingPollAthena;
import dev.medallion.gold.testing.TriggerQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.DeleteTableRequest;
import software.amazon.awssdk.services.glue.model.GlueException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A query Athena fails. moto cannot fail one, so this class reaches moto through {@link FailingQueryAthena},
 * which reports one query FAILED with Athena's reason; everything else is moto. The view's start, refused
 * or unanswered, goes through a {@link FaultProxy} in front of moto.
 */
class GoldBuildFailureIT {
    private static final Pattern TABLE = Pattern.compile("CREATE TABLE \"([^\"]+)\"\\.\"([^\"]+)\"");
    private static final Pattern LOCATION = Pattern.compile("external_location = 's3://([^/]+)/([^']+)'");

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

    @Test
    void aFailedCtasLeavesThePreviousBuildCleansUpAfterItselfAndFailsTheInvocationWithAthenasReason() throws IOException {
        String previous = firstBuildOfRevenueByDay();
        JsonNode stateBefore = lake.state("revenue_by_day").orElseThrow();
        List<String> tablesBefore = lake.goldTables();
        List<String> keysBefore = revenueKeys();
        List<String> viewVersionsBefore = lake.viewVersions("revenue_by_day");

        lake.addSilverFile("sales");
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01", "2026-03-02"));
        int queriesBefore = lake.athenaQueryIds().size();
        // What a CTAS that fails midway leaves: its table registered, some files written.
        FailingQueryAthena athena = new FailingQueryAthena(lake.athena(), sql -> sql.startsWith("CREATE TABLE") && sql.contains("revenue_by_day__"),
                this::leaveAHalfWrittenTable);

        GoldBuildException failure = assertThrows(GoldBuildException.class, () -> lake.handler(athena)
                .handleRequest(Map.of("models", List.of("revenue_by_day", "product_totals")), null));

        String queryId = athena.failedQueryIds().get(0);
        String message = failure.getMessage();
        assertTrue(message.startsWith("Could not build 1 of 2 gold model(s)"), message);
        assertTrue(message.contains("revenue_by_day") && message.contains(queryId) && message.contains(FailingQueryAthena.REASON), message);
        assertTrue(message.contains("FAILED") && message.contains("ctas"), message);

        // product_totals, never built, went first (its CTAS and view); the failed build's SQL reached Athena
        // up to its CTAS, and no view swap followed it.
        List<String> sent = lake.athenaSql().subList(queriesBefore, lake.athenaSql().size());
        assertEquals(4, sent.size(), sent.toString());
        assertTrue(sent.get(2).startsWith("SELECT DISTINCT"), sent.get(2));
        assertTrue(sent.get(3).startsWith("CREATE TABLE") && sent.get(3).contains("revenue_by_day__"), sent.get(3));
        assertTrue(sent.stream().noneMatch(sql -> sql.contains("VIEW \"" + lake.goldDatabase() + "\".\"revenue_by_day\"")), sent.toString());
        // The other model was built all the same.
        assertTrue(sent.stream().anyMatch(sql -> sql.contains("VIEW \"" + lake.goldDatabase() + "\".\"product_totals\"")), sent.toString());

        // Readers still see the previous build, and it is intact; the failed one left nothing behind.
        assertEquals(stateBefore, lake.state("revenue_by_day").orElseThrow());
        assertEquals(previous, lake.currentBuild("revenue_by_day"));
        // moto runs no view DDL: the SQL sent (no VIEW statement) shows there was no swap; this, that the
        // failure pruned none of the view's versions, the previous one among them (the rollback target).
        assertEquals(viewVersionsBefore, lake.viewVersions("revenue_by_day"), "no version of the view was removed");
        assertEquals(tablesBefore, lake.goldTables().stream().filter(name -> !name.startsWith("product_totals")).toList());
        assertEquals(keysBefore, revenueKeys());
        assertTrue(lake.recorder().calls().stream().anyMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains("revenue_by_day__")),
                lake.recorder().calls().toString());

        JsonNode failed = lake.logLines().stream()
                .filter(line -> line.get("message").asText().equals("athena query did not succeed"))
                .findFirst().orElseThrow();
        assertEquals("revenue_by_day", failed.get("model").asText());
        assertEquals(queryId, failed.get("queryId").asText());
        assertEquals("FAILED", failed.get("state").asText());
        assertTrue(failed.get("reason").asText().contains(FailingQueryAthena.REASON), failed.toString());

        // The next invocation builds it again from scratch: the failure did not record the new inputs.
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01", "2026-03-02"));
        Map<String, Object> retried = lake.handler().handleRequest(Map.of("models", List.of("revenue_by_day")), null);
        assertTrue(String.valueOf(retried.get("revenue_by_day")).startsWith("built "), retried.toString());
    }

    /**
     * An Error (the JVM out of memory or stack, an AssertionError from a library) thrown while the build's CTAS
     * runs went straight out of the build: the query was not stopped and the build not removed, but the lease was
     * released on the way out, so a next build could start beside a query that may still create its table and
     * files after that build looked. It now stops the query and removes the build like any failure, and goes on
     * unchanged: the invocation fails with it, as the JVM meant.
     */
    @ParameterizedTest
    @ValueSource(strings = {"OutOfMemoryError", "StackOverflowError", "AssertionError"})
    void anErrorWhileTheCtasRunsStopsTheQueryRemovesTheBuildAndGoesOnUnchanged(String kind) throws IOException {
        String previous = firstBuildOfRevenueByDay();
        JsonNode stateBefore = lake.state("revenue_by_day").orElseThrow();
        JsonNode recordBefore = lake.swapRecord("revenue_by_day").orElseThrow();
        List<String> tablesBefore = lake.goldTables();
        List<String> keysBefore = revenueKeys();
        List<String> viewVersionsBefore = lake.viewVersions("revenue_by_day");
        lake.addSilverFile("sales");
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01", "2026-03-02"));
        Error error = switch (kind) {
            case "OutOfMemoryError" -> new OutOfMemoryError("Java heap space (injected while the CTAS runs)");
            case "StackOverflowError" -> new StackOverflowError("injected while the CTAS runs");
            default -> new AssertionError("a library's assertion, injected while the CTAS runs");
        };
        // What a running CTAS has left when the poll fails: its table registered, a file written.
        ThrowingPollAthena athena = new ThrowingPollAthena(lake.athena(), sql -> sql.startsWith("CREATE TABLE") && sql.contains("revenue_by_day__"),
                this::leaveAHalfWrittenTable, error);
        lake.recorder().clear();

        Error thrown = assertThrows(Error.class, () -> lake.handler(athena).handleRequest(Map.of("models", List.of("revenue_by_day")), null));

        assertSame(error, thrown, "the Error goes on unchanged");
        assertEquals(1, athena.throwingQueryIds().size(), athena.throwingQueryIds().toString());
        String queryId = athena.throwingQueryIds().get(0);
        assertEquals(List.of(queryId), athena.stoppedQueryIds(), "the running CTAS is stopped");
        assertTrue(lake.recorder().calls("Athena").contains("Athena.StopQueryExecution " + queryId), lake.recorder().calls("Athena").toString());
        assertEquals(tablesBefore, lake.goldTables(), "the build's table is removed");
        assertEquals(keysBefore, revenueKeys(), "and its files");
        assertEquals(stateBefore, lake.state("revenue_by_day").orElseThrow());
        assertEquals(recordBefore, lake.swapRecord("revenue_by_day").orElseThrow());
        assertEquals(previous, lake.currentBuild("revenue_by_day"));
        assertEquals(viewVersionsBefore, lake.viewVersions("revenue_by_day"));

        // The lease was released, and the failure recorded nothing: the next invocation builds the model.
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01", "2026-03-02"));
        Map<String, Object> next = lake.handler().handleRequest(Map.of("models", List.of("revenue_by_day")), null);
        assertTrue(String.valueOf(next.get("revenue_by_day")).startsWith("built "), next.toString());
    }

    /**
     * An Error while the view swap runs: the swap may have landed, so, as for a swap whose state could not be
     * read, the build is kept (readers may be on it) and its record before the swap stays; the query is stopped.
     */
    @Test
    void anErrorWhileTheViewSwapRunsStopsItAndKeepsTheBuildReadersMayBeOn() throws IOException {
        firstBuildOfProductTotals();
        StackOverflowError error = new StackOverflowError("injected while the view swap runs");
        ThrowingPollAthena athena = new ThrowingPollAthena(lake.athena(), sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains("product_totals"),
                sql -> { }, error);

        Error thrown = assertThrows(Error.class, () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));

        assertSame(error, thrown);
        assertEquals(athena.throwingQueryIds(), athena.stoppedQueryIds(), "the view's query is stopped");
        String build = newBuildTable().substring("product_totals__".length());
        assertEquals(build, lake.swapRecord("product_totals").orElseThrow().get("current").get("buildId").asText(), "the record before the swap names it");
        assertTrue(lake.recorder().calls().stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains(build)),
                lake.recorder().calls().toString());
    }

    /**
     * An unchecked exception out of the SDK or a library while the view swap runs (here after Athena applied it):
     * the build was removed like one whose CTAS failed, its table dropped and its files deleted under a view that
     * selected from it, so every reader's query failed until the next silver change; and the record before the
     * swap was put back, so the next invocation built the model again rather than recording the build readers were
     * on. As for an Error there, the build is now kept, and the next invocation records it without a query.
     */
    @Test
    void anUncheckedExceptionWhileTheViewSwapRunsKeepsTheBuildReadersMayBeOn() throws IOException {
        String previous = firstBuildOfProductTotals();
        ThrowingPollAthena athena = new ThrowingPollAthena(lake.athena(), sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains("product_totals"),
                view -> {
                    // What Athena's CTAS left, and its swap of the view to it, as moto does neither.
                    leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((first, second) -> second).orElseThrow());
                    lake.addViewVersion("product_totals", newBuildTable());
                },
                new IllegalStateException("a library's broken invariant, injected while the view swap runs"));

        GoldBuildException failure = assertThrows(GoldBuildException.class,
                () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));

        String table = newBuildTable();
        String build = table.substring("product_totals__".length());
        assertTrue(failure.getMessage().contains("a library's broken invariant") && failure.getMessage().contains("is kept"), failure.getMessage());
        assertEquals(athena.throwingQueryIds(), athena.stoppedQueryIds(), "the view's query is stopped");
        assertKeptAndRecordedByTheNextInvocation(table, build, previous);
    }

    /**
     * Not an Error but no answer of Athena's either: an unchecked exception out of the SDK or a library while the
     * CTAS runs failed the model and removed its build, with the query left running, free to create its table
     * and files after that. It is stopped now, like a query whose state could not be read.
     */
    @Test
    void anUncheckedExceptionWhileTheCtasRunsStopsTheQueryAndFailsTheModel() throws IOException {
        firstBuildOfProductTotals();
        List<String> tablesBefore = lake.goldTables();
        ThrowingPollAthena athena = new ThrowingPollAthena(lake.athena(), sql -> sql.startsWith("CREATE TABLE") && sql.contains("product_totals__"),
                this::leaveAHalfWrittenTable, new IllegalStateException("a library's broken invariant, injected while the CTAS runs"));

        GoldBuildException failure = assertThrows(GoldBuildException.class,
                () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));

        assertTrue(failure.getMessage().contains("a library's broken invariant"), failure.getMessage());
        assertEquals(athena.throwingQueryIds(), athena.stoppedQueryIds(), "the running CTAS is stopped");
        assertEquals(1, athena.stoppedQueryIds().size());
        assertEquals(tablesBefore, lake.goldTables(), "the build's table is removed");
    }

    /**
     * A model whose SQL is wrong fails in Athena, which gives the place as a line and column of the statement
     * it ran: the CTAS, whose WITH clause comes before the model's SELECT, with the silver database's name in
     * place of {@code ${silver_database}}. That place is in no file a person has; the invocation's error names
     * the model's file and the line and column there.
     */
    @Test
    void aModelWhoseSqlAthenaRefusesFailsNamingItsFileAndThePlaceInIt() throws IOException {
        String unresolved = "p.product_id";
        FailingQueryAthena athena = new FailingQueryAthena(lake.athena(), sql -> sql.startsWith("CREATE TABLE") && sql.contains("product_totals__"),
                sql -> { }, sql -> {
                    // Trino's place: line and column of the whole statement, both counted from 1.
                    int at = sql.indexOf(unresolved);
                    int line = (int) sql.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
                    int column = at - sql.lastIndexOf('\n', at - 1);
                    return "COLUMN_NOT_FOUND: line " + line + ":" + column + ": Column '" + unresolved + "' cannot be resolved or requester is not authorized to access"
                            + " requested resources";
                });

        GoldBuildException failure = assertThrows(GoldBuildException.class, () -> lake.handler(athena)
                .handleRequest(Map.of("models", List.of("product_totals")), null));

        String message = failure.getMessage();
        // it-models/product_totals.sql, line 6: "JOIN ${silver_database}.products AS p ON p.product_id = s.product_id".
        assertTrue(message.contains("it-models/product_totals.sql:6:42"), message);
        assertTrue(message.contains("Column 'p.product_id' cannot be resolved"), message);
        JsonNode failed = lake.logLines().stream()
                .filter(line -> line.get("message").asText().equals("gold model failed"))
                .findFirst().orElseThrow();
        assertTrue(failed.get("error").asText().contains("it-models/product_totals.sql:6:42"), failed.toString());
    }

    /**
     * SQS delivers a message at least once: the one commit of a batch whose build is running comes a second
     * time, to the mapping's other invocation, which finds the lease held. Answering it as done had the
     * mapping delete the message (with its latest receipt handle): when the running build then failed, its
     * own batch came back to nothing, and the model it failed waited for the next silver commit or schedule.
     * The second delivery is handed back instead, and comes back after the visibility timeout to a build.
     */
    @Test
    void aSecondDeliveryOfTheCommitARunningBuildFailsComesBackAndBuildsTheFailedModel() throws IOException {
        try (TriggerQueue queue = new TriggerQueue(AWS)) {
            Map<String, Object> sample = GoldRequestTest.sqsEvent();
            @SuppressWarnings("unchecked")
            String commit = String.valueOf(((List<Map<String, Object>>) sample.get("Records")).get(1).get("body"));
            queue.send(commit.replace("2026-03-14T23:29:58.120Z", Instant.now().minusSeconds(60).toString()));
            // Visible again at once, so SQS delivers it a second time; the second delivery stays invisible 1 s.
            List<Message> first = queue.receive(0, 0);
            List<Message> second = queue.receive(1, 0);
            assertEquals(1, first.size());
            assertEquals(List.of(first.get(0).messageId()), second.stream().map(Message::messageId).toList(), "one message, delivered twice");
            String messageId = first.get(0).messageId();

            lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
            Map<String, Object> secondResponse = new LinkedHashMap<>();
            // While the first delivery's build holds the lease, at its revenue_by_day CTAS (which fails), the second is invoked.
            FailingQueryAthena athena = new FailingQueryAthena(lake.athena(), sql -> sql.startsWith("CREATE TABLE") && sql.contains("revenue_by_day__"), sql -> {
                Map<String, Object> response = lake.handler().handleRequest(queue.event(second), LambdaInvocation.of("gold-ctas", "second-delivery"));
                secondResponse.putAll(response);
                queue.settle(second, response);
            });
            assertThrows(GoldBuildException.class, () -> lake.handler(athena).handleRequest(queue.event(first), LambdaInvocation.of("gold-ctas", "first-delivery")));
            // The invocation failed: the mapping deletes nothing of its batch.

            assertEquals(Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", messageId))), secondResponse,
                    "the second delivery, found while the first delivery's build ran, is handed back until a build that succeeded covers it");
            assertTrue(lake.state("revenue_by_day").isEmpty(), "revenue_by_day failed");
            assertTrue(lake.state("product_totals").isPresent(), "product_totals was built");

            // After the visibility timeout the commit comes back, and its build builds the model the failed build left.
            List<Message> again = queue.receive(30, 5);
            assertEquals(List.of(messageId), again.stream().map(Message::messageId).toList(),
                    "the commit comes back after the visibility timeout: nothing else would build revenue_by_day until the next silver commit");
            lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
            Map<String, Object> response = lake.handler().handleRequest(queue.event(again), LambdaInvocation.of("gold-ctas", "third-delivery"));
            queue.settle(again, response);
            assertEquals(Map.of("batchItemFailures", List.of()), response);
            assertTrue(lake.state("revenue_by_day").isPresent(), "revenue_by_day built");
            assertEquals(List.of(), queue.receive(30, 2), "done with once a build that succeeded covered it");
        }
    }

    /**
     * {@code gold_rebuild_command} invokes asynchronously, and Lambda retries a failed asynchronous
     * invocation twice with the same request id. A forced request whose other model fails must not force
     * again, on each retry, the model it did build: each rebuild would make the last one the previous
     * build and delete the one before, the build readers had before the request (the rollback target),
     * and scan its inputs again. A new forced request, with a request id of its own, rebuilds it.
     */
    @Test
    void aRetryOfAForcedRequestDoesNotForceAgainWhatItBuiltSoTheRollbackBuildStays() throws IOException {
        String beforeTheRequest = firstBuildOfProductTotals();
        Map<String, Object> forced = Map.of("models", List.of("revenue_by_day", "product_totals"), "force", true);
        FailingQueryAthena athena = new FailingQueryAthena(lake.athena(), sql -> sql.startsWith("CREATE TABLE") && sql.contains("revenue_by_day__"), ctas -> { });
        LambdaInvocation invocation = LambdaInvocation.of("gold-ctas", "8f2c1c1e-request-1");

        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        assertThrows(GoldBuildException.class, () -> lake.handler(athena).handleRequest(forced, invocation));
        lake.applyAthenaEffects("product_totals");
        String builtByTheRequest = lake.currentBuild("product_totals");
        JsonNode stateAfterTheRequest = lake.state("product_totals").orElseThrow();
        assertEquals(beforeTheRequest, stateAfterTheRequest.get("previous").get("buildId").asText());
        assertEquals(invocation.requestId(), stateAfterTheRequest.get("requestId").asText(), "the state records the request that built it");

        for (int retry = 1; retry <= 2; retry++) {
            int queriesBefore = lake.athenaSql().size();
            lake.recorder().clear();
            lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));

            GoldBuildException failure = assertThrows(GoldBuildException.class, () -> lake.handler(athena).handleRequest(forced, invocation));

            assertTrue(failure.getMessage().startsWith("Could not build 1 of 2 gold model(s): revenue_by_day: "), failure.getMessage());
            List<String> sent = lake.athenaSql().subList(queriesBefore, lake.athenaSql().size());
            assertTrue(sent.stream().noneMatch(sql -> sql.contains("product_totals")), "retry " + retry + " sent no query for product_totals: " + sent);
            assertEquals(stateAfterTheRequest, lake.state("product_totals").orElseThrow(), "retry " + retry);
            assertTrue(lake.recorder().calls().stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains("product_totals__")),
                    lake.recorder().calls().toString());
            assertTrue(lake.goldTables().contains("product_totals__" + beforeTheRequest), "the rollback build's table stays: " + lake.goldTables());
            assertTrue(lake.goldKeys().stream().anyMatch(key -> key.startsWith("tables/product_totals/" + beforeTheRequest + "/")), "and its files");
        }
        JsonNode skipped = lake.logLines().stream()
                .filter(line -> line.get("message").asText().startsWith("gold model already built by this request"))
                .reduce((first, second) -> second).orElseThrow();
        assertEquals("product_totals", skipped.get("model").asText());
        assertEquals(builtByTheRequest, skipped.get("buildId").asText());

        // Another forced request, even with nothing changed, rebuilds it: force means a build of its own.
        Map<String, Object> again = lake.handler().handleRequest(Map.of("models", List.of("product_totals"), "force", true), LambdaInvocation.of("gold-ctas", "request-2"));

        String rebuilt = lake.currentBuild("product_totals");
        assertEquals(Map.of("product_totals", "built " + rebuilt), again);
        assertEquals(builtByTheRequest, lake.state("product_totals").orElseThrow().get("previous").get("buildId").asText());
        assertEquals("request-2", lake.state("product_totals").orElseThrow().get("requestId").asText());
    }

    /**
     * A forced request whose view swap landed but whose answer was lost (START_UNKNOWN): Lambda's retry,
     * same request id, finds the view on the build the first attempt recorded just before its swap, records
     * that build's state and does not force the model again, which would have made that build the previous
     * one and deleted the build readers had before the request, the one to roll back to.
     */
    @Test
    void aRetryOfAForcedRequestWhoseSwapLandedUnseenRecordsThatBuildAndKeepsTheOneBeforeTheRequest() throws IOException {
        firstBuildOfProductTotals();
        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);
        lake.applyAthenaEffects("product_totals");
        String beforeTheRequest = lake.currentBuild("product_totals");
        Map<String, Object> forced = Map.of("models", List.of("product_totals"), "force", true);
        LambdaInvocation invocation = LambdaInvocation.of("gold-ctas", "forced-request-1");
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.afterForwarding(500), 100);
            GoldBuildException failure = assertThrows(GoldBuildException.class, () -> lake.handler(athena).handleRequest(forced, invocation));
            assertTrue(failure.getMessage().contains("START_UNKNOWN"), failure.getMessage());
        }
        String unseen = newBuildTable();
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((first, second) -> second).orElseThrow());
        lake.addViewVersion("product_totals", unseen);
        int queriesBefore = lake.athenaSql().size();

        // Lambda retries the failed asynchronous invocation with the same request id; nothing changed in silver.
        Map<String, Object> retried = lake.handler().handleRequest(forced, invocation);

        String swapped = unseen.substring("product_totals__".length());
        assertEquals(Map.of("product_totals", "unchanged " + swapped), retried);
        assertEquals(List.of(), lake.athenaSql().subList(queriesBefore, lake.athenaSql().size()), "not forced again");
        JsonNode state = lake.state("product_totals").orElseThrow();
        assertEquals(swapped, state.get("current").get("buildId").asText());
        assertEquals(beforeTheRequest, state.get("previous").get("buildId").asText(), "the rollback build is the one from before the request");
        assertEquals(invocation.requestId(), state.get("requestId").asText());
        assertTrue(lake.goldTables().contains("product_totals__" + beforeTheRequest), "the build readers had before the request stays: " + lake.goldTables());
        assertTrue(lake.goldKeys().stream().anyMatch(key -> key.startsWith("tables/product_totals/" + beforeTheRequest + "/")), "and its files");

        // A new forced request builds again, taking the request's build as its previous one.
        lake.handler().handleRequest(forced, LambdaInvocation.of("gold-ctas", "forced-request-2"));
        assertEquals(swapped, lake.state("product_totals").orElseThrow().get("previous").get("buildId").asText());
    }

    /**
     * A forced request whose state could not be written after its swap: the retry records that build, as
     * the first attempt would have, rather than forcing the model again.
     */
    @Test
    void aRetryOfAForcedRequestWhoseStateWriteFailedRecordsTheBuildItSwappedIn() throws IOException {
        String beforeTheRequest = firstBuildOfProductTotals();
        Map<String, Object> forced = Map.of("models", List.of("product_totals"), "force", true);
        LambdaInvocation invocation = LambdaInvocation.of("gold-ctas", "forced-request-1");
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                S3Client s3 = s3Through(proxy)) {
            proxy.inject(Request.s3("PUT", "/tables/_state/product_totals.json"), Fault.status(500), 100);
            GoldCtasHandler handler = handlerWith(s3);
            GoldBuildException failure = assertThrows(GoldBuildException.class, () -> handler.handleRequest(forced, invocation));
            assertTrue(failure.getMessage().contains("could not record the build state"), failure.getMessage());
        }
        String swapped = newBuildTable();
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((first, second) -> second).orElseThrow());
        lake.addViewVersion("product_totals", swapped);
        int queriesBefore = lake.athenaSql().size();

        Map<String, Object> retried = lake.handler().handleRequest(forced, invocation);

        String build = swapped.substring("product_totals__".length());
        assertEquals(Map.of("product_totals", "unchanged " + build), retried);
        assertEquals(List.of(), lake.athenaSql().subList(queriesBefore, lake.athenaSql().size()), "not forced again");
        assertEquals(build, lake.currentBuild("product_totals"));
        assertEquals(beforeTheRequest, lake.state("product_totals").orElseThrow().get("previous").get("buildId").asText());
        assertTrue(lake.goldTables().contains("product_totals__" + beforeTheRequest), lake.goldTables().toString());
    }

    /**
     * The view's CREATE OR REPLACE reaches Athena, and its answer is lost (a server error on every
     * attempt, after the request took effect). Whether readers are on the new build is unknown: it must
     * be kept, not deleted under a view that may point at it.
     */
    @Test
    void aViewSwapThatMayHaveStartedUnseenKeepsItsBuild() throws IOException {
        String previous = firstBuildOfProductTotals();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.afterForwarding(500), 100);

            GoldBuildException failure = assertThrows(GoldBuildException.class,
                    () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));

            String message = failure.getMessage();
            assertTrue(message.contains("view") && message.contains("START_UNKNOWN") && message.contains("may be running"), message);
            assertTrue(message.contains("resent 4 time(s) with its ClientRequestToken product_totals-"), message);
        }
        String built = newBuildTable();
        assertEquals(1, lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains(built)).count(),
                "the view's statement reached Athena, and started once, every attempt and resend with one token: " + lake.athenaSql());
        assertTrue(lake.recorder().calls().stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains(built)),
                lake.recorder().calls().toString());
        assertEquals(previous, lake.currentBuild("product_totals"), "nothing recorded: the next build rebuilds");
    }

    /**
     * A view swap whose start and every resend went unanswered (START_UNKNOWN) reached Athena and waits in its queue:
     * Athena queues queries before they run ("Your queries may be temporarily queued before they run", the User
     * Guide's Service Quotas) and cancels a DDL query only at its DDL query timeout, 600 minutes by default. The next
     * invocation read the view before that swap ran, took the build before it for the previous one and swapped its own
     * build in; the queued swap then ran and put readers back on the older build, the state naming the newer one, until
     * the inputs changed again. moto runs no SQL: here a swap's effect, the view on its build, lands when the builder
     * sees its query end, and the unseen one, if nothing waited for it, at the end of its queue, after the next
     * invocation. Now its start carries a token the next invocation knows (the model, the build and the step), which
     * resends it, learns the query, and waits for it before it reads the view.
     */
    @Test
    void aViewSwapWhoseStartWentUnansweredIsWaitedForByTheNextInvocationBeforeItReadsTheView() throws IOException {
        String first = firstBuildOfProductTotals();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.afterForwarding(500), 100);
            GoldBuildException failure = assertThrows(GoldBuildException.class,
                    () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));
            assertTrue(failure.getMessage().contains("START_UNKNOWN"), failure.getMessage());
        }
        String unseen = newBuildTable();
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((one, other) -> other).orElseThrow());
        String unseenSwap = lake.athenaQueryIds().get(lake.athenaSql().size() - 1);
        assertTrue(lake.athenaSql().get(lake.athenaSql().size() - 1).startsWith("CREATE OR REPLACE VIEW"), lake.athenaSql().toString());
        lake.addSilverFile("products");
        SwapsLandingWhenSeenToEnd athena = new SwapsLandingWhenSeenToEnd(lake);

        Map<String, Object> outcome = lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null);
        if (!athena.landed().contains(unseenSwap)) {
            // Nothing waited for it: it ends at last, after the invocation that took the view as it was before it.
            lake.addViewVersion("product_totals", unseen);
        }

        String next = newBuildTable();
        String nextId = next.substring("product_totals__".length());
        assertEquals(Map.of("product_totals", "built " + nextId), outcome);
        assertEquals(next, viewTable("product_totals"), "readers are on the build the state names, not moved back by the swap before it");
        JsonNode state = lake.state("product_totals").orElseThrow();
        assertEquals(nextId, state.get("current").get("buildId").asText());
        assertEquals(unseen.substring("product_totals__".length()), state.get("previous").get("buildId").asText(),
                "the previous build is the one readers were on until the swap, the unseen swap's: " + state);
        assertEquals(1, lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains(unseen)).count(),
                "the resend found the swap by its token and started no other: " + lake.athenaSql());
        assertTrue(lake.goldTables().contains(unseen) && lake.goldTables().contains("product_totals__" + first), lake.goldTables().toString());
    }

    /**
     * The unseen swap, sent again by the next invocation with its token, ends FAILED (Athena's word, the view not on
     * its build): it can no longer move the view, so the model is built as usual, the build readers were on kept as
     * the previous one, and the record naming the unseen build is replaced by the new build's, after being emptied
     * so that no invocation sends that swap again, which after Athena forgot its token would start it anew.
     */
    @Test
    void aViewSwapWhoseStartWentUnansweredAndThatFailedIsNotSentAgainOnceItsEndIsKnown() throws IOException {
        String first = firstBuildOfProductTotals();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.afterForwarding(500), 100);
            assertThrows(GoldBuildException.class, () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));
        }
        String unseen = newBuildTable();
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((one, other) -> other).orElseThrow());
        lake.addSilverFile("products");
        FailingQueryAthena athena = new FailingQueryAthena(lake.athena(), sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains(unseen), sql -> { });

        Map<String, Object> outcome = lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null);

        String next = newBuildTable();
        assertEquals(Map.of("product_totals", "built " + next.substring("product_totals__".length())), outcome);
        assertEquals(1, athena.failedQueryIds().size(), "the unseen swap, found by its token, started once: " + lake.athenaSql());
        assertEquals(first, lake.state("product_totals").orElseThrow().get("previous").get("buildId").asText());
        JsonNode ended = lake.logLines().stream()
                .filter(line -> line.get("message").asText().startsWith("gold model's view swap of an earlier build, which no invocation saw end"))
                .findFirst().orElseThrow();
        assertEquals("FAILED", ended.get("state").asText());
        assertTrue(ended.get("recordBefore").asText().startsWith("emptied"), ended.toString());
    }

    /**
     * An invocation killed (its Lambda timeout) after the record before the swap was written and before the swap was
     * sent at all: no start of the swap reached Athena, so the next invocation's resend, its token new to Athena, starts
     * it. That is the right build to swap in: complete (its CTAS ended before the record was written), newer than the
     * state's, and the record is written only just before its own swap, so no later build had swapped in since (a later
     * build writes its own record first). The next invocation swaps it in, waits for it, and, the inputs as that build
     * read them, records it without another build, the build readers were on kept as the previous one.
     */
    @Test
    void aBuildKilledAfterItsRecordBeforeTheSwapAndBeforeSendingItIsSwappedInByTheNextInvocation() throws IOException {
        String first = firstBuildOfProductTotals();
        KilledAtViewStart killed = new KilledAtViewStart(lake.athena());
        assertThrows(InvocationKilled.class, () -> lake.handler(killed).handleRequest(Map.of("models", List.of("product_totals")), null));
        String unsent = newBuildTable();
        String unsentId = unsent.substring("product_totals__".length());
        assertEquals(0, lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains(unsent)).count(),
                "no swap reached Athena: " + lake.athenaSql());
        assertEquals(unsentId, lake.swapRecord("product_totals").orElseThrow().get("current").get("buildId").asText());
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((one, other) -> other).orElseThrow());
        assertEquals("product_totals__" + first, viewTable("product_totals"));
        SwapsLandingWhenSeenToEnd athena = new SwapsLandingWhenSeenToEnd(lake);

        Map<String, Object> outcome = lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null);

        assertEquals(1, athena.landed().size(), "the swap the killed invocation never sent, started now and waited for: " + lake.athenaSql());
        assertEquals(unsent, viewTable("product_totals"), "readers are on the complete build the killed invocation made: " + outcome);
        JsonNode state = lake.state("product_totals").orElseThrow();
        assertEquals(unsentId, state.get("current").get("buildId").asText(), "its state recorded, not built again: " + state);
        assertEquals(first, state.get("previous").get("buildId").asText(), "the build readers were on is the one to roll back to: " + state);
        assertEquals(2, lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).count(), "the first build and the killed one's, no other: "
                + lake.athenaSql());
        assertTrue(lake.goldTables().contains("product_totals__" + first), lake.goldTables().toString());
    }

    /**
     * The unseen swap, sent again by the next invocation with its token, cannot be waited for: its state cannot be read
     * (UNKNOWN; AthenaQueries stops it, as any query it loses sight of). It may still move the view, so the model is not
     * decided on: it fails, saying to invoke again, no build started and the unseen build kept. The invocation after,
     * the swap ended (stopped: CANCELLED, the view not on its build), proceeds: the record naming it emptied, the model
     * built, readers on the new build and the state naming it.
     */
    @Test
    void aResentViewSwapThatCannotBeWaitedForFailsTheModelSayingToInvokeAgainAndTheInvocationAfterItEndsProceeds() throws IOException {
        String first = firstBuildOfProductTotals();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.afterForwarding(500), 100);
            assertThrows(GoldBuildException.class, () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));
        }
        String unseen = newBuildTable();
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((one, other) -> other).orElseThrow());
        lake.addSilverFile("products");
        int ctasBefore = (int) lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).count();
        UnreadableSwapState unreadable = new UnreadableSwapState(lake.athena(), unseen);

        GoldBuildException failure = assertThrows(GoldBuildException.class,
                () -> lake.handler(unreadable).handleRequest(Map.of("models", List.of("product_totals")), null));

        assertTrue(failure.getMessage().contains("UNKNOWN") && failure.getMessage().contains(unseen) && failure.getMessage().contains("invoke again")
                && failure.getMessage().contains("is kept"), failure.getMessage());
        assertEquals(ctasBefore, lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).count(), "no build while the swap may run: " + lake.athenaSql());
        assertEquals(List.of(unreadable.swapQueryId().orElseThrow()), unreadable.stoppedQueryIds(), "the swap it lost sight of is stopped");
        assertTrue(lake.goldTables().contains(unseen), lake.goldTables().toString());
        assertEquals("product_totals__" + first, viewTable("product_totals"));

        Map<String, Object> outcome = lake.handler(new SwapsLandingWhenSeenToEnd(lake)).handleRequest(Map.of("models", List.of("product_totals")), null);

        String next = newBuildTable();
        assertEquals(Map.of("product_totals", "built " + next.substring("product_totals__".length())), outcome);
        assertEquals(next, viewTable("product_totals"));
        JsonNode state = lake.state("product_totals").orElseThrow();
        assertEquals(first, state.get("previous").get("buildId").asText(), "readers were on the first build until this swap: " + state);
        assertEquals(1, lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains(unseen)).count(),
                "the stopped swap, found by its token, not started again: " + lake.athenaSql());
    }

    /**
     * The unseen swap, sent again by the next invocation with its token, is still queued when the invocation's deadline
     * comes (TIMED_OUT; AthenaQueries stops it, as any query still running at the margin). moto keeps it QUEUED (its
     * state manager's manual progression), and each poll of it takes 3 s of the invocation's time (the time left the
     * test gives the handler falls with each GetQueryExecution through the FaultProxy, not with the wall clock, so that
     * a slow machine does not turn the resend into one not started for lack of time), so the invocation's time runs out
     * while waiting for it. It may still move the view, so the model is not decided on: it fails, saying to
     * invoke again, no build started and the unseen build kept. The invocation after, the swap ended (stopped:
     * CANCELLED, the view not on its build), proceeds: the record naming it emptied, the model built, readers on the
     * new build and the state naming it.
     */
    @Test
    void aResentViewSwapStillQueuedAtTheDeadlineFailsTheModelSayingToInvokeAgainAndTheInvocationAfterItEndsProceeds() throws IOException {
        String first = firstBuildOfProductTotals();
        GoldBuildException failure;
        String unseen;
        String unseenSwap;
        long ctasBefore;
        try {
            try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
                proxy.inject(secondAndLaterQueryStarts(), Fault.afterForwarding(500), 100);
                assertThrows(GoldBuildException.class, () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));
            }
            // From now on moto keeps every query not yet seen to end QUEUED: the unseen swap, whose state no one has read.
            AWS.motoApi("/moto-api/state-manager/set-transition",
                    "{\"model_name\": \"athena::execution\", \"transition\": {\"progression\": \"manual\", \"times\": 1000000}}");
            unseen = newBuildTable();
            leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((one, other) -> other).orElseThrow());
            unseenSwap = lake.athenaQueryIds().get(lake.athenaSql().size() - 1);
            assertTrue(lake.athenaSql().get(lake.athenaSql().size() - 1).startsWith("CREATE OR REPLACE VIEW"), lake.athenaSql().toString());
            lake.addSilverFile("products");
            ctasBefore = lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).count();
            try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
                // 6 s over the safety margin, and each poll takes 3 s of it, however long the machine takes for the rest:
                // the resend starts (a first poll fits), and the second poll leaves less than the margin.
                ForwardingContext nearItsEnd = new ForwardingContext(LambdaInvocation.of("gold-ctas", "request-near-its-end"),
                        () -> (int) dev.medallion.gold.build.GoldBuilder.SAFETY_MARGIN.plusSeconds(6).toMillis() - 3_000 * polls(proxy));

                failure = assertThrows(GoldBuildException.class,
                        () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), nearItsEnd));
                assertEquals(2, polls(proxy), "the resent swap polled twice, the second at the margin: " + proxy.requests());
            }
        }
        finally {
            AWS.motoApi("/moto-api/state-manager/unset-transition", "{\"model_name\": \"athena::execution\"}");
        }

        String message = failure.getMessage();
        assertTrue(message.contains("TIMED_OUT") && message.contains(unseenSwap) && message.contains(unseen) && message.contains("is kept")
                && message.contains("invoke again"), message);
        assertFalse(message.contains("workgroup's history"), message);
        assertEquals(ctasBefore, lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).count(), "no build while the swap may run: " + lake.athenaSql());
        assertTrue(lake.recorder().calls().contains("Athena.StopQueryExecution " + unseenSwap), "the swap still queued at the margin is stopped: "
                + lake.recorder().calls());
        assertEquals("CANCELLED", AWS.athena().getQueryExecution(request -> request.queryExecutionId(unseenSwap)).queryExecution().status().stateAsString());
        assertTrue(lake.goldTables().contains(unseen), lake.goldTables().toString());
        assertEquals("product_totals__" + first, viewTable("product_totals"));

        Map<String, Object> outcome = lake.handler(new SwapsLandingWhenSeenToEnd(lake)).handleRequest(Map.of("models", List.of("product_totals")), null);

        String next = newBuildTable();
        assertEquals(Map.of("product_totals", "built " + next.substring("product_totals__".length())), outcome);
        assertEquals(next, viewTable("product_totals"));
        JsonNode state = lake.state("product_totals").orElseThrow();
        assertEquals(first, state.get("previous").get("buildId").asText(), "readers were on the first build until this swap: " + state);
        assertEquals(1, lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains(unseen)).count(),
                "the stopped swap, found by its token, not started again: " + lake.athenaSql());
        JsonNode ended = lake.logLines().stream()
                .filter(line -> line.get("message").asText().startsWith("gold model's view swap of an earlier build, which no invocation saw end"))
                .reduce((one, other) -> other).orElseThrow();
        assertEquals("CANCELLED", ended.get("state").asText());
        assertTrue(ended.get("recordBefore").asText().startsWith("emptied"), ended.toString());
    }

    /**
     * The weakest of the paths that drop a build table, against a view swap still queued in Athena: the leftovers of
     * an unchanged model (step 7) go once six hours old, and Athena cancels a queued DDL query only at its DDL query
     * timeout, 600 minutes by default. The record before the last swap names a build eight hours old, the newest of the
     * model (so no readers' grace keeps it), neither the state's nor the view's, whose swap, sent again with its token,
     * is still queued at the deadline (moto's state manager keeping it QUEUED, the invocation's time counted from the
     * polls as in the test above). The model, unchanged, fails saying to invoke again, and that build, its table and
     * its files stay: were the swap not waited for before the leftovers are removed, the queued swap would later run
     * over a dropped table (which Athena fails, TABLE_NOT_FOUND) and the build it names would be gone for good.
     */
    @Test
    void aBuildWhoseResentSwapIsStillQueuedIsNoLeftoverOfAnUnchangedModelHoweverOld() throws IOException {
        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);
        lake.applyAthenaEffects("product_totals");
        String first = lake.currentBuild("product_totals");
        String fingerprint = lake.state("product_totals").orElseThrow().get("fingerprint").asText();
        // The first build stands aside, so that the builds below are the model's only ones: a current build nine hours old,
        // readers on it, and the queued swap's build eight hours old, the newest.
        AWS.glue().deleteTable(request -> request.databaseName(lake.goldDatabase()).name("product_totals__" + first));
        for (String key : lake.goldKeys().stream().filter(key -> key.startsWith("tables/product_totals/" + first + "/")).toList()) {
            AWS.client().deleteObject(request -> request.bucket(lake.goldBucket()).key(key));
        }
        Instant now = Instant.now();
        String current = leaveABuild("product_totals", now.minus(Duration.ofHours(9)), true);
        String queued = leaveABuild("product_totals", now.minus(Duration.ofHours(8)), true);
        lake.addViewVersion("product_totals", "product_totals__" + current);
        AWS.client().putObject(request -> request.bucket(lake.goldBucket()).key("tables/_state/product_totals.json"),
                software.amazon.awssdk.core.sync.RequestBody.fromString(stateJson("product_totals", fingerprint, current)));
        AWS.client().putObject(request -> request.bucket(lake.goldBucket()).key("tables/_state/product_totals.swap.json"),
                software.amazon.awssdk.core.sync.RequestBody.fromString(stateJson("product_totals", fingerprint, queued)));
        lake.recorder().clear();
        int queriesBefore = lake.athenaSql().size();
        Optional<GoldBuildException> failure;
        try {
            AWS.motoApi("/moto-api/state-manager/set-transition",
                    "{\"model_name\": \"athena::execution\", \"transition\": {\"progression\": \"manual\", \"times\": 1000000}}");
            try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
                ForwardingContext nearItsEnd = new ForwardingContext(LambdaInvocation.of("gold-ctas", "request-unchanged-near-its-end"),
                        () -> (int) dev.medallion.gold.build.GoldBuilder.SAFETY_MARGIN.plusSeconds(6).toMillis() - 3_000 * polls(proxy));

                // Caught rather than asserted here, so that what was removed is what a broken build shows first.
                failure = failureOf(() -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), nearItsEnd));
            }
        }
        finally {
            AWS.motoApi("/moto-api/state-manager/unset-transition", "{\"model_name\": \"athena::execution\"}");
        }

        for (String kept : List.of(current, queued)) {
            assertTrue(lake.goldTables().contains("product_totals__" + kept), kept + ": " + lake.goldTables());
            assertTrue(lake.goldKeys().stream().anyMatch(key -> key.startsWith("tables/product_totals/" + kept + "/")), kept + ": " + lake.goldKeys());
        }
        assertTrue(lake.recorder().calls().stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ")), lake.recorder().calls().toString());
        assertTrue(lake.logLines().stream().noneMatch(line -> line.get("message").asText().startsWith("gold model's leftover builds")),
                lake.logLines().toString());
        List<String> sent = lake.athenaSql().subList(queriesBefore, lake.athenaSql().size());
        assertEquals(1, sent.size(), "the queued swap, sent again, and no other query: " + sent);
        assertTrue(sent.get(0).startsWith("CREATE OR REPLACE VIEW") && sent.get(0).contains("product_totals__" + queued), sent.toString());
        assertEquals("product_totals__" + current, viewTable("product_totals"));
        String message = failure.orElseThrow(() -> new AssertionError("the model was decided on while the swap may still be queued")).getMessage();
        assertTrue(message.contains("TIMED_OUT") && message.contains("product_totals__" + queued) && message.contains("invoke again"), message);
    }

    private static Optional<GoldBuildException> failureOf(Runnable invocation) {
        try {
            invocation.run();
            return Optional.empty();
        }
        catch (GoldBuildException e) {
            return Optional.of(e);
        }
    }

    /** A build state of {@code model} naming {@code build} as its current one, built from inputs of {@code fingerprint}. */
    private String stateJson(String model, String fingerprint, String build) {
        return "{\"formatVersion\":1,\"model\":\"" + model + "\",\"fingerprint\":\"" + fingerprint + "\","
                + "\"current\":{\"buildId\":\"" + build + "\",\"table\":\"" + model + "__" + build + "\",\"location\":\"s3://" + lake.goldBucket()
                + "/tables/" + model + "/" + build + "/\"},"
                + "\"builtAt\":\"" + Instant.now() + "\",\"requestId\":\"an-earlier-request\"}";
    }

    /** The GetQueryExecution requests {@code proxy} has received: the polls of the queries waited for through it. */
    private static int polls(FaultProxy proxy) {
        return (int) proxy.requests().stream().filter(request -> "AmazonAthena.GetQueryExecution".equals(request.headers().get("x-amz-target"))).count();
    }

    /**
     * Athena refuses the resent swap (a token sent before with another statement: a view statement an upgrade changed,
     * or an older builder's token). Whether that earlier swap is still queued cannot be told from the view, so every
     * invocation fails the model, no build started and the unseen build kept, the message naming the swap's table, the
     * query to look for and the key to empty once it has ended; emptied, the model is built.
     */
    @Test
    void aResentViewSwapAthenaRefusesFailsEveryInvocationNamingTheRecordToEmpty() throws IOException {
        String first = firstBuildOfProductTotals();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.afterForwarding(500), 100);
            assertThrows(GoldBuildException.class, () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));
        }
        String unseen = newBuildTable();
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((one, other) -> other).orElseThrow());
        lake.addSilverFile("products");
        long ctasBefore = lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).count();
        RefusedViewStart refusing = new RefusedViewStart(lake.athena(), unseen);

        for (int invocation = 1; invocation <= 2; invocation++) {
            GoldBuildException failure = assertThrows(GoldBuildException.class,
                    () -> lake.handler(refusing).handleRequest(Map.of("models", List.of("product_totals")), null));
            assertTrue(failure.getMessage().contains("NOT_STARTED") && failure.getMessage().contains(unseen)
                    && failure.getMessage().contains("tables/_state/product_totals.swap.json") && failure.getMessage().contains("workgroup's history"),
                    failure.getMessage());
        }
        assertEquals(2, refusing.refusals());
        assertEquals(ctasBefore, lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).count(), "no build while refused: " + lake.athenaSql());
        assertTrue(lake.goldTables().contains(unseen), lake.goldTables().toString());

        AWS.client().putObject(request -> request.bucket(lake.goldBucket()).key("tables/_state/product_totals.swap.json"),
                software.amazon.awssdk.core.sync.RequestBody.empty());
        Map<String, Object> outcome = lake.handler(refusing).handleRequest(Map.of("models", List.of("product_totals")), null);

        assertEquals(Map.of("product_totals", "built " + newBuildTable().substring("product_totals__".length())), outcome);
        assertEquals(first, lake.state("product_totals").orElseThrow().get("previous").get("buildId").asText());
    }

    /**
     * The unseen swap is not sent again for lack of time (the invocation's deadline leaves too little to wait for it:
     * NO_TIME_TO_START, no start reaching Athena): the model fails, saying to invoke again, no build started and the unseen
     * build kept; the message does not tell a person to look for a refused swap in the workgroup's history and empty the
     * record, which is for a swap Athena refuses at every invocation: this one the next invocation with time sends.
     */
    @Test
    void aResentViewSwapNotStartedForLackOfTimeFailsTheModelSayingToInvokeAgainWithoutTheHintForARefusedOne() throws IOException {
        firstBuildOfProductTotals();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.afterForwarding(500), 100);
            assertThrows(GoldBuildException.class, () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));
        }
        String unseen = newBuildTable();
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((one, other) -> other).orElseThrow());
        lake.addSilverFile("products");
        int queriesBefore = lake.athenaSql().size();
        // Enough to tell whether the inputs changed (the safety margin), too little to start a query and poll it once.
        LambdaInvocation nearItsEnd = LambdaInvocation.of("gold-ctas", "request-near-its-end")
                .withRemainingMillis((int) dev.medallion.gold.build.GoldBuilder.SAFETY_MARGIN.toMillis() + 100);

        GoldBuildException failure = assertThrows(GoldBuildException.class,
                () -> lake.handler().handleRequest(Map.of("models", List.of("product_totals")), nearItsEnd));

        String message = failure.getMessage();
        assertTrue(message.contains("NO_TIME_TO_START") && message.contains("not started: 30100 ms of the invocation left") && message.contains(unseen)
                && message.contains("is kept") && message.contains("invoke again"), message);
        assertFalse(message.contains("NOT_STARTED") || message.contains("refuse") || message.contains("workgroup's history") || message.contains("product_totals.swap.json"), message);
        assertEquals(List.of(), lake.athenaSql().subList(queriesBefore, lake.athenaSql().size()), "nothing reached Athena");
        assertTrue(lake.goldTables().contains(unseen), lake.goldTables().toString());
    }

    /**
     * The record before the swap cannot be read (S3 answers 500 to every GET of it) while a swap no invocation saw end
     * may still be queued: without the record, whether one is cannot be told, so the model fails, saying so and to
     * invoke again, no build started. Before, the unread record was passed over as a damaged one is: the model was
     * built, the view taken as it was, and the queued swap then put readers back on the older build, the state naming
     * the newer one. The invocation after, the record readable again, waits for the swap and builds.
     */
    @Test
    void aRecordBeforeTheSwapThatCannotBeReadFailsTheModelRatherThanBuildingBesideASwapThatMayBeQueued() throws IOException {
        firstBuildOfProductTotals();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.afterForwarding(500), 100);
            assertThrows(GoldBuildException.class, () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));
        }
        String unseen = newBuildTable();
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((one, other) -> other).orElseThrow());
        String unseenSwap = lake.athenaQueryIds().get(lake.athenaSql().size() - 1);
        lake.addSilverFile("products");
        long ctasBefore = lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).count();
        SwapsLandingWhenSeenToEnd landing = new SwapsLandingWhenSeenToEnd(lake);
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); S3Client s3 = s3Through(proxy)) {
            proxy.inject(Request.s3("GET", "/tables/_state/product_totals.swap.json"), Fault.status(500), 100);
            GoldCtasHandler handler = new GoldCtasHandler(lake.environment(), s3, lake.glue(), landing, lake.models(), lake.log(), lake.recordingSleeper());

            GoldBuildException failure = assertThrows(GoldBuildException.class, () -> handler.handleRequest(Map.of("models", List.of("product_totals")), null));

            if (!landing.landed().contains(unseenSwap)) {
                // Nothing waited for it: it ends at last, after the invocation that took the view as it was before it.
                lake.addViewVersion("product_totals", unseen);
            }
            assertTrue(failure.getMessage().contains("product_totals.swap.json") && failure.getMessage().contains("invoke again"), failure.getMessage());
        }
        assertEquals(ctasBefore, lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).count(),
                "no build beside a swap that may be queued: " + lake.athenaSql());

        Map<String, Object> outcome = lake.handler(landing).handleRequest(Map.of("models", List.of("product_totals")), null);

        String next = newBuildTable();
        assertEquals(Map.of("product_totals", "built " + next.substring("product_totals__".length())), outcome);
        assertEquals(next, viewTable("product_totals"), "readers are on the build the state names");
        assertEquals(unseen.substring("product_totals__".length()), lake.state("product_totals").orElseThrow().get("previous").get("buildId").asText());
    }

    /**
     * The record before the swap names a swap no invocation saw end, and is of a newer format: a newer gold-ctas wrote it, and this
     * one is an older version deployed again (a rollback). It may name a swap still queued that this builder cannot read to wait
     * for, so the model fails, naming the record, both formats and what to do, no build started and the record left as it is.
     * Before, it was taken for a damaged record: the model was built, the view taken as it was, and the queued swap then put
     * readers back on the older build, the state naming the newer one. Once the newer one's swaps have ended, the record deleted
     * as the failure says, the invocation after builds, the build the view selects from kept as the previous one.
     */
    @Test
    void aRecordBeforeTheSwapOfANewerFormatFailsTheModelRatherThanBuildingBesideASwapThatMayBeQueued() throws IOException {
        firstBuildOfProductTotals();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.afterForwarding(500), 100);
            assertThrows(GoldBuildException.class, () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));
        }
        String unseen = newBuildTable();
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((one, other) -> other).orElseThrow());
        String unseenSwap = lake.athenaQueryIds().get(lake.athenaSql().size() - 1);
        // As a newer gold-ctas writes it: a format this one does not read, and a field it does not know.
        String swapKey = "tables/_state/product_totals.swap.json";
        String newer = lake.swapRecord("product_totals").orElseThrow().toString()
                .replaceFirst("\"formatVersion\":1,", "\"formatVersion\":2,\"swapQueries\":[\"" + unseenSwap + "\"],");
        assertTrue(newer.contains("\"formatVersion\":2,") && newer.contains(unseen.substring("product_totals__".length())), newer);
        AWS.client().putObject(request -> request.bucket(lake.goldBucket()).key(swapKey), software.amazon.awssdk.core.sync.RequestBody.fromString(newer));
        long ctasBefore = lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).count();
        SwapsLandingWhenSeenToEnd landing = new SwapsLandingWhenSeenToEnd(lake);

        GoldBuildException failure = assertThrows(GoldBuildException.class, () -> lake.handler(landing).handleRequest(Map.of("models", List.of("product_totals")), null));

        if (!landing.landed().contains(unseenSwap)) {
            // Nothing waited for it: it ends at last, after any invocation that took the view as it was before it.
            lake.addViewVersion("product_totals", unseen);
        }
        String message = failure.getMessage();
        assertTrue(message.contains("s3://" + lake.goldBucket() + "/" + swapKey) && message.contains("format 2") && message.contains("format 1")
                && message.contains("a newer gold-ctas wrote it") && message.contains("may name a view swap") && message.contains("roll forward")
                && message.contains("delete it"), message);
        assertEquals(ctasBefore, lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).count(),
                "no build beside a swap that may be queued: " + lake.athenaSql());
        assertEquals(newer, lake.swapRecord("product_totals").orElseThrow().toString(), "the newer gold-ctas's record, left as it wrote it");
        assertTrue(lake.logLines().stream().noneMatch(line -> line.get("message").asText().startsWith("the record of the gold model's last swap is damaged")),
                "not taken for a damaged record: " + lake.logLines());

        // The newer one's swaps have ended: the record deleted, as the failure says.
        AWS.client().deleteObject(request -> request.bucket(lake.goldBucket()).key(swapKey));
        Map<String, Object> outcome = lake.handler(landing).handleRequest(Map.of("models", List.of("product_totals")), null);

        String next = newBuildTable();
        assertEquals(Map.of("product_totals", "built " + next.substring("product_totals__".length())), outcome);
        assertEquals(next, viewTable("product_totals"), "readers are on the build the state names");
        assertEquals(unseen.substring("product_totals__".length()), lake.state("product_totals").orElseThrow().get("previous").get("buildId").asText());
    }

    /** What a kill of the invocation looks like from inside it: a Throwable nothing catches, here at the view swap's start, before it is sent. */
    private static final class InvocationKilled extends Error {
        InvocationKilled() {
            super("killed: the invocation reached its timeout");
        }
    }

    /** moto, but the invocation is killed as it goes to send its view swap: the swap never reaches Athena. */
    private static final class KilledAtViewStart extends ForwardingAthena {
        KilledAtViewStart(AthenaClient moto) {
            super(moto);
        }

        @Override
        public software.amazon.awssdk.services.athena.model.StartQueryExecutionResponse startQueryExecution(
                software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest request) {
            if (request.queryString().startsWith("CREATE OR REPLACE VIEW")) {
                throw new InvocationKilled();
            }
            return super.startQueryExecution(request);
        }
    }

    /** moto, but the state of the view swap onto {@code table} cannot be read (a 500 after the SDK's retries); records the queries stopped. */
    private static final class UnreadableSwapState extends ForwardingAthena {
        private final String table;
        private Optional<String> swapQueryId = Optional.empty();
        private final List<String> stopped = new ArrayList<>();

        UnreadableSwapState(AthenaClient moto, String table) {
            super(moto);
            this.table = table;
        }

        Optional<String> swapQueryId() {
            return swapQueryId;
        }

        List<String> stoppedQueryIds() {
            return List.copyOf(stopped);
        }

        @Override
        public software.amazon.awssdk.services.athena.model.StartQueryExecutionResponse startQueryExecution(
                software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest request) {
            software.amazon.awssdk.services.athena.model.StartQueryExecutionResponse response = super.startQueryExecution(request);
            if (request.queryString().startsWith("CREATE OR REPLACE VIEW") && request.queryString().contains(table)) {
                swapQueryId = Optional.of(response.queryExecutionId());
            }
            return response;
        }

        @Override
        public GetQueryExecutionResponse getQueryExecution(GetQueryExecutionRequest request) {
            if (swapQueryId.equals(Optional.of(request.queryExecutionId()))) {
                throw software.amazon.awssdk.services.athena.model.AthenaException.builder().statusCode(500).message("We encountered an internal error").build();
            }
            return super.getQueryExecution(request);
        }

        @Override
        public software.amazon.awssdk.services.athena.model.StopQueryExecutionResponse stopQueryExecution(
                software.amazon.awssdk.services.athena.model.StopQueryExecutionRequest request) {
            stopped.add(request.queryExecutionId());
            return super.stopQueryExecution(request);
        }
    }

    /** moto, but Athena refuses the view swap onto {@code table}, as it refuses a token sent before with another statement. */
    private static final class RefusedViewStart extends ForwardingAthena {
        private final String table;
        private int refusals;

        RefusedViewStart(AthenaClient moto, String table) {
            super(moto);
            this.table = table;
        }

        int refusals() {
            return refusals;
        }

        @Override
        public software.amazon.awssdk.services.athena.model.StartQueryExecutionResponse startQueryExecution(
                software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest request) {
            if (request.queryString().startsWith("CREATE OR REPLACE VIEW") && request.queryString().contains(table)) {
                refusals++;
                throw software.amazon.awssdk.services.athena.model.InvalidRequestException.builder().statusCode(400)
                        .message("Idempotent parameters do not match").build();
            }
            return super.startQueryExecution(request);
        }
    }

    /** The table the model's view selects from, as its Glue table's Presto view text says. */
    private String viewTable(String model) {
        String text = AWS.glue().getTable(request -> request.databaseName(lake.goldDatabase()).name(model)).table().viewOriginalText();
        String encoded = text.substring("/* Presto View: ".length(), text.length() - " */".length());
        String sql = new String(java.util.Base64.getDecoder().decode(encoded), java.nio.charset.StandardCharsets.UTF_8);
        Matcher table = Pattern.compile("FROM [^.\\s]+\\.\"?([A-Za-z0-9_]+)").matcher(sql);
        assertTrue(table.find(), sql);
        return table.group(1);
    }

    /**
     * moto on the lake, where a view swap's effect, the view on its build, lands when the builder sees its query end
     * (moto runs no SQL): one new version of the view per swap, as Athena's CREATE OR REPLACE VIEW adds.
     */
    private static final class SwapsLandingWhenSeenToEnd extends ForwardingAthena {
        private static final Pattern VIEW_TABLE = Pattern.compile("^CREATE OR REPLACE VIEW \"[^\"]+\"\\.\"([^\"]+)\" AS\\s+SELECT \\* FROM \"[^\"]+\"\\.\"([^\"]+)\"");
        private final GoldLake lake;
        private final List<String> landed = new ArrayList<>();

        SwapsLandingWhenSeenToEnd(GoldLake lake) {
            super(lake.athena());
            this.lake = lake;
        }

        @Override
        public GetQueryExecutionResponse getQueryExecution(GetQueryExecutionRequest request) {
            GetQueryExecutionResponse response = super.getQueryExecution(request);
            QueryExecution execution = response.queryExecution();
            Matcher view = VIEW_TABLE.matcher(execution.query());
            if (execution.status().state() == QueryExecutionState.SUCCEEDED && view.find() && !landed.contains(execution.queryExecutionId())) {
                landed.add(execution.queryExecutionId());
                lake.addViewVersion(view.group(1), view.group(2));
            }
            return response;
        }

        List<String> landed() {
            return landed;
        }
    }

    /**
     * The view's CREATE OR REPLACE reaches Athena and the answer of every one of the SDK's attempts is lost
     * (a 500 after the request took effect), and then Athena answers again. The builder resends the start
     * with the ClientRequestToken it chose, learns the query's id, and waits for the swap as for any query:
     * the build succeeds, the view's statement started once. Before, the start ended START_UNKNOWN with no
     * id, so the swap could not be waited for or stopped, and could still run after the next build's swap,
     * putting readers back on this older build.
     */
    @Test
    void aViewSwapWhoseStartAnswersWereAllLostIsFoundAgainByItsTokenAndWaitedFor() throws IOException {
        String previous = firstBuildOfProductTotals();
        AtomicInteger lostAnswers = new AtomicInteger();
        AtomicInteger answeredViewStarts = new AtomicInteger();
        Map<String, Object> outcome;
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            AtomicInteger calls = new AtomicInteger();
            // Every attempt of the second StartQueryExecution call (the view's: this model has no partitions
            // query, so its CTAS is the first); the SDK numbers a call's attempts from 1 in amz-sdk-request.
            proxy.inject(request -> {
                if (!"AmazonAthena.StartQueryExecution".equals(request.headers().get("x-amz-target"))) {
                    return false;
                }
                if (request.header("amz-sdk-request").orElse("").startsWith("attempt=1;")) {
                    calls.incrementAndGet();
                }
                if (calls.get() == 2) {
                    lostAnswers.incrementAndGet();
                    return true;
                }
                if (calls.get() > 2) {
                    answeredViewStarts.incrementAndGet();
                }
                return false;
            }, Fault.afterForwarding(500), 100);

            outcome = lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null);
        }

        String built = newBuildTable();
        String buildId = built.substring("product_totals__".length());
        assertEquals(Map.of("product_totals", "built " + buildId), outcome);
        assertTrue(lostAnswers.get() > 1, "every attempt of the SDK's was answered 500: " + lostAnswers);
        assertEquals(1, answeredViewStarts.get(), "one resend, answered");
        List<String> viewStarts = lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains(built)).toList();
        assertEquals(1, viewStarts.size(), "the swap started once, though its start reached Athena " + (lostAnswers.get() + 1) + " times: " + lake.athenaSql());
        JsonNode state = lake.state("product_totals").orElseThrow();
        assertEquals(buildId, state.get("current").get("buildId").asText());
        assertEquals(previous, state.get("previous").get("buildId").asText());
        JsonNode resent = lake.logLines().stream()
                .filter(line -> line.get("message").asText().startsWith("athena query start resent with its token"))
                .findFirst().orElseThrow();
        assertEquals("view", resent.get("step").asText());
        assertEquals(buildId, resent.get("buildId").asText());
    }

    /**
     * A swap that landed unseen moved readers to build B while the state still names A. The next build
     * takes B, the build readers saw until its own swap, as the previous one: B is kept (queries may be
     * running over it, and it is the one to roll back to), and so is A, which readers saw until B's swap
     * moments ago, for the queries that may still be on it; not as the previous build.
     */
    @Test
    void theNextBuildKeepsTheBuildTheViewSelectedFromNotTheOneRecorded() throws IOException {
        String recorded = firstBuildOfProductTotals();
        String unseen = aSwapThatLandedUnseen();
        lake.recorder().clear();

        Map<String, Object> outcome = lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);

        assertTrue(String.valueOf(outcome.get("product_totals")).startsWith("built "), outcome.toString());
        JsonNode state = lake.state("product_totals").orElseThrow();
        assertEquals(unseen, state.get("previous").get("table").asText(), state.toString());
        List<String> calls = lake.recorder().calls();
        assertTrue(calls.stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains(unseen)), calls.toString());
        assertTrue(calls.stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains("product_totals__" + recorded)), calls.toString());
        JsonNode built = builtLine("product_totals");
        assertEquals(List.of(recorded), toStrings(built.path("keptForReaders")), built.toString());
    }

    /**
     * A rollback by hand (CREATE OR REPLACE VIEW ... AS SELECT * FROM gold.Product_Totals__<id>) is valid
     * SQL in any case, as Athena's identifiers are: the next build must still see which build readers are
     * on and keep it as the previous one; the other, the view's until the rollback moments ago, is kept for
     * the queries that may still be on it, not as the previous one.
     */
    @Test
    void aRollbackByHandThatSpellsTheBuildTableInCapitalsKeepsThatBuild() throws IOException {
        String rolledBackTo = firstBuildOfProductTotals();
        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);
        lake.applyAthenaEffects("product_totals");
        String abandoned = lake.currentBuild("product_totals");
        lake.addViewVersion("product_totals", ("product_totals__" + rolledBackTo).toUpperCase(java.util.Locale.ROOT));
        lake.addSilverFile("products");
        lake.recorder().clear();

        Map<String, Object> outcome = lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);

        assertTrue(String.valueOf(outcome.get("product_totals")).startsWith("built "), outcome.toString());
        JsonNode state = lake.state("product_totals").orElseThrow();
        assertEquals(rolledBackTo, state.get("previous").get("buildId").asText(), state.toString());
        List<String> calls = lake.recorder().calls();
        assertTrue(calls.stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains(rolledBackTo)), calls.toString());
        assertTrue(calls.stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains("product_totals__" + abandoned)), calls.toString());
        JsonNode built = builtLine("product_totals");
        assertEquals(List.of(abandoned), toStrings(built.path("keptForReaders")), built.toString());
    }

    /**
     * As above, but the next build cannot read where the view points (Glue answers 500 to every
     * {@code GetTable} once its CTAS has started). The recorded build A stands in as the previous one, and
     * nothing is removed: B, the build readers were on until the swap, stays under the queries reading it.
     */
    @Test
    void aBuildThatCannotReadWhereTheViewPointsRemovesNoOlderBuild() throws IOException {
        String recorded = firstBuildOfProductTotals();
        String unseen = aSwapThatLandedUnseen();
        List<String> unseenKeys = lake.goldKeys().stream().filter(key -> key.contains(unseen.substring(unseen.lastIndexOf("__") + 2))).toList();
        assertTrue(!unseenKeys.isEmpty(), lake.goldKeys().toString());
        lake.recorder().clear();

        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy); GlueClient glue = glueThrough(proxy)) {
            AtomicBoolean ctasStarted = new AtomicBoolean();
            Injection unreadableView = proxy.inject(request -> {
                String target = request.headers().get("x-amz-target");
                if ("AmazonAthena.StartQueryExecution".equals(target)) {
                    ctasStarted.set(true);
                    return false;
                }
                return ctasStarted.get() && "AWSGlue.GetTable".equals(target);
            }, Fault.status(500), 100);
            GoldCtasHandler handler = new GoldCtasHandler(lake.environment(), lake.s3(), glue, athena, lake.models(), lake.log(), lake.recordingSleeper());

            Map<String, Object> outcome = handler.handleRequest(Map.of("models", List.of("product_totals")), null);

            assertTrue(String.valueOf(outcome.get("product_totals")).startsWith("built "), outcome.toString());
            assertTrue(unreadableView.hits() > 0, unreadableView.toString());
        }
        JsonNode state = lake.state("product_totals").orElseThrow();
        assertEquals(recorded, state.get("previous").get("buildId").asText(), state.toString());
        List<String> calls = lake.recorder().calls();
        assertTrue(calls.stream().anyMatch(call -> call.equals("Glue.GetTable " + lake.goldDatabase() + ".product_totals")), calls.toString());
        assertTrue(calls.stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ") || call.startsWith("S3.DeleteObject") && call.contains("product_totals/")), calls.toString());
        assertTrue(lake.goldKeys().containsAll(unseenKeys), lake.goldKeys().toString());
        assertTrue(lake.logLines().stream().anyMatch(line -> line.path("message").asText().contains("older builds are kept")), lake.logLines().toString());
        assertEquals("kept", builtLine("product_totals").path(BuildAndSwap.OLDER_BUILDS).asText(), "how a person finds such builds");
    }

    /** Older builds whose removal fails stay for the next build, and the built line says so. */
    @Test
    void olderBuildsWhoseRemovalFailsAreLeftToTheNextBuildAndTheBuiltLineSaysSo() throws IOException {
        firstBuildOfProductTotals();
        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);
        lake.applyAthenaEffects("product_totals");
        // Superseded by a build that started two hours ago: no reader's query can be on it, and the next build removes it.
        Instant now = Instant.now();
        String stale = leaveABuild("product_totals", now.minus(Duration.ofHours(3)), true);
        leaveABuild("product_totals", now.minus(Duration.ofHours(2)), true);
        lake.addSilverFile("products");
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); GlueClient glue = glueThrough(proxy)) {
            Injection dropRefused = proxy.inject(request -> "AWSGlue.DeleteTable".equals(request.headers().get("x-amz-target")), Fault.status(500), 100);
            GoldCtasHandler handler = new GoldCtasHandler(lake.environment(), lake.s3(), glue, lake.athena(), lake.models(), lake.log(), lake.recordingSleeper());

            Map<String, Object> outcome = handler.handleRequest(Map.of("models", List.of("product_totals")), null);

            assertTrue(String.valueOf(outcome.get("product_totals")).startsWith("built "), outcome.toString());
            assertTrue(dropRefused.hits() > 0, dropRefused.toString());
        }
        lake.applyAthenaEffects("product_totals");
        assertEquals("kept", builtLine("product_totals").path(BuildAndSwap.OLDER_BUILDS).asText(), lake.logLines().toString());
        assertTrue(lake.goldTables().stream().anyMatch(table -> table.endsWith(stale)), "the stale build's table is kept: " + lake.goldTables());

        lake.addSilverFile("products");
        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);

        assertEquals("removed", builtLine("product_totals").path(BuildAndSwap.OLDER_BUILDS).asText(), lake.logLines().toString());
        assertTrue(lake.goldTables().stream().noneMatch(table -> table.endsWith(stale)), "the next build removed it: " + lake.goldTables());
    }

    /** The last "gold model built" line of the model. */
    private JsonNode builtLine(String model) throws IOException {
        List<JsonNode> lines = lake.logLines();
        return lines.stream().filter(line -> line.path("message").asText().equals("gold model built and swapped into its view")
                && line.path("model").asText().equals(model)).reduce((earlier, later) -> later).orElseThrow(() -> new AssertionError(lines.toString()));
    }

    /** Athena refusing the view's query (a 4xx answer) says it never started: the build is removed, readers keep the previous one. */
    @Test
    void aViewSwapAthenaRefusedRemovesItsBuild() throws IOException {
        String previous = firstBuildOfProductTotals();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.status(400, "InvalidRequestException"), 100);

            GoldBuildException failure = assertThrows(GoldBuildException.class,
                    () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));

            assertTrue(failure.getMessage().contains("view") && failure.getMessage().contains("NOT_STARTED"), failure.getMessage());
        }
        String built = newBuildTable();
        assertTrue(lake.athenaSql().stream().noneMatch(sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains(built)), lake.athenaSql().toString());
        assertTrue(lake.recorder().calls().stream().anyMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains(built)),
                lake.recorder().calls().toString());
        assertEquals(previous, lake.currentBuild("product_totals"));
    }

    /**
     * Athena reports the swap FAILED although its catalog update landed: Athena's own Glue call answered late and
     * its retry found the view it had just written ("already exists"), the way a metastore call whose answer is lost
     * fails a DDL that took effect (trinodb/trino#15174, #12537). The build was removed on Athena's word, its table
     * dropped and files deleted under a view that selected from it, and the record put back. Which build the view
     * selects from is now read first: this one, so it is kept, with the record naming it, and the next invocation
     * records it with no query.
     */
    @Test
    void aViewSwapAthenaReportsFailedButThatLandedKeepsItsBuild() throws IOException {
        String previous = firstBuildOfProductTotals();
        FailingQueryAthena athena = new FailingQueryAthena(lake.athena(), sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains("product_totals"),
                view -> {
                    leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((first, second) -> second).orElseThrow());
                    lake.addViewVersion("product_totals", newBuildTable());
                },
                sql -> "GENERIC_INTERNAL_ERROR: Table already exists: product_totals (Service: AWSGlue; Status Code: 400; Error Code: AlreadyExistsException)");

        GoldBuildException failure = assertThrows(GoldBuildException.class,
                () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));

        String table = newBuildTable();
        String build = table.substring("product_totals__".length());
        assertTrue(failure.getMessage().contains("FAILED") && failure.getMessage().contains("selects from it") && failure.getMessage().contains("is kept"),
                failure.getMessage());
        assertKeptAndRecordedByTheNextInvocation(table, build, previous);
    }

    /**
     * A build whose swap may have landed: its table, its files and the record before the swap naming it stay, and the
     * next invocation records it as the view's, with no query, the build before it its previous one.
     */
    private void assertKeptAndRecordedByTheNextInvocation(String table, String build, String previous) throws IOException {
        assertTrue(lake.goldTables().contains(table), "the table the view selects from stays: " + lake.goldTables());
        assertTrue(lake.goldKeys().stream().anyMatch(key -> key.contains("/" + build + "/")), "and its files: " + lake.goldKeys());
        assertEquals(build, lake.swapRecord("product_totals").orElseThrow().get("current").get("buildId").asText(), "the record before the swap names it");
        int queriesBefore = lake.athenaSql().size();

        Map<String, Object> next = lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);

        assertEquals(Map.of("product_totals", "unchanged " + build), next, "recorded, not built again");
        assertEquals(List.of(), lake.athenaSql().subList(queriesBefore, lake.athenaSql().size()));
        assertEquals(build, lake.currentBuild("product_totals"));
        assertEquals(previous, lake.state("product_totals").orElseThrow().get("previous").get("buildId").asText());
    }

    /** A swap Athena reports FAILED when where the view points cannot be read after it (Glue's 500): it may have landed, so its build is kept. */
    @Test
    void aViewSwapAthenaReportsFailedWhoseViewCannotBeReadAfterKeepsItsBuild() throws IOException {
        firstBuildOfProductTotals();
        AtomicBoolean swapSent = new AtomicBoolean();
        FailingQueryAthena athena = new FailingQueryAthena(lake.athena(), sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains("product_totals"),
                view -> swapSent.set(true), sql -> "GENERIC_INTERNAL_ERROR: Table already exists: product_totals");
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); GlueClient glue = glueThrough(proxy)) {
            Injection unreadableView = proxy.inject(request -> swapSent.get() && "AWSGlue.GetTable".equals(request.headers().get("x-amz-target")), Fault.status(500), 100);
            GoldCtasHandler handler = new GoldCtasHandler(lake.environment(), lake.s3(), glue, athena, lake.models(), lake.log(), lake.recordingSleeper());

            GoldBuildException failure = assertThrows(GoldBuildException.class, () -> handler.handleRequest(Map.of("models", List.of("product_totals")), null));

            assertTrue(failure.getMessage().contains("could not be read after it") && failure.getMessage().contains("is kept"), failure.getMessage());
            assertTrue(unreadableView.hits() > 0, unreadableView.toString());
        }
        String build = newBuildTable().substring("product_totals__".length());
        assertTrue(lake.recorder().calls().stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains(build)), lake.recorder().calls().toString());
        assertEquals(build, lake.swapRecord("product_totals").orElseThrow().get("current").get("buildId").asText(), "the record before the swap names it");
    }

    /** A swap Athena reports FAILED whose view did not move (read after it) removes its build, as before: readers keep the previous one. */
    @Test
    void aViewSwapAthenaReportsFailedThatDidNotLandRemovesItsBuild() throws IOException {
        String previous = firstBuildOfProductTotals();
        JsonNode recordBefore = lake.swapRecord("product_totals").orElseThrow();
        FailingQueryAthena athena = new FailingQueryAthena(lake.athena(), sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains("product_totals"),
                view -> leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((first, second) -> second).orElseThrow()),
                sql -> "GENERIC_INTERNAL_ERROR: Insufficient Lake Formation permission(s) on product_totals");

        GoldBuildException failure = assertThrows(GoldBuildException.class,
                () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));

        String table = newBuildTable();
        assertTrue(failure.getMessage().contains("FAILED") && failure.getMessage().contains("readers keep its previous build"), failure.getMessage());
        assertTrue(!lake.goldTables().contains(table), "the build's table is removed: " + lake.goldTables());
        assertEquals(recordBefore, lake.swapRecord("product_totals").orElseThrow(), "the record before the swap is put back");
        assertEquals(previous, lake.currentBuild("product_totals"));
    }

    /**
     * The view's start reached Athena and its answer was lost (a 500 after the swap ran); the SDK's retry was
     * throttled (400). The last answer is a refusal, but the swap may have happened: the build the view may
     * point at is kept, and the failure says its start is unknown, not that it never started.
     */
    @Test
    void aViewSwapWhoseRetryIsThrottledAfterALostAnswerKeepsItsBuild() throws IOException {
        firstBuildOfProductTotals();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            AtomicInteger starts = new AtomicInteger();
            proxy.inject(request -> "AmazonAthena.StartQueryExecution".equals(request.headers().get("x-amz-target")) && starts.incrementAndGet() == 2,
                    Fault.afterForwarding(500), 1);
            proxy.inject(secondAndLaterQueryStarts(), Fault.status(400, "TooManyRequestsException"), 100);

            GoldBuildException failure = assertThrows(GoldBuildException.class,
                    () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));

            assertTrue(failure.getMessage().contains("view") && failure.getMessage().contains("START_UNKNOWN"), failure.getMessage());
        }
        String built = newBuildTable();
        assertTrue(lake.athenaSql().stream().anyMatch(sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains(built)),
                "the swap reached Athena: " + lake.athenaSql());
        assertTrue(lake.recorder().calls().stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains(built)),
                lake.recorder().calls().toString());
    }

    /**
     * The swap happened and the state could not be written (S3 answers 500 to every attempt): readers are
     * on the new build, and the failure says so, naming it. Nothing of it is removed, and the next build
     * takes it, where the view points, as its previous build.
     */
    @Test
    void aStateThatCannotBeWrittenAfterTheSwapKeepsTheBuildReadersAreOn() throws IOException {
        String recorded = firstBuildOfProductTotals();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                S3Client s3 = s3Through(proxy)) {
            proxy.inject(Request.s3("PUT", "/tables/_state/product_totals.json"), Fault.status(500), 100);
            GoldCtasHandler handler = handlerWith(s3);

            GoldBuildException failure = assertThrows(GoldBuildException.class, () -> handler.handleRequest(Map.of("models", List.of("product_totals")), null));

            String swapped = newBuildTable();
            String message = failure.getMessage();
            assertTrue(message.contains("built and swapped into the view (readers see build ") && message.contains(swapped)
                    && message.contains("could not record the build state"), message);
        }
        String swapped = newBuildTable();
        assertTrue(lake.recorder().calls().stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ")), lake.recorder().calls().toString());
        assertEquals(recorded, lake.currentBuild("product_totals"), "the state could not be written");
        // What Athena made of the swap, which moto does not: the build's table and a file, the view on it.
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((first, second) -> second).orElseThrow());
        lake.addViewVersion("product_totals", swapped);
        lake.addSilverFile("products");

        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);

        assertEquals(swapped, lake.state("product_totals").orElseThrow().get("previous").get("table").asText());
    }

    /**
     * The partitions query succeeded, and reading its results failed (Athena answers 500 to every
     * GetQueryResults attempt). The failure says that reading the results failed, not that the query
     * "SUCCEEDED", removes the build, and says what to do: invoke again, and which grants to check when it
     * was refused.
     */
    @Test
    void resultsOfThePartitionsQueryThatCannotBeReadFailTheBuildSayingWhatFailedAndWhatToDo() throws IOException {
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(request -> "AmazonAthena.GetQueryResults".equals(request.headers().get("x-amz-target")), Fault.status(500), 100);

            GoldBuildException failure = assertThrows(GoldBuildException.class,
                    () -> lake.handler(athena).handleRequest(Map.of("models", List.of("revenue_by_day")), null));

            String message = failure.getMessage();
            assertFalse(message.contains("SUCCEEDED:"), "reading the results failed, the build did not succeed: " + message);
            assertTrue(message.contains("partitions") && message.contains("RESULTS_UNREAD")
                    && message.contains("succeeded, but its results could not be read (GetQueryResults)"), message);
            assertTrue(message.contains("nothing was built from them") && message.contains("Invoke again")
                    && message.contains("s3:GetObject") && message.contains("gold-builder/"), message);
            assertTrue(message.contains("it has no build yet, so readers see none"), message);
        }
        assertTrue(lake.athenaSql().stream().noneMatch(sql -> sql.startsWith("CREATE TABLE")), "no CTAS without the partitions: " + lake.athenaSql());
        assertTrue(lake.state("revenue_by_day").isEmpty());
        JsonNode failed = lake.logLines().stream()
                .filter(line -> line.get("message").asText().equals("gold model failed"))
                .findFirst().orElseThrow();
        assertEquals("RESULTS_UNREAD", failed.get("state").asText(), failed.toString());
    }

    /**
     * The record a build writes before its swap only spares a second build: damaged (written over by hand),
     * it is ignored with a warning, and a model whose inputs changed, or whose build is forced, is built,
     * replacing it, rather than every build of the model failing until someone deletes it (a forced build
     * failed so, telling to force it again, which read the same record).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aDamagedRecordOfTheLastSwapIsIgnoredAndTheModelBuilt(boolean forced) throws IOException {
        firstBuildOfProductTotals();
        AWS.client().putObject(request -> request.bucket(lake.goldBucket()).key("tables/_state/product_totals.swap.json"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("{\"formatVersion\": 1, \"model\": "));

        Map<String, Object> outcome = lake.handler().handleRequest(forced ? Map.of("models", List.of("product_totals"), "force", true)
                : Map.of("models", List.of("product_totals")), forced ? LambdaInvocation.of("gold-ctas", "request-damaged") : null);

        String built = lake.currentBuild("product_totals");
        assertEquals(Map.of("product_totals", "built " + built), outcome);
        assertTrue(lake.logLines().stream().anyMatch(line -> line.get("message").asText().startsWith("the record of the gold model's last swap is damaged")),
                lake.logLines().toString());
    }

    /**
     * A model whose inputs are its state's reads the record before its last swap too (readers may be on a
     * build of other inputs): damaged by hand, it is passed over with a warning, and the model is unchanged,
     * with no query, rather than failing every invocation until someone deletes the record.
     */
    @Test
    void aDamagedRecordOfTheLastSwapLeavesAnUnchangedModelUnchanged() throws IOException {
        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);
        lake.applyAthenaEffects("product_totals");
        String recorded = lake.currentBuild("product_totals");
        AWS.client().putObject(request -> request.bucket(lake.goldBucket()).key("tables/_state/product_totals.swap.json"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("{\"formatVersion\": 1, \"model\": "));
        int queriesBefore = lake.athenaSql().size();

        Map<String, Object> outcome = lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);

        assertEquals(Map.of("product_totals", "unchanged " + recorded), outcome);
        assertEquals(List.of(), lake.athenaSql().subList(queriesBefore, lake.athenaSql().size()));
        assertTrue(lake.logLines().stream().anyMatch(line -> line.get("message").asText().startsWith(
                "the record of the gold model's last swap is damaged; taking the model as unchanged")
                && line.get("key").asText().equals("tables/_state/product_totals.swap.json")), lake.logLines().toString());
    }

    /**
     * The state write after the swap landed and its answer was lost (S3 stores each attempt, then answers
     * 500). The state read back is the build's own: the build succeeded, and the invocation says so rather
     * than failing with "could not record the build state", which would have returned an SQS batch or had
     * Lambda retry an asynchronous invocation for nothing.
     */
    @Test
    void aStateWriteThatLandedWithItsAnswerLostIsReadBackAndTheBuildSucceeds() throws IOException {
        String previous = firstBuildOfProductTotals();
        Map<String, Object> outcome;
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                S3Client s3 = s3Through(proxy)) {
            Injection lost = proxy.inject(Request.s3("PUT", "/tables/_state/product_totals.json"), Fault.afterForwarding(500), 100);
            GoldCtasHandler handler = handlerWith(s3);

            outcome = handler.handleRequest(Map.of("models", List.of("product_totals")), null);

            assertTrue(lost.hits() > 0, lost.toString());
        }
        String built = newBuildTable().substring("product_totals__".length());
        assertEquals(Map.of("product_totals", "built " + built), outcome);
        JsonNode state = lake.state("product_totals").orElseThrow();
        assertEquals(built, state.get("current").get("buildId").asText());
        assertEquals(previous, state.get("previous").get("buildId").asText());
        assertTrue(lake.logLines().stream().anyMatch(line -> line.get("message").asText().startsWith("gold model's build state write answered with an error")),
                lake.logLines().toString());
    }

    /**
     * The swap happened and its state write was lost (S3 answers 500 to every attempt, storing nothing).
     * The next invocation, its inputs as that build read them, records the build readers are on from what
     * was written just before the swap, rather than building it again: a second scan of the same inputs
     * (Athena bills per byte scanned) whose swap would have made the lost build the previous one and
     * deleted the build from before it, the one to roll back to.
     */
    @Test
    void aStateWriteLostAfterTheSwapIsRecordedByTheNextInvocationWithoutBuildingAgain() throws IOException {
        String beforeTheBuild = firstBuildOfProductTotals();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                S3Client s3 = s3Through(proxy)) {
            proxy.inject(Request.s3("PUT", "/tables/_state/product_totals.json"), Fault.status(500), 100);
            GoldCtasHandler handler = handlerWith(s3);

            GoldBuildException failure = assertThrows(GoldBuildException.class, () -> handler.handleRequest(Map.of("models", List.of("product_totals")), null));

            assertTrue(failure.getMessage().contains("could not record the build state")
                    && failure.getMessage().contains("the next invocation records it without building again"), failure.getMessage());
        }
        String swapped = newBuildTable();
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((first, second) -> second).orElseThrow());
        lake.addViewVersion("product_totals", swapped);
        assertEquals(beforeTheBuild, lake.currentBuild("product_totals"), "the state write was lost");
        int queriesBefore = lake.athenaSql().size();
        lake.recorder().clear();

        Map<String, Object> next = lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);

        String build = swapped.substring("product_totals__".length());
        assertEquals(Map.of("product_totals", "unchanged " + build), next);
        assertEquals(List.of(), lake.athenaSql().subList(queriesBefore, lake.athenaSql().size()), "no second scan of the inputs the swapped build read");
        JsonNode state = lake.state("product_totals").orElseThrow();
        assertEquals(build, state.get("current").get("buildId").asText());
        assertEquals(beforeTheBuild, state.get("previous").get("buildId").asText(), "the rollback build is the one readers had before the swap");
        assertTrue(lake.recorder().calls().stream().noneMatch(call -> call.startsWith("Glue.DeleteTable ")), lake.recorder().calls().toString());
        assertTrue(lake.goldTables().contains("product_totals__" + beforeTheBuild), lake.goldTables().toString());
        assertTrue(lake.logLines().stream().anyMatch(line -> line.get("message").asText().startsWith("gold model's build, swapped in by an earlier invocation")
                && line.get("buildId").asText().equals(build)), lake.logLines().toString());

        // Its inputs change: the next build takes it, where the view points, as its previous build.
        lake.addSilverFile("products");
        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);
        assertEquals(build, lake.state("product_totals").orElseThrow().get("previous").get("buildId").asText());
    }

    /**
     * A run of the converter that published a part and never committed it (killed before its manifest):
     * a build that ran while the part was visible read its rows, and the sweep that deletes it puts the
     * silver inputs back exactly as the build before read them. When that build was swapped into the view
     * with its state write lost, the state still holds the build before, whose fingerprint equals the
     * inputs again: the model was reported unchanged and readers stayed, with no rebuild to come until the
     * next silver change, on a build of the swept part's rows. The invocation after the sweep finds the view
     * on a build of other inputs than these, from the record written before its swap, and builds the model.
     */
    @Test
    void aBuildSwappedInWithItsStateLostIsRebuiltWhenTheInputsItReadAreSweptBackToTheRecordedOnes() throws IOException {
        String swapped = aSwapWithItsStateLostOfAPartSweptSince();
        int queriesBefore = lake.athenaSql().size();

        Map<String, Object> next = lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);

        String rebuilt = newBuildTable();
        assertEquals(Map.of("product_totals", "built " + rebuilt.substring("product_totals__".length())), next,
                "the view selected from a build of the swept part's rows: " + swapped);
        assertTrue(lake.athenaSql().subList(queriesBefore, lake.athenaSql().size()).stream()
                .anyMatch(sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains(rebuilt)), lake.athenaSql().toString());
        JsonNode state = lake.state("product_totals").orElseThrow();
        assertEquals(swapped, state.get("previous").get("table").asText(), "the rollback build is the one readers were on");
        assertTrue(lake.logLines().stream().anyMatch(line -> line.get("message").asText().startsWith("gold model's view selects from a build of other inputs")
                && line.get("viewBuildId").asText().equals(swapped.substring("product_totals__".length()))), lake.logLines().toString());
    }

    /**
     * The build before it, then a build reading a part no manifest names (a converter run killed before its
     * commit), swapped in with its state write lost (S3's 500 to every attempt), then the sweep deleting the
     * part: the inputs are again those the recorded build read, and the view is on the other build, whose
     * table this returns.
     */
    private String aSwapWithItsStateLostOfAPartSweptSince() throws IOException {
        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);
        lake.applyAthenaEffects("product_totals");
        String recorded = lake.currentBuild("product_totals");
        String uncommittedPart = "products/ingest_date=2026-03-14/part-00000-uncommitted-run.parquet";
        AWS.client().putObject(request -> request.bucket(lake.silverBucket()).key(uncommittedPart),
                software.amazon.awssdk.core.sync.RequestBody.fromString("PAR1"));
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                S3Client s3 = s3Through(proxy)) {
            proxy.inject(Request.s3("PUT", "/tables/_state/product_totals.json"), Fault.status(500), 100);

            GoldBuildException failure = assertThrows(GoldBuildException.class,
                    () -> handlerWith(s3).handleRequest(Map.of("models", List.of("product_totals")), null));

            assertTrue(failure.getMessage().contains("could not record the build state"), failure.getMessage());
        }
        String swapped = newBuildTable();
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((first, second) -> second).orElseThrow());
        lake.addViewVersion("product_totals", swapped);
        assertEquals(recorded, lake.currentBuild("product_totals"), "the state write was lost");
        // The converter's sweep deletes the part no manifest names: silver is again what the recorded build read.
        AWS.client().deleteObject(request -> request.bucket(lake.silverBucket()).key(uncommittedPart));
        lake.recorder().clear();
        return swapped;
    }

    /**
     * As above, with the view unreadable (Glue's 500 to every read of it, after the silver tables'): whether
     * readers are on these inputs cannot be told, so the model fails, saying which record names which build and
     * to invoke again, and its trigger comes back, rather than being taken for unchanged.
     */
    @Test
    void aSwapOfOtherInputsWhoseViewCannotBeReadFailsTheModelRatherThanTakingItForUnchanged() throws IOException {
        String swapped = aSwapWithItsStateLostOfAPartSweptSince();
        String recorded = lake.currentBuild("product_totals");
        int queriesBefore = lake.athenaSql().size();
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); GlueClient glue = glueThrough(proxy)) {
            // product_totals reads two silver tables, each read once for the fingerprint: every read after them is the view's.
            AtomicInteger tableReads = new AtomicInteger();
            Injection unreadableView = proxy.inject(request -> "AWSGlue.GetTable".equals(request.headers().get("x-amz-target"))
                    && tableReads.incrementAndGet() > 2, Fault.status(500), 100);
            GoldCtasHandler handler = new GoldCtasHandler(lake.environment(), lake.s3(), glue, lake.athena(), lake.models(), lake.log(), lake.recordingSleeper());

            GoldBuildException failure = assertThrows(GoldBuildException.class, () -> handler.handleRequest(Map.of("models", List.of("product_totals")), null));

            assertTrue(unreadableView.hits() > 0, unreadableView.toString());
            String message = failure.getMessage();
            assertTrue(message.contains("could not tell whether its inputs changed") && message.contains("product_totals.swap.json")
                    && message.contains("names build " + swapped.substring("product_totals__".length()))
                    && message.contains("invoke again once the Glue catalog answers"), message);
        }
        assertEquals(List.of(), lake.athenaSql().subList(queriesBefore, lake.athenaSql().size()), "nothing built");
        assertEquals(recorded, lake.currentBuild("product_totals"));
        assertTrue(lake.goldTables().containsAll(List.of(swapped, "product_totals__" + recorded)), lake.goldTables().toString());
    }

    /**
     * Builds whose invocation was killed (out of memory, a crash, its timeout) between its CTAS and its swap
     * leave a table and files no view or state names; one killed after its swap, between dropping an older
     * build's table and deleting its files, leaves files alone. Only the next build of the model removed
     * them, after its inputs changed: storage paid for for good when they never change. The next invocation
     * that finds the model unchanged removes them, with a line saying what and why, and keeps the current
     * build, the previous one, the build the view selects from, a build too young for its queries to
     * have surely ended (Athena runs a query on after the invocation that started it is killed), and a build
     * whose next newer build started too recently for a reader's query on it to have surely ended: nothing
     * tells a build never swapped in from one readers were on until that newer build's swap.
     */
    @Test
    void leftoversOfKilledBuildsAreRemovedByTheNextInvocationThatFindsTheModelUnchanged() throws IOException {
        String previous = firstBuildOfProductTotals();
        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);
        lake.applyAthenaEffects("product_totals");
        String current = lake.currentBuild("product_totals");
        Instant now = Instant.now();
        // Killed between its CTAS and its swap, eight hours ago: its table and a partition's file.
        String killedEarlier = leaveABuild("product_totals", now.minus(Duration.ofHours(8)), true);
        // The same, seven hours ago; but the next newer build started ten minutes ago, and had this one been
        // swapped in, readers would have been on it until that build's swap.
        String killedBeforeSwap = leaveABuild("product_totals", now.minus(Duration.ofHours(7)), true);
        // Killed in an earlier build's cleanup, after dropping this build's table and before deleting its files.
        String killedInCleanup = leaveABuild("product_totals", now.minus(Duration.ofHours(30)), false);
        // Rolled back to by hand: the view selects from it, so readers are on it.
        String viewedByHand = leaveABuild("product_totals", now.minus(Duration.ofHours(9)), true);
        lake.addViewVersion("product_totals", "product_totals__" + viewedByHand);
        // Ten minutes old: a query of the invocation that made it may still be writing into it.
        String young = leaveABuild("product_totals", now.minus(Duration.ofMinutes(10)), true);
        int queriesBefore = lake.athenaSql().size();

        Map<String, Object> outcome = lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);

        assertEquals(Map.of("product_totals", "unchanged " + current), outcome);
        assertEquals(List.of(), lake.athenaSql().subList(queriesBefore, lake.athenaSql().size()), "no query");
        for (String gone : List.of(killedEarlier, killedInCleanup)) {
            assertFalse(lake.goldTables().contains("product_totals__" + gone), gone + ": " + lake.goldTables());
            assertTrue(lake.goldKeys().stream().noneMatch(key -> key.startsWith("tables/product_totals/" + gone + "/")), gone + ": " + lake.goldKeys());
        }
        for (String kept : List.of(current, previous, viewedByHand, young, killedBeforeSwap)) {
            assertTrue(lake.goldTables().contains("product_totals__" + kept), kept + ": " + lake.goldTables());
            assertTrue(lake.goldKeys().stream().anyMatch(key -> key.startsWith("tables/product_totals/" + kept + "/")), kept + ": " + lake.goldKeys());
        }
        List<JsonNode> lines = lake.logLines();
        JsonNode removed = lines.stream()
                .filter(line -> line.get("message").asText().startsWith("gold model's leftover builds removed"))
                .findFirst().orElseThrow(() -> new AssertionError(lines.toString()));
        assertEquals("product_totals", removed.get("model").asText());
        assertEquals(List.of(killedInCleanup, killedEarlier), toStrings(removed.get("removedBuilds")));
        assertEquals(List.of(current, previous, viewedByHand), toStrings(removed.get("keptBuilds")), removed.toString());
        assertEquals(List.of(young), toStrings(removed.get("tooYoungToRemove")), removed.toString());
        assertEquals(List.of(killedBeforeSwap), toStrings(removed.path("keptForReaders")), removed.toString());
        assertTrue(removed.get("reason").asText().contains("killed"), removed.toString());

        assertTrue(lines.stream().noneMatch(line -> line.get("message").asText().startsWith("gold model's leftover builds kept")),
                "the line that removed them names what it kept: " + lines);

        // Once removed, the next invocation finds nothing to remove, and says what it still keeps for readers, and why:
        // nothing else would tell why a build no view or state points at is still there, stored and billed.
        lake.recorder().clear();
        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);
        List<JsonNode> next = lake.logLines();
        assertEquals(1, next.stream().filter(line -> line.get("message").asText().startsWith("gold model's leftover builds removed")).count());
        assertTrue(lake.recorder().calls().stream().filter(call -> !call.contains("_lease/"))
                        .noneMatch(call -> call.startsWith("Glue.DeleteTable ") || call.startsWith("S3.DeleteObject")), lake.recorder().calls().toString());
        JsonNode keptLine = next.stream().filter(line -> line.get("message").asText().equals("gold model's leftover builds kept for the readers' queries that may still be on them"))
                .findFirst().orElseThrow(() -> new AssertionError("no line says what was kept for readers: " + next));
        assertEquals("product_totals", keptLine.get("model").asText(), keptLine.toString());
        assertEquals(List.of(killedBeforeSwap), toStrings(keptLine.path("keptForReaders")), keptLine.toString());
        assertEquals(List.of(), toStrings(keptLine.path("removedBuilds")), keptLine.toString());
        assertEquals(List.of(current, previous, viewedByHand), toStrings(keptLine.get("keptBuilds")), keptLine.toString());
        assertTrue(keptLine.get("reason").asText().contains("less than 45 min ago"), keptLine.toString());
    }

    /**
     * A build of more than 100 partitions killed between its staging query and the staging table's removal
     * leaves that table and its files, which no reader ever reads. The next invocation finding the model
     * unchanged removes them once old enough that the killed build's batches cannot still be reading them;
     * the model's next build removes any left, young or not.
     */
    @Test
    void stagingTablesLeftByKilledBuildsAreRemovedByTheNextInvocations() throws IOException {
        String current = firstBuildOfRevenueByDay();
        Instant now = Instant.now();
        String old = leaveAStagingTable("revenue_by_day", now.minus(Duration.ofHours(7)));
        String young = leaveAStagingTable("revenue_by_day", now.minus(Duration.ofMinutes(10)));
        int queriesBefore = lake.athenaSql().size();

        assertEquals(Map.of("revenue_by_day", "unchanged " + current), lake.handler().handleRequest(Map.of("models", List.of("revenue_by_day")), null));

        assertEquals(queriesBefore, lake.athenaSql().size(), "no query");
        assertFalse(lake.goldTables().contains("revenue_by_day__staging_" + old), lake.goldTables().toString());
        assertTrue(lake.goldKeys().stream().noneMatch(key -> key.startsWith("tables/revenue_by_day/staging_" + old + "/")), lake.goldKeys().toString());
        assertTrue(lake.goldTables().contains("revenue_by_day__staging_" + young), "its batches may still read it: " + lake.goldTables());
        assertTrue(lake.goldKeys().stream().anyMatch(key -> key.startsWith("tables/revenue_by_day/staging_" + young + "/")), lake.goldKeys().toString());
        assertTrue(lake.goldTables().contains("revenue_by_day__" + current), "the current build kept: " + lake.goldTables());

        lake.addSilverFile("sales");
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        lake.handler().handleRequest(Map.of("models", List.of("revenue_by_day")), null);

        assertTrue(lake.goldTables().stream().noneMatch(table -> table.contains("__staging_")), lake.goldTables().toString());
        assertTrue(lake.goldKeys().stream().noneMatch(key -> key.contains("/staging_")), lake.goldKeys().toString());
        assertTrue(lake.goldTables().contains("revenue_by_day__" + current), "the previous build kept for rollback: " + lake.goldTables());
    }

    /**
     * A build whose staging table outlived its own two removals (after its batches, and in its cleanup after the
     * swap: Glue failing both times) becomes the next build's previous one, kept for rollback; its staging table
     * and files are not, since no reader ever reads them: the next build removes them with the other leftovers.
     */
    @Test
    void theNextBuildRemovesThePreviousBuildsStagingTableAndFilesAndKeepsThePreviousBuild() throws IOException {
        String first = firstBuildOfRevenueByDay();
        leaveAStagingTable("revenue_by_day", first);

        lake.addSilverFile("sales");
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        lake.handler().handleRequest(Map.of("models", List.of("revenue_by_day")), null);

        assertFalse(first.equals(lake.currentBuild("revenue_by_day")), "built again");
        assertTrue(lake.goldTables().contains("revenue_by_day__" + first), "the previous build kept for rollback: " + lake.goldTables());
        assertTrue(lake.goldKeys().stream().anyMatch(key -> key.startsWith("tables/revenue_by_day/" + first + "/")), lake.goldKeys().toString());
        assertFalse(lake.goldTables().contains("revenue_by_day__staging_" + first), "its staging table removed: " + lake.goldTables());
        assertTrue(lake.goldKeys().stream().noneMatch(key -> key.startsWith("tables/revenue_by_day/staging_" + first + "/")),
                "its staging files removed: " + lake.goldKeys());
    }

    /**
     * A partition value the builder cannot write as a literal of its column's type (here a date that is no date,
     * in the second batch of 150) fails the model before any table is written: every batch's predicate is made
     * before the first query that writes, so neither the staging CTAS (a scan of all the model's inputs, billed)
     * nor the first batch's CTAS is sent for a build that would fail at its second batch.
     */
    @Test
    void aPartitionValueThatIsNoLiteralOfItsTypeFailsTheModelBeforeAnyQueryWrites() throws IOException {
        List<String> days = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            days.add(java.time.LocalDate.of(2025, 6, 1).plusDays(i).toString());
        }
        days.set(120, "2025-13-40");
        lake.queueQueryResult("sale_date", "date", days);

        GoldBuildException failure = assertThrows(GoldBuildException.class, () -> lake.handler(new StagingAthena(lake.athena(), lake::leaveStagingTable))
                .handleRequest(Map.of("models", List.of("revenue_by_day")), null));

        assertTrue(failure.getMessage().contains("sale_date") && failure.getMessage().contains("2025-13-40"), failure.getMessage());
        List<String> sent = lake.athenaSql();
        assertEquals(1, sent.size(), "the partitions query only: " + sent);
        assertTrue(sent.get(0).startsWith("SELECT DISTINCT"), sent.get(0));
        assertTrue(lake.goldTables().stream().noneMatch(table -> table.startsWith("revenue_by_day__")), lake.goldTables().toString());
    }

    /** A staging table and a file of it, as a build started at {@code startedAt} and killed before removing them leaves them. */
    private String leaveAStagingTable(String model, Instant startedAt) {
        String build = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(java.time.ZoneOffset.UTC).format(startedAt)
                + "_" + UUID.randomUUID().toString().substring(0, 6).replaceAll("[^0-9a-f]", "0");
        leaveAStagingTable(model, build);
        return build;
    }

    /** A staging table and a file of it for build {@code build}, as left when its removals failed or its build was killed. */
    private void leaveAStagingTable(String model, String build) {
        lake.leaveStagingTable("CREATE TABLE \"" + lake.goldDatabase() + "\".\"" + model + "__staging_" + build + "\"\nWITH (\n    format = 'PARQUET',\n"
                + "    external_location = 's3://" + lake.goldBucket() + "/tables/" + model + "/staging_" + build + "/'\n)\nAS\nSELECT 1");
    }

    /**
     * The listing that looks for models taken out of models.list fails (Glue answers 500 to it, after the build's
     * own cleanup listed the tables): a warning saying so, and the build stands, its invocation succeeding.
     */
    @Test
    void aGlueFailureLookingForModelsNoLongerListedIsAWarningAndTheBuildGoesOn() throws IOException {
        String previous = firstBuildOfProductTotals();
        lake.leaveAFormerModel("daily_sales", "20260101000000_a1b2c3");
        AtomicInteger listings = new AtomicInteger();
        Map<String, Object> outcome;
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); GlueClient glue = glueThrough(proxy)) {
            // The build's cleanup lists the gold tables first; every listing after it fails.
            proxy.inject(request -> "AWSGlue.GetTables".equals(request.headers().get("x-amz-target")) && listings.incrementAndGet() > 1,
                    Fault.status(500), 100);
            GoldCtasHandler handler = new GoldCtasHandler(lake.environment(), lake.s3(), glue, lake.athena(), lake.models(), lake.log(), lake.recordingSleeper());

            outcome = handler.handleRequest(Map.of("models", List.of("product_totals")), null);
        }

        String built = lake.currentBuild("product_totals");
        assertNotEquals(previous, built);
        assertEquals(Map.of("product_totals", "built " + built), outcome);
        assertTrue(listings.get() > 1, "the listing was sent: " + listings.get());
        List<JsonNode> lines = lake.logLines();
        JsonNode warning = lines.stream().filter(line -> line.get("message").asText().startsWith("could not look for gold models no longer listed"))
                .findFirst().orElseThrow(() -> new AssertionError("no warning: " + lines));
        assertEquals("WARN", warning.get("level").asText(), warning.toString());
        assertEquals(lake.goldDatabase(), warning.get("database").asText(), warning.toString());
        assertTrue(warning.get("error").asText().contains("Could not list the tables of Glue database " + lake.goldDatabase()), warning.toString());
        assertTrue(lines.stream().noneMatch(line -> line.get("message").asText().startsWith("gold model no longer listed")), lines.toString());
    }

    /**
     * A reader's query planned on a build before the next build's swap runs on until it ends or Athena cancels it at
     * its DML query timeout, 30 minutes by default; that swap comes after the next newer build's start, within its
     * invocation (15 minutes at most). A build's cleanup removes a build whose next newer build started over 45
     * minutes ago, and keeps, table and files, one whose next newer build started 40 minutes ago (its swap may have
     * come 25 minutes ago) or moments ago, naming them in the built line. The builds are found in S3 and Glue, so a
     * build's files left alone go the same way.
     */
    @Test
    void aBuildsCleanupRemovesOnlyBuildsSupersededLongerAgoThanAReadersQueryCanLast() throws IOException {
        Instant now = Instant.now();
        String filesLeft = leaveABuild("product_totals", now.minus(Duration.ofHours(5)), false);
        String supersededLongAgo = leaveABuild("product_totals", now.minus(Duration.ofHours(3)), true);
        String supersededFiftyMinutesAgo = leaveABuild("product_totals", now.minus(Duration.ofMinutes(50)), true);
        String supersededFortyMinutesAgo = leaveABuild("product_totals", now.minus(Duration.ofMinutes(40)), true);

        Map<String, Object> outcome = lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);

        String built = lake.currentBuild("product_totals");
        assertEquals(Map.of("product_totals", "built " + built), outcome);
        for (String gone : List.of(filesLeft, supersededLongAgo)) {
            assertFalse(lake.goldTables().contains("product_totals__" + gone), gone + ": " + lake.goldTables());
            assertTrue(lake.goldKeys().stream().noneMatch(key -> key.startsWith("tables/product_totals/" + gone + "/")), gone + ": " + lake.goldKeys());
        }
        for (String kept : List.of(supersededFiftyMinutesAgo, supersededFortyMinutesAgo)) {
            assertTrue(lake.goldTables().contains("product_totals__" + kept), "a reader's query may be on it: " + kept + ": " + lake.goldTables());
            assertTrue(lake.goldKeys().stream().anyMatch(key -> key.startsWith("tables/product_totals/" + kept + "/")), kept + ": " + lake.goldKeys());
        }
        JsonNode line = builtLine("product_totals");
        assertEquals(List.of(filesLeft, supersededLongAgo), toStrings(line.path("removedBuilds")), line.toString());
        assertEquals(List.of(supersededFiftyMinutesAgo, supersededFortyMinutesAgo), toStrings(line.path("keptForReaders")), line.toString());
        assertEquals("removed", line.path(BuildAndSwap.OLDER_BUILDS).asText(), line.toString());
    }

    /**
     * A build killed between its CTAS and its swap leaves a table and files started between the recorded previous
     * build and the build that did replace it: readers were on the previous build until that later build's swap. The
     * next builds' cleanups, and an invocation finding the model unchanged, keep it for the readers' queries planned
     * before that swap (the state carries which build replaced it on to the builds after), not only until 45 minutes
     * after the killed build's start: removed then, its table dropped and files deleted under queries still reading it.
     */
    @Test
    void aBuildReplacedAfterAKilledBuildsLeftoverIsKeptForTheQueriesPlannedBeforeTheSwapThatReplacedIt() throws IOException {
        Instant now = Instant.now();
        String replacedTwentyMinutesAgo = leaveABuild("product_totals", now.minus(Duration.ofHours(7)), true);
        String killed = leaveABuild("product_totals", now.minus(Duration.ofMinutes(60)), true);
        String current = leaveABuild("product_totals", now.minus(Duration.ofMinutes(20)), true);
        recordState("product_totals", current, replacedTwentyMinutesAgo);
        lake.addViewVersion("product_totals", "product_totals__" + current);

        Map<String, Object> outcome = lake.handler().handleRequest(Map.of("models", List.of("product_totals"), "force", true), null);

        String built = lake.currentBuild("product_totals");
        assertEquals(Map.of("product_totals", "built " + built), outcome);
        assertEquals(current, lake.state("product_totals").orElseThrow().path("previous").path("buildId").asText());
        assertKept(List.of(replacedTwentyMinutesAgo, killed));
        JsonNode line = builtLine("product_totals");
        assertEquals(List.of(), toStrings(line.path("removedBuilds")), line.toString());
        assertEquals(List.of(replacedTwentyMinutesAgo, killed), toStrings(line.path("keptForReaders")), line.toString());

        // A further build: its state before it no longer names that build as its previous one.
        lake.applyAthenaEffects("product_totals");
        lake.handler().handleRequest(Map.of("models", List.of("product_totals"), "force", true), null);
        lake.applyAthenaEffects("product_totals");
        assertEquals(built, lake.state("product_totals").orElseThrow().path("previous").path("buildId").asText());
        assertKept(List.of(replacedTwentyMinutesAgo, killed, current));
        line = builtLine("product_totals");
        assertEquals(List.of(), toStrings(line.path("removedBuilds")), line.toString());
        assertEquals(List.of(replacedTwentyMinutesAgo, killed, current), toStrings(line.path("keptForReaders")), line.toString());

        // Unchanged, the model's leftovers are looked at again: it is over 6 hours old, and still kept.
        String last = lake.currentBuild("product_totals");
        assertEquals(Map.of("product_totals", "unchanged " + last), lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null));
        assertKept(List.of(replacedTwentyMinutesAgo, killed, current));
        JsonNode kept = lake.logLines().stream()
                .filter(log -> log.path("message").asText().equals("gold model's leftover builds kept for the readers' queries that may still be on them"))
                .reduce((earlier, later) -> later).orElseThrow(() -> new AssertionError("no line keeping the leftovers for readers"));
        assertEquals(List.of(replacedTwentyMinutesAgo), toStrings(kept.path("keptForReaders")), kept.toString());
    }

    private void assertKept(List<String> builds) throws IOException {
        for (String kept : builds) {
            assertTrue(lake.goldTables().contains("product_totals__" + kept), "a reader's query may be on it: " + kept + ": " + lake.goldTables());
            assertTrue(lake.goldKeys().stream().anyMatch(key -> key.startsWith("tables/product_totals/" + kept + "/")), kept + ": " + lake.goldKeys());
        }
    }

    /**
     * An account that raised Athena's DML query timeout (a Service Quota, up to 240 minutes) runs readers' queries that
     * long, so a build stays theirs for that timeout plus the 15 minutes before the swap: at 120 minutes, a build whose
     * next newer build started 2 hours ago is kept (the default's 45 minutes removed it under such a query), and one
     * whose next newer build started 2 hours 20 minutes ago is removed.
     */
    @Test
    void anAccountWithARaisedDmlQueryTimeoutKeepsBuildsForItsLongestQueries() throws IOException {
        Instant now = Instant.now();
        String supersededLongAgo = leaveABuild("product_totals", now.minus(Duration.ofHours(4)), true);
        String supersededTwoHoursAgo = leaveABuild("product_totals", now.minus(Duration.ofMinutes(140)), true);
        String supersededMomentsAgo = leaveABuild("product_totals", now.minus(Duration.ofMinutes(120)), true);
        GoldCtasHandler handler = new GoldCtasHandler(lake.environment(Map.of("ATHENA_DML_QUERY_TIMEOUT_MINUTES", "120")), lake.s3(), lake.glue(),
                lake.athena(), lake.models(), lake.log(), lake.recordingSleeper());

        Map<String, Object> outcome = handler.handleRequest(Map.of("models", List.of("product_totals")), null);

        String built = lake.currentBuild("product_totals");
        assertEquals(Map.of("product_totals", "built " + built), outcome);
        assertFalse(lake.goldTables().contains("product_totals__" + supersededLongAgo), lake.goldTables().toString());
        assertTrue(lake.goldKeys().stream().noneMatch(key -> key.startsWith("tables/product_totals/" + supersededLongAgo + "/")), lake.goldKeys().toString());
        for (String kept : List.of(supersededTwoHoursAgo, supersededMomentsAgo)) {
            assertTrue(lake.goldTables().contains("product_totals__" + kept), "a reader's query may be on it: " + kept + ": " + lake.goldTables());
            assertTrue(lake.goldKeys().stream().anyMatch(key -> key.startsWith("tables/product_totals/" + kept + "/")), kept + ": " + lake.goldKeys());
        }
        JsonNode line = builtLine("product_totals");
        assertEquals(List.of(supersededLongAgo), toStrings(line.path("removedBuilds")), line.toString());
        assertEquals(List.of(supersededTwoHoursAgo, supersededMomentsAgo), toStrings(line.path("keptForReaders")), line.toString());
    }

    /** Which build readers are on cannot be read (Glue answers 500 to every GetTable of the view): no leftover is removed. */
    @Test
    void leftoversAreKeptWhenTheViewCannotBeRead() throws IOException {
        firstBuildOfProductTotals();
        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);
        lake.applyAthenaEffects("product_totals");
        String current = lake.currentBuild("product_totals");
        String leftover = leaveABuild("product_totals", Instant.now().minus(Duration.ofHours(7)), true);
        lake.addViewVersion("product_totals", "product_totals__" + leftover);
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); GlueClient glue = glueThrough(proxy)) {
            // The fingerprint's GetTable of silver's products and sales go through; the view's, after them, never does.
            AtomicInteger getTables = new AtomicInteger();
            proxy.inject(request -> "AWSGlue.GetTable".equals(request.headers().get("x-amz-target")) && getTables.incrementAndGet() > 2,
                    Fault.status(500), 100);
            GoldCtasHandler handler = new GoldCtasHandler(lake.environment(), lake.s3(), glue, lake.athena(), lake.models(), lake.log(), lake.recordingSleeper());

            Map<String, Object> outcome = handler.handleRequest(Map.of("models", List.of("product_totals")), null);

            assertEquals(Map.of("product_totals", "unchanged " + current), outcome);
        }
        assertTrue(lake.goldTables().contains("product_totals__" + leftover), "readers may be on it: " + lake.goldTables());
        assertTrue(lake.goldKeys().stream().anyMatch(key -> key.startsWith("tables/product_totals/" + leftover + "/")), lake.goldKeys().toString());
        assertTrue(lake.logLines().stream().noneMatch(line -> line.get("message").asText().startsWith("gold model's leftover builds removed")));
    }

    /**
     * A build the model's builds would have made at {@code startedAt}, as a killed invocation leaves it: a
     * file under a partition of its folder, and its Glue table when {@code withTable}. Returns its build id.
     */
    private String leaveABuild(String model, Instant startedAt, boolean withTable) {
        String build = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(java.time.ZoneOffset.UTC).format(startedAt)
                + "_" + UUID.randomUUID().toString().substring(0, 6).replaceAll("[^0-9a-f]", "0");
        String folder = "tables/" + model + "/" + build + "/";
        if (withTable) {
            AWS.glue().createTable(request -> request.databaseName(lake.goldDatabase()).tableInput(input -> input
                    .name(model + "__" + build)
                    .tableType("EXTERNAL_TABLE")
                    .storageDescriptor(descriptor -> descriptor.location("s3://" + lake.goldBucket() + "/" + folder))));
        }
        AWS.client().putObject(request -> request.bucket(lake.goldBucket()).key(folder + "sale_month=2026-03-01/20260314_233000_00001_" + UUID.randomUUID()),
                software.amazon.awssdk.core.sync.RequestBody.fromString("PAR1"));
        return build;
    }

    /** The build state a build of {@code current}, whose view swap replaced {@code previous}, recorded. */
    private void recordState(String model, String current, String previous) {
        String json = "{\"formatVersion\":1,\"model\":\"" + model + "\",\"fingerprint\":\"recorded\","
                + "\"current\":{\"buildId\":\"" + current + "\",\"table\":\"" + model + "__" + current + "\",\"location\":\"s3://" + lake.goldBucket()
                + "/tables/" + model + "/" + current + "/\"},"
                + "\"previous\":{\"buildId\":\"" + previous + "\",\"table\":\"" + model + "__" + previous + "\",\"location\":\"s3://" + lake.goldBucket()
                + "/tables/" + model + "/" + previous + "/\"},"
                + "\"builtAt\":\"" + Instant.now() + "\",\"requestId\":\"an-earlier-request\"}";
        AWS.client().putObject(request -> request.bucket(lake.goldBucket()).key("tables/_state/" + model + ".json"),
                software.amazon.awssdk.core.sync.RequestBody.fromString(json));
    }

    private static List<String> toStrings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    /**
     * The lease cannot be read (S3 answers 500 to every attempt): nothing is built, and the error says to
     * invoke again, not that "the invocation is retried", which Lambda does only for an asynchronous one.
     */
    @Test
    void aLeaseThatCannotBeReadFailsTheInvocationSayingNothingWasBuiltAndToInvokeAgain() throws IOException {
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                S3Client s3 = s3Through(proxy)) {
            proxy.inject(Request.s3("GET", "/tables/_lease/build.json"), Fault.status(500), 100);
            GoldCtasHandler handler = handlerWith(s3);

            UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> handler.handleRequest(Map.of(), null));

            assertTrue(failure.getMessage().contains("nothing was built") && failure.getMessage().contains("Invoke again"), failure.getMessage());
            assertFalse(failure.getMessage().contains("the invocation is retried"), "a synchronous invocation is not: " + failure.getMessage());
        }
        assertEquals(List.of(), lake.athenaQueryIds());
    }

    /**
     * A build whose view swap's answer was lost (a 500 after Athena ran it), then what Athena made of its
     * statements, which moto does not: its table, a file, the view on it. Returns the build's table; the
     * state still names the build before it, and a silver input changed since.
     */
    private String aSwapThatLandedUnseen() throws IOException {
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); AthenaClient athena = athenaThrough(proxy)) {
            proxy.inject(secondAndLaterQueryStarts(), Fault.afterForwarding(500), 100);
            assertThrows(GoldBuildException.class, () -> lake.handler(athena).handleRequest(Map.of("models", List.of("product_totals")), null));
        }
        String unseen = newBuildTable();
        leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((first, second) -> second).orElseThrow());
        lake.addViewVersion("product_totals", unseen);
        lake.addSilverFile("products");
        return unseen;
    }

    /** The first build of revenue_by_day, of one day (2026-03-01), in place as Athena would have left it; its build id. */
    private String firstBuildOfRevenueByDay() throws IOException {
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        lake.handler().handleRequest(Map.of("models", List.of("revenue_by_day")), null);
        lake.applyAthenaEffects("revenue_by_day");
        return lake.currentBuild("revenue_by_day");
    }

    private String firstBuildOfProductTotals() throws IOException {
        lake.handler().handleRequest(Map.of("models", List.of("product_totals")), null);
        lake.applyAthenaEffects("product_totals");
        lake.addSilverFile("products");
        lake.recorder().clear();
        return lake.currentBuild("product_totals");
    }

    /** The table of the last CTAS Athena received. */
    private String newBuildTable() {
        String ctas = lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((first, second) -> second).orElseThrow();
        Matcher table = TABLE.matcher(ctas);
        assertTrue(table.find(), ctas);
        return table.group(2);
    }

    /** A build of a model without partitions starts its CTAS, then its view: every start after the first one. */
    private static Predicate<Request> secondAndLaterQueryStarts() {
        AtomicInteger starts = new AtomicInteger();
        return request -> "AmazonAthena.StartQueryExecution".equals(request.headers().get("x-amz-target")) && starts.incrementAndGet() > 1;
    }

    private S3Client s3Through(FaultProxy proxy) {
        return S3Clients.builder(Optional.of(proxy.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(lake.recorder())).build();
    }

    /** The handler on the lake's Glue and Athena, with {@code s3} for the gold bucket. */
    private GoldCtasHandler handlerWith(S3Client s3) {
        return new GoldCtasHandler(lake.environment(), s3, lake.glue(), lake.athena(), lake.models(), lake.log(), lake.recordingSleeper());
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

    /**
     * A model of more than 100 partitions is written by a CTAS and INSERT batches into one build table. An
     * INSERT that fails after the CTAS wrote its batch removes the whole build, table and files: readers
     * never see a build holding some of its partitions.
     */
    @Test
    void anInsertBatchFailingAfterTheCtasRemovesTheWholeBuild() throws IOException {
        String previous = firstBuildOfRevenueByDay();
        List<String> keysBefore = revenueKeys();
        List<String> viewVersionsBefore = lake.viewVersions("revenue_by_day");
        queueAStagedBuildOf250Days();
        List<String> tablesBefore = lake.goldTables();
        FailingQueryAthena athena = failingTheLastInsert();

        GoldBuildException failure = assertThrows(GoldBuildException.class,
                () -> lake.handler(athena).handleRequest(Map.of("models", List.of("revenue_by_day")), null));

        String message = failure.getMessage();
        assertTrue(message.contains("insert 3/3") && message.contains("FAILED") && message.contains("readers keep its previous build"), message);
        String built = newBuildTable();
        assertTrue(lake.athenaSql().stream().noneMatch(sql -> sql.startsWith("CREATE OR REPLACE VIEW") && sql.contains(built)), lake.athenaSql().toString());
        assertTrue(lake.recorder().calls().stream().anyMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains(built)),
                lake.recorder().calls().toString());
        assertEquals(keysBefore, revenueKeys(), "the failed build's files are gone, its staging files too, the previous build's kept");
        String staging = built.replace("revenue_by_day__", "revenue_by_day__staging_");
        assertTrue(lake.athenaSql().stream().anyMatch(sql -> sql.startsWith("INSERT INTO") && sql.contains("FROM \"" + lake.goldDatabase() + "\".\"" + staging + "\"")),
                "the batches read the staging table: " + lake.athenaSql());
        assertTrue(lake.recorder().calls().contains("Glue.DeleteTable " + lake.goldDatabase() + "." + staging), lake.recorder().calls().toString());
        assertEquals(tablesBefore, lake.goldTables(), "neither the failed build's table nor its staging table is left");
        assertEquals(previous, lake.currentBuild("revenue_by_day"));
        // moto runs no view DDL: the SQL sent (no VIEW statement) shows there was no swap; this, that the
        // failure pruned none of the view's versions, the previous one among them (the rollback target).
        assertEquals(viewVersionsBefore, lake.viewVersions("revenue_by_day"), "no version of the view was removed");
    }

    /**
     * A failed staged build whose staging table Glue will not delete (here every DeleteTable of a staging table
     * fails) still removes its own table and files: the two are apart, and only the staging table's files wait
     * with it (catalog first) for the model's next build, or the next invocation finding it unchanged. Before, the
     * removal stopped at the staging table, and the build's own table (registered in the gold database, its
     * files a partial build) stayed too.
     */
    @Test
    void aFailedStagedBuildWhoseStagingTableCannotBeDroppedStillRemovesItsOwnTableAndFiles() throws IOException {
        String previous = firstBuildOfRevenueByDay();
        List<String> keysBefore = revenueKeys();
        queueAStagedBuildOf250Days();
        List<String> tablesBefore = lake.goldTables();
        FailingQueryAthena athena = failingTheLastInsert();
        AtomicInteger refused = new AtomicInteger();
        ExecutionInterceptor stagingDropRefused = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof DeleteTableRequest delete && delete.name().contains("__staging_")) {
                    refused.incrementAndGet();
                    throw GlueException.builder().statusCode(500).message("InternalServiceException: We encountered an internal error. Please try again.").build();
                }
            }
        };
        try (GlueClient glue = GlueClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(AWS.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(lake.recorder()).addExecutionInterceptor(stagingDropRefused)).build()) {
            GoldCtasHandler handler = new GoldCtasHandler(lake.environment(), lake.s3(), glue, athena, lake.models(), lake.log(), lake.recordingSleeper());

            GoldBuildException failure = assertThrows(GoldBuildException.class, () -> handler.handleRequest(Map.of("models", List.of("revenue_by_day")), null));

            assertTrue(failure.getMessage().contains("insert 3/3") && failure.getMessage().contains("readers keep its previous build"), failure.getMessage());
        }
        assertTrue(refused.get() > 0, "the staging table's drop was attempted and refused");
        String built = newBuildTable();
        String staging = built.replace("revenue_by_day__", "revenue_by_day__staging_");
        List<String> tablesAfter = lake.goldTables();
        assertFalse(tablesAfter.contains(built), "the failed build's own table is removed: " + tablesAfter);
        assertTrue(tablesAfter.contains(staging), "the staging table Glue would not delete stays, for the next build: " + tablesAfter);
        String buildFolder = "tables/revenue_by_day/" + built.substring("revenue_by_day__".length()) + "/";
        assertEquals(List.of(), revenueKeys().stream().filter(key -> key.startsWith(buildFolder)).toList(), "the failed build's own files are removed");
        List<String> left = revenueKeys().stream().filter(key -> !keysBefore.contains(key)).toList();
        assertTrue(!left.isEmpty() && left.stream().allMatch(key -> key.contains("/staging_")), "only the staging table's files wait with it: " + left);
        assertEquals(previous, lake.currentBuild("revenue_by_day"));
        List<String> expectedTables = new ArrayList<>(tablesBefore);
        expectedTables.add(staging);
        expectedTables.sort(null);
        assertEquals(expectedTables, tablesAfter);
    }

    private List<String> revenueKeys() throws IOException {
        return lake.goldKeys().stream().filter(key -> key.startsWith("tables/revenue_by_day/")).toList();
    }

    /** The silver change and Athena's answers of a staged build of revenue_by_day over 250 days: three batches (100, 100, 50). */
    private void queueAStagedBuildOf250Days() throws IOException {
        lake.addSilverFile("sales");
        List<String> days = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            days.add(java.time.LocalDate.of(2025, 6, 1).plusDays(i).toString());
        }
        lake.queueStagedBuildResults("sale_date", "date", days, days);
    }

    /**
     * Athena as the lake runs it, the staging CTAS leaving its table, and the last INSERT of a 250-day build (days 201 to 250)
     * failing: by then the staging CTAS has made the staging table and its files, and the CTAS the build's table and its batch,
     * which the failing INSERT leaves half written.
     */
    private FailingQueryAthena failingTheLastInsert() {
        return new FailingQueryAthena(new StagingAthena(lake.athena(), lake::leaveStagingTable),
                sql -> sql.startsWith("INSERT INTO") && sql.contains("DATE '2025-12-28'"),
                insert -> leaveAHalfWrittenTable(lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE TABLE")).reduce((first, second) -> second).orElseThrow()));
    }

    private void leaveAHalfWrittenTable(String ctas) {
        Matcher table = TABLE.matcher(ctas);
        Matcher location = LOCATION.matcher(ctas);
        assertTrue(table.find() && location.find(), ctas);
        AWS.glue().createTable(request -> request.databaseName(table.group(1)).tableInput(input -> input
                .name(table.group(2))
                .tableType("EXTERNAL_TABLE")
                .storageDescriptor(descriptor -> descriptor.location("s3://" + location.group(1) + "/" + location.group(2)))));
        AWS.client().putObject(request -> request.bucket(location.group(1)).key(location.group(2) + "sale_date=2026-03-01/partial-" + UUID.randomUUID()),
                software.amazon.awssdk.core.sync.RequestBody.fromString("PAR1"));
    }
}
