package dev.medallion.silver.lambda;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.config.Environment;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.common.testing.BronzeAndSilverBuckets;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.silver.Manifest;
import dev.medallion.silver.ManifestStore;
import dev.medallion.silver.ParquetTestFiles;
import dev.medallion.silver.parquet.PartInfo;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handler on S3's own edges, against a real S3 API (moto), fed events as S3 sends them: keys S3 URL-encodes, the other
 * ObjectCreated event types (a copy, a multipart upload with a composite checksum, read as byte ranges), a 0-byte object, an
 * object stored with {@code Content-Encoding: gzip} under a {@code .csv} name, and events of one key delivered out of order
 * or naming a version the key no longer holds. Each ends with the key's current content in silver, each row once, read back
 * from the Parquet by a second reader.
 */
class S3EdgesIT {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    @RegisterExtension
    final BronzeAndSilverBuckets buckets = BronzeAndSilverBuckets.withVersionedBronzeOn(S3);

    @TempDir
    Path temporary;

    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();

    /**
     * S3 URL-encodes an event's key ("red flower.jpg" becomes "red+flower.jpg"): a space as {@code +}, {@code +} itself as
     * {@code %2B}, {@code %} as {@code %25}, {@code =} as {@code %3D}, UTF-8 bytes as {@code %XX}. Each key is converted as
     * the object it names, a folder that looks like a Hive partition and an empty folder name ({@code //}) included.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sales/100% off.csv", "sales/a+b c.csv", "sales/region=eu/day=2026-01-01/x.csv", "sales//double.csv",
            "sales/über 日本 📈.csv", "sales/x~y*(1)'!&$@,;:.csv", "sales/%2B and %20.csv"})
    void aKeyS3UrlEncodesInItsEventIsConvertedOnce(String key) throws IOException {
        String csv = "id,label\n1,one\n2,two\n";
        buckets.bronze().put(key, csv.getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(eventFor(key), null));
        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(eventFor(key), null), "its redelivery");

        Manifest manifest = manifest(key);
        assertEquals(key, manifest.source().key());
        assertEquals(List.of("1 one", "2 two"), rows(manifest));
    }

    /** ObjectCreated:Copy is an upload like any other: the copy's content is converted, once. */
    @Test
    void aCopyIsConvertedAsAnUpload() throws IOException {
        buckets.bronze().put("staging/x.csv", "id\n7\n8\n".getBytes(StandardCharsets.UTF_8));
        S3.client().copyObject(request -> request.sourceBucket(buckets.bronzeBucket()).sourceKey("staging/x.csv").destinationBucket(buckets.bronzeBucket())
                .destinationKey("sales/x.csv"));

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/sales/x.csv"), handler().handleRequest(eventFor("sales/x.csv", "ObjectCreated:Copy"), null));
        assertEquals(List.of("7", "8"), rows(manifest("sales/x.csv")));
    }

    /**
     * A multipart upload (ObjectCreated:CompleteMultipartUpload) with CRC32 checksums, as the SDK's and the CLI's uploads
     * make them: its ETag and its checksum are composite ({@code ...-3}). Read whole, with checksum validation asked, and as
     * byte ranges, its rows are all converted, once.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aMultipartUploadWithACompositeChecksumIsConvertedWholeOrInRanges(int readers) throws IOException {
        String key = "sales/big.csv";
        StringBuilder csv = new StringBuilder("id,label\n");
        int rows = 0;
        while (csv.length() < 11 * 1024 * 1024) {
            csv.append(rows).append(",row number ").append(rows).append('\n');
            rows++;
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        String upload = S3.client().createMultipartUpload(request -> request.bucket(buckets.bronzeBucket()).key(key).checksumAlgorithm(ChecksumAlgorithm.CRC32))
                .uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        int partSize = 5 * 1024 * 1024;
        for (int offset = 0, number = 1; offset < bytes.length; offset += partSize, number++) {
            byte[] part = Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + partSize));
            int partNumber = number;
            UploadPartResponse uploaded = S3.client().uploadPart(request -> request.bucket(buckets.bronzeBucket()).key(key).uploadId(upload).partNumber(partNumber)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32), RequestBody.fromBytes(part));
            parts.add(CompletedPart.builder().partNumber(partNumber).eTag(uploaded.eTag()).checksumCRC32(uploaded.checksumCRC32()).build());
        }
        S3.client().completeMultipartUpload(request -> request.bucket(buckets.bronzeBucket()).key(key).uploadId(upload).multipartUpload(m -> m.parts(parts)));
        assertTrue(buckets.bronze().stat(key).orElseThrow().etag().endsWith("-3"), "a multipart ETag: " + buckets.bronze().stat(key));

        List<String> rangesRead = new CopyOnWriteArrayList<>();
        try (S3Client client = clientSeeing(rangesRead)) {
            SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket(),
                    "RANGE_READERS", String.valueOf(readers), "MIN_RANGE_BYTES", String.valueOf(4 * 1024 * 1024))), client, log());
            assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key),
                    handler.handleRequest(eventFor(key, "ObjectCreated:CompleteMultipartUpload"), null));
        }
        assertEquals(readers > 1, rangesRead.size() > 1, "read as byte ranges with " + readers + " readers: " + rangesRead);

        Manifest manifest = manifest(key);
        assertEquals(rows, manifest.rowsWritten());
        List<String> read = rows(manifest);
        assertEquals(rows, read.size());
        assertEquals(rows, read.stream().distinct().count(), "each row once");
    }

    /** A 0-byte object is a file with no header and no row: committed as such, once, and its redelivery is unchanged. */
    @Test
    void aZeroByteObjectIsCommittedOnceWithNoRows() throws IOException {
        String key = "sales/nothing.csv";
        buckets.bronze().put(key, new byte[0]);

        List<String> outcomes = handler().handleRequest(eventFor(key), null);
        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(eventFor(key), null), "its redelivery: " + outcomes);

        Manifest manifest = manifest(key);
        assertEquals(0, manifest.rowsRead());
        assertEquals(List.of(), manifest.parts());
        assertEquals(List.of(), buckets.silver().list("sales/"));
    }

    /**
     * An object stored gzip-compressed with {@code Content-Encoding: gzip} under a {@code .csv} name: S3 serves the bytes as
     * stored, the converter recognises gzip by its magic bytes, and the rows are converted.
     */
    @Test
    void aCsvStoredWithContentEncodingGzipIsConverted() throws IOException {
        String key = "sales/zipped.csv";
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write("id,label\n1,one\n2,two\n".getBytes(StandardCharsets.UTF_8));
        }
        S3.client().putObject(request -> request.bucket(buckets.bronzeBucket()).key(key).contentEncoding("gzip").contentType("text/csv"),
                RequestBody.fromBytes(compressed.toByteArray()));

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(eventFor(key), null));
        Manifest manifest = manifest(key);
        assertEquals(compressed.size(), manifest.bytesRead());
        assertEquals(List.of("1 one", "2 two"), rows(manifest));
    }

    /** The same, large enough to be read as byte ranges: gzip is found in the first range, and the file read as one stream. */
    @Test
    void aLargeCsvStoredWithContentEncodingGzipIsConvertedAsOneStream() throws IOException {
        String key = "sales/zipped-large.csv";
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        Random random = new Random(7);
        int rows = 20_000;
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write("id,token\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < rows; i++) {
                gzip.write((i + "," + Long.toHexString(random.nextLong()) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        S3.client().putObject(request -> request.bucket(buckets.bronzeBucket()).key(key).contentEncoding("gzip"), RequestBody.fromBytes(compressed.toByteArray()));
        assertTrue(compressed.size() > 2 * 65536, "large enough for two ranges: " + compressed.size());

        SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket(),
                "RANGE_READERS", "2", "MIN_RANGE_BYTES", "65536")), S3.client(), log());
        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), handler.handleRequest(eventFor(key), null));
        Manifest manifest = manifest(key);
        assertEquals(rows, manifest.rowsWritten());
        assertEquals(compressed.size(), manifest.bytesRead());
        List<String> read = rows(manifest);
        assertEquals(rows, read.stream().distinct().count(), "each row once");
    }

    /**
     * A {@code .csv.gz} of two gzip members ({@code cat a.gz b.gz}, as GNU gzip and parallel compressors write), large enough for
     * byte ranges: every member's rows are converted, read back from the Parquet. The same object stored cut short inside its second
     * member (its size S3's, so no download was cut) is rejected naming the member and the byte offset, nothing of it committed but
     * the manifest of the rejection.
     */
    @Test
    void aMultiMemberGzipIsConvertedWholeAndOneCutInsideItsSecondMemberIsRejected() throws IOException {
        Random random = new Random(11);
        StringBuilder first = new StringBuilder("id,token\n");
        StringBuilder second = new StringBuilder();
        int rows = 20_000;
        for (int i = 0; i < rows; i++) {
            (i < rows / 2 ? first : second).append(i).append(',').append(Long.toHexString(random.nextLong())).append('\n');
        }
        byte[] a = gzip(first.toString());
        byte[] b = gzip(second.toString());
        byte[] whole = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, whole, a.length, b.length);
        SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket(),
                "RANGE_READERS", "2", "MIN_RANGE_BYTES", "65536")), S3.client(), log());

        String key = "sales/members.csv.gz";
        S3.client().putObject(request -> request.bucket(buckets.bronzeBucket()).key(key), RequestBody.fromBytes(whole));
        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), handler.handleRequest(eventFor(key), null));
        Manifest converted = manifest(key);
        assertEquals(rows, converted.rowsWritten());
        List<String> read = rows(converted);
        assertEquals(rows, read.stream().distinct().count(), "each row once");
        assertEquals("19999", read.get(rows - 1).split(" ")[0], "the second member's last row");

        String cutKey = "sales/members-cut.csv.gz";
        byte[] cut = java.util.Arrays.copyOf(whole, a.length + b.length / 2);
        S3.client().putObject(request -> request.bucket(buckets.bronzeBucket()).key(cutKey), RequestBody.fromBytes(cut));
        handler.handleRequest(eventFor(cutKey), null);
        Manifest rejected = manifest(cutKey);
        assertEquals(Manifest.REJECTED, rejected.status());
        assertTrue(rejected.reason().contains("the file ends inside the compressed data of gzip member 2, at byte offset "), rejected.reason());
        assertEquals(List.of(), rejected.parts());
        assertEquals(List.of(), buckets.silver().list("sales/").stream().filter(file -> file.contains("members-cut")).toList(), "no part of it");
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return compressed.toByteArray();
    }

    /**
     * Two uploads of one key, their events delivered newest first, then the older one twice (S3 does not order deliveries, and
     * an event names the version it was sent for): the handler converts what the key holds, so the older event finds the newest
     * version committed and answers unchanged; the older content is never committed over the newer.
     */
    @Test
    void eventsOfOneKeyDeliveredOutOfOrderEndWithItsNewestContent() throws IOException {
        String key = "sales/x.csv";
        buckets.bronze().put(key, "id\n1\n2\n".getBytes(StandardCharsets.UTF_8));
        S3Event first = eventFor(key);
        buckets.bronze().put(key, "id\n3\n".getBytes(StandardCharsets.UTF_8));
        S3Event second = eventFor(key);

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(second, null));
        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(first, null));
        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(first, null));

        Manifest manifest = manifest(key);
        assertEquals(buckets.bronze().stat(key).orElseThrow().etag(), manifest.source().etag());
        assertEquals(1L, manifest.generation(), "one commit: the newest version's");
        assertEquals(List.of("3"), rows(manifest));
    }

    /**
     * The key uploaded again between the handler's HEAD and its GET, which carries If-Match on the HEAD's ETag: the GET is
     * refused (412) before the run commits, and the record answers {@code superseded}, at INFO, leaving the newer version to
     * its own event, as an overwrite during a conversion is. That event, delivered twice, commits it once, and the older
     * event delivered again answers unchanged. Before, the record failed the invocation (the errors alarm, a line saying to
     * fix and replay) only for Lambda's retry to answer unchanged.
     */
    @Test
    void aKeyUploadedAgainBetweenTheHeadAndTheGetIsLeftToItsNewEvent() throws IOException {
        String key = "sales/x.csv";
        buckets.bronze().put(key, "id\n1\n2\n".getBytes(StandardCharsets.UTF_8));
        S3Event older = eventFor(key);
        String olderEtag = buckets.bronze().stat(key).orElseThrow().etag();
        AtomicBoolean replaced = new AtomicBoolean();
        ExecutionInterceptor replaceBeforeTheGet = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof GetObjectRequest get && get.bucket().equals(buckets.bronzeBucket()) && !replaced.getAndSet(true)) {
                    S3.client().putObject(request -> request.bucket(buckets.bronzeBucket()).key(key), RequestBody.fromString("id\n3\n"));
                }
            }
        };
        List<String> outcomes;
        try (S3Client client = S3Clients.builder(Optional.of(S3.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(replaceBeforeTheGet)).build()) {
            outcomes = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket())), client, log()).handleRequest(older, null);
        }

        assertTrue(replaced.get(), "the key was uploaded again before the run's GET");
        assertEquals(List.of("superseded s3://" + buckets.bronzeBucket() + "/" + key), outcomes);
        assertEquals(List.of(), buckets.silver().list(""), "nothing written, nothing left");
        Map<?, ?> line = lineOf("source object replaced or deleted before it was read; the event of that change converts or withdraws it");
        assertEquals("INFO", line.get("level"), line.toString());
        assertEquals("sales", line.get("dataset"), line.toString());
        assertEquals(olderEtag, line.get("etag"), line.toString());
        assertFalse(logLines.toString(StandardCharsets.UTF_8).contains("\"level\":\"ERROR\""), logLines.toString(StandardCharsets.UTF_8));

        S3Event newer = eventFor(key);
        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(newer, null));
        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(newer, null), "the newer event again");
        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(older, null), "the older event again");
        Manifest manifest = manifest(key);
        assertEquals(buckets.bronze().stat(key).orElseThrow().etag(), manifest.source().etag());
        assertEquals(1L, manifest.generation(), "one commit: the newer version's");
        assertEquals(List.of("3"), rows(manifest));
    }

    /**
     * The key deleted between the handler's HEAD and a GET, which carries If-Match on the HEAD's ETag: S3 answers 404
     * NoSuchKey, not 412 (a GET of a key whose current version is a delete marker, as here in a versioned bucket, is a 404),
     * before the run commits, whether the GET is the whole object's or a byte range after others were read. The record
     * answers {@code superseded}, at INFO, as for an upload in between: the deletion's ObjectRemoved event withdraws what the
     * key's manifest holds, here nothing. Before, the record failed the invocation (the errors alarm, a line saying to fix and
     * replay) only for Lambda's retry to find the key gone.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aKeyDeletedBetweenTheHeadAndTheGetIsLeftToItsRemovalEvent(int readers) throws IOException {
        String key = "sales/x.csv";
        StringBuilder csv = new StringBuilder("id,token\n");
        Random random = new Random(11);
        for (int i = 0; csv.length() < (readers > 1 ? 4 * 65536 : 40); i++) {
            csv.append(i).append(',').append(Long.toHexString(random.nextLong())).append('\n');
        }
        buckets.bronze().put(key, csv.toString().getBytes(StandardCharsets.UTF_8));
        S3Event created = eventFor(key);
        String etag = buckets.bronze().stat(key).orElseThrow().etag();
        // Whole: before the one GET. In ranges: before the second, after the first range was read.
        int deleteBeforeGet = readers > 1 ? 2 : 1;
        AtomicInteger gets = new AtomicInteger();
        List<String> rangesRead = new CopyOnWriteArrayList<>();
        ExecutionInterceptor deleteBeforeTheGet = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof GetObjectRequest get && get.bucket().equals(buckets.bronzeBucket())) {
                    if (gets.incrementAndGet() == deleteBeforeGet) {
                        S3.client().deleteObject(request -> request.bucket(buckets.bronzeBucket()).key(key));
                    }
                    if (get.range() != null) {
                        rangesRead.add(get.range());
                    }
                }
            }
        };
        List<String> outcomes;
        try (S3Client client = S3Clients.builder(Optional.of(S3.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(deleteBeforeTheGet)).build()) {
            SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket(),
                    "RANGE_READERS", String.valueOf(readers), "MIN_RANGE_BYTES", "65536")), client, log());
            outcomes = handler.handleRequest(created, null);
        }

        assertTrue(gets.get() >= deleteBeforeGet, "the key was deleted before a GET of the run: " + gets);
        assertEquals(readers > 1, rangesRead.size() > 1, "read as byte ranges with " + readers + " readers: " + rangesRead);
        assertTrue(buckets.bronze().stat(key).isEmpty(), "deleted");
        assertEquals(List.of("superseded s3://" + buckets.bronzeBucket() + "/" + key), outcomes);
        assertEquals(List.of(), buckets.silver().list(""), "nothing committed, nothing left");
        Map<?, ?> line = lineOf("source object replaced or deleted before it was read; the event of that change converts or withdraws it");
        assertEquals("INFO", line.get("level"), line.toString());
        assertEquals("sales", line.get("dataset"), line.toString());
        assertEquals(etag, line.get("etag"), line.toString());
        assertTrue(String.valueOf(line.get("reason")).contains("deleted"), line.toString());
        assertFalse(logLines.toString(StandardCharsets.UTF_8).contains("\"level\":\"ERROR\""), logLines.toString(StandardCharsets.UTF_8));

        S3Event removed = S3Events.objectRemoved(buckets.bronzeBucket(), key, "ObjectRemoved:DeleteMarkerCreated", "marker", temporary);
        assertEquals(List.of("unchanged s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(removed, null), "its removal: nothing to withdraw");
        assertEquals(List.of("missing s3://" + buckets.bronzeBucket() + "/" + key), handler().handleRequest(created, null), "its creation again");
        assertEquals(List.of(), buckets.silver().list(""));
    }

    private Map<?, ?> lineOf(String message) throws IOException {
        List<Map<?, ?>> found = new ArrayList<>();
        for (String text : logLines.toString(StandardCharsets.UTF_8).lines().toList()) {
            Map<?, ?> fields = new ObjectMapper().readValue(text, Map.class);
            if (message.equals(fields.get("message"))) {
                found.add(fields);
            }
        }
        assertEquals(1, found.size(), logLines.toString(StandardCharsets.UTF_8));
        return found.get(0);
    }

    /** A client of the emulator that notes the Range header of each GET of a bronze object. */
    private S3Client clientSeeing(List<String> rangesRead) {
        ExecutionInterceptor ranges = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof GetObjectRequest get && get.bucket().equals(buckets.bronzeBucket()) && get.range() != null) {
                    rangesRead.add(get.range());
                }
            }
        };
        return S3Clients.builder(Optional.of(S3.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(ranges)).build();
    }

    private SilverConverterHandler handler() {
        return new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket())), S3.client(), log());
    }

    private JsonLog log() {
        return new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    private S3Event eventFor(String key) throws IOException {
        return eventFor(key, "ObjectCreated:Put");
    }

    /** The event S3 sends for the object as it is stored now, its key URL-encoded as S3 encodes it. */
    private S3Event eventFor(String key, String eventName) throws IOException {
        ObjectInfo info = buckets.bronze().stat(key).orElseThrow();
        return S3Events.objectCreated(buckets.bronzeBucket(), S3Events.eventKey(key), info.size(), info.etag(), eventName, temporary);
    }

    private Manifest manifest(String key) throws IOException {
        return new ManifestStore(buckets.silver()).read(new SilverLayout("").manifestKey(SilverLayout.datasetOf(key), key)).orElseThrow();
    }

    /** The manifest's rows, read back from its Parquet parts by a second reader, each as its values joined by a space. */
    private List<String> rows(Manifest manifest) throws IOException {
        List<String> rows = new ArrayList<>();
        for (PartInfo part : manifest.parts()) {
            Path local = Files.createTempFile(temporary, "part", ".parquet");
            try (var in = buckets.silver().open(part.key(), Optional.empty())) {
                Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            for (GenericRecord record : ParquetTestFiles.readAll(local)) {
                List<String> values = new ArrayList<>();
                record.getSchema().getFields().forEach(field -> values.add(String.valueOf(record.get(field.name()))));
                rows.add(String.join(" ", values));
            }
        }
        return rows;
    }
}
