package dev.medallion.common.layout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SilverLayoutTest {
    private static final LocalDate DAY = LocalDate.of(2026, 11, 3);
    private static final String ETAG = "\"d41d8cd98f00b204e9800998ecf8427e\"";
    private static final RunId RUN = new RunId(3, "1a2b3c4d");

    // --- keys the converter skips ----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"sales/_temporary/0/task_1/part-0.csv", "sales/_SUCCESS.csv", "sales/.hive-staging/a.csv", "sales/2026/.a.csv",
            "_temporary/0/part-0.csv", ".staging/a.csv", "_x1/a.csv", "sales/_2026/a.csv"})
    void keysWithANameOfAJobsBookkeepingOrAHiddenFileAreSkipped(String key) {
        assertTrue(SilverLayout.isJobOrHiddenKey(key), key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sales/a.csv", "sales/v1.2/a_b.csv", "sales/2026/11/x_.csv", "sales_data/a.csv"})
    void ordinaryKeysAreNotSkipped(String key) {
        assertFalse(SilverLayout.isJobOrHiddenKey(key), key);
    }

    /** What bronze-ingest makes of a dataset folder whose name starts with a digit is a dataset, not a job's bookkeeping. */
    @ParameterizedTest
    @ValueSource(strings = {"3m_orders", "2026", "7eleven"})
    void aDatasetNamedForAFolderThatStartsWithADigitIsNotSkipped(String folder) {
        String dataset = SilverLayout.datasetName(folder);
        assertTrue(dataset.startsWith("_"), dataset);
        assertFalse(SilverLayout.isJobOrHiddenKey(dataset + "/a.csv"), dataset);
        assertFalse(SilverLayout.isJobOrHiddenKey(dataset + "/2026/11/a.csv"), dataset);
    }

    // --- dataset names ---------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            sales/2026/11/x.csv        | sales
            sales/x.csv                | sales
            Sales Data/x.csv           | sales_data
            Ventes-Région/2026/x.csv   | ventes_region
            2026/x.csv                 | _2026
            !!!/x.csv                  | dataset_e84c538e
            sales/                     | sales
            """)
    void datasetIsTheFirstFolderMadeSafe(String key, String dataset) {
        assertEquals(dataset, SilverLayout.datasetOf(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x.csv", "", "/x.csv", "/sales/x.csv"})
    void keyWithoutDatasetFolderIsRejectedWithActionableMessage(String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SilverLayout.datasetOf(key));
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("<dataset>/<file>.csv"), e.getMessage());
        assertEquals(key.startsWith("/"), e.getMessage().contains("starts with '/', so its first folder, the dataset, has no name"), e.getMessage());
    }

    /**
     * A name of which nothing is kept (symbols, emoji) falls back to {@code dataset} and a hash of itself: as
     * the bare {@code dataset}, unrelated folders would share one table and its contract, and a folder named
     * {@code dataset} with them.
     */
    @Test
    void datasetNameFallsBackWhenNothingUsableRemainsToADatasetOfItsOwn() {
        List<String> names = java.util.stream.Stream.of("***", "$", "€", "\uD83D\uDCC8", " ", "dataset").map(SilverLayout::datasetName).toList();
        assertEquals(names.size(), new java.util.HashSet<>(names).size(), names.toString());
        assertTrue(names.subList(0, 5).stream().allMatch(name -> name.matches("dataset_[0-9a-f]{8}")), names.toString());
        assertEquals("dataset", SilverLayout.datasetName("dataset"));
        assertEquals(SilverLayout.datasetName("\uD83D\uDCC8"), SilverLayout.datasetOf("\uD83D\uDCC8/2026/x.csv"), "the same name from the key");
        assertEquals("eu_sales", SilverLayout.datasetName("EU Sales"));
    }

    /** Letters with no Latin form would otherwise vanish, and unrelated folders share one table and its contract. */
    @Test
    void foldersWhoseLettersHaveNoLatinFormAreDatasetsOfTheirOwn() {
        String russian = SilverLayout.datasetName("продажи");
        String japanese = SilverLayout.datasetName("顧客");
        assertTrue(russian.matches("dataset_[0-9a-f]{8}"), russian);
        assertTrue(japanese.matches("dataset_[0-9a-f]{8}"), japanese);
        assertNotEquals(russian, japanese);
        String mixed = SilverLayout.datasetName("sales_日本");
        assertTrue(mixed.matches("sales_[0-9a-f]{8}"), mixed);
        // Folded accents are not dropped letters; the same name decomposed (macOS) is the same dataset.
        assertEquals("ventes_region", SilverLayout.datasetName("Ventes-Région"));
        assertEquals(SilverLayout.datasetName("йогурт"), SilverLayout.datasetName(java.text.Normalizer.normalize("йогурт", java.text.Normalizer.Form.NFD)));
        assertEquals(russian, SilverLayout.datasetOf("продажи/2026/x.csv"));
        // Case matters no more than for Latin names (Sales and sales are one dataset).
        assertEquals(SilverLayout.datasetName("Straße"), SilverLayout.datasetName("straße"));
        assertEquals(SilverLayout.datasetName("ПРОДАЖИ"), russian);
    }

    /** Glue holds table names of at most 255 characters: a longer folder converted, then failed to catalog on every retry. */
    @Test
    void aFolderLongerThanTheCatalogHoldsIsADatasetOfAName255Long() {
        String folder = "Quarterly regional sales ".repeat(12);
        String dataset = SilverLayout.datasetOf(folder + "/x.csv");
        assertEquals(Identifiers.MAX_LENGTH, dataset.length(), dataset);
        assertTrue(dataset.startsWith("quarterly_regional_sales_quarterly"), dataset);
        assertEquals(dataset, SilverLayout.datasetName(folder.toUpperCase(java.util.Locale.ROOT)));
        assertNotEquals(dataset, SilverLayout.datasetName(folder + "EU"));
        String nonLatin = SilverLayout.datasetName("продажи ".repeat(40) + "sales ".repeat(50));
        assertTrue(nonLatin.length() <= Identifiers.MAX_LENGTH && nonLatin.startsWith("sales_sales"), nonLatin);
    }

    @Test
    void foldersNamedLikeDatesAreTold() {
        for (String date : List.of("2026", "11", "2026-11", "2026_11_30", "2026.11", "2026 11")) {
            assertTrue(SilverLayout.looksLikeDateFolder(date), date);
        }
        for (String name : List.of("3m_orders", "2026 sales", "sales", "", "q1", "2026-")) {
            assertFalse(SilverLayout.looksLikeDateFolder(name), name);
        }
    }

    // --- prefix ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] ''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', textBlock = """
            ''            | ''
            '  '          | ''
            silver        | silver/
            silver/       | silver/
            /silver       | silver/
            //silver/     | silver/
            ' silver '    | silver/
            lake/silver   | lake/silver/
            lake/silver/  | lake/silver/
            """)
    void prefixIsNormalisedToEndWithOneSlash(String given, String expected) {
        assertEquals(expected, new SilverLayout(given).prefix());
    }

    @Test
    void prefixWithAndWithoutTrailingSlashGiveTheSameKeys() {
        SilverLayout bare = new SilverLayout("silver");
        SilverLayout slashed = new SilverLayout("silver/");
        String source = "sales/2026/11/x.csv";
        assertEquals(bare.partKey("sales", DAY, source, ETAG, RUN, 1), slashed.partKey("sales", DAY, source, ETAG, RUN, 1));
        assertEquals(bare.manifestKey("sales", source), slashed.manifestKey("sales", source));
        assertEquals(bare.quarantineKey("sales", DAY, source, ETAG, RUN), slashed.quarantineKey("sales", DAY, source, ETAG, RUN));
        assertEquals(bare.schemaKey("sales"), slashed.schemaKey("sales"));
        assertTrue(bare.partKey("sales", DAY, source, ETAG, RUN, 1).startsWith("silver/sales/ingest_date=2026-11-03/"));
    }

    @Test
    void emptyPrefixPutsKeysAtTheBucketRoot() {
        SilverLayout layout = new SilverLayout("");
        assertEquals("_schemas/sales.json", layout.schemaKey("sales"));
        assertEquals("sales/ingest_date=2026-11-03/", layout.dataPrefix("sales", DAY));
    }

    // --- key shapes ------------------------------------------------------------------------------

    @Test
    void keysFollowTheDocumentedLayout() {
        SilverLayout layout = new SilverLayout("silver");
        String source = "sales/2026/11/Daily Export.CSV";
        String name = SilverLayout.sourceName(source);
        assertTrue(name.matches("daily_export-[0-9a-f]{10}"), name);

        assertEquals("silver/sales/ingest_date=2026-11-03/", layout.dataPrefix("sales", DAY));
        assertEquals("silver/sales/ingest_date=2026-11-03/" + name + "-", layout.partPrefix("sales", DAY, source));
        assertEquals("silver/sales/ingest_date=2026-11-03/" + name + "-d41d8cd98f00-g3-1a2b3c4d-part-00001.parquet",
                layout.partKey("sales", DAY, source, ETAG, RUN, 1));
        assertEquals("silver/_manifests/sales/" + name + ".json", layout.manifestKey("sales", source));
        assertEquals("silver/_quarantine/sales/ingest_date=2026-11-03/" + name + "-d41d8cd98f00-g3-1a2b3c4d.csv",
                layout.quarantineKey("sales", DAY, source, ETAG, RUN));
        assertEquals("silver/_schemas/sales.json", layout.schemaKey("sales"));
    }

    @Test
    void quarantineKeysStartWithTheirQuarantinePrefix() {
        SilverLayout layout = new SilverLayout("p");
        String source = "sales/a.csv";
        String key = layout.quarantineKey("sales", DAY, source, ETAG, RUN);
        assertTrue(key.startsWith(layout.quarantinePrefix("sales", DAY, source)), key);
        assertFalse(key.startsWith(layout.quarantinePrefix("sales", DAY, "sales/b.csv")), key);
    }

    @Test
    void everyRunWritesKeysOfItsOwn() {
        SilverLayout layout = new SilverLayout("");
        String source = "sales/x.csv";
        RunId other = new RunId(3, "ffffffff");
        assertNotEquals(layout.partKey("sales", DAY, source, ETAG, RUN, 1), layout.partKey("sales", DAY, source, ETAG, other, 1));
        assertNotEquals(layout.quarantineKey("sales", DAY, source, ETAG, RUN), layout.quarantineKey("sales", DAY, source, ETAG, other));
    }

    @Test
    void theRunIsReadBackFromItsKeys() {
        SilverLayout layout = new SilverLayout("silver");
        RunId run = RunId.start(12);
        assertEquals(Optional.of(run), RunId.ofKey(layout.partKey("sales", DAY, "sales/x-g7-00000000.csv", ETAG, run, 42)));
        assertEquals(Optional.of(run), RunId.ofKey(layout.quarantineKey("sales", DAY, "sales/x.csv", ETAG, run)));
        // Keys from before runs were named carry none.
        assertEquals(Optional.empty(), RunId.ofKey("sales/ingest_date=2026-11-03/x-5f6ee5d354-d41d8cd98f00-part-00001.parquet"));
        assertEquals(Optional.empty(), RunId.ofKey("_quarantine/sales/ingest_date=2026-11-03/x-5f6ee5d354-d41d8cd98f00.csv"));
    }

    @Test
    void runsOfOneGenerationDiffer() {
        assertNotEquals(RunId.start(1), RunId.start(1));
        assertEquals("g1-", RunId.start(1).token().substring(0, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1a2b3c4", "1A2B3C4D", "1a2b3c4d5", "zzzzzzzz"})
    void nonceMustBeEightLowercaseHexDigits(String nonce) {
        assertThrows(IllegalArgumentException.class, () -> new RunId(1, nonce));
    }

    @Test
    void generationStartsAtOne() {
        assertThrows(IllegalArgumentException.class, () -> new RunId(0, "1a2b3c4d"));
    }

    @Test
    void partKeysStartWithTheirPartPrefix() {
        SilverLayout layout = new SilverLayout("p");
        String source = "sales/a.csv";
        for (String etag : new String[] {ETAG, "\"abc-2\"", "zzz"}) {
            assertTrue(layout.partKey("sales", DAY, source, etag, RUN, 7).startsWith(layout.partPrefix("sales", DAY, source)));
        }
    }

    @Test
    void keysAreDeterministic() {
        String source = "sales/2026/11/x.csv";
        SilverLayout first = new SilverLayout("silver");
        SilverLayout second = new SilverLayout("silver");
        assertEquals(first.partKey("sales", DAY, source, ETAG, RUN, 3), second.partKey("sales", DAY, source, ETAG, RUN, 3));
        assertEquals(first.manifestKey("sales", source), second.manifestKey("sales", source));
        assertEquals(first.quarantineKey("sales", DAY, source, ETAG, RUN), second.quarantineKey("sales", DAY, source, ETAG, RUN));
        assertEquals(SilverLayout.sourceName(source), SilverLayout.sourceName(source));
    }

    @Test
    void sameFileNameInTwoFoldersGetsDifferentNames() {
        SilverLayout layout = new SilverLayout("");
        String a = "sales/2026/10/export.csv";
        String b = "sales/2026/11/export.csv";
        assertNotEquals(SilverLayout.sourceName(a), SilverLayout.sourceName(b));
        assertTrue(SilverLayout.sourceName(a).startsWith("export-"));
        assertTrue(SilverLayout.sourceName(b).startsWith("export-"));
        assertNotEquals(layout.manifestKey("sales", a), layout.manifestKey("sales", b));
        assertNotEquals(layout.partKey("sales", DAY, a, ETAG, RUN, 1), layout.partKey("sales", DAY, b, ETAG, RUN, 1));
        assertNotEquals(layout.quarantineKey("sales", DAY, a, ETAG, RUN), layout.quarantineKey("sales", DAY, b, ETAG, RUN));
    }

    @Test
    void keysDifferingOnlyInCaseOrExtensionDoNotCollide() {
        assertNotEquals(SilverLayout.sourceName("sales/X.csv"), SilverLayout.sourceName("sales/x.csv"));
        assertNotEquals(SilverLayout.sourceName("sales/x.csv"), SilverLayout.sourceName("sales/x.csv.gz"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"sales/orders.csv", "sales/orders.CSV", "sales/orders.csv.gz", "sales/orders.tsv",
            "sales/orders.txt", "sales/orders.dat", "sales/orders.TSV.GZ", "sales/orders"})
    void knownExtensionsAreDroppedFromTheStem(String key) {
        assertTrue(SilverLayout.sourceName(key).matches("orders-[0-9a-f]{10}"), SilverLayout.sourceName(key));
    }

    @Test
    void unknownExtensionStaysPartOfTheStem() {
        assertTrue(SilverLayout.sourceName("sales/orders.json").matches("orders_json-[0-9a-f]{10}"));
    }

    @Test
    void stemIsMadeSafeAndShortened() {
        String longName = "sales/" + "Überweisung ".repeat(20) + ".csv";
        String name = SilverLayout.sourceName(longName);
        String stem = name.substring(0, name.lastIndexOf('-'));
        assertEquals(60, stem.length());
        assertTrue(stem.matches("[a-z0-9_]+"), stem);
        assertTrue(stem.startsWith("uberweisung_uberweisung"), stem);

        assertTrue(SilverLayout.sourceName("sales/2026.csv").matches("_2026-[0-9a-f]{10}"));
        assertTrue(SilverLayout.sourceName("sales/***.csv").matches("file-[0-9a-f]{10}"));
        assertTrue(SilverLayout.sourceName("sales/.csv").matches("file-[0-9a-f]{10}"));
    }

    // --- etags -----------------------------------------------------------------------------------

    @Test
    void etagQuotesAndDashesAreRemovedAndTheTagShortened() {
        SilverLayout layout = new SilverLayout("");
        String source = "sales/x.csv";
        String quoted = layout.quarantineKey("sales", DAY, source, "\"9B2CF535F27731C974343645A3985328-12\"", RUN);
        assertTrue(quoted.endsWith("-9b2cf535f277-g3-1a2b3c4d.csv"), quoted);
        String shortTag = layout.quarantineKey("sales", DAY, source, "\"ab-1\"", RUN);
        assertTrue(shortTag.endsWith("-ab1-g3-1a2b3c4d.csv"), shortTag);
        assertEquals(layout.partKey("sales", DAY, source, "\"abc123\"", RUN, 1), layout.partKey("sales", DAY, source, "abc123", RUN, 1));
    }

    @Test
    void differentEtagsGiveDifferentKeys() {
        SilverLayout layout = new SilverLayout("");
        String source = "sales/x.csv";
        assertNotEquals(layout.partKey("sales", DAY, source, "\"aaaa\"", RUN, 1), layout.partKey("sales", DAY, source, "\"bbbb\"", RUN, 1));
    }

    @Test
    void etagWithoutHexDigitsIsHashedIntoASafeTag() {
        SilverLayout layout = new SilverLayout("");
        String source = "sales/x.csv";
        String first = layout.quarantineKey("sales", DAY, source, "\"zzz\"", RUN);
        String second = layout.quarantineKey("sales", DAY, source, "\"yyy\"", RUN);
        String prefix = "_quarantine/sales/ingest_date=2026-11-03/" + SilverLayout.sourceName(source) + "-";
        assertTrue(first.startsWith(prefix), first);
        assertTrue(first.substring(prefix.length()).matches("[0-9a-f]{12}-g3-1a2b3c4d\\.csv"), first);
        assertNotEquals(first, second);
        assertEquals(first, layout.quarantineKey("sales", DAY, source, "\"zzz\"", RUN));
    }

    // --- part numbers ----------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] part {0}")
    @CsvSource({"1, 00001", "42, 00042", "12345, 12345", "99999, 99999"})
    void partNumberIsZeroPaddedToFiveDigits(int number, String formatted) {
        String key = new SilverLayout("").partKey("sales", DAY, "sales/x.csv", "abc", RUN, number);
        assertTrue(key.endsWith("-abc-g3-1a2b3c4d-part-" + formatted + ".parquet"), key);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 100_000, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void partNumberOutsideRangeIsRejected(int number) {
        SilverLayout layout = new SilverLayout("");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layout.partKey("sales", DAY, "sales/x.csv", "abc", RUN, number));
        assertTrue(e.getMessage().contains(String.valueOf(number)), e.getMessage());
    }

    @Test
    void partKeysSortInPartOrder() {
        SilverLayout layout = new SilverLayout("");
        String ninth = layout.partKey("sales", DAY, "sales/x.csv", "abc", RUN, 9);
        String tenth = layout.partKey("sales", DAY, "sales/x.csv", "abc", RUN, 10);
        assertTrue(ninth.compareTo(tenth) < 0);
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThrows(NullPointerException.class, () -> new SilverLayout(null));
        assertThrows(NullPointerException.class, () -> SilverLayout.datasetOf(null));
        assertThrows(NullPointerException.class, () -> SilverLayout.sourceName(null));
    }
}
