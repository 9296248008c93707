package dev.medallion.bronze.upload;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the bucket holds under a key: the size, the CRC32 of the whole content when S3 keeps one, and the
 * ETag, on which a write that replaces it is conditional.
 */
public record StoredObject(long size, Optional<String> crc32, Optional<String> eTag) {
    public StoredObject {
        requireNonNull(crc32, "crc32 is null");
        requireNonNull(eTag, "eTag is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }
}
