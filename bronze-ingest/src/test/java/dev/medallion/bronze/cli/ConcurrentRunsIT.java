package dev.medallion.bronze.cli;

import dev.medallion.bronze.upload.FileOpener;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.common.testing.S3Emulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The skip decision (HeadObject) and the write (PutObject / CompleteMultipartUpload) are two requests: the
 * write is conditional on what was compared (If-None-Match: * for a new key, If-Match: the ETag for a changed
 * one), so that two runs of one folder at once do not both upload a file (two ObjectCreated events, two
 * conversions), and what another writer put in between is not overwritten.
 */
class ConcurrentRunsIT {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    @TempDir
    Path directory;

    /** Two runs of the same folder at once (a cron run overlapping a person's, two engineers). */
    @Test
    void twoRunsOfOneFolderAtOnceUploadEachNewFileOnce() throws Exception {
        String bucket = S3.createBucket("bronze");
        Path folder = Files.createDirectories(directory.resolve("orders"));
        Files.writeString(folder.resolve("jan.csv"), "id\n1\n");

        String outputs = twoRunsAtOnce(bucket, folder);

        long uploads = outputs.lines().filter(line -> line.startsWith("uploaded " + folder.resolve("jan.csv"))).count();
        assertEquals(1, uploads, "the same file was put twice, each put an ObjectCreated event for the converter:\n" + outputs);
        assertEquals(1, outputs.lines().filter(line -> line.equals("skipped " + folder.resolve("jan.csv") + " -> s3://" + bucket
                + "/orders/jan.csv (5 B, unchanged: put by another run meanwhile)")).count(), outputs);
        assertEquals(2, outputs.lines().filter(line -> line.equals("exit 0")).count(), outputs);
    }

    /** The same for a file uploaded in parts: the completion is conditional too. */
    @Test
    void twoRunsOfOneFolderAtOnceCompleteEachLargeFileOnce() throws Exception {
        String bucket = S3.createBucket("bronze");
        Path folder = Files.createDirectories(directory.resolve("orders"));
        Files.write(folder.resolve("big.csv"), ("id\n" + "1\n".repeat(3 << 20)).getBytes(StandardCharsets.US_ASCII));

        String outputs = twoRunsAtOnce(bucket, folder, "--part-size", "5");

        assertEquals(1, outputs.lines().filter(line -> line.startsWith("uploaded " + folder.resolve("big.csv"))).count(), outputs);
        assertEquals(1, outputs.lines().filter(line -> line.startsWith("skipped " + folder.resolve("big.csv"))
                && line.endsWith("unchanged: put by another run meanwhile)")).count(), outputs);
        assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads(), "the losing upload is aborted");
    }

    /** Another writer's newer object, put between this run's look and its write, is overwritten without a word. */
    @Test
    void anObjectPutBetweenTheLookAndTheWriteIsNotOverwritten() throws Exception {
        String bucket = S3.createBucket("bronze");
        Path folder = Files.createDirectories(directory.resolve("orders"));
        Files.writeString(folder.resolve("jan.csv"), "id\n1\n");
        FileOpener opener = file -> {
            // A colleague's upload of the corrected file lands after this run found the key empty.
            S3.client().putObject(request -> request.bucket(bucket).key("orders/jan.csv"), RequestBody.fromString("id\n1\n2\n"));
            return Files.newInputStream(file);
        };

        String output = run(bucket, opener, folder);

        String stored = S3.client().getObjectAsBytes(request -> request.bucket(bucket).key("orders/jan.csv")).asString(StandardCharsets.UTF_8);
        assertEquals("id\n1\n2\n", stored, "the newer object was replaced by this run's older copy:\n" + output);
        assertTrue(output.startsWith("exit 1\n"), output);
        assertTrue(output.contains("failed " + folder.resolve("jan.csv") + " -> s3://" + bucket + "/orders/jan.csv: Did not upload to s3://" + bucket
                + "/orders/jan.csv: an object was put there since this run found none ("), output);
        assertTrue(output.contains("; it now holds other content than the file: nothing was written, run the same command again to compare the file"
                + " with what the key holds then"), output);
    }

    private static String run(String bucket, FileOpener opener, Path folder, String... options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> command = new java.util.ArrayList<>(List.of("upload", folder.toString(), "--bucket", bucket));
        command.addAll(List.of(options));
        int exit = new BronzeIngestCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false,
                ConcurrentRunsIT::client, opener).run(command);
        return "exit " + exit + "\n" + err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Two runs of the folder, both of which have looked (HeadObject: 404; a new file is opened only after) before
     * either writes; the second to look writes once the other run has ended, since moto, unlike S3, does not check
     * a precondition and write at once for two requests that arrive together.
     */
    private static String twoRunsAtOnce(String bucket, Path folder, String... options) throws Exception {
        CyclicBarrier bothLooked = new CyclicBarrier(2);
        AtomicInteger opened = new AtomicInteger();
        CountDownLatch oneEnded = new CountDownLatch(1);
        FileOpener opener = file -> {
            try {
                bothLooked.await(20, TimeUnit.SECONDS);
                if (opened.getAndIncrement() > 0 && !oneEnded.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other run did not end");
                }
            }
            catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Files.newInputStream(file);
        };
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> run(bucket, opener, folder, options));
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> run(bucket, opener, folder, options));
        first.whenComplete((output, failure) -> oneEnded.countDown());
        second.whenComplete((output, failure) -> oneEnded.countDown());
        return first.get(120, TimeUnit.SECONDS) + second.get(120, TimeUnit.SECONDS);
    }

    private static S3Client client(Optional<URI> endpoint) {
        return S3Clients.builder(Optional.of(endpoint.orElse(S3.endpoint())))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }
}
