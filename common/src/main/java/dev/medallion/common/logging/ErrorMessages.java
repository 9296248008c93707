package dev.medallion.common.logging;

import java.io.EOFException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What to tell a person about an exception whose message goes into a sentence of ours. Many exceptions
 * carry no message ({@link EOFException} from a stream cut short, an {@code IOException} wrapped without
 * one); concatenated as they are, they would say "null".
 */
public final class ErrorMessages {
    private ErrorMessages() {}

    /**
     * The exception's message when it has one; otherwise what kind of failure it is and, when it has a
     * cause, that cause's description. Never null, never blank.
     */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "an unknown failure";
        }
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        StringBuilder description = new StringBuilder();
        for (Throwable current = failure; current != null && seen.put(current, true) == null; current = current.getCause()) {
            String message = current.getMessage();
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

    private static String kind(Throwable failure) {
        if (failure instanceof EOFException) {
            return "the data ends early (EOFException)";
        }
        return failure.getClass().getSimpleName().isEmpty() ? failure.getClass().getName() : failure.getClass().getSimpleName();
    }
}
