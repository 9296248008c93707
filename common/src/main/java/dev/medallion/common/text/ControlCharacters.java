package dev.medallion.common.text;

import static java.util.Objects.requireNonNull;

/**
 * The one rule by which a file's first content is binary data, not text: the silver converter rejects such a
 * file, and bronze-ingest refuses to upload it, by this rule alike. Control characters (other than tab, line
 * breaks, vertical tab and form feed) making up more than {@value #MAX_PERCENT} % of the first
 * {@value #SAMPLE_CHARS} characters, and at least {@value #MIN_CONTROLS} of them, make it binary: text never
 * holds them, and binary data read in a charset that maps every byte (ISO-8859-1) does. Fewer never do: a
 * stray one in a field is data. A NUL character makes it binary wherever it is.
 */
public final class ControlCharacters {
    /** The characters looked at: a file's first content, from its first character that is not a line break. */
    public static final int SAMPLE_CHARS = 1 << 16;
    public static final int MAX_PERCENT = 1;
    public static final int MIN_CONTROLS = 64;

    private ControlCharacters() {}

    /**
     * What {@link #scan} found.
     *
     * @param length the characters scanned
     * @param controls the control characters among them, up to the first NUL when there is one
     * @param firstControl the first control character, or -1 when there is none
     * @param firstControlLine its line, or 0 when there is none
     * @param nulLine the line of the first NUL character, or 0 when there is none
     */
    public record Scan(int length, int controls, int firstControl, long firstControlLine, long nulLine) {
        /** Whether the text is binary for its control characters: a NUL ({@link #nulLine}) is to be checked first. */
        public boolean tooManyControls() {
            return controls >= MIN_CONTROLS && controls * 100L > (long) length * MAX_PERCENT;
        }
    }

    /**
     * Counts the text's control characters, and stops at its first NUL character; lines are counted as a CSV
     * parser counts them (CRLF, LF or CR).
     *
     * @param text the first content, from its first character that is not a line break
     * @param firstLine the line {@code text} starts on
     */
    public static Scan scan(CharSequence text, long firstLine) {
        requireNonNull(text, "text is null");
        int controls = 0;
        int firstControl = -1;
        long line = firstLine;
        long firstControlLine = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 == length || text.charAt(i + 1) != '\n')) {
                line++;
            }
            if (c == 0) {
                return new Scan(length, controls, firstControl, firstControlLine, line);
            }
            if (isControl(c)) {
                if (controls++ == 0) {
                    firstControl = c;
                    firstControlLine = line;
                }
            }
        }
        return new Scan(length, controls, firstControl, firstControlLine, 0);
    }

    /** C0 and C1 control characters and DEL, except tab, line feed, vertical tab, form feed and carriage return. */
    public static boolean isControl(char c) {
        return c < 0x20 && (c < '\t' || c > '\r') || c >= 0x7f && c <= 0x9f;
    }
}
