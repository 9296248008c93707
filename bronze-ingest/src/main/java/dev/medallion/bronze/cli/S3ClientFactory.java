package dev.medallion.bronze.cli;

import dev.medallion.bronze.upload.BronzeBucket;
import dev.medallion.bronze.upload.UploadRefusedException;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.storage.S3Clients;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.util.Optional;

/** Builds the S3 client of a run; tests give one for the emulator. */
@FunctionalInterface
public interface S3ClientFactory {
    S3Client create(Optional<URI> endpoint) throws UploadRefusedException;

    /**
     * Credentials and region from the AWS SDK's default chains (environment, profile, SSO, container,
     * instance), the endpoint from {@code --endpoint-url}, else {@code AWS_ENDPOINT_URL}, else S3.
     * Credentials are resolved once up front, so that their absence is one line rather than an SDK
     * error at the first request.
     */
    static S3ClientFactory standard() {
        return endpoint -> {
            try (DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build()) {
                credentials.resolveCredentials();
            }
            catch (SdkClientException e) {
                String message = ErrorMessages.describe(e);
                // The chain's own message lists every provider it tried; a single provider's is worth showing.
                boolean wholeChain = message.startsWith("Unable to load credentials from any of the providers");
                throw new UploadRefusedException(BronzeBucket.NO_CREDENTIALS + (wholeChain ? "" : " (" + message + ")"), e);
            }
            return S3Clients.create(endpoint);
        };
    }
}
