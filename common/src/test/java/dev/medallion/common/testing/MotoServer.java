package dev.medallion.common.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * A {@code moto_server} process on a free loopback port, for one test class. moto's server is started
 * through {@value #LAUNCHER} (a test resource beside this class), which fills a gap of moto 5.2.1 before it
 * serves: Athena's {@code ClientRequestToken}, which moto ignores, so a resent start would be a second
 * query. It runs on the Python that {@code moto_server} runs on: the interpreter its script's first line
 * names, or {@code python3} from the PATH when that line names none (a pyenv shim, a shell wrapper).
 */
final class MotoServer implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;
    static final String LAUNCHER = "moto_server_with_athena_tokens.py";

    private final Process process;
    private final Thread shutdownHook;
    private final URI endpoint;
    private final Path log;

    private MotoServer(Process process, Thread shutdownHook, URI endpoint, Path log) {
        this.process = requireNonNull(process, "process is null");
        this.shutdownHook = requireNonNull(shutdownHook, "shutdownHook is null");
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.log = requireNonNull(log, "log is null");
    }

    /** The executable named {@code name} in a directory of {@code path} (the PATH variable's value). */
    static Optional<Path> findOnPath(String name, String path) {
        requireNonNull(name, "name is null");
        return Stream.of(Optional.ofNullable(path).orElse("").split(File.pathSeparator))
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Path.of(directory, name))
                .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                .findFirst();
    }

    static MotoServer start(Path executable) throws IOException, InterruptedException {
        return start(executable, System.getenv());
    }

    /**
     * moto_server started with {@code inherited} as its environment but for the AWS settings (every {@code AWS_*}
     * variable). moto answers as a server, and reads none of them for that; but botocore, within it, reads
     * {@code AWS_PROFILE} and the config files whenever it builds a session, and a runner's {@code AWS_PROFILE}
     * naming a profile its files lack made moto answer every request 500 (ProfileNotFound), whatever the tests asked.
     */
    static MotoServer start(Path executable, Map<String, String> inherited) throws IOException, InterruptedException {
        requireNonNull(executable, "executable is null");
        requireNonNull(inherited, "inherited is null");
        // Under Maven the working directory is the module: keep the log where 'mvn clean' removes it.
        Path target = Path.of("target");
        Path log = Files.isDirectory(target) ? Files.createTempFile(target, "moto-server-", ".log") : Files.createTempFile("moto-server-", ".log");
        Path launcher = Files.isDirectory(target) ? Files.createTempFile(target, "moto-server-", ".py") : Files.createTempFile("moto-server-", ".py");
        try (InputStream script = MotoServer.class.getResourceAsStream(LAUNCHER)) {
            if (script == null) {
                throw new IllegalStateException(LAUNCHER + " is missing beside " + MotoServer.class.getName() + " (common's test resources)");
            }
            Files.write(launcher, script.readAllBytes());
        }
        List<String> python = pythonOf(executable);
        IOException failure = null;
        // The free port is only free when we look: another process may take it before moto binds it.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            URI candidate = URI.create("http://127.0.0.1:" + port);
            List<String> command = new ArrayList<>(python);
            command.addAll(List.of(launcher.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port)));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    // A file, not a pipe: nobody drains a pipe, and a full one would stall the server.
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().clear();
            builder.environment().putAll(inherited);
            builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
            Process process = builder.start();
            Thread shutdownHook = new Thread(() -> destroy(process), "stop-moto-server");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            MotoServer server = new MotoServer(process, shutdownHook, candidate, log);
            try {
                awaitHttp(process, candidate);
                return server;
            }
            catch (IOException e) {
                server.close();
                if (failure == null) {
                    failure = e;
                }
                else {
                    failure.addSuppressed(e);
                }
            }
            catch (InterruptedException | RuntimeException e) {
                server.close();
                throw e;
            }
        }
        throw new IOException("Could not start " + executable + " (as " + String.join(" ", python) + " " + launcher + ", which needs moto.server importable by "
                + "that Python); its output is in " + log + ":\n" + tail(log), failure);
    }

    /**
     * The command that runs a Python script as {@code motoServer} runs moto: the interpreter of its
     * {@code #!} line when that names a Python ({@code #!/usr/bin/env python3} as {@code python3}), else
     * {@code python3}.
     */
    static List<String> pythonOf(Path motoServer) throws IOException {
        String firstLine;
        try (BufferedReader reader = Files.newBufferedReader(motoServer, StandardCharsets.ISO_8859_1)) {
            firstLine = Optional.ofNullable(reader.readLine()).orElse("");
        }
        if (!firstLine.startsWith("#!")) {
            return List.of("python3");
        }
        List<String> words = List.of(firstLine.substring(2).trim().split("\\s+"));
        if (!words.isEmpty() && words.get(0).endsWith("/env")) {
            words = words.subList(1, words.size());
        }
        if (words.isEmpty() || !Path.of(words.get(0)).getFileName().toString().startsWith("python")) {
            return List.of("python3");
        }
        return words;
    }

    URI endpoint() {
        return endpoint;
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        try {
            destroy(process);
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (IllegalStateException e) {
            // Already shutting down: the hook stops the server itself.
        }
    }

    private static void awaitHttp(Process process, URI candidate) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("moto_server exited with status " + process.exitValue() + " before answering at " + candidate);
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) candidate.resolve("/").toURL().openConnection();
                connection.setConnectTimeout(1000);
                connection.setReadTimeout(1000);
                try {
                    connection.getResponseCode();
                    return;
                }
                finally {
                    connection.disconnect();
                }
            }
            catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("moto_server did not answer at " + candidate + " within " + STARTUP_TIMEOUT, notYet);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void destroy(Process process) {
        // Launchers such as pyenv shims may leave the server in a child process.
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        }
        catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
