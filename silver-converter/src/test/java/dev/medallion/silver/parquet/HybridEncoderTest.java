package dev.medallion.silver.parquet;

import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link HybridEncoder} writes, read back with parquet-java's own decoder. */
class HybridEncoderTest {
    @Test
    void everyBitWidthAndMixOfRunsDecodesToTheValuesWritten() throws IOException {
        Random random = new Random(20261201);
        for (int bitWidth = 0; bitWidth <= 32; bitWidth++) {
            for (int trial = 0; trial < 40; trial++) {
                int[] values = new int[random.nextInt(2000)];
                int i = 0;
                while (i < values.length) {
                    // Runs of 1 to 30 equal values: some RLE runs, some bit-packed, runs that lend values to a group.
                    int run = Math.min(values.length - i, 1 + random.nextInt(trial % 2 == 0 ? 3 : 30));
                    int value = bitWidth == 0 ? 0 : (int) (random.nextLong() & ((1L << bitWidth) - 1));
                    Arrays.fill(values, i, i + run, value);
                    i += run;
                }
                assertArrayEquals(values, roundTrip(values, bitWidth), "bit width " + bitWidth + ", trial " + trial);
            }
        }
    }

    @Test
    void aLongRunIsOneRleRunAndManyGroupsSplitIntoSeveralBitPackedRuns() throws IOException {
        int[] same = new int[20_000];
        Arrays.fill(same, 1);
        ColumnChunkWriter.Bytes out = new ColumnChunkWriter.Bytes();
        HybridEncoder.encode(same, same.length, 1, out);
        // Header varint(20,000 << 1) in 3 bytes, then the value in 1 byte.
        assertEquals(4, out.size());
        assertArrayEquals(same, roundTrip(same, 1));

        int[] alternating = new int[1000];
        for (int i = 0; i < alternating.length; i++) {
            alternating[i] = i % 2;
        }
        out = new ColumnChunkWriter.Bytes();
        HybridEncoder.encode(alternating, alternating.length, 1, out);
        // 125 groups of 8 in runs of at most 63: two one-byte headers and a byte per group.
        assertEquals(2 + 125, out.size());
        assertArrayEquals(alternating, roundTrip(alternating, 1));
        assertTrue(roundTrip(new int[0], 3).length == 0);
    }

    private static int[] roundTrip(int[] values, int bitWidth) throws IOException {
        ColumnChunkWriter.Bytes out = new ColumnChunkWriter.Bytes();
        HybridEncoder.encode(values, values.length, bitWidth, out);
        RunLengthBitPackingHybridDecoder decoder = new RunLengthBitPackingHybridDecoder(bitWidth,
                new ByteArrayInputStream(Arrays.copyOf(out.array(), out.size())));
        int[] read = new int[values.length];
        for (int i = 0; i < read.length; i++) {
            read[i] = decoder.readInt();
        }
        return read;
    }
}
