package dev.medallion.silver;

import java.time.Duration;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The time a conversion may take. A Lambda invocation is killed at its timeout wherever it is; a run that
 * sees its time running out instead stops at a chunk boundary, discards what it wrote and fails, so the
 * retry starts clean. The reserve is the time kept for discarding (or for committing, which takes a few
 * requests), and must cover one chunk's work at the function's speed.
 */
public final class Deadline {
    private static final Deadline NONE = new Deadline(() -> Long.MAX_VALUE, Duration.ZERO);

    private final LongSupplier remainingMillis;
    private final Duration reserve;

    private Deadline(LongSupplier remainingMillis, Duration reserve) {
        this.remainingMillis = requireNonNull(remainingMillis, "remainingMillis is null");
        this.reserve = requireNonNull(reserve, "reserve is null");
        if (reserve.isNegative()) {
            throw new IllegalArgumentException("reserve is negative: " + reserve);
        }
    }

    /** No limit: the local command, and tests that are not about time. */
    public static Deadline none() {
        return NONE;
    }

    /**
     * @param remainingMillis the time left, asked afresh at every check (Lambda's
     *        {@code Context::getRemainingTimeInMillis})
     * @param reserve the time to keep in hand when stopping
     */
    public static Deadline of(LongSupplier remainingMillis, Duration reserve) {
        return new Deadline(remainingMillis, reserve);
    }

    /** Throws when no more than the reserve is left; {@code where} says how far the conversion got. */
    public void check(String where) throws DeadlineExceededException {
        long remaining = remainingMillis.getAsLong();
        if (remaining <= reserve.toMillis()) {
            throw new DeadlineExceededException("Stopped " + where + " with " + remaining + " ms of the invocation left (the last "
                    + reserve.toMillis() + " ms are kept to discard or commit): the file takes longer to convert than one invocation"
                    + " allows at this memory size. What was written is discarded and the invocation fails, so Lambda retries it;"
                    + " raise the function's memory (it buys CPU) or timeout, or split the file");
        }
    }
}
