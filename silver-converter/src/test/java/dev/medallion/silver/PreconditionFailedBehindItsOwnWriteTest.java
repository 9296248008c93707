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

import static dev.medallion.silver.CountedLines.assertCountedOnce;
import static dev.medallion.silver.CountedLines.countedLines;
import static dev.medallion.silver.ExactlyOnce.csv;
import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * From a review of the commit protocol: a manifest write whose first attempt landed with its answer lost and whose SDK retry
 * then failed its precondition (412) is told apart from a lost race by reading the manifest back (it names its run). When that
 * read fails too, the run cannot tell whether it committed: as when the read-back after an unanswered write fails, it must say
 * {@code uncounted} in its marker before it fails, or a landed commit is logged by no run (its retry finds the version committed
 * and answers {@code unchanged}).
 */
class PreconditionFailedBehindItsOwnWriteTest {
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
    void aLandedWriteWhoseRetryFailsItsPreconditionAndWhoseReadBackFailsIsCountedByTheRetry() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = new SourceObject("bronze", "sales/precondition.csv", md5(content), content.length, MODIFIED);

        IOException failure = assertThrows(IOException.class, () -> convert(converter(new LandedThen412ThenUnreadable(silver)), source, content));

        assertTrue(failure.getMessage().contains("failed its precondition") && failure.getMessage().contains("could not be read back to tell which"),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("connection reset reading _manifests/sales/precondition-"), failure.getMessage());
        assertEquals(List.of(), countedLines(logLines), "the run could not tell it committed, and logged nothing");
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), markers.toString());
        assertTrue(new String(silver.read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8).strip().endsWith(SilverCommit.UNCOUNTED),
                "the marker says the commit, should it be this run's, is still to be counted");

        ConversionResult retry = convert(converter(silver), source, content);

        assertFalse(retry.unchanged(), "the retry claims the commit its run could not log");
        assertCountedOnce(logLines, ROWS, 1);
        assertTrue(convert(converter(silver), source, content).unchanged(), "a redelivery after it finds it counted");
        assertCountedOnce(logLines, ROWS, 1);
        ExactlyOnce.assertExactlyOnce(silver, LAYOUT, "sales", source, ROWS, 1, readBack, CLOCK.instant());
    }

    /**
     * The manifest write lands, and is answered 412 (the SDK's retry of an attempt whose answer was lost finds the key changed); the
     * next read of the manifest fails (a reset connection).
     */
    private static final class LandedThen412ThenUnreadable implements ObjectStore {
        private final ObjectStore delegate;
        private boolean landed;
        private boolean readFailed;

        LandedThen412ThenUnreadable(ObjectStore delegate) {
            this.delegate = requireNonNull(delegate, "delegate is null");
        }

        @Override
        public Optional<String> putIf(String key, byte[] content, Optional<String> expectedEtag) throws IOException {
            Optional<String> written = delegate.putIf(key, content, expectedEtag);
            if (key.startsWith("_manifests/") && written.isPresent() && !landed) {
                landed = true;
                return Optional.empty();
            }
            return written;
        }

        @Override
        public Optional<VersionedContent> readVersioned(String key) throws IOException {
            if (landed && !readFailed && key.startsWith("_manifests/")) {
                readFailed = true;
                throw new IOException("connection reset reading " + key);
            }
            return delegate.readVersioned(key);
        }

        @Override
        public void put(String key, byte[] content) throws IOException {
            delegate.put(key, content);
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
