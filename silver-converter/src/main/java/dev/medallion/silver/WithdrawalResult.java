package dev.medallion.silver;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What became of a source object's removal ({@link SilverConverter#withdraw}), or of an ObjectCreated event that found its key
 * gone ({@link SilverConverter#withdrawForMissingKey}).
 *
 * @param outcome {@value #WITHDRAWN} (its rows are gone from silver), {@value #PRESENT} (the key has an object
 *        again, or still: nothing done, its own ObjectCreated event converts it) or {@value #UNCHANGED} (nothing
 *        of it in silver to withdraw: never converted, already withdrawn, or nothing written)
 * @param manifest the key's manifest as it is now, when it has one
 * @param reason why nothing was withdrawn, for the log line; empty for a withdrawal
 */
public record WithdrawalResult(String outcome, Optional<Manifest> manifest, Optional<String> reason) {
    public static final String WITHDRAWN = Manifest.WITHDRAWN;
    public static final String PRESENT = "present";
    public static final String UNCHANGED = "unchanged";

    public WithdrawalResult {
        requireNonNull(outcome, "outcome is null");
        requireNonNull(manifest, "manifest is null");
        requireNonNull(reason, "reason is null");
    }

    /**
     * Whether the key's manifest, as the removal left it, is a withdrawal of {@code bucket}/{@code key}: by this
     * removal, or by an earlier run of it (Lambda's retry of a removal whose sweep or look again failed after its
     * commit, or a redelivery), whatever the outcome says. Then the key must be looked at again: a file uploaded
     * again meanwhile may have had its own event answered {@code unchanged} against the manifest withdrawn.
     */
    public boolean leftWithdrawn(String bucket, String key) {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(key, "key is null");
        return manifest.filter(current -> Manifest.WITHDRAWN.equals(current.status()) && current.source().bucket().equals(bucket)
                && current.source().key().equals(key)).isPresent();
    }
}
