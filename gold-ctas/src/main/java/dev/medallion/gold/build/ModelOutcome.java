package dev.medallion.gold.build;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What became of one model in one invocation.
 *
 * @param buildId the new build for {@code BUILT} and a failed build, the current one for {@code UNCHANGED}
 * @param queries Athena queries sent
 * @param bytesScanned what those queries scanned, which is what Athena bills
 * @param failure for {@code FAILED}: the step, Athena's query id and reason; for {@code WAITING}: the
 *        sources that have no silver table yet
 */
public record ModelOutcome(String model, Status status, Optional<String> buildId, int partitions, int queries, long bytesScanned,
        double seconds, Optional<String> failure) {
    /**
     * {@code WAITING}: a source of the model has no silver table and no converted file yet (a lake that
     * holds its own datasets, or none of this one yet), so no query was sent and nothing failed.
     */
    public enum Status { BUILT, UNCHANGED, WAITING, FAILED }

    public ModelOutcome {
        requireNonNull(model, "model is null");
        requireNonNull(status, "status is null");
        requireNonNull(buildId, "buildId is null");
        requireNonNull(failure, "failure is null");
        if ((status == Status.FAILED || status == Status.WAITING) != failure.isPresent()) {
            throw new IllegalArgumentException("A reason goes with FAILED and WAITING and only with them: " + status + ", " + failure);
        }
    }

    /** Seconds since {@code startedNanos} ({@link System#nanoTime}), to the millisecond: an outcome's {@code seconds}. */
    static double secondsSince(long startedNanos) {
        return Math.round((System.nanoTime() - startedNanos) / 1e6) / 1000.0;
    }

    public boolean failed() {
        return status == Status.FAILED;
    }

    /** One line for the invocation's result, such as {@code built 20260314233000_a1b2c3}. */
    public String summary() {
        return switch (status) {
            case BUILT -> "built " + buildId.orElseThrow();
            case UNCHANGED -> "unchanged " + buildId.orElse("");
            case WAITING -> "waiting: " + failure.orElseThrow();
            case FAILED -> "failed: " + failure.orElseThrow();
        };
    }
}
