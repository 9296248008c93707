package dev.medallion.silver.csv;

import dev.medallion.common.text.UndecodableBytes;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

import static java.util.Objects.requireNonNull;

/**
 * Decodes bytes in one charset and fails at the first byte sequence that is not valid in it, with where
 * that sequence is: text is never silently altered. The characters decoded before a bad sequence are
 * returned first; the next read throws, and every read after it. A leading byte order mark (U+FEFF)
 * is dropped.
 */
final class DecodingReader extends Reader {
    private static final int NONE = -1;
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final UndecodableTextException.Context context;
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    /** Bytes dropped from the front of {@link #bytes} so far: the offset of its first byte in the text. */
    private long bytesBefore;
    private boolean endOfInput;
    private boolean flushed;
    private boolean started;
    private UndecodableTextException failure;
    private final char[] pair = new char[2];
    private int pendingLowSurrogate = NONE;
    private int lastChar = NONE;

    DecodingReader(InputStream in, Charset charset, UndecodableTextException.Context context) {
        this(in, charset, context, true);
    }

    /**
     * @param startOfText whether the bytes are the start of the text, where a byte order mark is dropped;
     *     further on (a byte range of a file) U+FEFF is a character of the data, kept
     */
    DecodingReader(InputStream in, Charset charset, UndecodableTextException.Context context, boolean startOfText) {
        this.started = !startOfText;
        this.in = requireNonNull(in, "in is null");
        this.decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        this.context = requireNonNull(context, "context is null");
    }

    Charset charset() {
        return decoder.charset();
    }

    /** What messages about this text need to know: the dataset, whether it was compressed. */
    UndecodableTextException.Context context() {
        return context;
    }

    /** Whether the last character returned ended a line (or none was returned): the next one starts a line. */
    boolean atLineStart() {
        return lastChar == NONE || lastChar == '\n' || lastChar == '\r';
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (pendingLowSurrogate != NONE) {
            buffer[offset] = (char) pendingLowSurrogate;
            pendingLowSurrogate = NONE;
            lastChar = buffer[offset];
            return 1;
        }
        if (length == 1) {
            // A supplementary character decodes to two chars, which cannot be written into one: keep the second.
            int read = read(pair, 0, 2);
            if (read <= 0) {
                return read;
            }
            buffer[offset] = pair[0];
            if (read == 2) {
                pendingLowSurrogate = pair[1];
            }
            lastChar = pair[0];
            return 1;
        }
        int read = decode(CharBuffer.wrap(buffer, offset, length));
        if (!started && read > 0) {
            started = true;
            if (buffer[offset] == BYTE_ORDER_MARK) {
                System.arraycopy(buffer, offset + 1, buffer, offset, --read);
                if (read == 0) {
                    return this.read(buffer, offset, length);
                }
            }
        }
        if (read > 0) {
            lastChar = buffer[offset + read - 1];
        }
        return read;
    }

    /** Decodes into {@code out} until it holds at least one character; -1 at the end of the text. */
    private int decode(CharBuffer out) throws IOException {
        int start = out.position();
        while (out.position() == start) {
            if (failure != null) {
                throw failure;
            }
            if (flushed) {
                return -1;
            }
            CoderResult result = decoder.decode(bytes, out, endOfInput);
            if (result.isError()) {
                if (out.position() > start) {
                    break;
                }
                // The sequence is shown whole wherever the read ended.
                while (bytes.remaining() < UndecodableBytes.BYTES_SHOWN && !endOfInput) {
                    fill();
                }
                failure = new UndecodableTextException(context, UndecodableBytes.at(decoder.charset(), bytes, bytesBefore, result));
                throw failure;
            }
            if (result.isUnderflow()) {
                if (!endOfInput) {
                    fill();
                }
                else if (decoder.flush(out).isUnderflow()) {
                    flushed = true;
                }
            }
        }
        return out.position() == start ? -1 : out.position() - start;
    }

    private void fill() throws IOException {
        bytesBefore += bytes.position();
        bytes.compact();
        int read = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (read < 0) {
            endOfInput = true;
        }
        else {
            bytes.position(bytes.position() + read);
        }
        bytes.flip();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
