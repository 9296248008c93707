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

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tables of environment variables in docs/configuration.md and gold-ctas/README.md say what the code reads. */
class ConfigurationDocsContractTest {
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

}
