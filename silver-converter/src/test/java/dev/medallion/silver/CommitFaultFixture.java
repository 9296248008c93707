package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.Request;
import dev.medallion.common.testing.S3Emulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the commit fault tests ({@link SilverCommitFaultIT}, {@link SilverCommitStepFaultIT}) run on: a bronze and a silver
 * bucket of the S3 emulator, a {@link FaultProxy} in front of it with a client through it (checked, after each test, to
 * have worked itself), a source file of {@link #ROWS} rows in parts of 2,000, the converter's log lines kept for
 * {@link CountedLines}, and the checks of what a run leaves, read past the proxy.
 */
abstract class CommitFaultFixture {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    static final String DATASET = "sales";
    static final SilverLayout LAYOUT = new SilverLayout("");
    /** Chunks of 2,000 rows, a part per chunk: a run has several uploads to publish. */
    static final ConversionLimits LIMITS = new ConversionLimits(2_000, 1 << 30, 1, 1 << 20);
    static final int ROWS = 10_000;
    static final int PARTS = ROWS / LIMITS.chunkRows();
    /** Quarantined whatever types the contract has: the header has two fields. */
    static final String BAD_ROW = "7,too,many\n";

    @TempDir
    Path temporary;

    FaultProxy proxy;
    /** A client whose every request goes through {@link #proxy}. */
    S3Client faulty;
    String bronzeBucket;
    String silverBucket;
    /** The buckets read and written past the proxy. */
    S3ObjectStore bronze;
    S3ObjectStore silver;
    final ByteArrayOutputStream logLines = new ByteArrayOutputStream();

    @BeforeEach
    void startBucketsAndProxy() throws IOException {
        bronzeBucket = S3.createBucket("bronze");
        silverBucket = S3.createBucket("silver");
        bronze = new S3ObjectStore(S3.client(), bronzeBucket);
        silver = new S3ObjectStore(S3.client(), silverBucket);
        proxy = FaultProxy.start(S3.endpoint());
        faulty = S3.clientThrough(proxy.endpoint());
    }

    /**
     * Closes the client and the proxy whatever happens, then asserts the proxy worked: asserting first left a failing
     * test's proxy, its port and its threads, open into the next test. After closing, the assertion also sees a close
     * that failed (its listening socket, connection threads still running).
     */
    @AfterEach
    void closeProxy() {
        try {
            faulty.close();
        }
        finally {
            proxy.close();
        }
        assertEquals(List.of(), proxy.failures(), "the proxy itself worked");
    }

    /** Converts {@code source} as a delivery does, reading bronze and writing silver through the proxy. */
    ConversionResult convertThroughProxy(SourceObject source) throws IOException {
        S3ObjectStore bronzeThroughProxy = new S3ObjectStore(faulty, bronzeBucket);
        return converter(new S3ObjectStore(faulty, silverBucket))
                .convert(source, DATASET, () -> bronzeThroughProxy.open(source.key(), Optional.of(source.etag())));
    }

    SilverConverter converter(S3ObjectStore store) {
        return converter(store, Clock.systemUTC());
    }

    /** A converter writing to {@code store}, its lines into {@link #logLines}, at the time of {@code clock}. */
    SilverConverter converter(S3ObjectStore store, Clock clock) {
        return new SilverConverter(store, LAYOUT, LIMITS, CsvOverrides.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), clock),
                clock);
    }

    SourceObject upload(String key, byte[] content) throws IOException {
        bronze.put(key, content);
        ObjectInfo info = bronze.stat(key).orElseThrow();
        return new SourceObject(bronzeBucket, key, info.etag(), info.size(), info.lastModified());
    }

    /**
     * A duplicate delivery of {@code source} held by the proxy at its first request {@code heldAt} matches (the duplicate
     * reached {@code where}) while another run commits past the proxy, then released with a reset: it fails, or goes on,
     * loses the race and reports the winner's commit. {@code reach} bounds the wait for the duplicate to get there.
     */
    void assertADuplicateHeldWhileAnotherCommitsLoses(SourceObject source, Predicate<Request> heldAt, String where, Duration reach) throws Exception {
        Injection held = proxy.inject(heldAt, Fault.hold(), 1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ConversionResult> duplicate = pool.submit(() -> convertThroughProxy(source));
            assertTrue(held.awaitHits(1, reach), "the duplicate reached " + where);

            ConversionResult committed = converter(silver).convert(source, DATASET, () -> bronze.open(source.key(), Optional.of(source.etag())));
            assertFalse(committed.unchanged());
            // Released with a reset: the duplicate fails there (its SDK may retry and then lose the race).
            proxy.clear();
            try {
                ConversionResult outcome = duplicate.get(60, TimeUnit.SECONDS);
                assertTrue(outcome.unchanged(), "a duplicate that goes on loses the race and reports the winner's commit");
                assertEquals(committed.manifest().run(), outcome.manifest().run());
            }
            catch (ExecutionException e) {
                assertInstanceOf(IOException.class, e.getCause());
            }
        }
        finally {
            pool.shutdownNow();
        }
    }

    /** Nothing in the bucket but the schema contract and what starts with one of {@code alsoKept}. */
    void assertNothingVisible(String... alsoKept) throws IOException {
        assertEquals(List.of(), silver.list("").stream()
                .filter(key -> !key.startsWith("_schemas/") && Arrays.stream(alsoKept).noneMatch(key::startsWith))
                .toList(), "nothing visible but the schema contract" + (alsoKept.length == 0 ? "" : " and what starts with " + Arrays.toString(alsoKept)));
    }

    /** No multipart upload of the silver bucket is open (read past the proxy): the run aborted every one it started. */
    void assertNoUploadLeftOpen() {
        assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(silverBucket)).uploads().stream()
                .map(upload -> upload.key() + " " + upload.uploadId()).toList(), "no multipart upload left open");
    }

    /** The source's manifest as committed, read past the proxy. */
    Manifest silverManifest(SourceObject source) throws IOException {
        return new ManifestStore(silver).read(LAYOUT.manifestKey(DATASET, source.key())).orElseThrow();
    }

    List<String> parquetKeys() throws IOException {
        return ExactlyOnce.parquetKeys(silver, DATASET);
    }

    /** {@link ExactlyOnce#assertExactlyOnce}, now: each row once, and no publishing marker left past its bound. */
    void assertExactlyOnce(SourceObject source, int validRows, int quarantinedRows) throws IOException {
        ExactlyOnce.assertExactlyOnce(silver, LAYOUT, DATASET, source, validRows, quarantinedRows, temporary, Instant.now());
    }
}
