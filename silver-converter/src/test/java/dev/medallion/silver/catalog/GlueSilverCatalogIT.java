package dev.medallion.silver.catalog;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.Environment;
import dev.medallion.common.config.SilverSettings;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.LambdaInvocation;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.silver.ConversionResult;
import dev.medallion.silver.Manifest;
import dev.medallion.silver.ManifestStore;
import dev.medallion.silver.SilverConverter;
import dev.medallion.silver.SourceObject;
import dev.medallion.silver.lambda.S3Events;
import dev.medallion.silver.lambda.SilverConversionException;
import dev.medallion.silver.lambda.SilverConverterHandler;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.SchemaContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.PartitionInput;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.glue.model.TableInput;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real conversions through the converter with the Glue catalog, on moto's S3 and Glue: what Athena will
 * see once a manifest is committed. Where moto differs from AWS, and what that leaves untested here:
 * <ul>
 * <li>moto's BatchCreatePartition reports only {@code AlreadyExistsException} per entry, and its
 *     BatchUpdatePartition only {@code EntityNotFoundException}; other per-entry errors (and a move refused
 *     for concurrent changes every time) are covered by GlueSilverCatalogTest.</li>
 * <li>moto's UpdateTable stores the input as a new version without validating it (AWS checks the name and
 *     the input); moto accepts names AWS would refuse, hence SilverTableDefinition's own checks.</li>
 * <li>moto serves requests on threads but keeps tables in plain dictionaries, and creates a table or a
 *     partition by checking that it is missing and then adding it, with no lock between: racing creates can
 *     all succeed there, where Glue lets one. The race below has the proxy serve them one at a time
 *     ({@link Fault#gatherThenOneAtATime}), so that the losers get AlreadyExists as from Glue, and shows
 *     that losing (CreateTable, a partition) is no error.</li>
 * </ul>
 */
class GlueSilverCatalogIT {
    @RegisterExtension
    static final S3Emulator AWS = S3Emulator.moto();

    private static final LocalDate MARCH_1 = LocalDate.of(2026, 3, 1);
    private static final LocalDate MARCH_2 = LocalDate.of(2026, 3, 2);

    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();
    private String silverBucket;
    private String database;

    @BeforeEach
    void createBucketAndDatabase() {
        silverBucket = AWS.createBucket("silver");
        database = "silver_" + UUID.randomUUID().toString().substring(0, 8);
        AWS.glue().createDatabase(request -> request.databaseInput(input -> input.name(database)));
    }

    @Test
    void theConvertersTableHasTheContractsColumnsAndEachWrittenDayIsAPartitionAtItsFolder() throws IOException {
        SilverConverter converter = converter(catalog(AWS.glue()));

        convert(converter, "sales/2026/03/a.csv", MARCH_1, "id,sold_at,amount,note,paid,day\n1,2026-03-01 10:00,12.5,first,true,2026-03-01\n");
        convert(converter, "sales/2026/03/b.csv", MARCH_2, "id,sold_at,amount,note,paid,day\n2,2026-03-02 11:00,7,second,false,2026-03-02\n");

        Table table = table("sales");
        assertEquals(List.of("id bigint", "sold_at timestamp", "amount double", "note string", "paid boolean", "day date"), columns(table.storageDescriptor().columns()));
        assertEquals(List.of("ingest_date string"), columns(table.partitionKeys()));
        assertEquals("EXTERNAL_TABLE", table.tableType());
        assertEquals("s3://" + silverBucket + "/lake/sales/", table.storageDescriptor().location());
        assertEquals("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", table.storageDescriptor().serdeInfo().serializationLibrary());
        assertEquals("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", table.storageDescriptor().inputFormat());
        assertEquals("parquet", table.parameters().get("classification"));
        assertEquals("SNAPPY", table.parameters().get("parquet.compression"));
        // The contract's columns are the table's: the contract the converter stored is the one the catalog shows.
        String contract = new String(new S3ObjectStore(AWS.client(), silverBucket).read("lake/_schemas/sales.json").orElseThrow(), StandardCharsets.UTF_8);
        for (String column : List.of("id", "sold_at", "amount", "note", "paid", "day")) {
            assertTrue(contract.contains("\"name\" : \"" + column + "\""), contract);
        }

        Map<String, String> partitions = partitions("sales");
        assertEquals(Map.of(
                "2026-03-01", "s3://" + silverBucket + "/lake/sales/ingest_date=2026-03-01/",
                "2026-03-02", "s3://" + silverBucket + "/lake/sales/ingest_date=2026-03-02/"), partitions);
        // Each partition's folder holds the parts its manifest committed.
        for (String folder : partitions.values()) {
            String prefix = folder.substring(("s3://" + silverBucket + "/").length());
            assertEquals(1, new S3ObjectStore(AWS.client(), silverBucket).list(prefix).stream().filter(key -> key.endsWith(".parquet")).count(), prefix);
        }
        assertTrue(log().contains("\"message\":\"silver table created\""), log());
        assertFalse(log().contains("\"level\":\"WARN\""), log());
    }

    @Test
    void aRedeliveryAndASecondFileOfTheSameDayChangeNothingInTheCatalog() throws IOException {
        SilverConverter converter = converter(catalog(AWS.glue()));
        convert(converter, "sales/a.csv", MARCH_1, "id,amount\n1,2.5\n");
        String version = table("sales").versionId();

        ConversionResult redelivered = convert(converter, "sales/a.csv", MARCH_1, "id,amount\n1,2.5\n");
        ConversionResult sameDay = convert(converter, "sales/b.csv", MARCH_1, "id,amount\n2,3.5\n");

        assertTrue(redelivered.unchanged());
        assertEquals(Manifest.CONVERTED, sameDay.outcome());
        assertEquals(version, table("sales").versionId(), "the table was not updated");
        assertEquals(List.of("2026-03-01"), List.copyOf(partitions("sales").keySet()));
        assertFalse(log().contains("\"level\":\"WARN\""), log());
    }

    /**
     * Runs of a new dataset's first day at once all find the table missing and all create it, then all create
     * the day's partition. Glue makes each create atomically: one succeeds, the others get AlreadyExists (for
     * CreateTable the exception, for BatchCreatePartition an entry's error), read what is there and go on.
     * moto checks and then adds, with no lock between, so racing creates can all succeed there: the proxy
     * holds every racer's request until all have sent it (each has seen the table, or the partition, missing),
     * then moto serves them one at a time, and the losers must take the found-it path.
     */
    @Test
    void registrationsRacingEachOtherAllSucceed() throws Exception {
        int threads = 8;
        SchemaContract contract = SilverTableDefinitionTest.contract("orders", new dev.medallion.silver.schema.Column("id", ColumnType.BIGINT, "id"));
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                GlueClient glue = AWS.glueThrough(proxy.endpoint())) {
            Injection tables = proxy.inject(request -> request.header("x-amz-target").equals(Optional.of("AWSGlue.CreateTable")),
                    Fault.gatherThenOneAtATime(threads), threads);
            Injection partitions = proxy.inject(request -> request.header("x-amz-target").equals(Optional.of("AWSGlue.BatchCreatePartition")),
                    Fault.gatherThenOneAtATime(threads), threads);
            SilverCatalog catalog = catalog(glue);
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    runs.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        catalog.register(contract, List.of(MARCH_1), "s3://bronze/sales/a.csv");
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    run.get(60, TimeUnit.SECONDS);
                }
            }
            finally {
                pool.shutdownNow();
            }

            assertEquals(threads, tables.hits(), "every run found the table missing and created it: " + tables);
            assertEquals(threads, partitions.hits(), "every run created the day's partition: " + partitions);
            assertEquals(List.of(), proxy.failures());
        }
        assertEquals(List.of("id bigint"), columns(table("orders").storageDescriptor().columns()));
        assertEquals(List.of("2026-03-01"), List.copyOf(partitions("orders").keySet()));
        assertEquals(1, occurrences(log(), "\"message\":\"silver table created\""), "one run created the table; the others found it: " + log());
        assertEquals(1, occurrences(log(), "\"message\":\"silver partitions registered\""), "one run created the partition; the others found it: " + log());
    }

    @Test
    void twoConversionsOfTheSameDatasetAtOnceBothCommitAndCatalog() throws Exception {
        SilverConverter converter = converter(catalog(AWS.glue()));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            Future<ConversionResult> a = pool.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                return convert(converter, "events/a.csv", MARCH_1, "id\n1\n");
            });
            Future<ConversionResult> b = pool.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                return convert(converter, "events/b.csv", MARCH_2, "id\n2\n");
            });
            assertEquals(Manifest.CONVERTED, a.get(60, TimeUnit.SECONDS).outcome());
            assertEquals(Manifest.CONVERTED, b.get(60, TimeUnit.SECONDS).outcome());
        }
        finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("2026-03-01", "2026-03-02"), partitions("events").keySet().stream().sorted().toList());
    }

    @Test
    void aTableChangedBehindTheContractsBackIsRestoredToItAndWhatTheContractDoesNotSayIsKept() throws IOException {
        SilverConverter converter = converter(catalog(AWS.glue()));
        convert(converter, "sales/a.csv", MARCH_1, "id,amount\n1,2.5\n");
        Table original = table("sales");
        // What a crawler merging a file's schema, or a person in the console, might do.
        Map<String, String> parameters = new HashMap<>(original.parameters());
        parameters.put("comment", "kept: the contract says nothing of it");
        parameters.put("classification", "csv");
        AWS.glue().updateTable(request -> request.databaseName(database).tableInput(TableInput.builder()
                .name("sales")
                .tableType(original.tableType())
                .parameters(parameters)
                .partitionKeys(original.partitionKeys())
                .storageDescriptor(original.storageDescriptor().toBuilder().columns(
                        Column.builder().name("id").type("string").build(),
                        Column.builder().name("amount").type("double").build(),
                        Column.builder().name("extra").type("int").build()).build())
                .build()));

        convert(converter, "sales/b.csv", MARCH_2, "id,amount\n2,3.5\n");

        Table restored = table("sales");
        assertEquals(List.of("id bigint", "amount double"), columns(restored.storageDescriptor().columns()));
        assertEquals("parquet", restored.parameters().get("classification"));
        assertEquals("kept: the contract says nothing of it", restored.parameters().get("comment"));
        assertTrue(log().contains("silver table differed from its schema contract and was restored to it"), log());
        // Named as every line of a dataset is, beside the table Glue knows it by.
        String restoredLine = log().lines().filter(line -> line.contains("was restored to it")).findFirst().orElseThrow();
        assertTrue(restoredLine.contains("\"dataset\":\"sales\""), restoredLine);
        // And the file whose conversion found it so: the person who changed the table learns when, from that file's own lines.
        assertTrue(restoredLine.contains("\"source\":\"s3://bronze/sales/b.csv\""), restoredLine);
        assertTrue(log().contains("columns: [id string, amount double, extra int] -> [id bigint, amount double]"), log());
        assertTrue(log().contains("parameter classification: csv -> parquet"), log());
        assertEquals(2, partitions("sales").size());
    }

    /**
     * Column descriptions set in the Glue console or with Athena DDL are a person's settings, which an
     * UpdateTable drops unless it sends them again: Glue replaces the whole definition (as apache/iceberg#10220
     * found for Iceberg's Glue catalog). Restoring the contract must change the columns' types, not wipe
     * their documentation.
     */
    @Test
    void restoringTheContractKeepsColumnCommentsAndStorageParametersPeopleSet() throws IOException {
        SilverConverter converter = converter(catalog(AWS.glue()));
        convert(converter, "sales/a.csv", MARCH_1, "id,amount\n1,2.5\n");
        Table original = table("sales");
        Map<String, String> storageParameters = Map.of("owner_team", "finance");
        // A person documents the table; later a crawler retypes a column behind the contract's back.
        AWS.glue().updateTable(request -> request.databaseName(database).tableInput(TableInput.builder()
                .name("sales")
                .tableType(original.tableType())
                .parameters(original.parameters())
                .partitionKeys(Column.builder().name("ingest_date").type("string").comment("day the file reached bronze (UTC)").build())
                .storageDescriptor(original.storageDescriptor().toBuilder()
                        .parameters(storageParameters)
                        .columns(
                                Column.builder().name("id").type("string").comment("order number").parameters(Map.of("pii", "false")).build(),
                                Column.builder().name("amount").type("double").comment("EUR, VAT included").build()).build())
                .build()));

        convert(converter, "sales/b.csv", MARCH_2, "id,amount\n2,3.5\n");

        Table restored = table("sales");
        assertEquals(List.of("id bigint", "amount double"), columns(restored.storageDescriptor().columns()));
        assertEquals(List.of("order number", "EUR, VAT included"), restored.storageDescriptor().columns().stream().map(Column::comment).toList());
        assertEquals(Map.of("pii", "false"), restored.storageDescriptor().columns().get(0).parameters());
        assertEquals("day the file reached bronze (UTC)", restored.partitionKeys().get(0).comment());
        assertEquals(storageParameters, restored.storageDescriptor().parameters());
        assertTrue(log().contains("columns: [id string, amount double] -> [id bigint, amount double]"), log());
    }

    /**
     * Many files of a dataset converted at once (a folder uploaded after a crawler retyped its table, or after
     * its contract was edited) all find the table differing and all restore it. Glue answers all but one
     * UpdateTable with ConcurrentModificationException, a 400 the SDK does not retry ("Update table failed
     * due to concurrent modifications": trinodb/trino#19463, apache/iceberg#8636). Here the update lands, as
     * the winner's identical one does, and its answer is that refusal: the run reads the table again, finds
     * it as its contract says, and commits, where it used to fail and be converted again by Lambda's retry.
     */
    @Test
    void aRestoreThatLosesARaceToAnotherRunsRestoreCommits() throws IOException {
        SilverConverter first = converter(catalog(AWS.glue()));
        convert(first, "sales/a.csv", MARCH_1, "id,amount\n1,2.5\n");
        retypeBehindTheContract("sales", "id", "string");
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                GlueClient glue = AWS.glueThrough(proxy.endpoint())) {
            Injection lost = proxy.inject(request -> request.header("x-amz-target").equals(Optional.of("AWSGlue.UpdateTable")),
                    Fault.jsonErrorAfterForwarding(400, "ConcurrentModificationException"), 1);

            ConversionResult result = convert(converter(catalog(glue)), "sales/b.csv", MARCH_2, "id,amount\n2,3.5\n");

            assertEquals(Manifest.CONVERTED, result.outcome());
            assertEquals(1, lost.hits(), lost.toString());
            assertEquals(List.of("id bigint", "amount double"), columns(table("sales").storageDescriptor().columns()));
            assertTrue(partitions("sales").containsKey("2026-03-02"), partitions("sales").toString());
            assertEquals(List.of(), proxy.failures());
        }
    }

    /** When the table still differs after the refusal (someone else changed it meanwhile), the run restores it again. */
    @Test
    void aRestoreRefusedForAConcurrentChangeIsTriedAgain() throws IOException {
        SilverConverter first = converter(catalog(AWS.glue()));
        convert(first, "sales/a.csv", MARCH_1, "id,amount\n1,2.5\n");
        Table original = table("sales");
        Map<String, String> parameters = new HashMap<>(original.parameters());
        parameters.put("classification", "csv");
        AWS.glue().updateTable(request -> request.databaseName(database).tableInput(TableInput.builder()
                .name("sales")
                .tableType(original.tableType())
                .parameters(parameters)
                .partitionKeys(original.partitionKeys())
                .storageDescriptor(original.storageDescriptor())
                .build()));
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                GlueClient glue = AWS.glueThrough(proxy.endpoint())) {
            // Not forwarded: the table keeps the change, as when another writer's update won.
            Injection refused = proxy.inject(request -> request.header("x-amz-target").equals(Optional.of("AWSGlue.UpdateTable")),
                    Fault.jsonError(400, "ConcurrentModificationException"), 1);

            assertEquals(Manifest.CONVERTED, convert(converter(catalog(glue)), "sales/b.csv", MARCH_2, "id,amount\n2,3.5\n").outcome());

            assertEquals(1, refused.hits(), refused.toString());
            assertEquals(2, proxy.requests().stream().filter(request -> request.header("x-amz-target").equals(Optional.of("AWSGlue.UpdateTable"))).count());
            assertEquals("parquet", table("sales").parameters().get("classification"));
        }
    }

    /**
     * A day's partition registered at another location (SILVER_PREFIX changed, silver copied by hand, a
     * crawler registered it elsewhere) would keep Athena reading there: the files this run commits under its
     * own folder would be invisible for that day. The run moves it, keeping its columns and parameters, and
     * says so; a partition already where it belongs is read and left as it is.
     */
    @Test
    void aPartitionRegisteredElsewhereIsMovedToThisRunsFolderWithAWarning() throws IOException {
        convert(converter(catalog(AWS.glue())), "sales/a.csv", MARCH_1, "id,amount\n1,2.5\n");
        String old = "s3://old-silver/silver/sales/ingest_date=2026-03-01/";
        registerElsewhere("sales", MARCH_1, old, Map.of("owner_team", "finance"));
        assertEquals(old, partitions("sales").get("2026-03-01"));
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                GlueClient glue = AWS.glueThrough(proxy.endpoint())) {
            ConversionResult result = convert(converter(catalog(glue)), "sales/b.csv", MARCH_1, "id,amount\n2,3.5\n");

            assertEquals(Manifest.CONVERTED, result.outcome());
            String now = "s3://" + silverBucket + "/lake/sales/ingest_date=2026-03-01/";
            assertEquals(Map.of("2026-03-01", now), partitions("sales"));
            Partition moved = AWS.glue().getPartition(request -> request.databaseName(database).tableName("sales").partitionValues("2026-03-01")).partition();
            assertEquals("finance", moved.parameters().get("owner_team"), "what the converter does not define is kept");
            assertEquals(List.of("id bigint", "amount double"), columns(moved.storageDescriptor().columns()));
            assertEquals(1, targets(proxy, "BatchUpdatePartition"));
            String warning = log().lines().filter(line -> line.contains("\"level\":\"WARN\"")).findFirst().orElse("");
            assertTrue(warning.contains("silver partition differed from where the converter writes its day and was moved there"), log());
            assertTrue(warning.contains("\"dataset\":\"sales\"") && warning.contains("\"ingestDate\":\"2026-03-01\"")
                    && warning.contains("\"oldLocation\":\"" + old + "\"") && warning.contains("\"newLocation\":\"" + now + "\""), warning);
            assertTrue(warning.contains("location: " + old + " -> " + now), warning);
            assertTrue(warning.contains("\"source\":\"s3://bronze/sales/b.csv\""), "named with the file whose run moved it: " + warning);
            assertEquals(List.of(), proxy.failures());
        }
    }

    @Test
    void aPartitionAlreadyAtThisRunsFolderIsReadAndNotUpdated() throws IOException {
        convert(converter(catalog(AWS.glue())), "sales/a.csv", MARCH_1, "id,amount\n1,2.5\n");
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                GlueClient glue = AWS.glueThrough(proxy.endpoint())) {
            assertEquals(Manifest.CONVERTED, convert(converter(catalog(glue)), "sales/b.csv", MARCH_1, "id,amount\n2,3.5\n").outcome());

            assertEquals(1, targets(proxy, "BatchGetPartition"));
            assertEquals(0, targets(proxy, "BatchUpdatePartition"));
            assertEquals(Map.of("2026-03-01", "s3://" + silverBucket + "/lake/sales/ingest_date=2026-03-01/"), partitions("sales"));
            assertFalse(log().contains("\"level\":\"WARN\""), log());
        }
    }

    /**
     * Files of one day converted at once after the partition was registered elsewhere all move it. Glue may
     * refuse a move made at the same moment as another with ConcurrentModificationException, as it does
     * UpdateTable; here the move lands and its answer is that refusal: the run reads the partition again,
     * finds it moved, and commits without a second update.
     */
    @Test
    void aPartitionMoveThatLosesARaceToAnotherRunsMoveCommits() throws IOException {
        convert(converter(catalog(AWS.glue())), "sales/a.csv", MARCH_1, "id,amount\n1,2.5\n");
        registerElsewhere("sales", MARCH_1, "s3://old-silver/sales/ingest_date=2026-03-01/", Map.of());
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                GlueClient glue = AWS.glueThrough(proxy.endpoint())) {
            Injection lost = proxy.inject(request -> request.header("x-amz-target").equals(Optional.of("AWSGlue.BatchUpdatePartition")),
                    Fault.jsonErrorAfterForwarding(400, "ConcurrentModificationException"), 1);

            assertEquals(Manifest.CONVERTED, convert(converter(catalog(glue)), "sales/b.csv", MARCH_1, "id,amount\n2,3.5\n").outcome());

            assertEquals(1, lost.hits(), lost.toString());
            assertEquals(2, targets(proxy, "BatchGetPartition"), "read again after the refusal");
            assertEquals(1, targets(proxy, "BatchUpdatePartition"), "found moved: not updated again");
            assertEquals(Map.of("2026-03-01", "s3://" + silverBucket + "/lake/sales/ingest_date=2026-03-01/"), partitions("sales"));
        }
    }

    /** When the partition is still elsewhere after the refusal, the run moves it again. */
    @Test
    void aPartitionMoveRefusedForAConcurrentChangeIsTriedAgain() throws IOException {
        convert(converter(catalog(AWS.glue())), "sales/a.csv", MARCH_1, "id,amount\n1,2.5\n");
        registerElsewhere("sales", MARCH_1, "s3://old-silver/sales/ingest_date=2026-03-01/", Map.of());
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                GlueClient glue = AWS.glueThrough(proxy.endpoint())) {
            Injection refused = proxy.inject(request -> request.header("x-amz-target").equals(Optional.of("AWSGlue.BatchUpdatePartition")),
                    Fault.jsonError(400, "ConcurrentModificationException"), 1);

            assertEquals(Manifest.CONVERTED, convert(converter(catalog(glue)), "sales/b.csv", MARCH_1, "id,amount\n2,3.5\n").outcome());

            assertEquals(1, refused.hits(), refused.toString());
            assertEquals(2, targets(proxy, "BatchUpdatePartition"));
            assertEquals(Map.of("2026-03-01", "s3://" + silverBucket + "/lake/sales/ingest_date=2026-03-01/"), partitions("sales"));
        }
    }

    @Test
    void runsThatWriteNoDataRegisterNothing() throws IOException {
        SilverConverter converter = converter(catalog(AWS.glue()));
        // A header only: empty. Binary content: rejected.
        assertEquals(Manifest.EMPTY, convert(converter, "empty/a.csv", MARCH_1, "id,amount\n").outcome());
        assertEquals(Manifest.REJECTED, convert(converter, "binary/a.csv", MARCH_1, "id\u0000,amount\n1,2\n").outcome());
        // Every row quarantined: the contract says bigint, the file holds text.
        convert(converter, "quarantined/a.csv", MARCH_1, "id\n1\n");
        ConversionResult quarantined = convert(converter, "quarantined/b.csv", MARCH_2, "id\nN/A\nunknown\n");
        assertEquals(2, quarantined.manifest().rowsQuarantined());
        assertEquals(0, quarantined.manifest().rowsWritten());

        for (String dataset : List.of("empty", "binary")) {
            assertThrows(EntityNotFoundException.class, () -> table(dataset), dataset + " has no table");
        }
        assertEquals(List.of("2026-03-01"), List.copyOf(partitions("quarantined").keySet()), "no partition for a day that holds no part");
    }

    /**
     * Glue down for the whole run, answering 500 or resetting the connection: the SDK retries both (a 5xx and an
     * I/O error are retryable; a POST is not sent again below it by HttpURLConnection), then the run fails naming
     * the table, nothing of it visible, and the retry commits with the catalog as the contract says: UpdateTable
     * restores a table changed behind the contract's back, BatchUpdatePartition moves a day registered elsewhere.
     */
    @ParameterizedTest
    @CsvSource({"GetTable, 500", "CreateTable, 500", "BatchCreatePartition, 500",
            "UpdateTable, 500", "UpdateTable, reset", "BatchUpdatePartition, 500", "BatchUpdatePartition, reset"})
    void aGlueFailureFailsTheRunWithNothingCommittedAndTheRetryCommits(String action, String failure) throws IOException {
        catalogedBefore(action, MARCH_2);
        S3ObjectStore silver = new S3ObjectStore(AWS.client(), silverBucket);
        List<String> before = silver.list("");
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                GlueClient glue = AWS.glueThrough(proxy.endpoint())) {
            SilverConverter converter = converter(catalog(glue));
            // More failures than the SDK's retries: Glue stays down for the whole run.
            Injection down = proxy.inject(request -> request.header("x-amz-target").equals(Optional.of("AWSGlue." + action)),
                    failure.equals("reset") ? Fault.reset() : Fault.status(500), 100);

            IOException failed = assertThrows(IOException.class, () -> convert(converter, "sales/b.csv", MARCH_2, "id,amount\n2,3.5\n"));

            assertTrue(down.hits() > 1, "the SDK retried: " + down);
            assertEquals(down.hits(), targets(proxy, action), "every attempt failed");
            assertTrue(failed.getMessage().contains("Glue table " + database + ".sales") && failed.getMessage().contains("Nothing of this run is committed"),
                    failed.getMessage());
            List<String> schemaOnly = silver.list("").stream().filter(key -> !before.contains(key)).filter(key -> !key.startsWith("lake/_schemas/")).toList();
            assertEquals(List.of(), schemaOnly, "no part, quarantine file or manifest is visible");
            assertEquals(List.of(), AWS.client().listMultipartUploads(request -> request.bucket(silverBucket)).uploads(), "no upload left open");

            proxy.clear();
            assertEquals(Manifest.CONVERTED, convert(converter, "sales/b.csv", MARCH_2, "id,amount\n2,3.5\n").outcome());
            assertEquals("s3://" + silverBucket + "/lake/sales/ingest_date=2026-03-02/", partitions("sales").get("2026-03-02"));
            assertEquals(List.of("id bigint", "amount double"), columns(table("sales").storageDescriptor().columns()));
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * A catalog write that lands but whose answer is lost (the proxy forwards it, discards Glue's answer and
     * answers 500): the SDK sends it again, and the second attempt meets what the first did (CreateTable the
     * table, BatchCreatePartition the day, answered AlreadyExists; UpdateTable and BatchUpdatePartition write the
     * same definition again). The run takes that for the registration it asked for and commits once, the table
     * and the day as the contract says.
     */
    @ParameterizedTest
    @ValueSource(strings = {"CreateTable", "BatchCreatePartition", "UpdateTable", "BatchUpdatePartition"})
    void aCatalogWriteThatLandsButWhoseAnswerIsLostIsTakenForTheRegistrationAndTheRunCommitsOnce(String action) throws IOException {
        catalogedBefore(action, MARCH_2);
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                GlueClient glue = AWS.glueThrough(proxy.endpoint())) {
            SilverConverter converter = converter(catalog(glue));
            Injection lost = proxy.inject(request -> request.header("x-amz-target").equals(Optional.of("AWSGlue." + action)), Fault.afterForwarding(500), 1);

            ConversionResult converted = convert(converter, "sales/b.csv", MARCH_2, "id,amount\n2,3.5\n3,4.5\n");

            assertEquals(1, lost.hits(), lost.toString());
            assertEquals(2, targets(proxy, action), "the SDK sent the write again after its lost answer");
            assertEquals(Manifest.CONVERTED, converted.outcome());
            Manifest committed = new ManifestStore(new S3ObjectStore(AWS.client(), silverBucket))
                    .read(new SilverLayout("lake/").manifestKey("sales", "sales/b.csv")).orElseThrow();
            assertEquals(2, committed.rowsWritten());
            assertEquals("s3://" + silverBucket + "/lake/sales/ingest_date=2026-03-02/", partitions("sales").get("2026-03-02"));
            assertEquals(List.of("id bigint", "amount double"), columns(table("sales").storageDescriptor().columns()));
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * A Glue request whose answer never comes (Glue or the network hangs), in a Lambda invocation whose time
     * falls with the clock: the handler gives the request half of the time left less a second, as it gives S3's,
     * so the run fails with the reason and nothing visible before the invocation ends (Lambda would otherwise
     * kill it mid-request, without a word), and Lambda's retry commits. BatchGetPartition is the read of a day's
     * partition that exists already, made by every later file of a day; UpdateTable restores a table changed
     * behind its contract's back, BatchUpdatePartition moves a day registered at another location.
     */
    @ParameterizedTest
    @ValueSource(strings = {"GetTable", "CreateTable", "BatchCreatePartition", "BatchGetPartition", "UpdateTable", "BatchUpdatePartition"})
    void aGlueRequestThatHangsFailsTheRunBeforeTheInvocationEndsAndTheRetryCommits(String action, @TempDir Path events) throws Exception {
        SilverLayout layout = new SilverLayout("lake/");
        String bronzeBucket = AWS.createBucket("bronze");
        S3ObjectStore bronze = new S3ObjectStore(AWS.client(), bronzeBucket);
        String csv = "id,amount\n2,3.5\n3,4.5\n";
        bronze.put("sales/hung.csv", csv.getBytes(StandardCharsets.UTF_8));
        ObjectInfo hung = bronze.stat("sales/hung.csv").orElseThrow();
        catalogedBefore(action, LocalDate.ofInstant(hung.lastModified(), ZoneOffset.UTC));
        S3Event event = S3Events.objectCreated(bronzeBucket, hung, events);
        S3ObjectStore silver = new S3ObjectStore(AWS.client(), silverBucket);
        List<String> before = silver.list("");
        int invocationMillis = 8_000;
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint());
                GlueClient glue = AWS.glueThrough(proxy.endpoint())) {
            SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of(SilverSettings.SILVER_BUCKET, silverBucket,
                    SilverSettings.SILVER_PREFIX, layout.prefix(), SilverSettings.SILVER_DATABASE, database)), AWS.client(), () -> glue, jsonLog());
            Injection held = proxy.inject(request -> request.header("x-amz-target").equals(Optional.of("AWSGlue." + action)), Fault.hold(), 1);

            long started = System.nanoTime();
            Context invocation = LambdaInvocation.of("silver-converter", "test-request").endingIn(invocationMillis);
            CompletableFuture<List<String>> handled = CompletableFuture.supplyAsync(() -> handler.handleRequest(event, invocation));
            ExecutionException failed = assertThrows(ExecutionException.class, () -> handled.get(invocationMillis, TimeUnit.MILLISECONDS),
                    "the invocation ended within the " + invocationMillis + " ms it had");
            double seconds = (System.nanoTime() - started) / 1e9;

            assertEquals(1, held.hits(), held.toString());
            assertTrue(seconds >= 3.0, "the hung request had about half of the 8 s: " + seconds);
            SilverConversionException failure = assertInstanceOf(SilverConversionException.class, failed.getCause());
            assertTrue(failure.getMessage().contains("Glue table " + database + ".sales")
                    && failure.getMessage().contains("Client execution did not complete before the specified timeout configuration"), failure.getMessage());
            assertEquals(List.of(), silver.list("").stream().filter(key -> !before.contains(key)).filter(key -> !key.startsWith("lake/_schemas/")).toList(),
                    "no part, quarantine file, marker or manifest is visible");
            assertEquals(List.of(), AWS.client().listMultipartUploads(request -> request.bucket(silverBucket)).uploads(), "no upload left open");
            proxy.clear();

            assertEquals(List.of("converted s3://" + bronzeBucket + "/sales/hung.csv"),
                    handler.handleRequest(event, LambdaInvocation.of("silver-converter", "test-request")), "Lambda's retry");
            Manifest committed = new ManifestStore(silver).read(layout.manifestKey("sales", "sales/hung.csv")).orElseThrow();
            assertEquals(2, committed.rowsWritten());
            assertEquals("s3://" + silverBucket + "/lake/sales/ingest_date=" + committed.ingestDate() + "/", partitions("sales").get(committed.ingestDate()),
                    "the retry registered its day at its folder: " + partitions("sales"));
            assertEquals(List.of("id bigint", "amount double"), columns(table("sales").storageDescriptor().columns()));
        }
    }

    private SilverCatalog catalog(GlueClient glue) {
        return new GlueSilverCatalog(glue, database, silverBucket, new SilverLayout("lake/"), jsonLog());
    }

    private SilverConverter converter(SilverCatalog catalog) {
        return new SilverConverter(new S3ObjectStore(AWS.client(), silverBucket), new SilverLayout("lake/"), ConversionLimits.defaults(),
                CsvOverrides.none(), catalog, jsonLog(), Clock.systemUTC());
    }

    /** A source object as the bronze bucket would describe it, last modified on {@code day} (its ingest date). */
    private static ConversionResult convert(SilverConverter converter, String key, LocalDate day, String csv) throws IOException {
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        String etag = Integer.toHexString(csv.hashCode()) + "0000";
        SourceObject source = new SourceObject("bronze", key, etag, bytes.length, Instant.parse(day + "T12:00:00Z"));
        return converter.convert(source, SilverLayout.datasetOf(key), () -> new ByteArrayInputStream(bytes));
    }

    private Table table(String name) {
        return AWS.glue().getTable(request -> request.databaseName(database).name(name)).table();
    }

    /**
     * The catalog as a run of sales on {@code day} finds it when it makes {@code action}: none for CreateTable (the
     * dataset's first run); else the table, with a partition on {@code day} for the actions that read or move an
     * existing one (BatchGetPartition, BatchUpdatePartition; another day's otherwise), the table retyped behind
     * the contract's back for UpdateTable, and the day's partition at another location for BatchUpdatePartition.
     */
    private void catalogedBefore(String action, LocalDate day) throws IOException {
        if (action.equals("CreateTable")) {
            return;
        }
        boolean sameDay = action.equals("BatchGetPartition") || action.equals("BatchUpdatePartition");
        convert(converter(catalog(AWS.glue())), "sales/first.csv", sameDay ? day : MARCH_1, "id,amount\n1,2.5\n");
        if (action.equals("UpdateTable")) {
            retypeBehindTheContract("sales", "id", "string");
        }
        if (action.equals("BatchUpdatePartition")) {
            registerElsewhere("sales", day, "s3://old-silver/sales/ingest_date=" + day + "/", Map.of());
        }
    }

    /** As a crawler or a person in the console might: {@code column} of {@code table} gets {@code type}, the rest stays. */
    private void retypeBehindTheContract(String table, String column, String type) {
        Table original = table(table);
        AWS.glue().updateTable(request -> request.databaseName(database).tableInput(TableInput.builder()
                .name(table)
                .tableType(original.tableType())
                .parameters(original.parameters())
                .partitionKeys(original.partitionKeys())
                .storageDescriptor(original.storageDescriptor().toBuilder().columns(original.storageDescriptor().columns().stream()
                        .map(existing -> existing.name().equals(column) ? existing.toBuilder().type(type).build() : existing)
                        .toList()).build())
                .build()));
    }

    /** {@code day}'s partition of {@code table} moved to {@code location} with these parameters, as SILVER_PREFIX changed or a crawler would. */
    private void registerElsewhere(String table, LocalDate day, String location, Map<String, String> parameters) {
        Partition registered = AWS.glue().getPartition(request -> request.databaseName(database).tableName(table).partitionValues(day.toString())).partition();
        AWS.glue().updatePartition(request -> request.databaseName(database).tableName(table).partitionValueList(day.toString())
                .partitionInput(PartitionInput.builder()
                        .values(day.toString())
                        .parameters(parameters)
                        .storageDescriptor(registered.storageDescriptor().toBuilder().location(location).build())
                        .build()));
    }

    /** Partition value to location. */
    private Map<String, String> partitions(String table) {
        Map<String, String> partitions = new HashMap<>();
        for (var page : AWS.glue().getPartitionsPaginator(request -> request.databaseName(database).tableName(table))) {
            for (Partition partition : page.partitions()) {
                partitions.put(String.join("/", partition.values()), partition.storageDescriptor().location());
            }
        }
        return partitions;
    }

    /** Requests of a Glue action the proxy saw. */
    private static long targets(FaultProxy proxy, String action) {
        return proxy.requests().stream().filter(request -> request.header("x-amz-target").equals(Optional.of("AWSGlue." + action))).count();
    }

    private static List<String> columns(List<Column> columns) {
        return columns.stream().map(column -> column.name() + " " + column.type()).toList();
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private JsonLog jsonLog() {
        return new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    private String log() {
        return logLines.toString(StandardCharsets.UTF_8);
    }
}
