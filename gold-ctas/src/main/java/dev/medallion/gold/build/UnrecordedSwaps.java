package dev.medallion.gold.build;

import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.gold.athena.AthenaQueries;
import dev.medallion.gold.athena.AthenaQueryException;
import dev.medallion.gold.athena.CompletedQuery;
import dev.medallion.gold.athena.Deadline;
import dev.medallion.gold.catalog.GlueCatalog;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.state.BuildState;
import dev.medallion.gold.state.BuildStateStore;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Finds the swaps whose state was not recorded, from the record a build writes just before its view swap
 * ({@link BuildStateStore#writeBeforeSwap}) and the build the view selects from ({@link LiveViews}): a build swapped
 * in whose state write was lost, or whose swap's answer was lost, is recorded now rather than built again, and a view
 * left on a build of other inputs than its state's is told apart from an unchanged model; and a swap no invocation saw
 * end is sent again with its token and waited for, before anything reads the view it may still move. What {@link GoldBuilder}
 * reads before deciding whether a model needs a build.
 */
final class UnrecordedSwaps {
    private final BuildStateStore states;
    /** The gold bucket, the store {@code states} writes to: only to name a record's key in an error. */
    private final ObjectStore gold;
    private final LiveViews views;
    private final GlueCatalog catalog;
    private final String goldDatabase;
    private final BuildAndSwap buildAndSwap;
    private final JsonLog log;

    UnrecordedSwaps(BuildStateStore states, ObjectStore gold, LiveViews views, GlueCatalog catalog, String goldDatabase, BuildAndSwap buildAndSwap, JsonLog log) {
        this.states = requireNonNull(states, "states is null");
        this.gold = requireNonNull(gold, "gold is null");
        this.views = requireNonNull(views, "views is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.goldDatabase = requireNonNull(goldDatabase, "goldDatabase is null");
        this.buildAndSwap = requireNonNull(buildAndSwap, "buildAndSwap is null");
        this.log = requireNonNull(log, "log is null");
    }

    /**
     * Waits for the view swap of the model's last build when it may not have ended: its start went unanswered, even
     * after its resends ({@code START_UNKNOWN}), or it was stopped or lost sight of while it ran, and the build was
     * kept. Athena queues a query before it runs and cancels a DDL query only at its DDL query timeout (600 minutes
     * unless changed), so such a swap may still move the view after this invocation reads it: deciding on the view as
     * it was, the model's next build took the build before it for the previous one, swapped its own in, and then the
     * late swap put readers back on the older build, its state naming the newer one. Told by the record before the
     * swap ({@link BuildStateStore#writeBeforeSwap}) naming a build the state does not, whose table is still there
     * (a build whose swap did not happen is removed), and the view not selecting from it, or unreadable: its swap is sent again with
     * its token ({@link BuildAndSwap#awaitSwap}) and waited for, so it has ended before anything reads the view. A swap
     * that FAILED or was CANCELLED empties the record, when the view does not select from its build, so that no later
     * invocation sends it again: after Athena forgets its token, that would start it anew.
     *
     * @param record the record before the swap as {@link #readSwapRecord} read it; one damaged names no swap here, and the
     *     steps after say why; one of a newer format may, and fails the model
     * @return what {@code record} names, parsed here once for every step after (none when its swap ended without moving the view,
     *     which empties it), or why it is damaged: the steps after take only this, so a record S3 did not return, or of a newer
     *     format, which fail the model here, never reaches them to be taken for a damaged one
     * @throws UnseenSwapException when the swap may still be queued or running, or the record could not be read or is of a newer
     *     format than this builder reads, so whether one may be cannot be told: why the model cannot be decided on now
     */
    AwaitedSwapRecord awaitUnseenSwap(GoldModel model, Optional<BuildState> recorded, SwapRecord record, Deadline deadline) throws IOException {
        if (record.unread().isPresent()) {
            // Only the record names a swap that may still be queued: built without it, the model's swap could be followed
            // by that one, putting readers back on the older build. A damaged record, below, names none: S3 writes whole objects.
            throw new UnseenSwapException("could not read the record before its last swap, " + gold.describe(states.swapKey(model.name())) + " ("
                    + ErrorMessages.describe(record.unread().get()) + "), which names a view swap an earlier invocation may have sent and not seen end,"
                    + " still queued or running, so where the view points could not be told; nothing is built beside it: invoke again once S3"
                    + " answers (an SQS batch comes back by itself)", record.unread().get());
        }
        Optional<BuildState> beforeSwap;
        try {
            beforeSwap = states.parseBeforeSwap(model.name(), record.content());
        }
        catch (BuildStateStore.NewerFormatException e) {
            // Unlike a damaged record, a newer gold-ctas wrote it whole, before a swap it may not have seen end: built without waiting,
            // the model's swap could be followed by that one, as for a record S3 does not return. This builder cannot read the
            // newer format to wait for it, so the model is not decided on until the newer one is back or its swaps have ended.
            throw new UnseenSwapException("the record before its last swap may name a view swap a newer gold-ctas sent and did not see end,"
                    + " still queued or running, which this one cannot read to wait for; nothing is built beside it: " + e.getMessage(), e);
        }
        catch (IOException e) {
            // Damaged (by hand: S3 writes whole objects), it names no swap; the steps after say what becomes of it.
            return AwaitedSwapRecord.damaged(e);
        }
        AwaitedSwapRecord awaited = new AwaitedSwapRecord(beforeSwap, Optional.empty());
        if (beforeSwap.isEmpty() || recorded.map(state -> state.current().buildId().equals(beforeSwap.get().current().buildId())).orElse(false)) {
            return awaited;
        }
        BuildId build = new BuildId(beforeSwap.get().current().buildId());
        String table = beforeSwap.get().current().table();
        LiveView live = views.read(model, build);
        if (live.build().equals(Optional.of(build)) || (live.read() && !catalog.exists(goldDatabase, table))) {
            // Its swap landed; or its build was removed, after a swap that did not happen, so none can put readers on it.
            // A view that cannot be read says neither: the swap is sent again, which needs no Glue.
            // Not waiting on a swap whose table is gone is safe because Athena (engine v3, Trino) analyses a CREATE [OR
            // REPLACE] VIEW's query before it writes the view: Trino's CreateViewTask runs the Analyzer on the statement and
            // only then calls createView, and StatementAnalyzer.visitTable fails a table the catalog does not hold with
            // TABLE_NOT_FOUND ("Table '%s' does not exist"); the Athena User Guide's "Considerations and limitations for
            // views" reports a view of a table that does not exist as stale rather than reading it. So a swap still queued
            // over a dropped table ends FAILED, and moves no reader. And nothing of the builder drops a build whose swap
            // may still be queued (README, "When something fails", the view swap that may have happened): a failed build is removed only when its swap was
            // refused, not sent, or ended without moving the view; the cleanups run only after this wait has seen the
            // record's swap end, and a build writes its own record only then. Only a table dropped by hand gets here.
            return awaited;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("model", model.name());
        fields.put("buildId", build.value());
        fields.put("stateBuildId", recorded.map(state -> state.current().buildId()).orElse(null));
        try {
            CompletedQuery swap = buildAndSwap.awaitSwap(model, beforeSwap.get(), deadline);
            fields.put("queryId", swap.queryId());
            log.warn("gold model's view swap of an earlier build, which no invocation saw end, sent again with its token and waited for: it has ended",
                    fields);
            return awaited;
        }
        catch (AthenaQueryException e) {
            if (!Set.of("FAILED", "CANCELLED").contains(e.state())) {
                throw new UnseenSwapException("the view swap of build " + build.value() + " (" + goldDatabase + "." + table + "), which an earlier invocation sent and "
                        + "never saw end, may still be queued or running, so where the view points could not be told: " + e.getMessage() + "; the build"
                        + " is kept; invoke again (an SQS batch comes back by itself) to wait for it before the model is built"
                        + (e.state().equals(AthenaQueries.NOT_STARTED) ? ". Should Athena refuse it at every invocation (its token sent before with"
                                + " another statement, by an older builder), find the swap's query in the workgroup's history, and once it has ended,"
                                + " empty " + gold.describe(states.swapKey(model.name())) : ""), e);
            }
            fields.put("queryId", e.queryId().orElse(""));
            fields.put("state", e.state());
            fields.put("reason", e.reason());
        }
        LiveView after = views.read(model, build);
        AwaitedSwapRecord left = awaited;
        if (after.read() && !after.build().equals(Optional.of(build))) {
            states.restoreBeforeSwap(model.name(), Optional.empty());
            // What restoreBeforeSwap leaves: an empty record, which reads as none.
            left = new AwaitedSwapRecord(Optional.empty(), Optional.empty());
            fields.put("recordBefore", "emptied: its swap ended without moving the view, and is not sent again");
        }
        log.warn("gold model's view swap of an earlier build, which no invocation saw end, sent again with its token: it did not succeed", fields);
        return left;
    }

    /**
     * The record before the model's last swap ({@link BuildStateStore#writeBeforeSwap}) as stored, or the store's
     * failure to read it: read once per model and invocation, for every step of this class, each of which says what
     * an unread record means for it.
     */
    SwapRecord readSwapRecord(GoldModel model) {
        try {
            return new SwapRecord(states.readBeforeSwapAsIs(model.name()), Optional.empty());
        }
        catch (IOException e) {
            return new SwapRecord(Optional.empty(), Optional.of(e));
        }
    }

    /** What {@link #readSwapRecord} read: the record's bytes as stored (none when there is no record), or why they could not be read. */
    record SwapRecord(Optional<byte[]> content, Optional<IOException> unread) {
        SwapRecord {
            requireNonNull(content, "content is null");
            requireNonNull(unread, "unread is null");
        }
    }

    /**
     * The record before the last swap as {@link #awaitUnseenSwap} leaves it, once no swap it names can still move the view: the state it
     * names ({@code beforeSwap}, empty for no record or an emptied one), or why it is {@code damaged} (by hand: S3 writes whole objects),
     * then naming none. Parsed there once: a record S3 did not return, or of a newer format (which may name a swap a newer gold-ctas
     * still has queued), fails the model there, so the steps after, which take only this, can pass over a damaged record without
     * telling the three apart, and a newer-format record is handled in one place.
     */
    record AwaitedSwapRecord(Optional<BuildState> beforeSwap, Optional<IOException> damaged) {
        AwaitedSwapRecord {
            requireNonNull(beforeSwap, "beforeSwap is null");
            requireNonNull(damaged, "damaged is null");
            if (beforeSwap.isPresent() && damaged.isPresent()) {
                throw new IllegalArgumentException("A damaged record names no state");
            }
        }

        static AwaitedSwapRecord damaged(IOException why) {
            return new AwaitedSwapRecord(Optional.empty(), Optional.of(why));
        }
    }

    /** A view swap an earlier invocation sent and never saw end may still be queued or running: the model is not decided on now. */
    static final class UnseenSwapException extends IOException {
        UnseenSwapException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * {@code recorded}, or the state of the forced build an earlier attempt of this request swapped in
     * without recording it (the swap's answer was lost, or the state write after it failed), which is
     * written now: the forced build is then done for the retry, which forcing it again would undo, deleting
     * the build readers had before the request. Known by what the attempt wrote just before its swap
     * ({@link BuildStateStore#writeBeforeSwap}), and only while the view still selects from that build.
     */
    Optional<BuildState> recordSwapOfThisRequest(GoldModel model, String requestId, Optional<BuildState> recorded, AwaitedSwapRecord record) throws IOException {
        if (recorded.isPresent() && recorded.get().builtByRequest(requestId)) {
            return recorded;
        }
        Optional<BuildState> beforeSwap = lastSwapRecord(model, record);
        if (beforeSwap.isEmpty() || !beforeSwap.get().builtByRequest(requestId)) {
            return recorded;
        }
        return recordIfSwappedIn(model, beforeSwap.get(), recorded,
                "gold model's forced build, swapped in by an earlier attempt of this request without recording it, recorded now");
    }

    /**
     * What the model's last build wrote before its swap ({@link BuildStateStore#writeBeforeSwap}); empty,
     * with a warning, when it is damaged (by hand: S3 writes whole objects): the record only spares a second
     * build (or a second forced one), so damaged, the model is built, and its build replaces it, rather than
     * every build of the model failing until someone deletes it. A record S3 did not return, or of a newer
     * format, never gets here: {@link #awaitUnseenSwap}, which alone makes an {@link AwaitedSwapRecord}, failed the model for it.
     */
    private Optional<BuildState> lastSwapRecord(GoldModel model, AwaitedSwapRecord record) {
        if (record.damaged().isPresent()) {
            log.warn("the record of the gold model's last swap is damaged; building the model, whose build replaces it", Map.of(
                    "model", model.name(), "key", states.swapKey(model.name()), "error", ErrorMessages.describe(record.damaged().get())));
        }
        return record.beforeSwap();
    }

    /**
     * {@code recorded}, or, when the inputs differ from its fingerprint, the state of the build an earlier
     * invocation swapped in without recording it (its state write failed, or its answer was lost and the write
     * did not land), written now, when that build read these very inputs: building it again would scan them
     * again (Athena bills per byte scanned), make the build readers are on the previous one and delete the
     * build from before it, the one to roll back to. Known by what that build wrote just before its swap
     * ({@link BuildStateStore#writeBeforeSwap}), and only while the view still selects from it.
     */
    Optional<BuildState> recordSwapWhoseStateWasLost(GoldModel model, String fingerprint, Optional<BuildState> recorded, AwaitedSwapRecord record) throws IOException {
        if (recorded.isPresent() && recorded.get().fingerprint().equals(fingerprint)) {
            return recorded;
        }
        Optional<BuildState> beforeSwap = lastSwapRecord(model, record);
        if (beforeSwap.isEmpty() || !beforeSwap.get().fingerprint().equals(fingerprint)) {
            // No record, or one of other inputs than these: the model changed since, and is built.
            return recorded;
        }
        return recordIfSwappedIn(model, beforeSwap.get(), recorded,
                "gold model's build, swapped in by an earlier invocation whose state write was lost, recorded now; not built again: its inputs are as that build read them");
    }

    /**
     * The record before the last swap ({@link BuildStateStore#writeBeforeSwap}) when the view selects from its
     * build although the state names another, and that build read other inputs than {@code fingerprint}, which
     * the state's build read: its state write was lost after its swap (or the swap landed unseen), and the
     * inputs have since come back to what the state's build read. The converter's sweep does that: it deletes
     * the parts of a run that published and never committed, which a build running in between read. Such a
     * model is not unchanged: readers are on rows the inputs no longer hold, and it is built again. Empty
     * otherwise (one GET per model, and a read of the view only when the record names another build than the
     * state), and for a record damaged by hand, with a warning: the model's next build replaces it.
     *
     * @throws IOException when the record names another build and the view cannot be read: whether readers
     *     are on these inputs cannot be told, so the model fails (its trigger comes back) rather than being
     *     taken for unchanged (a record that could not be read, or of a newer format, failed the model in
     *     {@link #awaitUnseenSwap} already)
     */
    Optional<BuildState> swapOfOtherInputsInTheView(GoldModel model, BuildState recorded, String fingerprint, AwaitedSwapRecord record) throws IOException {
        if (record.damaged().isPresent()) {
            // Damaged by hand: it names no build, and the model's next build writes it again.
            log.warn("the record of the gold model's last swap is damaged; taking the model as unchanged, as its state says: its next build "
                    + "replaces the record", Map.of("model", model.name(), "key", states.swapKey(model.name()), "error",
                    ErrorMessages.describe(record.damaged().get())));
            return Optional.empty();
        }
        Optional<BuildState> beforeSwap = record.beforeSwap();
        if (beforeSwap.isEmpty() || beforeSwap.get().current().buildId().equals(recorded.current().buildId())
                || beforeSwap.get().fingerprint().equals(fingerprint)) {
            return Optional.empty();
        }
        BuildId swapped = new BuildId(beforeSwap.get().current().buildId());
        LiveView live = views.read(model, swapped);
        if (!live.read()) {
            throw new IOException("the record before its last swap, " + gold.describe(states.swapKey(model.name())) + ", names build " + swapped.value()
                    + " of other inputs than its state's build " + recorded.current().buildId() + ", and which build the view selects from could not be read ("
                    + live.unreadBecause().orElseThrow() + "); invoke again once the Glue catalog answers");
        }
        return live.build().filter(swapped::equals).map(ignored -> beforeSwap.get());
    }

    /** Writes {@code beforeSwap} as the model's state when the view selects from its build; otherwise returns {@code recorded}. */
    private Optional<BuildState> recordIfSwappedIn(GoldModel model, BuildState beforeSwap, Optional<BuildState> recorded, String message) throws IOException {
        BuildId swapped = new BuildId(beforeSwap.current().buildId());
        if (!views.read(model, swapped).build().equals(Optional.of(swapped))) {
            // Not swapped (the swap failed after all), or swapped away since: nothing of it is live.
            return recorded;
        }
        states.write(beforeSwap);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("model", model.name());
        fields.put("buildId", swapped.value());
        fields.put("previousBuildId", beforeSwap.previous() == null ? null : beforeSwap.previous().buildId());
        fields.put("requestId", beforeSwap.requestId());
        log.info(message, fields);
        return Optional.of(beforeSwap);
    }
}
