package dev.medallion.silver.lambda;

import dev.medallion.common.text.SpreadsheetNames;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a person is told to do with a bronze key that the converter does not convert, by its name. S3 delivers
 * every key put in bronze to the converter, but its role may read only keys that end in one of
 * {@link SilverConverterHandler#CONVERTED_SUFFIXES}, matched case-sensitively as IAM matches resource patterns:
 * a key in another case ({@code sales.Csv}) would be refused at its first request, so it is named here instead.
 */
final class NotConvertedKeys {
    /** Tab- or otherwise delimited text that is CSV text once named so: the delimiter is detected, or set per dataset. */
    private static final List<String> DELIMITED_TEXT_SUFFIXES = List.of(".tsv", ".tab", ".txt");

    private NotConvertedKeys() {}

    /** Whether the key ends in a suffix the converter reads, in the case it reads it. */
    static boolean isConverted(String key) {
        requireNonNull(key, "key is null");
        return SilverConverterHandler.CONVERTED_SUFFIXES.stream().anyMatch(key::endsWith);
    }

    /** What to do with a file whose key {@link #isConverted} refuses, for the line that says it was not converted. */
    static String whatToDo(String key) {
        requireNonNull(key, "key is null");
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        String lower = fileName.toLowerCase(Locale.ROOT);
        Optional<String> acceptedInAnotherCase = SilverConverterHandler.ACCEPTED_SUFFIXES.stream().filter(lower::endsWith).findFirst();
        if (acceptedInAnotherCase.isPresent()) {
            String suffix = acceptedInAnotherCase.get();
            String given = fileName.substring(fileName.length() - suffix.length());
            return "its name ends in " + given + ", a suffix the converter reads only as " + suffix + " or " + suffix.toUpperCase(Locale.ROOT)
                    + " (S3 and IAM match key names case-sensitively, and the converter's role may read only those): rename it to end in "
                    + suffix + " (aws s3 mv), which converts it";
        }
        Optional<String> spreadsheet = SpreadsheetNames.advice(fileName);
        if (spreadsheet.isPresent()) {
            return spreadsheet.get() + " (under a name that ends in .csv)";
        }
        Optional<String> delimited = DELIMITED_TEXT_SUFFIXES.stream().filter(lower::endsWith).findFirst();
        if (delimited.isPresent()) {
            return "a " + delimited.get() + " file of delimited text is converted once its name says CSV: rename it to end in .csv or .dat"
                    + " (aws s3 mv); its delimiter (a comma, a semicolon, a tab or a pipe) is detected, or set for its dataset in"
                    + " CSV_DELIMITERS (the stack's silver_csv_delimiters, e.g. <dataset>:tab; docs/silver-converter.md, Delimiters)";
        }
        return "the converter converts only files whose names end in .csv, .csv.gz or .dat (or " + String.join(", ", upperCaseForms())
                + "): give the data as CSV text under such a name, and keep files that are not data out of bronze";
    }

    private static List<String> upperCaseForms() {
        return SilverConverterHandler.CONVERTED_SUFFIXES.stream().filter(suffix -> !SilverConverterHandler.ACCEPTED_SUFFIXES.contains(suffix)).toList();
    }
}
