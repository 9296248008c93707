package dev.medallion.gold.sql;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A partition column of a gold table and its Athena type, as {@code GetQueryResults} reports it
 * ({@code varchar}, {@code date}, {@code bigint}, ...). Turns the text Athena returns for a value back
 * into a literal of that type, so that a batch's predicate compares like with like: {@code DATE
 * '2026-03-01'}, not the string {@code '2026-03-01'}.
 */
public record PartitionColumn(String name, String type) {
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,12})?)?)?");

    public PartitionColumn {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        type = type.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The literal for a non-null value in this column's type. Values that do not look like their type are
     * refused rather than written into SQL: they would mean Athena and this code disagree on the type.
     */
    public String literal(String value) {
        requireNonNull(value, "value is null");
        String base = baseType();
        switch (base) {
            case "varchar", "char", "string":
                return Sql.string(value);
            case "date":
                try {
                    return "DATE " + Sql.string(LocalDate.parse(value).toString());
                }
                catch (DateTimeParseException e) {
                    throw refused(value);
                }
            case "timestamp":
                if (!TIMESTAMP.matcher(value).matches()) {
                    throw refused(value);
                }
                return "TIMESTAMP " + Sql.string(value);
            case "tinyint", "smallint", "integer", "int", "bigint":
                if (!INTEGER.matcher(value).matches()) {
                    throw refused(value);
                }
                // A typed literal, so a bigint beyond the integer range keeps its type as well.
                return base.equals("int") ? "INTEGER " + Sql.string(value) : base.toUpperCase(Locale.ROOT) + " " + Sql.string(value);
            case "boolean":
                if (!value.equals("true") && !value.equals("false")) {
                    throw refused(value);
                }
                return value;
            case "decimal":
                return "DECIMAL " + Sql.string(number(value).toPlainString());
            case "double", "real", "float":
                if (!value.equals("NaN") && !value.equals("Infinity") && !value.equals("-Infinity")) {
                    number(value);
                }
                return (base.equals("float") ? "REAL" : base.toUpperCase(Locale.ROOT)) + " " + Sql.string(value);
            default:
                throw new IllegalArgumentException("Partition column " + name + " has type " + type
                        + ", which gold-ctas cannot write as a literal; partition by a string, date, timestamp, number or boolean column");
        }
    }

    /**
     * Whether {@code value} is a floating-point column's NaN. Athena (Trino) follows IEEE 754: NaN equals
     * nothing, itself included, so {@code x = DOUBLE 'NaN'} and {@code x IN (DOUBLE 'NaN')} match no row and
     * such a partition has to be selected with {@code is_nan(x)}.
     */
    public boolean isNotANumber(String value) {
        return "NaN".equals(value) && switch (baseType()) {
            case "double", "real", "float" -> true;
            default -> false;
        };
    }

    /** {@code decimal(12,2)} is a {@code decimal}, {@code varchar(10)} a {@code varchar}. */
    private String baseType() {
        int parenthesis = type.indexOf('(');
        return parenthesis < 0 ? type : type.substring(0, parenthesis).strip();
    }

    private BigDecimal number(String value) {
        try {
            return new BigDecimal(value);
        }
        catch (NumberFormatException e) {
            throw refused(value);
        }
    }

    private IllegalArgumentException refused(String value) {
        return new IllegalArgumentException("Partition column " + name + " of type " + type + " has value '" + value
                + "', which does not read as that type");
    }
}
