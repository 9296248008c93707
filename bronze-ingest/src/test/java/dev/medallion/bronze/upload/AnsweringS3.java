package dev.medallion.bronze.upload;

import com.sun.net.httpserver.HttpServer;
import dev.medallion.common.storage.S3Clients;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An HTTP server on the loopback that answers every request of one method with one status and S3's error body, for tests of
 * what bronze-ingest says about a refusal: the SDK's own S3 client, built as bronze-ingest builds it, talks to it, so the
 * messages are made from a real client's configuration (its region) and a real error response.
 */
final class AnsweringS3 implements AutoCloseable {
    private static final Map<Integer, String> CODES = Map.of(403, "AccessDenied", 412, "PreconditionFailed");

    private final HttpServer server;

    /** @param statusByMethod the status each HTTP method is answered with (HEAD, PUT, POST…); any other method is answered 501 */
    AnsweringS3(Map<String, Integer> statusByMethod) throws IOException {
        Map<String, Integer> statuses = Map.copyOf(requireNonNull(statusByMethod, "statusByMethod is null"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            int status = statuses.getOrDefault(exchange.getRequestMethod(), 501);
            String code = CODES.getOrDefault(status, "NotImplemented");
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>answered " + status + " by the test"
                    + "</Message><RequestId>test</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(status, -1);
            }
            else {
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
    }

    /** A client in {@code region} whose every request goes to this server, with dummy credentials. */
    S3Client client(Region region) {
        return S3Clients.builder(Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())))
                .region(requireNonNull(region, "region is null"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
