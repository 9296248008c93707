package dev.medallion.silver.lambda;

import dev.medallion.common.text.UnreadNames;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a person is told to do with a bronze key that the converter does not convert, by its name. S3 delivers
 * every key put in bronze to the converter, but its role may read only keys that end in one of
 * {@link SilverConverterHandler#CONVERTED_SUFFIXES}, matched case-sensitively as IAM matches resource patterns:
 * a key in another case ({@code sales.Csv}) would be refused at its first request, so it is named here instead.
 */
final class NotConvertedKeys {
    private NotConvertedKeys() {}

    /** Whether the key ends in a suffix the converter reads, in the case it reads it. */
    static boolean isConverted(String key) {
        requireNonNull(key, "key is null");
        return SilverConverterHandler.CONVERTED_SUFFIXES.stream().anyMatch(key::endsWith);
    }

    /**
     * What to do with a file whose key {@link #isConverted} refuses, for the line that says it was not converted: the advice its name
     * gets wherever the pipeline leaves it out ({@link UnreadNames}), or else which suffixes are converted.
     */
    static String whatToDo(String key) {
        requireNonNull(key, "key is null");
        return UnreadNames.advice(key.substring(key.lastIndexOf('/') + 1))
                .orElseGet(() -> "the converter converts only files whose names end in .csv, .csv.gz or .dat (or " + String.join(", ", upperCaseForms())
                        + "): give the data as CSV text under such a name, and keep files that are not data out of bronze");
    }

    private static List<String> upperCaseForms() {
        return SilverConverterHandler.CONVERTED_SUFFIXES.stream().filter(suffix -> !SilverConverterHandler.ACCEPTED_SUFFIXES.contains(suffix)).toList();
    }
}
