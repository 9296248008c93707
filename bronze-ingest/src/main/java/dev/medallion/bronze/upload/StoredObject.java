package dev.medallion.bronze.upload;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** What the bucket holds under a key: the size, and the CRC32 of the whole content when S3 keeps one. */
public record StoredObject(long size, Optional<String> crc32) {
    public StoredObject {
        requireNonNull(crc32, "crc32 is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }
}
