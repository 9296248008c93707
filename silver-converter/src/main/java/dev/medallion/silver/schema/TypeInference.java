package dev.medallion.silver.schema;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Infers each column's type from sample rows: the narrowest of boolean, bigint, double, date, timestamp
 * that accepts every non-blank value, else string. A column with no value at all is string. A column of
 * whole numbers that are no bigints (out of its range: 20-digit ids such as ICCIDs) is string too, not
 * double: a double keeps 15 to 17 significant digits, so distinct ids would become one value. A null
 * marker ({@link NullMarkers}: {@code NULL}, {@code \N}, and those the dataset declares) says nothing about
 * the type either, as a blank value does not: a SQL Server export's {@code NULL} amounts leave the column a double.
 */
public final class TypeInference {
    private TypeInference() {}

    /** The types of a dataset that declares no null markers: the defaults alone are passed over. */
    public static List<ColumnType> infer(List<String[]> rows, int columns) {
        return infer(rows, columns, NullMarkers.defaults());
    }

    public static List<ColumnType> infer(List<String[]> rows, int columns, NullMarkers markers) {
        requireNonNull(rows, "rows is null");
        requireNonNull(markers, "markers is null");
        List<ColumnType> types = new ArrayList<>(columns);
        for (int column = 0; column < columns; column++) {
            types.add(inferColumn(rows, column, markers));
        }
        return types;
    }

    /**
     * The columns {@code types} makes string whose values in {@code rows} all look like numbers, dates or booleans written in a
     * form no type reads ({@link StringColumnHint}), or whose text holds a default null marker or a {@code char(n)}'s padding
     * ({@link StringForms#textHint}), to be said where a new dataset's contract is reported. Asked once per new
     * dataset, of the rows its contract was inferred from: the rows converted after pay nothing for it.
     */
    public static List<StringColumnHint> stringColumnHints(String dataset, List<String[]> rows, List<String> names, List<ColumnType> types, NullMarkers markers) {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(rows, "rows is null");
        requireNonNull(names, "names is null");
        requireNonNull(types, "types is null");
        requireNonNull(markers, "markers is null");
        if (names.size() != types.size()) {
            throw new IllegalArgumentException(names.size() + " column names " + names + " for " + types.size() + " types " + types + ": give one name per type");
        }
        List<StringColumnHint> hints = new ArrayList<>();
        for (int column = 0; column < types.size(); column++) {
            if (types.get(column) == ColumnType.STRING) {
                int index = column;
                String name = names.get(column);
                StringForms.hint(rows, index, name, markers)
                        .or(() -> StringForms.textHint(dataset, rows, index, name, markers))
                        .ifPresent(hints::add);
            }
        }
        return hints;
    }

    private static ColumnType inferColumn(List<String[]> rows, int column, NullMarkers markers) {
        boolean bool = true;
        boolean bigint = true;
        boolean dbl = true;
        boolean date = true;
        boolean timestamp = true;
        boolean wholeNumbers = true;
        boolean seen = false;
        for (String[] row : rows) {
            // Blank values are null in every type but string, so they say nothing about the type; nor do null markers.
            if (column >= row.length || Values.isBlank(row[column]) || markers.isMarker(row[column])) {
                continue;
            }
            String value = row[column];
            seen = true;
            bool = bool && Values.parseBoolean(value) >= 0;
            // An international phone number (+4915112345678) is a code: as a bigint it would lose its '+'.
            bigint = bigint && Values.isBigint(value) && !Values.isPhoneNumber(value);
            dbl = dbl && Values.isDouble(value);
            wholeNumbers = wholeNumbers && Values.isWholeNumber(value);
            date = date && Values.parseDate(value) != Long.MIN_VALUE;
            timestamp = timestamp && Values.parseTimestamp(value) != Long.MIN_VALUE;
            if (!bool && !bigint && !dbl && !date && !timestamp) {
                return ColumnType.STRING;
            }
        }
        if (!seen) {
            return ColumnType.STRING;
        }
        if (bool) {
            return ColumnType.BOOLEAN;
        }
        if (bigint) {
            return ColumnType.BIGINT;
        }
        if (dbl) {
            // Whole numbers, but not all bigints: some are out of its range, and as doubles would be rounded.
            return wholeNumbers ? ColumnType.STRING : ColumnType.DOUBLE;
        }
        if (date) {
            return ColumnType.DATE;
        }
        return timestamp ? ColumnType.TIMESTAMP : ColumnType.STRING;
    }
}
