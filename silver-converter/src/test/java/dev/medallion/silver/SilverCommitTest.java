package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.layout.RunId;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import dev.medallion.common.storage.VersionedContent;
import dev.medallion.common.storage.WriteRefusedException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
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
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static dev.medallion.silver.CountedLines.assertCountedOnce;
import static dev.medallion.silver.CountedLines.assertWithdrawnOnce;
import static dev.medallion.silver.CountedLines.countedLines;
import static dev.medallion.silver.CountedLines.withdrawnLines;
import static dev.medallion.silver.ExactlyOnce.csv;
import static dev.medallion.silver.ExactlyOnce.gzip;
import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commit protocol ({@link SilverCommit}) on a local store, with failures injected at each of its
 * points through {@link HookedStore}. After every scenario: the manifest's rows, the Parquet rows read
 * back and the source's rows agree, each source row once, and no Parquet file is outside a manifest.
 */
class SilverCommitTest {
    private static final Instant MODIFIED = Instant.parse("2026-03-14T23:30:00Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private static final SilverLayout LAYOUT = new SilverLayout("");
    /** Small chunks and parts, so that a run has several parts to publish. */
    private static final ConversionLimits LIMITS = new ConversionLimits(500, 1 << 30, 1, 1 << 20);
    private static final int ROWS = 3_000;

    @TempDir
    Path temporary;

    /**
     * The stores' root: a folder of the TempDir, not the TempDir itself, because a store's conditional writes lock a file beside
     * its root ({@code .<name>.medallion-lock} in its parent), which must stay inside the TempDir JUnit deletes.
     */
    private Path silverRoot;

    @TempDir
    Path readBack;

    private LocalObjectStore silver;
    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws IOException {
        silverRoot = Files.createDirectories(temporary.resolve("silver"));
        silver = new LocalObjectStore(silverRoot);
    }

    @Test
    void aDownloadThatEndsEarlyIsNeverCommittedAndTheRetryConvertsEverything() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = source("sales/cut.csv", content);

        IOException failure = assertThrows(IOException.class,
                () -> converter(silver).convert(source, "sales", () -> new ByteArrayInputStream(content, 0, content.length / 2)));

        assertTrue(failure.getMessage().contains("Read " + content.length / 2 + " bytes of s3://bronze/sales/cut.csv where the object holds "
                + content.length), failure.getMessage());
        assertEquals(List.of(), dataAndManifests(), "nothing committed, nothing visible");
        ConversionResult retry = converter(silver).convert(source, "sales", () -> new ByteArrayInputStream(content));
        assertEquals(content.length, retry.manifest().bytesRead());
        assertExactlyOnce(source, ROWS, 0);
    }

    @Test
    void aCutGzipDownloadIsRetriedNotRejected() throws IOException {
        byte[] content = gzip(csv(ROWS, ""));
        SourceObject source = source("sales/cut.csv.gz", content);

        // Cut gzip looks like a damaged file, which alone would be rejected for good.
        IOException failure = assertThrows(IOException.class,
                () -> converter(silver).convert(source, "sales", () -> new ByteArrayInputStream(content, 0, content.length - 100)));

        assertTrue(failure.getMessage().contains("the download ended early"), failure.getMessage());
        assertEquals(List.of(), dataAndManifests());
        assertEquals(Manifest.CONVERTED, converter(silver).convert(source, "sales", () -> new ByteArrayInputStream(content)).manifest().status());
        assertExactlyOnce(source, ROWS, 0);
    }

    @Test
    void aMultiMemberGzipDownloadCutAtOrJustAfterAMemberBoundaryIsRetriedNotRejected() throws IOException {
        byte[] first = gzip(csv(ROWS / 2, ""));
        byte[] rest = csv(ROWS, "");
        // The rows after the first half, without the header: the second member of `cat first.gz second.gz`.
        String tail = new String(rest, StandardCharsets.UTF_8);
        int from = 0;
        for (int line = 0; line <= ROWS / 2; line++) {
            from = tail.indexOf('\n', from) + 1;
        }
        byte[] content = concat(first, gzip(tail.substring(from).getBytes(StandardCharsets.UTF_8)));
        SourceObject source = source("sales/members.csv.gz", content);

        // At the boundary the first member alone looks like a whole file; inside the next header, like a damaged one.
        for (int cut : new int[] {first.length, first.length + 1, first.length + 5}) {
            IOException failure = assertThrows(IOException.class,
                    () -> converter(silver).convert(source, "sales", () -> new ByteArrayInputStream(content, 0, cut)));
            assertTrue(failure.getMessage().contains("the download ended early"), failure.getMessage());
            assertEquals(List.of(), dataAndManifests());
        }
        assertEquals(Manifest.CONVERTED, converter(silver).convert(source, "sales", () -> new ByteArrayInputStream(content)).manifest().status());
        assertExactlyOnce(source, ROWS, 0);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void moreBytesThanTheObjectHoldsFailToo() throws IOException {
        byte[] content = csv(10, "");
        SourceObject source = source("sales/long.csv", Arrays.copyOf(content, content.length - 5));

        assertThrows(SourceBytes.TruncatedSourceException.class,
                () -> converter(silver).convert(source, "sales", () -> new ByteArrayInputStream(content)));
        assertEquals(List.of(), dataAndManifests());
    }

    @Test
    void aRefusedManifestWriteLeavesNoPartAndNoQuarantineFileVisible() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/m.csv", content);
        ObjectStore failing = failingManifestWrites(() -> { throw new WriteRefusedException("manifest write refused", null); });

        IOException failure = assertThrows(IOException.class, () -> convert(converter(failing), source, content));

        assertEquals("manifest write refused", failure.getMessage());
        assertEquals(List.of(), dataAndManifests(), "published parts, quarantine file and marker are deleted again");
        assertEquals(Manifest.CONVERTED, convert(converter(silver), source, content).manifest().status());
        assertExactlyOnce(source, ROWS, 1);
    }

    @Test
    void aManifestWriteOfUnknownOutcomeKeepsThePartsForTheNextRun() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/m.csv", content);
        ObjectStore failing = failingManifestWrites(() -> { throw new IOException("connection reset before the answer"); });

        IOException failure = assertThrows(IOException.class, () -> convert(converter(failing), source, content));

        assertTrue(failure.getMessage().contains("failed without a definite answer (connection reset before the answer), and it may still land"),
                failure.getMessage());
        assertEquals(ROWS / LIMITS.chunkRows(), parquetFiles().size(), "the parts stay: the stated window");
        assertEquals(1, silver.list("_publishing/").size(), "with the marker that leads the next run's sweep to them");
        assertFalse(Files.exists(silverRoot.resolve(LAYOUT.manifestKey("sales", source.key()))));
        assertFalse(convert(converter(silver), source, content).unchanged());
        assertExactlyOnce(source, ROWS, 1);
    }

    /**
     * A run of a new version whose manifest write failed without an answer keeps its parts, visible. If
     * the object is back to the committed version before the retry (an overwrite undone), the retry finds
     * a manifest that describes it: answering unchanged would leave the other version's rows visible
     * beside it for good, since only a commit on top of that manifest sweeps them.
     */
    @Test
    void aRetryThatFindsTheCommittedVersionAgainStillSweepsTheRowsOfAnotherVersionsFailedCommit() throws IOException {
        byte[] a = csv(ROWS, "");
        SourceObject versionA = committed("sales/undone.csv", a);
        byte[] b = csv(ROWS + 500, "");
        SourceObject versionB = source("sales/undone.csv", b);
        ObjectStore failing = failingManifestWrites(() -> { throw new IOException("connection reset before the answer"); });
        assertThrows(IOException.class, () -> convert(converter(failing), versionB, b));
        assertTrue(parquetFiles().size() > ROWS / LIMITS.chunkRows(), "B's parts are visible beside A's: " + parquetFiles());

        ConversionResult retry = convert(converter(silver), versionA, a);

        assertFalse(retry.unchanged(), "a conversion on top of A's manifest is what sweeps B's parts");
        assertExactlyOnce(versionA, ROWS, 0);
        // And the next delivery of A is answered unchanged: the marker left behind is of a run at most as late as the manifest.
        assertTrue(convert(converter(silver), versionA, a).unchanged());
    }

    /**
     * A run that publishes nothing (a file rejected whole) writes a marker only when its manifest write fails
     * without an answer, to say that, should it land, its rejection is still to be counted. It must not mark
     * files abandoned that it never published, which would have the next delivery of the committed version
     * convert it again for nothing, at once or once the run is over.
     */
    @Test
    void aRunThatPublishedNothingMarksNoFileAbandonedWhenItsManifestWriteFails() throws IOException {
        byte[] a = csv(ROWS, "");
        SourceObject versionA = committed("sales/nothing.csv", a);
        byte[] notUtf8 = {'i', 'd', '\n', (byte) 0xC3, (byte) 0x28, '\n'};
        ObjectStore failing = failingManifestWrites(() -> { throw new IOException("connection reset before the answer"); });

        IOException failure = assertThrows(IOException.class, () -> convert(converter(failing), source("sales/nothing.csv", notUtf8), notUtf8));

        assertTrue(failure.getMessage().contains("the run published no file"), failure.getMessage());
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), markers.toString());
        assertEquals(CLOCK.instant() + " " + SilverCommit.PUBLISHED_NOTHING + " " + SilverCommit.UNCOUNTED,
                new String(silver.read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8));
        assertTrue(convert(converter(silver), versionA, a).unchanged());
        assertTrue(convert(converter(silver, Clock.offset(CLOCK, SilverCommit.PUBLISHING_BOUND)), versionA, a).unchanged(),
                "nor once the run is over: it left no file to sweep");
    }

    /**
     * A marker of a run several generations later is of a lineage whose manifest was deleted by hand (a reset,
     * as the unreadable-manifest message advises): no run of this manifest can sweep it, so it must not make
     * every delivery of the committed version convert again.
     */
    @Test
    void aMarkerLeftByAManifestResetMakesNoDeliveryConvertAgain() throws IOException {
        byte[] a = csv(ROWS, "");
        SourceObject versionA = committed("sales/reset.csv", a);
        LocalDate day = LocalDate.ofInstant(MODIFIED, ZoneOffset.UTC);
        silver.put(LAYOUT.publishingKey("sales", day, versionA.key(), RunId.start(4)), (CLOCK.instant() + " " + SilverCommit.ABANDONED).getBytes(StandardCharsets.UTF_8));

        assertTrue(convert(converter(silver), versionA, a).unchanged());
        assertTrue(convert(converter(silver), versionA, a).unchanged());
    }

    /**
     * As above, but B's run is killed at its manifest write: it cannot say it gave up. Until it could no
     * longer be publishing ({@link SilverCommit#PUBLISHING_BOUND}), a run that finds A answers unchanged
     * (B's run may still commit: the stated window); the first one after converts A again and sweeps B.
     */
    @Test
    void aRunThatFindsTheCommittedVersionAfterAnotherVersionsRunWasKilledSweepsItOnceThatRunIsOver() throws IOException {
        byte[] a = csv(ROWS, "");
        SourceObject versionA = committed("sales/killed-undone.csv", a);
        List<String> partsOfA = parquetFiles();
        byte[] b = csv(ROWS + 500, "");
        assertThrows(Killed.class, () -> convert(converter(failingManifestWrites(() -> { throw new Killed(); })), source("sales/killed-undone.csv", b), b));

        assertTrue(convert(converter(silver), versionA, a).unchanged(), "B's run may still be publishing");
        assertTrue(parquetFiles().size() > partsOfA.size(), "the stated window: " + parquetFiles());

        ConversionResult after = convert(converter(silver, Clock.offset(CLOCK, SilverCommit.PUBLISHING_BOUND)), versionA, a);

        assertFalse(after.unchanged(), "B's run is over: a commit on top of A's manifest sweeps its parts");
        assertEquals(ROWS / LIMITS.chunkRows(), parquetFiles().size(), "A's rows only: " + parquetFiles());
    }

    /**
     * S3 can complete a request after its client gave up on it. A run that deleted its parts when its
     * manifest write failed without an answer would leave, once the write lands, a manifest that names
     * deleted files: their rows lost, and the source taken for converted.
     */
    @Test
    void aManifestWriteThatLandsAfterTheRunGaveUpLosesNoRows() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/late.csv", content);
        List<Late> late = new ArrayList<>();
        ObjectStore timesOut = new HookedStore(silver, landsLater(late));

        assertThrows(IOException.class, () -> convert(converter(timesOut), source, content));
        late.get(0).land();

        ConversionResult retry = convert(converter(silver), source, content);
        assertFalse(retry.unchanged(), "the retry counts the late manifest, which its run could not log");
        assertEquals(Manifest.CONVERTED, retry.outcome());
        assertExactlyOnce(source, ROWS, 1);
        assertTrue(convert(converter(silver), source, content).unchanged(), "a redelivery after it finds it counted");
        Map<?, ?> counted = assertCountedOnce(logLines, ROWS, 1).get(0);
        // The claiming run's time is not the committing run's, and the manifest records no duration: a file's rows over a
        // claim's milliseconds would be a rate no run ran at.
        assertFalse(counted.containsKey("seconds"), "no time of another run: " + counted);
        assertFalse(counted.containsKey("rowsPerSecond"), "no rate of another run: " + counted);
    }

    /**
     * A withdrawal (its file deleted from bronze) whose manifest write lands after it gave up: its retry logs the withdrawal's
     * line, once, naming the late run in countedFor, and a redelivery counts nothing. Before, no run logged it.
     */
    @Test
    void aWithdrawalWhoseManifestLandsAfterItGaveUpIsCountedOnce() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/late.csv", content);
        SilverConverter.Presence deleted = () -> false;
        aWithdrawalThatGaveUpOnItsManifestWrite(source, content).land();
        assertEquals(List.of(), withdrawnLines(logLines), "the run that gave up logged nothing");

        assertEquals(WithdrawalResult.WITHDRAWN, converter(silver).withdraw("bronze", source.key(), "sales", deleted).outcome(),
                "the retry counts the late withdrawal, which its run could not log");
        assertEquals(WithdrawalResult.UNCHANGED, converter(silver).withdraw("bronze", source.key(), "sales", deleted).outcome(),
                "a redelivery finds it counted");
        List<Map<?, ?>> lines = assertWithdrawnOnce(logLines, ROWS, 1);
        assertTrue(String.valueOf(lines.get(0).get("countedFor")).startsWith("run g2-"), lines.toString());
        assertFalse(lines.get(0).containsKey("seconds"), "no time of another run: " + lines);
        assertOnlyTheClaimedMarkerLeft();
        assertCountedOnce(logLines, ROWS, 1);
    }

    /**
     * A file converted under older reading rules (its manifest written before they were recorded: version 1) and delivered again is
     * converted again, as under another contract: the new version replaces the old, each row once, and the redelivery after answers
     * unchanged. Answered unchanged against the ETag alone, the file kept the rows an older converter made of it for good.
     */
    @Test
    void aFileConvertedUnderOlderReadingRulesIsConvertedAgainWhenDeliveredAgain() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = committed("sales/older.csv", content);
        String manifestKey = LAYOUT.manifestKey("sales", source.key());
        ObjectNode written = (ObjectNode) new ObjectMapper().readTree(silver.read(manifestKey).orElseThrow());
        assertEquals(ReadingRules.VERSION, written.path("readingRules").asInt(), "a manifest records the reading rules it was read under: " + written);
        written.remove("readingRules");
        silver.put(manifestKey, new ObjectMapper().writeValueAsBytes(written));
        assertEquals(1, new ManifestStore(silver).read(manifestKey).orElseThrow().readingRules(), "a manifest without the field is of version 1");

        ConversionResult again = convert(converter(silver), source, content);

        assertFalse(again.unchanged(), "read under older rules, the same bytes are converted again");
        assertEquals(2, again.manifest().generation(), "its new version replaces the old");
        assertEquals(ReadingRules.VERSION, again.manifest().readingRules());
        assertExactlyOnce(source, ROWS, 1);
        assertEquals(2, countedLines(logLines).size(), "the first conversion's line and this one's: " + logLines);
        assertTrue(convert(converter(silver), source, content).unchanged(), "converted under the rules in force, a redelivery is unchanged");
        assertExactlyOnce(source, ROWS, 1);
        assertEquals(List.of(), silver.list("_publishing/"), "no marker left");
    }

    /**
     * A deploy that raises the reading rules rolls out while an object's event is delivered twice: the older function version's run
     * wins, its manifest at the older rules. The newer version's run loses, and fails rather than answering unchanged, so that its
     * retry converts the file again under the newer rules; answered unchanged, the file kept the older reading until delivered again.
     * The older version, delivered the object again after, takes the newer conversion as it is: no version converts it back.
     */
    @Test
    void aRunThatLosesToAConversionUnderOlderReadingRulesFailsAndItsRetryConvertsTheFileAgain() throws Exception {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/rules-rollout.csv", content);
        CountDownLatch olderVersionCommitted = new CountDownLatch(1);
        ObjectStore waitsAtTheManifest = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_manifests/")) {
                    await(olderVersionCommitted);
                }
            }
        });
        int older = ReadingRules.VERSION - 1;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ConversionResult> newer = pool.submit(() -> convert(converter(waitsAtTheManifest), source, content));
            waitUntil(() -> parquetFiles().size() == ROWS / LIMITS.chunkRows());
            ConversionResult olderRun = convert(converter(silver, older), source, content);
            olderVersionCommitted.countDown();
            assertEquals(older, olderRun.manifest().readingRules());

            ExecutionException lost = assertThrows(ExecutionException.class, () -> newer.get(30, TimeUnit.SECONDS));
            assertTrue(lost.getCause() instanceof SilverCommit.ConcurrentCommitException
                    && lost.getCause().getMessage().contains("read under reading rules " + older + ", older than this converter's " + ReadingRules.VERSION),
                    String.valueOf(lost.getCause()));
        }
        finally {
            pool.shutdownNow();
        }
        assertExactlyOnce(source, ROWS, 1);

        ConversionResult retry = convert(converter(silver), source, content);

        assertFalse(retry.unchanged(), "the retry converts the file again under the newer rules");
        assertEquals(2, retry.manifest().generation());
        assertEquals(ReadingRules.VERSION, retry.manifest().readingRules());
        assertExactlyOnce(source, ROWS, 1);
        assertTrue(convert(converter(silver, older), source, content).unchanged(), "the older version never converts it back");
        assertTrue(convert(converter(silver), source, content).unchanged());
        assertEquals(ReadingRules.VERSION, new ManifestStore(silver).read(LAYOUT.manifestKey("sales", source.key())).orElseThrow().readingRules());
        assertExactlyOnce(source, ROWS, 1);
        assertEquals(2, countedLines(logLines).size(), "the older run's line and the retry's: " + logLines);
    }

    /**
     * The other way round, the older version's run loses to the newer's commit: it reports that commit, unchanged, and fails
     * nothing, so two function versions deployed side by side settle on the newer reading.
     */
    @Test
    void aRunThatLosesToAConversionUnderNewerReadingRulesReportsItUnchanged() throws Exception {
        byte[] content = csv(ROWS, "");
        SourceObject source = source("sales/rules-rollout-older-loses.csv", content);
        CountDownLatch newerVersionCommitted = new CountDownLatch(1);
        ObjectStore waitsAtTheManifest = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_manifests/")) {
                    await(newerVersionCommitted);
                }
            }
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ConversionResult> olderRun = pool.submit(() -> convert(converter(waitsAtTheManifest, ReadingRules.VERSION - 1), source, content));
            waitUntil(() -> parquetFiles().size() == ROWS / LIMITS.chunkRows());
            ConversionResult newer = convert(converter(silver), source, content);
            newerVersionCommitted.countDown();

            ConversionResult olderResult = olderRun.get(30, TimeUnit.SECONDS);
            assertTrue(olderResult.unchanged(), "the older run reports the newer commit");
            assertEquals(newer.manifest().run(), olderResult.manifest().run());
            assertEquals(ReadingRules.VERSION, olderResult.manifest().readingRules());
        }
        finally {
            pool.shutdownNow();
        }
        assertExactlyOnce(source, ROWS, 0);
    }

    /**
     * A rollback after an upgrade: a file converted by a newer converter (its manifest at newer reading rules) and delivered to an
     * older one is unchanged, its newer reading kept, not brought back down; delivered to each in turn, neither converts it again.
     */
    @Test
    void aFileConvertedUnderNewerReadingRulesIsUnchangedForAnOlderConverter() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/rolled-back.csv", content);
        int newer = ReadingRules.VERSION + 1;
        assertEquals(newer, convert(converter(silver, newer), source, content).manifest().readingRules());
        List<String> before = silver.list("");

        for (int delivery = 0; delivery < 2; delivery++) {
            assertTrue(convert(converter(silver), source, content).unchanged(), "the older converter keeps the newer reading");
            assertTrue(convert(converter(silver, newer), source, content).unchanged(), "and the newer one sees its own");
        }

        assertEquals(before, silver.list(""), "nothing written, nothing swept");
        Manifest manifest = new ManifestStore(silver).read(LAYOUT.manifestKey("sales", source.key())).orElseThrow();
        assertEquals(1, manifest.generation());
        assertEquals(newer, manifest.readingRules());
        assertExactlyOnce(source, ROWS, 1);
    }

    /** A withdrawal records the reading rules of the manifest it withdraws, not its own converter's. */
    @Test
    void aWithdrawalRecordsTheReadingRulesOfWhatItWithdraws() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = source("sales/withdrawn-older.csv", content);
        int older = ReadingRules.VERSION - 1;
        convert(converter(silver, older), source, content);

        WithdrawalResult withdrawal = converter(silver).withdraw("bronze", source.key(), "sales", () -> false);

        Manifest withdrawn = withdrawal.manifest().orElseThrow();
        assertEquals(Manifest.WITHDRAWN, withdrawn.status());
        assertEquals(older, withdrawn.readingRules());
        assertEquals(older, new ManifestStore(silver).read(LAYOUT.manifestKey("sales", source.key())).orElseThrow().readingRules());
        assertEquals(List.of(), parquetFiles(), "its rows are withdrawn");
    }

    /**
     * A withdrawal of a manifest of format 1, which has no encoding, writes {@code "encoding": null} (it copies the encoding of what it
     * withdraws): so a null encoding is one a converter writes, read as none, as left out; and the withdrawal, with its run, is read back.
     */
    @Test
    void aWithdrawalOfAManifestOfTheFirstFormatWritesItsEncodingNullAndIsReadBack() throws IOException {
        String key = "sales/first-format.csv";
        ObjectNode older;
        try (var in = java.util.Objects.requireNonNull(getClass().getResourceAsStream("/older-manifests/format1-9079e33/quarantined.json"))) {
            older = (ObjectNode) new ObjectMapper().readTree(in);
        }
        older.put("dataset", "sales");
        ((ObjectNode) older.get("source")).put("bucket", "bronze").put("key", key);
        String manifestKey = LAYOUT.manifestKey("sales", key);
        silver.put(manifestKey, new ObjectMapper().writeValueAsBytes(older));

        WithdrawalResult withdrawal = converter(silver).withdraw("bronze", key, "sales", () -> false);

        assertEquals(WithdrawalResult.WITHDRAWN, withdrawal.outcome(), withdrawal.toString());
        ObjectNode written = (ObjectNode) new ObjectMapper().readTree(silver.read(manifestKey).orElseThrow());
        assertTrue(written.has("encoding") && written.get("encoding").isNull(), "written null: " + written);
        Manifest withdrawn = new ManifestStore(silver).read(manifestKey).orElseThrow();
        assertEquals(Manifest.WITHDRAWN, withdrawn.status());
        assertEquals(null, withdrawn.encoding());
        assertTrue(withdrawn.run().startsWith("g1-"), withdrawn.run());
    }

    /**
     * A file deleted while it was converted, and, between this run's commit and its look at the key, an older converter's commit of
     * the key (a rollback to a release from before the commit protocol, converting a re-upload that was then deleted again): that
     * converter writes its manifest unconditionally, of format 1, which names no run, and deletes what the manifest it replaced
     * committed. The withdrawal after the look withdraws that commit, not this run's: this run's conversion is logged as processed
     * (superseded), and the withdrawal on its own line, without the reason of a file deleted while it was converted. Comparing the
     * runs threw a NullPointerException (the format-1 manifest's run is null) after the commit, the conversion logged by no line.
     */
    @Test
    void aFileDeletedWhileConvertedWhoseManifestAnOlderConverterReplacedMeanwhileWithdrawsThatCommitAndLogsTheConversion() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/rolled-back.csv", content);
        String manifestKey = LAYOUT.manifestKey("sales", source.key());
        List<String> olderParts = new ArrayList<>();
        SilverConverter.Presence deletedAfterAnOlderCommit = () -> {
            if (olderParts.isEmpty()) {
                olderParts.add(commitAsTheFirstFormat(manifestKey));
            }
            return false;
        };

        ConversionResult result = converter(silver).convert(source, "sales", () -> new ByteArrayInputStream(content), Deadline.none(),
                deletedAfterAnOlderCommit);

        Manifest withdrawn = new ManifestStore(silver).read(manifestKey).orElseThrow();
        assertEquals(Manifest.WITHDRAWN, withdrawn.status());
        assertEquals(withdrawn.run(), result.manifest().run(), "the result is the withdrawal");
        assertEquals(1, withdrawn.generation(), "on top of the format-1 manifest, generation 0");
        assertEquals("older-etag", withdrawn.source().etag(), "the older converter's commit is what is withdrawn");
        assertEquals(olderParts, withdrawn.supersedes());
        assertEquals(List.of(), parquetFiles(), "neither this run's parts, which the older converter deleted, nor its own, which the withdrawal swept");
        assertEquals(List.of(), silver.list("_quarantine/"));
        assertEquals(List.of(), silver.list("_publishing/"), "no marker left");
        Map<?, ?> converted = assertCountedOnce(logLines, ROWS, 1).get(0);
        assertEquals(Manifest.CONVERTED, converted.get("outcome"), "this run's conversion, superseded, not withdrawn: " + converted);
        List<Map<?, ?>> withdrawals = assertWithdrawnOnce(logLines, LIMITS.chunkRows(), 0);
        assertEquals(null, withdrawals.get(0).get("reason"), "not this run's conversion withdrawn: " + withdrawals);
    }

    /**
     * A file deleted while it was converted, found gone by the look after the commit, and uploaded again before the withdrawal asks
     * again: nothing is withdrawn (the key has an object, whose own event is answered against this run's manifest), and this run's
     * conversion is what it did, logged once as processed, with why nothing was withdrawn.
     */
    @Test
    void aFileDeletedWhileConvertedAndUploadedAgainBeforeItsWithdrawalAsksKeepsItsConversionLoggedOnce() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/back-again.csv", content);
        AtomicInteger looks = new AtomicInteger();
        SilverConverter.Presence goneThenBack = () -> looks.incrementAndGet() > 1;

        ConversionResult result = converter(silver).convert(source, "sales", () -> new ByteArrayInputStream(content), Deadline.none(), goneThenBack);

        assertEquals(2, looks.get(), "the look after the commit, then the withdrawal's");
        assertEquals(Manifest.CONVERTED, result.outcome());
        assertExactlyOnce(source, ROWS, 1);
        Map<?, ?> line = assertCountedOnce(logLines, ROWS, 1).get(0);
        assertTrue(String.valueOf(line.get("notWithdrawn")).startsWith("the key was gone after this run's commit, but nothing was withdrawn: the key"
                + " has an object in bronze"), line.toString());
        assertEquals(List.of(), withdrawnLines(logLines));
    }

    /**
     * A file deleted while it was converted, whose withdrawal after the look fails (the withdrawal's own HEAD of the key answers
     * 503): the run fails, so the event is retried, but its conversion is committed and logged first, once; the retry, finding the
     * key gone, withdraws it and logs the withdrawal once. Unlogged, the committed rows would be counted by no line.
     */
    @Test
    void aFileDeletedWhileConvertedWhoseWithdrawalFailsLogsTheConversionAndItsRetryWithdrawsIt() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/withdrawal-fails.csv", content);
        AtomicInteger looks = new AtomicInteger();
        SilverConverter.Presence goneThenUnanswered = () -> {
            if (looks.incrementAndGet() > 1) {
                throw new IOException("HEAD answered 503 Slow Down");
            }
            return false;
        };

        IOException failure = assertThrows(IOException.class, () -> converter(silver).convert(source, "sales", () -> new ByteArrayInputStream(content),
                Deadline.none(), goneThenUnanswered));

        assertEquals("HEAD answered 503 Slow Down", failure.getMessage());
        assertEquals(Manifest.CONVERTED, new ManifestStore(silver).read(LAYOUT.manifestKey("sales", source.key())).orElseThrow().status());
        assertCountedOnce(logLines, ROWS, 1);
        assertEquals(List.of(), withdrawnLines(logLines));

        WithdrawalResult retry = converter(silver).withdrawForMissingKey("bronze", source.key(), "sales", () -> false);

        assertEquals(WithdrawalResult.WITHDRAWN, retry.outcome(), retry.toString());
        assertWithdrawnOnce(logLines, ROWS, 1);
        assertCountedOnce(logLines, ROWS, 1);
        assertEquals(List.of(), parquetFiles());
        assertEquals(List.of(), silver.list("_quarantine/"));
        assertEquals(List.of(), silver.list("_publishing/"), "no marker left");
    }

    /**
     * A replacement whose manifest write S3 refused and whose delete of what it published then fails: its files stay visible, and
     * its marker says it gave up (abandoned), so the object put back as it was and delivered at once is converted again, and its
     * commit sweeps them. With its marker left as a run still publishing, that delivery would answer unchanged, the replacement's
     * rows visible beside the committed ones until a delivery 20 minutes later.
     */
    @Test
    void aRefusedReplacementThatCannotDeleteWhatItPublishedIsSweptByTheNextDeliveryOfTheCommittedVersion() throws IOException {
        byte[] a = csv(ROWS, "");
        SourceObject versionA = committed("sales/refused.csv", a);
        List<String> partsOfA = parquetFiles();
        byte[] b = csv(ROWS + 500, "");
        AtomicBoolean deleteFailed = new AtomicBoolean();
        ObjectStore refusedThenUndeletable = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_manifests/")) {
                    throw new WriteRefusedException("manifest write refused", null);
                }
            }

            @Override
            public void beforeDelete(Collection<String> keys) throws IOException {
                if (keys.stream().anyMatch(key -> key.endsWith(".parquet")) && deleteFailed.compareAndSet(false, true)) {
                    throw new IOException("DeleteObjects answered 500");
                }
            }
        });

        IOException failure = assertThrows(IOException.class, () -> convert(converter(refusedThenUndeletable), source("sales/refused.csv", b), b));

        assertEquals("manifest write refused", failure.getMessage());
        assertTrue(deleteFailed.get(), "the delete was met");
        assertTrue(parquetFiles().size() > partsOfA.size(), "B's parts stay visible: " + parquetFiles());
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), markers.toString());
        assertEquals(CLOCK.instant() + " " + SilverCommit.ABANDONED, new String(silver.read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8));

        assertFalse(convert(converter(silver), versionA, a).unchanged(), "a commit on top of A's manifest is what sweeps B's parts");
        assertExactlyOnce(versionA, ROWS, 0);
    }

    /**
     * A manifest write that landed after its run gave up, and the retry's claim of its line (the conditional rewrite of the run's
     * marker) landing with its answer lost: the retry reads the marker back, finds its own claim, and logs the line, once.
     * Taking a lost answer for a lost claim would leave the commit counted by no run, its claim taken.
     */
    @Test
    void aClaimWhoseAnswerIsLostIsReadBackAndTheLateCommitCountedOnce() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/claim-lost.csv", content);
        List<Late> late = new ArrayList<>();
        assertThrows(IOException.class, () -> convert(converter(new HookedStore(silver, landsLater(late))), source, content));
        late.get(0).land();
        AtomicBoolean answerLost = new AtomicBoolean();
        ObjectStore claimAnswerLost = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void afterPutIf(String key, Optional<String> written) throws IOException {
                if (key.startsWith("_publishing/") && written.isPresent() && answerLost.compareAndSet(false, true)) {
                    throw new IOException("connection reset before the answer");
                }
            }
        });

        ConversionResult retry = convert(converter(claimAnswerLost), source, content);

        assertTrue(answerLost.get(), "the claim landed, its answer lost");
        assertFalse(retry.unchanged(), "the retry counts the late manifest");
        assertCountedOnce(logLines, ROWS, 1);
        assertTrue(convert(converter(silver), source, content).unchanged(), "a redelivery after it finds it counted");
        assertCountedOnce(logLines, ROWS, 1);
        assertExactlyOnce(source, ROWS, 1);
    }

    /**
     * As above, S3 refusing the claim (nothing landed): the retry fails saying so, logging nothing, and the next one claims the line
     * and logs it, once.
     */
    @Test
    void aRefusedClaimFailsTheRetryAndTheNextOneCountsTheLateCommitOnce() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/claim-refused.csv", content);
        List<Late> late = new ArrayList<>();
        assertThrows(IOException.class, () -> convert(converter(new HookedStore(silver, landsLater(late))), source, content));
        late.get(0).land();
        ObjectStore claimRefused = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_publishing/")) {
                    throw new WriteRefusedException("marker rewrite refused", null);
                }
            }
        });

        IOException failure = assertThrows(IOException.class, () -> convert(converter(claimRefused), source, content));

        assertTrue(failure.getMessage().startsWith("Could not claim the count of "), failure.getMessage());
        assertTrue(failure.getMessage().contains("the run fails so that its retry claims it"), failure.getMessage());
        assertEquals(List.of(), countedLines(logLines), "nothing logged yet");
        assertFalse(convert(converter(silver), source, content).unchanged(), "the next retry claims it");
        assertCountedOnce(logLines, ROWS, 1);
        assertExactlyOnce(source, ROWS, 1);
    }

    /**
     * As above, the claim landing with its answer lost and its read-back of the marker failing too: the retry cannot tell whether the
     * line is its to log, so it fails, logging nothing, saying so, with the read-back's failure on the claim's. Its claim landed, so
     * the commit is counted by no run (the documented case): the next retry finds the marker claimed, logs nothing, answers unchanged
     * and sweeps, the rows once and no marker left.
     */
    @Test
    void aClaimWhoseAnswerIsLostAndWhoseReadBackFailsFailsTheRetryAndTheCommitStaysCountedByNoRun() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/claim-unknowable.csv", content);
        String lateRun = aManifestThatLandedAfterItsRunGaveUp(source, content);
        IOException readBackFailure = new IOException("GetObject of the marker answered 503");
        ObjectStore claimUnknowable = claimFailing(() -> false, readBackFailure);

        IOException failure = assertThrows(IOException.class, () -> convert(converter(claimUnknowable), source, content));

        assertTrue(failure.getMessage().startsWith("Could not tell whether this run claimed the count of run " + lateRun + "'s commit of "
                + source.key()), failure.getMessage());
        assertTrue(failure.getMessage().contains("if the claim landed, the commit's line is logged by no run"), failure.getMessage());
        assertEquals("connection reset before the answer", failure.getCause().getMessage());
        assertEquals(List.of(readBackFailure), Arrays.asList(failure.getCause().getSuppressed()), "the read-back's failure goes with it");
        assertEquals(List.of(), countedLines(logLines), "nothing logged: the run cannot tell whether the line is its own");
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), markers.toString());
        assertTrue(new String(silver.read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8).contains(" " + SilverCommit.COUNTED_BY + " "),
                "the claim landed: " + markers);

        assertTrue(convert(converter(silver), source, content).unchanged(), "the marker is claimed: no run may log the line again");
        assertEquals(List.of(), countedLines(logLines), "counted by no run, as docs/silver-converter.md says of this case");
        assertExactlyOnce(source, ROWS, 1);
        assertOnlyTheClaimedMarkerLeft();
    }

    /**
     * As above, but the claim did not land (no answer, and nothing written): the retry fails the same way, the marker still says
     * uncounted, and the next retry claims it and logs the line, once.
     */
    @Test
    void aClaimThatGoesUnansweredWithoutLandingAndWhoseReadBackFailsIsClaimedByTheNextRetry() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/claim-unanswered.csv", content);
        aManifestThatLandedAfterItsRunGaveUp(source, content);
        IOException readBackFailure = new IOException("GetObject of the marker answered 503");
        ObjectStore claimUnknowable = claimFailing(() -> true, readBackFailure);

        IOException failure = assertThrows(IOException.class, () -> convert(converter(claimUnknowable), source, content));

        assertTrue(failure.getMessage().startsWith("Could not tell whether this run claimed the count of run "), failure.getMessage());
        assertEquals(List.of(readBackFailure), Arrays.asList(failure.getCause().getSuppressed()));
        assertEquals(List.of(), countedLines(logLines));
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), markers.toString());
        assertTrue(new String(silver.read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8).endsWith(" " + SilverCommit.UNCOUNTED),
                "nothing landed: " + markers);

        assertFalse(convert(converter(silver), source, content).unchanged(), "the next retry claims the line");
        assertCountedOnce(logLines, ROWS, 1);
        assertTrue(convert(converter(silver), source, content).unchanged(), "a redelivery after it finds it counted");
        assertCountedOnce(logLines, ROWS, 1);
        assertExactlyOnce(source, ROWS, 1);
    }

    /**
     * As above, the claim failing its precondition (another delivery claimed the commit between this run's read of the marker and
     * its claim) and the read-back of the marker failing: the run cannot tell whose the claim is, so it fails, logging nothing, with
     * a message that names the commit and the marker and says why; the other delivery's line stands, once.
     */
    @Test
    void aClaimThatFailsItsPreconditionAndWhoseReadBackFailsFailsTheRunSayingWhichCommitAndWhy() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/claim-taken.csv", content);
        String lateRun = aManifestThatLandedAfterItsRunGaveUp(source, content);
        IOException readBackFailure = new IOException("GetObject of the marker answered 503");
        AtomicBoolean otherClaimed = new AtomicBoolean();
        ObjectStore claimedFirstThenUnreadable = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_publishing/") && otherClaimed.compareAndSet(false, true)) {
                    assertFalse(convert(converter(silver), source, content).unchanged(), "the other delivery claims the commit first");
                }
            }

            @Override
            public void beforeRead(String key) throws IOException {
                if (key.startsWith("_publishing/") && otherClaimed.get()) {
                    throw readBackFailure;
                }
            }
        });

        IOException failure = assertThrows(IOException.class, () -> convert(converter(claimedFirstThenUnreadable), source, content));

        assertTrue(failure.getMessage().startsWith("Could not tell whether this run claimed the count of run " + lateRun + "'s commit of "
                + source.key()), failure.getMessage());
        assertTrue(failure.getMessage().contains("failed its precondition (another run claimed it, or this run's own first attempt landed)"
                + " and the marker could not be read back to tell which (GetObject of the marker answered 503)"), failure.getMessage());
        assertSame(readBackFailure, failure.getCause());
        assertCountedOnce(logLines, ROWS, 1);
        assertTrue(convert(converter(silver), source, content).unchanged(), "the retry finds the marker claimed");
        assertCountedOnce(logLines, ROWS, 1);
        assertExactlyOnce(source, ROWS, 1);
    }

    /** A converter's manifest write that timed out and landed once its run had failed; returns the late run's token. */
    private String aManifestThatLandedAfterItsRunGaveUp(SourceObject source, byte[] content) throws IOException {
        List<Late> late = new ArrayList<>();
        assertThrows(IOException.class, () -> convert(converter(new HookedStore(silver, landsLater(late))), source, content));
        late.get(0).land();
        return new ManifestStore(silver).read(LAYOUT.manifestKey("sales", source.key())).orElseThrow().run();
    }

    /**
     * A store whose conditional rewrite of a publishing marker (a claim) goes unanswered, before the write ({@code beforeWriting}:
     * nothing lands) or after it (it landed), and whose every read of a marker after that fails with {@code readFailure}.
     */
    private ObjectStore claimFailing(java.util.function.BooleanSupplier beforeWriting, IOException readFailure) {
        AtomicBoolean claimUnanswered = new AtomicBoolean();
        return new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_publishing/") && beforeWriting.getAsBoolean() && claimUnanswered.compareAndSet(false, true)) {
                    throw new IOException("connection reset before the answer");
                }
            }

            @Override
            public void afterPutIf(String key, Optional<String> written) throws IOException {
                if (key.startsWith("_publishing/") && !beforeWriting.getAsBoolean() && claimUnanswered.compareAndSet(false, true)) {
                    throw new IOException("connection reset before the answer");
                }
            }

            @Override
            public void beforeRead(String key) throws IOException {
                if (key.startsWith("_publishing/") && claimUnanswered.get()) {
                    throw readFailure;
                }
            }
        });
    }

    /**
     * A manifest write that goes unanswered, and the rewrite of the run's marker saying so ({@code uncounted}) failing too: the run
     * fails with the manifest write's failure, the marker's carried with it, and its marker stays as written before publishing, the
     * parts visible. Should the manifest land, the retry finds it committed and its run's marker unmarked: it answers unchanged and
     * sweeps, the rows once, no marker left, and the commit counted by no run (the documented case: the marker write failing too).
     */
    @Test
    void aManifestWriteGoneUnansweredWhoseUncountedMarkFailsTooLeavesTheLateCommitWholeAndCountedByNoRun() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/unmarked.csv", content);
        List<Late> late = new ArrayList<>();
        HookedStore.Hooks timesOut = landsLater(late);
        IOException markFailure = new IOException("PutObject of the marker answered 503");
        ObjectStore timesOutThenCannotMark = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) throws IOException {
                // The mark is conditional on the run's own marker write (If-Match), as every rewrite of a run's marker.
                if (key.startsWith("_publishing/") && new String(written, StandardCharsets.UTF_8).endsWith(" " + SilverCommit.UNCOUNTED)) {
                    throw markFailure;
                }
                timesOut.beforePutIf(key, written, expectedEtag);
            }
        });

        IOException failure = assertThrows(IOException.class, () -> convert(converter(timesOutThenCannotMark), source, content));

        assertTrue(failure.getMessage().contains("failed without a definite answer (timed out waiting for the answer), and it may still land"),
                failure.getMessage());
        assertEquals("timed out waiting for the answer", failure.getCause().getMessage());
        assertEquals(List.of(markFailure), Arrays.asList(failure.getCause().getSuppressed()), "the marker's failure goes with it");
        assertEquals(ROWS / LIMITS.chunkRows(), parquetFiles().size(), "the parts stay, for the retry to find committed or sweep");
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), markers.toString());
        assertEquals(CLOCK.instant().toString(), new String(silver.read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8),
                "the marker as written before publishing");
        late.get(0).land();

        assertTrue(convert(converter(silver), source, content).unchanged(), "no marker says the commit is to be counted");
        assertEquals(List.of(), countedLines(logLines), "counted by no run, as docs/silver-converter.md says of this case");
        assertExactlyOnce(source, ROWS, 1);
        assertEquals(markers, silver.list("_publishing/"), "the committed run's marker stays, unmarked: its run may still mark it");
        assertTrue(convert(converter(silver), source, content).unchanged());
        assertEquals(List.of(), countedLines(logLines));
        assertTrue(convert(converter(silver, Clock.offset(CLOCK, SilverCommit.PUBLISHING_BOUND)), source, content).unchanged());
        assertEquals(List.of(), silver.list("_publishing/"), "a sweep once its run can no longer write it takes it");
        assertEquals(List.of(), countedLines(logLines));
    }

    /**
     * A rejected file whose manifest write goes unanswered and lands after the run's read-back (which showed no manifest), before
     * its {@code published-nothing uncounted} mark. Meanwhile a new version of the key is converted on top of the late rejection:
     * its step-1 sweep finds no marker yet, so nothing to claim, and the mark lands before that run's own sweep. No later sweep of
     * the rejection's own manifest comes, since it is superseded, so that run's own sweep claims the marker for the manifest its
     * commit replaced ({@code SilverCommit.ReplacedCount}) and logs the rejection's line. Before, only a sweep of the rejection's
     * own manifest claimed its run's marker, and that own sweep deleted the published-nothing marker, its commit unclaimed
     * ({@code mayGo}): the rejection was counted by no run; from a review.
     */
    @Test
    void aLateRejectionWhoseMarkLandsWhileTheNextVersionCommitsIsCountedOnce() throws IOException {
        byte[] notUtf8 = {'i', 'd', '\n', (byte) 0xC3, (byte) 0x28, '\n'};
        SourceObject rejected = source("sales/late-rejection.csv", notUtf8);
        byte[] next = csv(ROWS, "");
        SourceObject nextVersion = source("sales/late-rejection.csv", next);
        String manifestKey = LAYOUT.manifestKey("sales", rejected.key());
        java.util.concurrent.atomic.AtomicReference<byte[]> unansweredManifest = new java.util.concurrent.atomic.AtomicReference<>();
        AtomicBoolean nextCommitted = new AtomicBoolean();
        ObjectStore firstRun = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) throws IOException {
                if (key.startsWith("_manifests/")) {
                    unansweredManifest.set(written.clone());
                    throw new IOException("timed out waiting for the answer");
                }
                if (key.startsWith("_publishing/") && nextCommitted.compareAndSet(false, true)) {
                    // After the read-back: the rejection lands, and the new version's run reads it as its base and sweeps it.
                    assertTrue(silver.putIf(manifestKey, unansweredManifest.get(), Optional.empty()).isPresent(), "the late write lands");
                    ObjectStore markLandsBeforeItsCommit = new HookedStore(silver, new HookedStore.Hooks() {
                        @Override
                        public void beforePutIf(String nextKey) throws IOException {
                            if (nextKey.equals(manifestKey)) {
                                assertTrue(silver.putIf(key, written, expectedEtag).isPresent(), "the mark's first attempt lands, unanswered");
                            }
                        }
                    });
                    assertFalse(convert(converter(markLandsBeforeItsCommit), nextVersion, next).unchanged());
                }
            }
        });

        assertThrows(IOException.class, () -> convert(converter(firstRun), rejected, notUtf8));
        assertTrue(nextCommitted.get());
        assertTrue(convert(converter(silver), nextVersion, next).unchanged(), "a redelivery of the new version");

        assertEquals(1, countedLines(logLines).stream().filter(line -> "source object rejected".equals(line.get("message"))).count(),
                "the late rejection's line, once: " + logLines);
        assertExactlyOnce(nextVersion, ROWS, 0);
    }

    /**
     * As above, for a conversion with files: its marker, written before publishing, is unmarked when the new version's first sweep
     * reads it (nothing to claim, and kept: its run may still write it), and says {@code abandoned uncounted} by the new version's
     * own sweep, which claims it for the manifest its commit replaced and logs that line, once.
     */
    @Test
    void aLateConversionWhoseMarkLandsWhileTheNextVersionCommitsIsCountedOnce() throws IOException {
        AtomicReference<Throwable> nextRunFailure = new AtomicReference<>();
        SourceObject nextVersion = lateConversionUnderTheNextVersion(new HookedStore.Hooks() {}, nextRunFailure);

        assertEquals(Optional.empty(), Optional.ofNullable(nextRunFailure.get()), "the new version commits and sweeps");
        assertTrue(convert(converter(silver), nextVersion, csv(ROWS / 2, "")).unchanged(), "a redelivery of the new version");
        String lateEtag = source(nextVersion.key(), csv(ROWS, "oops,not a number\n")).etag();
        assertEquals(List.of(lateEtag, nextVersion.etag()), countedLines(logLines).stream().map(line -> line.get("etag")).toList(),
                "each version's line, once: " + logLines);
        assertExactlyOnce(nextVersion, ROWS / 2, 0);
    }

    /**
     * As {@link #aLateConversionWhoseMarkLandsWhileTheNextVersionCommitsIsCountedOnce}, S3 refusing the new version's claim of the
     * late manifest's marker (a 4xx: nothing written). No later run can claim that count: the retry of the new version sweeps the
     * new manifest, which does not name the run it replaced, so the failure must not say the retry claims it, and must not stop the
     * sweep before it deletes what the new commit superseded, the late version's rows visible beside the new ones until a retry
     * that cannot mend the count anyway. From a review: the sweep stopped at the claim, and the message promised a retry's claim.
     */
    @Test
    void aRefusedClaimOfTheReplacedManifestInTheCommitsOwnSweepStillSweepsAndSaysTheCountIsLost() throws IOException {
        AtomicReference<Throwable> nextRunFailure = new AtomicReference<>();
        SourceObject nextVersion = lateConversionUnderTheNextVersion(new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) throws IOException {
                if (key.startsWith("_publishing/") && new String(written, StandardCharsets.UTF_8).contains(SilverCommit.COUNTED_BY)) {
                    throw new WriteRefusedException("Access Denied (403)", null);
                }
            }
        }, nextRunFailure);

        Throwable failure = nextRunFailure.get();
        assertTrue(failure instanceof SilverCommit.CommittedException, String.valueOf(failure));
        assertTrue(failure.getMessage().contains("logged by no run") && !failure.getMessage().contains("retry claims it"),
                failure.getMessage());
        assertExactlyOnce(nextVersion, ROWS / 2, 0);
        assertEquals(List.of(nextVersion.etag()), countedLines(logLines).stream().map(line -> line.get("etag")).toList(),
                "the new version's line, logged before the run failed; the late one's by no run, as the failure says: " + logLines);
    }

    /**
     * As {@link #aLateConversionWhoseMarkLandsWhileTheNextVersionCommitsIsCountedOnce}, the new version's claim of the late
     * manifest's marker landing with its answer lost: the read-back finds this run's claim id, so the late line is logged once,
     * and the new version's retry (within the bound, the claimed marker kept) logs nothing more.
     */
    @Test
    void aClaimOfTheReplacedManifestWhoseAnswerIsLostIsCountedOnce() throws IOException {
        AtomicReference<Throwable> nextRunFailure = new AtomicReference<>();
        SourceObject nextVersion = lateConversionUnderTheNextVersion(new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) throws IOException {
                if (key.startsWith("_publishing/") && new String(written, StandardCharsets.UTF_8).contains(SilverCommit.COUNTED_BY)) {
                    assertTrue(silver.putIf(key, written, expectedEtag).isPresent(), "the claim lands");
                    throw new IOException("timed out waiting for the answer");
                }
            }
        }, nextRunFailure);

        assertEquals(null, nextRunFailure.get());
        assertTrue(convert(converter(silver), nextVersion, csv(ROWS / 2, "")).unchanged(), "the new version's redelivery");
        assertExactlyOnce(nextVersion, ROWS / 2, 0);
        assertEquals(2, countedLines(logLines).size(), "each version's line, once: " + logLines);
    }

    /**
     * As {@link #aLateConversionWhoseMarkLandsWhileTheNextVersionCommitsIsCountedOnce}, the new version's own sweep failing to delete
     * after its claim of the late manifest's count: the run fails committed, both lines logged, and its retry, which finds the claimed
     * marker kept, finishes the cleanup and logs neither again.
     */
    @Test
    void aReplacedManifestClaimedBeforeTheOwnSweepFailsIsCountedOnceWithTheRetry() throws IOException {
        AtomicReference<Throwable> nextRunFailure = new AtomicReference<>();
        AtomicBoolean claimed = new AtomicBoolean();
        AtomicBoolean deleteFailed = new AtomicBoolean();
        SourceObject nextVersion = lateConversionUnderTheNextVersion(new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) {
                if (key.startsWith("_publishing/") && new String(written, StandardCharsets.UTF_8).contains(SilverCommit.COUNTED_BY)) {
                    claimed.set(true);
                }
            }

            @Override
            public void beforeDelete(Collection<String> keys) throws IOException {
                if (claimed.get() && deleteFailed.compareAndSet(false, true)) {
                    throw new IOException("503 Slow Down");
                }
            }
        }, nextRunFailure);

        assertTrue(nextRunFailure.get() instanceof SilverCommit.CommittedException, String.valueOf(nextRunFailure.get()));
        assertTrue(convert(converter(silver), nextVersion, csv(ROWS / 2, "")).unchanged(), "the new version's retry");
        assertExactlyOnce(nextVersion, ROWS / 2, 0);
        assertEquals(2, countedLines(logLines).size(), "each version's line, once: " + logLines);
    }

    /**
     * As {@link #aLateConversionWhoseMarkLandsWhileTheNextVersionCommitsIsCountedOnce}, the commit on top of the late conversion
     * being the removal's withdrawal (the object deleted from bronze): its own sweep claims the late conversion's count, logged as a
     * conversion's line, and the withdrawal logs its own, each once, the withdrawal's with the late conversion's rows.
     */
    @Test
    void aWithdrawalOnTopOfALateConversionWhoseMarkLandsBeforeItsCommitLogsEachLineOnceInItsShape() throws IOException {
        byte[] late = csv(ROWS, "oops,not a number\n");
        SourceObject lateVersion = source("sales/late-then-deleted.csv", late);
        String manifestKey = LAYOUT.manifestKey("sales", lateVersion.key());
        AtomicReference<byte[]> unansweredManifest = new AtomicReference<>();
        AtomicReference<WithdrawalResult> withdrawal = new AtomicReference<>();
        ObjectStore firstRun = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) throws IOException {
                if (key.startsWith("_manifests/")) {
                    unansweredManifest.set(written.clone());
                    throw new IOException("timed out waiting for the answer");
                }
                if (key.startsWith("_publishing/") && new String(written, StandardCharsets.UTF_8).endsWith(SilverCommit.UNCOUNTED)
                        && withdrawal.get() == null) {
                    assertTrue(silver.putIf(manifestKey, unansweredManifest.get(), Optional.empty()).isPresent(), "the late write lands");
                    ObjectStore markLandsBeforeItsCommit = new HookedStore(silver, new HookedStore.Hooks() {
                        @Override
                        public void beforePutIf(String nextKey) throws IOException {
                            if (nextKey.equals(manifestKey)) {
                                assertTrue(silver.putIf(key, written, expectedEtag).isPresent(), "the mark's first attempt lands, unanswered");
                            }
                        }
                    });
                    withdrawal.set(converter(markLandsBeforeItsCommit).withdraw("bronze", lateVersion.key(), "sales", () -> false));
                }
            }
        });

        assertThrows(IOException.class, () -> convert(converter(firstRun), lateVersion, late));
        assertEquals(WithdrawalResult.WITHDRAWN, withdrawal.get().outcome());
        assertEquals(WithdrawalResult.UNCHANGED, converter(silver).withdraw("bronze", lateVersion.key(), "sales", () -> false).outcome(),
                "the removal's redelivery");

        List<Map<?, ?>> counted = countedLines(logLines);
        assertEquals(List.of(lateVersion.etag()), counted.stream().map(line -> line.get("etag")).toList(), "the late conversion's line, once: " + logLines);
        assertEquals("source object processed", counted.get(0).get("message"));
        assertTrue(String.valueOf(counted.get(0).get("countedFor")).contains("went unanswered"), counted.toString());
        assertWithdrawnOnce(logLines, ROWS, 1);
        assertEquals(List.of(), parquetFiles(), "the late conversion's files are withdrawn");
    }

    /**
     * The scenario of {@link #aLateConversionWhoseMarkLandsWhileTheNextVersionCommitsIsCountedOnce}, {@code claimHooks} on the new
     * version's run; its failure, if any, in {@code nextRunFailure}. Returns the new version.
     */
    private SourceObject lateConversionUnderTheNextVersion(HookedStore.Hooks claimHooks, AtomicReference<Throwable> nextRunFailure) throws IOException {
        byte[] late = csv(ROWS, "oops,not a number\n");
        SourceObject lateVersion = source("sales/late-claim.csv", late);
        byte[] next = csv(ROWS / 2, "");
        SourceObject nextVersion = source("sales/late-claim.csv", next);
        String manifestKey = LAYOUT.manifestKey("sales", lateVersion.key());
        AtomicReference<byte[]> unansweredManifest = new AtomicReference<>();
        AtomicBoolean nextCommitted = new AtomicBoolean();
        ObjectStore firstRun = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) throws IOException {
                if (key.startsWith("_manifests/")) {
                    unansweredManifest.set(written.clone());
                    throw new IOException("timed out waiting for the answer");
                }
                if (key.startsWith("_publishing/") && new String(written, StandardCharsets.UTF_8).endsWith(SilverCommit.UNCOUNTED)
                        && nextCommitted.compareAndSet(false, true)) {
                    assertTrue(silver.putIf(manifestKey, unansweredManifest.get(), Optional.empty()).isPresent(), "the late write lands");
                    ObjectStore markLandsBeforeItsCommit = new HookedStore(silver, new HookedStore.Hooks() {
                        @Override
                        public void beforePutIf(String nextKey, byte[] nextWritten, Optional<String> nextExpected) throws IOException {
                            if (nextKey.equals(manifestKey)) {
                                assertTrue(silver.putIf(key, written, expectedEtag).isPresent(), "the mark's first attempt lands, unanswered");
                            }
                            claimHooks.beforePutIf(nextKey, nextWritten, nextExpected);
                        }

                        @Override
                        public void beforeDelete(Collection<String> keys) throws IOException {
                            claimHooks.beforeDelete(keys);
                        }
                    });
                    try {
                        assertFalse(convert(converter(markLandsBeforeItsCommit), nextVersion, next).unchanged());
                    }
                    catch (IOException e) {
                        nextRunFailure.set(e);
                    }
                }
            }
        });

        assertThrows(IOException.class, () -> convert(converter(firstRun), lateVersion, late));
        assertTrue(nextCommitted.get());
        return nextVersion;
    }

    /**
     * As {@link #aRefusedReplacementThatCannotDeleteWhatItPublishedIsSweptByTheNextDeliveryOfTheCommittedVersion}, the marker's
     * rewrite to abandoned failing too: the run fails with the refusal, the delete's failure and the marker's carried with it, and
     * the marker stays as written before publishing, as a killed run's. The committed version delivered at once answers unchanged
     * (for all it can tell, the replacement's run may still be publishing: the stated window, B's rows visible beside A's), and the
     * first delivery once that run can no longer be publishing finds B's parts in the partition the marker names, converts A again
     * and sweeps them.
     */
    @Test
    void aReplacementThatCannotDeleteWhatItPublishedNorMarkItAbandonedIsSweptOnceItsRunIsOver() throws IOException {
        byte[] a = csv(ROWS, "");
        SourceObject versionA = committed("sales/unabandoned.csv", a);
        List<String> partsOfA = parquetFiles();
        byte[] b = csv(ROWS + 500, "");
        IOException deleteFailure = new IOException("DeleteObjects answered 500");
        IOException markFailure = new IOException("PutObject of the marker answered 503");
        AtomicBoolean deleteFailed = new AtomicBoolean();
        ObjectStore refusedThenUndeletableAndUnmarkable = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_manifests/")) {
                    throw new WriteRefusedException("manifest write refused", null);
                }
            }

            @Override
            public void beforeDelete(Collection<String> keys) throws IOException {
                if (keys.stream().anyMatch(key -> key.endsWith(".parquet")) && deleteFailed.compareAndSet(false, true)) {
                    throw deleteFailure;
                }
            }

            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) throws IOException {
                // The mark is conditional on the run's own marker write (If-Match), as every rewrite of a run's marker.
                if (key.startsWith("_publishing/") && new String(written, StandardCharsets.UTF_8).endsWith(" " + SilverCommit.ABANDONED)) {
                    throw markFailure;
                }
                beforePutIf(key);
            }
        });

        IOException failure = assertThrows(IOException.class,
                () -> convert(converter(refusedThenUndeletableAndUnmarkable), source("sales/unabandoned.csv", b), b));

        assertEquals("manifest write refused", failure.getMessage());
        assertEquals(List.of(deleteFailure, markFailure), Arrays.asList(failure.getSuppressed()), "the delete's and the marker's failures go with it");
        List<String> partsOfB = parquetFiles().stream().filter(key -> !partsOfA.contains(key)).toList();
        assertFalse(partsOfB.isEmpty(), "B's parts stay visible: " + parquetFiles());
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), markers.toString());
        assertEquals(CLOCK.instant().toString(), new String(silver.read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8),
                "the marker as written before publishing");

        assertTrue(convert(converter(silver), versionA, a).unchanged(), "B's run may still be publishing, for all the marker says");
        assertTrue(parquetFiles().containsAll(partsOfB), "the stated window: " + parquetFiles());

        Clock over = Clock.offset(CLOCK, SilverCommit.PUBLISHING_BOUND);
        assertFalse(convert(converter(silver, over), versionA, a).unchanged(), "B's run is over and its parts are listed: a commit on A sweeps them");
        assertExactlyOnce(versionA, ROWS, 0);
        assertEquals(List.of(), silver.list("_publishing/"), "B's marker went with that sweep");
        assertTrue(convert(converter(silver, over), versionA, a).unchanged());
    }

    /**
     * A manifest write gone unanswered whose read-back of the manifest fails too: the run cannot tell whether it committed, so it
     * keeps its parts (deleted, a manifest landing after would name missing files, their rows lost) and marks its marker abandoned
     * and uncounted; it fails with the write's failure, the read-back's carried with it. Once the manifest lands, the retry claims
     * the line: rows once, counted once.
     */
    @Test
    void aManifestWriteGoneUnansweredWhoseReadBackFailsKeepsThePartsAndTheLateCommitIsCountedOnce() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/unread.csv", content);
        List<Late> late = new ArrayList<>();
        HookedStore.Hooks timesOut = landsLater(late);
        IOException readBackFailure = new IOException("GetObject of the manifest answered 503");
        ObjectStore timesOutThenCannotRead = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) throws IOException {
                timesOut.beforePutIf(key, written, expectedEtag);
            }

            @Override
            public void beforeRead(String key) throws IOException {
                if (key.startsWith("_manifests/") && !late.isEmpty()) {
                    throw readBackFailure;
                }
            }
        });

        IOException failure = assertThrows(IOException.class, () -> convert(converter(timesOutThenCannotRead), source, content));

        assertEquals("timed out waiting for the answer", failure.getMessage());
        assertEquals(List.of(readBackFailure), Arrays.asList(failure.getSuppressed()), "the read-back's failure goes with it");
        assertEquals(ROWS / LIMITS.chunkRows(), parquetFiles().size(), "the parts stay: the write may land yet");
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), markers.toString());
        assertEquals(CLOCK.instant() + " " + SilverCommit.ABANDONED + " " + SilverCommit.UNCOUNTED,
                new String(silver.read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8));
        late.get(0).land();

        assertFalse(convert(converter(silver), source, content).unchanged(), "the retry counts the late manifest");
        assertCountedOnce(logLines, ROWS, 1);
        assertExactlyOnce(source, ROWS, 1);
        assertTrue(convert(converter(silver), source, content).unchanged(), "a redelivery after it finds it counted");
        assertCountedOnce(logLines, ROWS, 1);
    }

    /**
     * A manifest write whose first attempt landed unanswered and whose retry then failed its precondition (S3's 412: the key no
     * longer holds the base, since the first attempt changed it), the read-back of the manifest failing: the run cannot tell
     * whether the manifest is its own, so it keeps its parts and marks its marker abandoned and uncounted, as for a write gone
     * unanswered. The retry finds the manifest, its run's, claims the line and logs it, once. Before, the read-back's failure left
     * the marker unmarked: the retry answered unchanged, and the commit was counted by no run.
     */
    @Test
    void aManifestWriteThatLandedBehindAFailedPreconditionWhoseReadBackFailsIsCountedOnceByTheRetry() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/landed-412.csv", content);
        AtomicBoolean landed = new AtomicBoolean();
        IOException readBackFailure = new IOException("GetObject of the manifest answered 503");
        ObjectStore landsThenFailsItsPrecondition = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] written, Optional<String> expectedEtag) throws IOException {
                // The SDK's first attempt lands, its answer lost; the retry, sent on by the store underneath, finds the key changed.
                if (key.startsWith("_manifests/") && landed.compareAndSet(false, true)) {
                    assertTrue(silver.putIf(key, written, expectedEtag).isPresent(), "the first attempt lands");
                }
            }

            @Override
            public void beforeRead(String key) throws IOException {
                if (key.startsWith("_manifests/") && landed.get()) {
                    throw readBackFailure;
                }
            }
        });

        IOException failure = assertThrows(IOException.class, () -> convert(converter(landsThenFailsItsPrecondition), source, content));

        assertTrue(failure.getMessage().contains("could not be read back to tell which"), failure.getMessage());
        assertEquals(readBackFailure, failure.getCause());
        assertEquals(List.of(), countedLines(logLines), "the run cannot tell whether the commit is its own");
        assertEquals(ROWS / LIMITS.chunkRows(), parquetFiles().size(), "the parts stay: the manifest may be this run's");
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), markers.toString());
        assertEquals(CLOCK.instant() + " " + SilverCommit.ABANDONED + " " + SilverCommit.UNCOUNTED,
                new String(silver.read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8));

        assertFalse(convert(converter(silver), source, content).unchanged(), "the retry counts the commit, which its run could not log");
        assertCountedOnce(logLines, ROWS, 1);
        assertExactlyOnce(source, ROWS, 1);
        assertTrue(convert(converter(silver), source, content).unchanged(), "a redelivery after it finds it counted");
        assertCountedOnce(logLines, ROWS, 1);
    }

    /**
     * Of two duplicate runs, the one that loses publishes after the winner's sweep, and cannot delete what it published (its
     * DeleteObjects answers 500): it fails, so that the event is retried, rather than report the winner's commit with its own parts
     * visible beside the winner's; the retry, finding the version committed, sweeps them, and the marker goes with the first sweep
     * once the run can no longer be publishing.
     */
    @Test
    void aDuplicateRunThatLosesAndCannotDeleteWhatItPublishedFailsAndItsRetrySweepsIt() throws Exception {
        byte[] content = csv(ROWS, "bad,row\n");
        SourceObject source = source("sales/dup-undeletable.csv", content);
        CountDownLatch publishing = new CountDownLatch(1);
        CountDownLatch secondCommitted = new CountDownLatch(1);
        ObjectStore waitsThenCannotDelete = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePublish(String key) throws IOException {
                publishing.countDown();
                await(secondCommitted);
            }

            @Override
            public void beforeDelete(Collection<String> keys) throws IOException {
                if (keys.stream().anyMatch(key -> key.endsWith(".parquet"))) {
                    throw new IOException("DeleteObjects answered 500");
                }
            }
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ConversionResult> first = pool.submit(() -> convert(converter(waitsThenCannotDelete), source, content));
            // The first run has written its marker and waits to publish; the second runs whole, its sweep keeping that marker.
            await(publishing);
            ConversionResult second = convert(converter(silver), source, content);
            secondCommitted.countDown();
            ExecutionException failure = assertThrows(ExecutionException.class, () -> first.get(30, TimeUnit.SECONDS));

            assertEquals("DeleteObjects answered 500", failure.getCause().getMessage());
            assertEquals(2 * ROWS / LIMITS.chunkRows(), parquetFiles().size(), "the loser's parts beside the winner's: " + parquetFiles());
            assertTrue(convert(converter(silver), source, content).unchanged(), "the loser's retry finds the version committed");
            assertExactlyOnce(source, ROWS, 1);
            assertCountedOnce(logLines, ROWS, 1);
            assertEquals(second.manifest().run(), new ManifestStore(silver).read(LAYOUT.manifestKey("sales", source.key())).orElseThrow().run());
        }
        finally {
            pool.shutdownNow();
        }
        assertEquals(1, silver.list("_publishing/").size(), "the loser's marker, kept while it may still be publishing");
        assertTrue(convert(converter(silver, Clock.offset(CLOCK, SilverCommit.PUBLISHING_BOUND)), source, content).unchanged());
        assertEquals(List.of(), silver.list("_publishing/"), "gone with the first sweep once the run is over");
    }

    /**
     * A removal of a key whose silver name holds another file (the same key in another bronze bucket, or by chance another key of
     * the same file name and 40-bit hash, which a copy of its manifest stands for here) withdraws nothing: a withdrawal would
     * supersede, and its sweep delete, the other file's rows.
     */
    @Test
    void aRemovalOfAKeyWhoseSilverNameHoldsAnotherFileWithdrawsNothingOfIt() throws IOException {
        byte[] content = csv(ROWS, "bad,row\n");
        SourceObject source = committed("sales/held.csv", content);
        String collidingKey = "sales/colliding.csv";
        silver.put(LAYOUT.manifestKey("sales", collidingKey), silver.read(LAYOUT.manifestKey("sales", source.key())).orElseThrow());

        WithdrawalResult otherBucket = converter(silver).withdraw("other-bronze", source.key(), "sales", () -> false);
        WithdrawalResult otherKey = converter(silver).withdraw("bronze", collidingKey, "sales", () -> false);

        for (WithdrawalResult result : List.of(otherBucket, otherKey)) {
            assertEquals(WithdrawalResult.UNCHANGED, result.outcome(), result.toString());
            assertTrue(result.reason().orElseThrow().startsWith("its silver name holds s3://bronze/sales/held.csv"), result.toString());
        }
        assertEquals(List.of(), withdrawnLines(logLines));
        assertExactlyOnce(source, ROWS, 1);
    }

    /**
     * What a converter from before the commit protocol did over the key's manifest: wrote its own, of format 1 (no generation, no
     * run), without condition, and deleted the files of the manifest it replaced. Its conversion, of a re-upload of a chunk of rows,
     * left one part. Returns that part's key.
     */
    private String commitAsTheFirstFormat(String manifestKey) throws IOException {
        Manifest replaced = new ManifestStore(silver).read(manifestKey).orElseThrow();
        String part = replaced.parts().get(0).key().replace("-" + replaced.run(), "");
        silver.put(part, silver.read(replaced.parts().get(0).key()).orElseThrow());
        silver.delete(replaced.writtenKeys());
        ObjectNode older;
        try (var in = java.util.Objects.requireNonNull(getClass().getResourceAsStream("/older-manifests/format1-9079e33/quarantined.json"))) {
            older = (ObjectNode) new ObjectMapper().readTree(in);
        }
        long rows = replaced.parts().get(0).rows();
        older.put("dataset", "sales").put("ingestDate", replaced.ingestDate()).putNull("quarantine").put("rowsRead", rows).put("rowsWritten", rows)
                .put("rowsQuarantined", 0);
        ((ObjectNode) older.get("source")).put("bucket", "bronze").put("key", replaced.source().key()).put("etag", "older-etag");
        ((ObjectNode) older.withArray("parts").get(0)).put("key", part).put("rows", rows);
        silver.put(manifestKey, new ObjectMapper().writeValueAsBytes(older));
        return part;
    }

    /**
     * A manifest whose readingRules is negative, or not a number, is unreadable: the run fails naming the manifest and the field,
     * writing nothing, rather than reading it as version 1 or as the version in force. The message named the manifest alone, saying it
     * was damaged or written by a newer converter, and a person had to find what was wrong in it.
     */
    @Test
    void aManifestWithReadingRulesNegativeOrNotANumberFailsTheRunNamingIt() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = committed("sales/damaged-rules.csv", content);
        String manifestKey = LAYOUT.manifestKey("sales", source.key());
        ObjectNode written = (ObjectNode) new ObjectMapper().readTree(silver.read(manifestKey).orElseThrow());
        for (ObjectNode damaged : List.of(written.deepCopy().put("readingRules", -1), written.deepCopy().put("readingRules", 0),
                written.deepCopy().put("readingRules", "two"))) {
            silver.put(manifestKey, new ObjectMapper().writeValueAsBytes(damaged));
            List<String> before = silver.list("");

            IOException failure = assertThrows(IOException.class, () -> convert(converter(silver), source, content), damaged.toString());

            assertTrue(failure.getMessage().contains(silver.describe(manifestKey) + " is unreadable"), failure.getMessage());
            assertTrue(failure.getMessage().contains("readingRules"), "names the field it could not read: " + failure.getMessage());
            assertEquals(before, silver.list(""), "nothing written over it");
        }
    }

    /**
     * A manifest damaged or edited by hand so that a value is of another type, a key is given twice or text follows the object fails
     * the run naming the manifest, what in it is wrong and what to do, writing nothing. A {@code "readingRules": 2.5} was read as 2, the
     * version in force, and the redelivery answered unchanged; a {@code "rowsRead": "3000"} as 3000; the second of two ETags was taken.
     */
    @Test
    void aManifestWithAValueOfAnotherTypeAKeyTwiceOrTextAfterItFailsTheRunNamingWhatIsWrong() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = committed("sales/damaged-types.csv", content);
        String manifestKey = LAYOUT.manifestKey("sales", source.key());
        String json = new String(silver.read(manifestKey).orElseThrow(), StandardCharsets.UTF_8);
        String rules = "\"readingRules\" : " + ReadingRules.VERSION;
        String rowsRead = "\"rowsRead\" : " + ROWS;
        assertTrue(json.contains(rules) && json.contains(rowsRead), json);
        Map<String, String> damages = Map.of(
                "readingRules", json.replace(rules, rules + ".5"),
                "rowsRead", json.replace(rowsRead, "\"rowsRead\" : \"" + ROWS + "\""),
                "Duplicate field 'rowsRead'", json.replace(rowsRead, rowsRead + ",\n  " + rowsRead),
                "Trailing token", json + "\n{}\n");
        for (Map.Entry<String, String> damage : damages.entrySet()) {
            silver.put(manifestKey, damage.getValue().getBytes(StandardCharsets.UTF_8));
            List<String> before = silver.list("");

            IOException failure = assertThrows(IOException.class, () -> convert(converter(silver), source, content), damage.getKey());

            assertTrue(failure.getMessage().startsWith("The manifest " + silver.describe(manifestKey) + " is unreadable"), failure.getMessage());
            assertTrue(failure.getMessage().contains(damage.getKey()), "names what is wrong, " + damage.getKey() + ": " + failure.getMessage());
            assertTrue(failure.getMessage().contains("delete it and the source's files"), "says what to do: " + failure.getMessage());
            assertEquals(before, silver.list(""), "nothing written over it");
        }
    }

    /**
     * A late withdrawal written by a converter from before withdrawal manifests kept the rows they took out: its line, logged by
     * the retry, leaves rowsWithdrawn and quarantinedRowsWithdrawn out (not known) rather than report 0. A conversion's manifest
     * holds no such field, as before.
     */
    @Test
    void aLateWithdrawalOfAnOlderConverterIsCountedWithoutTheRowsItDoesNotRecord() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/late.csv", content);
        String manifestKey = LAYOUT.manifestKey("sales", source.key());
        Late late = aWithdrawalThatGaveUpOnItsManifestWrite(source, content);
        assertFalse(new String(silver.read(manifestKey).orElseThrow(), StandardCharsets.UTF_8).contains("withdrawnRows"),
                "a conversion's manifest is as it was");
        late.land();
        com.fasterxml.jackson.databind.node.ObjectNode withdrawal = (ObjectNode) new ObjectMapper()
                .readTree(silver.read(manifestKey).orElseThrow());
        assertEquals(ROWS, withdrawal.path("withdrawnRows").path("rowsWithdrawn").asLong(), withdrawal.toString());
        assertEquals(1, withdrawal.path("withdrawnRows").path("quarantinedRowsWithdrawn").asLong(), withdrawal.toString());
        withdrawal.remove("withdrawnRows");
        silver.put(manifestKey, new ObjectMapper().writeValueAsBytes(withdrawal));

        assertEquals(WithdrawalResult.WITHDRAWN, converter(silver).withdraw("bronze", source.key(), "sales", () -> false).outcome());
        List<Map<?, ?>> lines = withdrawnLines(logLines);
        assertEquals(1, lines.size(), "the withdrawal's line, once: " + logLines);
        assertFalse(lines.get(0).containsKey("rowsWithdrawn") || lines.get(0).containsKey("quarantinedRowsWithdrawn"), lines.toString());
        assertOnlyTheClaimedMarkerLeft();
    }

    /** As above, the file uploaded again before any removal retried: the re-upload's conversion counts the late withdrawal, then its own commit. */
    @Test
    void aWithdrawalWhoseManifestLandsLateIsCountedByTheReuploadsConversion() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/late.csv", content);
        aWithdrawalThatGaveUpOnItsManifestWrite(source, content).land();

        assertEquals(Manifest.CONVERTED, convert(converter(silver), source, content).outcome(), "the same bytes uploaded again convert on the withdrawal");
        List<Map<?, ?>> lines = assertWithdrawnOnce(logLines, ROWS, 1);
        assertTrue(String.valueOf(lines.get(0).get("countedFor")).startsWith("run g2-"), lines.toString());
        assertEquals(2, countedLines(logLines).size(), "the first conversion's line and the re-upload's: " + logLines);
        assertExactlyOnce(source, ROWS, 1);
        assertOnlyTheClaimedMarkerLeft();
    }

    /** As above, the late withdrawal landing while its retry withdraws: the retry loses to it, and counts it. */
    @Test
    void aWithdrawalWhoseManifestLandsDuringItsRetryIsCountedOnceByTheRetry() throws IOException {
        byte[] content = csv(ROWS, "oops,not a number\n");
        SourceObject source = source("sales/late.csv", content);
        SilverConverter.Presence deleted = () -> false;
        Late late = aWithdrawalThatGaveUpOnItsManifestWrite(source, content);
        ObjectStore landsFirst = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_manifests/") && !late.landed) {
                    late.land();
                }
            }
        });

        assertEquals(WithdrawalResult.WITHDRAWN, converter(landsFirst).withdraw("bronze", source.key(), "sales", deleted).outcome(),
                "the retry loses to the late withdrawal, and counts it: its run could not");
        assertEquals(WithdrawalResult.UNCHANGED, converter(silver).withdraw("bronze", source.key(), "sales", deleted).outcome());
        List<Map<?, ?>> lines = assertWithdrawnOnce(logLines, ROWS, 1);
        assertTrue(String.valueOf(lines.get(0).get("countedFor")).startsWith("run g2-"), lines.toString());
        assertOnlyTheClaimedMarkerLeft();
    }

    /**
     * The file converted, then its withdrawal (the file deleted from bronze) giving up on a manifest write whose answer was
     * lost: the write lands when the test says ({@link Late#land}).
     */
    private Late aWithdrawalThatGaveUpOnItsManifestWrite(SourceObject source, byte[] content) throws IOException {
        convert(converter(silver), source, content);
        List<Late> late = new ArrayList<>();
        assertThrows(IOException.class, () -> converter(new HookedStore(silver, landsLater(late))).withdraw("bronze", source.key(), "sales", () -> false));
        return late.get(0);
    }

    /** As above, the late write landing while the retry converts: the retry loses to it and finishes its cleanup. */
    @Test
    void aManifestWriteThatLandsDuringTheRetryLosesNoRowsAndIsCleanedUp() throws IOException {
        byte[] first = csv(ROWS, "");
        SourceObject original = source("sales/late.csv", first);
        convert(converter(silver), original, first);
        byte[] content = csv(ROWS / 2, "oops,not a number\n");
        SourceObject replacement = new SourceObject("bronze", "sales/late.csv", md5(content), content.length, MODIFIED.plusSeconds(60));
        List<Late> late = new ArrayList<>();
        assertThrows(IOException.class, () -> convert(converter(new HookedStore(silver, landsLater(late))), replacement, content));
        ObjectStore landsFirst = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_manifests/") && !late.get(0).landed) {
                    late.get(0).land();
                }
            }
        });

        ConversionResult retry = convert(converter(landsFirst), replacement, content);

        assertFalse(retry.unchanged(), "the retry loses to the late manifest, and counts it: its run could not");
        assertEquals(Manifest.CONVERTED, retry.outcome());
        assertOnlyTheClaimedMarkerLeft();
        assertExactlyOnce(replacement, ROWS / 2, 1);
        List<Map<?, ?>> counted = countedLines(logLines);
        assertEquals(2, counted.size(), "the first version's line, then the late replacement's, by the retry: " + logLines);
        assertEquals(ROWS / 2, counted.get(1).get("rowsWritten"), counted.toString());
        assertEquals(1, counted.get(1).get("rowsQuarantined"), counted.toString());
    }

    /**
     * A manifest that lands late was never followed by its run's cleanup, and only it names what it
     * replaced (here the first version's parts, in another day's partition, whose marker is long gone).
     * The next run, of yet another version, must still remove them, or they stay visible for good.
     */
    @Test
    void whatALateManifestReplacedIsRemovedByTheNextRunOfAnotherVersion() throws IOException {
        byte[] first = csv(ROWS, "");
        convert(converter(silver), source("sales/late.csv", first), first);
        byte[] second = csv(ROWS / 2, "");
        SourceObject replacement = new SourceObject("bronze", "sales/late.csv", md5(second), second.length, MODIFIED.plus(Duration.ofDays(1)));
        List<Late> late = new ArrayList<>();
        assertThrows(IOException.class, () -> convert(converter(new HookedStore(silver, landsLater(late))), replacement, second));
        late.get(0).land();

        byte[] third = csv(ROWS / 3, "");
        SourceObject latest = new SourceObject("bronze", "sales/late.csv", md5(third), third.length, MODIFIED.plus(Duration.ofDays(2)));
        assertFalse(convert(converter(silver), latest, third).unchanged());

        assertExactlyOnce(latest, ROWS / 3, 0);
    }

    /** Once another run has changed the manifest, a write of unknown outcome can never land: the parts go at once. */
    @Test
    void aManifestWriteOfUnknownOutcomeAfterAnotherVersionCommittedDeletesThePartsAtOnce() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = source("sales/raced.csv", content);
        byte[] other = csv(ROWS / 2, "");
        SourceObject newer = new SourceObject("bronze", "sales/raced.csv", md5(other), other.length, MODIFIED.plusSeconds(60));
        ObjectStore racing = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_manifests/")) {
                    convert(converter(silver), newer, other);
                    throw new IOException("connection reset before the answer");
                }
            }
        });

        IOException failure = assertThrows(IOException.class, () -> convert(converter(racing), source, content));

        assertEquals("connection reset before the answer", failure.getMessage());
        assertExactlyOnce(newer, ROWS / 2, 0);
        assertEquals(List.of(), silver.list("_publishing/"), "no marker left");
    }

    /**
     * A manifest that cannot be read names neither the files it commits nor its generation: a run over it
     * could not remove the previous version's rows. It fails, saying what to do, and touches nothing.
     */
    @Test
    void anUnreadableManifestFailsTheRunWithWhatToDoAndLeavesTheFilesAlone() throws IOException {
        byte[] first = csv(ROWS, "");
        convert(converter(silver), source("sales/u.csv", first), first);
        String manifestKey = LAYOUT.manifestKey("sales", "sales/u.csv");
        silver.put(manifestKey, "{not json".getBytes(StandardCharsets.UTF_8));
        List<String> before = dataAndManifests();
        byte[] second = csv(ROWS / 2, "");
        SourceObject replacement = new SourceObject("bronze", "sales/u.csv", md5(second), second.length, MODIFIED.plusSeconds(60));

        IOException failure = assertThrows(IOException.class, () -> convert(converter(silver), replacement, second));

        String name = manifestKey.substring("_manifests/sales/".length(), manifestKey.length() - ".json".length());
        assertTrue(failure.getMessage().startsWith("The manifest " + silver.describe(manifestKey) + " is unreadable"), failure.getMessage());
        assertTrue(failure.getMessage().contains(silver.describe("sales") + "/ingest_date=*/" + name + "-*"), failure.getMessage());
        assertEquals(before, dataAndManifests(), "nothing written, nothing deleted");

        // What the message says to do works.
        silver.delete(before.stream().filter(key -> !key.startsWith("_schemas/")).toList());
        assertFalse(convert(converter(silver), replacement, second).unchanged());
        assertExactlyOnce(replacement, ROWS / 2, 0);
    }

    /**
     * Silver names a source by its file name and a 40-bit hash of its key, so two keys can share a
     * manifest (these two were found by a search over 1.25 million keys). The second must not be
     * committed over the first, which would supersede, and sweep, the first file's rows.
     */
    @Test
    void aSourceWhoseSilverNameIsAnotherSourcesIsRefusedAndTheOtherKeepsItsRows() throws IOException {
        String first = "sales/2026/421001/export.csv";
        String second = "sales/2026/1252865/export.csv";
        assertEquals(LAYOUT.manifestKey("sales", first), LAYOUT.manifestKey("sales", second), "the two keys collide");
        byte[] content = csv(ROWS, "");
        SourceObject converted = source(first, content);
        convert(converter(silver), converted, content);
        List<String> before = dataAndManifests();
        byte[] other = csv(ROWS / 2, "");

        IOException failure = assertThrows(IOException.class, () -> convert(converter(silver), source(second, other), other));

        assertTrue(failure.getMessage().contains(second) && failure.getMessage().contains(first) && failure.getMessage().contains("upload it again under another name"),
                failure.getMessage());
        assertEquals(before, dataAndManifests(), "nothing written, nothing deleted");
        assertExactlyOnce(converted, ROWS, 0);
    }

    /** What a failing manifest write does instead of writing: throws an IOException, or an Error for a kill. */
    private interface Failure {
        void raise() throws IOException;
    }

    /** The silver store, but every manifest write fails as {@code failure} says, before it reaches the store. */
    private HookedStore failingManifestWrites(Failure failure) {
        return new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_manifests/")) {
                    failure.raise();
                }
            }
        });
    }

    /** A newer converter's manifest may mean what this one cannot see (it ignores unknown fields): it is not built on either. */
    @Test
    void aManifestOfANewerFormatIsUnreadableHere() throws IOException {
        byte[] first = csv(ROWS, "");
        convert(converter(silver), source("sales/n.csv", first), first);
        String manifestKey = LAYOUT.manifestKey("sales", "sales/n.csv");
        String json = new String(silver.read(manifestKey).orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"formatVersion\" : " + Manifest.FORMAT_VERSION), json);
        silver.put(manifestKey, json.replace("\"formatVersion\" : " + Manifest.FORMAT_VERSION, "\"formatVersion\" : " + (Manifest.NEWEST_FORMAT_VERSION + 1))
                .getBytes(StandardCharsets.UTF_8));
        byte[] second = csv(ROWS / 2, "");

        IOException failure = assertThrows(IOException.class, () -> convert(converter(silver),
                new SourceObject("bronze", "sales/n.csv", md5(second), second.length, MODIFIED.plusSeconds(60)), second));

        assertTrue(failure.getMessage().contains("is unreadable (damaged, or written by a newer converter"), failure.getMessage());
    }

    /** A conditional write that times out and lands later, when the test says so. */
    private static final class Late {
        private final ObjectStore store;
        private final String key;
        private final byte[] content;
        private final Optional<String> expectedEtag;
        private boolean landed;

        Late(ObjectStore store, String key, byte[] content, Optional<String> expectedEtag) {
            this.store = store;
            this.key = key;
            this.content = content;
            this.expectedEtag = expectedEtag;
        }

        void land() throws IOException {
            assertTrue(store.putIf(key, content, expectedEtag).isPresent(), "the late write lands");
            landed = true;
        }
    }

    private HookedStore.Hooks landsLater(List<Late> late) {
        return new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key, byte[] content, Optional<String> expectedEtag) throws IOException {
                if (key.startsWith("_manifests/")) {
                    late.add(new Late(silver, key, content, expectedEtag));
                    throw new IOException("timed out waiting for the answer");
                }
            }
        };
    }

    @Test
    void aManifestWriteWhoseAnswerIsLostIsRecognisedAsThisRunsCommit() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = source("sales/lost.csv", content);
        ObjectStore losingAnswers = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void afterPutIf(String key, Optional<String> written) throws IOException {
                if (key.startsWith("_manifests/") && written.isPresent()) {
                    throw new IOException("connection reset after the request was sent");
                }
            }
        });

        ConversionResult result = convert(converter(losingAnswers), source, content);

        assertFalse(result.unchanged());
        assertEquals(Manifest.CONVERTED, result.manifest().status());
        assertExactlyOnce(source, ROWS, 0);
    }

    @Test
    void ofTwoDuplicateRunsExactlyOneCommitsAndTheOtherRemovesOnlyWhatItWrote() throws Exception {
        byte[] content = csv(ROWS, "bad,row\n");
        SourceObject source = source("sales/dup.csv", content);
        CountDownLatch secondCommitted = new CountDownLatch(1);
        ObjectStore waitsAtTheManifest = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_manifests/")) {
                    await(secondCommitted);
                }
            }
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ConversionResult> first = pool.submit(() -> convert(converter(waitsAtTheManifest), source, content));
            // The first run has published its parts and waits to write the manifest; the second runs whole.
            waitUntil(() -> parquetFiles().size() == ROWS / LIMITS.chunkRows());
            ConversionResult second = convert(converter(silver), source, content);
            secondCommitted.countDown();
            ConversionResult firstResult = first.get(30, TimeUnit.SECONDS);

            assertFalse(second.unchanged());
            assertTrue(firstResult.unchanged(), "the loser reports the winner's commit of the same version");
            assertEquals(second.manifest().run(), firstResult.manifest().run());
        }
        finally {
            pool.shutdownNow();
        }
        assertExactlyOnce(source, ROWS, 1);
    }

    /**
     * A deploy that declares a dataset's encoding rolls out while an object's event is delivered twice: the
     * old version's run wins with the encoding the deploy was to mend. The new version's run loses, and
     * fails rather than answering unchanged, so that its retry reads the file again.
     */
    @Test
    void aRunThatLosesToAConversionUnderSettingsItsOwnReplaceFailsAndItsRetryReadsTheFileAgain() throws Exception {
        byte[] content = csv(ROWS, "");
        SourceObject source = source("sales/rollout.csv", content);
        CountDownLatch oldVersionCommitted = new CountDownLatch(1);
        ObjectStore waitsAtTheManifest = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePutIf(String key) throws IOException {
                if (key.startsWith("_manifests/")) {
                    await(oldVersionCommitted);
                }
            }
        });
        CsvOverrides declared = new CsvOverrides(java.util.Map.of(), java.util.Map.of("sales", java.nio.charset.Charset.forName("windows-1252")));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ConversionResult> newVersion = pool.submit(() -> convert(converter(waitsAtTheManifest, declared), source, content));
            waitUntil(() -> parquetFiles().size() == ROWS / LIMITS.chunkRows());
            ConversionResult oldVersion = convert(converter(silver), source, content);
            oldVersionCommitted.countDown();
            assertEquals("UTF-8", oldVersion.manifest().encoding());

            ExecutionException lost = assertThrows(ExecutionException.class, () -> newVersion.get(30, TimeUnit.SECONDS));
            assertTrue(lost.getCause() instanceof SilverCommit.ConcurrentCommitException
                    && lost.getCause().getMessage().contains("read with delimiter ',' and encoding UTF-8, which this function's settings for dataset sales replace"),
                    String.valueOf(lost.getCause()));
        }
        finally {
            pool.shutdownNow();
        }
        assertExactlyOnce(source, ROWS, 0);

        ConversionResult retry = convert(converter(silver, declared), source, content);

        assertFalse(retry.unchanged(), "the retry reads the file again");
        assertEquals("windows-1252", retry.manifest().encoding());
        assertExactlyOnce(source, ROWS, 0);
        // The old version, delivered the object again, takes the new conversion as it is.
        assertTrue(convert(converter(silver), source, content).unchanged());
    }

    @Test
    void aDuplicateRunThatFailsLateNeverDeletesTheCommittedOutput() throws Exception {
        byte[] content = csv(ROWS, "");
        SourceObject source = source("sales/late.csv", content);
        CountDownLatch otherCommitted = new CountDownLatch(1);
        CountDownLatch failingStarted = new CountDownLatch(1);
        AtomicBoolean firstPublish = new AtomicBoolean(true);
        ObjectStore failsAtPublish = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforeCreate(String key) {
                // The run has read the manifest (there is none yet) before it writes anything.
                failingStarted.countDown();
            }

            @Override
            public void beforePublish(String key) throws IOException {
                await(otherCommitted);
                // One part published, then the storage fails: the run deletes what it published.
                if (!firstPublish.getAndSet(false)) {
                    throw new IOException("S3 unavailable");
                }
            }
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ConversionResult> failing = pool.submit(() -> convert(converter(failsAtPublish), source, content));
            await(failingStarted);
            ConversionResult committed = convert(converter(silver), source, content);
            otherCommitted.countDown();
            Exception failure = assertThrows(Exception.class, () -> failing.get(30, TimeUnit.SECONDS));
            assertTrue(failure.getCause().getMessage().contains("S3 unavailable"), String.valueOf(failure.getCause()));
            assertFalse(committed.unchanged());
        }
        finally {
            pool.shutdownNow();
        }
        assertExactlyOnce(source, ROWS, 0);
        assertEquals(Manifest.CONVERTED, convert(converter(silver), source, content).manifest().status(), "a retry finds it converted");
    }

    @Test
    void anErrorWhileWritingAPartDiscardsTheRunLikeAnException() throws IOException {
        byte[] content = csv(ROWS, "bad,row\n");
        SourceObject source = source("sales/oom.csv", content);
        // On the writer thread, in the middle of the third part: the heap runs out.
        ObjectStore exhausted = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforeWrite(String key) {
                if (key.endsWith("-part-00003.parquet")) {
                    throw new OutOfMemoryError("Java heap space (injected)");
                }
            }
        });

        OutOfMemoryError failure = assertThrows(OutOfMemoryError.class, () -> convert(converter(exhausted), source, content));

        assertEquals("Java heap space (injected)", failure.getMessage());
        assertEquals(List.of(), dataAndManifests(), "no part, whole or broken, is left visible");
        try (var files = Files.walk(silverRoot)) {
            assertEquals(List.of("_schemas/sales.json"), files.filter(Files::isRegularFile).map(path -> silverRoot.relativize(path).toString()).toList(),
                    "no temporary file either");
        }
        convert(converter(silver), source, content);
        assertExactlyOnce(source, ROWS, 1);
    }

    @Test
    void partsOfARunKilledBeforeItsManifestAreSweptByTheNextRun() throws IOException {
        byte[] content = csv(ROWS, "bad,row\n");
        SourceObject source = source("sales/killed.csv", content);
        ObjectStore dies = failingManifestWrites(() -> { throw new Killed(); });

        assertThrows(Killed.class, () -> convert(converter(dies), source, content));
        assertEquals(ROWS / LIMITS.chunkRows(), parquetFiles().size(), "the kill left published parts and no manifest: the stated window");
        assertFalse(Files.exists(silverRoot.resolve(LAYOUT.manifestKey("sales", source.key()))));

        convert(converter(silver), source, content);

        assertExactlyOnce(source, ROWS, 1);
    }

    /**
     * A run whose publishing is slow (its first completion took 14 minutes: S3 degraded, the SDK waiting up to half the time
     * left) sends no further completion: S3 may take several minutes to finalize one (CompleteMultipartUpload's reference), and one
     * landing after {@link SilverCommit#PUBLISHING_BOUND}, once a sweep deleted the run's marker and listed its partition, would
     * make a file visible that no manifest names and no marker leads to: until the key's next event sweeps that partition, for good
     * if none comes, or if the run converted a version of another day that a later one replaced. From a review: before, the run sent
     * it; here S3 finalizes it after the retry's sweep, the run killed meanwhile at its timeout.
     */
    @Test
    void aRunPublishingPastItsCompletionWindowSendsNoCompletionThatCouldLandAfterThePublishingBound() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = source("sales/slow-publish.csv", content);
        SettableClock runClock = new SettableClock(CLOCK.instant());
        Clock afterTheBound = Clock.offset(CLOCK, SilverCommit.PUBLISHING_BOUND.plusSeconds(30));
        AtomicInteger completionsSent = new AtomicInteger();
        AtomicBoolean lateCompletionLanded = new AtomicBoolean();
        ObjectStore slowPublishing = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePublish(String key) throws IOException {
                if (lateCompletionLanded.get()) {
                    throw new Killed();
                }
                if (completionsSent.incrementAndGet() == 1) {
                    // The first completion is answered 14 minutes after the marker was written.
                    runClock.set(CLOCK.instant().plus(Duration.ofMinutes(14)));
                    return;
                }
                // Sent now, finalized by S3 only after the bound: meanwhile Lambda kills the run at its timeout, and the retry,
                // once the bound has passed, commits, its sweep deleting the run's marker and first part.
                convert(converter(silver, afterTheBound), source, content);
                lateCompletionLanded.set(true);
            }

            @Override
            public void beforePutIf(String key) {
                if (lateCompletionLanded.get()) {
                    throw new Killed();
                }
            }
        });

        Throwable failure = assertThrows(Throwable.class, () -> convert(converter(slowPublishing, runClock), source, content));
        if (!lateCompletionLanded.get()) {
            convert(converter(silver, afterTheBound), source, content);
        }

        assertExactlyOnce(source, ROWS, 0);
        assertEquals(1, completionsSent.get(), "no completion sent after the window");
        assertTrue(failure instanceof IOException && failure.getMessage().contains("stopped publishing"), String.valueOf(failure));
        assertCountedOnce(logLines, ROWS, 0);
    }

    /**
     * The killed run's marker outlives the next run's sweep while the killed run could still be publishing
     * (a run only ends at Lambda's timeout); once that time is up, the next sweep deletes it.
     */
    @Test
    void theMarkerOfAKilledRunGoesWithTheFirstSweepAfterItsTimeIsUp() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = source("sales/killed.csv", content);
        assertThrows(Killed.class, () -> convert(converter(failingManifestWrites(() -> { throw new Killed(); })), source, content));

        convert(converter(silver), source, content);
        assertEquals(1, silver.list("_publishing/").size(), "swept at once, the killed run's parts go, its marker stays while it could be publishing");
        assertExactlyOnce(source, ROWS, 0);

        Clock later = Clock.offset(CLOCK, SilverCommit.PUBLISHING_BOUND);
        assertTrue(convert(converter(silver, later), source, content).unchanged());
        assertEquals(List.of(), silver.list("_publishing/"), "the redelivery's sweep, once the killed run's time is up, deletes its marker");
    }

    /**
     * A marker written by a converter from before markers held a time is empty: it is as old as the store
     * says, so one written just now may be of a run of the earlier version still publishing while this one
     * is deployed, and stays; an older one goes.
     */
    @Test
    void aMarkerWithoutATimeIsAsOldAsTheStoreSays() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = source("sales/upgraded.csv", content);
        String recent = LAYOUT.publishingKey("sales", LocalDate.of(2026, 3, 14), source.key(), RunId.start(1));
        String old = LAYOUT.publishingKey("sales", LocalDate.of(2026, 3, 13), source.key(), RunId.start(1));
        silver.put(recent, new byte[0]);
        silver.put(old, new byte[0]);
        Files.setLastModifiedTime(silverRoot.resolve(recent), FileTime.from(CLOCK.instant().minus(Duration.ofMinutes(5))));
        Files.setLastModifiedTime(silverRoot.resolve(old), FileTime.from(CLOCK.instant().minus(SilverCommit.PUBLISHING_BOUND)));

        convert(converter(silver), source, content);

        assertEquals(List.of(recent), silver.list("_publishing/"));
    }

    /**
     * A sweep that finds the marker of a run still publishing (it lost: another run committed first) deletes
     * that run's parts published so far, but not its marker: the run may publish more before it is killed,
     * and only the marker leads a later sweep to them, in a partition no other run of the source writes.
     */
    @Test
    void aSweepKeepsTheMarkerOfARunStillPublishingSoThePartsItPublishesLaterAreSweptToo() throws Exception {
        byte[] first = csv(ROWS, "");
        SourceObject original = source("sales/raced.csv", first);
        CountDownLatch publishing = new CountDownLatch(1);
        CountDownLatch swept = new CountDownLatch(1);
        AtomicBoolean firstPublish = new AtomicBoolean(true);
        ObjectStore losing = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePublish(String key) throws IOException {
                if (firstPublish.getAndSet(false)) {
                    publishing.countDown();
                    await(swept);
                }
            }

            @Override
            public void beforePutIf(String key) {
                if (key.startsWith("_manifests/")) {
                    throw new Killed();
                }
            }
        });
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<ConversionResult> killed = thread.submit(() -> convert(converter(losing), original, first));
            await(publishing);
            // Another version, of another day, committed while the first run publishes: its sweep finds the marker.
            byte[] second = csv(ROWS / 2, "");
            SourceObject replacement = new SourceObject("bronze", "sales/raced.csv", md5(second), second.length, MODIFIED.plus(Duration.ofDays(1)));
            convert(converter(silver), replacement, second);
            assertEquals(1, silver.list("_publishing/").size(), "the publishing run's marker stays");
            swept.countDown();
            ExecutionException death = assertThrows(ExecutionException.class, () -> killed.get(30, TimeUnit.SECONDS));
            assertTrue(death.getCause() instanceof Killed, death.toString());
            assertEquals(ROWS / LIMITS.chunkRows(), parquetFiles().stream().filter(key -> key.contains("/ingest_date=2026-03-14/")).count(),
                    "the killed run published all its parts after the sweep");

            byte[] third = csv(ROWS / 3, "");
            SourceObject latest = new SourceObject("bronze", "sales/raced.csv", md5(third), third.length, MODIFIED.plus(Duration.ofDays(2)));
            convert(converter(silver), latest, third);
            assertExactlyOnce(latest, ROWS / 3, 0);
        }
        finally {
            thread.shutdownNow();
        }
    }

    /**
     * A run whose publishing fails discards what it published; when S3 fails that delete too, the parts stay
     * visible, and so must the marker that leads the next sweep to their partition, or a version of another
     * day would leave them visible for good.
     */
    @Test
    void aRunThatCannotDeleteWhatItPublishedKeepsItsMarkerForTheNextSweep() throws IOException {
        byte[] first = csv(ROWS, "");
        SourceObject original = source("sales/flaky.csv", first);
        AtomicInteger publishes = new AtomicInteger();
        ObjectStore flaky = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforePublish(String key) throws IOException {
                if (publishes.incrementAndGet() == 3) {
                    throw new IOException("503 Slow Down (complete)");
                }
            }

            @Override
            public void beforeDelete(Collection<String> keys) throws IOException {
                if (keys.stream().anyMatch(key -> key.endsWith(".parquet"))) {
                    throw new IOException("503 Slow Down (delete)");
                }
            }
        });

        IOException failure = assertThrows(IOException.class, () -> convert(converter(flaky), original, first));
        assertEquals("503 Slow Down (complete)", failure.getMessage());
        assertEquals(2, parquetFiles().size(), "the two parts published before the failure stay visible");
        assertEquals(1, silver.list("_publishing/").size(), "with the marker of their partition");

        byte[] second = csv(ROWS / 2, "");
        SourceObject replacement = new SourceObject("bronze", "sales/flaky.csv", md5(second), second.length, MODIFIED.plus(Duration.ofDays(1)));
        convert(converter(silver), replacement, second);
        assertExactlyOnce(replacement, ROWS / 2, 0);
    }

    /**
     * A run killed between publishing and its manifest leaves parts visible in its version's partition.
     * When the object is then replaced by a version of another day, the run that commits that version
     * sweeps its own partition; the publishing marker the killed run wrote first tells it to sweep the
     * killed run's partition too, or its rows would stay visible beside the new version's for good.
     */
    @Test
    void partsOfARunKilledBeforeItsManifestAreSweptWhenTheNextVersionIsOfAnotherDay() throws IOException {
        byte[] first = csv(ROWS, "");
        SourceObject original = source("sales/night.csv", first);
        ObjectStore dies = failingManifestWrites(() -> { throw new Killed(); });
        assertThrows(Killed.class, () -> convert(converter(dies), original, first));
        assertEquals(ROWS / LIMITS.chunkRows(), parquetFiles().size(), "the kill left published parts and no manifest");
        assertEquals(1, silver.list("_publishing/").size(), "and the marker of the partition they are in");

        byte[] second = csv(ROWS / 2, "");
        SourceObject replacement = new SourceObject("bronze", "sales/night.csv", md5(second), second.length, MODIFIED.plus(Duration.ofDays(1)));
        Manifest committed = convert(converter(silver), replacement, second).manifest();

        assertEquals(1, committed.generation(), "no manifest was ever written: the replacement is the first generation too");
        assertExactlyOnce(replacement, ROWS / 2, 0);
    }

    @Test
    void aReplacementKilledBeforeItsSweepIsFinishedByTheNextDelivery() throws IOException {
        byte[] first = csv(ROWS, "");
        SourceObject original = source("sales/over.csv", first);
        convert(converter(silver), original, first);
        // The object is overwritten on another day: the new version's partition differs from the old one's.
        byte[] second = csv(ROWS / 2, "");
        SourceObject replacement = new SourceObject("bronze", "sales/over.csv", md5(second), second.length, MODIFIED.plus(Duration.ofDays(2)));
        ObjectStore diesAfterTheManifest = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void afterPutIf(String key, Optional<String> written) {
                if (key.startsWith("_manifests/")) {
                    throw new Killed();
                }
            }
        });

        assertThrows(Killed.class, () -> convert(converter(diesAfterTheManifest), replacement, second));
        assertEquals(ROWS / LIMITS.chunkRows() + ROWS / 2 / LIMITS.chunkRows(), parquetFiles().size(), "both versions visible: the second window");

        ConversionResult redelivered = convert(converter(silver), replacement, second);

        assertTrue(redelivered.unchanged());
        assertEquals(2, redelivered.manifest().generation());
        assertEquals(ROWS / LIMITS.chunkRows(), redelivered.manifest().supersedes().size(), "the old version's parts, in its own partition");
        assertExactlyOnce(replacement, ROWS / 2, 0);
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), "the killed run's marker stays while that run may still write it: " + markers);
        assertTrue(markers.get(0).endsWith("-" + redelivered.manifest().run()), markers.toString());
        assertTrue(convert(converter(silver, Clock.offset(CLOCK, SilverCommit.PUBLISHING_BOUND)), replacement, second).unchanged());
        assertEquals(List.of(), silver.list("_publishing/"), "a delivery once its run can no longer write it takes it");
    }

    @Test
    void everyReplacementIsTheNextGeneration() throws IOException {
        for (int version = 1; version <= 3; version++) {
            byte[] content = csv(10 * version, "");
            SourceObject source = new SourceObject("bronze", "sales/g.csv", md5(content), content.length, MODIFIED.plusSeconds(version));
            Manifest manifest = convert(converter(silver), source, content).manifest();
            assertEquals(version, manifest.generation());
            assertEquals(Optional.of(new RunId(version, manifest.run().substring(manifest.run().indexOf('-') + 1))),
                    RunId.ofKey(manifest.parts().get(0).key()));
            assertExactlyOnce(source, 10 * version, 0);
        }
    }

    @Test
    void aRunThatReachesItsDeadlineStopsAndLeavesNothing() throws IOException {
        byte[] content = csv(ROWS, "bad,row\n");
        SourceObject source = source("sales/slow.csv", content);

        assertStopsAtItsDeadlineLeavingNothing(source, content);
        try (var files = Files.walk(silverRoot)) {
            assertEquals(List.of("_schemas/sales.json"), files.filter(Files::isRegularFile).map(path -> silverRoot.relativize(path).toString()).toList(),
                    "no temporary file is left either");
        }
        convert(converter(silver), source, content);
        assertExactlyOnce(source, ROWS, 1);
    }

    @Test
    void aRunOfRowsThatAreAllRefusedStillMeetsItsDeadline() throws IOException {
        StringBuilder text = new StringBuilder("id,amount\n");
        for (int i = 0; i < ROWS; i++) {
            text.append(i).append('\n');
        }
        byte[] content = text.toString().getBytes(StandardCharsets.UTF_8);

        assertStopsAtItsDeadlineLeavingNothing(source("sales/refused.csv", content), content);
    }

    /** Each deadline check finds a second less left; the reserve is reached at the third, long before the last of the rows. */
    private void assertStopsAtItsDeadlineLeavingNothing(SourceObject source, byte[] content) throws IOException {
        AtomicLong remaining = new AtomicLong(8_000);
        Deadline deadline = Deadline.of(() -> remaining.getAndAdd(-1_000), Duration.ofSeconds(5));

        DeadlineExceededException failure = assertThrows(DeadlineExceededException.class,
                () -> converter(silver).convert(source, "sales", () -> new ByteArrayInputStream(content), deadline));

        assertTrue(failure.getMessage().contains(source.location() + " at line "), failure.getMessage());
        assertEquals(List.of(), dataAndManifests());
    }

    /** A run's clock, moved on by a test to stand for time the run spent waiting on a request. */
    private static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException("a test clock in UTC");
        }
    }

    /** Stands for the process dying at that point: nothing after it runs, no cleanup included. */
    private static final class Killed extends Error {
        Killed() {
            super("killed");
        }
    }

    private SilverConverter converter(ObjectStore store) {
        return converter(store, CLOCK);
    }

    private SilverConverter converter(ObjectStore store, Clock clock) {
        return new SilverConverter(store, LAYOUT, LIMITS, CsvOverrides.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), clock), clock);
    }

    /** A converter of another function version, whose reading rules are {@code readingRules}. */
    private SilverConverter converter(ObjectStore store, int readingRules) {
        return new SilverConverter(store, LAYOUT, LIMITS, dev.medallion.common.config.RangeReading.single(), CsvOverrides.none(),
                dev.medallion.silver.catalog.SilverCatalog.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK,
                WorkerThreads.WAIT, readingRules);
    }

    private SilverConverter converter(ObjectStore store, CsvOverrides overrides) {
        return new SilverConverter(store, LAYOUT, LIMITS, overrides, new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);
    }

    private static ConversionResult convert(SilverConverter converter, SourceObject source, byte[] content) throws IOException {
        return converter.convert(source, "sales", () -> new ByteArrayInputStream(content));
    }


    private void assertExactlyOnce(SourceObject source, int validRows, int quarantinedRows) throws IOException {
        ExactlyOnce.assertExactlyOnce(silver, LAYOUT, "sales", source, validRows, quarantinedRows, readBack, CLOCK.instant());
    }

    private List<String> dataAndManifests() throws IOException {
        return silver.list("").stream().filter(key -> !key.startsWith("_schemas/")).toList();
    }

    private List<String> parquetFiles() throws IOException {
        return ExactlyOnce.parquetKeys(silver, "sales");
    }

    /** The source under {@code key} holding {@code content}, converted and committed. */
    private SourceObject committed(String key, byte[] content) throws IOException {
        SourceObject source = source(key, content);
        convert(converter(silver), source, content);
        return source;
    }

    private static SourceObject source(String key, byte[] content) {
        return new SourceObject("bronze", key, md5(content), content.length, MODIFIED);
    }

    private static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IOException("test latch timed out");
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void waitUntil(Condition condition) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(10);
        }
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    /**
     * No marker left but the late run's, claimed ({@link SilverCommit#COUNTED_BY}): a sweep keeps a claimed marker until its run
     * can no longer write it ({@link SilverCommit#PUBLISHING_BOUND}), so that the run's uncounted mark, applied again, finds it
     * (SilverCommitTest.ReplayedUncountedMark, which also sees a sweep after the bound delete it).
     */
    private void assertOnlyTheClaimedMarkerLeft() throws IOException {
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), "no marker left but the claimed one: " + markers);
        String held = new String(silver.read(markers.get(0)).orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(held.contains(" " + SilverCommit.COUNTED_BY + " "), "no marker left but the claimed one: " + markers.get(0) + " holds " + held);
    }

    /**
     * From a review of the commit protocol: the {@code uncounted} mark ({@link SilverCommit#UNCOUNTED}) was a plain, unconditional
     * PUT of the run's publishing marker, and a plain PUT can be applied twice: the SDK sends it again after an attempt whose
     * answer was lost (a reset connection, a 500 after S3 stored it), and S3 can complete the first attempt after its client gave
     * up. When the first application landed, the run's manifest landed, and another run claimed and counted the late commit and its
     * sweep deleted the marker, all before the second application, that second application wrote the marker anew, saying
     * {@code uncounted} again: the next sweep of the manifest (the run's own retry) claimed it a second time and logged the commit's
     * line again. The docs (docs/silver-converter.md, "Each commit is counted once") promise one line: the mark is now conditional,
     * and another run's sweep keeps the committed run's marker while that run may still write it, so these cases see one.
     */
    @Nested
    class ReplayedUncountedMark {
        @Test
        void anUncountedMarkAppliedAgainAfterAnotherRunClaimedTheLateCommitDoesNotCountItTwice() throws IOException {
            byte[] content = csv(ROWS, "oops,not a number\n");
            SourceObject source = new SourceObject("bronze", "sales/replayed-mark.csv", md5(content), content.length, MODIFIED);
            AtomicBoolean duplicateRan = new AtomicBoolean();
            AtomicReference<byte[]> unansweredManifest = new AtomicReference<>();
            // The first run: its manifest write goes unanswered and lands later; its uncounted mark is applied, then, before the
            // SDK's second attempt of the same PUT is applied, the manifest lands and a duplicate delivery claims and counts it.
            ObjectStore firstRun = manifestUnansweredAndMarkReplayed(unansweredManifest, () -> {
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
            ObjectStore firstRun = manifestUnansweredAndMarkReplayed(unansweredManifest, () -> {
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
         * the late commit, is the answer the run gets: nothing written ({@code If-Match} on a marker claimed). The claimed marker
         * must be there, kept while its run may still write it ({@link MarkerSweptBeforeItsMark}), and nothing written, else the
         * run's retry counts the commit a second time.
         */
        @Test
        void anUncountedMarkWhoseRetryIsAnsweredAfterAnotherRunClaimedTheLateCommitDoesNotWriteItAnew() throws IOException {
            byte[] content = csv(ROWS, "oops,not a number\n");
            SourceObject source = new SourceObject("bronze", "sales/replayed-mark-answer.csv", md5(content), content.length, MODIFIED);
            AtomicBoolean duplicateRan = new AtomicBoolean();
            AtomicReference<byte[]> unansweredManifest = new AtomicReference<>();
            ObjectStore firstRun = manifestUnansweredAndMarkReplayed(unansweredManifest, () -> {
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

        /**
         * The first run's store: its manifest write goes unanswered (what it sent kept in {@code unansweredManifest}, for the test
         * to land it late), and its {@code uncounted} mark is applied twice, {@code between} run after the first application.
         */
        private ObjectStore manifestUnansweredAndMarkReplayed(AtomicReference<byte[]> unansweredManifest, Between between) {
            return manifestUnansweredAndMarkReplayed(unansweredManifest, between, false);
        }

        /** As above; {@code firstAnswerLost}: the mark answers with its second application's outcome. */
        private ObjectStore manifestUnansweredAndMarkReplayed(AtomicReference<byte[]> unansweredManifest, Between between, boolean firstAnswerLost) {
            return new ReplayedMark(new HookedStore(silver, new HookedStore.Hooks() {
                @Override
                public void beforePutIf(String key, byte[] manifest, Optional<String> expectedEtag) throws IOException {
                    if (key.startsWith("_manifests/")) {
                        throw new IOException("timed out waiting for the answer");
                    }
                }
            }), unansweredManifest, between, firstAnswerLost);
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
    }

    /**
     * The publishing marker is written before anything is published with {@code If-None-Match}, keeping the version written, which
     * every later mark of it by the run expects ({@code If-Match}; see {@link ReplayedUncountedMark}). When the write's first
     * attempt lands with its answer lost and the SDK's retry then fails its precondition (412), the version written is unknown: the
     * run must fail before it publishes anything, leaving nothing visible, and its retry must commit the file once.
     */
    @Nested
    class PublishingMarkerAnswerLost {
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
    }

    /**
     * A run whose manifest write goes unanswered marks its marker {@code uncounted} with {@code If-Match} on the version it wrote. The
     * manifest may land between the run's read-back (which showed the base) and that mark, and a duplicate delivery sweep it, reading
     * the marker unmarked (nothing to claim). Deleted, the marker would be lost to the count: the mark would find no marker (404) and
     * write nothing, and no run would log the commit; written anew after a 404, it could be counted twice (the second case). So a sweep
     * keeps the committed run's marker while that run may still write it, whatever it says, and the mark lands on it.
     */
    @Nested
    class MarkerSweptBeforeItsMark {
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
        void aSweepThatReadTheMarkerUnmarkedAndEndsAfterTheMarkAndAnotherClaimLeavesTheCommitCountedOnce() throws IOException {
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
                            public void beforeDelete(Collection<String> keys) throws IOException {
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
    }
}
