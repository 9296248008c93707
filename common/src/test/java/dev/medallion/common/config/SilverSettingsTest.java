package dev.medallion.common.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SilverSettingsTest {
    private static final long MIB = 1024L * 1024L;
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private static SilverSettings settings(String... pairs) {
        Map<String, String> variables = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            variables.put(pairs[i], pairs[i + 1]);
        }
        return SilverSettings.fromEnvironment(new Environment(variables));
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    // --- SILVER_BUCKET ---------------------------------------------------------------------------

    @Test
    void missingBucketNamesTheVariable() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings());
        assertMentions(e, "SILVER_BUCKET", "not set");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t"})
    void blankBucketCountsAsMissing(String value) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings("SILVER_BUCKET", value));
        assertMentions(e, "SILVER_BUCKET");
    }

    @ParameterizedTest
    @ValueSource(strings = {"silver/lake", "s3://silver", "silver/"})
    void aBucketWithAKeyPrefixOrSchemeIsRefusedAtStartNamingBothVariables(String value) {
        // As the gold builder refuses it: a bucket name holds no '/', and the key prefix has a variable of its own.
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings("SILVER_BUCKET", value));
        assertMentions(e, "SILVER_BUCKET", "SILVER_PREFIX", value);
    }

    @Test
    void bucketIsTrimmed() {
        assertEquals("my-silver", settings("SILVER_BUCKET", "  my-silver \n").silverBucket());
    }

    // --- defaults --------------------------------------------------------------------------------

    @Test
    void onlyTheBucketIsRequired() {
        SilverSettings settings = settings("SILVER_BUCKET", "silver");
        assertEquals("silver", settings.silverBucket());
        assertEquals("", settings.silverPrefix());
        assertEquals(Map.of(), settings.delimiterOverrides());
        assertEquals(Map.of(), settings.encodingOverrides(), "every dataset is read as UTF-8 unless declared");
        assertEquals(ConversionLimits.defaults(), settings.limits());
        assertEquals(Optional.empty(), settings.silverDatabase(), "no Glue catalog unless a database is named");
    }

    @Test
    void deletedFilesAreWithdrawnUnlessSwitchedOff() {
        assertTrue(settings("SILVER_BUCKET", "silver").withdrawsDeletedFiles(), "the stack's silver_withdraws_deleted_files defaults to true");
        assertTrue(settings("SILVER_BUCKET", "silver", "WITHDRAW_DELETED_FILES", "true").withdrawsDeletedFiles());
        assertEquals(false, settings("SILVER_BUCKET", "silver", "WITHDRAW_DELETED_FILES", " FALSE\n").withdrawsDeletedFiles());
    }

    @ParameterizedTest
    @ValueSource(strings = {"no", "0", "yes"})
    void aWithdrawalSwitchThatIsNeitherTrueNorFalseStopsTheConverter(String value) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> settings("SILVER_BUCKET", "silver", "WITHDRAW_DELETED_FILES", value));
        assertTrue(e.getMessage().contains("WITHDRAW_DELETED_FILES is '" + value + "'") && e.getMessage().contains("true or false"), e.getMessage());
    }

    @Test
    void defaultLimitsAreTheDocumentedOnes() {
        ConversionLimits defaults = ConversionLimits.defaults();
        assertEquals(100_000, defaults.chunkRows());
        assertEquals(8 * MIB, defaults.chunkMaxBytes());
        assertEquals(128 * MIB, defaults.partTargetBytes());
        assertEquals(32 * MIB, defaults.rowGroupBytes());
        assertEquals(10_000, defaults.maxColumns());
        assertEquals(4 * MIB, defaults.maxRowChars());
    }

    @Test
    void everyVariableIsRead() {
        SilverSettings settings = settings(
                "SILVER_BUCKET", "silver",
                "SILVER_PREFIX", "lake/silver/",
                "CHUNK_ROWS", "5000",
                "CHUNK_MAX_BYTES", "1000000",
                "PART_TARGET_BYTES", "2000000",
                "ROW_GROUP_BYTES", "300000",
                "MAX_COLUMNS", "500",
                "MAX_ROW_CHARS", "1_000_000",
                "CSV_DELIMITERS", "legacy_orders:pipe",
                "CSV_ENCODINGS", "legacy_orders:windows-1252",
                "SILVER_DATABASE", " medallion_dev_silver ");
        assertEquals("lake/silver/", settings.silverPrefix());
        assertEquals(Optional.of("medallion_dev_silver"), settings.silverDatabase());
        assertEquals(new ConversionLimits(5000, 1_000_000, 2_000_000, 300_000, 500, 1_000_000), settings.limits());
        assertEquals(Map.of("legacy_orders", '|'), settings.delimiterOverrides());
        assertEquals(Map.of("legacy_orders", WINDOWS_1252), settings.encodingOverrides());
    }

    @Test
    void blankOptionalVariablesFallBackToDefaults() {
        SilverSettings settings = settings("SILVER_BUCKET", "silver", "SILVER_PREFIX", " ", "CHUNK_ROWS", "", "CSV_DELIMITERS", "  ",
                "CSV_ENCODINGS", " ", "SILVER_DATABASE", "");
        assertEquals("", settings.silverPrefix());
        assertEquals(100_000, settings.limits().chunkRows());
        assertEquals(Map.of(), settings.delimiterOverrides());
        assertEquals(Map.of(), settings.encodingOverrides());
        assertEquals(Optional.empty(), settings.silverDatabase(), "terraform sets an empty name when the catalog is off");
    }

    @Test
    void numbersMayUseUnderscoresAndSurroundingSpaces() {
        SilverSettings settings = settings("SILVER_BUCKET", "silver", "CHUNK_ROWS", " 250_000 ", "PART_TARGET_BYTES", "268_435_456");
        assertEquals(250_000, settings.limits().chunkRows());
        assertEquals(256 * MIB, settings.limits().partTargetBytes());
    }

    // --- invalid numbers -------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] {0}={1}")
    @CsvSource({
            "CHUNK_ROWS, abc",
            "CHUNK_ROWS, 0",
            "CHUNK_ROWS, -5",
            "CHUNK_ROWS, 1.5",
            "CHUNK_ROWS, 10k",
            "CHUNK_MAX_BYTES, 48MiB",
            "CHUNK_MAX_BYTES, 0",
            "PART_TARGET_BYTES, -1",
            "PART_TARGET_BYTES, 99999999999999999999",
            "ROW_GROUP_BYTES, 1e6",
    })
    void invalidNumberNamesTheVariableAndValue(String variable, String value) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> settings("SILVER_BUCKET", "silver", variable, value));
        assertMentions(e, variable, "'" + value + "'", "positive whole number");
    }

    @Test
    void chunkRowsBeyondIntRangeNamesTheVariable() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> settings("SILVER_BUCKET", "silver", "CHUNK_ROWS", "3000000000"));
        assertMentions(e, "CHUNK_ROWS", "3000000000", String.valueOf(Integer.MAX_VALUE));
    }

    @Test
    void chunkRowsAtIntMaximumIsAccepted() {
        assertEquals(Integer.MAX_VALUE, settings("SILVER_BUCKET", "s", "CHUNK_ROWS", "2147483647").limits().chunkRows());
    }

    @Test
    void limitsRejectNonPositiveValuesWhenBuiltDirectly() {
        assertThrows(IllegalArgumentException.class, () -> new ConversionLimits(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConversionLimits(1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConversionLimits(1, 1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConversionLimits(1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ConversionLimits(1, 1, 1, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConversionLimits(1, 1, 1, 1, 1, 0));
    }

    // --- CSV_DELIMITERS --------------------------------------------------------------------------

    @Test
    void delimiterOverridesAreParsed() {
        Map<String, Character> overrides = SilverSettings.parseDelimiters("CSV_DELIMITERS",
                "legacy_orders:pipe,eu_sales:semicolon,exports:tab,plain:comma");
        assertEquals(Map.of("legacy_orders", '|', "eu_sales", ';', "exports", '\t', "plain", ','), overrides);
    }

    @Test
    void delimiterOverridesTolerateSpacesCaseAndEmptyEntries() {
        Map<String, Character> overrides = SilverSettings.parseDelimiters("CSV_DELIMITERS",
                " legacy_orders : PIPE , ,eu_sales:Semicolon,");
        assertEquals(Map.of("legacy_orders", '|', "eu_sales", ';'), overrides);
    }

    @Test
    void emptyDelimiterOverridesGiveAnEmptyMap() {
        assertEquals(Map.of(), SilverSettings.parseDelimiters("CSV_DELIMITERS", ""));
    }

    @Test
    void delimiterOverridesAreKeyedByTheDatasetNameTheConverterLooksUp() {
        // A folder "EU Sales/" holds dataset eu_sales; naming it as the folder or in capitals must still apply.
        Map<String, Character> overrides = SilverSettings.parseDelimiters("CSV_DELIMITERS", "EU Sales:semicolon,Legacy_Orders:pipe");
        assertEquals(Map.of("eu_sales", ';', "legacy_orders", '|'), overrides);
    }

    @Test
    void laterEntryForTheSameDatasetWins() {
        assertEquals(Map.of("sales", ';'), SilverSettings.parseDelimiters("CSV_DELIMITERS", "sales:pipe,sales:semicolon"));
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(strings = {"sales", "sales:", ":pipe", " :pipe", "sales:colon", "sales:;", "sales=pipe", "sales:pipe:tab", "ok:tab,bad"})
    void malformedDelimiterEntryIsRejectedNamingTheVariableTheEntryAndTheChoices(String text) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> settings("SILVER_BUCKET", "silver", "CSV_DELIMITERS", text));
        assertMentions(e, "CSV_DELIMITERS", "dataset:delimiter", List.of("comma", "pipe", "semicolon", "tab").toString());
    }

    @Test
    void malformedEntryIsQuotedInTheMessage() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> SilverSettings.parseDelimiters("CSV_DELIMITERS", "legacy_orders:pipe, eu_sales:colon"));
        assertMentions(e, "'eu_sales:colon'");
    }

    @Test
    void delimiterNamedAcceptsTheFourNamesInAnyCase() {
        assertEquals(',', SilverSettings.delimiterNamed("--delimiter", "comma"));
        assertEquals(';', SilverSettings.delimiterNamed("--delimiter", "Semicolon"));
        assertEquals('\t', SilverSettings.delimiterNamed("--delimiter", " TAB "));
        assertEquals('|', SilverSettings.delimiterNamed("--delimiter", "pipe"));
    }

    @Test
    void delimiterNamedRejectsOthersNamingTheSource() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> SilverSettings.delimiterNamed("--delimiter", "colon"));
        assertMentions(e, "--delimiter", "'colon'", "[comma, pipe, semicolon, tab]");
    }

    @Test
    void delimiterOverridesAreImmutable() {
        SilverSettings settings = settings("SILVER_BUCKET", "silver", "CSV_DELIMITERS", "a:pipe");
        assertThrows(UnsupportedOperationException.class, () -> settings.delimiterOverrides().put("b", ','));
    }

    // --- CSV_ENCODINGS ---------------------------------------------------------------------------

    @Test
    void encodingOverridesAreParsed() {
        Map<String, Charset> overrides = SilverSettings.parseEncodings("CSV_ENCODINGS",
                "legacy_orders:windows-1252,eu_sales:ISO-8859-1,exports:UTF-16LE,modern:UTF-8");
        assertEquals(Map.of("legacy_orders", WINDOWS_1252, "eu_sales", StandardCharsets.ISO_8859_1, "exports", StandardCharsets.UTF_16LE,
                "modern", StandardCharsets.UTF_8), overrides);
    }

    @Test
    void encodingNamesAreJavasInAnyCaseAndAliasesGiveTheCanonicalCharset() {
        Map<String, Charset> overrides = SilverSettings.parseEncodings("CSV_ENCODINGS", " a : Windows-1252 , ,b:cp1252,c:latin1,d:utf8,e:utf-16le,");
        assertEquals(Map.of("a", WINDOWS_1252, "b", WINDOWS_1252, "c", StandardCharsets.ISO_8859_1, "d", StandardCharsets.UTF_8,
                "e", StandardCharsets.UTF_16LE), overrides);
        assertEquals("windows-1252", overrides.get("b").name());
    }

    @Test
    void emptyEncodingOverridesGiveAnEmptyMap() {
        assertEquals(Map.of(), SilverSettings.parseEncodings("CSV_ENCODINGS", ""));
        assertEquals(Map.of(), SilverSettings.parseEncodings("CSV_ENCODINGS", " , "));
    }

    @Test
    void encodingOverridesAreKeyedByTheDatasetNameTheConverterLooksUp() {
        Map<String, Charset> overrides = SilverSettings.parseEncodings("CSV_ENCODINGS", "EU Sales:windows-1252,Legacy_Orders:UTF-16");
        assertEquals(Map.of("eu_sales", WINDOWS_1252, "legacy_orders", StandardCharsets.UTF_16), overrides);
    }

    @Test
    void laterEncodingEntryForTheSameDatasetWins() {
        assertEquals(Map.of("sales", StandardCharsets.UTF_8), SilverSettings.parseEncodings("CSV_ENCODINGS", "sales:windows-1252,Sales:UTF-8"));
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(strings = {"sales", "sales:", ":windows-1252", " :UTF-8", "sales=UTF-8", "ok:UTF-8,bad"})
    void malformedEncodingEntryIsRejectedNamingTheVariableTheEntryAndAnExample(String text) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> settings("SILVER_BUCKET", "silver", "CSV_ENCODINGS", text));
        assertMentions(e, "CSV_ENCODINGS", "dataset:charset", "legacy_orders:windows-1252");
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(strings = {"sales:latin-9000", "sales:windows1252x", "sales:UTF 8", "sales:ütf-8", "sales:UTF-8:x", "sales:semicolon"})
    void unknownCharsetIsRejectedNamingTheVariableTheEntryAndExamples(String text) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> settings("SILVER_BUCKET", "silver", "CSV_ENCODINGS", text));
        assertMentions(e, "CSV_ENCODINGS", "'" + text + "'", "'" + text.substring("sales:".length()) + "'", "not support", "windows-1252",
                "legacy_orders:windows-1252");
    }

    @Test
    void encodingOverridesAreImmutable() {
        SilverSettings settings = settings("SILVER_BUCKET", "silver", "CSV_ENCODINGS", "a:windows-1252");
        assertThrows(UnsupportedOperationException.class, () -> settings.encodingOverrides().put("b", StandardCharsets.UTF_8));
    }

    // --- CSV_NULL_VALUES -------------------------------------------------------------------------

    @Test
    void nullValuesAreDeclaredPerDatasetOneMarkerAnEntryBackslashesAsWritten() {
        SilverSettings settings = settings("SILVER_BUCKET", "silver",
                "CSV_NULL_VALUES", "sqlserver_orders:NULL, Legacy : \\N ,legacy:N/A,legacy:\\N,times:00:00");
        assertEquals(Map.of("sqlserver_orders", List.of("NULL"), "legacy", List.of("\\N", "N/A"), "times", List.of("00:00")),
                settings.nullValueOverrides());
        assertEquals(List.of("\\N", "N/A"), settings.csvOverrides().nullValuesOf("legacy"));
        assertEquals(List.of(), settings.csvOverrides().nullValuesOf("sales"), "a dataset without a declaration declares none");
        assertEquals(Map.of(), settings("SILVER_BUCKET", "silver").nullValueOverrides());
        assertEquals(Map.of(), settings("SILVER_BUCKET", "silver", "CSV_NULL_VALUES", " ").nullValueOverrides());
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders", "orders:", "orders: ", ":NULL", "orders:NULL,legacy"})
    void aMalformedNullValuesEntryNamesTheVariableTheEntryAndTheForm(String value) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings("SILVER_BUCKET", "silver", "CSV_NULL_VALUES", value));
        assertMentions(e, "CSV_NULL_VALUES", "must look like dataset:marker", "legacy:\\N", "the dataset repeated for more");
    }

    @Test
    void nullValueOverridesAreImmutable() {
        SilverSettings settings = settings("SILVER_BUCKET", "silver", "CSV_NULL_VALUES", "a:NULL");
        assertThrows(UnsupportedOperationException.class, () -> settings.nullValueOverrides().put("b", List.of("x")));
        assertThrows(UnsupportedOperationException.class, () -> settings.nullValueOverrides().get("a").add("x"));
    }

    // --- CSV_QUOTED_EMPTY_STRINGS ----------------------------------------------------------------

    @Test
    void quotedEmptyStringsAreDeclaredByDatasetNameKeyedByTheSafeName() {
        SilverSettings settings = settings("SILVER_BUCKET", "silver", "CSV_QUOTED_EMPTY_STRINGS", " pg_orders, PG Customers ,,pg_orders");
        assertEquals(Set.of("pg_orders", "pg_customers"), settings.quotedEmptyStringDatasets());
        assertTrue(settings.csvOverrides().keepsQuotedEmptyStrings("pg_customers"));
        assertFalse(settings.csvOverrides().keepsQuotedEmptyStrings("sales"), "a dataset not listed has every empty field null");
        assertEquals(Set.of(), settings("SILVER_BUCKET", "silver").quotedEmptyStringDatasets());
        assertEquals(Set.of(), settings("SILVER_BUCKET", "silver", "CSV_QUOTED_EMPTY_STRINGS", " ").quotedEmptyStringDatasets());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg_orders:true", "true", "*", "pg_orders,ALL", "pg_orders:\"\""})
    void aQuotedEmptyStringsEntryThatIsNoDatasetNameNamesTheVariableTheEntryAndTheForm(String value) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> settings("SILVER_BUCKET", "silver", "CSV_QUOTED_EMPTY_STRINGS", value));
        assertMentions(e, "CSV_QUOTED_EMPTY_STRINGS", "must be a dataset name", "pg_orders,pg_customers", "each named alone");
    }
}
