package dev.medallion.local.gold;

import static java.util.Objects.requireNonNull;

/** A column of a gold table, with its DuckDB type. */
public record Column(String name, String type) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
