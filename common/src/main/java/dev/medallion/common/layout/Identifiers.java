package dev.medallion.common.layout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Turns free text (a CSV header, a folder name) into an identifier that Glue, Athena and Hive accept
 * unquoted: lowercase {@code [a-z0-9_]}, not starting with a digit, never empty. Accents are folded
 * ({@code é} becomes {@code e}) rather than dropped, so {@code Prénom} stays readable as {@code prenom}.
 */
public final class Identifiers {
    /** The longest database, table or column name the Glue catalog holds (its API's limit on each). */
    public static final int MAX_LENGTH = 255;
    private static final int FITTED_HASH_LENGTH = 8;

    private Identifiers() {}

    /**
     * {@code identifier} when the catalog can hold it; otherwise its first characters and a hash of all of
     * it, {@link #MAX_LENGTH} characters at most, so that two long names that differ only past the cut stay
     * two names, and the same name always fits the same way.
     */
    public static String fitted(String identifier) {
        if (identifier.length() <= MAX_LENGTH) {
            return identifier;
        }
        String kept = identifier.substring(0, MAX_LENGTH - 1 - FITTED_HASH_LENGTH);
        while (kept.endsWith("_")) {
            kept = kept.substring(0, kept.length() - 1);
        }
        return kept + "_" + sha256Hex(identifier).substring(0, FITTED_HASH_LENGTH);
    }

    /** The SHA-256 digest of the text's UTF-8 bytes, in lowercase hex. */
    static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime provides SHA-256", e);
        }
    }

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
