package dev.medallion.bronze.upload;

import dev.medallion.common.logging.ErrorMessages;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** One line on why a local file could not be read, the path included. */
final class LocalFileErrors {
    private LocalFileErrors() {}

    static String describe(Exception e) {
        // Said with the path the exception names: ErrorMessages' "permission denied: <path>" would follow "no permission to read" twice over.
        if (e instanceof NoSuchFileException missing && missing.getFile() != null) {
            return missing.getFile() + " no longer exists";
        }
        if (e instanceof AccessDeniedException denied && denied.getFile() != null) {
            return "no permission to read " + denied.getFile();
        }
        return ErrorMessages.describe(e).replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
