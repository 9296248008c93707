package dev.medallion.silver.parquet;

import static java.util.Objects.requireNonNull;

/** A Parquet part file as written: where, how many rows, how many bytes. */
public record PartInfo(String key, long rows, long bytes) {
    public PartInfo {
        requireNonNull(key, "key is null");
        if (rows < 0 || bytes < 0) {
            throw new IllegalArgumentException("rows or bytes of part " + key + " are negative: " + rows + " rows, " + bytes + " bytes");
        }
    }
}
