package dev.medallion.common.storage;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.net.URI;
import java.util.Optional;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Builds the one {@link S3Client} configuration the functions use: the URL connection HTTP client,
 * the default credential chain, and the default region chain.
 *
 * <p>The SDK itself already honours the standard endpoint settings ({@code AWS_ENDPOINT_URL},
 * {@code AWS_ENDPOINT_URL_S3}, {@code -Daws.endpointUrl}, {@code -Daws.endpointUrlS3} and the profile's
 * {@code endpoint_url}); this class only adds path-style addressing when one of them is set, because
 * emulators such as moto or LocalStack cannot resolve {@code bucket.localhost}.
 */
public final class S3Clients {
    /** Where a developer's machine without any AWS configuration lands, rather than failing to start. */
    static final Region FALLBACK_REGION = Region.US_EAST_1;

    private static final String ENDPOINT_URL_VARIABLE = "AWS_ENDPOINT_URL";
    private static final String S3_ENDPOINT_URL_VARIABLE = "AWS_ENDPOINT_URL_S3";
    private static final String ENDPOINT_URL_PROPERTY = "aws.endpointUrl";
    private static final String S3_ENDPOINT_URL_PROPERTY = "aws.endpointUrlS3";

    private S3Clients() {}

    /**
     * A client for real S3, or for an emulator at {@code endpointOverride}; credentials and region
     * come from the SDK's default chains, the region falling back to us-east-1.
     */
    public static S3Client create(Optional<URI> endpointOverride) {
        return builder(endpointOverride)
                .region(defaultRegion())
                .build();
    }

    /**
     * The builder behind {@link #create}, without region, so tests can set dummy credentials and a
     * fixed region without consulting the machine's AWS configuration.
     */
    public static S3ClientBuilder builder(Optional<URI> endpointOverride) {
        requireNonNull(endpointOverride, "endpointOverride is null");
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder());
        endpointOverride.ifPresent(builder::endpointOverride);
        if (endpointOverride.isPresent() || configuredEndpoint().isPresent()) {
            builder.forcePathStyle(true);
        }
        return builder;
    }

    /** The endpoint the SDK will pick up from the environment or system properties, if any. */
    static Optional<String> configuredEndpoint() {
        return Stream.of(
                        System.getProperty(S3_ENDPOINT_URL_PROPERTY),
                        System.getenv(S3_ENDPOINT_URL_VARIABLE),
                        System.getProperty(ENDPOINT_URL_PROPERTY),
                        System.getenv(ENDPOINT_URL_VARIABLE))
                .filter(value -> value != null && !value.isBlank())
                .findFirst();
    }

    static Region defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        }
        catch (SdkClientException e) {
            // No AWS_REGION, aws.region, profile or instance metadata: a local run against an emulator.
            return FALLBACK_REGION;
        }
    }
}
