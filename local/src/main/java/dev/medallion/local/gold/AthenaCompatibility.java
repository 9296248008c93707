package dev.medallion.local.gold;

import dev.medallion.gold.model.GoldModel;
import io.trino.sql.parser.ParsingException;
import io.trino.sql.parser.SqlParser;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a model must satisfy for Athena as well as DuckDB, checked before DuckDB runs it, so a model
 * tried locally does not fail, or yield other columns, only once deployed: the SELECT parses with
 * Trino's parser (Athena engine v3 is Trino), the partition columns come last, every column is named, and
 * no column has a DuckDB-only type.
 */
final class AthenaCompatibility {
    private static final Pattern COLUMN_NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    private static final String SAME_LENGTH_SCHEMA = "silver" + "_".repeat(GoldModel.SILVER_DATABASE.length() - "silver".length());

    private final SqlParser parser = new SqlParser();

    /**
     * The SELECT is parsed with a schema name as long as {@code ${silver_database}}, so that a column after it
     * on its line is the column of the model's file, where the error is reported.
     */
    void checkParses(GoldModel model) throws GoldModelException {
        String select = model.select(SAME_LENGTH_SCHEMA);
        try {
            parser.createStatement(select);
        }
        catch (ParsingException e) {
            String hint = select.contains("::") ? " (write CAST(x AS type): '::' is DuckDB's and PostgreSQL's shorthand)" : "";
            throw new GoldModelException(model.name(), "is not Athena (Trino) SQL, at " + model.position(e.getLineNumber(), e.getColumnNumber())
                    + ": " + e.getErrorMessage() + hint, e);
        }
    }

    void checkColumns(GoldModel model, List<Column> columns) throws GoldModelException {
        List<String> names = columns.stream().map(Column::name).toList();
        for (Column column : columns) {
            if (!COLUMN_NAME.matcher(column.name()).matches()) {
                // An expression without an alias is named by each engine its own way (count_star() here, _col3 in Athena).
                throw new GoldModelException(model.name(), "has a column named '" + column.name()
                        + "': give every column a lowercase alias of [a-z0-9_] (AS name), the same in DuckDB, Athena and Glue");
            }
            String problem = typeProblem(column.type());
            if (problem != null) {
                throw new GoldModelException(model.name(), "column " + column.name() + " is " + column.type() + " in DuckDB: " + problem);
            }
        }
        List<String> partitions = model.partitionedBy();
        if (!partitions.isEmpty()) {
            List<String> last = names.subList(Math.max(0, names.size() - partitions.size()), names.size());
            if (!last.equals(partitions)) {
                throw new GoldModelException(model.name(), "is partitioned by " + partitions + ", which must be the SELECT's last columns in that order"
                        + " (Athena's CTAS requires it); the SELECT ends with " + last);
            }
            if (partitions.size() == names.size()) {
                throw new GoldModelException(model.name(), "has only partition columns; Athena's CTAS needs at least one other column");
            }
        }
    }

    /** Why a DuckDB type would differ in Athena, or null when Athena has the same type. */
    private static String typeProblem(String type) {
        String upper = type.toUpperCase(Locale.ROOT);
        if (upper.equals("HUGEINT")) {
            return "DuckDB sums a BIGINT into a HUGEINT (written to Parquet as DOUBLE) where Athena keeps BIGINT; write CAST(SUM(x) AS BIGINT)";
        }
        if (upper.matches("U(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)")) {
            return "Athena has no unsigned integers; CAST it AS BIGINT or DECIMAL";
        }
        if (upper.startsWith("TIMESTAMP WITH TIME ZONE") || upper.equals("TIMESTAMPTZ") || upper.startsWith("TIME") && !upper.startsWith("TIMESTAMP")
                || upper.equals("INTERVAL") || upper.equals("UUID")) {
            return "Athena tables cannot hold this type; CAST it to TIMESTAMP, VARCHAR or a number";
        }
        return null;
    }
}
