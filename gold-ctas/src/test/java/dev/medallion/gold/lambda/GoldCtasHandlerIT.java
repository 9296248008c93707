package dev.medallion.gold.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.medallion.common.config.Environment;
import dev.medallion.common.testing.LambdaInvocation;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.gold.testing.GoldLake;
import dev.medallion.gold.testing.StagingAthena;
import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.AliasedRelation;
import io.trino.sql.tree.CreateTableAsSelect;
import io.trino.sql.tree.CreateView;
import io.trino.sql.tree.DefaultTraversalVisitor;
import io.trino.sql.tree.GenericLiteral;
import io.trino.sql.tree.Insert;
import io.trino.sql.tree.Property;
import io.trino.sql.tree.QualifiedName;
import io.trino.sql.tree.Query;
import io.trino.sql.tree.QuerySpecification;
import io.trino.sql.tree.Statement;
import io.trino.sql.tree.StringLiteral;
import io.trino.sql.tree.Table;
import io.trino.sql.tree.TimestampLiteral;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.medallion.gold.testing.TablesRead.tablesRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handler against moto, which accepts Athena and Glue calls without running SQL: the sequence of
 * Athena, Glue and S3 calls for a first build, a rebuild and an unchanged-input skip, the statements
 * moto received (each parsed with Trino's parser), and what is left in the catalog and the bucket.
 * Each query is reported QUEUED, RUNNING, then SUCCEEDED, so the waiting is exercised too.
 */
class GoldCtasHandlerIT {
    @RegisterExtension
    static final S3Emulator AWS = S3Emulator.moto();

    private final SqlParser parser = new SqlParser();
    private GoldLake lake;

    @BeforeAll
    static void reportQueriesRunningBeforeTheySucceed() throws IOException {
        GoldLake.pollEachQueryTwice(AWS);
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
    void firstBuildWritesEachModelIntoATableOfItsOwnThenPointsItsViewAtIt() throws IOException {
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01", "2026-03-02", "2026-03-03"));

        Map<String, String> outcomes = invoke(Map.of());

        String revenue = lake.currentBuild("revenue_by_day");
        String totals = lake.currentBuild("product_totals");
        assertEquals(Map.of("revenue_by_day", "built " + revenue, "product_totals", "built " + totals), outcomes);

        // The statements, in the order Athena received them.
        List<Statement> statements = parse(lake.athenaSql());
        assertEquals(5, statements.size(), lake.athenaSql().toString());
        assertInstanceOf(Query.class, statements.get(0), "SELECT DISTINCT of the partitions");
        CreateTableAsSelect revenueCtas = assertInstanceOf(CreateTableAsSelect.class, statements.get(1));
        assertEquals(QualifiedName.of(lake.goldDatabase(), "revenue_by_day__" + revenue), revenueCtas.getName());
        assertEquals("s3://" + lake.goldBucket() + "/tables/revenue_by_day/" + revenue + "/", property(revenueCtas, "external_location"));
        assertFalse(hasWhere(revenueCtas.getQuery()), "3 partitions fit one CTAS: no batch predicate");
        assertViewOf(statements.get(2), "revenue_by_day", revenue);
        CreateTableAsSelect totalsCtas = assertInstanceOf(CreateTableAsSelect.class, statements.get(3));
        assertEquals(QualifiedName.of(lake.goldDatabase(), "product_totals__" + totals), totalsCtas.getName());
        assertViewOf(statements.get(4), "product_totals", totals);

        // When each model was last built (never: they go in the list's order), then for each: fingerprint
        // (manifests, then the catalog, per source), state, the record of the last swap (its state write may
        // have been lost), queries, the view's current build, that record again (to put back should the swap not
        // happen), the state to record after the swap, the swap, state, cleanup, versions.
        assertEquals(List.of(
                "S3.GetObject tables/_state/revenue_by_day.json",
                "S3.GetObject tables/_state/product_totals.json",
                "S3.ListObjectsV2 _manifests/sales/",
                "S3.ListObjectsV2 sales/ingest_date=",
                "Glue.GetTable silver.sales",
                "Glue.GetPartitions silver.sales",
                "S3.GetObject tables/_state/revenue_by_day.json",
                "S3.GetObject tables/_state/revenue_by_day.swap.json",
                "Athena.StartQueryExecution",
                "Athena.GetQueryExecution",
                "Athena.GetQueryExecution",
                "Athena.GetQueryResults",
                "Athena.StartQueryExecution",
                "Athena.GetQueryExecution",
                "Athena.GetQueryExecution",
                "Glue.GetTable gold.revenue_by_day",
                "S3.GetObject tables/_state/revenue_by_day.swap.json",
                "S3.PutObject tables/_state/revenue_by_day.swap.json",
                "Athena.StartQueryExecution",
                "Athena.GetQueryExecution",
                "Athena.GetQueryExecution",
                "S3.PutObject tables/_state/revenue_by_day.json",
                "S3.ListObjectsV2 tables/revenue_by_day/",
                "Glue.GetTables gold",
                "Glue.GetTableVersions gold.revenue_by_day",
                "S3.ListObjectsV2 _manifests/products/",
                "S3.ListObjectsV2 products/ingest_date=",
                "Glue.GetTable silver.products",
                "Glue.GetPartitions silver.products",
                "S3.ListObjectsV2 _manifests/sales/",
                "S3.ListObjectsV2 sales/ingest_date=",
                "Glue.GetTable silver.sales",
                "Glue.GetPartitions silver.sales",
                "S3.GetObject tables/_state/product_totals.json",
                "S3.GetObject tables/_state/product_totals.swap.json",
                "Athena.StartQueryExecution",
                "Athena.GetQueryExecution",
                "Athena.GetQueryExecution",
                "Glue.GetTable gold.product_totals",
                "S3.GetObject tables/_state/product_totals.swap.json",
                "S3.PutObject tables/_state/product_totals.swap.json",
                "Athena.StartQueryExecution",
                "Athena.GetQueryExecution",
                "Athena.GetQueryExecution",
                "S3.PutObject tables/_state/product_totals.json",
                "S3.ListObjectsV2 tables/product_totals/",
                "Glue.GetTables gold",
                "Glue.GetTableVersions gold.product_totals",
                // Once per invocation, after the models: views of models no longer listed.
                "Glue.GetTables gold"), calls());

        // One backoff step per query: RUNNING after 0 ms, SUCCEEDED after 250.
        assertEquals(Collections.nCopies(5, Duration.ofMillis(250)), lake.sleeps());

        JsonNode state = lake.state("revenue_by_day").orElseThrow();
        assertEquals("revenue_by_day__" + revenue, state.get("current").get("table").asText());
        assertTrue(state.get("previous").isNull(), state.toString());
        assertEquals(64, state.get("fingerprint").asText().length());

        // One line per query, with what the issue asks: model, query id, state, bytes scanned, seconds.
        List<JsonNode> queries = lake.logLines().stream().filter(line -> line.get("message").asText().equals("athena query succeeded")).toList();
        assertEquals(lake.athenaQueryIds(), queries.stream().map(line -> line.get("queryId").asText()).toList());
        for (JsonNode line : queries) {
            for (String field : List.of("model", "buildId", "step", "queryId", "state", "bytesScanned", "seconds")) {
                assertTrue(line.has(field), field + " missing from " + line);
            }
        }
        assertEquals(List.of("partitions", "ctas", "view", "ctas", "view"), queries.stream().map(line -> line.get("step").asText()).toList());
    }

    /**
     * Three builds in quick succession (gold is rebuilt at every batch of silver commits): a reader's query that
     * started on the first build before the second swapped in may still be running when the third swaps in, until
     * Athena's DML query timeout. The first build, superseded moments ago, keeps its table and files; a later
     * invocation removes it once no reader's query can still be on it.
     */
    @Test
    void rebuildGoesToANewVersionKeepsThePreviousOneAndAnOlderOneReadersMayStillBeOn() throws IOException {
        String first = buildRevenueAndApplyItsEffects();
        lake.addSilverFile("sales");
        String second = buildRevenueAndApplyItsEffects();
        // A longer view history than two builds leave, as after many builds.
        for (int i = 0; i < 3; i++) {
            lake.addViewVersion("revenue_by_day", "revenue_by_day__" + second);
        }
        assertEquals(List.of("1", "2", "3", "4", "5"), lake.viewVersions("revenue_by_day"));
        lake.addSilverFile("sales");
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        int queriesBefore = lake.athenaSql().size();
        lake.recorder().clear();

        Map<String, String> outcomes = invoke(Map.of("models", List.of("revenue_by_day")));

        String third = lake.currentBuild("revenue_by_day");
        assertEquals(Map.of("revenue_by_day", "built " + third), outcomes);
        assertEquals(3, List.of(first, second, third).stream().distinct().count(), "every build has its own id");

        List<Statement> sent = parse(lake.athenaSql().subList(queriesBefore, lake.athenaSql().size()));
        assertEquals(3, sent.size());
        assertEquals(QualifiedName.of(lake.goldDatabase(), "revenue_by_day__" + third), assertInstanceOf(CreateTableAsSelect.class, sent.get(1)).getName());
        assertViewOf(sent.get(2), "revenue_by_day", third);

        JsonNode state = lake.state("revenue_by_day").orElseThrow();
        assertEquals(third, state.get("current").get("buildId").asText());
        assertEquals(second, state.get("previous").get("buildId").asText());

        // The second stays for rollback; the first, superseded by the second seconds ago, for the queries still on it.
        assertEquals(List.of("revenue_by_day", "revenue_by_day__" + first, "revenue_by_day__" + second).stream().sorted().toList(), lake.goldTables());
        List<String> keys = lake.goldKeys();
        assertTrue(keys.stream().anyMatch(key -> key.startsWith("tables/revenue_by_day/" + first + "/")), keys.toString());
        assertTrue(keys.stream().anyMatch(key -> key.startsWith("tables/revenue_by_day/" + second + "/")), keys.toString());
        JsonNode built = lake.logLines().stream().filter(line -> line.get("message").asText().startsWith("gold model built"))
                .reduce((earlier, later) -> later).orElseThrow();
        assertEquals(List.of(first), toStrings(built.path("keptForReaders")), built.toString());
        assertEquals(List.of(), toStrings(built.path("removedBuilds")), built.toString());
        // Only the two newest versions of the view stay: the current one and the rollback target.
        assertEquals(List.of("4", "5"), lake.viewVersions("revenue_by_day"));

        List<String> cleanup = calls().subList(calls().indexOf("S3.PutObject tables/_state/revenue_by_day.json") + 1, calls().size());
        assertEquals(List.of(
                "S3.ListObjectsV2 tables/revenue_by_day/",
                "Glue.GetTables gold",
                "Glue.GetTableVersions gold.revenue_by_day",
                "Glue.DeleteTableVersion gold.revenue_by_day v3",
                "Glue.DeleteTableVersion gold.revenue_by_day v2",
                "Glue.DeleteTableVersion gold.revenue_by_day v1",
                "Glue.GetTables gold"), cleanup, "the build's cleanup, then the listing for models no longer listed");
    }

    /**
     * Between a silver commit and its sweep (longer when the converter's run was killed there), Athena reads
     * a replaced version's parts beside the new ones, and a build then counts their rows twice. The sweep
     * changes no manifest: the model must not stay "unchanged" on what that build read.
     */
    @Test
    void aBuildThatReadPartsASweepLaterDeletedIsRebuilt() throws IOException {
        String replaced = "sales/ingest_date=2026-03-01/x-0123456789-etag1-g1-aaaaaaaa-part-00001.parquet";
        String committed = "sales/ingest_date=2026-03-01/x-0123456789-etag2-g2-bbbbbbbb-part-00001.parquet";
        lake.s3().putObject(request -> request.bucket(lake.silverBucket()).key(replaced), RequestBody.fromString("PAR1 version 1"));
        lake.s3().putObject(request -> request.bucket(lake.silverBucket()).key(committed), RequestBody.fromString("PAR1 version 2"));
        assertTrue(invoke(Map.of("models", List.of("product_totals"))).get("product_totals").startsWith("built "));
        lake.applyAthenaEffects("product_totals");
        assertTrue(invoke(Map.of("models", List.of("product_totals"))).get("product_totals").startsWith("unchanged "), "nothing changed yet");

        lake.s3().deleteObject(request -> request.bucket(lake.silverBucket()).key(replaced));

        Map<String, String> outcomes = invoke(Map.of("models", List.of("product_totals")));
        assertTrue(outcomes.get("product_totals").startsWith("built "), "the build read a part that is gone: " + outcomes);
    }

    /** The state is in the gold bucket; the view is in the gold database: a stack pointed at another database builds its views there. */
    @Test
    void aNewGoldDatabaseWithTheSameGoldBucketBuildsTheViewsThere() throws IOException {
        assertTrue(invoke(Map.of("models", List.of("product_totals"))).get("product_totals").startsWith("built "));
        lake.applyAthenaEffects("product_totals");
        Environment moved = lake.environment(Map.of("GOLD_DATABASE", lake.goldDatabase() + "_moved"));

        Map<String, Object> outcome = new GoldCtasHandler(moved, lake.s3(), lake.glue(), lake.athena(), lake.models(), lake.log(),
                lake.recordingSleeper()).handleRequest(Map.of("models", List.of("product_totals")), null);

        assertTrue(String.valueOf(outcome.get("product_totals")).startsWith("built "), "no view in the new database yet: " + outcome);
        assertTrue(lake.athenaSql().stream().anyMatch(sql -> sql.contains("VIEW \"" + lake.goldDatabase() + "_moved\".\"product_totals\"")), lake.athenaSql().toString());
    }

    @Test
    void unchangedInputsSendNoQueryAndEachModelFollowsOnlyItsOwnSources() throws IOException {
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        invoke(Map.of());
        String revenue = lake.currentBuild("revenue_by_day");
        String totals = lake.currentBuild("product_totals");
        int queries = lake.athenaQueryIds().size();
        List<String> keys = lake.goldKeys();
        lake.recorder().clear();

        Map<String, String> outcomes = invoke(Map.of());

        assertEquals(Map.of("revenue_by_day", "unchanged " + revenue, "product_totals", "unchanged " + totals), outcomes);
        assertEquals(queries, lake.athenaQueryIds().size(), "no Athena query at all");
        assertEquals(List.of(
                "S3.GetObject tables/_state/revenue_by_day.json",
                "S3.GetObject tables/_state/product_totals.json",
                "S3.ListObjectsV2 _manifests/sales/",
                "S3.ListObjectsV2 sales/ingest_date=",
                "Glue.GetTable silver.sales",
                "Glue.GetPartitions silver.sales",
                "S3.GetObject tables/_state/revenue_by_day.json",
                "S3.GetObject tables/_state/revenue_by_day.swap.json",
                "S3.ListObjectsV2 tables/revenue_by_day/",
                "Glue.GetTables gold",
                "S3.ListObjectsV2 _manifests/products/",
                "S3.ListObjectsV2 products/ingest_date=",
                "Glue.GetTable silver.products",
                "Glue.GetPartitions silver.products",
                "S3.ListObjectsV2 _manifests/sales/",
                "S3.ListObjectsV2 sales/ingest_date=",
                "Glue.GetTable silver.sales",
                "Glue.GetPartitions silver.sales",
                "S3.GetObject tables/_state/product_totals.json",
                "S3.GetObject tables/_state/product_totals.swap.json",
                "S3.ListObjectsV2 tables/product_totals/",
                "Glue.GetTables gold",
                // Once per invocation, after the models: views of models no longer listed.
                "Glue.GetTables gold"), calls());
        assertEquals(keys, lake.goldKeys());

        // A new products file changes only the model that reads products.
        lake.addSilverFile("products");
        outcomes = invoke(Map.of());
        assertEquals("unchanged " + revenue, outcomes.get("revenue_by_day"));
        assertTrue(outcomes.get("product_totals").startsWith("built "), outcomes.toString());

        // A partition the crawler catalogued changes what Athena reads of sales, with no new manifest.
        lake.addSilverPartition("sales", "2026-03-02");
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01", "2026-03-02"));
        outcomes = invoke(Map.of());
        assertTrue(outcomes.values().stream().allMatch(outcome -> outcome.startsWith("built ")), outcomes.toString());

        // force rebuilds what did not change.
        queries = lake.athenaQueryIds().size();
        outcomes = invoke(Map.of("models", List.of("product_totals"), "force", true));
        assertTrue(outcomes.get("product_totals").startsWith("built "), outcomes.toString());
        assertEquals(queries + 2, lake.athenaQueryIds().size(), "CTAS and view");
    }

    /**
     * A lake that holds its own datasets, or not yet all of a model's: the model waits, with no query and
     * no failure. Its queries could only fail, and a failure would fail every batch until the dead-letter queue.
     */
    @Test
    void aModelWhoseSourceHasNoConvertedFileWaitsWithoutAQueryAndIsBuiltOnceItHasOne() throws IOException {
        lake.removeSilverDataset("products");
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));

        Map<String, Object> response = lake.handler().handleRequest(GoldRequestTest.sqsEvent(), null);

        assertEquals(Map.of("batchItemFailures", List.of()), response, "the batch does not fail");
        assertTrue(lake.currentBuild("revenue_by_day").length() > 0, "the model whose sources are there is built");
        assertTrue(lake.athenaSql().stream().noneMatch(sql -> sql.contains(".products")), "no query names the absent table");
        String waiting = "no file of products converted with rows yet (no silver table " + lake.silverDatabase() + ".products): the model is built once there is";
        assertEquals("waiting: " + waiting, invoke(Map.of("models", List.of("product_totals"))).get("product_totals"));
        // Forced, the person asking hears why not.
        GoldBuildException forced = assertThrows(GoldBuildException.class,
                () -> lake.handler().handleRequest(Map.of("models", List.of("product_totals"), "force", true), null));
        assertTrue(forced.getMessage().contains("product_totals: not built: " + waiting), forced.getMessage());

        // Files of products that were all rejected (or empty) leave manifests and no table: still waiting.
        lake.addSilverFile("products");
        assertEquals("waiting: " + waiting, invoke(Map.of("models", List.of("product_totals"))).get("product_totals"));

        lake.createProducts();
        assertTrue(invoke(Map.of("models", List.of("product_totals"))).get("product_totals").startsWith("built "));
    }

    /**
     * More partitions than one query may write: the model's rows are staged once, unpartitioned, and the CTAS
     * and INSERT batches read the staging table, not silver, so the inputs are scanned twice (the partitions
     * query and the staging CTAS) rather than once a batch more; the batches are cut from the staging table's own
     * partitions; the staging table and its files are gone before the swap.
     */
    @Test
    void moreThanAHundredPartitionsAreStagedOnceThenWrittenByACtasAndInsertBatchesFromTheStagingTable() throws IOException {
        List<String> days = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            days.add(LocalDate.of(2025, 6, 1).plusDays(i).toString());
        }
        lake.queueStagedBuildResults("sale_date", "date", days, days);

        lake.handler(new StagingAthena(lake.athena(), lake::leaveStagingTable)).handleRequest(Map.of("models", List.of("revenue_by_day")), null);

        String build = lake.currentBuild("revenue_by_day");
        QualifiedName table = QualifiedName.of(lake.goldDatabase(), "revenue_by_day__" + build);
        QualifiedName staging = QualifiedName.of(lake.goldDatabase(), "revenue_by_day__staging_" + build);
        QualifiedName silverSales = QualifiedName.of(lake.silverDatabase(), "sales");
        List<Statement> statements = parse(lake.athenaSql());
        assertEquals(7, statements.size(), "partitions, staging CTAS, the staged partitions, CTAS, two INSERTs, view: " + lake.athenaSql());
        assertInstanceOf(Query.class, statements.get(0), "SELECT DISTINCT of the partitions");
        CreateTableAsSelect stage = assertInstanceOf(CreateTableAsSelect.class, statements.get(1));
        assertEquals(staging, stage.getName());
        assertEquals("s3://" + lake.goldBucket() + "/tables/revenue_by_day/staging_" + build + "/", property(stage, "external_location"));
        assertEquals("PARQUET", property(stage, "format"));
        assertEquals("SNAPPY", property(stage, "write_compression"));
        assertTrue(stage.getProperties().stream().noneMatch(property -> property.getName().getValue().equals("partitioned_by")), "staged unpartitioned");
        assertEquals(List.of(silverSales), tables(stage), "the staging CTAS reads silver");
        assertEquals(List.of(staging), tables(assertInstanceOf(Query.class, statements.get(2))), "the batches' partitions read from the staging table");
        CreateTableAsSelect ctas = assertInstanceOf(CreateTableAsSelect.class, statements.get(3));
        assertEquals(table, ctas.getName());
        assertEquals("s3://" + lake.goldBucket() + "/tables/revenue_by_day/" + build + "/", property(ctas, "external_location"));
        assertEquals(List.of(staging), tables(ctas), "the first batch reads the staging table, not silver");
        for (Statement insert : statements.subList(4, 6)) {
            assertEquals(table, assertInstanceOf(Insert.class, insert).getTarget());
            assertEquals(List.of(staging), tables(insert), "each further batch reads the staging table, not silver");
        }
        assertViewOf(statements.get(6), "revenue_by_day", build);
        assertEquals(2, statements.stream().filter(statement -> tables(statement).contains(silverSales)).count(), "the inputs scanned twice, not four times");

        List<List<String>> batches = List.of(dates(ctas), dates(statements.get(4)), dates(statements.get(5)));
        assertEquals(List.of(100, 100, 50), batches.stream().map(List::size).toList());
        assertEquals(days, batches.stream().flatMap(List::stream).toList(), "every partition exactly once, in order");

        JsonNode built = lake.logLines().stream().filter(line -> line.get("message").asText().startsWith("gold model built")).findFirst().orElseThrow();
        assertEquals(250, built.get("partitions").asInt());
        assertEquals(7, built.get("queries").asInt());

        // The staging table and its files, removed after the last batch and before the swap (the last query started).
        List<String> calls = lake.recorder().calls();
        int dropped = calls.indexOf("Glue.DeleteTable " + lake.goldDatabase() + ".revenue_by_day__staging_" + build);
        assertTrue(dropped >= 0, calls.toString());
        assertTrue(dropped < calls.lastIndexOf("Athena.StartQueryExecution"), "removed before the view swap: " + calls);
        assertFalse(lake.goldTables().contains("revenue_by_day__staging_" + build), lake.goldTables().toString());
        assertTrue(lake.goldKeys().stream().noneMatch(key -> key.contains("staging_")), lake.goldKeys().toString());
    }

    /**
     * Silver changes between the partitions query and the staging CTAS (a commit lands while the build runs, or a
     * partition column the model computes from the clock moves on): the staged rows hold a partition the first
     * query did not return. The batches are cut from the staging table's own partitions, so the swapped-in build
     * holds every staged row; cut from the first query's, that partition's rows were in no batch, and readers got
     * a build without them, recorded as complete.
     */
    @Test
    void aStagedBuildWritesEveryPartitionTheStagingTableHoldsNotOnlyThoseThePartitionsQueryReturned() throws IOException {
        List<String> days = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            days.add(LocalDate.of(2025, 6, 1).plusDays(i).toString());
        }
        List<String> staged = new ArrayList<>(days);
        staged.add(LocalDate.of(2025, 6, 1).plusDays(250).toString());
        lake.queueStagedBuildResults("sale_date", "date", days, staged);

        lake.handler(new StagingAthena(lake.athena(), lake::leaveStagingTable)).handleRequest(Map.of("models", List.of("revenue_by_day")), null);

        String build = lake.currentBuild("revenue_by_day");
        QualifiedName table = QualifiedName.of(lake.goldDatabase(), "revenue_by_day__" + build);
        List<Statement> statements = parse(lake.athenaSql());
        List<Statement> writes = statements.stream()
                .filter(statement -> statement instanceof Insert insert && insert.getTarget().equals(table)
                        || statement instanceof CreateTableAsSelect ctas && ctas.getName().equals(table))
                .toList();
        List<String> written = writes.stream().flatMap(statement -> dates(statement).stream()).toList();
        assertEquals(staged, written, "every staged partition written exactly once, in order");
        assertEquals(List.of(100, 100, 51), writes.stream().map(statement -> dates(statement).size()).toList());
        assertEquals(251, lake.logLines().stream().filter(line -> line.get("message").asText().startsWith("gold model built")).findFirst().orElseThrow()
                .get("partitions").asInt());
    }

    /**
     * A model partitioned by a timestamp it computes finer than milliseconds is staged too. The partitions query
     * prints the model's values (microseconds here); the staging table, a table Athena writes, keeps milliseconds,
     * and the staged partitions' query prints those. The batches are cut from the staged values, so each literal
     * is a millisecond the staging table holds and every staged row is in exactly one batch; cut from the
     * partitions query's, a {@code TIMESTAMP '... .123456'} would match no staged row. Before, such a model was not
     * staged, its batches each reading the inputs, and it kept the race the next test closes.
     */
    @Test
    void moreThanAHundredTimestampPartitionsAreStagedAndTheirBatchesSelectTheMillisecondsTheStagingTableHolds() throws IOException {
        List<String> modelHours = new ArrayList<>();
        List<String> stagedHours = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            String hour = LocalDate.of(2025, 6, 1).atStartOfDay().plusHours(i).toString().replace('T', ' ') + ":00.123";
            modelHours.add(hour + "456");
            stagedHours.add(hour);
        }
        lake.queueStagedBuildResults("sale_date", "timestamp", modelHours, stagedHours);

        lake.handler(new StagingAthena(lake.athena(), lake::leaveStagingTable)).handleRequest(Map.of("models", List.of("revenue_by_day")), null);

        String build = lake.currentBuild("revenue_by_day");
        QualifiedName table = QualifiedName.of(lake.goldDatabase(), "revenue_by_day__" + build);
        QualifiedName staging = QualifiedName.of(lake.goldDatabase(), "revenue_by_day__staging_" + build);
        QualifiedName silverSales = QualifiedName.of(lake.silverDatabase(), "sales");
        List<Statement> statements = parse(lake.athenaSql());
        assertEquals(6, statements.size(), "partitions, staging CTAS, the staged partitions, CTAS, INSERT, view: " + lake.athenaSql());
        CreateTableAsSelect stage = assertInstanceOf(CreateTableAsSelect.class, statements.get(1));
        assertEquals(staging, stage.getName());
        assertEquals(List.of(silverSales), tables(stage), "the staging CTAS reads silver");
        assertEquals(List.of(staging), tables(statements.get(2)), "the batches' partitions read from the staging table");
        CreateTableAsSelect ctas = assertInstanceOf(CreateTableAsSelect.class, statements.get(3));
        assertEquals(table, ctas.getName());
        assertEquals(List.of(staging), tables(ctas));
        Insert insert = assertInstanceOf(Insert.class, statements.get(4));
        assertEquals(table, insert.getTarget());
        assertEquals(List.of(staging), tables(insert));
        assertViewOf(statements.get(5), "revenue_by_day", build);
        assertEquals(2, statements.stream().filter(statement -> tables(statement).contains(silverSales)).count(), "the inputs scanned twice, not once a batch");

        assertEquals(List.of(100, 50), List.of(timestamps(ctas).size(), timestamps(insert).size()));
        List<String> written = new ArrayList<>(timestamps(ctas));
        written.addAll(timestamps(insert));
        assertEquals(stagedHours, written, "each batch's literals are the staged values, at the milliseconds printed, every one exactly once");
        assertFalse(lake.goldTables().contains("revenue_by_day__staging_" + build), lake.goldTables().toString());
    }

    /**
     * The race of {@link #aStagedBuildWritesEveryPartitionTheStagingTableHoldsNotOnlyThoseThePartitionsQueryReturned}
     * for a model partitioned by a timestamp: a silver commit landing between the partitions query and the staging
     * CTAS adds an hour. Written from the model, not staged, each batch compared the partitions query's values, and
     * that hour's rows were in no batch of a build swapped in, and recorded, as complete.
     */
    @Test
    void aTimestampPartitionedBuildWritesEveryPartitionTheStagingTableHoldsNotOnlyThoseThePartitionsQueryReturned() throws IOException {
        List<String> hours = new ArrayList<>();
        for (int i = 0; i < 151; i++) {
            hours.add(LocalDate.of(2025, 6, 1).atStartOfDay().plusHours(i).toString().replace('T', ' ') + ":00.000");
        }
        List<String> queried = hours.subList(0, 150);
        lake.queueStagedBuildResults("sale_date", "timestamp", queried, hours);

        lake.handler(new StagingAthena(lake.athena(), lake::leaveStagingTable)).handleRequest(Map.of("models", List.of("revenue_by_day")), null);

        String build = lake.currentBuild("revenue_by_day");
        QualifiedName table = QualifiedName.of(lake.goldDatabase(), "revenue_by_day__" + build);
        List<Statement> writes = parse(lake.athenaSql()).stream()
                .filter(statement -> statement instanceof Insert insert && insert.getTarget().equals(table)
                        || statement instanceof CreateTableAsSelect ctas && ctas.getName().equals(table))
                .toList();
        assertEquals(hours, writes.stream().flatMap(statement -> timestamps(statement).stream()).toList(), "every staged hour written exactly once, in order");
        assertEquals(List.of(100, 51), writes.stream().map(statement -> timestamps(statement).size()).toList());
        assertEquals(151, lake.logLines().stream().filter(line -> line.get("message").asText().startsWith("gold model built")).findFirst().orElseThrow()
                .get("partitions").asInt());
    }

    /**
     * A model taken out of models.list leaves its view, build table and files for good (README, "Removing a
     * model"): each invocation that builds says so, once, naming them and what to do. A view someone made in the
     * gold database, over a listed model's view or a table not named as a build is, is no former model, and a
     * listed model's own view is none either.
     */
    @Test
    void aViewOfAModelTakenOutOfTheListIsReportedOncePerBuildAndAUsersOwnViewIsNot() throws IOException {
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        invoke(Map.of());
        lake.applyAthenaEffects("revenue_by_day");
        lake.applyAthenaEffects("product_totals");
        String location = lake.leaveAFormerModel("daily_sales", "20260101000000_a1b2c3");
        lake.addOwnView("my_revenue", "SELECT * FROM " + lake.goldDatabase() + ".revenue_by_day WHERE revenue > 0");
        lake.addOwnView("sales_copy", "SELECT * FROM " + lake.goldDatabase() + ".daily_sales__20260101000000_a1b2c3");
        lake.addOwnView("notes", "SELECT * FROM " + lake.goldDatabase() + ".notes__archive");
        lake.addSilverFile("products");

        Map<String, String> outcomes = invoke(Map.of());
        invoke(Map.of("models", List.of("revenue_by_day")));

        assertTrue(outcomes.get("product_totals").startsWith("built "), outcomes.toString());
        List<JsonNode> reported = lake.logLines().stream()
                .filter(line -> line.get("message").asText().startsWith("gold model no longer listed")).toList();
        assertEquals(2, reported.size(), "once per invocation, the first (no former model yet) none: " + reported);
        for (JsonNode line : reported) {
            assertEquals("WARN", line.get("level").asText(), line.toString());
            assertEquals("daily_sales", line.get("model").asText(), line.toString());
            assertEquals("daily_sales", line.get("view").asText(), line.toString());
            assertEquals("daily_sales__20260101000000_a1b2c3", line.get("buildTable").asText(), line.toString());
            assertEquals(location, line.get("location").asText(), line.toString());
            assertEquals("[\"daily_sales__20260101000000_a1b2c3\"]", line.get("buildTables").toString(), line.toString());
            assertTrue(line.get("whatToDo").asText().contains("gold-ctas/README.md 'Removing a model'"), line.toString());
            assertTrue(line.get("whatToDo").asText().contains("list it again"), line.toString());
        }
        assertTrue(lake.logLines().stream().noneMatch(line -> line.get("message").asText().startsWith("could not look for gold models")),
                lake.logLines().toString());
    }

    /**
     * A former model whose view someone already removed, its build and staging tables left (or a staging table
     * alone), is reported too, once per invocation that builds, without a view; the model whose view remains is
     * reported once, from its view. Neither a listed model's leftover build table nor a table or view someone made
     * whose name merely looks like one (no build id, another case, a suffix after it, no model name before it) is.
     */
    @Test
    void theTablesOfAModelTakenOutOfTheListWhoseViewIsGoneAreReportedAndAUsersOwnTablesAreNot() throws IOException {
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        invoke(Map.of());
        lake.applyAthenaEffects("revenue_by_day");
        lake.applyAthenaEffects("product_totals");
        lake.leaveAFormerModel("daily_sales", "20260101000000_a1b2c3");
        lake.addTable("daily_orders__20260102000000_d4e5f6", "tables/daily_orders/20260102000000_d4e5f6/");
        lake.addTable("daily_orders__20260101000000_a1b2c3", "tables/daily_orders/20260101000000_a1b2c3/");
        lake.addTable("daily_orders__staging_20260103000000_0a0b0c", "tables/daily_orders/staging_20260103000000_0a0b0c/");
        lake.addTable("old__totals__staging_20260104000000_fedcba", "tables/old__totals/staging_20260104000000_fedcba/");
        // A listed model's: its own cleanup's business.
        lake.addTable("revenue_by_day__staging_20250101000000_abcdef", "tables/revenue_by_day/staging_20250101000000_abcdef/");
        // Someone's own, with __ in their names.
        lake.addTable("notes__archive", "own/notes_archive/");
        lake.addTable("sales__2026", "own/sales_2026/");
        lake.addTable("orders__20260101000000_a1b2c3_old", "own/orders_old/");
        lake.addTable("orders__20260101000000_a1b2c", "own/orders_short/");
        lake.addTable("orders__2026010100000_a1b2c3", "own/orders_digits/");
        lake.addTable("orders__staging_2026", "own/orders_staging/");
        lake.addTable("orders__stage_20260101000000_a1b2c3", "own/orders_stage/");
        lake.addTable("orders__20260101000000_a1b2g3", "own/orders_hex/");
        lake.addTable("__20260101000000_a1b2c3", "own/no_model/");
        lake.addTable("_orders__20260101000000_a1b2c3", "own/underscore/");
        lake.addTable("2orders__20260101000000_a1b2c3", "own/digit/");
        lake.addOwnView("report__20260101000000_a1b2c3", "SELECT * FROM " + lake.goldDatabase() + ".notes__archive");
        lake.addSilverFile("products");

        invoke(Map.of());
        invoke(Map.of("models", List.of("revenue_by_day")));

        List<JsonNode> reported = lake.logLines().stream()
                .filter(line -> line.get("message").asText().startsWith("gold model no longer listed")).toList();
        assertEquals(List.of("daily_sales", "daily_orders", "old__totals", "daily_sales", "daily_orders", "old__totals"),
                reported.stream().map(line -> line.get("model").asText()).toList(), "once per model per invocation: " + reported);
        List<JsonNode> tablesOnly = reported.stream().filter(line -> !line.get("model").asText().equals("daily_sales")).toList();
        for (JsonNode line : tablesOnly) {
            assertEquals("WARN", line.get("level").asText(), line.toString());
            assertEquals("gold model no longer listed in models.list, but its build tables and files remain", line.get("message").asText(),
                    line.toString());
            assertEquals(lake.goldDatabase(), line.get("database").asText(), line.toString());
            assertNull(line.get("view"), "its view is gone: " + line);
            assertNull(line.get("buildTable"), "no view selects from one: " + line);
            assertTrue(line.get("whatToDo").asText().contains("gold-ctas/README.md 'Removing a model'"), line.toString());
            assertTrue(line.get("whatToDo").asText().contains("list it again"), line.toString());
        }
        assertEquals("[\"daily_orders__20260101000000_a1b2c3\",\"daily_orders__20260102000000_d4e5f6\",\"daily_orders__staging_20260103000000_0a0b0c\"]",
                tablesOnly.get(0).get("buildTables").toString(), tablesOnly.get(0).toString());
        assertEquals("tables/daily_orders/", tablesOnly.get(0).get("modelFolder").asText(), tablesOnly.get(0).toString());
        assertEquals("[\"old__totals__staging_20260104000000_fedcba\"]", tablesOnly.get(1).get("buildTables").toString(), tablesOnly.get(1).toString());
        assertEquals("tables/old__totals/", tablesOnly.get(1).get("modelFolder").asText(), tablesOnly.get(1).toString());
        JsonNode fromItsView = reported.get(0);
        assertEquals("daily_sales", fromItsView.get("view").asText(), fromItsView.toString());
        assertEquals("[\"daily_sales__20260101000000_a1b2c3\"]", fromItsView.get("buildTables").toString(), fromItsView.toString());
    }

    @Test
    void aDirectInvocationBuildsOnlyTheModelsItNames() throws IOException {
        Map<String, String> outcomes = invoke(Map.of("models", List.of("product_totals")));

        assertEquals(List.of("product_totals"), List.copyOf(outcomes.keySet()));
        assertTrue(lake.athenaSql().stream().noneMatch(sql -> sql.contains("revenue_by_day")), lake.athenaSql().toString());
        assertTrue(lake.state("revenue_by_day").isEmpty());
    }

    @Test
    void anUnknownModelOrEventIsRefusedAndABatchOfTestEventsIsIgnoredWithoutAQuery() throws IOException {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> invoke(Map.of("models", List.of("daily_sales_typo"))));
        assertTrue(unknown.getMessage().contains("daily_sales_typo") && unknown.getMessage().contains("revenue_by_day"), unknown.getMessage());

        Map<String, Object> testEventOnly = GoldRequestTest.sqsEvent();
        ((List<?>) testEventOnly.get("Records")).remove(1);
        assertEquals(Map.of("batchItemFailures", List.of()), lake.handler().handleRequest(testEventOnly, null));

        Map<String, Object> other = Map.of("detail-type", "Object Created", "source", "aws.s3", "detail", Map.of());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> lake.handler().handleRequest(other, null));
        assertTrue(refused.getMessage().contains("Object Created"), refused.getMessage());

        assertEquals(List.of(), lake.athenaQueryIds());
        assertTrue(lake.logLines().stream().anyMatch(line -> line.get("message").asText().startsWith("S3 test event")), "the test event is logged");
        assertTrue(lake.goldKeys().stream().noneMatch(key -> key.contains("_lease/")), "nothing took the lease: " + lake.goldKeys());
    }

    @Test
    void anSqsBatchOfCommitsBuildsEveryChangedModelUnderTheLeaseAndAnswersNoFailure() throws IOException {
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        Map<String, Object> event = GoldRequestTest.sqsEvent();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>) event.get("Records");
        records.add(message(records.get(1), "not-a-notification", "hello"));

        Map<String, Object> response = lake.handler().handleRequest(event, null);

        assertEquals(Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", "not-a-notification"))), response,
                "only the unreadable message comes back, to end in the dead-letter queue");
        assertTrue(lake.state("revenue_by_day").isPresent() && lake.state("product_totals").isPresent(), "every model built");
        JsonNode batch = lake.logLines().stream().filter(line -> line.get("message").asText().equals("gold trigger batch")).findFirst().orElseThrow();
        assertEquals(3, batch.get("messages").asInt());
        assertEquals(1, batch.get("commits").asInt());
        assertEquals(1, batch.get("testEvents").asInt());

        // The lease is taken before anything else and released after everything else.
        List<String> s3 = lake.recorder().calls("S3");
        assertEquals(List.of("S3.GetObject tables/_lease/build.json", "S3.PutObject tables/_lease/build.json"), s3.subList(0, 2));
        assertEquals(List.of("S3.GetObject tables/_lease/build.json", "S3.DeleteObject tables/_lease/build.json"), s3.subList(s3.size() - 2, s3.size()));
        assertTrue(lake.goldKeys().stream().noneMatch(key -> key.contains("_lease/")), lake.goldKeys().toString());

        // The same commits again: nothing changed, no query, still no failure.
        int queries = lake.athenaQueryIds().size();
        assertEquals(Map.of("batchItemFailures", List.of()), lake.handler().handleRequest(GoldRequestTest.sqsEvent(), null));
        assertEquals(queries, lake.athenaQueryIds().size());
    }

    /**
     * A burst: 500 files committed within one batching window reach the builder as one batch (the mapping's
     * batch size is 10,000), and gold is built once, one CTAS per model, not once per commit.
     */
    @Test
    void aBurstOfFiveHundredCommitsInOneBatchBuildsEachModelOnce() throws IOException {
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        Map<String, Object> event = GoldRequestTest.sqsEvent();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>) event.get("Records");
        Map<String, Object> commit = records.get(1);
        String body = (String) commit.get("body");
        records.clear();
        for (int i = 0; i < 500; i++) {
            records.add(message(commit, "commit-" + i, body.replace("sales_2026_03-5f6ee5d354", String.format("burst_%03d-5f6ee5d354", i))));
        }

        Map<String, Object> response = lake.handler().handleRequest(event, null);

        assertEquals(Map.of("batchItemFailures", List.of()), response);
        JsonNode batch = lake.logLines().stream().filter(line -> line.get("message").asText().equals("gold trigger batch")).findFirst().orElseThrow();
        assertEquals(500, batch.get("commits").asInt());
        List<Statement> statements = parse(lake.athenaSql());
        long tablesWritten = statements.stream().filter(statement -> statement instanceof CreateTableAsSelect || statement instanceof Insert).count();
        assertEquals(lake.models().all().size(), tablesWritten, "one CTAS per model for the whole burst: " + lake.athenaSql());
        assertTrue(lake.state("revenue_by_day").isPresent() && lake.state("product_totals").isPresent(), "every model built");
    }

    @Test
    void aScheduledInvocationFindingABuildRunningSucceedsBuildingNothing() throws IOException {
        String lease = "tables/_lease/build.json";
        Instant now = Instant.now();
        String running = "{\"holder\":\"request-running\",\"acquiredAt\":\"" + now.minusSeconds(60) + "\",\"expiresAt\":\"" + now.plusSeconds(840) + "\"}";
        lake.s3().putObject(request -> request.bucket(lake.goldBucket()).key(lease), RequestBody.fromString(running));
        Map<String, Object> schedule = Map.of("detail-type", "Scheduled Event", "source", "aws.events",
                "resources", List.of("arn:aws:events:eu-west-1:123456789012:rule/gold-hourly"));

        // Failing would have Lambda retry it, and after a long build the on-failure queue's alarm fire; the next tick comes anyway.
        Map<String, Object> response = lake.handler().handleRequest(schedule, LambdaInvocation.of("gold-ctas", "scheduled-1"));

        assertEquals(Map.of(), response, "no model built");
        assertEquals(List.of(), lake.athenaQueryIds(), "nothing built");
        JsonNode skipped = lake.logLines().stream().filter(line -> line.get("message").asText().startsWith("gold build skipped: another build holds the lease"))
                .findFirst().orElseThrow();
        assertEquals("request-running", skipped.get("heldBy").asText());
        assertEquals(running, lake.s3().getObjectAsBytes(request -> request.bucket(lake.goldBucket()).key(lease)).asUtf8String(), "the lease is left to its holder");
    }

    @Test
    void aBuildFindingTheLeaseHeldBuildsNothingAndItsMessagesComeBackLater() throws IOException {
        String lease = "tables/_lease/build.json";
        Instant now = Instant.now();
        String running = "{\"holder\":\"request-running\",\"acquiredAt\":\"" + now.minusSeconds(60) + "\",\"expiresAt\":\"" + now.plusSeconds(840) + "\"}";
        lake.s3().putObject(request -> request.bucket(lake.goldBucket()).key(lease), RequestBody.fromString(running));

        Map<String, Object> response = lake.handler().handleRequest(GoldRequestTest.sqsEvent(), null);

        assertEquals(Map.of("batchItemFailures", List.of(
                Map.of("itemIdentifier", "19dd0b57-b21e-4ac1-bd88-01bbb068cb78"),
                Map.of("itemIdentifier", "2e1424d4-f796-459a-8184-9c92662be6da"))), response, "every message of the batch, to be delivered again");
        GoldBuildBusyException busy = assertThrows(GoldBuildBusyException.class, () -> invoke(Map.of()));
        assertTrue(busy.getMessage().contains("request-running") && busy.getMessage().contains(lease), busy.getMessage());
        assertEquals(List.of(), lake.athenaQueryIds(), "nothing built");
        assertEquals(running, lake.s3().getObjectAsBytes(request -> request.bucket(lake.goldBucket()).key(lease)).asUtf8String(), "the lease is left to its holder");

        // A lease past its expiry belongs to an invocation that has ended: the next build takes it over.
        String crashed = "{\"holder\":\"request-killed\",\"acquiredAt\":\"" + now.minusSeconds(960) + "\",\"expiresAt\":\"" + now.minusSeconds(55) + "\"}";
        lake.s3().putObject(request -> request.bucket(lake.goldBucket()).key(lease), RequestBody.fromString(crashed));
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));

        assertEquals(Map.of("batchItemFailures", List.of()), lake.handler().handleRequest(GoldRequestTest.sqsEvent(), null));
        assertTrue(lake.state("revenue_by_day").isPresent() && lake.state("product_totals").isPresent(), "every model built");
        assertTrue(lake.goldKeys().stream().noneMatch(key -> key.contains("_lease/")), "released: " + lake.goldKeys());
    }

    /**
     * Another batch's build is running: every message comes back, those whose commits that build read
     * included, since that build may yet fail and these may be its own messages delivered a second time
     * (GoldBuildFailureIT has the failure). A build that then finds nothing changed is done with them at once.
     */
    @Test
    void aBatchFindingAnotherBatchsBuildRunningHandsBackEveryMessage() throws IOException {
        String lease = "tables/_lease/build.json";
        // Another batch's build started at 23:30:30; the sample commit was written at 23:29:58.120.
        String running = "{\"holder\":\"request-running\",\"acquiredAt\":\"2026-03-14T23:30:30Z\",\"expiresAt\":\"" + Instant.now().plusSeconds(840)
                + "\",\"batchBuild\":true}";
        lake.s3().putObject(request -> request.bucket(lake.goldBucket()).key(lease), RequestBody.fromString(running));
        Map<String, Object> event = GoldRequestTest.sqsEvent();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>) event.get("Records");
        String commit = String.valueOf(records.get(1).get("body"));
        records.add(message(records.get(1), "committed-after-it-started", commit.replace("2026-03-14T23:29:58.120Z", "2026-03-14T23:31:00Z")));
        records.add(message(records.get(1), "unreadable", "hello"));

        Map<String, Object> response = lake.handler().handleRequest(event, null);

        assertEquals(Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", "19dd0b57-b21e-4ac1-bd88-01bbb068cb78"),
                Map.of("itemIdentifier", "2e1424d4-f796-459a-8184-9c92662be6da"), Map.of("itemIdentifier", "committed-after-it-started"),
                Map.of("itemIdentifier", "unreadable"))), response, "the commit made before that build started too");
        assertEquals(List.of(), lake.athenaQueryIds(), "nothing built");
        JsonNode deferred = lake.logLines().stream().filter(line -> line.get("message").asText().startsWith("gold build deferred")).findFirst().orElseThrow();
        assertEquals(4, deferred.get("messages").asInt());
        assertEquals(4, deferred.get("handedBack").asInt());
        assertTrue(deferred.get("heldForABatch").asBoolean(), deferred.toString());

        // Once that build has ended, they come back to a build, which is done with them.
        lake.s3().deleteObject(request -> request.bucket(lake.goldBucket()).key(lease));
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        assertEquals(Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", "unreadable"))), lake.handler().handleRequest(event, null),
                "only the unreadable message, for the dead-letter queue");
    }

    private static Map<String, Object> message(Map<String, Object> like, String id, String body) {
        Map<String, Object> message = new LinkedHashMap<>(like);
        message.put("messageId", id);
        message.put("body", body);
        return message;
    }

    private String buildRevenueAndApplyItsEffects() throws IOException {
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        Map<String, String> outcomes = invoke(Map.of("models", List.of("revenue_by_day")));
        assertTrue(outcomes.get("revenue_by_day").startsWith("built "), outcomes.toString());
        lake.applyAthenaEffects("revenue_by_day");
        return lake.currentBuild("revenue_by_day");
    }

    @Test
    void anUnchangedModelIsUnchangedNotFailedWhenLessThanABuildsTimeIsLeft() throws IOException {
        Map<String, Object> event = Map.of("models", List.of("product_totals"));
        lake.handler().handleRequest(event, LambdaInvocation.of("gold-ctas", "request-1"));
        String built = lake.currentBuild("product_totals");

        // Nothing changed in silver; an earlier model of the invocation left 50 s, less than a build needs
        // (60) but enough to tell that nothing changed. A failure here would fail, and bring back, a whole batch.
        Map<String, Object> outcome = lake.handler().handleRequest(event, LambdaInvocation.of("gold-ctas", "request-2").withRemainingMillis(50_000));

        assertEquals(Map.of("product_totals", "unchanged " + built), outcome);
    }

    @Test
    void aModelListedAfterOneThatTakesTheWholeInvocationIsBuiltInTheNext() throws IOException {
        // revenue_by_day, first in models.list, changes in every batching window (a sales commit each time),
        // and its build leaves 50 s: not enough to start another model (60 s).
        lake.addSilverFile("sales");
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        GoldBuildException first = assertThrows(GoldBuildException.class, () -> lake.handler().handleRequest(GoldRequestTest.sqsEvent(), timeForOneBuild("batch-1")));
        assertTrue(first.getMessage().contains("product_totals: not started"), first.getMessage());
        lake.applyAthenaEffects("revenue_by_day");
        assertTrue(lake.state("product_totals").isEmpty());

        lake.addSilverFile("sales");
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        GoldBuildException second = assertThrows(GoldBuildException.class, () -> lake.handler().handleRequest(GoldRequestTest.sqsEvent(), timeForOneBuild("batch-2")));

        assertTrue(lake.state("product_totals").isPresent(), "product_totals is never built while revenue_by_day keeps changing: " + second.getMessage());
        assertTrue(second.getMessage().contains("revenue_by_day: not started"), "built last now: " + second.getMessage());
    }

    /** An invocation with all its time ahead until its first view swap, and 50 s left after it. */
    private Context timeForOneBuild(String requestId) {
        LambdaInvocation invocation = LambdaInvocation.of("gold-ctas", requestId);
        int views = (int) lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE OR REPLACE VIEW")).count();
        return new ForwardingContext(invocation, () -> lake.athenaSql().stream().filter(sql -> sql.startsWith("CREATE OR REPLACE VIEW")).count() > views
                ? 50_000 : LambdaInvocation.LONGEST_MILLIS);
    }

    /** A direct invocation, whose answer is each model's outcome. */
    private Map<String, String> invoke(Map<String, Object> event) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        lake.handler().handleRequest(event, null).forEach((model, outcome) -> outcomes.put(model, (String) outcome));
        return outcomes;
    }

    /** The recorded calls, with this lake's database names shortened and query ids dropped. */
    private List<String> calls() {
        // The lease's calls, first and last, are checked on their own (releasing it is a GET and a delete).
        return lake.recorder().calls().stream()
                .filter(call -> !call.contains("_lease/"))
                .map(call -> call.replace(lake.silverDatabase(), "silver").replace(lake.goldDatabase(), "gold"))
                .map(call -> call.startsWith("Athena.") ? call.split(" ")[0] : call)
                // One key is deleted with DeleteObject, several with DeleteObjects: the keys are checked on their own.
                .map(call -> call.startsWith("S3.DeleteObject") ? call.split(" ")[0] : call)
                .collect(Collectors.toList());
    }

    private List<Statement> parse(List<String> sql) {
        List<Statement> statements = new ArrayList<>();
        for (String text : sql) {
            try {
                statements.add(parser.createStatement(text));
            }
            catch (RuntimeException e) {
                throw new AssertionError("Trino's parser refuses what the handler sent:\n" + text, e);
            }
        }
        return statements;
    }

    private void assertViewOf(Statement statement, String model, String build) {
        CreateView view = assertInstanceOf(CreateView.class, statement);
        assertTrue(view.isReplace());
        assertEquals(QualifiedName.of(lake.goldDatabase(), model), view.getName());
        QuerySpecification body = assertInstanceOf(QuerySpecification.class, view.getQuery().getQueryBody());
        assertEquals(QualifiedName.of(lake.goldDatabase(), model + "__" + build), assertInstanceOf(Table.class, body.getFrom().orElseThrow()).getName());
    }

    private static String property(CreateTableAsSelect ctas, String name) {
        for (Property property : ctas.getProperties()) {
            if (property.getName().getValue().equals(name)) {
                return assertInstanceOf(StringLiteral.class, property.getNonDefaultValue()).getValue();
            }
        }
        throw new AssertionError("no property " + name);
    }

    /** Whether the outermost query filters: a batch wraps the model's SELECT as a subquery with a WHERE. */
    private static boolean hasWhere(Query query) {
        return query.getQueryBody() instanceof QuerySpecification specification
                && specification.getFrom().orElse(null) instanceof AliasedRelation
                && specification.getWhere().isPresent();
    }

    /** The tables a statement reads, in the order it names them (its target excluded). */
    private static List<QualifiedName> tables(Statement statement) {
        Query query;
        if (statement instanceof CreateTableAsSelect ctas) {
            query = ctas.getQuery();
        }
        else if (statement instanceof Insert insert) {
            query = insert.getQuery();
        }
        else if (statement instanceof CreateView view) {
            query = view.getQuery();
        }
        else {
            query = assertInstanceOf(Query.class, statement);
        }
        return tablesRead(query);
    }

    /** The TIMESTAMP literals of a statement's batch predicate, in order, as Trino's parser reads them. */
    private static List<String> timestamps(Statement statement) {
        List<String> timestamps = new ArrayList<>();
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitTimestampLiteral(TimestampLiteral node, Void context) {
                timestamps.add(node.getValue());
                return null;
            }
        }.process(statement, null);
        return timestamps;
    }

    private static List<String> toStrings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** The DATE literals of a statement's batch predicate, in order. */
    private static List<String> dates(Statement statement) {
        List<String> dates = new ArrayList<>();
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitGenericLiteral(GenericLiteral node, Void context) {
                if (node.getType().equalsIgnoreCase("DATE")) {
                    dates.add(node.getValue());
                }
                return null;
            }
        }.process(statement, null);
        return dates;
    }
}
