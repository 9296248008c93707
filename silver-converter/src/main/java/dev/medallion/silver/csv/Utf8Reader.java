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

import static java.util.Objects.requireNonNull;

/**
 * Decodes UTF-8, replacing each malformed sequence with U+FFFD and counting them, so the converter can
 * quarantine the rows that held invalid bytes instead of failing the whole file or silently altering it.
 */
final class Utf8Reader extends Reader {
    static final char REPLACEMENT = '\uFFFD';

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    private boolean endOfInput;
    private boolean flushed;
    private long malformedSequences;

    Utf8Reader(InputStream in) {
        this.in = requireNonNull(in, "in is null");
    }

    /** How many malformed byte sequences were replaced so far. */
    long malformedSequences() {
        return malformedSequences;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
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
            if (result.isMalformed() || result.isUnmappable()) {
                bytes.position(bytes.position() + result.length());
                out.put(REPLACEMENT);
                malformedSequences++;
            }
            else if (result.isUnderflow() && endOfInput && !bytes.hasRemaining()) {
                if (decoder.flush(out).isUnderflow()) {
                    flushed = true;
                }
            }
        }
        return out.position() - offset;
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
