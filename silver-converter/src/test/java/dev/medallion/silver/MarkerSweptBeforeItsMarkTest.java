package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.common.storage.ObjectStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.medallion.silver.CountedLines.assertCountedOnce;
import static dev.medallion.silver.CountedLines.countedLines;
import static dev.medallion.silver.ExactlyOnce.csv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run whose manifest write goes unanswered marks its marker {@code uncounted} with {@code If-Match} on the version it wrote. The
 * manifest may land between the run's read-back (which showed the base) and that mark, and a duplicate delivery sweep it, reading
 * the marker unmarked (nothing to claim). Deleted, the marker would be lost to the count: the mark would find no marker (404) and
 * write nothing, and no run would log the commit; written anew after a 404, it could be counted twice (the second case). So a sweep
 * keeps the committed run's marker while that run may still write it, whatever it says, and the mark lands on it.
 */
class MarkerSweptBeforeItsMarkTest {
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
    void anUncountedMarkAfterADuplicateSweptTheLateManifestLandsOnTheKeptMarkerForTheRetryToCount() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = new SourceObject("bronze", "sales/swept-before-mark.csv", md5(content), content.length, MODIFIED);
        AtomicReference<byte[]> unansweredManifest = new AtomicReference<>();
        AtomicBoolean duplicateRan = new AtomicBoolean();
        ObjectStore firstRun = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) throws IOException {
                if (key.startsWith("_manifests/")) {
                    unansweredManifest.set(written.clone());
                    throw new IOException("timed out waiting for the answer");
                }
                if (key.startsWith("_publishing/") && new String(written, StandardCharsets.UTF_8).endsWith(SilverCommit.UNCOUNTED) && !duplicateRan.get()) {
                    // Between the run's read-back (the base) and its mark: the manifest lands, and a duplicate delivery sweeps it,
                    // reading the marker unmarked (nothing to claim), then answers unchanged.
                    assertTrue(silver.putIf(LAYOUT.manifestKey("sales", source.key()), unansweredManifest.get(), Optional.empty()).isPresent());
                    assertTrue(convert(converter(silver), source, content).unchanged(), "the duplicate finds the version committed");
                    assertEquals(List.of(key), silver.list("_publishing/"), "and kept the marker, which its run may still mark");
                    duplicateRan.set(true);
                }
            }
        });

        assertThrows(IOException.class, () -> convert(converter(firstRun), source, content));

        assertTrue(duplicateRan.get());
        assertEquals(List.of(), countedLines(logLines), "no run logged the commit yet");
        assertFalse(convert(converter(silver), source, content).unchanged(), "the run's retry finds the marker marked, and counts the commit");
        assertCountedOnce(logLines, ROWS, 1);
        assertTrue(convert(converter(silver), source, content).unchanged());
        assertCountedOnce(logLines, ROWS, 1);
        ExactlyOnce.assertExactlyOnce(silver, LAYOUT, "sales", source, ROWS, 1, readBack, CLOCK.instant());
    }

    /**
     * The same sweep, reading the marker unmarked, but slower: the run's mark lands with its answer lost, and a second duplicate
     * delivery claims the commit and logs its line (keeping the claimed marker), before the first sweep ends. A sweep that deleted
     * the marker it read unmarked (as one did before) would take the claimed marker there, and the SDK's resend of the mark would
     * find the key empty; a run that then wrote it anew had its retry count the commit a second time (from a review). Kept, the
     * resend finds the marker claimed (412) and writes nothing.
     */
    @Test
    void aStaleSweepDeletingTheClaimedMarkerBeforeTheMarksRetryLeavesTheCommitCountedOnce() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = new SourceObject("bronze", "sales/swept-after-claim.csv", md5(content), content.length, MODIFIED);
        AtomicReference<byte[]> unansweredManifest = new AtomicReference<>();
        AtomicBoolean duplicatesRan = new AtomicBoolean();
        ObjectStore firstRun = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) throws IOException {
                if (key.startsWith("_manifests/")) {
                    unansweredManifest.set(written.clone());
                    throw new IOException("timed out waiting for the answer");
                }
                if (key.startsWith("_publishing/") && new String(written, StandardCharsets.UTF_8).endsWith(SilverCommit.UNCOUNTED) && !duplicatesRan.get()) {
                    duplicatesRan.set(true);
                    // The manifest lands before the mark, and a duplicate delivery sweeps it, reading the marker unmarked.
                    assertTrue(silver.putIf(LAYOUT.manifestKey("sales", source.key()), unansweredManifest.get(), Optional.empty()).isPresent());
                    ObjectStore staleSweep = new HookedStore(silver, new HookedStore.Hooks() {
                        @Override
                        public void beforeDelete(java.util.Collection<String> keys) throws IOException {
                            if (keys.stream().anyMatch(deleted -> deleted.startsWith("_publishing/"))) {
                                markLandsAndASecondDuplicateClaims(key, written, expectedEtag, source, content);
                            }
                        }
                    });
                    assertTrue(convert(converter(staleSweep), source, content).unchanged(), "the first duplicate read the marker unmarked");
                    // A sweep that deletes no marker has nothing left to do once it read it: the rest of the race comes after it.
                    markLandsAndASecondDuplicateClaims(key, written, expectedEtag, source, content);
                    // What follows is the SDK's resend of the mark, If-Match on the version the run wrote.
                }
            }
        });

        assertThrows(IOException.class, () -> convert(converter(firstRun), source, content));

        assertTrue(duplicatesRan.get());
        assertCountedOnce(logLines, ROWS, 1);
        convert(converter(silver), source, content);
        assertEquals(1, countedLines(logLines).size(), "the commit's line, once: " + logLines);
        ExactlyOnce.assertExactlyOnce(silver, LAYOUT, "sales", source, ROWS, 1, readBack, CLOCK.instant());
    }

    /** The mark's first attempt lands, its answer lost, and a second duplicate claims the commit: once, however often asked. */
    private void markLandsAndASecondDuplicateClaims(String marker, byte[] mark, Optional<String> expectedEtag, SourceObject source, byte[] content)
            throws IOException {
        if (!countedLines(logLines).isEmpty()) {
            return;
        }
        assertTrue(silver.putIf(marker, mark, expectedEtag).isPresent(), "the mark's first attempt lands");
        assertFalse(convert(converter(silver), source, content).unchanged(), "the second duplicate claims the commit");
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
