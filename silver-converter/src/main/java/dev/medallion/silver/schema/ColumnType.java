package dev.medallion.silver.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column type Silver writes, named as Athena and Glue name it: one of the plain types, or {@code decimal(p,s)},
 * a type with parameters, as Trino's types are values. The plain types are single instances, so {@code ==} compares
 * them as it did when this was an enum; a decimal is equal to another of its precision and scale.
 * <p>
 * Inference never gives a decimal: only a declared contract holds one.
 */
public final class ColumnType {
    /** What a type is, for the switches that handle each. */
    public enum Kind {
        BOOLEAN,
        BIGINT,
        DOUBLE,
        DATE,
        TIMESTAMP,
        DECIMAL,
        STRING
    }

    /**
     * The widest decimal written, the widest Athena, Glue and Trino hold: up to {@value #MAX_SHORT_DECIMAL_PRECISION} digits its unscaled
     * value fits a long, written as Parquet INT32 up to 9 digits and INT64 above, with the DECIMAL annotation, and wider as a
     * FIXED_LEN_BYTE_ARRAY of the fewest bytes that hold the precision (parquet-format's LogicalTypes.md, DECIMAL: int32 for
     * 1 &lt;= precision &lt;= 9, int64 for 1 &lt;= precision &lt;= 18; n bytes hold floor(log10(2^(8n-1) - 1)) digits): 9 bytes for
     * precision 19 to 21, up to 16 for 36 to 38 ({@code ParquetSchemas}).
     */
    public static final int MAX_DECIMAL_PRECISION = 38;
    /** The widest decimal whose unscaled value fits a long, written as Parquet INT32 or INT64: a short decimal, as Trino names it. */
    public static final int MAX_SHORT_DECIMAL_PRECISION = 18;

    public static final ColumnType BOOLEAN = new ColumnType(Kind.BOOLEAN, 0, 0);
    public static final ColumnType BIGINT = new ColumnType(Kind.BIGINT, 0, 0);
    public static final ColumnType DOUBLE = new ColumnType(Kind.DOUBLE, 0, 0);
    public static final ColumnType DATE = new ColumnType(Kind.DATE, 0, 0);
    /** Milliseconds, as Athena's timestamp; see {@link dev.medallion.silver.parquet.ParquetSchemas}. */
    public static final ColumnType TIMESTAMP = new ColumnType(Kind.TIMESTAMP, 0, 0);
    public static final ColumnType STRING = new ColumnType(Kind.STRING, 0, 0);

    private static final List<ColumnType> PLAIN_TYPES = List.of(BOOLEAN, BIGINT, DOUBLE, DATE, TIMESTAMP, STRING);
    /** {@code decimal(p,s)} as a contract may write it: any case, spaces around the numbers. */
    private static final Pattern DECIMAL = Pattern.compile("(?i:decimal)\\s*\\(\\s*(?<precision>[0-9]{1,9})\\s*,\\s*(?<scale>[0-9]{1,9})\\s*\\)");
    private static final Pattern DECIMAL_LIKE = Pattern.compile("(?i:decimal|numeric).*");
    private static final String EXPECTED = "expected one of boolean, bigint, double, date, timestamp, string, or decimal(p,s) with precision p 1 to "
            + MAX_DECIMAL_PRECISION + " and scale s 0 to p (decimal(12,2) keeps 10 digits before the point and 2 after)";

    private final Kind kind;
    private final int precision;
    private final int scale;

    private ColumnType(Kind kind, int precision, int scale) {
        this.kind = kind;
        this.precision = precision;
        this.scale = scale;
    }

    /**
     * A decimal of {@code precision} digits, {@code scale} of them after the point.
     *
     * @throws IllegalArgumentException when the precision is not 1 to {@value #MAX_DECIMAL_PRECISION} or the scale not 0 to the precision
     */
    public static ColumnType decimal(int precision, int scale) {
        if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
            throw new IllegalArgumentException("Column type decimal(" + precision + "," + scale + ") has precision " + precision + ": precision 1 to "
                    + MAX_DECIMAL_PRECISION + " is supported" + (precision > MAX_DECIMAL_PRECISION ? " (" + MAX_DECIMAL_PRECISION
                    + " digits are the most Athena, Glue, Trino and DuckDB hold: declare fewer digits, or the column string)" : ""));
        }
        if (scale < 0 || scale > precision) {
            throw new IllegalArgumentException("Column type decimal(" + precision + "," + scale + ") has scale " + scale
                    + " above its precision " + precision + ": the scale, the digits after the point, is 0 to the precision");
        }
        return new ColumnType(Kind.DECIMAL, precision, scale);
    }

    /** The types without parameters, in the order inference tries them (string last). */
    public static List<ColumnType> plainTypes() {
        return PLAIN_TYPES;
    }

    public Kind kind() {
        return kind;
    }

    /** A decimal's digits in all; 0 for other types. */
    public int precision() {
        return precision;
    }

    /** A decimal's digits after the point; 0 for other types. */
    public int scale() {
        return scale;
    }

    public boolean isDecimal() {
        return kind == Kind.DECIMAL;
    }

    /** Whether this is a short decimal, its unscaled values fitting a long, written as Parquet INT32 or INT64: precision 1 to {@value #MAX_SHORT_DECIMAL_PRECISION}. */
    public boolean isShortDecimal() {
        return kind == Kind.DECIMAL && precision <= MAX_SHORT_DECIMAL_PRECISION;
    }

    @JsonValue
    public String sqlName() {
        return kind == Kind.DECIMAL ? "decimal(" + precision + "," + scale + ")" : kind.name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ColumnType fromSqlName(String name) {
        String trimmed = name.trim();
        for (ColumnType type : PLAIN_TYPES) {
            if (type.sqlName().equalsIgnoreCase(trimmed)) {
                return type;
            }
        }
        Matcher decimal = DECIMAL.matcher(trimmed);
        if (decimal.matches()) {
            return decimal(Integer.parseInt(decimal.group("precision")), Integer.parseInt(decimal.group("scale")));
        }
        if (DECIMAL_LIKE.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("Unknown column type '" + name + "': a decimal is written decimal(p,s), its precision and scale both"
                    + " given; " + EXPECTED);
        }
        throw new IllegalArgumentException("Unknown column type '" + name + "': " + EXPECTED);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ColumnType type && kind == type.kind && precision == type.precision && scale == type.scale;
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + precision) * 31 + scale;
    }

    /** Upper case ({@code BIGINT}, {@code DECIMAL(12,2)}), as the enum this class replaced printed a type, so messages read as before. */
    @Override
    public String toString() {
        return sqlName().toUpperCase(Locale.ROOT);
    }
}
