package dev.medallion.gold.lambda;

/** Some models could not be built, each failure saying which build its readers see. Failing the invocation makes it visible. */
public final class GoldBuildException extends RuntimeException {
    public GoldBuildException(String message) {
        super(message);
    }
}
