package dev.medallion.silver;

import dev.medallion.common.layout.RunId;
import dev.medallion.common.layout.RunNonces;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import dev.medallion.common.storage.VersionedContent;
import dev.medallion.common.storage.WriteRefusedException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * How a run's output becomes silver data, all or nothing, exactly once (the README's "How a file is
 * converted" tells the same story for users):
 * <ol>
 * <li>The run reads the source's manifest and its version (entity tag) before anything else: that is
 *     the {@link Base} it builds on, and its generation plus one names the run ({@link RunId}).</li>
 * <li>Parts and quarantine file are streamed under run-unique keys as uploads that stay invisible until
 *     published (S3: multipart uploads not yet completed). A run that fails, stops at its deadline or is
 *     killed up to here leaves nothing visible. Once the last chunk is written, {@link SilverConverter}
 *     registers the run's {@code ingest_date} partition, and the dataset's table, in the catalog
 *     ({@link dev.medallion.silver.catalog.SilverCatalog}); a catalog that fails fails the run here, with
 *     nothing visible, and a registration is idempotent, so the retry simply registers again. An empty
 *     partition registered by a run that then fails or loses shows no rows.</li>
 * <li>{@link #commit}: record the partition the run publishes into, and when (a publishing marker, see
 *     {@link SilverLayout#publishingKey}), publish every upload (none once {@link #COMPLETION_WINDOW} has passed since the
 *     marker's time: the run then stops as at a failed publish), then write the manifest conditionally, expecting the version
 *     read in step 1 (none: {@code If-None-Match: *}; one: {@code If-Match} on its entity tag). Of any set
 *     of runs that read the same version, exactly one succeeds. A run that loses deletes what it
 *     published (its own keys only) and reports the winner's result when it describes the same source
 *     version (sweeping for it: the winner may have failed before its sweep), or fails (retryably) when it
 *     does not; one that cannot read the manifest back to tell whose it is (an earlier attempt of its own write may have
 *     landed, its answer lost) keeps its files and marks its marker as a run whose write went unanswered does. A run whose manifest write fails deletes what it published only if the write can no longer
 *     land: S3 refused it ({@link WriteRefusedException}), or the manifest has changed since the base. A
 *     write that failed otherwise (a 5xx, no answer) may still land after the run gave up on it, and a
 *     manifest naming deleted parts would lose their rows; so the parts stay, for the next run of the
 *     source to find committed or to sweep. Such a run logs no line, so it writes {@link #UNCOUNTED} into its
 *     marker: should its manifest land, the run that next sweeps it claims the commit and logs its line, once
 *     ({@link #sweep} with a {@link Counter}; or the run that commits the next version on top of it, in its own sweep,
 *     {@link ReplacedCount}), where before the retry answered {@code unchanged} and no run
 *     counted the commit's rows, quarantined rows or rejection.</li>
 * <li>{@link #sweep}: the winner deletes what its manifest supersedes, and every file of a run that can
 *     no longer commit: a run of generation {@code <= G} once generation {@code G} is committed, in its
 *     own partition and in every partition a marker of such a run names (a run killed after publishing
 *     a replaced version of another day), then those markers, but for the marker of a run that may still
 *     be publishing ({@link #PUBLISHING_BOUND}), and, when another run sweeps, the committed run's own marker while that
 *     run may still write it ({@link #mayStillBeWritten}), which a later sweep deletes. Every run first sweeps for the manifest it
 *     builds on ({@link SilverConverter}): that manifest's own run may never have (killed after its
 *     manifest, or its manifest written late, after it gave up), and only that manifest names what it
 *     replaced; so a retry, a redelivery or the next version finishes the cleanup.</li>
 * </ol>
 * Readers that ignore manifests (Athena, Glue, Spark) see a source's rows all or nothing except in two
 * windows, each a handful of requests long: from publishing the first part to writing the manifest (new
 * rows visible without a manifest, part by part as each is published; if the run dies there, or its
 * manifest write fails without a definite answer, until the next run of that source finds them committed
 * or sweeps them; a run that gives up so writes {@link #ABANDONED} into its marker, which makes even a run
 * that finds the manifest's version convert again, the one way to sweep them), and between writing the
 * manifest and the sweep of a replaced version (old and new rows both visible).
 * <p>
 * A source deleted from bronze is withdrawn through the same commit ({@link SilverConverter#withdraw}): a
 * {@code withdrawn} manifest that publishes nothing and supersedes the source's files, written on the base
 * like any other, so a withdrawal and a re-upload's conversion serialise on the manifest as two conversions do.
 */
final class SilverCommit {
    /**
     * How long after writing its publishing marker a run may still make a file visible: a Lambda invocation
     * lasts at most 15 minutes, and a request S3 received just before may complete a little later; the rest
     * is a margin for clocks. A sweep keeps another run's marker younger than this (see {@link #sweep}).
     */
    static final Duration PUBLISHING_BOUND = Duration.ofMinutes(20);
    /**
     * How long after writing its publishing marker a run may still send a completion (publish an upload). S3 "could take several
     * minutes to finalize" a CompleteMultipartUpload (S3 API Reference, CompleteMultipartUpload), and goes on after its client gave
     * up: one sent later than this could land after {@link #PUBLISHING_BOUND}, once a sweep deleted the marker and listed its
     * partition, a file visible that no manifest names and no marker leads to. This leaves S3 half the bound to finalize one;
     * publishing takes seconds when S3 is well, and a run past this stops as at a failed completion, its retry converting again.
     */
    static final Duration COMPLETION_WINDOW = Duration.ofMinutes(10);
    /**
     * Follows the time in a marker whose run gave up with files that may be visible: it can no longer publish,
     * and only a commit on top of the manifest it read may delete them (see {@link #sweep}'s answer).
     */
    static final String ABANDONED = "abandoned";
    /**
     * Ends the marker of a run whose manifest write went unanswered (it may land later) and which therefore logged no
     * line: should that manifest be found committed, no run has counted it yet, and the first run to claim it
     * ({@link #claimUncounted}) logs its line.
     */
    static final String UNCOUNTED = "uncounted";
    /** Replaces {@link #UNCOUNTED} in a marker once a run has claimed the commit's line; followed by the claim's id. */
    static final String COUNTED_BY = "counted-by";
    /**
     * Follows the time in the marker of a run that published nothing (a rejected or empty file, a withdrawal) and wrote one only
     * to say {@link #UNCOUNTED}: it has no file for a sweep to look for, so it never makes a run convert again.
     */
    static final String PUBLISHED_NOTHING = "published-nothing";

    /** Draws claim ids when asked, as run nonces are drawn: two execution environments restored from one snapshot differ. */
    private static final RunNonces CLAIM_NONCES = new RunNonces();

    private final ObjectStore silver;
    private final SilverLayout layout;
    private final ManifestStore manifests;
    private final Clock clock;

    SilverCommit(ObjectStore silver, SilverLayout layout, ManifestStore manifests, Clock clock) {
        this.silver = requireNonNull(silver, "silver is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.manifests = requireNonNull(manifests, "manifests is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The committed state a run builds on: the manifest as read (or none), and its version. */
    record Base(String manifestKey, Optional<ManifestStore.Stored> stored) {
        Base {
            requireNonNull(manifestKey, "manifestKey is null");
            requireNonNull(stored, "stored is null");
        }

        Optional<Manifest> manifest() {
            return stored.flatMap(ManifestStore.Stored::manifest);
        }

        Optional<String> etag() {
            return stored.map(ManifestStore.Stored::etag);
        }

        /** The generation a run on this base would commit. */
        long nextGeneration() {
            return manifest().map(Manifest::generation).orElse(0L) + 1;
        }

        /** What a new commit replaces and must delete once committed. */
        List<String> superseded() {
            return manifest().map(Manifest::writtenKeys).orElse(List.of());
        }
    }

    /**
     * What came of a commit: this run's manifest, or the one of a run that committed the same source version first.
     *
     * @param countedByThisRun the other run's commit was this run's to log, and the {@link Counter} has logged it: that
     *        run's manifest write went unanswered, so it logged nothing, and this run claimed its line; false when
     *        committed by this run
     */
    record Outcome(Manifest manifest, boolean committedByThisRun, boolean countedByThisRun) {
        Outcome {
            requireNonNull(manifest, "manifest is null");
            if (committedByThisRun && countedByThisRun) {
                throw new IllegalArgumentException("run " + manifest.run() + " committed " + manifest.source().key()
                        + " itself: it has no other run's commit to count");
            }
        }
    }

    /**
     * Logs the line of another run's commit that this run claimed ({@link #sweep}): called once, at once, before the
     * sweep deletes anything, so that nothing failing after the claim can leave the commit counted by no run.
     */
    @FunctionalInterface
    interface Counter {
        void count(Manifest uncounted);
    }

    /** What a sweep saw; see {@link #sweep}. */
    record Swept(boolean laterRunPublished, boolean countedByThisRun) {}

    /**
     * Reads the base. A manifest that is there but unreadable (damaged, or of a format a newer converter
     * wrote) fails the run: what it commits and supersedes, and its generation, cannot be known, so a run
     * over it could not sweep the files it replaces, and their rows would stay visible beside the new ones.
     */
    Base base(String manifestKey) throws IOException {
        Base base = new Base(manifestKey, manifests.readStored(manifestKey));
        if (base.stored().isPresent() && base.manifest().isEmpty()) {
            throw new UnreadableManifestException(unreadable(manifestKey, base.stored().get().unreadable().orElseThrow()));
        }
        return base;
    }

    /**
     * Publishes the run's uploads and writes its manifest; see the class comment. On failure, what this
     * run published is deleted unless it may have committed after all, in which case it stays for the
     * next run of the source to find (committed) or sweep (not committed).
     */
    Outcome commit(Base base, Manifest manifest, List<ObjectUpload> staged, Counter counter) throws IOException {
        requireNonNull(counter, "counter is null");
        List<String> published = new ArrayList<>();
        String marker = publishingMarker(manifest);
        Instant markerWritten = clock.instant();
        // The marker's version as this run wrote it: every later write of it by this run expects it (If-Match), so that one
        // applied twice (the SDK resending an attempt whose answer was lost, or S3 completing one late) writes nothing once the
        // marker was claimed or deleted. Empty: no marker written.
        Optional<String> markerEtag = Optional.empty();
        try {
            if (!staged.isEmpty()) {
                // Before anything is visible: a run killed after publishing is then found in its partition. It
                // holds when it was written, so that a sweep can tell whether this run may still be publishing.
                // If-None-Match: the key names this run, so it is new, and a precondition that fails means this write's own
                // first attempt landed, its answer lost; the version it wrote is then unknown, and the run fails, having
                // published nothing (the catch below deletes the marker), for its retry to start again under another name.
                markerEtag = Optional.of(silver.putIf(marker, markerWritten.toString().getBytes(StandardCharsets.UTF_8), Optional.empty())
                        .orElseThrow(() -> new IOException("The publishing marker " + describe(marker) + " of run " + manifest.run() + " for "
                                + manifest.source().key() + " was already there when the run wrote it: its own earlier attempt landed with"
                                + " its answer lost, so the version written is unknown, and a later write of the marker could not expect it;"
                                + " the run published nothing and fails, and its retry converts the file again")));
            }
            for (ObjectUpload upload : staged) {
                requireCompletionWindow(manifest, markerWritten);
                upload.publish();
            }
        }
        catch (IOException | RuntimeException e) {
            // The marker stays: the publish that failed may complete after all (S3 can complete a request whose
            // client gave up), and a delete that failed leaves files visible; the next run's sweep finds them by it.
            // It is marked first, while the most time is left: each request may take half of what is left
            // (a Lambda run's requests are limited so), and the discard makes one per upload.
            abandon(marker, markerEtag, markerWritten, e);
            if (markerEtag.isEmpty() && !staged.isEmpty()) {
                // The marker's own write failed, so nothing was published; but it may have landed with its answers lost. Left, it
                // would cost a sweep of the base a listing of its partition once PUBLISHING_BOUND old, to find no file of this run
                // (laterRunPublished); should this delete fail, or the write land after it, that listing is what keeps a delivery
                // of the committed version from converting it again.
                deleteQuietly(List.of(marker), e);
            }
            discard(staged, manifest.writtenKeys(), e);
            throw e;
        }
        published.addAll(manifest.writtenKeys());

        Optional<String> written;
        try {
            written = manifests.writeIf(base.manifestKey(), manifest, base.etag());
        }
        catch (IOException | RuntimeException e) {
            if (e instanceof WriteRefusedException) {
                // S3 answered no to the request's only attempt: nothing landed, and nothing can land later.
                deleteWithMarker(published, marker, markerEtag, markerWritten, e);
                throw e;
            }
            // The write may have landed with its answer lost: only the manifest itself can tell.
            Optional<ManifestStore.Stored> now;
            try {
                now = manifests.readStored(base.manifestKey());
            }
            catch (IOException | RuntimeException unreadable) {
                e.addSuppressed(unreadable);
                abandonUncounted(marker, markerEtag, markerWritten, e);
                throw e;
            }
            Optional<Manifest> committed = now.flatMap(ManifestStore.Stored::manifest);
            if (committed.isPresent() && manifest.run().equals(committed.get().run())) {
                return committedByThisRun(committed.get(), base, counter);
            }
            if (now.map(ManifestStore.Stored::etag).equals(base.etag())) {
                // Not landed yet, but it still may (S3 can complete a request whose client gave up): deleting
                // the parts now would leave a manifest that names deleted files. Once another write changes
                // the manifest, this one's precondition can no longer hold, and the next run sweeps them. Should it land,
                // this run will have logged nothing of it: the marker says so, for the run that finds it to count it.
                abandonUncounted(marker, markerEtag, markerWritten, e);
                throw new IOException("The manifest write of run " + manifest.run() + " for " + manifest.source().key()
                        + " failed without a definite answer (" + e.getMessage() + "), and it may still land"
                        + (published.isEmpty() ? "; the run published no file, and the retry finds the manifest or writes it"
                                : ", so the run's " + published.size() + " published file(s) stay, visible to readers that ignore manifests: the retry finds"
                                + " them committed, or sweeps them once it commits"), e);
            }
            deleteWithMarker(published, marker, markerEtag, markerWritten, e);
            throw e;
        }
        if (written.isPresent()) {
            return committedByThisRun(manifest, base, counter);
        }

        // Another run committed since this one read the base; or this run did, and a retried request then
        // failed its precondition.
        Optional<Manifest> winner;
        try {
            winner = manifests.read(base.manifestKey());
        }
        catch (IOException | RuntimeException unreadable) {
            // As when the read-back after an unanswered write fails: the manifest may be this run's (its first attempt landed,
            // answer lost), which this run then never logs. Its files stay (a manifest may name them) and the marker says
            // uncounted, so that the retry claims the commit if it is this run's, or sweeps the files if it is another's.
            abandonUncounted(marker, markerEtag, markerWritten, unreadable);
            throw new IOException("The manifest write of run " + manifest.run() + " for " + manifest.source().key() + " failed its precondition"
                    + " (another run committed first, or a retried attempt found this run's own first attempt landed), and "
                    + describe(base.manifestKey()) + " could not be read back to tell which (" + unreadable.getMessage() + ")"
                    + (published.isEmpty() ? "; the run published no file" : "; the run's " + published.size() + " published file(s) stay, visible to"
                            + " readers that ignore manifests") + ", and the retry counts the commit or sweeps them", unreadable);
        }
        if (winner.isPresent() && manifest.run().equals(winner.get().run())) {
            return committedByThisRun(winner.get(), base, counter);
        }
        try {
            silver.delete(published);
        }
        catch (IOException | RuntimeException e) {
            abandon(marker, markerEtag, markerWritten, e);
            throw e;
        }
        // Only once its files are gone: a marker left behind makes the next sweep look for them.
        silver.delete(List.of(marker));
        if (winner.isPresent() && sameOutcome(winner.get(), manifest)) {
            // The winner may have failed before its own sweep (its manifest write landed after it gave up on it), and
            // before it could log its commit: then this run counts it, if no other run claimed it first.
            Swept swept = sweep(winner.get(), base.manifestKey(), Optional.of(counter));
            return new Outcome(winner.get(), false, swept.countedByThisRun());
        }
        if (Manifest.WITHDRAWN.equals(manifest.status())) {
            throw new ConcurrentCommitException("Another commit of " + manifest.source().key() + " wrote " + base.manifestKey() + " first"
                    + winner.map(other -> " (" + other.status() + ", version " + other.source().etag() + ")").orElse("")
                    + ", while this run withdrew version " + manifest.source().etag() + " of the deleted object; nothing is withdrawn, and the"
                    + " retry checks again whether the object exists in bronze (uploaded again, it stays converted)");
        }
        throw new ConcurrentCommitException("Another conversion of " + manifest.source().key() + " committed "
                + base.manifestKey() + " first" + winner.map(other -> ", from version " + other.source().etag()
                        + (Manifest.WITHDRAWN.equals(other.status()) ? " withdrawn (the object was deleted from bronze)" : "")).orElse("")
                + ", while this run converted version " + manifest.source().etag()
                + "; this run's output is discarded and the retry converts the object as it is now");
    }

    /**
     * Whether the winner's commit is what this run's would have been: a conversion of the same source version, or
     * a withdrawal of it. A withdrawal and a conversion of the same bytes (deleted, then uploaded again) are
     * opposites: the loser's retry looks at the object again.
     */
    private static boolean sameOutcome(Manifest winner, Manifest manifest) {
        return Manifest.WITHDRAWN.equals(winner.status()) == Manifest.WITHDRAWN.equals(manifest.status())
                && winner.source().etag().equals(manifest.source().etag()) && winner.source().size() == manifest.source().size();
    }

    /** Refuses to send a completion that S3 could finalize after {@link #PUBLISHING_BOUND} ({@link #COMPLETION_WINDOW}). */
    private void requireCompletionWindow(Manifest manifest, Instant markerWritten) throws IOException {
        Duration publishing = Duration.between(markerWritten, clock.instant());
        if (publishing.compareTo(COMPLETION_WINDOW) >= 0) {
            throw new IOException("Run " + manifest.run() + " stopped publishing " + manifest.source().key() + " " + publishing.toSeconds()
                    + " s after writing its publishing marker (S3 slow to complete its uploads): a completion sent " + COMPLETION_WINDOW.toMinutes()
                    + " minutes or more after it could be finalized by S3 after a later run's sweep stopped looking for this run's files,"
                    + " visible for good; what the run published is deleted, its marker marked abandoned, and the retry converts the file again");
        }
    }

    /**
     * Sweeps after this run's own commit. A sweep that fails fails the run, so that its retry finishes the
     * cleanup; the commit stands all the same, and the failure says so ({@link CommittedException}): the
     * retry answers {@code unchanged}, so this run is the only one that can report what it committed.
     */
    private Outcome committedByThisRun(Manifest committed, Base base, Counter counter) throws CommittedException {
        try {
            // This run's own commit: it logs its line itself, and its marker was never marked uncounted. The manifest it replaced
            // may be one whose run's write went unanswered and landed, and whose mark landed after this run's first sweep of it: no
            // later sweep of that manifest, superseded now, would claim it, so this one does.
            sweep(committed, base.manifestKey(), Optional.empty(), base.manifest().map(replaced -> new ReplacedCount(replaced, counter)));
        }
        catch (IOException e) {
            throw new CommittedException(committed, base.manifestKey(), e);
        }
        return new Outcome(committed, true, false);
    }

    /**
     * The manifest a commit replaced, whose run's {@link #UNCOUNTED} marker the commit's own sweep claims for {@code counter}, which
     * logs that manifest's line.
     */
    private record ReplacedCount(Manifest replaced, Counter counter) {
        ReplacedCount {
            requireNonNull(replaced, "replaced is null");
            requireNonNull(counter, "counter is null");
        }
    }

    /**
     * Claims the line of {@code committed} for this run when its own run never logged it: that run's manifest write went
     * unanswered and landed (or its read-back failed), and the run said so in its publishing marker ({@link #UNCOUNTED})
     * before it failed. Of any runs that find the marker, one claims it: a conditional write replaces {@link #UNCOUNTED}
     * with {@link #COUNTED_BY} and a claim id drawn now, expecting the marker as read; a write whose answer is lost, or whose
     * retry fails its precondition, is read back for the id. Asked only of a marker the sweep listed: of the committed run,
     * or, in the sweep of a run's own commit, of the run whose manifest that commit replaced ({@link ReplacedCount}). A
     * run's marker is gone after its own sweep, so a redelivery or a replacement after an answered commit sends no request
     * for this.
     *
     * @return whether this run claimed it, and must log the commit's line, and whether the marker must stay ({@link #mayStillBeWritten})
     * @throws IOException when the claim's outcome cannot be known (its read-back failed): the run fails, unlogged, and
     *         should the claim have landed, the commit is counted by no run
     */
    private Claim claimUncounted(Manifest committed, String marker) throws IOException {
        Optional<VersionedContent> read = silver.readVersioned(marker);
        if (read.isEmpty()) {
            return new Claim(false, false);
        }
        if (!parseMarker(read.get().content()).uncounted()) {
            // Not marked (yet), or claimed: see mayStillBeWritten for why it stays while its run may still write it.
            return new Claim(false, mayStillBeWritten(read.get().content()));
        }
        String claim = CLAIM_NONCES.next() + CLAIM_NONCES.next();
        String content = new String(read.get().content(), StandardCharsets.UTF_8).strip();
        byte[] claimed = (content.substring(0, content.length() - UNCOUNTED.length()) + COUNTED_BY + " " + claim).getBytes(StandardCharsets.UTF_8);
        try {
            if (silver.putIf(marker, claimed, Optional.of(read.get().etag())).isPresent()) {
                return new Claim(true, mayStillBeWritten(claimed));
            }
        }
        catch (WriteRefusedException refused) {
            // S3 answered no to the only attempt: nothing landed. Another run may claim it; its retry may.
            throw new IOException("Could not claim the count of " + describe(layout.manifestKey(committed.dataset(), committed.source().key()))
                    + " (run " + committed.run() + ", whose manifest write went unanswered): S3 refused to rewrite its marker " + describe(marker)
                    + "; the run fails so that its retry claims it", refused);
        }
        catch (IOException | RuntimeException unanswered) {
            // The claim may have landed: only the marker can tell (below).
            try {
                return claimedBy(marker, claim);
            }
            catch (IOException | RuntimeException unreadable) {
                unanswered.addSuppressed(unreadable);
                throw new IOException("Could not tell whether this run claimed the count of run " + committed.run() + "'s commit of "
                        + committed.source().key() + " (its manifest write went unanswered, so it logged nothing): the claim of marker "
                        + describe(marker) + " went unanswered and the marker could not be read back. The run fails; if the claim landed,"
                        + " the commit's line is logged by no run, and its rows are in silver all the same", unanswered);
            }
        }
        // The precondition failed: another run claimed it first, or this one did and a retry of the request found it changed.
        try {
            return claimedBy(marker, claim);
        }
        catch (IOException | RuntimeException unreadable) {
            throw new IOException("Could not tell whether this run claimed the count of run " + committed.run() + "'s commit of "
                    + committed.source().key() + " (its manifest write went unanswered, so it logged nothing): the claim of marker "
                    + describe(marker) + " failed its precondition (another run claimed it, or this run's own first attempt landed) and the"
                    + " marker could not be read back to tell which (" + unreadable.getMessage() + "). The run fails; if the claim was this"
                    + " run's, the commit's line is logged by no run, and its rows are in silver all the same", unreadable);
        }
    }

    private Claim claimedBy(String marker, String claim) throws IOException {
        return silver.read(marker).map(content -> new Claim(parseMarker(content).countedBy().equals(Optional.of(claim)), mayStillBeWritten(content)))
                .orElse(new Claim(false, false));
    }

    /**
     * What {@link #claimUncounted} found: whether this run claimed the commit, and whether the marker must stay
     * ({@link #mayStillBeWritten}).
     */
    private record Claim(boolean byThisRun, boolean keep) {}

    /**
     * Whether the committed run may still write its marker: less than {@link #PUBLISHING_BOUND} has passed since the time the
     * marker holds. Another run's sweep keeps such a marker, whatever it says; a later sweep deletes it.
     * <p>
     * Not yet marked, it may be about to say {@link #UNCOUNTED}: the run's manifest write went unanswered, its read-back showed the
     * base, and the write landed after. A sweep that read it unmarked has nothing to claim, and were it to delete it, it could do
     * so after the mark landed and another run claimed it: the claimed marker gone, the run, or the SDK's resend of its mark
     * ({@code If-Match} on the version it wrote), would find the key empty, and anything written there then would be counted a
     * second time. Kept, the mark lands, or finds the marker claimed (412) and writes nothing; never deleted while the run lives,
     * the marker needs no rewrite when the mark finds it gone. Claimed ({@link #COUNTED_BY}), it must stay for the same reason: a
     * mark written {@code If-None-Match} (a run that published nothing), applied a second time, would find the key free.
     */
    private boolean mayStillBeWritten(byte[] content) {
        try {
            return clock.instant().isBefore(Instant.parse(new String(content, StandardCharsets.UTF_8).strip().split("\\s+")[0]).plus(PUBLISHING_BOUND));
        }
        catch (DateTimeParseException e) {
            // Claimed markers are written by this converter, with a time; a marker without one is as old as its run.
            return false;
        }
    }

    /**
     * Deletes what {@code committed} supersedes and every file, in the partitions it touches, of a run
     * that can no longer commit (or of a run from before runs were named). Safe at any time after the
     * commit, by any run: files of runs that read this manifest or a later one are never touched.
     *
     * <p>The markers of those runs go too once their files are gone, but for the marker of a run that may
     * still be publishing ({@link #PUBLISHING_BOUND}): such a run cannot commit any more, yet it may make
     * another file visible after this sweep listed its partition, and, killed before it deletes that file
     * itself, it would leave it visible for good had the marker that leads the next sweep to it gone. A
     * marker of the committed run stays for the same bound when another run sweeps, claimed or not: that run may still
     * mark it {@link #UNCOUNTED}, or its mark be applied again ({@link #mayStillBeWritten}).
     *
     * <p>A run that sweeps another run's commit passes a {@code counter}: when that run's marker says its commit is
     * still to be counted ({@link #UNCOUNTED}: its manifest write went unanswered and landed), the sweep claims it
     * and has the counter log its line, before it deletes anything. The committed run's own sweep passes none; it claims
     * instead the count of the manifest its commit replaced, whose mark may have landed after this run's first sweep of it
     * (the private overload, {@link ReplacedCount}).
     *
     * @return {@link Swept#laterRunPublished()}: whether a marker was seen of a later run that can no longer be
     *     publishing: a run that read this manifest as its base (so converted another version, or the same under
     *     other settings), published, and gave up ({@link #ABANDONED}: its manifest write failed, say) or was last
     *     heard of {@link #PUBLISHING_BOUND} ago (killed); a run last heard of that long ago counts only once a file of it
     *     is listed in the partition its marker names ({@link #laterRunPublished(String, String, SilverLayout.Publishing, Optional)}:
     *     a marker whose run never published stands for nothing to sweep). Its files may be visible, and they are not this sweep's
     *     to delete, since its manifest write may still land; only a commit on top of this manifest, which that
     *     write can then never overwrite, sweeps them. A run that published nothing ({@link #PUBLISHED_NOTHING})
     *     left no file to sweep, and is not one. {@link Swept#countedByThisRun()}: whether the counter logged
     *     {@code committed}'s line.
     */
    Swept sweep(Manifest committed, String manifestKey, Optional<Counter> counter) throws IOException {
        return sweep(committed, manifestKey, counter, Optional.empty());
    }

    /**
     * As {@link #sweep(Manifest, String, Optional)}; {@code replacedCount}: the committed run's own sweep, which also claims the
     * count of the manifest its commit replaced ({@link ReplacedCount}).
     */
    private Swept sweep(Manifest committed, String manifestKey, Optional<Counter> counter, Optional<ReplacedCount> replacedCount) throws IOException {
        requireNonNull(counter, "counter is null");
        requireNonNull(replacedCount, "replacedCount is null");
        boolean counted = false;
        Set<String> keep = new LinkedHashSet<>(committed.writtenKeys());
        Set<String> garbage = new LinkedHashSet<>(committed.supersedes());
        String sourceKey = committed.source().key();
        Set<LocalDate> partitions = new LinkedHashSet<>(List.of(LocalDate.parse(committed.ingestDate())));
        List<String> markers = new ArrayList<>();
        boolean laterRun = false;
        Optional<ReplacedClaimFailure> replacedClaimFailure = Optional.empty();
        for (String marker : silver.list(layout.publishingPrefix(committed.dataset(), sourceKey))) {
            Optional<SilverLayout.Publishing> publishing = SilverLayout.publishingOf(marker);
            // A marker of a later run is that run's: it may still commit.
            // Only the next generation: a run that read this manifest. A marker of a later one is of a lineage whose
            // manifest was deleted by hand (a reset), which this manifest's runs can neither sweep nor wait for.
            if (publishing.isPresent() && publishing.get().run().generation() == committed.generation() + 1 && !laterRun) {
                // One that is still publishing may commit: its own sweep, or its loss, settles it.
                laterRun = laterRunPublished(committed.dataset(), sourceKey, publishing.get(), readMarker(marker));
            }
            boolean committedRuns = publishing.isPresent() && publishing.get().run().token().equals(committed.run());
            // The committed run's own sweep passes no counter: that run marked nothing, so its marker was never claimed.
            boolean keepClaimed = false;
            if (committedRuns && counter.isPresent()) {
                Claim claim = claimUncounted(committed, marker);
                if (claim.byThisRun()) {
                    // Before anything here may fail: a claim not followed by its line would leave the commit counted by no run.
                    counter.get().count(committed);
                    counted = true;
                }
                keepClaimed = claim.keep();
            }
            if (replacedCount.isPresent() && publishing.isPresent() && publishing.get().run().token().equals(replacedCount.get().replaced().run())) {
                Claim claim;
                try {
                    claim = claimUncounted(replacedCount.get().replaced(), marker);
                }
                catch (IOException e) {
                    // No later run can claim it: a retry sweeps this run's manifest, which does not name the run it replaced. So the
                    // sweep goes on, deleting what this commit superseded, and the run fails after it saying the count is lost.
                    replacedClaimFailure = Optional.of(new ReplacedClaimFailure(marker, e));
                    claim = new Claim(false, false);
                }
                if (claim.byThisRun()) {
                    // Claimed, the marker says so, and mayGo keeps it while its run may still write it.
                    replacedCount.get().counter().count(replacedCount.get().replaced());
                }
            }
            if (publishing.isPresent() && publishing.get().run().generation() <= committed.generation()) {
                partitions.add(publishing.get().ingestDate());
                // The committed run published everything before its manifest; another run may still be at it, but for one that
                // published nothing: it wrote its marker last, having given up, and its manifest write can no longer land on this
                // manifest's generation. Kept for the bound, such a marker would stay until a delivery of the key that late, if any.
                // The committed run's marker stays while that run may still write it (mayStillBeWritten).
                if (committedRuns ? !keepClaimed : mayGo(marker)) {
                    markers.add(marker);
                }
            }
        }
        for (LocalDate ingestDate : partitions) {
            for (String prefix : List.of(layout.partPrefix(committed.dataset(), ingestDate, sourceKey),
                    layout.quarantinePrefix(committed.dataset(), ingestDate, sourceKey))) {
                for (String key : silver.list(prefix)) {
                    Optional<RunId> run = RunId.ofKey(key);
                    if (run.isEmpty() || run.get().generation() <= committed.generation()) {
                        garbage.add(key);
                    }
                }
            }
        }
        garbage.removeAll(keep);
        try {
            if (!garbage.isEmpty()) {
                silver.delete(garbage);
            }
        }
        catch (IOException e) {
            throw new IOException(manifestKey + " is committed, but " + garbage.size() + " superseded or abandoned file(s) could not be"
                    + " deleted; until a retry deletes them, readers that ignore manifests may see their rows too", e);
        }
        // Only once the files they point at are gone: a retry of a failed delete must still find their partitions.
        if (!markers.isEmpty()) {
            silver.delete(markers);
        }
        if (replacedClaimFailure.isPresent()) {
            Manifest replaced = replacedCount.orElseThrow().replaced();
            // Starts as the sweep's own failures do, so that CommittedException keeps it as it is: the cleanup did not fail.
            throw new IOException(manifestKey + " is committed and swept, but the count of the commit it replaced (run " + replaced.run() + ", "
                    + replaced.status() + " version " + replaced.source().etag() + " of " + sourceKey + ", whose manifest write went unanswered and"
                    + " landed late) could not be claimed in its marker " + describe(replacedClaimFailure.get().marker()) + " (see the cause): no"
                    + " later run claims it, a sweep of this manifest not knowing the run it replaced, so that commit's line is logged by no run",
                    replacedClaimFailure.get().cause());
        }
        return new Swept(laterRun, counted);
    }

    /** A claim of the replaced manifest's count that failed in the committed run's own sweep ({@link ReplacedCount}). */
    private record ReplacedClaimFailure(String marker, IOException cause) {}

    /**
     * Whether the run of a marker of the generation after the committed one left files that only a commit on top of the
     * committed manifest can sweep ({@link Swept#laterRunPublished()}). A run that gave up ({@link #ABANDONED}) and may still
     * be publishing did: a completion it gave up on may land yet, after any listing. A run that can no longer be publishing
     * ({@link #outlivedItsRun}) did only if a file of it is in the partition its marker names: a marker is written before
     * anything is published, so one whose own write failed (and landed all the same, its answers lost, or later, after its
     * run deleted it) or whose run was killed before publishing stands for no file, and would otherwise make every delivery
     * of the committed version convert it again, a second commit of the same bytes, counted twice. Listed once the run is
     * over, the partition holds every file the run will ever have there: S3 lists what was written before (strong
     * consistency, S3 User Guide, "Amazon S3 data consistency model"), and {@link #PUBLISHING_BOUND} has passed since.
     */
    private boolean laterRunPublished(String dataset, String sourceKey, SilverLayout.Publishing publishing, Optional<MarkerContent> marker)
            throws IOException {
        if (marker.isEmpty() || marker.get().publishedNothing()) {
            return false;
        }
        if (!outlivedItsRun(marker.get())) {
            return marker.get().abandoned();
        }
        for (String prefix : List.of(layout.partPrefix(dataset, publishing.ingestDate(), sourceKey),
                layout.quarantinePrefix(dataset, publishing.ingestDate(), sourceKey))) {
            for (String key : silver.list(prefix)) {
                if (RunId.ofKey(key).filter(publishing.run()::equals).isPresent()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * What a marker holds: when its run wrote it, whether the run then gave up ({@link #ABANDONED}), whether it published
     * nothing ({@link #PUBLISHED_NOTHING}), whether its commit, should its manifest land, is still to be counted
     * ({@link #UNCOUNTED}), and by which claim it was ({@link #COUNTED_BY}). Words a converter does not know are ignored.
     */
    private record MarkerContent(Instant written, boolean abandoned, boolean publishedNothing, boolean uncounted, Optional<String> countedBy) {}

    /** The marker's words, but for its time, which {@link #readMarker} reads (with the store's time for a marker without one). */
    private record MarkerWords(boolean abandoned, boolean publishedNothing, boolean uncounted, Optional<String> countedBy) {}

    private static MarkerWords parseMarker(byte[] content) {
        List<String> words = Arrays.asList(new String(content, StandardCharsets.UTF_8).strip().split("\\s+"));
        int countedBy = words.indexOf(COUNTED_BY);
        return new MarkerWords(words.size() > 1 && ABANDONED.equals(words.get(1)), words.size() > 1 && PUBLISHED_NOTHING.equals(words.get(1)),
                words.get(words.size() - 1).equals(UNCOUNTED),
                countedBy > 0 && countedBy + 1 < words.size() ? Optional.of(words.get(countedBy + 1)) : Optional.empty());
    }

    /**
     * The marker's content; empty for a marker gone since it was listed. A marker without a time, written by
     * a converter from before markers held one (a run of it may still be going while a new version is
     * deployed), is as old as the store says it is.
     */
    private Optional<MarkerContent> readMarker(String marker) throws IOException {
        Optional<byte[]> content = silver.read(marker);
        if (content.isEmpty()) {
            return Optional.empty();
        }
        String[] words = new String(content.get(), StandardCharsets.UTF_8).strip().split("\\s+");
        MarkerWords read = parseMarker(content.get());
        try {
            return Optional.of(new MarkerContent(Instant.parse(words[0]), read.abandoned(), read.publishedNothing(), read.uncounted(), read.countedBy()));
        }
        catch (DateTimeParseException e) {
            return silver.stat(marker).map(stored -> new MarkerContent(stored.lastModified(), read.abandoned(), read.publishedNothing(), read.uncounted(),
                    read.countedBy()));
        }
    }

    /**
     * Whether a sweep may delete the marker of a run that can no longer commit: it published nothing ({@link #PUBLISHED_NOTHING})
     * and its commit, if any, was not claimed ({@link #COUNTED_BY}: a claimed marker stays while its run may still write it,
     * {@link #mayStillBeWritten}), or it can no longer be publishing ({@link #outlivedItsRun}).
     * False for a marker gone since it was listed.
     */
    private boolean mayGo(String marker) throws IOException {
        return readMarker(marker).filter(read -> read.publishedNothing() && read.countedBy().isEmpty() || outlivedItsRun(read)).isPresent();
    }

    /** Whether the run that wrote the marker can no longer be publishing: it wrote it {@link #PUBLISHING_BOUND} ago or more. */
    private boolean outlivedItsRun(MarkerContent marker) {
        return !clock.instant().isBefore(marker.written().plus(PUBLISHING_BOUND));
    }

    private String publishingMarker(Manifest manifest) {
        RunId run = RunId.ofToken(manifest.run());
        return layout.publishingKey(manifest.dataset(), LocalDate.parse(manifest.ingestDate()), manifest.source().key(), run);
    }

    /** Aborts what is not published and deletes what is, after a failure before the manifest was written. */
    void discard(List<ObjectUpload> staged, List<String> keys, Throwable cause) {
        for (ObjectUpload upload : staged) {
            try {
                upload.abort();
            }
            catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        deleteQuietly(keys, cause);
    }

    /** Deletes the published files, then the marker, once they are gone: a marker left behind makes the next sweep look for them. */
    private void deleteWithMarker(List<String> published, String marker, Optional<String> markerEtag, Instant markerWritten, Throwable cause) {
        if (deleteQuietly(published, cause)) {
            deleteQuietly(List.of(marker), cause);
        }
        else {
            abandon(marker, markerEtag, markerWritten, cause);
        }
    }

    /**
     * Records in the run's marker that the run gave up with files that may be visible, so that the next run
     * of the source converts it again even when it finds the manifest's version ({@link #sweep}'s answer).
     * A failure is added to {@code cause}: the marker then says so once {@link #PUBLISHING_BOUND} has passed. The write
     * expects the version this run wrote ({@code markerEtag}): see {@link #abandonUncounted}.
     */
    private void abandon(String marker, Optional<String> markerEtag, Instant written, Throwable cause) {
        if (markerEtag.isEmpty()) {
            // Nothing was published (a rejected file has no parts): no marker to mark, and none to make.
            return;
        }
        try {
            // Nothing written (the precondition failed): this write's own first attempt landed, its answer lost, or the marker
            // is no longer this run's to mark.
            silver.putIf(marker, (written + " " + ABANDONED).getBytes(StandardCharsets.UTF_8), markerEtag);
        }
        catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * As {@link #abandon}, for a run whose manifest write went unanswered: should that write land, no run has logged the
     * commit, and the marker says so ({@link #UNCOUNTED}) for the run that finds the manifest to count it. A run that
     * published nothing (a rejected or empty file, a withdrawal) writes a marker for this alone ({@link #PUBLISHED_NOTHING}):
     * a rejection and a withdrawal are counted from their lines too (the withdrawn-files filter counts a withdrawal's). A
     * marker write that fails leaves the commit, should it land, uncounted.
     * <p>
     * The write is conditional on this run's own last write of the marker: {@code If-Match} on the version it wrote before
     * publishing, or, for a marker written for this alone, {@code If-None-Match} (its key names the run, so it is new). A plain
     * PUT can be applied twice (the SDK resends an attempt whose answer was lost, and S3 can complete a request after its
     * client gave up): applied again after the manifest landed and another run claimed the commit ({@link #COUNTED_BY}) and
     * swept, it would write {@link #UNCOUNTED} anew, and the next sweep would count the commit a second time. Conditional, the
     * second application finds the marker claimed (412) and writes nothing. No other run's sweep deletes the marker while this
     * run may still write it ({@link #mayStillBeWritten}), claimed or not yet marked, so neither the mark nor its second
     * application ever finds the key free. An empty answer (the precondition failed) means the first attempt landed, or
     * another run claimed the commit: nothing more to do.
     */
    private void abandonUncounted(String marker, Optional<String> markerEtag, Instant written, Throwable cause) {
        String state = markerEtag.isPresent() ? ABANDONED : PUBLISHED_NOTHING;
        byte[] marked = (written + " " + state + " " + UNCOUNTED).getBytes(StandardCharsets.UTF_8);
        try {
            silver.putIf(marker, marked, markerEtag);
        }
        catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** Deletes the keys; a failure is added to {@code cause}. Returns whether they are gone. */
    private boolean deleteQuietly(List<String> keys, Throwable cause) {
        if (keys.isEmpty()) {
            return true;
        }
        try {
            silver.delete(keys);
            return true;
        }
        catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
            return false;
        }
    }

    /** Where a key of the silver store is, for messages. */
    String describe(String key) {
        return silver.describe(key);
    }

    /** The source's manifest exists but cannot be read: a person must act; see {@link #base}. */
    static final class UnreadableManifestException extends IOException {
        UnreadableManifestException(String message) {
            super(message);
        }
    }

    /** @param why what could not be read in it ({@link ManifestStore.Stored#unreadable}) */
    private String unreadable(String manifestKey, String why) {
        String name = manifestKey.substring(manifestKey.lastIndexOf('/') + 1, manifestKey.length() - ".json".length());
        String dataset = manifestKey.substring(0, manifestKey.lastIndexOf('/'));
        dataset = dataset.substring(dataset.lastIndexOf('/') + 1);
        return "The manifest " + silver.describe(manifestKey) + " is unreadable (damaged, or written by a newer converter than this one; " + why + "):"
                + " which files it commits cannot be known, so converting over it could leave the previous version's rows beside the new ones."
                + " If a newer converter wrote it, deploy that one again. Otherwise delete it and the source's files, "
                // Patterns appended to real prefixes: a local store describes keys as paths, and '*' is no path on Windows.
                + silver.describe(layout.prefix() + dataset) + "/ingest_date=*/" + name + "-* and "
                + silver.describe(layout.prefix() + "_quarantine/" + dataset) + "/ingest_date=*/" + name + "-* and "
                + silver.describe(layout.prefix() + "_publishing/" + dataset) + "/" + name + "/*"
                + ", then deliver the object again";
    }

    /** Another run committed a different version of the source first; retryable. */
    static final class ConcurrentCommitException extends IOException {
        ConcurrentCommitException(String message) {
            super(message);
        }
    }

    /**
     * This run's manifest is committed, but the cleanup after it (the sweep) failed. The run fails so that
     * the event is retried and the retry finishes the cleanup, yet its rows are committed: the converter
     * reports the commit ({@link #committed()}) before failing, since the retry finds the version committed
     * and answers {@code unchanged}, which no metric counts.
     */
    static final class CommittedException extends IOException {
        private final transient Manifest committed;

        CommittedException(Manifest committed, String manifestKey, IOException cause) {
            super(describe(requireNonNull(manifestKey, "manifestKey is null"), requireNonNull(cause, "cause is null")), cause);
            this.committed = requireNonNull(committed, "committed is null");
        }

        /** The manifest this run committed. */
        Manifest committed() {
            return committed;
        }

        private static String describe(String manifestKey, IOException cause) {
            String message = String.valueOf(cause.getMessage());
            // The sweep's own delete failure already says the manifest is committed and what that leaves.
            return message.startsWith(manifestKey + " is committed") ? message
                    : manifestKey + " is committed, but the cleanup after it failed (" + message + "); until a retry of the event finishes it,"
                            + " files it superseded may stay visible to readers that ignore manifests";
        }
    }
}
