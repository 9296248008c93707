package dev.medallion.common.config;

import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.text.EncodingSource;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Everything the silver converter reads from its environment, read in this one place.
 *
 * <table>
 * <tr><th>Variable</th><th>Default</th><th>Meaning</th></tr>
 * <tr><td>SILVER_BUCKET</td><td>(required)</td><td>bucket that receives Parquet, manifests, quarantine and schemas: its name, no '/'</td></tr>
 * <tr><td>SILVER_PREFIX</td><td>empty</td><td>key prefix inside the silver bucket</td></tr>
 * <tr><td>CHUNK_ROWS</td><td>100000</td><td>rows converted per chunk</td></tr>
 * <tr><td>CHUNK_MAX_BYTES</td><td>8 MiB</td><td>memory a chunk may hold before it is written early</td></tr>
 * <tr><td>PART_TARGET_BYTES</td><td>128 MiB</td><td>Parquet file size at which a new part is started</td></tr>
 * <tr><td>ROW_GROUP_BYTES</td><td>32 MiB</td><td>Parquet row group size, buffered in memory while written</td></tr>
 * <tr><td>MAX_COLUMNS</td><td>10000</td><td>the most fields a file's header may hold; a wider file is rejected</td></tr>
 * <tr><td>MAX_ROW_CHARS</td><td>4 Mi</td><td>the most characters (values and delimiters) a row may hold; a file with a longer row is rejected</td></tr>
 * <tr><td>RANGE_READERS</td><td>one per 1,769 MB of the function's memory (per processor locally), at most one per 224 MiB of heap and 6</td><td>byte ranges of one
 *     large uncompressed file converted at once, each into parts of its own</td></tr>
 * <tr><td>MIN_RANGE_BYTES</td><td>24 MiB</td><td>the least bytes a range holds: a file is split only into ranges at least this large</td></tr>
 * <tr><td>CSV_DELIMITERS</td><td>empty</td><td>per-dataset delimiter overrides, e.g. {@code legacy_orders:pipe,eu_sales:semicolon}</td></tr>
 * <tr><td>CSV_ENCODINGS</td><td>empty</td><td>per-dataset source encodings (Java charset names), e.g.
 *     {@code legacy_orders:windows-1252,exports:UTF-16LE}; a dataset without one is read as UTF-8</td></tr>
 * <tr><td>CSV_NULL_VALUES</td><td>empty</td><td>per-dataset null markers, null in every column of the dataset, string columns
 *     included (but in a dataset listed in CSV_QUOTED_EMPTY_STRINGS, a marker read quoted, {@code "NULL"}, is that text in a string column),
 *     e.g. {@code sqlserver_orders:NULL,legacy:\N,legacy:N/A}; without one, {@code NULL}, {@code null} and {@code \N} are null in typed columns only</td></tr>
 * <tr><td>CSV_QUOTED_EMPTY_STRINGS</td><td>empty</td><td>datasets whose quoted empty field ({@code ""}) is an empty string in a string
 *     column, an unquoted empty field staying null, as PostgreSQL's {@code COPY ... (FORMAT csv)} writes them, e.g. {@code pg_orders,pg_customers};
 *     a declared marker read quoted is text in a string column too, unquoted null; without it, both are null</td></tr>
 * <tr><td>SILVER_DATABASE</td><td>empty</td><td>Glue database in which the converter keeps each dataset's table and partitions
 *     before it commits; empty for no catalog (local runs, LocalStack's free edition, {@code enable_glue_catalog = false})</td></tr>
 * <tr><td>WITHDRAW_DELETED_FILES</td><td>true</td><td>whether a file deleted from bronze has its rows withdrawn: {@code false} where the
 *     stack delivers no removal ({@code silver_withdraws_deleted_files = false}), so a conversion that finds its file deleted after
 *     its commit keeps it too</td></tr>
 * </table>
 */
public record SilverSettings(String silverBucket, String silverPrefix, ConversionLimits limits, RangeReading rangeReading, Map<String, Character> delimiterOverrides,
        Map<String, Charset> encodingOverrides, Map<String, List<String>> nullValueOverrides, Set<String> quotedEmptyStringDatasets,
        Optional<String> silverDatabase, boolean withdrawsDeletedFiles) {
    public static final String SILVER_BUCKET = "SILVER_BUCKET";
    public static final String SILVER_PREFIX = "SILVER_PREFIX";
    public static final String CSV_DELIMITERS = "CSV_DELIMITERS";
    /** Named by the text rules, whose rejections name it: they depend on no configuration. */
    public static final String CSV_ENCODINGS = EncodingSource.CSV_ENCODINGS.setting();
    public static final String CSV_NULL_VALUES = "CSV_NULL_VALUES";
    public static final String CSV_QUOTED_EMPTY_STRINGS = "CSV_QUOTED_EMPTY_STRINGS";
    public static final String SILVER_DATABASE = "SILVER_DATABASE";
    public static final String WITHDRAW_DELETED_FILES = "WITHDRAW_DELETED_FILES";

    private static final Map<String, Character> DELIMITER_NAMES = Map.of(
            "comma", ',',
            "semicolon", ';',
            "tab", '\t',
            "pipe", '|');

    public SilverSettings {
        requireNonNull(silverBucket, "silverBucket is null");
        BucketName.checked(SILVER_BUCKET, SILVER_PREFIX, silverBucket);
        requireNonNull(silverPrefix, "silverPrefix is null");
        requireNonNull(limits, "limits is null");
        requireNonNull(rangeReading, "rangeReading is null");
        delimiterOverrides = Map.copyOf(delimiterOverrides);
        encodingOverrides = Map.copyOf(encodingOverrides);
        nullValueOverrides = new CsvOverrides(Map.of(), Map.of(), nullValueOverrides).nullValues();
        quotedEmptyStringDatasets = Set.copyOf(quotedEmptyStringDatasets);
        requireNonNull(silverDatabase, "silverDatabase is null");
    }

    /** The delimiter, encoding, null marker and quoted empty string declarations together, as the converter takes them. */
    public CsvOverrides csvOverrides() {
        return new CsvOverrides(delimiterOverrides, encodingOverrides, nullValueOverrides, Map.of(), quotedEmptyStringDatasets);
    }

    public static SilverSettings fromEnvironment(Environment environment) {
        return new SilverSettings(
                environment.required(SILVER_BUCKET, "the name of the silver bucket that receives the Parquet output"),
                environment.string(SILVER_PREFIX, ""),
                ConversionLimits.fromEnvironment(environment),
                RangeReading.fromEnvironment(environment),
                csvOverrides(environment).delimiters(),
                csvOverrides(environment).encodings(),
                csvOverrides(environment).nullValues(),
                csvOverrides(environment).quotedEmptyStrings(),
                environment.optional(SILVER_DATABASE),
                parseSwitch(WITHDRAW_DELETED_FILES, environment.string(WITHDRAW_DELETED_FILES, "true")));
    }

    /** {@code true} or {@code false}, in any case; anything else stops the converter at start rather than guess which was meant. */
    static boolean parseSwitch(String name, String value) {
        requireNonNull(name, "name is null");
        requireNonNull(value, "value is null");
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException(name + " is '" + value + "': set it to true or false (the stack sets it from"
                    + " silver_withdraws_deleted_files)");
        };
    }

    /**
     * What {@code CSV_DELIMITERS}, {@code CSV_ENCODINGS}, {@code CSV_NULL_VALUES} and {@code CSV_QUOTED_EMPTY_STRINGS} declare: read by the
     * function, and by the local commands too, so that the advice a rejection gives (such as
     * {@code set CSV_ENCODINGS=people:windows-1252}) works wherever the file was converted.
     */
    public static CsvOverrides csvOverrides(Environment environment) {
        return new CsvOverrides(parseDelimiters(CSV_DELIMITERS, environment.string(CSV_DELIMITERS, "")),
                parseEncodings(CSV_ENCODINGS, environment.string(CSV_ENCODINGS, "")),
                parseNullValues(CSV_NULL_VALUES, environment.string(CSV_NULL_VALUES, "")), Map.of(),
                parseQuotedEmptyStrings(CSV_QUOTED_EMPTY_STRINGS, environment.string(CSV_QUOTED_EMPTY_STRINGS, "")));
    }

    /**
     * Parses {@code dataset,dataset}: the datasets whose quoted empty field ({@code ""}) is an empty string. A dataset is named
     * alone, with no value after a colon as in the other per-dataset settings, and keyed by its safe name, as in
     * {@link #parseDelimiters}. A switch's word ({@code true}) or a wildcard is refused rather than taken for a dataset of
     * that name: no dataset would be opted in, and the setting would look as if it did something.
     */
    public static Set<String> parseQuotedEmptyStrings(String source, String text) {
        Set<String> datasets = new LinkedHashSet<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String name = entry.trim();
            if (name.contains(":") || name.contains("*") || Set.of("true", "false", "all", "yes", "no").contains(name.toLowerCase(Locale.ROOT))) {
                throw new ConfigurationException(source + " entry '" + name + "' must be a dataset name: the setting lists the datasets whose"
                        + " quoted empty field (\"\") is an empty string, separated by commas, each named alone, e.g. pg_orders,pg_customers");
            }
            datasets.add(SilverLayout.datasetName(name));
        }
        return datasets;
    }

    /**
     * Parses {@code dataset:marker,dataset:marker}, a dataset declaring several markers in as many entries
     * ({@code legacy:\N,legacy:N/A}). A marker is the text after the entry's first colon, spaces around it
     * aside, taken literally: a backslash escapes nothing, so {@code \N} is the two characters MySQL and
     * PostgreSQL write, and a colon may be part of it. It holds no comma (which ends the entry) and is not
     * empty (an empty field is null already). Datasets are keyed by their safe name, as in {@link #parseDelimiters}.
     */
    public static Map<String, List<String>> parseNullValues(String source, String text) {
        Map<String, List<String>> markers = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.split(":", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new ConfigurationException(source + " entry '" + entry.trim() + "' must look like dataset:marker, one marker an entry and"
                        + " the dataset repeated for more, e.g. sqlserver_orders:NULL,legacy:\\N,legacy:N/A (a marker holds no comma; a"
                        + " backslash is taken as written)");
            }
            List<String> declared = markers.computeIfAbsent(SilverLayout.datasetName(parts[0].trim()), dataset -> new ArrayList<>());
            if (!declared.contains(parts[1].trim())) {
                declared.add(parts[1].trim());
            }
        }
        return markers;
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

    /**
     * Parses {@code dataset:charset,dataset:charset}, where a charset is named as Java knows it
     * ({@code windows-1252}, {@code ISO-8859-1}, {@code UTF-8}, {@code UTF-16LE}, in any case, or an alias
     * such as {@code latin1}). Datasets are keyed by their safe name, as in {@link #parseDelimiters}.
     */
    public static Map<String, Charset> parseEncodings(String source, String text) {
        Map<String, Charset> overrides = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.split(":", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new ConfigurationException(source + " entry '" + entry.trim()
                        + "' must look like dataset:charset, e.g. legacy_orders:windows-1252");
            }
            Charset charset;
            try {
                charset = charsetNamed(source + " entry '" + entry.trim() + "'", parts[1].trim());
            }
            catch (ConfigurationException e) {
                throw new ConfigurationException(e.getMessage() + ", e.g. legacy_orders:windows-1252");
            }
            overrides.put(SilverLayout.datasetName(parts[0].trim()), charset);
        }
        return overrides;
    }

    /**
     * The markers of {@code --null-values}: texts separated by commas, each taken as written but for the spaces
     * around it ({@code NULL,\\N,N/A}), as a {@link #parseNullValues} entry takes one.
     */
    public static List<String> nullValuesListed(String source, String list) {
        List<String> markers = new ArrayList<>();
        for (String marker : list.split(",", -1)) {
            if (marker.isBlank()) {
                throw new ConfigurationException(source + " '" + list + "' must be markers separated by commas, none empty (an empty field is"
                        + " null already), e.g. NULL,\\N,N/A (a marker holds no comma; a backslash is taken as written)");
            }
            if (!markers.contains(marker.trim())) {
                markers.add(marker.trim());
            }
        }
        return markers;
    }

    /** The charset Java knows by {@code name}; {@code source} says where the name was given, for the error. */
    public static Charset charsetNamed(String source, String name) {
        try {
            if (Charset.isSupported(name)) {
                return Charset.forName(name);
            }
        }
        catch (IllegalCharsetNameException e) {
            // Reported below, as an unsupported name.
        }
        throw new ConfigurationException(source + " names charset '" + name
                + "', which Java does not support; use a name such as windows-1252, ISO-8859-1, UTF-8 or UTF-16LE");
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
