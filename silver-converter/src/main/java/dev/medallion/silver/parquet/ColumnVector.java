package dev.medallion.silver.parquet;

import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.Values;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

import java.util.Arrays;

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

    ColumnVector(String name, int index) {
        this.name = name;
        this.index = index;
    }

    static ColumnVector of(ColumnType type, String name, int index) {
        return switch (type) {
            case BOOLEAN -> new BooleanVector(name, index);
            case BIGINT -> new LongVector(name, index, false);
            case TIMESTAMP -> new LongVector(name, index, true);
            case DOUBLE -> new DoubleVector(name, index);
            case DATE -> new DateVector(name, index);
            case STRING -> new StringVector(name, index);
        };
    }

    /**
     * Stores the text at {@code row}; an empty text is null, and so is a blank one outside string columns.
     * Returns false when the text does not fit the type.
     */
    final boolean set(int row, String text) {
        if (row >= nulls.length) {
            grow(nulls.length * 2);
        }
        if (text.isEmpty() || !(this instanceof StringVector) && text.isBlank()) {
            nulls[row] = true;
            clear(row);
            return true;
        }
        nulls[row] = false;
        return parse(row, text);
    }

    /** Estimated heap held for the value at {@code row}, for the chunk's memory budget. */
    abstract long retainedBytes(int row);

    /** The value at {@code row}, boxed; for occasional statistics only, never per row. */
    final Object valueAt(int row) {
        return nulls[row] ? null : boxed(row);
    }

    protected abstract Object boxed(int row);

    final void write(RecordConsumer consumer, int row) {
        if (nulls[row]) {
            return;
        }
        consumer.startField(name, index);
        add(consumer, row);
        consumer.endField(name, index);
    }

    protected abstract boolean parse(int row, String text);

    protected void clear(int row) {}

    protected abstract void add(RecordConsumer consumer, int row);

    protected void grow(int capacity) {
        nulls = Arrays.copyOf(nulls, capacity);
    }

    private static final class BooleanVector extends ColumnVector {
        private boolean[] values = new boolean[INITIAL_CAPACITY];

        BooleanVector(String name, int index) {
            super(name, index);
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
        long retainedBytes(int row) {
            return 2;
        }

        @Override
        protected void add(RecordConsumer consumer, int row) {
            consumer.addBoolean(values[row]);
        }

        @Override
        protected void grow(int capacity) {
            super.grow(capacity);
            values = Arrays.copyOf(values, capacity);
        }
    }

    /** Bigints, and timestamps as milliseconds since the epoch. */
    private static final class LongVector extends ColumnVector {
        private final boolean timestamp;
        private final long[] scratch = new long[1];
        private long[] values = new long[INITIAL_CAPACITY];

        LongVector(String name, int index, boolean timestamp) {
            super(name, index);
            this.timestamp = timestamp;
        }

        @Override
        protected boolean parse(int row, String text) {
            if (timestamp) {
                long millis = Values.parseTimestamp(text);
                values[row] = millis;
                return millis != Long.MIN_VALUE;
            }
            if (!Values.parseBigint(text, scratch)) {
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
        long retainedBytes(int row) {
            return 9;
        }

        @Override
        protected void add(RecordConsumer consumer, int row) {
            consumer.addLong(values[row]);
        }

        @Override
        protected void grow(int capacity) {
            super.grow(capacity);
            values = Arrays.copyOf(values, capacity);
        }
    }

    private static final class DoubleVector extends ColumnVector {
        private double[] values = new double[INITIAL_CAPACITY];

        DoubleVector(String name, int index) {
            super(name, index);
        }

        @Override
        protected boolean parse(int row, String text) {
            if (!Values.isDouble(text)) {
                return false;
            }
            values[row] = Values.parseDouble(text);
            return true;
        }

        @Override
        protected Object boxed(int row) {
            return values[row];
        }

        @Override
        long retainedBytes(int row) {
            return 9;
        }

        @Override
        protected void add(RecordConsumer consumer, int row) {
            consumer.addDouble(values[row]);
        }

        @Override
        protected void grow(int capacity) {
            super.grow(capacity);
            values = Arrays.copyOf(values, capacity);
        }
    }

    private static final class DateVector extends ColumnVector {
        private int[] values = new int[INITIAL_CAPACITY];

        DateVector(String name, int index) {
            super(name, index);
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

        @Override
        long retainedBytes(int row) {
            return 5;
        }

        @Override
        protected void add(RecordConsumer consumer, int row) {
            consumer.addInteger(values[row]);
        }

        @Override
        protected void grow(int capacity) {
            super.grow(capacity);
            values = Arrays.copyOf(values, capacity);
        }
    }

    private static final class StringVector extends ColumnVector {
        /** Object header, length and hash fields of a String and its byte array, plus the reference. */
        private static final int STRING_OVERHEAD = 48;

        private String[] values = new String[INITIAL_CAPACITY];

        StringVector(String name, int index) {
            super(name, index);
        }

        @Override
        protected boolean parse(int row, String text) {
            values[row] = text;
            return true;
        }

        @Override
        protected void clear(int row) {
            values[row] = null;
        }

        @Override
        protected Object boxed(int row) {
            return values[row];
        }

        @Override
        long retainedBytes(int row) {
            String value = values[row];
            // Latin-1 text takes a byte a character, anything else two.
            return value == null ? 9 : STRING_OVERHEAD + 2L * value.length();
        }

        @Override
        protected void add(RecordConsumer consumer, int row) {
            consumer.addBinary(Binary.fromString(values[row]));
        }

        @Override
        protected void grow(int capacity) {
            super.grow(capacity);
            values = Arrays.copyOf(values, capacity);
        }
    }
}
