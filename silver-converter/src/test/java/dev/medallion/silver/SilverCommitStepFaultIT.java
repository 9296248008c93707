package dev.medallion.silver;

import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.storage.WriteRefusedException;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.Request;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static dev.medallion.silver.CountedLines.assertCountedOnce;
import static dev.medallion.silver.ExactlyOnce.csv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steps of the commit that {@link SilverCommitFaultIT} does not fault, each against an S3 emulator behind
 * {@link FaultProxy}: the publishing marker's write (failing for good, its answers lost, also for a replacement,
 * whose run cannot delete the marker or whose write lands after the delete, a duplicate delivery held there), a completion answered 200 with an error body, the sweep's delete of the replaced version's parts
 * (failing for good, its answer lost, the committing run held there while a duplicate delivery sweeps), and a
 * manifest write that outlasts the request time limit of a Lambda invocation and lands after the run gave up.
 * After each: each row once (manifest, Parquet read back, source), each commit counted once, and no publishing
 * marker left past {@link SilverCommit#PUBLISHING_BOUND}.
 */
class SilverCommitStepFaultIT extends CommitFaultFixture {
    /** The write of a run's publishing marker, before it publishes anything (If-None-Match); a claim of an uncounted commit and a run's later mark of its own marker expect a version (If-Match), and are not one. */
    private static final Predicate<Request> MARK_PUBLISHING = request -> request.method().equals("PUT") && request.path().contains("/_publishing/")
            && request.header("if-match").isEmpty();
    /** A DeleteObjects request: a sweep's delete of superseded or abandoned files (one key alone is a DeleteObject). */
    private static final Predicate<Request> DELETE_FILES = request -> request.method().equals("POST") && request.hasQueryParameter("delete");
    /** A publishing marker's delete: a DeleteObject, one key alone. */
    private static final Predicate<Request> DELETE_MARKER = request -> request.method().equals("DELETE") && request.path().contains("/_publishing/");
    private static final Predicate<Request> WRITE_MANIFEST = request -> request.method().equals("PUT") && request.path().contains("/_manifests/");

    /**
     * The marker goes first so that a run killed while publishing is found: a run that cannot write it must publish
     * nothing, and leave no multipart upload open, rather than make files visible that no marker leads a sweep to.
     */
    @Test
    void aPublishingMarkerThatCannotBeWrittenFailsTheRunBeforeAnythingIsVisible() throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        Injection refused = proxy.inject(MARK_PUBLISHING, Fault.status(500), 100);

        assertThrows(IOException.class, () -> convertThroughProxy(source));

        assertTrue(refused.hits() >= 3, "the SDK retried before giving up, " + refused.hits() + " attempts");
        assertNothingVisible();
        assertNoUploadLeftOpen();
        assertTheRetryCommitsEachRowOnce(source);
    }

    /**
     * Every answer to the marker's write is lost, the marker written: the run fails before publishing, and deletes the
     * marker it cannot tell it wrote, which would otherwise stand for a run that may have published (see the next test).
     * The retry commits each row once.
     */
    @Test
    void aPublishingMarkerWrittenWithItsAnswersLostIsDeletedByItsRunWithNothingVisible() throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        Injection lost = proxy.inject(MARK_PUBLISHING, Fault.afterForwarding(500), 100);

        assertThrows(IOException.class, () -> convertThroughProxy(source));

        assertTrue(lost.hits() >= 3, lost.toString());
        assertNothingVisible();
        assertNoUploadLeftOpen();
        proxy.clear();
        assertFalse(convertThroughProxy(source).unchanged());
        assertEachRowOnceNoMarkerCountedOnce(source, ROWS);
    }

    /**
     * A replacement whose marker's write lands with every answer lost fails before publishing anything. Left, that marker,
     * of the generation after the committed one and without a word, read as the marker of a run killed while publishing:
     * once 20 minutes old, it made a delivery of the committed version (the object put back as it was before the
     * replacement's retry) convert it again, a second commit of the same bytes, counted a second time. The run deletes it.
     */
    @Test
    void aReplacementWhoseMarkerLandsWithItsAnswersLostMakesNoLaterDeliveryOfTheCommittedVersionConvertAgain() throws IOException {
        SourceObject first = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        convertThroughProxy(first);
        SourceObject second = upload("sales/src.csv", csv(ROWS / 2, ""));
        Injection lost = proxy.inject(MARK_PUBLISHING, Fault.afterForwarding(500), 100);

        assertThrows(IOException.class, () -> convertThroughProxy(second));

        assertTrue(lost.hits() >= 3, lost.toString());
        assertTheCommittedVersionDeliveredLaterIsUnchanged(first);
    }

    /**
     * As above, and the run's delete of the marker fails too: the marker stays, of the generation after the committed one and
     * without a word. Once 20 minutes old it read as a run killed while publishing, and a delivery of the committed version
     * converted it again, a second commit of the same bytes counted twice. The run named in it left no file in its partition,
     * and can no longer make one visible: the delivery answers unchanged.
     */
    @Test
    void aReplacementMarkerLandedWithItsAnswersLostThatItsRunCannotDeleteMakesNoLaterDeliveryConvertAgain() throws IOException {
        SourceObject first = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        convertThroughProxy(first);
        SourceObject second = upload("sales/src.csv", csv(ROWS / 2, ""));
        Injection lost = proxy.inject(MARK_PUBLISHING, Fault.afterForwarding(500), 100);
        Injection undeleted = proxy.inject(DELETE_MARKER, Fault.status(500), 100);

        assertThrows(IOException.class, () -> convertThroughProxy(second));

        assertTrue(lost.hits() >= 3, lost.toString());
        assertTrue(undeleted.hits() >= 3, undeleted.toString());
        assertEquals(1, silver.list("_publishing/").size(), "the marker stays: its delete failed");
        assertTheCommittedVersionDeliveredLaterIsUnchanged(first);
    }

    /**
     * The marker's write is answered 500 at every attempt and lands after its run deleted the marker (S3 can complete a
     * request whose client gave up): the same stray marker, which the delivery of the committed version 20 minutes later
     * answers unchanged.
     */
    @Test
    void aReplacementMarkerThatLandsAfterItsRunDeletedItMakesNoLaterDeliveryConvertAgain() throws Exception {
        SourceObject first = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        convertThroughProxy(first);
        SourceObject second = upload("sales/src.csv", csv(ROWS / 2, ""));
        Injection late = proxy.inject(MARK_PUBLISHING, Fault.landsLater(500), 100);

        assertThrows(IOException.class, () -> convertThroughProxy(second));

        assertTrue(late.hits() >= 3, late.toString());
        assertEquals(List.of(), silver.list("_publishing/"), "nothing there yet for the run to delete");
        proxy.clear();
        assertTrue(late.awaitLanded(late.hits(), Duration.ofSeconds(30)), late.toString());
        assertEquals(1, silver.list("_publishing/").size(), "the marker landed after its run gave up on it");
        assertTheCommittedVersionDeliveredLaterIsUnchanged(first);
    }

    /**
     * A replacement that published its parts and gave up at its manifest write (every attempt answered 500: it may land)
     * leaves them visible and its marker abandoned. A delivery of the committed version 20 minutes later finds that run's
     * files in its partition and converts the committed version again: only a commit on top of the manifest that run read
     * sweeps them. Each row once, read back.
     */
    @Test
    void aReplacementThatPublishedAndGaveUpMakesALaterDeliveryOfTheCommittedVersionConvertAgainAndSweepIt() throws IOException {
        SourceObject first = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        convertThroughProxy(first);
        SourceObject second = upload("sales/src.csv", csv(ROWS / 2, ""));
        Injection unanswered = proxy.inject(WRITE_MANIFEST, Fault.status(500), 100);

        assertThrows(IOException.class, () -> convertThroughProxy(second));

        assertTrue(unanswered.hits() >= 3, unanswered.toString());
        assertEquals(PARTS + 3, parquetKeys().size(), "the replacement's parts stay: its manifest may still land");
        proxy.clear();
        logLines.reset();
        SourceObject back = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        assertEquals(first.etag(), back.etag());

        assertFalse(deliverLater(back).unchanged(), "the replacement's parts are visible: a commit on top of the manifest sweeps them");

        assertEachRowOnceNoMarkerCountedOnce(back, ROWS);
        assertEquals(2L, silverManifest(back).generation());
    }

    /** A duplicate delivery held at its marker's write while the other commits: it then publishes, loses, and removes what it published. */
    @Test
    void aDuplicateHeldAtItsPublishingMarkerWhileTheOtherCommitsLeavesEachRowOnce() throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        assertADuplicateHeldWhileAnotherCommitsLoses(source, MARK_PUBLISHING, "its marker", Duration.ofSeconds(60));
        assertExactlyOnce(source, ROWS, 1);
        assertCountedOnce(logLines, ROWS, 1);
        assertNoUploadLeftOpen();
    }

    /**
     * CompleteMultipartUpload can answer 200 with an error in its body (S3 API Reference, CompleteMultipartUpload): the SDK
     * takes it for the error it carries. At every attempt: nothing published, the run fails, its marker stays for the
     * retry's sweep, and the retry commits each row once.
     */
    @Test
    void aCompletionAnsweredWithAnErrorInA200PublishesNothingAndTheRetryConverges() throws IOException {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        Injection failed = proxy.inject(Request::isCompleteMultipartUpload, Fault.status(200), 100);

        assertThrows(IOException.class, () -> convertThroughProxy(source));

        assertTrue(failed.hits() >= 3, "the SDK retried the error it found in the 200: " + failed.hits() + " attempts");
        assertEquals(List.of(), parquetKeys(), "nothing published");
        assertEquals(List.of(), silver.list("_quarantine/"));
        assertFalse(silver.stat(LAYOUT.manifestKey(DATASET, source.key())).isPresent());
        assertTheRetryCommitsEachRowOnce(source);
    }

    /**
     * A replacement committed whose delete of the replaced version's parts keeps failing: the run fails after its commit,
     * counted once all the same; both versions are visible to readers that ignore manifests (the second window, which
     * the retry closes), and the retry finds the version committed, deletes the replaced parts, and logs no second line.
     */
    @Test
    void aReplacementWhoseSweepCannotDeleteTheReplacedPartsIsCountedOnceAndTheRetryDeletesThem() throws IOException {
        SourceObject second = replaceACommittedFile();
        AtomicBoolean manifestWritten = new AtomicBoolean();
        Injection deletes = proxy.inject(request -> {
            manifestWritten.compareAndSet(false, WRITE_MANIFEST.test(request));
            return manifestWritten.get() && DELETE_FILES.test(request);
        }, Fault.status(500), 100);

        IOException failure = assertThrows(IOException.class, () -> convertThroughProxy(second));

        assertInstanceOf(SilverCommit.CommittedException.class, failure);
        assertTrue(deletes.hits() >= 3, deletes.toString());
        assertTrue(failure.getMessage().contains("is committed"), failure.getMessage());
        assertEquals(PARTS + 3, parquetKeys().size(), "both versions visible: the second window");
        assertEquals(1, silver.list("_publishing/").size(), "the committed run's marker stays until its sweep deleted what it names");
        proxy.clear();
        assertTrue(convertThroughProxy(second).unchanged(), "the retry finds the version committed");
        assertExactlyOnce(second, ROWS / 2, 1);
        assertCountedOnce(logLines, ROWS / 2, 1);
        // The committed run's marker stays while that run may still write it (SilverCommit.mayStillBeWritten): the retry cannot tell
        // a run that failed after its answered commit from one whose unanswered manifest write landed late. A later sweep takes it.
        List<String> markers = silver.list("_publishing/");
        assertEquals(1, markers.size(), markers.toString());
        assertTrue(markers.get(0).endsWith("-" + new ManifestStore(silver).read(LAYOUT.manifestKey(DATASET, second.key())).orElseThrow().run()),
                "the committed run's: " + markers);
        assertTrue(deliverLater(second).unchanged(), "a delivery once the run can no longer write its marker");
        assertEachRowOnceNoMarkerCountedOnce(second, ROWS / 2);
    }

    /** The sweep's delete lands and its answer is lost: the SDK's retry deletes nothing more, and the run succeeds. */
    @Test
    void aSweepDeleteWhoseAnswerIsLostIsRetriedAndTheReplacementSucceeds() throws IOException {
        SourceObject second = replaceACommittedFile();
        Injection lost = proxy.inject(DELETE_FILES, Fault.afterForwarding(500), 1);

        assertFalse(convertThroughProxy(second).unchanged());

        assertEquals(1, lost.hits());
        assertEachRowOnceNoMarkerCountedOnce(second, ROWS / 2);
    }

    /**
     * The run that committed a replacement is held at its sweep's delete while a duplicate delivery of the same version runs:
     * the duplicate finds the version committed, sweeps for it (the replaced parts, the committed run's marker) and answers
     * unchanged; the committed run, released, deletes what is gone already. The new version once, counted once.
     */
    @Test
    void aDuplicateThatSweepsWhileTheCommittedRunIsHeldAtItsSweepLeavesEachRowOnceCountedOnce() throws Exception {
        SourceObject second = replaceACommittedFile();
        Injection held = proxy.inject(DELETE_FILES, Fault.hold(), 1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ConversionResult> committing = pool.submit(() -> convertThroughProxy(second));
            assertTrue(held.awaitHits(1, Duration.ofSeconds(60)), "the committed run reached its sweep's delete");

            ConversionResult duplicate = converter(silver, Clock.systemUTC()).convert(second, DATASET,
                    () -> bronze.open(second.key(), Optional.of(second.etag())));
            assertTrue(duplicate.unchanged(), "the duplicate finds the version committed");
            assertEquals(3, parquetKeys().size(), "its sweep deleted the replaced parts");
            proxy.clear();
            try {
                assertFalse(committing.get(60, TimeUnit.SECONDS).unchanged());
            }
            catch (ExecutionException e) {
                // Released with a reset: the SDK retries the delete, or the run fails after its commit, reported.
                assertInstanceOf(SilverCommit.CommittedException.class, e.getCause());
            }
        }
        finally {
            pool.shutdownNow();
        }
        assertEachRowOnceNoMarkerCountedOnce(second, ROWS / 2);
    }

    /**
     * In a Lambda invocation each request may take only part of the time left ({@code InvocationTimeLimit}). A manifest write
     * slower than that is given up by the SDK (an API call timeout, no answer from S3), is no refusal, and lands after the run
     * failed: the parts stay, the marker says uncounted, and the retry counts the late commit once, its rows each once.
     */
    @Test
    void aManifestWriteThatOutlastsTheRequestTimeLimitAndLandsAfterTheRunFailedLosesNoRowsAndIsCountedOnce() throws Exception {
        SourceObject source = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        Duration limit = Duration.ofSeconds(3);
        Injection slow = proxy.inject(WRITE_MANIFEST, Fault.delay(limit.multipliedBy(2)), 1);
        S3ObjectStore limited = new S3ObjectStore(faulty, silverBucket, () -> Optional.of(limit));

        IOException failure = assertThrows(IOException.class,
                () -> converter(limited, Clock.systemUTC()).convert(source, DATASET, () -> bronze.open(source.key(), Optional.of(source.etag()))));

        assertEquals(1, slow.hits());
        assertFalse(failure instanceof WriteRefusedException, failure.toString());
        assertTrue(failure.getMessage().contains("failed without a definite answer"), failure.getMessage());
        assertEquals(PARTS, parquetKeys().size(), "the parts stay: the manifest may still land");
        String manifestKey = LAYOUT.manifestKey(DATASET, source.key());
        long waitUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (silver.stat(manifestKey).isEmpty() && System.nanoTime() < waitUntil) {
            Thread.sleep(100);
        }
        assertTrue(silver.stat(manifestKey).isPresent(), "the delayed write landed after the run gave up");
        assertEquals(List.of(), CountedLines.countedLines(logLines), "the run that gave up logged nothing");

        assertFalse(convertThroughProxy(source).unchanged(), "the retry counts the late commit");
        assertExactlyOnce(source, ROWS, 1);
        assertTrue(convertThroughProxy(source).unchanged());
        assertCountedOnce(logLines, ROWS, 1);
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** A file of {@link #ROWS} rows committed, its line forgotten, then replaced by one of half as many and a bad row: the replacement, not converted yet. */
    private SourceObject replaceACommittedFile() throws IOException {
        SourceObject first = upload("sales/src.csv", csv(ROWS, ""));
        convertThroughProxy(first);
        logLines.reset();
        return upload("sales/src.csv", csv(ROWS / 2, BAD_ROW));
    }

    /**
     * The object put back as {@code committed} was (the same bytes, the same ETag) before the failed replacement's retry, which
     * then finds it superseded, and delivered {@link SilverCommit#PUBLISHING_BOUND} and a minute later: unchanged, each row once, the one commit counted once.
     */
    private void assertTheCommittedVersionDeliveredLaterIsUnchanged(SourceObject committed) throws IOException {
        proxy.clear();
        SourceObject back = upload("sales/src.csv", csv(ROWS, BAD_ROW));
        assertEquals(committed.etag(), back.etag());
        assertTrue(deliverLater(back).unchanged(), "the failed replacement published nothing: the committed version is not converted again");
        assertExactlyOnce(back, ROWS, 1);
        assertEquals(1L, silverManifest(back).generation());
        assertCountedOnce(logLines, ROWS, 1);
    }

    /** Converts {@code source} through the proxy at a time {@link SilverCommit#PUBLISHING_BOUND} and a minute from now. */
    private ConversionResult deliverLater(SourceObject source) throws IOException {
        Clock later = Clock.offset(Clock.systemUTC(), SilverCommit.PUBLISHING_BOUND.plusMinutes(1));
        return converter(new S3ObjectStore(faulty, silverBucket), later).convert(source, DATASET, () -> bronze.open(source.key(), Optional.of(source.etag())));
    }

    /** The faults cleared, a retry of {@code source} commits: each of its {@link #ROWS} rows once, the commit counted once. */
    private void assertTheRetryCommitsEachRowOnce(SourceObject source) throws IOException {
        proxy.clear();
        assertFalse(convertThroughProxy(source).unchanged());
        assertExactlyOnce(source, ROWS, 1);
        assertCountedOnce(logLines, ROWS, 1);
    }

    /** Each row of {@code source} once (its bad row quarantined), no publishing marker left, the commit counted once. */
    private void assertEachRowOnceNoMarkerCountedOnce(SourceObject source, int validRows) throws IOException {
        assertExactlyOnce(source, validRows, 1);
        assertEquals(List.of(), silver.list("_publishing/"));
        assertCountedOnce(logLines, validRows, 1);
    }
}
