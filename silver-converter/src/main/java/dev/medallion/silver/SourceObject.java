package dev.medallion.silver;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static java.util.Objects.requireNonNull;

/**
 * The bronze object being converted, as the store describes it now (not as an event remembered it).
 *
 * @param bucket the bronze bucket, or {@code local} for the local command
 * @param key the object key, or the file's path for the local command
 * @param etag entity tag without quotes
 */
public record SourceObject(String bucket, String key, String etag, long size, Instant lastModified) {
    public SourceObject {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(key, "key is null");
        requireNonNull(etag, "etag is null");
        requireNonNull(lastModified, "lastModified is null");
    }

    /** The object's own date in UTC, so a redelivery on another day lands in the same partition. */
    public LocalDate ingestDate() {
        return LocalDate.ofInstant(lastModified, ZoneOffset.UTC);
    }

    public String location() {
        return bucket.equals("local") ? key : "s3://" + bucket + "/" + key;
    }
}
