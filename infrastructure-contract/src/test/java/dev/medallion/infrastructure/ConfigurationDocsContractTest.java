package dev.medallion.infrastructure;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.GoldSettings;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.config.SilverSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The tables of environment variables in docs/configuration.md and gold-ctas/README.md, and the lists of them in
 * docs/infrastructure.md, docs/configuration.md, docs/local.md and terraform/terraform.tfvars.example, say what the code reads.
 */
class ConfigurationDocsContractTest {
    private static final Pattern VARIABLE = Pattern.compile("`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`");
    @Test
    void theConvertersTableNamesEveryVariableItReadsWithTheCodesDefaults() throws IOException {
        String document = Files.readString(Repository.root().resolve("docs/configuration.md"));
        Map<String, List<String>> rows = ReadmeTables.tableRows(document, "# Configuration of the silver converter's Lambda function");
        ConversionLimits limits = ConversionLimits.defaults();
        Map<String, Long> defaults = new LinkedHashMap<>();
        defaults.put(ConversionLimits.CHUNK_ROWS, (long) limits.chunkRows());
        defaults.put(ConversionLimits.CHUNK_MAX_BYTES, limits.chunkMaxBytes());
        defaults.put(ConversionLimits.PART_TARGET_BYTES, limits.partTargetBytes());
        defaults.put(ConversionLimits.ROW_GROUP_BYTES, limits.rowGroupBytes());
        defaults.put(ConversionLimits.MAX_COLUMNS, (long) limits.maxColumns());
        defaults.put(ConversionLimits.MAX_ROW_CHARS, (long) limits.maxRowChars());
        defaults.put(RangeReading.MIN_RANGE_BYTES, RangeReading.DEFAULT_MIN_RANGE_BYTES);
        assertEquals(List.of(), DocumentedVariables.violations("docs/configuration.md", rows,
                SettingsVariables.readBy(SilverSettings.class, ConversionLimits.class, RangeReading.class), defaults));
    }

    @Test
    void theGoldBuildersTableNamesEveryVariableItReads() throws IOException {
        String document = Files.readString(Repository.root().resolve("gold-ctas/README.md"));
        Map<String, List<String>> rows = ReadmeTables.tableRows(document, "## Configuration");
        assertEquals(List.of(), DocumentedVariables.violations("gold-ctas/README.md", rows, SettingsVariables.readBy(GoldSettings.class), Map.of()));
    }

    @Test
    void theStackReferenceListsExactlyTheVariablesEachFunctionReads() throws IOException {
        String document = Files.readString(Repository.root().resolve("docs/infrastructure.md"));
        assertEquals(SettingsVariables.readBy(SilverSettings.class, ConversionLimits.class, RangeReading.class),
                variablesIn(bullet(document, "- **Silver converter.**")),
                "docs/infrastructure.md's Silver converter item must name the variables the converter reads (SilverSettings, ConversionLimits, RangeReading)");
        assertEquals(SettingsVariables.readBy(GoldSettings.class), variablesIn(bullet(document, "- **Gold builder.**")),
                "docs/infrastructure.md's Gold builder item must name exactly the variables GoldSettings reads");
    }

    /**
     * Where a list names the datasets' declarations the local commands read as the function does (CSV_DELIMITERS and the like), it
     * names each of them: CSV_QUOTED_EMPTY_STRINGS, read by both commands once it landed, was missing from lakehouse-local.jar's
     * --help and said apart in docs/local.md. A copy of terraform.tfvars.example shows each, commented out, as its silver_csv_ variable.
     */
    @Test
    void everyListOfTheDatasetsDeclarationsNamesEachOne() throws IOException {
        Set<String> declarations = new TreeSet<>(SettingsVariables.readBy(SilverSettings.class));
        declarations.removeIf(name -> !name.startsWith("CSV_"));
        assertEquals(4, declarations.size(), "the reflection found the declarations: " + declarations);
        String configuration = Files.readString(Repository.root().resolve("docs/configuration.md"));
        String local = Files.readString(Repository.root().resolve("docs/local.md"));
        Map<String, String> lists = new LinkedHashMap<>();
        lists.put("docs/configuration.md, what silver-converter.jar convert reads",
                between(configuration, "`silver-converter.jar convert` (the converter run on a laptop) reads", "from its environment too"));
        lists.put("docs/configuration.md, what lakehouse-local.jar local reads", between(configuration, "`lakehouse-local.jar local` reads", " only"));
        lists.put("docs/local.md, the variables --help names", between(local, "`--help` names", ")"));
        List<String> missing = new java.util.ArrayList<>();
        lists.forEach((list, text) -> declarations.stream().filter(name -> !text.contains("`" + name + "`")).forEach(name -> missing.add(list + " lacks " + name)));
        List<String> example = TfvarsExample.commentedOutNames();
        declarations.stream().map(name -> "silver_" + name.toLowerCase(java.util.Locale.ROOT)).filter(name -> !example.contains(name))
                .forEach(name -> missing.add("terraform/terraform.tfvars.example shows no commented-out " + name));
        assertEquals(List.of(), missing);
    }

    private static String between(String document, String start, String end) {
        int from = document.indexOf(start);
        if (from < 0) {
            throw new AssertionError("no text starting " + start);
        }
        int to = document.indexOf(end, from + start.length());
        if (to < 0) {
            throw new AssertionError("no " + end + " after " + start);
        }
        return document.substring(from, to);
    }

    @Test
    void ruleFindsAMissingRowARowForNothingAndADefaultThatDrifted() {
        String document = """
                # Settings

                | Variable | Default | Meaning |
                | --- | --- | --- |
                | `CHUNK_ROWS` | `50000` | the code's default is 100000 |
                | `MAX_COLUMNS` | `10000` | fine |
                | `CHUNK_SIZE` | `8` | a name the code never read |

                ## Next
                """;
        Map<String, List<String>> rows = ReadmeTables.tableRows(document, "# Settings");
        List<String> violations = DocumentedVariables.violations("settings.md", rows, Set.of("CHUNK_ROWS", "MAX_COLUMNS", "MAX_ROW_CHARS"),
                Map.of("CHUNK_ROWS", 100_000L, "MAX_COLUMNS", 10_000L));
        assertEquals(List.of(
                "settings.md has no row for MAX_ROW_CHARS, which the code reads: add one with its default and meaning",
                "settings.md has a row for CHUNK_SIZE, which the code does not read: remove it, or correct its name",
                "settings.md says CHUNK_ROWS defaults to 50000, the code's default is 100000: correct the row"), violations);
    }

    /** The text of the list item starting with {@code start}, up to the next item at the same depth. */
    private static String bullet(String document, String start) {
        int from = document.indexOf(start);
        if (from < 0) {
            throw new AssertionError("docs/infrastructure.md has no item starting " + start);
        }
        int to = document.indexOf("\n- **", from + start.length());
        return document.substring(from, to < 0 ? document.length() : to);
    }

    /** The environment variables an item lists: those in the parentheses after its "environment variables". */
    private static Set<String> variablesIn(String bullet) {
        int open = bullet.indexOf('(', bullet.indexOf("environment"));
        String environment = bullet.substring(open, bullet.indexOf(')', open));
        Set<String> names = new TreeSet<>();
        Matcher matcher = VARIABLE.matcher(environment);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
