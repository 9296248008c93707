package dev.medallion.common.storage;

import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.Request;
import dev.medallion.common.testing.S3Answers;
import dev.medallion.common.testing.S3Emulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.time.temporal.ChronoUnit.MINUTES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class S3ObjectStoreIT {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    private static final int PART_SIZE = S3ObjectStore.MINIMUM_PART_SIZE;

    private S3Client client;
    private String bucket;
    private S3ObjectStore store;

    @BeforeEach
    void setUp() {
        client = S3.client();
        bucket = S3.createBucket("object-store");
        store = new S3ObjectStore(client, bucket, PART_SIZE);
    }

    @Test
    void statOfMissingAndExistingKey() throws IOException {
        assertEquals(Optional.empty(), store.stat("missing/key"));

        Instant before = Instant.now().minus(1, MINUTES);
        store.put("dir/object.json", bytes("{\"a\": 1}"));
        ObjectInfo info = store.stat("dir/object.json").orElseThrow();
        assertEquals("dir/object.json", info.key());
        assertEquals(8, info.size());
        assertEquals(md5Hex(bytes("{\"a\": 1}")), info.etag(), "a single-part ETag is the bare MD5, without quotes");
        assertTrue(info.lastModified().isAfter(before), info.lastModified().toString());
    }

    @Test
    void missingBucket() throws IOException {
        S3ObjectStore missing = new S3ObjectStore(client, "no-such-bucket-" + bucket.hashCode());
        // HEAD has no body to tell a missing bucket from a missing key: both are "no object".
        assertEquals(Optional.empty(), missing.stat("key"));
        IOException e = assertThrows(IOException.class, () -> missing.read("key"));
        assertTrue(e.getMessage().contains("s3://no-such-bucket-"), e.getMessage());
        // A replacement's 404 NoSuchBucket is a setting to fix, not a writer that came first (which a commit would take it for).
        IOException replace = assertThrows(IOException.class, () -> missing.putIf("key", bytes("x"), Optional.of("etag")));
        assertTrue(replace.getMessage().contains("s3://no-such-bucket-"), replace.getMessage());
    }

    @Test
    void multipartUploadStreamsBackByteForByteOnceClosedAndPublished() throws IOException {
        byte[] content = randomBytes(12 << 20, 1);
        ObjectUpload upload = store.create("big/object.bin");
        // Odd-sized writes cross part boundaries at arbitrary offsets.
        for (int offset = 0; offset < content.length; ) {
            int length = Math.min(777_777, content.length - offset);
            upload.write(content, offset, length);
            offset += length;
            assertEquals(offset, upload.position());
        }
        assertEquals(1, pendingUploads().size(), "two full parts made a multipart upload");
        upload.close();
        assertEquals(Optional.empty(), store.stat("big/object.bin"), "nothing is visible before publish");
        assertEquals(1, pendingUploads().size(), "closing sends the last part and completes nothing");
        upload.publish();
        upload.publish();
        upload.abort();
        assertEquals(List.of(), pendingUploads(), "publish completes the multipart upload");

        ObjectInfo info = store.stat("big/object.bin").orElseThrow();
        assertEquals(content.length, info.size());
        assertTrue(info.etag().endsWith("-3"), "12 MiB in 5 MiB parts is three parts: " + info.etag());
        assertEquals(multipartEtag(content, PART_SIZE), info.etag(), "the ETag is S3's MD5 of the parts' MD5s");

        try (InputStream in = store.open("big/object.bin", Optional.of(info.etag()))) {
            assertArrayEquals(content, readFully(in));
        }
        try (InputStream in = store.open("big/object.bin", Optional.empty())) {
            assertArrayEquals(content, readFully(in));
        }
    }

    @Test
    void aSmallObjectIsStagedAsAMultipartUploadOfOnePart() throws IOException {
        ObjectUpload upload = store.create("small.csv");
        upload.write(bytes("a,b\n"));
        upload.write('1');
        upload.write(bytes(",2\nignored"), 0, 3);
        assertEquals(8, upload.position());
        assertEquals(List.of(), pendingUploads(), "nothing is sent before a part is full or the upload closes");
        upload.close();
        upload.close();
        assertEquals(1, pendingUploads().size());
        assertEquals(Optional.empty(), store.stat("small.csv"));
        assertThrows(IOException.class, () -> upload.write(bytes("late")));

        upload.publish();
        assertEquals("a,b\n1,2\n", new String(store.read("small.csv").orElseThrow(), UTF_8));
        assertEquals(multipartEtag(bytes("a,b\n1,2\n"), PART_SIZE), store.stat("small.csv").orElseThrow().etag());
        assertEquals(List.of(), pendingUploads());
    }

    @Test
    void onePartAndOneByteIsTwoParts() throws IOException {
        byte[] content = randomBytes(PART_SIZE + 1, 3);
        ObjectUpload upload = store.create("two-parts");
        for (byte b : content) {
            upload.write(b);
        }
        upload.close();
        upload.publish();
        assertEquals(multipartEtag(content, PART_SIZE), store.stat("two-parts").orElseThrow().etag());
        assertArrayEquals(content, store.read("two-parts").orElseThrow());
        assertEquals(List.of(), pendingUploads());
    }

    @Test
    void emptyUploadMakesAnEmptyObjectWhenPublished() throws IOException {
        ObjectUpload upload = store.create("empty");
        upload.close();
        assertEquals(Optional.empty(), store.stat("empty"));
        assertEquals(List.of(), pendingUploads());
        upload.publish();
        assertEquals(0, store.stat("empty").orElseThrow().size());
        assertArrayEquals(new byte[0], store.read("empty").orElseThrow());
    }

    @Test
    void onlyAClosedUploadCanBePublished() throws IOException {
        ObjectUpload upload = store.create("open.bin");
        upload.write(bytes("x"));
        assertThrows(IllegalStateException.class, upload::publish);
        upload.abort();
        assertThrows(IllegalStateException.class, upload::publish, "nor an aborted one");
    }

    @Test
    void abortBeforeOrAfterCloseLeavesNoObjectAndNoPendingUpload() throws IOException {
        ObjectUpload open = store.create("aborted.bin");
        open.write(randomBytes(2 * PART_SIZE + 10, 4));
        assertEquals(1, pendingUploads().size());
        open.abort();
        open.abort();
        assertThrows(IOException.class, open::close, "an aborted upload never reports success");

        ObjectUpload closed = store.create("aborted-after-close.csv");
        closed.write(bytes("x"));
        closed.close();
        assertEquals(1, pendingUploads().size());
        closed.abort();

        assertEquals(List.of(), pendingUploads());
        assertEquals(Optional.empty(), store.stat("aborted.bin"));
        assertEquals(List.of(), store.list(""));
    }

    @Test
    void failedPartUploadAbortsAndRefusesToClose() throws IOException {
        S3ObjectStore missingBucket = new S3ObjectStore(client, "no-such-bucket-" + bucket.hashCode(), PART_SIZE);
        ObjectUpload upload = missingBucket.create("key");
        IOException e = assertThrows(IOException.class, () -> upload.write(randomBytes(PART_SIZE + 1, 5)));
        assertTrue(e.getMessage().contains("s3://no-such-bucket-"), e.getMessage());
        IOException onClose = assertThrows(IOException.class, upload::close);
        assertTrue(onClose.getMessage().contains("failed earlier"), onClose.getMessage());
        upload.abort();
    }

    @Test
    void publishFailsWhenTheUploadWasAbortedFromUnderIt() throws IOException {
        ObjectUpload upload = store.create("raced.bin");
        upload.write(randomBytes(PART_SIZE + 1, 6));
        upload.close();
        // A lifecycle rule (or anyone) aborts our upload; completing must fail, not publish half an object.
        MultipartUpload pending = pendingUploads().get(0);
        client.abortMultipartUpload(request -> request.bucket(bucket).key(pending.key()).uploadId(pending.uploadId()));

        IOException e = assertThrows(IOException.class, upload::publish);
        assertTrue(e.getMessage().contains("s3://" + bucket + "/raced.bin"), e.getMessage());
        assertEquals(Optional.empty(), store.stat("raced.bin"));
    }

    @Test
    void putIfReplacesOnlyTheVersionRead() throws IOException {
        String first = store.putIf("_manifests/m.json", bytes("first"), Optional.empty()).orElseThrow();
        VersionedContent read = store.readVersioned("_manifests/m.json").orElseThrow();
        assertEquals(first, read.etag());
        assertEquals(store.stat("_manifests/m.json").orElseThrow().etag(), first);

        assertEquals(Optional.empty(), store.putIf("_manifests/m.json", bytes("again"), Optional.empty()), "it exists");
        String second = store.putIf("_manifests/m.json", bytes("second"), Optional.of(first)).orElseThrow();
        assertNotEquals(first, second);
        assertEquals(Optional.empty(), store.putIf("_manifests/m.json", bytes("stale"), Optional.of(first)), "a version no longer there");
        assertEquals(Optional.empty(), store.putIf("_manifests/gone.json", bytes("x"), Optional.of(first)), "no object to replace");
        assertEquals(Optional.empty(), store.stat("_manifests/gone.json"));
        VersionedContent now = store.readVersioned("_manifests/m.json").orElseThrow();
        assertEquals("second", new String(now.content(), UTF_8));
        assertEquals(second, now.etag());
        assertEquals(Optional.empty(), store.readVersioned("_manifests/none.json"));
    }

    /**
     * S3 asks for a conditional write to be sent again only when it answers 409 ConditionalRequestConflict (another
     * conditional write to the key in flight) or OperationAborted (a conflicting conditional operation in progress).
     * Any other 409 (InvalidBucketState, BucketNotEmpty) is no such race: the write is refused at once, nothing written,
     * and says what S3 answered.
     */
    @Test
    void aConflictOtherThanAConditionalWriteInFlightRefusesTheWriteAtOnce() throws IOException {
        store.put("kept.json", bytes("kept"));
        String kept = store.stat("kept.json").orElseThrow().etag();
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint()); S3Client through = S3.clientThrough(proxy.endpoint())) {
            S3ObjectStore conflicted = new S3ObjectStore(through, bucket, PART_SIZE);
            for (String code : List.of("InvalidBucketState", "BucketNotEmpty")) {
                for (Optional<String> expected : List.of(Optional.<String>empty(), Optional.of(kept))) {
                    String key = expected.isPresent() ? "kept.json" : "new.json";
                    Injection conflict = proxy.inject(request -> request.method().equals("PUT"), Fault.status(409, code), 1);
                    long putsBefore = proxy.requests().stream().filter(request -> request.method().equals("PUT")).count();

                    WriteRefusedException e = assertThrows(WriteRefusedException.class, () -> conflicted.putIf(key, bytes("mine"), expected));

                    assertEquals(1, conflict.hits(), conflict.toString());
                    assertEquals(putsBefore + 1, proxy.requests().stream().filter(request -> request.method().equals("PUT")).count(), "sent once, not again: " + code);
                    assertTrue(e.getMessage().startsWith("S3 refused to conditionally write s3://" + bucket + "/" + key + ": "), e.getMessage());
                    assertTrue(e.getMessage().contains("Status Code: 409"), e.getMessage());
                    assertEquals(code, ((S3Exception) e.getCause()).awsErrorDetails().errorCode());
                    proxy.clear();
                }
            }
        }
        assertEquals(Optional.empty(), store.stat("new.json"), "nothing written");
        assertEquals("kept", new String(store.read("kept.json").orElseThrow(), UTF_8));
    }

    /**
     * A 409 ConditionalRequestConflict or OperationAborted is the race: the write is sent again once the other one has
     * had a moment, and lands.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ConditionalRequestConflict", "OperationAborted"})
    void aConditionalWriteInFlightIsWaitedForAndTheWriteSentAgain(String code) throws IOException {
        String key = "raced-" + code + ".json";
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint()); S3Client through = S3.clientThrough(proxy.endpoint())) {
            S3ObjectStore conflicted = new S3ObjectStore(through, bucket, PART_SIZE);
            Injection conflict = proxy.inject(request -> request.method().equals("PUT"), Fault.status(409, code), 2);

            assertTrue(conflicted.putIf(key, bytes("mine"), Optional.empty()).isPresent());

            assertEquals(2, conflict.hits(), conflict.toString());
        }
        assertEquals("mine", new String(store.read(key).orElseThrow(), UTF_8));
    }

    @Test
    void ofConcurrentReplacementsOfOneVersionExactlyOneWins() throws Exception {
        String base = store.putIf("m.json", bytes("base"), Optional.empty()).orElseThrow();
        int writers = 8;
        List<Thread> threads = new ArrayList<>();
        List<Optional<String>> results = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int writer = i;
            threads.add(new Thread(() -> {
                try {
                    Optional<String> result = store.putIf("m.json", bytes("writer " + writer), Optional.of(base));
                    synchronized (results) {
                        results.add(result);
                    }
                }
                catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(writers, results.size());
        assertEquals(1, results.stream().filter(Optional::isPresent).count(), results.toString());
    }

    @Test
    void openOfMissingKeyIsNoSuchFile() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> store.open("missing.csv", Optional.empty()));
        assertEquals("s3://" + bucket + "/missing.csv", e.getMessage());
        assertFalse(e instanceof ObjectDeletedException, "a read that named no version cannot tell a deletion");
        // S3 answers a GET with If-Match on a key with no object 404 NoSuchKey: named by its reader's ETag, a deletion since.
        ObjectDeletedException deleted = assertThrows(ObjectDeletedException.class, () -> store.open("missing.csv", Optional.of("0123")));
        assertTrue(deleted.getMessage().contains("s3://" + bucket + "/missing.csv") && deleted.getMessage().contains("0123"), deleted.getMessage());
        assertThrows(ObjectDeletedException.class, () -> store.openRange("missing.csv", Optional.of("0123"), 0, 4));
    }

    @Test
    void openWithStaleEtagFails() throws IOException {
        store.put("changing.csv", bytes("version 1"));
        String first = store.stat("changing.csv").orElseThrow().etag();
        store.put("changing.csv", bytes("version 2"));

        IOException e = assertThrows(IOException.class, () -> store.open("changing.csv", Optional.of(first)));
        assertTrue(e.getMessage().contains("s3://" + bucket + "/changing.csv") && e.getMessage().contains(first), e.getMessage());

        String second = store.stat("changing.csv").orElseThrow().etag();
        try (InputStream in = store.open("changing.csv", Optional.of(second))) {
            assertEquals("version 2", new String(in.readAllBytes(), UTF_8));
        }
        try (InputStream in = store.open("changing.csv", Optional.of("\"" + second + "\""))) {
            assertEquals("version 2", new String(in.readAllBytes(), UTF_8), "a quoted ETag is accepted too");
        }
    }

    @Test
    void rangesReadExactlyTheirBytesAndRefuseAnotherVersion() throws IOException {
        store.put("ranged.csv", bytes("0123456789"));
        String etag = store.stat("ranged.csv").orElseThrow().etag();
        try (InputStream first = store.openRange("ranged.csv", Optional.of(etag), 0, 4);
                InputStream middle = store.openRange("ranged.csv", Optional.of(etag), 4, 9);
                InputStream last = store.openRange("ranged.csv", Optional.of(etag), 9, 10)) {
            assertEquals("0123", new String(first.readAllBytes(), UTF_8));
            assertEquals("45678", new String(middle.readAllBytes(), UTF_8));
            assertEquals("9", new String(last.readAllBytes(), UTF_8));
        }
        store.put("ranged.csv", bytes("replaced!!"));
        IOException e = assertThrows(IOException.class, () -> store.openRange("ranged.csv", Optional.of(etag), 4, 9));
        assertTrue(e.getMessage().contains(etag), e.getMessage());
    }

    @Test
    void readWholeObject() throws IOException {
        assertEquals(Optional.empty(), store.read("_manifests/none.json"));
        store.put("_manifests/run.json", bytes("{}"));
        assertEquals("{}", new String(store.read("_manifests/run.json").orElseThrow(), UTF_8));
    }

    /** The HTTP client takes a cleanly closed connection for the end of the body; only the announced length tells. */
    @Test
    void aSmallObjectWhoseDownloadIsCutShortIsAFailureNotAShorterObject() throws IOException {
        store.put("_manifests/run.json", bytes("{\"formatVersion\": 1, \"run\": \"g1-0123abcd\"}"));
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint()); S3Client through = S3.clientThrough(proxy.endpoint())) {
            proxy.inject(request -> request.method().equals("GET") && request.path().endsWith("/_manifests/run.json"), Fault.cutResponseAfter(10), 1);

            IOException failure = assertThrows(IOException.class, () -> new S3ObjectStore(through, bucket, PART_SIZE).readVersioned("_manifests/run.json"));

            assertEquals("Read 10 bytes of s3://" + bucket + "/_manifests/run.json where the response announced 42: the download ended early"
                    + " (a connection closed before the end of the body); read it again", failure.getMessage());
        }
    }

    @Test
    void putReplaces() throws IOException {
        store.put("key", bytes("one"));
        store.put("key", bytes("two"));
        assertEquals("two", new String(store.read("key").orElseThrow(), UTF_8));
    }

    @Test
    void putIfAbsentWritesOnlyOnce() throws IOException {
        assertTrue(store.putIfAbsent("_manifests/run.json", bytes("first")));
        assertFalse(store.putIfAbsent("_manifests/run.json", bytes("second")));
        assertEquals("first", new String(store.read("_manifests/run.json").orElseThrow(), UTF_8));

        // A key that was deleted is absent again.
        store.delete(List.of("_manifests/run.json"));
        assertTrue(store.putIfAbsent("_manifests/run.json", bytes("third")));
        assertEquals("third", new String(store.read("_manifests/run.json").orElseThrow(), UTF_8));
    }

    /**
     * Many writers at once: each must leave the decision to the server (If-None-Match: *), which only S3
     * can make atomically. moto checks the condition and then writes, without a lock (moto/s3/responses.py,
     * put_object), so against it two writers can both win by chance; exactly one winner is S3's promise,
     * not something the client controls. What the client controls is asserted: every write is
     * conditional, a loser learns it lost, and what is stored is a winner's.
     */
    @Test
    void putIfAbsentLeavesTheDecisionToTheServer() throws Exception {
        int writers = 8;
        boolean[] won = new boolean[writers];
        List<Throwable> failures = new ArrayList<>();
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint()); S3Client through = S3.clientThrough(proxy.endpoint())) {
            S3ObjectStore racing = new S3ObjectStore(through, bucket, PART_SIZE);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int writer = i;
                threads.add(new Thread(() -> {
                    try {
                        won[writer] = racing.putIfAbsent("lock", bytes("writer " + writer));
                    }
                    catch (IOException | RuntimeException e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join();
            }
            List<Request> puts = proxy.requests().stream().filter(request -> request.method().equals("PUT") && request.path().endsWith("/lock")).toList();
            assertEquals(writers, puts.size(), "one request a writer");
            puts.forEach(request -> assertEquals(Optional.of("*"), request.header("If-None-Match"), "every write is conditional"));
        }
        assertEquals(List.of(), failures);
        List<Integer> winners = IntStream.range(0, writers).filter(i -> won[i]).boxed().toList();
        assertFalse(winners.isEmpty(), "someone wins");
        assertTrue(winners.size() < writers, "the writers that found the object there lost: " + winners);
        String stored = new String(store.read("lock").orElseThrow(), UTF_8);
        assertTrue(winners.stream().anyMatch(winner -> stored.equals("writer " + winner)), stored + " is a winner's; winners " + winners);
        // And, one at a time, exactly one: the first.
        assertFalse(store.putIfAbsent("lock", bytes("late")));
    }

    @Test
    void listPagesThroughAllKeysInOrder() throws IOException {
        List<String> expected = new ArrayList<>();
        for (int i = 29; i >= 0; i--) {
            String key = String.format("table/p=%d/part-%02d.parquet", i % 3, i);
            store.put(key, bytes(key));
            expected.add(key);
        }
        store.put("tables", bytes("not under table/"));
        store.put("other/x", bytes("x"));
        expected.sort(null);

        assertEquals(expected, store.list("table/", 7), "30 keys in pages of 7");
        assertEquals(expected, store.list("table/"));
        assertEquals(expected.stream().filter(key -> key.startsWith("table/p=1/")).toList(), store.list("table/p=1/", 4));
        List<String> all = new ArrayList<>(expected);
        all.add("tables");
        all.add("other/x");
        all.sort(null);
        assertEquals(all, store.list("", 5));
        assertEquals(List.of(), store.list("nothing/"));
        assertThrows(IllegalArgumentException.class, () -> store.list("", 1001));
    }

    /** Each object as stat describes it, from the listing alone: keys in order across pages, sizes, entity tags. */
    @Test
    void listObjectsPagesThroughWithWhatStatTells() throws IOException {
        List<ObjectInfo> expected = new ArrayList<>();
        for (int i = 11; i >= 0; i--) {
            String key = String.format("t/part-%02d", i);
            store.put(key, bytes("x".repeat(i + 1)));
        }
        store.put("u/other", bytes("not under t/"));
        for (String key : store.list("t/")) {
            expected.add(store.stat(key).orElseThrow());
        }

        for (List<ObjectInfo> listed : List.of(store.listObjects("t/", 5), store.listObjects("t/"))) {
            assertEquals(expected.stream().map(ObjectInfo::key).toList(), listed.stream().map(ObjectInfo::key).toList());
            assertEquals(expected.stream().map(ObjectInfo::etag).toList(), listed.stream().map(ObjectInfo::etag).toList());
            assertEquals(expected.stream().map(ObjectInfo::size).toList(), listed.stream().map(ObjectInfo::size).toList());
        }
        assertEquals(12, expected.size());
        assertEquals(List.of(), store.listObjects("nothing/"));
    }

    /** Folders by S3's delimiter, across pages: each once, in order, objects directly under the prefix left out. */
    @Test
    void listFoldersNamesEachFolderDirectlyUnderThePrefixOnce() throws IOException {
        for (int i = 0; i < 12; i++) {
            store.put(String.format("model/build-%02d/part-%d.parquet", 11 - i, i % 2), bytes("x"));
            store.put(String.format("model/build-%02d/nested/part.parquet", 11 - i), bytes("x"));
        }
        store.put("model/_state.json", bytes("an object, not a folder"));
        store.put("models/other/x", bytes("not under model/"));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            expected.add(String.format("build-%02d", i));
        }

        assertEquals(expected, store.listFolders("model/", 5), "12 folders in pages of 5");
        assertEquals(expected, store.listFolders("model/"));
        assertEquals(List.of("model", "models"), store.listFolders(""));
        assertEquals(List.of("nested"), store.listFolders("model/build-03/"));
        assertEquals(List.of(), store.listFolders("nothing/"));
        assertThrows(IllegalArgumentException.class, () -> store.listFolders("model"), "model would also take models/");
    }

    @Test
    void deleteExistingAndMissingKeys() throws IOException {
        store.put("a/1", bytes("1"));
        store.put("a/2", bytes("2"));
        store.put("b/3", bytes("3"));

        store.delete(List.of("a/1", "missing", "a/1", "b/3"));
        assertEquals(List.of("a/2"), store.list(""));
        store.delete(List.of());
        store.delete(List.of("a/2"));
        assertEquals(List.of(), store.list(""));
    }

    @Test
    void deleteInBatchesOfAThousand() throws IOException {
        // Only a few keys exist; the rest are missing, which S3 reports as deleted all the same.
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 2_345; i++) {
            keys.add(String.format("k/%05d", i));
        }
        for (int i : new int[] {0, 999, 1000, 2344}) {
            store.put(keys.get(i), bytes("x"));
        }
        store.put("keep", bytes("x"));
        store.delete(keys);
        assertEquals(List.of("keep"), store.list(""));
    }

    /**
     * A publish whose answer was lost completed the upload all the same; the run then aborts it as it aborts
     * every upload of a failed run. S3 answers that no such upload exists: nothing is left open, and the abort
     * says nothing about parts left to the lifecycle rule (the object itself is the caller's to delete).
     */
    @Test
    void abortingAnUploadWhosePublishLandedWithoutAnAnswerLeavesNothingOpenAndSucceeds() throws IOException {
        byte[] content = randomBytes(PART_SIZE + 1000, 7);
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint()); S3Client through = S3.clientThrough(proxy.endpoint())) {
            S3ObjectStore lossy = new S3ObjectStore(through, bucket, PART_SIZE);
            ObjectUpload upload = lossy.create("landed.bin");
            upload.write(content, 0, content.length);
            upload.close();
            // Every attempt is forwarded and its answer lost: the first completes the upload.
            Injection lost = proxy.inject(request -> request.isCompleteMultipartUpload(), Fault.afterForwarding(500), 100);

            assertThrows(IOException.class, upload::publish);
            assertTrue(lost.hits() >= 1, lost.toString());
            proxy.clear();

            upload.abort();
            assertEquals(List.of(), pendingUploads(), "nothing left open");
            assertEquals(Optional.of((long) content.length), store.stat("landed.bin").map(ObjectInfo::size), "the publish landed");
        }
    }

    @Test
    void deleteErrorsNameTheBucket() {
        S3ObjectStore missing = new S3ObjectStore(client, "no-such-bucket-" + bucket.hashCode());
        IOException e = assertThrows(IOException.class, () -> missing.delete(List.of("x", "y")));
        assertTrue(e.getMessage().contains("s3://no-such-bucket-"), e.getMessage());
    }

    @Test
    void listAndDeleteFailuresSayWhatS3Answered() throws IOException {
        store.put("a", bytes("x"));
        store.put("b", bytes("y"));
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint()); S3Client through = S3.clientThrough(proxy.endpoint())) {
            S3ObjectStore denied = new S3ObjectStore(through, bucket, PART_SIZE);
            // 403 is not retried: each call meets its fault once.
            proxy.inject(request -> request.method().equals("GET") && request.query().contains("list-type=2"), Fault.status(403, "AccessDenied"), 1);
            proxy.inject(request -> request.method().equals("DELETE"), Fault.status(403, "AccessDenied"), 1);
            proxy.inject(request -> request.method().equals("POST") && request.query().contains("delete"), Fault.status(403, "AccessDenied"), 1);

            for (IOException e : List.of(assertThrows(IOException.class, () -> denied.list("")),
                    assertThrows(IOException.class, () -> denied.delete(List.of("a"))),
                    assertThrows(IOException.class, () -> denied.delete(List.of("a", "b"))))) {
                assertTrue(e.getMessage().contains("s3://" + bucket), e.getMessage());
                assertTrue(e.getMessage().contains("AccessDenied") || e.getMessage().contains("Status Code: 403"), e.getMessage());
            }
        }
        assertEquals(List.of("a", "b"), store.list(""));
    }

    /**
     * Requests whose answers never come fail at the limit their {@link RequestTimeLimit} gives, as
     * {@link IOException}s naming the key, and leave the calling thread free of the SDK's interrupt: the next
     * request on it works (a commit that gave up on its manifest still has its marker to write).
     */
    @Test
    void aRequestThatHangsFailsAtItsTimeLimitAndTheThreadGoesOn() throws IOException {
        store.put("kept", bytes("x"));
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint()); S3Client through = S3.clientThrough(proxy.endpoint())) {
            S3ObjectStore limited = new S3ObjectStore(through, bucket, PART_SIZE, () -> Optional.of(Duration.ofMillis(700)));
            proxy.inject(request -> request.method().equals("PUT"), Fault.hold(), 2);
            proxy.inject(request -> request.method().equals("HEAD"), Fault.hold(), 1);

            for (Executable hanging : List.<Executable>of(() -> limited.put("a", bytes("y")), () -> limited.putIf("b", bytes("y"), Optional.empty()),
                    () -> limited.stat("kept"))) {
                long started = System.nanoTime();
                IOException e = assertThrows(IOException.class, hanging);
                double seconds = (System.nanoTime() - started) / 1e9;
                assertTrue(seconds >= 0.7 && seconds < 10, "gave up after " + seconds + " s");
                assertTrue(e.getMessage().contains("s3://" + bucket + "/"), e.getMessage());
                assertTrue(e.getMessage().contains("700 millis"), e.getMessage());
                assertFalse(Thread.currentThread().isInterrupted(), "the SDK's timer left the thread interrupted");
            }
            assertEquals(Optional.of(1L), limited.stat("kept").map(ObjectInfo::size), "the next request on the same thread");
        }
    }

    @Test
    void describeIsAnS3Url() {
        assertEquals("s3://" + bucket + "/a/b.csv", store.describe("a/b.csv"));
    }

    @Test
    void rejectsPartsSmallerThanS3Allows() {
        assertThrows(IllegalArgumentException.class, () -> new S3ObjectStore(client, bucket, PART_SIZE - 1));
        assertEquals(8 << 20, S3ObjectStore.DEFAULT_PART_SIZE);
    }

    @Test
    void clientFollowsTheStandardEndpointSetting() throws IOException {
        // Without an explicit override, the SDK itself must pick up -Daws.endpointUrl (as it does AWS_ENDPOINT_URL).
        String previous = System.getProperty("aws.endpointUrl");
        System.setProperty("aws.endpointUrl", S3.endpoint().toString());
        try (S3Client configured = S3Clients.builder(Optional.empty())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()) {
            store.put("via-environment", bytes("found"));
            HeadObjectResponse head = configured.headObject(request -> request.bucket(bucket).key("via-environment"));
            assertEquals(5, head.contentLength());
            assertEquals(List.of("via-environment"), new S3ObjectStore(configured, bucket).list(""));
        }
        finally {
            if (previous == null) {
                System.clearProperty("aws.endpointUrl");
            }
            else {
                System.setProperty("aws.endpointUrl", previous);
            }
        }
    }

    // moto never answers 409 ConditionalRequestConflict and returns no per-key DeleteObjects errors: a
    // scripted client covers those paths here, exactly and quickly. A proxy cannot forge a 200 DeleteObjects
    // body with per-key errors; 409s through the real SDK, behind an attempt that lands later, are
    // SilverCommitFaultIT's (conflictsBehindAnAttemptThatLandsLaterAreNoRefusal).

    @Test
    void putIfAbsentRetriesConflictsUntilThePreconditionDecides() throws IOException {
        ScriptedClient scripted = new ScriptedClient();
        scripted.putFailures.addAll(List.of(S3Answers.error(409, "ConditionalRequestConflict"), S3Answers.error(409, "ConditionalRequestConflict"),
                S3Answers.error(412, "PreconditionFailed")));
        assertFalse(new S3ObjectStore(scripted, "bucket").putIfAbsent("lock", bytes("x")));
        assertEquals(3, scripted.puts.size());
        assertTrue(scripted.puts.stream().allMatch(put -> "*".equals(put.ifNoneMatch())), "every attempt is conditional");
    }

    @Test
    void putIfAbsentSucceedsAfterAConflictThatWentAway() throws IOException {
        ScriptedClient scripted = new ScriptedClient();
        scripted.putFailures.add(S3Answers.error(409, "ConditionalRequestConflict"));
        assertTrue(new S3ObjectStore(scripted, "bucket").putIfAbsent("lock", bytes("x")));
        assertEquals(2, scripted.puts.size());
    }

    @Test
    void putIfAbsentChecksExistenceAfterEndlessConflicts() throws IOException {
        ScriptedClient scripted = new ScriptedClient();
        for (int i = 0; i < 10; i++) {
            scripted.putFailures.add(S3Answers.error(409, "ConditionalRequestConflict"));
        }
        scripted.objectExists = true;
        assertFalse(new S3ObjectStore(scripted, "bucket").putIfAbsent("lock", bytes("x")), "someone else's write landed");

        scripted.objectExists = false;
        IOException e = assertThrows(IOException.class, () -> new S3ObjectStore(scripted, "bucket").putIfAbsent("lock", bytes("x")));
        assertTrue(e.getMessage().contains("s3://bucket/lock"), e.getMessage());
    }

    @Test
    void aQuotedExpectedEtagIsTheVersionItNamesAfterEndlessConflicts() {
        ScriptedClient scripted = new ScriptedClient();
        for (int i = 0; i < 10; i++) {
            scripted.putFailures.add(S3Answers.error(409, "ConditionalRequestConflict"));
        }
        scripted.objectExists = true;
        // HEAD answers the version expected, quoted or not: nothing was written, so the write is refused, not lost to another.
        assertThrows(WriteRefusedException.class, () -> new S3ObjectStore(scripted, "bucket").putIf("lock", bytes("x"), Optional.of("\"etag\"")));
    }

    @Test
    void transientErrorsPropagate() {
        ScriptedClient scripted = new ScriptedClient();
        S3Exception slowDown = S3Answers.error(503, "SlowDown");
        scripted.putFailures.add(slowDown);
        IOException e = assertThrows(IOException.class, () -> new S3ObjectStore(scripted, "bucket").putIfAbsent("lock", bytes("x")));
        assertSame(slowDown, e.getCause());
        assertTrue(e.getMessage().contains("s3://bucket/lock"), e.getMessage());
        assertEquals(1, scripted.puts.size(), "no retries beyond the SDK's own");

        scripted.headFailure = S3Answers.error(500, "InternalError");
        IOException onStat = assertThrows(IOException.class, () -> new S3ObjectStore(scripted, "bucket").stat("key"));
        assertSame(scripted.headFailure, onStat.getCause());
    }

    @Test
    void deleteSendsBatchesOfAThousandAndNamesFailedKeys() {
        ScriptedClient scripted = new ScriptedClient();
        scripted.deleteErrors = List.of(
                S3Error.builder().key("k/00007").code("AccessDenied").message("Access Denied").build(),
                S3Error.builder().key("k/01500").code("InternalError").message("Try again").build());
        List<String> keys = IntStream.range(0, 2_345).mapToObj(i -> String.format("k/%05d", i)).toList();

        IOException e = assertThrows(IOException.class, () -> new S3ObjectStore(scripted, "bucket").delete(keys));
        assertEquals(List.of(1000, 1000, 345), scripted.deletes.stream().map(request -> request.delete().objects().size()).toList());
        assertTrue(scripted.deletes.stream().allMatch(request -> request.delete().quiet()));
        assertEquals(keys, scripted.deletes.stream().flatMap(request -> request.delete().objects().stream()).map(ObjectIdentifier::key).toList());
        assertTrue(e.getMessage().contains("k/00007 (AccessDenied: Access Denied)"), e.getMessage());
        assertTrue(e.getMessage().contains("k/01500 (InternalError: Try again)"), e.getMessage());
        assertTrue(e.getMessage().contains("s3://bucket"), e.getMessage());
    }

    /** Answers PutObject, HeadObject and DeleteObjects from a script; every other call is unsupported. */
    private static final class ScriptedClient implements S3Client {
        final Deque<S3Exception> putFailures = new ArrayDeque<>();
        final List<PutObjectRequest> puts = new ArrayList<>();
        final List<DeleteObjectsRequest> deletes = new ArrayList<>();
        boolean objectExists;
        S3Exception headFailure;
        List<S3Error> deleteErrors = List.of();

        @Override
        public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
            puts.add(request);
            S3Exception failure = putFailures.poll();
            if (failure != null) {
                throw failure;
            }
            return PutObjectResponse.builder().eTag("\"etag\"").build();
        }

        @Override
        public HeadObjectResponse headObject(HeadObjectRequest request) {
            if (headFailure != null) {
                throw headFailure;
            }
            if (!objectExists) {
                throw S3Answers.error(404, "404");
            }
            return HeadObjectResponse.builder().contentLength(1L).eTag("\"etag\"").lastModified(Instant.now()).build();
        }

        @Override
        public DeleteObjectsResponse deleteObjects(DeleteObjectsRequest request) {
            deletes.add(request);
            List<String> keys = request.delete().objects().stream().map(ObjectIdentifier::key).toList();
            return DeleteObjectsResponse.builder()
                    .errors(deleteErrors.stream().filter(error -> keys.contains(error.key())).toList())
                    .build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {}
    }

    private List<MultipartUpload> pendingUploads() {
        return client.listMultipartUploads(request -> request.bucket(bucket)).uploads();
    }

    private static byte[] readFully(InputStream in) throws IOException {
        // Small reads, as a CSV parser does, rather than one readAllBytes.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8191];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static String md5Hex(byte[] content) {
        return HexFormat.of().formatHex(md5().digest(content));
    }

    /** What S3 gives a multipart object: the MD5 of the concatenated part MD5s, then the part count. */
    private static String multipartEtag(byte[] content, int partSize) {
        MessageDigest ofParts = md5();
        int parts = 0;
        for (int offset = 0; offset < content.length; offset += partSize) {
            MessageDigest part = md5();
            part.update(content, offset, Math.min(partSize, content.length - offset));
            ofParts.update(part.digest());
            parts++;
        }
        return HexFormat.of().formatHex(ofParts.digest()) + "-" + parts;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
