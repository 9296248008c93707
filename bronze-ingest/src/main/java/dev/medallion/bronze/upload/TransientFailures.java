package dev.medallion.bronze.upload;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import java.io.IOException;
import java.net.UnknownHostException;
import java.util.OptionalInt;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Whether a failed S3 request is one that a later run may well not meet, by the AWS SDK for Java v2's own
 * classification of what it retries (its {@code SdkDefaultRetrySetting}: the status codes 500, 502, 503 and 504,
 * and the exceptions {@code RetryableException}, {@code IOException} and {@code ApiCallAttemptTimeoutException};
 * throttling by {@link SdkServiceException#isThrottlingException()}, which covers 429 and error codes such as
 * S3's {@code SlowDown}), and its AWS rule's error codes ({@code AwsErrorCode.RETRYABLE_ERROR_CODES}, which
 * {@code AwsRetryStrategy} retries whatever the status: S3 answers a CompleteMultipartUpload that fails once it
 * has begun with 200 OK and an {@code InternalError} document, and the SDK's exception then carries status 200).
 * The SDK has already retried such a failure (four attempts by default, three retries; fewer once its retry quota is spent:
 * {@link #sdkAttempts}) when it reaches
 * this tool, so what is left is an outage longer than its backoff: a run minutes later is the retry.
 *
 * <p>One exception to the SDK's rule: a host name that does not resolve ({@link UnknownHostException}, an
 * {@code IOException} the SDK retries) is taken as lasting. Against S3 it is almost always a region that does
 * not exist ({@code AWS_REGION=eu-wset-1}) or a mistyped {@code --endpoint-url}, which no retry cures; a
 * scheduler retrying it would retry a typo forever.
 *
 * <p>It decides exit code 75 twice: for a run that could not start (the bucket check), and for a run whose files that
 * failed all failed so ({@link #causedByTransient}), since a re-run skips what landed.
 */
public final class TransientFailures {
    /** The SDK's {@code SdkDefaultRetrySetting.RETRYABLE_STATUS_CODES}. */
    private static final Set<Integer> RETRYABLE_STATUS_CODES = Set.of(500, 502, 503, 504);
    /**
     * The SDK's {@code AwsErrorCode.RETRYABLE_ERROR_CODES} (an internal class, so copied as the status codes are):
     * S3's {@code InternalError} in a 200 answer, and its {@code RequestTimeout} (400, the connection idle too long).
     */
    private static final Set<String> RETRYABLE_ERROR_CODES = Set.of("PriorRequestNotComplete", "RequestTimeout", "RequestTimeoutException", "InternalError");

    private TransientFailures() {}

    public static boolean isTransient(SdkException failure) {
        requireNonNull(failure, "failure is null");
        if (failure instanceof SdkServiceException answered) {
            return answered.isThrottlingException() || RETRYABLE_STATUS_CODES.contains(answered.statusCode()) || hasRetryableErrorCode(answered);
        }
        if (failure.retryable() || failure instanceof ApiCallAttemptTimeoutException || failure instanceof ApiCallTimeoutException) {
            return true;
        }
        return failure instanceof SdkClientException && hasTransientIoCause(failure);
    }

    /**
     * Whether a failed file failed for a reason a retry may cure: the first SDK failure among its causes (the request
     * the tool wrapped in its own message) is {@link #isTransient}. A failure with none, such as a file that could not
     * be read or changed while it was read, is lasting.
     */
    public static boolean causedByTransient(Throwable failure) {
        requireNonNull(failure, "failure is null");
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SdkException sdk) {
                return isTransient(sdk);
            }
        }
        return false;
    }

    /**
     * How many times the SDK sent the request whose failure is among {@code failure}'s causes, the first SDK failure as
     * {@link #causedByTransient} takes it, by its {@link SdkException#numAttempts()} (the count its message ends with,
     * {@code (SDK Attempt Count: 4)}); empty when there is none, or the SDK did not say.
     */
    public static OptionalInt sdkAttempts(Throwable failure) {
        requireNonNull(failure, "failure is null");
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SdkException sdk) {
                Integer attempts = sdk.numAttempts();
                return attempts == null || attempts < 1 ? OptionalInt.empty() : OptionalInt.of(attempts);
            }
        }
        return OptionalInt.empty();
    }

    /** A HEAD's error has no body, so no error code. */
    private static boolean hasRetryableErrorCode(SdkServiceException answered) {
        return answered instanceof AwsServiceException aws && aws.awsErrorDetails() != null && aws.awsErrorDetails().errorCode() != null
                && RETRYABLE_ERROR_CODES.contains(aws.awsErrorDetails().errorCode());
    }

    private static boolean hasTransientIoCause(Throwable failure) {
        boolean io = false;
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof UnknownHostException) {
                return false;
            }
            io |= cause instanceof IOException;
        }
        return io;
    }
}
