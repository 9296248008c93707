package dev.medallion.silver.parquet;

import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.NullMarkers;
import dev.medallion.silver.schema.Values;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * One column of a {@link RowBatch}: typed values parsed from text, held without boxing until the batch
 * is written. Arrays start small and double with the rows actually held (a batch keeps its arrays when
 * cleared), so a wide file costs memory for the rows it has, not for rows reserved per column up front.
 */
abstract sealed class ColumnVector {
    private static final int INITIAL_CAPACITY = 8;

    protected final String name;
    protected final int index;
    protected boolean[] nulls = new boolean[INITIAL_CAPACITY];
    /** The column's type, and the texts its dataset holds for a missing value ({@link NullMarkers}). */
    private final ColumnType type;
    private final NullMarkers markers;
    /**
     * The one empty text this column keeps as a value: {@link NullMarkers#QUOTED_EMPTY} in a string column of a dataset
     * that keeps quoted empty strings, else null, which no text is. Compared only once a text is found empty.
     */
    private final String keptEmpty;
    /**
     * Whether a null refuses the row ({@link Column#required}): read on the null branches of {@link #set} alone, so a value taken pays
     * nothing for it. Set once, by {@link #of(Column, int, NullMarkers)} before any row, so that each kind's constructor stays as it is.
     */
    private boolean required;

    ColumnVector(String name, int index, ColumnType type, NullMarkers markers) {
        this.name = name;
        this.index = index;
        this.type = requireNonNull(type, "type is null");
        this.markers = requireNonNull(markers, "markers is null");
        this.keptEmpty = type == ColumnType.STRING && markers.keepsQuotedEmptyStrings() ? NullMarkers.QUOTED_EMPTY : null;
    }

    static ColumnVector of(ColumnType type, String name, int index, NullMarkers markers) {
        return switch (type.kind()) {
            case BOOLEAN -> new BooleanVector(name, index, markers);
            case BIGINT -> new LongVector(name, index, false, markers);
            case DECIMAL -> type.precision() <= ParquetSchemas.MAX_INT32_DECIMAL_PRECISION ? new IntDecimalVector(name, index, type, markers)
                    : type.isShortDecimal() ? new DecimalVector(name, index, type, markers) : new WideDecimalVector(name, index, type, markers);
            case TIMESTAMP -> new LongVector(name, index, true, markers);
            case DOUBLE -> new DoubleVector(name, index, markers);
            case DATE -> new DateVector(name, index, markers);
            case STRING -> new StringVector(name, index, markers);
        };
    }

    /** A vector of the column's type; one of a required column refuses a null ({@link #set}). */
    static ColumnVector of(Column column, int index, NullMarkers markers) {
        ColumnVector vector = of(column.type(), column.name(), index, markers);
        vector.required = column.required();
        return vector;
    }

    /**
     * Stores the text at {@code row}; an empty text is null, and so is one of only spaces and tabs outside
     * string columns ({@link Values#isBlank}: other whitespace, such as U+001F or U+3000, is no padding),
     * a default null marker outside string columns, and a marker the dataset declares in any column. A quoted
     * empty field of a dataset that keeps them ({@link NullMarkers#QUOTED_EMPTY}) is an empty string in a string column.
     * Returns false when the text does not fit the type, and when it is null in a required column: the row is then marked null
     * ({@link #isNull}), which tells a refused null from a value that did not parse.
     */
    final boolean set(int row, String text) {
        if (row >= nulls.length) {
            grow(nulls.length * 2);
        }
        // The reference comparison is paid by empty texts only, and not by a text that is a value.
        if (text.isEmpty() && text != keptEmpty || markers.anyDeclared() && markers.isDeclared(text, type)) {
            nulls[row] = true;
            clear(row);
            return !required;
        }
        nulls[row] = false;
        // A blank value or a default marker, rare, is looked for only once the text failed to parse (text never
        // fails, so a string column keeps them as read): the values taken pay nothing for them.
        boolean parsed = parse(row, text);
        if (!parsed && (Values.isBlank(text) || NullMarkers.isDefault(text))) {
            nulls[row] = true;
            clear(row);
            return !required;
        }
        return parsed;
    }

    /** Estimated heap held for the values of the first {@code rows} rows, for the chunk's memory budget. */
    abstract long retainedBytes(int rows);

    /** Whether every row holds the same bytes, so that {@link #retainedBytes} is that many times one row's. */
    boolean fixedSize() {
        return !(this instanceof StringVector);
    }

    /** The value at {@code row}, boxed; for occasional statistics only, never per row. */
    final Object valueAt(int row) {
        return nulls[row] ? null : boxed(row);
    }

    protected abstract Object boxed(int row);

    final boolean isNull(int row) {
        return nulls[row];
    }

    /** A hash of the value at a row that is not null, equal for equal values: for counting distinct values. */
    abstract int valueHash(int row);

    /** Whether two rows that are not null hold the same value ({@link Double#equals} for doubles). */
    abstract boolean sameValue(int row, int other);

    /** Writes the values (and nulls) of rows {@code from} to {@code to} (exclusive) to the column chunk's writer. */
    abstract void writeTo(ColumnChunkWriter writer, int from, int to) throws IOException;

    /** Stores the value of a text that is not empty; false when it does not fit the type (a blank text included). */
    protected abstract boolean parse(int row, String text);

    protected void clear(int row) {}

    /** Bytes of the array that holds variable-size values (text), whatever it holds now; 0 for fixed-size values. */
    long heldValueBytes() {
        return 0;
    }

    /** Drops the array of variable-size values for a small one; only between chunks, when the vector holds no rows. */
    void releaseValues() {}

    protected void grow(int capacity) {
        nulls = Arrays.copyOf(nulls, capacity);
    }

    private static final class BooleanVector extends ColumnVector {
        private boolean[] values = new boolean[INITIAL_CAPACITY];

        BooleanVector(String name, int index, NullMarkers markers) {
            super(name, index, ColumnType.BOOLEAN, markers);
        }

        @Override
        protected boolean parse(int row, String text) {
            int value = Values.parseBoolean(text);
            values[row] = value == 1;
            return value >= 0;
        }

        @Override
        protected Object boxed(int row) {
            return values[row];
        }

        @Override
        int valueHash(int row) {
            return values[row] ? 1 : 0;
        }

        @Override
        boolean sameValue(int row, int other) {
            return values[row] == values[other];
        }

        @Override
        long retainedBytes(int rows) {
            return 2L * rows;
        }

        @Override
        void writeTo(ColumnChunkWriter writer, int from, int to) throws IOException {
            ((ColumnChunkWriter.Booleans) writer).writeBooleans(values, nulls, from, to);
        }

        @Override
        protected void grow(int capacity) {
            super.grow(capacity);
            values = Arrays.copyOf(values, capacity);
        }
    }

    /** A column of values held as longs, written as Parquet INT64: what its kinds share but the parse and the boxed value. */
    private abstract static sealed class LongValuesVector extends ColumnVector permits LongVector, DecimalVector {
        protected final long[] scratch = new long[1];
        protected long[] values = new long[INITIAL_CAPACITY];

        LongValuesVector(String name, int index, ColumnType type, NullMarkers markers) {
            super(name, index, type, markers);
        }

        @Override
        int valueHash(int row) {
            return Long.hashCode(values[row]);
        }

        @Override
        boolean sameValue(int row, int other) {
            return values[row] == values[other];
        }

        @Override
        long retainedBytes(int rows) {
            return 9L * rows;
        }

        @Override
        void writeTo(ColumnChunkWriter writer, int from, int to) throws IOException {
            ((ColumnChunkWriter.FixedWidth) writer).writeLongs(values, nulls, from, to);
        }

        @Override
        protected void grow(int capacity) {
            super.grow(capacity);
            values = Arrays.copyOf(values, capacity);
        }
    }

    /** Bigints, and timestamps as milliseconds since the epoch. */
    private static final class LongVector extends LongValuesVector {
        private final boolean timestamp;

        LongVector(String name, int index, boolean timestamp, NullMarkers markers) {
            super(name, index, timestamp ? ColumnType.TIMESTAMP : ColumnType.BIGINT, markers);
            this.timestamp = timestamp;
        }

        @Override
        protected boolean parse(int row, String text) {
            if (timestamp) {
                long millis = Values.parseTimestamp(text);
                values[row] = millis;
                return millis != Long.MIN_VALUE;
            }
            if (!Values.parseBigintValue(text, scratch)) {
                return false;
            }
            values[row] = scratch[0];
            return true;
        }

        @Override
        protected Object boxed(int row) {
            return values[row];
        }
    }

    /**
     * Decimals of more than {@value ParquetSchemas#MAX_INT32_DECIMAL_PRECISION} digits and at most
     * {@value ColumnType#MAX_SHORT_DECIMAL_PRECISION}, as their unscaled values ({@link Values#parseDecimal}), written as Parquet INT64
     * DECIMAL. Apart from {@link LongVector}, so that a bigint column's parse takes no branch for them.
     */
    private static final class DecimalVector extends LongValuesVector {
        private final int precision;
        private final int scale;

        DecimalVector(String name, int index, ColumnType type, NullMarkers markers) {
            super(name, index, type, markers);
            if (!type.isShortDecimal() || type.precision() <= ParquetSchemas.MAX_INT32_DECIMAL_PRECISION) {
                throw new IllegalArgumentException("column " + name + " is " + type.sqlName() + ", not a decimal of "
                        + (ParquetSchemas.MAX_INT32_DECIMAL_PRECISION + 1) + " to " + ColumnType.MAX_SHORT_DECIMAL_PRECISION + " digits");
            }
            this.precision = type.precision();
            this.scale = type.scale();
        }

        @Override
        protected boolean parse(int row, String text) {
            if (!Values.parseDecimal(text, precision, scale, scratch)) {
                return false;
            }
            values[row] = scratch[0];
            return true;
        }

        @Override
        protected Object boxed(int row) {
            return BigDecimal.valueOf(values[row], scale);
        }
    }

    /**
     * Decimals of more than {@value ColumnType#MAX_SHORT_DECIMAL_PRECISION} and up to {@value ColumnType#MAX_DECIMAL_PRECISION} digits, held as the
     * bytes Parquet's FIXED_LEN_BYTE_ARRAY DECIMAL writes: each row's unscaled value ({@link Values#parseWideDecimal}) in the
     * {@link ParquetSchemas#decimalBytes} bytes of its precision, big-endian two's complement, at {@code row * width}. The writer
     * hands Parquet slices of that array, as it does a text column's.
     */
    private static final class WideDecimalVector extends ColumnVector {
        private final int precision;
        private final int scale;
        private final int width;
        private final long[] scratch = new long[2];
        private byte[] values;

        WideDecimalVector(String name, int index, ColumnType type, NullMarkers markers) {
            super(name, index, type, markers);
            if (!type.isDecimal() || type.isShortDecimal()) {
                throw new IllegalArgumentException("column " + name + " is " + type.sqlName() + ", not a decimal of more than "
                        + ColumnType.MAX_SHORT_DECIMAL_PRECISION + " digits");
            }
            this.precision = type.precision();
            this.scale = type.scale();
            this.width = ParquetSchemas.decimalBytes(precision);
            this.values = new byte[INITIAL_CAPACITY * width];
        }

        @Override
        protected boolean parse(int row, String text) {
            if (!Values.parseWideDecimal(text, precision, scale, scratch)) {
                return false;
            }
            // The 16 bytes of the 128-bit value, big-endian, less the leading ones the width leaves out: each a copy of the sign.
            long high = scratch[0];
            long low = scratch[1];
            int at = row * width;
            for (int i = width - 1, shift = 0; i >= 0; i--, shift += 8) {
                values[at + i] = (byte) (shift < 64 ? low >>> shift : high >>> (shift - 64));
            }
            return true;
        }

        @Override
        protected Object boxed(int row) {
            return new BigDecimal(new BigInteger(values, row * width, width), scale);
        }

        @Override
        int valueHash(int row) {
            return BinaryDictionary.hash(values, row * width, width);
        }

        @Override
        boolean sameValue(int row, int other) {
            return Arrays.equals(values, row * width, (row + 1) * width, values, other * width, (other + 1) * width);
        }

        @Override
        long retainedBytes(int rows) {
            return (width + 1L) * rows;
        }

        @Override
        void writeTo(ColumnChunkWriter writer, int from, int to) throws IOException {
            ((ColumnChunkWriter.Text) writer).writeFixedWidth(values, width, nulls, from, to);
        }

        @Override
        protected void grow(int capacity) {
            super.grow(capacity);
            values = Arrays.copyOf(values, capacity * width);
        }
    }

    private static final class DoubleVector extends ColumnVector {
        private final double[] scratch = new double[1];
        private double[] values = new double[INITIAL_CAPACITY];

        DoubleVector(String name, int index, NullMarkers markers) {
            super(name, index, ColumnType.DOUBLE, markers);
        }

        @Override
        protected boolean parse(int row, String text) {
            if (!Values.parseDouble(text, scratch)) {
                return false;
            }
            values[row] = scratch[0];
            return true;
        }

        @Override
        protected Object boxed(int row) {
            return values[row];
        }

        @Override
        int valueHash(int row) {
            return Double.hashCode(values[row]);
        }

        @Override
        boolean sameValue(int row, int other) {
            return Double.doubleToLongBits(values[row]) == Double.doubleToLongBits(values[other]);
        }

        @Override
        long retainedBytes(int rows) {
            return 9L * rows;
        }

        @Override
        void writeTo(ColumnChunkWriter writer, int from, int to) throws IOException {
            ((ColumnChunkWriter.FixedWidth) writer).writeDoubles(values, nulls, from, to);
        }

        @Override
        protected void grow(int capacity) {
            super.grow(capacity);
            values = Arrays.copyOf(values, capacity);
        }
    }

    /** A column of values held as ints, written as Parquet INT32: what its kinds share but the parse and the boxed value. */
    private abstract static sealed class IntValuesVector extends ColumnVector permits DateVector, IntDecimalVector {
        protected int[] values = new int[INITIAL_CAPACITY];

        IntValuesVector(String name, int index, ColumnType type, NullMarkers markers) {
            super(name, index, type, markers);
        }

        @Override
        int valueHash(int row) {
            return values[row];
        }

        @Override
        boolean sameValue(int row, int other) {
            return values[row] == values[other];
        }

        @Override
        long retainedBytes(int rows) {
            return 5L * rows;
        }

        @Override
        void writeTo(ColumnChunkWriter writer, int from, int to) throws IOException {
            ((ColumnChunkWriter.FixedWidth) writer).writeInts(values, nulls, from, to);
        }

        @Override
        protected void grow(int capacity) {
            super.grow(capacity);
            values = Arrays.copyOf(values, capacity);
        }
    }

    /** Dates, as days since the epoch. */
    private static final class DateVector extends IntValuesVector {
        DateVector(String name, int index, NullMarkers markers) {
            super(name, index, ColumnType.DATE, markers);
        }

        @Override
        protected boolean parse(int row, String text) {
            long day = Values.parseDate(text);
            if (day == Long.MIN_VALUE) {
                return false;
            }
            values[row] = (int) day;
            return true;
        }

        @Override
        protected Object boxed(int row) {
            return values[row];
        }
    }

    /**
     * Decimals of at most {@value ParquetSchemas#MAX_INT32_DECIMAL_PRECISION} digits, as their unscaled values, written as Parquet INT32
     * DECIMAL: read as a long by {@link Values#parseDecimal}, and kept as an int, which 9 digits always fit (999,999,999 &lt; 2^31).
     */
    private static final class IntDecimalVector extends IntValuesVector {
        private final int precision;
        private final int scale;
        private final long[] scratch = new long[1];

        IntDecimalVector(String name, int index, ColumnType type, NullMarkers markers) {
            super(name, index, type, markers);
            if (!type.isDecimal() || type.precision() > ParquetSchemas.MAX_INT32_DECIMAL_PRECISION) {
                throw new IllegalArgumentException("column " + name + " is " + type.sqlName() + ", not a decimal of at most "
                        + ParquetSchemas.MAX_INT32_DECIMAL_PRECISION + " digits");
            }
            this.precision = type.precision();
            this.scale = type.scale();
        }

        @Override
        protected boolean parse(int row, String text) {
            if (!Values.parseDecimal(text, precision, scale, scratch)) {
                return false;
            }
            values[row] = (int) scratch[0];
            return true;
        }

        @Override
        protected Object boxed(int row) {
            return BigDecimal.valueOf(values[row], scale);
        }
    }

    /**
     * Text, held as its UTF-8 bytes in one array per column (each row's value ends at {@code ends[row]} and
     * starts where the previous row's ended), not as a String per value: the garbage collector has a few
     * arrays to look at instead of a String and its array per value held until the chunk is written, and
     * the writer hands Parquet slices of that array without encoding each String again.
     */
    private static final class StringVector extends ColumnVector {
        private static final int INITIAL_BYTES = 64;

        private byte[] bytes = new byte[INITIAL_BYTES];
        private int[] ends = new int[INITIAL_CAPACITY];

        StringVector(String name, int index, NullMarkers markers) {
            super(name, index, ColumnType.STRING, markers);
        }

        private int start(int row) {
            return row == 0 ? 0 : ends[row - 1];
        }

        @Override
        protected boolean parse(int row, String text) {
            int position = start(row);
            int length = text.length();
            // Most text is ASCII: a byte a character, encoded in place; anything else as String encodes it.
            ensureBytes(position + length);
            int i = 0;
            for (; i < length; i++) {
                char c = text.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                bytes[position + i] = (byte) c;
            }
            if (i < length) {
                byte[] rest = text.substring(i).getBytes(StandardCharsets.UTF_8);
                ensureBytes(position + i + rest.length);
                System.arraycopy(rest, 0, bytes, position + i, rest.length);
                ends[row] = position + i + rest.length;
            }
            else {
                ends[row] = position + length;
            }
            return true;
        }

        private void ensureBytes(int capacity) {
            if (capacity > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(capacity, (int) Math.min(Integer.MAX_VALUE - 8, 2L * bytes.length)));
            }
        }

        @Override
        protected void clear(int row) {
            ends[row] = start(row);
        }

        @Override
        protected Object boxed(int row) {
            int start = start(row);
            return new String(bytes, start, ends[row] - start, StandardCharsets.UTF_8);
        }

        @Override
        int valueHash(int row) {
            int hash = 1;
            for (int i = start(row); i < ends[row]; i++) {
                hash = 31 * hash + bytes[i];
            }
            return hash;
        }

        @Override
        boolean sameValue(int row, int other) {
            return Arrays.equals(bytes, start(row), ends[row], bytes, start(other), ends[other]);
        }

        @Override
        long heldValueBytes() {
            return bytes.length;
        }

        @Override
        void releaseValues() {
            bytes = new byte[INITIAL_BYTES];
        }

        @Override
        long retainedBytes(int rows) {
            // The values' bytes, an end and a null flag a row; doubled, since the arrays double as they grow.
            return rows == 0 ? 0 : 2L * (ends[rows - 1] + 5L * rows);
        }

        @Override
        void writeTo(ColumnChunkWriter writer, int from, int to) throws IOException {
            ((ColumnChunkWriter.Text) writer).writeSlices(bytes, ends, nulls, from, to);
        }

        @Override
        protected void grow(int capacity) {
            super.grow(capacity);
            ends = Arrays.copyOf(ends, capacity);
        }
    }
}
