package dev.medallion.common.testing;

import dev.medallion.common.storage.S3Clients;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.File;
import java.io.IOException;
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
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * An S3 endpoint for tests, one per test class:
 * <pre>
 * &#64;RegisterExtension
 * static final S3Emulator S3 = new S3Emulator();
 * </pre>
 * or {@code @ExtendWith(S3Emulator.class)} with an {@code S3Emulator} parameter on a {@code @BeforeAll}
 * method or a test. It uses the endpoint in {@code AWS_ENDPOINT_URL} or {@code -Daws.endpointUrl} when
 * one is set (a LocalStack, say), and otherwise starts {@code moto_server} from the PATH on a free
 * port. Clients always carry dummy credentials, so a test can never touch a real account.
 */
public final class S3Emulator implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final String ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL";
    private static final String ENDPOINT_PROPERTY = "aws.endpointUrl";
    private static final String MOTO_EXECUTABLE = "moto_server";
    private static final Region REGION = Region.US_EAST_1;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;
    private static final int MAX_BUCKET_NAME_LENGTH = 63;

    private final AtomicInteger bucketCounter = new AtomicInteger();
    private final List<String> createdBuckets = new ArrayList<>();
    private String ownerContextId;
    private URI endpoint;
    private S3Client client;
    private Process server;
    private Path serverLog;
    private Thread shutdownHook;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        // Nested classes see the extension again: the outermost class owns the server.
        if (ownerContextId != null) {
            return;
        }
        Optional<String> configured = configuredEndpoint();
        if (configured.isPresent()) {
            endpoint = URI.create(configured.get());
            System.err.printf("[S3Emulator] %s: using the configured S3 endpoint %s%n", context.getDisplayName(), endpoint);
        }
        else {
            Path executable = findOnPath(MOTO_EXECUTABLE).orElseThrow(() -> new ExtensionConfigurationException(
                    "No S3 emulator for the tests: '" + MOTO_EXECUTABLE + "' is not on the PATH and neither " + ENDPOINT_VARIABLE
                            + " nor -D" + ENDPOINT_PROPERTY + " is set. Install moto with: pip install \"moto[server]\" "
                            + "(then make sure moto_server is on the PATH), or start LocalStack and set "
                            + ENDPOINT_VARIABLE + "=http://localhost:4566"));
            endpoint = startMoto(executable);
            System.err.printf("[S3Emulator] %s: started %s at %s (log: %s)%n", context.getDisplayName(), executable, endpoint, serverLog);
        }
        client = S3Clients.builder(Optional.of(endpoint))
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
        ownerContextId = context.getUniqueId();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getUniqueId().equals(ownerContextId)) {
            return;
        }
        ownerContextId = null;
        try {
            if (server == null) {
                // A shared emulator outlives this class: leave it as we found it.
                createdBuckets.forEach(this::deleteBucketQuietly);
            }
            createdBuckets.clear();
            client.close();
        }
        finally {
            client = null;
            stopMoto();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == S3Emulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return this;
    }

    /** A client for the emulator with dummy credentials, in us-east-1, using path-style addressing. */
    public S3Client client() {
        checkState(client != null, "The S3 emulator is not running: register it as a static @RegisterExtension field or with @ExtendWith");
        return client;
    }

    public URI endpoint() {
        checkState(endpoint != null, "The S3 emulator is not running");
        return endpoint;
    }

    /** Creates an empty bucket whose name starts with the (sanitised) prefix and is unique across runs. */
    public String createBucket(String prefix) {
        requireNonNull(prefix, "prefix is null");
        String suffix = "-" + UUID.randomUUID().toString().substring(0, 8) + "-" + bucketCounter.incrementAndGet();
        String sanitized = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (sanitized.length() < 3) {
            sanitized = "test" + sanitized;
        }
        sanitized = sanitized.substring(0, Math.min(sanitized.length(), MAX_BUCKET_NAME_LENGTH - suffix.length()));
        String bucket = sanitized + suffix;
        client().createBucket(request -> request.bucket(bucket));
        createdBuckets.add(bucket);
        return bucket;
    }

    private static Optional<String> configuredEndpoint() {
        return Stream.of(System.getProperty(ENDPOINT_PROPERTY), System.getenv(ENDPOINT_VARIABLE))
                .filter(value -> value != null && !value.isBlank())
                .findFirst();
    }

    private static Optional<Path> findOnPath(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator))
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Path.of(directory, name))
                .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                .findFirst();
    }

    private URI startMoto(Path executable) throws IOException, InterruptedException {
        // Under Maven the working directory is the module: keep the log where 'mvn clean' removes it.
        Path target = Path.of("target");
        serverLog = Files.isDirectory(target) ? Files.createTempFile(target, "moto-server-", ".log") : Files.createTempFile("moto-server-", ".log");
        IOException failure = null;
        // The free port is only free when we look: another process may take it before moto binds it.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            URI candidate = URI.create("http://127.0.0.1:" + port);
            server = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true)
                    // A file, not a pipe: nobody drains a pipe, and a full one would stall the server.
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    .start();
            Process started = server;
            shutdownHook = new Thread(() -> destroy(started), "stop-moto-server");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            try {
                awaitHttp(candidate);
                return candidate;
            }
            catch (IOException e) {
                stopMoto();
                if (failure == null) {
                    failure = e;
                }
                else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw new IOException("Could not start " + executable + "; its output is in " + serverLog + ":\n" + tail(serverLog), failure);
    }

    private void awaitHttp(URI candidate) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!server.isAlive()) {
                throw new IOException("moto_server exited with status " + server.exitValue() + " before answering at " + candidate);
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

    private void stopMoto() {
        if (server == null) {
            return;
        }
        try {
            destroy(server);
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (IllegalStateException e) {
            // Already shutting down: the hook stops the server itself.
        }
        finally {
            server = null;
            shutdownHook = null;
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

    private void deleteBucketQuietly(String bucket) {
        try {
            for (MultipartUpload upload : client.listMultipartUploadsPaginator(request -> request.bucket(bucket)).uploads()) {
                client.abortMultipartUpload(request -> request.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
            }
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (S3Object object : client.listObjectsV2Paginator(request -> request.bucket(bucket)).contents()) {
                batch.add(ObjectIdentifier.builder().key(object.key()).build());
                if (batch.size() == 1000) {
                    deleteObjects(bucket, batch);
                }
            }
            deleteObjects(bucket, batch);
            client.deleteBucket(request -> request.bucket(bucket));
        }
        catch (SdkException e) {
            System.err.printf("[S3Emulator] could not delete test bucket %s: %s%n", bucket, e.getMessage());
        }
    }

    private void deleteObjects(String bucket, List<ObjectIdentifier> batch) {
        if (!batch.isEmpty()) {
            List<ObjectIdentifier> objects = List.copyOf(batch);
            client.deleteObjects(request -> request.bucket(bucket).delete(delete -> delete.objects(objects).quiet(true)));
            batch.clear();
        }
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

    private static void checkState(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
