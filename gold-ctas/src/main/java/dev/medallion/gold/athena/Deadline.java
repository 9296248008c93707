package dev.medallion.gold.athena;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * How long the caller may still run. In Lambda it is the invocation's remaining time; the core takes
 * this instead of Lambda's context, so it runs and is tested without Lambda.
 */
@FunctionalInterface
public interface Deadline {
    /** Time left, negative once the deadline has passed. */
    Duration remaining();

    /** A deadline at a fixed instant of {@code clock}. */
    static Deadline at(Instant end, Clock clock) {
        requireNonNull(end, "end is null");
        requireNonNull(clock, "clock is null");
        return () -> Duration.between(clock.instant(), end);
    }
}
