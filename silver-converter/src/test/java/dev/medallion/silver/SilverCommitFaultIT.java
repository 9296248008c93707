package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.layout.RunId;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.storage.WriteRefusedException;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.Request;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.schema.SchemaContract;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static dev.medallion.silver.CountedLines.assertCountedOnce;
import static dev.medallion.silver.CountedLines.assertWithdrawnOnce;
import static dev.medallion.silver.CountedLines.countedLines;
import static dev.medallion.silver.CountedLines.withdrawnLines;
import static dev.medallion.silver.ExactlyOnce.csv;
import static dev.medallion.silver.ExactlyOnce.gzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commit protocol against an S3 emulator, with {@link FaultProxy} between the converter and the
 * emulator: every S3 call the converter makes fails transiently and for good, downloads are cut cleanly
 * and reset, the manifest write fails or loses its answer, a duplicate run fails at each stage while
 * another commits, a converter process is killed at each stage, the source is overwritten mid-run.
 * After each: manifest rows == Parquet rows read back == source rows minus quarantined, each once; no
 * Parquet object outside the manifest beyond the documented window; a retry converges.
 */
class SilverCommitFaultIT extends CommitFaultFixture {
    /** The S3 requests the converter makes, each named by what it is for. */
    enum Call {
        READ_MANIFEST(request -> request.method().equals("GET") && request.path().contains("/_manifests/")),
        READ_SCHEMA(request -> request.method().equals("GET") && request.path().contains("/_schemas/")),
        WRITE_SCHEMA(request -> request.method().equals("PUT") && request.path().contains("/_schemas/")),
        READ_SOURCE(request -> request.method().equals("GET") && request.path().contains("/sales/src.csv")),
        START_UPLOAD(Request::isCreateMultipartUpload),
        UPLOAD_PART(Request::isUploadPart),
        PUBLISH(Request::isCompleteMultipartUpload),
        WRITE_MANIFEST(request -> request.method().equals("PUT") && request.path().contains("/_manifests/")),
        LIST(request -> request.method().equals("GET") && request.hasQueryParameter("list-type"));

        final Predicate<Request> matcher;

        Call(Predicate<Request> matcher) {
            this.matcher = matcher;
        }
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void aTransientErrorOnAnyCallIsRetriedAndCommitsExactlyOnce(Call call) throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        Injection injection = proxy.inject(call.matcher, Fault.status(503), 1);

        ConversionResult result = convertThroughProxy(source);

        assertEquals(1, injection.hits(), call + " was failed once");
        assertEquals(Manifest.CONVERTED, result.manifest().status());
        assertExactlyOnce(source, ROWS, 1);
    }

    @ParameterizedTest
    @EnumSource(value = Call.class, names = {"READ_MANIFEST", "READ_SCHEMA", "WRITE_SCHEMA", "READ_SOURCE", "START_UPLOAD", "UPLOAD_PART",
            "PUBLISH"})
    void aCallThatKeepsFailingFailsTheRunWithNothingVisibleAndTheRetryConverges(Call call) throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        Injection injection = proxy.inject(call.matcher, Fault.status(500), 100);

        assertThrows(IOException.class, () -> convertThroughProxy(source));

        assertTrue(injection.hits() >= 3, call + ": the SDK retried before giving up, " + injection.hits() + " attempts");
        if (call == Call.PUBLISH) {
            // A completion that failed may land after all: the run keeps the marker that leads the retry's sweep to it.
            assertEquals(1, silver.list("_publishing/").size(), "the marker of the run whose publishing failed stays");
            assertNothingVisible("_publishing/");
        }
        else {
            assertNothingVisible();
        }
        proxy.clear();
        convertThroughProxy(source);
        assertExactlyOnce(source, ROWS, 1);
    }

    @Test
    void aManifestWriteThatKeepsFailingKeepsThePartsForTheRetry() throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        // A 500 does not say whether the write happened: it may even land later (the next test).
        Injection injection = proxy.inject(Call.WRITE_MANIFEST.matcher, Fault.status(500), 100);

        IOException failure = assertThrows(IOException.class, () -> convertThroughProxy(source));

        assertTrue(injection.hits() >= 3, "the SDK retried before giving up, " + injection.hits() + " attempts");
        assertTrue(failure.getMessage().contains("failed without a definite answer"), failure.getMessage());
        assertFalse(silver.stat(LAYOUT.manifestKey(DATASET, source.key())).isPresent());
        assertEquals(PARTS, parquetKeys().size(), "the parts stay, visible without a manifest: the stated window");
        proxy.clear();
        assertFalse(convertThroughProxy(source).unchanged());
        assertExactlyOnce(source, ROWS, 1);
    }

    @Test
    void aManifestWriteThatLandsAfterTheRunGaveUpLosesNoRows() throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        convertWithAManifestThatLandsAfterTheRunGaveUp(source);
        assertTrue(silver.stat(LAYOUT.manifestKey(DATASET, source.key())).isPresent(), "the late write landed");
        ConversionResult retry = convertThroughProxy(source);
        assertFalse(retry.unchanged(), "the retry counts the late manifest's commit, which its own run never logged");
        assertExactlyOnce(source, ROWS, 1);
        assertTrue(convertThroughProxy(source).unchanged(), "a redelivery after it finds the commit counted");
        Map<?, ?> counted = assertCountedOnce(logLines, ROWS, 1).get(0);
        assertFalse(counted.containsKey("seconds") || counted.containsKey("rowsPerSecond"), "no time or rate of the claiming run: " + counted);
    }

    /**
     * Two deliveries find the manifest that landed late at once: the first's claim of the commit is held while the second
     * claims, counts and sweeps it; released, the first finds the claim gone and answers unchanged. Counted once, never twice.
     */
    @Test
    void twoRunsThatFindALateManifestAtOnceCountItOnce() throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        convertWithAManifestThatLandsAfterTheRunGaveUp(source);

        Injection heldClaim = proxy.inject(CLAIM, Fault.hold(), 1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ConversionResult> first = pool.submit(() -> convertThroughProxy(source));
            assertTrue(heldClaim.awaitHits(1, Duration.ofSeconds(30)), "the first run claims the late commit");

            ConversionResult second = convertThroughProxy(source);
            assertFalse(second.unchanged(), "the second claims it first, and counts it");
            proxy.clear();
            assertTrue(first.get(60, TimeUnit.SECONDS).unchanged(), "the first finds its claim refused: counted by another run");
        }
        finally {
            pool.shutdownNow();
        }
        assertExactlyOnce(source, ROWS, 1);
        assertCountedOnce(logLines, ROWS, 1);
    }

    /** A rejected file publishes nothing, yet its late manifest must be counted too: the rejected-files alarm counts its line. */
    @Test
    void aRejectionWhoseManifestLandsAfterTheRunGaveUpIsCountedOnce() throws Exception {
        byte[] notUtf8 = {'i', 'd', '\n', (byte) 0xC3, (byte) 0x28, '\n'};
        SourceObject source = upload("sales/src.csv", notUtf8);
        convertWithAManifestThatLandsAfterTheRunGaveUp(source);

        assertEquals(Manifest.REJECTED, convertThroughProxy(source).outcome(), "the retry counts the late rejection");
        assertTrue(convertThroughProxy(source).unchanged(), "a redelivery after it finds the rejection counted");
        List<Map<?, ?>> counted = countedLines(logLines);
        assertEquals(1, counted.size(), "the rejection's line, once: " + logLines);
        assertEquals("source object rejected", counted.get(0).get("message"), counted.toString());
        assertOnlyTheClaimedMarkerLeft();
    }

    /**
     * A rejected file's run whose manifest write goes unanswered, and never lands, leaves a marker that says so, for a count that
     * never comes: the retry's commit makes that write impossible, and its sweep deletes the marker, which has no file to wait for.
     */
    @Test
    void aRejectionWhoseManifestWriteNeverLandsLeavesNoMarkerOnceTheRetryCommits() throws Exception {
        byte[] notUtf8 = {'i', 'd', '\n', (byte) 0xC3, (byte) 0x28, '\n'};
        SourceObject source = upload("sales/src.csv", notUtf8);
        proxy.inject(Call.WRITE_MANIFEST.matcher, Fault.status(500), 100);
        assertThrows(IOException.class, () -> convertThroughProxy(source));
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), "the run said it published nothing and its commit, should it land, is uncounted: " + markers);
        proxy.clear();

        assertEquals(Manifest.REJECTED, convertThroughProxy(source).outcome(), "the retry rejects the file and commits");
        assertEquals(List.of(), silver.list("_publishing/"), "the failed run's marker goes with the retry's sweep, not at the next delivery"
                + " twenty minutes on, which may never come");
        assertEquals(1, countedLines(logLines).size(), "the rejection's line, once: " + logLines);
    }

    /** The two ways a key whose file is gone from bronze is withdrawn: its removal's event, and an ObjectCreated event that finds it gone. */
    enum Removal {
        REMOVAL_EVENT,
        CREATED_EVENT_FOR_A_MISSING_KEY;

        WithdrawalResult withdraw(SilverConverter converter, String bucket, SourceObject source, SilverConverter.Presence presence) throws IOException {
            return this == REMOVAL_EVENT ? converter.withdraw(bucket, source.key(), DATASET, presence)
                    : converter.withdrawForMissingKey(bucket, source.key(), DATASET, presence);
        }
    }

    /**
     * The file is deleted from bronze before any run found the manifest that landed after its run gave up: the withdrawal is the
     * first to sweep it, and the only run that can count it, once (then the file's rows leave silver); a redelivery of the removal
     * counts nothing again.
     */
    @ParameterizedTest
    @EnumSource(Removal.class)
    void aLateManifestFirstFoundByTheWithdrawalIsCountedOnceAndWithdrawn(Removal removal) throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        convertWithAManifestThatLandsAfterTheRunGaveUp(source);
        String run = silverManifest(source).run();
        bronze.delete(List.of(source.key()));

        SilverConverter converter = converter(new S3ObjectStore(faulty, silverBucket));
        SilverConverter.Presence presence = () -> bronze.stat(source.key()).isPresent();
        assertEquals(WithdrawalResult.WITHDRAWN, removal.withdraw(converter, bronzeBucket, source, presence).outcome());
        assertEquals(WithdrawalResult.UNCHANGED, removal.withdraw(converter, bronzeBucket, source, presence).outcome(), "the redelivery finds it withdrawn");

        List<Map<?, ?>> counted = assertCountedOnce(logLines, ROWS, 1);
        assertTrue(String.valueOf(counted.get(0).get("countedFor")).startsWith("run " + run + ","), "the late run's commit, named: " + counted);
        assertEquals(1, logLines.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains("\"source object withdrawn\"")).count(),
                "then withdrawn, once: " + logLines);
        assertEquals(List.of(), parquetKeys(), "the withdrawn file's rows left silver");
        assertOnlyTheClaimedMarkerLeft();
    }

    @Test
    void aRefusedManifestWriteFailsTheRunWithNothingVisible() throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        // S3 answered and refused: the write did not happen and cannot land later.
        Injection refused = proxy.inject(Call.WRITE_MANIFEST.matcher, Fault.status(403), 1);

        assertThrows(WriteRefusedException.class, () -> convertThroughProxy(source));

        assertEquals(1, refused.hits());
        assertNothingVisible();
        assertFalse(convertThroughProxy(source).unchanged());
        assertExactlyOnce(source, ROWS, 1);
    }

    @Test
    void aRefusalAfterAnAttemptLeftUnansweredIsNoRefusal() throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        // The SDK's first attempt may still land (500); its retry is refused (403), which says nothing of the first.
        Injection unanswered = proxy.inject(Call.WRITE_MANIFEST.matcher, Fault.status(500), 1);
        Injection refused = proxy.inject(Call.WRITE_MANIFEST.matcher, Fault.status(403), 1);

        IOException failure = assertThrows(IOException.class, () -> convertThroughProxy(source));

        assertEquals(1, unanswered.hits());
        assertEquals(1, refused.hits());
        assertFalse(failure instanceof WriteRefusedException, failure.toString());
        assertEquals(PARTS, parquetKeys().size(), "the parts stay for the first attempt to name");
        assertFalse(convertThroughProxy(source).unchanged());
        assertExactlyOnce(source, ROWS, 1);
    }

    /**
     * The SDK's first attempt goes unanswered and lands later; its retries meet 409 ConditionalRequestConflict,
     * S3's answer while another conditional write to the key is in flight: that one is this run's own first
     * attempt. A conflict says nothing of it, so the run must not take it for a refusal and delete its parts,
     * which the late manifest then names.
     */
    @Test
    void conflictsBehindAnAttemptThatLandsLaterAreNoRefusal() throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        Injection late = proxy.inject(Call.WRITE_MANIFEST.matcher, Fault.landsLater(500), 1);
        Injection conflicts = proxy.inject(Call.WRITE_MANIFEST.matcher, Fault.status(409, "ConditionalRequestConflict"), 100);

        IOException failure = assertThrows(IOException.class, () -> convertThroughProxy(source));

        assertEquals(1, late.hits());
        assertTrue(conflicts.hits() > 1, conflicts.toString());
        assertFalse(failure instanceof WriteRefusedException, failure.toString());
        assertEquals(PARTS, parquetKeys().size(), "the parts stay for the first attempt to name");
        proxy.clear();
        assertTrue(late.awaitLanded(1, Duration.ofSeconds(30)), "the held write was forwarded");
        assertFalse(convertThroughProxy(source).unchanged(), "the retry finds the manifest that landed late, and counts it");
        assertExactlyOnce(source, ROWS, 1);
        assertCountedOnce(logLines, ROWS, 1);
    }

    @Test
    void aFailingListAfterTheCommitFailsTheRunAndTheRetryFinishesTheCleanup() throws IOException {
        SourceObject first = upload("sales/src.csv", csv(ROWS, ""));
        convertThroughProxy(first);
        SourceObject second = upload("sales/src.csv", csv(ROWS / 2, ""));
        // Only the LISTs after the manifest write: those before it finish the previous commit's cleanup.
        AtomicBoolean manifestWritten = new AtomicBoolean();
        proxy.inject(request -> {
            manifestWritten.compareAndSet(false, Call.WRITE_MANIFEST.matcher.test(request));
            return manifestWritten.get() && Call.LIST.matcher.test(request);
        }, Fault.status(500), 100);

        assertThrows(IOException.class, () -> convertThroughProxy(second));

        assertEquals(PARTS + 3, parquetKeys().size(), "committed (5,000 rows in three parts), the first version not yet removed: the second window");
        proxy.clear();
        assertTrue(convertThroughProxy(second).unchanged(), "the redelivery finds the version committed");
        assertExactlyOnce(second, ROWS / 2, 0);
    }

    @Test
    void aCommitWhoseCleanupFailsIsLoggedOnceWithItsQuarantinedRows() throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        // The sweep's LISTs after the manifest write fail: the run fails after its commit, and the retry answers unchanged.
        AtomicBoolean manifestWritten = new AtomicBoolean();
        proxy.inject(request -> {
            manifestWritten.compareAndSet(false, Call.WRITE_MANIFEST.matcher.test(request));
            return manifestWritten.get() && Call.LIST.matcher.test(request);
        }, Fault.status(500), 100);

        assertThrows(IOException.class, () -> convertThroughProxy(source));
        proxy.clear();
        assertTrue(convertThroughProxy(source).unchanged(), "the retry finds the version committed");
        assertExactlyOnce(source, ROWS, 1);

        // What the log metric filters count (monitoring.tf, converter_log_patterns): the commit's line, not the retry's.
        List<Map<?, ?>> counted = assertCountedOnce(logLines, ROWS, 1);
        assertEquals(silver.describe(silver.list("_quarantine/").get(0)), counted.get(0).get("quarantine"), "it names the quarantine file");
    }

    @Test
    void aCleanlyCutDownloadOfAnObjectWithoutChecksumIsNeverCommitted() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = uploadWithoutChecksum("sales/src.csv", content);
        proxy.inject(Call.READ_SOURCE.matcher, Fault.cutResponseAfter(content.length / 3), 1);

        IOException failure = assertThrows(IOException.class, () -> convertThroughProxy(source));

        // Only the byte count can tell: the HTTP client takes the cut for the end of the body.
        assertTrue(failure.getMessage().contains("Read " + content.length / 3 + " bytes of s3://" + bronzeBucket + "/sales/src.csv where the object holds "
                + content.length), failure.getMessage());
        assertNothingVisible();
        ConversionResult retry = convertThroughProxy(source);
        assertEquals(content.length, retry.manifest().bytesRead());
        assertExactlyOnce(source, ROWS, 0);
    }

    /**
     * The download ends cleanly right after a line break inside a quoted field, mid-chunk: the parser meets the end of
     * the text inside the quote, which would reject a whole file as unterminated. The rejection must not be committed
     * (a cut download is a transport failure, to retry): the byte count tells, and the retry converts every row once.
     */
    @Test
    void aDownloadCutInsideAQuotedLineBreakIsRetriedNotRejected() throws IOException {
        byte[] content = withAQuotedLineBreak(csv(ROWS, ""), ROWS / 2 + 100);
        int afterTheQuotedLineBreak = new String(content, StandardCharsets.UTF_8).indexOf("\ncontinued\"") + 1;
        SourceObject source = uploadWithoutChecksum("sales/src.csv", content);
        proxy.inject(Call.READ_SOURCE.matcher, Fault.cutResponseAfter(afterTheQuotedLineBreak), 1);

        IOException failure = assertThrows(IOException.class, () -> convertThroughProxy(source));

        assertInstanceOf(SourceBytes.TruncatedSourceException.class, failure, failure.getMessage());
        assertTrue(failure.getMessage().contains("Read " + afterTheQuotedLineBreak + " bytes of s3://" + bronzeBucket + "/sales/src.csv"), failure.getMessage());
        assertNothingVisible();
        assertEquals(0, countedLines(logLines).size(), "nothing committed, no rejection counted");
        ConversionResult retry = convertThroughProxy(source);
        assertEquals(Manifest.CONVERTED, retry.manifest().status());
        assertExactlyOnce(source, ROWS, 0);
    }

    /**
     * As above for a file read as two byte ranges: the second range's download ends right after a quoted line break.
     * Its reader meets the end inside the quote, the ranges are given up, and the file is read again as one stream
     * (not cut): each row once, nothing of the cut range kept.
     */
    @Test
    void aRangeCutInsideAQuotedLineBreakIsNeverCommittedAndEachRowIsCommittedOnce() throws IOException {
        byte[] content = withAQuotedLineBreak(csv(ROWS, BAD_ROW), ROWS * 3 / 4);
        String text = new String(content, StandardCharsets.UTF_8);
        int quotedLineBreak = text.indexOf("\ncontinued\"");
        SourceObject source = uploadWithoutChecksum("sales/src.csv", content);
        // The second range starts at the first record after the middle cut (RangeBoundaries): after the line feed that
        // follows the byte before it.
        int secondRangeStart = text.indexOf('\n', (int) (source.size() / 2)) + 1;
        Injection cut = proxy.inject(secondRange(source.size()), Fault.cutResponseAfter(quotedLineBreak + 1 - secondRangeStart), 1);

        ConversionResult result = convertByRangesThroughProxy(source);

        assertEquals(1, cut.hits(), "the second range's download was cut");
        assertEquals(Manifest.CONVERTED, result.manifest().status());
        assertEquals(PARTS, result.manifest().parts().size(), "read again as one stream, not as two ranges: " + result.manifest().parts());
        assertExactlyOnce(source, ROWS, 1);
        assertNoUploadLeftOpen();
    }

    /**
     * A run killed after publishing left more files than one listing page holds (1,000) and one DeleteObjects request
     * takes (1,000): the next run's sweep pages through the partition and deletes them all, in batches.
     */
    @Test
    void aSweepOfMoreLeftoversThanAListingPageHoldsDeletesThemAll() throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        RunId killed = RunId.start(1);
        int leftovers = 1_050;
        for (int part = 1; part <= leftovers; part++) {
            silver.put(LAYOUT.partKey(DATASET, source.ingestDate(), source.key(), source.etag(), killed, part), new byte[] {1});
        }
        silver.put(LAYOUT.publishingKey(DATASET, source.ingestDate(), source.key(), killed),
                Instant.now().minus(SilverCommit.PUBLISHING_BOUND).toString().getBytes(StandardCharsets.UTF_8));
        Injection lists = proxy.inject(Call.LIST.matcher, Fault.delay(Duration.ZERO), 100);
        Injection deletes = proxy.inject(request -> request.method().equals("POST") && request.hasQueryParameter("delete"), Fault.delay(Duration.ZERO), 100);

        convertThroughProxy(source);

        assertTrue(lists.hits() >= 2, "the partition's listing took pages: " + lists.hits() + " LIST requests");
        assertTrue(deletes.hits() >= 2, "the leftovers took more than one DeleteObjects request: " + deletes.hits());
        assertExactlyOnce(source, ROWS, 1);
    }

    /**
     * A dataset listed in {@code CSV_QUOTED_EMPTY_STRINGS} read as two byte ranges, the second range's download cut between
     * the two quotes of a {@code ""} and, again, right after one: the cut range is never committed, and the retry keeps each
     * {@code ""} an empty string and each unquoted empty field null, as one stream reads them.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aRangeCutAtAQuotedEmptyFieldOfADatasetKeepingThemIsRetriedAndKeepsThem(int quotesBeforeTheCut) throws IOException {
        StringBuilder csv = new StringBuilder("id,label\n");
        for (int i = 0; i < ROWS; i++) {
            csv.append(i).append(',').append(i % 3 == 0 ? "\"\"" : i % 3 == 1 ? "" : "row " + i).append('\n');
        }
        byte[] content = csv.toString().getBytes(StandardCharsets.UTF_8);
        String text = csv.toString();
        SourceObject source = uploadWithoutChecksum("sales/src.csv", content);
        int secondRangeStart = text.indexOf('\n', (int) (source.size() / 2)) + 1;
        int quotedEmpty = text.indexOf(",\"\"\n", secondRangeStart + 500) + 1;
        CsvOverrides keeps = new CsvOverrides(Map.of(), Map.of(), Map.of(), Map.of(), Set.of(DATASET));
        Injection cut = proxy.inject(secondRange(content.length), Fault.cutResponseAfter(quotedEmpty + quotesBeforeTheCut - secondRangeStart), 1);

        ConversionResult result;
        if (quotesBeforeTheCut == 1) {
            // The range's reader meets its end inside the quote: the ranges are given up, the file read again as one stream.
            result = convertByRangesThroughProxy(source, Deadline.none(), LIMITS, keeps);
            assertEquals(PARTS, result.manifest().parts().size(), "read again as one stream: " + result.manifest().parts());
        }
        else {
            // The range's reader ends cleanly after the "": the byte count tells the download ended early.
            IOException failure = assertThrows(IOException.class, () -> convertByRangesThroughProxy(source, Deadline.none(), LIMITS, keeps));
            assertTrue(failure.getMessage().contains("the download ended early"), failure.getMessage());
            assertNothingVisible();
            result = convertByRangesThroughProxy(source, Deadline.none(), LIMITS, keeps);
            assertEquals(PARTS + 1, result.manifest().parts().size(), "read as two ranges: " + result.manifest().parts());
        }

        assertEquals(1, cut.hits());
        assertEquals(Boolean.TRUE, result.manifest().quotedEmptyStrings());
        assertExactlyOnce(source, ROWS, 0);
        Map<Long, String> labels = new HashMap<>();
        for (String key : ExactlyOnce.parquetKeys(silver, DATASET)) {
            Path local = Files.createTempFile(temporary, "read-back-", ".parquet");
            Files.write(local, silver.read(key).orElseThrow());
            for (GenericRecord row : ParquetTestFiles.readAll(local)) {
                labels.put((Long) row.get("id"), row.get("label") == null ? null : row.get("label").toString());
            }
        }
        for (long i = 0; i < ROWS; i++) {
            assertEquals(i % 3 == 0 ? "" : i % 3 == 1 ? null : "row " + i, labels.get(i), "row " + i);
        }
    }

    /** {@code csv} with row {@code id}'s label quoted and holding a line break. */
    private static byte[] withAQuotedLineBreak(byte[] csv, int id) {
        String text = new String(csv, StandardCharsets.UTF_8);
        String row = "\n" + id + ",row " + id + "\n";
        assertTrue(text.contains(row), row);
        return text.replace(row, "\n" + id + ",\"row " + id + "\ncontinued\"\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCleanlyCutDownloadOfAnObjectWithAChecksumIsNeverCommitted() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = upload("sales/src.csv", content);
        proxy.inject(Call.READ_SOURCE.matcher, Fault.cutResponseAfter(content.length / 3), 1);

        IOException failure = assertThrows(IOException.class, () -> convertThroughProxy(source));

        // The SDK checks the object's CRC32 at the end of the body, before the byte count is compared.
        assertTrue(failure.getMessage().contains("s3://" + bronzeBucket + "/sales/src.csv"), failure.getMessage());
        assertNothingVisible();
        ConversionResult retry = convertThroughProxy(source);
        assertEquals(content.length, retry.manifest().bytesRead());
        assertExactlyOnce(source, ROWS, 0);
    }

    @Test
    void aCleanlyCutGzipDownloadIsRetriedNotRejected() throws IOException {
        byte[] content = gzip(csv(ROWS, ""));
        // Without a stored checksum, the gzip reader meets the cut first and takes the file for damaged.
        SourceObject source = uploadWithoutChecksum("sales/src.csv", content);
        proxy.inject(Call.READ_SOURCE.matcher, Fault.cutResponseAfter(content.length - 200), 1);

        IOException failure = assertThrows(IOException.class, () -> convertThroughProxy(source));

        assertTrue(failure.getMessage().contains("the download ended early"), failure.getMessage());
        assertFalse(silver.stat(LAYOUT.manifestKey(DATASET, source.key())).isPresent(), "no 'rejected' manifest");
        convertThroughProxy(source);
        assertExactlyOnce(source, ROWS, 0);
    }

    /**
     * A {@code .csv.gz} whose download is reset (RST) halfway: the gzip reader meets the reset, not a damaged
     * member, so the file is not rejected; nothing is visible, and the retry commits each row once.
     */
    @Test
    void aResetGzipDownloadIsRetriedNotRejected() throws IOException {
        byte[] content = gzip(csv(ROWS, BAD_ROW));
        SourceObject source = uploadWithoutChecksum("sales/src.csv.gz", content);
        Injection reset = proxy.inject(Call.READ_SOURCE.matcher, Fault.resetResponseAfter(content.length / 2), 1);

        IOException failure = assertThrows(IOException.class, () -> convertThroughProxy(source));

        assertEquals(1, reset.hits(), reset.toString());
        assertFalse(failure.getMessage().contains("not valid gzip"), failure.getMessage());
        assertFalse(silver.stat(LAYOUT.manifestKey(DATASET, source.key())).isPresent(), "no 'rejected' manifest");
        assertNothingVisible();
        ConversionResult retry = convertThroughProxy(source);
        assertEquals(content.length, retry.manifest().bytesRead());
        assertExactlyOnce(source, ROWS, 1);
    }

    @Test
    void aResetDownloadIsNeverCommitted() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = upload("sales/src.csv", content);
        proxy.inject(Call.READ_SOURCE.matcher, Fault.resetResponseAfter(content.length / 2), 1);

        assertThrows(IOException.class, () -> convertThroughProxy(source));

        assertNothingVisible();
        convertThroughProxy(source);
        assertExactlyOnce(source, ROWS, 0);
    }

    @Test
    void aCleanlyCutRangeOfAFileReadAsRangesIsNeverCommitted() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = uploadWithoutChecksum("sales/src.csv", content);
        // The second range's own GET (the probe of the cut starts before it, at half the size less a byte).
        Injection cut = proxy.inject(secondRange(content.length), Fault.cutResponseAfter(1_000), 1);

        IOException failure = assertThrows(IOException.class, () -> convertByRangesThroughProxy(source));

        assertEquals(1, cut.hits());
        assertTrue(failure.getMessage().contains("Read 1000 bytes of bytes ") && failure.getMessage().contains("the download ended early"),
                failure.getMessage());
        assertNothingVisible();
        ConversionResult retry = convertByRangesThroughProxy(source);
        assertEquals(content.length, retry.manifest().bytesRead());
        // Two ranges of about 5,000 rows, each in parts of at most 2,000: three parts each, where one stream makes five.
        assertEquals(PARTS + 1, retry.manifest().parts().size(), "read as two ranges: " + retry.manifest().parts());
        assertExactlyOnce(source, ROWS, 0);
    }

    /**
     * As a cleanly cut range, but the connection is reset (RST) partway through the second range's body, where
     * the row that range refuses waits for the first range's line count: the SDK does not send a GET again once
     * its answer has begun, so the range's reader meets the reset itself. The run fails, not reading the file
     * again as one stream and not taking the reset for a refusal, with nothing visible, and the retry commits
     * each row once, the refused one quarantined once.
     */
    @Test
    void aResetRangeOfAFileReadAsRangesIsNeverCommittedAndTheRetryCommitsEachRowOnce() throws IOException {
        byte[] content = csv(ROWS, BAD_ROW);
        SourceObject source = upload("sales/src.csv", content);
        Injection reset = proxy.inject(secondRange(content.length), Fault.resetResponseAfter(content.length / 4), 1);

        IOException failure = assertThrows(IOException.class, () -> convertByRangesThroughProxy(source));

        assertEquals(1, reset.hits(), reset.toString());
        assertFalse(logLines.toString(StandardCharsets.UTF_8).contains("byte ranges given up"), "the reset failed the run: " + failure);
        assertNothingVisible();
        assertNoUploadLeftOpen();
        ConversionResult retry = convertByRangesThroughProxy(source);
        assertEquals(content.length, retry.manifest().bytesRead());
        assertEquals(PARTS + 1, retry.manifest().parts().size(), "read as two ranges: " + retry.manifest().parts());
        assertExactlyOnce(source, ROWS, 1);
    }

    /**
     * The invocation's time runs out while two byte ranges are being converted, chunks already handed to their
     * Parquet writers: every deadline check finds a second less left, and the reserve is reached at the third,
     * long before the last row. The run stops with nothing visible, and the retry, with time enough, commits
     * each row once.
     */
    @Test
    void aDeadlineReachedWhileRangesAreConvertedLeavesNothingVisibleAndTheRetryCommitsEachRowOnce() throws IOException {
        byte[] content = csv(ROWS, BAD_ROW);
        SourceObject source = upload("sales/src.csv", content);
        AtomicLong remaining = new AtomicLong(8_000);

        DeadlineExceededException stopped = assertThrows(DeadlineExceededException.class,
                () -> convertByRangesThroughProxy(source, Deadline.of(() -> remaining.getAndAdd(-1_000), Duration.ofSeconds(5))));

        // Stopped at a chunk's row, with chunks handed to the ranges' Parquet writers before it.
        assertTrue(stopped.getMessage().contains(source.location()) && stopped.getMessage().contains(" at line "), stopped.getMessage());
        assertNothingVisible();
        assertNoUploadLeftOpen();
        ConversionResult retry = convertByRangesThroughProxy(source);
        assertEquals(PARTS + 1, retry.manifest().parts().size(), "read as two ranges: " + retry.manifest().parts());
        assertExactlyOnce(source, ROWS, 1);
    }

    /**
     * The last chunk is written with time to spare, but registering the partition in the catalog (Glue throttling the
     * request, the SDK backing off) takes the invocation past its reserve, the time kept to commit or discard. The run
     * must not start publishing then: its requests, each given half of what is left, could be cut between two parts,
     * leaving rows visible without a manifest until the next run of the file. It stops with nothing visible, and the
     * retry, with time enough, commits each row once.
     */
    @Test
    void aDeadlineReachedWhileThePartitionIsCataloguedLeavesNothingVisibleAndTheRetryCommitsEachRowOnce() throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        AtomicLong remaining = new AtomicLong(60_000);
        SilverCatalog slowCatalog = new SilverCatalog() {
            @Override
            public void register(SchemaContract contract, Collection<LocalDate> ingestDates, String source) {
                remaining.set(4_000);
            }

            @Override
            public void check(SchemaContract contract) {}
        };
        S3ObjectStore bronzeThroughProxy = new S3ObjectStore(faulty, bronzeBucket);
        SilverConverter converter = new SilverConverter(new S3ObjectStore(faulty, silverBucket), LAYOUT, LIMITS, RangeReading.single(),
                CsvOverrides.none(), slowCatalog, new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC()),
                Clock.systemUTC());

        DeadlineExceededException stopped = assertThrows(DeadlineExceededException.class, () -> converter.convert(source, DATASET,
                () -> bronzeThroughProxy.open(source.key(), Optional.of(source.etag())), Deadline.of(remaining::get, Duration.ofSeconds(5))));

        assertTrue(stopped.getMessage().contains(source.location()), stopped.getMessage());
        assertNothingVisible();
        assertNoUploadLeftOpen();
        assertEquals(0, countedLines(logLines).size(), "nothing committed, nothing counted");
        ConversionResult retry = convertThroughProxy(source);
        assertFalse(retry.unchanged());
        assertExactlyOnce(source, ROWS, 1);
    }

    /**
     * One range's Parquet writer is starting its part's multipart upload (the proxy holds CreateMultipartUpload
     * 3 s, then forwards it: S3 creates the upload) when the other range's writer is refused its own (403): the
     * run fails and is discarded while that call is in flight. The writer must not be interrupted out of the
     * call, whose answer, the upload's id, would be lost with it and the upload never aborted: the discard lets
     * the call finish and aborts the upload it created. Nothing is visible, no upload is left open, and the
     * retry commits each row once.
     */
    @Test
    void aRunFailingWhileAWriterStartsItsMultipartUploadLeavesNoUploadOpen() throws IOException {
        assertARunFailingWhileACallIsHeldLeavesNoUploadOpen(Call.START_UPLOAD, "Could not start a multipart upload to s3://", LIMITS, PARTS + 1);
    }

    /**
     * As above, the held call an UploadPart (3 s, then forwarded) and the other writer's UploadPart refused
     * (403). Interrupted out of the held call, the writer's own abort was refused too, the thread still
     * interrupted, and the upload, marked failed, was never aborted again: the discard lets the call finish
     * and aborts the upload. No upload is left open, and the retry commits each row once.
     */
    @Test
    void aRunFailingWhileAWriterUploadsAPartLeavesNoUploadOpen() throws IOException {
        assertARunFailingWhileACallIsHeldLeavesNoUploadOpen(Call.UPLOAD_PART, "Could not upload part 1 of s3://", LIMITS, PARTS + 1);
    }

    /**
     * As above with one part a range, finished as its range ends: its CreateMultipartUpload comes with its first
     * and only part, sent as it is closed. One range's is held 3 s while the other's is refused (403); the ranges'
     * reading threads are interrupted to stop them, and the part's storage calls are not made on them but on the
     * writer's, so the upload S3 created is known and aborted. No upload is left open, and the retry commits each
     * row once.
     */
    @Test
    void aRunFailingWhileARangeFinishesItsPartLeavesNoUploadOpen() throws IOException {
        ConversionLimits onePartARange = new ConversionLimits(LIMITS.chunkRows(), LIMITS.chunkMaxBytes(), 1L << 30, LIMITS.rowGroupBytes());
        assertARunFailingWhileACallIsHeldLeavesNoUploadOpen(Call.START_UPLOAD, "Could not start a multipart upload to s3://", onePartARange, 2);
    }

    /**
     * A file read as two ranges, one range's {@code call} held 3 s, then forwarded (S3 carries it out), while the other's is
     * refused (403): the run fails with {@code failure} naming the silver bucket, nothing is visible, no upload is left open,
     * and the retry commits each row once in {@code partsOnRetry} parts, read as two ranges.
     */
    private void assertARunFailingWhileACallIsHeldLeavesNoUploadOpen(Call call, String failure, ConversionLimits limits, int partsOnRetry)
            throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = upload("sales/src.csv", content);
        Injection held = proxy.inject(call.matcher, Fault.delay(Duration.ofSeconds(3)), 1);
        Injection refused = proxy.inject(call.matcher, Fault.status(403), 1);

        IOException failed = assertThrows(IOException.class, () -> convertByRangesThroughProxy(source, Deadline.none(), limits));

        assertEquals(1, held.hits(), held.toString());
        assertEquals(1, refused.hits(), refused.toString());
        assertTrue(failed.getMessage().contains(failure + silverBucket + "/"), failed.getMessage());
        assertNothingVisible();
        assertNoUploadLeftOpen();
        ConversionResult retry = convertByRangesThroughProxy(source, Deadline.none(), limits);
        assertEquals(partsOnRetry, retry.manifest().parts().size(), "read as two ranges: " + retry.manifest().parts());
        assertExactlyOnce(source, ROWS, 0);
    }

    /**
     * As above, the held call the first range's quarantine file's CreateMultipartUpload: that range refuses more
     * than a part's worth of rows (8 MiB), and its reader, which writes the quarantine file itself, starts the
     * upload. The proxy holds the call 3 s, then forwards it (S3 creates the upload), and meanwhile refuses the
     * other range's next CreateMultipartUpload (403): the run fails, and the readers are stopped while the call is
     * in flight. Interrupted, the reader lost the call's answer, the upload's id, and the upload was never
     * aborted: the stop lets the call finish and the discard aborts it. No upload is left open, and the retry
     * commits each row once.
     */
    @Test
    void aRunFailingWhileTheFirstRangeStartsItsQuarantineUploadLeavesNoUploadOpen() throws Exception {
        int valid = 12_000;
        int refusedRows = 12_000;
        String padding = "m".repeat(900);
        StringBuilder text = new StringBuilder("id,label\n");
        // The first chunk's rows, from which the contract is inferred, then the refused rows, then the second range's.
        for (int i = 0; i < 2_000; i++) {
            text.append(i).append(",row ").append(i).append('\n');
        }
        for (int i = 0; i < refusedRows; i++) {
            text.append("bad-").append(i).append(",too,").append(padding).append('\n');
        }
        for (int i = 2_000; i < valid; i++) {
            text.append(i).append(",row ").append(i).append(' ').append(padding).append('\n');
        }
        SourceObject source = upload("sales/src.csv", text.toString().getBytes(StandardCharsets.UTF_8));
        Duration holding = Duration.ofSeconds(3);
        Injection held = proxy.inject(request -> request.isCreateMultipartUpload() && request.path().contains("/_quarantine/"),
                Fault.delay(holding), 1);
        // The second range's GET waits until the first range's reader has got to its quarantine upload: a fixed delay of two
        // seconds was outlasted on a loaded machine, the second range's upload then starting first and refused by nothing.
        proxy.inject(secondRange(source.size()), Fault.delayUntil(held, 1, Duration.ofSeconds(60)), 1);
        Injection refused = proxy.inject(request -> request.isCreateMultipartUpload() && !request.path().contains("/_quarantine/")
                && held.remaining() == 0, Fault.status(403), 1);

        IOException failure = assertThrows(IOException.class, () -> convertByRangesThroughProxy(source));
        // The held call is forwarded by now, whether the run waited for its answer or not.
        Thread.sleep(holding.toMillis() + 500);

        assertEquals(1, held.hits(), held.toString());
        assertEquals(1, refused.hits(), refused.toString());
        assertTrue(failure.getMessage().contains("Could not start a multipart upload to s3://" + silverBucket + "/sales/"), failure.getMessage());
        assertNothingVisible();
        assertNoUploadLeftOpen();
        ConversionResult retry = convertByRangesThroughProxy(source);
        assertFalse(logLines.toString(StandardCharsets.UTF_8).contains("byte ranges given up"), "read as two ranges, both times: " + logLines);
        assertExactlyOnce(source, valid, refusedRows);
    }

    @Test
    void aRangeThatFailsOnceIsRetriedAndCommitsExactlyOnce() throws IOException {
        byte[] content = csv(ROWS, "");
        SourceObject source = upload("sales/src.csv", content);
        Injection failed = proxy.inject(secondRange(content.length), Fault.status(503), 1);

        ConversionResult converted = convertByRangesThroughProxy(source);

        assertEquals(1, failed.hits());
        assertEquals(content.length, converted.manifest().bytesRead());
        assertExactlyOnce(source, ROWS, 0);
    }

    /**
     * The object is overwritten (same size, other bytes) while the GET of its second range is under way; the
     * connection is reset and the SDK sends the GET again, now to the new version. Each range's GET carries
     * If-Match on the ETag the run converts, so S3 answers 412 and the run fails with nothing visible, rather
     * than committing the first range's rows of one version with the second range's of the other under the old
     * ETag. The new version's own run then commits it alone.
     */
    @Test
    void aRangeReadAgainAfterTheSourceIsOverwrittenFailsTheRunAndTheNewVersionCommitsAlone() throws Exception {
        byte[] original = csv(ROWS, "");
        // The same size and the same record starts: no byte count or cut can tell the versions apart, only the ETag.
        byte[] overwrite = new String(original, StandardCharsets.UTF_8).replace(",row ", ",ROW ").getBytes(StandardCharsets.UTF_8);
        SourceObject first = upload("sales/src.csv", original);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        SourceObject second;
        try {
            Injection held = proxy.inject(secondRange(original.length), Fault.hold(), 1);
            Future<ConversionResult> run = pool.submit(() -> convertByRangesThroughProxy(first));
            assertTrue(held.awaitHits(1, Duration.ofSeconds(30)), "the run reached the GET of its second range");
            second = upload("sales/src.csv", overwrite);
            assertEquals(first.size(), second.size());
            // The held GET's connection is reset: the SDK sends it again, to the new version.
            proxy.clear();

            ExecutionException failed = assertThrows(ExecutionException.class, () -> run.get(60, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, failed.getCause());
            assertTrue(failed.getCause().getMessage().contains("no longer has ETag " + first.etag()), failed.getCause().getMessage());
        }
        finally {
            pool.shutdownNow();
        }
        assertNothingVisible();

        ConversionResult converted = convertByRangesThroughProxy(second);

        assertEquals(PARTS + 1, converted.manifest().parts().size(), "read as two ranges: " + converted.manifest().parts());
        assertExactlyOnce(second, ROWS, 0);
        assertEquals(List.of(), labels().stream().filter(label -> !label.startsWith("ROW ")).limit(3).toList(), "every row of the new version");
    }

    /**
     * A file whose cut falls inside a quoted field, with a refused row in each half: the byte ranges are given
     * up (the first range's quarantine file, already started, discarded with its parts), and the one-stream read
     * that follows is cut cleanly halfway. Nothing is committed, no quarantine file nor part is left visible,
     * and the retry quarantines each refused row once, with its line in the file.
     */
    @Test
    void aStreamCutAfterRangesWereGivenUpIsNeverCommittedAndTheRetryQuarantinesEachRowOnce() throws Exception {
        int rows = 20_000;
        StringBuilder head = new StringBuilder("id,label\n");
        StringBuilder tail = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            // Ids 0 to rows, the note's row rows / 2 between the halves.
            int id = i < rows / 2 ? i : i + 1;
            (i < rows / 2 ? head : tail).append(id).append(",row ").append(id).append('\n');
            if (i == 100) {
                head.append("bad-1,too,many\n");
            }
            if (i == rows - 100) {
                tail.append("bad-2,too,many\n");
            }
        }
        StringBuilder note = new StringBuilder("\"pasted:");
        for (int i = 0; i < 4_000; i++) {
            note.append("\n").append(900_000 + i).append(",copy");
        }
        String text = head + String.valueOf(rows / 2) + "," + note + "\"\n" + tail;
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        SourceObject source = uploadWithoutChecksum("sales/src.csv", content);
        Injection cut = proxy.inject(request -> Call.READ_SOURCE.matcher.test(request) && request.header("range").isEmpty(),
                Fault.cutResponseAfter(content.length / 2), 1);

        IOException failure = assertThrows(IOException.class, () -> convertByRangesThroughProxy(source));

        assertEquals(1, cut.hits(), "the one-stream read was cut");
        String log = logLines.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("byte ranges given up") && log.contains("fell inside a quoted field"), log);
        assertTrue(failure.getMessage().contains("the download ended early"), failure.getMessage());
        assertNothingVisible();

        ConversionResult retry = convertByRangesThroughProxy(source);

        assertEquals(content.length, retry.manifest().bytesRead());
        assertExactlyOnce(source, rows + 1, 2);
        String quarantine = new String(silver.read(retry.manifest().quarantine().key()).orElseThrow(), StandardCharsets.UTF_8);
        List<String> refused = quarantine.lines().skip(1).toList();
        assertEquals(List.of(lineOf(text, "bad-1,") + ",expected 2 fields found 3,bad-1,too,many",
                lineOf(text, "bad-2,") + ",expected 2 fields found 3,bad-2,too,many"),
                refused.stream().map(line -> line.replace("\"", "").replace("expected 2 fields, found 3", "expected 2 fields found 3")).toList(),
                "each refused row once, with its line in the file: " + quarantine);
    }

    /** The line of the file where {@code start} starts a line, counted from 1. */
    private static long lineOf(String text, String start) {
        int at = text.indexOf("\n" + start) + 1;
        return text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }

    /** The labels of every Parquet object of the dataset. */
    private List<String> labels() throws IOException {
        List<String> labels = new ArrayList<>();
        for (String key : parquetKeys()) {
            Path local = Files.createTempFile(temporary, "labels-", ".parquet");
            Files.write(local, silver.read(key).orElseThrow());
            for (GenericRecord row : ParquetTestFiles.readAll(local)) {
                labels.add(String.valueOf(row.get("label")));
            }
        }
        return labels;
    }

    /**
     * Byte ranges given up (the cut fell inside a quoted field) are discarded and the file read again as one
     * stream; S3 refuses to abort the ranges' multipart uploads. No failure carries those refusals, the run
     * going on, so its WARN line is the only place a person learns which uploads stay open, billed until the
     * lifecycle rule: it names each one's key and upload id, and why the abort failed.
     */
    @Test
    void multipartUploadsOfRangesGivenUpThatS3RefusesToAbortAreNamedInAWarning() throws IOException {
        // Random text Snappy cannot shrink, so each range's part passes S3's minimum part size and is a multipart upload.
        Random random = new Random(23);
        StringBuilder head = new StringBuilder("id,label\n");
        StringBuilder tail = new StringBuilder();
        int rows = 300_000;
        for (int i = 0; i < rows; i++) {
            // Ids 0 to rows, the note's row rows / 2 between the halves.
            (i < rows / 2 ? head : tail).append(i < rows / 2 ? i : i + 1).append(',').append(HexFormat.of().toHexDigits(random.nextLong())).append(HexFormat.of().toHexDigits(random.nextLong()))
                    .append(HexFormat.of().toHexDigits(random.nextLong())).append('\n');
        }
        StringBuilder note = new StringBuilder("\"pasted:");
        for (int i = 0; i < 40_000; i++) {
            note.append("\n").append(900_000 + i).append(",copy");
        }
        // The cut at half the size falls inside the note, whose lines parse as records.
        byte[] content = (head + String.valueOf(rows / 2) + "," + note + "\"\n" + tail).getBytes(StandardCharsets.UTF_8);
        SourceObject source = upload("sales/src.csv", content);
        Injection refused = proxy.inject(Request::isAbortMultipartUpload, Fault.status(500), Integer.MAX_VALUE);
        S3ObjectStore bronzeThroughProxy = new S3ObjectStore(faulty, bronzeBucket);
        SilverConverter converter = new SilverConverter(new S3ObjectStore(faulty, silverBucket, S3ObjectStore.MINIMUM_PART_SIZE), LAYOUT,
                ConversionLimits.defaults(), new RangeReading(2, content.length / 3), CsvOverrides.none(), SilverCatalog.none(),
                new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC()), Clock.systemUTC());

        ConversionResult result = converter.convert(source, DATASET, SilverConverter.Content.of(() -> bronzeThroughProxy.open(source.key(), Optional.of(source.etag())),
                (from, to) -> bronzeThroughProxy.openRange(source.key(), Optional.of(source.etag()), from, to)));

        String log = logLines.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("byte ranges given up") && log.contains("fell inside a quoted field"), log);
        assertEquals(1, result.manifest().parts().size(), "converted as one stream");
        assertExactlyOnce(source, rows + 1, 0);
        List<MultipartUpload> open = S3.client().listMultipartUploads(request -> request.bucket(silverBucket)).uploads();
        assertEquals(2, open.size(), "each range's part, left open: " + open);
        assertTrue(refused.hits() >= 2, refused.toString());
        String warning = log.lines().filter(line -> line.contains("could not be aborted")).findFirst().orElseThrow(() -> new AssertionError(log));
        assertTrue(warning.contains("\"level\":\"WARN\"") && warning.contains("\"source\":\"s3://" + bronzeBucket + "/sales/src.csv\""), warning);
        for (MultipartUpload upload : open) {
            assertTrue(warning.contains("multipart upload " + upload.uploadId() + " of s3://" + silverBucket + "/" + upload.key() + " ("), warning);
        }
        assertTrue(warning.contains("Status Code: 500"), "why the abort failed: " + warning);
        assertFalse(warning.contains("java.io."), "a message for people, not a Java class: " + warning);
    }

    @Test
    void aManifestWriteWhoseAnswerIsLostIsRecognisedAsCommitted() throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, ""));
        // The write lands, the answer is a 500, the SDK retries, and the retry fails its precondition.
        Injection lost = proxy.inject(Call.WRITE_MANIFEST.matcher, Fault.afterForwarding(500), 1);

        ConversionResult result = convertThroughProxy(source);

        assertEquals(1, lost.hits());
        assertFalse(result.unchanged());
        assertExactlyOnce(source, ROWS, 0);
        assertTrue(convertThroughProxy(source).unchanged(), "a redelivery finds the commit counted");
        assertCountedOnce(logLines, ROWS, 0);
    }

    /**
     * The manifest write lands and its answers are lost (the SDK's retries fail their precondition behind a
     * 500); the read-back that must tell whether it landed is cut cleanly, which the HTTP client takes for a
     * whole, shorter body. Taken for a damaged manifest that is not this run's, it led the run to delete the
     * parts its committed manifest names: their rows were lost, and every later delivery answered unchanged.
     */
    @Test
    void aManifestReadBackCutShortAfterAWriteWhoseAnswerIsLostLosesNoRows() throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        Injection lost = proxy.inject(Call.WRITE_MANIFEST.matcher, Fault.afterForwarding(500), 100);
        Injection cut = proxy.inject(request -> lost.hits() > 0 && Call.READ_MANIFEST.matcher.test(request), Fault.cutResponseAfter(100), 1);

        IOException failure = assertThrows(IOException.class, () -> convertThroughProxy(source));

        assertEquals(1, cut.hits());
        assertTrue(silver.stat(LAYOUT.manifestKey(DATASET, source.key())).isPresent(), "the first attempt landed");
        assertFalse(failure instanceof WriteRefusedException, failure.toString());
        proxy.clear();
        assertFalse(convertThroughProxy(source).unchanged(), "the retry counts the commit its run could not tell was its own");
        assertExactlyOnce(source, ROWS, 1);
        assertTrue(convertThroughProxy(source).unchanged());
        assertCountedOnce(logLines, ROWS, 1);
    }

    @Test
    void aPublishWhoseAnswerIsLostIsRecognised() throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, ""));
        // CompleteMultipartUpload lands; the SDK's retry then finds the upload gone (NoSuchUpload).
        Injection lost = proxy.inject(Call.PUBLISH.matcher, Fault.afterForwarding(500), 1);

        convertThroughProxy(source);

        assertEquals(1, lost.hits());
        assertExactlyOnce(source, ROWS, 0);
    }

    @ParameterizedTest
    @EnumSource(value = Call.class, names = {"START_UPLOAD", "UPLOAD_PART", "PUBLISH", "WRITE_MANIFEST"})
    void aDuplicateRunThatFailsAtAnyStageNeverTouchesTheCommittedOutput(Call stage) throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        assertADuplicateHeldWhileAnotherCommitsLoses(source, stage.matcher, stage.toString(), Duration.ofSeconds(30));
        assertExactlyOnce(source, ROWS, 1);
    }

    @ParameterizedTest
    @EnumSource(value = Call.class, names = {"UPLOAD_PART", "PUBLISH", "WRITE_MANIFEST"})
    void aConverterProcessKilledAtAnyStageLeavesAtMostTheStatedWindowAndTheRetryConverges(Call stage) throws Exception {
        // Default limits in the process: one part. Enough rows for the part to be an upload of its own.
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        Injection held = proxy.inject(stage.matcher, Fault.hold(), 1);

        Process process = startHandlerProcess(source);
        try {
            assertTrue(held.awaitHits(1, Duration.ofSeconds(60)), "the process reached " + stage + "; it printed: " + output(process));
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }
        finally {
            process.destroyForcibly();
        }
        proxy.clear();

        assertFalse(silver.stat(LAYOUT.manifestKey(DATASET, source.key())).isPresent());
        if (stage == Call.WRITE_MANIFEST) {
            assertFalse(parquetKeys().isEmpty(), "killed between publishing and the manifest: the parts are visible, the stated window");
        }
        else {
            assertEquals(List.of(), parquetKeys(), "killed before publishing: nothing visible");
        }
        // Lambda's retry of the killed invocation.
        ConversionResult retry = convertThroughProxy(source);
        assertFalse(retry.unchanged());
        assertExactlyOnce(source, ROWS, 1);
    }

    @Test
    void aSourceOverwrittenMidRunEndsWithTheNewVersionOnly() throws Exception {
        SourceObject first = upload("sales/src.csv", csv(ROWS, ""));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        SourceObject second;
        try {
            Future<ConversionResult> run = convertHeldAt(Call.UPLOAD_PART, first, pool);
            second = upload("sales/src.csv", csv(ROWS / 2, ""));
            proxy.clear();
            try {
                run.get(60, TimeUnit.SECONDS);
            }
            catch (ExecutionException e) {
                assertInstanceOf(IOException.class, e.getCause());
            }
        }
        finally {
            pool.shutdownNow();
        }
        // The new version's own event.
        ConversionResult converted = convertThroughProxy(second);

        assertEquals(second.etag(), converted.manifest().source().etag());
        assertExactlyOnce(second, ROWS / 2, 0);
    }

    /**
     * Two runs at once: the first waits on its first publish while the object is overwritten and the new
     * version's run commits and sweeps (nothing of the first run is visible yet). The first run then publishes
     * and its manifest write fails its precondition: it loses to another version, deletes the files it made
     * visible and fails (retried), and silver holds the new version once.
     */
    @Test
    void aRunThatPublishesAfterANewVersionCommittedLosesAndRemovesWhatItPublished() throws Exception {
        SourceObject first = upload("sales/src.csv", csv(ROWS, ""));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        SourceObject second;
        try {
            Future<ConversionResult> run = convertHeldAt(Call.PUBLISH, first, pool);
            assertEquals(List.of(), parquetKeys(), "nothing of it visible yet");
            second = upload("sales/src.csv", csv(ROWS / 2, ""));

            ConversionResult converted = convertThroughProxy(second);
            assertEquals(second.etag(), converted.manifest().source().etag());
            proxy.clear();

            ExecutionException lost = assertThrows(ExecutionException.class, () -> run.get(60, TimeUnit.SECONDS));
            assertInstanceOf(SilverCommit.ConcurrentCommitException.class, lost.getCause());
        }
        finally {
            pool.shutdownNow();
        }
        assertExactlyOnce(second, ROWS / 2, 0);
    }

    // --- helpers ------------------------------------------------------------------------------------

    /**
     * A withdrawal is a commit, counted from its line by the withdrawn-files filter. One whose manifest write lands after it
     * gave up logged nothing; like a rejected file's run, it says so in a marker ({@code published-nothing uncounted}), and
     * the next run to sweep the withdrawn manifest (the removal's retry, or an ObjectCreated event finding the key gone)
     * logs its line, once, naming it in countedFor; a redelivery after it counts nothing. Before, no run ever logged it.
     */
    @ParameterizedTest
    @EnumSource(Removal.class)
    void aWithdrawalWhoseManifestLandsAfterItGaveUpIsCountedOnce(Removal retry) throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        convertThroughProxy(source);
        bronze.delete(List.of(source.key()));
        SilverConverter converter = converter(new S3ObjectStore(faulty, silverBucket));
        SilverConverter.Presence presence = () -> bronze.stat(source.key()).isPresent();

        Injection late = proxy.inject(Call.WRITE_MANIFEST.matcher, Fault.landsLater(500), 100);
        assertThrows(IOException.class, () -> Removal.REMOVAL_EVENT.withdraw(converter, bronzeBucket, source, presence));
        int attempts = late.hits();
        proxy.clear();
        assertTrue(late.awaitLanded(attempts, Duration.ofSeconds(30)), "the held writes were forwarded");
        Manifest withdrawn = silverManifest(source);
        assertEquals(Manifest.WITHDRAWN, withdrawn.status(), "the late withdrawal landed");
        assertEquals(List.of(), withdrawnLines(logLines), "the run that gave up logged nothing");

        assertEquals(WithdrawalResult.WITHDRAWN, retry.withdraw(converter, bronzeBucket, source, presence).outcome(),
                "the retry counts the late withdrawal, which its own run never logged");
        assertEquals(WithdrawalResult.UNCHANGED, Removal.REMOVAL_EVENT.withdraw(converter, bronzeBucket, source, presence).outcome(),
                "a redelivery finds it withdrawn and counted");

        List<Map<?, ?>> lines = assertWithdrawnOnce(logLines, ROWS, 1);
        assertTrue(String.valueOf(lines.get(0).get("countedFor")).startsWith("run " + withdrawn.run() + ","), "the late run's withdrawal, named: " + lines);
        assertEquals(withdrawn.supersedes().size(), lines.get(0).get("filesWithdrawn"), lines.toString());
        assertFalse(lines.get(0).containsKey("seconds"), "no time of the claiming run: " + lines);
        assertEquals(withdrawn.generation(), ((Number) lines.get(0).get("generation")).longValue(), lines.toString());
        assertCountedOnce(logLines, ROWS, 1);
        assertEquals(List.of(), parquetKeys(), "the withdrawn file's rows left silver");
        assertOnlyTheClaimedMarkerLeft();
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

    /** A run's claim of a commit whose own run never logged it: the conditional rewrite of that run's publishing marker. */
    private static final Predicate<Request> CLAIM = request -> request.method().equals("PUT") && request.path().contains("/_publishing/")
            && request.header("if-match").isPresent();

    /**
     * Converts {@code source} with every answer to its manifest write lost: the run gives up (fails, logging nothing); the
     * first write then lands, and the SDK's retries of it fail their precondition.
     */
    private void convertWithAManifestThatLandsAfterTheRunGaveUp(SourceObject source) throws InterruptedException {
        Injection late = proxy.inject(Call.WRITE_MANIFEST.matcher, Fault.landsLater(500), 100);
        assertThrows(IOException.class, () -> convertThroughProxy(source));
        int attempts = late.hits();
        proxy.clear();
        assertTrue(late.awaitLanded(attempts, Duration.ofSeconds(30)), "the held writes were forwarded");
    }

    /** Starts converting {@code source} on {@code pool} and returns once the run waits on its first {@code call}, held by the proxy until {@code proxy.clear()}. */
    private Future<ConversionResult> convertHeldAt(Call call, SourceObject source, ExecutorService pool) throws InterruptedException {
        Injection held = proxy.inject(call.matcher, Fault.hold(), 1);
        Future<ConversionResult> run = pool.submit(() -> convertThroughProxy(source));
        assertTrue(held.awaitHits(1, Duration.ofSeconds(30)), "the run reached its " + call);
        return run;
    }

    /** Converts as a function with two vCPUs does: two byte ranges at once, each at least a third of the source. */
    private ConversionResult convertByRangesThroughProxy(SourceObject source) throws IOException {
        return convertByRangesThroughProxy(source, Deadline.none());
    }

    private ConversionResult convertByRangesThroughProxy(SourceObject source, Deadline deadline) throws IOException {
        return convertByRangesThroughProxy(source, deadline, LIMITS);
    }

    private ConversionResult convertByRangesThroughProxy(SourceObject source, Deadline deadline, ConversionLimits limits) throws IOException {
        return convertByRangesThroughProxy(source, deadline, limits, CsvOverrides.none());
    }

    private ConversionResult convertByRangesThroughProxy(SourceObject source, Deadline deadline, ConversionLimits limits, CsvOverrides overrides)
            throws IOException {
        S3ObjectStore bronzeThroughProxy = new S3ObjectStore(faulty, bronzeBucket);
        Optional<String> version = Optional.of(source.etag());
        SilverConverter converter = new SilverConverter(new S3ObjectStore(faulty, silverBucket), LAYOUT, limits, new RangeReading(2, source.size() / 3),
                overrides, SilverCatalog.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC()),
                Clock.systemUTC());
        return converter.convert(source, DATASET, SilverConverter.Content.of(() -> bronzeThroughProxy.open(source.key(), version),
                (from, to) -> bronzeThroughProxy.openRange(source.key(), version, from, to)), deadline);
    }

    /** The GET of the second of two ranges of an object of {@code size} bytes: it starts after half the size. */
    private static Predicate<Request> secondRange(long size) {
        return request -> Call.READ_SOURCE.matcher.test(request) && request.header("range")
                .map(range -> Long.parseLong(range.substring("bytes=".length(), range.indexOf('-'))) >= size / 2)
                .orElse(false);
    }

    /** Uploads as a client that sends no checksum does (S3 then stores none to check downloads against). */
    private SourceObject uploadWithoutChecksum(String key, byte[] content) throws IOException {
        try (S3Client plain = S3Client.builder()
                .endpointOverride(S3.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .build()) {
            plain.putObject(request -> request.bucket(bronzeBucket).key(key), RequestBody.fromBytes(content));
        }
        ObjectInfo info = bronze.stat(key).orElseThrow();
        assertEquals(null, S3.client().headObject(request -> request.bucket(bronzeBucket).key(key).checksumMode(ChecksumMode.ENABLED))
                .checksumCRC32(), "stored without a checksum");
        return new SourceObject(bronzeBucket, key, info.etag(), info.size(), info.lastModified());
    }

    /** The shaded jar's handler in a process of its own, its S3 traffic through the proxy. */
    private Process startHandlerProcess(SourceObject source) throws IOException {
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(javaCommand, "-cp", "target/silver-converter.jar" + java.io.File.pathSeparator + "target/test-classes",
                "dev.medallion.silver.lambda.ShadedHandlerProbe", proxy.endpoint().toString(), bronzeBucket, silverBucket, "sales/src.csv",
                String.valueOf(source.size()), source.etag());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(temporary.resolve("process.log").toFile());
        builder.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "AWS_REGION", "us-east-1",
                "CHUNK_ROWS", String.valueOf(LIMITS.chunkRows())));
        return builder.start();
    }

    private String output(Process process) throws IOException {
        Path log = temporary.resolve("process.log");
        return (process.isAlive() ? "(running) " : "(exited " + process.exitValue() + ") ") + (Files.exists(log) ? Files.readString(log) : "");
    }
}
