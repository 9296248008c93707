package dev.medallion.bronze.upload;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * A write that publishes an object (PutObject, CompleteMultipartUpload) failed in a way that does not show
 * it had no effect: its answer was lost, S3 answered a server error, or a retry hid an attempt that
 * landed. The object may be under its key all the same, so the caller must look before saying the failure
 * left nothing in the bucket.
 */
final class UnconfirmedWriteException extends IOException {
    UnconfirmedWriteException(IOException failure) {
        super(requireNonNull(failure, "failure is null").getMessage(), failure.getCause());
    }
}
