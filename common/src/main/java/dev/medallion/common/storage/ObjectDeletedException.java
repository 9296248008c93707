package dev.medallion.common.storage;

import java.nio.file.NoSuchFileException;

/**
 * A read that named the version it expected ({@link ObjectStore#open} and {@link ObjectStore#openRange} with an ETag) found
 * no object under the key: it was deleted since that ETag was read. S3 answers a GET whose {@code If-Match} names a key with
 * no current version 404 NoSuchKey, not 412 (a key whose current version is a delete marker included), so this is the
 * deletion's counterpart of {@link ObjectReplacedException}. Still a {@link NoSuchFileException}, as any read of a missing
 * key is; a read that named no version gets a plain one, since it cannot tell a deleted key from one never there.
 */
public final class ObjectDeletedException extends NoSuchFileException {
    public ObjectDeletedException(String file, String reason, Throwable cause) {
        super(file, null, reason);
        if (cause != null) {
            initCause(cause);
        }
    }
}
