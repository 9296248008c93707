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
        private boolean replayed;

        ReplayedMark(ObjectStore delegate, AtomicReference<byte[]> manifestSent, Between between) {
            this.delegate = requireNonNull(delegate, "delegate is null");
            this.manifestSent = requireNonNull(manifestSent, "manifestSent is null");
            this.between = requireNonNull(between, "between is null");
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
                delegate.putIf(key, content, expectedEtag);
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
        return new SilverConverter(store, LAYOUT, LIMITS, CsvOverrides.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);
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
