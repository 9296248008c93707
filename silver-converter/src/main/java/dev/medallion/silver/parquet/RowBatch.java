package dev.medallion.silver.parquet;

import dev.medallion.common.cli.ShellWord;
import dev.medallion.common.config.SilverSettings;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.NullMarkers;
import dev.medallion.silver.schema.Refusal;
import dev.medallion.silver.schema.SchemaContract;
import dev.medallion.silver.schema.ShownValue;
import dev.medallion.silver.schema.Values;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

import static java.util.Objects.requireNonNull;

/**
 * A chunk of rows in the contract's schema, parsed and typed, waiting to be written. A row is either
 * taken whole or refused with the reason; a refused row leaves no trace in the batch.
 */
public final class RowBatch {
    /** A row refused in many columns (a file of another layout) is named by its first ones: a reason stays a line. */
    static final int MAX_COLUMNS_IN_REASON = 3;

    private final List<Column> columns;
    /** The dataset, for the reasons: the declaration of a null marker names it. */
    private final String dataset;
    /** Where the contract is, for the reasons: where a column's type comes from, and where to change it. */
    private final String contractKey;
    private final ColumnVector[] vectors;
    /** What the vectors of fixed-size values hold a row, and the others, asked each time. */
    private final long fixedBytesPerRow;
    private final ColumnVector[] variableSizeVectors;
    private int size;

    /** A batch for a contract at its key in a silver layout without prefix ({@code _schemas/<dataset>.json}). */
    public RowBatch(SchemaContract contract) {
        this(contract, new SilverLayout("").schemaKey(requireNonNull(contract, "contract is null").dataset()));
    }

    /** @param contractKey the contract's key in the silver bucket, named in reasons */
    public RowBatch(SchemaContract contract, String contractKey) {
        this(contract, contractKey, NullMarkers.defaults());
    }

    /**
     * @param contractKey the contract's key in the silver bucket, named in reasons
     * @param markers the texts the dataset's fields hold for a missing value, written as null
     */
    public RowBatch(SchemaContract contract, String contractKey, NullMarkers markers) {
        requireNonNull(markers, "markers is null");
        this.columns = requireNonNull(contract, "contract is null").columns();
        this.dataset = contract.dataset();
        this.contractKey = requireNonNull(contractKey, "contractKey is null");
        this.vectors = new ColumnVector[columns.size()];
        for (int i = 0; i < vectors.length; i++) {
            Column column = columns.get(i);
            vectors[i] = ColumnVector.of(column, i, markers);
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
     * @return null when the row was taken, else why it was refused: each value that does not fit its column
     */
    public String append(IntFunction<String> field, int[] fieldOfColumn) {
        int row = size;
        for (int c = 0; c < vectors.length; c++) {
            int position = fieldOfColumn[c];
            String text = position < 0 ? "" : field.apply(position);
            if (!vectors[c].set(row, text)) {
                return refusal(row, c, text, field, fieldOfColumn);
            }
        }
        size++;
        return null;
    }

    /**
     * The reason of a row refused at column {@code first}: each column of the row whose value does not fit,
     * up to {@link #MAX_COLUMNS_IN_REASON} of them and how many more, so that mending a row's first bad
     * value does not only lead to its next one on the replay. Off the path of the rows taken.
     */
    private String refusal(int row, int first, String firstText, IntFunction<String> field, int[] fieldOfColumn) {
        StringBuilder reason = new StringBuilder(reason(row, first, firstText, fieldOfColumn[first] < 0));
        int refused = 1;
        for (int c = first + 1; c < vectors.length; c++) {
            int position = fieldOfColumn[c];
            String text = position < 0 ? "" : field.apply(position);
            if (!vectors[c].set(row, text)) {
                if (refused < MAX_COLUMNS_IN_REASON) {
                    reason.append("; ").append(reason(row, c, text, position < 0));
                }
                refused++;
            }
        }
        if (refused > MAX_COLUMNS_IN_REASON) {
            int more = refused - MAX_COLUMNS_IN_REASON;
            reason.append("; and ").append(more).append(more == 1 ? " more column" : " more columns");
        }
        return reason.toString();
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

    /** Why column {@code c}'s value at {@code row} was refused: null in a required column (the file lacking it, when {@code absent}), or not of the type. */
    private String reason(int row, int c, String text, boolean absent) {
        return vectors[c].isNull(row) ? requiredReason(columns.get(c), text, absent) : reason(columns.get(c), text);
    }

    /**
     * Why a null was refused in a required column: {@code column transaction_id: empty but the dataset's contract _schemas/sales.json
     * declares it "required": true; fill it at the source and upload the file again or take "required" off the column there to write
     * such rows with a null}. A row taken with a null there would be reported written and then dropped by a gold model's inner join
     * without a word, which is what declaring the column required refuses.
     */
    private String requiredReason(Column column, String text, boolean absent) {
        String what = absent ? "not in the file's header" : text.isEmpty() ? "empty" : "'" + ShownValue.of(text) + "' reads as null";
        return "column " + column.name() + ": " + what + " but the dataset's contract " + contractKey + " declares it \"required\": true; "
                + (absent ? "add the column to the file and upload it again" : "fill it at the source and upload the file again")
                + " or take \"required\" off the column there to write such rows with a null";
    }

    /**
     * Why a value was refused, on one line: {@code column zip: '02134' is not a bigint (a leading zero): the
     * dataset's contract _schemas/sales.json types it bigint; declare it string there to keep such values}.
     * Where the value would be of the type but for one thing ({@link Refusal}), the reason says what, and
     * where the type comes from; for a value most likely meant as written, how to keep such values; for a text that looks
     * like a missing value's marker though no default one ({@code N/A}: {@link NullMarkers#lookalike}), how to declare it null.
     */
    private String reason(Column column, String text) {
        String type = column.type().sqlName();
        String reason = "column " + column.name() + ": '" + ShownValue.of(text) + "' is not a " + type;
        String typedBy = ": the dataset's contract " + contractKey + " types it " + type;
        Optional<String> marker = NullMarkers.lookalike(text, column.type());
        if (marker.isPresent()) {
            // Most likely a missing value the dataset does not declare: declared, it is null, and the row is written.
            return reason + " (" + declareNull(marker.get()) + ")" + typedBy;
        }
        Refusal refusal = Values.refusal(column.type(), text);
        if (refusal == null) {
            return reason;
        }
        String explained = reason + " (" + refusal.describe(column.type(), text) + ")" + typedBy;
        if (refusal == Refusal.NOT_A_NUMBER) {
            // Most likely a computation gone wrong, but pandas and numpy write a missing double as NaN too: declared, it is null.
            // The field without the spaces and tabs around it, as a typed column compares a declared marker.
            return explained + "; or " + declareNull(Values.trimmed(text));
        }
        String kept = refusal.keptAs().map(keptAs -> explained + "; declare it " + keptAs.sqlName()
                // A double rounds (0.1 + 0.2): an amount wants the exact type, where a decimal column takes the value (no exponent, 38 digits).
                + (keptAs == ColumnType.DOUBLE && Values.fitsSomeDecimal(text) ? " (or decimal(p,s) for exact amounts)" : "")
                + " there to keep such values").orElse(explained);
        String cast = refusal.cast(column.name()).map(expression -> kept + " and cast it in a query: " + expression).orElse(kept);
        return refusal.sourceChange().map(change -> cast + "; or " + change).orElse(cast);
    }

    /**
     * How to declare {@code marker} null in this dataset. No comma, so the quarantine file's reason stays unquoted; a marker holds
     * none. The option's value is a shell word, to paste: a bare ? would be a file pattern, #N/A a comment.
     */
    private String declareNull(String marker) {
        return "declare it null if it stands for a missing value: " + SilverSettings.CSV_NULL_VALUES + "=" + dataset + ":" + marker
                + " or convert --null-values " + ShellWord.of(marker);
    }
}
