package dev.medallion.local;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a gold table's Parquet files back with DuckDB, as a reader of the lake would. */
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

    private static String scan(Path table) {
        // The temporary directories tests use hold no key=value folder above the table.
        return "read_parquet('" + table + "/**/*.parquet', hive_partitioning = true)";
    }
}
