package dev.medallion.common.testing;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Which S3 emulator the integration tests use, and why. The choice is a pure function of what the
 * machine offers, so its order and its failure message are tested without any emulator present:
 * <ol>
 * <li>an endpoint given in {@code AWS_ENDPOINT_URL} or {@code -Daws.endpointUrl} (any running emulator);</li>
 * <li>LocalStack through Testcontainers, when a Docker engine is available;</li>
 * <li>{@code moto_server}, when it is on the PATH;</li>
 * <li>otherwise a failure that names the three ways to get an emulator, never a silent skip.</li>
 * </ol>
 * Docker and the PATH are only looked at when the earlier options are absent, so a configured endpoint
 * costs no Docker probe.
 *
 * @param backend the emulator chosen
 * @param target the endpoint URL, the Docker engine or the moto_server executable
 * @param reason why this one, for the line the harness prints
 */
record EmulatorChoice(Backend backend, String target, String reason) {
    static final String ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL";
    static final String ENDPOINT_PROPERTY = "aws.endpointUrl";
    static final String MOTO_EXECUTABLE = "moto_server";

    enum Backend { CONFIGURED_ENDPOINT, LOCALSTACK, MOTO }

    /** An endpoint set by the user, and the setting it came from. */
    record ConfiguredEndpoint(String url, String source) {
        ConfiguredEndpoint {
            requireNonNull(url, "url is null");
            requireNonNull(source, "source is null");
        }
    }

    /**
     * What was found of Docker.
     *
     * @param available whether LocalStack can run through Testcontainers
     * @param description where the engine answers, or why it cannot be used
     */
    record DockerStatus(boolean available, String description) {
        DockerStatus {
            requireNonNull(description, "description is null");
        }

        static DockerStatus available(String description) {
            return new DockerStatus(true, description);
        }

        static DockerStatus unavailable(String description) {
            return new DockerStatus(false, description);
        }
    }

    EmulatorChoice {
        requireNonNull(backend, "backend is null");
        requireNonNull(target, "target is null");
        requireNonNull(reason, "reason is null");
    }

    /**
     * @param endpoint the configured endpoint, if any
     * @param docker asked only when no endpoint is configured
     * @param moto the moto_server executable on the PATH; asked only when Docker is not available
     * @param localStackImage the image LocalStack would run, named in the failure message
     * @throws ExtensionConfigurationException when there is no way to get an emulator
     */
    static EmulatorChoice choose(Optional<ConfiguredEndpoint> endpoint, Supplier<DockerStatus> docker, Supplier<Optional<Path>> moto, String localStackImage) {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(docker, "docker is null");
        requireNonNull(moto, "moto is null");
        requireNonNull(localStackImage, "localStackImage is null");
        if (endpoint.isPresent()) {
            return new EmulatorChoice(Backend.CONFIGURED_ENDPOINT, endpoint.get().url(), endpoint.get().source() + " is set");
        }
        DockerStatus dockerStatus = requireNonNull(docker.get(), "docker status is null");
        if (dockerStatus.available()) {
            return new EmulatorChoice(Backend.LOCALSTACK, localStackImage, "no endpoint is configured and " + dockerStatus.description());
        }
        Optional<Path> executable = requireNonNull(moto.get(), "moto is null");
        if (executable.isPresent()) {
            return new EmulatorChoice(Backend.MOTO, executable.get().toString(), "no endpoint is configured and " + dockerStatus.description());
        }
        throw new ExtensionConfigurationException(noEmulatorMessage(dockerStatus, localStackImage));
    }

    /**
     * For tests that call Glue or Athena, which LocalStack's free edition lacks, or script the emulator
     * through moto's own API ({@code /moto-api/}: canned Athena results, state transitions), which neither
     * LocalStack nor an arbitrary endpoint offers: moto_server from the PATH, whatever else the machine has.
     *
     * @throws ExtensionConfigurationException when moto_server is not on the PATH
     */
    static EmulatorChoice motoRequired(Optional<Path> moto) {
        requireNonNull(moto, "moto is null");
        return moto.map(executable -> new EmulatorChoice(Backend.MOTO, executable.toString(),
                        "these tests need moto itself: Glue and Athena, or its /moto-api/"))
                .orElseThrow(() -> new ExtensionConfigurationException(String.join("\n",
                        "These integration tests need moto_server itself: they call Glue and Athena, which LocalStack's free",
                        "edition lacks, or script moto through its /moto-api/ (canned Athena results, state transitions), which",
                        "LocalStack and other endpoints do not offer. Install moto so that " + MOTO_EXECUTABLE + " is on the PATH:",
                        "pip install \"moto[server]\"; it is not on the PATH now.")));
    }

    static String noEmulatorMessage(DockerStatus docker, String localStackImage) {
        return String.join("\n",
                "No S3 emulator for the integration tests. Any one of these gives them one:",
                "  1. set " + ENDPOINT_VARIABLE + " (or -D" + ENDPOINT_PROPERTY + ") to a running emulator, e.g. 'localstack start' "
                        + "then " + ENDPOINT_VARIABLE + "=http://localhost:4566; it is not set now;",
                "  2. start a Docker engine: LocalStack then runs through Testcontainers (image " + localStackImage + ", -D"
                        + LocalStackSettings.IMAGE_PROPERTY + "=IMAGE for another, " + LocalStackSettings.AUTH_TOKEN_VARIABLE
                        + " is passed on when set); now " + docker.description() + ";",
                "  3. install moto so that " + MOTO_EXECUTABLE + " is on the PATH: pip install \"moto[server]\"; it is not on the PATH now.");
    }
}
