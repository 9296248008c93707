package dev.medallion.bronze.upload;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * What happened to one file, and why, in a few words a person can act on.
 *
 * @param unaborted for a failed file, the multipart upload whose abort failed too, whose parts stay in
 *                  the bucket; empty when the failure left nothing there
 * @param mayHaveLanded for a failed file whose write that publishes the object may have landed all the same,
 *                  why the run could not tell; empty when it did not land
 * @param failure for a failed file, whether a retry may cure its failure; empty for a file that did not fail
 * @param sdkAttempts for a failed file whose failure was an S3 request's, how many times the SDK sent that request (its
 *                  exception's {@code numAttempts()}): its maximum, or fewer once its retry quota is spent; empty for any
 *                  other file, and when the SDK did not say
 */
public record UploadOutcome(PlannedFile file, Status status, String detail, Duration elapsed, Optional<UnabortedUpload> unaborted,
                            Optional<UnknownLanding> mayHaveLanded, Optional<FailureKind> failure, OptionalInt sdkAttempts) {
    public enum Status {
        /** The object now holds the file's content. */
        UPLOADED,
        /** A dry run found that the file would be uploaded. */
        WOULD_UPLOAD,
        /** The bucket already holds exactly this content under the key. */
        SKIPPED,
        /**
         * Nothing was published under the key, unless {@code mayHaveLanded} says why it may have been; {@code detail} says why, and
         * {@code unaborted} names any parts left.
         */
        FAILED
    }

    /** Why a failed file's publishing write, its answer lost, may have landed all the same. */
    public enum UnknownLanding {
        /** Looking for the object failed too. */
        LOOKUP_FAILED,
        /**
         * S3 answered NoSuchUpload to the abort of its multipart upload, as it does for an upload completed (or
         * aborted), and the object had not appeared when the run stopped looking for it.
         */
        NOT_SEEN_IN_TIME
    }

    /**
     * Whether running the command again later may cure a file's failure: what a scheduler retries by (exit code 75 when
     * every failed file's failure is {@link #TRANSIENT}, else 1).
     */
    public enum FailureKind {
        /**
         * S3 throttled, answered a server error or could not be reached at every attempt the SDK made ({@link TransientFailures}):
         * {@code sdkAttempts} says how many.
         */
        TRANSIENT,
        /** Anything else: S3 refused the request (a 4xx), the file could not be read or changed, another writer held the key. */
        LASTING;

        /** The kind of a failure, by the SDK failure among its causes ({@link TransientFailures#causedByTransient}). */
        public static FailureKind of(Throwable failure) {
            return TransientFailures.causedByTransient(failure) ? TRANSIENT : LASTING;
        }
    }

    public UploadOutcome {
        requireNonNull(file, "file is null");
        requireNonNull(status, "status is null");
        requireNonNull(detail, "detail is null");
        requireNonNull(elapsed, "elapsed is null");
        requireNonNull(unaborted, "unaborted is null");
        requireNonNull(mayHaveLanded, "mayHaveLanded is null");
        requireNonNull(failure, "failure is null");
        requireNonNull(sdkAttempts, "sdkAttempts is null");
        if (failure.isPresent() != (status == Status.FAILED)) {
            throw new IllegalArgumentException("A failed file, and only one, has a kind of failure: " + status + ", " + failure);
        }
        if (unaborted.isPresent() && status != Status.FAILED) {
            throw new IllegalArgumentException("Only a failed file can leave an unaborted upload: " + status);
        }
        if (mayHaveLanded.isPresent() && (status != Status.FAILED || unaborted.isPresent())) {
            throw new IllegalArgumentException("Only a failed file that left no unaborted upload may have landed: " + status + ", " + unaborted);
        }
        if (sdkAttempts.isPresent() && (status != Status.FAILED || sdkAttempts.getAsInt() < 1)) {
            throw new IllegalArgumentException("Only a failed file has the SDK's attempts of its failing request, at least 1: " + status + ", " + sdkAttempts);
        }
    }

    /**
     * An outcome that left no multipart upload behind, and is known; a failure of it is {@link FailureKind#LASTING}, the
     * kind that does not tell a scheduler to retry.
     */
    public UploadOutcome(PlannedFile file, Status status, String detail, Duration elapsed) {
        this(file, status, detail, elapsed, Optional.empty(), Optional.empty(), status == Status.FAILED ? Optional.of(FailureKind.LASTING) : Optional.empty(),
                OptionalInt.empty());
    }

    /** Bytes sent to the bucket, or that a dry run would send. */
    public long bytesUploaded() {
        return status == Status.UPLOADED || status == Status.WOULD_UPLOAD ? file.size() : 0;
    }
}
