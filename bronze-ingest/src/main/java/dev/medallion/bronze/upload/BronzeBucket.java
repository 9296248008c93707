package dev.medallion.bronze.upload;

import dev.medallion.common.aws.ConditionalRequestConflicts;
import dev.medallion.common.aws.Refusals;
import dev.medallion.common.logging.ErrorMessages;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The bronze bucket as this tool needs it, straight on the S3 API: what {@code ObjectStore} in common
 * does not offer yet (checksums on HeadObject and on uploads, full-object multipart checksums, the
 * bucket check before a run) stays in this one class.
 *
 * <p>Every object is written with its CRC32 ({@link Crc32Checksum}), computed here from the bytes
 * read, so S3 rejects a body damaged on the way, and a multipart upload declares the
 * {@code FULL_OBJECT} checksum type, so S3 keeps the CRC32 of the whole object rather than a
 * checksum of the parts' checksums. A multipart upload that fails is aborted: no partial object
 * ever appears. Its parts are gone too, unless the abort fails, which the caller is told
 * ({@link UnabortedUpload}) so that a person can be, or a part still in progress lands after it
 * (which the abort of an interrupted run waits a few seconds for): the bucket's lifecycle rule for
 * incomplete multipart uploads removes those.
 *
 * <p>The write that publishes an object is conditional on what the run compared the file with: on no
 * object ({@code If-None-Match: *}), or on the object found ({@code If-Match} its ETag). Another run or
 * tool that wrote the key in between makes S3 refuse it ({@link WriteConflictException}), so that two runs
 * at once do not both publish a file, each publication a conversion. One whose conditional write is in flight
 * makes S3 answer 409 ConditionalRequestConflict ({@link WriteInFlightException}), which the caller settles.
 */
public final class BronzeBucket {
    public static final String NO_CREDENTIALS = "No AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and "
            + "AWS_SECRET_ACCESS_KEY, or run 'aws configure' (against a local emulator any dummy pair will do)";

    private static final int HTTP_MOVED_PERMANENTLY = 301;
    private static final int HTTP_BAD_REQUEST = 400;
    private static final int HTTP_FORBIDDEN = 403;
    private static final int HTTP_NOT_FOUND = 404;
    private static final int HTTP_PRECONDITION_FAILED = 412;
    private static final String BUCKET_REGION_HEADER = "x-amz-bucket-region";
    /**
     * How long the abort of an interrupted run waits for the parts on their way: S3 may store a part still
     * in progress after the abort ("it might be necessary to abort a given multipart upload multiple times",
     * AbortMultipartUpload), which would then stay billed. A part is at most 1 GiB; the wait is bounded, as
     * Ctrl-C is expected to end the run soon.
     */
    public static final Duration PARTS_IN_FLIGHT_WAIT = Duration.ofSeconds(5);

    private final S3Client client;
    private final String bucket;
    /**
     * Bounds each attempt of a write with a body, whose write the HTTP client's socket timeout does not bound, and of a
     * request with no body, whose whole answer it does not bound ({@link UploadAttemptLimit}).
     */
    private final UploadAttemptLimit attemptLimit;
    /** Multipart uploads in flight, so that an interrupted run can abort them on its way out. */
    private final Set<PartedUpload> unfinished = ConcurrentHashMap.newKeySet();
    /**
     * Closing and registering an upload happen under this lock, so that every upload is either registered
     * before the abort copies {@link #unfinished}, or sees the bucket closed and aborts itself.
     */
    private final Object lock = new Object();
    /** Set once an interrupted run has begun aborting: nothing new is written after. Guarded by {@link #lock}. */
    private boolean closed;
    /** Parts being sent, which the abort of an interrupted run waits for. Guarded by {@link #lock}. */
    private int partsInFlight;
    private final Duration partsInFlightWait;

    public BronzeBucket(S3Client client, String bucket) {
        this(client, bucket, UploadAttemptLimit.STANDARD);
    }

    /** @param attemptLimit how long one attempt of a PutObject or an UploadPart may take, by its body's length */
    public BronzeBucket(S3Client client, String bucket, UploadAttemptLimit attemptLimit) {
        this(client, bucket, attemptLimit, PARTS_IN_FLIGHT_WAIT);
    }

    /** @param partsInFlightWait how long {@link #abortUnfinished} waits for the parts on their way */
    BronzeBucket(S3Client client, String bucket, Duration partsInFlightWait) {
        this(client, bucket, UploadAttemptLimit.STANDARD, partsInFlightWait);
    }

    private BronzeBucket(S3Client client, String bucket, UploadAttemptLimit attemptLimit, Duration partsInFlightWait) {
        this.client = requireNonNull(client, "client is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.attemptLimit = requireNonNull(attemptLimit, "attemptLimit is null");
        this.partsInFlightWait = requireNonNull(partsInFlightWait, "partsInFlightWait is null");
        if (bucket.isEmpty() || bucket.contains("/")) {
            throw new IllegalArgumentException("Invalid bucket name '" + bucket + "': give the name alone, such as my-bronze-bucket");
        }
    }

    public String name() {
        return bucket;
    }

    public String describe(String key) {
        return "s3://" + bucket + "/" + key;
    }

    /**
     * The ARN of the objects under {@code keyPattern} ({@code orders/*}), for messages naming what a policy must allow: in the
     * partition of the client's region (arn:aws-cn:s3::: in cn-north-1, arn:aws-us-gov:s3::: in us-gov-west-1), as the
     * policies there name it. The partition is the SDK's own answer (its regions module, no request), a region it does not know
     * taken as aws's.
     */
    public String objectArn(String keyPattern) {
        requireNonNull(keyPattern, "keyPattern is null");
        Region region = client.serviceClientConfiguration().region();
        String partition = region == null ? "aws" : PartitionMetadata.of(region).id();
        return "arn:" + partition + ":s3:::" + bucket + "/" + keyPattern;
    }

    /** Where requests go, for messages: the endpoint when one is set, else the region. */
    public String endpoint() {
        S3ServiceClientConfiguration configuration = client.serviceClientConfiguration();
        return configuration.endpointOverride()
                .map(Object::toString)
                .orElseGet(() -> "S3 in " + configuration.region());
    }

    /** What the bucket check found, when it did not refuse the run. */
    public enum Access {
        /** HeadBucket answered: the bucket exists and these credentials may list it. */
        CHECKED,
        /**
         * HeadBucket answered 403: these credentials may not list the bucket (s3:ListBucket, which cannot be narrowed to a
         * prefix), as a writer of another account that terraform's bronze_writers lets put under its datasets' folders
         * may not. Whether they may write is for each file's own requests to say.
         */
        NOT_LISTABLE
    }

    /**
     * Checks, before any file is read whole and anything written, that the bucket exists and these credentials reach
     * it, and says in one line what to do when not. A bucket these credentials may not list (403) is no refusal: a
     * writer of another account may put under its datasets' folders without it, and the first request for a file says
     * whether it may ({@link #notListableNote}).
     *
     * @return {@link Access#NOT_LISTABLE} when HeadBucket was answered 403, else {@link Access#CHECKED}
     * @throws UploadRefusedException when no retry would help: the bucket does not exist or is in another
     *     region, there are no credentials, the endpoint's host does not resolve
     * @throws TemporaryFailureException when the SDK's own rule says a retry may ({@link TransientFailures}): the
     *     endpoint unreachable, the connection reset, throttling or a 5xx at every attempt the SDK made
     */
    public Access checkAccess() throws UploadRefusedException, TemporaryFailureException {
        try {
            client.headBucket(request -> request.overrideConfiguration(this::smallRequest).bucket(bucket));
        }
        catch (S3Exception e) {
            if (e.statusCode() == HTTP_FORBIDDEN) {
                return Access.NOT_LISTABLE;
            }
            refuse(refusal(e), e);
        }
        catch (SdkClientException e) {
            refuse(clientFailure(e), e);
        }
        catch (SdkException e) {
            refuse("Could not check bucket '" + bucket + "' at " + endpoint() + ": " + ErrorMessages.describe(e), e);
        }
        return Access.CHECKED;
    }

    /** The one line a run prints when {@link #checkAccess} found the bucket {@link Access#NOT_LISTABLE}. */
    public String notListableNote() {
        return "Bucket '" + bucket + "' could not be checked at " + endpoint() + ": HeadBucket was denied (403), as it is to a writer of another account,"
                + " which may put under its datasets' folders but not list the bucket (s3:ListBucket); going on, each file's own requests say whether"
                + " these credentials may write it";
    }

    /** Throws the failure of the bucket check as what it is: temporary, or a refusal a retry would meet again. */
    private static void refuse(String message, SdkException e) throws UploadRefusedException, TemporaryFailureException {
        if (TransientFailures.isTransient(e)) {
            throw new TemporaryFailureException(message, e);
        }
        throw new UploadRefusedException(message, e);
    }

    /** The object's size and the CRC32 of its whole content when S3 keeps one, or empty when there is no object. */
    public Optional<StoredObject> stat(String key) throws IOException {
        requireNonNull(key, "key is null");
        HeadObjectResponse response;
        try {
            response = client.headObject(request -> request.overrideConfiguration(this::smallRequest)
                    .bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
        }
        catch (S3Exception e) {
            // HEAD responses have no body: a missing key shows only as the status code.
            if (e.statusCode() == HTTP_NOT_FOUND) {
                return Optional.empty();
            }
            if (e.statusCode() == HTTP_FORBIDDEN) {
                throw new UnreadableKeyException("Could not look up " + describe(key) + ": HeadObject answered 403 (" + ErrorMessages.describe(e)
                        + "): these credentials may not read the key (s3:GetObject), or it holds nothing and they may not list the bucket (s3:ListBucket)", e);
            }
            throw failure("look up", key, e);
        }
        catch (SdkException e) {
            throw failure("look up", key, e);
        }
        return Optional.of(new StoredObject(response.contentLength(), fullObjectCrc32(response.checksumCRC32(), response.checksumType()),
                Optional.ofNullable(response.eTag())));
    }

    /**
     * The stored CRC32 when it covers the whole object. A {@code COMPOSITE} checksum (S3 reports it as
     * {@code <value>-<parts>}) is the CRC32 of the parts' checksums, which a local file can only match
     * when split exactly the same way, so it does not count.
     */
    static Optional<String> fullObjectCrc32(String value, ChecksumType type) {
        if (value == null || value.isEmpty() || type == ChecksumType.COMPOSITE || value.contains("-")) {
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /**
     * Writes a small object in one request; S3 checks the content against {@code crc32}.
     *
     * @param replaced what the key held when the file was compared with it, or empty when it held nothing:
     *     the write lands only if it still does
     * @throws WriteConflictException when the key holds something else now: another writer came in between
     * @throws WriteInFlightException when another conditional write to the key was in flight: nothing was
     *     written, and the put may be sent again
     * @throws UnconfirmedWriteException when the request failed in a way that does not show it had no effect
     *     (its answer lost, a server error): the object may be there all the same
     */
    public void put(String key, byte[] content, int length, String crc32, String contentType, Optional<StoredObject> replaced) throws IOException {
        requireNonNull(key, "key is null");
        requireNonNull(crc32, "crc32 is null");
        requireNonNull(replaced, "replaced is null");
        refuseIfClosed("upload to", key);
        try {
            client.putObject(request -> {
                request.overrideConfiguration(override -> override.apiCallAttemptTimeout(attemptLimit.forBody(length)))
                        .bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.CRC32).checksumCRC32(crc32);
                replaced.ifPresentOrElse(stored -> stored.eTag().ifPresent(request::ifMatch), () -> request.ifNoneMatch("*"));
            }, body(content, length, contentType));
        }
        catch (SdkException e) {
            throw writeFailure(writeRefusal("upload to", key, e), "upload to", key, replaced, e);
        }
    }

    /**
     * Why a publishing write failed: a conflict with another writer, or another conditional write in flight,
     * refused at its only attempt; a refusal; or a failure that does not show it had no effect.
     */
    private IOException writeFailure(IOException failure, String action, String key, Optional<StoredObject> replaced, SdkException e) {
        if (refused(e) && e instanceof S3Exception s3 && ConditionalRequestConflicts.isConditionalRequestConflict(s3)) {
            return new WriteInFlightException("Did not " + action + " " + describe(key) + ": another conditional write to the key was in flight ("
                    + ErrorMessages.describe(e) + ")", ConditionalRequestConflicts.answer(s3), e);
        }
        if (refused(e) && e instanceof S3Exception s3 && isConflict(s3, replaced.isPresent())) {
            return new WriteConflictException("Did not " + action + " " + describe(key) + ": " + (replaced.isPresent()
                    ? "the object it held when this run compared the file with it was replaced or deleted since"
                    : "an object was put there since this run found none") + " (" + ErrorMessages.describe(e) + ")", e);
        }
        return refused(e) ? failure : new UnconfirmedWriteException(failure);
    }

    /**
     * Whether S3 refused a conditional write for the key's state: 412 Precondition Failed, or for a replacement
     * ({@code If-Match}) 404 NoSuchKey, the object gone.
     */
    private static boolean isConflict(S3Exception e, boolean replacing) {
        return e.statusCode() == HTTP_PRECONDITION_FAILED || replacing && e.statusCode() == HTTP_NOT_FOUND && "NoSuchKey".equals(errorCode(e));
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /**
     * Starts a multipart upload whose object will carry the CRC32 of its whole content; refused once
     * {@link #abortUnfinished} has begun, since its abort would not cover it.
     */
    public PartedUpload startMultipart(String key, String contentType) throws IOException {
        requireNonNull(key, "key is null");
        refuseIfClosed("start a multipart upload to", key);
        String uploadId;
        try {
            uploadId = client.createMultipartUpload(request -> request.overrideConfiguration(this::smallRequest)
                            .bucket(bucket).key(key).contentType(contentType)
                            .checksumAlgorithm(ChecksumAlgorithm.CRC32)
                            .checksumType(ChecksumType.FULL_OBJECT))
                    .uploadId();
        }
        catch (SdkException e) {
            throw writeRefusal("start a multipart upload to", key, e);
        }
        PartedUpload upload = new PartedUpload(key, uploadId, contentType);
        synchronized (lock) {
            if (!closed) {
                unfinished.add(upload);
                return upload;
            }
        }
        // Created while the abort ran, too late for it to see: no part goes up, and the upload goes the
        // same way, as far as the JVM, shutting down, lets this thread get. Holding no part, it costs nothing.
        abortQuietly(key, uploadId);
        throw interrupted("start a multipart upload to", key);
    }

    /**
     * What {@link #abortUnfinished} did.
     *
     * @param unaborted the uploads whose abort failed, whose parts stay in the bucket
     * @param partsStillSent the parts still on their way when the wait for them ran out: S3 may store them
     *     after the abort, to be removed by the bucket's lifecycle rule for incomplete multipart uploads
     */
    public record Abort(List<UnabortedUpload> unaborted, int partsStillSent) {
        public Abort {
            unaborted = List.copyOf(unaborted);
        }
    }

    /**
     * Aborts the multipart uploads still in flight, for a run that is interrupted. From then on, nothing new
     * is written: uploads, parts and objects are refused, so that no upload starts that this abort would not
     * cover. The parts on their way are waited for first, up to {@link #PARTS_IN_FLIGHT_WAIT}: S3 may store a
     * part still in progress after the abort.
     */
    public Abort abortUnfinished() {
        List<PartedUpload> inFlight;
        int stillSent;
        synchronized (lock) {
            closed = true;
            long deadline = System.nanoTime() + partsInFlightWait.toNanos();
            for (long left = partsInFlightWait.toNanos(); partsInFlight > 0 && left > 0; left = deadline - System.nanoTime()) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            stillSent = partsInFlight;
            inFlight = List.copyOf(unfinished);
        }
        List<UnabortedUpload> unaborted = new ArrayList<>();
        for (PartedUpload upload : inFlight) {
            upload.abort().unaborted().ifPresent(unaborted::add);
        }
        return new Abort(unaborted, stillSent);
    }

    private void refuseIfClosed(String action, String key) throws IOException {
        synchronized (lock) {
            if (closed) {
                throw interrupted(action, key);
            }
        }
    }

    /** Counts a part on its way, unless the abort has begun: checked and counted at once, so that the abort waits for every part it let go. */
    private void startPart(String action, String key) throws IOException {
        synchronized (lock) {
            if (closed) {
                throw interrupted(action, key);
            }
            partsInFlight++;
        }
    }

    private void endPart() {
        synchronized (lock) {
            partsInFlight--;
            lock.notifyAll();
        }
    }

    private IOException interrupted(String action, String key) {
        return new IOException("Did not " + action + " " + describe(key) + ": the run is interrupted and its multipart uploads are being aborted; "
                + "run the same command again to finish");
    }

    private void abortQuietly(String key, String uploadId) {
        try {
            client.abortMultipartUpload(request -> request.overrideConfiguration(this::smallRequest).bucket(bucket).key(key).uploadId(uploadId));
        }
        catch (SdkException e) {
            // An upload without parts is billed nothing, and the lifecycle rule removes it.
        }
    }

    /**
     * Whether S3 refused a write at the only attempt the SDK made (a 4xx such as a bad checksum or denied
     * access, {@link Refusals}), so that it cannot have taken effect. A NoSuchUpload on completing is what a
     * retry hears when the first attempt completed the upload, and the first may be hidden: it is no refusal.
     */
    private static boolean refused(SdkException e) {
        return Refusals.refusedAtItsOnlyAttempt(e) && !(e instanceof S3Exception s3 && isNoSuchUpload(s3));
    }

    private static boolean isNoSuchUpload(S3Exception e) {
        return e.statusCode() == HTTP_NOT_FOUND && e.awsErrorDetails() != null && "NoSuchUpload".equals(e.awsErrorDetails().errorCode());
    }

    /** A multipart upload in flight; not for use by several threads at once. */
    public final class PartedUpload {
        private final String key;
        private final String uploadId;
        private final String contentType;
        private final List<CompletedPart> parts = new ArrayList<>();

        private PartedUpload(String key, String uploadId, String contentType) {
            this.key = key;
            this.uploadId = uploadId;
            this.contentType = contentType;
        }

        /** Sends the next part; S3 checks it against its CRC32. */
        public void uploadPart(byte[] content, int length) throws IOException {
            int partNumber = parts.size() + 1;
            String crc32 = Crc32Checksum.of(content, 0, length);
            // A part sent while the abort runs could outlive it, and be billed: none starts once it has begun, and it waits for those on their way.
            startPart("upload part " + partNumber + " of", key);
            UploadPartResponse response;
            try {
                response = client.uploadPart(
                        request -> request.overrideConfiguration(override -> override.apiCallAttemptTimeout(attemptLimit.forBody(length)))
                                .bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                                .checksumAlgorithm(ChecksumAlgorithm.CRC32).checksumCRC32(crc32),
                        body(content, length, contentType));
            }
            catch (SdkException e) {
                throw new IOException("Could not upload part " + partNumber + " of " + describe(key) + ": " + ErrorMessages.describe(e), e);
            }
            finally {
                endPart();
            }
            parts.add(CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).checksumCRC32(crc32).build());
        }

        /**
         * Publishes the object. S3 combines the parts' CRC32s and refuses the upload unless they make
         * {@code wholeCrc32}, which the caller computed over every byte it read.
         *
         * @param replaced what the key held when the file was compared with it, or empty when it held
         *     nothing: the object is published only if it still does
         * @throws WriteConflictException when the key holds something else now: another writer came in between
         * @throws WriteInFlightException when another conditional write to the key was in flight: nothing was
         *     published, and this upload is to be aborted and started again, as S3 says to do
         * @throws UnconfirmedWriteException when the request failed in a way that does not show it had no
         *     effect (its answer lost, a server error): the object may be published all the same
         */
        public void complete(String wholeCrc32, Optional<StoredObject> replaced) throws IOException {
            requireNonNull(wholeCrc32, "wholeCrc32 is null");
            requireNonNull(replaced, "replaced is null");
            try {
                client.completeMultipartUpload(request -> {
                    request.bucket(bucket).key(key).uploadId(uploadId)
                            .checksumCRC32(wholeCrc32)
                            .checksumType(ChecksumType.FULL_OBJECT)
                            .multipartUpload(upload -> upload.parts(parts));
                    replaced.ifPresentOrElse(stored -> stored.eTag().ifPresent(request::ifMatch), () -> request.ifNoneMatch("*"));
                });
            }
            catch (SdkException e) {
                IOException failure = new IOException("Could not complete the multipart upload of " + describe(key) + " (" + parts.size() + " parts): "
                        + ErrorMessages.describe(e), e);
                throw writeFailure(failure, "complete the multipart upload of", key, replaced, e);
            }
            unfinished.remove(this);
        }

        /**
         * Discards the parts sent so far. Never throws: the failure that led here is what the caller
         * must report. A failed abort comes back, since its parts stay in the bucket and are billed: the
         * caller must say so, with what it takes to abort the upload by hand.
         */
        public UploadAbort abort() {
            if (!unfinished.remove(this)) {
                return UploadAbort.ABORTED;
            }
            try {
                client.abortMultipartUpload(request -> request.overrideConfiguration(BronzeBucket.this::smallRequest).bucket(bucket).key(key).uploadId(uploadId));
                return UploadAbort.ABORTED;
            }
            catch (SdkException e) {
                if (e instanceof S3Exception s3 && isNoSuchUpload(s3)) {
                    // The upload is gone already (an earlier attempt of this abort landed, or the completion did, though
                    // its answer was lost): no part is left to pay for. Whether the object was published is for the caller
                    // to find out (FileUploader looks, and keeps looking for a while, as a completion may still be landing).
                    return UploadAbort.ALREADY_GONE;
                }
                return new UploadAbort(Optional.of(new UnabortedUpload(bucket, key, uploadId, client.serviceClientConfiguration().endpointOverride(),
                        ErrorMessages.describe(e).replaceAll("\\s*\\R\\s*", " ").strip())), false);
            }
        }
    }

    /**
     * How the abort of one multipart upload ended.
     *
     * @param unaborted the upload, when the abort failed: its parts stay in the bucket, billed
     * @param alreadyGone whether S3 answered NoSuchUpload, which it answers for an upload "aborted or completed"
     *     (AbortMultipartUpload, https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html and
     *     the NoSuchUpload error code): after a completion whose answer was lost, the object may be on its way
     */
    public record UploadAbort(Optional<UnabortedUpload> unaborted, boolean alreadyGone) {
        static final UploadAbort ABORTED = new UploadAbort(Optional.empty(), false);
        static final UploadAbort ALREADY_GONE = new UploadAbort(Optional.empty(), true);

        public UploadAbort {
            requireNonNull(unaborted, "unaborted is null");
            if (alreadyGone && unaborted.isPresent()) {
                throw new IllegalArgumentException("An upload already gone was not left unaborted: " + unaborted.get());
            }
        }
    }

    /** Reads the buffer in place, as often as the SDK needs to (signing, retries), without copying it. */
    private static RequestBody body(byte[] content, int length, String contentType) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(content, 0, length), length, contentType);
    }

    private IOException failure(String action, String key, SdkException cause) {
        return new IOException("Could not " + action + " " + describe(key) + ": " + ErrorMessages.describe(cause), cause);
    }

    /**
     * Why a write failed, and for one denied (403) what to look at: a writer of another account is allowed by two policies,
     * its own IAM policy and the bucket's bronze_writers statement, and both must name the key's dataset folder.
     */
    private IOException writeRefusal(String action, String key, SdkException cause) {
        if (!(cause instanceof S3Exception s3 && s3.statusCode() == HTTP_FORBIDDEN)) {
            return failure(action, key, cause);
        }
        int slash = key.indexOf('/');
        String dataset = slash < 0 ? key : key.substring(0, slash);
        return new IOException("Access denied to " + action + " " + describe(key) + " (bucket " + bucket + ", key " + key + "): these credentials may not"
                + " put under " + dataset + "/. For a writer of another account, either its own IAM policy lacks s3:PutObject on " + objectArn(dataset + "/*")
                + ", or its entry in the bronze bucket's bronze_writers (terraform) does not list the dataset " + dataset
                + "; with kms_encryption, its IAM policy also needs kms:GenerateDataKey and kms:Decrypt on the stack's key (" + ErrorMessages.describe(cause)
                + "). In the stack's own account, attach the policy of terraform's uploader_policy_arn output", cause);
    }

    private String refusal(S3Exception e) {
        String name = "Bucket '" + bucket + "'";
        return switch (e.statusCode()) {
            case HTTP_NOT_FOUND -> name + " does not exist at " + endpoint() + ": check the name, or create the bucket first";
            case HTTP_MOVED_PERMANENTLY -> name + " is in another region than " + client.serviceClientConfiguration().region()
                    + e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader(BUCKET_REGION_HEADER)
                            .map(region -> ": it is in " + region + ", so set AWS_REGION=" + region)
                            .orElse(": set AWS_REGION to the bucket's region");
            case HTTP_BAD_REQUEST -> "S3 at " + endpoint() + " refused the request for bucket '" + bucket
                    + "' (400 Bad Request): the credentials may have expired (renew the session), or the bucket name is invalid";
            default -> "Could not check bucket '" + bucket + "' at " + endpoint() + ": HTTP " + e.statusCode() + " "
                    + Optional.ofNullable(e.awsErrorDetails().errorMessage()).orElse(ErrorMessages.describe(e));
        };
    }

    private String clientFailure(SdkClientException e) {
        if (String.valueOf(e.getMessage()).startsWith("Unable to load credentials")) {
            return NO_CREDENTIALS;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException || cause instanceof SocketTimeoutException) {
                return "Cannot reach " + endpoint() + " (" + cause.getClass().getSimpleName() + ": " + ErrorMessages.describe(cause)
                        + "): check --endpoint-url or AWS_ENDPOINT_URL, and the network";
            }
        }
        return "Cannot reach " + endpoint() + " to check bucket '" + bucket + "': " + ErrorMessages.describe(e);
    }

    /**
     * Bounds each attempt of a request that sends no body and gets a small answer (HeadBucket, HeadObject,
     * CreateMultipartUpload, AbortMultipartUpload) by {@link UploadAttemptLimit#withoutBody}: the socket timeout bounds
     * each read, not the answer, so one that trickles in (a read every few seconds) would hold the file's thread for as
     * long as it takes. Not the writes with a body, which have their own ({@link UploadAttemptLimit#forBody}), nor a
     * CompleteMultipartUpload, whose answer S3 may keep open for minutes while it assembles the object.
     */
    private void smallRequest(AwsRequestOverrideConfiguration.Builder override) {
        override.apiCallAttemptTimeout(attemptLimit.withoutBody());
    }
}
