package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medallion.common.config.ConfigurationException;
import dev.medallion.common.config.Environment;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.config.SilverSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings of the silver converter that pass each variable's own validation but, together or against
 * what Java knows, break the converter at runtime are refused by {@code plan} (preconditions of the
 * function, functions.tf), saying what to set; what the converter takes is planned as given.
 */
class ConverterSettingsPlanIT {
    private static final long MIB = 1024L * 1024;
    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("ConverterSettingsPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * A RANGE_READERS that is set is taken as given, whatever the heap, and each range holds what one
     * stream holds (RangeReading.HEAP_PER_READER, 224 MiB): at 1,024 MB, whose heap Lambda makes 85 %
     * (870 MiB), four readers passed the plan, and a large file of rows at the limits would run out of heap at
     * every delivery. The plan allows what the converter's own rule picks at that heap, and no more.
     */
    @Test
    void moreRangeReadersThanTheHeapHoldsFailThePlanNamingWhatToSet() throws Exception {
        long heapAt1024 = 1024 * 85 / 100 * MIB;
        int heapAllows = RangeReading.fromEnvironment(new Environment(Map.of()), RangeReading.MAX_READERS, heapAt1024).readers();
        assertEquals(3, heapAllows, "the converter's own rule at a heap of 870 MiB");

        PlannedStack.Result refused = stack.plan("-var", "silver_converter_memory_mb=1024", "-var", "silver_range_readers=4");
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.flattened().contains("silver_range_readers = 4 needs 4 × 224 MiB of heap, each byte range holding what one stream holds"
                + " (RangeReading.HEAP_PER_READER), and at silver_converter_memory_mb = 1024 Lambda gives the converter's JVM a heap of 870 MiB"
                + " (85 % of the memory), room for 3: a large uncompressed file of rows at MAX_ROW_CHARS would run out of heap at every delivery."
                + " Set silver_range_readers to at most 3, or null (the converter then picks what the memory and the heap allow), or"
                + " silver_converter_memory_mb to at least 1055."), refused.output());

        PlannedStack.Result atTheLeast = stack.plan("-var", "silver_converter_memory_mb=512", "-var", "silver_range_readers=2");
        assertNotEquals(0, atTheLeast.exitCode(), atTheLeast.output());
        assertTrue(atTheLeast.flattened().contains("silver_range_readers = 2 needs 2 × 224 MiB of heap") && atTheLeast.flattened().contains("a heap of 435 MiB"
                + " (85 % of the memory), room for 1") && atTheLeast.flattened().contains("silver_converter_memory_mb to at least 528."), atTheLeast.output());

        JsonNode planned = stack.planJson("-var", "silver_converter_memory_mb=1024", "-var", "silver_range_readers=" + heapAllows);
        assertEquals(String.valueOf(heapAllows), planned.at("/variables/silver_range_readers/value").asText());
        JsonNode enough = stack.planJson("-var", "silver_converter_memory_mb=1055", "-var", "silver_range_readers=4");
        assertEquals("4", enough.at("/variables/silver_range_readers/value").asText());
    }

    /**
     * The converter reads CSV_ENCODINGS when it starts and stops on a charset Java does not know, so every
     * conversion failed (with SnapStart, the version's publication failed the apply): windows1252 and latin-1
     * passed the plan, only their shape being checked. The plan now refuses them, naming the name Java
     * knows that differs only in its dashes and underscores.
     */
    @Test
    void aCharsetJavaDoesNotKnowFailsThePlanNamingTheOneItKnows() throws Exception {
        String encodings = "orders:windows1252,people:latin-1,mainframe:IBM037,legacy:utf8bom";
        for (String entry : encodings.split(",")) {
            if (!entry.startsWith("mainframe")) {
                assertThrows(ConfigurationException.class, () -> SilverSettings.parseEncodings(SilverSettings.CSV_ENCODINGS, entry), entry);
            }
        }

        PlannedStack.Result refused = stack.plan("-var", "silver_csv_encodings=" + encodings);
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.flattened().contains("silver_csv_encodings names charsets Java does not know: windows1252 (dataset orders; did you mean"
                + " windows-1252?), latin-1 (dataset people; did you mean latin1?), utf8bom (dataset legacy). The converter reads CSV_ENCODINGS"
                + " when it starts and stops on such a name, so every conversion would fail (with silver_converter_snapstart, the apply, publishing"
                + " the version). Name each charset as Java 21 does (any case), such as windows-1252, ISO-8859-1, UTF-8, UTF-16LE or IBM037:"
                + " java-charsets.tf lists every name and alias."), refused.output());
    }

    /** Names and aliases Java knows, in any case, with underscores and colons (ISO_8859-1:1987), are planned as given and read so by the converter. */
    @Test
    void charsetNamesAndAliasesJavaKnowsArePlannedAsGiven() throws Exception {
        String encodings = "orders:Windows-1252,people:ISO_8859-1,mainframe:ibm037,legacy:latin1,wide:UTF-16LE,old:ISO_8859-1:1987";
        JsonNode planned = stack.planJson("-var", "silver_csv_encodings=" + encodings);
        assertEquals(encodings, planned.at("/variables/silver_csv_encodings/value").asText());

        Map<String, Charset> read = SilverSettings.parseEncodings(SilverSettings.CSV_ENCODINGS, encodings);
        assertEquals(List.of("windows-1252", "ISO-8859-1", "IBM037", "ISO-8859-1", "UTF-16LE", "ISO-8859-1"),
                read.values().stream().map(Charset::name).toList());
    }

    /**
     * CSV_NULL_VALUES that the converter would stop on at start (an entry without a marker or a dataset) fails
     * the plan, as an encoding Java does not know does; what it takes, \\N and a colon in a marker included, is
     * planned as given and put in the function's environment unchanged.
     */
    @Test
    void nullValuesTheConverterRefusesFailThePlanAndTheOthersArePlannedAsGiven() throws Exception {
        for (String malformed : List.of("orders", "orders:", "orders: ", ":NULL", "orders:NULL,legacy")) {
            assertThrows(ConfigurationException.class, () -> SilverSettings.parseNullValues(SilverSettings.CSV_NULL_VALUES, malformed), malformed);
            PlannedStack.Result refused = stack.plan("-var", "silver_csv_null_values=" + malformed);
            assertNotEquals(0, refused.exitCode(), malformed + ": " + refused.output());
            assertTrue(refused.flattened().contains("silver_csv_null_values must be empty or dataset:marker entries separated by commas"), refused.output());
        }

        String declared = "SQL Server Orders:NULL,legacy:\\N,legacy:N/A,times:00:00, ,";
        JsonNode planned = stack.planJson("-var", "silver_csv_null_values=" + declared);
        assertEquals(declared, planned.at("/variables/silver_csv_null_values/value").asText());
        assertEquals(Map.of("sql_server_orders", List.of("NULL"), "legacy", List.of("\\N", "N/A"), "times", List.of("00:00")),
                SilverSettings.parseNullValues(SilverSettings.CSV_NULL_VALUES, declared));
    }

    /**
     * CSV_QUOTED_EMPTY_STRINGS that the converter would stop on at start (an entry with a colon or a wildcard, or a switch's
     * word) fails the plan; dataset names, spaces and blank entries included, are planned as given.
     */
    @Test
    void quotedEmptyStringsTheConverterRefusesFailThePlanAndTheOthersArePlannedAsGiven() throws Exception {
        for (String malformed : List.of("pg_orders:true", "*", "pg_orders, TRUE")) {
            assertThrows(ConfigurationException.class, () -> SilverSettings.parseQuotedEmptyStrings(SilverSettings.CSV_QUOTED_EMPTY_STRINGS, malformed), malformed);
            PlannedStack.Result refused = stack.plan("-var", "silver_csv_quoted_empty_strings=" + malformed);
            assertNotEquals(0, refused.exitCode(), malformed + ": " + refused.output());
            assertTrue(refused.flattened().contains("silver_csv_quoted_empty_strings must be empty or dataset names separated by commas"), refused.output());
        }

        String declared = "PG Orders,pg_customers, ,";
        JsonNode planned = stack.planJson("-var", "silver_csv_quoted_empty_strings=" + declared);
        assertEquals(declared, planned.at("/variables/silver_csv_quoted_empty_strings/value").asText());
        assertEquals(Set.of("pg_orders", "pg_customers"), SilverSettings.parseQuotedEmptyStrings(SilverSettings.CSV_QUOTED_EMPTY_STRINGS, declared));
    }

    /**
     * CSV_DELIMITERS and CSV_ENCODINGS entries whose dataset is blank (" :tab", a name deleted and its
     * colon left) stop the converter at start, failing every conversion, as CSV_NULL_VALUES' do: they
     * passed the plan, whose patterns took a space for a dataset. Refused now, saying an entry needs a
     * dataset; a dataset with spaces in it (EU Sales) is still planned as given and read by the converter.
     */
    @Test
    void delimitersAndEncodingsForABlankDatasetFailThePlanAsTheConverterRefusesThem() throws Exception {
        for (String malformed : List.of(" :tab", "sales:pipe, :tab")) {
            assertThrows(ConfigurationException.class, () -> SilverSettings.parseDelimiters(SilverSettings.CSV_DELIMITERS, malformed), malformed);
            PlannedStack.Result refused = stack.plan("-var", "silver_csv_delimiters=" + malformed);
            assertNotEquals(0, refused.exitCode(), malformed + ": " + refused.output());
            assertTrue(refused.flattened().contains("silver_csv_delimiters must be empty or dataset:delimiter pairs separated by commas, each"
                    + " naming a dataset (not blank)"), refused.output());
        }
        for (String malformed : List.of(" :windows-1252", "sales:latin1, :cp1252")) {
            assertThrows(ConfigurationException.class, () -> SilverSettings.parseEncodings(SilverSettings.CSV_ENCODINGS, malformed), malformed);
            PlannedStack.Result refused = stack.plan("-var", "silver_csv_encodings=" + malformed);
            assertNotEquals(0, refused.exitCode(), malformed + ": " + refused.output());
            assertTrue(refused.flattened().contains("silver_csv_encodings must be empty or dataset:charset pairs separated by commas, each"
                    + " naming a dataset (not blank)"), refused.output());
        }

        String delimiters = "EU Sales:semicolon, legacy_orders:PIPE";
        String encodings = "EU Sales:windows-1252, legacy_orders:latin1";
        JsonNode planned = stack.planJson("-var", "silver_csv_delimiters=" + delimiters, "-var", "silver_csv_encodings=" + encodings);
        assertEquals(delimiters, planned.at("/variables/silver_csv_delimiters/value").asText());
        assertEquals(encodings, planned.at("/variables/silver_csv_encodings/value").asText());
        assertEquals(Map.of("eu_sales", ';', "legacy_orders", '|'), SilverSettings.parseDelimiters(SilverSettings.CSV_DELIMITERS, delimiters));
        assertEquals(List.of("windows-1252", "ISO-8859-1"),
                SilverSettings.parseEncodings(SilverSettings.CSV_ENCODINGS, encodings).values().stream().map(Charset::name).toList());
    }

    /**
     * The converter's blank is String.isBlank, which counts every code point Character.isWhitespace does:
     * the ideographic space U+3000, the em space U+2003, U+000B and U+001C to U+001F among them. The plan's
     * patterns took RE2's \\s, ASCII space and \\t\\n\\f\\r alone, so a dataset of such spaces
     * (U+3000 before the colon, pasted from a document in Japanese) passed the plan, and the converter stopped at start,
     * failing every conversion. Every code point Java counts as white space is now refused by both, one plan
     * each, both variables at once; those Java does not count (the no-break spaces U+00A0, U+2007 and U+202F,
     * U+0085, U+200B, U+FEFF) name a dataset for both, and are planned as given. The values go through a
     * tfvars file in HCL's \\u escapes, as a command line's encoding would depend on the machine's locale.
     */
    @Test
    void aDatasetOfSpacesJavaCountsIsBlankToThePlanAsToTheConverter() throws Exception {
        List<Integer> javaWhiteSpace = IntStream.rangeClosed(0, Character.MAX_CODE_POINT).filter(Character::isWhitespace).boxed().toList();
        assertTrue(javaWhiteSpace.containsAll(List.of(0x3000, 0x2003, 0x000B, 0x001F, 0x2028)), "Java's white space: " + javaWhiteSpace);
        for (int codePoint : javaWhiteSpace) {
            String space = new String(Character.toChars(codePoint));
            String delimiters = "sales:pipe," + space + ":tab";
            String encodings = "sales:latin1," + space + ":windows-1252";
            assertThrows(ConfigurationException.class, () -> SilverSettings.parseDelimiters(SilverSettings.CSV_DELIMITERS, delimiters), codePoint(codePoint));
            assertThrows(ConfigurationException.class, () -> SilverSettings.parseEncodings(SilverSettings.CSV_ENCODINGS, encodings), codePoint(codePoint));

            PlannedStack.Result refused = stack.plan("-var-file=" + tfvars(Map.of("silver_csv_delimiters", delimiters, "silver_csv_encodings", encodings)));
            assertNotEquals(0, refused.exitCode(), codePoint(codePoint) + ": " + refused.output());
            for (String message : List.of("silver_csv_delimiters must be empty or dataset:delimiter pairs separated by commas, each naming a dataset (not blank)",
                    "silver_csv_encodings must be empty or dataset:charset pairs separated by commas, each naming a dataset (not blank)")) {
                assertTrue(refused.flattened().contains(message), codePoint(codePoint) + ", " + message + ": " + refused.output());
            }
        }

        String delimiters = String.join(",", Stream.of(0x00a0, 0x2007, 0x202f, 0x0085, 0x200b, 0xfeff)
                .map(codePoint -> Character.toString(codePoint) + ":tab").toList());
        String encodings = delimiters.replaceAll(":[a-z]+", ":latin1");
        assertFalse(SilverSettings.parseDelimiters(SilverSettings.CSV_DELIMITERS, delimiters).isEmpty());
        assertFalse(SilverSettings.parseEncodings(SilverSettings.CSV_ENCODINGS, encodings).isEmpty());
        JsonNode planned = stack.planJson("-var-file=" + tfvars(Map.of("silver_csv_delimiters", delimiters, "silver_csv_encodings", encodings)));
        assertEquals(delimiters, planned.at("/variables/silver_csv_delimiters/value").asText());
        assertEquals(encodings, planned.at("/variables/silver_csv_encodings/value").asText());
    }

    private static String codePoint(int codePoint) {
        return String.format(Locale.ROOT, "U+%04X", codePoint);
    }

    /** A tfvars file of these string variables, every character outside printable ASCII written as HCL's \\uNNNN escape. */
    private static Path tfvars(Map<String, String> variables) throws IOException {
        StringBuilder text = new StringBuilder();
        variables.forEach((name, value) -> {
            text.append(name).append(" = \"");
            value.codePoints().forEach(codePoint -> {
                if (codePoint >= 0x20 && codePoint < 0x7f && codePoint != '"' && codePoint != '\\' && codePoint != '$' && codePoint != '%') {
                    text.appendCodePoint(codePoint);
                }
                else {
                    text.append(String.format(Locale.ROOT, "\\u%04x", codePoint));
                }
            });
            text.append("\"\n");
        });
        Path file = Files.createTempFile(stack.directory(), "settings-", ".tfvars");
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }

    /**
     * Lambda's Java runtimes start the JVM with a maximum heap of 85 % of the memory on the command line
     * (-XX:MaxHeapSize=445644k at 512 MB), which JAVA_TOOL_OPTIONS cannot raise; an initial heap above it
     * there stops the JVM before the handler loads, failing every conversion, and passed the plan.
     */
    @Test
    void anInitialHeapAboveLambdasMaximumFailsThePlanNamingWhatToSet() throws Exception {
        JvmStart tooLarge = startJvmAsLambdaAt512Mb("-Xms1g");
        assertNotEquals(0, tooLarge.exitCode(), tooLarge.output());
        assertTrue(tooLarge.output().contains("Initial heap size set to a larger value than the maximum heap size"), tooLarge.output());
        JvmStart atTheMaximum = startJvmAsLambdaAt512Mb("-Xms435m");
        assertEquals(0, atTheMaximum.exitCode(), atTheMaximum.output());

        String options = "-XX:+TieredCompilation -XX:TieredStopAtLevel=4 -XX:CompileThresholdScaling=3";
        PlannedStack.Result refused = stack.plan("-var", "silver_converter_memory_mb=512", "-var", "silver_converter_java_tool_options=" + options + " -Xms1g");
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.flattened().contains("silver_converter_java_tool_options sets an initial heap of 1024 MiB (-Xms1g), more than the"
                + " 435 MiB that Lambda gives the converter's JVM as its maximum at silver_converter_memory_mb = 512 (85 % of the memory, on the"
                + " command line, which JAVA_TOOL_OPTIONS cannot raise): the JVM then does not start (\"Initial heap size set to a larger value"
                + " than the maximum heap size\"), failing every conversion. Remove -Xms1g or give it at most 435m, or set"
                + " silver_converter_memory_mb to at least 1205."), refused.output());
        PlannedStack.Result initialHeapSize = stack.plan("-var", "silver_converter_memory_mb=2048", "-var", "silver_converter_java_tool_options=-XX:InitialHeapSize=2g");
        assertNotEquals(0, initialHeapSize.exitCode(), initialHeapSize.output());
        assertTrue(initialHeapSize.flattened().contains("an initial heap of 2048 MiB (-XX:InitialHeapSize=2g), more than the 1740 MiB"), initialHeapSize.output());

        JsonNode planned = stack.planJson("-var", "silver_converter_memory_mb=512", "-var", "silver_converter_java_tool_options=" + options + " -Xms435m");
        assertEquals(options + " -Xms435m", planned.at("/variables/silver_converter_java_tool_options/value").asText());
    }

    private record JvmStart(int exitCode, String output) {}

    /** This JVM started with -version as Lambda starts it at 512 MB (serial collector, its maximum heap on the command line) and {@code toolOptions} as JAVA_TOOL_OPTIONS. */
    private static JvmStart startJvmAsLambdaAt512Mb(String toolOptions) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxHeapSize=445644k", "-XX:+UseSerialGC", "-version").redirectErrorStream(true);
        builder.environment().put("JAVA_TOOL_OPTIONS", toolOptions);
        Process jvm = builder.start();
        jvm.getOutputStream().close();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), output);
        return new JvmStart(jvm.exitValue(), output);
    }
}
