package dev.medallion.common.text;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A byte sequence of a file that is not valid in the charset the file is read in, and the one message about
 * it: the silver converter rejects such a file as a whole with it, and bronze-ingest refuses to upload it with
 * it, checking the whole file by the same decoder ({@link #first}) before the upload.
 */
public final class UndecodableBytes {
    private static final int BUFFER_SIZE = 1 << 16;
    /** The most bytes a bad sequence is shown with: a UTF-8 sequence's four ({@link #at}). */
    public static final int BYTES_SHOWN = 4;
    /**
     * What a rejection says to remove when a UTF-8 file's dataset declares another charset; one wording, since convert
     * recognises it in a reason to name its own option.
     */
    public static final String ENTRY_TO_REMOVE = "the dataset's entry from " + EncodingSource.CSV_ENCODINGS.setting();

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withPrefix("0x").withUpperCase();

    private final Charset charset;
    private final long offset;
    private final byte[] bytes;
    private final boolean unmappable;

    private UndecodableBytes(Charset charset, long offset, byte[] bytes, boolean unmappable) {
        this.charset = requireNonNull(charset, "charset is null");
        this.offset = offset;
        this.bytes = bytes.clone();
        this.unmappable = unmappable;
    }

    /**
     * The bad sequence a decoder reporting errors ({@link CodingErrorAction#REPORT}) stopped at. In UTF-8
     * the sequence shown is the whole of what its first byte starts, which the decoder may report by its
     * first byte or two alone (0xE0 0x80 0x80, an overlong form; 0xF4 0x90 0x80 0x80, above U+10FFFF): so
     * that it is shown whole wherever a read ended, {@code in} is to hold {@link #BYTES_SHOWN} bytes from the
     * sequence's start, or all there are to the end of the text.
     *
     * @param charset the decoder's charset
     * @param in the decoder's input, positioned at the bad sequence; not moved
     * @param bytesBefore the bytes of the text before {@code in}'s first byte
     * @param result the decoder's error
     */
    public static UndecodableBytes at(Charset charset, ByteBuffer in, long bytesBefore, CoderResult result) {
        requireNonNull(charset, "charset is null");
        requireNonNull(in, "in is null");
        requireNonNull(result, "result is null");
        if (!result.isError()) {
            throw new IllegalArgumentException("Not a decoding error: " + result);
        }
        int shown = result.length();
        if (charset.name().equals("UTF-8")) {
            shown = Math.max(shown, utf8Shown(in));
        }
        byte[] bad = new byte[shown];
        in.get(in.position(), bad);
        return new UndecodableBytes(charset, bytesBefore + in.position(), bad, result.isUnmappable());
    }

    /** The byte offset of the bad sequence in the (decompressed) text. */
    public long offset() {
        return offset;
    }

    /** The bad sequence, and in UTF-8 the byte that cut it short. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Whether the sequence is well formed but names no character of the charset (0x81 in windows-1252). */
    public boolean unmappable() {
        return unmappable;
    }

    public Charset charset() {
        return charset;
    }

    /**
     * The converter's reason for rejecting the file.
     *
     * @param dataset the file's dataset, to name the setting that declares its encoding
     * @param source what declared the charset the text was read in, which the reason names (when it is not UTF-8, read for want of one)
     * @param compressed whether the text was gzip-compressed, so the offset counts decompressed bytes
     * @param line the line of the bad sequence, or 0 when it is not known
     * @param startLooksEbcdic whether the text's first bytes look like EBCDIC ({@link EbcdicText#looksLike}): a file read as
     *     UTF-8 is then advised to declare its code page, not windows-1252, which would read it as other characters; so is one
     *     read in another ASCII-family charset ({@link EbcdicText#misreadIn}), windows-1252 declared, rather than told to set
     *     its actual encoding, unnamed
     */
    public String message(String dataset, EncodingSource source, boolean compressed, long line, boolean startLooksEbcdic) {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(source, "source is null");
        String where = (unmappable ? "byte sequence " + HEX.formatHex(bytes) + ", which " + charset.name() + " does not define,"
                : "invalid byte sequence " + HEX.formatHex(bytes))
                + " at " + offset(offset, compressed) + (line > 0 ? " (line " + line + ")" : "");
        if (charset.equals(StandardCharsets.UTF_8) && startLooksEbcdic) {
            return "The file is not UTF-8: " + where + ". " + EbcdicText.advice(dataset);
        }
        if (charset.equals(StandardCharsets.UTF_8)) {
            return "The file is not UTF-8: " + where + ". If it is a Windows-1252 or Latin-1 export, set "
                    + setting(dataset, "windows-1252") + " (or convert the file to UTF-8).";
        }
        String notDeclared = "The file is not " + source.declared(charset, dataset) + ": " + where + ". ";
        if (startLooksEbcdic && EbcdicText.misreadIn(charset)) {
            return notDeclared + EbcdicText.advice(dataset);
        }
        return notDeclared + source.declareActual() + ", or convert the file to " + charset.name() + ".";
    }

    /** The setting that declares {@code charset} for the dataset, e.g. {@code CSV_ENCODINGS=sales:windows-1252}. */
    public static String setting(String dataset, String charset) {
        return EncodingSource.CSV_ENCODINGS.setting() + "=" + requireNonNull(dataset, "dataset is null") + ":" + requireNonNull(charset, "charset is null");
    }

    /**
     * The charset of the first {@link #setting} for the dataset in a message ({@code windows-1252} of {@code set
     * CSV_ENCODINGS=sales:windows-1252.}), or empty: so that a command with an option of its own for the encoding can name it
     * with the charset the message advises, the message staying the function's, one wording. A charset name holds letters, digits
     * and {@code - + . : _}, and ends in none of {@code . :}, the punctuation a sentence puts after it.
     */
    public static Optional<String> charsetOfSettingIn(String message, String dataset) {
        requireNonNull(message, "message is null");
        Matcher charset = Pattern.compile(Pattern.quote(setting(dataset, "")) + "([A-Za-z0-9](?:[A-Za-z0-9+.:_-]*[A-Za-z0-9+_-])?)").matcher(message);
        return charset.find() ? Optional.of(charset.group(1)) : Optional.empty();
    }

    /** A byte offset of the text, as messages give it: of the decompressed text when the file was gzip-compressed. */
    public static String offset(long offset, boolean compressed) {
        return "byte offset " + offset + (compressed ? " of the decompressed text" : "");
    }

    /**
     * A bad sequence and its line.
     *
     * @param line counted as a CSV parser counts lines (CRLF, LF or CR), as the converter gives it
     * @param startLooksEbcdic whether the text's first bytes look like EBCDIC ({@link EbcdicText#looksLike}), as the
     *     converter judges them, for its advice
     */
    public record Found(UndecodableBytes bytes, long line, boolean startLooksEbcdic) {
        public Found {
            requireNonNull(bytes, "bytes is null");
        }

        /** The converter's reason for rejecting the file, its charset declared by {@code source}. */
        public String message(String dataset, EncodingSource source, boolean compressed) {
            return bytes.message(dataset, source, compressed, line, startLooksEbcdic);
        }
    }

    /** Opens the (decompressed) text from its first byte; the caller closes it. */
    @FunctionalInterface
    public interface Text {
        InputStream open() throws IOException;
    }

    /**
     * Decodes the text to its end, as the converter does, and returns its first bad sequence, or empty when
     * every byte is valid in the charset. Only then is the text opened again, and read up to the bad
     * sequence, for its line (counting line breaks as it goes would double the cost of the text that is valid),
     * and its first bytes looked at as the converter looks at them ({@link EbcdicText}).
     */
    public static Optional<Found> first(Text text, Charset charset) throws IOException {
        requireNonNull(text, "text is null");
        requireNonNull(charset, "charset is null");
        Decoded whole;
        try (InputStream in = text.open()) {
            whole = decode(in, charset, false);
        }
        if (whole.bad() == null) {
            return Optional.empty();
        }
        Decoded again;
        boolean startLooksEbcdic;
        try (InputStream in = text.open()) {
            byte[] start = in.readNBytes(EbcdicText.SAMPLE_BYTES);
            startLooksEbcdic = EbcdicText.looksLike(start);
            again = decode(new SequenceInputStream(new ByteArrayInputStream(start), in), charset, true);
        }
        if (again.bad() == null || again.bad().offset() != whole.bad().offset()) {
            throw new IOException("The text changed while it was read: its bad byte sequence at " + offset(whole.bad().offset(), false)
                    + " was not there when read again");
        }
        return Optional.of(new Found(again.bad(), again.lineBreaks() + 1, startLooksEbcdic));
    }

    /** The first bad sequence, or null; and when counted, the line breaks before it. */
    private record Decoded(UndecodableBytes bad, long lineBreaks) {}

    private static Decoded decode(InputStream in, Charset charset, boolean countLines) throws IOException {
        CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(BUFFER_SIZE).flip();
        CharBuffer chars = CharBuffer.allocate(BUFFER_SIZE);
        long bytesBefore = 0;
        long lineBreaks = 0;
        char previous = 0;
        boolean endOfInput = false;
        while (true) {
            CoderResult result = decoder.decode(bytes, chars, endOfInput);
            if (countLines) {
                char[] decoded = chars.array();
                int length = chars.position();
                for (int i = 0; i < length; i++) {
                    char c = decoded[i];
                    // As the parser counts them: CRLF, LF or CR.
                    if (c <= '\r' && (c == '\r' || c == '\n' && (i == 0 ? previous : decoded[i - 1]) != '\r')) {
                        lineBreaks++;
                    }
                }
                if (length > 0) {
                    previous = decoded[length - 1];
                }
            }
            chars.clear();
            if (result.isError()) {
                // The sequence is shown whole wherever the read ended.
                while (bytes.remaining() < BYTES_SHOWN && !endOfInput) {
                    bytesBefore += bytes.position();
                    endOfInput = refill(in, bytes);
                }
                return new Decoded(at(charset, bytes, bytesBefore, result), lineBreaks);
            }
            if (result.isUnderflow()) {
                if (endOfInput) {
                    return new Decoded(null, lineBreaks);
                }
                bytesBefore += bytes.position();
                endOfInput = refill(in, bytes);
            }
        }
    }

    /** Keeps the bytes not decoded yet, at the buffer's start, and reads more after them; true at the end of the text. */
    private static boolean refill(InputStream in, ByteBuffer bytes) throws IOException {
        bytes.compact();
        int read = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (read > 0) {
            bytes.position(bytes.position() + read);
        }
        bytes.flip();
        return read < 0;
    }

    /**
     * The bytes of the bad UTF-8 sequence at {@code in}'s position: its lead byte and the continuation bytes
     * (0x80 to 0xBF) after it, up to the length its bit pattern gives (110xxxxx two bytes, 1110xxxx three,
     * 11110xxx four), overlong forms, surrogates and forms above U+10FFFF included; and a byte that cuts it short
     * (0xE9 0x20: the Latin-1 "é " of a Windows export), so that a person sees why it is bad.
     */
    private static int utf8Shown(ByteBuffer in) {
        int start = in.position();
        int lead = in.get(start) & 0xff;
        int length = lead >= 0xf0 && lead <= 0xf7 ? 4 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xc0 && lead <= 0xdf ? 2 : 1;
        int shown = 1;
        while (shown < length && start + shown < in.limit() && (in.get(start + shown) & 0xc0) == 0x80) {
            shown++;
        }
        if (shown < length && start + shown < in.limit()) {
            shown++;
        }
        return shown;
    }
}
