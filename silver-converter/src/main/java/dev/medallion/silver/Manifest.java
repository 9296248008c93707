package dev.medallion.silver;

import dev.medallion.silver.parquet.PartInfo;
import dev.medallion.silver.schema.Column;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The commit marker of one source object, at {@code _manifests/<dataset>/<source>.json}: written last,
 * after every part, so a reader that trusts manifests never sees a half-converted file. It always holds
 * {@code rowsRead == rowsWritten + rowsQuarantined}.
 *
 * @param status {@code converted}; {@code empty} (no header, or a header and no rows); or {@code rejected}
 *        (the file as a whole is not readable CSV, see {@code reason}; nothing was written)
 * @param header the header exactly as in the file
 * @param columns the dataset's schema contract the parts are written in
 * @param droppedColumns file columns the contract does not have: not written (see the README's schema policy)
 * @param missingColumns contract columns the file does not have: written as null
 */
public record Manifest(
        int formatVersion,
        String status,
        String reason,
        String dataset,
        Source source,
        String ingestDate,
        String delimiter,
        List<String> header,
        List<Column> columns,
        List<String> droppedColumns,
        List<String> missingColumns,
        List<PartInfo> parts,
        Quarantine quarantine,
        long rowsRead,
        long rowsWritten,
        long rowsQuarantined,
        String convertedAt,
        String converter) {
    public static final int FORMAT_VERSION = 1;
    public static final String CONVERTED = "converted";
    public static final String EMPTY = "empty";
    public static final String REJECTED = "rejected";

    public Manifest {
        requireNonNull(status, "status is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(source, "source is null");
        header = List.copyOf(header);
        columns = List.copyOf(columns);
        droppedColumns = List.copyOf(droppedColumns);
        missingColumns = List.copyOf(missingColumns);
        parts = List.copyOf(parts);
        if (rowsRead != rowsWritten + rowsQuarantined) {
            throw new IllegalStateException("Row count mismatch for " + source.key() + ": read " + rowsRead
                    + ", written " + rowsWritten + ", quarantined " + rowsQuarantined);
        }
        long partRows = parts.stream().mapToLong(PartInfo::rows).sum();
        if (partRows != rowsWritten) {
            throw new IllegalStateException("Parts of " + source.key() + " hold " + partRows + " rows, not " + rowsWritten);
        }
    }

    /** Whether this manifest already records the conversion of exactly this object version. */
    public boolean describes(SourceObject object) {
        return source.etag().equals(object.etag()) && source.size() == object.size() && source.key().equals(object.key());
    }

    public record Source(String bucket, String key, String etag, long size, String lastModified) {
        static Source of(SourceObject object) {
            return new Source(object.bucket(), object.key(), object.etag(), object.size(), object.lastModified().toString());
        }
    }

    public record Quarantine(String key, long rows) {}
}
