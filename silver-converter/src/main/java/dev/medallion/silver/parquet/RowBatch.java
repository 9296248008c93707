package dev.medallion.silver.parquet;

import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.SchemaContract;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

import static java.util.Objects.requireNonNull;

/**
 * A chunk of rows in the contract's schema, parsed and typed, waiting to be written. A row is either
 * taken whole or refused with the reason; a refused row leaves no trace in the batch.
 */
public final class RowBatch {
    private static final int MAX_VALUE_IN_REASON = 60;

    private final List<Column> columns;
    private final ColumnVector[] vectors;
    /** What the vectors of fixed-size values hold a row, and the others, asked each time. */
    private final long fixedBytesPerRow;
    private final ColumnVector[] variableSizeVectors;
    private int size;

    public RowBatch(SchemaContract contract) {
        this.columns = requireNonNull(contract, "contract is null").columns();
        this.vectors = new ColumnVector[columns.size()];
        for (int i = 0; i < vectors.length; i++) {
            Column column = columns.get(i);
            vectors[i] = ColumnVector.of(column.type(), column.name(), i);
        }
        long fixed = 0;
        List<ColumnVector> variable = new ArrayList<>();
        for (ColumnVector vector : vectors) {
            if (vector.fixedSize()) {
                fixed += vector.retainedBytes(1);
            }
            else {
                variable.add(vector);
            }
        }
        this.fixedBytesPerRow = fixed;
        this.variableSizeVectors = variable.toArray(ColumnVector[]::new);
    }

    /**
     * Appends one row. {@code fieldOfColumn[c]} is the position in the source record of contract column
     * {@code c}, or -1 when the file lacks that column (null).
     *
     * @return null when the row was taken, else why it was refused
     */
    public String append(IntFunction<String> field, int[] fieldOfColumn) {
        int row = size;
        for (int c = 0; c < vectors.length; c++) {
            int position = fieldOfColumn[c];
            String text = position < 0 ? "" : field.apply(position);
            if (!vectors[c].set(row, text)) {
                Column column = columns.get(c);
                return "column " + column.name() + ": '" + abbreviate(text) + "' is not a " + column.type().sqlName();
            }
        }
        size++;
        return null;
    }

    public int size() {
        return size;
    }

    /** Estimated heap the batch's values hold: worked out from the vectors when asked, not added up row by row. */
    public long retainedBytes() {
        long bytes = fixedBytesPerRow * size;
        for (ColumnVector vector : variableSizeVectors) {
            bytes += vector.retainedBytes(size);
        }
        return bytes;
    }

    /**
     * Columns where most values of this batch are distinct (ids, timestamps, amounts). Parquet's dictionary
     * encoding is wasted on them: it hashes every value, then gives up and writes them plain anyway.
     * Null counts as one value. Counted without boxing a value, and only until the answer is known.
     */
    public Set<String> highCardinalityColumns() {
        Set<String> columnNames = new HashSet<>();
        if (size == 0) {
            return columnNames;
        }
        DistinctValues distinct = new DistinctValues(size);
        for (int c = 0; c < vectors.length; c++) {
            if (distinct.countAbove(vectors[c], size, size / 2)) {
                columnNames.add(columns.get(c).name());
            }
        }
        return columnNames;
    }

    /**
     * Empties the batch for the next chunk. Its arrays stay for the next chunk's rows, unless its text columns'
     * arrays together hold more than {@code maxHeldBytes}: then they are dropped, and grow again with the
     * rows. Without that, a column would keep what its largest chunk ever needed, and a file whose huge
     * values move from column to column (row k's in column k) would have every column hold one at the end.
     */
    public void clear(long maxHeldBytes) {
        size = 0;
        long held = 0;
        for (ColumnVector vector : variableSizeVectors) {
            held += vector.heldValueBytes();
        }
        if (held > maxHeldBytes) {
            for (ColumnVector vector : variableSizeVectors) {
                vector.releaseValues();
            }
        }
    }

    ColumnVector[] vectors() {
        return vectors;
    }

    private static String abbreviate(String text) {
        if (text.length() <= MAX_VALUE_IN_REASON) {
            return text;
        }
        return text.substring(0, MAX_VALUE_IN_REASON) + "... (" + text.length() + " characters)";
    }
}
