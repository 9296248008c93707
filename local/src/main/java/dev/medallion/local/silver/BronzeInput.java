package dev.medallion.local.silver;

import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What {@link BronzeFiles#under} found under an input: the bronze files, and what it left out that a
 * person should hear about.
 *
 * @param files the bronze files, in key order (files on one key in path order)
 * @param lakeFolders the folders the command writes (the lake's {@code silver/} and {@code gold/}) found
 *         under the input and left out, so a lake inside the input is not read back as bronze
 * @param folderLinks the links to folders under the input, which are not followed
 * @param jobFiles the files and folders under the input whose names start with '_', as Hadoop and Spark name
 *         what is not a job's output ({@code _temporary}, {@code _SUCCESS}): left out, as {@code bronze-ingest
 *         upload} leaves them out, a folder named once, not walked
 * @param otherFiles the files in the input's dataset folders whose names end in none of the suffixes the bucket's
 *         notification delivers ({@code .tsv}, {@code .txt}, {@code .xlsx}): left out, as {@code bronze-ingest
 *         upload} leaves them out, and named, as it names them (files directly in the input, a README, are no
 *         dataset's)
 * @param unreadable what could not be read, so the files under it would be missing
 * @param sameFiles the files that {@code files} holds under two keys or more, in the order of their first key
 * @param sameKeys the keys that two files or more of {@code files} are under, their names differing only in their
 *         Unicode form, in key order
 */
public record BronzeInput(List<BronzeFile> files, List<Path> lakeFolders, List<FolderLink> folderLinks, List<Path> jobFiles,
        List<Path> otherFiles, List<Unreadable> unreadable, List<SameFile> sameFiles, List<SameKey> sameKeys) {
    public BronzeInput {
        files = List.copyOf(requireNonNull(files, "files is null"));
        lakeFolders = List.copyOf(requireNonNull(lakeFolders, "lakeFolders is null"));
        folderLinks = List.copyOf(requireNonNull(folderLinks, "folderLinks is null"));
        jobFiles = List.copyOf(requireNonNull(jobFiles, "jobFiles is null"));
        otherFiles = List.copyOf(requireNonNull(otherFiles, "otherFiles is null"));
        unreadable = List.copyOf(requireNonNull(unreadable, "unreadable is null"));
        sameFiles = List.copyOf(requireNonNull(sameFiles, "sameFiles is null"));
        sameKeys = List.copyOf(requireNonNull(sameKeys, "sameKeys is null"));
    }

    /** A symbolic link to a folder, and the folder it leads to. */
    public record FolderLink(Path link, Path target) {
        public FolderLink {
            requireNonNull(link, "link is null");
            requireNonNull(target, "target is null");
        }

        @Override
        public String toString() {
            return link + " -> " + target;
        }
    }

    /** A file or folder the walk could not read, and why, in words. */
    public record Unreadable(Path path, String reason) {
        public Unreadable {
            requireNonNull(path, "path is null");
            requireNonNull(reason, "reason is null");
        }

        @Override
        public String toString() {
            return path + " (" + reason + ")";
        }
    }

    /**
     * One file that the input holds under two keys or more: through a symbolic link to a file converted
     * anyway, or as hard links to one file. Converted under each key, its rows would be in silver (and
     * gold) twice; {@code bronze-ingest upload} refuses to upload such a file twice for that reason.
     *
     * @param realPath the file, links resolved (the first key's, when hard links give it several names)
     * @param files the bronze files that are this file, in key order: two or more
     * @param links those of their paths that are symbolic links to it; the others are the file's own
     *         names, hard links to one another when there are several
     */
    public record SameFile(Path realPath, List<BronzeFile> files, List<Path> links) {
        public SameFile {
            requireNonNull(realPath, "realPath is null");
            files = List.copyOf(requireNonNull(files, "files is null"));
            links = List.copyOf(requireNonNull(links, "links is null"));
            if (files.size() < 2) {
                throw new IllegalArgumentException("one file on one key is not the same file twice: " + files);
            }
        }

        /** The paths that are the file's own names, not symbolic links: hard links to one another when there are several. */
        public List<Path> names() {
            return files.stream().map(BronzeFile::path).filter(path -> !links.contains(path)).toList();
        }
    }

    /**
     * Two files or more that the input holds under one key: names that differ only in their Unicode form
     * ({@code café.csv} in NFC, and in NFD as a copy from a Mac can spell it), which Linux keeps as two
     * files and a key takes in NFC, as {@code bronze-ingest upload}'s keys do. Converted under one key,
     * one file's rows would replace the other's; {@code bronze-ingest upload} refuses them for that reason.
     *
     * @param key the key they would share
     * @param files the files, in path order: two or more, each another file
     */
    public record SameKey(String key, List<BronzeFile> files) {
        public SameKey {
            requireNonNull(key, "key is null");
            files = List.copyOf(requireNonNull(files, "files is null"));
            if (files.size() < 2) {
                throw new IllegalArgumentException("one file on a key is not two files on one key: " + files);
            }
        }
    }
}
