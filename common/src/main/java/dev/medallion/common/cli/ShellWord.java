package dev.medallion.common.cli;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** A text as one word of a POSIX shell command line, for the commands messages give to paste. */
public final class ShellWord {
    /** Characters no POSIX shell treats specially anywhere in a word. */
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./:=@%+-]+");

    private ShellWord() {}

    /**
     * The text as it is when it holds only plain characters; otherwise in single quotes, which keep every character
     * literal (a {@code ?} or {@code *} would be a file pattern, a leading {@code #} a comment, a space two words).
     */
    public static String of(String text) {
        requireNonNull(text, "text is null");
        return PLAIN_WORD.matcher(text).matches() ? text : "'" + text.replace("'", "'\\''") + "'";
    }
}
