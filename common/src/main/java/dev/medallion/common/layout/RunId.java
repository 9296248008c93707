package dev.medallion.common.layout;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Names one conversion run in the keys of everything it writes ({@code g7-1a2b3c4d}), so that no run can
 * overwrite or delete another's objects, and so that a committer can tell which runs can no longer commit.
 *
 * @param generation the manifest generation this run would commit: one more than the generation of the
 *        manifest it read (0 when there was none). Once generation {@code G} is committed, every run whose
 *        generation is at most {@code G} and that is not the committer can never commit (its conditional
 *        manifest write expects a version that is gone), so its objects are garbage.
 * @param nonce eight random hex digits: runs of the same generation (duplicate deliveries) differ here
 */
public record RunId(long generation, String nonce) {
    private static final Pattern NONCE = Pattern.compile("[0-9a-f]{8}");
    /** A run token as {@link #token} writes it. */
    private static final Pattern TOKEN = Pattern.compile("g(\\d{1,18})-([0-9a-f]{8})");
    /** A run token at the end of a part or quarantine file name. */
    private static final Pattern IN_KEY = Pattern.compile("-g(\\d{1,18})-([0-9a-f]{8})(?:-part-\\d{5}\\.parquet|\\.csv)$");
    /** The only source of nonces: it draws each one when asked, never from state made at start-up (SnapStart). */
    static final RunNonces NONCES = new RunNonces();

    public RunId {
        if (generation < 1) {
            throw new IllegalArgumentException("Generation must be positive: " + generation);
        }
        requireNonNull(nonce, "nonce is null");
        if (!NONCE.matcher(nonce).matches()) {
            throw new IllegalArgumentException("Nonce must be eight lowercase hex digits: '" + nonce + "'");
        }
    }

    /** A new run that would commit {@code generation}. */
    public static RunId start(long generation) {
        return new RunId(generation, NONCES.next());
    }

    /** The run that wrote a part or quarantine file, or empty for a key in no run's format (written before runs were named). */
    public static Optional<RunId> ofKey(String key) {
        requireNonNull(key, "key is null");
        Matcher matcher = IN_KEY.matcher(key);
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(new RunId(Long.parseLong(matcher.group(1)), matcher.group(2)));
    }

    /** The run a token names ({@link #token}: {@code g<generation>-<nonce>}), as manifests record it. */
    public static RunId ofToken(String token) {
        Matcher matcher = TOKEN.matcher(requireNonNull(token, "token is null"));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Not a run token: '" + token + "'");
        }
        return new RunId(Long.parseLong(matcher.group(1)), matcher.group(2));
    }

    public String token() {
        return "g" + generation + "-" + nonce;
    }

    @Override
    public String toString() {
        return token();
    }
}
