package dev.medallion.gold.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.json.AbsentNotNull;
import dev.medallion.common.json.StrictJson;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.VersionedContent;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One build at a time, without Lambda's reserved concurrency: a lease object in the gold bucket,
 * {@code <gold prefix>_lease/build.json}, taken with S3's conditional writes. A build removes every other
 * build of its model but the previous one, so two builds at once would delete each other's tables.
 * <ul>
 * <li>{@link #acquire} writes the lease with {@code If-None-Match: *} when there is none, or with
 *     {@code If-Match: <ETag>} over a lease whose expiry has passed (its holder crashed or was killed):
 *     of several builders racing for the same state, exactly one write succeeds
 *     ({@link ObjectStore#putIf}). The lease names its holder and the attempt (a token drawn for each
 *     acquisition), and expires when the holder's invocation must have ended (its deadline plus
 *     {@link #CLOCK_MARGIN}), so a crashed build holds it no longer than the function's timeout. Until
 *     then it is held whoever asks, the holder's own request id included.</li>
 * <li>{@link Held#release} deletes it, after reading it back to check it is still the same attempt's.</li>
 * </ul>
 * Core code: no Lambda, and any {@link ObjectStore} (S3, or a directory for tests).
 */
public final class BuildLease {
    /** Room for the clocks of two invocations (and of S3, which dates nothing here) to disagree. */
    public static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);
    /** Read-and-write rounds before a lease that keeps vanishing under our writes is reported held. */
    static final int ACQUISITION_ROUNDS = 3;

    private final ObjectStore gold;
    private final String key;
    private final Clock clock;
    /**
     * Strict ({@link StrictJson}): a lease read as another value (a holder or attempt written as a number read as its digits, the
     * last of two expiries taken) could let two builds run at once, or keep builds out; a damaged lease is refused instead.
     */
    private final ObjectMapper mapper = StrictJson.mapperBuilder().build();

    /** @param prefix the gold prefix, empty or ending in '/' */
    public BuildLease(ObjectStore gold, String prefix, Clock clock) {
        this.gold = requireNonNull(gold, "gold is null");
        this.key = requireNonNull(prefix, "prefix is null") + "_lease/build.json";
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** {@code <gold prefix>_lease/build.json}: '_' keeps it apart from model folders, whose names start with a letter. */
    public String key() {
        return key;
    }

    /**
     * Takes the lease for {@code holder} until {@code until} (the invocation's deadline) plus
     * {@link #CLOCK_MARGIN}, or answers who holds it. Storage failures are thrown, never taken for a
     * held lease.
     *
     * @param batchBuild whether the holder builds every model for a batch of the trigger queue (see
     *     {@link Lease#batchBuild})
     */
    public Acquisition acquire(String holder, Instant until, boolean batchBuild) throws IOException {
        requireNonNull(holder, "holder is null");
        requireNonNull(until, "until is null");
        String attempt = newAttempt();
        for (int round = 1; ; round++) {
            Optional<Acquisition> acquisition = tryAcquire(holder, attempt, until, batchBuild);
            if (acquisition.isPresent()) {
                return acquisition.get();
            }
            if (round == ACQUISITION_ROUNDS) {
                // Each round lost to a build that ended at once: builds come and go faster than we can write.
                // The caller defers as for a held lease; the trigger that comes back tries again.
                Instant now = clock.instant();
                return new Acquisition(Optional.empty(), Optional.of(Lease.of("(builds that have just ended)", now, now, false, "")));
            }
        }
    }

    /**
     * One read and conditional write: the acquisition, or empty when the lease our write lost to is gone
     * already (taken and released between our read and our write: a build that found nothing changed can
     * take seconds), so that it is free again and worth another round rather than reported held.
     */
    private Optional<Acquisition> tryAcquire(String holder, String attempt, Instant until, boolean batchBuild) throws IOException {
        Instant now = clock.instant();
        Optional<VersionedContent> current = gold.readVersioned(key);
        Optional<String> expected = Optional.empty();
        if (current.isPresent()) {
            Lease lease = parse(current.get().content());
            if (now.isBefore(lease.expiry())) {
                // Held, even when its holder is our own request id: Lambda may deliver one asynchronous event
                // twice, to two environments at once, under the same request id. A retry of an attempt that
                // was killed comes a minute or more after the attempt's deadline, when its lease has expired.
                return Optional.of(new Acquisition(Optional.empty(), Optional.of(lease)));
            }
            // Expired: its holder's invocation has ended, whatever it was doing. Replace exactly that version.
            expected = Optional.of(current.get().etag());
        }
        Lease mine = Lease.of(holder, now, until.plus(CLOCK_MARGIN), batchBuild, attempt);
        Optional<String> written = gold.putIf(key, mapper.writeValueAsBytes(mine), expected);
        if (written.isPresent()) {
            return Optional.of(new Acquisition(Optional.of(new Held(mine)), Optional.empty()));
        }
        // Another builder came first, or our own write landed and its answer was lost: the lease says which.
        Optional<VersionedContent> winner = gold.readVersioned(key);
        if (winner.isEmpty()) {
            return Optional.empty();
        }
        Lease lease = parse(winner.get().content());
        if (lease.sameAttempt(mine)) {
            return Optional.of(new Acquisition(Optional.of(new Held(lease)), Optional.empty()));
        }
        return Optional.of(new Acquisition(Optional.empty(), Optional.of(lease)));
    }

    /**
     * A token of this acquisition, which tells apart two attempts of one request id. Drawn here, from a
     * generator made for it: one made in the constructor would be copied, state and all, into every
     * environment SnapStart restores from one snapshot.
     */
    private static String newAttempt() {
        byte[] token = new byte[16];
        new SecureRandom().nextBytes(token);
        return HexFormat.of().formatHex(token);
    }

    private Lease parse(byte[] content) throws IOException {
        Lease lease;
        try {
            lease = mapper.readValue(content, Lease.class);
            if (lease != null && lease.formatVersion() <= Lease.FORMAT_VERSION) {
                lease.expiry();
                lease.acquisition();
                return lease;
            }
        }
        catch (IOException | RuntimeException e) {
            throw new IOException("The gold build lease " + gold.describe(key) + " is not valid JSON of a lease (" + ErrorMessages.describe(e)
                    + "); if no build is running (see the gold builder's log), delete it", e);
        }
        if (lease == null) {
            // Jackson reads the JSON literal null as no object at all (jackson-databind#907), not as an error.
            throw new IOException("The gold build lease " + gold.describe(key) + " is JSON null, not a lease; if no build is running"
                    + " (see the gold builder's log), delete it");
        }
        // As a build state of a newer format (BuildStateStore): what it means, its expiry included, may be what this builder cannot
        // see, and a lease misread lets two builds run at once. Never taken over: a person decides.
        throw new IOException("The gold build lease " + gold.describe(key) + " is of format " + lease.formatVersion() + ", and this gold-ctas reads up to format "
                + Lease.FORMAT_VERSION + ": a newer gold-ctas wrote it, which this one would misread. If this one was deployed back by mistake, deploy the"
                + " newer gold-ctas again (roll forward); to stay on this one, delete the lease once no build is running (see the gold builder's log)");
    }

    /**
     * A lease as stored.
     *
     * @param holder who builds: the invocation's request id, or a name for a local run
     * @param acquiredAt when the build took it
     * @param expiresAt after this, anyone may take it over
     * @param batchBuild the holder builds every model whose inputs changed, for a batch of the trigger
     *     queue (logged by a build finding it held). It decides nothing: a batch finding the lease held
     *     hands back every message whatever the holder, since the holder may fail, and its batch's
     *     messages may be the very ones handed back (SQS delivers a message at least once).
     * @param attempt the token of the acquisition that wrote it; null in a lease written before it was
     *     recorded, which matches no attempt
     * @param formatVersion {@link #FORMAT_VERSION}; absent (null) in a lease written before it was recorded, of format 1
     */
    public record Lease(
            @AbsentNotNull("a gold-ctas writes its lease format, one from before it was recorded leaves the field out (read as format 1)")
            Integer formatVersion,
            String holder,
            String acquiredAt,
            String expiresAt,
            @AbsentNotNull("a gold-ctas writes true or false, one from before it was recorded leaves the field out (read as false)")
            boolean batchBuild,
            @AbsentNotNull("a gold-ctas writes the token of its acquisition, one from before it was recorded leaves the field out (matching no"
                    + " attempt)")
            String attempt) {
        /** Raised by a builder that changes what a lease means; a lease of a newer format is refused when read. */
        public static final int FORMAT_VERSION = 1;

        public Lease {
            // Absent in the leases of builders before it was written; an explicit null, which no builder wrote, is refused when read
            // (AbsentNotNull), so only a lease of format 1 reaches this constructor with none.
            formatVersion = formatVersion == null ? 1 : formatVersion;
            if (formatVersion < 1) {
                throw new IllegalArgumentException("formatVersion is " + formatVersion + ", not a lease format: 1 to " + FORMAT_VERSION);
            }
            requireNonNull(holder, "holder is null");
            requireNonNull(acquiredAt, "acquiredAt is null");
            requireNonNull(expiresAt, "expiresAt is null");
        }

        static Lease of(String holder, Instant acquiredAt, Instant expiresAt, boolean batchBuild, String attempt) {
            return new Lease(FORMAT_VERSION, holder, acquiredAt.toString(), expiresAt.toString(), batchBuild, requireNonNull(attempt, "attempt is null"));
        }

        /** Whether both were written by the same acquisition: the same holder is not enough (see {@link BuildLease#acquire}). */
        boolean sameAttempt(Lease other) {
            return holder.equals(other.holder) && attempt != null && attempt.equals(other.attempt);
        }

        public Instant acquisition() {
            return Instant.parse(acquiredAt);
        }

        public Instant expiry() {
            return Instant.parse(expiresAt);
        }
    }

    /** Either the lease is {@code held} by the caller now, or it is {@code heldBy} another build. */
    public record Acquisition(Optional<Held> held, Optional<Lease> heldBy) {
        public Acquisition {
            requireNonNull(held, "held is null");
            requireNonNull(heldBy, "heldBy is null");
            if (held.isPresent() == heldBy.isPresent()) {
                throw new IllegalArgumentException("A lease is either held or held by another");
            }
        }
    }

    /** The caller's lease: release it when the build ends, whatever the outcome. */
    public final class Held {
        private final Lease lease;

        private Held(Lease lease) {
            this.lease = requireNonNull(lease, "lease is null");
        }

        public Lease lease() {
            return lease;
        }

        /**
         * Deletes the lease when it is still this attempt's. When it expired and another build took it
         * over (this invocation outlived its own deadline, which Lambda does not allow), it is left to
         * that build, even one of the same request id. Returns whether it was deleted.
         */
        public boolean release() throws IOException {
            Optional<VersionedContent> current = gold.readVersioned(key);
            if (current.isEmpty() || !parse(current.get().content()).sameAttempt(lease)) {
                return false;
            }
            // Unconditional, and safe: no one takes the lease over before it expires, 5 s after this invocation's
            // deadline, and this runs before it. S3's If-Match on DeleteObject would close even that window, but
            // LocalStack 4.14 refuses it in general purpose buckets (localstack#12787, #13894): see the README.
            gold.delete(List.of(key));
            return true;
        }
    }
}
