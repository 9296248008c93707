package dev.medallion.common.testing;

import dev.medallion.common.testing.EmulatorChoice.DockerStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class DockerProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    // Unix socket paths are limited to about 100 bytes: keep the directory short.
    @TempDir
    Path directory;

    @Test
    void looksWhereTestcontainersLooksInItsOrder() {
        Properties testcontainers = new Properties();
        testcontainers.setProperty("tc.host", "tcp://127.0.0.1:2999");
        testcontainers.setProperty("docker.host", "unix:///srv/docker.sock");
        Map<String, String> environment = Map.of("DOCKER_HOST", "tcp://build-host:2375", "XDG_RUNTIME_DIR", "/run/user/1000");

        List<URI> candidates = DockerProbe.candidates(environment::get, testcontainers, Path.of("/home/ana"), "Linux", Optional.of(1000L));

        assertEquals(List.of(
                URI.create("tcp://127.0.0.1:2999"),
                URI.create("tcp://build-host:2375"),
                URI.create("unix:///srv/docker.sock"),
                URI.create("unix:///var/run/docker.sock"),
                URI.create("unix:///run/user/1000/docker.sock"),
                URI.create("unix:///home/ana/.docker/run/docker.sock"),
                URI.create("unix:///home/ana/.docker/desktop/docker.sock")), candidates);
    }

    @Test
    void withNothingConfiguredTheUsualSocketsAreTried() {
        List<URI> candidates = DockerProbe.candidates(name -> null, new Properties(), Path.of("/home/Ana Lúcia"), "Mac OS X", Optional.empty());

        assertEquals(URI.create("unix:///var/run/docker.sock"), candidates.get(0));
        assertEquals("/home/Ana Lúcia/.docker/run/docker.sock", candidates.get(1).getPath());
        assertEquals(3, candidates.size(), candidates.toString());
        assertEquals(List.of(URI.create("npipe:////./pipe/docker_engine")),
                DockerProbe.candidates(name -> null, new Properties(), Path.of("C:/Users/ana"), "Windows 11", Optional.empty()));
    }

    @Test
    void aListeningUnixSocketAnswers() throws IOException {
        Path socket = directory.resolve("d.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            assertTrue(DockerProbe.answers(URI.create("unix://" + socket), TIMEOUT));
        }
    }

    @Test
    void aSocketFileLeftWithoutADaemonIsRefusedAtOnce() throws IOException {
        Path socket = directory.resolve("stale.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "closing a Unix server socket leaves its file, as a stopped daemon does");

        long started = System.nanoTime();
        assertFalse(DockerProbe.answers(URI.create("unix://" + socket), TIMEOUT));
        assertFalse(DockerProbe.answers(URI.create("unix://" + directory.resolve("missing.sock")), TIMEOUT));
        assertTrue(System.nanoTime() - started < TIMEOUT.toNanos(), "the probe must not wait on a dead socket");
    }

    @Test
    void tcpHostsAnswerWhenSomethingListens() throws IOException {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
            assertTrue(DockerProbe.answers(URI.create("tcp://127.0.0.1:" + port), TIMEOUT));
        }
        assertFalse(DockerProbe.answers(URI.create("tcp://127.0.0.1:" + port), TIMEOUT));
        assertFalse(DockerProbe.answers(URI.create("ssh://docker@build-host"), TIMEOUT));
        assertFalse(DockerProbe.answers(URI.create("tcp:relative"), TIMEOUT));
    }

    @Test
    void testcontainersIsAskedOnlyWhenAnEngineAnswers() {
        List<URI> candidates = List.of(URI.create("unix:///var/run/docker.sock"), URI.create("tcp://127.0.0.1:2375"));

        DockerStatus none = DockerProbe.status(candidates, host -> false, true, () -> fail("no engine answers: Testcontainers must not be asked"));
        assertEquals(DockerStatus.unavailable("no Docker engine answers at unix:///var/run/docker.sock, tcp://127.0.0.1:2375"), none);

        DockerStatus found = DockerProbe.status(candidates, host -> host.getScheme().equals("tcp"), true, () -> true);
        assertEquals(DockerStatus.available("a Docker engine answers at tcp://127.0.0.1:2375"), found);

        DockerStatus refused = DockerProbe.status(candidates, host -> true, true, () -> false);
        assertFalse(refused.available());
        assertTrue(refused.description().contains("Testcontainers could not use it"), refused.description());

        DockerStatus noTestcontainers = DockerProbe.status(candidates, host -> true, false, () -> fail("not on the class path: not asked"));
        assertFalse(noTestcontainers.available());
        assertTrue(noTestcontainers.description().contains("add org.testcontainers:testcontainers-localstack"), noTestcontainers.description());
    }

    @Test
    void readsTheUsersTestcontainersProperties() throws IOException {
        assertTrue(DockerProbe.testcontainersProperties(directory).isEmpty());
        Files.writeString(directory.resolve(".testcontainers.properties"), "docker.host=tcp\\://127.0.0.1\\:2375\n");
        assertEquals("tcp://127.0.0.1:2375", DockerProbe.testcontainersProperties(directory).getProperty("docker.host"));
    }

    @Test
    void thisModuleHasTestcontainers() {
        // common's tests declare it; a module that reuses the harness without it falls back with a message.
        assertTrue(DockerProbe.testcontainersOnClassPath());
    }
}
