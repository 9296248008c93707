package dev.medallion.gold.athena;

import java.time.Duration;

/** Waits between two polls of a query; a seam so that tests of the waiting need not wait. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    static Sleeper system() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}
