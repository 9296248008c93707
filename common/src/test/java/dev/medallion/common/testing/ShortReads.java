package dev.medallion.common.testing;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import static java.util.Objects.requireNonNull;

/**
 * Bytes delivered as a network body may deliver them: each read returns at most the next of the given sizes
 * (taken in turn, then again from the first), and {@link #available} says nothing is buffered, so that a
 * {@link java.io.BufferedInputStream} over it does not read on. For tests that an outcome does not depend on
 * how the bytes arrive.
 */
public final class ShortReads extends FilterInputStream {
    private final int[] sizes;
    private int next;

    public ShortReads(InputStream in, int... sizes) {
        super(requireNonNull(in, "in is null"));
        if (sizes.length == 0) {
            throw new IllegalArgumentException("no read sizes");
        }
        for (int size : sizes) {
            if (size < 1) {
                throw new IllegalArgumentException("a read size below 1: " + size);
            }
        }
        this.sizes = sizes.clone();
    }

    public static ShortReads of(byte[] bytes, int... sizes) {
        return new ShortReads(new ByteArrayInputStream(bytes), sizes);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int size = sizes[next];
        next = (next + 1) % sizes.length;
        return super.read(buffer, offset, Math.min(length, size));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public long skip(long n) throws IOException {
        return super.skip(Math.min(n, sizes[0]));
    }

    @Override
    public int available() {
        return 0;
    }
}
