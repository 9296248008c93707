package dev.medallion.common.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * A fault {@link FaultProxy#inject added} to a proxy: which requests it takes, what it does to them, how
 * many more it takes, and how many it has hit, so that a test can wait until the fault has happened
 * ({@link #awaitHits}) rather than sleep and hope.
 * <p>
 * A request is claimed when its head arrives (the proxy then decrements {@link #remaining()}); it is a hit
 * once the proxy has read the whole request and applies the fault to it. A client that goes away while
 * still sending its request therefore uses one of the {@code times} without a hit.
 */
public final class Injection {
    private final Predicate<Request> matcher;
    private final Fault fault;
    private final int times;
    private int remaining;
    private int hits;
    private int landed;

    Injection(Predicate<Request> matcher, Fault fault, int times) {
        this.matcher = requireNonNull(matcher, "matcher is null");
        this.fault = requireNonNull(fault, "fault is null");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1: " + times);
        }
        this.times = times;
        this.remaining = times;
    }

    public Fault fault() {
        return fault;
    }

    /** How many more requests this injection will take. */
    public synchronized int remaining() {
        return remaining;
    }

    /** How many requests this fault has been applied to so far. */
    public synchronized int hits() {
        return hits;
    }

    /**
     * Waits until the fault has been applied to at least {@code n} requests, or the timeout has passed.
     *
     * @return whether it has
     */
    public synchronized boolean awaitHits(int n, Duration timeout) throws InterruptedException {
        return await(() -> hits >= n, timeout);
    }

    /** Waits until {@code n} requests held by {@link Fault#landsLater} have been forwarded, or the timeout has passed; returns whether they have. */
    public synchronized boolean awaitLanded(int n, Duration timeout) throws InterruptedException {
        return await(() -> landed >= n, timeout);
    }

    /** Called holding this object's monitor. */
    private boolean await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        requireNonNull(timeout, "timeout is null");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            // wait(0) would wait forever: round the last fraction of a millisecond up.
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Takes this request if it matches and the injection has uses left. The proxy calls this under its lock, in the order injections were added. */
    synchronized boolean claim(Request request) {
        if (remaining > 0 && matcher.test(request)) {
            remaining--;
            return true;
        }
        return false;
    }

    synchronized void hit() {
        hits++;
        notifyAll();
    }

    synchronized void land() {
        landed++;
        notifyAll();
    }

    @Override
    public synchronized String toString() {
        return "Injection[" + fault + ", " + hits + " hit(s), " + remaining + " of " + times + " left]";
    }
}
