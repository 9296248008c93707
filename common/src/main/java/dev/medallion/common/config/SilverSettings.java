package dev.medallion.common.config;

import dev.medallion.common.layout.SilverLayout;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Everything the silver converter reads from its environment, read in this one place.
 *
 * <table>
 * <tr><th>Variable</th><th>Default</th><th>Meaning</th></tr>
 * <tr><td>SILVER_BUCKET</td><td>(required)</td><td>bucket that receives Parquet, manifests, quarantine and schemas</td></tr>
 * <tr><td>SILVER_PREFIX</td><td>empty</td><td>key prefix inside the silver bucket</td></tr>
 * <tr><td>CHUNK_ROWS</td><td>100000</td><td>rows converted per chunk</td></tr>
 * <tr><td>CHUNK_MAX_BYTES</td><td>8 MiB</td><td>memory a chunk may hold before it is written early</td></tr>
 * <tr><td>PART_TARGET_BYTES</td><td>128 MiB</td><td>Parquet file size at which a new part is started</td></tr>
 * <tr><td>ROW_GROUP_BYTES</td><td>32 MiB</td><td>Parquet row group size, buffered in memory while written</td></tr>
 * <tr><td>CSV_DELIMITERS</td><td>empty</td><td>per-dataset delimiter overrides, e.g. {@code legacy_orders:pipe,eu_sales:semicolon}</td></tr>
 * <tr><td>SILVER_CRAWLER_NAME</td><td>empty</td><td>Glue crawler started after new data is committed; empty to start none</td></tr>
 * </table>
 */
public record SilverSettings(String silverBucket, String silverPrefix, ConversionLimits limits, Map<String, Character> delimiterOverrides,
        Optional<String> silverCrawlerName) {
    public static final String SILVER_BUCKET = "SILVER_BUCKET";
    public static final String SILVER_PREFIX = "SILVER_PREFIX";
    public static final String CSV_DELIMITERS = "CSV_DELIMITERS";
    public static final String SILVER_CRAWLER_NAME = "SILVER_CRAWLER_NAME";

    private static final Map<String, Character> DELIMITER_NAMES = Map.of(
            "comma", ',',
            "semicolon", ';',
            "tab", '\t',
            "pipe", '|');

    public SilverSettings {
        requireNonNull(silverBucket, "silverBucket is null");
        requireNonNull(silverPrefix, "silverPrefix is null");
        requireNonNull(limits, "limits is null");
        delimiterOverrides = Map.copyOf(delimiterOverrides);
        requireNonNull(silverCrawlerName, "silverCrawlerName is null");
    }

    public static SilverSettings fromEnvironment(Environment environment) {
        return new SilverSettings(
                environment.required(SILVER_BUCKET, "the name of the silver bucket that receives the Parquet output"),
                environment.string(SILVER_PREFIX, ""),
                ConversionLimits.fromEnvironment(environment),
                parseDelimiters(CSV_DELIMITERS, environment.string(CSV_DELIMITERS, "")),
                environment.optional(SILVER_CRAWLER_NAME));
    }

    /**
     * Parses {@code dataset:name,dataset:name}, where a name is comma, semicolon, tab or pipe. Datasets are
     * keyed by their safe name, as the converter looks them up: {@code EU Sales:semicolon} applies to {@code eu_sales}.
     */
    public static Map<String, Character> parseDelimiters(String source, String text) {
        Map<String, Character> overrides = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.split(":", 2);
            Character delimiter = parts.length == 2 ? DELIMITER_NAMES.get(parts[1].trim().toLowerCase(Locale.ROOT)) : null;
            if (parts[0].isBlank() || delimiter == null) {
                throw new ConfigurationException(source + " entry '" + entry.trim()
                        + "' must look like dataset:delimiter with delimiter one of " + DELIMITER_NAMES.keySet().stream().sorted().toList());
            }
            overrides.put(SilverLayout.datasetName(parts[0].trim()), delimiter);
        }
        return overrides;
    }

    /** The delimiter named {@code comma}, {@code semicolon}, {@code tab} or {@code pipe}. */
    public static char delimiterNamed(String source, String name) {
        Character delimiter = DELIMITER_NAMES.get(name.trim().toLowerCase(Locale.ROOT));
        if (delimiter == null) {
            throw new ConfigurationException(source + " must be one of " + DELIMITER_NAMES.keySet().stream().sorted().toList() + ", got '" + name + "'");
        }
        return delimiter;
    }
}
