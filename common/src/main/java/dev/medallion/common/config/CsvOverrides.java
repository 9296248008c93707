package dev.medallion.common.config;

import dev.medallion.common.text.EncodingSource;

import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What a person declared about some datasets' files, keyed by safe dataset name: the delimiter
 * ({@code CSV_DELIMITERS}, {@code --delimiter}), the encoding ({@code CSV_ENCODINGS},
 * {@code --encoding}), the texts that stand for a missing value ({@code CSV_NULL_VALUES},
 * {@code --null-values}), and whether a quoted empty field ({@code ""}) is an empty string rather than null
 * ({@code CSV_QUOTED_EMPTY_STRINGS}, {@code --quoted-empty-strings}). A dataset without a declaration gets a
 * detected delimiter, UTF-8, the default null markers in its typed columns only, and every empty field null.
 *
 * @param encodingSources what declared a dataset's encoding, where it is not {@code CSV_ENCODINGS} ({@code --encoding}
 *     on convert), so that a rejection for the encoding names where a person declared it
 * @param quotedEmptyStrings the datasets whose files tell an empty string from a missing value by quoting, as PostgreSQL's
 *     {@code COPY ... (FORMAT csv)} writes them: {@code ""} an empty string, an unquoted empty field null
 */
public record CsvOverrides(Map<String, Character> delimiters, Map<String, Charset> encodings, Map<String, List<String>> nullValues,
                           Map<String, EncodingSource> encodingSources, Set<String> quotedEmptyStrings) {
    private static final CsvOverrides NONE = new CsvOverrides(Map.of(), Map.of(), Map.of());

    public CsvOverrides {
        delimiters = Map.copyOf(requireNonNull(delimiters, "delimiters is null"));
        encodings = Map.copyOf(requireNonNull(encodings, "encodings is null"));
        Map<String, List<String>> copied = new LinkedHashMap<>();
        requireNonNull(nullValues, "nullValues is null").forEach((dataset, markers) -> copied.put(dataset, List.copyOf(markers)));
        nullValues = Map.copyOf(copied);
        encodingSources = Map.copyOf(requireNonNull(encodingSources, "encodingSources is null"));
        quotedEmptyStrings = Set.copyOf(requireNonNull(quotedEmptyStrings, "quotedEmptyStrings is null"));
        for (String dataset : encodingSources.keySet()) {
            if (!encodings.containsKey(dataset)) {
                throw new IllegalArgumentException("Dataset " + dataset + " has a source for its encoding but no encoding: " + encodingSources.get(dataset));
            }
        }
    }

    /** No dataset keeps a quoted empty field as an empty string. */
    public CsvOverrides(Map<String, Character> delimiters, Map<String, Charset> encodings, Map<String, List<String>> nullValues,
            Map<String, EncodingSource> encodingSources) {
        this(delimiters, encodings, nullValues, encodingSources, Set.of());
    }

    /** Every encoding declared by {@code CSV_ENCODINGS}. */
    public CsvOverrides(Map<String, Character> delimiters, Map<String, Charset> encodings, Map<String, List<String>> nullValues) {
        this(delimiters, encodings, nullValues, Map.of());
    }

    /** Delimiters and encodings declared, no null markers. */
    public CsvOverrides(Map<String, Character> delimiters, Map<String, Charset> encodings) {
        this(delimiters, encodings, Map.of());
    }

    public static CsvOverrides none() {
        return NONE;
    }

    public Optional<Character> delimiterOf(String dataset) {
        return Optional.ofNullable(delimiters.get(dataset));
    }

    public Optional<Charset> encodingOf(String dataset) {
        return Optional.ofNullable(encodings.get(dataset));
    }

    /** What declared the dataset's encoding ({@link #encodingOf}); {@code CSV_ENCODINGS} unless another source is recorded. */
    public EncodingSource encodingSourceOf(String dataset) {
        return encodingSources.getOrDefault(requireNonNull(dataset, "dataset is null"), EncodingSource.CSV_ENCODINGS);
    }

    /** The null markers the dataset declares; empty when it declares none. */
    public List<String> nullValuesOf(String dataset) {
        return nullValues.getOrDefault(dataset, List.of());
    }

    /**
     * Whether the dataset's quoted empty fields ({@code ""}) are empty strings in its string columns, its unquoted
     * empty fields staying null; false unless declared, every empty field then being null.
     */
    public boolean keepsQuotedEmptyStrings(String dataset) {
        return quotedEmptyStrings.contains(requireNonNull(dataset, "dataset is null"));
    }
}
