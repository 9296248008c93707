package dev.medallion.common.aws;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import static java.util.Objects.requireNonNull;

/**
 * Whether a failed AWS request certainly had no effect. An AWS service that answers a 4xx refused the
 * request. But the SDK retries throttled requests, server errors and lost answers, and keeps each earlier
 * attempt's failure on the last one as a suppressed exception ("Request attempt N failure",
 * aws-sdk-java-v2#3560): after an attempt that got a 5xx or no answer, the request may have taken effect
 * though its answer was lost, and the refusal of a retry (throttled, a precondition the first attempt
 * itself changed) says nothing of it.
 */
public final class Refusals {
    private static final int FIRST_CLIENT_ERROR = 400;
    private static final int FIRST_SERVER_ERROR = 500;

    private Refusals() {}

    /** Whether the service answered every attempt of the request with a 4xx: only then did it not take effect. */
    public static boolean refusedAtEveryAttempt(SdkException failure) {
        requireNonNull(failure, "failure is null");
        if (!isRefusal(failure)) {
            return false;
        }
        for (Throwable earlier : failure.getSuppressed()) {
            if (!isRefusal(earlier)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isRefusal(Throwable attempt) {
        return attempt instanceof SdkServiceException answered && answered.statusCode() >= FIRST_CLIENT_ERROR && answered.statusCode() < FIRST_SERVER_ERROR;
    }
}
