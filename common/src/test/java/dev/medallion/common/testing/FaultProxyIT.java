package dev.medallion.common.testing;

import dev.medallion.common.storage.S3Clients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FaultProxy} between the SDK's S3 client (URL connection HTTP client, as the functions use) and
 * the emulator: what passes through arrives unchanged, and each fault is what the client sees. Where the
 * SDK's behaviour could hide the proxy's (retries, length checks), raw sockets check the bytes.
 */
class FaultProxyIT {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    private static final int MiB = 1024 * 1024;
    private static final byte[] ONE_MIB = randomBytes(MiB, 1);
    /** Any Authorization header will do: moto answers anonymous GETs of private objects with 403, and checks no signatures. */
    private static final String FAKE_AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";

    private static String bucket;

    private FaultProxy proxy;
    /** Through the proxy, three attempts 10 ms apart, so that retries cost no time. */
    private S3Client client;
    /** Through the proxy, one attempt: what a fault does to a single request. */
    private S3Client once;

    @BeforeAll
    static void createBucket() {
        bucket = S3.createBucket("fault-proxy");
        S3.client().putObject(request -> request.bucket(bucket).key("one-mib.bin"), RequestBody.fromBytes(ONE_MIB));
    }

    @BeforeEach
    void startProxy() throws IOException {
        proxy = FaultProxy.start(S3.endpoint());
        client = clientThrough(proxy.endpoint(), AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(3)
                .backoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(10)))
                .throttlingBackoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(10)))
                .circuitBreakerEnabled(false)
                .build());
        once = clientThrough(proxy.endpoint(), AwsRetryStrategy.doNotRetry());
    }

    @AfterEach
    void stopProxy() {
        client.close();
        once.close();
        proxy.close();
        assertEquals(List.of(), proxy.failures(), "the proxy itself failed");
    }

    @Test
    void everyKindOfRequestPassesThroughUnchangedAndIsRecorded() {
        String key = "pass/a b+\u00e9.txt";
        client.putObject(request -> request.bucket(bucket).key(key).contentType("text/plain"), RequestBody.fromString("hello, proxy"));

        assertEquals("hello, proxy", client.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asUtf8String());
        HeadObjectResponse head = client.headObject(request -> request.bucket(bucket).key(key));
        assertEquals(12L, head.contentLength());
        assertEquals("text/plain", head.contentType());
        assertEquals(List.of(key), client.listObjectsV2(request -> request.bucket(bucket).prefix("pass/")).contents().stream().map(S3Object::key).toList());
        assertThrows(NoSuchKeyException.class, () -> client.headObject(request -> request.bucket(bucket).key("pass/missing")));

        byte[] first = randomBytes(5 * MiB, 2);
        byte[] second = randomBytes(1000, 3);
        String multipart = "pass/multipart.bin";
        String uploadId = client.createMultipartUpload(request -> request.bucket(bucket).key(multipart)).uploadId();
        String firstTag = client.uploadPart(request -> request.bucket(bucket).key(multipart).uploadId(uploadId).partNumber(1), RequestBody.fromBytes(first)).eTag();
        String secondTag = client.uploadPart(request -> request.bucket(bucket).key(multipart).uploadId(uploadId).partNumber(2), RequestBody.fromBytes(second)).eTag();
        client.completeMultipartUpload(request -> request.bucket(bucket).key(multipart).uploadId(uploadId).multipartUpload(upload -> upload.parts(
                CompletedPart.builder().partNumber(1).eTag(firstTag).build(),
                CompletedPart.builder().partNumber(2).eTag(secondTag).build())));
        byte[] whole = S3.client().getObjectAsBytes(request -> request.bucket(bucket).key(multipart)).asByteArray();
        assertEquals(first.length + second.length, whole.length);
        assertArrayEquals(first, Arrays.copyOfRange(whole, 0, first.length));
        assertArrayEquals(second, Arrays.copyOfRange(whole, first.length, whole.length));

        List<Request> requests = proxy.requests();
        assertEquals(List.of("PUT", "GET", "HEAD", "GET", "HEAD", "POST", "PUT", "PUT", "POST"), requests.stream().map(Request::method).toList());
        // Raw as on the wire: the SDK escapes the space, the plus and the accent, not the slash.
        assertEquals("/" + bucket + "/pass/a%20b%2B%C3%A9.txt", requests.get(0).path());
        assertEquals(Optional.of("2"), requests.get(3).queryParameter("list-type"));
        assertEquals(Optional.of("pass/"), requests.get(3).queryParameter("prefix"));
        assertTrue(requests.get(5).isCreateMultipartUpload(), requests.get(5).toString());
        assertEquals(Optional.of(""), requests.get(5).queryParameter("uploads"));
        assertTrue(requests.get(6).isUploadPart() && requests.get(7).isUploadPart());
        assertEquals(Optional.of("2"), requests.get(7).queryParameter("partNumber"));
        assertEquals(Optional.of(uploadId), requests.get(7).queryParameter("uploadId"));
        assertTrue(requests.get(8).isCompleteMultipartUpload());
        assertFalse(requests.get(8).isUploadPart());
        // The Host the SDK signed is the proxy's, and goes upstream unchanged.
        assertEquals(Optional.of(proxy.endpoint().getAuthority()), requests.get(0).header("Host"));
        assertTrue(requests.get(0).header("AUTHORIZATION").orElseThrow().startsWith("AWS4-HMAC-SHA256 "));
        // The uploads carried Expect: 100-continue, which the proxy answered itself.
        assertEquals(Optional.of("100-continue"), requests.get(6).header("expect"));
    }

    @Test
    void aServerErrorOnceIsRetriedByTheSdkAndTheRetrySucceeds() {
        Injection slowDown = proxy.inject(Request.s3("GET", "/one-mib.bin"), Fault.status(503), 1);

        assertArrayEquals(ONE_MIB, client.getObjectAsBytes(request -> request.bucket(bucket).key("one-mib.bin")).asByteArray());

        assertEquals(1, slowDown.hits());
        assertEquals(0, slowDown.remaining());
        assertEquals(2, proxy.requests().stream().filter(Request.s3("GET", "/one-mib.bin")).count());
    }

    @Test
    void moreServerErrorsThanTheSdkRetriesFailTheCallWithTheInjectedError() {
        String key = "status/" + UUID.randomUUID();
        Injection errors = proxy.inject(Request.s3("PUT", key), Fault.status(500), 5);

        S3Exception e = assertThrows(S3Exception.class, () -> client.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromString("never stored")));

        assertEquals(500, e.statusCode());
        assertEquals("InternalError", e.awsErrorDetails().errorCode());
        assertEquals("injected by FaultProxy", e.awsErrorDetails().errorMessage());
        assertEquals(3, errors.hits(), "the SDK makes three attempts");
        assertEquals(2, errors.remaining());
        assertEquals(3, proxy.requests().size());
        assertFalse(exists(key), "the request never reached the store");
    }

    @Test
    void injectionsAreTakenInOrderAndEachOnlyAsOftenAsAsked() {
        String key = "one-mib.bin";
        Injection first = proxy.inject(Request.s3("HEAD", key), Fault.status(500), 1);
        Injection second = proxy.inject(Request.any(), Fault.status(503), 1);
        Injection unused = proxy.inject(request -> request.method().equals("DELETE"), Fault.reset(), 1);

        assertEquals(500, assertThrows(S3Exception.class, () -> once.headObject(request -> request.bucket(bucket).key(key))).statusCode());
        assertEquals(503, assertThrows(S3Exception.class, () -> once.headObject(request -> request.bucket(bucket).key(key))).statusCode());
        assertEquals((long) MiB, once.headObject(request -> request.bucket(bucket).key(key)).contentLength());

        assertEquals(List.of(1, 1, 0), List.of(first.hits(), second.hits(), unused.hits()));
        assertEquals(3, proxy.requests().size());
        proxy.clear();
        assertEquals(1, unused.remaining(), "clear() removes injections without using them");
    }

    @Test
    void aLostResponseLeavesTheObjectStoredAlthoughTheClientSawAnError() {
        String key = "lost/" + UUID.randomUUID();
        Injection lost = proxy.inject(Request.s3("PUT", key), Fault.afterForwarding(500), 1);

        S3Exception e = assertThrows(S3Exception.class, () -> once.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromString("stored anyway")));

        assertEquals(500, e.statusCode());
        assertEquals(1, lost.hits());
        assertEquals("stored anyway", S3.client().getObjectAsBytes(request -> request.bucket(bucket).key(key)).asUtf8String());
    }

    @Test
    void aCleanCutGivesTheSdkAtMostTheFirstBytesThenEndOfStreamOrAnError() {
        int cut = 100_000;
        Injection injection = proxy.inject(Request.s3("GET", "/one-mib.bin"), Fault.cutResponseAfter(cut), 1);

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        Exception failure = null;
        try (ResponseInputStream<GetObjectResponse> in = once.getObject(request -> request.bucket(bucket).key("one-mib.bin"))) {
            assertEquals((long) MiB, in.response().contentLength());
            in.transferTo(received);
        }
        catch (IOException | SdkException e) {
            failure = e;
        }

        System.err.printf("[FaultProxyIT] a GetObject cut cleanly after %d of %d bytes: the SDK's stream gave %d bytes, then %s%n",
                cut, MiB, received.size(), failure == null ? "a normal end of stream" : failure);
        assertEquals(1, injection.hits());
        assertTrue(received.size() <= cut, received.size() + " bytes");
        assertArrayEquals(Arrays.copyOf(ONE_MIB, received.size()), received.toByteArray());
    }

    @Test
    void aCleanCutSendsExactlyThatManyBodyBytesThenEndOfStream() throws IOException {
        int cut = 100_000;
        proxy.inject(Request.s3("GET", "/one-mib.bin"), Fault.cutResponseAfter(cut), 1);

        RawResponse response = RawResponse.exchange(proxy.endpoint(), "GET /" + bucket + "/one-mib.bin HTTP/1.1\r\n"
                + "Host: " + proxy.endpoint().getAuthority() + "\r\n"
                + "Authorization: " + FAKE_AUTHORIZATION + "\r\n\r\n", new byte[0]);

        assertTrue(response.statusLine().startsWith("HTTP/1.1 200"), response.statusLine());
        assertEquals(String.valueOf(MiB), response.headers().get("content-length"));
        assertEquals("close", response.headers().get("connection"));
        assertEquals(null, response.failure(), "the connection ends with a FIN, not an error");
        assertArrayEquals(Arrays.copyOf(ONE_MIB, cut), response.body());
    }

    @Test
    void aResetAfterSomeBodyBytesFailsTheSdksReadAfterAtMostThoseBytes() {
        int cut = 100_000;
        proxy.inject(Request.s3("GET", "/one-mib.bin"), Fault.resetResponseAfter(cut), 1);

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        Exception e = assertThrows(Exception.class, () -> {
            try (ResponseInputStream<GetObjectResponse> in = once.getObject(request -> request.bucket(bucket).key("one-mib.bin"))) {
                in.transferTo(received);
            }
        });

        assertTrue(e instanceof IOException || e instanceof SdkClientException, e.toString());
        assertTrue(received.size() <= cut, received.size() + " bytes");
        assertArrayEquals(Arrays.copyOf(ONE_MIB, received.size()), received.toByteArray());
    }

    @Test
    void aResetAfterSomeBodyBytesEndsTheRawConnectionWithAnError() throws IOException {
        int cut = 100_000;
        proxy.inject(Request.s3("GET", "/one-mib.bin"), Fault.resetResponseAfter(cut), 1);

        RawResponse response = RawResponse.exchange(proxy.endpoint(), "GET /" + bucket + "/one-mib.bin HTTP/1.1\r\n"
                + "Host: " + proxy.endpoint().getAuthority() + "\r\n"
                + "Authorization: " + FAKE_AUTHORIZATION + "\r\n\r\n", new byte[0]);

        assertInstanceOf(IOException.class, response.failure());
        assertTrue(response.body().length <= cut, response.body().length + " bytes");
        assertArrayEquals(Arrays.copyOf(ONE_MIB, response.body().length), response.body());
    }

    @Test
    void aResetConnectionFailsTheCallAndNothingIsStored() {
        String key = "reset/" + UUID.randomUUID();
        Injection reset = proxy.inject(Request.s3("PUT", key), Fault.reset(), 1);

        assertThrows(SdkClientException.class, () -> once.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromString("never stored")));

        assertEquals(1, reset.hits());
        assertEquals(1, proxy.requests().size());
        assertFalse(exists(key));
    }

    @Test
    void theJdkSendsAGetHeadOrDeleteAgainWhenItsConnectionIsResetBeforeAnyAnswer() {
        Predicate<Request> head = Request.s3("HEAD", "/one-mib.bin");
        Injection resetOnce = proxy.inject(head, Fault.reset(), 1);

        // No SDK retries: HttpURLConnection itself sends the request again, and that one passes.
        assertEquals((long) MiB, once.headObject(request -> request.bucket(bucket).key("one-mib.bin")).contentLength());

        assertEquals(1, resetOnce.hits());
        List<Request> sent = proxy.requests();
        assertEquals(2, sent.size());
        assertEquals(sent.get(0), sent.get(1), "the same signed request, twice");
        assertEquals(Optional.of("attempt=1; max=1"), sent.get(1).header("amz-sdk-request"));

        Injection resetTwice = proxy.inject(head, Fault.reset(), 2);
        assertThrows(SdkClientException.class, () -> once.headObject(request -> request.bucket(bucket).key("one-mib.bin")));
        assertEquals(2, resetTwice.hits());
    }

    @Test
    void aDelayedRequestArrivesLate() {
        Duration delay = Duration.ofMillis(400);
        Injection slow = proxy.inject(Request.s3("HEAD", "/one-mib.bin"), Fault.delay(delay), 1);

        long start = System.nanoTime();
        assertEquals((long) MiB, once.headObject(request -> request.bucket(bucket).key("one-mib.bin")).contentLength());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(1, slow.hits());
        assertTrue(took.compareTo(delay) >= 0, "took " + took);
    }

    @Test
    void aRequestDelayedUntilAnotherIsAppliedWaitsForItThenPasses() throws Exception {
        Injection awaited = proxy.inject(Request.s3("HEAD", "/one-mib.bin"), Fault.delay(Duration.ZERO), 1);
        Injection waiting = proxy.inject(Request.s3("GET", "/one-mib.bin"), Fault.delayUntil(awaited, 1, Duration.ofSeconds(30)), 1);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<byte[]> get = caller.submit(() -> once.getObjectAsBytes(request -> request.bucket(bucket).key("one-mib.bin")).asByteArray());

            assertTrue(waiting.awaitHits(1, Duration.ofSeconds(10)), "the request reached the proxy");
            Thread.sleep(300);
            assertFalse(get.isDone(), "the request waits for the other");

            once.headObject(request -> request.bucket(bucket).key("one-mib.bin"));

            assertEquals(MiB, get.get(10, TimeUnit.SECONDS).length);
            assertEquals(List.of(), proxy.failures());
        }
        finally {
            caller.shutdownNow();
        }
    }

    @Test
    void aRequestDelayedUntilAnotherThatNeverComesIsForwardedAndReported() throws IOException {
        // A proxy of its own: the one every test gets must report no failure.
        try (FaultProxy waiting = FaultProxy.start(S3.endpoint()); S3Client through = clientThrough(waiting.endpoint(), AwsRetryStrategy.doNotRetry())) {
            Injection awaited = waiting.inject(Request.s3("HEAD", "/one-mib.bin"), Fault.delay(Duration.ZERO), 1);
            waiting.inject(Request.s3("GET", "/one-mib.bin"), Fault.delayUntil(awaited, 1, Duration.ofMillis(300)), 1);

            assertEquals(MiB, through.getObjectAsBytes(request -> request.bucket(bucket).key("one-mib.bin")).asByteArray().length);

            assertEquals(1, waiting.failures().size(), waiting.failures().toString());
            assertTrue(waiting.failures().get(0).contains("was forwarded without"), waiting.failures().toString());
        }
    }

    @Test
    void aHeldRequestWaitsUntilClearedAndThenFails() throws Exception {
        String key = "held/" + UUID.randomUUID();
        Injection held = proxy.inject(Request.s3("PUT", key), Fault.hold(), 1);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<?> put = caller.submit(() -> once.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromString("held")));

            assertTrue(held.awaitHits(1, Duration.ofSeconds(10)), "the request reached the proxy");
            assertFalse(put.isDone());
            Thread.sleep(300);
            assertFalse(put.isDone(), "the request is still held");

            proxy.clear();

            ExecutionException e = assertThrows(ExecutionException.class, () -> put.get(10, TimeUnit.SECONDS));
            assertInstanceOf(SdkClientException.class, e.getCause());
            assertFalse(exists(key));
            // Cleared: the same request now passes.
            once.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromString("after"));
            assertTrue(exists(key));
        }
        finally {
            caller.shutdownNow();
        }
    }

    /**
     * Three writes racing to create one key (If-None-Match: *): none reaches the store before all three have
     * arrived, then the store serves them one after another, so exactly one creates it and the others get 412,
     * as S3 decides such a race, whatever locking the emulator lacks.
     */
    @Test
    void gatheredRequestsWaitForEachOtherAndAreThenServedOneAtATime() throws Exception {
        String key = "race/" + UUID.randomUUID();
        Injection race = proxy.inject(Request.s3("PUT", key), Fault.gatherThenOneAtATime(3), 3);
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String body = "racer " + i;
                puts.add(callers.submit(() -> once.putObject(request -> request.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromString(body))));
            }
            assertTrue(race.awaitHits(2, Duration.ofSeconds(10)), "two requests reached the proxy: " + race);
            Thread.sleep(300);
            assertFalse(exists(key), "nothing forwarded before the third arrives");
            assertTrue(puts.stream().noneMatch(Future::isDone));

            puts.add(callers.submit(() -> once.putObject(request -> request.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromString("racer 2"))));

            int created = 0;
            for (Future<?> put : puts) {
                try {
                    put.get(30, TimeUnit.SECONDS);
                    created++;
                }
                catch (ExecutionException e) {
                    assertEquals(412, assertInstanceOf(S3Exception.class, e.getCause()).statusCode(), e.getCause().toString());
                }
            }
            assertEquals(1, created, "one write created the key, the others found it there");
            assertEquals(3, race.hits());
            assertEquals(List.of(), proxy.failures());
        }
        finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aWriteThatLandsLaterFailsAtOnceAndTakesEffectWhenCleared() throws Exception {
        String key = "late/" + UUID.randomUUID();
        Injection late = proxy.inject(Request.s3("PUT", key), Fault.landsLater(500), 1);

        S3Exception e = assertThrows(S3Exception.class,
                () -> once.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromString("late")));

        assertEquals(500, e.statusCode());
        assertFalse(late.awaitLanded(1, Duration.ofMillis(300)));
        assertFalse(exists(key), "not landed while held");
        proxy.clear();
        assertTrue(late.awaitLanded(1, Duration.ofSeconds(10)));
        assertTrue(exists(key), "landed after the client saw it fail");
    }

    /**
     * The proxy stops reading a body after its first MiB: the client's write blocks with most of the body unsent
     * (Java sockets have no write timeout), nothing reaches the store, and clearing the proxy resets the
     * connection, which fails the write.
     */
    @Test
    void aStalledBodyBlocksTheClientsWriteUntilClearedAndIsNotForwarded() throws Exception {
        String key = "stalled/" + UUID.randomUUID();
        Injection stalled = proxy.inject(Request.s3("PUT", key), Fault.stallBodyAfter(MiB), 1);
        // Well beyond what the kernel buffers between the two sockets on loopback (a send buffer of at most 4 MiB).
        byte[] body = randomBytes(32 * MiB, 2);
        String head = "PUT /" + bucket + "/" + key + " HTTP/1.1\r\n"
                + "Host: " + proxy.endpoint().getAuthority() + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        AtomicLong written = new AtomicLong();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Socket socket = new Socket(proxy.endpoint().getHost(), proxy.endpoint().getPort())) {
            Future<?> sending = writer.submit(() -> {
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                for (int offset = 0; offset < body.length; offset += 64 * 1024) {
                    out.write(body, offset, 64 * 1024);
                    written.addAndGet(64 * 1024);
                }
                return null;
            });

            assertTrue(stalled.awaitHits(1, Duration.ofSeconds(10)), "the proxy read the first MiB");
            long settled = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (written.get() != settled && System.nanoTime() < deadline) {
                settled = written.get();
                Thread.sleep(300);
            }
            assertFalse(sending.isDone(), "the client's write is blocked after " + written.get() + " bytes");
            assertTrue(written.get() < body.length - 16L * MiB, written.get() + " bytes written");

            proxy.clear();

            ExecutionException e = assertThrows(ExecutionException.class, () -> sending.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause());
            assertEquals(1, proxy.requests().size());
            assertFalse(exists(key));
        }
        finally {
            writer.shutdownNow();
        }
    }

    @Test
    void closeEndsHeldRequestsPromptly() throws Exception {
        String key = "held/" + UUID.randomUUID();
        Injection held = proxy.inject(Request.s3("PUT", key), Fault.hold(), 1);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<?> put = caller.submit(() -> once.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromString("held")));
            assertTrue(held.awaitHits(1, Duration.ofSeconds(10)));

            long start = System.nanoTime();
            proxy.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "close took " + took);
            ExecutionException e = assertThrows(ExecutionException.class, () -> put.get(10, TimeUnit.SECONDS));
            assertInstanceOf(SdkClientException.class, e.getCause());
        }
        finally {
            caller.shutdownNow();
        }
    }

    @Test
    void aChunkedBodyAfterExpectContinueArrivesUpstreamUnchanged() throws IOException {
        String key = "chunked/" + UUID.randomUUID();
        String head = "PUT /" + bucket + "/" + key + " HTTP/1.1\r\n"
                + "Host: " + proxy.endpoint().getAuthority() + "\r\n"
                + "Authorization: " + FAKE_AUTHORIZATION + "\r\n"
                + "Expect: 100-continue\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";
        // Plain chunks: moto's server (Werkzeug) answers 500 to chunk extensions; see aChunkedBodyIsForwardedByteForByte.
        byte[] chunked = "5\r\nhello\r\n8\r\n, chunks\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        RawResponse response = RawResponse.exchange(proxy.endpoint(), head, chunked);

        assertEquals("HTTP/1.1 100 Continue", response.interim(), "the proxy asks for the body before it is sent");
        assertTrue(response.statusLine().startsWith("HTTP/1.1 200"), response.statusLine());
        assertEquals("hello, chunks", S3.client().getObjectAsBytes(request -> request.bucket(bucket).key(key)).asUtf8String());
        assertEquals(Optional.of("chunked"), proxy.requests().get(0).header("transfer-encoding"));
    }

    @Test
    void theUpstreamGetsTheRequestAsSentWithoutExpectAndWithConnectionClose() throws Exception {
        String body = "5;name=value\r\nhello\r\n0\r\nx-trailer: t\r\n\r\n";
        // Keep-alive, and no close after the body: the proxy ends by Content-Length, not by waiting for the upstream.
        try (FakeUpstream upstream = FakeUpstream.start(body, "HTTP/1.1 201 Created\r\nKeep-Alive: timeout=5\r\n"
                        + "Connection: keep-alive\r\nContent-Length: 2\r\n\r\nok", false);
             FaultProxy capturing = FaultProxy.start(upstream.endpoint())) {
            RawResponse response = RawResponse.exchange(capturing.endpoint(), "PUT /bucket/a%20b?partNumber=1&uploadId=u HTTP/1.1\r\n"
                    + "Host: s3.example.invalid:1234\r\n"
                    + "X-Custom-Header: Value\r\n"
                    + "Connection: keep-alive\r\n"
                    + "Expect: 100-continue\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n", body.getBytes(StandardCharsets.ISO_8859_1));

            assertEquals("PUT /bucket/a%20b?partNumber=1&uploadId=u HTTP/1.1\r\n"
                    + "Host: s3.example.invalid:1234\r\n"
                    + "X-Custom-Header: Value\r\n"
                    + "Transfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n"
                    + body, upstream.received(), "chunk extensions and trailers included");
            assertEquals("HTTP/1.1 100 Continue", response.interim());
            assertEquals("HTTP/1.1 201 Created", response.statusLine());
            assertEquals(Map.of("content-length", "2", "connection", "close"), response.headers());
            assertEquals("ok", new String(response.body(), StandardCharsets.ISO_8859_1));
            assertEquals(null, response.failure());
            Request recorded = capturing.requests().get(0);
            assertEquals(new Request("PUT", "/bucket/a%20b", "partNumber=1&uploadId=u", Map.of(
                    "host", "s3.example.invalid:1234",
                    "x-custom-header", "Value",
                    "connection", "keep-alive",
                    "expect", "100-continue",
                    "transfer-encoding", "chunked")), recorded);
            assertEquals(List.of(), capturing.failures());
        }
    }

    @Test
    void anUpstreamThatEndsItsBodyEarlyIsAResetAndAReportedFailureNotACleanEnd() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start("\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true);
             FaultProxy proxied = FaultProxy.start(upstream.endpoint())) {
            RawResponse response = RawResponse.exchange(proxied.endpoint(), "GET /bucket/key HTTP/1.1\r\nHost: x\r\n\r\n", new byte[0]);

            assertEquals("HTTP/1.1 200 OK", response.statusLine());
            assertEquals("abc", new String(response.body(), StandardCharsets.ISO_8859_1));
            assertInstanceOf(IOException.class, response.failure());
            List<String> failures = proxied.failures();
            assertEquals(1, failures.size(), failures.toString());
            assertTrue(failures.get(0).contains("7 bytes short of the Content-Length 10 of GET /bucket/key"), failures.get(0));
        }
    }

    @Test
    void theProxysOwnFailuresAreAnsweredAndReported() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (FaultProxy broken = FaultProxy.start(URI.create("http://127.0.0.1:" + closedPort))) {
            RawResponse unreachable = RawResponse.exchange(broken.endpoint(), "GET /bucket/key HTTP/1.1\r\nHost: x\r\n\r\n", new byte[0]);
            RawResponse malformed = RawResponse.exchange(broken.endpoint(), "NONSENSE\r\n\r\n", new byte[0]);

            assertTrue(unreachable.statusLine().startsWith("HTTP/1.1 502 "), unreachable.statusLine());
            assertTrue(malformed.statusLine().startsWith("HTTP/1.1 400 "), malformed.statusLine());
            List<String> failures = broken.failures();
            assertEquals(2, failures.size(), failures.toString());
            assertTrue(failures.get(0).contains("cannot connect to the upstream 127.0.0.1:" + closedPort), failures.get(0));
            assertTrue(failures.get(1).contains("malformed request line: NONSENSE"), failures.get(1));
            assertEquals(1, broken.requests().size(), "a request the proxy cannot parse is not recorded");
        }
    }

    @Test
    void requestsAnswerQuestionsAboutTheirQueryAndHeaders() {
        Request request = new Request("PUT", "/bucket/a%20b", "partNumber=2&uploadId=x%2By&flag", Map.of("Content-Length", "5"));

        assertTrue(request.hasQueryParameter("partNumber"));
        assertTrue(request.hasQueryParameter("flag"));
        assertFalse(request.hasQueryParameter("uploads"));
        assertEquals(Optional.of("x+y"), request.queryParameter("uploadId"));
        assertEquals(Optional.of(""), request.queryParameter("flag"));
        assertEquals(Optional.of("5"), request.header("content-LENGTH"));
        assertEquals(Map.of("content-length", "5"), request.headers());
        assertTrue(request.isUploadPart());
        assertEquals("/bucket/a%20b?partNumber=2&uploadId=x%2By&flag", request.target());
        Predicate<Request> put = Request.s3("put", "a%20b");
        assertTrue(put.test(request));
        assertFalse(Request.s3("GET", "a%20b").test(request));
        assertThrows(IllegalArgumentException.class, () -> Fault.status(302));
        assertThrows(IllegalArgumentException.class, () -> Fault.status(500, "Not<Xml>"));
        assertThrows(IllegalArgumentException.class, () -> Fault.cutResponseAfter(-1));
        assertThrows(IllegalArgumentException.class, () -> proxy.inject(Request.any(), Fault.reset(), 0));
    }

    private static boolean exists(String key) {
        try {
            S3.client().headObject(request -> request.bucket(bucket).key(key));
            return true;
        }
        catch (NoSuchKeyException e) {
            return false;
        }
    }

    private static S3Client clientThrough(URI endpoint, RetryStrategy retryStrategy) {
        return S3Clients.builder(Optional.of(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(configuration -> configuration.retryStrategy(retryStrategy))
                .build();
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * An upstream on a loopback port for one request: it reads until the request ends with {@code requestEnd},
     * writes {@code response}, and closes the connection only when asked to.
     */
    private record FakeUpstream(ServerSocket socket, ExecutorService thread, Future<String> request) implements AutoCloseable {
        static FakeUpstream start(String requestEnd, String response, boolean closeAfterResponse) throws IOException {
            ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            ExecutorService thread = Executors.newSingleThreadExecutor();
            Future<String> request = thread.submit(() -> {
                Socket connection = socket.accept();
                connection.setSoTimeout(10_000);
                InputStream in = connection.getInputStream();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                while (!bytes.toString(StandardCharsets.ISO_8859_1).endsWith(requestEnd)) {
                    int b = in.read();
                    if (b < 0) {
                        throw new EOFException("the request ended after " + bytes.toString(StandardCharsets.ISO_8859_1));
                    }
                    bytes.write(b);
                }
                connection.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                if (closeAfterResponse) {
                    connection.close();
                }
                // Otherwise the connection stays open until close(), like a keep-alive server's.
                return bytes.toString(StandardCharsets.ISO_8859_1);
            });
            return new FakeUpstream(socket, thread, request);
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        String received() throws Exception {
            return request.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            thread.shutdownNow();
            socket.close();
        }
    }

    /**
     * One HTTP/1.1 exchange over a plain socket, read to the end of the connection: what exactly arrived,
     * with no client library in between to check lengths or retry.
     *
     * @param interim the interim status line (100 Continue) read before sending the body, if the head asked for one
     * @param failure how reading the body ended, if not with a clean end of stream
     */
    private record RawResponse(String interim, String statusLine, Map<String, String> headers, byte[] body, IOException failure) {
        static RawResponse exchange(URI endpoint, String head, byte[] body) throws IOException {
            try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String interim = null;
                if (head.toLowerCase().contains("\r\nexpect: 100-continue\r\n")) {
                    List<String> lines = readHead(in);
                    interim = lines.get(0);
                }
                out.write(body);
                out.flush();
                List<String> lines = readHead(in);
                Map<String, String> headers = new java.util.LinkedHashMap<>();
                for (String line : lines.subList(1, lines.size())) {
                    int colon = line.indexOf(':');
                    headers.put(line.substring(0, colon).strip().toLowerCase(), line.substring(colon + 1).strip());
                }
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                IOException failure = null;
                try {
                    byte[] buffer = new byte[8192];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        received.write(buffer, 0, n);
                    }
                }
                catch (IOException e) {
                    failure = e;
                }
                return new RawResponse(interim, lines.get(0), headers, received.toByteArray(), failure);
            }
        }

        private static List<String> readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("end of stream in a response head: " + head.toString(StandardCharsets.ISO_8859_1));
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            return List.of(text.substring(0, text.length() - 4).split("\r\n"));
        }
    }
}
