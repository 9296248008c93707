package dev.medallion.common.config;

/** A deployment mistake a person must fix: retrying cannot help. */
public final class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }
}
