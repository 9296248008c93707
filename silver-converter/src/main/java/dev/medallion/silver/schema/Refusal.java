package dev.medallion.silver.schema;

import java.util.Locale;
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
    /** DB2's timestamp, its CHAR and its EXPORT's default form ({@code 2025-03-01-10.00.00.000000}): the export is what to change. */
    TIMESTAMP_FORMAT("a timestamp written otherwise than yyyy-MM-dd HH:mm:ss as DB2 writes one (yyyy-MM-dd-HH.mm.ss.ffffff): change the export's"
            + " timestamp format", null),
    /**
     * A double's NaN ({@code NaN}, {@code nan}), refused in every column: most likely a computation gone wrong, and a Parquet double column
     * holding one has min/max statistics that readers must know to ignore (parquet-format's PARQUET-1251), which the converter's own writer
     * does not write for it. In a bigint, date or timestamp column NaN is first a marker to declare ({@link NullMarkers#lookalike}); in a
     * double column the reason offers that declaration after this description, as pandas and numpy write a missing double as NaN.
     */
    NOT_A_NUMBER("NaN: not a number but what a computation such as 0/0 gives and a double column holds numbers alone: mend it at the source"
            + " or have the export leave the field empty", null),
    /** An infinity as Java ({@code Infinity}), Python and pandas ({@code inf}) or R ({@code Inf}) write one: no number of any column type. */
    INFINITE_NUMBER("an infinity: a column holds finite numbers alone (a double column refuses one beyond 1.8e308 too): have the export write"
            + " a number or leave the field empty in its place", null),
    /** PostgreSQL's {@code infinity} and {@code -infinity} dates and timestamps, after and before every other: no date or timestamp holds one. */
    INFINITE_DATE("infinity as PostgreSQL writes a date or timestamp after every other (-infinity: before every other) which no date or timestamp"
            + " column holds: have the export write a date or leave the field empty in its place", null),
    /** An exponent ({@code 1.5e3}) in a decimal column, which reads an amount as written, digits and a point. */
    EXPONENT_IN_DECIMAL("an exponent: a decimal column reads digits with an optional point, as an exact amount is written: have the export write"
            + " the number without one, or declare the column double", null),
    /** More digits after the point than a decimal's scale, not all zeros ({@code 7.125} in a decimal(10,2)): rounding it would change an amount. */
    DECIMAL_PLACES("more decimal places than the column's type keeps, and not zeros", null),
    /** More digits before the point than a decimal's precision less its scale ({@code 123.4} in a decimal(4,2)). */
    DECIMAL_DIGITS("more digits before the point than the column's type keeps", null),
    /** SAP's exports of amounts and quantities ({@code 1.234,56-}, {@code 10-}): a string column, cast in a gold model, keeps them. */
    TRAILING_MINUS("a minus sign after the number, as SAP writes a negative: a number's sign comes before it", ColumnType.STRING),
    /**
     * A boolean as other exports write one: the column does not take it, since such forms are not booleans alone ({@code 1} is a count,
     * {@code N} a code) and a contract reads one form. Kept as string, a query casts them; or the export writes true and false.
     */
    BOOLEAN_T_F("t", "f", " as PostgreSQL's COPY and Redshift's UNLOAD write a boolean"),
    BOOLEAN_1_0("1", "0", " as MySQL writes its BOOLEAN (a TINYINT(1))"),
    BOOLEAN_YES_NO("yes", "no", ""),
    BOOLEAN_Y_N("Y", "N", ""),
    BOOLEAN_ON_OFF("on", "off", "");

    private final String description;
    private final ColumnType keptAs;
    /** For a boolean's other form, how it writes true and false; else null. */
    private final String trueForm;
    private final String falseForm;

    Refusal(String description, ColumnType keptAs) {
        this.description = description;
        this.keptAs = keptAs;
        this.trueForm = null;
        this.falseForm = null;
    }

    /** A boolean written {@code trueForm} and {@code falseForm}, perhaps by a known export ({@code writtenBy}): kept as string, and cast. */
    Refusal(String trueForm, String falseForm, String writtenBy) {
        // No comma: the quarantine file then leaves the reason unquoted.
        this.description = trueForm + " for true and " + falseForm + " for false" + writtenBy + ": a boolean column reads true and false alone in any case";
        this.keptAs = ColumnType.STRING;
        this.trueForm = trueForm;
        this.falseForm = falseForm;
    }

    /** What is wrong, for people: {@code a leading zero}. */
    public String description() {
        return description;
    }

    /**
     * What is wrong, for people, with a value of a column of {@code type}: {@link #description}, and for a decimal's places and digits
     * how many the type keeps and what to change ({@code 7.125}: {@code more decimal places than the 2 decimal(10,2) keeps...}).
     * The change keeps the values the column took: the scale widened alone takes a digit from before the point (decimal(10,3)
     * refuses the 99999999.99 decimal(10,2) took), and at the widest precision written there is no precision to widen.
     */
    public String describe(ColumnType type) {
        int integerDigits = type.precision() - type.scale();
        boolean widest = type.precision() >= ColumnType.MAX_DECIMAL_PRECISION;
        return switch (this) {
            case DECIMAL_PLACES -> "more decimal places than the " + type.scale() + " " + type.sqlName() + " keeps, and not zeros: rounding would change"
                    + " the amount; widen the scale in the contract, " + (widest
                    ? "each place a digit fewer before the point at precision " + ColumnType.MAX_DECIMAL_PRECISION + ", the widest written"
                    : "and the precision by as much to keep " + integerDigits + " digits before the point");
            case DECIMAL_DIGITS -> "more digits before the point than the " + integerDigits + " " + type.sqlName() + " keeps: " + (widest
                    // Not "lower the scale": the files written before hold more places, which the table retyped would not read as written.
                    ? "precision " + ColumnType.MAX_DECIMAL_PRECISION + " is the widest Athena and Glue hold: declare it string"
                            + " there to keep such values"
                    : "widen the precision in the contract (up to " + ColumnType.MAX_DECIMAL_PRECISION + ")");
            default -> description;
        };
    }

    /**
     * What is wrong with {@code value}, refused in a column of {@code type}: {@link #describe(ColumnType)}, but for a bigint's refused
     * number said as found, a fraction ({@code 7.5}), an exponent ({@code 1e3}) or both ({@code 2.5E-1}), so that a person looks for
     * what is there. Built for a refused row's reason alone, so the values taken pay nothing for it.
     */
    public String describe(ColumnType type, String value) {
        if (this != FRACTION_IN_BIGINT) {
            return describe(type);
        }
        boolean fraction = value.indexOf('.') >= 0;
        boolean exponent = value.indexOf('e') >= 0 || value.indexOf('E') >= 0;
        if (fraction == exponent) {
            return fraction ? "a number with a fraction and an exponent" : description;
        }
        return fraction ? "a number with a fraction" : "a number with an exponent";
    }

    /**
     * The type to declare its column to keep such values, where the value is most likely meant as it is
     * (a code or a long id: {@code string}; a number with a fraction: {@code double}; a date with a time:
     * {@code timestamp}); empty for a value to mend at its source, such as a day that does not exist.
     */
    public Optional<ColumnType> keptAs() {
        return Optional.ofNullable(keptAs);
    }

    /**
     * For values kept as {@link #keptAs} where a query can read them as the refused type, the expression Athena and DuckDB both run over
     * the kept column to do so: {@code CASE upper(trim(active)) WHEN 'T' THEN true WHEN 'F' THEN false END}, any other value NULL.
     */
    public Optional<String> cast(String column) {
        return trueForm == null ? Optional.empty() : Optional.of(booleanCase(StringForms.identifier(column)));
    }

    /**
     * The CASE that reads this refusal's two boolean forms in {@code text} (an expression of a kept string column) as true and false,
     * any other value NULL: the one spelling of it, which a string column's hint ({@link StringForms}) gives too.
     */
    String booleanCase(String text) {
        if (trueForm == null) {
            throw new IllegalStateException(this + " is not a boolean form");
        }
        // Trimmed, as a boolean column ignores the spaces around a value: a kept ' t ' would be NULL otherwise. Athena's trim takes
        // whitespace off, DuckDB's spaces alone. Letters in any case, as the forms are written in any case; digits as they are.
        String trimmed = "trim(" + text + ")";
        String operand = Character.isDigit(trueForm.charAt(0)) ? trimmed : "upper(" + trimmed + ")";
        return "CASE " + operand + " WHEN '" + trueForm.toUpperCase(Locale.ROOT) + "' THEN true WHEN '" + falseForm.toUpperCase(Locale.ROOT) + "' THEN false END";
    }

    /** What to change at the source instead, where one form is what the type reads: {@code have the export write true and false}. */
    public Optional<String> sourceChange() {
        return trueForm == null ? Optional.empty() : Optional.of("have the export write true and false");
    }
}
