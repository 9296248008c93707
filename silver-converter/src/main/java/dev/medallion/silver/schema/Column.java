package dev.medallion.silver.schema;

import static java.util.Objects.requireNonNull;

/** One column of a dataset: its safe name, its type, and the header text it came from. */
public record Column(String name, ColumnType type, String sourceName) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(sourceName, "sourceName is null");
    }
}
