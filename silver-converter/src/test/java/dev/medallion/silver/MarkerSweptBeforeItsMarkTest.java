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
 * the marker unmarked (nothing to claim) and deleting it: the conditional mark then finds no marker (404) and writes nothing, and
 * no run would log the commit. The run writes it anew ({@code If-None-Match}), as the plain PUT did before, for its retry to count
 * it; safe from a second application, since a sweep keeps a claimed marker while its run may still write it.
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
    void anUncountedMarkThatFindsItsMarkerSweptUnmarkedWritesItAnewForTheRetryToCount() throws IOException {
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
                    // reading the marker unmarked (nothing to claim) and deleting it, then answers unchanged.
                    assertTrue(silver.putIf(LAYOUT.manifestKey("sales", source.key()), unansweredManifest.get(), Optional.empty()).isPresent());
                    assertTrue(convert(converter(silver), source, content).unchanged(), "the duplicate finds the version committed");
                    assertEquals(List.of(), silver.list("_publishing/"), "and swept the marker before the run marked it");
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
