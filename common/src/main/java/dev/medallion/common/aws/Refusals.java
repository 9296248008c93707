package dev.medallion.common.aws;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import static java.util.Objects.requireNonNull;

/**
 * Whether a failed AWS request certainly had no effect. An AWS service that answers a 4xx refused the
 * request. But the SDK retries throttled requests, server errors and lost answers, and keeps each earlier
 * attempt's failure on the last one only as a suppressed exception holding its message ("Request attempt
 * N failure: …", aws-sdk-java-v2#3560; an {@code SdkClientException} whatever the attempt met, so its
 * status is not there to read). An earlier attempt may have got a 5xx or no answer and taken effect though
 * its answer was lost, and the refusal of a retry (throttled, a precondition the first attempt itself
 * changed) says nothing of it: only a request refused at its one attempt is certain to have done nothing.
 */
public final class Refusals {
    private static final int FIRST_CLIENT_ERROR = 400;
    private static final int FIRST_SERVER_ERROR = 500;

    private Refusals() {}

    /** Whether the service answered the request's only attempt with a 4xx: only then did it not take effect. */
    public static boolean refusedAtItsOnlyAttempt(SdkException failure) {
        requireNonNull(failure, "failure is null");
        return failure instanceof SdkServiceException answered && answered.statusCode() >= FIRST_CLIENT_ERROR && answered.statusCode() < FIRST_SERVER_ERROR
                && failure.getSuppressed().length == 0;
    }
}
