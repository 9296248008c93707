package dev.medallion.silver.schema;

import java.util.Optional;

/**
 * Why a value is not of its column's type, for the reasons of the rows it refuses, where one can be told
 * ({@link Values#refusal}). Most refused values are simply something else ({@code N/A} in a bigint
 * column), and need no more than that.
 */
public enum Refusal {
    LEADING_ZERO("a leading zero", ColumnType.STRING),
    BEYOND_BIGINT("out of a bigint's range, -9223372036854775808 to 9223372036854775807", ColumnType.STRING),
    BEYOND_DOUBLE("beyond what a double holds: it would be written as Infinity or 0", ColumnType.STRING),
    COMMA_IN_NUMBER("a comma: numbers are read with '.' as the decimal point and without thousands separators", null),
    /** A source whose whole numbers became decimals ({@code 3.5}, {@code 1e3} in a column typed from {@code 12}). */
    FRACTION_IN_BIGINT("a number with a fraction or an exponent", ColumnType.DOUBLE),
    NO_SUCH_DAY("no such calendar day", null),
    /**
     * An export whose date format changed ({@code 03/15/2026}, {@code 15.03.2026}, {@code 2026/03/15}, Oracle's {@code 01-MAR-25}): the export
     * is what to change.
     */
    DATE_FORMAT("a date written otherwise than yyyy-MM-dd, the one form dates are read in: change the export's date format", null),
    /** A source whose dates became times ({@code 2026-03-15 10:00} in a column typed from {@code 2026-03-14}). */
    TIME_IN_DATE("a time of day", ColumnType.TIMESTAMP),
    OFFSET_BEYOND_18_HOURS("an offset beyond ±18:00", null),
    /** SAP's exports of amounts and quantities ({@code 1.234,56-}, {@code 10-}): a string column, cast in a gold model, keeps them. */
    TRAILING_MINUS("a minus sign after the number, as SAP writes a negative: a number's sign comes before it", ColumnType.STRING);

    private final String description;
    private final ColumnType keptAs;

    Refusal(String description, ColumnType keptAs) {
        this.description = description;
        this.keptAs = keptAs;
    }

    /** What is wrong, for people: {@code a leading zero}. */
    public String description() {
        return description;
    }

    /**
     * The type to declare its column to keep such values, where the value is most likely meant as it is
     * (a code or a long id: {@code string}; a number with a fraction: {@code double}; a date with a time:
     * {@code timestamp}); empty for a value to mend at its source, such as a day that does not exist.
     */
    public Optional<ColumnType> keptAs() {
        return Optional.ofNullable(keptAs);
    }
}
