package dev.medallion.silver.parquet;

/**
 * Parquet's RLE/bit-packing hybrid encoding of small integers (definition levels, dictionary ids), from an
 * array of them: a run of 8 or more equal values is an RLE run, the rest go in bit-packed groups of 8
 * (the last group padded with zeros), as the format specifies
 * (<a href="https://parquet.apache.org/docs/file-format/data-pages/encodings/">Encodings</a>). One pass,
 * no object per value; {@code HybridEncoderTest} decodes what it writes with parquet-java's decoder.
 */
final class HybridEncoder {
    /** Groups of 8 in one bit-packed run: its header then fits in one byte, as parquet-java writes it. */
    private static final int MAX_GROUPS_PER_RUN = 63;

    private HybridEncoder() {}

    /** Appends the encoding of {@code values[0, count)}, each at most {@code bitWidth} bits, to {@code out}. */
    static void encode(int[] values, int count, int bitWidth, ColumnChunkWriter.Bytes out) {
        int packedFrom = 0;
        int i = 0;
        while (i < count) {
            int value = values[i];
            int run = 1;
            while (i + run < count && values[i + run] == value) {
                run++;
            }
            if (run >= 8) {
                // Values waiting to be bit-packed must make whole groups of 8 before an RLE run: the run lends them.
                int lend = -(i - packedFrom) & 7;
                if (run - lend >= 8) {
                    bitPack(values, packedFrom, i + lend, bitWidth, out);
                    run(value, run - lend, bitWidth, out);
                    packedFrom = i + run;
                }
            }
            i += run;
        }
        bitPack(values, packedFrom, count, bitWidth, out);
    }

    /** Appends one RLE run: {@code value} {@code run} times. */
    static void run(int value, int run, int bitWidth, ColumnChunkWriter.Bytes out) {
        varInt(run << 1, out);
        for (int b = 0; b < (bitWidth + 7) / 8; b++) {
            out.putByte(value >>> (8 * b));
        }
    }

    /** Bit-packs {@code values[from, to)} in runs of at most {@value #MAX_GROUPS_PER_RUN} groups, the last group padded. */
    private static void bitPack(int[] values, int from, int to, int bitWidth, ColumnChunkWriter.Bytes out) {
        while (from < to) {
            int groups = Math.min(MAX_GROUPS_PER_RUN, (to - from + 7) / 8);
            varInt(groups << 1 | 1, out);
            out.ensure(groups * bitWidth);
            long bits = 0;
            int held = 0;
            int end = from + 8 * groups;
            for (int i = from; i < end; i++) {
                bits |= (i < to ? values[i] & 0xFFFFFFFFL : 0) << held;
                held += bitWidth;
                while (held >= 8) {
                    out.putByte((int) bits);
                    bits >>>= 8;
                    held -= 8;
                }
            }
            from = end;
        }
    }

    private static void varInt(int value, ColumnChunkWriter.Bytes out) {
        while ((value & ~0x7F) != 0) {
            out.putByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.putByte(value);
    }
}
