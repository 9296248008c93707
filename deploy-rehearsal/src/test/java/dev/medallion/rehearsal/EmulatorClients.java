package dev.medallion.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The rehearsal's own SDK clients, on the emulator: dummy credentials, the stack's region, TLS verified
 * against the emulator's certificate ({@link EmulatorTls}) when it serves https (moto in the rehearsal;
 * LocalStack serves plain http), and path-style S3 as the stack's provider uses. They read back what
 * Terraform deployed and what the functions did; the functions build their own clients, in their own JVMs.
 */
final class EmulatorClients implements AutoCloseable {
    static final String ACCESS_KEY = "test";
    static final String SECRET_KEY = "test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final Region region;
    private final Optional<EmulatorTls> tls;
    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));

    final S3Client s3;
    final LambdaClient lambda;
    final GlueClient glue;
    final AthenaClient athena;
    final EventBridgeClient events;
    final IamClient iam;
    final StsClient sts;
    final SqsClient sqs;
    final SnsClient sns;
    final CloudWatchLogsClient logs;

    /** Clients of an emulator serving https with {@code tls}'s certificate. */
    EmulatorClients(URI endpoint, Region region, EmulatorTls tls) {
        this(endpoint, region, Optional.of(requireNonNull(tls, "tls is null")));
    }

    /** Clients of an emulator serving plain http, such as LocalStack. */
    static EmulatorClients plainHttp(URI endpoint, Region region) {
        if (!"http".equals(endpoint.getScheme())) {
            throw new IllegalArgumentException("Not a plain-http endpoint: " + endpoint);
        }
        return new EmulatorClients(endpoint, region, Optional.empty());
    }

    private EmulatorClients(URI endpoint, Region region, Optional<EmulatorTls> tls) {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.region = requireNonNull(region, "region is null");
        this.tls = tls;
        UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(60));
        tls.ifPresent(certificate -> http.tlsTrustManagersProvider(certificate::trustManagers));
        this.http = http.build();
        this.s3 = configure(S3Client.builder()).forcePathStyle(true).build();
        this.lambda = configure(LambdaClient.builder()).build();
        this.glue = configure(GlueClient.builder()).build();
        this.athena = configure(AthenaClient.builder()).build();
        this.events = configure(EventBridgeClient.builder()).build();
        this.iam = configure(IamClient.builder()).region(Region.AWS_GLOBAL).build();
        this.sts = configure(StsClient.builder()).build();
        this.sqs = configure(SqsClient.builder()).build();
        this.sns = configure(SnsClient.builder()).build();
        this.logs = configure(CloudWatchLogsClient.builder()).build();
    }

    URI endpoint() {
        return endpoint;
    }

    Region region() {
        return region;
    }

    private <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>> B configure(B builder) {
        return builder.endpointOverride(endpoint).region(region).credentialsProvider(credentials).httpClient(http);
    }

    /**
     * One call of an AWS JSON protocol API, signed (SigV4) and sent by hand: for Budgets, whose SDK module
     * this project's Maven mirror lacks, and for CloudWatch, whose SDK 2.57.8 client speaks the Smithy RPC
     * v2 CBOR protocol, which moto 5.2.1 does not (it answers 404); CloudWatch still accepts JSON 1.0.
     *
     * @param signingRegion the region to sign for: the client's for a regional service, us-east-1 for Budgets
     * @param jsonVersion {@code 1.0} or {@code 1.1}, as the service's API model says
     */
    JsonNode callJson(String signingName, Region signingRegion, String target, String jsonVersion, Map<String, ?> body)
            throws IOException, InterruptedException {
        byte[] payload = JSON.writeValueAsBytes(body);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint.resolve("/"))
                .putHeader("Content-Type", "application/x-amz-json-" + jsonVersion)
                .putHeader("X-Amz-Target", target)
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(sign -> sign
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion.id()));
        HttpRequest.Builder send = HttpRequest.newBuilder(endpoint.resolve("/"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        signed.request().headers().forEach((name, values) -> {
            if (!List.of("host", "content-length").contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(value -> send.header(name, value));
            }
        });
        HttpClient.Builder clientBuilder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        tls.ifPresent(certificate -> clientBuilder.sslContext(certificate.sslContext()));
        HttpClient client = clientBuilder.build();
        HttpResponse<String> response = client.send(send.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IOException(target + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        List<AutoCloseable> clients = List.of(s3, lambda, glue, athena, events, iam, sts, sqs, sns, logs);
        for (AutoCloseable client : clients) {
            try {
                client.close();
            }
            catch (Exception e) {
                // Closing a client only releases its resources.
            }
        }
        http.close();
    }
}
