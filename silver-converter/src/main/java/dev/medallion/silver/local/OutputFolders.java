package dev.medallion.silver.local;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Whether a folder option of a local command ({@code --output}, {@code --lake}) names a folder that can be
 * one: checked before anything is written, so a file given by mistake is a wrong argument (exit code 2) named
 * by its option, not an {@code I/O error "<path>/silver: Not a directory"} halfway through the run.
 */
public final class OutputFolders {
    private OutputFolders() {}

    /**
     * Why {@code folder} cannot be used as the folder {@code option} names, for people, or empty when it is
     * a folder or can be created: nothing on its path, up to the first existing folder, is a file.
     */
    public static Optional<String> problem(String option, Path folder) {
        requireNonNull(option, "option is null");
        Path absolute = requireNonNull(folder, "folder is null").toAbsolutePath().normalize();
        String remedy = ": give a folder (it is created if missing)";
        for (Path path = absolute; path != null; path = path.getParent()) {
            // Followed links: a link to a folder is that folder, as createDirectories takes it.
            if (Files.isDirectory(path)) {
                return Optional.empty();
            }
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                String what = Files.isRegularFile(path) ? "a file" : Files.exists(path) ? "not a folder" : "a broken link";
                return Optional.of(option + " " + absolute + (path.equals(absolute) ? " is " + what : " lies under " + path + ", which is " + what) + remedy);
            }
        }
        return Optional.empty();
    }
}
