package dev.medallion.bronze.upload;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One local file and the bronze key it goes to, with its size and modification time when the run was
 * planned, read before its content was checked (its encoding, its compression): the upload publishes the
 * file only while both are still these, so that the bytes it sends are the bytes that were checked.
 *
 * @param earlierKeys the keys other than {@code key} that versions before keys were NFC may have uploaded the
 *     file under ({@link BronzeKeyLayout#earlierKeys}): an object under one of them is the file's, replaced or
 *     skipped in place
 */
public record PlannedFile(Path path, String key, long size, FileTime modified, List<String> earlierKeys) {
    public PlannedFile {
        requireNonNull(path, "path is null");
        requireNonNull(key, "key is null");
        requireNonNull(modified, "modified is null");
        earlierKeys = List.copyOf(requireNonNull(earlierKeys, "earlierKeys is null"));
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
        if (earlierKeys.contains(key)) {
            throw new IllegalArgumentException("an earlier key is the key: " + key);
        }
    }

    public PlannedFile(Path path, String key, long size, FileTime modified) {
        this(path, key, size, modified, List.of());
    }

    /** The same file at {@code earlierKey}, one of its earlier keys, for the object found there. */
    PlannedFile at(String earlierKey) {
        if (!earlierKeys.contains(earlierKey)) {
            throw new IllegalArgumentException(earlierKey + " is not an earlier key of " + key);
        }
        return new PlannedFile(path, earlierKey, size, modified);
    }
}
