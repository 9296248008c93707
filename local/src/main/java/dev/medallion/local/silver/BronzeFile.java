package dev.medallion.local.silver;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * A CSV file on disk playing a bronze object.
 *
 * @param path the file
 * @param key the path relative to the input, with {@code /}: the bronze key the file would have, so the
 *         silver file and manifest names do not depend on where the input folder lives
 * @param dataset the silver table it belongs to
 */
public record BronzeFile(Path path, String key, String dataset) {
    public BronzeFile {
        requireNonNull(path, "path is null");
        requireNonNull(key, "key is null");
        requireNonNull(dataset, "dataset is null");
    }
}
