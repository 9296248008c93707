package dev.medallion.common.storage;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

/**
 * An {@link ObjectStore} over one S3 bucket. SDK failures surface as {@link IOException}s that name
 * the location, with the SDK exception as cause, so a caller can still tell throttling from a
 * missing permission; nothing is retried here beyond what the SDK's retry policy already does,
 * except the conflict of two simultaneous conditional writes.
 */
public final class S3ObjectStore implements ObjectStore {
    /** Large enough that a 1 GiB file needs 128 parts, small enough for two buffers in a small Lambda. */
    public static final int DEFAULT_PART_SIZE = 8 << 20;
    /** S3 rejects a multipart upload whose parts, except the last, are smaller than this. */
    public static final int MINIMUM_PART_SIZE = 5 << 20;
    /** The most keys ListObjectsV2 returns and DeleteObjects accepts in one request. */
    static final int MAX_KEYS_PER_REQUEST = 1000;

    private static final int HTTP_NOT_FOUND = 404;
    private static final int HTTP_CONFLICT = 409;
    private static final int HTTP_PRECONDITION_FAILED = 412;
    private static final int CONDITIONAL_WRITE_ATTEMPTS = 4;
    private static final long CONFLICT_BACKOFF_MILLIS = 100;
    private static final int INITIAL_BUFFER_SIZE = 64 << 10;
    private static final int MAX_REPORTED_ERRORS = 20;

    private final S3Client client;
    private final String bucket;
    private final int partSize;

    public S3ObjectStore(S3Client client, String bucket) {
        this(client, bucket, DEFAULT_PART_SIZE);
    }

    public S3ObjectStore(S3Client client, String bucket, int partSize) {
        this.client = requireNonNull(client, "client is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        if (bucket.isEmpty() || bucket.contains("/")) {
            throw new IllegalArgumentException("Invalid bucket name '" + bucket + "'");
        }
        if (partSize < MINIMUM_PART_SIZE) {
            throw new IllegalArgumentException("Part size " + partSize + " is below the S3 minimum of " + MINIMUM_PART_SIZE);
        }
        this.partSize = partSize;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        checkKey(key);
        HeadObjectResponse response;
        try {
            response = client.headObject(request -> request.bucket(bucket).key(key));
        }
        catch (S3Exception e) {
            // HEAD responses have no body, so a missing key shows only as the status code.
            if (e.statusCode() == HTTP_NOT_FOUND) {
                return Optional.empty();
            }
            throw failure("stat", key, e);
        }
        catch (SdkException e) {
            throw failure("stat", key, e);
        }
        return Optional.of(new ObjectInfo(key, response.contentLength(), response.eTag(), response.lastModified()));
    }

    @Override
    public InputStream open(String key, Optional<String> expectedEtag) throws IOException {
        checkKey(key);
        requireNonNull(expectedEtag, "expectedEtag is null");
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key);
        expectedEtag.ifPresent(etag -> request.ifMatch(quote(etag)));
        try {
            return client.getObject(request.build());
        }
        catch (NoSuchKeyException e) {
            throw noSuchFile(key, e);
        }
        catch (S3Exception e) {
            if (e.statusCode() == HTTP_PRECONDITION_FAILED && expectedEtag.isPresent()) {
                throw new IOException("Object " + describe(key) + " no longer has ETag " + expectedEtag.get()
                        + ": it was replaced or deleted since it was listed", e);
            }
            throw failure("open", key, e);
        }
        catch (SdkException e) {
            throw failure("open", key, e);
        }
    }

    @Override
    public Optional<byte[]> read(String key) throws IOException {
        checkKey(key);
        try {
            return Optional.of(client.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArrayUnsafe());
        }
        catch (NoSuchKeyException e) {
            return Optional.empty();
        }
        catch (SdkException e) {
            throw failure("read", key, e);
        }
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        checkKey(key);
        requireNonNull(content, "content is null");
        try {
            client.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(content));
        }
        catch (SdkException e) {
            throw failure("write", key, e);
        }
    }

    /**
     * Relies on S3 conditional writes ({@code If-None-Match: *}). When the SDK retries a write whose
     * first attempt did land but whose response was lost, the retry fails its precondition and this
     * returns false although the object is ours: callers that must tell the two apart write content
     * that identifies the writer and read it back.
     */
    @Override
    public boolean putIfAbsent(String key, byte[] content) throws IOException {
        checkKey(key);
        requireNonNull(content, "content is null");
        for (int attempt = 1; attempt <= CONDITIONAL_WRITE_ATTEMPTS; attempt++) {
            try {
                client.putObject(request -> request.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromBytes(content));
                return true;
            }
            catch (S3Exception e) {
                // Status codes, not error codes: the URL connection client may drop the error body of a
                // request sent with "Expect: 100-continue".
                if (e.statusCode() == HTTP_PRECONDITION_FAILED) {
                    return false;
                }
                if (e.statusCode() != HTTP_CONFLICT) {
                    throw failure("conditionally write", key, e);
                }
                // 409 ConditionalRequestConflict: another conditional write to this key is in flight.
                // Once it completes, our retry fails its precondition; if it aborts, ours may succeed.
                if (attempt < CONDITIONAL_WRITE_ATTEMPTS) {
                    backOff(attempt, key);
                }
            }
            catch (SdkException e) {
                throw failure("conditionally write", key, e);
            }
        }
        if (stat(key).isPresent()) {
            return false;
        }
        throw new IOException("Conditional write of " + describe(key) + " kept conflicting with concurrent writes after "
                + CONDITIONAL_WRITE_ATTEMPTS + " attempts, and no object exists");
    }

    @Override
    public ObjectUpload create(String key) {
        checkKey(key);
        return new S3Upload(key);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        return list(prefix, MAX_KEYS_PER_REQUEST);
    }

    /** Visible so tests can page through a handful of keys rather than thousands. */
    List<String> list(String prefix, int pageSize) throws IOException {
        requireNonNull(prefix, "prefix is null");
        if (pageSize < 1 || pageSize > MAX_KEYS_PER_REQUEST) {
            throw new IllegalArgumentException("Page size must be between 1 and " + MAX_KEYS_PER_REQUEST + ": " + pageSize);
        }
        List<String> keys = new ArrayList<>();
        try {
            client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix).maxKeys(pageSize))
                    .contents()
                    .stream()
                    .map(S3Object::key)
                    .forEach(keys::add);
        }
        catch (SdkException e) {
            throw new IOException("Could not list " + describePrefix(prefix), e);
        }
        // S3 orders by UTF-8 bytes, which differs from String order for characters beyond the BMP.
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(Collection<String> keys) throws IOException {
        requireNonNull(keys, "keys is null");
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(keys));
        unique.forEach(S3ObjectStore::checkKey);
        List<S3Error> errors = new ArrayList<>();
        for (int start = 0; start < unique.size(); start += MAX_KEYS_PER_REQUEST) {
            List<ObjectIdentifier> batch = unique.subList(start, Math.min(start + MAX_KEYS_PER_REQUEST, unique.size())).stream()
                    .map(key -> ObjectIdentifier.builder().key(key).build())
                    .toList();
            DeleteObjectsResponse response;
            try {
                // Quiet mode: the response lists only the keys that could not be deleted.
                response = client.deleteObjects(request -> request.bucket(bucket).delete(delete -> delete.objects(batch).quiet(true)));
            }
            catch (SdkException e) {
                throw new IOException("Could not delete " + batch.size() + " objects from s3://" + bucket + ", starting with "
                        + batch.get(0).key(), e);
            }
            errors.addAll(response.errors());
        }
        if (!errors.isEmpty()) {
            String described = errors.stream()
                    .limit(MAX_REPORTED_ERRORS)
                    .map(error -> error.key() + " (" + error.code() + ": " + error.message() + ")")
                    .collect(joining(", "));
            String more = errors.size() > MAX_REPORTED_ERRORS ? " and " + (errors.size() - MAX_REPORTED_ERRORS) + " more" : "";
            throw new IOException("Could not delete " + errors.size() + " of " + unique.size() + " objects from s3://" + bucket
                    + ": " + described + more);
        }
    }

    @Override
    public String describe(String key) {
        return "s3://" + bucket + "/" + key;
    }

    private String describePrefix(String prefix) {
        return "s3://" + bucket + "/" + prefix + "*";
    }

    private IOException failure(String action, String key, SdkException cause) {
        return new IOException("Could not " + action + " " + describe(key) + ": " + cause.getMessage(), cause);
    }

    private NoSuchFileException noSuchFile(String key, Exception cause) {
        NoSuchFileException exception = new NoSuchFileException(describe(key));
        exception.initCause(cause);
        return exception;
    }

    private void backOff(int attempt, String key) throws InterruptedIOException {
        long delay = CONFLICT_BACKOFF_MILLIS * attempt + ThreadLocalRandom.current().nextLong(CONFLICT_BACKOFF_MILLIS);
        try {
            Thread.sleep(delay);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while retrying the conditional write of " + describe(key));
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    private static void checkKey(String key) {
        requireNonNull(key, "key is null");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("Object key is empty");
        }
    }

    /** S3 compares entity tags in their quoted form; the rest of the code carries them bare. */
    private static String quote(String etag) {
        return "\"" + ObjectInfo.unquote(etag) + "\"";
    }

    /**
     * Streams an object with at most one part in memory. The buffer grows up to the part size, so a
     * small object costs little; a multipart upload starts only once a second part is needed, so an
     * object of at most one part is a single PutObject.
     */
    private final class S3Upload extends ObjectUpload {
        private final String key;
        private final List<CompletedPart> parts = new ArrayList<>();
        private byte[] buffer = new byte[Math.min(INITIAL_BUFFER_SIZE, partSize)];
        private int buffered;
        private long position;
        private Optional<String> uploadId = Optional.empty();
        private boolean finished;
        private boolean failed;

        S3Upload(String key) {
            this.key = key;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public void write(int b) throws IOException {
            // Encoders write single bytes often; skip the one-byte array while the buffer has room.
            if (!finished && buffered < buffer.length) {
                buffer[buffered++] = (byte) b;
                position++;
                return;
            }
            super.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            checkWritable();
            try {
                int remaining = length;
                int from = offset;
                while (remaining > 0) {
                    // Flush only when more bytes arrive, so that an object of exactly one part stays a single put.
                    if (buffered == partSize) {
                        uploadPart();
                    }
                    int chunk = Math.min(remaining, partSize - buffered);
                    ensureCapacity(buffered + chunk);
                    System.arraycopy(bytes, from, buffer, buffered, chunk);
                    buffered += chunk;
                    from += chunk;
                    remaining -= chunk;
                    position += chunk;
                }
            }
            catch (IOException | RuntimeException e) {
                fail(e);
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            if (failed) {
                // Completing now would publish an object with a part missing.
                throw new IOException("Upload to " + describe(key) + " failed earlier and was aborted");
            }
            if (finished) {
                return;
            }
            finished = true;
            try {
                if (uploadId.isEmpty()) {
                    putWhole();
                }
                else {
                    uploadPart();
                    completeMultipart();
                }
            }
            catch (IOException | RuntimeException e) {
                failed = true;
                abortMultipart(e);
                throw e;
            }
            finally {
                buffer = null;
            }
        }

        @Override
        public void abort() {
            if (finished) {
                return;
            }
            finished = true;
            buffer = null;
            if (uploadId.isPresent()) {
                try {
                    client.abortMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(uploadId.get()));
                }
                catch (SdkException e) {
                    throw new UncheckedIOException(new IOException("Could not abort multipart upload " + uploadId.get() + " of "
                            + describe(key) + "; a lifecycle rule must remove its parts", e));
                }
            }
        }

        private void checkWritable() throws IOException {
            if (failed) {
                throw new IOException("Upload to " + describe(key) + " failed earlier and was aborted");
            }
            if (finished) {
                throw new IOException("Upload to " + describe(key) + " is already finished");
            }
        }

        private void ensureCapacity(int needed) {
            if (needed > buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(partSize, Math.max(needed, 2L * buffer.length)));
            }
        }

        private void putWhole() throws IOException {
            try {
                client.putObject(request -> request.bucket(bucket).key(key), body());
            }
            catch (SdkException e) {
                throw failure("write", key, e);
            }
        }

        private void uploadPart() throws IOException {
            if (uploadId.isEmpty()) {
                uploadId = Optional.of(startMultipart());
            }
            int partNumber = parts.size() + 1;
            UploadPartResponse response;
            try {
                response = client.uploadPart(
                        request -> request.bucket(bucket).key(key).uploadId(uploadId.get()).partNumber(partNumber)
                                .checksumAlgorithm(ChecksumAlgorithm.CRC32),
                        body());
            }
            catch (SdkException e) {
                throw new IOException("Could not upload part " + partNumber + " of " + describe(key), e);
            }
            parts.add(CompletedPart.builder()
                    .partNumber(partNumber)
                    .eTag(response.eTag())
                    .checksumCRC32(response.checksumCRC32())
                    .build());
            buffered = 0;
        }

        private String startMultipart() throws IOException {
            try {
                // The upload declares the checksum its parts carry: S3 rejects parts whose checksum
                // algorithm differs from the upload's, and the SDK adds CRC32 to every part by default.
                return client.createMultipartUpload(request -> request.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.CRC32))
                        .uploadId();
            }
            catch (SdkException e) {
                throw failure("start a multipart upload to", key, e);
            }
        }

        private void completeMultipart() throws IOException {
            try {
                client.completeMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(uploadId.orElseThrow())
                        .multipartUpload(upload -> upload.parts(parts)));
            }
            catch (SdkException e) {
                throw new IOException("Could not complete multipart upload of " + describe(key) + " with " + parts.size() + " parts", e);
            }
        }

        /** Reads the buffer in place, as often as the SDK needs to (signing, retries), without copying it. */
        private RequestBody body() {
            byte[] content = buffer;
            int length = buffered;
            return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(content, 0, length), length, "application/octet-stream");
        }

        private void fail(Exception cause) {
            failed = true;
            finished = true;
            buffer = null;
            abortMultipart(cause);
        }

        /** Best effort after a failure: the failure is what the caller must see, the abort's own error is attached. */
        private void abortMultipart(Exception cause) {
            if (uploadId.isEmpty()) {
                return;
            }
            try {
                client.abortMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(uploadId.get()));
            }
            catch (SdkException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
