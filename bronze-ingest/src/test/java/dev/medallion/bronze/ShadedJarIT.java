package dev.medallion.bronze;

import dev.medallion.common.sample.RetailTransactionsGenerator;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.Request;
import dev.medallion.common.testing.S3Emulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar people run, alone in a fresh JVM with the environment they would have: AWS settings from the
 * environment, no stack trace for any refusal, and no SLF4J or SDK noise.
 */
class ShadedJarIT {
    private static final Path JAR = Path.of("target/bronze-ingest.jar");
    /** A regression guard, not a goal: the jar measured about 11 MB when this was written. */
    private static final long MAX_JAR_BYTES = 16L * 1024 * 1024;

    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    @TempDir
    Path directory;

    private record Run(int exit, String stdout, String stderr) {}

    @Test
    void runsOnItsOwnAndStaysLean() throws IOException {
        assertTrue(Files.isRegularFile(JAR), "run mvn package first: " + JAR.toAbsolutePath());
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertEquals("dev.medallion.bronze.cli.BronzeIngestCli", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            assertNotNull(jar.getEntry("simplelogger.properties"));
            assertTrue(jar.stream().noneMatch(entry -> entry.getName().startsWith("org/apache/hadoop/")), "no Hadoop");
            assertTrue(jar.stream().noneMatch(entry -> entry.getName().startsWith("org/apache/parquet/")), "no Parquet");
        }
        long size = Files.size(JAR);
        System.out.printf("bronze-ingest.jar: %.1f MB%n", size / 1e6);
        assertTrue(size < MAX_JAR_BYTES, "the jar grew to " + size + " bytes");
    }

    @Test
    void generatesTheRetailDatasetOfTheGenerator() throws Exception {
        Path file = directory.resolve("retail.csv");

        Run run = run(Map.of(), "generate", "--rows", "5000", "--out", file.toString(), "--seed", "11");

        assertEquals(0, run.exit(), run.toString());
        StringWriter expected = new StringWriter();
        new RetailTransactionsGenerator(11).write(5000, expected);
        String written = Files.readString(file, StandardCharsets.US_ASCII);
        assertEquals(expected.toString(), written);
        assertEquals(5001, written.lines().count());
        assertTrue(written.startsWith(RetailTransactionsGenerator.HEADER + "\n"));
        assertEquals("", run.stderr());
    }

    @Test
    void uploadsWithTheEndpointFromTheEnvironmentOrTheOptionAndSkipsWhatIsThere() throws Exception {
        String bucket = S3.createBucket("bronze");
        Path orders = Files.createDirectories(directory.resolve("orders"));
        Files.writeString(orders.resolve("a.csv"), "id,amount\n1,2.5\n");
        Files.writeString(orders.resolve("b.csv"), "id,amount\n2,3\n");

        Run first = run(Map.of("AWS_ENDPOINT_URL", S3.endpoint().toString()), "upload", orders.toString(), "--bucket", bucket);
        Run second = run(Map.of(), "upload", orders.toString(), "--bucket", bucket, "--endpoint-url", S3.endpoint().toString());

        assertEquals(0, first.exit(), first.toString());
        assertEquals(List.of("uploaded  skipped  failed  bytes  seconds"), first.stdout().lines().limit(1).toList());
        assertTrue(first.stdout().lines().skip(1).findFirst().orElseThrow().matches(" +2 +0 +0 +30 +\\d+\\.\\d\\d"), first.stdout());
        assertEquals(List.of("orders/a.csv", "orders/b.csv"),
                S3.client().listObjectsV2(request -> request.bucket(bucket)).contents().stream().map(S3Object::key).toList());
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.stdout().lines().skip(1).findFirst().orElseThrow().matches(" +0 +2 +0 +0 +\\d+\\.\\d\\d"), second.stdout());
        assertFalse(first.stderr().contains("SLF4J"), first.stderr());
    }

    @Test
    void refusalsAreOneLineWithExitTwoAndNoStackTrace() throws Exception {
        String bucket = S3.createBucket("bronze");
        Path orders = Files.createDirectories(directory.resolve("orders"));
        Files.writeString(orders.resolve("a.csv"), "id\n1\n");
        Path binary = Files.write(directory.resolve("photo.csv"), new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0});
        Path missing = directory.resolve("missing");
        String endpoint = S3.endpoint().toString();

        assertRefused("error: " + missing + " does not exist",
                run(Map.of(), "upload", missing.toString(), "--bucket", bucket, "--endpoint-url", endpoint));
        assertRefused("error: " + binary + " is not a CSV file: it holds a NUL byte at offset 8: binary content, not CSV text "
                        + "(starts with 89 50 4e 47 0d 0a 1a 0a)",
                run(Map.of(), "upload", binary.toString(), "--bucket", bucket, "--endpoint-url", endpoint));
        assertRefused("error: Bucket 'no-such-" + bucket + "' does not exist at " + endpoint + ": check the name, or create the bucket first",
                run(Map.of(), "upload", orders.toString(), "--bucket", "no-such-" + bucket, "--endpoint-url", endpoint));
        assertRefused("error: No AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "
                        + "'aws configure' (against a local emulator any dummy pair will do)",
                runWithoutCredentials("upload", orders.toString(), "--bucket", bucket, "--endpoint-url", endpoint));
    }

    /**
     * The jar's own credential chain and bucket check come before the files are read whole (which took 6.1 s
     * for a 292 MB file against a wrong bucket, minutes for tens of GB): a wrong bucket name and no credentials
     * are refused as such, though the file holds a byte no UTF-8 holds at its end, which only that read finds.
     * With the bucket and credentials right, that byte refuses the run, and nothing is written.
     */
    @Test
    void aBucketItCannotUseIsRefusedBeforeTheFilesAreReadWhole() throws Exception {
        String bucket = S3.createBucket("bronze");
        Path orders = Files.createDirectories(directory.resolve("orders"));
        byte[] content = csvOfSize(6 << 20);
        content[content.length - 2] = (byte) 0xFF;
        Path large = Files.write(orders.resolve("large.csv"), content);
        String endpoint = S3.endpoint().toString();

        assertRefused("error: Bucket 'no-such-" + bucket + "' does not exist at " + endpoint + ": check the name, or create the bucket first",
                run(Map.of(), "upload", orders.toString(), "--bucket", "no-such-" + bucket, "--endpoint-url", endpoint));
        assertRefused("error: No AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "
                        + "'aws configure' (against a local emulator any dummy pair will do)",
                runWithoutCredentials("upload", orders.toString(), "--bucket", bucket, "--endpoint-url", endpoint));
        Run refused = run(Map.of(), "upload", orders.toString(), "--bucket", bucket, "--endpoint-url", endpoint);
        assertEquals(2, refused.exit(), refused.toString());
        assertTrue(refused.stderr().startsWith("error: " + large + " would be rejected by the converter: The file is not UTF-8: invalid byte"
                + " sequence 0xFF"), refused.toString());
        assertTrue(refused.stderr().contains(" at byte offset " + (content.length - 2) + " "), refused.toString());
        assertEquals(List.of(), S3.client().listObjectsV2(request -> request.bucket(bucket)).contents());
    }

    /**
     * Ctrl-C while a part is on its way, with the network gone: the abort on the way out fails too, so the
     * run must not say the upload was aborted; it names it and gives the command that aborts it.
     */
    @Test
    void anInterruptedRunNamesTheMultipartUploadItCouldNotAbort() throws Exception {
        String bucket = S3.createBucket("bronze");
        Path orders = Files.createDirectories(directory.resolve("orders"));
        Files.write(orders.resolve("large.csv"), csvOfSize(6 << 20));
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection firstPart = proxy.inject(Request::isUploadPart, Fault.hold(), 1);
            proxy.inject(Request::isAbortMultipartUpload, Fault.reset(), 1_000);
            Process process = launch(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"),
                    "upload", orders.toString(), "--bucket", bucket, "--part-size", "5", "--endpoint-url", proxy.endpoint().toString());
            try {
                assertTrue(firstPart.awaitHits(1, Duration.ofSeconds(60)), "the first part never came: " + stderr());

                // What Ctrl-C sends; the JVM runs its shutdown hooks on the way out.
                assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor());
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the jar did not stop on SIGINT");
            }
            finally {
                process.destroyForcibly();
            }

            List<MultipartUpload> left = S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads();
            assertEquals(List.of("orders/large.csv"), left.stream().map(MultipartUpload::key).toList());
            String uploadId = left.get(0).uploadId();
            String stderr = stderr();
            assertTrue(stderr.contains("\nInterrupted: multipart upload " + uploadId + " of s3://" + bucket + "/orders/large.csv could not be aborted ("), stderr);
            assertTrue(stderr.contains("): its parts stay in the bucket, billed, until the bucket's lifecycle rule for incomplete multipart uploads "
                    + "removes them (the stack's buckets: a day after the upload started); to abort it now: aws s3api abort-multipart-upload --bucket "
                    + bucket + " --key orders/large.csv --upload-id " + uploadId + " --endpoint-url " + proxy.endpoint() + "\n"), stderr);
            assertTrue(stderr.endsWith("\nRun the same command again to finish: files already uploaded are skipped\n"), stderr);
            assertFalse(stderr.contains("was aborted"), stderr);
            S3.client().abortMultipartUpload(request -> request.bucket(bucket).key("orders/large.csv").uploadId(uploadId));
        }
    }

    private static void assertRefused(String expected, Run run) {
        assertEquals(2, run.exit(), run.toString());
        assertEquals(expected + "\n", run.stderr());
        assertEquals("", run.stdout());
    }

    /** Runs the jar with dummy credentials and no AWS configuration of the machine's. */
    private Run run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        Map<String, String> withCredentials = new HashMap<>(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"));
        withCredentials.putAll(environment);
        return start(withCredentials, args);
    }

    private Run runWithoutCredentials(String... args) throws IOException, InterruptedException {
        return start(Map.of(), args);
    }

    private Run start(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        Process process = launch(environment, args);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the jar did not finish: " + List.of(args));
        return new Run(process.exitValue(),
                Files.readString(directory.resolve("stdout"), StandardCharsets.UTF_8),
                stderr());
    }

    /** Starts the jar with {@code environment} and no AWS configuration of the machine's; stdout and stderr go to files. */
    private Process launch(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(directory.resolve("stdout").toFile())
                .redirectError(directory.resolve("stderr").toFile());
        Map<String, String> variables = builder.environment();
        variables.keySet().removeIf(name -> name.startsWith("AWS_"));
        // No profile, credential file or instance metadata of the machine running the tests.
        Path home = Files.createDirectories(directory.resolve("home"));
        variables.put("HOME", home.toString());
        variables.put("AWS_CONFIG_FILE", home.resolve("no-config").toString());
        variables.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-credentials").toString());
        variables.put("AWS_EC2_METADATA_DISABLED", "true");
        variables.put("AWS_REGION", "us-east-1");
        variables.putAll(environment);
        return builder.start();
    }

    private String stderr() throws IOException {
        return Files.readString(directory.resolve("stderr"), StandardCharsets.UTF_8);
    }

    /** CSV lines up to exactly {@code size} bytes. */
    private static byte[] csvOfSize(int size) {
        byte[] content = new byte[size];
        byte[] line = "1,2.5,north\n".getBytes(StandardCharsets.US_ASCII);
        byte[] header = "id,amount,region\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, content, 0, header.length);
        for (int position = header.length; position < size; position += line.length) {
            System.arraycopy(line, 0, content, position, Math.min(line.length, size - position));
        }
        return content;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
