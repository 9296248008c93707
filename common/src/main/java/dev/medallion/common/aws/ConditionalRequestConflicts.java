package dev.medallion.common.aws;

import software.amazon.awssdk.services.s3.model.S3Exception;

import java.security.SecureRandom;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * S3's answer to a conditional write (PutObject or CompleteMultipartUpload with {@code If-None-Match: *} or
 * {@code If-Match}) that met another conditional write to its key in flight: {@code 409 ConditionalRequestConflict},
 * nothing written. The S3 API Reference says to write again: "If a conflicting operation occurs during the upload S3
 * returns a 409 ConditionalRequestConflict response. On a 409 failure you should retry the upload" (PutObject,
 * {@code If-None-Match}; with {@code If-Match}, "fetch the object's ETag and retry the upload"), and for a multipart
 * upload "re-initiate the multipart upload with CreateMultipartUpload and re-upload each part" (CompleteMultipartUpload,
 * {@code If-None-Match}): https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html.
 * <p>
 * {@code 409 OperationAborted} is written again too: "A conflicting conditional operation is currently in progress
 * against this resource. Please try again." (its text, as S3 answers it; S3 API Reference, Error responses,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html), seen on object writes and copies
 * (apache/arrow-rs-object-store#138), and the User Guide's conditional writes say a write may be sent again
 * after a 409 Conflict, as when a delete of the key succeeds while it is in flight
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html). Every other 409 is no such race,
 * and is not written again as one: {@code InvalidBucketState} (the request does not fit the bucket's state),
 * {@code BucketAlreadyOwnedByYou}, {@code BucketNotEmpty}: nothing in flight lands or fails in a moment, so waiting and
 * looking at the key would tell nothing, and a key found changed would be taken for another writer's. They are
 * refusals like any other 4xx ({@link Refusals}), told with their code. A 409 without a code counts as the race: the
 * URL connection client can drop the error body of a request sent with {@code Expect: 100-continue}, and a race taken
 * for one is written again {@link #ATTEMPTS} times at the most, then told.
 */
public final class ConditionalRequestConflicts {
    /**
     * How many times a conditional write is sent while S3 answers it 409 ConditionalRequestConflict: the other write
     * lands or fails in well under a second, and a key kept busy for longer is for a person to look into.
     */
    public static final int ATTEMPTS = 4;

    private static final int HTTP_CONFLICT = 409;
    /** The codes of the 409s S3 says to write again after. */
    private static final Set<String> WRITE_AGAIN = Set.of("ConditionalRequestConflict", "OperationAborted");
    private static final long BACKOFF_MILLIS = 100;

    private ConditionalRequestConflicts() {}

    /**
     * Whether S3 answered a conditional write 409 ConditionalRequestConflict (another conditional write to the key in
     * flight) or OperationAborted (a conflicting conditional operation in progress), or 409 without its error body.
     * Whether the write had no effect is {@link Refusals}'s to say.
     */
    public static boolean isConditionalRequestConflict(S3Exception failure) {
        requireNonNull(failure, "failure is null");
        String code = code(failure);
        return failure.statusCode() == HTTP_CONFLICT && (code.isEmpty() || WRITE_AGAIN.contains(code));
    }

    /** S3's answer for a message: {@code 409 ConditionalRequestConflict}, or {@code 409} alone when its code was lost. */
    public static String answer(S3Exception failure) {
        requireNonNull(failure, "failure is null");
        String code = code(failure);
        return failure.statusCode() + (code.isEmpty() ? "" : " " + code);
    }

    private static String code(S3Exception failure) {
        String code = failure.awsErrorDetails() == null ? null : failure.awsErrorDetails().errorCode();
        return code == null ? "" : code;
    }

    /**
     * Waits after the given attempt was answered ConditionalRequestConflict, for the other write to land or fail: longer
     * after each attempt (100 ms times the attempt), with up to 100 ms of jitter, so that two writers answered together
     * do not write again in step.
     *
     * @param attempt the attempt answered 409, from 1
     */
    public static void awaitTheOtherWrite(int attempt) throws InterruptedException {
        if (attempt < 1) {
            throw new IllegalArgumentException("Attempts count from 1: " + attempt);
        }
        // Jitter from a SecureRandom made now: ThreadLocalRandom's seeds come from state made at start-up, which a
        // SnapStart snapshot copies, so writers restored from one snapshot would write again in step.
        Thread.sleep(BACKOFF_MILLIS * attempt + new SecureRandom().nextLong(BACKOFF_MILLIS));
    }
}
