package dev.medallion.silver.csv;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Turns a raw object stream into decoded text: gzip is recognised by its magic bytes (whatever the
 * key's suffix says), a UTF-8 byte order mark is dropped, and content that is clearly not text is
 * rejected before any row is parsed.
 */
public final class TextInput {
    private static final int BUFFER_SIZE = 1 << 16;
    private static final int SNIFF_SIZE = 8192;

    private TextInput() {}

    /** Opens the stream for reading as UTF-8 text; the caller closes the returned reader. */
    static Utf8Reader open(InputStream raw) throws IOException, RejectedInputException {
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER_SIZE);
        byte[] head = peek(in, 2);
        byte[] sample;
        if (head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            try {
                // Reads the gzip header and inflates the first bytes: a damaged or cut file fails here.
                in = new BufferedInputStream(new GZIPInputStream(in, BUFFER_SIZE), BUFFER_SIZE);
                sample = peek(in, SNIFF_SIZE);
            }
            catch (ZipException | EOFException e) {
                throw new RejectedInputException("The file is not valid gzip: "
                        + (e.getMessage() == null ? "it ends early" : e.getMessage()));
            }
        }
        else {
            sample = peek(in, SNIFF_SIZE);
        }
        if (sample.length >= 2 && ((sample[0] & 0xff) == 0xff && (sample[1] & 0xff) == 0xfe
                || (sample[0] & 0xff) == 0xfe && (sample[1] & 0xff) == 0xff)) {
            throw new RejectedInputException("The file is UTF-16 encoded (it starts with a UTF-16 byte order mark): save it as UTF-8");
        }
        int start = 0;
        if (sample.length >= 3 && (sample[0] & 0xff) == 0xef && (sample[1] & 0xff) == 0xbb && (sample[2] & 0xff) == 0xbf) {
            start = 3;
            in.skipNBytes(3);
        }
        for (int i = start; i < sample.length; i++) {
            if (sample[i] == 0) {
                throw new RejectedInputException("The file is not text: it holds a NUL byte at offset " + i
                        + " (binary data, or a UTF-16/UTF-32 export saved without a byte order mark)");
            }
        }
        return new Utf8Reader(in);
    }

    private static byte[] peek(BufferedInputStream in, int length) throws IOException {
        in.mark(length);
        byte[] bytes = in.readNBytes(length);
        in.reset();
        return bytes;
    }
}
