package dev.medallion.silver.schema;

import dev.medallion.common.layout.Identifiers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
     * The names of a header's fields as matched against a contract's columns: {@link #normalize}'s, except
     * for fields whose names collide once normalised with differently written ones ({@code Amount} and
     * {@code amount} both become {@code amount}). Those {@link #normalize} tells apart by suffixes in the
     * order they come ({@code amount}, {@code amount_2}), and a later file may order them otherwise, so each
     * goes to the contract column whose header text ({@link Column#sourceName()}) is its own, the n-th of
     * a text to the n-th such column. One that no column's text matches keeps its suffixed name if no
     * other field goes there, else gets a name of its own, which no column has: it is then a dropped
     * column, not a second source of another's values.
     */
    public static List<String> matched(List<String> header, List<Column> columns, boolean reservePartitionKey) {
        List<String> names = new ArrayList<>(normalize(header, reservePartitionKey));
        Map<String, List<Integer>> fieldsByBase = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            fieldsByBase.computeIfAbsent(Identifiers.fitted(base(header, i)), ignored -> new ArrayList<>()).add(i);
        }
        Set<String> claimed = new HashSet<>();
        List<List<Integer>> mixed = new ArrayList<>();
        for (List<Integer> fields : fieldsByBase.values()) {
            if (fields.stream().map(header::get).distinct().count() > 1) {
                mixed.add(fields);
            }
            else {
                // One field, or the same text repeated: the order is all that tells them apart, in every file alike.
                fields.forEach(field -> claimed.add(names.get(field)));
            }
        }
        Map<String, List<String>> columnsByText = new HashMap<>();
        Set<String> contractNames = new HashSet<>();
        for (Column column : columns) {
            columnsByText.computeIfAbsent(column.sourceName(), ignored -> new ArrayList<>()).add(column.name());
            contractNames.add(column.name());
        }
        List<Integer> unmatched = new ArrayList<>();
        for (List<Integer> fields : mixed) {
            Map<String, Integer> seen = new HashMap<>();
            for (int field : fields) {
                int occurrence = seen.merge(header.get(field), 1, Integer::sum) - 1;
                List<String> sameText = columnsByText.getOrDefault(header.get(field), List.of());
                if (occurrence < sameText.size() && claimed.add(sameText.get(occurrence))) {
                    names.set(field, sameText.get(occurrence));
                }
                else {
                    unmatched.add(field);
                }
            }
        }
        for (int field : unmatched) {
            String suffixed = names.get(field);
            String name = suffixed;
            for (int suffix = 2; claimed.contains(name) || !name.equals(suffixed) && contractNames.contains(name); suffix++) {
                name = Identifiers.fitted(base(header, field) + "_" + suffix);
            }
            claimed.add(name);
            names.set(field, name);
        }
        return names;
    }

    /** A field's name before it is cut to fit or made unique; a blank one is named after its position. */
    private static String base(List<String> header, int index) {
        return Identifiers.normalize(header.get(index), "column_" + (index + 1));
    }
}
