package dev.medallion.gold.build;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Which of a model's builds a reader's query may still be on although the view no longer selects from them.
 * Athena resolves the view when it plans a query, so a query planned before a swap reads the build it replaced
 * until it ends or Athena cancels it at its DML query timeout; a build removed under it fails it (its table gone,
 * or its files: {@code HIVE_CANNOT_OPEN_SPLIT}, S3's NoSuchKey). With gold rebuilt at every batch of silver
 * commits, two swaps within one long dashboard query happen, so "the current and the previous build" is not enough.
 * <p>
 * When a build stopped being the view's is not recorded, but bounded by the build that superseded it: its swap came
 * after that build started (its id says when) and before its invocation ended, at most {@link #LONGEST_BUILD_BEFORE_SWAP}
 * later, and a query planned on it before then runs on for up to the account's DML query timeout (a Service Quota, 30
 * minutes unless raised, up to 240; {@code ATHENA_DML_QUERY_TIMEOUT_MINUTES}, read by {@code GoldSettings}).
 * The superseding build is taken to be the next newer build of the model: the one that swapped in, unless
 * that one was killed before its swap and its leftovers are still there, when the build that did swap in started
 * later, and the older build may be removed while a query planned on it before that later swap still runs. Nothing
 * tells a build never swapped in from one readers were on, so the rule keeps both: a killed build's leftovers are
 * kept the same way, and removed by a later invocation. Where a swap is known, the build it replaced is bounded by it
 * instead, when that is later: a build's state names its current build and the previous one, the view's until the
 * current one's swap, and carries on the builds earlier swaps replaced while their readers' queries may still run
 * ({@code BuildState.replaced}), so a killed build's leftover started between a build and the one that replaced it
 * does not shorten its grace.
 */
final class ReadersGrace {
    /**
     * The longest from a build's start, the time its id begins with, to its swap: the swap runs inside the
     * invocation, which Lambda ends at its timeout, 15 minutes at most (a run without a Lambda context has the same
     * deadline). So a build whose successor started less than this ago may still have been the view's a moment ago.
     */
    static final Duration LONGEST_BUILD_BEFORE_SWAP = Duration.ofMinutes(15);

    private final Duration grace;

    /**
     * @param athenaDmlQueryTimeout the account's Athena DML query timeout (a Service Quota: 30 minutes unless raised,
     *        up to 240), after which Athena cancels a reader's query: how long one planned before a swap may still run
     */
    ReadersGrace(Duration athenaDmlQueryTimeout) {
        requireNonNull(athenaDmlQueryTimeout, "athenaDmlQueryTimeout is null");
        if (athenaDmlQueryTimeout.isNegative() || athenaDmlQueryTimeout.isZero()) {
            throw new IllegalArgumentException("athenaDmlQueryTimeout must be positive: " + athenaDmlQueryTimeout);
        }
        this.grace = athenaDmlQueryTimeout.plus(LONGEST_BUILD_BEFORE_SWAP);
    }

    /** How long after the next newer build's start a build is kept for the queries that may still read it: the DML query timeout plus {@link #LONGEST_BUILD_BEFORE_SWAP}. */
    Duration grace() {
        return grace;
    }

    /**
     * The builds among {@code builds} (every build of one model known: in S3, in Glue, the state's, the view's)
     * whose next newer build among them started less than {@link #grace()} before {@code now}, in id order. Newer
     * by start time, to the second, not by id: of two builds started in the same second, the ids' random parts
     * do not say which came first, so each counts as the other's next newer build. A build started after every
     * other is not superseded, and the caller keeps it or not by its own rules.
     */
    List<BuildId> mayStillBeRead(Collection<BuildId> builds, Instant now) {
        return mayStillBeRead(builds, Map.of(), now);
    }

    /**
     * As {@link #mayStillBeRead(Collection, Instant)}, but a build of {@code replacedBy}'s keys, known to have been the
     * view's until the swap of the build it maps to, is kept while that build started less than {@link #grace()} ago
     * too: a leftover of a build killed before its swap, started in between, is its next newer build, and alone would
     * let it go while queries planned before the later swap still read it.
     */
    List<BuildId> mayStillBeRead(Collection<BuildId> builds, Map<BuildId, BuildId> replacedBy, Instant now) {
        requireNonNull(builds, "builds is null");
        requireNonNull(replacedBy, "replacedBy is null");
        requireNonNull(now, "now is null");
        Instant supersededBefore = now.minus(grace);
        List<BuildId> sorted = new ArrayList<>(new TreeSet<>(builds));
        List<BuildId> read = new ArrayList<>();
        for (BuildId build : sorted) {
            Optional<Instant> nextNewerStart = Stream.concat(
                            sorted.stream().filter(other -> !other.equals(build)).map(BuildId::startedAt).filter(start -> !start.isBefore(build.startedAt()))
                                    .min(Instant::compareTo).stream(),
                            Optional.ofNullable(replacedBy.get(build)).map(BuildId::startedAt).stream())
                    .max(Instant::compareTo);
            if (nextNewerStart.isPresent() && nextNewerStart.get().isAfter(supersededBefore)) {
                read.add(build);
            }
        }
        return read;
    }

    /**
     * The entries of {@code replacedBy} whose replacing build started less than {@link #grace()} before {@code now}: a
     * reader's query planned on the replaced build before that build's swap may still run. What a build's state carries
     * on for the builds after it; an entry older than that keeps nothing.
     */
    Map<BuildId, BuildId> stillRead(Map<BuildId, BuildId> replacedBy, Instant now) {
        requireNonNull(replacedBy, "replacedBy is null");
        requireNonNull(now, "now is null");
        Instant supersededBefore = now.minus(grace);
        Map<BuildId, BuildId> read = new TreeMap<>();
        replacedBy.forEach((replaced, by) -> {
            if (by.startedAt().isAfter(supersededBefore)) {
                read.put(replaced, by);
            }
        });
        return read;
    }
}
