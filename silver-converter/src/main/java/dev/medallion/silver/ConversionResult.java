package dev.medallion.silver;

import dev.medallion.silver.schema.SchemaContract;
import dev.medallion.silver.schema.StringColumnHint;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What became of one source object.
 *
 * @param manifest the key's manifest as this conversion left it: its own, the one another run committed first, or the
 *        {@code withdrawn} one when the file was deleted while it was converted and this conversion withdrew what it had
 *        committed ({@link SilverConverter#convert(SourceObject, String, SilverConverter.Content, Deadline, SilverConverter.Presence)})
 * @param unchanged true when the object had already been converted (a redelivered event) and nothing was done
 * @param contractDefined the dataset's schema contract, when this conversion inferred it: the dataset's first file
 * @param stringColumnHints the string columns of {@code contractDefined} whose values look like numbers, dates or booleans
 *        no type reads, to be said with it; empty without it
 * @param replacedEtag the ETag of the source version whose manifest this conversion's commit replaced; empty for
 *        a first conversion, and when nothing was committed by this conversion
 * @param rowsQuarantinedForTypes of the manifest's quarantined rows, those refused for a value that does not fit its
 *        column's type, which the contract decides (the others had another number of fields than the header); 0 when
 *        nothing was committed by this conversion
 */
public record ConversionResult(Manifest manifest, String manifestKey, boolean unchanged, Optional<SchemaContract> contractDefined,
        List<StringColumnHint> stringColumnHints, Optional<String> replacedEtag, long rowsQuarantinedForTypes) {
    public ConversionResult {
        requireNonNull(manifest, "manifest is null");
        requireNonNull(manifestKey, "manifestKey is null");
        requireNonNull(contractDefined, "contractDefined is null");
        stringColumnHints = List.copyOf(requireNonNull(stringColumnHints, "stringColumnHints is null"));
        if (contractDefined.isEmpty() && !stringColumnHints.isEmpty()) {
            throw new IllegalArgumentException("stringColumnHints " + stringColumnHints + " for " + manifest.source().key() + ", which defined no contract:"
                    + " hints are said only with the contract they are of");
        }
        requireNonNull(replacedEtag, "replacedEtag is null");
        if (rowsQuarantinedForTypes < 0 || rowsQuarantinedForTypes > manifest.rowsQuarantined()) {
            throw new IllegalArgumentException("rowsQuarantinedForTypes " + rowsQuarantinedForTypes + " is not between 0 and the "
                    + manifest.rowsQuarantined() + " rows quarantined of " + manifest.source().key());
        }
    }

    public String outcome() {
        return unchanged ? "unchanged" : manifest.status();
    }
}
