package dev.medallion.silver.csv;

import dev.medallion.common.text.CompressedFormat;
import dev.medallion.common.text.ControlCharacters;
import dev.medallion.common.text.EbcdicText;
import dev.medallion.common.text.GzipMembersInputStream;
import dev.medallion.common.text.EncodingSource;
import dev.medallion.common.text.Utf8Lookalike;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Turns a raw object stream into decoded text: gzip is recognised by its magic bytes (whatever the
 * key's suffix says) and read member by member to its very end ({@link GzipMembersInputStream}), other
 * compression formats (zstd, xz, bzip2, ZIP…), and gzip inside gzip, are rejected naming the format
 * ({@link CompressedFormat}), a byte order mark is dropped, and content that is clearly not text in the
 * dataset's encoding is rejected before any row is parsed.
 *
 * <p>The text is UTF-8 unless the dataset declares another charset. Before decoding, the first bytes
 * decide a few cases for the whole file:
 * <ul>
 * <li>a UTF-16 byte order mark, or a NUL byte, in a file read as UTF-8 or another charset that encodes
 *     ASCII in single bytes (Windows-1252, ISO-8859-1…): rejected as not text, or as UTF-16 to declare;</li>
 * <li>a UTF-8 byte order mark in a file declared in another charset: rejected, since the mark says the
 *     file is UTF-8 and the declaration says otherwise;</li>
 * <li>a file declared in a single-byte charset (windows-1252, ISO-8859-1…) whose first bytes above 0x7F are all UTF-8
 *     characters ({@link Utf8Lookalike}): rejected, since it would decode without error into other characters;</li>
 * <li>a UTF-16LE file starting with a big-endian byte order mark, or the reverse: rejected; so is a UTF-16 or
 *     UTF-32 file whose ASCII characters are written in the other byte order than the declared charset reads
 *     ({@link #otherByteOrder}), which would decode without error into other characters, no line break among them;</li>
 * <li>a UTF-32 byte order mark in a file read as UTF-8 or the like: rejected as UTF-32 to declare;</li>
 * <li>UTF-16 and UTF-32 files, declared, hold NUL bytes and byte order marks as a matter of course; one
 *     whose first bytes hold no NUL byte at all (no ASCII line break or delimiter) is not in that charset:
 *     rejected. An EBCDIC file (IBM037, IBM1047…) is decoded as declared, but a NUL byte in it is rejected: a mainframe
 *     export's binary fields (low values, packed-decimal or binary numbers), which would decode to garbage in its values.</li>
 * </ul>
 * An EBCDIC file that declares no encoding is rejected, as any file that is not UTF-8, at its first byte that is
 * not, or, where its first characters happen to be valid UTF-8, for its control characters ({@link #requireText}); so is
 * one declared in another ASCII-family charset (windows-1252, ISO-8859-1): the first bytes decide only the advice, to
 * declare its code page ({@link EbcdicText}), not windows-1252, nor to call it binary. One with binary fields among its text
 * is rejected for their NUL bytes, whatever it declares, with what to do about them: export them as display text.
 */
public final class TextInput {
    private static final int BUFFER_SIZE = 1 << 16;
    /** As much as {@link EbcdicText} looks at: bronze-ingest, looking at as much, gives the same advice. */
    private static final int SNIFF_SIZE = EbcdicText.SAMPLE_BYTES;

    private TextInput() {}

    /**
     * Opens the stream for reading as text; the caller closes the returned reader.
     *
     * @param encoding the charset declared for the dataset; UTF-8 when empty
     * @param source what declared {@code encoding}, which a rejection for it names
     * @param dataset the dataset, to name the setting in messages
     * @param location where the bytes come from, for messages
     */
    static DecodingReader open(InputStream raw, Optional<Charset> encoding, EncodingSource source, String dataset, String location)
            throws IOException, RejectedInputException {
        requireNonNull(source, "source is null");
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER_SIZE);
        byte[] head = peek(in, CompressedFormat.MAGIC_BYTES);
        byte[] sample;
        boolean compressed = CompressedFormat.isGzip(head);
        if (compressed) {
            try {
                // Reads the gzip header and inflates the first bytes: a damaged or cut start fails here.
                in = new BufferedInputStream(new GzipMembersInputStream(in, BUFFER_SIZE), BUFFER_SIZE);
                sample = peek(in, SNIFF_SIZE);
            }
            catch (GzipMembersInputStream.DamagedGzipException e) {
                throw new RejectedInputException("The file is not valid gzip: " + e.getMessage() + GzipMembersInputStream.REMEDY);
            }
            requireUncompressed(sample, true, dataset, location);
        }
        else {
            requireUncompressed(head, false, dataset, location);
            sample = peek(in, SNIFF_SIZE);
        }
        Charset charset = encoding.orElse(StandardCharsets.UTF_8);
        // Only for the advice, should the file fail to decode or read as control characters; a declared charset, EBCDIC or another,
        // is decoded as declared. In UTF-8 or another ASCII-family charset (windows-1252 declared) an EBCDIC file is misread.
        boolean startLooksEbcdic = EbcdicText.misreadIn(charset) && EbcdicText.looksLike(sample);
        UndecodableTextException.Context context = new UndecodableTextException.Context(dataset, source, compressed, startLooksEbcdic);
        String declared = ", but " + source.setting() + " declares " + charset.name() + " for dataset " + dataset;
        if (!charset.equals(StandardCharsets.UTF_8) && startsWith(sample, 0xef, 0xbb, 0xbf)) {
            throw new RejectedInputException("The file starts with a UTF-8 byte order mark" + declared
                    + ": " + source.undeclareForUtf8() + ", or save this file as "
                    + charset.name() + ".");
        }
        if (encoding.isPresent()) {
            // Read as the single-byte charset declared, a UTF-8 file would convert without an error, every accented letter mangled.
            Optional<Utf8Lookalike> utf8 = Utf8Lookalike.in(sample, charset);
            if (utf8.isPresent()) {
                throw new RejectedInputException(utf8.get().reason(charset, source, dataset, context.offset(utf8.get().offset())));
            }
        }
        if (asciiCompatible(charset)) {
            if (startsWith(sample, 0xff, 0xfe, 0x00, 0x00) || startsWith(sample, 0x00, 0x00, 0xfe, 0xff)) {
                String order = sample[0] == 0 ? "UTF-32BE" : "UTF-32LE";
                throw new RejectedInputException("The file is UTF-32 encoded (it starts with a " + order + " byte order mark)"
                        + (encoding.isPresent() ? declared : "") + ": save it as UTF-8, or set " + context.setting("UTF-32") + ".");
            }
            if (startsWith(sample, 0xff, 0xfe) || startsWith(sample, 0xfe, 0xff)) {
                throw new RejectedInputException("The file is UTF-16 encoded (it starts with a UTF-16 byte order mark)"
                        + (encoding.isPresent() ? declared : "") + ": save it as UTF-8, or set " + context.setting("UTF-16") + ".");
            }
            for (int i = 0; i < sample.length; i++) {
                if (sample[i] == 0) {
                    // UTF-16 or UTF-32 text holds a NUL byte in every ASCII character: a quarter of its bytes and more.
                    // A few NUL bytes among text are a damaged export, which no encoding setting mends.
                    int nuls = 0;
                    for (byte b : sample) {
                        nuls += b == 0 ? 1 : 0;
                    }
                    String counted = " (" + nuls + " in its first " + sample.length + " bytes" + (compressed ? ", decompressed" : "");
                    if (EbcdicText.looksLikeApartFromBinaryFields(sample)) {
                        // A mainframe export's low values and packed decimal: no setting mends them, but its code page is still to be declared.
                        throw new RejectedInputException("The file is not text: it holds a NUL byte at " + context.offset(i) + counted + "). "
                                + EbcdicText.binaryFieldsAdvice(dataset, false));
                    }
                    throw new RejectedInputException("The file is not text: it holds a NUL byte at " + context.offset(i)
                            + (nuls * 4 >= sample.length
                                    ? " (binary data, or a UTF-16/UTF-32 export saved without a byte order mark: for a Windows \"Unicode\" export set "
                                            + context.setting("UTF-16LE") + ")"
                                    : counted + ": text with NUL bytes in it, a damaged export or binary data in a field, not another encoding): remove"
                                            + " them from the file, or export it again"));
                }
            }
        }
        else if (EbcdicText.isEbcdic(charset) && contains(sample, (byte) 0)) {
            // Decoded, the binary fields of a mainframe export would be NUL and control characters in its values: garbage, not its numbers.
            int nuls = 0;
            for (byte b : sample) {
                nuls += b == 0 ? 1 : 0;
            }
            throw new RejectedInputException("The file is not text: it holds a NUL byte at " + context.offset(indexOf(sample, (byte) 0)) + " (" + nuls
                    + " in its first " + sample.length + " bytes" + (compressed ? ", decompressed" : "") + "), which " + source.declared(charset, dataset)
                    + ", reads as no character. "
                    + EbcdicText.binaryFieldsAdvice(dataset, true));
        }
        else if (writesAsciiInSeveralBytes(charset) && sample.length > 2 && !contains(sample, (byte) 0)) {
            throw new RejectedInputException("The file is not " + source.declared(charset, dataset) + ": its first " + sample.length + " bytes"
                    + (compressed ? " (decompressed)" : "") + " hold no NUL byte, which the line breaks and delimiters of "
                    + charset.name() + " text would hold. " + source.declareActual() + ", or convert the file.");
        }
        else if (charset.name().equals("UTF-16LE") && startsWith(sample, 0xfe, 0xff)
                || charset.name().equals("UTF-16BE") && startsWith(sample, 0xff, 0xfe)) {
            String actual = charset.name().equals("UTF-16LE") ? "UTF-16BE" : "UTF-16LE";
            throw new RejectedInputException("The file starts with a " + actual + " byte order mark" + declared
                    + ": set " + context.setting("UTF-16") + " (the byte order mark then decides), or save the file as " + charset.name() + ".");
        }
        else {
            Optional<String> actual = otherByteOrder(charset, sample);
            if (actual.isPresent()) {
                throw new RejectedInputException("The file is " + actual.get() + " (its line breaks and delimiters are"
                        + (actual.get().endsWith("LE") ? " a byte, then NUL bytes" : " NUL bytes, then a byte") + ")" + declared
                        + ", which reads " + (actual.get().endsWith("LE") ? "big" : "little") + "-endian"
                        + (charset.name().equals("UTF-16") || charset.name().equals("UTF-32") ? " without a byte order mark" : "")
                        + ": every character would be misread. Set " + context.setting(actual.get()) + ", or save the file as UTF-8.");
            }
        }
        return new DecodingReader(in, charset, context);
    }

    /**
     * Rejects bytes compressed in a format the converter does not read (any but gzip), or gzip-compressed
     * again once decompressed, naming the format and what to do ({@link CompressedFormat}), in the words
     * bronze-ingest refuses the file with before upload. Whatever the dataset's encoding: read as text, the
     * file would be rejected for NUL bytes, with advice about encodings that cannot help.
     *
     * @param insideGzip whether {@code start} is the decompressed text of a gzip file
     */
    private static void requireUncompressed(byte[] start, boolean insideGzip, String dataset, String location) throws RejectedInputException {
        Optional<CompressedFormat> format = CompressedFormat.of(start);
        if (format.isPresent()) {
            throw new RejectedInputException("The file " + location + " of dataset " + dataset + " is not CSV text: " + format.get().reason(start, insideGzip) + ".");
        }
    }

    /**
     * Rejects decoded text that is not text, looking at its first content (after any blank lines, which
     * {@link #open} cannot see past): a NUL character, or too many control characters by the rule
     * bronze-ingest applies before upload too ({@link ControlCharacters}): more than
     * {@value ControlCharacters#MAX_PERCENT} % of it (and at least {@value ControlCharacters#MIN_CONTROLS}),
     * which text never holds and binary data, read in a charset that maps every byte (ISO-8859-1), does.
     *
     * A file whose first bytes look like EBCDIC ({@link UndecodableTextException.Context#startLooksEbcdic}) is rejected
     * all the same, its 0x15 line ends read as U+0015, but advised to declare its code page rather than called binary. A NUL
     * character in a file declared in an EBCDIC code page is one of its binary fields, to export as display text.
     *
     * @param content the text from its first character that is not a line break
     * @param blankLines the line breaks before {@code content}, to give line numbers
     * @param charset the charset the text was decoded in, to say so
     */
    static void requireText(CharBuffer content, long blankLines, Charset charset, UndecodableTextException.Context context) throws RejectedInputException {
        requireNonNull(charset, "charset is null");
        ControlCharacters.Scan scan = ControlCharacters.scan(content, blankLines + 1);
        if (scan.nulLine() > 0 && EbcdicText.isEbcdic(charset)) {
            // After the first bytes open looked at, in a declared code page: a mainframe export's binary field, not a UTF-16 export's character.
            throw new RejectedInputException("The file is not text: it holds a NUL character on line " + scan.nulLine() + ". "
                    + EbcdicText.binaryFieldsAdvice(context.dataset(), true));
        }
        if (scan.nulLine() > 0) {
            throw new RejectedInputException("The file is not text: it holds a NUL character on line " + scan.nulLine()
                    + " (binary data, or a UTF-16/UTF-32 export saved without a byte order mark: for a Windows \"Unicode\" export set "
                    + context.setting("UTF-16LE") + ")");
        }
        if (scan.tooManyControls() && context.startLooksEbcdic()) {
            throw new RejectedInputException(String.format(Locale.ROOT, "The file is not text as read in %s: %d of its first %d characters%s are"
                    + " control characters, the first U+%04X on line %d. %s", charset.name(), scan.controls(), scan.length(),
                    blankLines > 0 ? " after " + blankLines + " blank line(s)" : "", scan.firstControl(), scan.firstControlLine(),
                    EbcdicText.advice(context.dataset())));
        }
        if (scan.tooManyControls()) {
            // Where the charset was declared, as every rejection for the encoding says (EncodingSource): convert's --encoding, the
            // function's and the others' CSV_ENCODINGS.
            throw new RejectedInputException(String.format(Locale.ROOT, "The file is not text: %d of its first %d characters%s are control "
                    + "characters, the first U+%04X on line %d (binary data rather than CSV, or text in another encoding than the %s it was read in). %s.",
                    scan.controls(), scan.length(), blankLines > 0 ? " after " + blankLines + " blank line(s)" : "", scan.firstControl(),
                    scan.firstControlLine(), charset.name(), context.source().declareActual()));
        }
        if (context.startLooksEbcdic()) {
            // It read without a bad byte or many control characters (a short file, in ISO-8859-1 or by chance in UTF-8): converted,
            // it would be one header value and no rows, a success that keeps nothing of the file.
            throw new RejectedInputException("The file is not " + charset.name() + ": " + EbcdicText.linesRunTogether(charset.name()) + " "
                    + EbcdicText.advice(context.dataset()));
        }
    }

    /**
     * For a UTF-16 or UTF-32 charset, the charset of the other byte order when the sample's line breaks,
     * delimiters and quotes are written in that order: the declared charset would
     * decode every character of the file wrongly and without error (a line feed as U+0A00), so the whole file
     * would read as one header field and no rows. Without a byte order mark, {@code UTF-16} and
     * {@code UTF-32} read big-endian, as Java's decoders do; with one, the mark decides.
     */
    static Optional<String> otherByteOrder(Charset charset, byte[] sample) {
        String name = charset.name().toUpperCase(Locale.ROOT);
        int unit = name.contains("16") ? 2 : name.contains("32") ? 4 : 0;
        if (unit == 0 || !name.contains("UTF")) {
            return Optional.empty();
        }
        boolean bigEndianMark = unit == 2 ? startsWith(sample, 0xfe, 0xff) : startsWith(sample, 0x00, 0x00, 0xfe, 0xff);
        boolean littleEndianMark = unit == 2 ? startsWith(sample, 0xff, 0xfe) : startsWith(sample, 0xff, 0xfe, 0x00, 0x00);
        boolean littleEndian = name.equals("UTF-" + unit * 8) ? littleEndianMark && !bigEndianMark : name.contains("LE");
        // Only line breaks, delimiters and quotes vote: every CSV holds them, and a character whose code ends in a
        // zero byte (U+3000, 一 U+4E00, 가 U+AC00) would vote for the other order.
        int little = 0;
        int big = 0;
        for (int i = bigEndianMark || littleEndianMark ? unit : 0; i + unit <= sample.length; i += unit) {
            boolean zerosBetween = true;
            for (int j = 1; j < unit - 1; j++) {
                zerosBetween &= sample[i + j] == 0;
            }
            if (!zerosBetween) {
                continue;
            }
            if (sample[i + unit - 1] == 0 && isStructural(sample[i])) {
                little++;
            }
            else if (sample[i] == 0 && isStructural(sample[i + unit - 1])) {
                big++;
            }
        }
        int wrong = littleEndian ? big : little;
        int right = littleEndian ? little : big;
        if (wrong < 2 || wrong <= 4 * right) {
            return Optional.empty();
        }
        return Optional.of("UTF-" + unit * 8 + (littleEndian ? "BE" : "LE"));
    }

    /** A line break, delimiter candidate or quote. */
    private static boolean isStructural(byte b) {
        return b == '\n' || b == '\r' || b == ',' || b == ';' || b == '\t' || b == '|' || b == '"';
    }

    /** Whether the charset writes ASCII as single bytes, as UTF-8, Windows-1252 and ISO-8859-1 do, and UTF-16 does not. */
    private static boolean asciiCompatible(Charset charset) {
        byte[] a = "a".getBytes(charset);
        return a.length == 1 && a[0] == 'a';
    }

    /**
     * Whether an ASCII character takes more than one byte, one of them NUL, as in UTF-16 and UTF-32; not in
     * the EBCDIC charsets (IBM037, IBM1047…), which write ASCII in single bytes of other values.
     */
    private static boolean writesAsciiInSeveralBytes(Charset charset) {
        return "a".getBytes(charset).length > 1;
    }

    /** The index of the first {@code value} in {@code bytes}, or -1. */
    private static int indexOf(byte[] bytes, byte value) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static boolean contains(byte[] bytes, byte value) {
        for (byte b : bytes) {
            if (b == value) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] peek(BufferedInputStream in, int length) throws IOException {
        in.mark(length);
        byte[] bytes = in.readNBytes(length);
        in.reset();
        return bytes;
    }
}
