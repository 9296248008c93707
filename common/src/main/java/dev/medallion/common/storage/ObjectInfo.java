package dev.medallion.common.storage;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** What the store knows about one object: its key, size, entity tag (without quotes) and last modification. */
public record ObjectInfo(String key, long size, String etag, Instant lastModified) {
    public ObjectInfo {
        requireNonNull(key, "key is null");
        requireNonNull(etag, "etag is null");
        requireNonNull(lastModified, "lastModified is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
        etag = unquote(etag);
    }

    /** S3 returns entity tags wrapped in double quotes; the rest of the code wants the bare value. */
    public static String unquote(String etag) {
        if (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
