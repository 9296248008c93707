package dev.medallion.gold.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.medallion.common.config.Environment;
import dev.medallion.common.config.GoldSettings;
import dev.medallion.common.layout.PerDrawRandom;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.InvocationTimeLimit;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.gold.athena.Deadline;
import dev.medallion.gold.athena.Sleeper;
import dev.medallion.gold.build.BuildLease;
import dev.medallion.gold.build.GoldBuilder;
import dev.medallion.gold.build.ModelOutcome;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.model.GoldModels;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The Lambda entry point of the gold layer: reads the request ({@link GoldRequest}), takes the build lease
 * ({@link BuildLease}), builds the models it names with {@link GoldBuilder}, one after the other, least
 * recently built first, releases the lease, and does nothing else. Every model is attempted; when any failed, the invocation fails after
 * the others, with each failure's query id and Athena's reason, so the failure shows in the function's
 * error metrics, an SQS batch is delivered again (and reaches the dead-letter queue after the queue's
 * maxReceiveCount), and an asynchronous invocation goes to the on-failure queue after Lambda's retries.
 * Those retries keep the request id, which each build records: a retry does not force again a model its
 * first attempt built, which would delete the build kept for rollback.
 * <p>
 * Builds never overlap, without any reserved concurrency: an invocation that finds the lease held builds
 * nothing. For an SQS batch it answers as batch item failures (Lambda's partial batch response,
 * {@code {"batchItemFailures": [{"itemIdentifier": <messageId>}]}}) every message of the batch, so they come
 * back after the queue's visibility timeout and build then (a build finding nothing changed is done with
 * them at once): a message is acknowledged only by a build that succeeded, never because the running build
 * read its commit, since that build may still fail, and the message may be a second delivery of its own. A direct
 * invocation fails with {@link GoldBuildBusyException}, which Lambda retries for asynchronous invocations;
 * a scheduled one succeeds, building nothing, as its next run comes anyway.
 * <p>
 * Each S3, Glue and Athena request, the lease's included, may take what the invocation has left beyond the
 * builder's safety margin ({@link InvocationTimeLimit}): a request that hangs fails its model, naming the request
 * and the limit, while there is still time to remove the build and release the lease, where Lambda would
 * kill the invocation at its timeout in mid-request, saying nothing, with the lease held until it expires.
 * <p>
 * With SnapStart ({@code gold_ctas_snapstart}), Lambda runs the constructor once when a version is
 * published and restores every execution environment from a snapshot taken after it. Nothing needs redoing
 * after a restore, so no CRaC hook is registered: the constructor makes no request (the S3, Glue and
 * Athena clients connect on first use, so no connection is open in the snapshot), credentials come from
 * the default chain, which reads the container credentials Lambda provides to SnapStart functions, and
 * nothing unique is drawn in it: build ids draw their random part per build ({@link PerDrawRandom}), the
 * lease's holder is the invocation's request id and its attempt token is drawn per acquisition. No priming hook either: what the first invocation still
 * loads comes with the SDK's first requests, which a hook could make only by calling AWS, or a stand-in
 * answering for it, before the snapshot (BENCHMARKS.md, "Cold starts under the Lambda runtime emulator").
 *
 * @see GoldSettings for the environment it reads
 */
public final class GoldCtasHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    static final String BATCH_ITEM_FAILURES = "batchItemFailures";
    static final String ITEM_IDENTIFIER = "itemIdentifier";
    /** Unreadable messages named, with their reasons, in the batch's log lines. */
    private static final int MAX_UNREADABLE_LOGGED = 20;

    private final GoldModels models;
    /** Limits each S3, Glue and Athena request by the invocation's time left: the builder and the lease outlive invocations. */
    private final InvocationTimeLimit invocationTime = InvocationTimeLimit.beyondMargin(GoldBuilder.SAFETY_MARGIN);
    private final GoldBuilder builder;
    private final BuildLease lease;
    private final JsonLog log;
    private final Clock clock;

    /** Called by the Lambda runtime: configuration comes from the environment. */
    public GoldCtasHandler() {
        this(Environment.system(), S3Clients.create(Optional.empty()),
                GlueClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                AthenaClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                GoldModels.shipped(), JsonLog.standardOutput(), Sleeper.system());
    }

    public GoldCtasHandler(Environment environment, S3Client s3, GlueClient glue, AthenaClient athena, GoldModels models, JsonLog log, Sleeper sleeper) {
        this.models = requireNonNull(models, "models is null");
        this.log = requireNonNull(log, "log is null");
        this.clock = Clock.systemUTC();
        GoldSettings settings = GoldSettings.fromEnvironment(requireNonNull(environment, "environment is null"));
        // Never a generator seeded here: SnapStart copies what the constructor makes into every restored environment.
        this.builder = new GoldBuilder(settings, s3, glue, athena, invocationTime, log, clock, sleeper, new PerDrawRandom());
        this.lease = new BuildLease(new S3ObjectStore(requireNonNull(s3, "s3 is null"), settings.goldBucket(), invocationTime), settings.goldPrefix(), clock);
    }

    /**
     * For an SQS batch, the partial batch response (empty when every message is done with); otherwise each
     * model's outcome, such as {@code {"daily_sales": "built 20260314233000_a1b2c3"}}.
     */
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Deadline deadline = deadline(context);
        invocationTime.begin(deadline::remaining);
        try {
            return handle(event, context, deadline);
        }
        finally {
            invocationTime.end();
        }
    }

    private Map<String, Object> handle(Map<String, Object> event, Context context, Deadline deadline) {
        GoldRequest request = GoldRequest.parse(event == null ? Map.of() : event);
        request.batch().ifPresent(batch -> logBatch(request, batch));
        if (request.ignored().isPresent()) {
            log.info("gold request ignored", Map.of("trigger", request.trigger(), "reason", request.ignored().get()));
            return request.batch().map(batch -> failures(batch.unreadableIds())).orElseGet(Map::of);
        }
        List<GoldModel> chosen = request.models().map(models::named).orElseGet(models::all);
        // Lambda always passes a context, whose request id is unique per invocation and kept by Lambda's retries
        // of an asynchronous one; only local runs draw a UUID. It holds the lease and is recorded with each build.
        String requestId = context == null ? "local-" + UUID.randomUUID() : context.getAwsRequestId();
        BuildLease.Acquisition acquisition;
        try {
            acquisition = lease.acquire(requestId, clock.instant().plus(deadline.remaining()), request.batch().isPresent());
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not take the gold build lease " + lease.key() + ": " + ErrorMessages.describe(e) + "; nothing was built. "
                    + "Invoke again once the gold bucket answers (Lambda retries an asynchronous invocation itself, and an SQS batch comes back after "
                    + "the queue's visibility timeout)", e);
        }
        if (acquisition.held().isEmpty()) {
            BuildLease.Lease other = acquisition.heldBy().orElseThrow();
            if (request.batch().isPresent()) {
                GoldRequest.SqsBatch batch = request.batch().get();
                // Every message comes back after the queue's visibility timeout, even a commit the running build
                // read: a message is done with only once a build that succeeded covers it, and that build may
                // yet fail. SQS delivers a message at least once, so this batch may hold the running batch's own
                // messages; answered as done here, the mapping deletes them, and when that build fails its batch
                // comes back to nothing, and the model it failed waits for the next silver commit or schedule.
                List<String> back = batch.messageIds();
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("trigger", request.trigger());
                fields.put("heldBy", other.holder());
                fields.put("acquiredAt", other.acquiredAt());
                fields.put("expiresAt", other.expiresAt());
                fields.put("heldForABatch", other.batchBuild());
                fields.put("messages", batch.messageIds().size());
                fields.put("handedBack", back.size());
                log.info("gold build deferred: another build holds the lease; the batch's messages come back after the queue's visibility timeout",
                        fields);
                return failures(back);
            }
            if (request.scheduled()) {
                // The schedule comes back by itself, and its next run builds whatever the running build does not.
                // Failing would only have Lambda retry it and, once the retries outlast a long build, send it to
                // the on-failure queue, whose alarm would call a person for nothing.
                log.info("gold build skipped: another build holds the lease; the schedule's next run builds what that build does not", Map.of(
                        "trigger", request.trigger(), "heldBy", other.holder(), "acquiredAt", other.acquiredAt(), "expiresAt", other.expiresAt(),
                        "heldForABatch", other.batchBuild()));
                return new LinkedHashMap<>();
            }
            throw new GoldBuildBusyException("Another gold build is running (" + other.holder() + ", since " + other.acquiredAt() + ", its lease "
                    + lease.key() + " expiring at the latest at " + other.expiresAt() + "): nothing was built. Retry once it has ended; an asynchronous "
                    + "invocation (--invocation-type Event) is retried by Lambda itself");
        }
        BuildLease.Held held = acquisition.held().get();
        log.info("gold build started", Map.of(
                "trigger", request.trigger(),
                "models", chosen.stream().map(GoldModel::name).toList(),
                "force", request.force(),
                "lease", Map.of("holder", requestId, "expiresAt", held.lease().expiresAt())));
        Map<String, String> outcomes = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        try {
            for (GoldModel model : leastRecentlyBuiltFirst(chosen)) {
                ModelOutcome outcome = builder.build(model, request.force(), requestId, deadline);
                outcomes.put(model.name(), outcome.summary());
                if (outcome.failed()) {
                    failures.add(model.name() + ": " + outcome.failure().orElseThrow());
                }
            }
            // Against every shipped model, whichever this request chose: a model taken out of the list keeps its
            // view, tables and files, which nothing else would ever mention.
            builder.reportModelsNoLongerListed(models.all().stream().map(GoldModel::name).toList(), deadline);
        }
        finally {
            release(held);
        }
        if (!failures.isEmpty()) {
            // Each failure says which build its readers see.
            throw new GoldBuildException("Could not build " + failures.size() + " of " + chosen.size() + " gold model(s): " + String.join("; ", failures));
        }
        if (request.batch().isPresent()) {
            return failures(request.batch().get().unreadableIds());
        }
        return new LinkedHashMap<>(outcomes);
    }

    /**
     * The models in the order to build them: never built first, then the least recently built. In the
     * list's order, a first model whose build takes most of the invocation and whose inputs change in
     * every batching window would leave the later ones "not started" in every invocation, for good; in
     * this order each is started within as many invocations as there are models. Ties keep the list's order.
     */
    private List<GoldModel> leastRecentlyBuiltFirst(List<GoldModel> chosen) {
        Map<String, Instant> lastBuilt = new HashMap<>();
        chosen.forEach(model -> lastBuilt.put(model.name(), builder.lastBuilt(model).orElse(Instant.MIN)));
        List<GoldModel> ordered = new ArrayList<>(chosen);
        ordered.sort(Comparator.comparing(model -> lastBuilt.get(model.name())));
        return ordered;
    }

    private void logBatch(GoldRequest request, GoldRequest.SqsBatch batch) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("trigger", request.trigger());
        fields.put("messages", batch.messageIds().size());
        fields.put("commits", batch.commits().size());
        fields.put("testEvents", batch.testEvents());
        // The first few with their reasons: a log event is cut at 256 KB, and a batch holds up to 10,000 messages.
        List<String> unreadable = batch.unreadable();
        fields.put("unreadable", unreadable.size());
        fields.put("unreadableFirst", unreadable.subList(0, Math.min(unreadable.size(), MAX_UNREADABLE_LOGGED)));
        if (batch.testEvents() > 0) {
            log.info("S3 test event(s) in the batch ignored: S3 sends one when the silver bucket's notification is configured", Map.of("count", batch.testEvents()));
        }
        if (!batch.unreadable().isEmpty()) {
            log.warn("unreadable message(s) in the batch returned as failures: after the queue's maxReceiveCount they reach its dead-letter queue", fields);
        }
        log.info("gold trigger batch", fields);
    }

    /** Lambda's partial batch response for SQS (aws-lambda-java-events' SQSBatchResponse, as JSON). */
    static Map<String, Object> failures(List<String> messageIds) {
        return Map.of(BATCH_ITEM_FAILURES, messageIds.stream().map(id -> Map.of(ITEM_IDENTIFIER, id)).toList());
    }

    private void release(BuildLease.Held held) {
        try {
            if (!held.release()) {
                log.warn("gold build lease not released: another build had taken it over", Map.of("lease", lease.key()));
            }
        }
        catch (IOException | RuntimeException e) {
            // The build is done either way; the lease expires on its own at the invocation's deadline.
            log.warn("gold build lease not released: it expires on its own", Map.of("lease", lease.key(), "expiresAt", held.lease().expiresAt(),
                    "error", ErrorMessages.describe(e)));
        }
    }

    /** The invocation's remaining time; without a context (a local run), a Lambda invocation's longest. */
    private Deadline deadline(Context context) {
        if (context == null) {
            return Deadline.at(clock.instant().plus(Duration.ofMinutes(15)), clock);
        }
        return () -> Duration.ofMillis(context.getRemainingTimeInMillis());
    }
}
