package dev.medallion.bronze.upload;

import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One local file and the bronze key it goes to, with its size when the run was planned.
 *
 * @param earlierKey the key as the file system spells the file's path, when that is not the key (a name
 *     in another Unicode form than NFC, as macOS gives them): where versions before keys were NFC
 *     uploaded it ({@link BronzeKeyLayout#key})
 */
public record PlannedFile(Path path, String key, long size, Optional<String> earlierKey) {
    public PlannedFile {
        requireNonNull(path, "path is null");
        requireNonNull(key, "key is null");
        requireNonNull(earlierKey, "earlierKey is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
        if (earlierKey.isPresent() && earlierKey.get().equals(key)) {
            throw new IllegalArgumentException("the earlier key is the key: " + key);
        }
    }

    public PlannedFile(Path path, String key, long size) {
        this(path, key, size, Optional.empty());
    }

    /** The same file, at its earlier key: an object there is the file's, replaced or skipped in place. */
    PlannedFile atEarlierKey() {
        return new PlannedFile(path, earlierKey.orElseThrow(), size);
    }
}
