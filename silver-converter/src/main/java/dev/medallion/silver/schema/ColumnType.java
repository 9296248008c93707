package dev.medallion.silver.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The column types Silver writes, named as Athena and Glue name them. */
public enum ColumnType {
    BOOLEAN,
    BIGINT,
    DOUBLE,
    DATE,
    /** Milliseconds, as Athena's timestamp; see {@link dev.medallion.silver.parquet.ParquetSchemas}. */
    TIMESTAMP,
    STRING;

    @JsonValue
    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ColumnType fromSqlName(String name) {
        for (ColumnType type : values()) {
            if (type.sqlName().equalsIgnoreCase(name.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown column type '" + name + "': expected one of boolean, bigint, double, date, timestamp, string");
    }
}
