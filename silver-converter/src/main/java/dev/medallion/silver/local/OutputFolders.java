package dev.medallion.silver.local;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Whether a folder option of a local command ({@code --output}, {@code --lake}) names a folder that can be
 * one: checked before anything is written, so a file given by mistake is a wrong argument (exit code 2) named
 * by its option, not an {@code I/O error "<path>/silver: Not a directory"} halfway through the run; and
 * whether this user can write it, found otherwise only when the first write failed, once files were read.
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

    /**
     * Why this user cannot write what a command writes in {@code folder}, the folder {@code option} names, for
     * people, or empty: the first existing folder on its path, when it is still to be created; else those of
     * {@code written} that exist; and the lock file of its commits, or, not made yet, the folder it is made in.
     * Checked by the file's mode ({@link Files#isWritable}), as this user's process would be refused.
     *
     * @param written the folders written in {@code folder}, {@code folder} itself among them when the command creates
     *     anything directly in it
     * @param lockFile the lock file its commits take ({@code LocalObjectStore.lockFile}), opened for writing, made if missing
     */
    public static Optional<String> unwritable(String option, Path folder, List<Path> written, Path lockFile) {
        requireNonNull(option, "option is null");
        requireNonNull(folder, "folder is null");
        requireNonNull(written, "written is null");
        requireNonNull(lockFile, "lockFile is null");
        Path existing = folder;
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Optional.empty();
        }
        if (!existing.equals(folder)) {
            return Files.isWritable(existing) ? Optional.empty() : Optional.of(option + " " + folder + " cannot be created: " + existing
                    + " is not writable (permission denied): give a folder you can write to (it is created if missing), or make " + existing + " writable");
        }
        String whatToDo = ": make it writable, or give " + option + " another folder (it is created if missing)";
        Optional<String> unwritableFolder = written.stream()
                .filter(path -> Files.isDirectory(path) && !Files.isWritable(path))
                .findFirst()
                .map(path -> option + " " + folder + (path.equals(folder) ? " is not writable" : " holds " + path + ", which is not writable")
                        + " (permission denied)" + whatToDo);
        if (unwritableFolder.isPresent()) {
            return unwritableFolder;
        }
        // Every commit opens it for writing, made if missing: found then, each file's commit was refused, exit code 1.
        if (Files.exists(lockFile)) {
            return Files.isWritable(lockFile) ? Optional.empty() : Optional.of(option + " " + folder + " holds " + lockFile
                    + ", the lock file of its commits, which is not writable (permission denied)" + whatToDo);
        }
        Path lockFolder = lockFile.getParent();
        if (lockFolder == null || !Files.isDirectory(lockFolder) || Files.isWritable(lockFolder)) {
            return Optional.empty();
        }
        return Optional.of(lockFolder.equals(folder)
                ? option + " " + folder + " is not writable (permission denied), and its commits make their lock file " + lockFile + " there" + whatToDo
                : option + " " + folder + "'s commits make their lock file " + lockFile + " in " + lockFolder + ", which is not writable (permission denied)" + whatToDo);
    }
}
