package dev.medallion.common.testing;

import java.util.Optional;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * How LocalStack is run when the harness starts it, read from system properties and the environment.
 * Kept apart from {@link LocalStackEmulator} so reading it never loads Testcontainers, which a module's
 * test class path may lack.
 *
 * @param image the Docker image
 * @param authToken passed on to the container when set
 */
record LocalStackSettings(String image, Optional<String> authToken) {
    /** System property that names another image, e.g. {@code -Dlocalstack.image=localstack/localstack-pro:4.14.0}. */
    static final String IMAGE_PROPERTY = "localstack.image";
    /**
     * Since 23 March 2026 {@code localstack/localstack:latest} requires an auth token; 4.14.0 is the last
     * community release that starts without one. Pinned, too, so every run tests against the same S3.
     */
    static final String DEFAULT_IMAGE = "localstack/localstack:4.14.0";
    static final String AUTH_TOKEN_VARIABLE = "LOCALSTACK_AUTH_TOKEN";

    LocalStackSettings {
        requireNonNull(image, "image is null");
        requireNonNull(authToken, "authToken is null");
    }

    /**
     * @param systemProperties looks up a system property, null when unset
     * @param environment looks up an environment variable, null when unset
     */
    static LocalStackSettings from(UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
        return new LocalStackSettings(
                nonBlank(systemProperties.apply(IMAGE_PROPERTY)).orElse(DEFAULT_IMAGE),
                nonBlank(environment.apply(AUTH_TOKEN_VARIABLE)));
    }

    static LocalStackSettings fromSystem() {
        return from(System::getProperty, System::getenv);
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).map(String::strip).filter(text -> !text.isEmpty());
    }

    @Override
    public String toString() {
        // Never print the token itself.
        return image + (authToken.isPresent() ? " (with " + AUTH_TOKEN_VARIABLE + ")" : "");
    }
}
