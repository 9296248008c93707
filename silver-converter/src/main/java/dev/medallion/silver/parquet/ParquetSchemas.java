package dev.medallion.silver.parquet;

import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.SchemaContract;
import org.apache.parquet.schema.ColumnOrder;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The Parquet schema of a contract. Every column is optional (an empty CSV field is null).
 * <p>
 * Timestamps are {@code INT64} with the {@code TIMESTAMP(MILLIS, isAdjustedToUTC=false)} logical type:
 * Athena engine v3 and Glue read it as {@code timestamp}, at the millisecond precision Athena's Hive
 * tables have; INT96 is deprecated by the Parquet format and overflows for dates far from the epoch;
 * and marking it not adjusted to UTC makes DuckDB read a plain {@code TIMESTAMP} too, not a
 * {@code TIMESTAMP WITH TIME ZONE} shown in the reader's zone, so gold SQL behaves the same in both.
 * Dates are {@code INT32 DATE}, strings {@code BINARY STRING} (UTF-8), decimals the narrowest type their precision fits
 * ({@link #decimalPrimitive}).
 * <p>
 * Doubles are written in the type-defined column order, which parquet-java 1.18 no longer writes by default
 * (it writes IEEE 754 total order, where -0.0 sorts below +0.0): in it a zero minimum is written -0.0 and a
 * zero maximum +0.0, so the bounds hold for a reader that compares doubles numerically as much as for one
 * that tells the zeros apart. Trino, Athena's engine, does not read a file's column orders: a chunk of
 * {-1.5, -0.0} with its maximum written -0.0 could be skipped for {@code amount >= 0}, though -0.0 = 0.
 */
public final class ParquetSchemas {
    /**
     * The widest decimal written as Parquet INT32: parquet-format's LogicalTypes.md annotates int32 for 1 &lt;= precision &lt;= 9, and
     * parquet-java's schema builder logs a WARN for every INT64 of fewer digits, a line of every conversion. Wider, up to
     * {@value ColumnType#MAX_SHORT_DECIMAL_PRECISION} digits, is INT64, and wider still a FIXED_LEN_BYTE_ARRAY ({@link #decimalBytes}).
     */
    public static final int MAX_INT32_DECIMAL_PRECISION = 9;

    private ParquetSchemas() {}

    /**
     * Bytes of the FIXED_LEN_BYTE_ARRAY a decimal of {@code precision} digits is written in: the fewest that hold it, as
     * parquet-format's LogicalTypes.md has it (n bytes hold floor(log10(2^(8n-1) - 1)) digits; 9 bytes 21, 16 bytes 38).
     */
    public static int decimalBytes(int precision) {
        if (precision < 1 || precision > ColumnType.MAX_DECIMAL_PRECISION) {
            throw new IllegalArgumentException("no decimal of precision " + precision + " is written");
        }
        int bytes = 1;
        // The largest two's complement value of n bytes, 2^(8n-1) - 1, has at least the precision's digits.
        while (BigInteger.ONE.shiftLeft(8 * bytes - 1).subtract(BigInteger.ONE).toString().length() - 1 < precision) {
            bytes++;
        }
        return bytes;
    }

    public static MessageType messageType(SchemaContract contract) {
        List<Type> fields = new ArrayList<>();
        for (Column column : contract.columns()) {
            fields.add(switch (column.type().kind()) {
                case BOOLEAN -> Types.optional(PrimitiveTypeName.BOOLEAN).named(column.name());
                case BIGINT -> Types.optional(PrimitiveTypeName.INT64).named(column.name());
                case DECIMAL -> decimalPrimitive(column.type())
                        .as(LogicalTypeAnnotation.decimalType(column.type().scale(), column.type().precision()))
                        .named(column.name());
                case DOUBLE -> Types.optional(PrimitiveTypeName.DOUBLE).columnOrder(ColumnOrder.typeDefined()).named(column.name());
                case DATE -> Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).named(column.name());
                case TIMESTAMP -> Types.optional(PrimitiveTypeName.INT64)
                        .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MILLIS))
                        .named(column.name());
                case STRING -> Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(column.name());
            });
        }
        return new MessageType(contract.dataset(), fields);
    }

    /**
     * The narrowest physical type parquet-format's LogicalTypes.md lets hold the decimal's unscaled values: INT32 up to 9 digits, INT64
     * up to 18, and above a FIXED_LEN_BYTE_ARRAY of the fewest bytes its precision needs, as Hive and Spark write it. Trino (Athena engine
     * v3) and DuckDB read each as decimal(p,s), taking the physical type from each file's footer, so a table may hold files of a
     * decimal(9,2) column written as INT64 by an earlier converter and as INT32 now.
     */
    private static Types.PrimitiveBuilder<PrimitiveType> decimalPrimitive(ColumnType type) {
        if (type.precision() <= MAX_INT32_DECIMAL_PRECISION) {
            return Types.optional(PrimitiveTypeName.INT32);
        }
        if (type.isShortDecimal()) {
            return Types.optional(PrimitiveTypeName.INT64);
        }
        return Types.optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(decimalBytes(type.precision()));
    }
}
