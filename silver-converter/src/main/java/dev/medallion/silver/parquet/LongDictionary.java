package dev.medallion.silver.parquet;

import java.util.Arrays;

/**
 * The distinct values of a fixed-width column chunk (as their bits), numbered in the order first seen: an
 * open-addressing table, no boxing. A slot holds the value itself beside its id, so a lookup reads one
 * slot's two entries, which the processor fetches at once, rather than an id and then the value it names.
 */
final class LongDictionary {
    private long[] values = new long[4];
    private int size;
    /** Per slot: the value, and its id + 1 (0 for an empty slot); kept at most half full. */
    private long[] slotValues = new long[8];
    private int[] slotIds = new int[8];

    int size() {
        return size;
    }

    long valueOf(int id) {
        return values[id];
    }

    /** The id of {@code value}, or -1 when it is not in the dictionary. */
    int idOf(long value) {
        int mask = slotIds.length - 1;
        for (int slot = hash(value) & mask; ; slot = (slot + 1) & mask) {
            int id = slotIds[slot];
            if (id == 0) {
                return -1;
            }
            if (slotValues[slot] == value) {
                return id - 1;
            }
        }
    }

    /** Adds a value not in the dictionary and returns its id. */
    int add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, 2 * size);
        }
        values[size] = value;
        size++;
        if (2 * size > slotIds.length) {
            slotValues = new long[2 * slotValues.length];
            slotIds = new int[2 * slotIds.length];
            for (int id = 0; id < size; id++) {
                place(id);
            }
        }
        else {
            place(size - 1);
        }
        return size - 1;
    }

    private void place(int id) {
        int mask = slotIds.length - 1;
        int slot = hash(values[id]) & mask;
        while (slotIds[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        slotValues[slot] = values[id];
        slotIds[slot] = id + 1;
    }

    private static int hash(long value) {
        long h = value * 0x9E3779B97F4A7C15L;
        h ^= h >>> 32;
        return (int) (h ^ (h >>> 16));
    }
}
