package dev.medallion.common.config;

import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a person declared about some datasets' files, keyed by safe dataset name: the delimiter
 * ({@code CSV_DELIMITERS}, {@code --delimiter}), the encoding ({@code CSV_ENCODINGS},
 * {@code --encoding}) and the texts that stand for a missing value ({@code CSV_NULL_VALUES},
 * {@code --null-values}). A dataset without a declaration gets a detected delimiter, UTF-8, and the
 * default null markers in its typed columns only.
 */
public record CsvOverrides(Map<String, Character> delimiters, Map<String, Charset> encodings, Map<String, List<String>> nullValues) {
    private static final CsvOverrides NONE = new CsvOverrides(Map.of(), Map.of(), Map.of());

    public CsvOverrides {
        delimiters = Map.copyOf(requireNonNull(delimiters, "delimiters is null"));
        encodings = Map.copyOf(requireNonNull(encodings, "encodings is null"));
        Map<String, List<String>> copied = new LinkedHashMap<>();
        requireNonNull(nullValues, "nullValues is null").forEach((dataset, markers) -> copied.put(dataset, List.copyOf(markers)));
        nullValues = Map.copyOf(copied);
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

    /** The null markers the dataset declares; empty when it declares none. */
    public List<String> nullValuesOf(String dataset) {
        return nullValues.getOrDefault(dataset, List.of());
    }
}
