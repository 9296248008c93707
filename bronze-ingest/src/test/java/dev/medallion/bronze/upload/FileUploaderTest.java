package dev.medallion.bronze.upload;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileUploaderTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path directory;

    @Test
    void partsGrowOnlyWhenTenThousandWouldNotHoldTheFile() {
        assertEquals(8 * MIB, FileUploader.partSizeFor(1L << 30, 8 * MIB));
        assertEquals(8 * MIB, FileUploader.partSizeFor(10_000L * 8 * MIB, 8 * MIB));
        // 100 GiB in 10,000 parts needs 10.24 MiB each, rounded up to whole MiB.
        assertEquals(11 * MIB, FileUploader.partSizeFor(100L << 30, 8 * MIB));
        assertThrows(IllegalArgumentException.class, () -> FileUploader.partSizeFor(6L << 40, 8 * MIB));
    }

    /**
     * A writer without read_own_files: HeadObject is denied (403), the write conditional on no object refused (412), so the key
     * holds an object it may not read. The advice names the folder's ARN in the partition of the client's region.
     */
    @Test
    void anUnreadableObjectsAdviceNamesTheFoldersArnInThePartitionOfTheClientsRegion() throws Exception {
        Path file = Files.write(directory.resolve("x.csv"), "id\n1\n".getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, String> region : Map.of("cn-north-1", "aws-cn", "us-gov-east-1", "aws-us-gov", "us-east-1", "aws").entrySet()) {
            try (AnsweringS3 s3 = new AnsweringS3(Map.of("HEAD", 403, "PUT", 412)); S3Client client = s3.client(Region.of(region.getKey()))) {
                FileUploader uploader = new FileUploader(new BronzeBucket(client, "bronze"), Files::newInputStream, 5 * MIB, false);
                UploadOutcome outcome = uploader.upload(new PlannedFile(file, "orders/x.csv", Files.size(file), Files.getLastModifiedTime(file)),
                        SilentUploadListener.SILENT);

                assertEquals(UploadOutcome.Status.FAILED, outcome.status(), region.getKey() + ": " + outcome.detail());
                String expected = "and s3:GetObject on arn:" + region.getValue() + ":s3:::bronze/orders/* in its own IAM policy";
                assertTrue(outcome.detail().contains(expected), region.getKey() + ": " + outcome.detail());
            }
        }
    }

    /** A skipped file's bytes count as done, not as sent: the speed shown measures only what was uploaded. */
    @Test
    void onlyTheBytesUploadedAreReportedSent() throws Exception {
        byte[] content = "id\n1\n".getBytes(StandardCharsets.US_ASCII);
        Path same = Files.write(directory.resolve("same.csv"), content);
        Path fresh = Files.write(directory.resolve("new.csv"), content);
        String crc32 = Crc32Checksum.of(content, 0, content.length);
        S3Client client = (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "headObject" -> {
                    HeadObjectRequest.Builder request = HeadObjectRequest.builder();
                    Consumer<HeadObjectRequest.Builder> given = cast(args[0]);
                    given.accept(request);
                    if (request.build().key().equals("d/new.csv")) {
                        throw S3Exception.builder().statusCode(404).build();
                    }
                    return HeadObjectResponse.builder().contentLength((long) content.length).checksumCRC32(crc32).build();
                }
                case "putObject" -> {
                    ((RequestBody) args[1]).contentStreamProvider().newStream().readAllBytes();
                    return PutObjectResponse.builder().build();
                }
                default -> throw new UnsupportedOperationException("unexpected call " + method.getName());
            }
        });
        List<String> reported = new ArrayList<>();
        UploadListener listener = new UploadListener() {
            @Override
            public void runStarted(int files, long bytes) {}

            @Override
            public void bytesDone(long bytes, boolean sent) {
                reported.add(bytes + (sent ? " sent" : " not sent"));
            }

            @Override
            public void fileDone(UploadOutcome outcome) {}

            @Override
            public void runDone(List<PlannedFile> notAttempted) {}
        };
        FileUploader uploader = new FileUploader(new BronzeBucket(client, "bronze"), Files::newInputStream, 5 * MIB, false);

        assertEquals(UploadOutcome.Status.SKIPPED, uploader.upload(new PlannedFile(same, "d/same.csv", content.length, Files.getLastModifiedTime(same)), listener).status());
        assertEquals(UploadOutcome.Status.UPLOADED, uploader.upload(new PlannedFile(fresh, "d/new.csv", content.length, Files.getLastModifiedTime(fresh)), listener).status());

        assertEquals(List.of("5 not sent", "5 sent"), reported);
    }

    /**
     * A changed file replaces the object only if the key still holds the one compared (If-Match its ETag); S3
     * refusing it (412) because another run put the same file meanwhile makes the file skipped, not failed.
     * moto checks no If-Match on CompleteMultipartUpload, so both writes are checked here.
     */
    @Test
    void aReplacementIsConditionalOnTheETagComparedAndAnotherRunsEqualWriteIsASkip() throws Exception {
        for (int size : new int[] {5, 6 * MIB}) {
            byte[] content = new byte[size];
            java.util.Arrays.fill(content, (byte) 'a');
            Path file = Files.write(directory.resolve("big.csv"), content);
            String crc32 = Crc32Checksum.of(content, 0, content.length);
            List<String> calls = new ArrayList<>();
            java.util.Iterator<HeadObjectResponse> heads = List.of(
                    HeadObjectResponse.builder().contentLength(1L).eTag("\"old\"").build(),
                    HeadObjectResponse.builder().contentLength((long) size).checksumCRC32(crc32).eTag("\"new\"").build()).iterator();
            S3Exception preconditionFailed = (S3Exception) S3Exception.builder().statusCode(412)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("PreconditionFailed").errorMessage("At least one of the pre-conditions you specified did not hold").build())
                    .build();
            S3Client client = (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "headObject" -> {
                        calls.add("head");
                        return heads.next();
                    }
                    case "putObject" -> {
                        PutObjectRequest.Builder request = PutObjectRequest.builder();
                        Consumer<PutObjectRequest.Builder> given = cast(args[0]);
                        given.accept(request);
                        calls.add("put if-match " + request.build().ifMatch() + " if-none-match " + request.build().ifNoneMatch());
                        throw preconditionFailed;
                    }
                    case "createMultipartUpload" -> {
                        return CreateMultipartUploadResponse.builder().uploadId("upload-1").build();
                    }
                    case "uploadPart" -> {
                        return UploadPartResponse.builder().eTag("\"p\"").build();
                    }
                    case "completeMultipartUpload" -> {
                        CompleteMultipartUploadRequest.Builder request = CompleteMultipartUploadRequest.builder();
                        Consumer<CompleteMultipartUploadRequest.Builder> given = cast(args[0]);
                        given.accept(request);
                        calls.add("complete if-match " + request.build().ifMatch() + " if-none-match " + request.build().ifNoneMatch());
                        throw preconditionFailed;
                    }
                    case "abortMultipartUpload" -> {
                        calls.add("abort");
                        return AbortMultipartUploadResponse.builder().build();
                    }
                    default -> throw new UnsupportedOperationException("unexpected call " + method.getName());
                }
            });
            FileUploader uploader = new FileUploader(new BronzeBucket(client, "bronze"), Files::newInputStream, 5 * MIB, false);

            UploadOutcome outcome = uploader.upload(new PlannedFile(file, "d/big.csv", size, Files.getLastModifiedTime(file)), SilentUploadListener.SILENT);

            assertEquals(UploadOutcome.Status.SKIPPED, outcome.status(), outcome.detail());
            assertEquals("unchanged: put by another run meanwhile", outcome.detail());
            assertEquals(size == 5 ? List.of("head", "put if-match \"old\" if-none-match null", "head")
                    : List.of("head", "complete if-match \"old\" if-none-match null", "abort", "head"), calls);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
