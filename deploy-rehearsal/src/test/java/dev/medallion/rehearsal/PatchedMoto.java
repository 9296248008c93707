package dev.medallion.rehearsal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * moto_server started as {@code terraform/rehearse-on-moto.sh} starts it: through
 * {@code terraform/rehearse-on-moto.py} (moto's own server with the gaps of moto 5.2.1 filled that the
 * stack meets), on a free loopback port, over https, here with the certificate of {@link EmulatorTls}
 * so that the JVMs of the rehearsal can verify it. A fresh server, empty, for each rehearsal. moto gets
 * no Docker engine ({@code DOCKER_HOST} names no socket): it would otherwise run a function itself, in
 * Docker, whenever an S3 notification names one, behind the rehearsal's back.
 */
final class PatchedMoto implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final URI endpoint;
    private final Path log;

    private PatchedMoto(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    /**
     * Fails, saying how to install them, unless {@code python3} is on the PATH and imports
     * {@code moto.server}.
     */
    static String checkPrerequisites() throws IOException, InterruptedException {
        String install = "DeployRehearsalIT needs Python 3 with moto's server on the PATH: pip install \"moto[server]==5.2.1\"";
        Process process;
        try {
            process = new ProcessBuilder("python3", "-c", "import moto, moto.server; print(moto.__version__)")
                    .redirectErrorStream(true)
                    .start();
        }
        catch (IOException e) {
            throw new IllegalStateException("python3 is not on the PATH (" + e.getMessage() + "). " + install, e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
            String reason = output.lines().reduce((first, last) -> last).orElse("exit status " + process.exitValue());
            throw new IllegalStateException("python3 cannot import moto.server (" + reason + "). " + install);
        }
        return output;
    }

    static PatchedMoto start(Path root, EmulatorTls tls, Path logDirectory) throws IOException, InterruptedException {
        requireNonNull(tls, "tls is null");
        Path script = root.resolve("terraform").resolve("rehearse-on-moto.py");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException(script + " is missing");
        }
        Path log = logDirectory.resolve("moto.log");
        IOException failure = null;
        // A free port is only free when we look: another process may take it before moto binds it.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            URI endpoint = URI.create("https://127.0.0.1:" + port);
            ProcessBuilder builder = new ProcessBuilder("python3", script.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port),
                    "-c", tls.certificate().toString(), "-k", tls.privateKey().toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            // moto runs a function itself, in Docker, when an S3 notification names it. The rehearsal runs the
            // functions, so moto gets no Docker engine: its own attempts fail (in its log) as on a machine
            // without one, and nothing converts behind the rehearsal's back.
            builder.environment().put("DOCKER_HOST", "unix://" + logDirectory.toAbsolutePath().resolve("no-docker.sock"));
            Process process = builder.start();
            PatchedMoto moto = new PatchedMoto(process, endpoint, log);
            try {
                moto.awaitHttps(tls);
                return moto;
            }
            catch (IOException e) {
                moto.close();
                if (failure == null) {
                    failure = e;
                }
                else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw new IOException("Could not start " + script + "; its output is in " + log + ":\n" + tail(log), failure);
    }

    URI endpoint() {
        return endpoint;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private void awaitHttps(EmulatorTls tls) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().sslContext(tls.sslContext()).connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("rehearse-on-moto.py exited with status " + process.exitValue() + " before answering at " + endpoint);
            }
            try {
                http.send(request, HttpResponse.BodyHandlers.discarding());
                return;
            }
            catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("moto did not answer at " + endpoint + " within " + STARTUP_TIMEOUT, notYet);
                }
                Thread.sleep(200);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        }
        catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
