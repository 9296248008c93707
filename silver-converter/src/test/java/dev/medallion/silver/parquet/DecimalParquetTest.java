package dev.medallion.silver.parquet;

import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.ParquetTestFiles;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.SchemaContract;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A decimal column through the converter's own column chunk writer, read back by two other readers: parquet-java's (through
 * parquet-avro) and DuckDB's, which local reads silver with. Each must see the exact values written, none rounded.
 */
class DecimalParquetTest {
    private static final SchemaContract CONTRACT = new SchemaContract("orders", List.of(
            new Column("id", ColumnType.BIGINT, "id"),
            new Column("amount", ColumnType.decimal(16, 2), "amount"),
            new Column("whole", ColumnType.decimal(18, 0), "whole"),
            new Column("fraction", ColumnType.decimal(18, 18), "fraction"),
            new Column("digit", ColumnType.decimal(1, 0), "digit")), "orders/a.csv", "2026-01-01T00:00:00Z");
    private static final int[] FIELDS = {0, 1, 2, 3, 4};
    private static final List<List<String>> ROWS = List.of(
            List.of("1", "-0.01", "999999999999999999", "0.999999999999999999", "9"),
            List.of("2", "12345678901234.56", "-999999999999999999", "-0.999999999999999999", "-9"),
            List.of("3", "99999999999999.99", "0", "0.000000000000000001", "0"),
            List.of("4", "-99999999999999.99", "1", "-.000000000000000001", "+1"),
            List.of("5", " 7.500 ", "", "0", ""),
            List.of("6", "0.1", "-1", "0.2", "5"),
            List.of("7", "0.2", "42", "0.1", "5"));
    /** The values written, as BigDecimals (null for null), column by column after id. */
    private static final List<List<String>> EXPECTED = List.of(
            Arrays.asList("-0.01", "12345678901234.56", "99999999999999.99", "-99999999999999.99", "7.50", "0.10", "0.20"),
            Arrays.asList("999999999999999999", "-999999999999999999", "0", "1", null, "-1", "42"),
            Arrays.asList("0.999999999999999999", "-0.999999999999999999", "0.000000000000000001", "-0.000000000000000001", "0.000000000000000000",
                    "0.200000000000000000", "0.100000000000000000"),
            Arrays.asList("9", "-9", "0", "1", null, "5", "5"));

    @TempDir
    Path directory;

    @Test
    void theWrittenFileIsInt64DecimalWithItsPrecisionAndScale() throws IOException {
        write(false);
        var schema = ParquetTestFiles.schema(file());
        PrimitiveType amount = schema.getType("amount").asPrimitiveType();
        assertEquals(PrimitiveTypeName.INT64, amount.getPrimitiveTypeName());
        assertEquals(LogicalTypeAnnotation.decimalType(2, 16), amount.getLogicalTypeAnnotation());
        assertEquals(LogicalTypeAnnotation.decimalType(18, 18), schema.getType("fraction").getLogicalTypeAnnotation());
        assertEquals(LogicalTypeAnnotation.decimalType(0, 1), schema.getType("digit").getLogicalTypeAnnotation());
    }

    @Test
    void parquetJavaReadsTheExactValuesBack() throws IOException {
        for (boolean plain : new boolean[] {false, true}) {
            write(plain);
            List<GenericRecord> records = ParquetTestFiles.readAll(file());
            assertEquals(ROWS.size(), records.size());
            String[] columns = {"amount", "whole", "fraction", "digit"};
            for (int c = 0; c < columns.length; c++) {
                List<String> read = new ArrayList<>();
                for (GenericRecord record : records) {
                    // parquet-avro converts the INT64's unscaled value, as its DECIMAL annotation says.
                    BigDecimal value = (BigDecimal) record.get(columns[c]);
                    read.add(value == null ? null : value.toPlainString());
                }
                assertEquals(EXPECTED.get(c), read, columns[c] + (plain ? ", written plain" : ", with a dictionary"));
            }
        }
    }

    @Test
    void statisticsAreTheSignedMinimumAndMaximum() throws IOException {
        write(false);
        List<ColumnChunkMetaData> chunks = ParquetTestFiles.rowGroups(file()).get(0).getColumns();
        Statistics<?> amount = chunks.get(1).getStatistics();
        assertEquals(-9999999999999999L, amount.genericGetMin());
        assertEquals(9999999999999999L, amount.genericGetMax());
        Statistics<?> whole = chunks.get(2).getStatistics();
        assertEquals(-999999999999999999L, whole.genericGetMin());
        assertEquals(999999999999999999L, whole.genericGetMax());
        assertEquals(1, whole.getNumNulls());
    }

    @Test
    void duckDbReadsTheExactValuesAndSumsThemExactly() throws IOException, SQLException {
        write(false);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement query = duckdb.prepareStatement("SELECT typeof(amount), typeof(whole), typeof(fraction), typeof(digit),"
                        + " amount, whole, fraction, digit FROM read_parquet(?) ORDER BY id")) {
            query.setString(1, file().toString());
            List<List<String>> read = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    assertEquals(List.of("DECIMAL(16,2)", "DECIMAL(18,0)", "DECIMAL(18,18)", "DECIMAL(1,0)"),
                            List.of(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)));
                    for (int c = 0; c < 4; c++) {
                        BigDecimal value = rows.getBigDecimal(5 + c);
                        read.get(c).add(value == null ? null : value.toPlainString());
                    }
                }
            }
            assertEquals(EXPECTED, read);
            try (PreparedStatement sum = duckdb.prepareStatement("SELECT CAST(sum(amount) AS VARCHAR), sum(amount) = 0.3"
                    + " FROM read_parquet(?) WHERE id IN (6, 7)")) {
                sum.setString(1, file().toString());
                try (ResultSet rows = sum.executeQuery()) {
                    assertTrue(rows.next());
                    // As doubles, 0.1 + 0.2 is 0.30000000000000004.
                    assertEquals("0.30", rows.getString(1));
                    assertTrue(rows.getBoolean(2), "0.1 + 0.2 = 0.3 exactly");
                }
            }
        }
    }

    @Test
    void aValueWithMoreDecimalPlacesThanTheScaleIsRefusedSayingHowToKeepIt() {
        RowBatch batch = new RowBatch(CONTRACT, "_schemas/orders.json");
        String reason = batch.append(List.of("8", "7.125", "1", "0", "1")::get, FIELDS);
        assertEquals("column amount: '7.125' is not a decimal(16,2) (more decimal places than the 2 decimal(16,2) keeps, and not zeros: rounding"
                + " would change the amount; widen the scale in the contract, and the precision by as much to keep 14 digits before the point): the dataset's contract _schemas/orders.json types it decimal(16,2)", reason);
        assertEquals("column amount: '123456789012345' is not a decimal(16,2) (more digits before the point than the 14 decimal(16,2) keeps:"
                + " widen the precision in the contract (up to 18)): the dataset's contract _schemas/orders.json types it decimal(16,2)",
                batch.append(List.of("8", "123456789012345", "1", "0", "1")::get, FIELDS));
        assertNull(batch.append(List.of("8", "NULL", "1", "0", "1")::get, FIELDS), "a default null marker is null, as in other typed columns");
    }

    private void write(boolean plain) throws IOException {
        ParquetPartWriter part = new ParquetPartWriter(new LocalObjectStore(directory), "part.parquet", ParquetSchemas.messageType(CONTRACT),
                32L << 20, plain ? Set.of("amount", "whole", "fraction", "digit") : Set.of());
        RowBatch batch = new RowBatch(CONTRACT);
        for (List<String> row : ROWS) {
            assertNull(batch.append(row::get, FIELDS), row.toString());
        }
        part.write(batch);
        part.finish();
        part.upload().publish();
    }

    private Path file() {
        return directory.resolve("part.parquet");
    }
}
