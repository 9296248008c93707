package dev.medallion.gold.build;

import dev.medallion.common.config.GoldSettings;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.RequestTimeLimit;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.gold.athena.AthenaQueries;
import dev.medallion.gold.athena.Deadline;
import dev.medallion.gold.athena.Sleeper;
import dev.medallion.gold.catalog.GlueCatalog;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.state.BuildState;
import dev.medallion.gold.state.BuildStateStore;
import dev.medallion.gold.state.InputFingerprints;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The heart of the gold layer: builds one model with Athena, atomically, and knows nothing of Lambda.
 * <ol>
 * <li>Fingerprint the model's inputs; when a source has no silver table yet (no file of it converted
 *     with rows), the model waits, or fails when forced; when they equal the last successful build's,
 *     stop: no query. Unless readers are on a build of other inputs, swapped in with its state lost, whose
 *     inputs came back to the state's since: then it is built.</li>
 * <li>Otherwise build it and swap it into the model's view: {@link BuildAndSwap}, the protocol readers move by
 *     (CTAS into a build of its own, the record before the swap, {@code CREATE OR REPLACE VIEW}, the state, the
 *     removal of older builds), and what a failure at each step leaves.</li>
 * </ol>
 * Before deciding, a swap an earlier invocation never saw end is waited for, and the swaps whose state was lost are
 * recorded ({@link UnrecordedSwaps}). A model found unchanged has
 * its leftovers removed instead ({@link OlderBuilds}): builds of killed invocations that no view or state names, old
 * enough that none of their queries can still be running.
 */
public final class GoldBuilder {
    /** Time kept back from the deadline to stop a query, clean up its build and record the outcome. */
    public static final Duration SAFETY_MARGIN = Duration.ofSeconds(30);
    /** Below this, a model whose inputs changed is not started: a CTAS rarely finishes in less. */
    static final Duration MINIMUM_TO_START = SAFETY_MARGIN.plusSeconds(30);
    /** What a failure that left the view untouched means for readers. */
    private static final String KEPT_PREVIOUS = "; readers keep what they saw (its previous build, if it has one)";

    private final GoldSettings settings;
    private final InputFingerprints fingerprints;
    private final BuildStateStore states;
    private final UnlistedModels unlisted;
    private final UnrecordedSwaps unrecordedSwaps;
    private final OlderBuilds olderBuilds;
    private final FailedOutcomes failures;
    private final BuildAndSwap buildAndSwap;
    private final JsonLog log;
    private final Clock clock;
    private final RandomGenerator random;

    /**
     * @param random draws the random part of each build id; the deployed handler's keeps no state
     *        ({@link dev.medallion.common.layout.PerDrawRandom}), since SnapStart copies whatever exists at start-up into every
     *        restored environment
     * @param timeLimit how long each S3, Glue and Athena request may take: in Lambda, what the invocation has left
     *        beyond {@link #SAFETY_MARGIN}, so that a request that hangs fails while there is time to clean up
     */
    public GoldBuilder(GoldSettings settings, S3Client s3, GlueClient glue, AthenaClient athena, RequestTimeLimit timeLimit, JsonLog log, Clock clock,
            Sleeper sleeper, RandomGenerator random) {
        this.settings = requireNonNull(settings, "settings is null");
        requireNonNull(s3, "s3 is null");
        this.log = requireNonNull(log, "log is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.random = requireNonNull(random, "random is null");
        requireNonNull(timeLimit, "timeLimit is null");
        ObjectStore gold = new S3ObjectStore(s3, settings.goldBucket(), timeLimit);
        GoldLayout layout = new GoldLayout(settings.goldBucket(), settings.goldPrefix());
        GlueCatalog catalog = new GlueCatalog(requireNonNull(glue, "glue is null"), timeLimit);
        this.fingerprints = new InputFingerprints(new S3ObjectStore(s3, settings.silverBucket(), timeLimit), new SilverLayout(settings.silverPrefix()), catalog,
                settings.silverDatabase(), settings.goldDatabase());
        this.states = new BuildStateStore(gold, settings.goldPrefix());
        this.unlisted = new UnlistedModels(catalog, settings.goldDatabase(), layout, log);
        AthenaQueries queries = new AthenaQueries(requireNonNull(athena, "athena is null"), settings.athenaWorkgroup(), settings.goldDatabase(),
                requireNonNull(sleeper, "sleeper is null"), SAFETY_MARGIN, timeLimit, log);
        LiveViews views = new LiveViews(catalog, settings.goldDatabase(), layout, log);
        this.failures = new FailedOutcomes(log);
        this.olderBuilds = new OlderBuilds(gold, layout, catalog, settings.goldDatabase(), settings.athenaDmlQueryTimeout(), views, clock, log);
        this.buildAndSwap = new BuildAndSwap(settings, gold, layout, states, catalog, queries, views, olderBuilds, failures, log, clock);
        this.unrecordedSwaps = new UnrecordedSwaps(states, gold, views, catalog, settings.goldDatabase(), buildAndSwap, log);
    }

    /**
     * Builds the model unless its inputs are unchanged since its last successful build ({@code force}
     * builds it anyway, unless this request already did), or a source has no silver table yet (WAITING;
     * FAILED with {@code force}). Never throws for a failed build: the outcome says FAILED and why, so the
     * caller can go on with other models and fail the invocation at the end.
     *
     * @param requestId the invocation's request id, recorded with the build. Lambda retries a failed
     *        asynchronous invocation with the same id; {@code force} is satisfied by a build made under it
     */
    public ModelOutcome build(GoldModel model, boolean force, String requestId, Deadline deadline) {
        requireNonNull(model, "model is null");
        requireNonNull(requestId, "requestId is null");
        requireNonNull(deadline, "deadline is null");
        long started = System.nanoTime();
        // Telling whether the inputs changed costs list and catalog calls, no query: the margin is enough for
        // that. An unchanged model near the deadline is then unchanged, not a failure that fails the batch.
        Duration remaining = deadline.remaining();
        if (remaining.compareTo(SAFETY_MARGIN) < 0) {
            return failures.failed(model, Optional.empty(), started, 0, 0, Map.of(), "not started: " + remaining.toSeconds() + " s of the invocation left, "
                    + SAFETY_MARGIN.toSeconds() + " s needed to tell whether its inputs changed" + KEPT_PREVIOUS);
        }
        InputFingerprints.Fingerprint inputs;
        Optional<BuildState> state;
        // The build the view selects from when it is not the state's and was built from other inputs than these.
        Optional<BuildState> viewOnOtherInputs = Optional.empty();
        try {
            inputs = fingerprints.of(model);
            state = states.read(model.name());
            // Before the view is read: a swap an earlier invocation never saw end may still move it.
            UnrecordedSwaps.AwaitedSwapRecord swapRecord = unrecordedSwaps.awaitUnseenSwap(model, state, unrecordedSwaps.readSwapRecord(model), deadline);
            state = force ? unrecordedSwaps.recordSwapOfThisRequest(model, requestId, state, swapRecord)
                    : unrecordedSwaps.recordSwapWhoseStateWasLost(model, inputs.value(), state, swapRecord);
            if (state.isPresent() && state.get().fingerprint().equals(inputs.value()) && (!force || state.get().builtByRequest(requestId))) {
                viewOnOtherInputs = unrecordedSwaps.swapOfOtherInputsInTheView(model, state.get(), inputs.value(), swapRecord);
            }
        }
        catch (UnrecordedSwaps.UnseenSwapException e) {
            return failures.failed(model, Optional.empty(), started, 1, 0, Map.of(), e.getMessage() + KEPT_PREVIOUS);
        }
        catch (IOException | RuntimeException e) {
            return failures.failed(model, Optional.empty(), started, 0, 0, Map.of(), "could not tell whether its inputs changed: " + ErrorMessages.describe(e) + KEPT_PREVIOUS);
        }
        String fingerprint = inputs.value();
        if (!inputs.absentSources().isEmpty()) {
            // A lake that holds its own datasets, or none of these yet: the model's queries could only fail,
            // and a failure would send every batch to the dead-letter queue until the data arrives.
            String reason = "no file of " + String.join(", ", inputs.absentSources()) + " converted with rows yet (no silver table "
                    + inputs.absentSources().stream().map(source -> settings.silverDatabase() + "." + source).collect(Collectors.joining(", "))
                    + "): the model is built once there is" + (state.isPresent() ? "; readers keep build " + state.get().current().buildId() : "");
            if (force) {
                // Asked for by name, or all forced: the person asking hears why not, rather than a quiet wait.
                return failures.failed(model, Optional.empty(), started, 0, 0, Map.of("absentSources", inputs.absentSources()), "not built: " + reason);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("model", model.name());
            fields.put("outcome", "waiting");
            fields.put("absentSources", inputs.absentSources());
            fields.put("seconds", ModelOutcome.secondsSince(started));
            // A warning: a source misspelt alike in the SELECT and in '-- sources:' would wait for good.
            log.warn("gold model waiting for its silver sources", fields);
            return new ModelOutcome(model.name(), ModelOutcome.Status.WAITING, state.map(current -> current.current().buildId()), 0, 0, 0,
                    ModelOutcome.secondsSince(started), Optional.of(reason));
        }
        // A retry of this invocation (Lambda's of a failed asynchronous one keep its request id) finds the
        // models its first attempt built. Forcing them again would scan their inputs again, make that build
        // the previous one and delete the build readers had before the request, the one to roll back to.
        boolean forcedBuildDone = force && state.isPresent() && state.get().builtByRequest(requestId);
        if (viewOnOtherInputs.isPresent()) {
            // The state's build read these inputs, but readers are on a build of others: "unchanged" would leave
            // them there, with nothing to come until the next silver change.
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("model", model.name());
            fields.put("buildId", state.orElseThrow().current().buildId());
            fields.put("viewBuildId", viewOnOtherInputs.get().current().buildId());
            fields.put("viewBuildRequestId", viewOnOtherInputs.get().requestId());
            fields.put("fingerprint", fingerprint);
            fields.put("viewBuildFingerprint", viewOnOtherInputs.get().fingerprint());
            log.warn("gold model's view selects from a build of other inputs than these, swapped in without its state recorded: built again, "
                    + "although its state's build read these inputs", fields);
        }
        else if ((!force || forcedBuildDone) && state.isPresent() && state.get().fingerprint().equals(fingerprint)) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("model", model.name());
            fields.put("outcome", "unchanged");
            fields.put("buildId", state.get().current().buildId());
            fields.put("fingerprint", fingerprint);
            fields.put("seconds", ModelOutcome.secondsSince(started));
            if (forcedBuildDone) {
                fields.put("requestId", requestId);
                log.info("gold model already built by this request (a retry of it), and its inputs are as then: not forced again", fields);
            }
            else {
                log.info("gold model unchanged: its silver inputs are as at its last build", fields);
            }
            if (deadline.remaining().compareTo(SAFETY_MARGIN) >= 0) {
                olderBuilds.removeLeftovers(model, state.get());
            }
            return new ModelOutcome(model.name(), ModelOutcome.Status.UNCHANGED, Optional.of(state.get().current().buildId()), 0, 0, 0,
                    ModelOutcome.secondsSince(started), Optional.empty());
        }
        remaining = deadline.remaining();
        if (remaining.compareTo(MINIMUM_TO_START) < 0) {
            return failures.failed(model, Optional.empty(), started, 0, 0, Map.of(), "not started: " + remaining.toSeconds() + " s of the invocation left, "
                    + MINIMUM_TO_START.toSeconds() + " s needed to build it" + KEPT_PREVIOUS);
        }
        return buildAndSwap.execute(model, BuildId.next(clock, random), fingerprint, requestId, state, deadline, started);
    }

    /**
     * Warns of each view in the gold database of a model {@code listed} (the shipped models.list) no longer names,
     * its build tables and files left behind, and of each such model whose view is gone but whose build or staging
     * tables remain ({@link UnlistedModels}). Once per invocation, not per model: one
     * Glue listing. Never fails: a Glue error is a warning. Nothing is looked for without the time for it.
     *
     * @return the models found
     */
    public List<String> reportModelsNoLongerListed(Collection<String> listed, Deadline deadline) {
        requireNonNull(listed, "listed is null");
        requireNonNull(deadline, "deadline is null");
        if (deadline.remaining().compareTo(SAFETY_MARGIN) < 0) {
            return List.of();
        }
        return unlisted.report(listed);
    }

    /**
     * When the model's current build became its view's table ({@link BuildState#builtAt}); empty when it
     * has no build yet, or its state cannot be read now (its build then fails, saying why).
     */
    public Optional<Instant> lastBuilt(GoldModel model) {
        requireNonNull(model, "model is null");
        try {
            return states.read(model.name()).map(state -> Instant.parse(state.builtAt()));
        }
        catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

}
