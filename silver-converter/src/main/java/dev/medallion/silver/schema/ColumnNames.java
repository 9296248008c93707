package dev.medallion.silver.schema;

import dev.medallion.common.layout.Identifiers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes a CSV header safe for Glue and Athena: every name lowercase {@code [a-z0-9_]}, not starting
 * with a digit, never empty (a blank header becomes {@code column_3} after its position), and unique
 * (a repeated name gets {@code _2}, {@code _3}, ...), and no longer than the Glue catalog holds (a
 * longer one is cut and ends in a hash of the whole, {@link Identifiers#fitted}). A header named like the
 * partition key ({@link #PARTITION_KEY}) is suffixed as a repeat would be ({@code ingest_date_2}): the
 * catalog adds that column to every silver table, and a table cannot hold it twice. The original header
 * is kept in the manifest.
 */
public final class ColumnNames {
    /** The partition column Silver's layout adds to every dataset ({@code ingest_date=yyyy-MM-dd/}). */
    public static final String PARTITION_KEY = "ingest_date";

    private ColumnNames() {}

    /** The names of a header's columns, none of them the partition key. */
    public static List<String> normalize(List<String> header) {
        return normalize(header, true);
    }

    /**
     * The names of a header's columns.
     *
     * @param reservePartitionKey whether a header named like the partition key is suffixed; false only to
     *     match a header against a contract that already names a column so (one written before the name was
     *     reserved, read without a catalog), whose values must keep going there
     */
    public static List<String> normalize(List<String> header, boolean reservePartitionKey) {
        List<String> names = new ArrayList<>(header.size());
        Set<String> taken = new HashSet<>();
        if (reservePartitionKey) {
            taken.add(PARTITION_KEY);
        }
        for (int i = 0; i < header.size(); i++) {
            String base = Identifiers.normalize(header.get(i), "column_" + (i + 1));
            String name = Identifiers.fitted(base);
            for (int suffix = 2; !taken.add(name); suffix++) {
                name = Identifiers.fitted(base + "_" + suffix);
            }
            names.add(name);
        }
        return names;
    }
}
