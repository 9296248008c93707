package dev.medallion.gold.build;

import dev.medallion.common.config.GoldSettings;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.gold.athena.AthenaQueries;
import dev.medallion.gold.athena.AthenaQueryException;
import dev.medallion.gold.athena.CompletedQuery;
import dev.medallion.gold.athena.Deadline;
import dev.medallion.gold.athena.QueryResultRows;
import dev.medallion.gold.athena.QueryStep;
import dev.medallion.gold.catalog.GlueCatalog;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.sql.GoldStatements;
import dev.medallion.gold.sql.PartitionBatches;
import dev.medallion.gold.sql.PartitionColumn;
import dev.medallion.gold.state.BuildState;
import dev.medallion.gold.state.BuildStateStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * How gold swaps: one build of one model, from its CTAS to the view swap readers move by. {@link GoldBuilder} makes
 * one, with the collaborators every build shares, and decides that a model needs a build; each build is then a run
 * of its own, holding what it has sent and scanned so far, so it can be reported or discarded.
 * <ol>
 * <li>For a partitioned model, {@code SELECT DISTINCT} its partitions and cut them into batches of 100,
 *     Athena's limit per query.</li>
 * <li>CTAS into a table and S3 prefix of the build's own ({@link GoldLayout}), then INSERT INTO the
 *     other batches. With more than one batch, the model is first written once, unpartitioned, into a
 *     staging table of the build's, which the batches read rather than the model's inputs, and are cut from
 *     the partitions its rows hold (silver may have changed since the partitions query); it is removed
 *     before the swap.</li>
 * <li>Read which build the view selects from ({@link LiveViews}): the previous build; and write the state it
 *     will record to the record before the swap ({@link BuildStateStore#writeBeforeSwap}), having read the record it
 *     replaces, to put back should the swap not happen.</li>
 * <li>{@code CREATE OR REPLACE VIEW <model>} over the new table: the one moment readers switch, from a
 *     complete build to a complete build.</li>
 * <li>Record the state (fingerprint, current build, previous build, the request that built it).</li>
 * <li>Remove every other build but the previous one and those a reader's query may still be on ({@link OlderBuilds}),
 *     and prune the view's old Glue table versions; unless the view could not be read before the swap, when the
 *     previous build is only the recorded one and the build readers were on might be another.</li>
 * </ol>
 * When a query fails, the build's own table and prefix are removed, the view and state are left as they
 * were, and the outcome is FAILED with Athena's reason and the query id; a view swap reported failed only once the
 * view is read and shown not to select from the build (a catalog update may land with Athena told otherwise). An {@link Error} before the swap (out of
 * memory or stack, a library's AssertionError) stops the running query and removes the build the same way, best
 * effort, and is then thrown unchanged: the lease is released on the way out, and a query left running could
 * create its table and files beside the next build. Cleanup failures after a
 * successful swap are logged: the next build finds the leftovers again, since it discovers builds from
 * S3 and Glue rather than from the state.
 */
public final class BuildAndSwap {
    /** The built line's field saying whether the model's older builds were removed ("removed") or are left for the next build ("kept"). */
    public static final String OLDER_BUILDS = "olderBuilds";
    /**
     * Glue versions kept of each view: the current definition and the one before, which points at the
     * previous build, the rollback target. Older versions point at builds that are gone, or go once no reader can be on them.
     */
    static final int VIEW_VERSIONS_KEPT = 2;
    /**
     * A place in a statement as Athena (Trino) gives it, at the start of a failure's reason, after the error's
     * name if any: {@code COLUMN_NOT_FOUND: line 10:39: Column 'x' cannot be resolved}. Only there: a value
     * quoted later in a reason (bad data) may read the same.
     */
    private static final Pattern ATHENA_POSITION = Pattern.compile("^(?:[A-Z][A-Z0-9_]*: )?line (\\d{1,9}):(\\d{1,9}): ");

    /**
     * The states of a query certainly not started: Athena refused its start, or it was not sent for lack of time. A view
     * swap in either left the view as it was, so its build is removed without reading the view first.
     */
    private static final Set<String> NEVER_STARTED = Set.of(AthenaQueries.NOT_STARTED, AthenaQueries.NO_TIME_TO_START);

    private final GoldSettings settings;
    private final ObjectStore gold;
    private final GoldLayout layout;
    private final BuildStateStore states;
    private final GlueCatalog catalog;
    private final AthenaQueries athena;
    private final LiveViews views;
    private final OlderBuilds olderBuilds;
    private final FailedOutcomes failures;
    private final JsonLog log;
    private final Clock clock;

    BuildAndSwap(GoldSettings settings, ObjectStore gold, GoldLayout layout, BuildStateStore states, GlueCatalog catalog, AthenaQueries athena, LiveViews views,
            OlderBuilds olderBuilds, FailedOutcomes failures, JsonLog log, Clock clock) {
        this.settings = requireNonNull(settings, "settings is null");
        this.gold = requireNonNull(gold, "gold is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.states = requireNonNull(states, "states is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.athena = requireNonNull(athena, "athena is null");
        this.views = requireNonNull(views, "views is null");
        this.olderBuilds = requireNonNull(olderBuilds, "olderBuilds is null");
        this.failures = requireNonNull(failures, "failures is null");
        this.log = requireNonNull(log, "log is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Runs one build of the model through the steps above. Never throws for a failed build: the outcome says FAILED and
     * why; an {@link Error} is thrown unchanged, the build removed first when it came before the swap.
     *
     * @param build the build's id, new: its table, prefix and staging are its own
     * @param fingerprint the model's inputs as this build reads them, recorded with it
     * @param requestId the invocation's request id, recorded with the build
     * @param previousState the model's state before this build, if it has one
     * @param started when the model's turn began ({@link System#nanoTime}), for the seconds its outcome reports
     */
    ModelOutcome execute(GoldModel model, BuildId build, String fingerprint, String requestId, Optional<BuildState> previousState, Deadline deadline, long started) {
        return new Run(model, build, fingerprint, requestId, previousState, deadline, started).execute();
    }

    /**
     * Sends the view swap of {@code beforeSwap}'s build again, the statement and token its build sent it with
     * ({@link AthenaQueries#runFindable}), and waits for it: Athena answers the query that start began, queued,
     * running or ended, or, when no start of it had reached Athena, starts it now. Either way that swap has ended
     * when this returns, and can no longer move the view after the caller reads it.
     *
     * @param beforeSwap what a build wrote just before its swap ({@link BuildStateStore#writeBeforeSwap})
     * @throws AthenaQueryException as {@link AthenaQueries#run}: the swap FAILED or was CANCELLED, or could not be waited for
     */
    CompletedQuery awaitSwap(GoldModel model, BuildState beforeSwap, Deadline deadline) {
        requireNonNull(model, "model is null");
        requireNonNull(beforeSwap, "beforeSwap is null");
        requireNonNull(deadline, "deadline is null");
        BuildState.Build build = beforeSwap.current();
        GoldStatements statements = new GoldStatements(model, settings.silverDatabase(), settings.goldDatabase(), build.table(), build.location());
        return athena.runFindable(statements.createOrReplaceView(), new QueryStep(model.name(), build.buildId(), "view"), deadline);
    }

    /** One build of one model: what it has sent and scanned so far, so it can be reported or discarded. */
    private final class Run {
        private final GoldModel model;
        private final BuildId build;
        private final String fingerprint;
        private final String requestId;
        private final Optional<BuildState> previousState;
        private final Deadline deadline;
        private final long started;
        private final String table;
        private final GoldStatements statements;
        private int queries;
        private long bytesScanned;
        private int partitions;
        /** The build's staging table, written only for more partitions than one query may write. */
        private final String stagingTable;
        /** Whether the staging query was sent and its table and files not yet removed. */
        private boolean staged;
        /**
         * What the record before a swap held before this build wrote its own; null until the build goes to write
         * it, so a failure before then has nothing to put back.
         */
        private ReplacedRecord replacedRecord;
        /** Whether the view swap was sent to Athena: from then on readers may be on this build, which is kept. */
        private boolean swapSent;
        /** The builds earlier swaps replaced that this build's state carries on: set with the record before the swap. */
        private List<BuildState.Replacement> replaced = List.of();

        Run(GoldModel model, BuildId build, String fingerprint, String requestId, Optional<BuildState> previousState, Deadline deadline, long started) {
            this.model = requireNonNull(model, "model is null");
            this.build = requireNonNull(build, "build is null");
            this.fingerprint = requireNonNull(fingerprint, "fingerprint is null");
            this.requestId = requireNonNull(requestId, "requestId is null");
            this.previousState = requireNonNull(previousState, "previousState is null");
            this.deadline = requireNonNull(deadline, "deadline is null");
            this.started = started;
            this.table = layout.table(model.name(), build);
            this.stagingTable = layout.stagingTable(model.name(), build);
            this.statements = new GoldStatements(model, settings.silverDatabase(), settings.goldDatabase(), table, layout.location(model.name(), build));
        }

        ModelOutcome execute() {
            // Null until read: a failure before then has no view read to report.
            LiveView live = null;
            Optional<BuildState.Build> previous;
            BuildState.Build current = new BuildState.Build(build.value(), table, layout.location(model.name(), build));
            try {
                writeTable();
                // What the view selects from before the swap; once swapped, the build readers saw until then:
                // the state's current one, unless the view had moved without the state knowing (a swap whose
                // end went unseen, a manual rollback).
                live = views.read(model, build);
                previous = live.build().filter(id -> !id.equals(build))
                        .map(id -> new BuildState.Build(id.value(), layout.table(model.name(), id), layout.location(model.name(), id)))
                        .or(() -> previousState.map(BuildState::current));
                // Should the swap's answer or the state write after it be lost, the next invocation records this build
                // rather than building it again (and a retry of a forced request knows it as its own). Written before
                // the swap, so that no swap lands without it; and only for a swap with the time to start (the view's
                // read above may have taken it): a record of a swap not started would name this build, removed at
                // once, in place of the record of the build the view selects from, which the next invocation needs
                // should that build's own state write have been lost. For the same reason the record it replaces is
                // read first (one GET) and put back should the swap still not happen: Athena refuses it, the write
                // takes the time the swap needed, or the write fails after landing.
                athena.requireTimeToStart(step("view"), deadline);
                replacedRecord = recordToReplace();
                // The builds earlier swaps replaced that a reader's query may still be on, carried on for the builds after
                // this one, whose cleanup would otherwise take a killed build's leftover for the build that replaced them.
                replaced = olderBuilds.replacedStillRead(previousState);
                writeBeforeSwap(new BuildState(BuildState.FORMAT_VERSION, model.name(), fingerprint, current, previous.orElse(null),
                        clock.instant().toString(), requestId, replaced));
                swapSent = true;
                swap();
            }
            catch (AthenaQueryException e) {
                if (e.step().step().equals("view") && !Set.of("FAILED", "CANCELLED").contains(e.state()) && !NEVER_STARTED.contains(e.state())) {
                    // The view may have been replaced (a query stopped, or one that may have started unseen):
                    // keep the build it may point at. The next build's cleanup removes it once the view has moved on.
                    return fail(e.getMessage() + unreadNote(live) + "; build " + build.value() + " (" + settings.goldDatabase() + "." + table + ") is kept, since readers may "
                            + "already see it; the next build of the model replaces it", Map.of("step", e.step().step(), "queryId", e.queryId().orElse(""), "state", e.state()));
                }
                if (e.step().step().equals("view") && !NEVER_STARTED.contains(e.state())) {
                    // FAILED or CANCELLED, on Athena's word; but a catalog update can land with its answer lost to
                    // Athena, whose retry then fails the query ("already exists"). Removed under a view that selects
                    // from it, the build would leave readers on a dropped table: where the view points is read first.
                    Optional<String> landed = swapLanded();
                    if (landed.isPresent()) {
                        return fail(e.getMessage() + unreadNote(live) + "; " + landed.get() + ", so build " + build.value() + " (" + settings.goldDatabase() + "." + table
                                + ") is kept, and the record before the swap naming it: the next invocation records it if the view selects from it, and the"
                                + " next build of the model replaces it otherwise", Map.of("step", e.step().step(), "queryId", e.queryId().orElse(""), "state", e.state(),
                                "reason", e.reason()));
                    }
                }
                String notPutBack = putBackReplacedRecord();
                discard(e);
                return fail(e.getMessage() + unreadNote(live) + keptPrevious() + notPutBack, Map.of("step", e.step().step(), "queryId", e.queryId().orElse(""), "state", e.state(), "reason", e.reason()));
            }
            catch (RuntimeException e) {
                if (swapSent) {
                    // No answer of Athena's but a failure of the SDK or a library while the swap was being sent or
                    // awaited (AthenaQueries stopped it): it may have landed, so, as after an Error there, the build
                    // readers may be on is kept, and so is the record naming it.
                    return fail("build " + build.value() + ": " + ErrorMessages.describe(e) + " while its view swap ran" + unreadNote(live) + "; build "
                            + build.value() + " (" + settings.goldDatabase() + "." + table + ") is kept, since readers may already see it; the next "
                            + "invocation records it if the view selects from it, and the next build of the model replaces it otherwise", Map.of("step", "view"));
                }
                String notPutBack = putBackReplacedRecord();
                discard(e);
                return fail("build " + build.value() + ": " + ErrorMessages.describe(e) + unreadNote(live) + keptPrevious() + notPutBack, Map.of());
            }
            catch (Error e) {
                // The JVM out of memory or stack, or a library's AssertionError. Let through as it was, it left the
                // build in place while the lease was released on the way out, so a next build could start beside a
                // query still creating this build's table and files (AthenaQueries stops it now). Removed as after any
                // failure, best effort, and the Error goes on unchanged: the invocation fails with it.
                if (!swapSent) {
                    removeAfter(e);
                }
                throw e;
            }

            BuildState built = new BuildState(BuildState.FORMAT_VERSION, model.name(), fingerprint, current, previous.orElse(null), clock.instant().toString(),
                    requestId, replaced);
            try {
                states.write(built);
            }
            catch (IOException | RuntimeException e) {
                if (!readBack(built, e)) {
                    // Readers already see the new build; only the bookkeeping is missing, so nothing is discarded. The
                    // next invocation finds the record written before the swap, the view on its build and the inputs
                    // as it read them, and records it without a query; inputs changed since are built as usual, taking
                    // this build (where the view points) as the previous one.
                    return fail("built and swapped into the view (readers see build " + build.value() + ", " + settings.goldDatabase() + "." + table
                            + "), but could not record the build state " + states.key(model.name()) + ": " + ErrorMessages.describe(e)
                            + "; the next invocation records it without building again, from what was written before the swap ("
                            + states.swapKey(model.name()) + "), unless the model's inputs change first", Map.of());
                }
                // The write landed, and only its answer was lost: the build is recorded, and succeeded.
                log.warn("gold model's build state write answered with an error, but the state was stored (read back): the build is recorded",
                        Map.of("model", model.name(), "buildId", build.value(), "error", ErrorMessages.describe(e)));
            }

            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("model", model.name());
            fields.put("outcome", "built");
            fields.put("buildId", build.value());
            fields.put("table", settings.goldDatabase() + "." + table);
            fields.put("location", current.location());
            fields.put("previousBuildId", previous.map(BuildState.Build::buildId).orElse(null));
            fields.put("partitions", partitions);
            fields.put("queries", queries);
            fields.put("bytesScanned", bytesScanned);
            // "kept" until they are gone: the next build removes them, but a cause that lasts (a permission
            // removed) would keep every build, and this field is how a person finds such builds in the logs.
            fields.put(OLDER_BUILDS, "kept");
            try {
                if (live.read()) {
                    OlderBuilds.Removal others = olderBuilds.removeOtherBuilds(model, build, previous.map(old -> new BuildId(old.buildId())), previousState);
                    fields.put("removedBuilds", others.removed());
                    fields.put("keptForReaders", others.keptForReaders());
                    fields.put(OLDER_BUILDS, "removed");
                    fields.put("prunedViewVersions", catalog.pruneVersions(settings.goldDatabase(), model.name(), VIEW_VERSIONS_KEPT));
                }
                else {
                    // The recorded build stood in for the one readers were on: if the view had moved without
                    // the state knowing, that build is not the recorded one, and removing "the others" could
                    // remove it under queries still reading it. Nothing is removed; the next build is sure.
                    fields.put("removedBuilds", List.of());
                    log.warn("gold model built, but its older builds are kept: which build the view selected from could not be read;"
                            + " the next build removes them", Map.of("model", model.name(), "buildId", build.value()));
                }
            }
            catch (IOException | RuntimeException e) {
                // The build is live and complete; what is left over is found and removed by the next build.
                log.warn("gold model built, but its cleanup failed (removing older builds, or pruning the view's old versions); the next build retries", Map.of(
                        "model", model.name(), "buildId", build.value(), "error", ErrorMessages.describe(e)));
            }
            fields.put("seconds", ModelOutcome.secondsSince(started));
            log.info("gold model built and swapped into its view", fields);
            return new ModelOutcome(model.name(), ModelOutcome.Status.BUILT, Optional.of(build.value()), partitions, queries, bytesScanned,
                    ModelOutcome.secondsSince(started), Optional.empty());
        }

        /**
         * After a view swap Athena reports FAILED or CANCELLED: why the build must be kept nonetheless (the view selects
         * from it, or which build it selects from could not be read), or empty when the view is shown not to have moved.
         */
        private Optional<String> swapLanded() {
            LiveView after = views.read(model, build);
            if (!after.read()) {
                return Optional.of("which build the view selects from could not be read after it (" + after.unreadBecause().orElseThrow() + ")");
            }
            if (after.build().equals(Optional.of(build))) {
                log.warn("gold model's view swap reported as failed by Athena, but the view selects from its build: the swap landed, and the build is kept",
                        Map.of("model", model.name(), "buildId", build.value(), "table", settings.goldDatabase() + "." + table));
                return Optional.of("yet the view selects from it (the swap landed)");
            }
            return Optional.empty();
        }

        /** Whether the model's state now is {@code written}: a write S3 answered with an error may have landed. */
        private boolean readBack(BuildState written, Exception failure) {
            try {
                return states.read(model.name()).equals(Optional.of(written));
            }
            catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
                return false;
            }
        }

        private void writeBeforeSwap(BuildState state) {
            try {
                states.writeBeforeSwap(state);
            }
            catch (IOException e) {
                // Before the swap: the build is discarded like one whose query failed, and readers keep what they saw.
                throw new UncheckedIOException("could not record the build before its view swap, so its swap was not started", e);
            }
        }

        /** What the record before a swap holds now, or why it could not be read: this build is about to replace it. */
        private ReplacedRecord recordToReplace() {
            try {
                return new ReplacedRecord(states.readBeforeSwapAsIs(model.name()), Optional.empty());
            }
            catch (IOException | RuntimeException e) {
                // Not a reason to give up the build: the record is only needed back should the swap not happen.
                log.warn("could not read the record before the gold model's swap, which its build replaces; should the swap not happen, it cannot be put back",
                        Map.of("model", model.name(), "buildId", build.value(), "key", states.swapKey(model.name()), "error", ErrorMessages.describe(e)));
                return new ReplacedRecord(Optional.empty(), Optional.of(ErrorMessages.describe(e)));
            }
        }

        /**
         * After a swap that did not happen, puts back the record this build replaced (or empties its own when
         * there was none, which reads as none), so that it names the build the view still selects from rather
         * than this one, about to be removed: the next invocation needs it should that build's own state write
         * have been lost, and a retry of a forced request to know its build. Its own write may have failed after landing, so it is put
         * back whether or not the write succeeded. Returns what the failure must add: nothing, or that it could
         * not be put back and why that is still safe.
         */
        private String putBackReplacedRecord() {
            if (replacedRecord == null) {
                return "";
            }
            String key = gold.describe(states.swapKey(model.name()));
            if (replacedRecord.unreadBecause().isPresent()) {
                return recordNotPutBack(key, "what it held before could not be read: " + replacedRecord.unreadBecause().get());
            }
            try {
                states.restoreBeforeSwap(model.name(), replacedRecord.content());
            }
            catch (IOException | RuntimeException e) {
                return recordNotPutBack(key, ErrorMessages.describe(e));
            }
            log.info("gold model's swap did not happen: the record before it is put back as it was", Map.of("model", model.name(), "buildId", build.value(),
                    "key", key, "recordBefore", replacedRecord.content().isPresent() ? "restored" : "none: emptied, which reads as none"));
            return "";
        }

        private String recordNotPutBack(String key, String why) {
            return "; the record written before the swap, " + key + ", may name build " + build.value() + ", removed, and could not be put back as it was ("
                    + why + "). That is safe: the next build disregards a record whose build the view does not select from, and replaces it;"
                    + " what is lost is the record of the build the view selects from, so were that build's own state write lost, the model"
                    + " would be built again (or a forced request's retry force it again) rather than that build recorded";
        }

        /**
         * The CTAS, preceded for a partitioned model by its partitions and followed by INSERT INTO batches. With
         * more partitions than one query may write, the model's rows are first written once, unpartitioned, into
         * the build's staging table, which the batches read: each batch scanned the model's inputs again, unless
         * its predicate pruned silver's partitions (it does not when gold's partition column is computed, a month
         * from a date), and Athena bills per byte scanned, so 365 daily partitions scanned the inputs five times
         * (the partitions query and four batches), now twice.
         */
        private void writeTable() {
            if (model.partitionedBy().isEmpty()) {
                run(statements.createTableAs(), "ctas");
                return;
            }
            QueryStep step = step("partitions");
            CompletedQuery distinct = run(statements.distinctPartitions(), step);
            QueryResultRows rows = athena.rows(distinct.queryId(), step);
            List<PartitionColumn> columns = partitionColumns(rows);
            PartitionBatches batches = new PartitionBatches(columns, rows.rows(), PartitionBatches.MAX_PARTITIONS_PER_QUERY);
            partitions = batches.partitions();
            if (batches.size() <= 1) {
                // Up to 100 partitions (or none: an empty result still makes an empty table): one plain CTAS.
                run(statements.createTableAs(), "ctas");
                return;
            }
            // Every batch's predicate made before the first query that writes, only to check them: a value no literal
            // of its type can hold fails the model now, not after the staging CTAS has scanned (and Athena billed) all
            // its inputs. The batches written are cut from the staged partitions, below.
            predicates(batches, distinct);
            staged = true;
            run(statements.createStagingTable(stagingTable, layout.stagingLocation(model.name(), build)), "stage");
            // The batches are cut from the partitions the staged rows hold, not from those the partitions query found:
            // silver may have changed between the two queries (a commit landing while this build runs), and a
            // partition no batch named was left out of a build swapped in as complete. One query more, over the
            // staged Parquet's partition columns only. It holds timestamps too: the staging table keeps them to the
            // millisecond, finer than the model may compute them, and this query prints what it keeps, so a batch's
            // TIMESTAMP literal is a value the staged rows hold, compared at the precision they hold it.
            QueryStep stagedStep = step("staged partitions");
            CompletedQuery stagedDistinct = run(statements.distinctStagedPartitions(stagingTable), stagedStep);
            QueryResultRows stagedRows = athena.rows(stagedDistinct.queryId(), stagedStep);
            PartitionBatches stagedBatches = new PartitionBatches(partitionColumns(stagedRows), stagedRows.rows(), PartitionBatches.MAX_PARTITIONS_PER_QUERY);
            partitions = stagedBatches.partitions();
            if (stagedBatches.size() == 0) {
                // Nothing staged (the inputs emptied meanwhile): an empty table, a complete build of no rows.
                run(statements.createTableAsFromStaging(stagingTable), "ctas");
            }
            else {
                List<String> stagedPredicates = predicates(stagedBatches, stagedDistinct);
                run(statements.createTableAsFromStaging(stagingTable, stagedPredicates.get(0)), "ctas 1/" + stagedBatches.size());
                for (int i = 1; i < stagedBatches.size(); i++) {
                    run(statements.insertIntoFromStaging(stagingTable, stagedPredicates.get(i)), "insert " + (i + 1) + "/" + stagedBatches.size());
                }
            }
            removeStaging();
        }

        /** The model's partition columns, of the types Athena reports for a partitions query's columns, in the order of partitioned_by. */
        private List<PartitionColumn> partitionColumns(QueryResultRows rows) {
            List<PartitionColumn> columns = new ArrayList<>();
            for (int i = 0; i < model.partitionedBy().size(); i++) {
                String type = i < rows.columnTypes().size() ? rows.columnTypes().get(i) : "varchar";
                columns.add(new PartitionColumn(model.partitionedBy().get(i), type));
            }
            return columns;
        }

        /** Each batch's predicate, or why a partition the partitions query returned cannot be selected by one. */
        private List<String> predicates(PartitionBatches batches, CompletedQuery distinct) {
            List<String> predicates = new ArrayList<>();
            try {
                for (int i = 0; i < batches.size(); i++) {
                    predicates.add(batches.predicate(i));
                }
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the partitions query (" + distinct.queryId() + ") returned a partition no batch can select, so the build's "
                        + "table was not written: " + e.getMessage() + "; make the model's partition columns " + model.partitionedBy() + " strings, dates, timestamps, "
                        + "numbers or booleans whose values read as their type, or give it at most " + PartitionBatches.MAX_PARTITIONS_PER_QUERY
                        + " partitions (one CTAS, no batch)", e);
            }
            return predicates;
        }

        /**
         * Removes the build's staging table and files once its batches are written: readers never see them, so a
         * failure here is only logged, and the build goes on to its swap; the model's next build (or the next
         * invocation finding it unchanged) finds them by their names and removes them with this build's leftovers.
         */
        private void removeStaging() {
            try {
                dropStaging();
            }
            catch (IOException | RuntimeException e) {
                log.warn("could not remove the gold build's staging table; the model's next build, or the next invocation finding it unchanged, removes it",
                        Map.of("model", model.name(), "buildId", build.value(), "table", settings.goldDatabase() + "." + stagingTable,
                                "location", layout.stagingLocation(model.name(), build), "error", ErrorMessages.describe(e)));
            }
        }

        /** Catalog first, as for a build: a table whose files are gone would fail queries. */
        private void dropStaging() throws IOException {
            catalog.dropTable(settings.goldDatabase(), stagingTable);
            List<String> written = gold.list(layout.stagingPrefix(model.name(), build));
            if (!written.isEmpty()) {
                gold.delete(written);
            }
            staged = false;
        }

        private CompletedQuery run(String sql, String step) {
            return run(sql, step(step));
        }

        /**
         * The view swap, with the token the next invocation sends again should every answer to its start be lost
         * ({@link BuildAndSwap#awaitSwap}).
         */
        private void swap() {
            queries++;
            CompletedQuery completed = athena.runFindable(statements.createOrReplaceView(), step("view"), deadline);
            bytesScanned += completed.bytesScanned();
        }

        private CompletedQuery run(String sql, QueryStep step) {
            queries++;
            CompletedQuery completed;
            try {
                completed = athena.run(sql, step, deadline);
            }
            catch (AthenaQueryException e) {
                throw inTheModel(e, sql);
            }
            bytesScanned += completed.bytesScanned();
            return completed;
        }

        /**
         * A query of the model's SQL that Athena failed, said in the model's terms: Athena places an error at a
         * line and column of the statement it ran, whose SELECT starts some lines down, after the CTAS's WITH
         * clause, with the silver database's name in place, so that place is in no file a person edits. The
         * reason gains the file, line and column it is in the model, or, for a place outside the SELECT, the file.
         */
        private AthenaQueryException inTheModel(AthenaQueryException e, String sql) {
            if (!e.state().equals("FAILED") || e.step().step().equals("view")) {
                return e;
            }
            Matcher place = ATHENA_POSITION.matcher(e.reason());
            Optional<String> position = place.find()
                    ? statements.modelPosition(sql, Integer.parseInt(place.group(1)), Integer.parseInt(place.group(2)))
                    : Optional.empty();
            String where;
            if (position.isPresent()) {
                where = " (line " + place.group(1) + ":" + place.group(2) + " of the query is " + position.get() + ", in the model's SELECT)";
            }
            else if (!model.file().isEmpty()) {
                where = " (the model's SQL: " + model.file() + ")";
            }
            else {
                return e;
            }
            return new AthenaQueryException(e.step(), e.queryId(), e.state(), e.reason() + where, e);
        }

        private QueryStep step(String name) {
            return new QueryStep(model.name(), build.value(), name);
        }

        /**
         * Removes what this failed build created: its staging table and files, its table, if the CTAS got that far,
         * and its files. The staging part and the build's own are removed apart: a staging table Glue will not
         * delete keeps only its own files (catalog first), not the build's table and files, which no failure of
         * the staging's concerns. What is left is found by its name by the model's next build, or the next
         * invocation finding the model unchanged.
         */
        private void discard(Throwable cause) {
            if (staged) {
                try {
                    dropStaging();
                }
                catch (IOException | RuntimeException e) {
                    notRemoved(cause, "staging table and files", settings.goldDatabase() + "." + stagingTable + ", " + layout.stagingLocation(model.name(), build), e);
                }
            }
            try {
                catalog.dropTable(settings.goldDatabase(), table);
                List<String> written = gold.list(layout.buildPrefix(model.name(), build));
                if (!written.isEmpty()) {
                    gold.delete(written);
                }
            }
            catch (IOException | RuntimeException e) {
                notRemoved(cause, "table and files", settings.goldDatabase() + "." + table + ", " + layout.location(model.name(), build), e);
            }
        }

        /**
         * After an {@link Error} before the swap: what any failure there does (the record before the swap put back, the
         * build removed), each step whatever the others did; what fails, an Error again included, is added to
         * {@code error} as suppressed, which is then thrown unchanged.
         */
        private void removeAfter(Error error) {
            try {
                String notPutBack = putBackReplacedRecord();
                if (!notPutBack.isEmpty()) {
                    error.addSuppressed(new IllegalStateException("gold model " + model.name() + ", build " + build.value() + notPutBack));
                }
            }
            catch (RuntimeException | Error e) {
                suppress(error, e);
            }
            try {
                discard(error);
                log.warn("gold model's build removed after an Error, as far as it could be (what could not be is logged before this line); the invocation fails with the Error", Map.of("model", model.name(),
                        "buildId", build.value(), "table", settings.goldDatabase() + "." + table, "error", String.valueOf(error)));
            }
            catch (RuntimeException | Error e) {
                suppress(error, e);
            }
        }

        /** The JVM may throw one preallocated OutOfMemoryError again, and a throwable cannot suppress itself. */
        private static void suppress(Throwable error, Throwable failure) {
            if (failure != error) {
                error.addSuppressed(failure);
            }
        }

        /** @param part what of the build is left, @param where its Glue table and S3 location */
        private void notRemoved(Throwable cause, String part, String where, Exception failure) {
            cause.addSuppressed(failure);
            log.warn("could not remove a failed gold build's " + part + "; the model's next build, or the next invocation finding it unchanged, removes them",
                    Map.of("model", model.name(), "buildId", build.value(), "left", where, "error", ErrorMessages.describe(failure)));
        }

        private static String unreadNote(LiveView live) {
            return live == null ? "" : live.unreadNote();
        }

        /** What a failure that left the view untouched means for readers. */
        private String keptPrevious() {
            return previousState.isPresent() ? "; readers keep its previous build" : "; it has no build yet, so readers see none";
        }

        private ModelOutcome fail(String reason, Map<String, Object> extra) {
            return failures.failed(model, Optional.of(build), started, queries, bytesScanned, extra, reason);
        }

        /**
         * What the record before a swap held before a build replaced it ({@code content}, empty when there was
         * none), or why that could not be read: what to put back should the build's swap not happen.
         */
        private record ReplacedRecord(Optional<byte[]> content, Optional<String> unreadBecause) {}
    }
}
