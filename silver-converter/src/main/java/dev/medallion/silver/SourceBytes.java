package dev.medallion.silver;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The source object's bytes as they arrive, counted. An HTTP client that sees a connection closed
 * cleanly partway through a response body may report a normal end of stream; only comparing the count
 * with the object's size tells a truncated download from a whole one.
 */
final class SourceBytes extends FilterInputStream {
    private long count;
    private boolean endReached;

    SourceBytes(InputStream in) {
        super(in);
    }

    /** Bytes read so far. */
    long count() {
        return count;
    }

    /** Whether the stream has reported its end: only then can its count be compared with the size. */
    boolean endReached() {
        return endReached;
    }

    /**
     * Reads whatever the parser left (a gzip trailer, bytes after the last record), then checks that the
     * whole object arrived.
     */
    void requireWhole(SourceObject source) throws IOException {
        transferTo(OutputStream.nullOutputStream());
        requireSize(source);
    }

    /** Reads whatever the parser left of a byte range, then checks that all of the range arrived. */
    void requireCount(long expected, String what) throws IOException {
        transferTo(OutputStream.nullOutputStream());
        if (count != expected) {
            throw new TruncatedSourceException("Read " + count + " bytes of " + what + " where the range holds " + expected
                    + (count < expected ? ": the download ended early (a connection closed before the end of the body)" : "")
                    + "; nothing is committed and the conversion will be retried");
        }
    }

    /** When the stream ended, checks that it ended at the object's size. */
    void requireSizeIfEnded(SourceObject source) throws IOException {
        if (endReached) {
            requireSize(source);
        }
    }

    private void requireSize(SourceObject source) throws IOException {
        if (count != source.size()) {
            throw new TruncatedSourceException("Read " + count + " bytes of " + source.location() + " where the object holds " + source.size()
                    + (count < source.size() ? ": the download ended early (a connection closed before the end of the body)" : "")
                    + "; nothing is committed and the conversion will be retried");
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            endReached = true;
        }
        else {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        if (read < 0) {
            endReached = true;
        }
        else {
            count += read;
        }
        return read;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count += skipped;
        return skipped;
    }

    @Override
    public boolean markSupported() {
        // A reset would make the count lie.
        return false;
    }

    /** The bytes read do not match the object's size: a transport failure, retryable. */
    static final class TruncatedSourceException extends IOException {
        TruncatedSourceException(String message) {
            super(message);
        }
    }
}
