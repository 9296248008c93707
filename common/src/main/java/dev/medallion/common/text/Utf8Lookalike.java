package dev.medallion.common.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A UTF-8 file in a dataset declared in a single-byte charset (windows-1252, ISO-8859-1, windows-1250…): such a
 * charset maps (nearly) every byte to a character, so the file decodes without error and each of its non-ASCII
 * characters is written as two or three others ({@code Björn} as {@code BjÃ¶rn}), in every row, silently. Exports
 * without a byte order mark are common (pandas' {@code to_csv}, most databases' tools), so a dataset declared
 * windows-1252 for one legacy export receives such files as soon as someone exports again with a newer tool.
 *
 * <p>The rule: in the text's first {@value EbcdicText#SAMPLE_BYTES} bytes there is a byte above 0x7F, and every such
 * byte is part of a well-formed UTF-8 sequence of two to four bytes for a character from U+00A0 on (a sequence cut by
 * the end of the sample is left out). Text really in a single-byte charset almost never passes it: its letters
 * above 0x7F (0xC0 to 0xFF in windows-1252 and the ISO-8859 charsets) are followed by ASCII or other letters, never
 * only by the symbols 0x80 to 0xBF that a UTF-8 lead byte needs after it; and a C1 control (U+0080 to U+009F), which
 * what looks like {@code Â€} would be in UTF-8, does not count, since text does not hold one. As the other rules on a
 * file's first bytes ({@link EbcdicText}), it looks at the start alone, so a file is judged alike however it is read
 * (one stream, byte ranges), and a file whose first non-ASCII character comes later is not caught.
 */
public final class Utf8Lookalike {
    private final long offset;
    private final byte[] firstSequence;
    private final int line;

    private Utf8Lookalike(long offset, byte[] firstSequence, int line) {
        this.offset = offset;
        this.firstSequence = firstSequence;
        this.line = line;
    }

    /**
     * The start's first UTF-8 sequence, when the start looks like UTF-8 by the rule above and the charset is a
     * single-byte charset that writes ASCII as ASCII, in which that UTF-8 text would be misread; else empty.
     *
     * @param start the (decompressed) text's first bytes, a byte order mark excluded or not
     * @param declared the charset the dataset declares
     */
    public static Optional<Utf8Lookalike> in(byte[] start, Charset declared) {
        requireNonNull(start, "start is null");
        requireNonNull(declared, "declared is null");
        if (!singleByteAsciiFamily(declared)) {
            return Optional.empty();
        }
        int length = Math.min(start.length, EbcdicText.SAMPLE_BYTES);
        int first = -1;
        int firstLength = 0;
        for (int i = 0; i < length; ) {
            int b = start[i] & 0xff;
            if (b < 0x80) {
                i++;
                continue;
            }
            int sequence = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
            if (sequence == 0) {
                return Optional.empty();
            }
            if (i + sequence > length) {
                // Cut by the end of the sample (the text goes on), as far as it goes UTF-8: no evidence either way. Cut by the end of
                // the text, or followed by a byte no UTF-8 character continues with, it is none.
                boolean textGoesOn = start.length >= EbcdicText.SAMPLE_BYTES;
                for (int j = i + 1; j < length; j++) {
                    textGoesOn &= (start[j] & 0xc0) == 0x80;
                }
                if (!textGoesOn) {
                    return Optional.empty();
                }
                break;
            }
            Optional<String> decoded = strictUtf8(start, i, sequence);
            // A C1 control is no character of text.
            if (decoded.isEmpty() || decoded.get().codePointAt(0) < 0xa0) {
                return Optional.empty();
            }
            if (first < 0) {
                first = i;
                firstLength = sequence;
            }
            i += sequence;
        }
        if (first < 0) {
            return Optional.empty();
        }
        int line = 1;
        for (int i = 0; i < first; i++) {
            // Lines as a CSV parser counts them: CRLF, LF or CR.
            if (start[i] == '\n' || start[i] == '\r' && (i + 1 >= start.length || start[i + 1] != '\n')) {
                line++;
            }
        }
        return Optional.of(new Utf8Lookalike(first, Arrays.copyOfRange(start, first, first + firstLength), line));
    }

    /** The bytes as UTF-8, when they are one well-formed character there (no overlong form, no surrogate); a decoder that reports, not replaces. */
    private static Optional<String> strictUtf8(byte[] bytes, int offset, int length) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, offset, length)).toString());
        }
        catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Whether the charset writes every character in one byte and ASCII as ASCII: what maps UTF-8's bytes to other characters. */
    private static boolean singleByteAsciiFamily(Charset charset) {
        if (charset.equals(StandardCharsets.UTF_8) || !charset.canEncode()) {
            return false;
        }
        byte[] a = "a,\n".getBytes(charset);
        return charset.newEncoder().maxBytesPerChar() == 1 && a.length == 3 && a[0] == 'a' && a[1] == ',' && a[2] == '\n';
    }

    /**
     * Why the file is refused and what to do, as a sentence.
     *
     * @param source what declared {@code declared}, which the reason names
     * @param where the offset as messages give it ({@code byte offset 12}, {@code … of the decompressed text})
     */
    public String reason(Charset declared, EncodingSource source, String dataset, String where) {
        requireNonNull(declared, "declared is null");
        requireNonNull(source, "source is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(where, "where is null");
        StringBuilder bytes = new StringBuilder();
        for (byte b : firstSequence) {
            bytes.append(bytes.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "0x%02X", b & 0xff));
        }
        String undeclare = source.undeclareForUtf8();
        return "The file looks like UTF-8, not " + source.declared(declared, dataset) + ": every byte above 0x7F in its first " + EbcdicText.SAMPLE_BYTES
                + " bytes is part of a UTF-8 character, the first " + bytes
                + " at " + where + " (line " + line + "), which is '" + new String(firstSequence, StandardCharsets.UTF_8) + "' in UTF-8 and would be written as '"
                + new String(firstSequence, declared) + "'. " + Character.toUpperCase(undeclare.charAt(0)) + undeclare.substring(1) + ", or save this file as " + declared.name() + ".";
    }

    /** Where the first UTF-8 sequence starts, in bytes from the text's start. */
    public long offset() {
        return offset;
    }
}
