package dev.medallion.silver.parquet;

import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.ParquetTestFiles;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.Refusal;
import dev.medallion.silver.schema.SchemaContract;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.column.statistics.IntStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
            new Column("digit", ColumnType.decimal(1, 0), "digit"),
            new Column("cents", ColumnType.decimal(9, 2), "cents")), "orders/a.csv", "2026-01-01T00:00:00Z");
    private static final int[] FIELDS = {0, 1, 2, 3, 4, 5};
    private static final List<List<String>> ROWS = List.of(
            List.of("1", "-0.01", "999999999999999999", "0.999999999999999999", "9", "9999999.99"),
            List.of("2", "12345678901234.56", "-999999999999999999", "-0.999999999999999999", "-9", "-9999999.99"),
            List.of("3", "99999999999999.99", "0", "0.000000000000000001", "0", "0"),
            List.of("4", "-99999999999999.99", "1", "-.000000000000000001", "+1", "-0.01"),
            List.of("5", " 7.500 ", "", "0", "", ""),
            List.of("6", "0.1", "-1", "0.2", "5", "1.5"),
            List.of("7", "0.2", "42", "0.1", "5", "1.5"));
    /** The values written, as BigDecimals (null for null), column by column after id. */
    private static final List<List<String>> EXPECTED = List.of(
            Arrays.asList("-0.01", "12345678901234.56", "99999999999999.99", "-99999999999999.99", "7.50", "0.10", "0.20"),
            Arrays.asList("999999999999999999", "-999999999999999999", "0", "1", null, "-1", "42"),
            Arrays.asList("0.999999999999999999", "-0.999999999999999999", "0.000000000000000001", "-0.000000000000000001", "0.000000000000000000",
                    "0.200000000000000000", "0.100000000000000000"),
            Arrays.asList("9", "-9", "0", "1", null, "5", "5"),
            Arrays.asList("9999999.99", "-9999999.99", "0.00", "-0.01", null, "1.50", "1.50"));

    /** Decimals wider than a long, at their extremes and at the edges of the bytes each value needs. */
    private static final SchemaContract WIDE = new SchemaContract("ledger", List.of(
            new Column("id", ColumnType.BIGINT, "id"),
            new Column("whole", ColumnType.decimal(38, 0), "whole"),
            new Column("fraction", ColumnType.decimal(38, 38), "fraction"),
            new Column("money", ColumnType.decimal(19, 4), "money"),
            new Column("nine", ColumnType.decimal(21, 0), "nine")), "ledger/a.csv", "2026-01-01T00:00:00Z");
    private static final String MAX_38 = "9".repeat(38);
    private static final List<List<String>> WIDE_ROWS = List.of(
            List.of("1", MAX_38, "0." + MAX_38, "922337203685477.5807", "9".repeat(21)),
            List.of("2", "-" + MAX_38, "-0." + MAX_38, "-922337203685477.5808", "-" + "9".repeat(21)),
            List.of("3", "0", "0", "0", "0"),
            List.of("4", "-1", "-." + "0".repeat(37) + "1", "-0.0001", "-1"),
            List.of("5", "", "", " 7.50000 ", ""),
            // 2^63 and -2^63 - 1: the least magnitudes that need 9 bytes.
            List.of("6", "9223372036854775808", "0." + "0".repeat(37) + "1", "0.0001", "9223372036854775808"),
            List.of("7", "-9223372036854775809", "0.5", "-0.0001", "-9223372036854775809"),
            // -2^63, which a long holds, its sign carried through the bytes above; and 2^119, the least value that needs 16 bytes.
            List.of("8", "-9223372036854775808", "-0.1", "123456789012345.6789", "-9223372036854775808"),
            List.of("9", "664613997892457936451903530140172288", "0.1", "-123456789012345.6789", "9223372036854775807"),
            List.of("10", "-664613997892457936451903530140172289", "-0.5", "", "1"));

    @TempDir
    Path directory;

    /**
     * Each precision in the narrowest physical type parquet-format's LogicalTypes.md allows it: INT32 for 1 to 9, INT64 for 10 to 18,
     * FIXED_LEN_BYTE_ARRAY above. An INT64 of 9 digits or fewer is allowed too, but parquet-java's schema builder warns of it.
     */
    @Test
    void eachDecimalIsWrittenInTheNarrowestTypeItsPrecisionFits() throws IOException {
        write(false);
        var schema = ParquetTestFiles.schema(file());
        PrimitiveType amount = schema.getType("amount").asPrimitiveType();
        assertEquals(PrimitiveTypeName.INT64, amount.getPrimitiveTypeName());
        assertEquals(LogicalTypeAnnotation.decimalType(2, 16), amount.getLogicalTypeAnnotation());
        assertEquals(PrimitiveTypeName.INT64, schema.getType("whole").asPrimitiveType().getPrimitiveTypeName());
        assertEquals(LogicalTypeAnnotation.decimalType(18, 18), schema.getType("fraction").getLogicalTypeAnnotation());
        assertEquals(PrimitiveTypeName.INT32, schema.getType("digit").asPrimitiveType().getPrimitiveTypeName());
        assertEquals(LogicalTypeAnnotation.decimalType(0, 1), schema.getType("digit").getLogicalTypeAnnotation());
        assertEquals(PrimitiveTypeName.INT32, schema.getType("cents").asPrimitiveType().getPrimitiveTypeName());
        assertEquals(LogicalTypeAnnotation.decimalType(2, 9), schema.getType("cents").getLogicalTypeAnnotation());
        for (int precision = 1; precision <= ColumnType.MAX_DECIMAL_PRECISION; precision++) {
            SchemaContract one = new SchemaContract("one", List.of(new Column("value", ColumnType.decimal(precision, 0), "value")), "one/a.csv",
                    "2026-01-01T00:00:00Z");
            PrimitiveTypeName expected = precision <= 9 ? PrimitiveTypeName.INT32
                    : precision <= 18 ? PrimitiveTypeName.INT64 : PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
            assertEquals(expected, ParquetSchemas.messageType(one).getType("value").asPrimitiveType().getPrimitiveTypeName(), "precision " + precision);
        }
    }

    /**
     * The schema of a decimal of 9 digits or fewer makes parquet-java's schema builder log nothing: given an INT64 one, it logs
     * {@code WARN ...Types$BasePrimitiveBuilder - Decimal with 9 digits is stored in an INT64, but fits in an INT32} through
     * slf4j-simple on standard error (its {@code logFile}, simplelogger.properties), a line of every conversion in CloudWatch.
     */
    @Test
    void theSchemaOfANarrowDecimalMakesParquetJavaWarnOfNothing() {
        SchemaContract narrow = new SchemaContract("orders", List.of(new Column("cents", ColumnType.decimal(9, 2), "cents"),
                new Column("digit", ColumnType.decimal(1, 0), "digit")), "orders/a.csv", "2026-01-01T00:00:00Z");
        java.io.PrintStream standardError = System.err;
        java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(logged, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            ParquetSchemas.messageType(narrow);
        }
        finally {
            System.setErr(standardError);
        }
        assertEquals("", logged.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void parquetJavaReadsTheExactValuesBack() throws IOException {
        for (boolean plain : new boolean[] {false, true}) {
            write(plain);
            List<GenericRecord> records = ParquetTestFiles.readAll(file());
            assertEquals(ROWS.size(), records.size());
            String[] columns = {"amount", "whole", "fraction", "digit", "cents"};
            for (int c = 0; c < columns.length; c++) {
                List<String> read = new ArrayList<>();
                for (GenericRecord record : records) {
                    // parquet-avro converts the INT64's or INT32's unscaled value, as its DECIMAL annotation says.
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
        for (boolean plain : new boolean[] {false, true}) {
            write(plain);
            chunks = ParquetTestFiles.rowGroups(file()).get(0).getColumns();
            // An INT32's statistics are ints, compared signed, as its DECIMAL annotation orders them.
            Statistics<?> digit = chunks.get(4).getStatistics();
            assertInstanceOf(IntStatistics.class, digit, "an INT32's statistics");
            assertEquals(List.of(-9, 9, 1L), List.of(digit.genericGetMin(), digit.genericGetMax(), digit.getNumNulls()), plain ? "plain" : "dictionary");
            Statistics<?> cents = chunks.get(5).getStatistics();
            assertEquals(List.of(-999999999, 999999999, 1L), List.of(cents.genericGetMin(), cents.genericGetMax(), cents.getNumNulls()),
                    plain ? "plain" : "dictionary");
        }
    }

    @Test
    void duckDbReadsTheExactValuesAndSumsThemExactly() throws IOException, SQLException {
        write(false);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement query = duckdb.prepareStatement("SELECT typeof(amount), typeof(whole), typeof(fraction), typeof(digit),"
                        + " typeof(cents), amount, whole, fraction, digit, cents FROM read_parquet(?) ORDER BY id")) {
            query.setString(1, file().toString());
            List<List<String>> read = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    assertEquals(List.of("DECIMAL(16,2)", "DECIMAL(18,0)", "DECIMAL(18,18)", "DECIMAL(1,0)", "DECIMAL(9,2)"),
                            List.of(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5)));
                    for (int c = 0; c < 5; c++) {
                        BigDecimal value = rows.getBigDecimal(6 + c);
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

    /**
     * A table may hold files of both: a decimal(9,2) column written as INT64 by a converter from before INT32, and as INT32 now.
     * DuckDB, as Trino, takes the physical type from each file's own footer, and reads both as the column's DECIMAL(9,2).
     */
    @Test
    void duckDbReadsATableOfOldInt64AndNewInt32FilesOfOneDecimalColumn() throws IOException, SQLException {
        SchemaContract narrow = new SchemaContract("orders", List.of(new Column("id", ColumnType.BIGINT, "id"),
                new Column("cents", ColumnType.decimal(9, 2), "cents")), "orders/a.csv", "2026-01-01T00:00:00Z");
        write(narrow, List.of(List.of("1", "9999999.99"), List.of("2", "-0.01"), List.of("3", "")), false);
        assertEquals(PrimitiveTypeName.INT32, ParquetTestFiles.schema(file()).getType("cents").asPrimitiveType().getPrimitiveTypeName());
        // The file an earlier converter wrote: the same column as INT64 DECIMAL(9,2), written by parquet-java's own writer.
        MessageType old = Types.buildMessage()
                .optional(PrimitiveTypeName.INT64).named("id")
                .optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.decimalType(2, 9)).named("cents")
                .named("orders");
        Path oldFile = directory.resolve("old.parquet");
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(oldFile)).withType(old).build()) {
            SimpleGroupFactory groups = new SimpleGroupFactory(old);
            writer.write(groups.newGroup().append("id", 4L).append("cents", -999999999L));
            writer.write(groups.newGroup().append("id", 5L).append("cents", 150L));
        }
        assertEquals(PrimitiveTypeName.INT64, ParquetTestFiles.schema(oldFile).getType("cents").asPrimitiveType().getPrimitiveTypeName());
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement query = duckdb.prepareStatement("SELECT typeof(cents), CAST(cents AS VARCHAR) FROM read_parquet([?, ?]) ORDER BY id");
                PreparedStatement sum = duckdb.prepareStatement("SELECT CAST(sum(cents) AS VARCHAR) FROM read_parquet([?, ?])")) {
            List<String> read = new ArrayList<>();
            query.setString(1, file().toString());
            query.setString(2, oldFile.toString());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    assertEquals("DECIMAL(9,2)", rows.getString(1));
                    read.add(rows.getString(2));
                }
            }
            assertEquals(Arrays.asList("9999999.99", "-0.01", null, "-9999999.99", "1.50"), read);
            sum.setString(1, file().toString());
            sum.setString(2, oldFile.toString());
            try (ResultSet rows = sum.executeQuery()) {
                assertTrue(rows.next());
                assertEquals("1.49", rows.getString(1));
            }
        }
    }

    @Test
    void aValueWithMoreDecimalPlacesThanTheScaleIsRefusedSayingHowToKeepIt() {
        RowBatch batch = new RowBatch(CONTRACT, "_schemas/orders.json");
        String reason = batch.append(List.of("8", "7.125", "1", "0", "1", "1")::get, FIELDS);
        assertEquals("column amount: '7.125' is not a decimal(16,2) (more decimal places than the 2 decimal(16,2) keeps, and not zeros: rounding"
                + " would change the amount; widen the scale in the contract, and the precision by as much to keep 14 digits before the point): the dataset's contract _schemas/orders.json types it decimal(16,2)", reason);
        assertEquals("column amount: '123456789012345' is not a decimal(16,2) (more digits before the point than the 14 decimal(16,2) keeps:"
                + " widen the precision in the contract (up to 38)): the dataset's contract _schemas/orders.json types it decimal(16,2)",
                batch.append(List.of("8", "123456789012345", "1", "0", "1", "1")::get, FIELDS));
        assertNull(batch.append(List.of("8", "NULL", "1", "0", "1", "1")::get, FIELDS), "a default null marker is null, as in other typed columns");
    }

    @Test
    void aDecimalWiderThanALongIsAFixedLengthByteArrayOfTheFewestBytesItsPrecisionNeeds() throws IOException {
        write(WIDE, WIDE_ROWS, false);
        var schema = ParquetTestFiles.schema(file());
        PrimitiveType whole = schema.getType("whole").asPrimitiveType();
        assertEquals(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, whole.getPrimitiveTypeName());
        assertEquals(16, whole.getTypeLength());
        assertEquals(LogicalTypeAnnotation.decimalType(0, 38), whole.getLogicalTypeAnnotation());
        assertEquals(LogicalTypeAnnotation.decimalType(38, 38), schema.getType("fraction").getLogicalTypeAnnotation());
        assertEquals(9, schema.getType("money").asPrimitiveType().getTypeLength());
        assertEquals(LogicalTypeAnnotation.decimalType(4, 19), schema.getType("money").getLogicalTypeAnnotation());
        assertEquals(9, schema.getType("nine").asPrimitiveType().getTypeLength());
        // parquet-format's LogicalTypes.md: n bytes hold floor(log10(2^(8n-1) - 1)) digits; Hive's and Spark's tables of it.
        int[] bytesByPrecision = {9, 9, 9, 10, 10, 11, 11, 11, 12, 12, 13, 13, 13, 14, 14, 15, 15, 16, 16, 16};
        for (int precision = 19; precision <= 38; precision++) {
            assertEquals(bytesByPrecision[precision - 19], ParquetSchemas.decimalBytes(precision), "precision " + precision);
        }
    }

    @Test
    void parquetJavaReadsTheExactWideValuesBackSignsExtended() throws IOException {
        for (boolean plain : new boolean[] {false, true}) {
            write(WIDE, WIDE_ROWS, plain);
            List<GenericRecord> records = ParquetTestFiles.readAll(file());
            assertEquals(WIDE_ROWS.size(), records.size());
            String[] columns = {"whole", "fraction", "money", "nine"};
            for (int c = 0; c < columns.length; c++) {
                List<String> read = new ArrayList<>();
                for (GenericRecord record : records) {
                    // Avro's decimal conversion reads the bytes as a big-endian two's complement BigInteger, as the DECIMAL annotation says.
                    BigDecimal value = (BigDecimal) record.get(columns[c]);
                    read.add(value == null ? null : value.toPlainString());
                }
                assertEquals(expectedWide(c), read, columns[c] + (plain ? ", written plain" : ", with a dictionary"));
            }
        }
    }

    @Test
    void wideStatisticsAreTheSignedMinimumAndMaximumNotTheBytesOrder() throws IOException {
        write(WIDE, WIDE_ROWS, false);
        List<ColumnChunkMetaData> chunks = ParquetTestFiles.rowGroups(file()).get(0).getColumns();
        // Compared as unsigned bytes, the minimum would be 0 and the maximum -1 (all bytes 0xFF).
        assertEquals(List.of(new BigInteger("-" + MAX_38), new BigInteger(MAX_38)), minMax(chunks.get(1).getStatistics()));
        assertEquals(1, chunks.get(1).getStatistics().getNumNulls());
        assertEquals(List.of(new BigInteger("-" + MAX_38), new BigInteger(MAX_38)), minMax(chunks.get(2).getStatistics()));
        assertEquals(List.of(BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)), minMax(chunks.get(3).getStatistics()));
        assertEquals(List.of(new BigInteger("-" + "9".repeat(21)), new BigInteger("9".repeat(21))), minMax(chunks.get(4).getStatistics()));
        write(WIDE, WIDE_ROWS, true);
        assertEquals(List.of(new BigInteger("-" + MAX_38), new BigInteger(MAX_38)),
                minMax(ParquetTestFiles.rowGroups(file()).get(0).getColumns().get(1).getStatistics()), "written plain");
    }

    @Test
    void duckDbReadsTheExactWideValuesAndSumsThemExactly() throws IOException, SQLException {
        write(WIDE, WIDE_ROWS, false);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement query = duckdb.prepareStatement("SELECT typeof(whole), typeof(fraction), typeof(money), typeof(nine),"
                        + " CAST(whole AS VARCHAR), CAST(fraction AS VARCHAR), CAST(money AS VARCHAR), CAST(nine AS VARCHAR)"
                        + " FROM read_parquet(?) ORDER BY id")) {
            query.setString(1, file().toString());
            List<List<String>> read = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    assertEquals(List.of("DECIMAL(38,0)", "DECIMAL(38,38)", "DECIMAL(19,4)", "DECIMAL(21,0)"),
                            List.of(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)));
                    for (int c = 0; c < 4; c++) {
                        // As text, so that no JDBC conversion stands between DuckDB's value and the comparison.
                        String value = rows.getString(5 + c);
                        read.get(c).add(value == null ? null : new BigDecimal(value).toPlainString());
                    }
                }
            }
            for (int c = 0; c < 4; c++) {
                List<String> expected = new ArrayList<>();
                for (String value : expectedWide(c)) {
                    expected.add(value == null ? null : new BigDecimal(value).toPlainString());
                }
                assertEquals(expected, read.get(c), "column " + c);
            }
            try (PreparedStatement sum = duckdb.prepareStatement("SELECT CAST(sum(money) AS VARCHAR), CAST(sum(nine) AS VARCHAR)"
                    + " FROM read_parquet(?) WHERE id IN (6, 7, 8, 9)")) {
                sum.setString(1, file().toString());
                try (ResultSet rows = sum.executeQuery()) {
                    assertTrue(rows.next());
                    assertEquals("0.0000", rows.getString(1));
                    assertEquals("-2", rows.getString(2));
                }
            }
        }
    }

    @Test
    void aWideValueBeyondItsTypeIsRefusedSayingHowToKeepIt() {
        RowBatch batch = new RowBatch(WIDE, "_schemas/ledger.json");
        int[] fields = {0, 1, 2, 3, 4};
        assertEquals("column whole: '1" + "0".repeat(38) + "' is not a decimal(38,0) (more digits before the point than the 38 decimal(38,0) keeps:"
                + " precision 38 is the widest Athena and Glue hold: declare it string there to keep such values): the dataset's contract"
                + " _schemas/ledger.json types it decimal(38,0)", batch.append(List.of("1", "1" + "0".repeat(38), "0", "0", "0")::get, fields));
        assertEquals("column fraction: '0." + "0".repeat(38) + "1' is not a decimal(38,38) (more decimal places than the 38 decimal(38,38) keeps,"
                + " and not zeros: rounding would change the amount; widen the scale in the contract, each place a digit fewer before the point at"
                + " precision 38, the widest written): the dataset's contract _schemas/ledger.json types it decimal(38,38)",
                batch.append(List.of("1", "0", "0." + "0".repeat(38) + "1", "0", "0")::get, fields));
        assertEquals("column money: '1234567890123456' is not a decimal(19,4) (more digits before the point than the 15 decimal(19,4) keeps:"
                + " widen the precision in the contract (up to 38)): the dataset's contract _schemas/ledger.json types it decimal(19,4)",
                batch.append(List.of("1", "0", "0", "1234567890123456", "0")::get, fields));
        assertEquals("column money: '1e3' is not a decimal(19,4) (" + Refusal.EXPONENT_IN_DECIMAL.description() + "): the dataset's contract"
                + " _schemas/ledger.json types it decimal(19,4)", batch.append(List.of("1", "0", "0", "1e3", "0")::get, fields));
        assertNull(batch.append(List.of("1", "NULL", "0", "0", "0")::get, fields), "a default null marker is null, as in other typed columns");
        assertEquals(1, batch.size());
        assertNull(batch.vectors()[1].valueAt(0));
    }

    /** The values of {@link #WIDE}'s column {@code c} (after id) as written, BigDecimals' plain strings at the column's scale. */
    private static List<String> expectedWide(int c) {
        int scale = WIDE.columns().get(c + 1).type().scale();
        List<String> expected = new ArrayList<>();
        for (List<String> row : WIDE_ROWS) {
            String text = row.get(c + 1).strip();
            expected.add(text.isEmpty() ? null : new BigDecimal(text).setScale(scale).toPlainString());
        }
        return expected;
    }

    /** A FIXED_LEN_BYTE_ARRAY DECIMAL chunk's minimum and maximum unscaled values, their bytes read as two's complement. */
    private static List<BigInteger> minMax(Statistics<?> statistics) {
        return List.of(new BigInteger(((Binary) statistics.genericGetMin()).getBytes()), new BigInteger(((Binary) statistics.genericGetMax()).getBytes()));
    }

    private void write(boolean plain) throws IOException {
        write(CONTRACT, ROWS, plain);
    }

    private void write(SchemaContract contract, List<List<String>> rows, boolean plain) throws IOException {
        Set<String> columns = new java.util.HashSet<>();
        contract.columns().stream().filter(column -> column.type().isDecimal()).forEach(column -> columns.add(column.name()));
        ParquetPartWriter part = new ParquetPartWriter(new LocalObjectStore(directory), "part.parquet", ParquetSchemas.messageType(contract),
                32L << 20, plain ? columns : Set.of());
        RowBatch batch = new RowBatch(contract);
        int[] fields = java.util.stream.IntStream.range(0, contract.columns().size()).toArray();
        for (List<String> row : rows) {
            assertNull(batch.append(row::get, fields), row.toString());
        }
        part.write(batch);
        part.finish();
        part.upload().publish();
    }

    private Path file() {
        return directory.resolve("part.parquet");
    }
}
