package dev.medallion.gold.lambda;

/** Another build holds the build lease: nothing was built, and a retry after that build will build. */
public final class GoldBuildBusyException extends RuntimeException {
    public GoldBuildBusyException(String message) {
        super(message);
    }
}
