package dev.medallion.common.testing;

import dev.medallion.common.storage.S3Clients;
import dev.medallion.common.testing.EmulatorChoice.ConfiguredEndpoint;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.medallion.common.testing.EmulatorChoice.ENDPOINT_PROPERTY;
import static dev.medallion.common.testing.EmulatorChoice.ENDPOINT_VARIABLE;
import static dev.medallion.common.testing.EmulatorChoice.MOTO_EXECUTABLE;
import static java.util.Objects.requireNonNull;

/**
 * An S3 endpoint for tests, one per test class:
 * <pre>
 * &#64;RegisterExtension
 * static final S3Emulator S3 = new S3Emulator();
 * </pre>
 * or {@code @ExtendWith(S3Emulator.class)} with an {@code S3Emulator} parameter on a {@code @BeforeAll}
 * method or a test. It chooses, in this order (see {@link EmulatorChoice}), and prints its choice:
 * <ol>
 * <li>the endpoint in {@code -Daws.endpointUrl} or {@code AWS_ENDPOINT_URL}, when one is set: any running
 *     emulator, LocalStack included;</li>
 * <li>LocalStack in Docker through Testcontainers, when a Docker engine answers: image
 *     {@value LocalStackSettings#DEFAULT_IMAGE} unless {@code -Dlocalstack.image} names another, with
 *     {@code LOCALSTACK_AUTH_TOKEN} passed on when set;</li>
 * <li>{@code moto_server} from the PATH, on a free port;</li>
 * <li>otherwise the class fails with a message naming the three ways to get an emulator.</li>
 * </ol>
 * What it starts, it stops after the class. Clients always carry dummy credentials, so a test can never
 * touch a real account.
 * <p>
 * The endpoint is a whole AWS emulator, not only S3: {@link #glue()} and {@link #athena()} give clients
 * for the same endpoint (moto serves every service on one port; LocalStack's free edition has no Glue
 * or Athena). A module that calls them needs the SDK's {@code glue} or {@code athena} module in its own
 * test scope. Tests that call Glue or Athena, or script moto through its own API ({@link #motoApi}),
 * register {@link #moto()}, which always runs moto_server.
 */
public final class S3Emulator implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final Region REGION = Region.US_EAST_1;
    private static final int MAX_BUCKET_NAME_LENGTH = 63;

    private final boolean motoRequired;
    private final AtomicInteger bucketCounter = new AtomicInteger();
    private final List<String> createdBuckets = new ArrayList<>();
    private String ownerContextId;
    private URI endpoint;
    private S3Client client;
    /** Glue and Athena clients, built on first use so that modules without those SDK modules never load them. */
    private final List<AutoCloseable> serviceClients = new ArrayList<>();
    private GlueClient glue;
    private AthenaClient athena;
    /** What this extension started and must stop; empty for a configured endpoint, which outlives the class. */
    private Optional<AutoCloseable> started = Optional.empty();

    /** The emulator the README describes: a configured endpoint, else LocalStack, else moto_server. */
    public S3Emulator() {
        this(false);
    }

    private S3Emulator(boolean motoRequired) {
        this.motoRequired = motoRequired;
    }

    /**
     * Always moto_server from the PATH, for tests that call Glue or Athena (LocalStack's free edition has
     * neither) or script moto through {@link #motoApi} (canned Athena query results, state transitions):
     * the class fails with a message saying how to install it when it is missing, rather than running on
     * an emulator without those services or that API.
     */
    public static S3Emulator moto() {
        return new S3Emulator(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        // Nested classes see the extension again: the outermost class owns the emulator.
        if (ownerContextId != null) {
            return;
        }
        LocalStackSettings localStack = LocalStackSettings.fromSystem();
        EmulatorChoice choice = motoRequired
                ? EmulatorChoice.motoRequired(MotoServer.findOnPath(MOTO_EXECUTABLE, System.getenv("PATH")))
                : EmulatorChoice.choose(
                        configuredEndpoint(),
                        DockerProbe::status,
                        () -> MotoServer.findOnPath(MOTO_EXECUTABLE, System.getenv("PATH")),
                        localStack.image());
        String name = context.getDisplayName();
        switch (choice.backend()) {
            case CONFIGURED_ENDPOINT:
                endpoint = URI.create(choice.target());
                System.err.printf("[S3Emulator] %s: using the configured S3 endpoint %s (%s)%n", name, endpoint, choice.reason());
                break;
            case LOCALSTACK:
                System.err.printf("[S3Emulator] %s: starting LocalStack %s through Testcontainers (%s)%n", name, localStack, choice.reason());
                LocalStackEmulator localStackEmulator = LocalStackEmulator.start(localStack);
                started = Optional.of(localStackEmulator);
                endpoint = localStackEmulator.endpoint();
                System.err.printf("[S3Emulator] %s: LocalStack %s answers at %s (container %s)%n", name, localStack, endpoint, localStackEmulator.containerName());
                break;
            case MOTO:
                MotoServer moto = MotoServer.start(Path.of(choice.target()));
                started = Optional.of(moto);
                endpoint = moto.endpoint();
                System.err.printf("[S3Emulator] %s: started %s at %s (log: %s); %s%n", name, choice.target(), endpoint, moto.log(), choice.reason());
                break;
            default:
                throw new AssertionError("Unknown backend: " + choice.backend());
        }
        client = s3ClientFor(endpoint);
        ownerContextId = context.getUniqueId();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (!context.getUniqueId().equals(ownerContextId)) {
            return;
        }
        ownerContextId = null;
        try {
            if (started.isEmpty()) {
                // A configured emulator outlives this class: leave it as we found it.
                createdBuckets.forEach(this::deleteBucketQuietly);
            }
            createdBuckets.clear();
            client.close();
            for (AutoCloseable serviceClient : serviceClients) {
                serviceClient.close();
            }
        }
        finally {
            serviceClients.clear();
            glue = null;
            athena = null;
            client = null;
            endpoint = null;
            Optional<AutoCloseable> running = started;
            started = Optional.empty();
            if (running.isPresent()) {
                running.get().close();
            }
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

    /**
     * A client like {@link #client()} that sends its requests to {@code endpoint} instead: a
     * {@link FaultProxy} in front of the emulator, which forwards the signed {@code Host} header as received.
     * The caller closes it.
     */
    public S3Client clientThrough(URI endpoint) {
        return s3ClientFor(requireNonNull(endpoint, "endpoint is null"));
    }

    /** A Glue client like {@link #glue()} that sends its requests to {@code endpoint}; the caller closes it. */
    public GlueClient glueThrough(URI endpoint) {
        return glueClientFor(requireNonNull(endpoint, "endpoint is null"));
    }

    private static S3Client s3ClientFor(URI endpoint) {
        return S3Clients.builder(Optional.of(endpoint))
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    private static GlueClient glueClientFor(URI endpoint) {
        return GlueClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    public URI endpoint() {
        checkState(endpoint != null, "The S3 emulator is not running");
        return endpoint;
    }

    /** A Glue client for the emulator, with the same dummy credentials and region as {@link #client()}. */
    public GlueClient glue() {
        checkState(client != null, "The emulator is not running");
        if (glue == null) {
            glue = glueClientFor(endpoint);
            serviceClients.add(glue);
        }
        return glue;
    }

    /** An Athena client for the emulator, with the same dummy credentials and region as {@link #client()}. */
    public AthenaClient athena() {
        checkState(client != null, "The emulator is not running");
        if (athena == null) {
            athena = AthenaClient.builder()
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .endpointOverride(endpoint)
                    .region(REGION)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .build();
            serviceClients.add(athena);
        }
        return athena;
    }

    /**
     * Posts a JSON body to moto's own API, such as {@code /moto-api/static/athena/query-results} (the rows
     * the next Athena queries return) or {@code /moto-api/state-manager/set-transition}. Only on an emulator
     * registered with {@link #moto()}.
     */
    public void motoApi(String path, String json) throws IOException {
        requireNonNull(path, "path is null");
        requireNonNull(json, "json is null");
        checkState(motoRequired && endpoint != null, "moto's API is only there on an emulator registered with S3Emulator.moto()");
        HttpURLConnection connection = (HttpURLConnection) endpoint.resolve(path).toURL().openConnection();
        try {
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = connection.getOutputStream()) {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            }
            int status = connection.getResponseCode();
            if (status / 100 != 2) {
                throw new IOException("moto answered " + status + " to POST " + path + " " + json);
            }
        }
        finally {
            connection.disconnect();
        }
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

    private static Optional<ConfiguredEndpoint> configuredEndpoint() {
        // The system property wins, as it does in the AWS SDK.
        String property = System.getProperty(ENDPOINT_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Optional.of(new ConfiguredEndpoint(property.strip(), "-D" + ENDPOINT_PROPERTY));
        }
        String variable = System.getenv(ENDPOINT_VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return Optional.of(new ConfiguredEndpoint(variable.strip(), ENDPOINT_VARIABLE));
        }
        return Optional.empty();
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

    private static void checkState(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
