package dev.medallion.bronze.upload;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * A publishing write (PutObject, CompleteMultipartUpload) that S3 refused at its only attempt with 409
 * ConditionalRequestConflict: another conditional write to the key was in flight. Nothing was written, and
 * which write wins is not decided yet: S3 says to retry a PutObject, and to start a multipart upload again
 * (the request's {@code If-None-Match} and {@code If-Match}, PutObject and CompleteMultipartUpload, S3 API
 * Reference). The caller looks at the key and writes again ({@link FileUploader}).
 */
final class WriteInFlightException extends IOException {
    WriteInFlightException(String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
    }
}
