package dev.medallion.common.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An object being written. Its content becomes visible under its key only when {@link #close()}
 * returns; {@link #abort()} discards everything written so far. Never both.
 */
public abstract class ObjectUpload extends OutputStream {
    /** Bytes written so far. */
    public abstract long position();

    /** Discards the upload; safe to call after a failure, and a no-op after close. */
    public abstract void abort();

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }
}
