package dev.medallion.silver.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import static java.util.Objects.requireNonNull;

/**
 * Decodes UTF-8, replacing each malformed sequence with U+FFFD and counting them, so the converter can
 * quarantine the rows that held invalid bytes instead of failing the whole file or silently altering it.
 */
final class Utf8Reader extends Reader {
    static final char REPLACEMENT = '\uFFFD';
    private static final int NONE = -1;

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    /** Positions (in characters from the start of the text) of replacements not yet claimed by a record. */
    private final ArrayDeque<Long> replacements = new ArrayDeque<>();
    private boolean endOfInput;
    private boolean flushed;
    private long charactersRead;
    private final char[] pair = new char[2];
    private int pendingLowSurrogate = NONE;

    Utf8Reader(InputStream in) {
        this.in = requireNonNull(in, "in is null");
    }

    /**
     * Whether a malformed sequence was replaced in the characters {@code [start, end)}. Positions before
     * {@code end} are forgotten, so callers ask for consecutive ranges in order.
     */
    boolean replacedBetween(long start, long end) {
        boolean found = false;
        while (!replacements.isEmpty() && replacements.peekFirst() < end) {
            found |= replacements.pollFirst() >= start;
        }
        return found;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (pendingLowSurrogate != NONE) {
            buffer[offset] = (char) pendingLowSurrogate;
            pendingLowSurrogate = NONE;
            charactersRead++;
            return 1;
        }
        if (length == 1) {
            // A four-byte sequence decodes to two chars, which cannot be written into one: keep the second.
            int read = read(pair, 0, 2);
            if (read <= 0) {
                return read;
            }
            buffer[offset] = pair[0];
            if (read == 2) {
                pendingLowSurrogate = pair[1];
                charactersRead--;
            }
            return 1;
        }
        CharBuffer out = CharBuffer.wrap(buffer, offset, length);
        while (out.position() == offset) {
            if (flushed) {
                return -1;
            }
            if (!bytes.hasRemaining() || !endOfInput && bytes.remaining() < 4) {
                fill();
            }
            CoderResult result = decoder.decode(bytes, out, endOfInput);
            if ((result.isMalformed() || result.isUnmappable()) && !out.hasRemaining()) {
                // No room for the replacement now; the decoder reports the same bytes again on the next read.
                break;
            }
            if (result.isMalformed() || result.isUnmappable()) {
                bytes.position(bytes.position() + result.length());
                replacements.addLast(charactersRead + out.position() - offset);
                out.put(REPLACEMENT);
            }
            else if (result.isUnderflow() && endOfInput && !bytes.hasRemaining()) {
                if (decoder.flush(out).isUnderflow()) {
                    flushed = true;
                }
            }
        }
        int read = out.position() - offset;
        charactersRead += read;
        return read;
    }

    private void fill() throws IOException {
        if (endOfInput) {
            return;
        }
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
