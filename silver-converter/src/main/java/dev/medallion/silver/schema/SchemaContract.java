package dev.medallion.silver.schema;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The schema every file of a dataset is written in, fixed by the dataset's first file and stored at
 * {@code _schemas/<dataset>.json}. A person may edit that file (change a type, add a column) to evolve
 * the dataset; the converter never changes it.
 *
 * @param createdFrom the bronze key of the file the schema was inferred from
 * @param createdAt ISO-8601 instant
 */
public record SchemaContract(String dataset, List<Column> columns, String createdFrom, String createdAt) {
    public SchemaContract {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(createdFrom, "createdFrom is null");
        requireNonNull(createdAt, "createdAt is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("Schema of dataset " + dataset + " has no columns");
        }
        Set<String> names = new HashSet<>();
        for (Column column : columns) {
            if (!names.add(column.name())) {
                throw new IllegalArgumentException("Schema of dataset " + dataset + " names column " + column.name() + " twice");
            }
        }
    }

    /** The columns and their types, for people: {@code order_id bigint, amount string}. */
    public String describeColumns() {
        return columns.stream().map(column -> column.name() + " " + column.type().sqlName()).collect(Collectors.joining(", "));
    }

    public int indexOf(String columnName) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(columnName)) {
                return i;
            }
        }
        return -1;
    }
}
