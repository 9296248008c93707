package dev.medallion.bronze.upload;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One local file and the bronze key it goes to, with its size and modification time when the run was
 * planned, read before its content was checked (its encoding, its compression): the upload publishes the
 * file only while both are still these, so that the bytes it sends are the bytes that were checked.
 *
 * @param earlierKeys the keys other than {@code key} that versions before names, or the prefix, were NFC may have
 *     uploaded the file under ({@link BronzeKeyLayout#earlierKeys}), those S3 could hold (at most 1,024 bytes of UTF-8): an
 *     object under one of them is the file's, replaced or skipped in place
 * @param checked what {@link UploadPlanner#checkContent} read of it, which the upload must read too; empty before that check
 */
public record PlannedFile(Path path, String key, long size, FileTime modified, List<String> earlierKeys, Optional<Checked> checked) {
    public PlannedFile {
        requireNonNull(path, "path is null");
        requireNonNull(checked, "checked is null");
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

    public PlannedFile(Path path, String key, long size, FileTime modified, List<String> earlierKeys) {
        this(path, key, size, modified, earlierKeys, Optional.empty());
    }

    public PlannedFile(Path path, String key, long size, FileTime modified) {
        this(path, key, size, modified, List.of());
    }

    /** The same file, whose content check read {@code read}. */
    PlannedFile withChecked(Checked read) {
        return new PlannedFile(path, key, size, modified, earlierKeys, Optional.of(read));
    }

    /**
     * The bytes the content check read ({@link UploadPlanner#checkContent}), by their count and CRC32 as S3 reports it.
     * The upload sends the file only if it reads the same: its modification time alone proves no bytes unchanged, kept
     * to the second or two by some file systems (ext3, HFS+, FAT, many network shares), so that a write within the
     * second of the check leaves it as it was, and set back by writers that keep a source's time.
     */
    public record Checked(long bytes, String crc32) {
        public Checked {
            requireNonNull(crc32, "crc32 is null");
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes is negative: " + bytes);
            }
        }

        static Checked of(Crc32Checksum read) {
            return new Checked(read.bytes(), read.base64());
        }
    }

    /** The same file at {@code earlierKey}, one of its earlier keys, for the object found there. */
    PlannedFile at(String earlierKey) {
        if (!earlierKeys.contains(earlierKey)) {
            throw new IllegalArgumentException(earlierKey + " is not an earlier key of " + key);
        }
        return new PlannedFile(path, earlierKey, size, modified, List.of(), checked);
    }
}
