package dev.medallion.gold.state;

import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.common.storage.ObjectStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Build states on a directory laid out as the gold bucket. */
class BuildStateStoreTest {
    private static final BuildState.Build CURRENT = new BuildState.Build("20260314233000_a1b2c3", "daily__20260314233000_a1b2c3",
            "s3://gold/tables/daily/20260314233000_a1b2c3/");

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
    void theRequestThatBuiltTheCurrentBuildIsRecordedAndReadBack() throws IOException {
        BuildStateStore states = new BuildStateStore(new LocalObjectStore(root), "tables/");

        states.write(new BuildState(BuildState.FORMAT_VERSION, "daily", "fingerprint-1", CURRENT, null, "2026-03-14T23:30:00Z", "request-1", List.of()));

        BuildState read = states.read("daily").orElseThrow();
        assertEquals("request-1", read.requestId());
        assertTrue(read.builtByRequest("request-1"), "a retry of the request that built it");
        assertFalse(read.builtByRequest("request-2"), "another request");
    }

    /** What a build writes before its swap is an object of its own, never read as the model's state. */
    @Test
    void aForcedBuildsStateBeforeItsSwapIsKeptApartFromTheModelsState() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        BuildStateStore states = new BuildStateStore(gold, "tables/");
        BuildState beforeSwap = new BuildState(BuildState.FORMAT_VERSION, "daily", "fingerprint-2", CURRENT, null, "2026-03-14T23:30:00Z", "request-1", List.of());

        states.writeBeforeSwap(beforeSwap);

        assertEquals("tables/_state/daily.swap.json", states.swapKey("daily"));
        assertTrue(gold.stat("tables/_state/daily.swap.json").isPresent());
        assertEquals(Optional.empty(), states.read("daily"), "the swap may not have happened");
        assertEquals(beforeSwap, states.readBeforeSwap("daily").orElseThrow());
    }

    /**
     * What a build read of the record before its swap is put back byte for byte, fields of a newer builder and
     * all, should its swap not happen; with no record before it, its own is emptied, which reads as none.
     */
    @Test
    void theRecordBeforeASwapIsPutBackAsItWasOrEmptiedWhenThereWasNone() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        BuildStateStore states = new BuildStateStore(gold, "tables/");
        byte[] fromANewerBuilder = "{\"formatVersion\": 1, \"model\": \"daily\", \"addedLater\": true}".getBytes(StandardCharsets.UTF_8);
        gold.put("tables/_state/daily.swap.json", fromANewerBuilder);
        Optional<byte[]> before = states.readBeforeSwapAsIs("daily");
        BuildState replacing = new BuildState(BuildState.FORMAT_VERSION, "daily", "fingerprint-2", CURRENT, null, "2026-03-14T23:30:00Z", "request-2", List.of());
        states.writeBeforeSwap(replacing);

        states.restoreBeforeSwap("daily", before);

        assertArrayEquals(fromANewerBuilder, gold.read("tables/_state/daily.swap.json").orElseThrow());

        Optional<byte[]> none = states.readBeforeSwapAsIs("other");
        states.writeBeforeSwap(new BuildState(BuildState.FORMAT_VERSION, "other", "fingerprint-3", CURRENT, null, "2026-03-14T23:30:00Z", "request-3", List.of()));

        states.restoreBeforeSwap("other", none);

        assertEquals(Optional.empty(), none);
        // Emptied, not deleted (the builder may not delete under _state/), and read as no record.
        assertEquals(0, gold.read("tables/_state/other.swap.json").orElseThrow().length);
        assertEquals(Optional.empty(), states.readBeforeSwap("other"));
        assertArrayEquals(fromANewerBuilder, gold.read("tables/_state/daily.swap.json").orElseThrow(), "another model's record is untouched");
    }

    /** A state an earlier builder wrote has no request id: it reads, and matches no request, so force still rebuilds. */
    @Test
    void aStateWrittenBeforeRequestIdsWereRecordedReadsAsBuiltByNoKnownRequest() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("tables/_state/daily.json", ("""
                {
                  "formatVersion" : 1,
                  "model" : "daily",
                  "fingerprint" : "fingerprint-1",
                  "current" : {"buildId" : "20260314233000_a1b2c3", "table" : "daily__20260314233000_a1b2c3",
                               "location" : "s3://gold/tables/daily/20260314233000_a1b2c3/"},
                  "previous" : null,
                  "builtAt" : "2026-03-14T23:30:00Z"
                }
                """).getBytes(StandardCharsets.UTF_8));

        BuildState read = new BuildStateStore(gold, "tables/").read("daily").orElseThrow();

        assertEquals(CURRENT, read.current());
        assertNull(read.requestId());
        assertFalse(read.builtByRequest("request-1"));
        assertEquals(List.of(), read.replaced(), "a state written before builds replaced by earlier swaps were recorded");
    }

    /**
     * A state of no known request (one an earlier builder's record before a swap names, which UnrecordedSwaps records as the model's
     * state when its own state write was lost) is written without requestId, as that builder wrote it, and reads back: written
     * {@code "requestId": null}, this store refused its own state as damaged, and the model failed at every build until it was deleted.
     */
    @Test
    void aStateOfNoKnownRequestIsWrittenWithoutRequestIdAndReadsBack() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        BuildStateStore states = new BuildStateStore(gold, "tables/");
        BuildState unknownRequest = new BuildState(BuildState.FORMAT_VERSION, "daily", "fingerprint-1", CURRENT, null, "2026-03-14T23:30:00Z", null, List.of());

        states.write(unknownRequest);
        states.writeBeforeSwap(unknownRequest);

        for (String key : List.of("tables/_state/daily.json", states.swapKey("daily"))) {
            String written = new String(gold.read(key).orElseThrow(), StandardCharsets.UTF_8);
            assertFalse(written.contains("requestId"), written);
        }
        assertEquals(Optional.of(unknownRequest), states.read("daily"));
        assertEquals(Optional.of(unknownRequest), states.readBeforeSwap("daily"));
    }

    /** The builds replaced by earlier swaps, each with the build whose swap replaced it, are read back as written. */
    @Test
    void theBuildsReplacedByEarlierSwapsAreRecordedAndReadBack() throws IOException {
        BuildStateStore states = new BuildStateStore(new LocalObjectStore(root), "tables/");
        List<BuildState.Replacement> replaced = List.of(new BuildState.Replacement("20260314200000_aaaaaa", "20260314223000_cccccc"));
        BuildState written = new BuildState(BuildState.FORMAT_VERSION, "daily", "fingerprint-1", CURRENT, null, "2026-03-14T23:30:00Z", "request-1", replaced);

        states.write(written);

        assertEquals(written, states.read("daily").orElseThrow());
    }

    /**
     * A state damaged (by hand: S3 writes whole objects) is refused naming the field and saying what to do, never read as
     * another state: leniently, {@code "formatVersion": 1.5} read as 1 and {@code null} as 0, a fingerprint or build id
     * written as a number as its digits, the second of two {@code current}s taken, text after the object ignored.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"formatVersion\": 1.5,|formatVersion",
            "\"formatVersion\": null,|formatVersion",
            "\"formatVersion\": \"1\",|formatVersion",
            "\"formatVersion\": 1, \"fingerprint\": 123,|fingerprint",
            "\"formatVersion\": 1, \"current\": {\"buildId\": 20260314233000, \"table\": \"t\", \"location\": \"s3://gold/x/\"},|buildId",
            "\"formatVersion\": 1, \"current\": {\"buildId\": \"20260101000000_000000\", \"table\": \"t\", \"location\": \"s3://gold/x/\"},|Duplicate field 'current'"})
    void aDamagedStateIsRefusedNamingTheFieldNotReadAsAnotherState(String damage, String field) throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("tables/_state/daily.json", stateWith(damage).getBytes(StandardCharsets.UTF_8));

        IOException refused = assertThrows(IOException.class, () -> new BuildStateStore(gold, "tables/").read("daily"));

        assertTrue(refused.getMessage().contains(field) && refused.getMessage().contains("delete it to make the next build start afresh"), refused.getMessage());
    }

    /**
     * No builder wrote {@code "requestId": null} (each records its request since the field was added, one before left it out) nor
     * {@code "replaced": null} (an empty list when none): null there is damage naming the field, in the state and in the record before a
     * swap, where it was read as a state of no known request or of no replaced build, as the field left out still is.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"requestId\": \"request-1\"|\"requestId\": null|requestId",
            "\"builtAt\"|\"replaced\": null, \"builtAt\"|replaced"})
    void nullWhereAFieldLeftOutReadsAsNoneIsRefusedNamingTheField(String field, String nulled, String name) throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        String damaged = stateWith("\"formatVersion\": 1,").replace(field, nulled);
        gold.put("tables/_state/daily.json", damaged.getBytes(StandardCharsets.UTF_8));
        gold.put("tables/_state/daily.swap.json", damaged.getBytes(StandardCharsets.UTF_8));
        BuildStateStore states = new BuildStateStore(gold, "tables/");

        IOException state = assertThrows(IOException.class, () -> states.read("daily"));
        IOException record = assertThrows(IOException.class, () -> states.readBeforeSwap("daily"));

        assertTrue(state.getMessage().contains("\"" + name + "\"") && state.getMessage().contains("null, where")
                && state.getMessage().contains("tables/_state/daily.json") && state.getMessage().contains("delete it to make the next build start afresh"),
                state.getMessage());
        assertTrue(record.getMessage().contains("\"" + name + "\"") && record.getMessage().contains("null, where")
                && record.getMessage().contains("tables/_state/daily.swap.json") && record.getMessage().contains("the next build of the model writes it again"),
                record.getMessage());
    }

    @Test
    void textAfterAStateIsRefused() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("tables/_state/daily.json", (stateWith("\"formatVersion\": 1,") + " {}").getBytes(StandardCharsets.UTF_8));

        IOException refused = assertThrows(IOException.class, () -> new BuildStateStore(gold, "tables/").read("daily"));

        assertTrue(refused.getMessage().contains("Trailing token"), refused.getMessage());
    }

    /**
     * A state of a newer format (an older gold-ctas deployed again by a rollback, reading what the newer one wrote) may mean what this
     * builder cannot see, its new fields being passed over: refused, saying which version wrote it and what to do, where it was read as
     * format 1.
     */
    @Test
    void aStateOfANewerFormatIsRefusedSayingANewerGoldCtasWroteIt() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("tables/_state/daily.json", stateWith("\"formatVersion\": 2,").getBytes(StandardCharsets.UTF_8));

        IOException refused = assertThrows(IOException.class, () -> new BuildStateStore(gold, "tables/").read("daily"));

        assertTrue(refused.getMessage().contains("tables/_state/daily.json") && refused.getMessage().contains("format 2")
                && refused.getMessage().contains("format 1") && refused.getMessage().contains("a newer gold-ctas wrote it")
                && refused.getMessage().contains("deploy the newer gold-ctas again (roll forward)"), refused.getMessage());
    }

    @Test
    void aRecordBeforeASwapOfANewerFormatIsRefusedSayingANewerGoldCtasWroteIt() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("tables/_state/daily.swap.json", stateWith("\"formatVersion\": 3,").getBytes(StandardCharsets.UTF_8));

        // Its own type: unlike a damaged record, it may name a swap still queued, which the builder must not build beside (UnrecordedSwaps).
        BuildStateStore.NewerFormatException refused = assertThrows(BuildStateStore.NewerFormatException.class,
                () -> new BuildStateStore(gold, "tables/").readBeforeSwap("daily"));

        assertTrue(refused.getMessage().contains("tables/_state/daily.swap.json") && refused.getMessage().contains("format 3")
                && refused.getMessage().contains("a newer gold-ctas wrote it")
                && refused.getMessage().contains("once every view swap the newer one sent has ended") && refused.getMessage().contains("delete it"),
                refused.getMessage());
    }

    /** No builder wrote a format below 1: such a state is damaged, where it was read as format 1. */
    @ParameterizedTest
    @CsvSource({"0", "-1"})
    void aStateOfNoFormatIsRefusedAsDamaged(String version) throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("tables/_state/daily.json", stateWith("\"formatVersion\": " + version + ",").getBytes(StandardCharsets.UTF_8));

        IOException refused = assertThrows(IOException.class, () -> new BuildStateStore(gold, "tables/").read("daily"));

        assertTrue(refused.getMessage().contains("formatVersion is " + version) && refused.getMessage().contains("delete it"), refused.getMessage());
    }

    /**
     * A state or record whose whole content is JSON {@code null} (written over by hand) is damaged, refused naming its key and what to do,
     * where Jackson's null reached {@code Optional.of} and a bare NullPointerException named neither.
     */
    @ParameterizedTest
    @CsvSource({"null", "' null\n'"})
    void aStateOrRecordThatIsJsonNullIsRefusedAsDamagedNamingItsKey(String content) throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("tables/_state/daily.json", content.getBytes(StandardCharsets.UTF_8));
        gold.put("tables/_state/daily.swap.json", content.getBytes(StandardCharsets.UTF_8));
        BuildStateStore states = new BuildStateStore(gold, "tables/");

        IOException state = assertThrows(IOException.class, () -> states.read("daily"));
        IOException record = assertThrows(IOException.class, () -> states.readBeforeSwap("daily"));

        assertTrue(state.getMessage().contains("tables/_state/daily.json") && state.getMessage().contains("JSON null")
                && state.getMessage().contains("delete it to make the next build start afresh"), state.getMessage());
        assertTrue(record.getMessage().contains("tables/_state/daily.swap.json") && record.getMessage().contains("JSON null")
                && record.getMessage().contains("the next build of the model writes it again"), record.getMessage());
        assertFalse(record instanceof BuildStateStore.NewerFormatException, "damaged, not of a newer format: " + record);
    }

    /** A field this builder does not know, a newer builder's during a deploy or after a rollback, is passed over. */
    @Test
    void aStateWithFieldsThisBuilderDoesNotKnowIsRead() throws IOException {
        ObjectStore gold = new LocalObjectStore(root);
        gold.put("tables/_state/daily.json", stateWith("\"formatVersion\": 1, \"newerField\": {\"x\": [1, 2.5, null]},").getBytes(StandardCharsets.UTF_8));

        BuildState read = new BuildStateStore(gold, "tables/").read("daily").orElseThrow();

        assertEquals(CURRENT, read.current());
        assertEquals("fingerprint-1", read.fingerprint());
    }

    /** A state as a builder writes it, {@code fields} (formatVersion among them) first: a field given again there is given twice. */
    private static String stateWith(String fields) {
        return "{" + fields + " \"model\": \"daily\", \"fingerprint\": \"fingerprint-1\", \"current\": {\"buildId\": \"" + CURRENT.buildId()
                + "\", \"table\": \"" + CURRENT.table() + "\", \"location\": \"" + CURRENT.location() + "\"}, \"previous\": null,"
                + " \"builtAt\": \"2026-03-14T23:30:00Z\", \"requestId\": \"request-1\"}";
    }
}
