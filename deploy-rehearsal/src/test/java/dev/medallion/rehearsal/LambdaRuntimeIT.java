package dev.medallion.rehearsal;

import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.S3Emulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The silver converter's shaded jar run by the Lambda runtime itself (runtime interface emulator and
 * client), on the JSON S3 sends, against an S3 emulator: the handler string, the environment and the
 * JVM options as Terraform sets them, the runtime's own deserialisation and context.
 */
class LambdaRuntimeIT {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    private static final Path SILVER_JAR = Path.of("..", "silver-converter", "target", "silver-converter.jar");
    private static final String HANDLER = "dev.medallion.silver.lambda.SilverConverterHandler::handleRequest";
    private static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=4 -XX:CompileThresholdScaling=3";

    @TempDir
    Path logs;

    @Test
    void theConverterRunsUnderTheLambdaRuntimeAndARedeliveryChangesNothing() throws Exception {
        String bronzeBucket = S3.createBucket("bronze");
        String silverBucket = S3.createBucket("silver");
        S3ObjectStore bronze = new S3ObjectStore(S3.client(), bronzeBucket);
        bronze.put("sales/2026/ventes été+1.csv", "id,amount\n1,2.5\n2,7\n3\n".getBytes(StandardCharsets.UTF_8));
        ObjectInfo object = bronze.stat("sales/2026/ventes été+1.csv").orElseThrow();
        String event = S3Notifications.objectCreated("us-east-1", "bronze-csv-created", bronzeBucket, object);

        LambdaRuntime.Function function = new LambdaRuntime.Function("silver-converter", SILVER_JAR, HANDLER, 3538, 60,
                Map.of("SILVER_BUCKET", silverBucket, "JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS));
        try (LambdaRuntime runtime = LambdaRuntime.start(function, platform(), logs)) {
            LambdaRuntime.Invocation first = runtime.invoke(event);
            assertFalse(first.functionError(), first.payload() + "\n" + runtime.log());
            assertEquals("[\"converted s3://" + bronzeBucket + "/sales/2026/ventes été+1.csv\"]", first.payload());

            LambdaRuntime.Invocation second = runtime.invoke(event);
            assertEquals("[\"unchanged s3://" + bronzeBucket + "/sales/2026/ventes été+1.csv\"]", second.payload());

            String log = runtime.log();
            assertTrue(log.contains("\"outcome\":\"converted\""), log);
            assertTrue(log.contains("\"rowsQuarantined\":1"), log);
        }
        List<String> silver = new S3ObjectStore(S3.client(), silverBucket).list("");
        assertEquals(1, silver.stream().filter(key -> key.startsWith("_manifests/sales/")).count(), silver.toString());
        assertEquals(1, silver.stream().filter(key -> key.endsWith(".parquet")).count(), silver.toString());
    }

    @Test
    void aMisconfiguredFunctionFailsItsInvocationNamingTheVariable() throws Exception {
        LambdaRuntime.Function function = new LambdaRuntime.Function("silver-converter", SILVER_JAR, HANDLER, 1769, 30, Map.of());
        try (LambdaRuntime runtime = LambdaRuntime.start(function, platform(), logs)) {
            LambdaRuntime.Invocation invocation = runtime.invoke("{\"Records\":[]}");

            assertTrue(invocation.functionError(), invocation.payload());
            assertTrue(invocation.payload().contains("\"errorType\":\"dev.medallion.common.config.ConfigurationException\""), invocation.payload());
            assertTrue(invocation.payload().contains("Environment variable SILVER_BUCKET is not set"), invocation.payload());
        }
    }

    private static Map<String, String> platform() {
        return Map.of("AWS_REGION", "us-east-1", "AWS_DEFAULT_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                "AWS_ENDPOINT_URL", S3.endpoint().toString());
    }
}
