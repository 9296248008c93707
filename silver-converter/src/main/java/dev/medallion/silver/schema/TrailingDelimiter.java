package dev.medallion.silver.schema;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A delimiter that ends every line, the header's too, as legacy extracts write them (mainframe and ERP
 * exports, SQL*Plus spools: {@code id|name|amount|} then {@code 1|Anna|12.50|}). Read as CSV, such a header
 * has one field more, empty, after its last column: taken as a column it would be a column of nulls named
 * by position ({@code column_4}) in the dataset's contract, its table and every query of it, for good. It
 * is a line terminator instead: the header's columns are the fields before it, and a row's empty field
 * there is dropped. A row holding a value there is not read without it (the value would be lost unseen):
 * {@link #valueAfter} finds it, for the row to be refused.
 */
public final class TrailingDelimiter {
    private TrailingDelimiter() {}

    /**
     * Whether the header ends in the delimiter: it has more than one field and its last is empty or holds only
     * spaces and tabs. A header of one field is that column, however blank: a one-column file has no
     * delimiter to end its lines with.
     */
    public static boolean endsHeader(List<String> header) {
        requireNonNull(header, "header is null");
        return header.size() > 1 && Values.isBlank(header.get(header.size() - 1));
    }

    /** The header's columns: the fields before its trailing delimiter. */
    public static List<String> columnsOf(List<String> header) {
        if (!endsHeader(header)) {
            throw new IllegalArgumentException("The header " + header + " does not end in the delimiter: its last field is not empty");
        }
        return List.copyOf(header.subList(0, header.size() - 1));
    }

    /**
     * A row of a file whose header ends in the delimiter, without the empty field after its trailing delimiter:
     * a row of one field more than the header's {@code columns}, that field empty or only spaces and tabs (as
     * the header's may be). Any other row is returned as it is, a row without the trailing delimiter too.
     */
    public static List<String> withoutTerminator(List<String> fields, int columns) {
        requireNonNull(fields, "fields is null");
        return fields.size() == columns + 1 && Values.isBlank(fields.get(columns)) ? fields.subList(0, columns) : fields;
    }

    /**
     * The value a row holds after the header's trailing delimiter: the last field of a row of one field more
     * than the header's {@code columns}, when it is not blank ({@link #withoutTerminator} keeps such a row
     * whole). Empty for any other row.
     */
    public static Optional<String> valueAfter(List<String> fields, int columns) {
        requireNonNull(fields, "fields is null");
        return fields.size() == columns + 1 && !Values.isBlank(fields.get(columns)) ? Optional.of(fields.get(columns)) : Optional.empty();
    }
}
