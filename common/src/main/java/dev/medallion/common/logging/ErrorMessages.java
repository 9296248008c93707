package dev.medallion.common.logging;

import java.io.EOFException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What to tell a person about an exception whose message goes into a sentence of ours. Many exceptions
 * carry no message ({@link EOFException} from a stream cut short, an {@code IOException} wrapped without
 * one); concatenated as they are, they would say "null". The JDK's file exceptions carry only the path
 * as their message ({@code AccessDeniedException: /x/f.csv}), which says which file but not why; and an
 * exception made around another ({@code new UncheckedIOException(e)}) takes the other's class name and message
 * as its own.
 */
public final class ErrorMessages {
    private ErrorMessages() {}

    /**
     * The exception's message when it has one; otherwise what kind of failure it is and, when it has a
     * cause, that cause's description. A file exception says what happened to which file
     * ({@code permission denied: /x/f.csv}), with the other file and the reason the system gave when it has
     * them; an exception whose message is only its cause's {@code toString()} lets the cause speak. Never
     * null, never blank.
     */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "an unknown failure";
        }
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        StringBuilder description = new StringBuilder();
        for (Throwable current = failure; current != null && seen.put(current, true) == null; current = current.getCause()) {
            if (current instanceof FileSystemException fileFailure) {
                Optional<String> happened = fileFailure(fileFailure);
                if (happened.isPresent()) {
                    return description.append(happened.get()).toString();
                }
            }
            String message = current.getMessage();
            if (message != null && current.getCause() != null && message.equals(current.getCause().toString()) && !seen.containsKey(current.getCause())) {
                // Throwable(cause) made it so: the class name and message of the cause, which the next turn says better.
                continue;
            }
            if (message != null && !message.isBlank()) {
                return description.append(message.strip()).toString();
            }
            description.append(kind(current));
            if (current.getCause() == null || seen.containsKey(current.getCause())) {
                return description.append(" (no details given)").toString();
            }
            description.append(", caused by ");
        }
        return description.toString();
    }

    /**
     * What happened, for a sentence that names the file already ({@code cannot read --input /x/f.csv (permission
     * denied)}): for a file exception, what its kind says and the reason the system gave, without the path; for any
     * other failure, its {@link #describe description}. Never null, never blank.
     */
    public static String reason(Throwable failure) {
        if (failure instanceof FileSystemException fileFailure) {
            String happened = whatHappened(fileFailure);
            String reason = fileFailure.getReason() == null || fileFailure.getReason().isBlank() ? null : fileFailure.getReason().strip();
            if (happened != null) {
                return reason == null ? happened : happened + " (" + reason + ")";
            }
            if (reason != null) {
                return reason;
            }
        }
        return describe(failure);
    }

    /**
     * What happened to which file, for the JDK's file exceptions, whose message is the path alone (and the
     * other file and reason, when given, after " -> " and ": "); empty for one with a reason and none of the
     * kinds named here, whose message ({@code /x/f.csv: Is a directory}) says it already.
     */
    private static Optional<String> fileFailure(FileSystemException failure) {
        String happened = whatHappened(failure);
        if (happened == null) {
            if (failure.getReason() != null && !failure.getReason().isBlank()) {
                return Optional.empty();
            }
            happened = "the file system refused it, giving no reason (" + kind(failure) + ")";
        }
        StringBuilder description = new StringBuilder(happened);
        if (failure.getFile() != null) {
            description.append(": ").append(failure.getFile());
            if (failure.getOtherFile() != null) {
                description.append(" -> ").append(failure.getOtherFile());
            }
        }
        if (whatHappened(failure) != null && failure.getReason() != null && !failure.getReason().isBlank()) {
            description.append(" (").append(failure.getReason().strip()).append(")");
        }
        return Optional.of(description.toString());
    }

    /** What the kind of {@code failure} says happened, or null for a plain FileSystemException, or one of another kind. */
    private static String whatHappened(FileSystemException failure) {
        if (failure instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (failure instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (failure instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (failure instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (failure instanceof DirectoryNotEmptyException) {
            return "folder not empty";
        }
        if (failure instanceof NotLinkException) {
            return "not a symbolic link";
        }
        if (failure instanceof FileSystemLoopException) {
            return "a loop of symbolic links";
        }
        if (failure instanceof AtomicMoveNotSupportedException) {
            return "cannot be moved atomically";
        }
        return null;
    }

    private static String kind(Throwable failure) {
        if (failure instanceof EOFException) {
            return "the data ends early (EOFException)";
        }
        return failure.getClass().getSimpleName().isEmpty() ? failure.getClass().getName() : failure.getClass().getSimpleName();
    }
}
