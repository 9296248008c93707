package dev.medallion.silver.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import dev.medallion.common.aws.EventKeys;
import dev.medallion.common.config.Environment;
import dev.medallion.common.config.SilverSettings;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.InvocationTimeLimit;
import dev.medallion.common.storage.ObjectDeletedException;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.ObjectReplacedException;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.text.UnreadNames;
import dev.medallion.silver.ConversionPriming;
import dev.medallion.silver.ConversionResult;
import dev.medallion.silver.Deadline;
import dev.medallion.silver.SilverConverter;
import dev.medallion.silver.SourceObject;
import dev.medallion.silver.WithdrawalResult;
import dev.medallion.silver.catalog.GlueSilverCatalog;
import dev.medallion.silver.catalog.SilverCatalog;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The Lambda entry point for {@code s3:ObjectCreated:*} and {@code s3:ObjectRemoved:*} events on the bronze
 * bucket: adapts each record of the event to {@link SilverConverter}, a conversion, or for a removal a
 * withdrawal of the object's rows ({@link SilverConverter#withdraw}; with withdrawals on, also for a creation whose key is
 * gone, {@link SilverConverter#withdrawForMissingKey}), and does nothing else. Every record is processed; when any failed
 * (S3 unavailable or throttled, a CSV outside any dataset folder, a storage problem a person must fix),
 * the invocation fails after the others are done so Lambda retries it, and records already converted are
 * then recognised and skipped; what keeps failing reaches the function's failure queue, whose alarm fires.
 * Data problems in a file never fail it: they are quarantined or the file is rejected, in its manifest.
 * <p>
 * The invocation's remaining time is watched ({@link Deadline}): a conversion that would outlive it stops at
 * a chunk boundary, keeping a tenth of the timeout (between {@value #MIN_RESERVE_SECONDS} and
 * {@value #MAX_RESERVE_SECONDS} s) to discard its output, and fails so Lambda retries it. Each S3 or Glue
 * request but a download may take half of the time left less a second ({@link InvocationTimeLimit}): a request
 * that hangs in the commit is given up while the run can still mark what it leaves behind.
 * <p>
 * When {@code SILVER_DATABASE} names a Glue database, the converter keeps each dataset's table and
 * partitions there itself ({@link GlueSilverCatalog}), before each commit; no crawl is started. Without
 * it (LocalStack's free edition, {@code enable_glue_catalog = false}) no Glue client is even built.
 * <p>
 * With SnapStart ({@code silver_converter_snapstart}), Lambda initialises the function once when a version
 * is published and restores every execution environment from a snapshot of it. The handler registers a
 * CRaC runtime hook that primes the converter ({@link ConversionPriming}) just before that snapshot, so
 * restored environments start with its classes loaded and its hot paths compiled. Nothing needs redoing
 * after a restore: neither the constructor nor the priming makes a request (the S3 and Glue clients
 * connect on first use, so the JDK's keep-alive cache behind the URL connection client is empty in the
 * snapshot), credentials come from the default chain, which reads the container credentials Lambda
 * provides to SnapStart functions, and run nonces are drawn per run
 * ({@link dev.medallion.common.layout.RunNonces}). Without SnapStart, and on a JVM without CRaC, the hook
 * is never called.
 */
public final class SilverConverterHandler implements RequestHandler<S3Event, List<String>> {
    /**
     * The key suffixes the converter accepts, in lower case; {@link #CONVERTED_SUFFIXES} says in which cases: common's one
     * list, whose advice for a key not converted knows them.
     */
    public static final List<String> ACCEPTED_SUFFIXES = UnreadNames.READ_SUFFIXES;
    /**
     * The suffixes of the keys the converter converts, matched case-sensitively: each accepted one in lower and in
     * upper case, and {@code .CSV.gz}, which {@code gzip} makes of a {@code .CSV} file. Its role may read only these
     * (iam.tf, from the same list: IAM's resource patterns are case-sensitive). S3 delivers every bronze key
     * (functions.tf): another key, a mixed-case one ({@code sales.Csv}) too, is not read but said, at WARN
     * ({@value #NOT_CONVERTED_MESSAGE}), with what to do ({@link NotConvertedKeys}), and an alarm counts those lines.
     */
    public static final List<String> CONVERTED_SUFFIXES = List.of(".csv", ".csv.gz", ".dat", ".CSV", ".CSV.GZ", ".CSV.gz", ".DAT");
    /** The line of a file put in bronze that is not converted for its name: terraform/monitoring.tf counts it. */
    public static final String NOT_CONVERTED_MESSAGE = "source object not converted: its name does not end in a suffix the converter reads";

    /** The outcome of a record whose object was replaced or deleted between the handler's HEAD and its read: the event of that change converts or withdraws it. */
    static final String SUPERSEDED = "superseded";
    static final String SUPERSEDED_MESSAGE = "source object replaced or deleted before it was read; the event of that change converts or withdraws it";
    /** The event name of a removal, as S3 sends it in a record (without the configuration's {@code s3:}). */
    static final String REMOVAL_EVENT_PREFIX = "ObjectRemoved:";
    static final int MIN_RESERVE_SECONDS = 5;
    static final int MAX_RESERVE_SECONDS = 30;
    /** Conversions of one object in one invocation, when it keeps changing under them; then Lambda retries. */
    static final int MAX_CONVERSIONS = 3;

    private final S3Client s3;
    /** Limits each S3 and Glue request by the invocation's time left: the stores and the catalog outlive invocations. */
    private final InvocationTimeLimit invocationTime = InvocationTimeLimit.halfOfTimeLeft();
    private final SilverConverter converter;
    /** Whether removals are delivered and deleted files withdrawn ({@code WITHDRAW_DELETED_FILES}). */
    private final boolean withdrawsDeletedFiles;
    private final JsonLog log;
    /** Held here: CRaC keeps registered resources only weakly. */
    private final Resource primingHook;

    /** Called by the Lambda runtime: configuration comes from the environment. */
    public SilverConverterHandler() {
        this(Environment.system(), S3Clients.create(Optional.empty()), JsonLog.standardOutput());
    }

    public SilverConverterHandler(Environment environment, S3Client s3, JsonLog log) {
        this(environment, s3, SilverConverterHandler::defaultGlueClient, log);
    }

    /** @param glue builds the Glue client; called only when {@code SILVER_DATABASE} is set */
    public SilverConverterHandler(Environment environment, S3Client s3, Supplier<GlueClient> glue, JsonLog log) {
        this(environment, s3, glue, log, Core.getGlobalContext());
    }

    /** @param checkpoints where the priming hook is registered: CRaC's global context, which Lambda calls before a snapshot */
    public SilverConverterHandler(Environment environment, S3Client s3, Supplier<GlueClient> glue, JsonLog log, org.crac.Context<Resource> checkpoints) {
        requireNonNull(checkpoints, "checkpoints is null");
        this.s3 = requireNonNull(s3, "s3 is null");
        this.log = requireNonNull(log, "log is null");
        requireNonNull(glue, "glue is null");
        SilverSettings settings = SilverSettings.fromEnvironment(requireNonNull(environment, "environment is null"));
        this.withdrawsDeletedFiles = settings.withdrawsDeletedFiles();
        SilverLayout layout = new SilverLayout(settings.silverPrefix());
        SilverCatalog catalog = settings.silverDatabase()
                .<SilverCatalog>map(database -> new GlueSilverCatalog(glue.get(), database, settings.silverBucket(), layout, invocationTime, log))
                .orElse(SilverCatalog.none());
        this.converter = new SilverConverter(
                new S3ObjectStore(s3, settings.silverBucket(), invocationTime),
                layout,
                settings.limits(),
                settings.rangeReading(),
                settings.csvOverrides(),
                catalog,
                log,
                Clock.systemUTC());
        this.primingHook = new PrimingHook(new ConversionPriming(settings.limits(), ConversionPriming.DEFAULT_FILES), log);
        checkpoints.register(primingHook);
        logJvm(log, settings);
    }

    /**
     * What the JVM actually got, once per execution environment: Lambda's bootstrap puts options of its own
     * on the JVM's command line (C1 only, the serial collector), and only this line shows whether the
     * function's {@code JAVA_TOOL_OPTIONS} prevailed; and the byte ranges a large file is read as. A
     * warning when they did not and C2 never runs ({@link JitLevel}).
     */
    private static void logJvm(JsonLog log, SilverSettings settings) {
        Map<String, Object> fields = new LinkedHashMap<>();
        Optional<JitLevel> jit = JitLevel.ofRunningJvm();
        fields.put("tieredStopAtLevel", jit.map(level -> String.valueOf(level.stopAtLevel())).orElse("unknown"));
        fields.put("tieredStopAtLevelOrigin", jit.map(JitLevel::origin).orElse("unknown"));
        fields.put("garbageCollectors", ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());
        fields.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        fields.put("processors", Runtime.getRuntime().availableProcessors());
        fields.put("rangeReaders", settings.rangeReading().readers());
        Optional<String> warning = jit.flatMap(JitLevel::warning);
        if (warning.isPresent()) {
            fields.put("problem", warning.get());
            log.warn("jvm", fields);
        }
        else {
            log.info("jvm", fields);
        }
    }

    /** Returns one line per record, such as {@code converted s3://bronze/sales/x.csv}. */
    @Override
    public List<String> handleRequest(S3Event event, Context context) {
        Deadline deadline = deadline(context);
        if (context != null) {
            invocationTime.begin(() -> Duration.ofMillis(context.getRemainingTimeInMillis()));
        }
        try {
            return handleRecords(event, deadline);
        }
        finally {
            invocationTime.end();
        }
    }

    private List<String> handleRecords(S3Event event, Deadline deadline) {
        List<String> outcomes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Exception firstCause = null;
        if (event == null || event.getRecords() == null || event.getRecords().isEmpty()) {
            // Never from S3: a person's invocation (--payload null or {}), which would otherwise succeed converting nothing.
            throw new IllegalArgumentException("The event holds no S3 records: the converter takes S3 ObjectCreated notifications ({\"Records\":[...]})."
                    + " To convert a dataset's files again, run the stack's silver_reconvert_command output for it (each file keeps its ingest_date);"
                    + " to convert an object the converter failed on, replay its failure record (the silver_replay_command output).");
        }
        List<S3EventNotificationRecord> records = event.getRecords();
        for (int i = 0; i < records.size(); i++) {
            // Named by its position until its key is read: a record that cannot be read fails alone, not the records after it.
            String source = "record " + (i + 1) + " of the event";
            Optional<String> dataset = Optional.empty();
            try {
                S3EventNotificationRecord record = records.get(i);
                String bucket = record.getS3().getBucket().getName();
                // Keys arrive URL-encoded: a space as '+', non-ASCII as %XX; one that does not decode fails its record.
                String key = EventKeys.decode(record.getS3().getObject().getKey());
                source = "s3://" + bucket + "/" + key;
                // Only for the failure's line: a key under no dataset folder names none (process fails it, saying where it belongs).
                dataset = key.indexOf('/') > 0 ? Optional.of(SilverLayout.datasetOf(key)) : Optional.empty();
                outcomes.add((isRemoval(record.getEventName()) ? withdraw(bucket, key, deadline) : process(bucket, key, deadline)) + " " + source);
            }
            catch (IOException | RuntimeException e) {
                log.error("source object failed; the invocation will fail so Lambda retries it", failureFields(dataset, source, e, RETRIED_THEN_QUEUED
                        + " A failure of S3 or Glue that passes needs nothing: the retry converts the file. Otherwise fix what error says, then"
                        + REPLAY));
                failures.add(source + ": " + e);
                if (firstCause == null) {
                    firstCause = e;
                }
            }
            catch (Error e) {
                // The heap exhausted, a class missing from the jar: Lambda's own line names no object, and the
                // JVM is not to be trusted with the records after it. By now the run's memory is garbage.
                log.error("source object failed with an error of the JVM; the invocation fails so Lambda retries it, and the records after it"
                        + " are not converted", failureFields(dataset, source, e, RETRIED_THEN_QUEUED + " For the heap exhausted (OutOfMemoryError),"
                        + " raise silver_converter_memory_mb or split the file; for a class missing, deploy the converter's jar again; then"
                        + REPLAY));
                throw e;
            }
        }
        if (firstCause != null) {
            throw new SilverConversionException("Could not convert " + failures.size() + " of " + records.size()
                    + " object(s): " + String.join("; ", failures), firstCause);
        }
        return outcomes;
    }

    /** How Lambda goes on with a failed invocation (docs/infrastructure.md), as a failed record's line tells a person. */
    private static final String RETRIED_THEN_QUEUED = "Lambda retries the event async_max_retry_attempts times, then sends it with its error to"
            + " the …-silver-converter-failures queue, whose alarm fires (its records are kept 14 days).";
    private static final String REPLAY = " replay that queue with the stack's silver_replay_command output.";

    /**
     * The line of a record that failed: its {@code dataset} (when its key names one), {@code source} (the object, or the
     * record's place in the event when its key could not be read), the {@code error}, which says why, and {@code whatToDo}.
     */
    private static Map<String, Object> failureFields(Optional<String> dataset, String source, Throwable error, String whatToDo) {
        Map<String, Object> fields = new LinkedHashMap<>();
        dataset.ifPresent(name -> fields.put("dataset", name));
        fields.put("source", source);
        fields.put("error", String.valueOf(error));
        fields.put("whatToDo", whatToDo);
        return fields;
    }

    /** The runtime's client: URL connection HTTP client, region and credentials from the environment. */
    private static GlueClient defaultGlueClient() {
        return GlueClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** Lambda's own clock when there is a context (a test may call without one: no limit then). */
    static Deadline deadline(Context context) {
        if (context == null) {
            return Deadline.none();
        }
        long reserve = Math.max(MIN_RESERVE_SECONDS * 1000L, Math.min(MAX_RESERVE_SECONDS * 1000L, context.getRemainingTimeInMillis() / 10));
        return Deadline.of(context::getRemainingTimeInMillis, Duration.ofMillis(reserve));
    }

    /**
     * Whether the record tells of an object removed: {@code ObjectRemoved:Delete} (a version deleted, or an
     * object of an unversioned bucket) or {@code ObjectRemoved:DeleteMarkerCreated} (a plain DELETE in a
     * versioned bucket). Lifecycle expirations come as {@code LifecycleExpiration:*}, which the bronze
     * notification does not subscribe to, and would not be removals here: expiring bronze objects to save
     * cost must not take their rows out of silver. Any other record, and one without a name (a person's
     * invocation), is converted as before.
     */
    static boolean isRemoval(String eventName) {
        return eventName != null && eventName.startsWith(REMOVAL_EVENT_PREFIX);
    }

    /**
     * The removal of a bronze object: its rows are withdrawn from silver when the key has no object any more.
     * Once withdrawn, the key is looked at again: the file uploaded again after the withdrawal found it gone,
     * with the bytes it had, has the withdrawn version's ETag, and its own event, handled before this
     * withdrawal committed, was answered {@code unchanged} against the manifest this withdrawal then replaced.
     * Converted here, it is in silver again; any later upload's event finds the withdrawn manifest and converts.
     * That look is taken whenever the key's manifest is left withdrawn, not only by the run that withdrew: a run
     * that fails after its commit (its sweep, or this look's HEAD or conversion, a 5xx or the deadline) is retried
     * by Lambda, and the retry, which finds the manifest already withdrawn and answers {@code unchanged}, is then
     * the only run left to convert that file. A key found with an object that its manifest does not record is converted too
     * ({@link #convertIfAnOlderVersionIsCurrent}): its current version was deleted, and no event converts the one made current.
     */
    private String withdraw(String bucket, String key, Deadline deadline) throws IOException {
        if (!NotConvertedKeys.isConverted(key) || SilverLayout.isJobOrHiddenKey(key) || key.indexOf('/') <= 0) {
            // Never converted (skipped, or refused as outside any dataset folder): nothing of it in silver. Deleting
            // a misplaced file is the remedy, which must not fail again.
            // Outcome and reason, as the converter's own line of a removal that withdraws nothing.
            Map<String, Object> fields = sourceFields(bucket, key);
            fields.put("outcome", "skipped");
            fields.put("reason", "a key the converter does not convert: nothing of it is in silver");
            log.info("source object removal: nothing withdrawn", fields);
            return "skipped";
        }
        ObjectStore bronze = new S3ObjectStore(s3, bucket, invocationTime);
        // A HEAD: a key whose current version is a delete marker, or that has no version left, is a 404.
        BronzeHead head = new BronzeHead(bronze, key);
        WithdrawalResult result = converter.withdraw(bucket, key, SilverLayout.datasetOf(key), head);
        if (WithdrawalResult.PRESENT.equals(result.outcome())) {
            return convertIfAnOlderVersionIsCurrent(bucket, key, result, head, deadline);
        }
        if (!result.leftWithdrawn(bucket, key) || bronze.stat(key).isEmpty()) {
            return result.outcome();
        }
        log.info("source object uploaded again while its rows were withdrawn; converting it", sourceFields(bucket, key));
        return process(bucket, key, deadline);
    }

    /**
     * A removal that found the key with an object: when that object is not the version the key's manifest records, the
     * removal deleted the current version by its id, which makes the previous version current again, the way the S3 User
     * Guide gives to restore one ("Restoring previous versions": "When you delete the current object version, you, in effect,
     * turn the previous version into the current version"). S3 sends no ObjectCreated event for the version made current, so
     * answered {@code present}, silver would keep the deleted version's rows for good, and never hold the one bronze now
     * serves. So it is converted here. An upload whose own event is under way also differs from the manifest; converting it
     * here as well costs a conversion, and the commit protocol keeps its rows once ({@code unchanged} for the run that loses).
     * A key whose manifest records what it holds (an old version was deleted) costs nothing more: the HEAD is the one the
     * withdrawal sent.
     */
    private String convertIfAnOlderVersionIsCurrent(String bucket, String key, WithdrawalResult result, BronzeHead head, Deadline deadline)
            throws IOException {
        Optional<ObjectInfo> current = head.latest();
        if (current.isEmpty()) {
            return result.outcome();
        }
        ObjectInfo object = current.get();
        SourceObject held = new SourceObject(bucket, key, object.etag(), object.size(), object.lastModified());
        if (result.manifest().filter(manifest -> manifest.describes(held)).isPresent()) {
            return result.outcome();
        }
        Map<String, Object> fields = sourceFields(bucket, key);
        fields.put("currentEtag", object.etag());
        fields.put("manifestEtag", result.manifest().map(manifest -> manifest.source().etag()).orElse("none"));
        log.info("source object removal: the key holds a version its manifest does not record (its current version was deleted,"
                + " making the previous one current, or it was uploaded again); converting it", fields);
        return process(bucket, key, deadline);
    }

    private String process(String bucket, String key, Deadline deadline) throws IOException {
        if (!NotConvertedKeys.isConverted(key)) {
            if (key.endsWith("/")) {
                // A folder made in the S3 console is an empty object whose key ends in '/': nothing a person must hear of.
                log.info("source object skipped: a folder marker, not a file", sourceFields(bucket, key));
                return "skipped";
            }
            // A job's or a hidden file (_SUCCESS, .crc) is said by the line below, which no alarm counts.
            if (!SilverLayout.isJobOrHiddenKey(key)) {
                Map<String, Object> fields = sourceFields(bucket, key);
                fields.put("whatToDo", NotConvertedKeys.whatToDo(key));
                fields.put("convertedSuffixes", CONVERTED_SUFFIXES);
                log.warn(NOT_CONVERTED_MESSAGE, fields);
                return "skipped";
            }
        }
        if (SilverLayout.isJobOrHiddenKey(key)) {
            log.warn("source object skipped: a folder or file name in its key starts with _ or ., as Hadoop and Spark name what is not"
                    + " a job's output (_temporary, _SUCCESS) and tools name hidden files", sourceFields(bucket, key));
            return "skipped";
        }
        // A CSV outside any dataset folder (at the bucket's root) fails the invocation, which is retried and
        // then reaches the failure queue, whose alarm fires: a skip would be seen by nobody, and the file
        // never converted. The message says where to put it.
        String dataset = SilverLayout.datasetOf(key);
        ObjectStore bronze = new S3ObjectStore(s3, bucket, invocationTime);
        Optional<ObjectInfo> info = bronze.stat(key);
        if (info.isEmpty()) {
            if (!withdrawsDeletedFiles) {
                // Deleted since the event was sent: nothing to convert, and a deleted file's rows stay.
                log.warn(SilverConverter.MISSING_MESSAGE, missingFields(dataset, bucket, key, "the key has no object in bronze (deleted since the"
                        + " event was sent): nothing to convert; with " + SilverSettings.WITHDRAW_DELETED_FILES + " false a deleted file's rows stay in silver"));
                return SilverConverter.MISSING;
            }
            // Deleted since the event was sent. This may be Lambda's retry of a conversion that committed after the file's
            // removal was handled and then failed (its sweep, the deadline): what it committed must be withdrawn here, or by
            // nobody; a manifest read, one GET, for a key never converted.
            WithdrawalResult withdrawal = converter.withdrawForMissingKey(bucket, key, dataset, () -> bronze.stat(key).isPresent());
            String outcome = WithdrawalResult.WITHDRAWN.equals(withdrawal.outcome()) ? WithdrawalResult.WITHDRAWN : SilverConverter.MISSING;
            boolean uploadedAgain = WithdrawalResult.PRESENT.equals(withdrawal.outcome());
            // Looks again as a removal does when the manifest is left withdrawn (the same bytes uploaded meanwhile had their event
            // answered unchanged against the manifest withdrawn), and when the key had an object again by the withdrawal's look.
            if (!uploadedAgain && !withdrawal.leftWithdrawn(bucket, key)) {
                return outcome;
            }
            info = bronze.stat(key);
            if (info.isEmpty()) {
                if (uploadedAgain) {
                    log.warn(SilverConverter.MISSING_MESSAGE, missingFields(dataset, bucket, key, "the key had an object again when its manifest"
                            + " was read, and has none now: that object's own events convert or withdraw it"));
                }
                return outcome;
            }
            Map<String, Object> fields = sourceFields(bucket, key);
            fields.put("currentEtag", info.get().etag());
            log.info("source object uploaded again while its event found the key gone; converting it", fields);
        }
        for (int conversion = 1; ; conversion++) {
            ObjectInfo object = info.get();
            SourceObject source = new SourceObject(bucket, key, object.etag(), object.size(), object.lastModified());
            Optional<String> version = Optional.of(object.etag());
            SilverConverter.Content content = SilverConverter.Content.of(() -> bronze.open(key, version),
                    (from, to) -> bronze.openRange(key, version, from, to));
            // The object may have been overwritten while this run converted it with the content of the version
            // whose manifest this run has just replaced (A, B, then A again: the same bytes, the same ETag). That
            // version's event was then answered "unchanged" against the old manifest, and silver would hold this
            // version for good. So the run looks once more, and converts what is there now. Any other overwrite's
            // event converts its version itself, after this commit or racing it. With withdrawals on, the converter
            // takes that look itself, after its commit, and withdraws what it committed of a file deleted meanwhile
            // (SilverConverter#convert with a Presence); the HEAD it sends is the one read here.
            BronzeHead head = new BronzeHead(bronze, key);
            ConversionResult result;
            try {
                result = withdrawsDeletedFiles ? converter.convert(source, dataset, content, deadline, head)
                        : converter.convert(source, dataset, content, deadline);
            }
            catch (IOException e) {
                if (!replacedBeforeItWasRead(e)) {
                    throw e;
                }
                // Uploaded again or deleted after the HEAD: the GET's If-Match on the HEAD's ETag was refused (412), or the key
                // had no object (404 NoSuchKey, which S3 answers a GET with If-Match on a deleted key, a delete marker included),
                // before this run's commit, its files discarded. Only a GET that named the HEAD's ETag says so: a key never there
                // has no HEAD, and ends above as missing. Every change of the key's object sends an event of its own (an
                // upload its ObjectCreated, a deletion its ObjectRemoved), which converts or withdraws what the key holds
                // then, as any overwrite during a conversion is left to its event. Failing here would raise the errors alarm
                // and tell a person to fix and replay what needs nothing: the retry would find that event's commit.
                Map<String, Object> fields = sourceFields(bucket, key);
                fields.put("outcome", SUPERSEDED);
                fields.put("etag", object.etag());
                fields.put("reason", String.valueOf(e.getMessage()));
                log.info(SUPERSEDED_MESSAGE, fields);
                return SUPERSEDED;
            }
            if (result.unchanged()) {
                return result.outcome();
            }
            if (WithdrawalResult.WITHDRAWN.equals(result.outcome())) {
                // Withdrawn because the file was deleted while it was converted. Like a removal's withdrawal, it looks again: the
                // same bytes uploaded after its look found the key gone had their event answered "unchanged" against the manifest
                // it then replaced, and are converted here, or by nobody.
                info = bronze.stat(key);
                if (info.isEmpty()) {
                    return result.outcome();
                }
                Map<String, Object> fields = sourceFields(bucket, key);
                fields.put("currentEtag", info.get().etag());
                log.info("source object uploaded again while the rows its conversion committed were withdrawn; converting it", fields);
            }
            else {
                info = head.latest();
                if (info.isEmpty() || info.get().etag().equals(object.etag()) || !result.replacedEtag().equals(Optional.of(info.get().etag()))) {
                    return result.outcome();
                }
                Map<String, Object> fields = sourceFields(bucket, key);
                fields.put("convertedEtag", object.etag());
                fields.put("currentEtag", info.get().etag());
                log.info("source object changed back while it was converted; converting its current version", fields);
            }
            if (conversion == MAX_CONVERSIONS) {
                throw new IOException("s3://" + bucket + "/" + key + " changed during each of " + MAX_CONVERSIONS + " conversions (its ETag is now "
                        + info.get().etag() + "); the invocation fails so that Lambda retries it, once the object stops changing");
            }
        }
    }

    /**
     * Whether a conversion failed because its object was no longer the version its HEAD saw when it read it: replaced
     * ({@link ObjectReplacedException}) or deleted ({@link ObjectDeletedException}). The source is read only before the
     * commit, so nothing of the run is visible.
     */
    private static boolean replacedBeforeItWasRead(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ObjectReplacedException || cause instanceof ObjectDeletedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first fields of the handler's own line of a source object (a key skipped, a removal that withdraws nothing, a file
     * converted again): its {@code dataset}, the key's first folder, as the converter's lines name it, so a filter on dataset
     * finds these lines too (a key at the bucket's root names none), and its {@code source}. A map the caller adds to.
     */
    private static Map<String, Object> sourceFields(String bucket, String key) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (key.indexOf('/') > 0) {
            fields.put("dataset", SilverLayout.datasetOf(key));
        }
        fields.put("source", "s3://" + bucket + "/" + key);
        return fields;
    }

    /** The fields of the line of an ObjectCreated event whose key has no object, as the converter's own such line has them. */
    private static Map<String, Object> missingFields(String dataset, String bucket, String key, String reason) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("outcome", SilverConverter.MISSING);
        fields.put("dataset", dataset);
        fields.put("source", "s3://" + bucket + "/" + key);
        fields.put("reason", reason);
        return fields;
    }

    /**
     * The HEAD of a bronze key, remembering what it saw: the converter's look after its commit ({@link SilverConverter.Presence})
     * and the handler's check for a version changed back are then one request, as the request plan counts them
     * ({@code S3RequestPlanIT}, docs/cost-model.md).
     */
    private static final class BronzeHead implements SilverConverter.Presence {
        private final ObjectStore bronze;
        private final String key;
        /** Empty until the first HEAD: then what it saw. */
        private Optional<ObjectInfo> seen = Optional.empty();
        private boolean asked;

        BronzeHead(ObjectStore bronze, String key) {
            this.bronze = requireNonNull(bronze, "bronze is null");
            this.key = requireNonNull(key, "key is null");
        }

        @Override
        public boolean exists() throws IOException {
            seen = bronze.stat(key);
            asked = true;
            return seen.isPresent();
        }

        /** What the last HEAD saw; a HEAD now when none was sent (withdrawals off, so the converter asked nothing). */
        Optional<ObjectInfo> latest() throws IOException {
            if (!asked) {
                exists();
            }
            return seen;
        }
    }

    /** Primes the converter before a snapshot; a restore needs nothing (see the class comment). */
    private static final class PrimingHook implements Resource {
        private final ConversionPriming priming;
        private final JsonLog log;

        PrimingHook(ConversionPriming priming, JsonLog log) {
            this.priming = requireNonNull(priming, "priming is null");
            this.log = requireNonNull(log, "log is null");
        }

        /** A failure fails the snapshot, and so the version's publication: better than a version that starts cold unseen. */
        @Override
        public void beforeCheckpoint(org.crac.Context<? extends Resource> context) throws IOException {
            ConversionPriming.Result result = priming.prime();
            log.info("converter primed before the SnapStart snapshot", Map.of(
                    "files", result.files(),
                    "rows", result.rowsWritten(),
                    "parts", result.parts(),
                    "seconds", Math.round(result.seconds() * 1000) / 1000.0));
        }

        @Override
        public void afterRestore(org.crac.Context<? extends Resource> context) {
        }
    }
}
