package dev.medallion.bronze.upload;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * A publishing write (PutObject, CompleteMultipartUpload) that S3 refused at its only attempt with a 409 it says to
 * write again after (common's ConditionalRequestConflicts): another conditional write to the key was in flight. Nothing was written, and
 * which write wins is not decided yet: S3 says to retry a PutObject, and to start a multipart upload again
 * (the request's {@code If-None-Match} and {@code If-Match}, PutObject and CompleteMultipartUpload, S3 API
 * Reference). The caller looks at the key and writes again ({@link FileUploader}).
 */
final class WriteInFlightException extends IOException {
    private final String answer;

    /** @param answer S3's answer, as {@code 409 ConditionalRequestConflict} */
    WriteInFlightException(String message, String answer, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.answer = requireNonNull(answer, "answer is null");
    }

    /** S3's answer, as {@code 409 ConditionalRequestConflict}, or {@code 409} when its code was lost. */
    String answer() {
        return answer;
    }
}
