package dev.medallion.bronze.upload;

import java.util.List;

/**
 * Follows a run, for a progress bar or log lines. Called from the upload threads, so implementations
 * are thread-safe. For every file, the bytes reported through {@link #bytesDone} add up to its size
 * by the time {@link #fileDone} is called, whether it was uploaded, skipped or failed; only those
 * reported as sent went to the bucket (the others, a skipped file's or the rest of a failed one's, were
 * only counted done), so only they measure a speed.
 */
public interface UploadListener {
    void runStarted(int files, long bytes);

    void bytesDone(long bytes, boolean sent);

    void fileDone(UploadOutcome outcome);

    /**
     * The run ended: every file started has had its {@link #fileDone}.
     *
     * @param notAttempted the files the run did not start, having stopped for S3 not being reachable ({@link OutageStop}), in the order given;
     * empty when it started every file
     */
    void runDone(List<PlannedFile> notAttempted);
}
