package dev.medallion.gold.build;

import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.gold.catalog.GlueCatalog;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.state.BuildState;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Removes a model's builds that readers are no longer on, and no reader's query may still be on ({@link ReadersGrace}):
 * after a build's swap, every other build but the previous one ({@link #removeOtherBuilds}); for a model found
 * unchanged, the leftovers of killed invocations old enough that none of their queries can still be running
 * ({@link #removeLeftovers}). Builds are found in S3 and Glue, not from the state, so leftovers of crashed runs go too.
 * Tables are dropped before their files: a table whose files are gone would fail queries.
 */
final class OlderBuilds {
    /**
     * How old a build no view or state names must be before an invocation that finds its model unchanged
     * removes it as a leftover. A killed invocation's queries run on in Athena, writing into their build's
     * folder and creating its table, until they end or Athena cancels them at its DML query timeout: 30
     * minutes by default, 240 at most (Athena User Guide, "Service Quotas"), time queued besides. An
     * invocation lasts at most 15 minutes; six hours outlasts both.
     */
    static final Duration LEFTOVER_MIN_AGE = Duration.ofHours(6);

    private final ObjectStore gold;
    private final GoldLayout layout;
    private final GlueCatalog catalog;
    private final String goldDatabase;
    /** The account's Athena DML query timeout, as configured: said in the line that keeps leftovers for readers. */
    private final Duration athenaDmlQueryTimeout;
    /** Which superseded builds readers' queries may still be on, by the account's DML query timeout. */
    private final ReadersGrace readersGrace;
    private final LiveViews views;
    private final Clock clock;
    private final JsonLog log;

    OlderBuilds(ObjectStore gold, GoldLayout layout, GlueCatalog catalog, String goldDatabase, Duration athenaDmlQueryTimeout, LiveViews views, Clock clock,
            JsonLog log) {
        this.gold = requireNonNull(gold, "gold is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.goldDatabase = requireNonNull(goldDatabase, "goldDatabase is null");
        this.athenaDmlQueryTimeout = requireNonNull(athenaDmlQueryTimeout, "athenaDmlQueryTimeout is null");
        this.readersGrace = new ReadersGrace(athenaDmlQueryTimeout);
        this.views = requireNonNull(views, "views is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.log = requireNonNull(log, "log is null");
    }

    /**
     * Removes the builds of the model other than {@code build}, just swapped in, the previous one and those a reader's
     * query may still be on ({@link ReadersGrace}): every build folder in S3 and every build table in Glue, so that
     * leftovers of crashed runs go too.
     *
     * @param previous the build readers were on until {@code build}'s swap
     * @param previousState the model's state before {@code build}: the swaps it knows replaced builds
     */
    Removal removeOtherBuilds(GoldModel model, BuildId build, Optional<BuildId> previous, Optional<BuildState> previousState) throws IOException {
        requireNonNull(model, "model is null");
        requireNonNull(build, "build is null");
        requireNonNull(previous, "previous is null");
        requireNonNull(previousState, "previousState is null");
        Map<BuildId, List<String>> keysByBuild = new TreeMap<>();
        for (String key : gold.list(layout.modelPrefix(model.name()))) {
            layout.buildOfKey(model.name(), key).ifPresent(id -> keysByBuild.computeIfAbsent(id, ignored -> new ArrayList<>()).add(key));
        }
        // A staging table is found alone: left by a build killed before it removed it, or whose removal failed.
        Map<BuildId, String> stagingByBuild = new TreeMap<>();
        for (String name : catalog.tableNames(goldDatabase)) {
            layout.buildOfTable(model.name(), name).ifPresent(id -> keysByBuild.computeIfAbsent(id, ignored -> new ArrayList<>()));
            layout.buildOfStagingTable(model.name(), name).ifPresent(id -> {
                keysByBuild.computeIfAbsent(id, ignored -> new ArrayList<>());
                stagingByBuild.put(id, name);
            });
        }
        // The staging tables and files of the builds kept (this one, the previous one, kept for rollback, and those
        // readers may be on) are removed here (a build removes its own after its batches, but that may have failed):
        // readers never read them.
        // This build and the previous one are builds of the model whether or not their files are listed yet.
        Set<BuildId> known = new TreeSet<>(keysByBuild.keySet());
        known.add(build);
        previous.ifPresent(known::add);
        List<BuildId> kept = new ArrayList<>();
        kept.add(build);
        previous.ifPresent(kept::add);
        // The state before this build names the builds swaps replaced, each with the build that did: readers' queries
        // were planned on them until that swap, whatever killed build's leftover started in between.
        List<BuildId> keptForReaders = readersGrace.mayStillBeRead(known, replacedBy(previousState), clock.instant()).stream()
                .filter(id -> !kept.contains(id)).toList();
        kept.addAll(keptForReaders);
        for (BuildId keptBuild : kept) {
            removeStagingLeft(model, keptBuild, keysByBuild.getOrDefault(keptBuild, List.of()), stagingByBuild.get(keptBuild));
            keysByBuild.remove(keptBuild);
        }
        List<String> removed = new ArrayList<>();
        for (Map.Entry<BuildId, List<String>> old : keysByBuild.entrySet()) {
            // Catalog first: a table whose files are gone would fail queries, files without a table are invisible.
            if (stagingByBuild.containsKey(old.getKey())) {
                catalog.dropTable(goldDatabase, stagingByBuild.get(old.getKey()));
            }
            catalog.dropTable(goldDatabase, layout.table(model.name(), old.getKey()));
            if (!old.getValue().isEmpty()) {
                gold.delete(old.getValue());
            }
            removed.add(old.getKey().value());
        }
        return new Removal(removed, keptForReaders.stream().map(BuildId::value).toList());
    }

    /**
     * The staging table and files of a build that is kept (this one, the previous one, one readers may be on), when
     * its own removal of them after its batches failed: its build's table and files stay.
     *
     * @param keys the build's keys, its staging files among them
     * @param leftTable the build's staging table, when the catalog still has it
     */
    private void removeStagingLeft(GoldModel model, BuildId kept, List<String> keys, String leftTable) throws IOException {
        String stagingPrefix = layout.stagingPrefix(model.name(), kept);
        List<String> stagingKeys = keys.stream().filter(key -> key.startsWith(stagingPrefix)).toList();
        if (leftTable != null) {
            catalog.dropTable(goldDatabase, leftTable);
        }
        if (!stagingKeys.isEmpty()) {
            gold.delete(stagingKeys);
        }
    }

    /**
     * The builds earlier swaps replaced that a reader's query may still be on, carried on in the state of the build after
     * {@code previousState}'s ({@link BuildState#replaced}), whose cleanup would otherwise take a killed build's leftover
     * for the build that replaced them.
     */
    List<BuildState.Replacement> replacedStillRead(Optional<BuildState> previousState) {
        requireNonNull(previousState, "previousState is null");
        return readersGrace.stillRead(replacedBy(previousState), clock.instant()).entrySet().stream()
                .map(entry -> new BuildState.Replacement(entry.getKey().value(), entry.getValue().value())).toList();
    }

    /**
     * Removes the builds of an unchanged model that a build left and nothing points at: the leftovers of an
     * invocation killed between its CTAS and its swap (a table and files), or after its swap before its
     * cleanup was done (files, perhaps a table), which only the model's next build removed, and that comes
     * only when its inputs change. Kept: the state's current and previous builds, the build the view selects
     * from (a rollback by hand), a build started less than {@link #LEFTOVER_MIN_AGE} ago, whose queries
     * may still be writing, and a build a reader's query may still be on ({@link ReadersGrace}). Called under
     * the build lease, so no other invocation builds meanwhile. Nothing is removed when the view cannot be
     * read: readers may be on any build. A failure is logged: the model's build is unchanged, and the next
     * invocation tries again.
     */
    void removeLeftovers(GoldModel model, BuildState state) {
        requireNonNull(model, "model is null");
        requireNonNull(state, "state is null");
        try {
            // One ListObjectsV2 page by '/' delimiter: a folder an entry, not every file of every build kept.
            List<String> folders = gold.listFolders(layout.modelPrefix(model.name()));
            Set<BuildId> builds = new TreeSet<>(folders.stream().filter(BuildId::isBuildId).map(BuildId::new).toList());
            Set<BuildId> staged = new TreeSet<>(folders.stream().filter(folder -> !BuildId.isBuildId(folder)).map(layout::buildOfFolder)
                    .flatMap(Optional::stream).toList());
            Set<String> stagingTables = new TreeSet<>();
            for (String name : catalog.tableNames(goldDatabase)) {
                layout.buildOfTable(model.name(), name).ifPresent(builds::add);
                layout.buildOfStagingTable(model.name(), name).ifPresent(id -> stagingTables.add(name));
            }
            // A build's staging table and files are never kept: readers never read them, whichever build they are on.
            removeStagingLeftovers(model, staged, stagingTables);
            List<BuildId> kept = new ArrayList<>();
            kept.add(new BuildId(state.current().buildId()));
            if (state.previous() != null) {
                kept.add(new BuildId(state.previous().buildId()));
            }
            // Every build of the model, for which of them a reader's query may still be on.
            Set<BuildId> known = new TreeSet<>(builds);
            known.addAll(kept);
            builds.removeAll(kept);
            Instant now = clock.instant();
            Instant youngest = now.minus(LEFTOVER_MIN_AGE);
            List<BuildId> young = builds.stream().filter(build -> build.startedAt().isAfter(youngest)).toList();
            young.forEach(builds::remove);
            if (builds.isEmpty()) {
                return;
            }
            LiveView live = views.read(model, kept.get(0));
            if (!live.read()) {
                // LiveViews logged why; the next invocation that reads the view removes them.
                return;
            }
            live.build().filter(build -> !kept.contains(build)).ifPresent(kept::add);
            builds.removeAll(kept);
            live.build().ifPresent(known::add);
            List<BuildId> keptForReaders = readersGrace.mayStillBeRead(known, replacedBy(Optional.of(state)), now).stream().filter(builds::contains).toList();
            builds.removeAll(keptForReaders);
            List<String> removed = new ArrayList<>();
            for (BuildId build : builds) {
                // Catalog first, as after a build: a table whose files are gone would fail queries.
                catalog.dropTable(goldDatabase, layout.table(model.name(), build));
                List<String> keys = gold.list(layout.buildPrefix(model.name(), build));
                if (!keys.isEmpty()) {
                    gold.delete(keys);
                }
                removed.add(build.value());
            }
            if (removed.isEmpty() && keptForReaders.isEmpty()) {
                return;
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("model", model.name());
            fields.put("removedBuilds", removed);
            fields.put("keptBuilds", kept.stream().map(BuildId::value).toList());
            fields.put("tooYoungToRemove", young.stream().map(BuildId::value).toList());
            fields.put("keptForReaders", keptForReaders.stream().map(BuildId::value).toList());
            if (removed.isEmpty()) {
                // Said, or nothing would tell why builds no view or state points at are still there, stored and billed.
                fields.put("reason", "no view or build state points at them and they started over " + LEFTOVER_MIN_AGE.toHours() + " h ago, but the next "
                        + "newer build started less than " + readersGrace.grace().toMinutes() + " min ago (the DML query timeout, "
                        + athenaDmlQueryTimeout.toMinutes() + " min, plus " + ReadersGrace.LONGEST_BUILD_BEFORE_SWAP.toMinutes()
                        + " min before its swap), so a reader's query may still be on them: a later invocation removes them (the model's next build, or one that finds it unchanged)");
                log.info("gold model's leftover builds kept for the readers' queries that may still be on them", fields);
                return;
            }
            fields.put("reason", "no view or build state points at them (neither the state's current or previous build, nor the build the view "
                    + "selects from), they started over " + LEFTOVER_MIN_AGE.toHours() + " h ago, and the next newer build over "
                    + readersGrace.grace().toMinutes() + " min ago, so no reader's query can still be on them: left by a build that was killed or timed out "
                    + "between its CTAS and its view swap, or after the swap before its cleanup");
            log.info("gold model's leftover builds removed: tables and files no view or build state points at", fields);
        }
        catch (IOException | RuntimeException e) {
            log.warn("could not remove the leftover builds of an unchanged gold model; the next invocation retries", Map.of(
                    "model", model.name(), "error", ErrorMessages.describe(e)));
        }
    }

    /**
     * The builds {@code state} knows a swap replaced, each with the build whose swap did: its previous build, replaced by
     * its current one, and those earlier swaps replaced that it carries on ({@link BuildState#replaced}).
     */
    private static Map<BuildId, BuildId> replacedBy(Optional<BuildState> state) {
        Map<BuildId, BuildId> replacedBy = new TreeMap<>();
        state.ifPresent(known -> {
            known.replaced().forEach(replacement -> replacedBy.merge(new BuildId(replacement.buildId()), new BuildId(replacement.by()), OlderBuilds::later));
            if (known.previous() != null) {
                replacedBy.merge(new BuildId(known.previous().buildId()), new BuildId(known.current().buildId()), OlderBuilds::later);
            }
        });
        return replacedBy;
    }

    private static BuildId later(BuildId one, BuildId other) {
        return one.startedAt().isAfter(other.startedAt()) ? one : other;
    }

    /**
     * Removes staging tables and folders a build left (killed between its staging query and their removal, or
     * their removal failed) once they are {@link #LEFTOVER_MIN_AGE} old: a killed invocation's batches may still
     * be reading them. Whatever build the view or state names, since no reader ever reads a staging table.
     */
    private void removeStagingLeftovers(GoldModel model, Set<BuildId> stagingFolders, Set<String> stagingTables) throws IOException {
        Instant youngest = clock.instant().minus(LEFTOVER_MIN_AGE);
        List<String> removed = new ArrayList<>();
        for (String name : stagingTables) {
            BuildId build = layout.buildOfStagingTable(model.name(), name).orElseThrow();
            if (build.startedAt().isBefore(youngest)) {
                catalog.dropTable(goldDatabase, name);
                removed.add(name);
            }
        }
        for (BuildId build : stagingFolders) {
            if (build.startedAt().isBefore(youngest)) {
                String prefix = layout.stagingPrefix(model.name(), build);
                List<String> keys = gold.list(prefix);
                if (!keys.isEmpty()) {
                    gold.delete(keys);
                }
                removed.add(prefix);
            }
        }
        if (!removed.isEmpty()) {
            log.info("gold model's leftover staging tables and files removed", Map.of("model", model.name(), "removed", removed,
                    "reason", "a build of more than 100 partitions writes them for its batches and removes them before its swap: these were left by a build "
                            + "killed or timed out in between, or whose removal failed, over " + LEFTOVER_MIN_AGE.toHours() + " h ago"));
        }
    }

    /** What a build's cleanup removed, and what it kept for the readers' queries that may still be on it ({@link ReadersGrace}). */
    record Removal(List<String> removed, List<String> keptForReaders) {}
}
