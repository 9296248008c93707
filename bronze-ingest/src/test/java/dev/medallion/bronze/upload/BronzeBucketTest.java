package dev.medallion.bronze.upload;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BronzeBucketTest {
    private static final String REFUSED = "the run is interrupted and its multipart uploads are being aborted; run the same command again to finish";

    @Test
    void onlyAChecksumOfTheWholeObjectCompares() {
        assertEquals(Optional.of("4E21yw=="), BronzeBucket.fullObjectCrc32("4E21yw==", ChecksumType.FULL_OBJECT));
        // A single-part object: moto reports no type, S3 reports FULL_OBJECT.
        assertEquals(Optional.of("twiHiQ=="), BronzeBucket.fullObjectCrc32("twiHiQ==", null));
        // S3 reports the checksum of the parts' checksums with the number of parts.
        assertEquals(Optional.empty(), BronzeBucket.fullObjectCrc32("vVQh6w==-3", null));
        assertEquals(Optional.empty(), BronzeBucket.fullObjectCrc32("vVQh6w==", ChecksumType.COMPOSITE));
        assertEquals(Optional.empty(), BronzeBucket.fullObjectCrc32(null, null));
    }

    /**
     * A denied put's advice names the dataset folder's ARN in the partition of the client's region: a policy in China or
     * GovCloud names arn:aws-cn:s3::: or arn:aws-us-gov:s3:::, and one copied from the message with arn:aws:s3::: would not match.
     */
    @Test
    void aDeniedPutNamesTheFoldersArnInThePartitionOfTheClientsRegion() throws Exception {
        Map<String, String> partitions = Map.of("cn-north-1", "aws-cn", "cn-northwest-1", "aws-cn", "us-gov-west-1", "aws-us-gov", "eu-west-1", "aws");
        for (Map.Entry<String, String> region : partitions.entrySet()) {
            try (AnsweringS3 s3 = new AnsweringS3(Map.of("PUT", 403)); S3Client client = s3.client(Region.of(region.getKey()))) {
                BronzeBucket bucket = new BronzeBucket(client, "bronze");
                IOException denied = assertThrows(IOException.class,
                        () -> bucket.put("orders/2026/x.csv", new byte[] {'i', 'd'}, 2, "AAAAAA==", "text/csv", Optional.empty()));
                String expected = "its own IAM policy lacks s3:PutObject on arn:" + region.getValue() + ":s3:::bronze/orders/*, or its entry";
                assertTrue(denied.getMessage().contains(expected), region.getKey() + ": " + denied.getMessage());
            }
        }
    }

    /** Ctrl-C: an upload started after the abort began would not be covered by it, its parts left billed. */
    @Test
    void onceTheAbortHasBegunNothingNewIsStarted() {
        List<String> calls = new ArrayList<>();
        BronzeBucket bucket = new BronzeBucket(recording(calls, () -> {}), "bronze");

        assertEquals(new BronzeBucket.Abort(List.of(), 0), bucket.abortUnfinished());

        IOException refused = assertThrows(IOException.class, () -> bucket.startMultipart("orders/big.csv", "text/csv"));
        assertEquals("Did not start a multipart upload to s3://bronze/orders/big.csv: " + REFUSED, refused.getMessage());
        IOException put = assertThrows(IOException.class, () -> bucket.put("orders/small.csv", new byte[] {'i', 'd'}, 2, "AAAAAA==", "text/csv", Optional.empty()));
        assertEquals("Did not upload to s3://bronze/orders/small.csv: " + REFUSED, put.getMessage());
        assertEquals(List.of(), calls, "no request once the abort has begun");
    }

    /** An upload whose creation was in flight when the abort began is aborted too, by the thread that started it. */
    @Test
    void anUploadCreatedWhileTheAbortRunsIsAbortedAndRefused() throws Exception {
        List<String> calls = new ArrayList<>();
        BronzeBucket[] bucket = new BronzeBucket[1];
        // The shutdown hook runs while CreateMultipartUpload is on its way.
        bucket[0] = new BronzeBucket(recording(calls, () -> bucket[0].abortUnfinished()), "bronze");

        IOException refused = assertThrows(IOException.class, () -> bucket[0].startMultipart("orders/big.csv", "text/csv"));

        assertEquals("Did not start a multipart upload to s3://bronze/orders/big.csv: " + REFUSED, refused.getMessage());
        assertEquals(List.of("createMultipartUpload orders/big.csv", "abortMultipartUpload orders/big.csv upload-1"), calls);
    }

    /**
     * Ctrl-C with a part on its way. AbortMultipartUpload: "if any part uploads are currently in progress, those
     * part uploads might or might not succeed": a part that lands after the abort stays billed. The abort waits
     * for it first.
     */
    @Test
    void theAbortOfAnInterruptedRunWaitsForThePartOnItsWay() throws Exception {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch partSent = new CountDownLatch(1);
        BronzeBucket bucket = new BronzeBucket(slowParts(calls, partSent, 300), "bronze");
        Thread thread = sendAPart(bucket.startMultipart("orders/big.csv", "text/csv"));
        partSent.await();

        // What the shutdown hook does on Ctrl-C.
        BronzeBucket.Abort abort = bucket.abortUnfinished();
        thread.join();

        assertEquals(new BronzeBucket.Abort(List.of(), 0), abort);
        assertEquals(List.of("create", "part sent", "part landed", "abort"), calls);
    }

    /** The wait is bounded: a part that outlasts it is left to S3 (and the lifecycle rule), and counted, so that the run says so. */
    @Test
    void aPartOutlastingTheWaitIsCountedAndTheUploadAbortedAllTheSame() throws Exception {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch partSent = new CountDownLatch(1);
        BronzeBucket bucket = new BronzeBucket(slowParts(calls, partSent, 2000), "bronze", Duration.ofMillis(100));
        Thread thread = sendAPart(bucket.startMultipart("orders/big.csv", "text/csv"));
        partSent.await();

        BronzeBucket.Abort abort = bucket.abortUnfinished();
        thread.join();

        assertEquals(new BronzeBucket.Abort(List.of(), 1), abort);
        assertEquals(List.of("create", "part sent", "abort", "part landed"), calls);
    }

    /** A client whose parts take {@code millis} to land, after counting down {@code partSent}. */
    private static S3Client slowParts(List<String> calls, CountDownLatch partSent, long millis) {
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "createMultipartUpload" -> {
                    calls.add("create");
                    return CreateMultipartUploadResponse.builder().uploadId("upload-1").build();
                }
                case "uploadPart" -> {
                    calls.add("part sent");
                    partSent.countDown();
                    Thread.sleep(millis);
                    calls.add("part landed");
                    return UploadPartResponse.builder().eTag("\"e1\"").build();
                }
                case "abortMultipartUpload" -> {
                    calls.add("abort");
                    return AbortMultipartUploadResponse.builder().build();
                }
                default -> throw new UnsupportedOperationException("unexpected call " + method.getName());
            }
        });
    }

    private static Thread sendAPart(BronzeBucket.PartedUpload upload) {
        Thread thread = new Thread(() -> {
            try {
                upload.uploadPart(new byte[] {'i', 'd'}, 2);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        thread.start();
        return thread;
    }

    /**
     * An S3 client that answers CreateMultipartUpload with upload-1, upload-2, ... (running {@code onCreate}
     * first) and AbortMultipartUpload with success, records both, and fails on anything else.
     */
    private static S3Client recording(List<String> calls, Runnable onCreate) {
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "createMultipartUpload" -> {
                    onCreate.run();
                    var request = CreateMultipartUploadRequest.builder();
                    @SuppressWarnings("unchecked")
                    Consumer<CreateMultipartUploadRequest.Builder> fill =
                            (Consumer<CreateMultipartUploadRequest.Builder>) args[0];
                    fill.accept(request);
                    String id = "upload-" + (calls.stream().filter(call -> call.startsWith("create")).count() + 1);
                    calls.add("createMultipartUpload " + request.build().key());
                    return CreateMultipartUploadResponse.builder().uploadId(id).build();
                }
                case "abortMultipartUpload" -> {
                    var request = AbortMultipartUploadRequest.builder();
                    @SuppressWarnings("unchecked")
                    Consumer<AbortMultipartUploadRequest.Builder> fill = (Consumer<AbortMultipartUploadRequest.Builder>) args[0];
                    fill.accept(request);
                    AbortMultipartUploadRequest built = request.build();
                    calls.add("abortMultipartUpload " + built.key() + " " + built.uploadId());
                    return AbortMultipartUploadResponse.builder().build();
                }
                default -> throw new UnsupportedOperationException("unexpected call " + method.getName());
            }
        });
    }
}
