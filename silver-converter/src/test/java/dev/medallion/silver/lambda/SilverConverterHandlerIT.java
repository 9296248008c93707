package dev.medallion.silver.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.config.Environment;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.sample.RetailTransactionsGenerator;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.testing.BronzeAndSilverBuckets;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.LambdaInvocation;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.silver.DeadlineExceededException;
import dev.medallion.silver.Manifest;
import dev.medallion.silver.ManifestStore;
import dev.medallion.silver.parquet.PartInfo;
import dev.medallion.silver.ParquetTestFiles;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handler against a real S3 API, fed the JSON S3 sends, deserialised as the Lambda Java runtime does. */
class SilverConverterHandlerIT {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    @RegisterExtension
    final BronzeAndSilverBuckets buckets = BronzeAndSilverBuckets.on(S3);

    @TempDir
    Path temporary;

    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();

    /**
     * A key whose %-encoded bytes are not UTF-8 (S3 writes none; a redrive written by hand may): decoded
     * leniently it would name no object, and the record would pass as missing, unseen. It fails its record,
     * naming the key, and the invocation fails after the other records are converted.
     */
    @Test
    void aKeyThatIsNotUrlEncodedUtf8FailsItsRecordNotPassedAsMissing() throws IOException {
        buckets.bronze().put("sales/café.csv", "id\n1\n".getBytes(StandardCharsets.UTF_8));
        buckets.bronze().put("sales/ok.csv", "id\n2\n".getBytes(StandardCharsets.UTF_8));
        S3Event event = S3Events.objectCreated(buckets.bronzeBucket(), "sales/caf%E9.csv", 5, "x", temporary);
        event.getRecords().add(eventFor("sales/ok.csv").getRecords().get(0));

        SilverConversionException failure = assertThrows(SilverConversionException.class, () -> handler().handleRequest(event, null));

        assertTrue(failure.getMessage().startsWith("Could not convert 1 of 2 object(s): record 1 of the event: "), failure.getMessage());
        assertTrue(failure.getMessage().contains("The event's object key sales/caf%E9.csv does not decode to UTF-8"), failure.getMessage());
        assertEquals(1, buckets.silver().list("_manifests/").size(), "the other record was converted: " + buckets.silver().list("_manifests/"));
    }

    @Test
    void convertsAnObjectWhoseKeyHasASpaceAnAccentAndAPlus() throws IOException {
        String key = "sales/2026 Q1/ventes été+plus.csv";
        String csv = "id,client,montant\n1,Amélie,12.5\n2,\"Dupont, Jean\",7\n";
        buckets.bronze().put(key, csv.getBytes(StandardCharsets.UTF_8));

        S3Event event = eventFor(key);
        assertEquals("sales/2026+Q1/ventes+%C3%A9t%C3%A9%2Bplus.csv", event.getRecords().get(0).getS3().getObject().getKey());

        List<String> outcomes = handler().handleRequest(event, null);

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), outcomes);
        List<String> keys = buckets.silver().list("");
        List<String> parts = keys.stream().filter(k -> k.endsWith(".parquet")).toList();
        assertEquals(1, parts.size(), keys.toString());
        assertTrue(parts.get(0).startsWith("sales/ingest_date="), parts.get(0));
        assertTrue(keys.contains("_schemas/sales.json"), keys.toString());
        assertTrue(keys.stream().anyMatch(k -> k.startsWith("_manifests/sales/ventes_ete_plus-")), keys.toString());
        assertRowsEqual(csv, readParquet(parts));
    }

    /**
     * The function's {@code CSV_QUOTED_EMPTY_STRINGS} (Terraform's {@code silver_csv_quoted_empty_strings}) reaches the conversion: a
     * PostgreSQL {@code COPY ... (FORMAT csv, HEADER)} export of a listed dataset keeps {@code ""} as an empty string and an unquoted
     * empty field as null, in the Parquet as a second reader reads it; the same bytes in a dataset not listed have both null, as
     * before. Both in one event, converted by one handler.
     */
    @Test
    void theEnvironmentsQuotedEmptyStringsKeepAListedDatasetsEmptyStringsApartFromItsNulls() throws IOException {
        // As PostgreSQL writes it: NULL an unquoted empty field, '' a quoted one, a value holding the delimiter quoted.
        String export = "id,name,nickname,credit\n1,Ada,\"\",12\n2,Bob,,\n3,\"Dupont, Jean\",\"\",7.5\n";
        buckets.bronze().put("pg_customers/2026/customers.csv", export.getBytes(StandardCharsets.UTF_8));
        buckets.bronze().put("customers/2026/customers.csv", export.getBytes(StandardCharsets.UTF_8));
        S3Event event = eventFor("pg_customers/2026/customers.csv");
        event.getRecords().add(eventFor("customers/2026/customers.csv").getRecords().get(0));
        SilverConverterHandler handler = new SilverConverterHandler(
                new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket(), "CSV_QUOTED_EMPTY_STRINGS", "pg_customers")), S3.client(), log());

        List<String> outcomes = handler.handleRequest(event, null);

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/pg_customers/2026/customers.csv",
                "converted s3://" + buckets.bronzeBucket() + "/customers/2026/customers.csv"), outcomes);
        assertEquals(List.of("1|Ada|''|12.0", "2|Bob|null|null", "3|Dupont, Jean|''|7.5"), describe(readParquet(partsOf("pg_customers"))),
                "listed: \"\" an empty string, an unquoted empty field null");
        assertEquals(List.of("1|Ada|null|12.0", "2|Bob|null|null", "3|Dupont, Jean|null|7.5"), describe(readParquet(partsOf("customers"))),
                "not listed: every empty field null, as before");
        SilverLayout layout = new SilverLayout("");
        assertEquals(Boolean.TRUE, new ManifestStore(buckets.silver()).read(layout.manifestKey("pg_customers", "pg_customers/2026/customers.csv"))
                .orElseThrow().quotedEmptyStrings(), "the manifest records the setting the file was read under");
        assertEquals(null, new ManifestStore(buckets.silver()).read(layout.manifestKey("customers", "customers/2026/customers.csv"))
                .orElseThrow().quotedEmptyStrings());
    }

    /**
     * A file converted by a converter whose reading rules were older (its manifest from before they were recorded: version 1) is
     * converted again when its event is delivered again, as {@code silver_reconvert_command} delivers it, and its new version replaces
     * the old: a PostgreSQL export of a dataset listed in {@code CSV_QUOTED_EMPTY_STRINGS} that declares {@code NULL} has its quoted
     * {@code "NULL"} as that text, each row once, read back by parquet-avro. The redelivery after, at the version in force, is
     * unchanged. It was answered unchanged against the ETag alone, the old reading kept for good.
     */
    @Test
    void aFileConvertedUnderOlderReadingRulesIsConvertedAgainWhenItsEventIsDeliveredAgain() throws IOException {
        String key = "pg_customers/2026/customers.csv";
        buckets.bronze().put(key, "id,name,nickname,credit\n1,Ada,\"NULL\",12\n2,Bob,NULL,\n3,Cy,\"\",7.5\n".getBytes(StandardCharsets.UTF_8));
        SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket(),
                "CSV_QUOTED_EMPTY_STRINGS", "pg_customers", "CSV_NULL_VALUES", "pg_customers:NULL")), S3.client(), log());
        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), handler.handleRequest(eventFor(key), null));
        String manifestKey = new SilverLayout("").manifestKey("pg_customers", key);
        com.fasterxml.jackson.databind.node.ObjectNode written = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper()
                .readTree(buckets.silver().read(manifestKey).orElseThrow());
        written.remove("readingRules");
        buckets.silver().put(manifestKey, new ObjectMapper().writeValueAsBytes(written));
        assertEquals(1, new ManifestStore(buckets.silver()).read(manifestKey).orElseThrow().readingRules(), "as an older converter wrote it");

        List<String> outcomes = handler.handleRequest(eventFor(key), null);

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), outcomes, "read under older rules, converted again");
        Manifest manifest = new ManifestStore(buckets.silver()).read(manifestKey).orElseThrow();
        assertEquals(2, manifest.generation(), "its new version replaces the old");
        assertEquals(dev.medallion.silver.ReadingRules.VERSION, manifest.readingRules());
        List<String> parts = partsOf("pg_customers");
        assertEquals(manifest.parts().stream().map(PartInfo::key).sorted().toList(), parts.stream().sorted().toList(),
                "the old version's parts are gone: " + parts);
        assertEquals(List.of("1|Ada|'NULL'|12.0", "2|Bob|null|null", "3|Cy|''|7.5"), describe(readParquet(parts)), "each row once");
        List<String> before = buckets.silver().list("");
        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + key), handler.handleRequest(eventFor(key), null),
                "at the reading rules in force, a redelivery is unchanged");
        assertEquals(before, buckets.silver().list(""));
    }

    /**
     * A redelivery over a manifest an earlier release wrote (ManifestCompatibilityTest's, written by those releases; its source's bucket,
     * ETag and size made this bronze object's, and its key too for the dropped column's, another file of the dataset) is converted again under today's reading rules, its new version replacing the old: the old
     * version's parts and quarantine file are deleted, the rows read back once, and the next redelivery is unchanged. A withdrawal's
     * manifest of format 3 is followed by the same bytes converted again, as docs/silver-converter.md says of a re-upload.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"format1-9079e33/quarantined.json", "format2-1418296/quarantined.json",
            "format2-1245d06/quarantined.json", "format2-1245d06/withdrawn.json", "format2-26f8928/quarantined.json",
            "format2-26f8928/dropped-by-name.json", "format3-6b81ee8/withdrawn.json"})
    void aRedeliveryOverAManifestOfAnEarlierReleaseConvertsTheFileAgainUnderTodaysReadingRules(String resource) throws IOException {
        String key = "q/2_some_bad.csv";
        buckets.bronze().put(key, "id,amount\n3,4.5\n4,x\n".getBytes(StandardCharsets.UTF_8));
        ObjectInfo object = buckets.bronze().stat(key).orElseThrow();
        com.fasterxml.jackson.databind.node.ObjectNode older;
        try (var in = java.util.Objects.requireNonNull(getClass().getResourceAsStream("/older-manifests/" + resource), resource)) {
            older = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(in);
        }
        com.fasterxml.jackson.databind.node.ObjectNode source = (com.fasterxml.jackson.databind.node.ObjectNode) older.get("source");
        source.put("bucket", buckets.bronzeBucket()).put("key", key).put("etag", object.etag()).put("size", object.size());
        String manifestKey = new SilverLayout("").manifestKey("q", key);
        buckets.silver().put(manifestKey, new ObjectMapper().writeValueAsBytes(older));
        Manifest before = new ManifestStore(buckets.silver()).read(manifestKey).orElseThrow();
        List<String> olderFiles = new ArrayList<>(before.writtenKeys());
        olderFiles.addAll(before.supersedes());
        for (String file : olderFiles) {
            buckets.silver().put(file, "of the earlier release".getBytes(StandardCharsets.UTF_8));
        }

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(eventFor(key), null),
                "read under older rules, or withdrawn: converted again");

        Manifest manifest = new ManifestStore(buckets.silver()).read(manifestKey).orElseThrow();
        assertEquals(before.generation() + 1, manifest.generation(), "its new version replaces the old");
        assertEquals(Manifest.FORMAT_VERSION, manifest.formatVersion());
        assertEquals(dev.medallion.silver.ReadingRules.VERSION, manifest.readingRules());
        for (String file : olderFiles) {
            assertEquals(Optional.empty(), buckets.silver().stat(file), "the earlier release's " + file + " is deleted");
        }
        List<String> parts = partsOf("q");
        assertEquals(manifest.parts().stream().map(PartInfo::key).sorted().toList(), parts.stream().sorted().toList());
        assertEquals(List.of("3|4.5", "4|x"), readParquet(parts).stream().map(row -> row.get("id") + "|" + row.get("amount")).sorted().toList(),
                "each row once");
        List<String> after = buckets.silver().list("");
        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(eventFor(key), null));
        assertEquals(after, buckets.silver().list(""));
    }

    private List<String> partsOf(String dataset) throws IOException {
        return buckets.silver().list(dataset + "/").stream().filter(key -> key.endsWith(".parquet")).toList();
    }

    /** Each row as {@code id|name|nickname|credit}, a text quoted so that an empty string and null read apart. */
    private static List<String> describe(List<GenericRecord> rows) {
        return rows.stream()
                .map(row -> row.get("id") + "|" + row.get("name") + "|" + (row.get("nickname") == null ? "null" : "'" + row.get("nickname") + "'")
                        + "|" + row.get("credit"))
                .sorted()
                .toList();
    }

    @Test
    void aRedeliveredEventIsRecognisedAndWritesNothingNew() throws IOException {
        String key = "sales/x.csv";
        buckets.bronze().put(key, "id\n1\n".getBytes(StandardCharsets.UTF_8));
        SilverConverterHandler handler = handler();
        handler.handleRequest(eventFor(key), null);
        List<String> before = buckets.silver().list("");

        List<String> outcomes = handler.handleRequest(eventFor(key), null);

        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + key), outcomes);
        assertEquals(before, buckets.silver().list(""));
    }

    /**
     * A new dataset's first file without a header line, as {@code bcp} and MySQL's {@code SELECT ... INTO OUTFILE} write it, has its
     * first row read as the column names: the deployed converter's line for the run that defined the contract says so in
     * {@code headerReadsAsRow}, naming the fields that read as values and the contract's key to delete, on the INFO line of a file
     * processed, which no alarm counts. A dataset's first file with a header of names, in the same event, logs no such field.
     */
    @Test
    void aNewDatasetsHeaderThatReadsAsARowIsSaidOnItsLineAndAHeaderOfNamesIsNot() throws IOException {
        buckets.bronze().put("bcp_orders/orders.csv", "1,Alice,NULL\n2,Bob,3.5\n".getBytes(StandardCharsets.UTF_8));
        buckets.bronze().put("orders/orders.csv", "id,name,amount\n1,Alice,NULL\n2,Bob,3.5\n".getBytes(StandardCharsets.UTF_8));
        S3Event event = eventFor("bcp_orders/orders.csv");
        event.getRecords().add(eventFor("orders/orders.csv").getRecords().get(0));

        List<String> outcomes = handler().handleRequest(event, null);

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/bcp_orders/orders.csv",
                "converted s3://" + buckets.bronzeBucket() + "/orders/orders.csv"), outcomes);
        Map<?, ?> headerless = lineOf("source object processed", "s3://" + buckets.bronzeBucket() + "/bcp_orders/orders.csv");
        assertEquals("INFO", headerless.get("level"), "a guess about a file that converted, not a failure: " + headerless);
        assertEquals("_1 bigint, alice string, null double", headerless.get("schemaContractDefined"), headerless.toString());
        assertEquals(1, ((Number) headerless.get("rowsRead")).intValue(), "its first row became the header: " + headerless);
        assertEquals("its header reads as a row of data ('1' a bigint, 'NULL' a null marker): a file without a header line"
                + " (bcp and MySQL's SELECT ... INTO OUTFILE write none) has its first row read as the column names, that row in no table;"
                + " if so, put a line of the column names above its rows (or export it with one), delete s3://" + buckets.silverBucket()
                + "/_schemas/bcp_orders.json and run again", headerless.get("headerReadsAsRow"), headerless.toString());
        Map<?, ?> named = lineOf("source object processed", "s3://" + buckets.bronzeBucket() + "/orders/orders.csv");
        assertEquals("id bigint, name string, amount double", named.get("schemaContractDefined"), named.toString());
        assertFalse(named.containsKey("headerReadsAsRow"), named.toString());
    }

    /**
     * The records S3 sends when a file is deleted (docs/silver-converter.md, "Deleting a bronze file"): a plain
     * DELETE in the versioned bucket (ObjectRemoved:DeleteMarkerCreated) withdraws the file's rows, a version
     * deleted while the key has a current one (ObjectRemoved:Delete) changes nothing, and what S3 Lifecycle
     * expires (LifecycleExpiration:Delete, which the notification does not subscribe to) is never a withdrawal.
     */
    @Test
    void aRemovalRecordWithdrawsTheDeletedFilesRowsAndOnlyItsOwn() throws IOException {
        S3.client().putBucketVersioning(request -> request.bucket(buckets.bronzeBucket()).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        buckets.bronze().put("sales/gone.csv", "id\n1\n2\n".getBytes(StandardCharsets.UTF_8));
        buckets.bronze().put("sales/kept.csv", "id\n3\n".getBytes(StandardCharsets.UTF_8));
        SilverConverterHandler handler = handler();
        S3Event created = eventFor("sales/gone.csv");
        created.getRecords().add(eventFor("sales/kept.csv").getRecords().get(0));
        handler.handleRequest(created, null);
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key("sales/gone.csv"));
        S3Event removed = S3Events.objectRemoved(buckets.bronzeBucket(), "sales/gone.csv", "ObjectRemoved:DeleteMarkerCreated", "marker", temporary);
        // Lifecycle deletions arrive under their own name: never a withdrawal, so kept.csv, whose object is there, is answered unchanged.
        removed.getRecords().add(S3Events.objectRemoved(buckets.bronzeBucket(), "sales/kept.csv", "LifecycleExpiration:Delete", "v1", temporary).getRecords().get(0));
        // A removal of a key never converted: nothing to withdraw, and no failure (deleting a misplaced file is its remedy).
        removed.getRecords().add(S3Events.objectRemoved(buckets.bronzeBucket(), "loose.csv", "ObjectRemoved:Delete", "v1", temporary).getRecords().get(0));
        removed.getRecords().add(S3Events.objectRemoved(buckets.bronzeBucket(), "sales/readme.txt", "ObjectRemoved:Delete", "v1", temporary).getRecords().get(0));

        List<String> outcomes = handler.handleRequest(removed, null);

        assertEquals(List.of("withdrawn s3://" + buckets.bronzeBucket() + "/sales/gone.csv", "unchanged s3://" + buckets.bronzeBucket() + "/sales/kept.csv",
                "skipped s3://" + buckets.bronzeBucket() + "/loose.csv", "skipped s3://" + buckets.bronzeBucket() + "/sales/readme.txt"), outcomes);
        // As every line of a removal that withdraws nothing, its outcome and why; a key at the bucket's root names no dataset.
        Map<?, ?> skipped = lineOf("source object removal: nothing withdrawn", "s3://" + buckets.bronzeBucket() + "/loose.csv");
        assertEquals("skipped", skipped.get("outcome"), skipped.toString());
        assertTrue(String.valueOf(skipped.get("reason")).contains("nothing of it is in silver"), skipped.toString());
        assertFalse(skipped.containsKey("dataset"), skipped.toString());
        // A key under a dataset folder names it, the key's first folder, so a filter on dataset finds the line.
        Map<?, ?> skippedInDataset = lineOf("source object removal: nothing withdrawn", "s3://" + buckets.bronzeBucket() + "/sales/readme.txt");
        assertEquals("skipped", skippedInDataset.get("outcome"), skippedInDataset.toString());
        assertEquals("sales", skippedInDataset.get("dataset"), skippedInDataset.toString());
        List<String> parts = buckets.silver().list("sales/");
        assertEquals(1, parts.size(), parts.toString());
        assertEquals(List.of("3"), readParquet(parts).stream().map(row -> String.valueOf(row.get("id"))).toList());
        assertTrue(new String(buckets.silver().read(buckets.silver().list("_manifests/sales/gone").get(0)).orElseThrow(), StandardCharsets.UTF_8)
                .contains("\"status\" : \"withdrawn\""));
    }

    @Test
    void theRemovalRecordOfAnOldVersionLeavesTheCurrentOnesRows() throws IOException {
        S3.client().putBucketVersioning(request -> request.bucket(buckets.bronzeBucket()).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String key = "sales/x.csv";
        buckets.bronze().put(key, "id\n1\n".getBytes(StandardCharsets.UTF_8));
        String oldVersion = S3.client().headObject(request -> request.bucket(buckets.bronzeBucket()).key(key)).versionId();
        SilverConverterHandler handler = handler();
        handler.handleRequest(eventFor(key), null);
        buckets.bronze().put(key, "id\n2\n".getBytes(StandardCharsets.UTF_8));
        handler.handleRequest(eventFor(key), null);
        List<String> before = buckets.silver().list("");
        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(key).versionId(oldVersion));

        List<String> outcomes = handler.handleRequest(S3Events.objectRemoved(buckets.bronzeBucket(), key, "ObjectRemoved:Delete", oldVersion, temporary), null);

        assertEquals(List.of("present s3://" + buckets.bronzeBucket() + "/" + key), outcomes);
        assertEquals(before, buckets.silver().list(""));
        assertTrue(logLines.toString(StandardCharsets.UTF_8).contains("\"message\":\"source object removal: nothing withdrawn\""), logLines.toString());
    }

    @Test
    void recordsAreTakenForRemovalsByTheirEventNameOnly() {
        assertTrue(SilverConverterHandler.isRemoval("ObjectRemoved:Delete"));
        assertTrue(SilverConverterHandler.isRemoval("ObjectRemoved:DeleteMarkerCreated"));
        assertFalse(SilverConverterHandler.isRemoval("LifecycleExpiration:Delete"));
        assertFalse(SilverConverterHandler.isRemoval("LifecycleExpiration:DeleteMarkerCreated"));
        assertFalse(SilverConverterHandler.isRemoval("ObjectCreated:Put"));
        assertFalse(SilverConverterHandler.isRemoval(null), "a person's invocation without a name converts, as before");
    }

    /**
     * A, then B, then A's content put back while B is being converted: the restored object has A's ETag,
     * so its event is answered "unchanged" against A's manifest, which B's run then replaces. B's run looks
     * at the object after its commit and converts what it holds now: silver ends on bronze's content.
     */
    @Test
    void anOverwriteThatPutsEarlierContentBackDuringAConversionEndsWithThatContent() throws IOException {
        String key = "sales/x.csv";
        String a = "id,amount\n1,10\n2,20\n";
        buckets.bronze().put(key, a.getBytes(StandardCharsets.UTF_8));
        handler().handleRequest(eventFor(key), null);
        buckets.bronze().put(key, "id,amount\n3,30\n".getBytes(StandardCharsets.UTF_8));
        List<String> restoredOutcomes = new ArrayList<>();

        List<String> outcomes = convertWhileBeforeTheFirstPublish(eventFor(key), () -> {
            buckets.bronze().put(key, a.getBytes(StandardCharsets.UTF_8));
            restoredOutcomes.addAll(handler().handleRequest(eventFor(key), null));
        });

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), outcomes);
        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + key), restoredOutcomes, "A's event met A's manifest");
        Manifest manifest = new ManifestStore(buckets.silver()).read(new SilverLayout("").manifestKey("sales", key)).orElseThrow();
        assertEquals(buckets.bronze().stat(key).orElseThrow().etag(), manifest.source().etag(), "silver holds what bronze holds");
        assertEquals(3L, manifest.generation(), "A, then B, then A again");
        assertRowsEqual(a, readParquet(manifest.parts().stream().map(PartInfo::key).toList()));
        String log = logLines.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("source object changed back while it was converted"), log);
        // Named with its dataset, as every other line of a source object, so a filter on dataset finds it.
        Map<?, ?> changedBack = lineOf("source object changed back while it was converted; converting its current version",
                "s3://" + buckets.bronzeBucket() + "/" + key);
        assertEquals("sales", changedBack.get("dataset"), changedBack.toString());
    }

    /** Overwritten with new content during a run: the new version's own event converts it; the run does not do it twice. */
    @Test
    void anOverwriteWithNewContentDuringAConversionIsLeftToItsOwnEvent() throws IOException {
        String key = "sales/y.csv";
        buckets.bronze().put(key, "id\n1\n".getBytes(StandardCharsets.UTF_8));
        handler().handleRequest(eventFor(key), null);
        buckets.bronze().put(key, "id\n2\n".getBytes(StandardCharsets.UTF_8));

        List<String> outcomes = convertWhileBeforeTheFirstPublish(eventFor(key), () -> buckets.bronze().put(key, "id\n3\n".getBytes(StandardCharsets.UTF_8)));

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), outcomes);
        String manifestKey = new SilverLayout("").manifestKey("sales", key);
        assertEquals(2L, new ManifestStore(buckets.silver()).read(manifestKey).orElseThrow().generation(), "the run committed its own version, once");
        assertTrue(!logLines.toString(StandardCharsets.UTF_8).contains("changed back"), logLines.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(eventFor(key), null), "the new version's event");
        Manifest manifest = new ManifestStore(buckets.silver()).read(manifestKey).orElseThrow();
        assertEquals(buckets.bronze().stat(key).orElseThrow().etag(), manifest.source().etag());
        assertRowsEqual("id\n3\n", readParquet(manifest.parts().stream().map(PartInfo::key).toList()));
    }

    /** Runs the event through a handler whose S3 client runs {@code meanwhile} once, just before the run's first part is published. */
    private List<String> convertWhileBeforeTheFirstPublish(S3Event event, IoAction meanwhile) {
        AtomicBoolean done = new AtomicBoolean();
        ExecutionInterceptor beforeFirstPublish = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof CompleteMultipartUploadRequest complete && complete.bucket().equals(buckets.silverBucket()) && !done.getAndSet(true)) {
                    // The run has read its version whole and is about to publish.
                    try {
                        meanwhile.run();
                    }
                    catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };
        try (S3Client client = S3Clients.builder(Optional.of(S3.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(beforeFirstPublish)).build()) {
            List<String> outcomes = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket())), client, log()).handleRequest(event, null);
            assertTrue(done.get(), "the run published");
            return outcomes;
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    @Test
    void streamsAFileOfSeveralChunksAndUploadPartsThroughMultipartUploads() throws IOException {
        Path file = temporary.resolve("retail.csv");
        try (Writer out = new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8)) {
            new RetailTransactionsGenerator(7).write(250_000, out);
        }
        String key = "retail/2026/retail.csv";
        var upload = buckets.bronze().create(key);
        Files.copy(file, upload);
        upload.close();
        upload.publish();

        List<String> outcomes = handler().handleRequest(eventFor(key), null);

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), outcomes);
        List<String> parts = buckets.silver().list("retail/").stream().filter(k -> k.endsWith(".parquet")).toList();
        List<GenericRecord> rows = readParquet(parts);
        assertEquals(250_000, rows.size());
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            int i = 0;
            for (CSVRecord record : parser) {
                GenericRecord row = rows.get(i++);
                assertEquals(record.get("transaction_id"), String.valueOf(row.get("transaction_id")), "row " + i);
                assertEquals(record.get("payment_method"), String.valueOf(row.get("payment_method")), "row " + i);
                assertEquals(Double.parseDouble(record.get("total_amount")), ((Number) row.get("total_amount")).doubleValue(), "row " + i);
                String note = record.get("note");
                assertEquals(note.isEmpty() ? null : note, row.get("note") == null ? null : row.get("note").toString(), "row " + i);
            }
        }
    }

    @Test
    void processesEveryRecordAndSkipsWhatItCannotConvert() throws IOException {
        buckets.bronze().put("sales/a.csv", "id\n1\n".getBytes(StandardCharsets.UTF_8));
        buckets.bronze().put("sales/readme.txt", "not data".getBytes(StandardCharsets.UTF_8));
        S3Event event = eventFor("sales/a.csv");
        event.getRecords().add(eventFor("sales/readme.txt").getRecords().get(0));
        event.getRecords().add(eventFor("sales/deleted.csv").getRecords().get(0));
        // A Spark job writing to the bucket: a task's attempt, copied to its final key once committed, and a hidden file.
        for (String key : List.of("sales/_temporary/0/task_1/part-00000.csv", "sales/.hive-staging/part-00000.csv")) {
            buckets.bronze().put(key, "id\n1\n".getBytes(StandardCharsets.UTF_8));
            event.getRecords().add(eventFor(key).getRecords().get(0));
        }

        List<String> outcomes = handler().handleRequest(event, null);

        assertEquals(List.of(
                "converted s3://" + buckets.bronzeBucket() + "/sales/a.csv",
                "skipped s3://" + buckets.bronzeBucket() + "/sales/readme.txt",
                "missing s3://" + buckets.bronzeBucket() + "/sales/deleted.csv",
                "skipped s3://" + buckets.bronzeBucket() + "/sales/_temporary/0/task_1/part-00000.csv",
                "skipped s3://" + buckets.bronzeBucket() + "/sales/.hive-staging/part-00000.csv"), outcomes);
        assertEquals(1, new ManifestStore(buckets.silver()).read(new SilverLayout("").manifestKey("sales", "sales/a.csv")).orElseThrow().rowsWritten());
        assertEquals(1, buckets.silver().list("_manifests/").size(), "only sales/a.csv was converted: " + buckets.silver().list("_manifests/"));
        // The skip names its dataset, the key's first folder, as every other line of a source object does: an alarm's or a person's
        // filter on dataset finds it.
        Map<?, ?> notCsv = lineOf(SilverConverterHandler.NOT_CONVERTED_MESSAGE, "s3://" + buckets.bronzeBucket() + "/sales/readme.txt");
        assertEquals("sales", notCsv.get("dataset"), notCsv.toString());
        for (String key : List.of("sales/_temporary/0/task_1/part-00000.csv", "sales/.hive-staging/part-00000.csv")) {
            Map<?, ?> jobOrHidden = lineOf("source object skipped: a folder or file name in its key starts with _ or ., as Hadoop and Spark name"
                    + " what is not a job's output (_temporary, _SUCCESS) and tools name hidden files", "s3://" + buckets.bronzeBucket() + "/" + key);
            assertEquals("sales", jobOrHidden.get("dataset"), jobOrHidden.toString());
        }
    }

    /**
     * S3 invokes the converter for every key put in bronze (functions.tf, one rule with no filter), and its role may read
     * only keys ending in a converted suffix, matched case-sensitively as IAM matches them (iam.tf; here a proxy answers
     * 403 where IAM would). A file it does not convert is said once at WARN, with what to do for its name, and read not
     * at all: {@code sales.Csv} would otherwise fail at its HEAD (403) and go to the failure queue. Spark's
     * {@code _SUCCESS} and {@code .crc} files and a console's folder marker are not said that way (no alarm counts
     * them), and the removal of any of these keys is quiet.
     */
    @Test
    void aFileTheConverterDoesNotConvertIsSaidWithWhatToDoAndNeverRead() throws IOException {
        List<String> readable = List.of(".csv", ".csv.gz", ".dat", ".CSV", ".CSV.GZ", ".CSV.gz", ".DAT");
        Map<String, String> advice = new java.util.LinkedHashMap<>();
        advice.put("sales/2026/05/sales.Csv", "rename it to end in .csv");
        advice.put("sales/report.xlsx", dev.medallion.common.text.SpreadsheetNames.advice("report.xlsx").orElseThrow());
        advice.put("sales/sales.tsv", "rename it to end in .csv or .dat");
        advice.put("sales/orders.txt", "rename it to end in .csv or .dat");
        advice.put("sales/data.json", "only files whose names end in .csv, .csv.gz or .dat");
        advice.put("loose.xlsx", "export each sheet as CSV");
        List<String> quiet = List.of("sales/_SUCCESS", "sales/.part-00000.csv.crc", "sales/2026/");
        S3Event created = null;
        S3Event removed = null;
        for (String key : concat(List.copyOf(advice.keySet()), quiet)) {
            buckets.bronze().put(key, "id\n1\n".getBytes(StandardCharsets.UTF_8));
            S3Event one = eventFor(key);
            S3Event gone = S3Events.objectRemoved(buckets.bronzeBucket(), key, "ObjectRemoved:DeleteMarkerCreated", "marker", temporary);
            if (created == null) {
                created = one;
                removed = gone;
            }
            else {
                created.getRecords().add(one.getRecords().get(0));
                removed.getRecords().add(gone.getRecords().get(0));
            }
        }
        List<String> skipped = concat(List.copyOf(advice.keySet()), quiet).stream().map(key -> "skipped s3://" + buckets.bronzeBucket() + "/" + key).toList();
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint());
                S3Client client = S3Clients.builder(Optional.of(proxy.endpoint())).region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build()) {
            Injection denied = proxy.inject(request -> request.path().startsWith("/" + buckets.bronzeBucket() + "/") && readable.stream().noneMatch(request.path()::endsWith),
                    Fault.status(403), 1000);
            SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket())), client, log());

            assertEquals(skipped, handler.handleRequest(created, null), logLines.toString(StandardCharsets.UTF_8));
            int warnings = warnLines().size();
            assertEquals(skipped, handler.handleRequest(removed, null), "removals");

            assertEquals(0, denied.hits(), "a request for a key the role may not read: " + proxy.requests());
            assertEquals(warnings, warnLines().size(), "a removal of a key never converted is quiet: " + warnLines());
        }
        for (Map.Entry<String, String> file : advice.entrySet()) {
            Map<?, ?> line = lineOf("source object not converted: its name does not end in a suffix the converter reads", "s3://" + buckets.bronzeBucket() + "/" + file.getKey());
            assertEquals("WARN", line.get("level"), line.toString());
            assertTrue(String.valueOf(line.get("whatToDo")).contains(file.getValue()), file.getValue() + " in " + line);
            assertEquals(file.getKey().contains("/") ? "sales" : null, line.get("dataset"), line.toString());
        }
        assertTrue(String.valueOf(lineOf("source object not converted: its name does not end in a suffix the converter reads",
                "s3://" + buckets.bronzeBucket() + "/sales/sales.tsv").get("whatToDo")).contains("CSV_DELIMITERS"), "the delimiter's setting is named");
        for (String key : quiet) {
            assertFalse(logLines.toString(StandardCharsets.UTF_8).lines().anyMatch(line -> line.contains("source object not converted") && line.contains("/" + key + "\"")),
                    key + " must not be counted as a file not converted: " + logLines.toString(StandardCharsets.UTF_8));
        }
        assertEquals(List.of(), buckets.silver().list(""), "nothing written to silver");
    }

    private List<String> warnLines() {
        return logLines.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains("\"level\":\"WARN\"")).toList();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** A record that cannot be read (here, without its s3 entity) fails the invocation, but not before the records after it are converted. */
    @Test
    void aRecordThatCannotBeReadFailsAloneNamedByItsPosition() throws IOException {
        buckets.bronze().put("sales/a.csv", "id\n1\n".getBytes(StandardCharsets.UTF_8));
        S3Event event = eventFor("sales/a.csv");
        S3EventNotification.S3EventNotificationRecord good = event.getRecords().get(0);
        event.getRecords().add(0, new S3EventNotification.S3EventNotificationRecord(good.getAwsRegion(), good.getEventName(), good.getEventSource(),
                good.getEventTime().toString(), good.getEventVersion(), good.getRequestParameters(), good.getResponseElements(), null, good.getUserIdentity()));

        SilverConversionException failure = assertThrows(SilverConversionException.class, () -> handler().handleRequest(event, null));

        assertTrue(failure.getMessage().startsWith("Could not convert 1 of 2 object(s): record 1 of the event: "), failure.getMessage());
        assertTrue(buckets.silver().stat(new SilverLayout("").manifestKey("sales", "sales/a.csv")).isPresent(), "the record after it was converted");
    }

    /**
     * A manifest damaged or edited by hand ({@code "readingRules": 2.5}, read as 2 before) fails its record, as any manifest that
     * cannot be read: the invocation fails so Lambda retries it and then queues it, the failure's line naming the manifest, the field
     * and what to do, with nothing of the file written or deleted, and the other record of the event converted. Doing what it says
     * converts the file once.
     */
    @Test
    void aDamagedManifestFailsItsRecordNamingTheFieldAndWritesNothingOfItsFile() throws IOException {
        String csv = "id,amount\n1,10\n2,20\n";
        buckets.bronze().put("sales/a.csv", csv.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/sales/a.csv"), handler().handleRequest(eventFor("sales/a.csv"), null));
        String manifestKey = new SilverLayout("").manifestKey("sales", "sales/a.csv");
        String json = new String(buckets.silver().read(manifestKey).orElseThrow(), StandardCharsets.UTF_8);
        String rules = "\"readingRules\" : " + dev.medallion.silver.ReadingRules.VERSION;
        assertTrue(json.contains(rules), json);
        buckets.silver().put(manifestKey, json.replace(rules, rules + ".5").getBytes(StandardCharsets.UTF_8));
        List<String> before = buckets.silver().list("");
        buckets.bronze().put("sales/b.csv", "id,amount\n3,30\n".getBytes(StandardCharsets.UTF_8));
        S3Event event = eventFor("sales/a.csv");
        event.getRecords().add(eventFor("sales/b.csv").getRecords().get(0));

        SilverConversionException failure = assertThrows(SilverConversionException.class, () -> handler().handleRequest(event, null));

        assertTrue(failure.getMessage().startsWith("Could not convert 1 of 2 object(s): s3://" + buckets.bronzeBucket() + "/sales/a.csv"), failure.getMessage());
        Map<?, ?> failed = failedLine();
        String error = String.valueOf(failed.get("error"));
        assertTrue(error.contains("The manifest " + buckets.silver().describe(manifestKey) + " is unreadable") && error.contains("readingRules: Cannot coerce Floating-point value (2.5)")
                && error.contains("delete it and the source's files"), failed.toString());
        List<String> after = buckets.silver().list("");
        assertTrue(after.containsAll(before), "nothing deleted: " + after);
        List<String> added = after.stream().filter(key -> !before.contains(key)).toList();
        assertTrue(added.stream().allMatch(key -> key.substring(key.lastIndexOf('/') + 1).startsWith("b-")), "only sales/b.csv's files written: " + added);
        assertEquals(json.replace(rules, rules + ".5"), new String(buckets.silver().read(manifestKey).orElseThrow(), StandardCharsets.UTF_8), "the manifest left as it was");
        assertTrue(buckets.silver().stat(new SilverLayout("").manifestKey("sales", "sales/b.csv")).isPresent(), "the other record was converted");

        // What the message says to do converts the file, once.
        Manifest damaged = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Manifest.class);
        List<String> itsFiles = new ArrayList<>(damaged.writtenKeys());
        itsFiles.add(manifestKey);
        buckets.silver().delete(itsFiles);
        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/sales/a.csv"), handler().handleRequest(eventFor("sales/a.csv"), null));
        Manifest converted = new ManifestStore(buckets.silver()).read(manifestKey).orElseThrow();
        assertRowsEqual(csv, readParquet(converted.parts().stream().map(PartInfo::key).toList()));
    }

    /** Skipped, nobody would see it: failed, it reaches the failure queue and its alarm, saying where the file belongs. */
    @Test
    void aCsvOutsideAnyDatasetFolderFailsTheInvocationSayingWhereItBelongs() throws IOException {
        buckets.bronze().put("sales/a.csv", "id\n1\n".getBytes(StandardCharsets.UTF_8));
        buckets.bronze().put("loose.csv", "id\n1\n".getBytes(StandardCharsets.UTF_8));
        S3Event event = eventFor("loose.csv");
        event.getRecords().add(eventFor("sales/a.csv").getRecords().get(0));

        SilverConversionException failure = assertThrows(SilverConversionException.class, () -> handler().handleRequest(event, null));

        assertTrue(failure.getMessage().startsWith("Could not convert 1 of 2 object(s): s3://" + buckets.bronzeBucket() + "/loose.csv"), failure.getMessage());
        assertTrue(failure.getMessage().contains("upload files as <dataset>/<file>.csv"), failure.getMessage());
        assertTrue(buckets.silver().stat(new SilverLayout("").manifestKey("sales", "sales/a.csv")).isPresent(), "the other record was converted all the same");
        Map<?, ?> failed = failedLine();
        assertEquals("s3://" + buckets.bronzeBucket() + "/loose.csv", failed.get("source"), failed.toString());
        assertFalse(failed.containsKey("dataset"), "a key under no dataset folder names none: " + failed);
        assertTrue(String.valueOf(failed.get("error")).contains("upload files as <dataset>/<file>.csv"), failed.toString());
    }

    @Test
    void aStorageFailureFailsTheInvocationSoLambdaRetries() throws IOException {
        buckets.bronze().put("sales/a.csv", "id\n1\n".getBytes(StandardCharsets.UTF_8));
        SilverConverterHandler handler = new SilverConverterHandler(
                new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket() + "-does-not-exist")), S3.client(), log());

        SilverConversionException failure = assertThrows(SilverConversionException.class, () -> handler.handleRequest(eventFor("sales/a.csv"), null));

        assertTrue(failure.getMessage().contains("s3://" + buckets.bronzeBucket() + "/sales/a.csv"), failure.getMessage());
        // The line a person reads first, from the failure alarm: which dataset and object, why, and what to do.
        Map<?, ?> failed = failedLine();
        assertEquals("sales", failed.get("dataset"), failed.toString());
        assertEquals("s3://" + buckets.bronzeBucket() + "/sales/a.csv", failed.get("source"), failed.toString());
        assertTrue(String.valueOf(failed.get("error")).contains(buckets.silverBucket() + "-does-not-exist"), failed.toString());
        assertTrue(String.valueOf(failed.get("whatToDo")).contains("silver_replay_command"), failed.toString());
    }

    /** The one line of {@code message} for {@code source}, as JSON. */
    private Map<?, ?> lineOf(String message, String source) throws IOException {
        List<Map<?, ?>> found = new ArrayList<>();
        for (String line : logLines.toString(StandardCharsets.UTF_8).lines().toList()) {
            Map<?, ?> fields = new ObjectMapper().readValue(line, Map.class);
            if (message.equals(fields.get("message")) && source.equals(fields.get("source"))) {
                found.add(fields);
            }
        }
        assertEquals(1, found.size(), logLines.toString(StandardCharsets.UTF_8));
        return found.get(0);
    }

    /** The one ERROR line of a failed record, as JSON. */
    private Map<?, ?> failedLine() throws IOException {
        List<String> failed = logLines.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains("\"level\":\"ERROR\"")).toList();
        assertEquals(1, failed.size(), logLines.toString(StandardCharsets.UTF_8));
        return new ObjectMapper().readValue(failed.get(0), Map.class);
    }

    /** S3 failing the run's part uploads (500, every attempt): the invocation fails, and Lambda's retry of it converts the file once. */
    @Test
    void anInvocationWhoseUploadsFailIsRetriedByLambdaAndTheRetryConvertsTheFileOnce() throws IOException {
        String csv = "id,amount\n1,10\n2,20\n3,30\n";
        buckets.bronze().put("sales/retried.csv", csv.getBytes(StandardCharsets.UTF_8));
        S3Event event = eventFor("sales/retried.csv");
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint());
                S3Client client = S3Clients.builder(Optional.of(proxy.endpoint())).region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build()) {
            SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket())), client, log());
            Injection uploads = proxy.inject(request -> request.method().equals("PUT") && request.query().contains("partNumber="), Fault.status(500), 100);

            SilverConversionException failure = assertThrows(SilverConversionException.class, () -> handler.handleRequest(event, null));

            assertTrue(uploads.hits() > 0, uploads.toString());
            assertTrue(failure.getMessage().contains("s3://" + buckets.bronzeBucket() + "/sales/retried.csv"), failure.getMessage());
            assertEquals(List.of(), buckets.silver().list("sales/"), "nothing visible after the failed attempt");
            proxy.clear();

            assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/sales/retried.csv"), handler.handleRequest(event, null), "Lambda's retry");
        }
        Manifest manifest = new ManifestStore(buckets.silver()).read(new SilverLayout("").manifestKey("sales", "sales/retried.csv")).orElseThrow();
        List<String> parts = manifest.parts().stream().map(PartInfo::key).toList();
        assertEquals(parts, buckets.silver().list("sales/"), "every Parquet object visible is a part of the manifest");
        assertRowsEqual(csv, readParquet(parts));
    }

    /** An S3 request of the run whose answer never comes (S3 or the network hangs). */
    enum HungRequest {
        /** On the writer thread, before anything is visible. */
        UPLOAD_PART(false),
        /** Publishing a part: it may complete after all. */
        PUBLISH(true),
        /** The manifest write, then its re-read, which tells whether it landed: both hang. */
        WRITE_MANIFEST(true);

        /** Whether the run gives up with files that may be visible, so its publishing marker must say so. */
        final boolean mayLeaveFilesVisible;

        HungRequest(boolean mayLeaveFilesVisible) {
            this.mayLeaveFilesVisible = mayLeaveFilesVisible;
        }
    }

    /**
     * A request hangs near the end of the invocation: the run gives up on it at its limit (half of the time
     * left less a second, the time falling with the clock as Lambda's does) instead of waiting until Lambda
     * kills it, marks its publishing marker abandoned where files may be visible (so that even a run that
     * finds the version committed converts again), and fails with the reason, all before the invocation
     * ends; Lambda's retry converts the file once.
     */
    @ParameterizedTest
    @EnumSource(HungRequest.class)
    void aRequestThatHangsIsGivenUpBeforeTheInvocationEndsAndTheRunSaysWhatItLeft(HungRequest hung) throws Exception {
        String csv = "id,amount\n1,10\n2,20\n3,30\n";
        buckets.bronze().put("sales/hung.csv", csv.getBytes(StandardCharsets.UTF_8));
        S3Event event = eventFor("sales/hung.csv");
        int invocationMillis = 12_000;
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint());
                S3Client client = S3Clients.builder(Optional.of(proxy.endpoint())).region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build()) {
            SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket())), client, log());
            AtomicBoolean manifestWritten = new AtomicBoolean();
            Injection held = proxy.inject(request -> switch (hung) {
                case UPLOAD_PART -> request.isUploadPart();
                case PUBLISH -> request.isCompleteMultipartUpload();
                case WRITE_MANIFEST -> request.path().contains("/_manifests/") && (request.method().equals("PUT") && manifestWritten.compareAndSet(false, true)
                        || request.method().equals("GET") && manifestWritten.get());
            }, Fault.hold(), hung == HungRequest.WRITE_MANIFEST ? 2 : 1);

            long started = System.nanoTime();
            Context invocation = LambdaInvocation.of("silver-converter", "test-request").endingIn(invocationMillis);
            CompletableFuture<List<String>> handled = CompletableFuture.supplyAsync(() -> handler.handleRequest(event, invocation));
            ExecutionException failed = assertThrows(ExecutionException.class, () -> handled.get(invocationMillis, TimeUnit.MILLISECONDS),
                    "the invocation ended within the " + invocationMillis + " ms it had");
            double seconds = (System.nanoTime() - started) / 1e9;

            assertEquals(hung == HungRequest.WRITE_MANIFEST ? 2 : 1, held.hits(), held.toString());
            assertTrue(seconds >= 5.0, "the hung request had about half of the 12 s: " + seconds);
            SilverConversionException failure = assertInstanceOf(SilverConversionException.class, failed.getCause());
            assertTrue(failure.getMessage().contains("Client execution did not complete before the specified timeout configuration"), failure.getMessage());
            List<String> markers = buckets.silver().list("_publishing/");
            if (hung.mayLeaveFilesVisible) {
                assertEquals(1, markers.size(), markers.toString());
                String marker = new String(buckets.silver().readVersioned(markers.get(0)).orElseThrow().content(), StandardCharsets.UTF_8);
                List<String> words = List.of(marker.split(" "));
                assertEquals("abandoned", words.get(1), "the run said it gave up with files that may be visible: " + marker);
                // A manifest write that hung may still land, and this run logged nothing of it: the run that finds it must count it.
                assertEquals(hung == HungRequest.WRITE_MANIFEST ? List.of("abandoned", "uncounted") : List.of("abandoned"), words.subList(1, words.size()),
                        "the run said whether its commit, should it land, is still to be counted: " + marker);
            }
            else {
                assertEquals(List.of(), markers, "nothing was published");
                assertEquals(List.of(), buckets.silver().list("sales/"), "nothing visible");
            }
            proxy.clear();

            assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/sales/hung.csv"),
                    handler.handleRequest(event, LambdaInvocation.of("silver-converter", "test-request")), "Lambda's retry");
        }
        Manifest manifest = new ManifestStore(buckets.silver()).read(new SilverLayout("").manifestKey("sales", "sales/hung.csv")).orElseThrow();
        List<String> parts = manifest.parts().stream().map(PartInfo::key).toList();
        assertEquals(parts, buckets.silver().list("sales/"), "every Parquet object visible is a part of the manifest: the first run's were swept");
        assertRowsEqual(csv, readParquet(parts));
    }

    @Test
    void anInvocationWhoseTimeIsRunningOutStopsDiscardsAndFailsSoTheRetryStartsClean() throws IOException {
        StringBuilder csv = new StringBuilder("id\n");
        for (int i = 0; i < 300_000; i++) {
            csv.append(i).append('\n');
        }
        buckets.bronze().put("sales/big.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        // The time left never changes: 4 s, under the 5 s the handler keeps in reserve at the least.
        Context nearlyOver = LambdaInvocation.of("silver-converter", "test-request").withRemainingMillis(4_000);

        SilverConversionException failure = assertThrows(SilverConversionException.class,
                () -> handler().handleRequest(eventFor("sales/big.csv"), nearlyOver));

        assertInstanceOf(DeadlineExceededException.class, failure.getCause());
        assertTrue(failure.getMessage().contains("with 4000 ms of the invocation left (the last 5000 ms are kept"), failure.getMessage());
        assertEquals(List.of(), buckets.silver().list("").stream().filter(key -> !key.startsWith("_schemas/")).toList(), "nothing visible");
        assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(buckets.silverBucket())).uploads(), "no upload left open");

        List<String> retried = handler().handleRequest(eventFor("sales/big.csv"), LambdaInvocation.of("silver-converter", "test-request"));
        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/sales/big.csv"), retried);
    }

    private SilverConverterHandler handler() {
        return new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket())), S3.client(), log());
    }

    private JsonLog log() {
        return new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    /** The event S3 sends for the object as it is stored now, loaded through the Lambda runtime's deserialiser. */
    private S3Event eventFor(String key) throws IOException {
        ObjectInfo info = buckets.bronze().stat(key).orElse(new ObjectInfo(key, 0, "0", java.time.Instant.EPOCH));
        return S3Events.objectCreated(buckets.bronzeBucket(), info, temporary);
    }

    private List<GenericRecord> readParquet(List<String> keys) throws IOException {
        List<GenericRecord> rows = new ArrayList<>();
        for (String key : keys) {
            Path local = Files.createTempFile(temporary, "part", ".parquet");
            try (var in = buckets.silver().open(key, java.util.Optional.empty())) {
                Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            rows.addAll(ParquetTestFiles.readAll(local));
        }
        return rows;
    }

    private static void assertRowsEqual(String csv, List<GenericRecord> rows) throws IOException {
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(new java.io.StringReader(csv))) {
            List<CSVRecord> records = parser.getRecords();
            assertEquals(records.size(), rows.size());
            for (int i = 0; i < records.size(); i++) {
                for (String column : parser.getHeaderNames()) {
                    Object value = rows.get(i).get(column);
                    String expected = records.get(i).get(column);
                    if (value instanceof Number number && !(value instanceof Long)) {
                        assertEquals(Double.parseDouble(expected), number.doubleValue(), column + " of row " + (i + 1));
                    }
                    else {
                        assertEquals(expected, String.valueOf(value), column + " of row " + (i + 1));
                    }
                }
            }
        }
    }
}
