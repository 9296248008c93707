package dev.medallion.gold.lambda;

/** Some models could not be built; their previous builds stay in place. Failing the invocation makes it visible. */
public final class GoldBuildException extends RuntimeException {
    public GoldBuildException(String message) {
        super(message);
    }
}
