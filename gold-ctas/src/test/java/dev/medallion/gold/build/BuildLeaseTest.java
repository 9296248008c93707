package dev.medallion.gold.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import dev.medallion.common.storage.VersionedContent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lease's rules on a directory laid out as the gold bucket, with a clock the test moves. */
class BuildLeaseTest {
    private static final Instant START = Instant.parse("2026-03-14T23:30:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(900);

    @TempDir
    Path temporary;

    /**
     * The stores' root: a folder of the TempDir, not the TempDir itself, because a store's conditional writes lock a file beside
     * its root ({@code .<name>.medallion-lock} in its parent), which must stay inside the TempDir JUnit deletes.
     */
    private Path root;

    @BeforeEach
    void giveTheStoresAFolderInTheTempDir() throws IOException {
        root = Files.createDirectories(temporary.resolve("gold"));
    }

    @Test
    void theFirstBuilderTakesItAndTheNextIsToldWhoHoldsItUntilWhen() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        BuildLease first = new BuildLease(gold, "tables/", clockAt(START));
        BuildLease second = new BuildLease(gold, "tables/", clockAt(START.plusSeconds(30)));

        BuildLease.Acquisition taken = first.acquire("request-1", START.plus(TIMEOUT), false);
        BuildLease.Acquisition refused = second.acquire("request-2", START.plusSeconds(30).plus(TIMEOUT), true);

        assertTrue(taken.held().isPresent());
        assertEquals("tables/_lease/build.json", first.key());
        BuildLease.Lease holder = refused.heldBy().orElseThrow();
        assertEquals("request-1", holder.holder());
        assertEquals(START.toString(), holder.acquiredAt());
        assertEquals(START.plus(TIMEOUT).plus(BuildLease.CLOCK_MARGIN), holder.expiry(), "the holder's deadline, plus the clock margin");
        assertEquals(false, holder.batchBuild(), "a direct build");
        assertTrue(refused.held().isEmpty());
    }

    @Test
    void aSecondDeliveryOfTheSameRequestWaitsLikeAnyOtherBuild() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        BuildLease.Held first = new BuildLease(gold, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), false).held().orElseThrow();

        // 2 s later, while the first builds, Lambda delivers the same asynchronous event again, same request id, to another environment.
        BuildLease.Acquisition duplicate = new BuildLease(gold, "", clockAt(START.plusSeconds(2))).acquire("request-1", START.plusSeconds(2).plus(TIMEOUT), false);

        assertTrue(duplicate.held().isEmpty(), "both would build at once, each removing the other's builds");
        assertEquals("request-1", duplicate.heldBy().orElseThrow().holder());
        assertEquals(first.lease(), duplicate.heldBy().orElseThrow());
    }

    @Test
    void anAttemptReleasesOnlyItsOwnLeaseNotOneItsRequestTookAgain() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        BuildLease.Held killed = new BuildLease(gold, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true).held().orElseThrow();
        Instant expiry = START.plus(TIMEOUT).plus(BuildLease.CLOCK_MARGIN);
        BuildLease.Held retry = new BuildLease(gold, "", clockAt(expiry)).acquire("request-1", expiry.plus(TIMEOUT), true).held().orElseThrow();

        assertFalse(killed.release(), "the same request id, but the lease is the retry's attempt now");
        assertTrue(new BuildLease(gold, "", clockAt(expiry.plusSeconds(1))).acquire("request-2", expiry.plusSeconds(1).plus(TIMEOUT), true).heldBy().isPresent(),
                "a third build would overlap the retry");
        assertTrue(retry.release());
    }

    @Test
    void releasedItIsFreeForTheNextBuild() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        BuildLease lease = new BuildLease(gold, "", clockAt(START));
        BuildLease.Held held = lease.acquire("request-1", START.plus(TIMEOUT), true).held().orElseThrow();

        assertTrue(held.release());

        assertEquals(Optional.empty(), gold.stat("_lease/build.json"));
        assertTrue(lease.acquire("request-2", START.plus(TIMEOUT), true).held().isPresent());
    }

    @Test
    void anExpiredLeaseIsTakenOverAndItsFormerHolderCannotReleaseTheNewOne() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        BuildLease.Held crashed = new BuildLease(gold, "", clockAt(START)).acquire("request-killed", START.plus(TIMEOUT), true).held().orElseThrow();

        // Just before the expiry it is still held; just after, it is taken over.
        Instant expiry = START.plus(TIMEOUT).plus(BuildLease.CLOCK_MARGIN);
        assertTrue(new BuildLease(gold, "", clockAt(expiry.minusMillis(1))).acquire("request-2", expiry.plus(TIMEOUT), true).heldBy().isPresent());
        BuildLease.Held next = new BuildLease(gold, "", clockAt(expiry)).acquire("request-3", expiry.plus(TIMEOUT), true).held().orElseThrow();

        assertEquals("request-3", next.lease().holder());
        assertFalse(crashed.release(), "the lease is request-3's now");
        assertTrue(gold.stat("_lease/build.json").isPresent());
        assertTrue(next.release());
    }

    @Test
    void aRetryOfTheSameRequestTakesOverTheLeaseItsKilledAttemptLeftOnceItExpired() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        new BuildLease(gold, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true).held().orElseThrow();
        // Lambda kills the attempt at its deadline and retries a minute or more later: the lease, expiring 5 s
        // after that deadline, has expired by then.
        Instant expiry = START.plus(TIMEOUT).plus(BuildLease.CLOCK_MARGIN);
        assertTrue(new BuildLease(gold, "", clockAt(expiry.minusMillis(1))).acquire("request-1", expiry.plus(TIMEOUT), true).heldBy().isPresent());

        BuildLease.Acquisition retry = new BuildLease(gold, "", clockAt(expiry.plusSeconds(60))).acquire("request-1", expiry.plusSeconds(60).plus(TIMEOUT), true);

        assertEquals(expiry.plusSeconds(60).toString(), retry.held().orElseThrow().lease().acquiredAt());
        assertTrue(new BuildLease(gold, "", clockAt(expiry.plusSeconds(61))).acquire("request-2", expiry.plusSeconds(61).plus(TIMEOUT), true).heldBy().isPresent());
    }

    @Test
    void aDamagedLeaseIsAnErrorThatSaysWhatToDoNeverATakeover() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("_lease/build.json", "{\"holder\": \"x\"".getBytes(StandardCharsets.UTF_8));

        IOException damaged = assertThrows(IOException.class, () -> new BuildLease(gold, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true));

        assertTrue(damaged.getMessage().contains("_lease/build.json") && damaged.getMessage().contains("delete it"), damaged.getMessage());
    }

    /**
     * A damaged lease (by hand: S3 writes whole objects) is refused naming the field, never read as another lease and taken over
     * or obeyed: leniently, a holder or attempt written as a number was read as its digits, {@code "batchBuild": "true"} or 1 as
     * true, the last of two {@code expiresAt}s taken (an expired one here, so the damaged lease was taken over while its build may
     * still run), text after the object ignored. An expiry written as a number was refused already (no instant), and still is.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"holder\": 123,|holder",
            "\"attempt\": 12345,|attempt",
            "\"batchBuild\": \"true\",|batchBuild",
            "\"batchBuild\": 1,|batchBuild",
            "\"expiresAt\": \"2026-03-15T00:00:00Z\",|Duplicate field 'expiresAt'",
            "\"expiresAt\": 1.7e12,|expiresAt"})
    void aDamagedLeaseIsRefusedNamingTheFieldNeverTakenOver(String damage, String field) throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        byte[] damaged = expiredLeaseWith(damage).getBytes(StandardCharsets.UTF_8);
        gold.put("_lease/build.json", damaged);

        IOException refused = assertThrows(IOException.class, () -> new BuildLease(gold, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true));

        assertTrue(refused.getMessage().contains(field) && refused.getMessage().contains("delete it"), refused.getMessage());
        assertArrayEquals(damaged, gold.read("_lease/build.json").orElseThrow(), "the damaged lease is left for a person");
    }

    @Test
    void textAfterALeaseIsRefused() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("_lease/build.json", (expiredLeaseWith("") + " {}").getBytes(StandardCharsets.UTF_8));

        IOException refused = assertThrows(IOException.class, () -> new BuildLease(gold, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true));

        assertTrue(refused.getMessage().contains("Trailing token"), refused.getMessage());
    }

    /** A lease that is JSON null whole (Jackson reads it as no object at all) is damaged, said so, not a NullPointerException. */
    @Test
    void aLeaseThatIsJsonNullIsRefusedAsDamagedNamingNoNullPointer() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("_lease/build.json", " null\n".getBytes(StandardCharsets.UTF_8));

        IOException refused = assertThrows(IOException.class, () -> new BuildLease(gold, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true));

        assertTrue(refused.getMessage().contains("is JSON null, not a lease") && refused.getMessage().contains("delete it"), refused.getMessage());
        assertFalse(refused.getMessage().contains("NullPointerException"), refused.getMessage());
        assertEquals(" null\n", new String(gold.read("_lease/build.json").orElseThrow(), StandardCharsets.UTF_8), "never taken over");
    }

    /**
     * A lease of a newer format (an older gold-ctas deployed again by a rollback, while or after the newer one built) may mean what this
     * builder cannot see: refused, saying which version wrote it and what to do, never taken over nor read as this builder's lease.
     */
    @Test
    void aLeaseOfANewerFormatIsRefusedSayingANewerGoldCtasWroteItNeverTakenOver() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        byte[] newer = expiredLeaseWith("\"formatVersion\": 2,").getBytes(StandardCharsets.UTF_8);
        gold.put("tables/_lease/build.json", newer);

        IOException refused = assertThrows(IOException.class, () -> new BuildLease(gold, "tables/", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true));

        assertTrue(refused.getMessage().contains("tables/_lease/build.json") && refused.getMessage().contains("format 2")
                && refused.getMessage().contains("format 1") && refused.getMessage().contains("a newer gold-ctas wrote it")
                && refused.getMessage().contains("deploy the newer gold-ctas again (roll forward)"), refused.getMessage());
        assertArrayEquals(newer, gold.read("tables/_lease/build.json").orElseThrow());
    }

    /** No builder wrote a format below 1: damaged, where it was read as a lease. */
    @Test
    void aLeaseOfNoFormatIsRefusedAsDamaged() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("_lease/build.json", expiredLeaseWith("\"formatVersion\": 0,").getBytes(StandardCharsets.UTF_8));

        IOException refused = assertThrows(IOException.class, () -> new BuildLease(gold, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true));

        assertTrue(refused.getMessage().contains("formatVersion is 0") && refused.getMessage().contains("delete it"), refused.getMessage());
    }

    /**
     * No gold-ctas wrote null in a lease: a lease written before {@code formatVersion}, {@code batchBuild} or {@code attempt} was
     * recorded leaves the field out (read as format 1, a build for no batch, an attempt matching none). An explicit null is damage naming
     * the field, never read as the field left out, nor taken over, expired as it is; left out, the field still reads as before.
     */
    @ParameterizedTest
    @CsvSource({"formatVersion", "batchBuild", "attempt"})
    void aLeaseWithANullFieldIsRefusedAsDamagedNamingTheFieldWhereLeftOutItIsRead(String field) throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        ObjectNode written = (ObjectNode) new ObjectMapper().readTree(expiredLeaseWith("\"formatVersion\": 1,"));
        byte[] damaged = written.deepCopy().putNull(field).toString().getBytes(StandardCharsets.UTF_8);
        gold.put("tables/_lease/build.json", damaged);

        IOException refused = assertThrows(IOException.class, () -> new BuildLease(gold, "tables/", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true));

        assertTrue(refused.getMessage().contains("tables/_lease/build.json") && refused.getMessage().contains("\"" + field + "\"")
                && refused.getMessage().contains("null, where") && refused.getMessage().contains("delete it"), refused.getMessage());
        assertArrayEquals(damaged, gold.read("tables/_lease/build.json").orElseThrow(), "never taken over");

        ObjectNode leftOut = written.deepCopy();
        leftOut.remove(field);
        gold.put("tables/_lease/build.json", leftOut.toString().getBytes(StandardCharsets.UTF_8));
        assertTrue(new BuildLease(gold, "tables/", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true).held().isPresent(),
                "left out, read as an expired lease and taken over");
    }

    /** A lease as this builder writes it names its format; one written before it did (none) is of format 1 and read as ever. */
    @Test
    void aLeaseNamesItsFormatAndOneWrittenBeforeItDidIsRead() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        new BuildLease(gold, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true).held().orElseThrow();
        assertTrue(new String(gold.read("_lease/build.json").orElseThrow(), StandardCharsets.UTF_8).contains("\"formatVersion\":1"));

        gold.put("_lease/build.json", heldLeaseWith("").getBytes(StandardCharsets.UTF_8));
        BuildLease.Lease before = new BuildLease(gold, "", clockAt(START)).acquire("request-2", START.plus(TIMEOUT), true).heldBy().orElseThrow();

        assertEquals("request-0", before.holder());
    }

    /** A field this builder does not know, a newer builder's during a deploy or after a rollback, is passed over. */
    @Test
    void aLeaseWithFieldsThisBuilderDoesNotKnowIsRead() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("_lease/build.json", heldLeaseWith("\"newerField\": {\"x\": [1, 2.5, null]},").getBytes(StandardCharsets.UTF_8));

        BuildLease.Acquisition refused = new BuildLease(gold, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), true);

        assertEquals("request-0", refused.heldBy().orElseThrow().holder());
    }

    /** A lease as a builder writes it, expired at {@link #START}, {@code fields} first: a field given again there is given twice. */
    private static String expiredLeaseWith(String fields) {
        return leaseWith(fields, START.minus(TIMEOUT), START.minusSeconds(1));
    }

    /** A lease as a builder writes it, held at {@link #START}, {@code fields} first. */
    private static String heldLeaseWith(String fields) {
        return leaseWith(fields, START.minusSeconds(1), START.plus(TIMEOUT));
    }

    private static String leaseWith(String fields, Instant acquiredAt, Instant expiresAt) {
        return "{" + fields + " \"holder\": \"request-0\", \"acquiredAt\": \"" + acquiredAt + "\", \"expiresAt\": \"" + expiresAt
                + "\", \"batchBuild\": false, \"attempt\": \"0123456789abcdef\"}";
    }

    @Test
    void aLeaseTakenAndReleasedBetweenOurReadAndOurWriteIsTakenNotReportedHeld() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        // Another invocation takes the free lease, finds nothing changed and releases it, all between our read and our write.
        ObjectStore racing = new QuickBuildBeforeEachWrite(gold, 1, clockAt(START));

        BuildLease.Acquisition ours = new BuildLease(racing, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), false);

        assertTrue(ours.held().isPresent(), "no build holds the lease, yet it is reported held by " + ours.heldBy().map(BuildLease.Lease::holder).orElse(""));
        assertEquals("request-1", ours.held().get().lease().holder());
    }

    @Test
    void aLeaseThatKeepsVanishingUnderOurWritesIsReportedHeldAfterAFewRounds() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        ObjectStore racing = new QuickBuildBeforeEachWrite(gold, BuildLease.ACQUISITION_ROUNDS, clockAt(START));

        BuildLease.Acquisition ours = new BuildLease(racing, "", clockAt(START)).acquire("request-1", START.plus(TIMEOUT), false);

        assertEquals("(builds that have just ended)", ours.heldBy().orElseThrow().holder());
        assertEquals(Optional.empty(), gold.stat("_lease/build.json"), "nothing of ours left behind");
    }

    /** Before each of the first {@code builds} conditional writes, a whole quick build takes the lease and releases it: our write fails its precondition. */
    private static final class QuickBuildBeforeEachWrite implements ObjectStore {
        private final ObjectStore store;
        private final Clock clock;
        private int builds;

        QuickBuildBeforeEachWrite(ObjectStore store, int builds, Clock clock) {
            this.store = store;
            this.builds = builds;
            this.clock = clock;
        }

        @Override
        public Optional<String> putIf(String key, byte[] content, Optional<String> expectedEtag) throws IOException {
            if (builds > 0) {
                builds--;
                new BuildLease(store, "", clock).acquire("request-quick-" + builds, START.plus(TIMEOUT), true).held().orElseThrow().release();
                // Our write was sent while the other's lease was there: S3 answers 412.
                return Optional.empty();
            }
            return store.putIf(key, content, expectedEtag);
        }

        @Override public Optional<ObjectInfo> stat(String key) throws IOException { return store.stat(key); }
        @Override public InputStream open(String key, Optional<String> etag) throws IOException { return store.open(key, etag); }
        @Override public InputStream openRange(String key, Optional<String> etag, long from, long to) throws IOException { return store.openRange(key, etag, from, to); }
        @Override public Optional<VersionedContent> readVersioned(String key) throws IOException { return store.readVersioned(key); }
        @Override public void put(String key, byte[] content) throws IOException { store.put(key, content); }
        @Override public ObjectUpload create(String key) throws IOException { return store.create(key); }
        @Override public List<String> list(String prefix) throws IOException { return store.list(prefix); }
        @Override public void delete(Collection<String> keys) throws IOException { store.delete(keys); }
        @Override public String describe(String key) { return store.describe(key); }
    }

    private static Clock clockAt(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }
}
