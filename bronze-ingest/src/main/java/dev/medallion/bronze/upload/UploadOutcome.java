package dev.medallion.bronze.upload;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/** What happened to one file, and why, in a few words a person can act on. */
public record UploadOutcome(PlannedFile file, Status status, String detail, Duration elapsed) {
    public enum Status {
        /** The object now holds the file's content. */
        UPLOADED,
        /** A dry run found that the file would be uploaded. */
        WOULD_UPLOAD,
        /** The bucket already holds exactly this content under the key. */
        SKIPPED,
        /** Nothing was published under the key; {@code detail} says why. */
        FAILED
    }

    public UploadOutcome {
        requireNonNull(file, "file is null");
        requireNonNull(status, "status is null");
        requireNonNull(detail, "detail is null");
        requireNonNull(elapsed, "elapsed is null");
    }

    /** Bytes sent to the bucket, or that a dry run would send. */
    public long bytesUploaded() {
        return status == Status.UPLOADED || status == Status.WOULD_UPLOAD ? file.size() : 0;
    }
}
