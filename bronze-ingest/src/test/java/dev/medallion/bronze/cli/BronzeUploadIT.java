package dev.medallion.bronze.cli;

import dev.medallion.bronze.upload.BronzeBucket;
import dev.medallion.bronze.upload.Crc32Checksum;
import dev.medallion.bronze.upload.FileOpener;
import dev.medallion.bronze.upload.FileUploader;
import dev.medallion.bronze.upload.PlannedFile;
import dev.medallion.bronze.upload.SilentUploadListener;
import dev.medallion.bronze.upload.UploadAttemptLimit;
import dev.medallion.bronze.upload.UploadOutcome;
import dev.medallion.common.config.Environment;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.Request;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.common.text.SpreadsheetNames;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The upload command against a real S3 API, in process: keys, idempotency, multipart, dry run, failures, refusals. */
class BronzeUploadIT {
    private static final int MIB = 1 << 20;
    private static final String TEMPORARY_LINE = "error: nothing was uploaded, and this failure may be temporary: run the same command again later"
            + " (exit code 75, EX_TEMPFAIL: a scheduler may retry it)";
    /** What a run's closing lines call a failure a retry may cure, each failing at the SDK's 4 attempts (its legacy retry mode, as {@link #clientBuilder} sets it). */
    private static final String TEMPORARY_REASON = "failed for a reason that may be temporary (S3 throttling, a server error (5xx) or the network"
            + " failing, at each of the 4 attempts the SDK made)";
    /** What a run's closing lines call a failure a retry meets again. */
    private static final String LASTING_REASON = "failed for a reason a retry meets again until it is fixed, as its line above says (S3 refusing the"
            + " request, such as a 403; a file that could not be read, or changed while it was; another writer holding the key)";
    /** The last line of a run whose failed files all failed for a reason a retry may cure. */
    private static final String TEMPORARY_FAILURES = "They " + TEMPORARY_REASON + ": run the same command again later (exit code 75, EX_TEMPFAIL: a scheduler may retry it)";

    /**
     * Attempts short enough for a test, long enough for a healthy 16 MiB body through the proxy to moto on a busy
     * machine: 5 s, plus the body at 8 MiB/s, 7 s for a part of 16 MiB.
     */
    private static final UploadAttemptLimit SHORT_ATTEMPTS = new UploadAttemptLimit(Duration.ofSeconds(5), 8L * MIB);

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    @TempDir
    Path directory;

    private String bucket;
    private Path folder;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void createBucketAndFolder() throws IOException {
        bucket = S3.createBucket("bronze");
        folder = Files.createDirectories(directory.resolve("Sales Data"));
    }

    @Test
    void uploadsAFolderUnderItsDatasetWithTheKeysTheConverterExpects() throws IOException {
        write("january.csv", "id,amount\n1,12.50\n2,7\n");
        write("2026/11/ventes été.csv", "id;montant\n1;3,5\n");
        byte[] gzip = gzip("id,amount\n3,1\n");
        Files.write(folder.resolve("archive.csv.gz"), gzip);
        write("legacy.dat", "1|north\n");
        write("notes.txt", "left out");
        // What a Spark job leaves beside its output: its attempt files would be converted too.
        write("_temporary/0/task1/part-0.csv", "id,amount\n1,12.50\n");
        write("_SUCCESS", "");
        Path linked = Files.createDirectories(directory.resolve("linked"));
        Files.writeString(linked.resolve("other.csv"), "id\n9\n");
        Files.createSymbolicLink(folder.resolve("link"), linked);

        int exit = upload(folder.toString());

        assertEquals(0, exit, err());
        Map<String, byte[]> objects = objects();
        assertEquals(List.of("sales_data/2026/11/ventes été.csv", "sales_data/archive.csv.gz", "sales_data/january.csv", "sales_data/legacy.dat"),
                List.copyOf(objects.keySet()));
        assertArrayEquals(Files.readAllBytes(folder.resolve("2026/11/ventes été.csv")), objects.get("sales_data/2026/11/ventes été.csv"));
        assertArrayEquals(gzip, objects.get("sales_data/archive.csv.gz"));
        objects.keySet().forEach(key -> assertEquals("sales_data", SilverLayout.datasetOf(key)));
        // Each object carries the CRC32 of its whole content, which the next run compares.
        HeadObjectResponse head = head("sales_data/january.csv");
        assertEquals(crc32(folder.resolve("january.csv")), head.checksumCRC32());
        assertEquals("text/csv", head.contentType());
        assertEquals("application/gzip", head("sales_data/archive.csv.gz").contentType());

        long bytes = objects.values().stream().mapToLong(content -> content.length).sum();
        assertEquals(table("uploaded", 4, 0, 0, bytes), tableOf(out()));
        assertTrue(err().startsWith("Uploading 4 files (" + bytes + " B) to s3://" + bucket + "/sales_data/ at " + S3.endpoint() + "\n"), err());
        assertTrue(err().contains("Left out 1 file whose name does not end in .csv, .csv.gz, .dat: " + folder.resolve("notes.txt")), err());
        assertTrue(err().contains("Left out 1 link to a folder, which is not followed (give it as a PATH of its own to upload that folder): "
                + folder.resolve("link")), err());
        assertTrue(err().contains("Left out 2 files and folders whose names start with _, as Hadoop and Spark name what is not a job's output "
                + "(_temporary, _SUCCESS): " + folder.resolve("_SUCCESS") + ", " + folder.resolve("_temporary") + "\n"), err());
        assertTrue(err().contains("uploaded " + folder.resolve("january.csv") + " -> s3://" + bucket + "/sales_data/january.csv (22 B, new, "), err());
    }

    @Test
    void aSecondRunUploadsNothingAndTouchesNoObject() throws Exception {
        write("a.csv", "id\n1\n");
        write("b/c.csv", "id\n2\n");
        assertEquals(0, upload(folder.toString()), err());
        Map<String, Instant> modified = lastModified();
        // LastModified has a resolution of one second: a rewrite within the same second would look unchanged.
        Thread.sleep(1_100);
        resetOutput();

        assertEquals(0, upload(folder.toString()), err());

        assertEquals(table("uploaded", 0, 2, 0, 0), tableOf(out()));
        assertEquals(modified, lastModified());
        assertTrue(err().contains("skipped " + folder.resolve("a.csv") + " -> s3://" + bucket + "/sales_data/a.csv (5 B, unchanged)"), err());
    }

    /**
     * Names that URLs and S3 events encode ('#', '%', '+', '?', '&', a space) and a zero-byte file land under their
     * names as spelled, and a second run skips them all: a key sent encoded wrongly, or an empty object whose CRC32
     * is not returned, would be uploaded again at every run, each time a new event for the converter.
     */
    @Test
    void filesWithAwkwardNamesOrNoBytesAreSkippedBySecondRun() throws Exception {
        List<String> names = List.of("a#1.csv", "b%20c.csv", "d+e.csv", "f?g&h=i.csv", "j k.csv", "empty.csv");
        for (String name : names) {
            write(name, name.equals("empty.csv") ? "" : "id\n1\n");
        }
        assertEquals(0, upload(folder.toString()), err());
        Map<String, byte[]> objects = objects();
        assertEquals(names.stream().map(name -> "sales_data/" + name).sorted().toList(), List.copyOf(objects.keySet()));
        assertEquals(0, objects.get("sales_data/empty.csv").length);
        Map<String, Instant> modified = lastModified();
        Thread.sleep(1_100);
        resetOutput();

        assertEquals(0, upload(folder.toString()), err());

        assertEquals(table("uploaded", 0, names.size(), 0, 0), tableOf(out()));
        assertEquals(modified, lastModified());
    }

    @Test
    void onlyTheChangedFileIsUploadedAgainEvenAtTheSameSize() throws Exception {
        write("a.csv", "id,v\n1,2\n");
        write("b.csv", "id,v\n3,4\n");
        assertEquals(0, upload(folder.toString()), err());
        Map<String, Instant> modified = lastModified();
        Thread.sleep(1_100);
        // Same size, different content: only the checksum tells.
        write("b.csv", "id,v\n3,5\n");
        resetOutput();

        assertEquals(0, upload(folder.toString()), err());

        assertEquals(table("uploaded", 1, 1, 0, 9), tableOf(out()));
        assertEquals("id,v\n3,5\n", new String(objects().get("sales_data/b.csv"), StandardCharsets.UTF_8));
        assertEquals(modified.get("sales_data/a.csv"), lastModified().get("sales_data/a.csv"));
        assertTrue(lastModified().get("sales_data/b.csv").isAfter(modified.get("sales_data/b.csv")));
        assertTrue(err().contains("uploaded " + folder.resolve("b.csv") + " -> s3://" + bucket + "/sales_data/b.csv (9 B, changed, "), err());
    }

    /**
     * Keys take file names in Unicode NFC, which macOS may spell decomposed. An object that an earlier version
     * uploaded under the name as spelled stays the file's: skipped when unchanged, replaced in place when
     * changed, never uploaded again beside it under the NFC key (the converter would get its rows twice).
     */
    @Test
    void aFileUploadedBeforeKeysWereNfcStaysUnderItsKeyAndANewOneGetsItsNfcKey() throws Exception {
        String spelled = "sales_data/cafe\u0301.csv";
        Path file = write("cafe\u0301.csv", "id\n1\n");
        byte[] content = Files.readAllBytes(file);
        S3.client().putObject(request -> request.bucket(bucket).key(spelled).checksumAlgorithm(ChecksumAlgorithm.CRC32)
                .checksumCRC32(Crc32Checksum.of(content, 0, content.length)), RequestBody.fromBytes(content));
        Path added = write("the\u0301.csv", "id\n2\n");
        try (Stream<Path> names = Files.list(folder)) {
            assumeTrue(names.anyMatch(name -> name.getFileName().toString().equals("cafe\u0301.csv")), "this file system hands out names in NFC (macOS)");
        }
        // Spelled in NFC here, uploaded decomposed by an earlier version on a machine that held a copy from a Mac.
        String decomposed = "sales_data/cre\u0300me.csv";
        Path composed = write("cr\u00e8me.csv", "id\n4\n");
        byte[] cream = Files.readAllBytes(composed);
        S3.client().putObject(request -> request.bucket(bucket).key(decomposed).checksumAlgorithm(ChecksumAlgorithm.CRC32)
                .checksumCRC32(Crc32Checksum.of(cream, 0, cream.length)), RequestBody.fromBytes(cream));

        assertEquals(0, upload(folder.toString()), err());

        assertEquals(List.of(spelled, decomposed, "sales_data/th\u00e9.csv"), List.copyOf(objects().keySet()));
        assertTrue(err().contains("skipped " + file + " -> s3://" + bucket + "/" + spelled + " (5 B, unchanged)"), err());
        assertTrue(err().contains("skipped " + composed + " -> s3://" + bucket + "/" + decomposed + " (5 B, unchanged)"), err());
        assertTrue(err().contains("uploaded " + added + " -> s3://" + bucket + "/sales_data/th\u00e9.csv (5 B, new, "), err());

        write("cafe\u0301.csv", "id\n1\n3\n");
        resetOutput();
        assertEquals(0, upload(folder.toString()), err());

        assertEquals(List.of(spelled, decomposed, "sales_data/th\u00e9.csv"), List.copyOf(objects().keySet()));
        assertEquals("id\n1\n3\n", new String(objects().get(spelled), StandardCharsets.UTF_8));
        assertTrue(err().contains("uploaded " + file + " -> s3://" + bucket + "/" + spelled + " (7 B, changed, "), err());
    }

    /**
     * A {@code --prefix} pasted decomposed (from a Mac's Finder) on one machine and typed composed on another is one
     * prefix: the file lands on one key, and the second run skips it (two objects would be converted twice).
     */
    @Test
    void aPrefixTypedDecomposedThenComposedPutsTheFileOnOneKey() throws Exception {
        Path file = write("jan.csv", "id\n1\n");
        String key = "sales_data/caf\u00e9/2026/jan.csv";

        assertEquals(0, upload(folder.toString(), "--prefix", "cafe\u0301/2026"), err());
        resetOutput();
        assertEquals(0, upload(folder.toString(), "--prefix", "caf\u00e9/2026"), err());

        assertEquals(List.of(key), List.copyOf(objects().keySet()));
        assertTrue(err().contains("skipped " + file + " -> s3://" + bucket + "/" + key + " (5 B, unchanged)"), err());
    }

    /**
     * An object a version that kept the prefix as typed put under it decomposed (its name as spelled, or decomposed too)
     * stays the file's, whichever way the prefix is typed now: skipped when unchanged, replaced in place when changed.
     */
    @Test
    void aFileUploadedUnderADecomposedPrefixStaysUnderItsKey() throws Exception {
        Path file = write("jan.csv", "id\n1\n");
        Path cream = write("cr\u00e8me.csv", "id\n2\n");
        String earlier = "sales_data/cafe\u0301/2026/jan.csv";
        String earlierDecomposed = "sales_data/cafe\u0301/2026/cre\u0300me.csv";
        putAsAnEarlierVersion(earlier, file);
        putAsAnEarlierVersion(earlierDecomposed, cream);

        assertEquals(0, upload(folder.toString(), "--prefix", "caf\u00e9/2026"), err());

        assertEquals(List.of(earlierDecomposed, earlier), List.copyOf(objects().keySet()));
        assertTrue(err().contains("skipped " + file + " -> s3://" + bucket + "/" + earlier + " (5 B, unchanged)"), err());
        assertTrue(err().contains("skipped " + cream + " -> s3://" + bucket + "/" + earlierDecomposed + " (5 B, unchanged)"), err());

        write("jan.csv", "id\n1\n3\n");
        resetOutput();
        assertEquals(0, upload(folder.toString(), "--prefix", "cafe\u0301/2026"), err());

        assertEquals(List.of(earlierDecomposed, earlier), List.copyOf(objects().keySet()));
        assertEquals("id\n1\n3\n", new String(objects().get(earlier), StandardCharsets.UTF_8));
        assertTrue(err().contains("uploaded " + file + " -> s3://" + bucket + "/" + earlier + " (7 B, changed, "), err());
        assertTrue(err().contains("skipped " + cream + " -> s3://" + bucket + "/" + earlierDecomposed + " (5 B, unchanged)"), err());
    }

    /**
     * S3 takes keys of up to 1,024 bytes of UTF-8 and answers a request for a longer one with 400 KeyTooLongError, a HEAD's
     * without a body (s3fs-fuse#1602); moto takes longer keys and answers such a HEAD 404, so the proxy answers as S3 does.
     * A file whose key fits but whose prefix decomposed (each {@code é} a byte longer) does not is uploaded: that earlier
     * spelling cannot be in S3 and is not looked up, while one that fits, the name decomposed, still is.
     */
    @Test
    void anEarlierSpellingLongerThanS3TakesIsNotLookedUp() throws Exception {
        String prefix = String.join("/", java.util.Collections.nCopies(4, "\u00e9".repeat(120)));
        Path file = write("jan.csv", "id\n1\n");
        Path cream = write("cr\u00e8me.csv", "id\n2\n");
        String key = "sales_data/" + prefix + "/jan.csv";
        String creamKey = "sales_data/" + prefix + "/cr\u00e8me.csv";
        String creamDecomposed = "sales_data/" + prefix + "/cre\u0300me.csv";
        String decomposed = Normalizer.normalize(key, Normalizer.Form.NFD);
        assertTrue(utf8Bytes(creamDecomposed) <= 1024 && utf8Bytes(decomposed) > 1024, key);
        // moto does not hold keys to S3's limit: a HEAD of one longer is a miss there, hence the proxy.
        assertEquals(404, assertThrows(S3Exception.class, () -> S3.client().headObject(request -> request.bucket(bucket).key(decomposed))).statusCode());

        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection keyTooLong = proxy.inject(request -> request.method().equals("HEAD") && utf8Bytes(keyOf(request)) > 1024,
                    Fault.status(400, "KeyTooLongError"), 1_000);

            int exit = upload(folder.toString(), "--prefix", prefix, "--endpoint-url", proxy.endpoint().toString());

            assertEquals(0, exit, err());
            assertEquals(0, keyTooLong.hits(), "no HEAD of a key longer than S3 takes: " + keyTooLong);
            assertTrue(proxy.requests().stream().anyMatch(request -> request.method().equals("HEAD") && keyOf(request).equals(creamDecomposed)),
                    "an earlier spelling that fits is looked up: " + proxy.requests());
            assertEquals(List.of(), proxy.failures());
        }
        assertEquals(List.of(creamKey, key), List.copyOf(objects().keySet()));
        assertTrue(err().contains("uploaded " + file + " -> s3://" + bucket + "/" + key + " (5 B, new, "), err());
        assertTrue(err().contains("uploaded " + cream + " -> s3://" + bucket + "/" + creamKey + " (5 B, new, "), err());
    }

    /** The key a path-style request names, percent-decoded. */
    private String keyOf(Request request) {
        String path = URLDecoder.decode(request.path().replace("+", "%2B"), StandardCharsets.UTF_8);
        String bucketPath = "/" + bucket + "/";
        return path.startsWith(bucketPath) ? path.substring(bucketPath.length()) : "";
    }

    private static int utf8Bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The file's bytes under {@code key}, with their CRC32 as this tool writes it, as a version before keys were NFC put them. */
    private void putAsAnEarlierVersion(String key, Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);
        S3.client().putObject(request -> request.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.CRC32)
                .checksumCRC32(Crc32Checksum.of(content, 0, content.length)), RequestBody.fromBytes(content));
    }

    @Test
    void aLargeFileGoesUpInPartsWithAWholeObjectChecksumAndIsSkippedNextTime() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        write("small.csv", "id\n1\n");

        assertEquals(0, upload(folder.toString(), "--part-size", "5", "--concurrency", "2"), err());

        HeadObjectResponse head = head("sales_data/large.csv");
        assertTrue(head.eTag().endsWith("-3\""), "three parts of 5, 5 and 2 MiB: " + head.eTag());
        assertEquals(ChecksumType.FULL_OBJECT, head.checksumType());
        assertEquals(crc32(large), head.checksumCRC32());
        assertEquals(12L * MIB, head.contentLength());
        assertArrayEquals(Files.readAllBytes(large), objects().get("sales_data/large.csv"));
        assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());

        Map<String, Instant> modified = lastModified();
        Thread.sleep(1_100);
        resetOutput();
        // A different part size does not matter: the checksum covers the whole object.
        assertEquals(0, upload(folder.toString(), "--part-size", "6"), err());

        assertEquals(table("uploaded", 0, 2, 0, 0), tableOf(out()));
        assertEquals(modified, lastModified());
    }

    @Test
    void aDryRunWritesNothingAndSaysWhatItWouldDo() throws Exception {
        write("a.csv", "id\n1\n");
        write("b.csv", "id\n2\n");

        assertEquals(0, upload(folder.toString(), "--dry-run"), err());

        assertEquals(Map.of(), objects());
        assertEquals(table("would upload", 2, 0, 0, 10), tableOf(out()));
        assertTrue(err().startsWith("Dry run, nothing is written: checking 2 files (10 B)"), err());
        assertTrue(err().contains("would upload " + folder.resolve("a.csv") + " -> s3://" + bucket + "/sales_data/a.csv (5 B, new)"), err());

        assertEquals(0, upload(folder.toString()), err());
        write("b.csv", "id\n3\n");
        resetOutput();
        assertEquals(0, upload(folder.toString(), "--dry-run"), err());

        assertEquals(table("would upload", 1, 1, 0, 5), tableOf(out()));
        assertEquals("id\n2\n", new String(objects().get("sales_data/b.csv"), StandardCharsets.UTF_8));
    }

    @Test
    void thePrefixGoesBetweenTheDatasetAndTheFile() throws IOException {
        Path file = write("orders.csv", "id\n1\n");

        assertEquals(0, upload(file.toString(), "--dataset", "Orders 2026", "--prefix", "/imports/11/"), err());

        assertEquals(List.of("orders_2026/imports/11/orders.csv"), List.copyOf(objects().keySet()));
    }

    @Test
    void aFileThatFailsMidwayLeavesNoObjectAndNoPartsAndExitsOne() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        Path shrinking = write("shrinking.csv", "id\n1\n2\n3\n");
        write("fine.csv", "id\n1\n");
        // The large file's disk fails after its first part went up; the other one loses its end while read.
        FileOpener failing = file -> {
            InputStream in = Files.newInputStream(file);
            if (file.equals(large)) {
                return failingAfter(in, 6 * MIB);
            }
            return file.equals(shrinking) ? new java.io.ByteArrayInputStream(in.readNBytes(4)) : in;
        };

        int exit = upload(failing, folder.toString(), "--part-size", "5");

        assertEquals(1, exit, err());
        assertEquals(List.of("sales_data/fine.csv"), List.copyOf(objects().keySet()));
        assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
        assertEquals(table("uploaded", 1, 0, 2, 5), tableOf(out()));
        // A scheduled job's log says which files did go up, not only which failed: the re-run skips those.
        assertTrue(err().contains("uploaded " + folder.resolve("fine.csv") + " -> s3://" + bucket + "/sales_data/fine.csv (5 B, new, "), err());
        assertTrue(err().contains("failed " + large + " -> s3://" + bucket + "/sales_data/large.csv: Input/output error (injected)"), err());
        assertTrue(err().contains("failed " + shrinking + " -> s3://" + bucket + "/sales_data/shrinking.csv: " + shrinking
                + " changed while it was being read (9 bytes when the run started, 4 now): run the command again once it is complete"), err());
        assertTrue(err().endsWith("2 files failed and left nothing in the bucket; run the same command again to retry: files already uploaded are skipped\n"), err());
        assertFalse(err().contains("\tat "), err());

        resetOutput();
        assertEquals(0, upload(folder.toString(), "--part-size", "5"), err());
        assertEquals(table("uploaded", 2, 1, 0, 12L * MIB + 9), tableOf(out()));
    }

    /**
     * A file rewritten in place while it is read, at the same size (an export tool writing over yesterday's
     * file): what was read is neither version, the old bytes before the rewrite and the new ones after it.
     * Its size still matches and the CRC32 is the one of the bytes read, so S3 accepts it: the run must
     * notice the change, publish nothing, and leave the next run to upload the file whole.
     */
    @Test
    void aFileRewrittenInPlaceWhileItIsReadIsNotPublishedTorn() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        Path small = write("small.csv", "id,amount\n1,12.50\n2,7.00\n");
        // Files at rest since an hour ago, as most are when a run starts.
        for (Path file : List.of(large, small)) {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3_600)));
        }
        // The writer changes the start (read already) and the end (not read yet) of each file once it is half read.
        FileOpener rewrittenMidway = file -> rewritingHalfway(Files.newInputStream(file), file);

        int exit = upload(rewrittenMidway, folder.toString(), "--part-size", "5");

        assertEquals(1, exit, err());
        assertEquals(Map.of(), objects());
        assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
        for (Path file : List.of(large, small)) {
            assertTrue(err().contains(file + " changed while it was being read (modified at "), err());
        }

        resetOutput();
        assertEquals(0, upload(folder.toString(), "--part-size", "5"), err());
        assertArrayEquals(Files.readAllBytes(large), objects().get("sales_data/large.csv"));
        assertArrayEquals(Files.readAllBytes(small), objects().get("sales_data/small.csv"));
    }

    /**
     * A file changed while its upload reads it, its modification time as it was: on a file system that keeps
     * times to the second or two (ext3, HFS+, FAT, many network shares) a write within the second of the check
     * leaves it so, as does a writer that sets it back. Appended to, truncated, or rewritten at its size, by a
     * single PutObject and by a multipart upload: none is published, torn or not, and each says it changed.
     * The time is no proof of the bytes: what is sent must be what the content check read.
     */
    @Test
    void aFileChangedWhileItIsUploadedIsNeverPublishedWhateverItsModificationTimeSays() throws Exception {
        Map<Path, Mutation> mutations = new LinkedHashMap<>();
        for (Mutation mutation : Mutation.values()) {
            String name = mutation.name().toLowerCase(Locale.ROOT);
            mutations.put(Files.write(folder.resolve("parts-" + name + ".csv"), csvOfSize(12 * MIB)), mutation);
            mutations.put(write("whole-" + name + ".csv", "id,amount\n1,12.50\n2,7.00\n3,1.00\n"), mutation);
        }
        for (Path file : mutations.keySet()) {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3_600)));
        }
        FileOpener changedMidway = file -> changingHalfwayKeepingItsTime(Files.newInputStream(file), file, mutations.get(file));

        int exit = upload(changedMidway, folder.toString(), "--part-size", "5");

        assertEquals(1, exit, err());
        assertEquals(Map.of(), objects());
        assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
        for (Path file : mutations.keySet()) {
            assertTrue(err().contains("failed " + file + " -> s3://" + bucket + "/sales_data/" + file.getFileName() + ": " + file + " changed while it was being"), err());
            if (mutations.get(file) == Mutation.REWRITTEN) {
                // Its size and time as checked: only the bytes tell.
                assertTrue(err().contains(file + " changed while it was being uploaded: the " + Files.size(file) + " bytes its upload read (CRC32 "), err());
            }
        }

        resetOutput();
        assertEquals(0, upload(folder.toString(), "--part-size", "5"), err());
        for (Path file : mutations.keySet()) {
            assertArrayEquals(Files.readAllBytes(file), objects().get("sales_data/" + file.getFileName()), file.toString());
        }
    }


    /**
     * A file rewritten in place at its size after the run checked its content (read it whole for its
     * encoding) and before its upload read it: the upload would send bytes nobody checked, here a byte that
     * is not UTF-8, which the converter would reject after an exit code 0. The run must publish nothing and
     * say so, and the next run checks the new content and refuses the file before it uploads anything.
     * The rewrite happens as each file's upload begins, when it asks S3 what the key holds.
     */
    @Test
    void aFileRewrittenAfterItsCheckAndBeforeItsUploadIsNotPublished() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        Path small = write("small.csv", "id,amount\n1,12.50\n2,7.00\n");
        // Files at rest since an hour ago, as most are when a run starts.
        for (Path file : List.of(large, small)) {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3_600)));
        }
        Map<String, Path> rewrittenAtUploadStart = Map.of("sales_data/large.csv", large, "sales_data/small.csv", small);
        ExecutionInterceptor rewriter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof HeadObjectRequest head && rewrittenAtUploadStart.containsKey(head.key())) {
                    Path file = rewrittenAtUploadStart.get(head.key());
                    // A byte of no UTF-8 form in place of the last digit: the size stays.
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        channel.write(ByteBuffer.wrap(new byte[] {(byte) 0xFF}), Files.size(file) - 2);
                    }
                    catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };

        int exit = upload(Files::newInputStream, endpoint -> clientBuilder(endpoint, override -> override.addExecutionInterceptor(rewriter)).build(),
                folder.toString(), "--part-size", "5");

        assertEquals(1, exit, err());
        assertEquals(Map.of(), objects());
        assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
        for (Path file : List.of(large, small)) {
            assertTrue(err().contains(file + " changed after its content was checked (" + Files.size(file) + " bytes modified at "), err());
            assertTrue(err().contains("nothing of it was published, its new content unchecked; run the command again, which checks it"), err());
        }

        resetOutput();
        assertEquals(2, upload(folder.toString(), "--part-size", "5"), "the next run checks the new content: " + err());
        for (Path file : List.of(large, small)) {
            assertTrue(err().contains(file + " would be rejected by the converter: The file is not UTF-8: invalid byte sequence 0xFF"), err());
        }
        assertEquals(Map.of(), objects());
    }

    /**
     * A file deleted (or moved away) after the run planned it and before its upload read it, as a drop folder's
     * cleaner might: the run cannot upload it, and must say so in the file's line and in its exit code rather than
     * count it skipped, whether its key held nothing or an object of the same size, which the run would compare.
     */
    @Test
    void aFileDeletedAfterItWasPlannedIsReportedFailedNotSkipped() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        Path small = write("small.csv", "id\n1\n");
        Path kept = write("kept.csv", "id\n3\n");
        assertEquals(0, upload(folder.toString()), err());
        Files.writeString(kept, "id\n4\n");
        resetOutput();
        // Each is deleted as its upload begins, when the run asks S3 what its key holds: small.csv's key holds nothing,
        // kept.csv's an object of its size.
        Map<String, Path> deletedAtUploadStart = Map.of("sales_data/large.csv", large, "sales_data/small.csv", small, "sales_data/kept.csv", kept);
        S3.client().deleteObject(request -> request.bucket(bucket).key("sales_data/small.csv"));
        S3.client().deleteObject(request -> request.bucket(bucket).key("sales_data/large.csv"));
        ExecutionInterceptor deleter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof HeadObjectRequest head && deletedAtUploadStart.containsKey(head.key())) {
                    try {
                        Files.deleteIfExists(deletedAtUploadStart.get(head.key()));
                    }
                    catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };

        int exit = upload(Files::newInputStream, endpoint -> clientBuilder(endpoint, override -> override.addExecutionInterceptor(deleter)).build(),
                folder.toString(), "--part-size", "5");

        assertEquals(1, exit, err());
        assertEquals(table("uploaded", 0, 0, 3, 0), tableOf(out()));
        assertEquals(List.of("sales_data/kept.csv"), List.copyOf(objects().keySet()));
        assertArrayEquals("id\n3\n".getBytes(StandardCharsets.UTF_8), objects().get("sales_data/kept.csv"));
        assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
        for (Path file : List.of(large, small, kept)) {
            assertTrue(err().contains("failed " + file + " -> s3://" + bucket + "/sales_data/" + file.getFileName() + ": " + file + " no longer exists"), err());
        }
        assertTrue(err().endsWith("3 files failed and left nothing in the bucket; run the same command again to retry: files already uploaded are skipped\n"), err());
    }

    /**
     * The network drops after the first part of a multipart upload: the second part fails, and so does the
     * abort. The parts stay in the bucket, billed, so the run must not say it left nothing: it names the
     * upload and gives the command that aborts it.
     */
    @Test
    void aMultipartUploadThatCouldNotBeAbortedIsNamedWithTheCommandThatAbortsIt() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        write("fine.csv", "id\n1\n");
        String key = "sales_data/large.csv";
        String uploadId;
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            // Every attempt the SDK makes, retries included, meets a reset connection.
            proxy.inject(request -> request.isUploadPart() && request.queryParameter("partNumber").equals(Optional.of("2")), Fault.reset(), 1_000);
            Injection abort = proxy.inject(Request::isAbortMultipartUpload, Fault.reset(), 1_000);

            int exit = upload(folder.toString(), "--part-size", "5", "--endpoint-url", proxy.endpoint().toString());

            // Connections reset at every attempt: a failure a retry may cure, the parts left named all the same.
            assertEquals(75, exit, err());
            assertTrue(abort.hits() > 0, abort.toString());
            List<MultipartUpload> left = S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads();
            assertEquals(List.of(key), left.stream().map(MultipartUpload::key).toList());
            uploadId = left.get(0).uploadId();
            String command = "aws s3api abort-multipart-upload --bucket " + bucket + " --key " + key + " --upload-id " + uploadId
                    + " --endpoint-url " + proxy.endpoint();
            String lifecycle = "stay in the bucket, billed, until the bucket's lifecycle rule for incomplete multipart uploads removes them "
                    + "(the stack's buckets: a day after the upload started)";
            String line = err().lines().filter(printed -> printed.startsWith("failed " + large)).findFirst().orElseThrow(() -> new AssertionError(err()));
            assertTrue(line.startsWith("failed " + large + " -> s3://" + bucket + "/" + key + ": Could not upload part 2 of s3://" + bucket + "/" + key + ": "), line);
            assertTrue(line.contains("; multipart upload " + uploadId + " of s3://" + bucket + "/" + key + " could not be aborted ("), line);
            assertTrue(line.endsWith("): its parts " + lifecycle + "; to abort it now: " + command), line);
            assertTrue(err().endsWith("\n1 file failed. This multipart upload could not be aborted: its parts " + lifecycle + "; to abort it now:\n"
                    + "  " + command + "\n"
                    + "Run the same command again to retry: files already uploaded are skipped\n"
                    + "It " + TEMPORARY_REASON + ": run the same command again later (exit code 75, EX_TEMPFAIL: a scheduler may retry it)\n"), err());
            assertFalse(err().contains("left nothing"), err());
            assertEquals(table("uploaded", 1, 0, 1, 5), tableOf(out()));
            assertEquals(List.of(), proxy.failures());
        }
        // What the command names is the upload that is left: aborting it leaves none.
        S3.client().abortMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(uploadId));
        assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
    }

    /**
     * Uploads began and one file went up; then S3 throttled a PutObject (503 SlowDown) and the network reset a part,
     * each at every attempt the SDK made. Both failures are ones a retry may cure, by the SDK's own rule, and the
     * run met no other kind: it ends with 75, which a scheduler retries later, not 1, which it cannot tell from a
     * refused file. The next run uploads the two files and skips the one that landed.
     */
    @Test
    void filesThatAllFailedForTemporaryReasonsEndTheRunWithExitCode75() throws Exception {
        write("fine.csv", "id\n1\n");
        Path throttled = write("throttled.csv", "id\n2\n");
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection slowDown = proxy.inject(request -> isPutObject(request, "throttled.csv"), Fault.status(503), 1_000);
            Injection reset = proxy.inject(request -> request.isUploadPart() && request.queryParameter("partNumber").equals(Optional.of("2")),
                    Fault.reset(), 1_000);

            int exit = upload(folder.toString(), "--part-size", "5", "--endpoint-url", proxy.endpoint().toString());

            assertEquals(75, exit, err());
            assertTrue(slowDown.hits() > 1 && reset.hits() > 1, "the SDK retried each: " + slowDown + ", " + reset);
            assertEquals(table("uploaded", 1, 0, 2, 5), tableOf(out()));
            assertTrue(err().contains("failed " + throttled + " -> s3://" + bucket + "/sales_data/throttled.csv: Could not upload to s3://" + bucket
                    + "/sales_data/throttled.csv: "), err());
            assertTrue(err().contains("failed " + large + " -> s3://" + bucket + "/sales_data/large.csv: Could not upload part 2 of s3://" + bucket
                    + "/sales_data/large.csv: "), err());
            assertTrue(err().endsWith("2 files failed and left nothing in the bucket; run the same command again to retry: files already uploaded are skipped\n"
                    + TEMPORARY_FAILURES + "\n"), err());
            assertEquals(List.of(), proxy.failures());
        }

        resetOutput();
        assertEquals(0, upload(folder.toString(), "--part-size", "5"), err());
        assertEquals(table("uploaded", 2, 1, 0, 12L * MIB + 5), tableOf(out()));
        assertArrayEquals(Files.readAllBytes(large), objects().get("sales_data/large.csv"));
    }

    /**
     * S3 answers a CompleteMultipartUpload with 200 OK before it has assembled the object, and an error document
     * in the body when it then fails ("a 200 OK response can contain either a success or an error",
     * CompleteMultipartUpload, S3 API Reference): here InternalError, at every attempt the SDK made, nothing
     * published. And it answers a PutObject whose body came too slowly 400 RequestTimeout ("Your socket connection
     * to the server was not read from or written to within the timeout period"). The SDK retries both by their
     * error codes (AwsErrorCode.RETRYABLE_ERROR_CODES), as it retries a 500: the files are not uploaded, the upload
     * is aborted, and the run ends with 75, which a scheduler retries. The next run uploads them.
     */
    @Test
    void writesAnsweredWithAnErrorCodeTheSdkRetriesAtEveryAttemptAreTemporaryFailuresThatLeftNothing() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        Path small = write("small.csv", "id\n1\n");
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection complete = proxy.inject(Request::isCompleteMultipartUpload, Fault.status(200), 1_000);
            Injection put = proxy.inject(request -> isPutObject(request, "small.csv"), Fault.status(400, "RequestTimeout"), 1_000);

            int exit = upload(folder.toString(), "--part-size", "5", "--endpoint-url", proxy.endpoint().toString());

            assertTrue(complete.hits() > 1 && put.hits() > 1, "the SDK retried each: " + complete + ", " + put);
            assertEquals(Map.of(), objects());
            assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
            assertEquals(table("uploaded", 0, 0, 2, 0), tableOf(out()));
            assertTrue(err().contains("failed " + large + " -> s3://" + bucket + "/sales_data/large.csv: Could not complete the multipart upload of s3://"
                    + bucket + "/sales_data/large.csv (3 parts): "), err());
            assertTrue(err().contains("failed " + small + " -> s3://" + bucket + "/sales_data/small.csv: Could not upload to s3://"
                    + bucket + "/sales_data/small.csv: "), err());
            assertTrue(err().endsWith("2 files failed and left nothing in the bucket; run the same command again to retry: files already uploaded are skipped\n"
                    + TEMPORARY_FAILURES + "\n"), err());
            assertEquals(75, exit, err());
            assertEquals(List.of(), proxy.failures());
        }

        resetOutput();
        assertEquals(0, upload(folder.toString(), "--part-size", "5"), err());
        assertArrayEquals(Files.readAllBytes(large), objects().get("sales_data/large.csv"));
        assertArrayEquals(Files.readAllBytes(small), objects().get("sales_data/small.csv"));
    }

    /**
     * A connection that stops taking an upload's body part way (a NAT or proxy that dropped the flow, a Wi-Fi
     * handover) blocks the client's write, which no socket timeout bounds: without a limit on the attempt the run
     * hangs for as long as the kernel keeps the connection (here, for good). With one, the SDK gives the attempt
     * up and sends it again: a part and a PutObject whose bodies stall once upload whole at the next attempt.
     * The bodies are 16 MiB, stalled after 1 MiB: more than the kernel buffers on loopback, so the write blocks.
     */
    @Test
    @Timeout(90)
    void aPartAndAPutWhoseBodiesStallOnceAreGivenUpAndSentAgain() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(32 * MIB));
        Path whole = Files.write(folder.resolve("whole.csv"), csvOfSize(16 * MIB));
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection part = proxy.inject(request -> request.isUploadPart() && request.queryParameter("partNumber").equals(Optional.of("2")),
                    Fault.stallBodyAfter(MIB), 1);
            Injection put = proxy.inject(request -> isPutObject(request, "whole.csv"), Fault.stallBodyAfter(MIB), 1);

            long started = System.nanoTime();
            int exit = uploadWithin(SHORT_ATTEMPTS, folder.toString(), "--part-size", "16", "--endpoint-url", proxy.endpoint().toString());
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertEquals(0, exit, err());
            assertEquals(1, part.hits(), part.toString());
            assertEquals(1, put.hits(), put.toString());
            assertEquals(2, proxy.requests().stream().filter(request -> request.isUploadPart() && request.queryParameter("partNumber").equals(Optional.of("2"))).count(),
                    "the stalled part was sent again");
            assertEquals(2, proxy.requests().stream().filter(request -> isPutObject(request, "whole.csv")).count(), "the stalled put was sent again");
            assertTrue(took.compareTo(Duration.ofSeconds(60)) < 0, "given up within its attempt's limit (" + SHORT_ATTEMPTS + "): " + took);
            assertEquals(List.of(), proxy.failures());
        }
        assertArrayEquals(Files.readAllBytes(large), objects().get("sales_data/large.csv"));
        assertArrayEquals(Files.readAllBytes(whole), objects().get("sales_data/whole.csv"));
        assertEquals(crc32(large), head("sales_data/large.csv").checksumCRC32());
        assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
    }


    /**
     * The requests with no body to stall, or one of a few KB (HeadBucket, HeadObject, CreateMultipartUpload,
     * CompleteMultipartUpload, AbortMultipartUpload): their answer not coming, its head or the rest of its body, is a
     * read, which the HTTP client's socket timeout bounds (30 s by default, here 2 s, inside the 60 s attempt limit of
     * the four with no body), and the SDK sends them again. One whose answer never comes at any attempt ends the run with 75 soon, as
     * other temporary failures do, leaving nothing but what it names: with the default timeout, 4 attempts of 30 s,
     * 2 minutes.
     */
    @ParameterizedTest
    @EnumSource(SmallRequest.class)
    @Timeout(120)
    void aSmallRequestWhoseAnswerNeverComesIsGivenUpAtTheReadTimeoutAndTheRunExits75(SmallRequest held) throws Exception {
        Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            if (held == SmallRequest.ABORT_MULTIPART_UPLOAD) {
                proxy.inject(request -> request.isUploadPart() && request.queryParameter("partNumber").equals(Optional.of("2")), Fault.reset(), 1_000);
            }
            Injection hold = proxy.inject(held.matcher, Fault.hold(), 1_000);
            S3ClientFactory shortReads = endpoint -> clientBuilder(endpoint)
                    .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(2)))
                    .build();

            long started = System.nanoTime();
            int exit = upload(Files::newInputStream, shortReads, folder.toString(), "--part-size", "5", "--endpoint-url", proxy.endpoint().toString());
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertEquals(75, exit, err());
            assertTrue(hold.hits() > 1, "the SDK sent it again: " + hold);
            assertTrue(took.compareTo(Duration.ofSeconds(60)) < 0, "given up at each attempt's read timeout: " + took);
            assertTrue(err().contains("Read timed out"), err());
            assertEquals(Map.of(), objects());
            List<MultipartUpload> open = S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads();
            if (held == SmallRequest.ABORT_MULTIPART_UPLOAD) {
                // The one thing left, named with the command that aborts it.
                assertEquals(1, open.size(), open.toString());
                assertTrue(err().contains("aws s3api abort-multipart-upload --bucket " + bucket + " --key sales_data/large.csv --upload-id " + open.get(0).uploadId()),
                        err());
            }
            else {
                assertEquals(List.of(), open);
            }
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * S3 not answering at all once uploads began (the bucket check answered): every request for an object held until the
     * client's read timeout (1 s here, 30 s by default), at every attempt. Each file meets the same outage, so trying each
     * in turn only makes the run last: 2 minutes a file with the default timeout, 8 hours for 1,000 files at
     * --concurrency 4. Once two files in a row have failed so, no file going through between them, the run starts no
     * other file: the ones under way finish (fail), the rest are counted not attempted, and the run exits 75 saying a
     * re-run uploads what is left.
     */
    @Test
    @Timeout(120)
    void aRunWhoseRequestsAreNeverAnsweredStopsStartingFilesAndExits75() throws Exception {
        int files = 24;
        for (int i = 0; i < files; i++) {
            write(String.format(Locale.ROOT, "part-%02d.csv", i), "id\n" + i + "\n");
        }
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection hold = proxy.inject(request -> request.path().startsWith("/" + bucket + "/"), Fault.hold(), 10_000);
            S3ClientFactory shortReads = endpoint -> clientBuilder(endpoint)
                    .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(1)))
                    .build();

            int exit = upload(Files::newInputStream, shortReads, folder.toString(), "--concurrency", "4", "--endpoint-url", proxy.endpoint().toString());

            assertEquals(75, exit, err());
            assertTrue(hold.hits() > 1, "the SDK sent each again: " + hold);
            long attempted = proxy.requests().stream().filter(request -> request.path().startsWith("/" + bucket + "/")).map(Request::path).distinct().count();
            // The four under way, and at most the one the first failure's thread took before the second failure came.
            assertTrue(attempted <= 5, "files asked for: " + attempted + ": " + err());
            assertEquals("uploaded 0 0 " + attempted + " " + (files - attempted) + " 0", tableOf(out()), out());
            assertTrue(err().contains(attempted + " files failed and left nothing in the bucket"), err());
            assertTrue(err().endsWith("S3 could not be reached: 2 files in a row failed for a reason that may be temporary, no file uploaded or skipped between"
                    + " them, so the run started no other file: " + (files - attempted) + " of " + files + " files were not attempted. A re-run skips"
                    + " the files uploaded and uploads the rest: run the same command again later (exit code 75, EX_TEMPFAIL: a scheduler may retry it)\n"),
                    err());
            assertTrue(err().contains("\nnot attempted " + (files - attempted) + " files (the run stopped starting files, below): "), err());
            assertFalse(err().contains("\r") || err().contains("\033"), "a log (no terminal) holds plain lines only: " + err());
            assertEquals(Map.of(), objects());
            assertEquals(List.of(), proxy.failures());
        }

        resetOutput();
        assertEquals(0, upload(folder.toString()), err());
        assertEquals(table("uploaded", files, 0, 0, objects().values().stream().mapToLong(content -> content.length).sum()), tableOf(out()));
    }

    /**
     * S3 comes back while the run is stopping: a file under way when it stopped (its PutObject answered late, after the
     * others' connections were reset at every attempt) goes through. The run stays stopped (what it has not started, it
     * leaves for a re-run, as it said it would), but its last line says S3 answered again, so that a re-run now uploads
     * the rest, rather than that S3 could not be reached.
     */
    @Test
    @Timeout(120)
    void aFileThatGoesThroughAfterTheStopIsSaidToHaveFoundS3AnsweringAgain() throws Exception {
        int files = 12;
        for (int i = 0; i < files; i++) {
            write(String.format(Locale.ROOT, "part-%02d.csv", i), "id\n" + i + "\n");
        }
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection late = proxy.inject(request -> isPutObject(request, "part-00.csv"), Fault.delay(Duration.ofSeconds(6)), 1);
            Injection reset = proxy.inject(request -> request.path().startsWith("/" + bucket + "/") && !request.path().endsWith("/part-00.csv"),
                    Fault.reset(), 10_000);

            int exit = upload(folder.toString(), "--concurrency", "3", "--endpoint-url", proxy.endpoint().toString());

            assertEquals(75, exit, err());
            assertEquals(1, late.hits(), late.toString());
            assertTrue(reset.hits() > 1, "the SDK retried: " + reset);
            String[] counts = tableOf(out()).split(" ");
            int failed = Integer.parseInt(counts[3]);
            assertEquals("uploaded 1 0 " + failed + " " + (files - 1 - failed) + " 5", tableOf(out()), out());
            assertTrue(err().endsWith("S3 could not be reached: 2 files in a row failed for a reason that may be temporary, no file uploaded or skipped between"
                    + " them, so the run started no other file: " + (files - 1 - failed) + " of " + files + " files were not attempted. S3 answered again"
                    + " before the run ended: 1 file under way when it stopped went through, so a re-run now uploads the rest: run the same command again"
                    + " (exit code 75, EX_TEMPFAIL: a scheduler may retry it)\n"), err());
            assertEquals(Set.of("sales_data/part-00.csv"), objects().keySet());
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * One file's own temporary failure among files that go through (a key throttled, its connections reset, at every
     * attempt), beside two files S3 refuses (403), failed one after the other, at --concurrency 1, where no other file
     * runs beside it: the run goes on, every other file is uploaded, and nothing is left not attempted.
     */
    @Test
    void oneFilesTemporaryFailureAmongFilesThatGoThroughStopsNothing() throws Exception {
        int files = 8;
        for (int i = 0; i < files; i++) {
            write(String.format(Locale.ROOT, "part-%02d.csv", i), "id\n" + i + "\n");
        }
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection reset = proxy.inject(request -> isPutObject(request, "part-01.csv"), Fault.reset(), 1_000);
            proxy.inject(request -> isPutObject(request, "part-02.csv") || isPutObject(request, "part-03.csv"), Fault.status(403), 1_000);

            int exit = upload(folder.toString(), "--concurrency", "1", "--endpoint-url", proxy.endpoint().toString());

            assertEquals(1, exit, err());
            assertTrue(reset.hits() > 1, "the SDK retried it: " + reset);
            assertEquals(table("uploaded", files - 3, 0, 3, 5L * (files - 3)), tableOf(out()));
            assertFalse(err().contains("not attempted"), err());
            assertEquals(files - 3, objects().size(), objects().keySet().toString());
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * An answer that comes, but slowly (a degraded endpoint, a middlebox trickling it, each read well inside the socket
     * timeout), to a request with no body (HeadBucket, HeadObject, CreateMultipartUpload, AbortMultipartUpload): the
     * read timeout never fires, so without a limit of its own the attempt would wait for as long as the answer takes.
     * Each such attempt gets the floor of the writes' limit (60 s, here 3 s), and the SDK sends it again: here answered
     * after 10 s once, given up and sent again, the file uploaded (or, for the abort of a part reset at every attempt,
     * the upload aborted). A completion gets no such limit: S3 may take minutes to answer it.
     */
    @ParameterizedTest
    @EnumSource(value = SmallRequest.class, names = "COMPLETE_MULTIPART_UPLOAD", mode = EnumSource.Mode.EXCLUDE)
    @Timeout(120)
    void aSmallRequestAnsweredSlowlyIsGivenUpAtItsAttemptLimitAndSentAgain(SmallRequest slow) throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            if (slow == SmallRequest.ABORT_MULTIPART_UPLOAD) {
                proxy.inject(request -> request.isUploadPart() && request.queryParameter("partNumber").equals(Optional.of("2")), Fault.reset(), 1_000);
            }
            Injection delayed = proxy.inject(slow.matcher, Fault.delay(Duration.ofSeconds(10)), 1);

            long started = System.nanoTime();
            int exit = uploadWithin(new UploadAttemptLimit(Duration.ofSeconds(3), 8L * MIB), folder.toString(), "--part-size", "5", "--endpoint-url",
                    proxy.endpoint().toString());
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertEquals(1, delayed.hits(), delayed.toString());
            assertEquals(2, proxy.requests().stream().filter(slow.matcher).count(), "given up at its attempt's limit and sent again: " + proxy.requests());
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "not waiting for the slow answer: " + took);
            assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
            if (slow == SmallRequest.ABORT_MULTIPART_UPLOAD) {
                assertEquals(75, exit, err());
                assertEquals(Map.of(), objects());
            }
            else {
                assertEquals(0, exit, err());
                assertArrayEquals(Files.readAllBytes(large), objects().get("sales_data/large.csv"));
            }
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * The SDK's retry quota (a token bucket of 500 per client, 5 a retry of a reset or a 5xx, none for throttling, in its
     * default legacy mode) runs out in a run where every other file's PutObject is reset at every attempt, files going
     * through between them (so the run never stops): after about 100 retries, a file fails after 1 attempt, not 4. It
     * fails as a temporary failure all the same, counted so by the closing lines and by the outage stop (which a row of
     * such failures, failing faster, reaches sooner), and the run ends with 75: what the table and the last lines say
     * does not change, only the per-file line's attempt count.
     */
    @Test
    @Timeout(300)
    void filesFailingOnceTheSdksRetryQuotaIsSpentAreTemporaryFailuresAllTheSame() throws Exception {
        int files = 90;
        for (int i = 0; i < files; i++) {
            write(String.format(Locale.ROOT, "part-%02d.csv", i), "id\n" + i + "\n");
        }
        Predicate<Request> odd = request -> request.method().equals("PUT") && request.query().isEmpty() && request.path().matches(".*part-\\d[13579]\\.csv$");
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            proxy.inject(odd, Fault.reset(), 100_000);

            int exit = upload(folder.toString(), "--concurrency", "1", "--endpoint-url", proxy.endpoint().toString());

            assertEquals(75, exit, err());
            assertEquals(files / 2, objects().size(), objects().keySet().toString());
            assertEquals(table("uploaded", files / 2, 0, files / 2, objects().values().stream().mapToLong(content -> content.length).sum()), tableOf(out()));
            List<Long> attempts = IntStream.iterate(1, i -> i < files, i -> i + 2)
                    .mapToObj(i -> String.format(Locale.ROOT, "part-%02d.csv", i))
                    .map(name -> proxy.requests().stream().filter(request -> isPutObject(request, name)).count())
                    .toList();
            assertEquals(4, attempts.get(0), "the SDK's 4 attempts while the quota lasts: " + attempts);
            assertEquals(1, attempts.get(attempts.size() - 1), "1 attempt once it is spent: " + attempts);
            assertTrue(err().contains("(SDK Attempt Count: 1)"), err());
            // The closing line tells how many attempts the SDK made of the files, as the proxy counted them, and why fewer than 4:
            // "at every attempt the SDK made" read as 4 where it had made 1.
            Map<Long, Long> filesByAttempts = attempts.stream()
                    .collect(Collectors.groupingBy(count -> count, () -> new TreeMap<Long, Long>(Comparator.reverseOrder()), Collectors.counting()));
            List<String> told = new ArrayList<>();
            filesByAttempts.forEach((count, failedFiles) -> told.add((told.isEmpty() ? count + " attempts" : String.valueOf(count)) + " for " + failedFiles
                    + (failedFiles == 1 ? " file" : " files")));
            String reason = "failed for a reason that may be temporary (S3 throttling, a server error (5xx) or the network failing, at each attempt the SDK made: "
                    + String.join(", ", told) + "; fewer than 4: the SDK stops retrying once many of the run's requests have failed (its retry quota is spent))";
            assertTrue(err().endsWith(files / 2 + " files failed and left nothing in the bucket; run the same command again to retry: files already uploaded"
                    + " are skipped\nThey " + reason + ": run the same command again later (exit code 75, EX_TEMPFAIL: a scheduler may retry it)\n"), err());
            assertEquals(List.of(), proxy.failures());
        }
    }

    /** The requests of a run that send no body, or one of a few KB, and how the proxy knows them. */
    private enum SmallRequest {
        HEAD_BUCKET(request -> request.method().equals("HEAD") && !request.path().endsWith(".csv")),
        HEAD_OBJECT(request -> request.method().equals("HEAD") && request.path().endsWith("/large.csv")),
        CREATE_MULTIPART_UPLOAD(Request::isCreateMultipartUpload),
        COMPLETE_MULTIPART_UPLOAD(Request::isCompleteMultipartUpload),
        ABORT_MULTIPART_UPLOAD(Request::isAbortMultipartUpload);

        private final Predicate<Request> matcher;

        SmallRequest(Predicate<Request> matcher) {
            this.matcher = matcher;
        }
    }

    /**
     * A part and a PutObject whose bodies stall at every attempt the SDK makes: each attempt is given up within its
     * limit, and the files fail as a temporary failure (exit 75) that left nothing, the multipart upload aborted,
     * rather than the run hanging.
     */
    @Test
    @Timeout(120)
    void aPartAndAPutWhoseBodiesStallAtEveryAttemptAreTemporaryFailuresThatLeftNothing() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(32 * MIB));
        Path whole = Files.write(folder.resolve("whole.csv"), csvOfSize(16 * MIB));
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection part = proxy.inject(request -> request.isUploadPart() && request.queryParameter("partNumber").equals(Optional.of("2")),
                    Fault.stallBodyAfter(MIB), 1_000);
            Injection put = proxy.inject(request -> isPutObject(request, "whole.csv"), Fault.stallBodyAfter(MIB), 1_000);

            int exit = uploadWithin(SHORT_ATTEMPTS, folder.toString(), "--part-size", "16", "--endpoint-url", proxy.endpoint().toString());

            assertEquals(75, exit, err());
            assertTrue(part.hits() > 1 && put.hits() > 1, "the SDK sent each again: " + part + ", " + put);
            assertEquals(Map.of(), objects());
            assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
            assertTrue(err().contains("failed " + large + " -> s3://" + bucket + "/sales_data/large.csv: Could not upload part 2 of s3://" + bucket
                    + "/sales_data/large.csv: "), err());
            assertTrue(err().contains("failed " + whole + " -> s3://" + bucket + "/sales_data/whole.csv: Could not upload to s3://" + bucket
                    + "/sales_data/whole.csv: "), err());
            assertTrue(err().endsWith("2 files failed and left nothing in the bucket; run the same command again to retry: files already uploaded are skipped\n"
                    + TEMPORARY_FAILURES + "\n"), err());
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * The abort lands but its answer is lost, so a retry of it (or the tool, next time) hears NoSuchUpload:
     * the upload is gone, nothing is billed, and the run says the failed file left nothing.
     */
    @Test
    void anAbortAnsweredNoSuchUploadLeftNothing() throws Exception {
        Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            proxy.inject(request -> request.isUploadPart() && request.queryParameter("partNumber").equals(Optional.of("2")), Fault.reset(), 1_000);
            Injection abort = proxy.inject(Request::isAbortMultipartUpload, Fault.afterForwarding(404, "NoSuchUpload"), 1);

            int exit = upload(folder.toString(), "--part-size", "5", "--endpoint-url", proxy.endpoint().toString());

            assertEquals(75, exit, err());
            assertEquals(1, abort.hits(), abort.toString());
            assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
            assertTrue(err().endsWith("1 file failed and left nothing in the bucket; run the same command again to retry: files already uploaded are skipped\n"
                    + "It " + TEMPORARY_REASON + ": run the same command again later (exit code 75, EX_TEMPFAIL: a scheduler may retry it)\n"), err());
            assertFalse(err().contains("could not be aborted"), err());
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * S3 completes the multipart upload, and publishes the small file, but both answers are lost (every
     * attempt the SDK makes lands and answers 500): the abort then hears NoSuchUpload. The objects are in
     * place, and the converter has its events: the files count as uploaded, not as failures that left nothing.
     */
    @Test
    void writesThatLandedThoughTheirAnswersWereLostAreFoundInPlace() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        Path small = write("small.csv", "id\n1\n");
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection complete = proxy.inject(Request::isCompleteMultipartUpload, Fault.afterForwarding(500), 1_000);
            Injection put = proxy.inject(request -> isPutObject(request, "small.csv"), Fault.afterForwarding(500), 1_000);

            int exit = upload(folder.toString(), "--part-size", "5", "--endpoint-url", proxy.endpoint().toString());

            assertEquals(0, exit, err());
            assertTrue(complete.hits() > 0 && put.hits() > 0, complete + ", " + put);
            assertEquals(List.of("sales_data/large.csv", "sales_data/small.csv"), List.copyOf(objects().keySet()));
            assertArrayEquals(Files.readAllBytes(large), objects().get("sales_data/large.csv"));
            assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
            assertEquals(table("uploaded", 2, 0, 0, 12L * MIB + 5), tableOf(out()));
            assertTrue(err().contains("uploaded " + large + " -> s3://" + bucket + "/sales_data/large.csv (12.6 MB, new, found in place after its answer was lost, "),
                    err());
            assertTrue(err().contains("uploaded " + small + " -> s3://" + bucket + "/sales_data/small.csv (5 B, new, found in place after its answer was lost, "),
                    err());
            assertFalse(err().contains("left nothing"), err());
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * A part, and a publishing write, that land and whose answers are lost once are sent again by the SDK: the part
     * replaces itself, and a PutObject, conditional
     * (If-None-Match for a new key, If-Match for a replaced one), is refused (412); a completion completes the same
     * upload again, which makes one object whatever it is answered (moto answers 200, S3 may answer NoSuchUpload).
     * Neither writes a second version, so the converter gets one ObjectCreated event per change. Counted on a
     * versioned bucket, which keeps every write the retry could have made.
     */
    @Test
    void aWriteWhoseAnswerIsLostOnceAndIsSentAgainMakesNoSecondVersion() throws Exception {
        S3.client().putBucketVersioning(request -> request.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        byte[] large = csvOfSize(12 * MIB);
        Files.write(folder.resolve("large.csv"), large);
        write("small.csv", "id\n1\n");
        for (int round = 1; round <= 2; round++) {
            try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
                Injection part = proxy.inject(request -> request.isUploadPart() && request.queryParameter("partNumber").equals(Optional.of("2")),
                        Fault.afterForwarding(500), 1);
                Injection complete = proxy.inject(Request::isCompleteMultipartUpload, Fault.afterForwarding(500), 1);
                Injection put = proxy.inject(request -> isPutObject(request, "small.csv"), Fault.afterForwarding(500), 1);
                resetOutput();

                int exit = upload(folder.toString(), "--part-size", "5", "--endpoint-url", proxy.endpoint().toString());

                assertEquals(0, exit, err());
                assertEquals(1, part.hits(), part.toString());
                assertEquals(1, complete.hits(), complete.toString());
                assertEquals(1, put.hits(), put.toString());
                assertEquals(table("uploaded", 2, 0, 0, 12L * MIB + 5), tableOf(out()));
                String change = round == 1 ? "new" : "changed";
                assertTrue(err().contains("/sales_data/large.csv (12.6 MB, " + change + ", "), err());
                assertTrue(err().contains("/sales_data/small.csv (5 B, " + change + ", found in place after its answer was lost, "), err());
                assertEquals(List.of(), proxy.failures());
            }
            for (String key : List.of("sales_data/large.csv", "sales_data/small.csv")) {
                int versions = S3.client().listObjectVersions(request -> request.bucket(bucket).prefix(key)).versions().size();
                assertEquals(round, versions, key + " after run " + round + ": " + err());
            }
            // The part stored twice (its answer lost, the SDK sent it again) is in the object once.
            assertArrayEquals(large, objects().get("sales_data/large.csv"));
            // Replaced at the same sizes: the second run's writes are conditional on the first run's objects (If-Match).
            large[large.length - 2] = (byte) '9';
            Files.write(folder.resolve("large.csv"), large);
            write("small.csv", "id\n2\n");
        }
        assertArrayEquals("id\n2\n".getBytes(StandardCharsets.UTF_8), objects().get("sales_data/small.csv"));
    }

    /**
     * As above, but looking for the objects fails too: the run cannot tell whether they landed, so it must
     * not say they left nothing. A file that S3 refused (403) did leave nothing. The next run finds the
     * landed files in place and skips them, as the message says.
     */
    @Test
    void writesWhoseAnswersWereLostAndThatCannotBeCheckedMayHaveLanded() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        Path small = write("small.csv", "id\n1\n");
        Path denied = write("denied.csv", "id\n2\n");
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection complete = proxy.inject(Request::isCompleteMultipartUpload, Fault.afterForwarding(500), 1_000);
            Injection put = proxy.inject(request -> isPutObject(request, "small.csv"), Fault.afterForwarding(500), 1_000);
            proxy.inject(request -> isPutObject(request, "denied.csv"), Fault.status(403), 1_000);
            // Only the look after the lost answer fails: the HEAD before each upload passes.
            proxy.inject(request -> request.method().equals("HEAD")
                    && (request.path().endsWith("/large.csv") && complete.hits() > 0 || request.path().endsWith("/small.csv") && put.hits() > 0),
                    Fault.status(500), 1_000);

            int exit = upload(folder.toString(), "--part-size", "5", "--endpoint-url", proxy.endpoint().toString());

            assertEquals(1, exit, err());
            assertEquals(table("uploaded", 0, 0, 3, 0), tableOf(out()));
            String lost = "; it may have landed all the same: its answer was lost, and looking for the object failed too (Could not look up s3://" + bucket
                    + "/sales_data/";
            String line = err().lines().filter(printed -> printed.startsWith("failed " + large)).findFirst().orElseThrow(() -> new AssertionError(err()));
            assertTrue(line.startsWith("failed " + large + " -> s3://" + bucket + "/sales_data/large.csv: Could not complete the multipart upload of s3://"
                    + bucket + "/sales_data/large.csv (3 parts): "), line);
            assertTrue(line.contains(lost + "large.csv: "), line);
            assertTrue(line.endsWith("run the same command again, which compares the object's size and CRC32 with the file's and skips the file if it landed"),
                    line);
            assertTrue(err().contains("failed " + small + " -> s3://" + bucket + "/sales_data/small.csv: Could not upload to s3://" + bucket
                    + "/sales_data/small.csv: "), err());
            assertTrue(err().contains(lost + "small.csv: "), err());
            String refused = err().lines().filter(printed -> printed.startsWith("failed " + denied)).findFirst().orElseThrow(() -> new AssertionError(err()));
            assertFalse(refused.contains("may have landed"), refused);
            assertTrue(err().endsWith("3 files failed.\n"
                    + "2 of them may have landed all the same: their answers were lost, and looking for the object failed too. A re-run compares the object "
                    + "under the key with the file (size and CRC32) and skips the file if it landed.\n"
                    + "The other failed file left nothing in the bucket. Run the same command again to retry: files already uploaded are skipped\n"
                    // One failure a retry meets again makes the run's exit code 1, and the lines say which file failed for which kind of reason.
                    + "2 of them " + TEMPORARY_REASON + ": " + large + ", " + small + "\n"
                    + "1 of them " + LASTING_REASON + ": " + denied + "\n"), err());
            assertEquals(List.of(), proxy.failures());
        }

        resetOutput();
        assertEquals(0, upload(folder.toString(), "--part-size", "5"), err());
        assertEquals(table("uploaded", 1, 2, 0, 5), tableOf(out()));
        assertTrue(err().contains("skipped " + large + " -> s3://" + bucket + "/sales_data/large.csv (12.6 MB, unchanged)"), err());
    }

    /**
     * A PutObject lands with its answer lost at every attempt (500), and the look for the object after it is answered 503
     * at every attempt too: both failures are ones a retry may cure, and the re-run, which looks first, may well get an
     * answer. The file may have landed, and the run ends with 75, the kind a scheduler retries.
     */
    @Test
    void aWriteThatMayHaveLandedWhoseLookFailedForATemporaryReasonEndsTheRunWithExitCode75() throws Exception {
        Path small = write("small.csv", "id\n1\n");
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection put = proxy.inject(request -> isPutObject(request, "small.csv"), Fault.afterForwarding(500), 1_000);
            // Only the look after the lost answer fails: the HEAD before the upload passes.
            Injection look = proxy.inject(request -> request.method().equals("HEAD") && request.path().endsWith("/small.csv") && put.hits() > 0,
                    Fault.status(503), 1_000);

            int exit = upload(folder.toString(), "--endpoint-url", proxy.endpoint().toString());

            assertEquals(75, exit, err());
            assertTrue(put.hits() > 1 && look.hits() > 1, "the SDK retried each: " + put + ", " + look);
            assertEquals(table("uploaded", 0, 0, 1, 0), tableOf(out()));
            assertTrue(err().contains("failed " + small + " -> s3://" + bucket + "/sales_data/small.csv: Could not upload to s3://" + bucket
                    + "/sales_data/small.csv: "), err());
            assertTrue(err().contains("; it may have landed all the same: its answer was lost, and looking for the object failed too (Could not look up s3://"
                    + bucket + "/sales_data/small.csv: "), err());
            assertTrue(err().endsWith("1 file failed.\n"
                    + "It may have landed all the same: its answer was lost, and looking for the object failed too. A re-run compares the object "
                    + "under the key with the file (size and CRC32) and skips the file if it landed.\n"
                    + "Run the same command again to retry: files already uploaded are skipped\n"
                    + "It " + TEMPORARY_REASON + ": run the same command again later (exit code 75, EX_TEMPFAIL: a scheduler may retry it)\n"), err());
            assertEquals(List.of(), proxy.failures());
        }

        resetOutput();
        assertEquals(0, upload(folder.toString()), err());
        assertEquals(table("uploaded", 0, 1, 0, 0), tableOf(out()));
    }

    /**
     * As above, but S3 refuses the look (403): the write's own failure may be temporary, but the re-run looks for the
     * object first and meets the refusal again until the permission is fixed. The file counts as a lasting failure,
     * and the run ends with 1, not 75, which would have a scheduler retry a refusal for ever.
     */
    @Test
    void aWriteThatMayHaveLandedWhoseLookWasRefusedEndsTheRunWithExitCode1() throws Exception {
        Path small = write("small.csv", "id\n1\n");
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection put = proxy.inject(request -> isPutObject(request, "small.csv"), Fault.afterForwarding(500), 1_000);
            Injection look = proxy.inject(request -> request.method().equals("HEAD") && request.path().endsWith("/small.csv") && put.hits() > 0,
                    Fault.status(403), 1_000);

            int exit = upload(folder.toString(), "--endpoint-url", proxy.endpoint().toString());

            assertEquals(1, exit, err());
            assertEquals(1, look.hits(), "the SDK does not retry a 403: " + look);
            assertEquals(table("uploaded", 0, 0, 1, 0), tableOf(out()));
            assertTrue(err().contains("; it may have landed all the same: its answer was lost, and looking for the object failed too (Could not look up s3://"
                    + bucket + "/sales_data/small.csv: "), err());
            // No line calls the failure temporary: with every failed file lasting, the closing lines end at the retry advice.
            assertFalse(err().contains(TEMPORARY_REASON), err());
            assertTrue(err().endsWith("1 file failed.\n"
                    + "It may have landed all the same: its answer was lost, and looking for the object failed too. A re-run compares the object "
                    + "under the key with the file (size and CRC32) and skips the file if it landed.\n"
                    + "Run the same command again to retry: files already uploaded are skipped\n"), err());
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * What a run of the README's 1.6 GB file met on moto: the emulator was slow to assemble the object, so the
     * client gave up on the completion (here: the first attempt's answer lost, the attempt held), the SDK's
     * retries were answered 500, the abort 500 and then NoSuchUpload, which S3 answers for an upload completed
     * or aborted, and the object was not under the key when the run looked: the completion landed after. The
     * run looks again for a while and finds the object in place; it said the file left nothing, exit 1.
     */
    @Test
    void aCompletionThatLandsAfterItsAbortWasAnsweredNoSuchUploadIsFoundInPlace() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection complete = proxy.inject(Request::isCompleteMultipartUpload, Fault.landsLater(500), 1);
            Injection retries = proxy.inject(Request::isCompleteMultipartUpload, Fault.status(500), 1_000);
            Injection abort = proxy.inject(Request::isAbortMultipartUpload, Fault.status(500), 1);
            Injection noSuchUpload = proxy.inject(Request::isAbortMultipartUpload, Fault.status(404, "NoSuchUpload"), 1_000);
            Injection firstLook = proxy.inject(request -> request.method().equals("HEAD") && request.path().endsWith("/large.csv") && noSuchUpload.hits() > 0,
                    Fault.status(404), 1);
            // The held completion lands once the run has looked after the abort and found nothing.
            Thread landing = new Thread(() -> {
                try {
                    if (firstLook.awaitHits(1, Duration.ofMinutes(1))) {
                        proxy.clear();
                    }
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            landing.start();

            int exit = upload(folder.toString(), "--part-size", "5", "--endpoint-url", proxy.endpoint().toString());

            landing.join();
            assertTrue(complete.awaitLanded(1, Duration.ofSeconds(30)), complete.toString());
            assertTrue(retries.hits() > 0 && abort.hits() == 1 && noSuchUpload.hits() == 1 && firstLook.hits() == 1,
                    retries + ", " + abort + ", " + noSuchUpload + ", " + firstLook);
            assertEquals(0, exit, err());
            assertEquals(List.of("sales_data/large.csv"), List.copyOf(objects().keySet()));
            assertArrayEquals(Files.readAllBytes(large), objects().get("sales_data/large.csv"));
            assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads());
            assertEquals(table("uploaded", 1, 0, 0, 12L * MIB), tableOf(out()));
            assertTrue(err().contains("uploaded " + large + " -> s3://" + bucket + "/sales_data/large.csv (12.6 MB, new, found in place after its answer was lost, "),
                    err());
            assertFalse(err().contains("left nothing"), err());
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * As above, but the completion has not landed when the run stops looking: the file failed, and may have
     * landed, which its outcome says with what to do, never that it left nothing. Once it lands, the next run
     * finds it and skips it.
     */
    @Test
    void aCompletionNotLandedWhenTheRunStopsLookingMayHaveLandedAndTheNextRunSkipsIt() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        String key = "sales_data/large.csv";
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection complete = proxy.inject(Request::isCompleteMultipartUpload, Fault.landsLater(500), 1);
            proxy.inject(Request::isCompleteMultipartUpload, Fault.status(500), 1_000);
            Injection noSuchUpload = proxy.inject(Request::isAbortMultipartUpload, Fault.status(404, "NoSuchUpload"), 1_000);
            Duration wait = Duration.ofSeconds(3);
            FileUploader uploader = new FileUploader(new BronzeBucket(clientBuilder(Optional.of(proxy.endpoint())).build(), bucket), Files::newInputStream,
                    5 * MIB, false, wait);
            long started = System.nanoTime();

            UploadOutcome outcome = uploader.upload(new PlannedFile(large, key, Files.size(large), Files.getLastModifiedTime(large)), SilentUploadListener.SILENT);

            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            assertEquals(1, noSuchUpload.hits(), noSuchUpload.toString());
            assertEquals(UploadOutcome.Status.FAILED, outcome.status(), outcome.toString());
            assertEquals(Optional.of(UploadOutcome.UnknownLanding.NOT_SEEN_IN_TIME), outcome.mayHaveLanded(), outcome.toString());
            assertTrue(outcome.unaborted().isEmpty(), outcome.toString());
            String detail = outcome.detail();
            assertTrue(detail.startsWith("Could not complete the multipart upload of s3://" + bucket + "/" + key + " (3 parts): "), detail);
            assertTrue(detail.contains("; it may have landed all the same: its answer was lost, and S3 answered NoSuchUpload to its abort, as it does for "
                    + "an upload completed (or aborted), but the object was not under the key in the " + wait.toSeconds() + " s the run looked for it "
                    + "(S3 can take minutes to complete a multipart upload); "), detail);
            assertTrue(detail.endsWith("run the same command again, which compares the object's size and CRC32 with the file's and skips the file if it landed"),
                    detail);
            assertFalse(detail.contains("left nothing"), detail);
            assertTrue(elapsed.compareTo(wait) >= 0, elapsed.toString());
            long looks = proxy.requests().stream().filter(request -> request.method().equals("HEAD") && request.path().endsWith("/large.csv")).count();
            assertTrue(looks >= 3, looks + " HEADs: one before the upload, then more than one after the abort");
            assertEquals(Map.of(), objects());

            proxy.clear();
            assertTrue(complete.awaitLanded(1, Duration.ofSeconds(30)), complete.toString());
            assertEquals(List.of(), proxy.failures());
        }

        assertEquals(0, upload(folder.toString(), "--part-size", "5"), err());
        assertEquals(table("uploaded", 0, 1, 0, 0), tableOf(out()));
        assertTrue(err().contains("skipped " + large + " -> s3://" + bucket + "/" + key + " (12.6 MB, unchanged)"), err());
    }

    /**
     * A CSV file open in Excel has its owner file beside it, ~$ and its name, binary: it refused the whole run, every
     * other file of the folder with it, as not CSV, advising a UTF-16 encoding. It is left out and named instead.
     */
    @Test
    void theLockFileOfADocumentOpenInExcelIsLeftOutAndNamedAndTheFolderUploaded() throws IOException {
        write("jan.csv", "id,amount\n1,12.50\n");
        byte[] owner = new byte[165];
        owner[0] = 4;
        System.arraycopy("jdoe".getBytes(StandardCharsets.US_ASCII), 0, owner, 1, 4);
        Path lock = Files.write(folder.resolve("~$jan.csv"), owner);

        int exit = upload(folder.toString());

        assertEquals(0, exit, err());
        assertEquals(List.of("sales_data/jan.csv"), List.copyOf(objects().keySet()));
        assertTrue(err().contains("Left out 1 lock file that Excel or another Office application keeps beside a document open in it (named ~$ and the"
                + " document's name; the document is uploaded as last saved): " + lock + "\n"), err());
    }

    /**
     * A scheduled drop folder holding nothing to upload, only what is left out: refused without --allow-empty
     * (a mistyped folder), and with it a run that writes nothing, says in one line what it looked at and why
     * nothing was taken (the left-out files named as every run names them), prints the table and exits 0,
     * a dry run alike. The bucket is still asked for: an empty night must not hide credentials gone stale.
     */
    @Test
    void aDropFolderHoldingNothingToUploadEndsWithExitZeroWithAllowEmpty() throws IOException {
        Path lock = Files.write(folder.resolve("~$jan.csv"), new byte[] {4, 'j', 'd', 'o', 'e', 0, 0});
        Path sheet = write("jan.xlsx", "PK");
        String why = folder + " holds no .csv, .csv.gz, .dat file (1 other file left out) (1 Office lock file, named with a leading ~$, left out)";

        assertEquals(2, upload(folder.toString()), err());
        assertEquals("error: " + why + "; check the path, or, for a drop folder that is empty on some runs, give --allow-empty (such a run uploads"
                + " nothing and exits 0)\n", err());

        resetOutput();
        assertEquals(0, upload(folder.toString(), "--allow-empty"), err());

        assertEquals(Map.of(), objects());
        assertEquals(table("uploaded", 0, 0, 0, 0), tableOf(out()));
        List<String> lines = err().lines().toList();
        assertEquals("Nothing to upload to s3://" + bucket + "/ at " + S3.endpoint() + ": " + why + " (--allow-empty)", lines.get(0), err());
        assertTrue(err().contains("Left out 1 file whose name does not end in .csv, .csv.gz, .dat: " + sheet + "\n  jan.xlsx: "
                + SpreadsheetNames.advice("jan.xlsx").orElseThrow() + "\n"), err());
        assertTrue(err().contains("Left out 1 lock file that Excel or another Office application keeps beside a document open in it (named ~$ and the"
                + " document's name; the document is uploaded as last saved): " + lock + "\n"), err());
        assertEquals(4, lines.size(), err());

        resetOutput();
        assertEquals(0, upload(folder.toString(), "--allow-empty", "--dry-run"), err());

        assertEquals(table("would upload", 0, 0, 0, 0), tableOf(out()));
        assertTrue(err().startsWith("Dry run, nothing is written: nothing to upload to s3://" + bucket + "/ at " + S3.endpoint() + ": " + why
                + " (--allow-empty)\n"), err());

        resetOutput();
        String wrong = "no-such-bucket-" + bucket;
        int exit = new BronzeIngestCli(print(out), print(err), false, endpoint -> clientBuilder(endpoint).build(), Files::newInputStream)
                .run(List.of("upload", folder.toString(), "--allow-empty", "--bucket", wrong));
        assertEquals(2, exit, err());
        assertEquals("error: Bucket '" + wrong + "' does not exist at " + S3.endpoint() + ": check the name, or create the bucket first\n", err());
    }

    /** Beside a folder that holds files, an empty one allowed is named in one line, and the other folder's files are uploaded. */
    @Test
    void anEmptyFolderBesideAnotherIsNamedAndTheOtherUploadedWithAllowEmpty() throws IOException {
        write("jan.csv", "id\n1\n");
        Path drop = Files.createDirectories(directory.resolve("drop"));

        assertEquals(0, upload(drop.toString(), folder.toString(), "--allow-empty"), err());

        assertEquals(List.of("sales_data/jan.csv"), List.copyOf(objects().keySet()));
        assertEquals(table("uploaded", 1, 0, 0, 5), tableOf(out()));
        List<String> lines = err().lines().toList();
        assertEquals("Uploading 1 file (5 B) to s3://" + bucket + "/sales_data/ at " + S3.endpoint(), lines.get(0), err());
        assertEquals("Nothing to upload: " + drop + " holds no .csv, .csv.gz, .dat file (--allow-empty)", lines.get(1), err());
    }

    @Test
    void anUnknownBucketIsRefusedInOneLine() throws IOException {
        write("a.csv", "id\n1\n");

        int exit = new BronzeIngestCli(print(out), print(err), false, endpoint -> clientBuilder(endpoint).build(), Files::newInputStream)
                .run(List.of("upload", folder.toString(), "--bucket", "no-such-bucket-" + bucket));

        assertEquals(2, exit);
        assertEquals("error: Bucket 'no-such-bucket-" + bucket + "' does not exist at " + S3.endpoint()
                + ": check the name, or create the bucket first\n", err());
        assertEquals("", out());
    }

    /**
     * A bucket the run cannot use is refused before any file is read whole: that read, which checks every byte
     * decodes, took 6.1 s for a 292 MB file against a wrong bucket name, minutes for tens of GB. The file here
     * has a byte no UTF-8 holds at its end, which only that read finds: had the run read it, it would have
     * been refused for that byte.
     */
    @Test
    void aWrongBucketIsRefusedBeforeAnyFileIsReadWhole() throws IOException {
        Files.write(folder.resolve("large.csv"), notUtf8AtTheEnd(csvOfSize(12 * MIB)));
        String wrong = "no-such-bucket-" + bucket;

        int exit = new BronzeIngestCli(print(out), print(err), false, endpoint -> clientBuilder(endpoint).build(), Files::newInputStream)
                .run(List.of("upload", folder.toString(), "--bucket", wrong));

        assertEquals(2, exit, err());
        assertEquals("error: Bucket '" + wrong + "' does not exist at " + S3.endpoint() + ": check the name, or create the bucket first\n", err());
        assertEquals("", out());
    }

    /** No credentials: refused before any file is read whole, as a wrong bucket is. */
    @Test
    void missingCredentialsAreRefusedBeforeAnyFileIsReadWhole() throws IOException {
        Files.write(folder.resolve("large.csv"), notUtf8AtTheEnd(csvOfSize(12 * MIB)));
        // What the SDK's default chain ends in on a machine without credentials: no provider has any.
        AwsCredentialsProvider none = AwsCredentialsProviderChain.of(ProfileCredentialsProvider.builder()
                .profileFile(ProfileFile.builder().content(new java.io.ByteArrayInputStream(new byte[0])).type(ProfileFile.Type.CREDENTIALS).build())
                .build());

        int exit = upload(Files::newInputStream, endpoint -> clientBuilder(endpoint).credentialsProvider(none).build(), folder.toString());

        assertEquals(2, exit, err());
        assertEquals("error: " + BronzeBucket.NO_CREDENTIALS + "\n", err());
    }

    /**
     * Credentials that may not list the bucket (403 to its HeadBucket), as a writer of another account's (terraform's
     * bronze_writers, no s3:ListBucket) are: the run goes on, saying so in one line, and reads each file whole before
     * anything is written, so a file the converter would reject still refuses the run with HeadBucket the only request.
     */
    @Test
    void aBucketThatCannotBeListedIsNotRefusedAndAFileTheConverterWouldRejectStillRefusesTheRunBeforeAnyWrite() throws Exception {
        Files.write(folder.resolve("large.csv"), notUtf8AtTheEnd(csvOfSize(12 * MIB)));

        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            // Answered as S3 answers credentials of another account: 403 AccessDenied, to every attempt.
            Injection denied = proxy.inject(request -> request.method().equals("HEAD") && request.path().equals("/" + bucket), Fault.status(403), 1_000);

            int exit = upload(Files::newInputStream, endpoint -> clientBuilder(Optional.of(proxy.endpoint())).build(), folder.toString());

            assertEquals(2, exit, err());
            assertEquals(1, denied.hits(), "the SDK does not retry a 403: " + denied);
            assertTrue(err().startsWith(unlistedBucketLine(proxy.endpoint()) + "\n"), err());
            assertTrue(err().contains("error: " + folder.resolve("large.csv") + " would be rejected by the converter: The file is not UTF-8"), err());
            assertEquals(List.of(), proxy.requests().stream().filter(request -> !request.method().equals("HEAD")).toList());
            assertEquals(Map.of(), objects());
        }
    }

    /**
     * A writer of another account as bronze_writers grants it with read_own_files: no s3:ListBucket, so HeadBucket is
     * answered 403 and so is the HeadObject of a key that holds nothing (S3 answers 403, not 404, without s3:ListBucket:
     * HeadObject in the Amazon S3 API Reference). Its files are put all the same, each with If-None-Match, exit 0; the
     * next run, whose HeadObjects of its own objects are answered, skips them all.
     */
    @Test
    void aWriterOfAnotherAccountThatMayNotListTheBucketUploadsItsFilesAndTheNextRunSkipsThem() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        Path small = write("2026/small.csv", "id\n1\n");
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection headBucket = proxy.inject(request -> request.method().equals("HEAD") && request.path().equals("/" + bucket), Fault.status(403), 1_000);
            Injection headObject = proxy.inject(request -> request.method().equals("HEAD") && request.path().startsWith("/" + bucket + "/"),
                    Fault.status(403), 1_000);

            int exit = upload(Files::newInputStream, endpoint -> clientBuilder(Optional.of(proxy.endpoint())).build(), folder.toString(), "--part-size", "5");

            assertEquals(0, exit, err());
            assertEquals(1, headBucket.hits(), headBucket.toString());
            assertEquals(2, headObject.hits(), headObject.toString());
            assertTrue(err().startsWith(unlistedBucketLine(proxy.endpoint()) + "\n"), err());
            assertArrayEquals(Files.readAllBytes(large), objects().get("sales_data/large.csv"));
            assertArrayEquals(Files.readAllBytes(small), objects().get("sales_data/2026/small.csv"));
            assertEquals(table("uploaded", 2, 0, 0, Files.size(large) + Files.size(small)), tableOf(out()));
            Map<String, Instant> modified = lastModified();
            Thread.sleep(1_100);
            resetOutput();

            // With read_own_files, the writer's HeadObjects of its own objects are answered; HeadBucket still is not.
            proxy.clear();
            proxy.inject(request -> request.method().equals("HEAD") && request.path().equals("/" + bucket), Fault.status(403), 1_000);
            assertEquals(0, upload(Files::newInputStream, endpoint -> clientBuilder(Optional.of(proxy.endpoint())).build(), folder.toString(),
                    "--part-size", "5"), err());

            assertEquals(table("uploaded", 0, 2, 0, 0), tableOf(out()));
            assertEquals(modified, lastModified());
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * A writer without read_own_files: its HeadObjects are answered 403 whether its key holds an object or not, so a
     * file it put before cannot be compared. The put, conditional on no object, is refused (412): the file fails, naming
     * the key, the bucket and read_own_files, nothing replaced (no stack trace), exit 1 as for any 403.
     */
    @Test
    void aWriterThatMayNotReadItsOwnFilesIsToldToSetReadOwnFilesWhenAKeyHoldsAnObjectAlready() throws Exception {
        Path large = Files.write(folder.resolve("large.csv"), csvOfSize(12 * MIB));
        Path small = write("small.csv", "id\n1\n");
        assertEquals(0, upload(folder.toString(), "--part-size", "5"), err());
        Map<String, Instant> modified = lastModified();
        Thread.sleep(1_100);
        resetOutput();
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            proxy.inject(request -> request.method().equals("HEAD"), Fault.status(403), 1_000);

            int exit = upload(Files::newInputStream, endpoint -> clientBuilder(Optional.of(proxy.endpoint())).build(), folder.toString(), "--part-size", "5");

            assertEquals(1, exit, err());
            assertEquals(table("uploaded", 0, 0, 2, 0), tableOf(out()));
            for (Path file : List.of(large, small)) {
                String key = "sales_data/" + file.getFileName();
                String line = err().lines().filter(printed -> printed.startsWith("failed " + file + " ")).findFirst().orElseThrow(() -> new AssertionError(err()));
                assertTrue(line.contains(": s3://" + bucket + "/" + key + " already holds an object, which these credentials may not read (HeadObject"
                        + " answered 403: no s3:GetObject on it), so this run cannot compare it with the file and did not replace it. A writer of another"
                        + " account needs read_own_files = true in its entry of the bronze bucket's bronze_writers (terraform), and s3:GetObject on"
                        + " arn:aws:s3:::" + bucket + "/sales_data/* in its own IAM policy"), line);
                assertFalse(line.contains("\tat "), line);
            }
            assertEquals(modified, lastModified());
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * A writer whose puts are denied too (its IAM policy lacks s3:PutObject, or bronze_writers does not list the dataset):
     * after the HeadBucket and HeadObject answered 403, the first write says so, naming the key, the bucket and both causes.
     */
    @Test
    void aWriterWhosePutIsDeniedIsToldWhichPolicyToLookAt() throws Exception {
        Path small = write("small.csv", "id\n1\n");
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            proxy.inject(request -> request.method().equals("HEAD"), Fault.status(403), 1_000);
            Injection put = proxy.inject(request -> isPutObject(request, "small.csv"), Fault.status(403), 1_000);

            int exit = upload(Files::newInputStream, endpoint -> clientBuilder(Optional.of(proxy.endpoint())).build(), folder.toString());

            assertEquals(1, exit, err());
            assertEquals(1, put.hits(), put.toString());
            String line = err().lines().filter(printed -> printed.startsWith("failed " + small + " ")).findFirst().orElseThrow(() -> new AssertionError(err()));
            assertTrue(line.contains(": Access denied to upload to s3://" + bucket + "/sales_data/small.csv (bucket " + bucket + ", key sales_data/small.csv):"
                    + " these credentials may not put under sales_data/. For a writer of another account, either its own IAM policy lacks s3:PutObject on"
                    + " arn:aws:s3:::" + bucket + "/sales_data/*, or its entry in the bronze bucket's bronze_writers (terraform) does not list the dataset"
                    + " sales_data; with kms_encryption, its IAM policy also needs kms:GenerateDataKey and kms:Decrypt on the stack's key ("), line);
            assertEquals(Map.of(), objects());
        }
    }

    private String unlistedBucketLine(URI endpoint) {
        return "Bucket '" + bucket + "' could not be checked at " + endpoint + ": HeadBucket was denied (403), as it is to a writer of another account,"
                + " which may put under its datasets' folders but not list the bucket (s3:ListBucket); going on, each file's own requests say whether"
                + " these credentials may write it";
    }

    /**
     * A file the converter would reject still refuses the run before anything is written. This test stood in
     * BronzeIngestCliTest as "refused before any request", with no S3 client allowed: the reason for that order
     * was that nothing be written for a refused run (the README: refused "before any byte is sent"; a --dry-run
     * asks S3 about every file, so it was never offline). The bucket is now checked first, its HeadBucket a
     * read, so that a wrong bucket is refused before minutes of reading: the promise kept, and asserted here
     * against a real S3 API, is that a refused run sends no request but that read.
     */
    @Test
    void aFileNotValidInItsDatasetsEncodingIsRefusedBeforeAnyWriteRequestUnlessCsvEncodingsDeclaresIt() throws IOException {
        Path file = Files.write(Files.createDirectories(directory.resolve("people")).resolve("u.csv"),
                "id,name\n1,ok\n2,Zo\u00eb\n".getBytes(java.nio.charset.Charset.forName("windows-1252")));
        List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                sent.add(context.request().getClass().getSimpleName());
            }
        };
        S3ClientFactory recorded = endpoint -> clientBuilder(endpoint, override -> override.addExecutionInterceptor(recorder)).build();
        List<String> upload = List.of("upload", file.toString(), "--bucket", bucket);

        assertEquals(2, new BronzeIngestCli(print(out), print(err), false, recorded, Files::newInputStream).run(upload));

        assertEquals("error: " + file + " would be rejected by the converter: The file is not UTF-8: invalid byte sequence 0xEB 0x0A at byte offset 17"
                + " (line 3). If it is a Windows-1252 or Latin-1 export, set CSV_ENCODINGS=people:windows-1252 (or convert the file to UTF-8). A"
                + " CSV_ENCODINGS entry goes in the environment of this command and of the converter (the Terraform variable silver_csv_encodings).\n", err());
        assertEquals(List.of("HeadBucketRequest"), sent);
        assertEquals(Map.of(), objects());
        assertEquals("", out());

        resetOutput();
        BronzeIngestCli declared = new BronzeIngestCli(print(out), print(err), false, recorded, Files::newInputStream,
                new Environment(Map.of("CSV_ENCODINGS", "people:windows-1252")));
        assertEquals(0, declared.run(upload), err());
        assertEquals(List.of("people/u.csv"), List.copyOf(objects().keySet()));
    }

    /**
     * An endpoint that refuses the connection (a closed port: S3 or the network briefly down, an emulator not up yet)
     * is a failure a retry may cure, nothing uploaded: exit code 75 (EX_TEMPFAIL), not 2, which a scheduler is told
     * not to retry on (a typo).
     */
    @Test
    void anUnreachableEndpointIsATemporaryFailureWithExitCode75() throws IOException {
        write("a.csv", "id\n1\n");

        int exit = upload(folder.toString(), "--endpoint-url", "http://127.0.0.1:9");

        assertEquals(75, exit, err());
        List<String> lines = err().lines().toList();
        assertTrue(lines.get(0).startsWith("error: Cannot reach http://127.0.0.1:9 (ConnectException: "), err());
        assertTrue(lines.get(0).endsWith("): check --endpoint-url or AWS_ENDPOINT_URL, and the network"), err());
        assertEquals(TEMPORARY_LINE, lines.get(1), err());
        assertEquals(2, lines.size(), err());
        assertEquals("", out());
    }

    /**
     * A host name that does not resolve is most often a typo (in --endpoint-url, or a region that does not exist in
     * AWS_REGION): retried, it fails forever. It stays a refusal, exit code 2.
     */
    @Test
    void anEndpointWhoseHostDoesNotResolveIsRefusedWithExitCode2() throws IOException {
        write("a.csv", "id\n1\n");

        // .invalid never resolves (RFC 6761, section 6.4).
        int exit = upload(folder.toString(), "--endpoint-url", "http://bronze-endpoint.invalid:4566");

        assertEquals(2, exit, err());
        assertTrue(err().startsWith("error: Cannot reach http://bronze-endpoint.invalid:4566 (UnknownHostException: "), err());
        assertEquals(1, err().lines().count(), err());
    }

    /**
     * S3 answering the bucket check with a server error or throttling at every attempt the SDK makes (SlowDown 503,
     * InternalError 500, 429 Too Many Requests: what the SDK itself retries) is temporary: exit code 75, nothing uploaded, and a
     * run once S3 answers again uploads the file.
     */
    @Test
    void aBucketCheckAnsweredWithServerErrorsIsATemporaryFailureWithExitCode75() throws Exception {
        write("a.csv", "id\n1\n");

        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            for (int status : new int[] {503, 500, 429}) {
                resetOutput();
                Injection failing = proxy.inject(request -> request.method().equals("HEAD") && request.path().equals("/" + bucket), Fault.status(status), 1_000);

                int exit = upload(Files::newInputStream, endpoint -> clientBuilder(Optional.of(proxy.endpoint())).build(), folder.toString());

                assertEquals(75, exit, status + ": " + err());
                assertTrue(failing.hits() > 1, "the SDK retried first: " + failing);
                List<String> lines = err().lines().toList();
                assertTrue(lines.get(0).startsWith("error: Could not check bucket '" + bucket + "' at " + proxy.endpoint() + ": HTTP " + status + " "), err());
                assertEquals(TEMPORARY_LINE, lines.get(1), err());
                assertEquals(2, lines.size(), err());
                assertEquals(Map.of(), objects());
                proxy.clear();
            }

            resetOutput();
            assertEquals(0, upload(Files::newInputStream, endpoint -> clientBuilder(Optional.of(proxy.endpoint())).build(), folder.toString()), err());
            assertEquals(List.of("sales_data/a.csv"), List.copyOf(objects().keySet()));
        }
    }

    /** A connection reset at every attempt of the bucket check, before any answer: temporary, exit code 75. */
    @Test
    void aBucketCheckWhoseConnectionsAreResetIsATemporaryFailureWithExitCode75() throws Exception {
        write("a.csv", "id\n1\n");

        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection reset = proxy.inject(request -> request.method().equals("HEAD") && request.path().equals("/" + bucket), Fault.reset(), 1_000);

            int exit = upload(Files::newInputStream, endpoint -> clientBuilder(Optional.of(proxy.endpoint())).build(), folder.toString());

            assertEquals(75, exit, err());
            assertTrue(reset.hits() > 0, reset.toString());
            assertEquals(TEMPORARY_LINE, err().lines().reduce((first, second) -> second).orElseThrow(), err());
            assertEquals(Map.of(), objects());
        }
    }

    /** A PutObject (no multipart query) of a key ending in {@code name}. */
    private static boolean isPutObject(Request request, String name) {
        return request.method().equals("PUT") && request.path().endsWith("/" + name) && request.query().isEmpty();
    }

    private int upload(String... args) {
        return upload(Files::newInputStream, args);
    }

    private int upload(FileOpener opener, String... args) {
        return upload(opener, endpoint -> clientBuilder(endpoint).build(), args);
    }

    /** A run whose writes' attempts have {@code attemptLimit}, with the emulator's client. */
    private int uploadWithin(UploadAttemptLimit attemptLimit, String... args) {
        List<String> command = new ArrayList<>(List.of("upload"));
        command.addAll(List.of(args));
        command.addAll(List.of("--bucket", bucket));
        return new BronzeIngestCli(print(out), print(err), false, endpoint -> clientBuilder(endpoint).build(), Files::newInputStream,
                new Environment(Map.of()), attemptLimit).run(command);
    }

    private int upload(FileOpener opener, S3ClientFactory clients, String... args) {
        List<String> command = new ArrayList<>(List.of("upload"));
        command.addAll(List.of(args));
        command.addAll(List.of("--bucket", bucket));
        return new BronzeIngestCli(print(out), print(err), false, clients, opener).run(command);
    }

    /** A client for the emulator, or for the endpoint the command was given. */
    private static S3ClientBuilder clientBuilder(Optional<URI> endpoint) {
        return clientBuilder(endpoint, override -> {});
    }

    /**
     * A client for the emulator, or for the endpoint the command was given, with {@code override} and the retries the
     * assertions count: the SDK's legacy mode, 4 attempts, and its retry quota, a new one per client. Left to the SDK, the
     * mode and the attempts come from the machine (AWS_RETRY_MODE, AWS_MAX_ATTEMPTS, the profile's retry_mode and
     * max_attempts; AWS_MAX_ATTEMPTS even over a mode set in code), and "4 attempts" failed where the runner set them.
     */
    private static S3ClientBuilder clientBuilder(Optional<URI> endpoint, Consumer<ClientOverrideConfiguration.Builder> override) {
        return S3Clients.builder(Optional.of(endpoint.orElse(S3.endpoint())))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> configuration
                        .retryStrategy(AwsRetryStrategy.legacyRetryStrategy().toBuilder().maxAttempts(4).build())
                        .applyMutation(override));
    }

    private Path write(String name, String content) throws IOException {
        Path file = folder.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private Map<String, byte[]> objects() {
        Map<String, byte[]> objects = new LinkedHashMap<>();
        for (S3Object object : S3.client().listObjectsV2Paginator(request -> request.bucket(bucket)).contents()) {
            objects.put(object.key(), S3.client().getObjectAsBytes(request -> request.bucket(bucket).key(object.key())).asByteArray());
        }
        return objects;
    }

    private Map<String, Instant> lastModified() {
        Map<String, Instant> modified = new LinkedHashMap<>();
        for (S3Object object : S3.client().listObjectsV2Paginator(request -> request.bucket(bucket)).contents()) {
            modified.put(object.key(), object.lastModified());
        }
        return modified;
    }

    private HeadObjectResponse head(String key) {
        return S3.client().headObject(request -> request.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
    }

    private static String crc32(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Crc32Checksum.of(in).base64();
        }
    }

    /** The content with its last digit replaced by 0xFF, a byte of no UTF-8 form: only a read of the whole file finds it. */
    private static byte[] notUtf8AtTheEnd(byte[] content) {
        content[content.length - 2] = (byte) 0xFF;
        return content;
    }

    /** CSV lines up to exactly {@code size} bytes. */
    private static byte[] csvOfSize(int size) {
        byte[] content = new byte[size];
        byte[] header = "id,amount,region\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, content, 0, header.length);
        int position = header.length;
        for (int row = 1; position < size; row++) {
            byte[] line = (row + "," + (row % 997) + ".25,north\n").getBytes(StandardCharsets.US_ASCII);
            int length = Math.min(line.length, size - position);
            System.arraycopy(line, 0, content, position, length);
            position += length;
        }
        return content;
    }

    private static byte[] gzip(String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    /** Reads a byte at a time; once half the file is read, overwrites its first and last bytes in place, the size unchanged. */
    private static InputStream rewritingHalfway(InputStream in, Path file) throws IOException {
        long size = Files.size(file);
        return new FilterInputStream(in) {
            private long read;
            private boolean rewritten;

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (!rewritten && read >= size / 2) {
                    rewritten = true;
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        channel.write(ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)), 0);
                        channel.write(ByteBuffer.wrap("9".getBytes(StandardCharsets.US_ASCII)), size - 2);
                    }
                }
                int count = super.read(buffer, offset, read < size / 2 ? (int) Math.min(length, size / 2 - read) : length);
                read += Math.max(count, 0);
                return count;
            }
        };
    }

    /** How {@link #changingHalfwayKeepingItsTime} changes a file. */
    private enum Mutation {
        APPENDED,
        TRUNCATED,
        /** Its first and last bytes overwritten, the size unchanged. */
        REWRITTEN
    }

    /** Once half the file is read, changes it in place as {@code mutation} says and sets its modification time back to what it was. */
    private static InputStream changingHalfwayKeepingItsTime(InputStream in, Path file, Mutation mutation) throws IOException {
        long size = Files.size(file);
        return new FilterInputStream(in) {
            private long read;
            private boolean changed;

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (!changed && read >= size / 2) {
                    changed = true;
                    FileTime modified = Files.getLastModifiedTime(file);
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        switch (mutation) {
                            case APPENDED -> channel.write(ByteBuffer.wrap("4,2.00\n".getBytes(StandardCharsets.US_ASCII)), size);
                            case TRUNCATED -> channel.truncate(size - 4);
                            case REWRITTEN -> {
                                channel.write(ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)), 0);
                                channel.write(ByteBuffer.wrap("9".getBytes(StandardCharsets.US_ASCII)), size - 2);
                            }
                        }
                    }
                    Files.setLastModifiedTime(file, modified);
                }
                int count = super.read(buffer, offset, read < size / 2 ? (int) Math.min(length, size / 2 - read) : length);
                read += Math.max(count, 0);
                return count;
            }
        };
    }


    private static InputStream failingAfter(InputStream in, long bytes) {
        return new FilterInputStream(in) {
            private long read;

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (read >= bytes) {
                    throw new IOException("Input/output error (injected)");
                }
                int count = super.read(buffer, offset, (int) Math.min(length, bytes - read));
                read += Math.max(count, 0);
                return count;
            }
        };
    }

    private static String table(String first, int uploaded, int skipped, int failed, long bytes) {
        return first + " " + uploaded + " " + skipped + " " + failed + " " + bytes;
    }

    /** The table's header and numbers without alignment or seconds, for comparing. */
    private static String tableOf(String printed) {
        List<String> lines = printed.lines().toList();
        assertEquals(2, lines.size(), printed);
        String header = lines.get(0).strip().replaceFirst("\\s+skipped\\s+failed(\\s+not attempted)?\\s+bytes\\s+seconds$", "");
        String[] values = lines.get(1).strip().split("\\s+");
        return header + " " + String.join(" ", List.of(values).subList(0, values.length - 1));
    }

    private void resetOutput() {
        out.reset();
        err.reset();
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
