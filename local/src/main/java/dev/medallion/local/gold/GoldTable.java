package dev.medallion.local.gold;

import dev.medallion.gold.model.GoldModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A gold table built locally, as read back from its Parquet files.
 *
 * @param partitions how many partitions it was written in; 0 when it is not partitioned
 * @param firstRows the first rows, ordered by all columns, values as text ({@code null} for NULL)
 */
public record GoldTable(GoldModel model, Path directory, List<Column> columns, long rows, int partitions, List<List<String>> firstRows, double seconds) {
    public GoldTable {
        requireNonNull(model, "model is null");
        requireNonNull(directory, "directory is null");
        columns = List.copyOf(columns);
        // Values may be null, which List.copyOf refuses.
        firstRows = firstRows.stream().map(row -> Collections.unmodifiableList(new ArrayList<>(row))).toList();
    }
}
