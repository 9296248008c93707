package dev.medallion.local.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.ConversionResult;
import dev.medallion.silver.HeaderAsRow;
import dev.medallion.silver.Manifest;
import dev.medallion.silver.SilverConverter;
import dev.medallion.silver.SourceObject;
import dev.medallion.silver.local.ContractFiles;
import dev.medallion.silver.local.WhatConvertsAgain;
import dev.medallion.silver.schema.StringColumnHint;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Converts bronze files on disk with the silver converter's own code into a directory laid out like the
 * silver bucket (no prefix), exactly as the Lambda function converts bronze objects.
 */
public final class LocalSilver {
    private final LocalObjectStore silver;
    private final SilverConverter converter;
    private final ContractFiles contracts;

    /**
     * @param csvOverrides the datasets' declared delimiters, encodings, null markers and quoted empty strings, as the function's
     *     {@code CSV_DELIMITERS}, {@code CSV_ENCODINGS}, {@code CSV_NULL_VALUES} and {@code CSV_QUOTED_EMPTY_STRINGS}
     */
    public LocalSilver(Path silverRoot, CsvOverrides csvOverrides, Clock clock) {
        this(silverRoot, csvOverrides, ConversionLimits.defaults(), new ContractFiles(silverRoot, Optional.empty()), clock);
    }

    /**
     * @param limits the limits on a file's columns and rows ({@code MAX_COLUMNS}, {@code MAX_ROW_CHARS}), which a rejection tells the user to raise
     * @param contracts where each dataset's contract is changed, which a file's line names: a declared one, not the lake's copy the next run replaces
     */
    public LocalSilver(Path silverRoot, CsvOverrides csvOverrides, ConversionLimits limits, ContractFiles contracts, Clock clock) {
        this.silver = new LocalObjectStore(requireNonNull(silverRoot, "silverRoot is null"));
        this.contracts = requireNonNull(contracts, "contracts is null");
        // The Lambda function's JSON log line per object would repeat what the summary line says.
        JsonLog log = new JsonLog(new PrintStream(OutputStream.nullOutputStream()), clock);
        this.converter = new SilverConverter(silver, new SilverLayout(""), requireNonNull(limits, "limits is null"), csvOverrides, log, clock);
    }

    /** Converts one file; a file whose manifest records its current size and time is skipped ({@code unchanged}). */
    public ConversionResult convert(BronzeFile file) throws IOException {
        return converter.convert(sourceOf(file), file.dataset(), () -> Files.newInputStream(file.path()));
    }

    /**
     * A line for people: what became of the file, and where to look when rows were quarantined; and, for a
     * dataset's first file, a second line with the schema contract inferred from it.
     */
    public String describe(BronzeFile file, ConversionResult result) {
        Manifest manifest = result.manifest();
        String line = result.outcome() + " " + file.key() + " into " + file.dataset();
        if (result.unchanged()) {
            return line + (Manifest.REJECTED.equals(manifest.status())
                    ? ": rejected before, read with the same settings, and unchanged since: " + withWhatToDoOnThisMachine(manifest.reason(), file)
                    // What converts it again, as the silver command's line says it: a person who changed a setting and sees nothing happen asks.
                    : ": converted before and unchanged since (" + silver.describe(result.manifestKey()) + "); "
                            + WhatConvertsAgain.forConvertedFile(manifest, contracts.describe(file.dataset()), WhatConvertsAgain.Settings.ENVIRONMENT));
        }
        if (Manifest.REJECTED.equals(manifest.status())) {
            line += ": " + withWhatToDoOnThisMachine(manifest.reason(), file);
        }
        else {
            line += ": " + manifest.rowsRead() + (manifest.rowsRead() == 1 ? " row read, " : " rows read, ") + manifest.rowsWritten() + " written, " + manifest.rowsQuarantined() + " quarantined";
            // Whether an empty file held its header tells an export cut short from a file of no bytes.
            if (Manifest.EMPTY.equals(manifest.status()) && manifest.reason() != null) {
                line += " (" + manifest.reason() + ")";
            }
        }
        // No contract is stored when none of the file's first rows fit its header; a declared one is put there before any file.
        String contract = silver.describe(new SilverLayout("").schemaKey(file.dataset()));
        if (manifest.quarantine() != null) {
            line += " (rows and reasons in " + silver.describe(manifest.quarantine().key())
                    // Where "'12.50' is not a bigint" comes from, and where to widen it: not for rows refused only for their
                    // number of fields, which no type in the contract changes.
                    + (result.rowsQuarantinedForTypes() > 0 && result.contractDefined().isEmpty() && Files.isRegularFile(Path.of(contract))
                            ? "; the types are the dataset's schema contract's: " + contracts.describe(file.dataset()) : "")
                    + ")";
        }
        if (Manifest.CONVERTED.equals(manifest.status()) && manifest.reason() != null) {
            // A file none of whose rows fit its header: why nothing was written, and what to declare.
            line += "; " + withWhatToDoOnThisMachine(manifest.reason(), file);
        }
        if (manifest.columnDrift().isPresent()) {
            line += "; " + manifest.columnDrift().get() + " (the contract: " + contracts.describe(file.dataset()) + ")";
        }
        if (result.contractDefined().isPresent()) {
            // On a line of its own: the types every later file of the dataset is held to.
            line += "\n    a new dataset: its schema contract, inferred from this file, is " + silver.describe(new SilverLayout("").schemaKey(file.dataset()))
                    + ": " + StringColumnHint.describeColumns(result.contractDefined().get(), result.stringColumnHints());
            // A bcp or INTO OUTFILE export has no header: its first row named the columns, and is in no table.
            Optional<String> headerAsRow = HeaderAsRow.describe(result.contractDefined().get(), silver.describe(new SilverLayout("").schemaKey(file.dataset())));
            if (headerAsRow.isPresent()) {
                line += "\n    " + headerAsRow.get();
            }
        }
        return line;
    }

    /**
     * What to do on a laptop: the reasons are the Lambda function's, which say the file stays in bronze and is to be
     * uploaded again; here it stays in --input, and the next run converts it again once it or its settings change.
     */
    private static String withWhatToDoOnThisMachine(String reason, BronzeFile file) {
        return reason + (reason.endsWith(".") ? "" : ".") + " On this machine: change " + file.path()
                + " under --input as this says (or set what it names), then run the command again.";
    }

    /**
     * A file on disk has no entity tag; its size and modification time stand in for one, as in the
     * silver converter's local command, so a rerun skips files it converted before and converts again
     * a file that was edited.
     */
    static SourceObject sourceOf(BronzeFile file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file.path(), BasicFileAttributes.class);
        String etag = Long.toHexString(attributes.size()) + Long.toHexString(attributes.lastModifiedTime().toMillis());
        return new SourceObject("local", file.key(), etag, attributes.size(), attributes.lastModifiedTime().toInstant());
    }
}
