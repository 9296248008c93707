package dev.medallion.common.text;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A file named as a spreadsheet's workbook, given where a CSV file goes. Renamed to end in {@code .csv}, as
 * the refusal of another name advises, a workbook would be refused again for its bytes (a ZIP archive, or an
 * {@code .xls}'s compound document), so its refusal says to export it instead, in the CSV form Excel writes
 * in UTF-8: Excel's plain "CSV" is saved in the machine's code page (Windows-1252 in the West), which the
 * converter rejects unless the dataset declares it.
 */
public final class SpreadsheetNames {
    /** Excel's workbooks (macro-enabled and binary ones too), OpenDocument's and Apple Numbers'. */
    public static final List<String> SUFFIXES = List.of(".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".numbers");

    private SpreadsheetNames() {}

    /** What to do with a file of this name, when it is a spreadsheet's; empty for any other name. */
    public static Optional<String> advice(String fileName) {
        requireNonNull(fileName, "fileName is null");
        String lower = fileName.toLowerCase(Locale.ROOT);
        return SUFFIXES.stream()
                .filter(lower::endsWith)
                .findFirst()
                .map(suffix -> "a " + suffix + " file is a spreadsheet, not CSV text: open it and export each sheet as CSV (in Excel, Save As"
                        + " \"CSV UTF-8 (Comma delimited)\"; its plain \"CSV\" is in the machine's code page, which needs a CSV_ENCODINGS entry),"
                        + " then give the .csv file");
    }
}
