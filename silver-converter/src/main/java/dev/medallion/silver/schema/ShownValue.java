package dev.medallion.silver.schema;

/**
 * A field's value as a message shows it, a quarantine reason or a new dataset's hint: short, and on one line whatever the field
 * holds. In the schema package, where the hints are made, so that the parquet package's reasons and the hints show a value alike.
 */
public final class ShownValue {
    private static final int MAX_CHARACTERS = 60;

    private ShownValue() {}

    /**
     * The value as a message shows it: its first characters, never cut between the two halves of a
     * surrogate pair (half an emoji is not text), and with characters a reader would not see or that
     * would break the line (controls, spaces other than U+0020, format characters) written as a backslash,
     * {@code u} and their four hex digits: {@code '12'} with an invisible U+001F after it would say nothing.
     */
    public static String of(String text) {
        int end = text.length();
        if (end > MAX_CHARACTERS) {
            end = Character.isHighSurrogate(text.charAt(MAX_CHARACTERS - 1)) ? MAX_CHARACTERS - 1 : MAX_CHARACTERS;
        }
        StringBuilder shown = new StringBuilder(end + 16);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (invisible(c)) {
                shown.append("\\u").append(Integer.toHexString(0x10000 | c), 1, 5);
            }
            else {
                shown.append(c);
            }
        }
        if (end < text.length()) {
            shown.append("... (").append(text.codePointCount(0, text.length())).append(" characters)");
        }
        return shown.toString();
    }

    private static boolean invisible(char c) {
        return Character.isISOControl(c) || c != ' ' && (Character.isSpaceChar(c) || Character.isWhitespace(c))
                || Character.getType(c) == Character.FORMAT;
    }
}
