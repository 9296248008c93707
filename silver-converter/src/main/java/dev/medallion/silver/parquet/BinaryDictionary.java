package dev.medallion.silver.parquet;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.io.api.Binary;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The distinct values of a text column chunk, numbered in the order first seen and held PLAIN-encoded
 * (each a 4-byte little-endian length, then its bytes; a FIXED_LEN_BYTE_ARRAY's bytes alone), which is what
 * the chunk's dictionary page holds.
 * An open-addressing table of ids finds a value by its hash, computed once by the caller.
 */
final class BinaryDictionary {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private final ColumnChunkWriter.Bytes plain = new ColumnChunkWriter.Bytes();
    /** Whether each value is written after its length: false for FIXED_LEN_BYTE_ARRAY values, all of the column's one length. */
    private final boolean lengthPrefixed;
    /** Where each value's bytes start in {@link #plain}, after its length. */
    private int[] offsets = new int[4];
    private int[] lengths = new int[4];
    private int[] hashes = new int[4];
    private int size;
    /** Id + 1 of the value in each slot, 0 for an empty slot; kept at most half full. */
    private int[] slots = new int[8];

    BinaryDictionary(boolean lengthPrefixed) {
        this.lengthPrefixed = lengthPrefixed;
    }

    /** A hash of {@code bytes[start, start + length)}, eight bytes at a step. */
    static int hash(byte[] bytes, int start, int length) {
        long hash = length;
        int i = start;
        int end = start + length;
        for (; i + 8 <= end; i += 8) {
            hash = (hash ^ (long) LONGS.get(bytes, i)) * 0x9E3779B97F4A7C15L;
        }
        long tail = 0;
        for (int shift = 0; i < end; i++, shift += 8) {
            tail |= (bytes[i] & 0xFFL) << shift;
        }
        hash = (hash ^ tail) * 0x9E3779B97F4A7C15L;
        hash ^= hash >>> 32;
        return (int) (hash ^ (hash >>> 16));
    }

    int size() {
        return size;
    }

    /** Bytes of the dictionary page: every value PLAIN-encoded. */
    long plainBytes() {
        return plain.size();
    }

    BytesInput plain() {
        return plain.toBytesInput();
    }

    byte[] array() {
        return plain.array();
    }

    int offsetOf(int id) {
        return offsets[id];
    }

    int lengthOf(int id) {
        return lengths[id];
    }

    /**
     * The value of {@code id}, a slice of the dictionary's bytes, marked as reused: statistics copy what they
     * keep of it, so that they do not hold the whole dictionary until the file's footer is written.
     */
    Binary valueOf(int id) {
        return Binary.fromReusedByteArray(plain.array(), offsets[id], lengths[id]);
    }

    /** The id of the value {@code bytes[start, start + length)} of hash {@code hash}, or -1 when it is not in the dictionary. */
    int idOf(byte[] bytes, int start, int length, int hash) {
        int mask = slots.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (entry == 0) {
                return -1;
            }
            int id = entry - 1;
            if (hashes[id] == hash && lengths[id] == length
                    && Arrays.equals(plain.array(), offsets[id], offsets[id] + length, bytes, start, start + length)) {
                return id;
            }
        }
    }

    /** Adds a value not in the dictionary and returns its id. */
    int add(byte[] bytes, int start, int length, int hash) {
        if (size == offsets.length) {
            offsets = Arrays.copyOf(offsets, 2 * size);
            lengths = Arrays.copyOf(lengths, 2 * size);
            hashes = Arrays.copyOf(hashes, 2 * size);
        }
        if (lengthPrefixed) {
            plain.putInt(length);
        }
        offsets[size] = plain.size();
        lengths[size] = length;
        hashes[size] = hash;
        plain.put(bytes, start, length);
        size++;
        if (2 * size > slots.length) {
            slots = new int[2 * slots.length];
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
        int mask = slots.length - 1;
        int slot = hashes[id] & mask;
        while (slots[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = id + 1;
    }
}
