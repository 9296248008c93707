package dev.medallion.silver.lambda;

/** Some objects of an event could not be converted for a reason worth retrying; Lambda retries the event. */
public final class SilverConversionException extends RuntimeException {
    public SilverConversionException(String message, Throwable cause) {
        super(message, cause);
    }
}
