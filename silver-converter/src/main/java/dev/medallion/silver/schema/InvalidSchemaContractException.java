package dev.medallion.silver.schema;

/** The stored schema contract of a dataset cannot be used; a person must fix or delete it. */
public final class InvalidSchemaContractException extends RuntimeException {
    public InvalidSchemaContractException(String message) {
        super(message);
    }

    public InvalidSchemaContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
