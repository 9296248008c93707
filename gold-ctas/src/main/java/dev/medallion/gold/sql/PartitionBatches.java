package dev.medallion.gold.sql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The distinct partition values of a model, cut into batches that Athena can write in one query: a CTAS
 * or INSERT INTO query writes at most {@value #MAX_PARTITIONS_PER_QUERY} partitions. Each batch becomes
 * a predicate that selects exactly its partitions' rows.
 */
public final class PartitionBatches {
    /** Athena's limit on the partitions one CTAS or INSERT INTO query may write. */
    public static final int MAX_PARTITIONS_PER_QUERY = 100;

    private final List<PartitionColumn> columns;
    private final List<List<List<String>>> batches;

    /**
     * @param columns the partition columns, in the model's order
     * @param values one row per partition, a value per column ({@code null} for a null value), as Athena returned them
     */
    public PartitionBatches(List<PartitionColumn> columns, List<List<String>> values, int batchSize) {
        this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(values, "values is null");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("A partitioned model has at least one partition column");
        }
        if (batchSize < 1 || batchSize > MAX_PARTITIONS_PER_QUERY) {
            throw new IllegalArgumentException("Batch size must be between 1 and " + MAX_PARTITIONS_PER_QUERY + ": " + batchSize);
        }
        List<List<List<String>>> cut = new ArrayList<>();
        List<List<String>> current = new ArrayList<>();
        for (List<String> row : values) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("Partition row " + row + " has " + row.size() + " values for the " + columns.size() + " columns " + names());
            }
            current.add(Collections.unmodifiableList(new ArrayList<>(row)));
            if (current.size() == batchSize) {
                cut.add(List.copyOf(current));
                current.clear();
            }
        }
        if (!current.isEmpty()) {
            cut.add(List.copyOf(current));
        }
        this.batches = List.copyOf(cut);
    }

    public int partitions() {
        return batches.stream().mapToInt(List::size).sum();
    }

    /** How many batches there are; none when the model has no rows. */
    public int size() {
        return batches.size();
    }

    /**
     * A boolean expression true for the rows of batch {@code index}'s partitions and no others. A null
     * partition value is matched with IS NULL, since {@code x IN (NULL)} is never true, and a floating-point
     * NaN with {@code is_nan}, since NaN equals nothing in Athena.
     */
    public String predicate(int index) {
        List<List<String>> batch = batches.get(index);
        if (columns.size() == 1) {
            PartitionColumn column = columns.get(0);
            String name = Sql.identifier(column.name());
            List<String> literals = new ArrayList<>();
            boolean hasNull = false;
            boolean hasNotANumber = false;
            for (List<String> row : batch) {
                String value = row.get(0);
                if (value == null) {
                    hasNull = true;
                }
                else if (column.isNotANumber(value)) {
                    hasNotANumber = true;
                }
                else {
                    literals.add(column.literal(value));
                }
            }
            List<String> terms = new ArrayList<>();
            if (!literals.isEmpty()) {
                terms.add(name + " IN (" + String.join(", ", literals) + ")");
            }
            if (hasNull) {
                terms.add(name + " IS NULL");
            }
            if (hasNotANumber) {
                terms.add("is_nan(" + name + ")");
            }
            return "(" + String.join(" OR ", terms) + ")";
        }
        List<String> tuples = new ArrayList<>();
        for (List<String> row : batch) {
            List<String> conditions = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                PartitionColumn column = columns.get(c);
                String value = row.get(c);
                conditions.add(condition(column, value));
            }
            tuples.add("(" + String.join(" AND ", conditions) + ")");
        }
        return "(" + String.join("\n    OR ", tuples) + ")";
    }

    private static String condition(PartitionColumn column, String value) {
        String name = Sql.identifier(column.name());
        if (value == null) {
            return name + " IS NULL";
        }
        if (column.isNotANumber(value)) {
            return "is_nan(" + name + ")";
        }
        return name + " = " + column.literal(value);
    }

    private List<String> names() {
        return columns.stream().map(PartitionColumn::name).toList();
    }
}
