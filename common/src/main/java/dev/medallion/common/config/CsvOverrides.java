package dev.medallion.common.config;

import java.nio.charset.Charset;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a person declared about some datasets' files, keyed by safe dataset name: the delimiter
 * ({@code CSV_DELIMITERS}, {@code --delimiter}) and the encoding ({@code CSV_ENCODINGS},
 * {@code --encoding}). A dataset without a declaration gets a detected delimiter and UTF-8.
 */
public record CsvOverrides(Map<String, Character> delimiters, Map<String, Charset> encodings) {
    private static final CsvOverrides NONE = new CsvOverrides(Map.of(), Map.of());

    public CsvOverrides {
        delimiters = Map.copyOf(requireNonNull(delimiters, "delimiters is null"));
        encodings = Map.copyOf(requireNonNull(encodings, "encodings is null"));
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
}
