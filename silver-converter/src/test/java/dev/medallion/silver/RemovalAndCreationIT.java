package dev.medallion.silver;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import dev.medallion.common.config.Environment;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.silver.lambda.S3Events;
import dev.medallion.silver.lambda.SilverConverterHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An {@code ObjectRemoved} and an {@code ObjectCreated} record for one key at the same moment (docs/silver-converter.md, "Deleting a
 * bronze file"), on the S3 emulator, bronze versioned as deployed: both records in one event, in either order (one invocation, its
 * records handled one after the other), and each in an invocation of its own, the two started at once on two threads by two handlers
 * (two Lambda execution environments), nothing held: the race runs as it falls (only each conditional write is sent under one
 * lock, {@link #CONDITIONAL_WRITES}, as S3 decides them one at a time). For each state of the key ({@link KeyState}),
 * silver ends with what bronze holds, each round: the current version's rows each once when the key holds an object, none when it
 * holds a delete marker; manifest rows = Parquet rows read back = source rows; nothing half-committed (no stray part, quarantine
 * file, publishing marker or open multipart upload); and each outcome logged once (one counted conversion line, one withdrawal line).
 */
class RemovalAndCreationIT {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    /** Rounds of a one-event case, each on fresh buckets (its records run in order, its S3 requests timed differently each time). */
    private static final int ROUNDS = 4;
    /**
     * The two invocations' starts, in milliseconds after the barrier, a round each, each on fresh buckets: the same moment, then each record
     * ahead by about one S3 request, then by several, so that the race falls at each step of the other invocation.
     */
    private static final List<long[]> STARTS = List.of(new long[] {0, 0}, new long[] {0, 0}, new long[] {0, 15}, new long[] {15, 0},
            new long[] {0, 60}, new long[] {60, 0});
    private static final String DATASET = "sales";
    private static final SilverLayout LAYOUT = new SilverLayout("");
    private static final String KEY = "sales/src.csv";
    private static final String CHUNK_ROWS = "2000";
    /** Quarantined whatever the contract: the header has two fields. */
    private static final String BAD_ROW = "7,too,many\n";

    /**
     * Held by every handler of this class around a conditional write (a manifest's {@code If-None-Match: *} or {@code If-Match}):
     * moto 5.2.1 checks the condition and then writes with no lock between, so two that arrive together can both land there,
     * where S3 lets exactly one (docs/testing.md). Requests are otherwise sent as they come: the race itself is not ordered.
     */
    private static final ReentrantLock CONDITIONAL_WRITES = new ReentrantLock();

    @TempDir
    Path temporary;

    private final List<S3Client> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(S3Client::close);
    }

    /**
     * What happened to {@link #KEY} before the two records are delivered, and what silver must hold after: the rows of the object
     * the key holds then (none for a delete marker).
     */
    enum KeyState {
        /** Converted, deleted (a delete marker), then uploaded again with other rows: the new upload's rows, each once. */
        DELETED_THEN_UPLOADED_AGAIN,
        /**
         * Converted, deleted, then uploaded again with the same bytes (the same ETag): its rows, each once, as its manifest records
         * them already, so neither record commits (nor counts) anything.
         */
        DELETED_THEN_THE_SAME_BYTES_UPLOADED_AGAIN,
        /** Converted, uploaded again with other rows, then deleted: nothing (the new upload's event comes with the removal). */
        UPLOADED_AGAIN_THEN_DELETED,
        /**
         * Converted, its next version converted, then deleted, and the ObjectCreated event of the first, older version arriving with
         * the removal (S3 delivers out of order, or Lambda retries it late): nothing.
         */
        OLDER_VERSIONS_EVENT_AFTER_THE_DELETE
    }

    /** The two records of a state, and the rows bronze holds once they are delivered (empty: a delete marker). */
    private record Delivery(S3Event removal, S3Event created, Optional<Expected> expected) {}

    /** {@code committed}: whether one of the two records commits the object (else its manifest records it already). */
    private record Expected(SourceObject source, int validRows, int quarantinedRows, boolean committed) {}

    @ParameterizedTest
    @EnumSource(KeyState.class)
    void bothRecordsInOneEventRemovalFirst(KeyState state) throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            Round buckets = new Round();
            Delivery delivery = buckets.prepare(state);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            List<String> outcomes = buckets.handler(log).handleRequest(oneEvent(delivery.removal(), delivery.created()), null);
            assertEquals(2, outcomes.size(), "one outcome a record: " + outcomes);
            buckets.assertSilverHoldsWhatBronzeHolds(state, delivery, List.of(log), "round " + round + ", removal first: " + outcomes);
        }
    }

    @ParameterizedTest
    @EnumSource(KeyState.class)
    void bothRecordsInOneEventCreationFirst(KeyState state) throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            Round buckets = new Round();
            Delivery delivery = buckets.prepare(state);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            List<String> outcomes = buckets.handler(log).handleRequest(oneEvent(delivery.created(), delivery.removal()), null);
            assertEquals(2, outcomes.size(), "one outcome a record: " + outcomes);
            buckets.assertSilverHoldsWhatBronzeHolds(state, delivery, List.of(log), "round " + round + ", creation first: " + outcomes);
        }
    }

    /**
     * Two invocations at once, each its own handler, S3 client and log (two execution environments), released together by a barrier.
     * Neither may fail: each race they can run is one the commit protocol settles (two conversions of one version, two withdrawals
     * of one version, a removal finding the key present), with no retry needed.
     */
    @ParameterizedTest
    @EnumSource(KeyState.class)
    void eachRecordInAnInvocationOfItsOwnAtTheSameMoment(KeyState state) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 1; round <= STARTS.size(); round++) {
                long removalStart = STARTS.get(round - 1)[0];
                long createdStart = STARTS.get(round - 1)[1];
                Round buckets = new Round();
                Delivery delivery = buckets.prepare(state);
                ByteArrayOutputStream removalLog = new ByteArrayOutputStream();
                ByteArrayOutputStream createdLog = new ByteArrayOutputStream();
                SilverConverterHandler removalHandler = buckets.handler(removalLog);
                SilverConverterHandler createdHandler = buckets.handler(createdLog);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<List<String>> removal = pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    Thread.sleep(removalStart);
                    return removalHandler.handleRequest(delivery.removal(), null);
                });
                Future<List<String>> created = pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    Thread.sleep(createdStart);
                    return createdHandler.handleRequest(delivery.created(), null);
                });
                List<String> outcomes = new ArrayList<>(removal.get(120, TimeUnit.SECONDS));
                outcomes.addAll(created.get(120, TimeUnit.SECONDS));
                buckets.assertSilverHoldsWhatBronzeHolds(state, delivery, List.of(removalLog, createdLog),
                        "round " + round + ", two invocations at once, the removal started after " + removalStart + " ms, the creation after "
                                + createdStart + " ms: " + outcomes);
            }
        }
        finally {
            pool.shutdownNow();
        }
    }

    /** One event holding {@code first}'s record, then {@code second}'s. */
    private static S3Event oneEvent(S3Event first, S3Event second) {
        List<S3EventNotificationRecord> records = new ArrayList<>(first.getRecords());
        records.addAll(second.getRecords());
        return new S3Event(records);
    }

    /** {@code rows} rows whose ids start at 0, then {@code extra} verbatim. */
    private static byte[] csv(int rows, String extra) {
        return ExactlyOnce.csv(rows, extra);
    }

    /** Fresh buckets for one round, bronze versioned as terraform/storage.tf makes it. */
    private final class Round {
        private final String bronzeBucket = S3.createBucket("bronze");
        private final String silverBucket = S3.createBucket("silver");
        private final S3ObjectStore bronze = new S3ObjectStore(S3.client(), bronzeBucket);
        private final S3ObjectStore silver = new S3ObjectStore(S3.client(), silverBucket);

        Round() {
            S3.client().putBucketVersioning(request -> request.bucket(bronzeBucket)
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        }

        /** Brings {@link #KEY} to {@code state} and returns its two records (their events made as S3 sends them). */
        Delivery prepare(KeyState state) throws IOException {
            return switch (state) {
                case DELETED_THEN_UPLOADED_AGAIN -> {
                    convertNow(upload(csv(1_000, "")));
                    delete();
                    ObjectInfo again = upload(csv(3_000, BAD_ROW));
                    yield new Delivery(removal(), created(again), Optional.of(new Expected(source(again), 3_000, 1, true)));
                }
                case DELETED_THEN_THE_SAME_BYTES_UPLOADED_AGAIN -> {
                    byte[] content = csv(3_000, BAD_ROW);
                    convertNow(upload(content));
                    delete();
                    ObjectInfo again = upload(content);
                    yield new Delivery(removal(), created(again), Optional.of(new Expected(source(again), 3_000, 1, false)));
                }
                case UPLOADED_AGAIN_THEN_DELETED -> {
                    convertNow(upload(csv(1_000, "")));
                    ObjectInfo again = upload(csv(3_000, BAD_ROW));
                    delete();
                    yield new Delivery(removal(), created(again), Optional.empty());
                }
                case OLDER_VERSIONS_EVENT_AFTER_THE_DELETE -> {
                    ObjectInfo older = upload(csv(1_000, ""));
                    convertNow(older);
                    convertNow(upload(csv(3_000, BAD_ROW)));
                    delete();
                    yield new Delivery(removal(), created(older), Optional.empty());
                }
            };
        }

        /** The handler of one execution environment: its own S3 client, its lines into {@code log}. */
        SilverConverterHandler handler(ByteArrayOutputStream log) {
            S3Client client = S3Clients.builder(Optional.of(S3.endpoint()))
                    .httpClientBuilder(null)
                    .httpClient(new OneConditionalWriteAtATime(UrlConnectionHttpClient.create()))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .build();
            clients.add(client);
            return new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", silverBucket, "CHUNK_ROWS", CHUNK_ROWS)), client,
                    new JsonLog(new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC()));
        }

        /** The object's own conversion, before the records of the race: a handler for its ObjectCreated event, its log dropped. */
        private void convertNow(ObjectInfo object) throws IOException {
            List<String> outcome = handler(new ByteArrayOutputStream()).handleRequest(created(object), null);
            assertEquals(List.of("converted s3://" + bronzeBucket + "/" + KEY), outcome);
        }

        private ObjectInfo upload(byte[] content) throws IOException {
            bronze.put(KEY, content);
            return bronze.stat(KEY).orElseThrow();
        }

        /** A plain DELETE: a delete marker over the key's versions. */
        private void delete() {
            S3.client().deleteObject(request -> request.bucket(bronzeBucket).key(KEY));
        }

        private S3Event created(ObjectInfo object) throws IOException {
            return S3Events.objectCreated(bronzeBucket, object, temporary);
        }

        private S3Event removal() throws IOException {
            return S3Events.objectRemoved(bronzeBucket, KEY, "ObjectRemoved:DeleteMarkerCreated", "deletemarkerversion", temporary);
        }

        private SourceObject source(ObjectInfo object) {
            return new SourceObject(bronzeBucket, KEY, object.etag(), object.size(), object.lastModified());
        }

        /**
         * Silver holds the rows of what bronze holds now, each once, nothing half-committed, and {@code logs} (every invocation's of
         * the two records) hold one counted line for a conversion and one withdrawal line for a withdrawal, no more.
         */
        void assertSilverHoldsWhatBronzeHolds(KeyState state, Delivery delivery, List<ByteArrayOutputStream> logs, String context)
                throws IOException {
            requireNonNull(context, "context is null");
            ByteArrayOutputStream lines = new ByteArrayOutputStream();
            for (ByteArrayOutputStream log : logs) {
                lines.writeBytes(log.toByteArray());
            }
            String where = state + ", " + context + "\n" + lines.toString(StandardCharsets.UTF_8);
            assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(silverBucket)).uploads(),
                    "no upload left open: " + where);
            if (delivery.expected().isPresent()) {
                Expected expected = delivery.expected().get();
                assertEquals(Optional.of(expected.source().etag()), bronze.stat(KEY).map(ObjectInfo::etag), "bronze holds the upload: " + where);
                ExactlyOnce.assertExactlyOnce(silver, LAYOUT, DATASET, expected.source(), expected.validRows(), expected.quarantinedRows(),
                        temporary, Instant.now());
                assertEquals(Manifest.CONVERTED, manifest().status(), where);
                if (expected.committed()) {
                    CountedLines.assertCountedOnce(lines, expected.validRows(), expected.quarantinedRows());
                }
                else {
                    assertEquals(List.of(), CountedLines.countedLines(lines), "committed and counted before the two records: " + where);
                }
                assertEquals(List.of(), CountedLines.withdrawnLines(lines), "nothing withdrawn: " + where);
            }
            else {
                assertTrue(bronze.stat(KEY).isEmpty(), "bronze holds a delete marker: " + where);
                assertEquals(Manifest.WITHDRAWN, manifest().status(), where);
                assertEquals(List.of(), ExactlyOnce.parquetKeys(silver, DATASET), "no row of the deleted file: " + where);
                assertEquals(List.of(), silver.list("_quarantine/"), "nor its quarantine file: " + where);
                assertEquals(List.of(), silver.list("_publishing/"), "nor a publishing marker: " + where);
                assertEquals(List.of(), CountedLines.countedLines(lines), "no conversion counted for a file deleted: " + where);
                assertEquals(1, CountedLines.withdrawnLines(lines).size(), "the withdrawal, once: " + where);
            }
        }

        private Manifest manifest() throws IOException {
            return new ManifestStore(silver).read(LAYOUT.manifestKey(DATASET, KEY)).orElseThrow();
        }
    }

    /**
     * Sends each conditional write under {@link #CONDITIONAL_WRITES}, as S3 decides them, one at a time; every other request as
     * it comes. The write has taken effect when its answer's head arrives, so the lock is released then.
     */
    private static final class OneConditionalWriteAtATime implements SdkHttpClient {
        private final SdkHttpClient delegate;

        OneConditionalWriteAtATime(SdkHttpClient delegate) {
            this.delegate = requireNonNull(delegate, "delegate is null");
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            ExecutableHttpRequest call = delegate.prepareRequest(request);
            if (!conditionalWrite(request.httpRequest())) {
                return call;
            }
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    CONDITIONAL_WRITES.lock();
                    try {
                        return call.call();
                    }
                    finally {
                        CONDITIONAL_WRITES.unlock();
                    }
                }

                @Override
                public void abort() {
                    call.abort();
                }
            };
        }

        private static boolean conditionalWrite(SdkHttpRequest request) {
            return request.method().name().equals("PUT")
                    && (request.firstMatchingHeader("If-None-Match").isPresent() || request.firstMatchingHeader("If-Match").isPresent());
        }

        @Override
        public String clientName() {
            return delegate.clientName();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
