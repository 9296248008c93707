package dev.medallion.common.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

import java.net.URI;

import static java.util.Objects.requireNonNull;

/**
 * LocalStack in Docker through Testcontainers, for one test class. The only class of the harness that
 * touches Testcontainers: the others load without it.
 */
final class LocalStackEmulator implements AutoCloseable {
    /** The image LocalStack's Testcontainers module accepts; other names (a mirror, say) declare themselves compatible with it. */
    private static final String LOCALSTACK_IMAGE = "localstack/localstack";

    private final LocalStackContainer container;
    private final URI endpoint;

    private LocalStackEmulator(LocalStackContainer container) {
        this.container = requireNonNull(container, "container is null");
        this.endpoint = container.getEndpoint();
    }

    /** Asks Testcontainers itself; call it only after {@link DockerProbe} found an engine, since without one it is slow and loud. */
    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @SuppressWarnings("resource") // closed by the returned emulator, or here when it fails to start
    static LocalStackEmulator start(LocalStackSettings settings) {
        requireNonNull(settings, "settings is null");
        DockerImageName image = DockerImageName.parse(settings.image()).asCompatibleSubstituteFor(LOCALSTACK_IMAGE);
        LocalStackContainer container = new LocalStackContainer(image).withServices("s3");
        settings.authToken().ifPresent(token -> container.withEnv(LocalStackSettings.AUTH_TOKEN_VARIABLE, token));
        try {
            container.start();
            return new LocalStackEmulator(container);
        }
        catch (RuntimeException e) {
            container.stop();
            throw e;
        }
    }

    URI endpoint() {
        return endpoint;
    }

    String containerName() {
        return container.getContainerName();
    }

    @Override
    public void close() {
        container.stop();
    }
}
