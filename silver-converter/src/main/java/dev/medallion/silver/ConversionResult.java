package dev.medallion.silver;

import dev.medallion.silver.schema.SchemaContract;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What became of one source object.
 *
 * @param unchanged true when the object had already been converted (a redelivered event) and nothing was done
 * @param contractDefined the dataset's schema contract, when this conversion inferred it: the dataset's first file
 * @param replacedEtag the ETag of the source version whose manifest this conversion's commit replaced; empty for
 *        a first conversion, and when nothing was committed by this conversion
 */
public record ConversionResult(Manifest manifest, String manifestKey, boolean unchanged, Optional<SchemaContract> contractDefined,
        Optional<String> replacedEtag) {
    public ConversionResult {
        requireNonNull(manifest, "manifest is null");
        requireNonNull(manifestKey, "manifestKey is null");
        requireNonNull(contractDefined, "contractDefined is null");
        requireNonNull(replacedEtag, "replacedEtag is null");
    }

    public String outcome() {
        return unchanged ? "unchanged" : manifest.status();
    }
}
