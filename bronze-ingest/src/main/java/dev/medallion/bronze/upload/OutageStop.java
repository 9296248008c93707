package dev.medallion.bronze.upload;

import dev.medallion.bronze.upload.UploadOutcome.FailureKind;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * When a run stops starting files because S3, not a file, is failing: once {@value #TEMPORARY_FAILURES_IN_A_ROW}
 * files in a row (in the order they finished) have failed for a reason that may be temporary, no file uploaded,
 * skipped or found to upload between them. Each such failure has had every attempt the SDK makes (with the default
 * read timeout, 2 minutes of them), so when S3 does not answer at all, trying every other file only makes the run
 * last: 8 hours for 1,000 files at {@code --concurrency 4}, each failing the same way.
 *
 * <p>Why two and not one: a file's own temporary failure (its key throttled, its connections reset) among files that
 * go through must not stop a healthy run, and at {@code --concurrency 1} no file runs beside it to tell the two
 * apart; the next file does. A failure a retry meets again (a 403, a file that cannot be read) says nothing of S3
 * being reachable or not: it neither counts nor breaks a row. Once stopped, the run stays stopped: the files under
 * way finish, the others are not attempted, and a re-run (idempotent) uploads them. A file under way that goes through
 * after the stop is counted ({@link #wentThroughAfterStop}), so that the run says S3 answered again, but restarts
 * nothing: the run ends as it said it would, bounded, rather than starting files again on one answer, which a flapping
 * endpoint gives as readily as a recovered one.
 */
public final class OutageStop {
    public static final int TEMPORARY_FAILURES_IN_A_ROW = 2;

    private int temporaryFailuresInARow;
    private boolean stopped;
    private int wentThroughAfterStop;

    /** Takes the outcome of a file that finished. */
    public synchronized void finished(UploadOutcome outcome) {
        requireNonNull(outcome, "outcome is null");
        switch (outcome.status()) {
            case UPLOADED, WOULD_UPLOAD, SKIPPED -> {
                temporaryFailuresInARow = 0;
                if (stopped) {
                    wentThroughAfterStop++;
                }
            }
            case FAILED -> {
                if (outcome.failure().equals(Optional.of(FailureKind.TRANSIENT)) && ++temporaryFailuresInARow >= TEMPORARY_FAILURES_IN_A_ROW) {
                    stopped = true;
                }
            }
        }
    }

    /**
     * The files under way when the run stopped that went through (uploaded, skipped, found to upload) after it: S3 answered
     * again. The run stays stopped all the same (it said it would leave the rest for a re-run, and one answer after an outage
     * does not say the next will come); the last line then says a re-run now uploads the rest.
     */
    public synchronized int wentThroughAfterStop() {
        return wentThroughAfterStop;
    }

    /** Whether a file not yet started is to be left for a re-run. */
    public synchronized boolean stopped() {
        return stopped;
    }
}
