package dev.medallion.silver;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.json.AbsentNotNull;
import dev.medallion.silver.parquet.PartInfo;
import dev.medallion.silver.schema.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The commit marker of one source object, at {@code _manifests/<dataset>/<source>.json}: written last,
 * after every part, with a conditional write, so a reader that trusts manifests never sees a
 * half-converted file and only one of several concurrent runs commits (see {@link SilverCommit}). It
 * always holds {@code rowsRead == rowsWritten + rowsQuarantined}.
 *
 * @param generation how many times this source key has been committed, this commit included: one more
 *        than the manifest it replaces (manifests of format 1, which have none, read as generation 0; a later format's 0 is refused)
 * @param run the run that committed it ({@link dev.medallion.common.layout.RunId#token()}), which also
 *        names its parts and quarantine file
 * @param status {@code converted}; {@code empty} (no header, or a header and no rows); {@code rejected}
 *        (the file as a whole is not readable CSV, see {@code reason}; nothing was written); or {@code withdrawn}
 *        (the source object was deleted from bronze: {@code source} is the version withdrawn, {@code supersedes}
 *        its parts and quarantine file, which the sweep deletes; nothing is written)
 * @param reason why a file was rejected or empty, or why a file converted wrote no row: no schema contract
 *        could be inferred from its first rows (none has the header's number of fields); null otherwise
 * @param encoding the charset the file was decoded as (its dataset's {@code CSV_ENCODINGS} entry, else UTF-8); null (left out, or
 *        written null by a withdrawal of such a manifest) in manifests written before it was kept, whose files were read as UTF-8
 * @param ingestDate the source's ingest date, the {@code ingest_date} partition its parts are in; in every manifest since the first
 * @param delimiter the delimiter character the file was read with (declared, or detected); in every manifest since the first
 * @param header the header exactly as in the file
 * @param columns the dataset's schema contract the parts are written in; empty for a file that defines no
 *        contract and writes no row (see {@code reason}), and for one rejected or of no row read before a contract was known
 * @param droppedColumns file columns the contract does not have, by header text and position: not written
 *        (docs/silver-converter.md, "Reading, typing, writing": the schema contract)
 * @param missingColumns contract columns the file does not have: written as null
 * @param bytesRead bytes of the source object read, as stored (compressed for gzip): its size for a file
 *        converted, since a conversion that read fewer or more fails instead of committing; for a file
 *        rejected, the bytes read up to the rejection
 * @param supersedes the parts and quarantine file of the manifest this one replaced, deleted after the
 *        commit (kept here so a retry can finish that cleanup)
 * @param convertedAt when the manifest was written, by the converter's clock; in every manifest since the first
 * @param converter the name and version of the converter that wrote it; in every manifest since the first
 * @param limits the limits the file was read under, so that a rejected file delivered again once a limit is
 *        raised is converted again (rejected for that limit or not); null in manifests written before they were kept,
 *        whose rejected file is then converted again when delivered again, since its limits may have been lower
 * @param nullValues the null markers its dataset declared when the file was read ({@code CSV_NULL_VALUES}), sorted, so
 *        that a file converted before its dataset declared them (its rows quarantined, or text kept, for {@code N/A}) is
 *        converted again when delivered again; empty when none was declared, and in manifests written before they were kept
 * @param quotedEmptyStrings true when its dataset kept quoted empty fields ({@code ""}) as empty strings when the file was read
 *        ({@code CSV_QUOTED_EMPTY_STRINGS}), so that a file converted before (its {@code ""} null) is converted again when delivered
 *        again; null (left out of the JSON) when it did not, and in manifests written before it was kept
 * @param readingRules the version of the converter's reading rules the file was read under ({@link ReadingRules}), so that a file
 *        converted by an older converter is converted again when delivered again; {@link ReadingRules#UNRECORDED} in manifests
 *        written before it was kept
 * @param withdrawnRows of a {@code withdrawn} manifest, the rows and quarantined rows of the manifest it replaced, which
 *        are not in it otherwise: the withdrawal's log line reports them, also when a run other than the withdrawing one
 *        logs it ({@link SilverCommit#sweep}); null in every other manifest, and in withdrawals written before they were kept
 */
public record Manifest(
        int formatVersion,
        // Absent from manifests of format 1, as bytesRead is: read as 0, null refused (ManifestStore refuses other counts absent or null).
        @AbsentNotNull("a converter writes the commit's count, one of format 1 leaves the field out (read as 0)") long generation,
        @AbsentNotNull("a converter writes the token of the run that committed it, one of format 1 leaves the field out (read as none)")
        String run,
        String status,
        // Not required: a conversion writes null for a file converted with rows (ConversionRun), only empty, rejected and withdrawn
        // manifests, and a file that defined no contract, say why.
        String reason,
        String dataset,
        Source source,
        String ingestDate,
        String delimiter,
        // Not @AbsentNotNull: a withdrawal copies the encoding of the manifest it withdraws, and writes null for one of format 1, or of
        // format 2 before the encoding was kept (3a4fc51), which has none; null reads as none, as left out (UTF-8, as those read).
        String encoding,
        List<String> header,
        List<Column> columns,
        List<DroppedColumn> droppedColumns,
        List<String> missingColumns,
        List<PartInfo> parts,
        // Not required: a conversion writes null when no row was quarantined, and an empty, rejected or withdrawn manifest always.
        Quarantine quarantine,
        long rowsRead,
        long rowsWritten,
        long rowsQuarantined,
        @AbsentNotNull("a converter writes the bytes it read, one of format 1 leaves the field out (read as 0)") long bytesRead,
        @AbsentNotNull("a converter writes the list, empty when it replaced nothing, one of format 1 leaves the field out (read as empty)")
        List<String> supersedes,
        String convertedAt,
        String converter,
        // Not required: a withdrawal writes null (SilverConverter.withdrawal, since e79d18c); one from before limits were kept leaves it out.
        Limits limits,
        @AbsentNotNull("a converter writes the list, empty when its dataset declared none, one from before they were kept leaves the field"
                + " out (read as empty)")
        List<String> nullValues,
        @AbsentNotNull("a converter writes true, or leaves the field out when its dataset did not keep quoted empty strings")
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean quotedEmptyStrings,
        @AbsentNotNull("a converter writes the version of the reading rules it read the file under, and one from before they were kept leaves"
                + " the field out (read as 1)")
        Integer readingRules,
        // Left out of the JSON when null, so that a conversion's manifest is as it was.
        @AbsentNotNull("a withdrawal writes the rows it took out; every other manifest, and a withdrawal from before they were kept, leaves"
                + " the field out")
        @JsonInclude(JsonInclude.Include.NON_NULL) WithdrawnRows withdrawnRows) {
    /** The format of the manifests of a conversion. */
    public static final int FORMAT_VERSION = 2;
    /**
     * The format of a {@code withdrawn} manifest: a converter from before
     * withdrawals, reading one as a format it does not know, refuses to commit its key rather than answer a
     * re-upload of the same bytes {@code unchanged} against it (its source's ETag), which would leave the file
     * out of silver.
     */
    public static final int WITHDRAWN_FORMAT_VERSION = 3;
    /** The newest format this converter reads: a manifest of a later one is unreadable here ({@link ManifestStore}). */
    public static final int NEWEST_FORMAT_VERSION = WITHDRAWN_FORMAT_VERSION;
    public static final String CONVERTED = "converted";
    public static final String EMPTY = "empty";
    public static final String REJECTED = "rejected";
    public static final String WITHDRAWN = "withdrawn";

    public Manifest {
        // Each field is checked on its own, so that a damaged manifest is refused naming the field, not read as another commit.
        if (formatVersion < 1) {
            throw new IllegalArgumentException("formatVersion is " + formatVersion + " (0 when absent), not a manifest format: 1 to " + NEWEST_FORMAT_VERSION);
        }
        requireNonNull(status, "status is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(source, "source is null");
        // Written by every converter since the first manifest (2e02319), format 1 included: null or left out is damage, as for status.
        requireNonNull(convertedAt, "convertedAt is null");
        requireNonNull(converter, "converter is null");
        // Written by every converter since the first manifest (2e02319), for a file empty or rejected too (the source's date, the one
        // delimiter character it read with), and copied by a withdrawal from the manifest it withdraws: null or left out is damage.
        requireNonNull(ingestDate, "ingestDate is null");
        requireNonNull(delimiter, "delimiter is null");
        requireNonNegative("generation", generation);
        if (formatVersion > 1 && generation == 0) {
            // Every commit since format 2 counts itself: 0 is a generation left out or emptied.
            throw new IllegalArgumentException("generation is 0 (0 when absent) in a manifest of format " + formatVersion + ", where it is 1 or more");
        }
        requireNonNegative("rowsRead", rowsRead);
        requireNonNegative("rowsWritten", rowsWritten);
        requireNonNegative("rowsQuarantined", rowsQuarantined);
        requireNonNegative("bytesRead", bytesRead);
        header = List.copyOf(requireNonNull(header, "header is null"));
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        droppedColumns = List.copyOf(requireNonNull(droppedColumns, "droppedColumns is null"));
        missingColumns = List.copyOf(requireNonNull(missingColumns, "missingColumns is null"));
        parts = List.copyOf(requireNonNull(parts, "parts is null"));
        supersedes = supersedes == null ? List.of() : List.copyOf(supersedes);
        nullValues = nullValues == null ? List.of() : List.copyOf(nullValues);
        if (Boolean.FALSE.equals(quotedEmptyStrings)) {
            // One form for "not kept", so that manifests compare and read alike whoever wrote them.
            quotedEmptyStrings = null;
        }
        if (readingRules == null) {
            readingRules = ReadingRules.UNRECORDED;
        }
        if (readingRules < ReadingRules.UNRECORDED) {
            throw new IllegalStateException("Manifest of " + source.key() + " records readingRules " + readingRules + ", below the first version, "
                    + ReadingRules.UNRECORDED);
        }
        if (withdrawnRows != null && !WITHDRAWN.equals(status)) {
            throw new IllegalStateException("Manifest of " + source.key() + " is " + status + ", not " + WITHDRAWN + ", and records rows withdrawn");
        }
        if (rowsRead != rowsWritten + rowsQuarantined) {
            throw new IllegalStateException("Row count mismatch for " + source.key() + ": read " + rowsRead
                    + ", written " + rowsWritten + ", quarantined " + rowsQuarantined);
        }
        long partRows = parts.stream().mapToLong(PartInfo::rows).sum();
        if (partRows != rowsWritten) {
            throw new IllegalStateException("Parts of " + source.key() + " hold " + partRows + " rows, not " + rowsWritten);
        }
    }

    private static void requireNonNegative(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " is negative: " + value);
        }
    }

    /**
     * Whether the file converted with none of its rows in its table, every one quarantined: as the function's
     * {@code files-all-rows-quarantined} alarm counts a file, and the local commands exit with 1 for it.
     */
    public boolean everyRowQuarantined() {
        return CONVERTED.equals(status) && rowsWritten == 0 && rowsQuarantined > 0;
    }

    /** The keys this commit made visible: its parts and its quarantine file. */
    public List<String> writtenKeys() {
        List<String> keys = new ArrayList<>();
        parts.forEach(part -> keys.add(part.key()));
        if (quarantine != null) {
            keys.add(quarantine.key());
        }
        return keys;
    }

    /**
     * How the file's columns differed from its dataset's schema contract, for people: the columns not
     * written, and those written as null; empty when they matched.
     */
    public Optional<String> columnDrift() {
        List<String> notes = new ArrayList<>();
        if (!droppedColumns.isEmpty()) {
            notes.add("not in the dataset's schema contract, so not written: "
                    + String.join(", ", droppedColumns.stream().map(DroppedColumn::describe).toList()));
        }
        if (!missingColumnsWrittenAsNull().isEmpty()) {
            notes.add("in the contract but not in the file, so written as null: " + String.join(", ", missingColumnsWrittenAsNull()));
        }
        if (!missingRequiredColumns().isEmpty()) {
            notes.add("in the contract and required but not in the file, so every row quarantined: " + String.join(", ", missingRequiredColumns()));
        }
        return notes.isEmpty() ? Optional.empty() : Optional.of("columns " + String.join("; columns ", notes));
    }

    /** The contract columns the file lacked that the contract declares required ({@link Column#required}): each of its rows was quarantined. */
    public List<String> missingRequiredColumns() {
        return missingColumns.stream().filter(name -> columns.stream().anyMatch(column -> column.required() && column.name().equals(name))).toList();
    }

    /** The contract columns the file lacked, written as null in every row: those not required. */
    public List<String> missingColumnsWrittenAsNull() {
        List<String> required = missingRequiredColumns();
        return required.isEmpty() ? missingColumns : missingColumns.stream().filter(name -> !required.contains(name)).toList();
    }

    /**
     * Whether this manifest already records the conversion of exactly this object version. A withdrawal
     * records none: the same bytes uploaded again after a deletion are converted again.
     */
    public boolean describes(SourceObject object) {
        return !WITHDRAWN.equals(status) && source.etag().equals(object.etag()) && source.size() == object.size() && source.key().equals(object.key())
                && source.bucket().equals(object.bucket());
    }

    public record Source(String bucket, String key, String etag, long size, String lastModified) {
        public Source {
            requireNonNull(bucket, "bucket is null");
            requireNonNull(key, "key is null");
            requireNonNull(etag, "etag is null");
            requireNonNegative("size", size);
            // The object's, written by every converter since the first manifest (2e02319) and copied by a withdrawal: null is damage.
            requireNonNull(lastModified, "lastModified is null");
        }

        static Source of(SourceObject object) {
            return new Source(object.bucket(), object.key(), object.etag(), object.size(), object.lastModified().toString());
        }
    }

    public record Quarantine(String key, long rows) {
        public Quarantine {
            requireNonNull(key, "key is null");
            requireNonNegative("rows", rows);
        }
    }

    /**
     * What a withdrawal took out of silver: the rows written and quarantined of the manifest it replaced, named as its log
     * line names them.
     */
    public record WithdrawnRows(long rowsWithdrawn, long quarantinedRowsWithdrawn) {
        public WithdrawnRows {
            // Each on its own, so that a manifest refused for one names that count.
            requireNonNegative("rowsWithdrawn", rowsWithdrawn);
            requireNonNegative("quarantinedRowsWithdrawn", quarantinedRowsWithdrawn);
        }

        static WithdrawnRows of(Manifest withdrawn) {
            return new WithdrawnRows(withdrawn.rowsWritten(), withdrawn.rowsQuarantined());
        }
    }

    /**
     * A column of the file that is not written, named as the file has it: the converter's own name for it
     * ({@code amount_2} for a repeated {@code amount}, {@code stra_e} for {@code Straße}) is in no file, table
     * or contract a person can look at, and the contract adopts a column by its header text ({@link Column#sourceName()}).
     *
     * @param header the field's header text, exactly as in the file
     * @param position its 1-based position in the header; 0 when not known (a manifest written before positions were kept)
     */
    public record DroppedColumn(String header, int position) {
        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public DroppedColumn {
            requireNonNull(header, "header is null");
            if (position < 0) {
                throw new IllegalArgumentException("position is negative: " + position);
            }
        }

        /**
         * One of a manifest written before dropped columns were named by header: it listed the converter's name,
         * kept so the manifest stays readable (an unreadable one stops the key's next commit).
         */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static DroppedColumn ofName(String name) {
            return new DroppedColumn(name, 0);
        }

        /** {@code "Amount" (column 4)}. */
        public String describe() {
            return "\"" + header + "\"" + (position == 0 ? "" : " (column " + position + ")");
        }
    }

    /** {@code MAX_ROW_CHARS} and {@code MAX_COLUMNS} as the run had them. */
    public record Limits(int maxRowChars, int maxColumns) {
        public Limits {
            // As ConversionLimits has them: a limit below 1 is no limit a run had. Each on its own, so that the message names the one refused.
            requireALimit("maxRowChars", maxRowChars);
            requireALimit("maxColumns", maxColumns);
        }

        private static void requireALimit(String limit, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(limit + " is " + value + ", below 1: no limit a run had");
            }
        }

        static Limits of(ConversionLimits limits) {
            return new Limits(limits.maxRowChars(), limits.maxColumns());
        }

        /** Whether {@code limits} allow more than these: a file rejected under these may convert under them. */
        boolean raisedIn(ConversionLimits limits) {
            return limits.maxRowChars() > maxRowChars || limits.maxColumns() > maxColumns;
        }
    }
}
