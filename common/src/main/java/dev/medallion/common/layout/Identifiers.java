package dev.medallion.common.layout;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Turns free text (a CSV header, a folder name) into an identifier that Glue, Athena and Hive accept
 * unquoted: lowercase {@code [a-z0-9_]}, not starting with a digit, never empty. Accents are folded
 * ({@code é} becomes {@code e}) rather than dropped, so {@code Prénom} stays readable as {@code prenom}.
 */
public final class Identifiers {
    private Identifiers() {}

    /** Whether {@link #normalize} drops a letter or digit of {@code text} (one with no Latin form), not only separators. */
    public static boolean dropsLetters(String text) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
        return folded.codePoints().anyMatch(c -> Character.isLetterOrDigit(c) && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9'));
    }

    /** The safe form of {@code text}, or {@code fallback} when nothing usable remains. */
    public static String normalize(String text, String fallback) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(folded.length());
        boolean pendingSeparator = false;
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            boolean usable = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (usable) {
                if (pendingSeparator && out.length() > 0) {
                    out.append('_');
                }
                pendingSeparator = false;
                out.append(c);
            }
            else {
                pendingSeparator = true;
            }
        }
        if (out.length() == 0) {
            return fallback;
        }
        if (Character.isDigit(out.charAt(0))) {
            out.insert(0, '_');
        }
        return out.toString();
    }
}
