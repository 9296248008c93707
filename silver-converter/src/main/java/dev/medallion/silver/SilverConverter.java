package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.layout.RunId;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.csv.RejectedInputException;
import dev.medallion.silver.parquet.PartInfo;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.NullMarkers;
import dev.medallion.silver.schema.SchemaContract;
import dev.medallion.silver.schema.SchemaContractStore;
import dev.medallion.silver.schema.StringColumnHint;
import org.apache.commons.io.input.CloseShieldInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * The heart of the silver layer: converts one bronze CSV object into Snappy Parquet parts in the
 * dataset's schema contract, quarantines the rows that do not fit, and commits with a manifest. It knows
 * nothing of Lambda or of where the bytes come from; the handler and the local command adapt to it.
 * <p>
 * Memory is bounded by one chunk of rows, one Parquet row group and the upload buffers, whatever the file
 * size, and by the limits on a file's columns and on the size of a row ({@link ConversionLimits}), whatever
 * it holds. A large file whose content can be read by range may be read as several byte ranges at once
 * ({@link RangeReading}, {@link RangeBoundaries}), each bounded so, with the same output as one stream. Data problems never throw: a bad row is quarantined, an unreadable file is rejected with a reason.
 * Storage failures, a download that ends early and a deadline reached do throw, after discarding what this
 * run wrote, so the caller can retry. Output becomes visible only through {@link SilverCommit}, after the
 * catalog ({@link SilverCatalog}) knows the run's partition: a committed manifest means queryable data.
 */
public final class SilverConverter {
    /** Opens the source's bytes; called once per conversion. */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;

        /** The source's bytes by range, when it can be read so: large files are then read as several ranges at once. */
        default Optional<Ranges> ranges() {
            return Optional.empty();
        }

        /** Content read whole with {@code whole}, or by range with {@code ranges}. */
        static Content of(Content whole, Ranges ranges) {
            requireNonNull(whole, "whole is null");
            requireNonNull(ranges, "ranges is null");
            return new Content() {
                @Override
                public InputStream open() throws IOException {
                    return whole.open();
                }

                @Override
                public Optional<Ranges> ranges() {
                    return Optional.of(ranges);
                }
            };
        }
    }

    /** Opens bytes {@code from} (inclusive) to {@code to} (exclusive) of the source; called once per range. */
    @FunctionalInterface
    public interface Ranges {
        InputStream open(long from, long to) throws IOException;
    }

    /** Whether the source key has a current object now: the handler's HEAD of the bronze key, false on a 404. */
    @FunctionalInterface
    public interface Presence {
        boolean exists() throws IOException;
    }

    /** The reason on the line of a conversion that withdrew what it committed, its file deleted from bronze meanwhile. */
    static final String WITHDRAWN_WHILE_CONVERTED = "the source object was deleted from bronze while it was converted: the conversion, finding the"
            + " key gone after its commit, withdrew what it had just committed (the removal's own event, handled before that commit, finds nothing"
            + " to withdraw); none of its rows stays in silver. If the deletion was not meant, delete the key's delete marker, which converts the"
            + " file again (docs/silver-converter.md, Undoing a deletion)";

    /**
     * The reason on the line of a withdrawal made for an ObjectCreated event that found its key gone
     * ({@link #withdrawForMissingKey}).
     */
    static final String WITHDRAWN_FOR_A_MISSING_KEY = "the source object was deleted from bronze, and this ObjectCreated event found the key gone"
            + " while its manifest still held a conversion: that conversion committed after the file's removal was handled (which found"
            + " nothing to withdraw), and its run failed after its commit (this is Lambda's retry), or the removal has not run yet. What"
            + " it committed is withdrawn; none of its rows stays in silver. If the deletion was not meant, delete the key's delete marker,"
            + " which converts the file again (docs/silver-converter.md, Undoing a deletion)";
    /** The message of the line of an ObjectCreated event whose key has no object and that withdrew nothing. */
    public static final String MISSING_MESSAGE = "source object skipped: it no longer exists";
    /** The outcome of such an event. */
    public static final String MISSING = "missing";

    private final RangeReading rangeReading;
    private final SilverLayout layout;
    private final SilverCommit commit;
    private final SilverCatalog catalog;
    private final JsonLog log;
    private final ConversionRun.Context context;

    /** A converter that keeps no catalog: the local command, and tests that are not about the catalog. */
    public SilverConverter(ObjectStore silver, SilverLayout layout, ConversionLimits limits, CsvOverrides csvOverrides, JsonLog log, Clock clock) {
        this(silver, layout, limits, csvOverrides, SilverCatalog.none(), log, clock);
    }

    /**
     * A converter that reads every file as one stream.
     *
     * @param catalog told of the dataset's table and the run's partition before each commit that writes data
     */
    public SilverConverter(ObjectStore silver, SilverLayout layout, ConversionLimits limits, CsvOverrides csvOverrides, SilverCatalog catalog,
            JsonLog log, Clock clock) {
        this(silver, layout, limits, RangeReading.single(), csvOverrides, catalog, log, clock);
    }

    /**
     * @param rangeReading how many byte ranges of a large file are read at once, when its content can be read by range
     * @param catalog told of the dataset's table and the run's partition before each commit that writes data
     */
    public SilverConverter(ObjectStore silver, SilverLayout layout, ConversionLimits limits, RangeReading rangeReading, CsvOverrides csvOverrides,
            SilverCatalog catalog, JsonLog log, Clock clock) {
        this(silver, layout, limits, rangeReading, csvOverrides, catalog, log, clock, WorkerThreads.WAIT);
    }

    /** @param threadStopWait how long a run waits for its threads to end once stopped: {@link WorkerThreads#WAIT} but in tests */
    SilverConverter(ObjectStore silver, SilverLayout layout, ConversionLimits limits, RangeReading rangeReading, CsvOverrides csvOverrides,
            SilverCatalog catalog, JsonLog log, Clock clock, Duration threadStopWait) {
        this(silver, layout, limits, rangeReading, csvOverrides, catalog, log, clock, threadStopWait, ReadingRules.VERSION);
    }

    /**
     * @param readingRules the version of the reading rules this converter reads under and records ({@link ReadingRules#VERSION}): another
     *        only in tests, standing for an older or a newer function version deployed beside this one
     */
    SilverConverter(ObjectStore silver, SilverLayout layout, ConversionLimits limits, RangeReading rangeReading, CsvOverrides csvOverrides,
            SilverCatalog catalog, JsonLog log, Clock clock, Duration threadStopWait, int readingRules) {
        requireNonNull(silver, "silver is null");
        this.rangeReading = requireNonNull(rangeReading, "rangeReading is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.log = requireNonNull(log, "log is null");
        this.commit = new SilverCommit(silver, layout, new ManifestStore(silver), requireNonNull(clock, "clock is null"));
        this.context = new ConversionRun.Context(silver, layout, limits, csvOverrides, new SchemaContractStore(silver, layout), catalog, commit, log, clock,
                threadStopWait, readingRules);
    }

    /** Converts without a time limit: the local command, and tests that are not about time. */
    public ConversionResult convert(SourceObject source, String dataset, Content content) throws IOException {
        return convert(source, dataset, content, Deadline.none());
    }

    /**
     * Converts the source and commits the result ({@link SilverCommit}), or recognises that this version
     * is already committed. Throws, having discarded its own output, when storage fails, the bytes read
     * differ from the object's size, another run commits a different version first, or the deadline comes.
     */
    public ConversionResult convert(SourceObject source, String dataset, Content content, Deadline deadline) throws IOException {
        return convert(source, dataset, content, deadline, Optional.empty());
    }

    /**
     * Converts as {@link #convert(SourceObject, String, Content, Deadline)} does, then, when this run committed, asks whether
     * the key still has an object ({@code stillInBronze}: the handler's HEAD of the bronze key). A file deleted while it was
     * converted is committed all the same, its bytes read, and its removal, handled before that commit, found nothing of it to
     * withdraw and will not come again: this run withdraws what it committed, as {@link #withdraw} does, and reports the
     * conversion as that withdrawal, in one line ({@code "source object withdrawn"}, outcome {@code withdrawn}, a {@code reason}
     * saying the file was deleted while it was converted), whose result's manifest is the {@code withdrawn} one. Not as a
     * conversion and then a withdrawal: the log metric filters would count the quarantined rows, and the file, of a conversion
     * whose rows left silver in the same invocation. When nothing is withdrawn after all (the file uploaded again meanwhile, or
     * the removal withdrew it first) or the withdrawal fails, the conversion stands as committed and is logged as one.
     */
    public ConversionResult convert(SourceObject source, String dataset, Content content, Deadline deadline, Presence stillInBronze)
            throws IOException {
        return convert(source, dataset, content, deadline, Optional.of(requireNonNull(stillInBronze, "stillInBronze is null")));
    }

    private ConversionResult convert(SourceObject source, String dataset, Content content, Deadline deadline, Optional<Presence> stillInBronze)
            throws IOException {
        requireNonNull(source, "source is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(content, "content is null");
        requireNonNull(deadline, "deadline is null");
        long started = System.nanoTime();
        String manifestKey = layout.manifestKey(dataset, source.key());
        SilverCommit.Base base = commit.base(manifestKey);
        Optional<Manifest> previous = base.manifest();
        if (previous.isPresent() && !previous.get().source().key().equals(source.key())) {
            // Two keys whose silver names agree (the same file name, and by chance the same short hash of
            // the key): this run's commit would supersede, and its sweep delete, the other file's rows.
            throw new IOException(source.location() + " and " + previous.get().source().key() + " (converted, " + commit.describe(manifestKey)
                    + ") have the same silver name: the same file name and, by chance, the same 40-bit hash of their keys. Converting "
                    + source.key() + " would replace the other file's rows, so it is not converted: upload it again under another name"
                    + " or in another folder; the other file stays as converted");
        }
        if (previous.isPresent() && !previous.get().source().bucket().equals(source.bucket())) {
            // Silver names come from the key alone: the same key in a second bucket feeding this silver bucket
            // would replace the first bucket's file.
            throw new IOException(source.location() + " has the key of a file of bucket " + previous.get().source().bucket() + " already converted into"
                    + " this silver bucket (" + commit.describe(manifestKey) + "), whose rows converting it would replace, so it is not converted:"
                    + " a silver bucket takes the files of one bronze bucket; move it to that bucket, or give its bucket a silver bucket of its own");
        }
        boolean laterRunPublished = false;
        Optional<ConversionResult> counted = Optional.empty();
        if (previous.isPresent()) {
            // Finish the previous commit's cleanup, which its run may never have done: killed after its
            // manifest, or its manifest written late, after the run gave up on it. What that manifest
            // superseded is named only there: this run's commit would supersede the manifest's own files.
            // A manifest written late was logged by no run: this run counts it, if it claims it first.
            List<ConversionResult> claimed = new ArrayList<>();
            SilverCommit.Swept swept = commit.sweep(previous.get(), manifestKey,
                    Optional.of(uncounted -> claimed.add(logCounted(uncounted, manifestKey))));
            laterRunPublished = swept.laterRunPublished();
            counted = claimed.stream().findFirst();
        }
        // A run that built on this manifest published (another version, which the object no longer holds,
        // or the same under other settings) and never committed: its manifest write failed or it was
        // killed. Its files are visible and only a commit on top of this manifest sweeps them, so this
        // version is converted again rather than answered unchanged. Should that run's manifest still
        // land, this run loses, and its retry converts the object as it then is. A file read under older reading rules
        // (ReadingRules) is converted again as one under another contract is: what this converter makes of its rows differs.
        if (previous.isPresent() && previous.get().describes(source) && !readUnderOtherSettings(previous.get(), dataset) && !laterRunPublished
                && !convertedUnderAnotherContract(previous.get(), dataset) && !readUnderOlderRules(previous.get())) {
            // A redelivery, or the retry of a run that committed and then failed: its line is logged already, by the run
            // that committed, or just now, by this run, which counted a commit whose run could not.
            return counted.isPresent() ? counted.get()
                    : logOutcome(new ConversionResult(previous.get(), manifestKey, true, Optional.empty(), List.of(), Optional.empty(), 0), started);
        }

        ConversionRun run = new ConversionRun(context, source, dataset, RunId.start(base.nextGeneration()), base.superseded(), deadline);
        Manifest manifest = null;
        try {
            int ranges = rangeReading.rangesFor(source.size());
            if (ranges > 1 && content.ranges().isPresent()) {
                manifest = new RangeConversion(run, context, source, dataset).execute(content.ranges().get(), ranges).orElse(null);
            }
            if (manifest == null) {
                manifest = readWhole(run, source, content);
            }
            deadline.check("converting " + source.location() + " before its commit");
            requireContractInForce(source, dataset, manifest);
            catalog(run, manifest, source);
            // Again once the contract is read and the partition registered: Glue throttling them, the SDK backing off, may
            // have taken the reserve kept for the commit, whose requests could then be cut between two parts, leaving rows
            // visible without a manifest until the next run of the file. Stopped here, the run leaves nothing visible.
            deadline.check("registering the partition of " + source.location() + " in the catalog, before its commit");
        }
        catch (IOException | RuntimeException | Error e) {
            run.discard(e);
            throw e;
        }
        finally {
            run.stopWriters();
        }
        SilverCommit.Outcome outcome;
        try {
            outcome = commit.commit(base, manifest, run.staged(), uncounted -> logCounted(uncounted, manifestKey));
        }
        catch (SilverCommit.CommittedException e) {
            // Committed, its cleanup failed: reported now, since the retry that finishes the cleanup finds the
            // version committed and answers unchanged, which the log metric filters rightly do not count.
            logOutcome(new ConversionResult(e.committed(), manifestKey, false, run.contractDefined(), run.stringColumnHints(), previous.map(replaced -> replaced.source().etag()),
                    run.rowsQuarantinedForTypes()), started);
            throw e;
        }
        if (!outcome.committedByThisRun() && !readAlike(outcome.manifest(), manifest) && readUnderOtherSettings(outcome.manifest(), dataset)) {
            // A duplicate delivery run by another function version (a deploy that declared the dataset's
            // delimiter or encoding, still rolling out) won with the settings this run was deployed to mend.
            // This run's files are gone; the retry finds that manifest and reads the file again.
            throw new SilverCommit.ConcurrentCommitException("Another conversion of " + source.key() + " committed " + manifestKey
                    + " first, read with delimiter '" + outcome.manifest().delimiter() + "' and encoding " + outcome.manifest().encoding()
                    + ", which this function's settings for dataset " + dataset + " replace; this run's output is discarded and the retry reads"
                    + " the object again");
        }
        if (!outcome.committedByThisRun() && readUnderOlderRules(outcome.manifest())) {
            // A duplicate delivery run by the older function version of a deploy that raises the reading rules, still rolling
            // out, won: answered unchanged, the file would keep the older reading until delivered again. The retry finds that
            // manifest older than its rules and converts the file again, as a redelivery would.
            throw new SilverCommit.ConcurrentCommitException("Another conversion of " + source.key() + " committed " + manifestKey
                    + " first, read under reading rules " + outcome.manifest().readingRules() + ", older than this converter's "
                    + context.readingRules() + " (an older function version, during a deploy); this run's output is discarded and the retry"
                    + " converts the object again under the newer rules");
        }
        if (!outcome.committedByThisRun() && Manifest.CONVERTED.equals(outcome.manifest().status())) {
            // The winner may have read the contract before an edit (a run in flight while a person edited the contract
            // and delivered the file again, the documented remedy): answered unchanged, the file would stay in the
            // replaced contract, its parts in other types than its table, with no event left to convert it again.
            List<Column> inForce = columnsInForce(dataset);
            if (!outcome.manifest().columns().equals(inForce)) {
                throw new SilverCommit.ConcurrentCommitException("Another conversion of " + source.key() + " committed " + manifestKey
                        + " first, in columns (" + describe(outcome.manifest().columns()) + "), which differ from the schema contract of dataset "
                        + dataset + " in force (" + describe(inForce) + "); this run's output is discarded and the retry converts the object"
                        + " again under the contract in force");
            }
        }
        if (outcome.countedByThisRun()) {
            // The winner's line, which its run could not log, is logged (by the counter): the outcome it reported.
            return new ConversionResult(outcome.manifest(), manifestKey, false, Optional.empty(), List.of(), Optional.empty(), 0);
        }
        ConversionResult result = new ConversionResult(outcome.manifest(), manifestKey, !outcome.committedByThisRun(),
                outcome.committedByThisRun() ? run.contractDefined() : Optional.empty(),
                outcome.committedByThisRun() ? run.stringColumnHints() : List.of(),
                outcome.committedByThisRun() ? previous.map(replaced -> replaced.source().etag()) : Optional.empty(),
                outcome.committedByThisRun() ? run.rowsQuarantinedForTypes() : 0);
        if (!outcome.committedByThisRun() || stillInBronze.isEmpty()) {
            return logOutcome(result, started);
        }
        return withdrawIfDeletedWhileConverted(source, dataset, result, stillInBronze.get(), started);
    }

    /**
     * The look after this run's commit: a key still present keeps the conversion; a key gone has what this run committed withdrawn
     * now, logged as one withdrawal instead of the conversion. Whatever fails here fails the run after its commit, so the conversion
     * is logged before the failure is thrown: its retry finds the version committed (or the key gone) and logs no conversion. A
     * withdrawal that committed and then failed its sweep has been logged as the withdrawal.
     */
    private ConversionResult withdrawIfDeletedWhileConverted(SourceObject source, String dataset, ConversionResult converted, Presence stillInBronze,
            long started) throws IOException {
        String location = "s3://" + source.bucket() + "/" + source.key();
        Manifest committed = converted.manifest();
        WithdrawalResult withdrawal;
        try {
            if (stillInBronze.exists()) {
                return logOutcome(converted, started);
            }
            withdrawal = withdraw(source.bucket(), source.key(), dataset, stillInBronze, (withdrawn, previous) -> {
                // This run's manifest names its run; one an older converter wrote between (format 1) names none.
                if (committed.run().equals(previous.run())) {
                    logWithdrawn(location, withdrawn, previous, started, Optional.of(WITHDRAWN_WHILE_CONVERTED), converted.contractDefined(), converted.stringColumnHints());
                }
                else {
                    // Another run's commit came between (a re-upload converted, then deleted again): this run's conversion was
                    // superseded, not withdrawn, and what is withdrawn is that run's.
                    logOutcome(converted, started);
                    logWithdrawn(location, withdrawn, previous, started, Optional.empty(), Optional.empty(), List.of());
                }
            });
        }
        catch (SilverCommit.CommittedException e) {
            // The withdrawal committed and was reported; its sweep failed.
            throw e;
        }
        catch (IOException | RuntimeException e) {
            logOutcome(converted, started);
            throw e;
        }
        if (withdrawal.reason().isPresent()) {
            // Uploaded again since the look (present), or withdrawn by the removal first: this run's conversion is what it did.
            return logOutcome(converted, started, Map.of("notWithdrawn", "the key was gone after this run's commit, but nothing was withdrawn: "
                    + withdrawal.reason().get()));
        }
        return new ConversionResult(withdrawal.manifest().orElseThrow(), converted.manifestKey(), false, Optional.empty(), List.of(), Optional.empty(), 0);
    }

    /**
     * Withdraws from silver the rows of a source object deleted from bronze: a commit like a conversion's
     * ({@link SilverCommit}), of a {@code withdrawn} manifest that supersedes the key's parts and quarantine
     * file, which the sweep then deletes. It reads the key's manifest first, then asks whether the key has
     * an object ({@code presence}, a HEAD): in that order, an upload after the HEAD is converted by a run that
     * either reads the withdrawn manifest, or commits on the manifest this withdrawal read, whose conditional
     * write then fails this one; asked before, the withdrawal could replace that upload's conversion. A key
     * with an object (an event of an old version, or the file uploaded again since) is left to its own
     * ObjectCreated event. Throws {@link SilverCommit.ConcurrentCommitException} when another commit of the key
     * came first: the retry asks again.
     */
    public WithdrawalResult withdraw(String bucket, String key, String dataset, Presence presence) throws IOException {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(key, "key is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(presence, "presence is null");
        long started = System.nanoTime();
        String location = "s3://" + bucket + "/" + key;
        WithdrawalResult result = withdraw(bucket, key, dataset, presence,
                (withdrawal, previous) -> logWithdrawn(location, withdrawal, previous, started, Optional.empty(), Optional.empty(), List.of()));
        result.reason().ifPresent(reason -> logNotWithdrawn(location, dataset, result.outcome(), reason));
        return result;
    }

    /**
     * For an ObjectCreated event whose key had no object when the handler looked (withdrawals on): withdraws, exactly as
     * {@link #withdraw} does for a removal, what the key's manifest still holds of it, and finishes the sweep of the manifest
     * read. A conversion that committed after the file's removal was handled (which found nothing to withdraw) and then failed
     * before its look after the commit (its sweep, a 5xx, the deadline) is retried by Lambda as this event; answered
     * {@code missing} outright, its rows would stay in silver for a file no longer in bronze, with no event left to withdraw them.
     * And the retry of a conversion whose own withdrawal committed and then failed its sweep finishes that sweep here. The
     * manifest is read before {@code presence} is asked, as for a removal, so a file uploaded again is never withdrawn: its key
     * has an object ({@link WithdrawalResult#PRESENT}, logged by nobody here: the caller converts it). Nothing of the event's
     * version is compared: like a removal, this follows the key, and a key with no object has nothing in silver.
     * <p>
     * Logs one line: the withdrawal's ({@code "source object withdrawn"}, a {@code reason} saying why), or, when nothing is
     * withdrawn and the key has no object, {@value #MISSING_MESSAGE} with outcome {@value #MISSING} and why nothing was.
     */
    public WithdrawalResult withdrawForMissingKey(String bucket, String key, String dataset, Presence presence) throws IOException {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(key, "key is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(presence, "presence is null");
        long started = System.nanoTime();
        String location = "s3://" + bucket + "/" + key;
        WithdrawalResult result = withdraw(bucket, key, dataset, presence, (withdrawal, previous) ->
                logWithdrawn(location, withdrawal, previous, started, Optional.of(WITHDRAWN_FOR_A_MISSING_KEY), Optional.empty(), List.of()));
        if (result.reason().isPresent() && !WithdrawalResult.PRESENT.equals(result.outcome())) {
            logMissing(location, dataset, "the key has no object in bronze (deleted since the event was sent): nothing to convert, and nothing"
                    + " to withdraw: " + result.reason().get());
        }
        return result;
    }

    /** The line of an ObjectCreated event whose key has no object, nothing withdrawn: {@code reason} says why. */
    private void logMissing(String location, String dataset, String reason) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("outcome", MISSING);
        fields.put("dataset", dataset);
        fields.put("source", location);
        fields.put("reason", reason);
        log.warn(MISSING_MESSAGE, fields);
    }

    /** What a withdrawal committed, the manifest it withdrew: reported once the commit is in place, before its sweep may fail. */
    @FunctionalInterface
    private interface WithdrawalReport {
        void committed(Manifest withdrawal, Manifest previous);
    }

    /** {@link #withdraw(String, String, String, Presence)}, its commit reported to {@code report}; nothing withdrawn is returned with its reason, unlogged. */
    private WithdrawalResult withdraw(String bucket, String key, String dataset, Presence presence, WithdrawalReport report) throws IOException {
        String manifestKey = layout.manifestKey(dataset, key);
        SilverCommit.Base base = commit.base(manifestKey);
        Optional<Manifest> previous = base.manifest();
        if (previous.isEmpty()) {
            return notWithdrawn(WithdrawalResult.UNCHANGED, previous, "the key has no manifest: nothing of it was converted");
        }
        if (!previous.get().source().key().equals(key) || !previous.get().source().bucket().equals(bucket)) {
            // Another file's silver name (a hash collision, or the same key in another bucket): this key was refused, never converted.
            return notWithdrawn(WithdrawalResult.UNCHANGED, previous, "its silver name holds s3://" + previous.get().source().bucket()
                    + "/" + previous.get().source().key() + " (" + commit.describe(manifestKey) + "), which this key's conversion was refused"
                    + " to replace: that file's rows stay");
        }
        // Finish the cleanup of the manifest read, as a conversion does: its run may never have swept.
        // A commit whose manifest was written late was logged by no run: counted here, if claimed first (a conversion before it
        // is withdrawn; a withdrawal, whose line is then this run's answer).
        SilverCommit.Swept swept = commit.sweep(previous.get(), manifestKey, Optional.of(uncounted -> logCounted(uncounted, manifestKey)));
        boolean laterRunPublished = swept.laterRunPublished();
        if (Manifest.WITHDRAWN.equals(previous.get().status())) {
            if (swept.countedByThisRun()) {
                return new WithdrawalResult(WithdrawalResult.WITHDRAWN, previous, Optional.empty());
            }
            return notWithdrawn(WithdrawalResult.UNCHANGED, previous, "already withdrawn (generation " + previous.get().generation() + ")");
        }
        if (presence.exists()) {
            return notWithdrawn(WithdrawalResult.PRESENT, previous, "the key has an object in bronze (an old version was"
                    + " deleted, or the file was uploaded again): its rows stay, and its own ObjectCreated event converts it");
        }
        if (previous.get().writtenKeys().isEmpty() && !laterRunPublished) {
            return notWithdrawn(WithdrawalResult.UNCHANGED, previous, "its manifest (" + previous.get().status() + ") wrote nothing to silver");
        }
        Manifest withdrawal = withdrawal(previous.get(), base.nextGeneration());
        SilverCommit.Outcome outcome;
        try {
            // Of a withdrawal's winners only another withdrawal of the same version is answered, and counted by this run
            // when its own run's manifest write went unanswered and landed.
            outcome = commit.commit(base, withdrawal, List.of(), uncounted -> logCounted(uncounted, manifestKey));
        }
        catch (SilverCommit.CommittedException e) {
            // Committed, its sweep failed: reported now, since the retry finds it withdrawn and says nothing was.
            report.committed(withdrawal, previous.get());
            throw e;
        }
        if (outcome.countedByThisRun()) {
            // The winner's line, which its run could not log, is logged (by the counter): this run's answer.
            return new WithdrawalResult(WithdrawalResult.WITHDRAWN, Optional.of(outcome.manifest()), Optional.empty());
        }
        if (!outcome.committedByThisRun()) {
            return notWithdrawn(WithdrawalResult.UNCHANGED, Optional.of(outcome.manifest()),
                    "another withdrawal of the same version committed first (a duplicate event)");
        }
        report.committed(outcome.manifest(), previous.get());
        return new WithdrawalResult(WithdrawalResult.WITHDRAWN, Optional.of(outcome.manifest()), Optional.empty());
    }

    private static WithdrawalResult notWithdrawn(String outcome, Optional<Manifest> manifest, String reason) {
        return new WithdrawalResult(outcome, manifest, Optional.of(reason));
    }

    /** The manifest that withdraws {@code previous}: nothing written, its files superseded, the version withdrawn as its source. */
    private Manifest withdrawal(Manifest previous, long generation) {
        return new Manifest(Manifest.WITHDRAWN_FORMAT_VERSION, generation, RunId.start(generation).token(), Manifest.WITHDRAWN,
                "the source object was deleted from bronze", previous.dataset(), previous.source(), previous.ingestDate(), previous.delimiter(),
                previous.encoding(), List.of(), List.of(), List.of(), List.of(), List.of(), null, 0, 0, 0, 0, previous.writtenKeys(),
                context.clock().instant().toString(), ConversionRun.NAME, null, List.of(), null, previous.readingRules(),
                Manifest.WithdrawnRows.of(previous));
    }

    /**
     * The one line of a withdrawal: of a removal, or of a conversion that found its key gone after its commit ({@code reason},
     * and {@code contractDefined}, the dataset's schema contract that conversion defined, which stays, with its string column
     * hints and headerReadsAsRow, as a processed file's line has them).
     */
    private void logWithdrawn(String location, Manifest withdrawal, Manifest previous, long startedNanos, Optional<String> reason,
            Optional<SchemaContract> contractDefined, List<StringColumnHint> stringColumnHints) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("outcome", WithdrawalResult.WITHDRAWN);
        fields.put("dataset", withdrawal.dataset());
        fields.put("source", location);
        fields.put("etag", withdrawal.source().etag());
        reason.ifPresent(why -> fields.put("reason", why));
        putWithdrawnRows(fields, withdrawal);
        fields.put("filesWithdrawn", withdrawal.supersedes().size());
        fields.put("withdrawnGeneration", previous.generation());
        fields.put("generation", withdrawal.generation());
        fields.put("run", withdrawal.run());
        fields.put("seconds", Math.round((System.nanoTime() - startedNanos) / 1e6) / 1000.0);
        contractDefined.ifPresent(contract -> fields.put("schemaContractDefined", contract.describeColumns()));
        putStringColumnHints(fields, stringColumnHints);
        // The contract stays when its rows are withdrawn, and reads the dataset's next file: this line is the one to say it.
        putHeaderReadsAsRow(fields, withdrawal.dataset(), contractDefined);
        log.info("source object withdrawn", fields);
    }

    /**
     * {@code rowsWithdrawn} and {@code quarantinedRowsWithdrawn}, as the withdrawal's manifest records them, on every withdrawal's
     * line, whichever run logs it ({@link #logCountedWithdrawal}), so that summing them over the lines counts each withdrawal's rows
     * once. Named apart from rowsWritten and rowsQuarantined, which the log metric filters count (monitoring.tf).
     */
    private static void putWithdrawnRows(Map<String, Object> fields, Manifest withdrawal) {
        // A withdrawal written before its manifest kept them: not known, so left out rather than logged as 0.
        if (withdrawal.withdrawnRows() != null) {
            fields.put("rowsWithdrawn", withdrawal.withdrawnRows().rowsWithdrawn());
            fields.put("quarantinedRowsWithdrawn", withdrawal.withdrawnRows().quarantinedRowsWithdrawn());
        }
    }

    /**
     * The string columns of a new contract whose values look typed, column to hint, beside schemaContractDefined; the field
     * only when there is one. Named apart from the fields the log metric filters read (monitoring.tf).
     */
    private static void putStringColumnHints(Map<String, Object> fields, List<StringColumnHint> hints) {
        if (!hints.isEmpty()) {
            Map<String, String> byColumn = new LinkedHashMap<>();
            hints.forEach(hint -> byColumn.put(hint.column(), hint.describe()));
            fields.put("stringColumnHints", byColumn);
        }
    }

    /**
     * {@code headerReadsAsRow}, beside schemaContractDefined, when the new contract's header reads as a row of data (a bcp or
     * {@code INTO OUTFILE} export, whose first row named the columns and is in no table): what the local commands print, naming
     * the contract's key to delete. A field of this line, not a WARN line of its own: the file converted, the note reads rightly
     * only beside the contract and rows it concerns, and it is a guess (a header of years reads so too); the log metric filters
     * match lines by message, and none reads this field: a guess raises no alarm.
     */
    private void putHeaderReadsAsRow(Map<String, Object> fields, String dataset, Optional<SchemaContract> contractDefined) {
        contractDefined.flatMap(contract -> HeaderAsRow.describe(contract, context.silver().describe(layout.schemaKey(dataset))))
                .ifPresent(note -> fields.put("headerReadsAsRow", note));
    }

    private void logNotWithdrawn(String location, String dataset, String outcome, String reason) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("outcome", outcome);
        fields.put("dataset", dataset);
        fields.put("source", location);
        fields.put("reason", reason);
        log.info("source object removal: nothing withdrawn", fields);
    }

    /**
     * Whether the manifest rejected the file as read with another encoding, or another delimiter than the
     * one its dataset declares now, or under a lower {@code MAX_ROW_CHARS} or {@code MAX_COLUMNS} than now, or
     * under limits it does not record (written before manifests kept them: they may have been lower).
     * Declaring them ({@code CSV_ENCODINGS}, {@code CSV_DELIMITERS}, {@code --encoding}, {@code --delimiter})
     * and raising the limits is how a person fixes such a rejection: the same object, delivered again
     * (copied onto itself) or converted again, is then read with them, not skipped. A file rejected as another
     * dataset's (most of its columns not the contract's) is always read again: the contract, edited or deleted, mends it. Likewise a file converted
     * (or found empty) with another delimiter or encoding than one its dataset declares now: declaring it is
     * how a person mends rows split in the wrong place or text decoded wrongly; and one converted under other
     * null markers than its dataset declares now ({@code CSV_NULL_VALUES}, {@code --null-values}), which mend
     * rows quarantined or text kept for a marker. Only a declaration counts there, not its removal, which says
     * nothing about the file.
     */
    private boolean readUnderOtherSettings(Manifest manifest, String dataset) {
        if (!Manifest.REJECTED.equals(manifest.status())) {
            Optional<Charset> declaredEncoding = context.csvOverrides().encodingOf(dataset);
            Optional<Character> declaredDelimiter = context.csvOverrides().delimiterOf(dataset);
            // Null markers as declarations are: declaring them is how rows quarantined for N/A are mended.
            List<String> declaredNullValues = NullMarkers.declaring(context.csvOverrides().nullValuesOf(dataset)).declared();
            return declaredEncoding.isPresent() && !declaredEncoding.get().name().equals(manifest.encoding())
                    || declaredDelimiter.isPresent() && !String.valueOf(declaredDelimiter.get()).equals(manifest.delimiter())
                    || !declaredNullValues.isEmpty() && !declaredNullValues.equals(manifest.nullValues())
                    // Keeping quoted empty strings as a declaration is: declaring it is how a file whose "" became null is mended.
                    || context.csvOverrides().keepsQuotedEmptyStrings(dataset) && manifest.quotedEmptyStrings() == null;
        }
        if (manifest.limits() == null || manifest.limits().raisedIn(context.limits())
                || ConversionRun.rejectedAsAnotherDatasetsFile(manifest.reason())) {
            return true;
        }
        String encoding = context.csvOverrides().encodingOf(dataset).orElse(StandardCharsets.UTF_8).name();
        if (!encoding.equals(Optional.ofNullable(manifest.encoding()).orElse(StandardCharsets.UTF_8.name()))) {
            return true;
        }
        Optional<Character> delimiter = context.csvOverrides().delimiterOf(dataset);
        return delimiter.isPresent() && !String.valueOf(delimiter.get()).equals(manifest.delimiter());
    }

    /**
     * Whether the manifest's file was read under older reading rules than this converter's ({@link ReadingRules}): what this
     * converter makes of the same bytes may differ, so a redelivery converts it again. A newer version (a manifest written by a
     * newer converter, read by an older one after a rollback) is not older: the file keeps the newer reading, never brought back
     * down, and two function versions deployed side by side never convert a file back and forth.
     */
    private boolean readUnderOlderRules(Manifest manifest) {
        return manifest.readingRules() < context.readingRules();
    }

    /**
     * Whether the manifest's file was converted in other columns than its dataset's schema contract has
     * now: a contract declared, replaced, edited or deleted since. Its parts hold the old types, which the
     * dataset's table no longer has once a file is converted under the new contract, and Athena fails every
     * query reading a file whose column type differs from the table's (HIVE_BAD_DATA); delivering the object
     * again is how a person brings it to the contract in force, so it is converted again, not answered
     * unchanged. A file converted with no contract (none of its first rows fit its header) and whose dataset
     * still has none is as it would be converted now. Rejected and empty files wrote no part.
     */
    private boolean convertedUnderAnotherContract(Manifest manifest, String dataset) throws IOException {
        if (!Manifest.CONVERTED.equals(manifest.status())) {
            return false;
        }
        return !manifest.columns().equals(columnsInForce(dataset));
    }

    /**
     * Fails the run, before anything of it is catalogued or published, when its dataset's schema contract
     * changed while it converted (a person declared or edited it): the run read the contract before the
     * edit, and cataloguing it would put the dataset's table, and its day's partition, back to the replaced
     * contract after a run under the edited one had set them to it, under that run's files, until another
     * file of the dataset, and of that day, came; and its commit would leave the file in the replaced contract
     * with no event left to convert it again. The retry converts the file in the contract in force. A run
     * reading the contract again just before its catalog and commit leaves a window of a few requests only.
     */
    private void requireContractInForce(SourceObject source, String dataset, Manifest manifest) throws IOException {
        if (!Manifest.CONVERTED.equals(manifest.status()) || manifest.columns().isEmpty()) {
            return;
        }
        List<Column> inForce = columnsInForce(dataset);
        if (!manifest.columns().equals(inForce)) {
            throw new IOException("The schema contract of dataset " + dataset + " changed while " + source.location() + " was converted in it ("
                    + describe(manifest.columns()) + "); it now has " + describe(inForce) + ". Nothing of this run is catalogued or committed;"
                    + " the retry converts the object in the contract in force");
        }
    }

    /** The columns of the dataset's schema contract as stored now; none when it has none. */
    private List<Column> columnsInForce(String dataset) throws IOException {
        return context.contracts().load(dataset).map(SchemaContract::columns).orElse(List.of());
    }

    /**
     * {@code id bigint required, amount double}, or {@code none}: each column's name and type, and "required" where the contract
     * declares it, so that a contract changed in that alone does not read the same as the one it replaced.
     */
    private static String describe(List<Column> columns) {
        return columns.isEmpty() ? "none" : String.join(", ", columns.stream()
                .map(column -> column.name() + " " + column.type().sqlName() + (column.required() ? " required" : "")).toList());
    }

    /** Whether two runs read the file with the same delimiter, encoding and limits. */
    private static boolean readAlike(Manifest one, Manifest other) {
        return Objects.equals(one.delimiter(), other.delimiter()) && Objects.equals(one.encoding(), other.encoding())
                && Objects.equals(one.limits(), other.limits());
    }

    /** Converts the source read as one stream, or rejects it. */
    private static Manifest readWhole(ConversionRun run, SourceObject source, Content content) throws IOException {
        try (SourceBytes in = new SourceBytes(content.open())) {
            try {
                // The parser closes what it reads; the count must outlive it to be checked.
                Manifest manifest = run.execute(CloseShieldInputStream.wrap(in));
                in.requireWhole(source);
                return manifest;
            }
            catch (RejectedInputException e) {
                // Content the parser refuses at the point where a cut download ends may be the cut itself.
                in.requireSizeIfEnded(source);
                run.discardGivenUp("the rejected file's parts and quarantine");
                return run.rejected(e.getMessage(), in.count());
            }
        }
    }

    /**
     * Registers the run's partition, and the dataset's table, before anything of the run is published: a
     * catalog that fails fails the run with nothing committed (the caller discards its uploads), and a
     * committed manifest means Athena sees the data. A run that writes no part (a rejected or empty file,
     * or every row quarantined) registers nothing: there is no data to query, and the quarantine is not a
     * table.
     */
    private void catalog(ConversionRun run, Manifest manifest, SourceObject source) throws IOException {
        if (Manifest.CONVERTED.equals(manifest.status()) && !manifest.parts().isEmpty()) {
            catalog.register(run.contract(), List.of(LocalDate.parse(manifest.ingestDate())), source.location());
        }
    }

    private ConversionResult logOutcome(ConversionResult result, long startedNanos) {
        return logOutcome(result, OptionalLong.of(startedNanos), Map.of());
    }

    private ConversionResult logOutcome(ConversionResult result, long startedNanos, Map<String, String> notes) {
        return logOutcome(result, OptionalLong.of(startedNanos), notes);
    }

    /**
     * Logs the line of another run's commit, as that run would have: its manifest write went unanswered and landed after
     * the run gave up, so the run logged nothing, and this run claimed the line ({@link SilverCommit#sweep}). Without
     * it, the retry answered unchanged and the commit's rows, quarantined rows or rejection were counted by no run. The line
     * leaves out {@code seconds} and {@code rowsPerSecond}: this run's time is a claim's few milliseconds, not the committing
     * run's, which no manifest or marker records (a whole file's rows over it gave a rate no run ran at); no log metric
     * filter reads either.
     */
    private ConversionResult logCounted(Manifest uncounted, String manifestKey) {
        String countedFor = "run " + uncounted.run() + ", whose manifest write went unanswered and landed after it gave up";
        if (Manifest.WITHDRAWN.equals(uncounted.status())) {
            logCountedWithdrawal(uncounted, countedFor);
            return new ConversionResult(uncounted, manifestKey, false, Optional.empty(), List.of(), Optional.empty(), 0);
        }
        return logOutcome(new ConversionResult(uncounted, manifestKey, false, Optional.empty(), List.of(), Optional.empty(), 0), OptionalLong.empty(),
                Map.of("countedFor", countedFor));
    }

    /**
     * The line of another run's withdrawal ({@link #logCounted}), as {@link #logWithdrawn} logs it, with what the withdrawn
     * manifest records: the rows of the manifest it replaced ({@code rowsWithdrawn}, {@code quarantinedRowsWithdrawn}), but not
     * how long its run took ({@code seconds} left out), nor {@code schemaContractDefined}, its hints and {@code headerReadsAsRow}:
     * no manifest records whether the withdrawn conversion defined its dataset's contract, and the contract's {@code createdFrom}
     * would name an earlier version of the same key too (docs/silver-converter.md, "Logs").
     */
    private void logCountedWithdrawal(Manifest withdrawal, String countedFor) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("outcome", WithdrawalResult.WITHDRAWN);
        fields.put("dataset", withdrawal.dataset());
        fields.put("source", "s3://" + withdrawal.source().bucket() + "/" + withdrawal.source().key());
        fields.put("etag", withdrawal.source().etag());
        putWithdrawnRows(fields, withdrawal);
        fields.put("filesWithdrawn", withdrawal.supersedes().size());
        // A withdrawal's generation is always one more than the manifest it withdrew (withdrawal(previous, base.nextGeneration())).
        fields.put("withdrawnGeneration", withdrawal.generation() - 1);
        fields.put("generation", withdrawal.generation());
        fields.put("run", withdrawal.run());
        fields.put("countedFor", countedFor);
        log.info("source object withdrawn", fields);
    }

    /**
     * @param startedNanos when this run started, for {@code seconds} and {@code rowsPerSecond}; empty for the line of another
     *        run's commit ({@link #logCounted}), whose time is not known
     * @param notes fields a person needs to read this line rightly, logged last; no log metric filter reads them
     */
    private ConversionResult logOutcome(ConversionResult result, OptionalLong startedNanos, Map<String, String> notes) {
        Manifest manifest = result.manifest();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("outcome", result.outcome());
        fields.put("dataset", manifest.dataset());
        fields.put("source", manifest.source().bucket().equals("local") ? manifest.source().key() : "s3://" + manifest.source().bucket() + "/" + manifest.source().key());
        fields.put("etag", manifest.source().etag());
        fields.put("rowsRead", manifest.rowsRead());
        fields.put("rowsWritten", manifest.rowsWritten());
        fields.put("rowsQuarantined", manifest.rowsQuarantined());
        if (manifest.quarantine() != null) {
            // Where the refused rows are, with their lines and reasons: what the person told of them opens first.
            fields.put("quarantine", context.silver().describe(manifest.quarantine().key()));
        }
        // Numbers, on every line: a CloudWatch metric filter compares numbers but cannot count droppedColumns' or
        // missingColumns' entries, and a file whose columns differ from its contract fails nothing either way, its
        // added columns not written, its missing ones written as null (monitoring.tf, files_not_matching_contract).
        fields.put("columnsNotWritten", manifest.droppedColumns().size());
        fields.put("columnsMissing", manifest.missingColumns().size());
        fields.put("parts", manifest.parts().size());
        fields.put("bytesRead", manifest.bytesRead());
        fields.put("generation", manifest.generation());
        fields.put("run", manifest.run());
        fields.put("bytesWritten", manifest.parts().stream().mapToLong(PartInfo::bytes).sum());
        if (startedNanos.isPresent()) {
            double seconds = (System.nanoTime() - startedNanos.getAsLong()) / 1e9;
            fields.put("seconds", Math.round(seconds * 1000) / 1000.0);
            fields.put("rowsPerSecond", result.unchanged() || seconds <= 0 ? 0 : Math.round(manifest.rowsRead() / seconds));
        }
        if (manifest.reason() != null) {
            fields.put("reason", manifest.reason());
        }
        if (!manifest.droppedColumns().isEmpty()) {
            fields.put("droppedColumns", manifest.droppedColumns());
        }
        if (!manifest.missingColumns().isEmpty()) {
            fields.put("missingColumns", manifest.missingColumns());
        }
        result.contractDefined().ifPresent(contract -> fields.put("schemaContractDefined", contract.describeColumns()));
        putStringColumnHints(fields, result.stringColumnHints());
        putHeaderReadsAsRow(fields, manifest.dataset(), result.contractDefined());
        fields.putAll(notes);
        if (Manifest.REJECTED.equals(manifest.status())) {
            log.warn("source object rejected", fields);
        }
        else {
            log.info("source object processed", fields);
        }
        return result;
    }
}
