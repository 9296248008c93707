package dev.medallion.common.storage;

import dev.medallion.common.testing.WithoutCapabilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The lock that conditional writes take across processes, as processes of several users on one machine meet it. The
 * writer runs in a JVM of its own without root's capabilities (setpriv, as the local command's tests run it), so that
 * file modes hold for it as for any user; folders another user made are given to uid 65534 ("nobody").
 */
final class LocalObjectStoreLockTest {
    private static final int ANOTHER_USER = 65534;

    @TempDir
    Path directory;

    /**
     * The lock folder another user made first in the temporary directory (mode 755, theirs): a conditional write to a lake
     * this user owns failed there (AccessDeniedException on the lock file, which the commit reported as a manifest write
     * failed without a definite answer). The lock now lives beside the lake's folder, where every writer of the lake finds it.
     */
    @Test
    void aLockFolderAnotherUserMadeInTheTemporaryDirectoryDoesNotStopAWriteToOneOwnLake() throws Exception {
        Path temporary = Files.createDirectories(directory.resolve("tmp"));
        Path theirs = Files.createDirectories(temporary.resolve("medallion-locks"));
        givenToAnotherUser(theirs);
        Path root = Files.createDirectories(directory.resolve("lake/silver"));

        Outcome outcome = writeWithoutRootsPowers(temporary, root);

        assertEquals(0, outcome.exit(), outcome.err());
        assertEquals("written\n", outcome.out(), outcome.err());
        assertEquals("x", Files.readString(root.resolve("sales/x.csv")));
        try (Stream<Path> left = Files.list(theirs)) {
            assertEquals(List.of(), left.toList(), "nothing in the other user's folder");
        }
        assertEquals(List.of(".silver.medallion-lock", "silver"), namesIn(directory.resolve("lake")), "the lock beside the lake's folder, not in it");
    }

    /**
     * A lake folder this user may write, in a folder it may not (another user's, mode 755): the lock cannot be made. The
     * write is refused, nothing written, with a message naming the lock file, why, and what to do.
     */
    @Test
    void aLockThatCannotBeMadeRefusesTheWriteNamingItsFolderAndWhatToDo() throws Exception {
        Path temporary = Files.createDirectories(directory.resolve("tmp"));
        Path shared = Files.createDirectories(directory.resolve("shared"));
        Path root = Files.createDirectories(shared.resolve("silver"));
        givenToAnotherUser(shared);

        Outcome outcome = writeWithoutRootsPowers(temporary, root);

        assertEquals(1, outcome.exit(), outcome.err());
        assertEquals("WriteRefusedException: cannot create " + shared.resolve(".silver.medallion-lock") + ", the lock file conditional writes to "
                + root + " take across processes (permission denied), so nothing was written: make " + shared + " writable by this user (its"
                + " lock file, once made, too, for every user who writes the lake), or give a lake folder in a folder you can write\n", outcome.err());
        assertFalse(Files.exists(root.resolve("sales/x.csv")), "nothing written");
    }

    /** The folder made another user's, as its maker's umask leaves it (755): only root may give a file away. */
    private void givenToAnotherUser(Path folder) throws IOException {
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(directory, "unix:uid")), "not root: cannot give a folder to another user");
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(folder, "unix:uid", ANOTHER_USER);
    }

    private static List<String> namesIn(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
        }
    }

    /** {@link ConditionalWrite} in a JVM of its own that holds no capability, its temporary directory {@code temporary}. */
    private static Outcome writeWithoutRootsPowers(Path temporary, Path root) throws IOException, InterruptedException {
        WithoutCapabilities.Outcome outcome = WithoutCapabilities.run(List.of("-Djava.io.tmpdir=" + temporary), ConditionalWrite.class, List.of(root.toString()));
        return new Outcome(outcome.exit(), outcome.out(), outcome.err());
    }

    private record Outcome(int exit, String out, String err) {}

    /** Writes {@code sales/x.csv} if absent under the root given, as a commit writes its manifest; the failure's class and message on error. */
    public static final class ConditionalWrite {
        public static void main(String[] args) {
            try {
                Optional<String> written = new LocalObjectStore(Path.of(args[0])).putIf("sales/x.csv", "x".getBytes(StandardCharsets.UTF_8), Optional.empty());
                System.out.println(written.isPresent() ? "written" : "not written");
            }
            catch (IOException e) {
                System.err.println(e.getClass().getSimpleName() + ": " + e.getMessage());
                System.exit(1);
            }
        }
    }
}
