package dev.medallion.silver;

import java.io.IOException;

/** The invocation's time ran out before the conversion could commit; retryable, like any storage failure. */
public final class DeadlineExceededException extends IOException {
    public DeadlineExceededException(String message) {
        super(message);
    }
}
