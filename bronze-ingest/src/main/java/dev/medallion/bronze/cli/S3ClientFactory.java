package dev.medallion.bronze.cli;

import dev.medallion.bronze.upload.BronzeBucket;
import dev.medallion.bronze.upload.TemporaryFailureException;
import dev.medallion.bronze.upload.TransientFailures;
import dev.medallion.bronze.upload.UploadRefusedException;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.storage.S3Clients;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.util.Optional;
import java.util.stream.Stream;

/** Builds the S3 client of a run; tests give one for the emulator. */
@FunctionalInterface
public interface S3ClientFactory {
    S3Client create(Optional<URI> endpoint) throws UploadRefusedException, TemporaryFailureException;

    /**
     * Credentials and region from the AWS SDK's default chains (environment, profile, SSO, container,
     * instance), the endpoint from {@code --endpoint-url}, else {@code AWS_ENDPOINT_URL}, else S3.
     * Credentials are resolved once up front, so that their absence is one line rather than an SDK
     * error at the first request.
     *
     * <p>No credentials is a refusal (a machine with no profile stays without one however often the run is
     * retried), but for one case the chain's failure does not tell apart: a container (ECS, Fargate, Batch, a
     * Step Functions task) that declares its role ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} or
     * {@code _RELATIVE_URI}) whose credentials endpoint did not answer, or answered a 5xx. That is temporary. The
     * chain keeps only each provider's message, no cause, so that provider is asked once more on its own and its
     * failure classified as an S3 request's is ({@link TransientFailures}).
     */
    static S3ClientFactory standard() {
        return endpoint -> {
            try (DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build()) {
                credentials.resolveCredentials();
            }
            catch (SdkClientException e) {
                Optional<String> declaredRole = containerRole();
                if (declaredRole.isEmpty()) {
                    throw noCredentials(e);
                }
                try (ContainerCredentialsProvider role = ContainerCredentialsProvider.builder().build()) {
                    // Fetched at this second asking: the chain met a moment's failure, and the run goes on.
                    role.resolveCredentials();
                }
                catch (SdkException failure) {
                    if (!TransientFailures.isTransient(failure)) {
                        throw noCredentials(e);
                    }
                    throw new TemporaryFailureException("Could not fetch the credentials of the role this container declares (" + declaredRole.get()
                            + "): " + ErrorMessages.describe(failure) + "; its credentials endpoint did not answer, or answered a server error", failure);
                }
            }
            return S3Clients.create(endpoint);
        };
    }

    private static UploadRefusedException noCredentials(SdkClientException e) {
        String message = ErrorMessages.describe(e);
        // The chain's own message lists every provider it tried; a single provider's is worth showing.
        boolean wholeChain = message.startsWith("Unable to load credentials from any of the providers");
        return new UploadRefusedException(BronzeBucket.NO_CREDENTIALS + (wholeChain ? "" : " (" + message + ")"), e);
    }

    /** The setting by which a container declares its role, as {@code NAME=value}, read as the SDK reads it (system property, then environment). */
    private static Optional<String> containerRole() {
        return Stream.of(SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_FULL_URI, SdkSystemSetting.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)
                .flatMap(setting -> setting.getStringValue().map(value -> setting.environmentVariable() + "=" + value).stream())
                .findFirst();
    }
}
