package dev.medallion.silver;

import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.NullMarkers;
import dev.medallion.silver.schema.SchemaContract;
import dev.medallion.silver.schema.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Whether a new dataset's header reads as a row of data: a file without a header line, as SQL Server's {@code bcp} and MySQL's
 * {@code SELECT ... INTO OUTFILE} write, has its first row read as the column names (the first line of content is always the
 * header), so that row is in no table and its values name the columns ({@code _1}, {@code null}). Nothing in the file tells such a
 * header from one of names, and a header of years ({@code region,2024,2025}) reads so too; the converter converts the file as
 * it always has, and the local commands say what they saw beside the contract it gave, for a person to judge.
 */
public final class HeaderAsRow {
    private HeaderAsRow() {}

    /**
     * The header's fields that read as values, each with what it reads as (a value of its column's type, or a default null
     * marker), and what to do when the file has no header; empty when no field of the header reads so.
     *
     * @param contract the contract the file's first rows gave, whose columns' source names are its header's fields
     * @param contractPath where that contract is, to delete once the file has a header: the next run infers it again
     */
    public static Optional<String> describe(SchemaContract contract, String contractPath) {
        requireNonNull(contract, "contract is null");
        requireNonNull(contractPath, "contractPath is null");
        List<String> values = new ArrayList<>();
        for (Column column : contract.columns()) {
            String field = column.sourceName();
            // Spaces and tabs around a marker aside, as a typed column reads it.
            if (NullMarkers.DEFAULTS.contains(Values.trimmed(field))) {
                values.add("'" + field + "' a null marker");
            }
            else if (column.type() != ColumnType.STRING && !Values.isBlank(field) && isValueOf(column.type(), field)) {
                values.add("'" + field + "' a " + column.type().sqlName());
            }
        }
        if (values.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("its header reads as a row of data (" + String.join(", ", values) + "): a file without a header line"
                + " (bcp and MySQL's SELECT ... INTO OUTFILE write none) has its first row read as the column names, that row in no table;"
                + " if so, put a line of the column names above its rows (or export it with one), delete " + contractPath + " and run again");
    }

    private static boolean isValueOf(ColumnType type, String field) {
        return switch (type.kind()) {
            case BIGINT -> Values.isBigint(field);
            case DOUBLE -> Values.isBigint(field) || Values.isDouble(field);
            case DATE -> Values.parseDate(field) != Long.MIN_VALUE;
            case TIMESTAMP -> Values.parseTimestamp(field) != Long.MIN_VALUE;
            case BOOLEAN -> Values.parseBoolean(field) != -1;
            // Inference gives no decimal, but a contract is a contract: a field that fits it reads as a value of it. The long parse is
            // for a short decimal only; a wider one's value, which would overflow a long, is read in 128 bits.
            case DECIMAL -> type.isShortDecimal()
                    ? Values.parseDecimal(field, type.precision(), type.scale(), new long[1])
                    : Values.parseWideDecimal(field, type.precision(), type.scale(), new long[2]);
            // A string column reads every header.
            case STRING -> false;
        };
    }
}
