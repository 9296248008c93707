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
 *
 * <p>Excel's "CSV UTF-8" export of a sheet formatted beyond its data ends the header and every row with
 * several empty fields ({@code id,name,,,} then {@code 1,Anna,,,}): those unnamed columns are read alike,
 * as {@linkplain #trailingFields trailing fields} of the header that are no columns.
 */
public final class TrailingDelimiter {
    private TrailingDelimiter() {}

    /**
     * The header's fields after its last column: the empty fields (or fields of only spaces and tabs) that end it, of a header of
     * more than one field, all but its first when all are blank. A header of one field is that column, however blank: a one-column
     * file has no delimiter to end its lines with. One for a delimiter ending every line, more for Excel's unnamed trailing columns.
     */
    public static int trailingFields(List<String> header) {
        requireNonNull(header, "header is null");
        int trailing = 0;
        while (trailing < header.size() - 1 && Values.isBlank(header.get(header.size() - 1 - trailing))) {
            trailing++;
        }
        return trailing;
    }

    /** Whether the header ends in the delimiter: it has {@linkplain #trailingFields trailing fields}. */
    public static boolean endsHeader(List<String> header) {
        return trailingFields(header) > 0;
    }

    /** The header's columns: the fields before its {@code trailing} fields. */
    public static List<String> columnsOf(List<String> header, int trailing) {
        int ending = trailingFields(header);
        if (ending == 0) {
            throw new IllegalArgumentException("The header " + header + " does not end in the delimiter: its last field is not empty");
        }
        if (trailing < 1 || trailing > ending) {
            throw new IllegalArgumentException("The header " + header + " ends in " + ending + " empty fields, not " + trailing);
        }
        return List.copyOf(header.subList(0, header.size() - trailing));
    }

    /**
     * A row of a file whose header ends in {@code trailing} fields after its {@code columns}, without its own: a row of as many
     * fields as the header, those after the columns empty or only spaces and tabs (as the header's may be). Any other row is
     * returned as it is, a row without them too: a row of a field count between, empty there, is refused for its count.
     */
    public static List<String> withoutTerminator(List<String> fields, int columns, int trailing) {
        requireNonNull(fields, "fields is null");
        return fields.size() == columns + trailing && blankFrom(fields, columns) ? fields.subList(0, columns) : fields;
    }

    /**
     * The first value a row holds after the header's {@code columns}, under its {@code trailing} fields: a row of more fields than
     * the columns and at most as many as the header, any of them not blank ({@link #withoutTerminator} keeps such a row whole).
     * Empty for any other row.
     */
    public static Optional<String> valueAfter(List<String> fields, int columns, int trailing) {
        requireNonNull(fields, "fields is null");
        if (fields.size() <= columns || fields.size() > columns + trailing) {
            return Optional.empty();
        }
        for (String field : fields.subList(columns, fields.size())) {
            if (!Values.isBlank(field)) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }

    private static boolean blankFrom(List<String> fields, int first) {
        for (int i = first; i < fields.size(); i++) {
            if (!Values.isBlank(fields.get(i))) {
                return false;
            }
        }
        return true;
    }
}
