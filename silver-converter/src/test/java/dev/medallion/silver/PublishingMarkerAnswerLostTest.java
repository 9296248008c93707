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
import java.util.concurrent.atomic.AtomicInteger;

import static dev.medallion.silver.CountedLines.assertCountedOnce;
import static dev.medallion.silver.CountedLines.countedLines;
import static dev.medallion.silver.ExactlyOnce.csv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The publishing marker is written before anything is published with {@code If-None-Match}, keeping the version written, which
 * every later mark of it by the run expects ({@code If-Match}; see {@link ReplayedUncountedMarkTest}). When the write's first
 * attempt lands with its answer lost and the SDK's retry then fails its precondition (412), the version written is unknown: the
 * run must fail before it publishes anything, leaving nothing visible, and its retry must commit the file once.
 */
class PublishingMarkerAnswerLostTest {
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
    void aMarkerWriteWhoseRetryFailsItsPreconditionBehindItsOwnLandedAttemptFailsTheRunBeforeItPublishes() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = new SourceObject("bronze", "sales/marker-lost.csv", md5(content), content.length, MODIFIED);
        AtomicInteger markerWrites = new AtomicInteger();
        ObjectStore firstRun = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) throws IOException {
                if (key.startsWith("_publishing/") && markerWrites.getAndIncrement() == 0) {
                    // The first attempt lands, its answer lost; the request below is the SDK's retry, which finds the key taken.
                    assertTrue(silver.putIf(key, written, expectedEtag).isPresent(), "the first attempt lands");
                }
            }
        });

        IOException failure = assertThrows(IOException.class, () -> convert(converter(firstRun), source, content));

        assertTrue(failure.getMessage().contains("was already there when the run wrote it"), failure.getMessage());
        assertEquals(1, markerWrites.get(), "the run marks nothing after a marker whose version it does not know");
        assertEquals(List.of(), silver.list("sales/"), "no part published");
        assertEquals(List.of(), silver.list("_quarantine/"), "no quarantine file published");
        assertEquals(List.of(), silver.list("_manifests/"), "nothing committed");
        assertEquals(List.of(), silver.list("_publishing/"), "the run deleted its marker, having published nothing");
        assertEquals(List.of(), countedLines(logLines));

        ConversionResult retry = convert(converter(silver), source, content);

        assertFalse(retry.unchanged());
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
