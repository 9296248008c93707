package dev.medallion.silver.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.medallion.common.storage.RequestTimeLimit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The time left to the invocation being handled, as a limit on each S3 and Glue request of the stores and
 * the catalog, which outlive invocations. A request may take half of what is left less a second: so a run whose request hangs in its
 * commit still has time to mark what it leaves behind and to fail with a message, where Lambda would kill it
 * in mid-request at its timeout, and a sequence of requests each given up at its limit leaves that second
 * until the limit reaches its floor ({@link #FLOOR}, once about 1.2 s are left; from there each request
 * still gets the floor, and Lambda may end the invocation during one). Between invocations (SnapStart's
 * priming, which makes no request) there is no limit.
 */
final class InvocationTime implements RequestTimeLimit {
    /** Kept back for the run's last words: its log line and the invocation's answer. */
    static final Duration SPARE = Duration.ofSeconds(1);
    /** Given even when almost nothing is left: a request needs some time, and Lambda ends the invocation anyway. */
    static final Duration FLOOR = Duration.ofMillis(100);

    private volatile IntSupplier remainingMillis;

    /** From now until {@link #end}, requests are limited by this invocation's time (none without a context). */
    void begin(Context context) {
        remainingMillis = context == null ? null : context::getRemainingTimeInMillis;
    }

    void end() {
        remainingMillis = null;
    }

    @Override
    public Optional<Duration> next() {
        IntSupplier remaining = remainingMillis;
        if (remaining == null) {
            return Optional.empty();
        }
        long half = (remaining.getAsInt() - SPARE.toMillis()) / 2;
        return Optional.of(Duration.ofMillis(Math.max(FLOOR.toMillis(), half)));
    }
}
