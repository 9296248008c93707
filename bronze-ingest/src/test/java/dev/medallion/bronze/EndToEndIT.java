package dev.medallion.bronze;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.bronze.upload.BronzeBucket;
import dev.medallion.bronze.upload.BronzeKeyLayout;
import dev.medallion.bronze.upload.FileUploader;
import dev.medallion.bronze.upload.SilentUploadListener;
import dev.medallion.bronze.upload.UploadOutcome;
import dev.medallion.bronze.upload.UploadOutcome.Status;
import dev.medallion.bronze.upload.UploadPlanner;
import dev.medallion.bronze.upload.UploadRun;
import dev.medallion.common.config.Environment;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.sample.RetailTransactionsGenerator;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.BronzeAndSilverBuckets;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.silver.ParquetTestFiles;
import dev.medallion.silver.lambda.S3Events;
import dev.medallion.silver.lambda.SilverConverterHandler;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue #3, end to end against a real S3 API: files go into the bronze bucket through bronze-ingest's
 * upload code, the silver Lambda handler receives the event S3 would send for each object (built from the
 * object as stored: URL-encoded key, size, ETag, through the Lambda runtime's deserialiser), and the
 * Parquet it writes is read back by a second reader (parquet-avro) and compared, row by row and column by
 * column, with the CSV as Apache Commons CSV parses it, in the types the schema contract promises.
 */
class EndToEndIT {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    @RegisterExtension
    final BronzeAndSilverBuckets buckets = BronzeAndSilverBuckets.on(S3);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CSVFormat CSV_WITH_HEADER = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();

    /** The types the converter writes, and what the CSV text of each becomes once read back through parquet-avro. */
    private enum Type {
        BIGINT, DOUBLE, BOOLEAN, DATE, TIMESTAMP, STRING;

        /** An empty field is null in every type. */
        Object expected(String text) {
            if (text.isEmpty()) {
                return null;
            }
            return switch (this) {
                case BIGINT -> Long.parseLong(text);
                case DOUBLE -> Double.parseDouble(text);
                case BOOLEAN -> switch (text) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> throw new AssertionError("not a boolean in the CSV: " + text);
                };
                case DATE -> LocalDate.parse(text);
                // Without an offset the time is taken as UTC and written as a timestamp not adjusted to UTC,
                // which parquet-avro reads as the same wall-clock LocalDateTime.
                case TIMESTAMP -> LocalDateTime.parse(text.replace(' ', 'T'));
                case STRING -> text;
            };
        }
    }

    /** sample-data/README.md, "Inferred schemas". */
    private static final Map<String, Type> SALES = columns(
            "transaction_id", Type.BIGINT, "timestamp", Type.TIMESTAMP, "customer_id", Type.BIGINT, "product_id", Type.BIGINT,
            "quantity", Type.BIGINT, "unit_price", Type.DOUBLE, "discount", Type.DOUBLE, "total_amount", Type.DOUBLE,
            "region", Type.STRING, "payment_method", Type.STRING, "is_online", Type.BOOLEAN, "note", Type.STRING);
    private static final Map<String, Type> CUSTOMERS = columns(
            "customer_id", Type.BIGINT, "name", Type.STRING, "email", Type.STRING, "city", Type.STRING, "country", Type.STRING,
            "signup_date", Type.DATE);
    /** RetailTransactionsGenerator's columns. */
    private static final Map<String, Type> RETAIL = columns(
            "transaction_id", Type.BIGINT, "timestamp", Type.TIMESTAMP, "customer_id", Type.BIGINT, "product_id", Type.BIGINT,
            "product_name", Type.STRING, "category", Type.STRING, "quantity", Type.BIGINT, "unit_price", Type.DOUBLE,
            "discount", Type.DOUBLE, "total_amount", Type.DOUBLE, "region", Type.STRING, "payment_method", Type.STRING,
            "is_online", Type.BOOLEAN, "note", Type.STRING);

    private static final String JANUARY = "sales/2026/01/sales_2026_01.csv";
    private static final String FEBRUARY = "sales/2026/02/sales_2026_02_multiline_notes.csv";
    private static final String MARCH = "sales/2026/03/sales_2026_03_messy.csv";
    private static final String APRIL = "sales/2026/04/sales_2026_04.csv.gz";
    /** The messy file's quarantine, from sample-data/README.md: source line, reason. */
    private static final Map<Long, String> MARCH_QUARANTINE = Map.of(
            151L, "column quantity: 'N/A' is not a bigint (declare it null if it stands for a missing value: CSV_NULL_VALUES=sales:N/A or convert --null-values N/A): the dataset's contract _schemas/sales.json types it bigint",
            176L, "expected 12 fields, found 10",
            191L, "expected 12 fields, found 13");

    @TempDir
    Path temporary;

    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();

    @Test
    void aPlainCsvFileArrivesInSilverRowByRow() throws Exception {
        uploadSampleSales();

        assertEquals(List.of(converted(JANUARY)), deliver(handler(), JANUARY));

        JsonNode manifest = manifestOf(JANUARY);
        assertManifest(manifest, JANUARY, 300, 300, 0);
        assertTrue(manifest.get("quarantine").isNull(), manifest.toString());
        assertEquals(300, assertSilverEqualsCsv(manifest, sourceRows(sampleData().resolve(JANUARY)).iterator(), SALES));
    }

    @Test
    void aGzipFileArrivesInSilverRowByRow() throws Exception {
        uploadSampleSales();
        assertEquals("application/gzip", S3.client().headObject(request -> request.bucket(buckets.bronzeBucket()).key(APRIL)).contentType());

        assertEquals(List.of(converted(APRIL)), deliver(handler(), APRIL));

        JsonNode manifest = manifestOf(APRIL);
        assertManifest(manifest, APRIL, 180, 180, 0);
        assertEquals(180, assertSilverEqualsCsv(manifest, sourceRows(sampleData().resolve(APRIL)).iterator(), SALES));
    }

    @Test
    void aKeyWithASpaceAndAnAccentArrivesInSilverRowByRow() throws Exception {
        Path folder = temporary.resolve("Clients");
        Path file = folder.resolve("été 2026").resolve("clients été 2026.csv");
        Files.createDirectories(file.getParent());
        // Names with accents, in Greek and in Cyrillic: the content is not plain ASCII either.
        Files.copy(sampleData().resolve("customers/customers.csv"), file);

        List<UploadOutcome> uploads = upload(folder);

        String key = "clients/été 2026/clients été 2026.csv";
        assertEquals(List.of(key), keysOf(uploads));
        S3Event event = eventFor(key);
        assertEquals("clients/%C3%A9t%C3%A9+2026/clients+%C3%A9t%C3%A9+2026.csv", event.getRecords().get(0).getS3().getObject().getKey());

        List<String> outcomes = handler().handleRequest(event, null);

        assertEquals(List.of(converted(key)), outcomes, log());
        JsonNode manifest = manifestOf(key);
        assertManifest(manifest, key, 60, 60, 0);
        assertEquals("clients", manifest.get("dataset").asText());
        assertEquals(60, assertSilverEqualsCsv(manifest, sourceRows(file).iterator(), CUSTOMERS));
    }

    @Test
    void aFileWithBadRowsHasThemQuarantinedAndCountedInItsManifest() throws Exception {
        uploadSampleSales();
        SilverConverterHandler handler = handler();
        // The dataset's first file defines its contract: the clean January file types quantity as bigint,
        // so the messy file's N/A is quarantined, as sample-data/README.md documents.
        assertEquals(List.of(converted(JANUARY)), deliver(handler, JANUARY));

        assertEquals(List.of(converted(MARCH)), deliver(handler, MARCH));

        JsonNode manifest = manifestOf(MARCH);
        assertManifest(manifest, MARCH, 200, 197, 3);
        List<SourceRow> rows = sourceRows(sampleData().resolve(MARCH));
        assertEquals(200, rows.size());
        Map<Long, SourceRow> bad = new TreeMap<>();
        rows.stream().filter(row -> MARCH_QUARANTINE.containsKey(row.line())).forEach(row -> bad.put(row.line(), row));
        assertEquals(new TreeSet<>(MARCH_QUARANTINE.keySet()), bad.keySet(), "source lines of the bad records");
        assertEquals(List.of("260700", "260725", "260740"), bad.values().stream().map(row -> row.record().get(0)).toList());

        // Every other record is in Silver, in order, value for value.
        Iterator<SourceRow> good = rows.stream().filter(row -> !MARCH_QUARANTINE.containsKey(row.line())).iterator();
        assertEquals(197, assertSilverEqualsCsv(manifest, good, SALES));

        // The quarantine file holds the three records exactly as read, with their line and reason.
        JsonNode quarantine = manifest.get("quarantine");
        assertEquals(3, quarantine.get("rows").asLong());
        String quarantineKey = quarantine.get("key").asText();
        assertTrue(quarantineKey.matches("_quarantine/sales/ingest_date=\\d{4}-\\d{2}-\\d{2}/sales_2026_03_messy-[0-9a-f]+-[0-9a-f]+-g1-[0-9a-f]{8}\\.csv"), quarantineKey);
        List<CSVRecord> quarantined = parseCsv(new String(buckets.silver().read(quarantineKey).orElseThrow(), StandardCharsets.UTF_8));
        List<String> header = new ArrayList<>(List.of("source_line", "reason"));
        header.addAll(SALES.keySet());
        assertEquals(header, quarantined.get(0).toList());
        assertEquals(4, quarantined.size());
        for (CSVRecord record : quarantined.subList(1, quarantined.size())) {
            long line = Long.parseLong(record.get(0));
            assertEquals(MARCH_QUARANTINE.get(line), record.get(1), "reason of line " + line);
            assertEquals(bad.get(line).record().toList(), record.toList().subList(2, record.size()), "fields of line " + line);
        }
    }

    @Test
    void theSameEventTwiceLeavesExactlyOneCopyOfEveryRow() throws Exception {
        uploadSampleSales();
        assertEquals(List.of(converted(JANUARY)), deliver(handler(), JANUARY));
        Map<String, ObjectInfo> before = silverObjects();

        // At-least-once delivery: the same event again, to another instance of the function.
        List<String> again = deliver(handler(), JANUARY);

        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + JANUARY), again, log());
        assertEquals(before, silverObjects());
        assertEquals(idsBetween(260_001, 260_300), transactionIdsInSilver("sales/"));
        assertEquals(300, assertSilverEqualsCsv(manifestOf(JANUARY), sourceRows(sampleData().resolve(JANUARY)).iterator(), SALES));
    }

    @Test
    void theSameUploadTwiceLeavesExactlyOneCopyOfEveryRow() throws Exception {
        List<String> keys = uploadSampleSales();
        SilverConverterHandler handler = handler();
        // The whole sales dataset, in path order: the outcome sample-data/README.md documents.
        for (String key : keys) {
            assertEquals(List.of(converted(key)), deliver(handler, key));
        }
        assertManifest(manifestOf(JANUARY), JANUARY, 300, 300, 0);
        assertManifest(manifestOf(FEBRUARY), FEBRUARY, 250, 250, 0);
        assertManifest(manifestOf(MARCH), MARCH, 200, 197, 3);
        assertManifest(manifestOf(APRIL), APRIL, 180, 180, 0);
        Map<String, ObjectInfo> bronzeBefore = bronzeObjects();
        Map<String, ObjectInfo> silverBefore = silverObjects();

        List<UploadOutcome> second = upload(sampleData().resolve("sales"));

        // Nothing is written to bronze, so S3 sends no event...
        assertEquals(keys, keysOf(second));
        second.forEach(outcome -> assertEquals(Status.SKIPPED, outcome.status(), outcome.file() + ": " + outcome.detail()));
        assertEquals(bronzeBefore, bronzeObjects());
        // ... and were the first events delivered again, nothing would change in Silver either.
        for (String key : keys) {
            assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + key), deliver(handler, key));
        }
        assertEquals(silverBefore, silverObjects());
        // 930 sales, 260001 to 260930, less the three quarantined ones: each exactly once.
        TreeSet<Long> expected = idsBetween(260_001, 260_930);
        expected.removeAll(List.of(260_700L, 260_725L, 260_740L));
        assertEquals(expected, transactionIdsInSilver("sales/"));
    }

    @Test
    void anEditedFileUploadedAgainReplacesItsRowsWithoutLeavingTheOldOnes() throws Exception {
        Path folder = temporary.resolve("sales");
        Path file = folder.resolve("2026/01/sales.csv");
        Files.createDirectories(file.getParent());
        Files.copy(sampleData().resolve(JANUARY), file);
        String key = "sales/2026/01/sales.csv";
        assertEquals(List.of(key), keysOf(upload(folder)));
        SilverConverterHandler handler = handler();
        assertEquals(List.of(converted(key)), deliver(handler, key));
        List<String> firstParts = partKeys(manifestOf(key));
        // A corrected export: one row fewer, and the same transaction with another amount.
        String edited = Files.readString(file)
                .replace("260002,2026-01-01 02:30:40,10039,1003,2,49.90,0.00,99.80,East,Cash,false,\n", "")
                .replace("260001,2026-01-01 00:39:58,10044,1016,1,22.40,0.15,19.04,", "260001,2026-01-01 00:39:58,10044,1016,1,22.40,0.10,20.16,");
        assertFalse(edited.contains("\n260002,"), "the row is gone");
        assertTrue(edited.contains("\n260001,2026-01-01 00:39:58,10044,1016,1,22.40,0.10,20.16,"), "the amount is changed");
        Files.writeString(file, edited);

        List<UploadOutcome> second = upload(folder);

        assertEquals(Status.UPLOADED, second.get(0).status());
        assertEquals("changed", second.get(0).detail());
        assertEquals(List.of(converted(key)), deliver(handler, key));
        JsonNode manifest = manifestOf(key);
        assertManifest(manifest, key, 299, 299, 0);
        for (String old : firstParts) {
            assertFalse(buckets.silver().stat(old).isPresent(), "the earlier version's part is deleted: " + old);
        }
        TreeSet<Long> expected = idsBetween(260_001, 260_300);
        expected.remove(260_002L);
        assertEquals(expected, transactionIdsInSilver("sales/"));
        assertEquals(299, assertSilverEqualsCsv(manifest, sourceRows(file).iterator(), SALES));
    }

    @Test
    void aFileOfSeveralChunksAndPartsHasEveryRowAccountedFor() throws Exception {
        int rows = 360_000;
        Path folder = temporary.resolve("retail");
        Path file = folder.resolve("transactions.csv");
        Files.createDirectories(folder);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            new RetailTransactionsGenerator(20250101).write(rows, out);
        }
        String key = "retail/transactions.csv";
        assertEquals(List.of(key), keysOf(upload(folder)));
        ObjectInfo uploaded = buckets.bronze().stat(key).orElseThrow();
        assertEquals(Files.size(file), uploaded.size());
        long bronzeParts = (Files.size(file) + FileUploader.DEFAULT_PART_SIZE - 1) / FileUploader.DEFAULT_PART_SIZE;
        assertTrue(bronzeParts > 1 && uploaded.etag().endsWith("-" + bronzeParts), "a multipart object: " + uploaded.etag());
        // Chunks of 100,000 rows at most (fewer when a chunk reaches CHUNK_MAX_BYTES first), and a new part
        // once one holds 2 MiB: the file's 7 MB or so of Parquet goes into several parts.
        SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of(
                "SILVER_BUCKET", buckets.silverBucket(),
                "CHUNK_ROWS", "100000",
                "PART_TARGET_BYTES", String.valueOf(2 << 20))), S3.client(), jsonLog());

        assertEquals(List.of(converted(key)), deliver(handler, key));

        JsonNode manifest = manifestOf(key);
        assertManifest(manifest, key, rows, rows, 0);
        assertTrue(manifest.get("parts").size() >= 3, "several parts: " + manifest.get("parts"));
        BitSet ids = new BitSet(rows + 1);
        long compared = assertSilverEqualsCsv(manifest, sourceRows(file).iterator(), RETAIL, row -> {
            int id = Math.toIntExact((Long) row.get("transaction_id"));
            assertFalse(ids.get(id), "transaction " + id + " twice");
            ids.set(id);
        });
        assertEquals(rows, compared);
        assertEquals(rows, ids.cardinality());
        assertEquals(1, ids.nextSetBit(0));
        assertEquals(rows + 1, ids.nextClearBit(1));
    }

    // ---- bronze side: bronze-ingest's upload code, as the upload command drives it ----

    /** Uploads sample-data/sales as {@code upload sample-data/sales --bucket ...} does; returns the keys in path order. */
    private List<String> uploadSampleSales() throws Exception {
        List<UploadOutcome> outcomes = upload(sampleData().resolve("sales"));
        outcomes.forEach(outcome -> assertEquals(Status.UPLOADED, outcome.status(), outcome.file() + ": " + outcome.detail()));
        List<String> keys = keysOf(outcomes);
        assertEquals(List.of(JANUARY, FEBRUARY, MARCH, APRIL), keys);
        return keys;
    }

    /** Plans, checks and uploads the paths with the command's defaults (dataset from the folder, 8 MiB parts, 4 at once). */
    private List<UploadOutcome> upload(Path... paths) throws Exception {
        UploadPlanner.Plan plan = new UploadPlanner(new BronzeKeyLayout(Optional.empty()), Optional.empty()).plan(List.of(paths));
        BronzeBucket bucket = new BronzeBucket(S3.client(), buckets.bronzeBucket());
        bucket.checkAccess();
        FileUploader uploader = new FileUploader(bucket, Files::newInputStream, FileUploader.DEFAULT_PART_SIZE, false);
        List<UploadOutcome> outcomes = new UploadRun(uploader, 4).run(plan.files(), SilentUploadListener.SILENT).outcomes();
        outcomes.forEach(outcome -> assertFalse(outcome.status() == Status.FAILED, outcome.file() + ": " + outcome.detail()));
        return outcomes;
    }

    private static List<String> keysOf(List<UploadOutcome> outcomes) {
        return outcomes.stream().map(outcome -> outcome.file().key()).toList();
    }

    // ---- the function: the event S3 sends, the handler Lambda calls ----

    private SilverConverterHandler handler() {
        return new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket())), S3.client(), jsonLog());
    }

    private List<String> deliver(SilverConverterHandler handler, String key) throws IOException {
        return handler.handleRequest(eventFor(key), null);
    }

    /** What S3 sends for the object as it is stored now. */
    private S3Event eventFor(String key) throws IOException {
        ObjectInfo object = buckets.bronze().stat(key).orElseThrow(() -> new AssertionError("no object s3://" + buckets.bronzeBucket() + "/" + key));
        return S3Events.objectCreated(buckets.bronzeBucket(), object, temporary);
    }

    private String converted(String key) {
        return "converted s3://" + buckets.bronzeBucket() + "/" + key;
    }

    private JsonLog jsonLog() {
        return new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    private String log() {
        return logLines.toString(StandardCharsets.UTF_8);
    }

    // ---- silver side: manifests, parts, rows ----

    /** The one manifest that records {@code key}, read as plain JSON. */
    private JsonNode manifestOf(String key) throws IOException {
        List<JsonNode> found = new ArrayList<>();
        for (String manifestKey : buckets.silver().list("_manifests/")) {
            JsonNode manifest = JSON.readTree(buckets.silver().read(manifestKey).orElseThrow());
            if (manifest.get("source").get("key").asText().equals(key)) {
                found.add(manifest);
            }
        }
        assertEquals(1, found.size(), "manifests of " + key + ": " + found + "\n" + log());
        return found.get(0);
    }

    /** Status, source (as bronze holds it now), counts, and parts that exist and add up. */
    private void assertManifest(JsonNode manifest, String key, long read, long written, long quarantined) throws IOException {
        ObjectInfo object = buckets.bronze().stat(key).orElseThrow();
        assertEquals("converted", manifest.get("status").asText(), manifest.toString());
        JsonNode source = manifest.get("source");
        assertEquals(buckets.bronzeBucket(), source.get("bucket").asText());
        assertEquals(object.etag(), source.get("etag").asText());
        assertEquals(object.size(), source.get("size").asLong());
        assertEquals(read, manifest.get("rowsRead").asLong(), key + " rows read");
        assertEquals(written, manifest.get("rowsWritten").asLong(), key + " rows written");
        assertEquals(quarantined, manifest.get("rowsQuarantined").asLong(), key + " rows quarantined");
        long partRows = 0;
        for (JsonNode part : manifest.get("parts")) {
            assertTrue(buckets.silver().stat(part.get("key").asText()).isPresent(), "part " + part);
            partRows += part.get("rows").asLong();
        }
        assertEquals(written, partRows, "rows of the parts of " + key);
    }

    private static List<String> partKeys(JsonNode manifest) {
        List<String> keys = new ArrayList<>();
        manifest.get("parts").forEach(part -> keys.add(part.get("key").asText()));
        return keys;
    }

    private long assertSilverEqualsCsv(JsonNode manifest, Iterator<SourceRow> expected, Map<String, Type> schema) throws IOException {
        return assertSilverEqualsCsv(manifest, expected, schema, row -> {});
    }

    /**
     * Reads the manifest's parts in order with parquet-avro and compares every row, column by column, with
     * the next expected CSV record; each part must hold the rows its manifest entry says. One part is in
     * memory at a time. Returns the number of rows compared.
     */
    private long assertSilverEqualsCsv(JsonNode manifest, Iterator<SourceRow> expected, Map<String, Type> schema, Consumer<GenericRecord> each)
            throws IOException {
        long compared = 0;
        for (JsonNode part : manifest.get("parts")) {
            List<GenericRecord> rows = readPart(part.get("key").asText());
            assertEquals(part.get("rows").asLong(), rows.size(), "rows of " + part);
            for (GenericRecord row : rows) {
                assertTrue(expected.hasNext(), "Silver holds more rows than the CSV: " + row);
                SourceRow source = expected.next();
                assertRowEquals(source, row, schema);
                each.accept(row);
                compared++;
            }
        }
        assertFalse(expected.hasNext(), "Silver lacks CSV rows from line " + (expected.hasNext() ? expected.next().line() : 0));
        return compared;
    }

    private static void assertRowEquals(SourceRow source, GenericRecord row, Map<String, Type> schema) {
        List<String> fields = row.getSchema().getFields().stream().map(Schema.Field::name).toList();
        assertEquals(List.copyOf(schema.keySet()), fields, "columns");
        for (Map.Entry<String, Type> column : schema.entrySet()) {
            Object expected = column.getValue().expected(source.record().get(column.getKey()));
            Object actual = row.get(column.getKey());
            if (actual instanceof CharSequence text) {
                actual = text.toString();
            }
            assertEquals(expected, actual, () -> column.getKey() + " (" + column.getValue() + ") of line " + source.line()
                    + " (" + String.join(",", source.record().toList()) + ")");
        }
    }

    private List<GenericRecord> readPart(String key) throws IOException {
        Path local = Files.createTempFile(temporary, "part", ".parquet");
        try (InputStream in = buckets.silver().open(key, Optional.empty())) {
            Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            return ParquetTestFiles.readAll(local);
        }
        finally {
            Files.delete(local);
        }
    }

    /** Every transaction_id in every Parquet file under the prefix, as a reader that ignores manifests sees them; fails on a duplicate. */
    private TreeSet<Long> transactionIdsInSilver(String prefix) throws IOException {
        TreeSet<Long> ids = new TreeSet<>();
        for (String key : buckets.silver().list(prefix)) {
            if (key.endsWith(".parquet")) {
                for (GenericRecord row : readPart(key)) {
                    Long id = (Long) row.get("transaction_id");
                    assertTrue(ids.add(id), "transaction " + id + " twice in Silver");
                }
            }
        }
        return ids;
    }

    private static TreeSet<Long> idsBetween(long first, long last) {
        TreeSet<Long> ids = new TreeSet<>();
        LongStream.rangeClosed(first, last).forEach(ids::add);
        return ids;
    }

    private Map<String, ObjectInfo> silverObjects() throws IOException {
        return objects(buckets.silver());
    }

    private Map<String, ObjectInfo> bronzeObjects() throws IOException {
        return objects(buckets.bronze());
    }

    /** Every object with its size, ETag and LastModified. */
    private static Map<String, ObjectInfo> objects(S3ObjectStore store) throws IOException {
        Map<String, ObjectInfo> objects = new LinkedHashMap<>();
        for (String key : store.list("")) {
            objects.put(key, store.stat(key).orElseThrow());
        }
        return objects;
    }

    // ---- the CSV side, parsed independently of the converter ----

    /** A data record and the line of the file it starts on (the header is line 1). */
    private record SourceRow(long line, CSVRecord record) {}

    private static List<SourceRow> sourceRows(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
                CSVParser parser = CSV_WITH_HEADER.parse(reader)) {
            List<SourceRow> rows = new ArrayList<>();
            long line = parser.getCurrentLineNumber() + 1;
            for (CSVRecord record : parser) {
                rows.add(new SourceRow(line, record));
                line = parser.getCurrentLineNumber() + 1;
            }
            return rows;
        }
    }

    private static List<CSVRecord> parseCsv(String text) throws IOException {
        try (CSVParser parser = CSVFormat.RFC4180.parse(new StringReader(text))) {
            return parser.getRecords();
        }
    }

    private static Path sampleData() {
        // Maven runs tests in the module directory; an IDE may run them from the repository root.
        for (Path candidate : List.of(Path.of("..", "sample-data"), Path.of("sample-data"))) {
            if (Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        return fail("sample-data/ not found from " + Path.of("").toAbsolutePath());
    }

    private static Map<String, Type> columns(Object... namesAndTypes) {
        Map<String, Type> columns = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            columns.put((String) namesAndTypes[i], (Type) namesAndTypes[i + 1]);
        }
        return columns;
    }
}
