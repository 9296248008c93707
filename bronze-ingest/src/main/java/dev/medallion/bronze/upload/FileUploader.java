package dev.medallion.bronze.upload;

import dev.medallion.bronze.upload.BronzeBucket.PartedUpload;
import dev.medallion.bronze.upload.BronzeBucket.UploadAbort;
import dev.medallion.bronze.upload.UploadOutcome.FailureKind;
import dev.medallion.bronze.upload.UploadOutcome.Status;
import dev.medallion.bronze.upload.UploadOutcome.UnknownLanding;
import dev.medallion.common.aws.ConditionalRequestConflicts;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Uploads one file unless the bucket already holds its content: an object under the key with the same
 * size and the same full-object CRC32 is left alone, so a second run uploads nothing and sends the
 * silver converter no second event. A file larger than one part goes up in parts, read one part at a
 * time, so memory stays at one part per file in flight.
 */
public final class FileUploader {
    /** S3 refuses a multipart upload of more parts than this. */
    static final int MAX_PARTS = 10_000;
    /** S3 refuses parts, other than the last, smaller than this. */
    public static final int MINIMUM_PART_SIZE = 5 << 20;
    public static final int DEFAULT_PART_SIZE = 8 << 20;
    private static final long MAXIMUM_OBJECT_SIZE = 5L << 40;
    private static final int MIB = 1 << 20;
    /**
     * How long the run keeps looking for the object of a completion that may still be landing (its answer lost, its
     * abort answered NoSuchUpload). S3 says the processing of a CompleteMultipartUpload "could take several minutes to
     * finalize" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html); moto took seconds
     * after the client gave up on a 1.6 GB file of 187 parts. The wait is bounded, as the run ends only once this file
     * has; a completion that lands later is found by the next run, which the file's failure tells to start.
     */
    public static final Duration LANDING_WAIT = Duration.ofSeconds(60);
    /** The first pause before looking again; each next one is twice as long, so that a late object is found soon and S3 is not polled hard. */
    private static final Duration FIRST_LANDING_PAUSE = Duration.ofSeconds(1);

    /** Why a file whose key could not be looked up (403) is uploaded: its write, conditional on no object, says whether one is there. */
    static final String NEW_UNLESS_UNREADABLE = "new, its look answered 403 as for a key that holds nothing to credentials that may not list the bucket";

    private final BronzeBucket bucket;
    private final FileOpener opener;
    private final int partSize;
    private final boolean dryRun;
    private final Duration landingWait;

    public FileUploader(BronzeBucket bucket, FileOpener opener, int partSize, boolean dryRun) {
        this(bucket, opener, partSize, dryRun, LANDING_WAIT);
    }

    /** @param landingWait how long to look for the object of a completion that may still be landing ({@link #LANDING_WAIT}) */
    public FileUploader(BronzeBucket bucket, FileOpener opener, int partSize, boolean dryRun, Duration landingWait) {
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.opener = requireNonNull(opener, "opener is null");
        if (partSize < MINIMUM_PART_SIZE) {
            throw new IllegalArgumentException("Part size " + partSize + " is below the S3 minimum of " + MINIMUM_PART_SIZE + " bytes (5 MiB)");
        }
        this.partSize = partSize;
        this.dryRun = dryRun;
        this.landingWait = requireNonNull(landingWait, "landingWait is null");
        if (landingWait.isNegative()) {
            throw new IllegalArgumentException("landingWait is negative: " + landingWait);
        }
    }

    /** Never throws for a failed file: the outcome says what failed. */
    public UploadOutcome upload(PlannedFile file, UploadListener listener) {
        requireNonNull(file, "file is null");
        requireNonNull(listener, "listener is null");
        long started = System.nanoTime();
        ByteCounter counter = new ByteCounter(listener);
        Status status;
        String detail;
        Optional<UnabortedUpload> unaborted = Optional.empty();
        Optional<UnknownLanding> mayHaveLanded = Optional.empty();
        Optional<FailureKind> failure = Optional.empty();
        OptionalInt sdkAttempts = OptionalInt.empty();
        PlannedFile target = file;
        try {
            Optional<StoredObject> stored;
            boolean lookDenied = false;
            try {
                stored = bucket.stat(file.key());
            }
            catch (UnreadableKeyException e) {
                // A writer that may not list the bucket hears 403 for a key that holds nothing: the write, conditional on no
                // object, is sent, and a 412 to it says the key held one after all (lookAgain names read_own_files then).
                stored = Optional.empty();
                lookDenied = true;
            }
            // An object a version before names or the prefix were NFC uploaded stays the file's, skipped or replaced in place,
            // so that the converter does not get the file's rows a second time under the new key. Not looked for when the
            // key's own look was denied: those looks would be too.
            for (int i = 0; stored.isEmpty() && !lookDenied && i < file.earlierKeys().size(); i++) {
                String earlierKey = file.earlierKeys().get(i);
                stored = bucket.stat(earlierKey);
                if (stored.isPresent()) {
                    target = file.at(earlierKey);
                }
            }
            Optional<String> change = lookDenied ? Optional.of(NEW_UNLESS_UNREADABLE) : change(target, stored);
            if (change.isEmpty()) {
                status = Status.SKIPPED;
                detail = "unchanged";
            }
            else if (dryRun) {
                status = Status.WOULD_UPLOAD;
                detail = change.get();
            }
            else {
                Landing landing = target.size() <= partSize ? putWhole(target, stored, counter) : putInParts(target, stored, counter);
                status = landing == Landing.PUT_BY_ANOTHER ? Status.SKIPPED : Status.UPLOADED;
                detail = switch (landing) {
                    case WRITTEN -> change.get();
                    case FOUND_IN_PLACE -> change.get() + ", found in place after its answer was lost";
                    case PUT_BY_ANOTHER -> "unchanged: put by another run meanwhile";
                };
            }
        }
        catch (PartsLeftBehind e) {
            status = Status.FAILED;
            detail = LocalFileErrors.describe(e.failure) + "; " + e.unaborted.describe();
            unaborted = Optional.of(e.unaborted);
            // The parts left are named in the lines; whether a retry may cure the file is the failure's.
            failure = Optional.of(FailureKind.of(e.failure));
            sdkAttempts = TransientFailures.sdkAttempts(e.failure);
        }
        catch (MayHaveLanded e) {
            status = Status.FAILED;
            detail = LocalFileErrors.describe(e);
            mayHaveLanded = Optional.of(e.unknown);
            failure = Optional.of(e.kind);
            sdkAttempts = TransientFailures.sdkAttempts(e);
        }
        catch (IOException | RuntimeException e) {
            status = Status.FAILED;
            detail = LocalFileErrors.describe(e);
            failure = Optional.of(FailureKind.of(e));
            sdkAttempts = TransientFailures.sdkAttempts(e);
        }
        // Skipped and failed files count as done for the progress bar, whatever was sent.
        counter.reportUpTo(file.size());
        return new UploadOutcome(target, status, detail, Duration.ofNanos(System.nanoTime() - started), unaborted, mayHaveLanded, failure,
                sdkAttempts);
    }

    /** Why the file must be uploaded, or empty when the bucket already holds its content. */
    private Optional<String> change(PlannedFile file, Optional<StoredObject> stored) throws IOException {
        if (stored.isEmpty()) {
            return Optional.of("new");
        }
        if (stored.get().size() != file.size()) {
            return Optional.of("changed");
        }
        if (stored.get().crc32().isEmpty()) {
            // Objects uploaded by other tools may carry no checksum, or one of their parts' checksums.
            return Optional.of("replaced: the stored object has no full-object CRC32 to compare");
        }
        Crc32Checksum local;
        try (InputStream in = opener.open(file.path())) {
            local = Crc32Checksum.of(in);
        }
        if (local.bytes() != file.size()) {
            throw changedWhileReading(file, local.bytes());
        }
        return local.base64().equals(stored.get().crc32().get()) ? Optional.empty() : Optional.of("changed");
    }

    /** How a publishing write ended, when it did not fail. */
    private enum Landing {
        WRITTEN,
        /** The write failed, but its object was found in place: its answer was lost. */
        FOUND_IN_PLACE,
        /** S3 refused the write, conditional on what was compared, because another writer had put the file's content meanwhile. */
        PUT_BY_ANOTHER
    }

    /** @param stored what the key held when the file was compared with it: the write is conditional on it */
    private Landing putWhole(PlannedFile file, Optional<StoredObject> stored, ByteCounter counter) throws IOException {
        byte[] content = new byte[(int) file.size()];
        checkUnchangedSinceChecked(file);
        try (InputStream in = opener.open(file.path())) {
            int read = in.readNBytes(content, 0, content.length);
            if (read < content.length || in.read() != -1) {
                throw changedWhileReading(file, read);
            }
        }
        checkNotModifiedWhileRead(file);
        String crc32 = Crc32Checksum.of(content, 0, content.length);
        checkReadAsChecked(file, content.length, crc32);
        Optional<Landing> landing = Optional.empty();
        for (int round = 1; landing.isEmpty(); round++) {
            try {
                bucket.put(file.key(), content, content.length, crc32, contentType(file), stored);
                landing = Optional.of(Landing.WRITTEN);
            }
            catch (WriteInFlightException e) {
                // S3 says to send the put again (PutObject, If-None-Match and If-Match); unless the look says how the race ended.
                landing = afterInFlight(file, stored, crc32, e, round);
            }
            catch (WriteConflictException e) {
                landing = Optional.of(afterConflict(file, crc32, e));
            }
            catch (UnconfirmedWriteException e) {
                if (!landedAnyway(file, crc32, e)) {
                    throw e;
                }
                landing = Optional.of(Landing.FOUND_IN_PLACE);
            }
        }
        counter.report(content.length);
        return landing.get();
    }

    /** @param stored what the key held when the file was compared with it: the completion is conditional on it */
    private Landing putInParts(PlannedFile file, Optional<StoredObject> stored, ByteCounter counter) throws IOException {
        byte[] buffer = new byte[partSizeFor(file.size(), partSize)];
        for (int round = 1; ; round++) {
            try {
                return uploadInParts(file, stored, buffer, counter);
            }
            catch (CompletionInFlight e) {
                Optional<Landing> landing = afterInFlight(file, stored, e.crc32, e.inFlight, round);
                if (landing.isPresent()) {
                    return landing.get();
                }
                // S3 says to start the upload again and send each part again (CompleteMultipartUpload, If-None-Match);
                // the file is read again, checked as at the first round, and its bytes counted once.
                counter.restart();
            }
        }
    }

    /** One multipart upload of the file, aborted unless it is published. */
    private Landing uploadInParts(PlannedFile file, Optional<StoredObject> stored, byte[] buffer, ByteCounter counter) throws IOException {
        int size = buffer.length;
        Crc32Checksum whole = new Crc32Checksum();
        checkUnchangedSinceChecked(file);
        // The file is opened first: a file that cannot be read starts no upload.
        try (InputStream in = opener.open(file.path())) {
            PartedUpload upload = bucket.startMultipart(file.key(), contentType(file));
            try {
                long remaining = file.size();
                while (remaining > 0) {
                    int length = (int) Math.min(size, remaining);
                    int read = in.readNBytes(buffer, 0, length);
                    if (read < length) {
                        throw changedWhileReading(file, whole.bytes() + read);
                    }
                    whole.update(buffer, 0, length);
                    upload.uploadPart(buffer, length);
                    counter.report(length);
                    remaining -= length;
                }
                if (in.read() != -1) {
                    throw changedWhileReading(file, file.size() + 1);
                }
                checkNotModifiedWhileRead(file);
                checkReadAsChecked(file, whole.bytes(), whole.base64());
                upload.complete(whole.base64(), stored);
                return Landing.WRITTEN;
            }
            catch (IOException | RuntimeException e) {
                // After a completion that may have landed, the abort hears NoSuchUpload, or fails with the network:
                // only the object under the key tells whether the upload was published.
                UploadAbort abort = upload.abort();
                Optional<UnabortedUpload> unaborted = abort.unaborted();
                if (e instanceof WriteInFlightException inFlight && unaborted.isEmpty()) {
                    throw new CompletionInFlight(inFlight, whole.base64());
                }
                if (e instanceof WriteConflictException conflict && unaborted.isEmpty()) {
                    return afterConflict(file, whole.base64(), conflict);
                }
                if (e instanceof UnconfirmedWriteException unconfirmed) {
                    try {
                        if (landedAnyway(file, whole.base64(), unconfirmed)) {
                            return Landing.FOUND_IN_PLACE;
                        }
                        if (abort.alreadyGone()) {
                            // NoSuchUpload: completed, by an attempt S3 may still be processing, or aborted by an attempt of
                            // this abort whose answer was lost. Nothing under the key yet is no proof that nothing will be.
                            awaitLanding(file, whole.base64(), unconfirmed);
                            return Landing.FOUND_IN_PLACE;
                        }
                    }
                    catch (MayHaveLanded unknown) {
                        // With an abort that failed too, what is certain is said below: its parts may be billed.
                        if (unaborted.isEmpty()) {
                            throw unknown;
                        }
                    }
                }
                if (unaborted.isPresent()) {
                    throw new PartsLeftBehind(e, unaborted.get());
                }
                throw e;
            }
        }
    }

    /**
     * After a publishing write that failed without showing it had no effect: when the object under the key
     * has the file's size and CRC32, the write landed and only its answer was lost.
     *
     * @return whether the object is in place; false when there is none, or one with other content
     * @throws MayHaveLanded when looking failed too
     */
    private boolean landedAnyway(PlannedFile file, String crc32, UnconfirmedWriteException failure) throws MayHaveLanded {
        Optional<StoredObject> stored;
        try {
            stored = bucket.stat(file.key());
        }
        catch (IOException e) {
            throw MayHaveLanded.lookupFailed(failure, e);
        }
        return holdsFile(stored, file, crc32);
    }

    /**
     * After a completion that failed without showing it had no effect, whose abort S3 answered NoSuchUpload, and
     * whose object was not under the key: looks again, after pauses of 1 s, 2 s, 4 s and so on, for up to
     * {@link #landingWait}, as the completion may still be landing.
     *
     * @throws MayHaveLanded when the object did not appear, or looking failed: the file is then not said to have
     *     left nothing, and the next run, which compares the key with the file, skips it once it has landed
     */
    private void awaitLanding(PlannedFile file, String crc32, UnconfirmedWriteException failure) throws MayHaveLanded {
        long started = System.nanoTime();
        long deadline = started + landingWait.toNanos();
        long pause = FIRST_LANDING_PAUSE.toNanos();
        for (long left = landingWait.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (landedAnyway(file, crc32, failure)) {
                return;
            }
            pause *= 2;
        }
        // Interrupted, it says how long it did look.
        throw MayHaveLanded.notSeenInTime(failure, Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * After S3 refused a write because another writer had written the key since this run looked: when the
     * key now holds the file's size and CRC32, the other run put this file, and its write is the one the
     * converter is told of.
     *
     * @throws IOException naming the key and what to do, when it holds something else, or looking failed
     */
    private Landing afterConflict(PlannedFile file, String crc32, WriteConflictException conflict) throws IOException {
        Optional<StoredObject> now = lookAgain(file, conflict);
        if (holdsFile(now, file, crc32)) {
            return Landing.PUT_BY_ANOTHER;
        }
        throw changedMeanwhile(now, conflict);
    }

    /**
     * After S3 answered 409 ConditionalRequestConflict (another conditional write to the key in flight, nothing
     * written): waits a little, for that write to land or fail, and looks at the key, so that the file ends as the
     * race ends. When the key holds the file's size and CRC32, the other run put this file; when it holds something
     * else than what the file was compared with, another writer came in between, as after a 412; when it still holds
     * that, nothing landed and the write is to be sent again (empty), unless this was the last round.
     *
     * @param compared what the key held when the file was compared with it
     * @param round the round that was answered 409, from 1
     * @throws IOException naming the key and what to do, when the key holds something else, looking failed, or
     *     every round was answered 409
     */
    private Optional<Landing> afterInFlight(PlannedFile file, Optional<StoredObject> compared, String crc32, WriteInFlightException inFlight, int round)
            throws IOException {
        if (round < ConditionalRequestConflicts.ATTEMPTS) {
            awaitTheOtherWrite(file, round);
        }
        Optional<StoredObject> now = lookAgain(file, inFlight);
        if (holdsFile(now, file, crc32)) {
            return Optional.of(Landing.PUT_BY_ANOTHER);
        }
        if (!now.equals(compared)) {
            throw changedMeanwhile(now, inFlight);
        }
        if (round < ConditionalRequestConflicts.ATTEMPTS) {
            return Optional.empty();
        }
        throw new IOException("Did not upload to " + bucket.describe(file.key()) + ": another conditional write to the key was in flight"
                + " (" + inFlight.answer() + ") at each of " + ConditionalRequestConflicts.ATTEMPTS + " attempts, and the key still holds "
                + (compared.isEmpty() ? "nothing" : "the object the file was compared with") + ": nothing was written; run the same command again"
                + " once the other writer (another run of this tool, or another tool) has finished", inFlight);
    }

    /** Waits before the next round, as common's conditional writes wait, so that two runs answered 409 together do not write again in step. */
    private static void awaitTheOtherWrite(PlannedFile file, int round) throws InterruptedIOException {
        try {
            ConditionalRequestConflicts.awaitTheOtherWrite(round);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while waiting to write " + file.path() + " to its key again:"
                    + " nothing of it was published; run the same command again to finish");
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    /** What the key holds after S3 refused a publishing write. */
    private Optional<StoredObject> lookAgain(PlannedFile file, IOException refusal) throws IOException {
        try {
            return bucket.stat(file.key());
        }
        catch (IOException e) {
            if (e instanceof UnreadableKeyException && refusal instanceof WriteConflictException) {
                // A write conditional on no object refused (412): the key does hold one, which these credentials may not read.
                throw new IOException(unreadableObject(file), refusal);
            }
            throw new IOException(refusal.getMessage() + "; looking again failed (" + LocalFileErrors.describe(e)
                    + "): nothing was written, run the same command again to compare the file with what the key holds then", refusal);
        }
    }

    /** For a writer of another account whose bronze_writers entry lacks read_own_files, or whose IAM policy lacks s3:GetObject. */
    private String unreadableObject(PlannedFile file) {
        String key = file.key();
        String dataset = key.substring(0, Math.max(0, key.indexOf('/')));
        return bucket.describe(key) + " already holds an object, which these credentials may not read (HeadObject answered 403: no s3:GetObject on it),"
                + " so this run cannot compare it with the file and did not replace it. A writer of another account needs read_own_files = true in its"
                + " entry of the bronze bucket's bronze_writers (terraform), and s3:GetObject on " + bucket.objectArn(dataset + "/*")
                + " in its own IAM policy, so that a run compares the file with its object and skips it when unchanged; nothing was written";
    }

    private static boolean holdsFile(Optional<StoredObject> stored, PlannedFile file, String crc32) {
        return stored.isPresent() && stored.get().size() == file.size() && stored.get().crc32().equals(Optional.of(crc32));
    }

    private static IOException changedMeanwhile(Optional<StoredObject> now, IOException refusal) {
        return new IOException(refusal.getMessage() + "; it now holds " + (now.isEmpty() ? "nothing" : "other content than the file")
                + ": nothing was written, run the same command again to compare the file with what the key holds then", refusal);
    }

    /** The configured part size, or larger for a file that would otherwise need more than 10,000 parts. */
    static int partSizeFor(long fileSize, int partSize) {
        if (fileSize > MAXIMUM_OBJECT_SIZE) {
            throw new IllegalArgumentException("A file of " + fileSize + " bytes is larger than an S3 object can be (5 TiB)");
        }
        long needed = (fileSize + MAX_PARTS - 1) / MAX_PARTS;
        if (needed <= partSize) {
            return partSize;
        }
        long rounded = (needed + MIB - 1) / MIB * MIB;
        // At most 525 MiB: 5 TiB in 10,000 parts, far below S3's 5 GiB limit for a part.
        return (int) rounded;
    }

    private static String contentType(PlannedFile file) {
        return file.key().toLowerCase(Locale.ROOT).endsWith(".gz") ? "application/gzip" : "text/csv";
    }

    private static IOException changedWhileReading(PlannedFile file, long bytesRead) {
        return new IOException(file.path() + " changed while it was being read (" + file.size() + " bytes when the run started, "
                + (bytesRead > file.size() ? "more" : String.valueOf(bytesRead)) + " now): run the command again once it is complete");
    }

    /**
     * Fails the file if it was written to since its content was checked ({@link UploadPlanner#plan} read its size
     * and modification time before it read the file whole for its encoding): the bytes about to be read were
     * then never checked, and the converter could reject the object or quarantine its rows, exit code 0 here.
     * A rewrite at the same size (an export writing over the last one) passes every size check; any write
     * sets the modification time.
     */
    private static void checkUnchangedSinceChecked(PlannedFile file) throws IOException {
        BasicFileAttributes now = Files.readAttributes(file.path(), BasicFileAttributes.class);
        if (now.size() != file.size() || !now.lastModifiedTime().equals(file.modified())) {
            throw new IOException(file.path() + " changed after its content was checked (" + file.size() + " bytes modified at " + file.modified()
                    + " when it was checked, " + now.size() + " bytes modified at " + now.lastModifiedTime() + " when its upload began):"
                    + " nothing of it was published, its new content unchecked; run the command again, which checks it, once it is complete");
        }
    }

    /**
     * Fails the file if it was written to while it was read, its modification time no longer the one
     * {@link #checkUnchangedSinceChecked} found before the read. A rewrite in place at the same size passes
     * every size check, and what was read is then the old bytes before the rewrite and the new ones after it:
     * its CRC32 is that of the bytes read, so S3 accepts an object that is neither version.
     */
    private static void checkNotModifiedWhileRead(PlannedFile file) throws IOException {
        FileTime after = Files.getLastModifiedTime(file.path());
        if (!after.equals(file.modified())) {
            throw new IOException(file.path() + " changed while it was being read (modified at " + file.modified() + " when its reading began, at " + after
                    + " when it ended): nothing of it was published; run the command again once it is complete");
        }
    }

    /**
     * Fails the file unless the bytes its upload read are those its content check read ({@link PlannedFile#checked}),
     * by their count and CRC32, which its size and modification time do not prove: a write within the second or two
     * to which some file systems keep the time (ext3, HFS+, FAT, many network shares), or by a writer that sets the
     * time back, leaves both as they were, and what was read is then the old bytes before the write and the new
     * ones after it, an object that is neither version, whose CRC32 S3 would accept since it is computed from them.
     */
    private static void checkReadAsChecked(PlannedFile file, long bytesRead, String crc32) throws IOException {
        if (file.checked().isEmpty()) {
            return;
        }
        PlannedFile.Checked checked = file.checked().get();
        if (checked.bytes() != bytesRead || !checked.crc32().equals(crc32)) {
            throw new IOException(file.path() + " changed while it was being uploaded: the " + bytesRead + " bytes its upload read (CRC32 " + crc32
                    + ") are not the " + checked.bytes() + " bytes its content check read (CRC32 " + checked.crc32() + "), though its size and modification"
                    + " time (" + file.modified() + ") are still those of the check (a file system that keeps times to the second, or a writer that"
                    + " sets the time back): nothing of it was published; run the command again once the file is complete");
        }
    }

    /**
     * A multipart upload failed and so did its abort. Not a suppressed exception on the failure: messages
     * show only the main one, and the run would then say it left nothing in the bucket.
     */
    private static final class PartsLeftBehind extends IOException {
        private final Exception failure;
        private final UnabortedUpload unaborted;

        PartsLeftBehind(Exception failure, UnabortedUpload unaborted) {
            super(requireNonNull(unaborted, "unaborted is null").describe(), requireNonNull(failure, "failure is null"));
            this.failure = failure;
            this.unaborted = unaborted;
        }
    }

    /**
     * A publishing write failed without showing it had no effect, and the run could not tell whether its object
     * is in place ({@link #unknown} says why): it may be. A re-run looks again (size and CRC32) and skips the file
     * if it is.
     */
    private static final class MayHaveLanded extends IOException {
        private static final String RUN_AGAIN = "run the same command again, which compares the object's size and CRC32 with the file's and skips the file if it landed";

        private final UnknownLanding unknown;
        private final FailureKind kind;

        private MayHaveLanded(UnconfirmedWriteException failure, String why, UnknownLanding unknown, FailureKind kind) {
            super(failure.getMessage() + "; it may have landed all the same: its answer was lost, and " + why + "; " + RUN_AGAIN, failure);
            this.unknown = unknown;
            this.kind = kind;
        }

        static MayHaveLanded lookupFailed(UnconfirmedWriteException failure, IOException lookup) {
            requireNonNull(failure, "failure is null");
            requireNonNull(lookup, "lookup is null");
            // The re-run looks for the object first: a look refused (a 403) fails it again, whatever the write met.
            FailureKind kind = FailureKind.of(failure) == FailureKind.TRANSIENT ? FailureKind.of(lookup) : FailureKind.LASTING;
            return new MayHaveLanded(failure, "looking for the object failed too (" + LocalFileErrors.describe(lookup) + ")", UnknownLanding.LOOKUP_FAILED, kind);
        }

        static MayHaveLanded notSeenInTime(UnconfirmedWriteException failure, Duration waited) {
            requireNonNull(failure, "failure is null");
            return new MayHaveLanded(failure, "S3 answered NoSuchUpload to its abort, as it does for an upload completed (or aborted), but the object "
                    + "was not under the key in the " + waited.toSeconds() + " s the run looked for it (S3 can take minutes to complete a multipart upload)",
                    UnknownLanding.NOT_SEEN_IN_TIME, FailureKind.of(failure));
        }
    }

    /**
     * A completion answered 409 ConditionalRequestConflict, its upload aborted: the file is to be looked up and
     * perhaps uploaded again. Carries the CRC32 of what was read, to compare with what the key holds then.
     */
    private static final class CompletionInFlight extends IOException {
        private final WriteInFlightException inFlight;
        private final String crc32;

        CompletionInFlight(WriteInFlightException inFlight, String crc32) {
            super(requireNonNull(inFlight, "inFlight is null").getMessage(), inFlight);
            this.inFlight = inFlight;
            this.crc32 = requireNonNull(crc32, "crc32 is null");
        }
    }

    /**
     * Tells the listener how far this file has got, so that its bytes add up to its size once it is done, however
     * many times a multipart upload is started again.
     */
    private static final class ByteCounter {
        private final UploadListener listener;
        /** The bytes told to the listener: the most that any round has sent, plus those counted done unsent. */
        private long reported;
        /** The bytes this round has sent. */
        private long sent;

        ByteCounter(UploadListener listener) {
            this.listener = listener;
        }

        /** Bytes sent to the bucket; those a round sends again are not told twice. */
        void report(long bytes) {
            sent += bytes;
            report(sent - reported, true);
        }

        /** A multipart upload starts again: its bytes are counted from the first again, told once past the earlier rounds'. */
        void restart() {
            sent = 0;
        }

        /** The file's bytes not sent (it was skipped, or failed before them), counted done. */
        void reportUpTo(long total) {
            report(total - reported, false);
        }

        private void report(long bytes, boolean wereSent) {
            if (bytes > 0) {
                reported += bytes;
                listener.bytesDone(bytes, wereSent);
            }
        }
    }
}
