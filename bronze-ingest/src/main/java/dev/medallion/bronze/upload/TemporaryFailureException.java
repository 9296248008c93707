package dev.medallion.bronze.upload;

import static java.util.Objects.requireNonNull;

/**
 * The run could not start for a reason that running it again later may cure, and nothing was uploaded: S3 or
 * the network did not answer, S3 answered with a server error or throttled the request at every attempt the SDK
 * made, or the role a container or a pod declares could not be fetched. Kept apart from
 * {@link UploadRefusedException}, whose causes (a typo, a wrong bucket, no credentials) a retry never cures, so
 * that a scheduler can retry the one and not the other by exit code. The message is for a person and says what
 * failed and where.
 */
public final class TemporaryFailureException extends Exception {
    public TemporaryFailureException(String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), requireNonNull(cause, "cause is null"));
    }
}
