package dev.medallion.bronze.upload;

import dev.medallion.common.logging.ErrorMessages;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** One line on why a local file could not be read, the path included. */
final class LocalFileErrors {
    private LocalFileErrors() {}

    static String describe(Exception e) {
        // File system exceptions carry only the path as their message.
        if (e instanceof NoSuchFileException) {
            return ErrorMessages.describe(e) + " no longer exists";
        }
        if (e instanceof AccessDeniedException) {
            return "no permission to read " + ErrorMessages.describe(e);
        }
        return ErrorMessages.describe(e).replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
