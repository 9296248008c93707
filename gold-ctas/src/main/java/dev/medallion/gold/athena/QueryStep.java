package dev.medallion.gold.athena;

import static java.util.Objects.requireNonNull;

/**
 * Which query of which build: carried into logs and failure messages, so that a line in CloudWatch or
 * an invocation's error names the model, the build and the step without anything else to look up.
 *
 * @param step {@code partitions}, {@code ctas}, {@code insert 2/3}, {@code view}
 */
public record QueryStep(String model, String buildId, String step) {
    public QueryStep {
        requireNonNull(model, "model is null");
        requireNonNull(buildId, "buildId is null");
        requireNonNull(step, "step is null");
    }

    @Override
    public String toString() {
        return step + " query of gold model " + model + " (build " + buildId + ")";
    }
}
