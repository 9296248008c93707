package dev.medallion.silver.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.medallion.common.json.AbsentNotNull;

import static java.util.Objects.requireNonNull;

/**
 * One column of a dataset: its safe name, its type, and the header text it came from.
 *
 * @param required whether a row whose value here is null (empty, a null marker, or the column missing from the file) is
 *         quarantined rather than written with a null, as a contract declares with {@code "required": true}. Left out when false, so
 *         that a contract or manifest written before it existed, and every inferred one, keeps its bytes, and compares equal.
 */
public record Column(
        String name,
        ColumnType type,
        String sourceName,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        @AbsentNotNull("a contract declares a column required with true, or leaves it out (read as false)") boolean required) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(sourceName, "sourceName is null");
    }

    /** A column whose value may be null, as every inferred column is. */
    public Column(String name, ColumnType type, String sourceName) {
        this(name, type, sourceName, false);
    }
}
