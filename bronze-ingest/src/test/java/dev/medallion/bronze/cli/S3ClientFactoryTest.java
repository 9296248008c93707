package dev.medallion.bronze.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The standard factory's credentials, through the command, with the SDK's real default chain: no credentials anywhere
 * is a refusal (exit code 2), a container's declared role whose endpoint does not answer is temporary (75). The chain
 * is pointed with the system properties the SDK reads before the environment: no profile files, no instance metadata
 * (which a machine outside EC2 would wait for), and, for a container, its credentials URI.
 */
class S3ClientFactoryTest {
    private static final List<String> PROPERTIES = List.of("aws.sharedCredentialsFile", "aws.configFile", "aws.disableEc2Metadata",
            "aws.containerCredentialsFullUri");

    @TempDir
    Path directory;

    private final Map<String, String> saved = new HashMap<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Path file;

    @BeforeEach
    void noCredentialsAnywhere() throws IOException {
        assumeTrue(Stream.of("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").allMatch(name -> System.getenv(name) == null),
                "the environment holds credentials or a role, which the SDK's chain would take");
        PROPERTIES.forEach(name -> saved.put(name, System.getProperty(name)));
        System.setProperty("aws.sharedCredentialsFile", directory.resolve("no-credentials").toString());
        System.setProperty("aws.configFile", directory.resolve("no-config").toString());
        System.setProperty("aws.disableEc2Metadata", "true");
        file = Files.writeString(Files.createDirectories(directory.resolve("orders")).resolve("jan.csv"), "id\n1\n");
    }

    @AfterEach
    void restoreProperties() {
        saved.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            }
            else {
                System.setProperty(name, value);
            }
        });
    }

    @Test
    void noCredentialsAnywhereIsARefusalWithExitCode2() {
        assertEquals(2, upload(), err());

        assertEquals("error: No AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws configure'"
                + " (against a local emulator any dummy pair will do)\n", err());
    }

    /** An ECS task, a Fargate or Batch job, a Step Functions task: the role is declared, its endpoint did not answer. */
    @Test
    void aContainersRoleWhoseEndpointDoesNotAnswerIsATemporaryFailureWithExitCode75() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String uri = "http://127.0.0.1:" + closed + "/v2/credentials/role";
        System.setProperty("aws.containerCredentialsFullUri", uri);

        assertEquals(75, upload(), err());

        List<String> lines = err().lines().toList();
        assertTrue(lines.get(0).startsWith("error: Could not fetch the credentials of the role this container declares (AWS_CONTAINER_CREDENTIALS_FULL_URI="
                + uri + "): "), err());
        assertTrue(lines.get(0).endsWith("; its credentials endpoint did not answer, or answered a server error"), err());
        assertEquals("error: " + BronzeIngestCli.TEMPORARY_LINE, lines.get(1), err());
        assertEquals(2, lines.size(), err());
    }

    /** A declared role that its endpoint refuses (a 4xx, such as a task without a role) is no outage: exit code 2. */
    @Test
    void aContainersRoleThatItsEndpointRefusesIsARefusalWithExitCode2() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        try {
            System.setProperty("aws.containerCredentialsFullUri", "http://127.0.0.1:" + server.getAddress().getPort() + "/v2/credentials/none");

            assertEquals(2, upload(), err());

            assertTrue(err().startsWith("error: No AWS credentials found: "), err());
        }
        finally {
            server.stop(0);
        }
    }

    private int upload() {
        BronzeIngestCli cli = new BronzeIngestCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false, endpoint -> {
                    S3ClientFactory.standard().create(endpoint);
                    return fail("the credentials were found: a client was created");
                }, opened -> fail("no file may be read"));
        return cli.run(List.of("upload", file.toString(), "--bucket", "bronze"));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
