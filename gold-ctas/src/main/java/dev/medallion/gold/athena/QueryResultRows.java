package dev.medallion.gold.athena;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The rows of a SELECT's result, as Athena's text values ({@code null} for SQL NULL), with the column
 * types Athena reports.
 */
public record QueryResultRows(List<String> columnTypes, List<List<String>> rows) {
    public QueryResultRows {
        columnTypes = List.copyOf(requireNonNull(columnTypes, "columnTypes is null"));
        // Values may be null: copied without List.copyOf, which refuses nulls.
        List<List<String>> copy = new ArrayList<>();
        for (List<String> row : requireNonNull(rows, "rows is null")) {
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
    }
}
