package dev.medallion.bronze.upload;

import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What happened to one file, and why, in a few words a person can act on.
 *
 * @param unaborted for a failed file, the multipart upload whose abort failed too, whose parts stay in
 *                  the bucket; empty when the failure left nothing there
 * @param mayHaveLanded for a failed file, whether the write that publishes the object may have landed all
 *                  the same: its answer was lost, and looking for the object failed too
 */
public record UploadOutcome(PlannedFile file, Status status, String detail, Duration elapsed, Optional<UnabortedUpload> unaborted,
                            boolean mayHaveLanded) {
    public enum Status {
        /** The object now holds the file's content. */
        UPLOADED,
        /** A dry run found that the file would be uploaded. */
        WOULD_UPLOAD,
        /** The bucket already holds exactly this content under the key. */
        SKIPPED,
        /**
         * Nothing was published under the key, unless {@code mayHaveLanded}; {@code detail} says why, and
         * {@code unaborted} names any parts left.
         */
        FAILED
    }

    public UploadOutcome {
        requireNonNull(file, "file is null");
        requireNonNull(status, "status is null");
        requireNonNull(detail, "detail is null");
        requireNonNull(elapsed, "elapsed is null");
        requireNonNull(unaborted, "unaborted is null");
        if (unaborted.isPresent() && status != Status.FAILED) {
            throw new IllegalArgumentException("Only a failed file can leave an unaborted upload: " + status);
        }
        if (mayHaveLanded && (status != Status.FAILED || unaborted.isPresent())) {
            throw new IllegalArgumentException("Only a failed file that left no unaborted upload may have landed: " + status + ", " + unaborted);
        }
    }

    /** An outcome that left no multipart upload behind, and is known. */
    public UploadOutcome(PlannedFile file, Status status, String detail, Duration elapsed) {
        this(file, status, detail, elapsed, Optional.empty(), false);
    }

    /** Bytes sent to the bucket, or that a dry run would send. */
    public long bytesUploaded() {
        return status == Status.UPLOADED || status == Status.WOULD_UPLOAD ? file.size() : 0;
    }
}
