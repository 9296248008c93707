package dev.medallion.common.cli;

import static java.util.Objects.requireNonNull;

/** The command line itself is wrong: an unknown option, a missing value, a number that is not one. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(requireNonNull(message, "message is null"));
    }
}
