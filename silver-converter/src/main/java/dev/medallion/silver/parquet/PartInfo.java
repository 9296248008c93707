package dev.medallion.silver.parquet;

import static java.util.Objects.requireNonNull;

/** A Parquet part file as written: where, how many rows, how many bytes. */
public record PartInfo(String key, long rows, long bytes) {
    public PartInfo {
        requireNonNull(key, "key is null");
        // Each on its own, so that a manifest refused for one names that count, as Manifest's counts are named.
        requireNonNegative("rows", rows, key);
        requireNonNegative("bytes", bytes, key);
    }

    private static void requireNonNegative(String count, long value, String key) {
        if (value < 0) {
            throw new IllegalArgumentException(count + " is negative: " + value + ", of part " + key);
        }
    }
}
