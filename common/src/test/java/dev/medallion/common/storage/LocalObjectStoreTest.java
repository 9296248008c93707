package dev.medallion.common.storage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class LocalObjectStoreTest {
    @TempDir
    Path temporary;

    /**
     * The stores' root: a folder of the TempDir, not the TempDir itself, because a store's conditional writes lock a file beside
     * its root ({@code .<name>.medallion-lock} in its parent), which must stay inside the TempDir JUnit deletes.
     */
    private Path directory;

    @BeforeEach
    void giveTheStoresAFolderInTheTempDir() throws IOException {
        directory = Files.createDirectories(temporary.resolve("lake"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../x", "..", "/abs", "/", "a//b", "a/./b", "./a", "a/", "", "a\\b", "a/..", "a\0b"})
    void rejectsKeysThatLeaveTheRootOrAreNotCanonical(String key) throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory.resolve("root"));
        assertThrows(IllegalArgumentException.class, () -> store.resolve(key));
        assertThrows(IllegalArgumentException.class, () -> store.put(key, bytes("escaped")));
        assertThrows(IllegalArgumentException.class, () -> store.create(key));
        assertThrows(IllegalArgumentException.class, () -> store.stat(key));
        try (var files = Files.walk(directory)) {
            assertEquals(List.of(directory), files.toList(), "nothing was written anywhere");
        }
    }

    @Test
    void rangesReadExactlyTheirBytes() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory.resolve("root"));
        store.put("sales/ranged.csv", bytes("0123456789"));
        try (InputStream first = store.openRange("sales/ranged.csv", Optional.empty(), 0, 4);
                InputStream middle = store.openRange("sales/ranged.csv", Optional.empty(), 4, 9);
                InputStream last = store.openRange("sales/ranged.csv", Optional.empty(), 9, 10)) {
            assertEquals("0123", new String(first.readAllBytes(), UTF_8));
            byte[] two = new byte[2];
            assertEquals(2, middle.read(two));
            assertEquals('6', middle.read());
            assertEquals("78", new String(middle.readAllBytes(), UTF_8));
            assertEquals(-1, middle.read());
            assertEquals("9", new String(last.readAllBytes(), UTF_8));
        }
        assertThrows(IllegalArgumentException.class, () -> store.openRange("sales/ranged.csv", Optional.empty(), 4, 4));
    }

    /** As S3's If-Match: a source replaced while it is read fails the read, whole or ranged, instead of mixing two versions. */
    @Test
    void anOpenForAVersionTheFileNoLongerIsFails() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory.resolve("root"));
        store.put("sales/changing.csv", bytes("version 1"));
        String first = store.stat("sales/changing.csv").orElseThrow().etag();
        store.put("sales/changing.csv", bytes("version 2"));

        IOException whole = assertThrows(IOException.class, () -> store.open("sales/changing.csv", Optional.of(first)));
        assertTrue(whole.getMessage().contains(first) && whole.getMessage().contains("changing.csv"), whole.getMessage());
        assertThrows(IOException.class, () -> store.openRange("sales/changing.csv", Optional.of(first), 0, 4));
        String second = store.stat("sales/changing.csv").orElseThrow().etag();
        try (InputStream in = store.openRange("sales/changing.csv", Optional.of("\"" + second + "\""), 8, 9)) {
            assertEquals("2", new String(in.readAllBytes(), UTF_8), "the version expected, quoted or not");
        }
        // A read that names a version saw the file: gone now, it was deleted since (S3 answers such a GET 404 NoSuchKey).
        ObjectDeletedException deleted = assertThrows(ObjectDeletedException.class, () -> store.open("sales/missing.csv", Optional.of(second)));
        assertTrue(deleted.getMessage().contains("missing.csv") && deleted.getMessage().contains(second), deleted.getMessage());
        assertThrows(ObjectDeletedException.class, () -> store.openRange("sales/missing.csv", Optional.of(second), 0, 4));
        NoSuchFileException neverThere = assertThrows(NoSuchFileException.class, () -> store.open("sales/missing.csv", Optional.empty()));
        assertFalse(neverThere instanceof ObjectDeletedException, "a read that named no version cannot tell a deletion");
    }

    @Test
    void resolvesKeysInsideTheRoot() {
        Path root = directory.resolve("root");
        LocalObjectStore store = new LocalObjectStore(root);
        assertEquals(root.resolve("a").resolve("b.parquet"), store.resolve("a/b.parquet"));
        assertEquals(root.resolve("..a"), store.resolve("..a"), "dots inside a name are not a parent reference");
    }

    /** The store's folders as S3 lists them by delimiter: each once, in order, objects directly under the prefix left out. */
    @Test
    void listFoldersNamesEachFolderDirectlyUnderThePrefixOnce() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory.resolve("root"));
        store.put("model/build-2/part-0.parquet", bytes("x"));
        store.put("model/build-2/nested/part.parquet", bytes("x"));
        store.put("model/build-1/part-0.parquet", bytes("x"));
        store.put("model/_state.json", bytes("an object, not a folder"));
        store.put("models/other/x", bytes("not under model/"));

        assertEquals(List.of("build-1", "build-2"), store.listFolders("model/"));
        assertEquals(List.of("model", "models"), store.listFolders(""));
        assertEquals(List.of("nested"), store.listFolders("model/build-2/"));
        assertEquals(List.of(), store.listFolders("nothing/"));
        assertThrows(IllegalArgumentException.class, () -> store.listFolders("model"), "model would also take models/");
    }

    @Test
    void uploadBecomesVisibleOnlyOnPublish() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory);
        ObjectUpload upload = store.create("table/part-0.parquet");
        upload.write(bytes("hello "));
        upload.write('w');
        upload.write(bytes("xorld"), 1, 4);
        assertEquals(11, upload.position());
        assertEquals(Optional.empty(), store.stat("table/part-0.parquet"));
        assertEquals(List.of(), store.list(""), "the temporary file is not listed");

        assertThrows(IllegalStateException.class, upload::publish, "only a closed upload can be published");
        upload.close();
        upload.close();
        assertEquals(Optional.empty(), store.stat("table/part-0.parquet"), "closed, not published");
        assertEquals(List.of(), store.list(""));
        upload.publish();
        upload.publish();
        upload.abort();
        assertEquals("hello world", new String(store.read("table/part-0.parquet").orElseThrow(), UTF_8));
        ObjectInfo info = store.stat("table/part-0.parquet").orElseThrow();
        assertEquals(11, info.size());
        assertEquals("5eb63bbbe01eeed093cb22bb8f5acdc3", info.etag(), "the ETag S3 gives a single-part object: its MD5");
        assertThrows(IOException.class, () -> upload.write(bytes("late")));
    }

    @Test
    void abortedUploadLeavesNothing() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory);
        ObjectUpload upload = store.create("table/part-0.parquet");
        upload.write(bytes("discard me"));
        upload.abort();
        upload.abort();
        assertThrows(IOException.class, upload::close);
        assertThrows(IllegalStateException.class, upload::publish);
        assertEquals(Optional.empty(), store.stat("table/part-0.parquet"));
        try (var files = Files.list(directory.resolve("table"))) {
            assertEquals(List.of(), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void putIfAbsentWritesOnlyOnce() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory);
        assertTrue(store.putIfAbsent("_manifests/run.json", bytes("first")));
        assertFalse(store.putIfAbsent("_manifests/run.json", bytes("second")));
        assertEquals("first", new String(store.read("_manifests/run.json").orElseThrow(), UTF_8));
        try (var files = Files.list(directory.resolve("_manifests"))) {
            assertEquals(List.of(directory.resolve("_manifests/run.json")), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void putIfReplacesOnlyTheVersionRead() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory);
        String first = store.putIf("_manifests/m.json", bytes("first"), Optional.empty()).orElseThrow();
        VersionedContent read = store.readVersioned("_manifests/m.json").orElseThrow();
        assertEquals(first, read.etag());
        assertEquals(store.stat("_manifests/m.json").orElseThrow().etag(), read.etag(), "the same entity tag as stat gives");

        assertEquals(Optional.empty(), store.putIf("_manifests/m.json", bytes("again"), Optional.empty()), "it exists");
        String second = store.putIf("_manifests/m.json", bytes("second"), Optional.of(first)).orElseThrow();
        assertEquals(Optional.empty(), store.putIf("_manifests/m.json", bytes("stale"), Optional.of(first)), "a version no longer there");
        assertEquals(Optional.empty(), store.putIf("_manifests/other.json", bytes("x"), Optional.of(first)), "no object to replace");
        assertEquals(new VersionedContent(bytes("second"), second).etag(), store.readVersioned("_manifests/m.json").orElseThrow().etag());
        assertEquals("second", new String(store.read("_manifests/m.json").orElseThrow(), UTF_8));
        assertEquals(Optional.empty(), store.stat("_manifests/other.json"));
        try (var files = Files.list(directory.resolve("_manifests"))) {
            assertEquals(List.of(directory.resolve("_manifests/m.json")), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void ofConcurrentConditionalWritersOfOneVersionExactlyOneWins() throws Exception {
        LocalObjectStore store = new LocalObjectStore(directory);
        String base = store.putIf("m.json", bytes("base"), Optional.empty()).orElseThrow();
        int writers = 16;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Optional<String>>> results = new java.util.ArrayList<>();
            for (int i = 0; i < writers; i++) {
                byte[] content = bytes("writer " + i);
                results.add(pool.submit(() -> {
                    start.await();
                    return store.putIf("m.json", content, Optional.of(base));
                }));
            }
            start.countDown();
            int winners = 0;
            for (var result : results) {
                winners += result.get().isPresent() ? 1 : 0;
            }
            assertEquals(1, winners);
        }
        finally {
            pool.shutdownNow();
        }
    }

    /**
     * A listing while other runs write and discard in the same folders (two duplicate deliveries of one
     * source do) sees temporary files and emptied folders vanish under it, and a writer may find the folder
     * it just made removed by another's delete (for three seconds; each race showed within a second): as on S3, a key deleted during
     * a listing may or may not be listed, but neither the listing nor the write fails.
     */
    @Test
    void listingWhileOtherWritersCreateAndRemoveFilesNeverFails() throws Exception {
        LocalObjectStore store = new LocalObjectStore(directory);
        store.put("sales/ingest_date=2026-03-14/kept.parquet", bytes("kept"));
        int writers = 4;
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
            for (int w = 0; w < writers; w++) {
                // Two writers a folder: one's delete removes the folder it empties while the other creates in it.
                String folder = "sales/ingest_date=2026-03-" + (15 + w % 2) + "/";
                String writer = "w" + w;
                running.add(pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String key = folder + writer + "-part-" + i + ".parquet";
                        ObjectUpload upload = store.create(key);
                        upload.write(bytes("row"));
                        upload.close();
                        if (i % 2 == 0) {
                            upload.publish();
                            store.delete(List.of(key));
                        }
                        else {
                            upload.abort();
                        }
                    }
                    return null;
                }));
            }
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < until) {
                assertTrue(store.list("sales/").contains("sales/ingest_date=2026-03-14/kept.parquet"));
            }
            stop.set(true);
            for (var writer : running) {
                writer.get();
            }
        }
        finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    @Test
    void putReplaces() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory);
        store.put("a/b", bytes("one"));
        store.put("a/b", bytes("two"));
        assertEquals("two", new String(store.read("a/b").orElseThrow(), UTF_8));
    }

    @Test
    void readAndOpenOfMissingKey() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory);
        assertEquals(Optional.empty(), store.read("missing"));
        assertEquals(Optional.empty(), store.stat("missing"));
        assertThrows(NoSuchFileException.class, () -> store.open("missing", Optional.empty()));
    }

    @Test
    void openStreamsContent() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory);
        store.put("a/b.csv", bytes("x,y\n1,2\n"));
        try (InputStream in = store.open("a/b.csv", Optional.empty())) {
            assertArrayEquals(bytes("x,y\n1,2\n"), in.readAllBytes());
        }
    }

    @Test
    void listObjectsDescribesEachListedObjectAsStatDoes() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory);
        for (String key : List.of("t/b", "t/a", "u/x")) {
            store.put(key, bytes(key + key));
        }

        assertEquals(List.of(store.stat("t/a").orElseThrow(), store.stat("t/b").orElseThrow()), store.listObjects("t/"));
        assertEquals(List.of(), store.listObjects("nothing/"));
    }

    @Test
    void listsByPrefixInOrderIgnoringTemporaryFiles() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory);
        for (String key : List.of("t/b/2", "t/a/1", "t/ab", "t/a/0", "u/x", "t2/y")) {
            store.put(key, bytes(key));
        }
        ObjectUpload pending = store.create("t/a/pending");
        pending.write(bytes("not yet"));
        Files.writeString(directory.resolve("t/a/.tmp-leftover.part"), "crash");

        assertEquals(List.of("t/a/0", "t/a/1", "t/ab", "t/b/2", "t2/y", "u/x"), store.list(""));
        assertEquals(List.of("t/a/0", "t/a/1", "t/ab", "t/b/2", "t2/y"), store.list("t"));
        assertEquals(List.of("t/a/0", "t/a/1", "t/ab", "t/b/2"), store.list("t/"));
        assertEquals(List.of("t/a/0", "t/a/1", "t/ab"), store.list("t/a"));
        assertEquals(List.of("t/a/0", "t/a/1"), store.list("t/a/"));
        assertEquals(List.of(), store.list("t/c/"));
        assertEquals(List.of(), store.list("v"));
        pending.abort();
    }

    @Test
    void deleteRemovesObjectsAndEmptyParents() throws IOException {
        LocalObjectStore store = new LocalObjectStore(directory);
        store.put("t/p=1/a", bytes("a"));
        store.put("t/p=1/b", bytes("b"));
        store.put("t/p=2/c", bytes("c"));

        store.delete(List.of("t/p=1/a", "t/missing", "never/there"));
        assertEquals(List.of("t/p=1/b", "t/p=2/c"), store.list(""));
        assertTrue(Files.isDirectory(directory.resolve("t/p=1")), "a folder that still holds an object stays");

        store.delete(List.of("t/p=1/b"));
        assertFalse(Files.exists(directory.resolve("t/p=1")), "the emptied folder is gone");
        assertTrue(Files.isDirectory(directory.resolve("t")));

        store.delete(List.of("t/p=2/c"));
        assertFalse(Files.exists(directory.resolve("t")));
        assertTrue(Files.isDirectory(directory), "the root itself stays");
        assertEquals(List.of(), store.list(""));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    @Test
    void objectsGetTheSamePermissionsAsAnyNewFileNotOwnerOnlyOnes() throws java.io.IOException {
        LocalObjectStore store = new LocalObjectStore(directory);
        ObjectUpload upload = store.create("a/streamed.bin");
        upload.write(new byte[] {1});
        upload.close();
        upload.publish();
        store.put("a/whole.bin", new byte[] {2});
        java.nio.file.Path plain = java.nio.file.Files.write(directory.resolve("a/plain.bin"), new byte[] {3});

        var expected = java.nio.file.Files.getPosixFilePermissions(plain);
        assertEquals(expected, java.nio.file.Files.getPosixFilePermissions(directory.resolve("a/streamed.bin")));
        assertEquals(expected, java.nio.file.Files.getPosixFilePermissions(directory.resolve("a/whole.bin")));
    }
}
