package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.silver.catalog.GlueSilverCatalog;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.schema.SchemaContract;
import dev.medallion.silver.schema.SchemaContractStore;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static dev.medallion.silver.ExactlyOnce.csv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reconversion on redelivery attacked: a file converted under one schema contract, delivered again once the
 * contract changed, is converted again and its new version replaces the old through the usual commit (and
 * its day's Glue partition takes the contract's columns). Against moto's S3 and Glue, with {@link FaultProxy}
 * in front of both: the run dies at each step, two deliveries of the outdated file race, a delivery races a
 * contract edit, the new contract quarantines rows the old one took. After each, the Parquet read back by a
 * second client holds every valid row once, in the contract in force, and nothing is left behind.
 */
class ReconversionFaultIT {
    @RegisterExtension
    static final S3Emulator AWS = S3Emulator.moto();

    private static final String DATASET = "sales";
    private static final SilverLayout LAYOUT = new SilverLayout("");
    /** Chunks of 2,000 rows, a part per chunk: a run has several uploads to publish. */
    private static final ConversionLimits LIMITS = new ConversionLimits(2_000, 1 << 30, 1, 1 << 20);
    private static final int ROWS = 10_000;
    private static final int PARTS = ROWS / LIMITS.chunkRows();
    private static final List<String> INFERRED = List.of("id bigint", "label string");
    private static final List<String> WITH_NOTE = List.of("id bigint", "label string", "note string");
    private static final List<String> WITH_NOTE_AND_REGION = List.of("id bigint", "label string", "note string", "region string");

    @TempDir
    Path temporary;

    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();
    private FaultProxy proxy;
    private S3Client faulty;
    private GlueClient faultyGlue;
    private String bronzeBucket;
    private String silverBucket;
    private String database;
    private S3ObjectStore bronze;
    private S3ObjectStore silver;

    @BeforeEach
    void setUp() throws IOException {
        bronzeBucket = AWS.createBucket("bronze");
        silverBucket = AWS.createBucket("silver");
        database = "silver_" + UUID.randomUUID().toString().substring(0, 8);
        AWS.glue().createDatabase(request -> request.databaseInput(input -> input.name(database)));
        bronze = new S3ObjectStore(AWS.client(), bronzeBucket);
        silver = new S3ObjectStore(AWS.client(), silverBucket);
        proxy = FaultProxy.start(AWS.endpoint());
        faulty = AWS.clientThrough(proxy.endpoint());
        faultyGlue = AWS.glueThrough(proxy.endpoint());
    }

    @AfterEach
    void tearDown() {
        faulty.close();
        faultyGlue.close();
        assertEquals(List.of(), proxy.failures(), "the proxy itself worked");
        proxy.close();
    }

    /** Where a reconversion's run dies (a Lambda timeout kills it wherever it is; nothing after runs, no cleanup). */
    enum Death {
        /** Its day's partition retyped to the new contract, nothing published. */
        AFTER_THE_PARTITION_RETYPE,
        /** Every new part published, the manifest not written: old and new rows visible to a listing reader. */
        BEFORE_THE_MANIFEST,
        /** The new manifest written, the old version's parts not yet deleted. */
        AFTER_THE_MANIFEST,
        /** The old version's parts deleted, its run's marker not. */
        AFTER_THE_OLD_PARTS_ARE_DELETED
    }

    @ParameterizedTest
    @EnumSource(Death.class)
    void aReconversionKilledAtAnyStepShowsReadersOneVersionByItsManifestAndTheRetryConvergesOnTheNewOne(Death death) throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, ""));
        Manifest old = convert(converter(storeThroughProxy(), catalog()), source).manifest();
        declare(WITH_NOTE);
        assertEquals(INFERRED, partitionColumns(source), "registered under the inferred contract");

        ObjectStore dying = new HookedStore(storeThroughProxy(), new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) {
                if (death == Death.BEFORE_THE_MANIFEST && key.startsWith("_manifests/")) {
                    throw new Killed();
                }
            }

            @Override
            public void afterPutIf(String key, Optional<String> written) {
                if (death == Death.AFTER_THE_MANIFEST && key.startsWith("_manifests/")) {
                    throw new Killed();
                }
            }

            @Override
            public void beforeDelete(Collection<String> keys) {
                if (death == Death.AFTER_THE_OLD_PARTS_ARE_DELETED && keys.stream().anyMatch(key -> key.startsWith("_publishing/"))) {
                    throw new Killed();
                }
            }
        });
        SilverCatalog catalog = catalog();
        SilverCatalog dyingCatalog = death != Death.AFTER_THE_PARTITION_RETYPE ? catalog : new SilverCatalog() {
            @Override
            public void register(SchemaContract contract, Collection<LocalDate> ingestDates, String source) throws IOException {
                catalog.register(contract, ingestDates, source);
                throw new Killed();
            }

            @Override
            public void check(SchemaContract contract) {
                catalog.check(contract);
            }
        };

        assertThrows(Killed.class, () -> convert(converter(dying, dyingCatalog), source));

        // What a reader following the manifest sees: one version, whole, each row once.
        Manifest committed = new ManifestStore(silver).read(LAYOUT.manifestKey(DATASET, source.key())).orElseThrow();
        List<String> listed = parquetKeys();
        if (death == Death.AFTER_THE_PARTITION_RETYPE || death == Death.BEFORE_THE_MANIFEST) {
            assertEquals(old.run(), committed.run(), "the old version is still the committed one");
            assertEquals(INFERRED, columnsOf(committed));
        }
        else {
            assertEquals(WITH_NOTE, columnsOf(committed), "the new version is committed");
        }
        assertEquals(LongStream.range(0, ROWS).boxed().toList(), ids(committed.parts().stream().map(part -> part.key()).toList()),
                "the manifest's parts hold each row once");
        // What a reader listing the partition sees: the documented windows, open until the retry.
        switch (death) {
            case AFTER_THE_PARTITION_RETYPE, AFTER_THE_OLD_PARTS_ARE_DELETED -> assertEquals(committed.parts().stream().map(part -> part.key()).sorted().toList(),
                    listed, "only the committed version's parts are listed");
            case BEFORE_THE_MANIFEST, AFTER_THE_MANIFEST -> assertEquals(2 * PARTS, listed.size(), "old and new parts both listed: " + listed);
        }
        assertEquals(WITH_NOTE, partitionColumns(source), "the partition was retyped before anything was published");

        // Lambda's retry of the killed invocation.
        ConversionResult retry = convert(converter(storeThroughProxy(), catalog()), source);

        assertEquals(death == Death.AFTER_THE_MANIFEST || death == Death.AFTER_THE_OLD_PARTS_ARE_DELETED, retry.unchanged(),
                "a retry finding the new version committed finishes its cleanup and answers unchanged; else it converts again");
        assertInTheContractInForce(source, ROWS, 0, WITH_NOTE);
        assertTrue(convert(converter(storeThroughProxy(), catalog()), source).unchanged(), "converged: a further delivery changes nothing");
    }

    /** S3 delivers an event twice at once: both runs reconvert, one commits, the other reports it; each row once. */
    @Test
    void twoDeliveriesOfAnOutdatedFileAtOnceCommitItOnce() throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, ""));
        convert(converter(storeThroughProxy(), catalog()), source);
        declare(WITH_NOTE);
        // Both manifest writes (each expecting the old manifest) sent before either is served.
        Injection race = proxy.inject(request -> request.method().equals("PUT") && request.path().contains("/_manifests/"), Fault.gatherThenOneAtATime(2), 2);

        List<ConversionResult> results = convertAtOnce(source, source);

        assertEquals(2, race.hits());
        assertEquals(1, results.stream().filter(result -> !result.unchanged()).count(), "one commits: " + results);
        assertEquals(results.get(0).manifest().run(), results.get(1).manifest().run(), "the other reports the winner's commit");
        assertInTheContractInForce(source, ROWS, 0, WITH_NOTE);
    }

    /**
     * The documented remedy, followed while a conversion of the file is under way: a person edits the
     * contract and delivers the file again. The run in flight read the contract before the edit and commits
     * first; the redelivery, converted under the edited contract, then loses the commit to it. Answering
     * unchanged, it would leave the file in the contract the edit replaced, its parts in other types than
     * its table and partition, with no event left to convert it: it fails instead, and its retry converts
     * the file under the contract in force.
     */
    @Test
    void aRedeliveryThatLosesToARunUnderTheContractItsEditReplacedFailsAndItsRetryConvertsUnderTheEditedOne() throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, ""));
        convert(converter(storeThroughProxy(), catalog()), source);
        declare(WITH_NOTE);
        CountDownLatch inFlightMayCommit = new CountDownLatch(1);
        CountDownLatch inFlightCommitted = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // The run in flight, under the contract before the edit, waits at its manifest write.
            Future<ConversionResult> inFlight = pool.submit(() -> convert(converter(waitingAtTheManifest(inFlightMayCommit), catalog()), source));
            waitUntil(() -> parquetKeys().size() == 2 * PARTS);
            declare(WITH_NOTE_AND_REGION);
            // The redelivery, under the edited contract, reaches its manifest write once the run in flight committed.
            Future<ConversionResult> redelivery = pool.submit(() -> convert(converter(waitingAtTheManifest(inFlightCommitted), catalog()), source));
            waitUntil(() -> parquetKeys().size() == 3 * PARTS);
            inFlightMayCommit.countDown();
            assertEquals(WITH_NOTE, columnsOf(inFlight.get(60, TimeUnit.SECONDS).manifest()));
            inFlightCommitted.countDown();

            ExecutionException lost = assertThrows(ExecutionException.class, () -> redelivery.get(60, TimeUnit.SECONDS));
            assertInstanceOf(SilverCommit.ConcurrentCommitException.class, lost.getCause());
            assertTrue(lost.getCause().getMessage().contains("in columns (id bigint, label string, note string), which differ from the schema contract"
                    + " of dataset sales in force (id bigint, label string, note string, region string)"), lost.getCause().getMessage());
        }
        finally {
            pool.shutdownNow();
        }

        ConversionResult retry = convert(converter(storeThroughProxy(), catalog()), source);

        assertFalse(retry.unchanged(), "the retry converts the file again");
        assertInTheContractInForce(source, ROWS, 0, WITH_NOTE_AND_REGION);
    }

    /** The run under the edited contract commits first: the one under the replaced contract loses and reports it. */
    @Test
    void aRunUnderTheReplacedContractThatLosesToTheRedeliveryReportsItsCommit() throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, ""));
        convert(converter(storeThroughProxy(), catalog()), source);
        declare(WITH_NOTE);
        CountDownLatch redeliveryCommitted = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ConversionResult> inFlight = pool.submit(() -> convert(converter(waitingAtTheManifest(redeliveryCommitted), catalog()), source));
            waitUntil(() -> parquetKeys().size() == 2 * PARTS);
            declare(WITH_NOTE_AND_REGION);
            ConversionResult redelivery = convert(converter(storeThroughProxy(), catalog()), source);
            redeliveryCommitted.countDown();

            ConversionResult lost = inFlight.get(60, TimeUnit.SECONDS);
            assertTrue(lost.unchanged());
            assertEquals(redelivery.manifest().run(), lost.manifest().run());
        }
        finally {
            pool.shutdownNow();
        }
        assertInTheContractInForce(source, ROWS, 0, WITH_NOTE_AND_REGION);
    }

    /**
     * The new contract types label bigint: rows the old contract wrote are quarantined now. Delivered twice at
     * once, the file's rows are counted once in the committed manifest, once in its quarantine file (the old
     * version's quarantine-less parts gone), and once in the log lines the quarantined-rows metric sums
     * (those of outcome other than unchanged).
     */
    @Test
    void rowsANewContractQuarantinesAreCountedAndReportedOnceWhenTheFileIsDeliveredTwiceAtOnce() throws Exception {
        StringBuilder content = new StringBuilder("id,label\n");
        for (int i = 0; i < ROWS; i++) {
            content.append(i).append(',').append(i % 10 == 0 ? "row " + i : String.valueOf(i)).append('\n');
        }
        SourceObject source = upload("sales/src.csv", content.toString().getBytes(StandardCharsets.UTF_8));
        Manifest old = convert(converter(storeThroughProxy(), catalog()), source).manifest();
        assertEquals(0, old.rowsQuarantined(), "label inferred string from its first row: every row written");
        declareTyped("label", "bigint");
        Injection race = proxy.inject(request -> request.method().equals("PUT") && request.path().contains("/_manifests/"), Fault.gatherThenOneAtATime(2), 2);
        logLines.reset();

        List<ConversionResult> results = convertAtOnce(source, source);

        assertEquals(2, race.hits());
        int quarantined = ROWS / 10;
        Manifest committed = new ManifestStore(silver).read(LAYOUT.manifestKey(DATASET, source.key())).orElseThrow();
        assertEquals(quarantined, committed.rowsQuarantined());
        assertEquals(ROWS - quarantined, committed.rowsWritten());
        List<String> quarantine = silver.list("_quarantine/");
        assertEquals(List.of(committed.quarantine().key()), quarantine, "the committed run's quarantine file alone");
        List<String> lines = new String(silver.read(quarantine.get(0)).orElseThrow(), StandardCharsets.UTF_8).lines().skip(1).toList();
        assertEquals(quarantined, lines.size());
        assertEquals(LongStream.range(0, ROWS).filter(id -> id % 10 == 0).boxed().toList(),
                lines.stream().map(line -> Long.parseLong(line.split(",")[2])).sorted().toList(), "each quarantined row once");
        List<Long> written = ids(committed.parts().stream().map(part -> part.key()).toList());
        assertEquals(LongStream.range(0, ROWS).filter(id -> id % 10 != 0).boxed().toList(), written);
        assertEquals(committed.parts().stream().map(part -> part.key()).sorted().toList(), parquetKeys());
        List<String> counted = logLines.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("\"message\":\"source object processed\"") && !line.contains("\"outcome\":\"unchanged\""))
                .toList();
        assertEquals(1, counted.size(), "one line the metric counts: " + counted);
        assertTrue(counted.get(0).contains("\"rowsQuarantined\":" + quarantined), counted.get(0));
        assertEquals(1, results.stream().filter(ConversionResult::unchanged).count());
    }

    /**
     * A reconversion retypes its day's partition while another file of that day converts under the same
     * contract: both read the partition in the old columns before either updates it (their reads held until
     * both are sent), both update it. It ends in the contract's columns, and each file's rows are there once.
     */
    @Test
    void thePartitionRetypeRacingAnotherFilesConversionIntoTheSameDayEndsInTheContract() throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, ""));
        convert(converter(storeThroughProxy(), catalog()), source);
        declare(WITH_NOTE);
        SourceObject sameDay = uploadOnTheDayOf(source, "sales/other.csv", csv(ROWS, ""));
        Injection reads = proxy.inject(request -> request.header("x-amz-target").equals(Optional.of("AWSGlue.BatchGetPartition")),
                Fault.gatherThenOneAtATime(2), 2);

        List<ConversionResult> results = convertAtOnce(source, sameDay);

        assertEquals(2, reads.hits());
        assertFalse(results.get(0).unchanged(), "reconverted");
        assertEquals(WITH_NOTE, partitionColumns(source));
        for (SourceObject converted : List.of(source, sameDay)) {
            Manifest manifest = new ManifestStore(silver).read(LAYOUT.manifestKey(DATASET, converted.key())).orElseThrow();
            assertEquals(WITH_NOTE, columnsOf(manifest));
            assertEquals(LongStream.range(0, ROWS).boxed().toList(), ids(manifest.parts().stream().map(part -> part.key()).toList()));
        }
        assertEquals(2 * PARTS, parquetKeys().size(), "the two manifests' parts, nothing else");
    }

    /**
     * A run in flight read the contract before an edit; the file is delivered again and converted under the
     * edited contract, which its table and day's partition take. The run in flight then catalogs its own
     * (replaced) contract, losing the commit afterwards: it put the table and the partition back to the
     * contract the edit replaced, under parts written in the edited one. It fails before its catalog instead,
     * finding the contract changed since it read it; its retry would convert in the contract in force.
     */
    @Test
    void aRunUnderTheReplacedContractThatCatalogsAfterTheRedeliveryCommittedLeavesTheCatalogInTheContractInForce() throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, ""));
        convert(converter(storeThroughProxy(), catalog()), source);
        declare(WITH_NOTE);
        CountDownLatch inFlightAtItsFirstPart = new CountDownLatch(1);
        CountDownLatch redeliveryCommitted = new CountDownLatch(1);
        ObjectStore waitingAtItsFirstPart = new HookedStore(storeThroughProxy(), new HookedStore.Hooks() {
            @Override
            public void beforeCreate(String key) {
                if (key.endsWith(".parquet") && inFlightAtItsFirstPart.getCount() > 0) {
                    inFlightAtItsFirstPart.countDown();
                    HookedStore.awaitDeafToInterrupts(redeliveryCommitted);
                }
            }
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ConversionResult> inFlight = pool.submit(() -> convert(converter(waitingAtItsFirstPart, catalog()), source));
            assertTrue(inFlightAtItsFirstPart.await(60, TimeUnit.SECONDS));
            declare(WITH_NOTE_AND_REGION);
            ConversionResult redelivery = convert(converter(storeThroughProxy(), catalog()), source);
            assertEquals(WITH_NOTE_AND_REGION, columnsOf(redelivery.manifest()));
            redeliveryCommitted.countDown();

            ExecutionException failed = assertThrows(ExecutionException.class, () -> inFlight.get(60, TimeUnit.SECONDS));
            assertTrue(failed.getCause().getMessage().contains("The schema contract of dataset sales changed while s3://" + bronzeBucket
                    + "/sales/src.csv was converted in it (id bigint, label string, note string); it now has id bigint, label string, note string,"
                    + " region string. Nothing of this run is catalogued or committed"), failed.getCause().getMessage());
        }
        finally {
            pool.shutdownNow();
        }
        assertInTheContractInForce(source, ROWS, 0, WITH_NOTE_AND_REGION);
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** The committed manifest holds the contract's columns, every valid row once, read back; the table and the day's partition have them too. */
    private void assertInTheContractInForce(SourceObject source, int validRows, int quarantinedRows, List<String> contract) throws IOException {
        ExactlyOnce.assertExactlyOnce(silver, LAYOUT, DATASET, source, validRows, quarantinedRows, temporary, Instant.now());
        Manifest manifest = new ManifestStore(silver).read(LAYOUT.manifestKey(DATASET, source.key())).orElseThrow();
        assertEquals(contract, columnsOf(manifest));
        for (String key : parquetKeys()) {
            Path local = Files.createTempFile(temporary, "schema-", ".parquet");
            Files.write(local, silver.read(key).orElseThrow());
            assertEquals(contract.stream().map(column -> column.substring(0, column.indexOf(' '))).toList(),
                    ParquetTestFiles.schema(local).getFields().stream().map(field -> field.getName()).toList(), key);
        }
        assertEquals(contract, AWS.glue().getTable(request -> request.databaseName(database).name(DATASET)).table().storageDescriptor().columns()
                .stream().map(ReconversionFaultIT::describe).toList());
        assertEquals(contract, partitionColumns(source));
    }

    private List<Long> ids(List<String> keys) throws IOException {
        List<Long> ids = new ArrayList<>();
        for (String key : keys) {
            Path local = Files.createTempFile(temporary, "read-back-", ".parquet");
            Files.write(local, silver.read(key).orElseThrow());
            for (GenericRecord row : ParquetTestFiles.readAll(local)) {
                ids.add((Long) row.get("id"));
            }
        }
        ids.sort(null);
        return ids;
    }

    private List<ConversionResult> convertAtOnce(SourceObject... sources) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(sources.length);
        try {
            List<Future<ConversionResult>> runs = new ArrayList<>();
            for (SourceObject source : sources) {
                runs.add(pool.submit(() -> convert(converter(storeThroughProxy(), catalog()), source)));
            }
            List<ConversionResult> results = new ArrayList<>();
            for (Future<ConversionResult> run : runs) {
                results.add(run.get(120, TimeUnit.SECONDS));
            }
            return results;
        }
        finally {
            pool.shutdownNow();
        }
    }

    /** The silver store through the proxy, its manifest writes waiting for {@code release}. */
    private ObjectStore waitingAtTheManifest(CountDownLatch release) {
        return new HookedStore(storeThroughProxy(), new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) {
                if (key.startsWith("_manifests/")) {
                    HookedStore.awaitDeafToInterrupts(release);
                }
            }
        });
    }

    private static List<String> columnsOf(Manifest manifest) {
        return manifest.columns().stream().map(column -> column.name() + " " + column.type().sqlName()).toList();
    }

    private List<String> partitionColumns(SourceObject source) {
        return AWS.glue().getPartition(request -> request.databaseName(database).tableName(DATASET).partitionValues(source.ingestDate().toString()))
                .partition().storageDescriptor().columns().stream().map(ReconversionFaultIT::describe).toList();
    }

    private static String describe(Column column) {
        return column.name() + " " + column.type();
    }

    /** What Terraform's apply does with a declared contract: puts it over the one in force. */
    private void declare(List<String> columns) throws IOException {
        StringBuilder json = new StringBuilder("{\"dataset\": \"sales\", \"columns\": [");
        for (int i = 0; i < columns.size(); i++) {
            String[] column = columns.get(i).split(" ");
            json.append(i == 0 ? "" : ", ").append("{\"name\": \"").append(column[0]).append("\", \"type\": \"").append(column[1])
                    .append("\", \"sourceName\": \"").append(column[0]).append("\"}");
        }
        json.append("], \"createdFrom\": \"terraform/contracts/sales.json\", \"createdAt\": \"2026-03-02T00:00:00Z\"}");
        new SchemaContractStore(silver, LAYOUT).replace(DATASET, json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void declareTyped(String column, String type) throws IOException {
        declare(List.of("id bigint", column + " " + type));
    }

    private S3ObjectStore storeThroughProxy() {
        return new S3ObjectStore(faulty, silverBucket);
    }

    private SilverCatalog catalog() {
        return new GlueSilverCatalog(faultyGlue, database, silverBucket, LAYOUT, jsonLog());
    }

    private SilverConverter converter(ObjectStore store, SilverCatalog catalog) {
        return new SilverConverter(store, LAYOUT, LIMITS, CsvOverrides.none(), catalog, jsonLog(), Clock.systemUTC());
    }

    private ConversionResult convert(SilverConverter converter, SourceObject source) throws IOException {
        S3ObjectStore bronzeThroughProxy = new S3ObjectStore(faulty, bronzeBucket);
        return converter.convert(source, DATASET, () -> bronzeThroughProxy.open(source.key(), Optional.of(source.etag())));
    }

    private SourceObject upload(String key, byte[] content) throws IOException {
        bronze.put(key, content);
        ObjectInfo info = bronze.stat(key).orElseThrow();
        return new SourceObject(bronzeBucket, key, info.etag(), info.size(), info.lastModified());
    }

    /** A second object last modified when {@code first} was: converted into the same day's partition. */
    private SourceObject uploadOnTheDayOf(SourceObject first, String key, byte[] content) throws IOException {
        bronze.put(key, content);
        ObjectInfo info = bronze.stat(key).orElseThrow();
        return new SourceObject(bronzeBucket, key, info.etag(), info.size(), first.lastModified());
    }

    private List<String> parquetKeys() throws IOException {
        return ExactlyOnce.parquetKeys(silver, DATASET);
    }

    private JsonLog jsonLog() {
        return new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    private static void waitUntil(Condition condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting");
            }
            Thread.sleep(50);
        }
    }

    /** Stands for the process dying at that point: nothing after it runs, no cleanup included. */
    private static final class Killed extends Error {
        Killed() {
            super("killed");
        }
    }
}
