package dev.medallion.bronze.upload;

import static java.util.Objects.requireNonNull;

/**
 * The run cannot start, and nothing was uploaded: a path that does not exist, a file that is not CSV,
 * a bucket that cannot be reached, no credentials. The message is for a person and says what to do.
 */
public final class UploadRefusedException extends Exception {
    public UploadRefusedException(String message) {
        super(requireNonNull(message, "message is null"));
    }

    public UploadRefusedException(String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
    }
}
