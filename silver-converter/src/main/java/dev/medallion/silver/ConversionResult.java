package dev.medallion.silver;

import static java.util.Objects.requireNonNull;

/**
 * What became of one source object.
 *
 * @param unchanged true when the object had already been converted (a redelivered event) and nothing was done
 */
public record ConversionResult(Manifest manifest, String manifestKey, boolean unchanged) {
    public ConversionResult {
        requireNonNull(manifest, "manifest is null");
        requireNonNull(manifestKey, "manifestKey is null");
    }

    public String outcome() {
        return unchanged ? "unchanged" : manifest.status();
    }
}
