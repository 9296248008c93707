package dev.medallion.silver.csv;

/**
 * The source object as a whole cannot be read as CSV (binary content, an unsupported encoding,
 * a quoting error the parser cannot recover from, damaged gzip), or is past a limit that keeps memory
 * bounded (too many columns, a row too long). Retrying cannot help; the object is rejected with this
 * message and nothing of it is written.
 */
public final class RejectedInputException extends Exception {
    public RejectedInputException(String message) {
        super(java.util.Objects.requireNonNull(message, "a rejection needs its reason"));
    }
}
