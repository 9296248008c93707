package dev.medallion.local;

import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads a gold table's Parquet files back with DuckDB, as a reader of the lake would, and with parquet-java. */
final class GoldFiles {
    private GoldFiles() {}

    /** Every row, as column name to value (LocalDateTime for timestamps), ordered as asked. */
    static List<Map<String, Object>> rows(Path table, String orderBy) throws SQLException {
        return query("SELECT * FROM " + scan(table) + " ORDER BY " + orderBy);
    }

    /** Column name to DuckDB type, in table order (partition columns last, as Hive and Athena put them). */
    static Map<String, String> schema(Path table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        for (Map<String, Object> row : query("DESCRIBE SELECT * FROM " + scan(table))) {
            columns.put((String) row.get("column_name"), (String) row.get("column_type"));
        }
        return columns;
    }

    /** The table's Parquet files, in path order. */
    static List<Path> files(Path table) throws IOException {
        try (Stream<Path> paths = Files.walk(table)) {
            return paths.filter(path -> path.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
    }

    /** One file's rows in file order, as DuckDB reads them (no partition columns). */
    static List<Map<String, Object>> rowsOfFile(Path file) throws SQLException {
        return query("SELECT * FROM read_parquet('" + file + "', hive_partitioning = false)");
    }

    /**
     * One file's rows in file order, as parquet-java reads them (through parquet-avro, with Avro's logical
     * type conversions), in the Java types DuckDB's JDBC driver gives: the second reader of what DuckDB wrote.
     */
    static List<Map<String, Object>> rowsOfFileByParquetJava(Path file) throws IOException {
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.DateConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        // DuckDB writes TIMESTAMP as not adjusted to UTC, which Avro reads as a local timestamp.
        model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file)).withDataModel(model).build()) {
            for (GenericRecord record = reader.read(); record != null; record = reader.read()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (Schema.Field field : record.getSchema().getFields()) {
                    Object value = record.get(field.pos());
                    if (value instanceof CharSequence text) {
                        value = text.toString();
                    }
                    else if (value instanceof Instant instant) {
                        value = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
                    }
                    row.put(field.name(), value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** The compression codecs of every column chunk of every file. */
    static List<Object> codecs(Path table) throws SQLException {
        return query("SELECT DISTINCT compression FROM parquet_metadata('" + table + "/**/*.parquet')").stream().map(row -> row.get("compression")).toList();
    }

    static List<Map<String, Object>> query(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            ResultSetMetaData metadata = result.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= metadata.getColumnCount(); i++) {
                    Object value = result.getObject(i);
                    row.put(metadata.getColumnName(i), value instanceof Timestamp timestamp ? timestamp.toLocalDateTime() : value);
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /**
     * Partition columns from the folder names when the table has partition folders. No test puts a
     * {@code key=value} folder above a partitioned table, which DuckDB would make a column too.
     */
    private static String scan(Path table) throws SQLException {
        boolean partitioned;
        try (Stream<Path> children = Files.list(table)) {
            partitioned = children.anyMatch(Files::isDirectory);
        }
        catch (IOException e) {
            throw new SQLException("Cannot list " + table, e);
        }
        return "read_parquet('" + table + "/**/*.parquet', hive_partitioning = " + partitioned + ")";
    }
}
