package dev.medallion.gold;

import dev.medallion.common.testing.ReproducibleJars;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.model.GoldModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deployable artifact: what it carries and leaves out, and that the handler runs from it alone. */
class GoldShadedJarIT {
    private static final Path JAR = Path.of("target/gold-ctas.jar");
    /**
     * A regression guard, not a goal: the jar measured about 24 MB when this was written, nearly all of
     * it the SDK's S3, Glue (10 MB alone) and Athena clients, kept whole.
     */
    private static final long MAX_JAR_BYTES = 30L * 1024 * 1024;

    @RegisterExtension
    static final S3Emulator AWS = S3Emulator.moto();

    @Test
    void isReproducible() throws IOException {
        ReproducibleJars.assertStampedWithTheBuildTimestamp(JAR);
    }

    @Test
    void carriesTheHandlerAndTheModelsAndNothingOfTheConverterOrTheTests() throws IOException {
        assertTrue(Files.isRegularFile(JAR), "run mvn package first: " + JAR.toAbsolutePath());
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            assertNotNull(jar.getEntry("dev/medallion/gold/lambda/GoldCtasHandler.class"));
            assertNotNull(jar.getEntry("gold/models.list"));
            for (GoldModel model : GoldModels.shipped().all()) {
                assertNotNull(jar.getEntry("gold/" + model.name() + ".sql"), model.name());
            }
            assertNotNull(jar.getEntry("simplelogger.properties"));
            for (String absent : List.of("org/apache/hadoop/", "org/apache/parquet/", "org/duckdb/", "io/trino/", "io/netty/", "org/apache/http/", "com/google/common/")) {
                assertTrue(jar.stream().noneMatch(entry -> entry.getName().startsWith(absent)), absent + " must stay out of the Lambda jar");
            }
        }
        long size = Files.size(JAR);
        System.out.printf("gold-ctas.jar: %.1f MB%n", size / 1e6);
        assertTrue(size < MAX_JAR_BYTES, "the jar grew to " + size + " bytes");
    }

    @Test
    void runsTheHandlerFromTheJarAloneAsLambdaBuildsIt() throws IOException, InterruptedException {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String silverBucket = AWS.createBucket("silver");
        String goldBucket = AWS.createBucket("gold");
        AWS.glue().createDatabase(request -> request.databaseInput(database -> database.name("silver_" + suffix)));
        AWS.glue().createDatabase(request -> request.databaseInput(database -> database.name("gold_" + suffix)));
        AWS.athena().createWorkGroup(request -> request.name("gold-" + suffix));
        // A converted file of every source, or the models would wait for their silver tables.
        for (String source : GoldModels.shipped().all().stream().flatMap(model -> model.sources().stream()).distinct().toList()) {
            AWS.glue().createTable(request -> request.databaseName("silver_" + suffix).tableInput(table -> table.name(source)
                    .storageDescriptor(descriptor -> descriptor.location("s3://" + silverBucket + "/" + source + "/"))));
            AWS.client().putObject(request -> request.bucket(silverBucket).key("_manifests/" + source + "/a-0123456789.json"), RequestBody.fromString("{}"));
        }

        ProcessBuilder builder = new ProcessBuilder(java(), "-cp", JAR + File.pathSeparator + "target/test-classes",
                "dev.medallion.gold.lambda.GoldHandlerProbe").redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test",
                "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL", AWS.endpoint().toString(),
                "GOLD_BUCKET", goldBucket,
                "SILVER_BUCKET", silverBucket,
                "SILVER_DATABASE", "silver_" + suffix,
                "GOLD_DATABASE", "gold_" + suffix,
                "ATHENA_WORKGROUP", "gold-" + suffix));
        Process process = builder.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));

        assertEquals(0, process.exitValue(), printed);
        List<GoldModel> shipped = GoldModels.shipped().all();
        for (GoldModel model : shipped) {
            assertTrue(printed.contains(model.name() + "=built "), model.name() + " in:\n" + printed);
        }
        assertFalse(printed.contains("Exception"), printed);
        assertFalse(printed.contains("SLF4J"), "a logging provider is in the jar: " + printed);
        // Each model's state, and the state each build wrote just before its swap.
        List<String> states = AWS.client().listObjectsV2(request -> request.bucket(goldBucket).prefix("_state/")).contents().stream()
                .map(object -> object.key()).sorted().toList();
        assertEquals(shipped.stream().flatMap(model -> java.util.stream.Stream.of("_state/" + model.name() + ".json", "_state/" + model.name() + ".swap.json"))
                .sorted().toList(), states);
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
