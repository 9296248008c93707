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
 * longer one is cut and ends in a hash of the whole, {@link Identifiers#fitted}). The original header is
 * kept in the manifest.
 */
public final class ColumnNames {
    private ColumnNames() {}

    public static List<String> normalize(List<String> header) {
        List<String> names = new ArrayList<>(header.size());
        Set<String> taken = new HashSet<>();
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
