package dev.medallion.silver;

import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.ReproducibleJars;
import dev.medallion.common.testing.S3Emulator;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deployable artifact itself: what it carries, and that it runs on its own, as a command and as a Lambda handler. */
class ShadedJarIT {
    private static final Path JAR = Path.of("target/silver-converter.jar");
    /**
     * A regression guard, not a goal: the jar measured about 24 MB when this was written, and 35 MB once
     * it carried the SDK's Glue client (10 MB, kept whole like the rest of the SDK) to start the crawler.
     */
    private static final long MAX_JAR_BYTES = 40L * 1024 * 1024;

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    @TempDir
    Path directory;

    @Test
    void isReproducible() throws IOException {
        ReproducibleJars.assertStampedWithTheBuildTimestamp(JAR);
    }

    @Test
    void carriesSnappyForLambdaOnX86AndArmAndStaysLean() throws IOException {
        assertTrue(Files.isRegularFile(JAR), "run mvn package first: " + JAR.toAbsolutePath());
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            assertNotNull(jar.getEntry("org/xerial/snappy/native/Linux/x86_64/libsnappyjava.so"));
            assertNotNull(jar.getEntry("org/xerial/snappy/native/Linux/aarch64/libsnappyjava.so"));
            assertNotNull(jar.getEntry("simplelogger.properties"));
            assertTrue(jar.stream().noneMatch(entry -> entry.getName().contains("libzstd")), "zstd natives (15 MB) must stay out");
        }
        long size = Files.size(JAR);
        System.out.printf("silver-converter.jar: %.1f MB%n", size / 1e6);
        assertTrue(size < MAX_JAR_BYTES, "the jar grew to " + size + " bytes");
    }

    @Test
    void convertsAFileAsALocalCommand() throws IOException, InterruptedException {
        Path input = Files.writeString(directory.resolve("orders.csv"), "id,amount,day\n1,2.5,2026-01-01\n2,,2026-01-02\n");
        Path output = directory.resolve("lake");

        Process process = new ProcessBuilder(java(), "-jar", JAR.toString(), "convert", "--input", input.toString(), "--output", output.toString())
                .redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));

        assertEquals(0, process.exitValue(), printed);
        assertTrue(printed.startsWith("converted orders.csv as dataset orders"), printed);
        Path part;
        try (Stream<Path> files = Files.walk(output)) {
            part = files.filter(path -> path.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        assertEquals(Set.of(CompressionCodecName.SNAPPY), ParquetTestFiles.codecs(part));
        List<GenericRecord> rows = ParquetTestFiles.readAll(part);
        assertEquals(2, rows.size());
        assertEquals(2.5, rows.get(0).get("amount"));
        assertEquals(null, rows.get(1).get("amount"));
    }

    @Test
    void runsTheLambdaHandlerFromTheJarAlone() throws IOException, InterruptedException {
        String bronzeBucket = S3.createBucket("bronze");
        String silverBucket = S3.createBucket("silver");
        S3ObjectStore bronze = new S3ObjectStore(S3.client(), bronzeBucket);
        bronze.put("sales/a b.csv", "id,amount\n1,2.5\n".getBytes(StandardCharsets.UTF_8));
        var info = bronze.stat("sales/a b.csv").orElseThrow();

        List<String> command = new ArrayList<>(List.of(java(), "-cp", JAR + java.io.File.pathSeparator + "target/test-classes",
                "dev.medallion.silver.lambda.ShadedHandlerProbe", S3.endpoint().toString(), bronzeBucket, silverBucket, "sales/a+b.csv",
                String.valueOf(info.size()), info.etag()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "AWS_REGION", "us-east-1"));
        Process process = builder.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));

        assertEquals(0, process.exitValue(), printed);
        assertTrue(printed.contains("outcomes=[converted s3://" + bronzeBucket + "/sales/a b.csv]"), printed);
        assertFalse(printed.contains("Exception"), printed);
        assertEquals(1, new S3ObjectStore(S3.client(), silverBucket).list("sales/").size());
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
