package dev.medallion.bronze.cli;

import dev.medallion.bronze.upload.BronzeBucket;
import dev.medallion.bronze.upload.FileOpener;
import dev.medallion.bronze.upload.FileUploader;
import dev.medallion.bronze.upload.PlannedFile;
import dev.medallion.bronze.upload.UploadListener;
import dev.medallion.bronze.upload.UploadOutcome;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.common.testing.Fault;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Injection;
import dev.medallion.common.testing.Request;
import dev.medallion.common.testing.S3Emulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The skip decision (HeadObject) and the write (PutObject / CompleteMultipartUpload) are two requests: the
 * write is conditional on what was compared (If-None-Match: * for a new key, If-Match: the ETag for a changed
 * one), so that two runs of one folder at once do not both upload a file (two ObjectCreated events, two
 * conversions), and what another writer put in between is not overwritten.
 * <p>
 * S3 makes each conditional write atomically: of two racing for one key, exactly one lands. moto 5.2.1 checks
 * the condition and then writes, with no lock between ({@code moto/s3/responses.py}), so two that arrive
 * together can both land there. The races below therefore go through a {@link FaultProxy} that holds both
 * runs' publishing write until both have sent it, then lets the emulator serve them one at a time
 * ({@link Fault#gatherThenOneAtATime}): one lands, the other gets 412 and must take the lost-the-race path, on
 * moto and LocalStack alike.
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

        String outputs = twoRunsAtOnce(bucket, folder, request -> Request.s3("PUT", "/" + bucket + "/orders/jan.csv").test(request) && !request.isUploadPart());

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

        String outputs = twoRunsAtOnce(bucket, folder, request -> request.isCompleteMultipartUpload() && request.path().endsWith("/" + bucket + "/orders/big.csv"),
                "--part-size", "5");

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

        String output = run(bucket, opener, S3.endpoint(), folder);

        String stored = S3.client().getObjectAsBytes(request -> request.bucket(bucket).key("orders/jan.csv")).asString(StandardCharsets.UTF_8);
        assertEquals("id\n1\n2\n", stored, "the newer object was replaced by this run's older copy:\n" + output);
        assertTrue(output.startsWith("exit 1\n"), output);
        assertTrue(output.contains("failed " + folder.resolve("jan.csv") + " -> s3://" + bucket + "/orders/jan.csv: Did not upload to s3://" + bucket
                + "/orders/jan.csv: an object was put there since this run found none ("), output);
        assertTrue(output.contains("; it now holds other content than the file: nothing was written, run the same command again to compare the file"
                + " with what the key holds then"), output);
    }

    /**
     * S3 answers 409 ConditionalRequestConflict to a conditional write while another one to the key is in flight,
     * and says to retry a PutObject (PutObject, If-None-Match and If-Match: "On a 409 failure you should retry the
     * upload"). Here the other write never lands: the retry publishes the file.
     */
    @Test
    void aPutAnsweredConditionalRequestConflictIsRetriedAndPublishes() throws Exception {
        String bucket = S3.createBucket("bronze");
        Path folder = Files.createDirectories(directory.resolve("orders"));
        Files.writeString(folder.resolve("jan.csv"), "id\n1\n");
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection conflict = proxy.inject(request -> isPutObject(request, bucket, "orders/jan.csv"), inFlight(), 1);

            String output = run(bucket, Files::newInputStream, proxy.endpoint(), folder);

            assertTrue(output.startsWith("exit 0\n"), output);
            assertEquals(1, conflict.hits(), conflict + "\n" + output);
            assertTrue(output.contains("uploaded " + folder.resolve("jan.csv") + " -> s3://" + bucket + "/orders/jan.csv (5 B, new, "), output);
            assertEquals(2, proxy.requests().stream().filter(request -> isPutObject(request, bucket, "orders/jan.csv")).count(), output);
            assertEquals("id\n1\n", S3.client().getObjectAsBytes(request -> request.bucket(bucket).key("orders/jan.csv")).asString(StandardCharsets.UTF_8));
            assertEquals(List.of(), proxy.failures(), output);
        }
    }

    /**
     * A completion answered 409 ConditionalRequestConflict is started again, as S3 says (CompleteMultipartUpload,
     * If-None-Match: "re-initiate the multipart upload with CreateMultipartUpload and re-upload each part"): the
     * first time nothing has landed when the run looks, so it uploads again; the second time, the other run's
     * object lands while the 409 is served, holding the file's content: the file is skipped as put by another run,
     * with no third upload and none left open.
     */
    @Test
    void aCompletionAnsweredConditionalRequestConflictEndsAsTheOtherWriteEnds() throws Exception {
        String bucket = S3.createBucket("bronze");
        Path folder = Files.createDirectories(directory.resolve("orders"));
        byte[] content = ("id\n" + "1\n".repeat(3 << 20)).getBytes(StandardCharsets.US_ASCII);
        Files.write(folder.resolve("big.csv"), content);
        AtomicInteger completions = new AtomicInteger();
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection conflicts = proxy.inject(request -> {
                if (!isCompletion(request, bucket, "orders/big.csv")) {
                    return false;
                }
                if (completions.incrementAndGet() == 2) {
                    // The other run's write, in flight when this completion arrived, lands before its 409 is answered.
                    S3.client().putObject(other -> other.bucket(bucket).key("orders/big.csv").checksumAlgorithm(ChecksumAlgorithm.CRC32),
                            RequestBody.fromBytes(content));
                }
                return true;
            }, inFlight(), 2);

            String output = run(bucket, Files::newInputStream, proxy.endpoint(), folder, "--part-size", "5");

            assertTrue(output.startsWith("exit 0\n"), output);
            assertEquals(2, conflicts.hits(), conflicts + "\n" + output);
            assertEquals(2, proxy.requests().stream().filter(request -> request.isCreateMultipartUpload()).count(), "the upload is started again once:\n" + output);
            assertTrue(output.contains("skipped " + folder.resolve("big.csv") + " -> s3://" + bucket + "/orders/big.csv (6.3 MB, unchanged: put by another run meanwhile)"),
                    output);
            assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads(), "every upload is aborted");
            assertEquals(List.of(), proxy.failures(), output);
        }
    }

    /**
     * A multipart upload started again after a 409 sends the file's bytes twice, but the progress is told them once:
     * the bytes a listener hears for a file add up to its size ({@link UploadListener}), the bar never past 100 %.
     */
    @Test
    void aMultipartUploadStartedAgainCountsTheFileOnce() throws Exception {
        String bucket = S3.createBucket("bronze");
        Path file = directory.resolve("big.csv");
        Files.write(file, ("id\n" + "1\n".repeat(3 << 20)).getBytes(StandardCharsets.US_ASCII));
        AtomicLong sent = new AtomicLong();
        AtomicLong done = new AtomicLong();
        UploadListener listener = new UploadListener() {
            @Override
            public void runStarted(int files, long bytes) {}

            @Override
            public void bytesDone(long bytes, boolean wereSent) {
                done.addAndGet(bytes);
                if (wereSent) {
                    sent.addAndGet(bytes);
                }
            }

            @Override
            public void fileDone(UploadOutcome outcome) {}

            @Override
            public void runDone(List<PlannedFile> notAttempted) {}
        };
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection conflict = proxy.inject(request -> isCompletion(request, bucket, "orders/big.csv"), inFlight(), 1);
            FileUploader uploader = new FileUploader(new BronzeBucket(client(proxy.endpoint()), bucket), Files::newInputStream, 5 << 20, false);

            UploadOutcome outcome = uploader.upload(new PlannedFile(file, "orders/big.csv", Files.size(file), Files.getLastModifiedTime(file)), listener);

            assertEquals(UploadOutcome.Status.UPLOADED, outcome.status(), outcome.toString());
            assertEquals(1, conflict.hits(), conflict.toString());
            assertEquals(Files.size(file), done.get(), "bytes told for the file");
            assertEquals(Files.size(file), sent.get(), "bytes told sent");
            assertEquals(List.of(), proxy.failures());
        }
    }

    /**
     * Another write to the key stays in flight at every round: the file fails, naming the file, the key, S3's answer
     * and what to do, after a bounded number of rounds; nothing is published and no upload is left open. OperationAborted
     * ("a conflicting conditional operation is currently in progress", S3 says to try again) is waited for as
     * ConditionalRequestConflict is.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ConditionalRequestConflict", "OperationAborted"})
    void aWriteAnsweredConditionalRequestConflictAtEveryRoundFailsAndSaysWhatToDo(String code) throws Exception {
        EveryWriteAnswered run = runWithEveryPublishingWriteAnswered(Fault.status(409, code));

        assertTrue(run.output().startsWith("exit 1\n"), run.output());
        assertTrue(run.puts() > 1 && run.puts() < 10, run.puts() + " PutObjects\n" + run.output());
        assertEquals(run.puts(), run.completions(), run.completions() + " completions\n" + run.output());
        for (String name : List.of("jan.csv", "big.csv")) {
            String line = run.failedLine(name);
            assertTrue(line.contains(" -> s3://" + run.bucket() + "/orders/" + name + ": "), line);
            assertTrue(line.contains("another conditional write to the key was in flight (409 " + code + ") at each of " + run.puts()
                    + " attempts, and the key still holds nothing: nothing was written"), line);
            assertTrue(line.endsWith("run the same command again once the other writer (another run of this tool, or another tool) has finished"), line);
        }
    }

    /**
     * Only ConditionalRequestConflict and OperationAborted are the races S3 says to write again after (common's
     * ConditionalRequestConflicts): a publishing write answered another 409, such as InvalidBucketState, fails its file
     * at once with S3's answer, sent once, nothing published and no upload left open.
     */
    @Test
    void aWriteAnsweredAnother409FailsAtOnce() throws Exception {
        EveryWriteAnswered run = runWithEveryPublishingWriteAnswered(Fault.status(409, "InvalidBucketState"));

        assertTrue(run.output().startsWith("exit 1\n"), run.output());
        assertEquals(1, run.puts(), run.output());
        assertEquals(1, run.completions(), run.output());
        assertEquals(1, run.uploadsStarted(), "the upload is not started again:\n" + run.output());
        for (String name : List.of("jan.csv", "big.csv")) {
            String line = run.failedLine(name);
            assertTrue(line.contains("s3://" + run.bucket() + "/orders/" + name) && line.contains("Status Code: 409"), line);
            assertFalse(line.contains("in flight"), line);
        }
    }

    /**
     * What a run did whose every publishing write was answered with a fault.
     *
     * @param puts the PutObjects of jan.csv sent
     * @param completions the CompleteMultipartUploads of big.csv sent
     * @param uploadsStarted the multipart uploads started
     */
    private record EveryWriteAnswered(String bucket, Path folder, String output, int puts, int completions, long uploadsStarted) {
        /** The line that reports the file failed. */
        String failedLine(String name) {
            return output.lines().filter(printed -> printed.startsWith("failed " + folder.resolve(name))).findFirst()
                    .orElseThrow(() -> new AssertionError(output));
        }
    }

    /**
     * A run of a folder of jan.csv, published by PutObject, and big.csv, by CompleteMultipartUpload (5 MiB parts),
     * each of those writes answered {@code fault}: nothing may be published and no upload left open.
     */
    private EveryWriteAnswered runWithEveryPublishingWriteAnswered(Fault fault) throws Exception {
        String bucket = S3.createBucket("bronze");
        Path folder = Files.createDirectories(directory.resolve("orders"));
        Files.writeString(folder.resolve("jan.csv"), "id\n1\n");
        Files.write(folder.resolve("big.csv"), ("id\n" + "1\n".repeat(3 << 20)).getBytes(StandardCharsets.US_ASCII));
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection puts = proxy.inject(request -> isPutObject(request, bucket, "orders/jan.csv"), fault, 1_000);
            Injection completions = proxy.inject(request -> isCompletion(request, bucket, "orders/big.csv"), fault, 1_000);

            String output = run(bucket, Files::newInputStream, proxy.endpoint(), folder, "--part-size", "5");

            assertEquals(List.of(), S3.client().listObjectsV2(request -> request.bucket(bucket)).contents(), output);
            assertEquals(List.of(), S3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads(), "every upload is aborted");
            assertEquals(List.of(), proxy.failures(), output);
            return new EveryWriteAnswered(bucket, folder, output, puts.hits(), completions.hits(),
                    proxy.requests().stream().filter(Request::isCreateMultipartUpload).count());
        }
    }

    /** A run of {@code upload folder} whose S3 client sends its requests to {@code endpoint}. */
    private static String run(String bucket, FileOpener opener, URI endpoint, Path folder, String... options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> command = new java.util.ArrayList<>(List.of("upload", folder.toString(), "--bucket", bucket));
        command.addAll(List.of(options));
        int exit = new BronzeIngestCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false,
                requested -> client(requested.orElse(endpoint)), opener).run(command);
        return "exit " + exit + "\n" + err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Two runs of the folder at once, each with its own client, through a proxy that holds the file's publishing
     * write ({@code write}: PutObject, or CompleteMultipartUpload) until both runs have sent theirs, so that both
     * have looked (HeadObject: 404) and decided to upload before either write lands, then lets the emulator serve
     * the two one after the other, as S3 decides between them.
     */
    private static String twoRunsAtOnce(String bucket, Path folder, Predicate<Request> write, String... options) throws Exception {
        // A thread for each run: the common pool may have one, and the proxy holds the first write until the second arrives.
        ExecutorService runs = Executors.newFixedThreadPool(2);
        try (FaultProxy proxy = FaultProxy.start(S3.endpoint())) {
            Injection writes = proxy.inject(write, Fault.gatherThenOneAtATime(2), 2);
            Future<String> first = runs.submit(() -> run(bucket, Files::newInputStream, proxy.endpoint(), folder, options));
            Future<String> second = runs.submit(() -> run(bucket, Files::newInputStream, proxy.endpoint(), folder, options));
            String outputs = first.get(120, TimeUnit.SECONDS) + second.get(120, TimeUnit.SECONDS);
            assertEquals(2, writes.hits(), "both runs found the key empty and wrote the file: " + writes + "\n" + outputs);
            assertEquals(List.of(), proxy.failures(), outputs);
            return outputs;
        }
        finally {
            runs.shutdownNow();
        }
    }

    /** S3's answer to a conditional write while another conditional write to the same key is in flight. */
    private static Fault inFlight() {
        return Fault.status(409, "ConditionalRequestConflict");
    }

    private static boolean isPutObject(Request request, String bucket, String key) {
        return request.method().equals("PUT") && request.path().endsWith("/" + bucket + "/" + key) && request.query().isEmpty();
    }

    private static boolean isCompletion(Request request, String bucket, String key) {
        return request.isCompleteMultipartUpload() && request.path().endsWith("/" + bucket + "/" + key);
    }

    private static S3Client client(URI endpoint) {
        return S3Clients.builder(Optional.of(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }
}
