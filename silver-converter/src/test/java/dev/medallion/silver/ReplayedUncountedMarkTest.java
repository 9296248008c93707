package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import dev.medallion.common.storage.VersionedContent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.medallion.silver.CountedLines.assertCountedOnce;
import static dev.medallion.silver.CountedLines.countedLines;
import static dev.medallion.silver.ExactlyOnce.csv;
import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * From a review of the commit protocol: the {@code uncounted} mark ({@link SilverCommit#UNCOUNTED}) is a plain, unconditional
 * PUT of the run's publishing marker, and a plain PUT can be applied twice: the SDK sends it again after an attempt whose
 * answer was lost (a reset connection, a 500 after S3 stored it), and S3 can complete the first attempt after its client gave
 * up. When the first application lands, the run's manifest lands, and another run claims and counts the late commit and its
 * sweep deletes the marker, all before the second application, that second application writes the marker anew, saying
 * {@code uncounted} again: the next sweep of the manifest (the run's own retry) claims it a second time and logs the commit's
 * line again. The docs (docs/silver-converter.md, "Each commit is counted once") promise one line.
 */
class ReplayedUncountedMarkTest {
    private static final Instant MODIFIED = Instant.parse("2026-03-14T23:30:00Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private static final SilverLayout LAYOUT = new SilverLayout("");
    private static final ConversionLimits LIMITS = new ConversionLimits(500, 1 << 30, 1, 1 << 20);
    private static final int ROWS = 3_000;

    @TempDir
    Path temporary;

    @TempDir
    Path readBack;

    private LocalObjectStore silver;
    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws IOException {
        silver = new LocalObjectStore(Files.createDirectories(temporary.resolve("silver")));
    }

    @Test
    void anUncountedMarkAppliedAgainAfterAnotherRunClaimedTheLateCommitDoesNotCountItTwice() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = new SourceObject("bronze", "sales/replayed-mark.csv", md5(content), content.length, MODIFIED);
        AtomicBoolean duplicateRan = new AtomicBoolean();
        AtomicReference<byte[]> unansweredManifest = new AtomicReference<>();
        // The first run: its manifest write goes unanswered and lands later; its uncounted mark is applied, then, before the
        // SDK's second attempt of the same PUT is applied, the manifest lands and a duplicate delivery claims and counts it.
        ObjectStore firstRun = new ReplayedMark(new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] manifest, Optional<String> expectedEtag) throws IOException {
                if (key.startsWith("_manifests/")) {
                    throw new IOException("timed out waiting for the answer");
                }
            }
        }), unansweredManifest, () -> {
            // The unanswered manifest write lands: S3 completes it late, on the base it expected (none).
            assertTrue(silver.putIf(LAYOUT.manifestKey("sales", source.key()), requireNonNull(unansweredManifest.get(), "the manifest write was sent"),
                    Optional.empty()).isPresent(), "the late write lands");
            ConversionResult duplicate = convert(converter(silver), source, content);
            assertFalse(duplicate.unchanged(), "the duplicate delivery claims the late commit and logs its line");
            duplicateRan.set(true);
        });

        assertThrows(IOException.class, () -> convert(converter(firstRun), source, content));

        assertTrue(duplicateRan.get(), "the duplicate ran between the two applications of the mark");
        assertCountedOnce(logLines, ROWS, 1);

        // The first run's own retry, Lambda's: it sweeps the manifest and finds its marker, written anew by the replayed PUT,
        // saying uncounted again.
        convert(converter(silver), source, content);

        assertEquals(1, countedLines(logLines).size(), "the commit's line, once: " + logLines);
        ExactlyOnce.assertExactlyOnce(silver, LAYOUT, "sales", source, ROWS, 1, readBack, CLOCK.instant());
    }

    /**
     * The same for a run that published nothing (a file rejected whole): it has no marker before its manifest write, and
     * writes one for the mark alone ({@link SilverCommit#PUBLISHED_NOTHING}), with {@code If-None-Match}. Applied again after
     * the duplicate delivery claimed the late rejection and swept, that write must not find the key free: the claimed marker
     * stays until its run can no longer write ({@link SilverCommit#PUBLISHING_BOUND}), and a sweep after that deletes it.
     */
    @Test
    void aPublishedNothingMarkAppliedAgainAfterAnotherRunClaimedTheLateRejectionDoesNotCountItTwice() throws IOException {
        byte[] notUtf8 = {'i', 'd', '\n', (byte) 0xC3, (byte) 0x28, '\n'};
        SourceObject source = new SourceObject("bronze", "sales/replayed-rejection.csv", md5(notUtf8), notUtf8.length, MODIFIED);
        String manifestKey = LAYOUT.manifestKey("sales", source.key());
        AtomicBoolean duplicateRan = new AtomicBoolean();
        AtomicReference<byte[]> unansweredManifest = new AtomicReference<>();
        ObjectStore firstRun = new ReplayedMark(new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] manifest, Optional<String> expectedEtag) throws IOException {
                if (key.startsWith("_manifests/")) {
                    throw new IOException("timed out waiting for the answer");
                }
            }
        }), unansweredManifest, () -> {
            assertTrue(silver.putIf(manifestKey, requireNonNull(unansweredManifest.get(), "the manifest write was sent"), Optional.empty()).isPresent(),
                    "the late write lands");
            assertFalse(convert(converter(silver), source, notUtf8).unchanged(), "the duplicate delivery claims the late rejection and logs its line");
            duplicateRan.set(true);
        });

        assertThrows(IOException.class, () -> convert(converter(firstRun), source, notUtf8));

        assertTrue(duplicateRan.get(), "the duplicate ran between the two applications of the mark");
        assertEquals(List.of("source object rejected"), countedLines(logLines).stream().map(line -> line.get("message")).toList());
        List<String> markers = silver.list(LAYOUT.publishingPrefix("sales", source.key()));
        assertEquals(1, markers.size(), "the claimed marker stays while its run may still write it: " + markers);
        assertTrue(new String(silver.read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8).contains(SilverCommit.COUNTED_BY + " "),
                "claimed, not written anew by the second application: " + markers);

        assertTrue(convert(converter(silver), source, notUtf8).unchanged(), "the first run's retry finds the rejection counted");
        assertEquals(1, countedLines(logLines).size(), "the rejection's line, once: " + logLines);

        assertTrue(convert(converter(silver, Clock.offset(CLOCK, SilverCommit.PUBLISHING_BOUND)), source, notUtf8).unchanged());
        assertEquals(List.of(), silver.list(LAYOUT.publishingPrefix("sales", source.key())), "a sweep once the run is over deletes the claimed marker");
        assertEquals(1, countedLines(logLines).size(), "the rejection's line, once: " + logLines);
        assertTrue(silver.read(manifestKey).isPresent());
    }

    /**
     * As the first case, but the first attempt's answer is lost and the SDK's retry, applied after the duplicate delivery claimed
     * the late commit, is the answer the run gets: nothing written ({@code If-Match} on a marker claimed, or gone). The run then
     * looks whether its marker is gone, to write it anew for an own-manifest sweep that deleted it unmarked
     * ({@link MarkerSweptBeforeItsMarkTest}); it must find the claimed marker there, kept while its run may still write it,
     * and write nothing, else its retry counts the commit a second time.
     */
    @Test
    void anUncountedMarkWhoseRetryIsAnsweredAfterAnotherRunClaimedTheLateCommitDoesNotWriteItAnew() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = new SourceObject("bronze", "sales/replayed-mark-answer.csv", md5(content), content.length, MODIFIED);
        AtomicBoolean duplicateRan = new AtomicBoolean();
        AtomicReference<byte[]> unansweredManifest = new AtomicReference<>();
        ObjectStore firstRun = new ReplayedMark(new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] manifest, Optional<String> expectedEtag) throws IOException {
                if (key.startsWith("_manifests/")) {
                    throw new IOException("timed out waiting for the answer");
                }
            }
        }), unansweredManifest, () -> {
            assertTrue(silver.putIf(LAYOUT.manifestKey("sales", source.key()), requireNonNull(unansweredManifest.get(), "the manifest write was sent"),
                    Optional.empty()).isPresent(), "the late write lands");
            assertFalse(convert(converter(silver), source, content).unchanged(), "the duplicate delivery claims the late commit and logs its line");
            duplicateRan.set(true);
        }, true);

        assertThrows(IOException.class, () -> convert(converter(firstRun), source, content));

        assertTrue(duplicateRan.get(), "the duplicate ran between the two attempts of the mark");
        assertCountedOnce(logLines, ROWS, 1);
        List<String> markers = silver.list(LAYOUT.publishingPrefix("sales", source.key()));
        assertEquals(1, markers.size(), "the claimed marker stays while its run may still write it: " + markers);
        assertTrue(new String(silver.read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8).contains(SilverCommit.COUNTED_BY + " "),
                "claimed, not written anew after the retry's empty answer: " + markers);

        convert(converter(silver), source, content);

        assertEquals(1, countedLines(logLines).size(), "the commit's line, once: " + logLines);
        ExactlyOnce.assertExactlyOnce(silver, LAYOUT, "sales", source, ROWS, 1, readBack, CLOCK.instant());
    }

    @FunctionalInterface
    private interface Between {
        void run() throws IOException;
    }

    /**
     * Applies a write of a publishing marker that says {@code uncounted} twice, a plain or a conditional one (with the same
     * precondition), as the SDK does when the first attempt's answer is lost, running {@code between} after the first
     * application; keeps the content of the last manifest write sent.
     */
    private static final class ReplayedMark implements ObjectStore {
        private final ObjectStore delegate;
        private final AtomicReference<byte[]> manifestSent;
        private final Between between;
        /** Whether the conditional write answers with its second application's outcome: the first's answer was lost. */
        private final boolean firstAnswerLost;
        private boolean replayed;

        ReplayedMark(ObjectStore delegate, AtomicReference<byte[]> manifestSent, Between between) {
            this(delegate, manifestSent, between, false);
        }

        ReplayedMark(ObjectStore delegate, AtomicReference<byte[]> manifestSent, Between between, boolean firstAnswerLost) {
            this.delegate = requireNonNull(delegate, "delegate is null");
            this.manifestSent = requireNonNull(manifestSent, "manifestSent is null");
            this.between = requireNonNull(between, "between is null");
            this.firstAnswerLost = firstAnswerLost;
        }

        @Override
        public void put(String key, byte[] content) throws IOException {
            delegate.put(key, content);
            if (!replayed && marksUncounted(key, content)) {
                replayed = true;
                between.run();
                // The SDK's second attempt of the same request (or the first one, completed late by S3).
                delegate.put(key, content);
            }
        }

        @Override
        public Optional<String> putIf(String key, byte[] content, Optional<String> expectedEtag) throws IOException {
            if (key.startsWith("_manifests/")) {
                manifestSent.set(content.clone());
            }
            Optional<String> written = delegate.putIf(key, content, expectedEtag);
            if (!replayed && marksUncounted(key, content)) {
                replayed = true;
                between.run();
                // The SDK's second attempt of the same request, its precondition the same (or the first one, completed late by S3).
                Optional<String> again = delegate.putIf(key, content, expectedEtag);
                if (firstAnswerLost) {
                    return again;
                }
            }
            return written;
        }

        private static boolean marksUncounted(String key, byte[] content) {
            return key.startsWith("_publishing/") && new String(content, StandardCharsets.UTF_8).strip().endsWith(SilverCommit.UNCOUNTED);
        }

        @Override
        public Optional<ObjectInfo> stat(String key) throws IOException {
            return delegate.stat(key);
        }

        @Override
        public InputStream open(String key, Optional<String> expectedEtag) throws IOException {
            return delegate.open(key, expectedEtag);
        }

        @Override
        public InputStream openRange(String key, Optional<String> expectedEtag, long from, long to) throws IOException {
            return delegate.openRange(key, expectedEtag, from, to);
        }

        @Override
        public Optional<VersionedContent> readVersioned(String key) throws IOException {
            return delegate.readVersioned(key);
        }

        @Override
        public ObjectUpload create(String key) throws IOException {
            return delegate.create(key);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            return delegate.list(prefix);
        }

        @Override
        public void delete(Collection<String> keys) throws IOException {
            delegate.delete(keys);
        }

        @Override
        public String describe(String key) {
            return delegate.describe(key);
        }
    }

    private SilverConverter converter(ObjectStore store) {
        return converter(store, CLOCK);
    }

    private SilverConverter converter(ObjectStore store, Clock clock) {
        return new SilverConverter(store, LAYOUT, LIMITS, CsvOverrides.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), clock), clock);
    }

    private static ConversionResult convert(SilverConverter converter, SourceObject source, byte[] content) throws IOException {
        return converter.convert(source, "sales", () -> new ByteArrayInputStream(content));
    }

    private static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
