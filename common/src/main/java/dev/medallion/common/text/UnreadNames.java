package dev.medallion.common.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * What to do with a file whose name the pipeline does not read, in the same words wherever it is left out: the
 * converter's line for a bronze key it does not convert, bronze-ingest upload's and the local command's lines for the
 * files they leave out. A name gets advice when it says what the file likely is: a read suffix in a mixed case
 * ({@code sales.Csv}, which only a key in the bucket can have: both tools read any case), a spreadsheet
 * ({@link SpreadsheetNames}), or delimited text under another suffix ({@code .tsv}, {@code .tab}, {@code .txt}); any other
 * name, none, each tool then saying which names it reads.
 */
public final class UnreadNames {
    /**
     * The suffixes the pipeline reads, in lower case: the one list, which bronze-ingest's {@code CsvFiles.ACCEPTED_SUFFIXES} and
     * silver-converter's {@code SilverConverterHandler.ACCEPTED_SUFFIXES} are.
     */
    public static final List<String> READ_SUFFIXES = List.of(".csv", ".csv.gz", ".dat");
    /** Tab- or otherwise delimited text that is CSV text once named so: MySQL's SELECT ... INTO OUTFILE writes tabs, as do many downloads. */
    public static final List<String> DELIMITED_TEXT_SUFFIXES = List.of(".tsv", ".tab", ".txt");

    private UnreadNames() {}

    /** What to do with a file of this name, when its name says what it likely is; empty for a name read as given, and for any other name. */
    public static Optional<String> advice(String fileName) {
        requireNonNull(fileName, "fileName is null");
        String lower = fileName.toLowerCase(Locale.ROOT);
        Optional<String> read = READ_SUFFIXES.stream().filter(lower::endsWith).findFirst();
        if (read.isPresent()) {
            String suffix = read.get();
            String given = fileName.substring(fileName.length() - suffix.length());
            String upper = suffix.toUpperCase(Locale.ROOT);
            // .CSV.gz is what gzip makes of a .CSV file, and the converter reads it too.
            if (given.equals(suffix) || given.equals(upper) || given.equals(".CSV.gz")) {
                return Optional.empty();
            }
            return Optional.of("its name ends in " + given + ", a suffix the converter reads only as " + suffix + " or " + upper
                    + " (S3 and IAM match key names case-sensitively, and the converter's role may read only those): rename it to end in "
                    + suffix + " (aws s3 mv), which converts it");
        }
        Optional<String> spreadsheet = SpreadsheetNames.advice(fileName);
        if (spreadsheet.isPresent()) {
            return spreadsheet;
        }
        return DELIMITED_TEXT_SUFFIXES.stream()
                .filter(lower::endsWith)
                .findFirst()
                .map(suffix -> "a " + suffix + " file of delimited text (MySQL's SELECT ... INTO OUTFILE, a tab-separated download) is converted once"
                        + " its name says CSV: rename it to end in .csv or .dat; its delimiter (a comma, a semicolon, a tab or a pipe) is detected,"
                        + " or set for its dataset in CSV_DELIMITERS (the stack's silver_csv_delimiters, e.g. <dataset>:tab; docs/silver-converter.md,"
                        + " Delimiters)");
    }

    /**
     * One line for each advice that fits some of the files, in the order of the files: their names, the first {@code maxNamed}
     * of them and {@code ...} for more, then the advice. Files with no advice are in no line. The lines are as few as the
     * kinds of name advised (a handful of suffixes), however many the files.
     */
    public static List<String> adviceByKind(List<Path> files, int maxNamed) {
        requireNonNull(files, "files is null");
        if (maxNamed < 1) {
            throw new IllegalArgumentException("maxNamed must be at least 1: " + maxNamed);
        }
        Map<String, Set<String>> namesByAdvice = new LinkedHashMap<>();
        for (Path file : files) {
            Path name = file.getFileName();
            if (name != null) {
                advice(name.toString()).ifPresent(advice -> namesByAdvice.computeIfAbsent(advice, ignored -> new LinkedHashSet<>()).add(name.toString()));
            }
        }
        List<String> lines = new ArrayList<>();
        namesByAdvice.forEach((advice, names) -> lines.add(names.stream().limit(maxNamed).collect(Collectors.joining(", "))
                + (names.size() > maxNamed ? ", ..." : "") + ": " + advice));
        return List.copyOf(lines);
    }
}
