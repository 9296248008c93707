package dev.medallion.bronze.upload;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * A publishing write (PutObject, CompleteMultipartUpload) that S3 refused at its only attempt because the
 * key no longer held what this run had compared the file with (412 Precondition Failed, or 404 for an object
 * replaced that is gone): another run or tool wrote the key between this run's look and its write. Nothing was
 * written; the caller looks again. A write refused because another was still in flight is a
 * {@link WriteInFlightException}.
 */
final class WriteConflictException extends IOException {
    WriteConflictException(String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
    }
}
