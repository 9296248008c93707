package dev.medallion.common.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An object being written, in two phases, so that several objects can be made visible together at a
 * commit point. {@link #close()} sends every byte written but leaves the object invisible (on S3, an
 * uncompleted multipart upload); {@link #publish()} then makes it visible under its key (on S3,
 * CompleteMultipartUpload). {@link #abort()} discards it at any time before {@code publish}. An object
 * that is neither published nor aborted, because its writer was killed, stays invisible: S3 removes its
 * parts by the bucket's lifecycle rule for incomplete multipart uploads.
 */
public abstract class ObjectUpload extends OutputStream {
    /** Bytes written so far. */
    public abstract long position();

    /** Sends what is still buffered; nothing becomes visible. Calling it again does nothing. */
    @Override
    public abstract void close() throws IOException;

    /**
     * Makes the object visible under its key, after {@link #close()}. When a first attempt did publish
     * but its answer was lost, a second call recognises the object and succeeds.
     */
    public abstract void publish() throws IOException;

    /**
     * Discards the upload; safe to call after a failure, and a no-op once published. After a publish that
     * failed but may have landed (its answer lost), it leaves nothing open and does not delete the object,
     * which may then be visible: the caller deletes what it may have published.
     */
    public abstract void abort();

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }
}
