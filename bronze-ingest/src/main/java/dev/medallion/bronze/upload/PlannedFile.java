package dev.medallion.bronze.upload;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/** One local file and the bronze key it goes to, with its size when the run was planned. */
public record PlannedFile(Path path, String key, long size) {
    public PlannedFile {
        requireNonNull(path, "path is null");
        requireNonNull(key, "key is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }
}
