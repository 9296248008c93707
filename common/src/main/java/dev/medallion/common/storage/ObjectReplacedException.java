package dev.medallion.common.storage;

import java.io.IOException;

/**
 * A read that named the version it expected ({@link ObjectStore#open} and {@link ObjectStore#openRange} with an ETag) found
 * the key holding another version: the object was replaced since that ETag was read (S3 answered the GET's {@code If-Match}
 * with 412 Precondition Failed). A key left with no object is {@link ObjectDeletedException} (S3's 404 NoSuchKey). Nothing of the expected version was read by this request. A reader
 * that follows a key's events may leave the new version to its own event: S3 sends one for each.
 */
public final class ObjectReplacedException extends IOException {
    public ObjectReplacedException(String message, Throwable cause) {
        super(message, cause);
    }
}
