package dev.medallion.common.storage;

import dev.medallion.common.aws.ConditionalRequestConflicts;
import dev.medallion.common.aws.Refusals;
import dev.medallion.common.logging.ErrorMessages;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

/**
 * An {@link ObjectStore} over one S3 bucket. SDK failures surface as {@link IOException}s that name
 * the location, with the SDK exception as cause, so a caller can still tell throttling from a
 * missing permission; nothing is retried here beyond what the SDK's retry policy already does,
 * except the conflict of two simultaneous conditional writes.
 * <p>
 * Every request but a download takes at most what its {@link RequestTimeLimit} gives when it starts (the SDK's
 * {@code apiCallTimeout}: it aborts the request, retries included, and fails it as an {@link IOException}). A
 * download's stream is read for as long as the conversion takes, and is left to the HTTP client's read timeout.
 */
public final class S3ObjectStore implements ObjectStore {
    /** Large enough that a 1 GiB file needs 128 parts, small enough for two buffers in a small Lambda. */
    public static final int DEFAULT_PART_SIZE = 8 << 20;
    /** S3 rejects a multipart upload whose parts, except the last, are smaller than this. */
    public static final int MINIMUM_PART_SIZE = 5 << 20;
    /** The most keys ListObjectsV2 returns and DeleteObjects accepts in one request. */
    static final int MAX_KEYS_PER_REQUEST = 1000;

    private static final int HTTP_NOT_FOUND = 404;
    private static final int HTTP_PRECONDITION_FAILED = 412;
    private static final int INITIAL_BUFFER_SIZE = 64 << 10;
    private static final int MAX_REPORTED_ERRORS = 20;

    private final S3Client client;
    private final String bucket;
    private final int partSize;
    private final RequestTimeLimit timeLimit;

    public S3ObjectStore(S3Client client, String bucket) {
        this(client, bucket, DEFAULT_PART_SIZE, RequestTimeLimit.NONE);
    }

    public S3ObjectStore(S3Client client, String bucket, RequestTimeLimit timeLimit) {
        this(client, bucket, DEFAULT_PART_SIZE, timeLimit);
    }

    public S3ObjectStore(S3Client client, String bucket, int partSize) {
        this(client, bucket, partSize, RequestTimeLimit.NONE);
    }

    public S3ObjectStore(S3Client client, String bucket, int partSize, RequestTimeLimit timeLimit) {
        this.client = requireNonNull(client, "client is null");
        this.timeLimit = requireNonNull(timeLimit, "timeLimit is null");
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
            response = client.headObject(request -> request.overrideConfiguration(this::limited).bucket(bucket).key(key));
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
        // The SDK then checks the object's full-object checksum (when it has one) against the bytes received,
        // and fails the read at its end on a mismatch.
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED);
        return get(request, key, expectedEtag);
    }

    @Override
    public InputStream openRange(String key, Optional<String> expectedEtag, long from, long to) throws IOException {
        checkKey(key);
        requireNonNull(expectedEtag, "expectedEtag is null");
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("Invalid byte range [" + from + ", " + to + ") of " + describe(key));
        }
        // No checksum mode: a full-object checksum cannot be checked against part of the object; the caller
        // counts the bytes of each range instead.
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key).range("bytes=" + from + "-" + (to - 1));
        return get(request, key, expectedEtag);
    }

    private InputStream get(GetObjectRequest.Builder request, String key, Optional<String> expectedEtag) throws IOException {
        expectedEtag.ifPresent(etag -> request.ifMatch(quote(etag)));
        try {
            return new ReadFailures(client.getObject(request.build()), key);
        }
        catch (NoSuchKeyException e) {
            // With If-Match, S3 answers a key that has no current version (deleted, or a delete marker) 404 NoSuchKey, not
            // 412: the caller read that ETag, so the object was deleted since.
            if (expectedEtag.isPresent()) {
                throw new ObjectDeletedException(describe(key), "it no longer exists (NoSuchKey): it was deleted since its ETag "
                        + expectedEtag.get() + " was read", e);
            }
            throw noSuchFile(key, e);
        }
        catch (S3Exception e) {
            if (e.statusCode() == HTTP_PRECONDITION_FAILED && expectedEtag.isPresent()) {
                throw new ObjectReplacedException("Object " + describe(key) + " no longer has ETag " + expectedEtag.get()
                        + ": it was replaced or deleted since its ETag was read", e);
            }
            throw failure("open", key, e);
        }
        catch (SdkException e) {
            throw failure("open", key, e);
        }
    }

    @Override
    public Optional<VersionedContent> readVersioned(String key) throws IOException {
        checkKey(key);
        try {
            ResponseBytes<GetObjectResponse> object = client.getObjectAsBytes(request -> request.overrideConfiguration(this::limited).bucket(bucket).key(key));
            byte[] content = object.asByteArrayUnsafe();
            Long promised = object.response().contentLength();
            if (promised != null && promised != content.length) {
                // The HTTP client takes a connection closed cleanly partway through the body for its end. A cut
                // manifest would read as damaged, and one whose write's answer was lost as another run's: the
                // commit would then delete the parts that its own manifest names.
                throw new IOException("Read " + content.length + " bytes of " + describe(key) + " where the response announced " + promised
                        + ": the download ended early (a connection closed before the end of the body); read it again");
            }
            return Optional.of(new VersionedContent(content, object.response().eTag()));
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
            client.putObject(request -> request.overrideConfiguration(this::limited).bucket(bucket).key(key), RequestBody.fromBytes(content));
        }
        catch (SdkException e) {
            throw failure("write", key, e);
        }
    }

    /**
     * Relies on S3 conditional writes: {@code If-None-Match: *} for a first version, {@code If-Match} on the
     * entity tag for a replacement. S3 answers 412 when the precondition fails, 404 when an object to
     * replace is gone, and 409 ConditionalRequestConflict (or OperationAborted) while another conditional
     * write to the key is in flight; the last is retried here ({@link ConditionalRequestConflicts}), any other
     * 409 refuses the write.
     */
    @Override
    public Optional<String> putIf(String key, byte[] content, Optional<String> expectedEtag) throws IOException {
        checkKey(key);
        requireNonNull(content, "content is null");
        requireNonNull(expectedEtag, "expectedEtag is null");
        // Whether an attempt of an earlier round failed with its outcome unknown: it may still land.
        boolean unknownBefore = false;
        for (int attempt = 1; attempt <= ConditionalRequestConflicts.ATTEMPTS; attempt++) {
            try {
                PutObjectResponse response = client.putObject(request -> {
                    request.overrideConfiguration(this::limited).bucket(bucket).key(key);
                    expectedEtag.ifPresentOrElse(etag -> request.ifMatch(quote(etag)), () -> request.ifNoneMatch("*"));
                }, RequestBody.fromBytes(content));
                return Optional.of(ObjectInfo.unquote(response.eTag()));
            }
            catch (S3Exception e) {
                // Status codes, not error codes: the URL connection client may drop the error body of a
                // request sent with "Expect: 100-continue". But a 404 that names its code is the object gone
                // (NoSuchKey) or not: NoSuchBucket is a setting to fix, not a writer that came first.
                if (e.statusCode() == HTTP_PRECONDITION_FAILED || e.statusCode() == HTTP_NOT_FOUND && expectedEtag.isPresent() && objectGone(e)) {
                    return Optional.empty();
                }
                if (!ConditionalRequestConflicts.isConditionalRequestConflict(e)) {
                    throw !unknownBefore && Refusals.refusedAtItsOnlyAttempt(e) ? new WriteRefusedException("S3 refused to conditionally write " + describe(key) + ": "
                            + ErrorMessages.describe(e), e) : failure("conditionally write", key, e);
                }
                // Another conditional write to this key is in flight. Once it completes, our retry fails its
                // precondition; if it aborts, ours may succeed.
                unknownBefore |= !Refusals.refusedAtItsOnlyAttempt(e);
                if (attempt < ConditionalRequestConflicts.ATTEMPTS) {
                    awaitTheOtherWrite(attempt, key);
                }
            }
            catch (SdkException e) {
                throw failure("conditionally write", key, e);
            }
        }
        Optional<String> current = stat(key).map(ObjectInfo::etag);
        if (!current.equals(expectedEtag.map(ObjectInfo::unquote))) {
            return Optional.empty();
        }
        String message = "Conditional write of " + describe(key) + " kept conflicting with concurrent writes after "
                + ConditionalRequestConflicts.ATTEMPTS + " attempts, and the object is still the version expected";
        // Every round answered 409, which S3 gives without writing: unless an attempt before one of them went unanswered, none can land.
        throw unknownBefore ? new IOException(message) : new WriteRefusedException(message, null);
    }

    /** A 404 that says the object is not there: NoSuchKey, or no code at all (a dropped error body). */
    private static boolean objectGone(S3Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code == null || code.isEmpty() || "NoSuchKey".equals(code);
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
        List<String> keys = new ArrayList<>();
        forEachPage(prefix, pageSize, Optional.empty(), page -> page.contents().stream().map(S3Object::key).forEach(keys::add));
        // S3 orders by UTF-8 bytes, which differs from String order for characters beyond the BMP.
        keys.sort(null);
        return keys;
    }

    /** From the listing itself, page by page as {@link #list}: no object is read. */
    @Override
    public List<ObjectInfo> listObjects(String prefix) throws IOException {
        return listObjects(prefix, MAX_KEYS_PER_REQUEST);
    }

    /** Visible so tests can page through a handful of objects. */
    List<ObjectInfo> listObjects(String prefix, int pageSize) throws IOException {
        requireNonNull(prefix, "prefix is null");
        List<ObjectInfo> objects = new ArrayList<>();
        forEachPage(prefix, pageSize, Optional.empty(), page -> page.contents().stream()
                .map(object -> new ObjectInfo(object.key(), object.size(), object.eTag(), object.lastModified()))
                .forEach(objects::add));
        objects.sort(Comparator.comparing(ObjectInfo::key));
        return objects;
    }

    /** One entry a folder, by ListObjectsV2's delimiter, page by page as {@link #list}. */
    @Override
    public List<String> listFolders(String prefix) throws IOException {
        return listFolders(prefix, MAX_KEYS_PER_REQUEST);
    }

    /** Visible so tests can page through a handful of folders. */
    List<String> listFolders(String prefix, int pageSize) throws IOException {
        ObjectStore.checkFolderPrefix(prefix);
        List<String> names = new ArrayList<>();
        forEachPage(prefix, pageSize, Optional.of("/"), page -> {
            for (CommonPrefix folder : page.commonPrefixes()) {
                String name = folder.prefix().substring(prefix.length(), folder.prefix().length() - 1);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        });
        names.sort(null);
        return names;
    }

    /**
     * Every page of ListObjectsV2 under the prefix, each request with its own time limit: not with the SDK's
     * paginator, which would give every page the first page's time limit.
     */
    private void forEachPage(String prefix, int pageSize, Optional<String> delimiter, Consumer<ListObjectsV2Response> each) throws IOException {
        if (pageSize < 1 || pageSize > MAX_KEYS_PER_REQUEST) {
            throw new IllegalArgumentException("Page size must be between 1 and " + MAX_KEYS_PER_REQUEST + ": " + pageSize);
        }
        String continuation = null;
        do {
            String token = continuation;
            ListObjectsV2Response page;
            try {
                page = client.listObjectsV2(request -> request.overrideConfiguration(this::limited).bucket(bucket).prefix(prefix)
                        .delimiter(delimiter.orElse(null)).maxKeys(pageSize).continuationToken(token));
            }
            catch (SdkException e) {
                throw new IOException("Could not list " + (delimiter.isPresent() ? "the folders of " : "") + describePrefix(prefix) + ": " + ErrorMessages.describe(e), e);
            }
            each.accept(page);
            continuation = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        }
        while (continuation != null);
    }

    @Override
    public void delete(Collection<String> keys) throws IOException {
        requireNonNull(keys, "keys is null");
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(keys));
        unique.forEach(S3ObjectStore::checkKey);
        if (unique.size() == 1) {
            // One key (a sweep that finds only its run's publishing marker): DeleteObject, which S3 does not
            // bill, where DeleteObjects is a POST.
            try {
                client.deleteObject(request -> request.overrideConfiguration(this::limited).bucket(bucket).key(unique.get(0)));
            }
            catch (SdkException e) {
                throw new IOException("Could not delete s3://" + bucket + "/" + unique.get(0) + ": " + ErrorMessages.describe(e), e);
            }
            return;
        }
        List<S3Error> errors = new ArrayList<>();
        for (int start = 0; start < unique.size(); start += MAX_KEYS_PER_REQUEST) {
            List<ObjectIdentifier> batch = unique.subList(start, Math.min(start + MAX_KEYS_PER_REQUEST, unique.size())).stream()
                    .map(key -> ObjectIdentifier.builder().key(key).build())
                    .toList();
            DeleteObjectsResponse response;
            try {
                // Quiet mode: the response lists only the keys that could not be deleted.
                response = client.deleteObjects(request -> request.overrideConfiguration(this::limited).bucket(bucket).delete(delete -> delete.objects(batch).quiet(true)));
            }
            catch (SdkException e) {
                throw new IOException("Could not delete " + batch.size() + " objects from s3://" + bucket + ", starting with "
                        + batch.get(0).key() + ": " + ErrorMessages.describe(e), e);
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

    private void limited(AwsRequestOverrideConfiguration.Builder configuration) {
        timeLimit.next().ifPresent(configuration::apiCallTimeout);
    }

    private String describePrefix(String prefix) {
        return "s3://" + bucket + "/" + prefix + "*";
    }

    private IOException failure(String action, String key, SdkException cause) {
        return new IOException("Could not " + action + " " + describe(key) + ": " + ErrorMessages.describe(cause), cause);
    }

    private NoSuchFileException noSuchFile(String key, Exception cause) {
        NoSuchFileException exception = new NoSuchFileException(describe(key));
        exception.initCause(cause);
        return exception;
    }

    private void awaitTheOtherWrite(int attempt, String key) throws InterruptedIOException {
        try {
            ConditionalRequestConflicts.awaitTheOtherWrite(attempt);
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
     * The object's content with the SDK's failures while reading (a checksum that does not match the
     * bytes received, a broken connection) as IOExceptions naming the object, like every other failure here.
     */
    private final class ReadFailures extends FilterInputStream {
        private final String key;

        ReadFailures(InputStream in, String key) {
            super(in);
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            }
            catch (SdkException e) {
                throw failure("read", key, e);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return super.read(buffer, offset, length);
            }
            catch (SdkException e) {
                throw failure("read", key, e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            }
            catch (SdkException e) {
                throw failure("read", key, e);
            }
        }
    }

    /**
     * Streams an object with at most one part in memory. Every non-empty object is a multipart upload,
     * even a small one, so that it stays invisible until {@link #publish()} completes it and nothing of it
     * is held in memory meanwhile; an empty object is a single PutObject at publish.
     */
    private final class S3Upload extends ObjectUpload {
        private final String key;
        private final List<CompletedPart> parts = new ArrayList<>();
        private byte[] buffer = new byte[Math.min(INITIAL_BUFFER_SIZE, partSize)];
        private int buffered;
        private long position;
        private Optional<String> uploadId = Optional.empty();
        private boolean closed;
        private boolean published;
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
            if (!closed && !failed && buffered < buffer.length) {
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
                // Publishing later would expose an object with a part missing.
                throw new IOException("Upload to " + describe(key) + " failed earlier and was aborted");
            }
            if (closed) {
                return;
            }
            try {
                if (buffered > 0) {
                    // The last part may be smaller than S3's minimum part size.
                    uploadPart();
                }
            }
            catch (IOException | RuntimeException e) {
                fail(e);
                throw e;
            }
            closed = true;
            buffer = null;
        }

        @Override
        public void publish() throws IOException {
            if (published) {
                return;
            }
            if (failed || !closed) {
                throw new IllegalStateException("Upload to " + describe(key) + " cannot be published: it is " + (failed ? "aborted" : "not closed"));
            }
            if (uploadId.isEmpty()) {
                try {
                    client.putObject(request -> request.overrideConfiguration(S3ObjectStore.this::limited).bucket(bucket).key(key), RequestBody.empty());
                }
                catch (SdkException e) {
                    throw failure("write", key, e);
                }
            }
            else {
                completeMultipart();
            }
            published = true;
        }

        @Override
        public void abort() {
            if (published || failed) {
                return;
            }
            failed = true;
            buffer = null;
            if (uploadId.isPresent()) {
                try {
                    client.abortMultipartUpload(request -> request.overrideConfiguration(S3ObjectStore.this::limited).bucket(bucket).key(key).uploadId(uploadId.get()));
                }
                catch (S3Exception e) {
                    if (e.statusCode() == HTTP_NOT_FOUND) {
                        // NoSuchUpload: nothing is left open. It was completed by a publish whose answer was lost (the
                        // object is then there, for the caller to delete with the run's other keys) or aborted already.
                        return;
                    }
                    throw abortFailure(e);
                }
                catch (SdkException e) {
                    throw abortFailure(e);
                }
            }
        }

        private UncheckedIOException abortFailure(SdkException cause) {
            return new UncheckedIOException(new IOException("Could not abort multipart upload " + uploadId.orElseThrow() + " of "
                    + describe(key) + " (" + ErrorMessages.describe(cause) + "); the bucket's lifecycle rule for incomplete multipart uploads"
                    + " removes its parts", cause));
        }

        private void checkWritable() throws IOException {
            if (failed) {
                throw new IOException("Upload to " + describe(key) + " failed earlier and was aborted");
            }
            if (closed) {
                throw new IOException("Upload to " + describe(key) + " is already closed");
            }
        }

        private void ensureCapacity(int needed) {
            if (needed > buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(partSize, Math.max(needed, 2L * buffer.length)));
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
                        request -> request.overrideConfiguration(S3ObjectStore.this::limited).bucket(bucket).key(key).uploadId(uploadId.get()).partNumber(partNumber)
                                .checksumAlgorithm(ChecksumAlgorithm.CRC32),
                        body());
            }
            catch (SdkException e) {
                throw new IOException("Could not upload part " + partNumber + " of " + describe(key) + ": " + ErrorMessages.describe(e), e);
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
                return client.createMultipartUpload(request -> request.overrideConfiguration(S3ObjectStore.this::limited).bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.CRC32))
                        .uploadId();
            }
            catch (SdkException e) {
                throw failure("start a multipart upload to", key, e);
            }
        }

        private void completeMultipart() throws IOException {
            try {
                client.completeMultipartUpload(request -> request.overrideConfiguration(S3ObjectStore.this::limited).bucket(bucket).key(key).uploadId(uploadId.orElseThrow())
                        .multipartUpload(upload -> upload.parts(parts)));
            }
            catch (NoSuchUploadException e) {
                // A first attempt completed the upload and its answer was lost: the upload is gone and the
                // object is there. The key is this writer's alone, so an object of our size under it is ours.
                Optional<ObjectInfo> object = stat(key);
                if (object.isPresent() && object.get().size() == position) {
                    return;
                }
                throw new IOException("Could not complete multipart upload of " + describe(key) + ": the upload no longer exists", e);
            }
            catch (SdkException e) {
                throw new IOException("Could not complete multipart upload of " + describe(key) + " with " + parts.size() + " parts: "
                        + ErrorMessages.describe(e), e);
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
            buffer = null;
            if (uploadId.isEmpty()) {
                return;
            }
            // Best effort: the failure is what the caller must see; the abort's own error is attached to it.
            try {
                client.abortMultipartUpload(request -> request.overrideConfiguration(S3ObjectStore.this::limited).bucket(bucket).key(key).uploadId(uploadId.get()));
            }
            catch (SdkException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
