package dev.medallion.local.silver;

import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What {@link BronzeFiles#under} found under an input: the bronze files, and what it left out that a
 * person should hear about.
 *
 * @param files the bronze files, in key order
 * @param lakeFolders the folders the command writes (the lake's {@code silver/} and {@code gold/}) found
 *         under the input and left out, so a lake inside the input is not read back as bronze
 * @param folderLinks the links to folders under the input, which are not followed
 * @param unreadable what could not be read, so the files under it would be missing
 */
public record BronzeInput(List<BronzeFile> files, List<Path> lakeFolders, List<FolderLink> folderLinks, List<Unreadable> unreadable) {
    public BronzeInput {
        files = List.copyOf(requireNonNull(files, "files is null"));
        lakeFolders = List.copyOf(requireNonNull(lakeFolders, "lakeFolders is null"));
        folderLinks = List.copyOf(requireNonNull(folderLinks, "folderLinks is null"));
        unreadable = List.copyOf(requireNonNull(unreadable, "unreadable is null"));
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
}
