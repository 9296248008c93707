package dev.medallion.gold.lambda;

import dev.medallion.common.storage.RequestTimeLimit;
import dev.medallion.gold.athena.Deadline;

import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The time left to the invocation being handled, as a limit on each S3, Glue and Athena request of the
 * builder, its stores and the lease, which outlive invocations. A request may take what the invocation has
 * left beyond the builder's safety margin: a request that hangs while a model is fingerprinted, a query
 * polled or a state written then fails with the margin still ahead, in which the builder stops the query,
 * removes the build and releases the lease, where Lambda would kill the invocation in mid-request at its
 * timeout, leaving the lease held until it expires and nothing said about which request hung. Once less
 * than that is left beyond the margin (with under {@code 2 × margin − 1 s} to go, and always within the margin,
 * where the cleanup's own requests run), a request may take half of what is left less a second, as the silver
 * converter's do: each one given up still leaves time for the next and for the invocation's answer, until
 * the limit reaches its floor ({@link #FLOOR}). Between invocations (SnapStart's snapshot, which makes no
 * request) there is no limit.
 */
final class InvocationTime implements RequestTimeLimit {
    /** Kept back for the invocation's last words: its log lines and its answer. */
    static final Duration SPARE = Duration.ofSeconds(1);
    /** Given even when almost nothing is left: a request needs some time, and Lambda ends the invocation anyway. */
    static final Duration FLOOR = Duration.ofMillis(100);

    private final Duration margin;
    private volatile Deadline deadline;

    /** @param margin what the builder keeps back from the deadline to clean up ({@link dev.medallion.gold.build.GoldBuilder#SAFETY_MARGIN}) */
    InvocationTime(Duration margin) {
        this.margin = requireNonNull(margin, "margin is null");
        if (margin.isNegative()) {
            throw new IllegalArgumentException("margin is negative: " + margin);
        }
    }

    /** From now until {@link #end}, requests are limited by this invocation's deadline. */
    void begin(Deadline deadline) {
        this.deadline = requireNonNull(deadline, "deadline is null");
    }

    void end() {
        deadline = null;
    }

    @Override
    public Optional<Duration> next() {
        Deadline current = deadline;
        if (current == null) {
            return Optional.empty();
        }
        long left = current.remaining().toMillis();
        long beyondMargin = left - margin.toMillis();
        long half = (left - SPARE.toMillis()) / 2;
        return Optional.of(Duration.ofMillis(Math.max(FLOOR.toMillis(), Math.max(beyondMargin, half))));
    }
}
