package dev.medallion.silver.schema;

import dev.medallion.common.layout.Identifiers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes a CSV header safe for Glue and Athena: every name lowercase {@code [a-z0-9_]} (accents folded,
 * a letter with no Latin form dropped: {@code Straße} becomes {@code stra_e}), not starting with a digit,
 * never empty (a blank header, or one of no Latin letter or digit, becomes {@code column_3} after its
 * position), and unique
 * (a repeated name gets {@code _2}, {@code _3}, ...), and no longer than the Glue catalog holds (a
 * longer one is cut and ends in a hash of the whole, {@link Identifiers#fitted}). A header named like the
 * partition key ({@link #PARTITION_KEY}) is suffixed as a repeat would be ({@code ingest_date_2}): the
 * catalog adds that column to every silver table, and a table cannot hold it twice. The original header
 * is kept in the manifest, and each column's in the contract ({@link Column#sourceName()}), where
 * {@link #matched} finds it.
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
            String base = base(header, i);
            String name = Identifiers.fitted(base);
            for (int suffix = 2; !taken.add(name); suffix++) {
                name = Identifiers.fitted(base + "_" + suffix);
            }
            names.add(name);
        }
        return names;
    }

    /**
     * The names of a header's fields as matched against a contract's columns. A field goes to the column
     * whose header text ({@link Column#sourceName()}) is its own, the n-th field of a text to the n-th such
     * column: {@link #normalize} tells fields that collide once normalised ({@code Amount} and {@code amount}
     * both become {@code amount}) apart by suffixes in the order they come, and a later file may order them
     * otherwise. A field no column's text matches keeps {@link #normalize}'s name, as before contracts kept
     * header texts, if it collides with no other field of this header and no other field went there; else
     * it gets a name of its own, which no column has: a dropped column, not a guess at another's values.
     */
    public static List<String> matched(List<String> header, List<Column> columns, boolean reservePartitionKey) {
        List<String> normalized = normalize(header, reservePartitionKey);
        Map<String, List<String>> columnsByText = new HashMap<>();
        Set<String> contractNames = new HashSet<>();
        for (Column column : columns) {
            columnsByText.computeIfAbsent(column.sourceName(), ignored -> new ArrayList<>()).add(column.name());
            contractNames.add(column.name());
        }
        Map<String, Integer> fieldsPerBase = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            fieldsPerBase.merge(Identifiers.fitted(base(header, i)), 1, Integer::sum);
        }
        String[] names = new String[header.size()];
        Set<String> claimed = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            int occurrence = seen.merge(header.get(i), 1, Integer::sum) - 1;
            List<String> sameText = columnsByText.getOrDefault(header.get(i), List.of());
            if (occurrence < sameText.size() && claimed.add(sameText.get(occurrence))) {
                names[i] = sameText.get(occurrence);
            }
        }
        for (int i = 0; i < header.size(); i++) {
            if (names[i] == null && fieldsPerBase.get(Identifiers.fitted(base(header, i))) == 1 && claimed.add(normalized.get(i))) {
                names[i] = normalized.get(i);
            }
        }
        for (int i = 0; i < header.size(); i++) {
            if (names[i] != null) {
                continue;
            }
            String name = normalized.get(i);
            for (int suffix = 2; claimed.contains(name) || contractNames.contains(name); suffix++) {
                name = Identifiers.fitted(base(header, i) + "_" + suffix);
            }
            claimed.add(name);
            names[i] = name;
        }
        return List.of(names);
    }

    /** A field's name before it is cut to fit or made unique; a blank one is named after its position. */
    private static String base(List<String> header, int index) {
        return Identifiers.normalize(header.get(index), "column_" + (index + 1));
    }
}
