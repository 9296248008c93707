package dev.medallion.common.storage;

import java.time.Duration;
import java.util.Optional;

/**
 * How long the next AWS request (S3, and the silver converter's Glue catalog) may take in all, the SDK's own
 * retries included. A function's run must
 * give up on a request that hangs while it still has time to say what it leaves behind: killed in the
 * middle of a request at the function's timeout, it can neither mark its output nor log why.
 */
@FunctionalInterface
public interface RequestTimeLimit {
    /** No limit but the HTTP client's own timeouts: the local commands, and tests that are not about time. */
    RequestTimeLimit NONE = Optional::empty;

    /** The limit of a request starting now; empty when there is none. */
    Optional<Duration> next();
}
