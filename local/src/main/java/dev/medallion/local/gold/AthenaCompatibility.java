package dev.medallion.local.gold;

import dev.medallion.gold.model.GoldModel;
import io.trino.sql.parser.ParsingException;
import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.DefaultTraversalVisitor;
import io.trino.sql.tree.FunctionCall;
import io.trino.sql.tree.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a model must satisfy for Athena as well as DuckDB, checked before DuckDB runs it, so a model
 * tried locally does not fail, or yield other columns, only once deployed: the SELECT parses with
 * Trino's parser (Athena engine v3 is Trino), calls none of the DuckDB functions Athena lacks, the partition
 * columns come last, every column is named, and no column has a DuckDB-only type.
 */
final class AthenaCompatibility {
    private static final Pattern COLUMN_NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    private static final String SAME_LENGTH_SCHEMA = "silver" + "_".repeat(GoldModel.SILVER_DATABASE.length() - "silver".length());

    private static final String ARRAY_FUNCTIONS = "write Athena's array functions (array_sort, contains, cardinality, transform, filter, reduce)";

    /**
     * DuckDB's functions that a newcomer reaches for and Athena (Trino) lacks, each with Athena's to write
     * instead. A call parses as Trino SQL whatever its name, so only this list refuses them before Athena
     * does ("Function 'strftime' not registered"). It is the common ones, not all: docs/local.md says so.
     */
    private static final Map<String, String> DUCKDB_FUNCTIONS = Map.ofEntries(
            Map.entry("strftime", "write date_format(x, '%Y-%m') (MySQL's patterns) or format_datetime(x, 'yyyy-MM') (Java's)"),
            Map.entry("strptime", "write date_parse(text, '%Y-%m-%d') (MySQL's patterns) or parse_datetime(text, 'yyyy-MM-dd') (Java's)"),
            Map.entry("list", "write array_agg(x)"),
            Map.entry("array_length", "write cardinality(x)"),
            Map.entry("len", "write length(text) or cardinality(array)"),
            Map.entry("strlen", "write length(text)"),
            Map.entry("lcase", "write lower(text)"),
            Map.entry("ucase", "write upper(text)"),
            Map.entry("string_agg", "write listagg(x, ',') WITHIN GROUP (ORDER BY x) or array_join(array_agg(x), ',')"),
            Map.entry("group_concat", "write listagg(x, ',') WITHIN GROUP (ORDER BY x) or array_join(array_agg(x), ',')"),
            Map.entry("str_split", "write split(text, delimiter)"),
            Map.entry("string_split", "write split(text, delimiter)"),
            Map.entry("string_to_array", "write split(text, delimiter)"),
            Map.entry("array_to_string", "write array_join(array, delimiter)"),
            Map.entry("regexp_matches", "write regexp_like(text, pattern)"),
            Map.entry("datediff", "write date_diff('day', start, end)"),
            Map.entry("date_part", "write extract(YEAR FROM x), or year(x), month(x), day(x)"),
            Map.entry("dayname", "write date_format(x, '%W')"),
            Map.entry("monthname", "write date_format(x, '%M')"),
            Map.entry("make_date", "write date(format('%04d-%02d-%02d', y, m, d)) or date_add('day', ..., DATE '...')"),
            Map.entry("today", "write current_date"),
            Map.entry("epoch", "write to_unixtime(x)"),
            Map.entry("epoch_ms", "write to_unixtime(x) * 1000 (and from_unixtime(x / 1000) the other way)"),
            Map.entry("time_bucket", "write date_trunc(unit, x)"),
            Map.entry("ifnull", "write coalesce(x, y)"),
            Map.entry("arg_max", "write max_by(x, y)"),
            Map.entry("arg_min", "write min_by(x, y)"),
            Map.entry("median", "write approx_percentile(x, 0.5) (approximate in Athena)"),
            Map.entry("quantile", "write approx_percentile(x, q) (approximate in Athena)"),
            Map.entry("quantile_cont", "write approx_percentile(x, q) (approximate in Athena)"),
            Map.entry("quantile_disc", "write approx_percentile(x, q) (approximate in Athena)"),
            Map.entry("mode", "write the most frequent value with a GROUP BY and ROW_NUMBER()"),
            Map.entry("first", "write arbitrary(x), or min_by(x, y) for the first by an order"),
            Map.entry("last", "write max_by(x, y)"),
            Map.entry("generate_series", "write sequence(start, stop) (in FROM: CROSS JOIN UNNEST(sequence(...)) AS t(v))"),
            Map.entry("unnest", "write CROSS JOIN UNNEST(array) AS t(value) in FROM: Athena has no unnest() in the SELECT list"),
            Map.entry("printf", "write format('%s', x)"),
            Map.entry("struct_pack", "write CAST(ROW(x, y) AS ROW(a type, b type))"));

    private final SqlParser parser = new SqlParser();

    /**
     * The SELECT is parsed with a schema name as long as {@code ${silver_database}}, so that a column after it
     * on its line is the column of the model's file, where the error is reported.
     */
    void checkParses(GoldModel model) throws GoldModelException {
        String select = model.select(SAME_LENGTH_SCHEMA);
        Statement statement;
        try {
            statement = parser.createStatement(select);
        }
        catch (ParsingException e) {
            String hint = select.contains("::") ? " (write CAST(x AS type): '::' is DuckDB's and PostgreSQL's shorthand)" : "";
            throw new GoldModelException(model.name(), "is not Athena (Trino) SQL, at " + model.position(e.getLineNumber(), e.getColumnNumber())
                    + ": " + e.getErrorMessage() + hint, e);
        }
        checkFunctions(model, statement);
    }

    /** Refuses the first call, in the parsed model, of a DuckDB function Athena lacks, at its place in the model's file. */
    private static void checkFunctions(GoldModel model, Statement statement) throws GoldModelException {
        List<FunctionCall> calls = new ArrayList<>();
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitFunctionCall(FunctionCall node, Void context) {
                calls.add(node);
                return super.visitFunctionCall(node, context);
            }
        }.process(statement, null);
        for (FunctionCall call : calls) {
            List<String> parts = call.getName().getOriginalParts().stream().map(part -> part.getValue()).toList();
            if (parts.size() != 1) {
                continue;
            }
            String name = parts.get(0);
            String lower = name.toLowerCase(Locale.ROOT);
            String instead = lower.startsWith("list_") ? ARRAY_FUNCTIONS : DUCKDB_FUNCTIONS.get(lower);
            if (instead != null) {
                String at = call.getLocation().map(location -> model.position(location.getLineNumber(), location.getColumnNumber())).orElse(model.file());
                throw new GoldModelException(model.name(), "calls " + name + " at " + at + ", a function of DuckDB's that Athena (Trino) lacks: " + instead);
            }
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
