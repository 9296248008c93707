package dev.medallion.common.storage;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The time left to the Lambda invocation being handled, as the limit of each AWS request of the stores and
 * clients, which outlive invocations. So that a request that hangs is given up while the function can still
 * say what it leaves behind, where Lambda would kill it in mid-request at its timeout, saying nothing:
 * <ul>
 * <li>{@link #halfOfTimeLeft()} (the silver converter): a request may take half of what is left less a
 *     second ({@link #SPARE}), so each request given up still leaves time for the next one and for the
 *     invocation's answer.</li>
 * <li>{@link #beyondMargin} (the gold builder, which keeps a margin back to clean up in): a request may take
 *     what is left beyond the margin, or the half rule's limit where that is more (within the margin, where the
 *     cleanup's own requests run, and just above it).</li>
 * </ul>
 * Either way a request is given at least {@link #FLOOR}. Between invocations (SnapStart's snapshot, which
 * makes no request) there is no limit.
 */
public final class InvocationTimeLimit implements RequestTimeLimit {
    /** Kept back for the invocation's last words: its log lines and its answer. */
    public static final Duration SPARE = Duration.ofSeconds(1);
    /** Given even when almost nothing is left: a request needs some time, and Lambda ends the invocation anyway. */
    public static final Duration FLOOR = Duration.ofMillis(100);

    /** Null for the half rule alone. */
    private final Duration margin;
    private volatile Supplier<Duration> remaining;

    private InvocationTimeLimit(Duration margin) {
        this.margin = margin;
    }

    /** Each request may take half of what is left less a second. */
    public static InvocationTimeLimit halfOfTimeLeft() {
        return new InvocationTimeLimit(null);
    }

    /** Each request may take what is left beyond {@code margin}, or half of what is left less a second where that is more. */
    public static InvocationTimeLimit beyondMargin(Duration margin) {
        requireNonNull(margin, "margin is null");
        if (margin.isNegative()) {
            throw new IllegalArgumentException("margin is negative: " + margin);
        }
        return new InvocationTimeLimit(margin);
    }

    /** From now until {@link #end}, requests are limited by the time the invocation has left, as {@code remaining} tells it. */
    public void begin(Supplier<Duration> remaining) {
        this.remaining = requireNonNull(remaining, "remaining is null");
    }

    public void end() {
        remaining = null;
    }

    @Override
    public Optional<Duration> next() {
        Supplier<Duration> current = remaining;
        if (current == null) {
            return Optional.empty();
        }
        long left = current.get().toMillis();
        long limit = (left - SPARE.toMillis()) / 2;
        if (margin != null) {
            limit = Math.max(limit, left - margin.toMillis());
        }
        return Optional.of(Duration.ofMillis(Math.max(FLOOR.toMillis(), limit)));
    }
}
