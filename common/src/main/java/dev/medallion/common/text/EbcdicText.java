package dev.medallion.common.text;

import java.nio.charset.Charset;

import static java.util.Objects.requireNonNull;

/**
 * Whether a text's first bytes look like EBCDIC, the mainframes' encodings (IBM037, IBM1047, IBM273…), which
 * write letters, digits and the space in single bytes of other values than ASCII's: read as UTF-8 such a file
 * fails at its first letter, and the usual advice then, windows-1252, would not help: declared, it rejects the file
 * again at its first lower-case a (0x81, which it leaves undefined), or reads it as other characters with no line break.
 *
 * <p>The rule looks at bytes that any ASCII-family text (UTF-8, Windows-1252, Latin-1 and the other
 * Windows and ISO code pages) holds and EBCDIC text does not, so that a CSV in those is not taken for EBCDIC:
 * <ul>
 * <li>no 0x0A byte: the line feed of every LF or CRLF line break; EBCDIC writes its line ends as 0x15 (NL) or
 *     0x25 (LF), of which there is to be at least one;</li>
 * <li>next to no bytes below 0x40 but the line ends, tab (0x05) and carriage return (0x0D): EBCDIC's control
 *     characters, which text does not hold, and where ASCII puts its space, digits and most punctuation
 *     ({@code , ; " .}), which every ASCII-family CSV holds;</li>
 * <li>at least half the other bytes EBCDIC's letters (0x81-0xA9, 0xC1-0xE9), digits (0xF0-0xF9) or space (0x40),
 *     so that binary data is not taken for EBCDIC text.</li>
 * </ul>
 *
 * <p>A mainframe export can hold binary fields among its text: low values (0x00 bytes), packed-decimal (COMP-3) numbers,
 * two digits a byte and a sign nibble (0x00 0x12 0x34 0x5C is +12345, scaled as its picture says), or binary (COMP) ones.
 * Those bytes are no character of any code page, so such a file is refused for its NUL bytes whatever it declares;
 * {@link #looksLikeApartFromBinaryFields} tells such a file from other binary data, so that the refusal says what it is
 * ({@link #binaryFieldsAdvice}).
 */
public final class EbcdicText {
    /** The bytes of the text's start the rule looks at (all there are in a shorter text). */
    public static final int SAMPLE_BYTES = 8192;

    private static final int EBCDIC_NL = 0x15;
    private static final int EBCDIC_LF = 0x25;
    private static final int EBCDIC_TAB = 0x05;
    private static final int CARRIAGE_RETURN = 0x0D;
    private static final int LINE_FEED = 0x0A;
    private static final int EBCDIC_SPACE = 0x40;

    private EbcdicText() {}

    /**
     * Whether the text starting with {@code start} looks like EBCDIC, by its first {@value #SAMPLE_BYTES} bytes.
     *
     * @param start the (decompressed) text's first bytes
     */
    public static boolean looksLike(byte[] start) {
        requireNonNull(start, "start is null");
        int length = Math.min(start.length, SAMPLE_BYTES);
        int lineEnds = 0;
        int controls = 0;
        int lettersDigitsSpaces = 0;
        for (int i = 0; i < length; i++) {
            int b = start[i] & 0xff;
            if (b == LINE_FEED) {
                return false;
            }
            if (b == EBCDIC_NL || b == EBCDIC_LF) {
                lineEnds++;
            }
            else if (b < EBCDIC_SPACE && b != EBCDIC_TAB && b != CARRIAGE_RETURN) {
                controls++;
            }
            else if (isLetterDigitOrSpace(b)) {
                lettersDigitsSpaces++;
            }
        }
        int others = length - lineEnds;
        // One control byte in a hundred at most: a damaged byte or two do not hide a mainframe export.
        return lineEnds > 0 && others > 0 && controls * 100L <= length && lettersDigitsSpaces * 2L >= others;
    }

    /**
     * Whether the text starting with {@code start} looks like EBCDIC apart from binary fields in it (low values, packed-decimal or
     * binary numbers), by its first {@value #SAMPLE_BYTES} bytes. Binary fields hold any byte, so the rule of {@link #looksLike}
     * is eased where they would break it, and kept where they hardly touch it:
     * <ul>
     * <li>the NUL bytes are left out, however many;</li>
     * <li>a 0x0A byte may be in a binary field (a packed sign nibble 0xA, a COMP number), but fewer of them than EBCDIC line
     *     ends (0x15, 0x25), of which there is to be at least one: ASCII-family text, UTF-16 among it, ends its lines in 0x0A;</li>
     * <li>control bytes (below 0x40) are not counted against it: packed-decimal bytes are mostly such;</li>
     * <li>at least half the other bytes are still EBCDIC's letters, digits or the space, which random or compressed data
     *     (gzip, ZIP and .xlsx, PNG, JPEG), Parquet's numbers and ASCII letters, and UTF-16 text are not: about a quarter of
     *     evenly spread bytes are.</li>
     * </ul>
     *
     * @param start the (decompressed) text's first bytes
     */
    public static boolean looksLikeApartFromBinaryFields(byte[] start) {
        requireNonNull(start, "start is null");
        int length = Math.min(start.length, SAMPLE_BYTES);
        int nuls = 0;
        int lineFeeds = 0;
        int lineEnds = 0;
        int lettersDigitsSpaces = 0;
        for (int i = 0; i < length; i++) {
            int b = start[i] & 0xff;
            if (b == 0) {
                nuls++;
            }
            else if (b == LINE_FEED) {
                lineFeeds++;
            }
            else if (b == EBCDIC_NL || b == EBCDIC_LF) {
                lineEnds++;
            }
            else if (isLetterDigitOrSpace(b)) {
                lettersDigitsSpaces++;
            }
        }
        int others = length - nuls - lineEnds;
        return lineEnds > lineFeeds && lettersDigitsSpaces > 0 && lettersDigitsSpaces * 2L >= others;
    }

    /**
     * Whether the charset is an EBCDIC code page (IBM037, IBM1047, IBM273…): it writes the letter a as 0x81 and the digit 0 as
     * 0xF0. A NUL byte in a file declared so is a binary field ({@link #binaryFieldsAdvice}), not a UTF-16 export's.
     */
    public static boolean isEbcdic(Charset charset) {
        requireNonNull(charset, "charset is null");
        if (!charset.canEncode()) {
            return false;
        }
        byte[] letterAndDigit = "a0".getBytes(charset);
        return letterAndDigit.length == 2 && (letterAndDigit[0] & 0xff) == 0x81 && (letterAndDigit[1] & 0xff) == 0xF0;
    }

    /**
     * What to do about a mainframe export with binary fields in it (low values, packed-decimal or binary numbers): no code page
     * reads them as text, converted as they are they would be garbage in their values, so the file is refused as a whole;
     * the export is to write them as display text.
     *
     * @param dataset the file's dataset, to name the setting that declares its encoding
     * @param declared whether the dataset declares an EBCDIC code page already, so that none is to be named
     */
    public static String binaryFieldsAdvice(String dataset, boolean declared) {
        requireNonNull(dataset, "dataset is null");
        return (declared ? "It is a mainframe (EBCDIC) export" : "The rest of its first bytes look like EBCDIC (a mainframe export)")
                + " with binary fields in it: low values (0x00 bytes), packed-decimal (COMP-3) or binary (COMP) numbers, which no"
                + " encoding reads as text, so the file cannot be converted as it is. Export those fields as display text (numbers"
                + " unpacked to their digits with the sign and decimal point written out, e.g. -1520.75; low values as spaces or empty)"
                + (declared ? "." : ", and declare its code page, e.g. " + UndecodableBytes.setting(dataset, "IBM037")
                        + " (US/Canada; IBM1047 for z/OS Unix, IBM273 German, IBM297 French, ...).");
    }

    /**
     * Whether the charset writes ASCII's characters as ASCII's single bytes (UTF-8, windows-1252, ISO-8859-1 and the other
     * Windows and ISO code pages): an EBCDIC file read in it is misread, and its rejection is to advise its code page; in
     * UTF-16, or an EBCDIC code page, the file is not misread so.
     */
    public static boolean misreadIn(Charset charset) {
        requireNonNull(charset, "charset is null");
        byte[] a = "a".getBytes(charset);
        return a.length == 1 && a[0] == 'a';
    }

    /**
     * Why a file that looks like EBCDIC is rejected although its first characters read in {@code charset} without a
     * bad byte or too many control characters: none of its line ends is one there, so a short file would convert as one
     * header of garbage and no rows, its rows lost without an error.
     */
    public static String linesRunTogether(String charsetName) {
        return "its first bytes hold no line feed (0x0A) but EBCDIC's line ends (0x15, 0x25), letters and digits: read as " + charsetName
                + ", its lines would run together into one header value and no rows.";
    }

    /**
     * What to do about a file that looks like EBCDIC: declare its code page, the common ones named.
     *
     * @param dataset the file's dataset, to name the setting that declares its encoding
     */
    public static String advice(String dataset) {
        return "It looks like EBCDIC (a mainframe export): declare its code page, e.g. " + UndecodableBytes.setting(dataset, "IBM037")
                + " (US/Canada; IBM1047 for z/OS Unix, IBM273 German, IBM297 French, ...).";
    }

    /** A letter (a-i, j-r, s-z, A-I, J-R, S-Z in their three runs each), a digit or the space, in every EBCDIC code page. */
    private static boolean isLetterDigitOrSpace(int b) {
        return b == EBCDIC_SPACE
                || b >= 0x81 && b <= 0x89 || b >= 0x91 && b <= 0x99 || b >= 0xA2 && b <= 0xA9
                || b >= 0xC1 && b <= 0xC9 || b >= 0xD1 && b <= 0xD9 || b >= 0xE2 && b <= 0xE9
                || b >= 0xF0 && b <= 0xF9;
    }
}
