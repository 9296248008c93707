package dev.medallion.common.logging;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ErrorMessagesTest {
    @Test
    void aMessageIsTakenAsItIs() {
        assertEquals("disk full", ErrorMessages.describe(new IOException("disk full")));
        assertEquals("wrapped", ErrorMessages.describe(new IOException("wrapped", new EOFException())));
    }

    @Test
    void noMessageNeverSaysNull() {
        assertEquals("the data ends early (EOFException) (no details given)", ErrorMessages.describe(new EOFException()));
        assertEquals("IOException (no details given)", ErrorMessages.describe(new IOException((String) null)));
        assertEquals("IllegalStateException (no details given)", ErrorMessages.describe(new IllegalStateException("  ")));
        assertEquals("an unknown failure", ErrorMessages.describe(null));
    }

    @Test
    void withoutAMessageTheCauseSpeaks() {
        assertEquals("UncheckedIOException, caused by connection reset",
                ErrorMessages.describe(new UncheckedIOException(null, new IOException("connection reset"))));
        assertEquals("RuntimeException, caused by the data ends early (EOFException) (no details given)",
                ErrorMessages.describe(new RuntimeException((String) null, new EOFException())));
    }

    @Test
    void aCauseCycleEnds() {
        IOException a = new IOException((String) null);
        IOException b = new IOException((String) null, a);
        a.initCause(b);
        assertEquals("IOException, caused by IOException (no details given)", ErrorMessages.describe(a));
    }

    // The JDK's file exceptions carry the path alone as their message ("/x/f.csv"): said as it is, a person learns which file, not why.
    @Test
    void aFileExceptionSaysWhatHappened() {
        assertEquals("permission denied: /x/f.csv", ErrorMessages.describe(new AccessDeniedException("/x/f.csv")));
        assertEquals("no such file or folder: /x/f.csv", ErrorMessages.describe(new NoSuchFileException("/x/f.csv")));
        assertEquals("already exists: /x/out", ErrorMessages.describe(new FileAlreadyExistsException("/x/out")));
        assertEquals("not a folder: /x/f.csv", ErrorMessages.describe(new NotDirectoryException("/x/f.csv")));
        assertEquals("folder not empty: /x/out", ErrorMessages.describe(new DirectoryNotEmptyException("/x/out")));
        assertEquals("not a symbolic link: /x/f.csv", ErrorMessages.describe(new NotLinkException("/x/f.csv")));
        assertEquals("a loop of symbolic links: /x/loop", ErrorMessages.describe(new FileSystemLoopException("/x/loop")));
    }

    @Test
    void aFileExceptionNamesTheOtherFileAndTheReason() {
        assertEquals("permission denied: /x/a -> /x/b (Operation not permitted)",
                ErrorMessages.describe(new AccessDeniedException("/x/a", "/x/b", "Operation not permitted")));
        assertEquals("already exists: /x/a -> /x/b", ErrorMessages.describe(new FileAlreadyExistsException("/x/a", "/x/b", null)));
        assertEquals("cannot be moved atomically: /x/a -> /y/a (Invalid cross-device link)",
                ErrorMessages.describe(new AtomicMoveNotSupportedException("/x/a", "/y/a", "Invalid cross-device link")));
        assertEquals("no such file or folder", ErrorMessages.describe(new NoSuchFileException(null)));
    }

    @Test
    void aFileSystemExceptionSaysItsReasonOrThatItGaveNone() {
        assertEquals("/x/f.csv: Is a directory", ErrorMessages.describe(new FileSystemException("/x/f.csv", null, "Is a directory")));
        assertEquals("/x/f.csv -> /x/g.csv: Read-only file system", ErrorMessages.describe(new FileSystemException("/x/f.csv", "/x/g.csv", "Read-only file system")));
        assertEquals("the file system refused it, giving no reason (FileSystemException): /x/f.csv", ErrorMessages.describe(new FileSystemException("/x/f.csv")));
    }

    // new UncheckedIOException(e) and the like take e.toString() as their message: the class name and the path.
    @Test
    void aWrapperWhoseMessageIsItsCauseLetsTheCauseSpeak() {
        assertEquals("permission denied: /x/f.csv", ErrorMessages.describe(new UncheckedIOException(new AccessDeniedException("/x/f.csv"))));
        assertEquals("no such file or folder: /x/f.csv", ErrorMessages.describe(new RuntimeException(new NoSuchFileException("/x/f.csv"))));
        assertEquals("reading the contract: permission denied: /x/c.json",
                ErrorMessages.describe(new UncheckedIOException("reading the contract: permission denied: /x/c.json", new AccessDeniedException("/x/c.json"))));
    }

    @Test
    void theReasonLeavesThePathToTheSentenceThatNamesIt() {
        assertEquals("permission denied", ErrorMessages.reason(new AccessDeniedException("/x/f.csv")));
        assertEquals("permission denied (Operation not permitted)", ErrorMessages.reason(new AccessDeniedException("/x/f.csv", null, "Operation not permitted")));
        assertEquals("Is a directory", ErrorMessages.reason(new FileSystemException("/x/f.csv", null, "Is a directory")));
        assertEquals("the file system refused it, giving no reason (FileSystemException): /x/f.csv", ErrorMessages.reason(new FileSystemException("/x/f.csv")));
        assertEquals("disk full", ErrorMessages.reason(new IOException("disk full")));
    }
}
