package dev.medallion.common.testing;

import dev.medallion.common.testing.EmulatorChoice.DockerStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;


/**
 * Finds out, quickly and quietly, whether a Docker engine answers, before Testcontainers is asked.
 * Testcontainers 2.0 asked on a machine without an engine logs an ERROR naming every strategy it tried,
 * a WARN with a stack trace for a socket file left without a daemon behind it, and waits up to its ping
 * timeout on a TCP host that does not answer: noise in every CI log here, where there is no Docker. So
 * the harness first looks where Testcontainers would look (its {@code tc.host}, {@code DOCKER_HOST}, its
 * {@code docker.host}, then the usual sockets) and only connects: a Unix socket with no listener refuses
 * at once, a TCP host gets {@link #CONNECT_TIMEOUT}. Only when one answers is Testcontainers asked to
 * confirm.
 */
final class DockerProbe {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final String TESTCONTAINERS_CLASS = "org.testcontainers.DockerClientFactory";
    private static final int DOCKER_PORT = 2375;

    private DockerProbe() {}

    /** What this machine offers, asking Testcontainers only when an engine answers. */
    static DockerStatus status() {
        Path home = Path.of(System.getProperty("user.home", "."));
        List<URI> candidates = candidates(System::getenv, testcontainersProperties(home), home, System.getProperty("os.name", ""), currentUid());
        return status(candidates, host -> answers(host, CONNECT_TIMEOUT), testcontainersOnClassPath(),
                // A lambda, not a method reference: LocalStackEmulator, and with it Testcontainers, is loaded
                // only when this runs, after the class path was checked.
                () -> LocalStackEmulator.dockerAvailable());
    }

    /**
     * @param candidates where an engine may answer, in order
     * @param answers whether an engine answers at a candidate
     * @param testcontainersOnClassPath whether this module's tests can use Testcontainers at all
     * @param testcontainersFindsDocker asked last, only when an engine answers
     */
    static DockerStatus status(List<URI> candidates, Predicate<URI> answers, boolean testcontainersOnClassPath, BooleanSupplier testcontainersFindsDocker) {
        Optional<URI> answering = candidates.stream().filter(answers).findFirst();
        if (answering.isEmpty()) {
            return DockerStatus.unavailable("no Docker engine answers at "
                    + candidates.stream().map(URI::toString).collect(Collectors.joining(", ")));
        }
        if (!testcontainersOnClassPath) {
            return DockerStatus.unavailable("a Docker engine answers at " + answering.get() + ", but Testcontainers is not on this module's "
                    + "test class path (add org.testcontainers:testcontainers-localstack in test scope to run LocalStack)");
        }
        if (!testcontainersFindsDocker.getAsBoolean()) {
            return DockerStatus.unavailable("a Docker engine answers at " + answering.get() + ", but Testcontainers could not use it (its own log says why where an SLF4J binding is on the class path)");
        }
        return DockerStatus.available("a Docker engine answers at " + answering.get());
    }

    /**
     * Where Testcontainers looks for an engine, in its order, without duplicates.
     *
     * @param environment looks up an environment variable, null when unset
     * @param testcontainers the user's {@code ~/.testcontainers.properties}, empty when there is none
     * @param uid the user id, for rootless Docker's {@code /run/user/UID/docker.sock}
     */
    static List<URI> candidates(UnaryOperator<String> environment, Properties testcontainers, Path home, String osName, Optional<Long> uid) {
        Set<URI> candidates = new LinkedHashSet<>();
        List<String> configured = new ArrayList<>();
        configured.add(testcontainers.getProperty("tc.host"));
        configured.add(environment.apply("DOCKER_HOST"));
        configured.add(testcontainers.getProperty("docker.host"));
        for (String host : configured) {
            if (host != null && !host.isBlank()) {
                try {
                    candidates.add(URI.create(host.strip()));
                }
                catch (IllegalArgumentException e) {
                    // Testcontainers would reject it too; the other places may still hold an engine.
                }
            }
        }
        if (osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
            candidates.add(URI.create("npipe:////./pipe/docker_engine"));
            return List.copyOf(candidates);
        }
        candidates.add(unixSocket(Path.of("/var/run/docker.sock")));
        String runtimeDirectory = environment.apply("XDG_RUNTIME_DIR");
        if (runtimeDirectory != null && !runtimeDirectory.isBlank()) {
            candidates.add(unixSocket(Path.of(runtimeDirectory, "docker.sock")));
        }
        candidates.add(unixSocket(home.resolve(".docker/run/docker.sock")));
        uid.ifPresent(id -> candidates.add(unixSocket(Path.of("/run/user", Long.toString(id), "docker.sock"))));
        candidates.add(unixSocket(home.resolve(".docker/desktop/docker.sock")));
        return List.copyOf(candidates);
    }

    /** Whether something accepts a connection at the Docker host URI; never throws, never waits past the timeout. */
    static boolean answers(URI host, Duration timeout) {
        String scheme = Optional.ofNullable(host.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        try {
            switch (scheme) {
                case "unix":
                    return unixSocketAnswers(Path.of(host.getPath()));
                case "tcp":
                case "http":
                case "https":
                    return host.getHost() != null && tcpAnswers(new InetSocketAddress(host.getHost(), host.getPort() < 0 ? DOCKER_PORT : host.getPort()), timeout);
                case "npipe":
                    // A named pipe exists exactly while the engine serves it.
                    return Files.exists(Path.of(host.getPath().replace('/', '\\')));
                default:
                    return false;
            }
        }
        catch (IOException | InvalidPathException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static boolean unixSocketAnswers(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return false;
        }
        // Connecting to a Unix socket nobody listens to is refused at once: no timeout needed.
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        }
    }

    private static boolean tcpAnswers(InetSocketAddress address, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) timeout.toMillis());
            return true;
        }
    }

    static boolean testcontainersOnClassPath() {
        try {
            Class.forName(TESTCONTAINERS_CLASS, false, DockerProbe.class.getClassLoader());
            return true;
        }
        catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static Properties testcontainersProperties(Path home) {
        Properties properties = new Properties();
        Path file = home.resolve(".testcontainers.properties");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            }
            catch (IOException | IllegalArgumentException e) {
                // An unreadable file configures nothing; Testcontainers will say so itself if it gets that far.
            }
        }
        return properties;
    }

    private static Optional<Long> currentUid() {
        try {
            // On Linux /proc/self belongs to the process's user; elsewhere the attribute or the path is missing.
            return Optional.of(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue());
        }
        catch (IOException | UncheckedIOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static URI unixSocket(Path path) {
        try {
            // The three-part constructor quotes what a URI cannot hold, such as a space in the home directory.
            return new URI("unix", "//" + path.toAbsolutePath().normalize().toString().replace('\\', '/'), null);
        }
        catch (URISyntaxException e) {
            throw new IllegalArgumentException("Not a socket path: " + path, e);
        }
    }
}
