package dev.medallion.silver.parquet;

import java.util.Arrays;

/**
 * Counts the distinct values of a {@link ColumnVector}'s rows in an open-addressing table of row numbers,
 * comparing values where the vector holds them: no value is boxed or copied. One table serves every column
 * of a batch.
 */
final class DistinctValues {
    /** Row number plus one of the first row holding each value seen; 0 is an empty slot. */
    private final int[] slots;
    private final int mask;
    private final int shift;

    /** @param rows the most rows a count will look at */
    DistinctValues(int rows) {
        // At most half full: probes stay short.
        int capacity = Integer.highestOneBit(Math.max(1, rows) * 2 - 1) << 1;
        this.slots = new int[capacity];
        this.mask = capacity - 1;
        this.shift = Integer.numberOfLeadingZeros(capacity) + 1;
    }

    /**
     * Whether the first {@code rows} rows of the vector hold more than {@code limit} distinct values (null
     * is one); stops counting as soon as they do.
     */
    boolean countAbove(ColumnVector vector, int rows, int limit) {
        Arrays.fill(slots, 0);
        int distinct = 0;
        boolean sawNull = false;
        for (int row = 0; row < rows; row++) {
            if (vector.isNull(row)) {
                if (sawNull) {
                    continue;
                }
                sawNull = true;
            }
            else if (!add(vector, row)) {
                continue;
            }
            if (++distinct > limit) {
                return true;
            }
        }
        return false;
    }

    /** Adds the value at {@code row}; false when an earlier row holds the same value. */
    private boolean add(ColumnVector vector, int row) {
        // Fibonacci hashing: the high bits of the product depend on every bit of the vector's hash.
        int slot = vector.valueHash(row) * 0x9E3779B9 >>> shift;
        while (slots[slot] != 0) {
            if (vector.sameValue(slots[slot] - 1, row)) {
                return false;
            }
            slot = slot + 1 & mask;
        }
        slots[slot] = row + 1;
        return true;
    }
}
