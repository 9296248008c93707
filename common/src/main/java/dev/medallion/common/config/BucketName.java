package dev.medallion.common.config;

/** The check each function makes of the bucket variables it reads, at start. */
final class BucketName {
    private BucketName() {}

    /**
     * {@code value}, refused when it holds a '/': an {@code s3://} URL or a bucket with a key prefix, which S3
     * would take as no bucket of the stack; the prefix goes in {@code prefixVariable}.
     */
    static String checked(String variable, String prefixVariable, String value) {
        if (value.contains("/")) {
            throw new ConfigurationException("Environment variable " + variable + " must be a bucket name without '/' (a key prefix goes in "
                    + prefixVariable + "), got '" + value + "'");
        }
        return value;
    }
}
