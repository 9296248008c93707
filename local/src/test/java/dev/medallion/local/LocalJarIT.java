package dev.medallion.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client-side jar on its own, as a user runs it, and the Lambda jars without its DuckDB. */
class LocalJarIT {
    private static final Path JAR = Path.of("target/lakehouse-local.jar");
    /** Seconds the whole flow may take on the sample data in a fresh JVM; it takes a few on a laptop. */
    private static final long MAX_SECONDS = 30;

    @TempDir
    Path directory;

    @Test
    void runsTheWholeFlowOnTheSampleDataInAFewSeconds() throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(JAR), "run mvn package first: " + JAR.toAbsolutePath());
        Path lake = directory.resolve("lake");
        // The README's command.
        List<String> command = List.of(java(), "-jar", JAR.toString(), "local", "--input", SampleData.directory().toString(), "--lake", lake.toString(),
                "--contracts", SampleData.directory().toString());

        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "still running after 120 s");
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "lakehouse-local.jar local on sample-data: %.1f s in a fresh JVM%n", seconds);

        assertEquals(0, process.exitValue(), out + err.join());
        // Nothing on standard error: Hadoop, Parquet and DuckDB stay quiet (simplelogger.properties: warn).
        assertEquals("", err.join());
        assertTrue(out.contains("  7 file(s) in "), out);
        for (String dataset : List.of("customers", "products", "sales", "stores_eu")) {
            assertTrue(out.contains("\n  contract " + dataset + ", declared in " + SampleData.directory().resolve(dataset + ".json") + ": put at "), out);
        }
        for (String model : List.of("daily_revenue_by_category_region", "top_products", "customer_lifetime_value", "regional_store_performance")) {
            assertTrue(out.contains("\n" + model + ": "), out);
            assertTrue(Files.isDirectory(lake.resolve("gold").resolve(model)), model);
        }
        assertTrue(out.contains("\nDone in "), out);
        assertTrue(seconds < MAX_SECONDS, "took " + seconds + " s");
        // What the README and docs/local.md show this command print is what it prints: a count, a name or
        // DuckDB's version that drifted would mislead the first command a newcomer runs.
        for (String document : List.of("README.md", "docs/local.md")) {
            List<String> documented = DocumentedOutput.after(Files.readString(SampleData.directory().resolveSibling(document)),
                    "lakehouse-local.jar local --input sample-data --lake ./lake --contracts sample-data");
            assertEquals(List.of(), DocumentedOutput.missingFrom(documented, out),
                    document + " shows these lines of the command's output, which it no longer prints (update the example there):\n" + out);
        }
    }

    @Test
    void carriesDuckDbForLaptopsAndTheQuietLoggingSetup() throws IOException {
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            for (String platform : List.of("linux_amd64", "linux_arm64", "osx_universal", "windows_amd64")) {
                assertNotNull(jar.getEntry("libduckdb_java.so_" + platform), platform);
            }
            assertNotNull(jar.getEntry("simplelogger.properties"));
            assertNotNull(jar.getEntry("gold/models.list"));
        }
    }

    /** DuckDB's native libraries weigh tens of MB: the Lambda functions must not carry them. */
    @Test
    void theLambdaJarsCarryNoDuckDb() throws IOException {
        List<Path> jars = new ArrayList<>();
        for (Path module : List.of(Path.of("../silver-converter/target"), Path.of("../gold-ctas/target"))) {
            try (Stream<Path> files = Files.list(module)) {
                files.filter(file -> file.getFileName().toString().endsWith(".jar")
                        && !file.getFileName().toString().startsWith("original-")
                        && !file.getFileName().toString().endsWith("-tests.jar")).forEach(jars::add);
            }
        }
        assertTrue(jars.stream().anyMatch(jar -> jar.endsWith("silver-converter.jar")), jars.toString());
        assertTrue(jars.stream().anyMatch(jar -> jar.getParent().endsWith(Path.of("gold-ctas/target"))), jars.toString());
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                assertTrue(zip.stream().noneMatch(entry -> entry.getName().contains("duckdb")), jar + " carries DuckDB");
            }
        }
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
