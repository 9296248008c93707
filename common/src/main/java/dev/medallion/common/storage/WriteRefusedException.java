package dev.medallion.common.storage;

import java.io.IOException;

/**
 * The store answered a write and refused it, so the write did not happen and never will: S3 answered a
 * 4xx (denied, invalid, bucket missing, a 409 other than ConditionalRequestConflict or OperationAborted) to the only attempt, or
 * one of those two 409s to every round of a conditional write,
 * with no attempt left unanswered. Any other failure of a write (a 5xx, an
 * answer lost or cut, a timeout, an attempt before the last that failed so) leaves its outcome unknown:
 * the write may have landed, or may still land, after the caller has given up on it.
 */
public final class WriteRefusedException extends IOException {
    public WriteRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
