package dev.medallion.local.gold;

import dev.medallion.gold.model.GoldModel;
import io.trino.sql.ExpressionFormatter;
import io.trino.sql.parser.ParsingException;
import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.AllColumns;
import io.trino.sql.tree.ArithmeticBinaryExpression;
import io.trino.sql.tree.DecimalLiteral;
import io.trino.sql.tree.DefaultTraversalVisitor;
import io.trino.sql.tree.DereferenceExpression;
import io.trino.sql.tree.DoubleLiteral;
import io.trino.sql.tree.Expression;
import io.trino.sql.tree.FunctionCall;
import io.trino.sql.tree.Identifier;
import io.trino.sql.tree.LongLiteral;
import io.trino.sql.tree.Node;
import io.trino.sql.tree.Query;
import io.trino.sql.tree.QueryBody;
import io.trino.sql.tree.QuerySpecification;
import io.trino.sql.tree.SelectItem;
import io.trino.sql.tree.SetOperation;
import io.trino.sql.tree.SimpleGroupBy;
import io.trino.sql.tree.SingleColumn;
import io.trino.sql.tree.Statement;
import io.trino.sql.tree.Table;
import io.trino.sql.tree.TableSubquery;
import io.trino.sql.tree.WithQuery;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a model must satisfy for Athena as well as DuckDB, checked before DuckDB runs it, so a model
 * tried locally does not fail, or yield other columns, only once deployed: the SELECT parses with
 * Trino's parser (Athena engine v3 is Trino), reads only silver tables and its own WITH queries, calls only functions Athena engine version 3 has, the partition
 * columns come last, every column is named, and no column has a DuckDB-only type.
 */
final class AthenaCompatibility {
    private static final Pattern COLUMN_NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    private static final String SAME_LENGTH_SCHEMA = "silver" + "_".repeat(GoldModel.SILVER_DATABASE.length() - "silver".length());

    /**
     * Follows, in the advice, an expression quoted in backquotes that only Athena runs: DuckDB lacks a function
     * it calls (or its function of that name means another thing, which the advice then says), so a model
     * written with it fails locally, and a person must know that before writing it.
     */
    static final String ATHENA_ONLY = " (Athena only: local cannot run it";

    /** What to write instead of any of DuckDB's list_* functions, in the form of {@link #DUCKDB_FUNCTIONS}'s advice. */
    static final String ARRAY_FUNCTIONS = "write `array_sort(items)`, `contains(items, x)`, `filter(items, e -> e > 1)` or `items || more_items`, which both engines run;"
            + " `transform(items, e -> e * 2)`" + ATHENA_ONLY + ") and `reduce(items, 0, (s, e) -> s + e, s -> s)`" + ATHENA_ONLY + ", DuckDB's reduce takes other arguments)";

    /** Where a person finds the functions Athena has, named when a call is to none of them. */
    private static final String ATHENA_FUNCTIONS_LIST = "https://trino.io/docs/current/functions/list.html";

    /**
     * The functions Athena engine version 3 has, lowercase: a call to any other is refused before DuckDB runs
     * it, since a call parses as Trino SQL whatever its name and DuckDB runs its own, and Athena would fail
     * the query ("Function 'strftime' not registered"). The file says where its names come from.
     */
    private static final Set<String> ATHENA_FUNCTIONS = athenaFunctions();

    private static final String ARRAY_LENGTH = "write `(SELECT count(*) FROM UNNEST(items) AS u(e))`, which both engines run; `cardinality(items)`" + ATHENA_ONLY
            + ", DuckDB's cardinality takes only maps)";
    private static final String JOIN_TEXT = "in Athena write `listagg(text, ',') WITHIN GROUP (ORDER BY text)`" + ATHENA_ONLY
            + ", DuckDB's listagg takes no WITHIN GROUP): no aggregate both engines have joins text, so try the model in Athena";
    private static final String SPLIT = "write `split(text, delimiter)`, which both engines run";
    private static final String COALESCE = "write `coalesce(x, y)`, which both engines run";
    private static final String QUANTILE = "in Athena write `approx_percentile(x, q)`" + ATHENA_ONLY + ", approximate): no function both engines have takes a quantile, so try the model in Athena";
    private static final String CONTAINS = "write `contains(items, x)`, which both engines run";
    private static final String CONCAT_ARRAYS = "write `items || more_items`, which both engines run (NULL if either is NULL, in both; concat skips a NULL array in DuckDB only)";

    /**
     * DuckDB's functions that a newcomer reaches for and Athena (Trino) lacks, each with what to write instead,
     * said when a model calls one; a call to another function Athena lacks is refused too, without such advice.
     * The advice leads with an expression DuckDB and Athena both run alike, where one exists, so that a model
     * written as advised runs locally too; Athena's own function comes second, marked {@link #ATHENA_ONLY},
     * since local cannot run it (GoldBuilder says so again if a model calls it). Expressions are in backquotes,
     * over placeholders (ts a TIMESTAMP, text, items an array, x and y numbers) that DuckDbFunctionAdviceTest
     * runs on DuckDB.
     */
    static final Map<String, String> DUCKDB_FUNCTIONS = Map.ofEntries(
            Map.entry("strftime", "write `CAST(date_trunc('month', ts) AS DATE)` for a month, `year(ts)` for a year, or"
                    + " `CAST(year(ts) AS VARCHAR) || '-' || lpad(CAST(month(ts) AS VARCHAR), 2, '0')` for the text 2024-03, which both engines run;"
                    + " other patterns: `date_format(ts, '%Y-%m-%d %H:%i')`" + ATHENA_ONLY + ", MySQL's patterns)"),
            Map.entry("strptime", "write `CAST(date_text AS DATE)` for 2024-03-15 or `CAST(timestamp_text AS TIMESTAMP)` for 2024-03-15 10:20:30, which both engines run;"
                    + " other patterns: `date_parse(text, '%d/%m/%Y')`" + ATHENA_ONLY + ", MySQL's patterns)"),
            Map.entry("list", "write `array_agg(x)`, which both engines run"),
            Map.entry("array_length", ARRAY_LENGTH),
            Map.entry("len", "write `length(text)` or, for an array, `(SELECT count(*) FROM UNNEST(items) AS u(e))`, which both engines run;"
                    + " `cardinality(items)`" + ATHENA_ONLY + ", DuckDB's cardinality takes only maps)"),
            Map.entry("strlen", "write `length(text)`, which both engines run"),
            Map.entry("lcase", "write `lower(text)`, which both engines run"),
            Map.entry("ucase", "write `upper(text)`, which both engines run"),
            Map.entry("string_agg", JOIN_TEXT),
            Map.entry("group_concat", JOIN_TEXT),
            Map.entry("str_split", SPLIT),
            Map.entry("string_split", SPLIT),
            Map.entry("string_to_array", SPLIT),
            Map.entry("array_to_string", "in Athena write `array_join(items, delimiter)`" + ATHENA_ONLY + "): no function both engines have joins an array into text, so try the model in Athena"),
            Map.entry("regexp_matches", "write `text LIKE '%b%'` where a LIKE pattern says it, which both engines run; `regexp_like(text, 'a.*b')`" + ATHENA_ONLY + ")"),
            Map.entry("regexp_full_match", "write `text LIKE 'a%b'` where a LIKE pattern says it, which both engines run; `regexp_like(text, '^(?:a.*b)$')`" + ATHENA_ONLY + ")"),
            Map.entry("datediff", "write `date_diff('day', start_date, end_date)` on DATEs, which both engines run (CAST a timestamp AS DATE first:"
                    + " on timestamps DuckDB counts the midnights crossed, Athena the whole days)"),
            Map.entry("date_part", "write `extract(YEAR FROM ts)`, `year(ts)`, `month(ts)` or `day(ts)`, which both engines run"),
            Map.entry("dayname", "in Athena write `date_format(ts, '%W')`" + ATHENA_ONLY + "): no function both engines have names the day, so try the model in Athena"),
            Map.entry("monthname", "write `month(ts)` for the month's number, which both engines run; its name: `date_format(ts, '%M')`" + ATHENA_ONLY + ")"),
            Map.entry("make_date", "write `CAST(CAST(y AS VARCHAR) || '-' || lpad(CAST(m AS VARCHAR), 2, '0') || '-' || lpad(CAST(d AS VARCHAR), 2, '0') AS DATE)`,"
                    + " which both engines run"),
            Map.entry("today", "write `current_date`, which both engines run"),
            Map.entry("epoch", "write `date_diff('second', TIMESTAMP '1970-01-01 00:00:00.000', ts)` for the whole seconds since 1970, which both engines run;"
                    + " with the fraction `to_unixtime(ts)`" + ATHENA_ONLY + ")"),
            Map.entry("epoch_ms", "write `date_diff('millisecond', TIMESTAMP '1970-01-01 00:00:00.000', ts)` for the milliseconds since 1970, which both engines run;"
                    + " the other way `from_unixtime(ms / 1000.0)`" + ATHENA_ONLY + ")"),
            Map.entry("time_bucket", "write `date_trunc('hour', ts)` (or 'day', 'month', ...), which both engines run"),
            Map.entry("ifnull", COALESCE),
            Map.entry("nvl", COALESCE),
            Map.entry("arg_max", "write `max_by(x, y)`, which both engines run"),
            Map.entry("arg_min", "write `min_by(x, y)`, which both engines run"),
            Map.entry("median", "in Athena write `approx_percentile(x, 0.5)`" + ATHENA_ONLY + ", approximate): no function both engines have takes a median, so try the model in Athena"),
            Map.entry("quantile", QUANTILE),
            Map.entry("quantile_cont", QUANTILE),
            Map.entry("quantile_disc", QUANTILE),
            Map.entry("mode", "write `max_by(x, n)` over a subquery that counts each value as n with GROUP BY x, which both engines run (a tie takes either value)"),
            Map.entry("first", "write `arbitrary(x)`, or `min_by(x, y)` for the first by y, which both engines run"),
            Map.entry("last", "write `max_by(x, y)`, the last by y, which both engines run"),
            Map.entry("generate_series", "in Athena write `CROSS JOIN UNNEST(sequence(start_date, end_date)) AS t(value)`" + ATHENA_ONLY
                    + ", in FROM; DuckDB lacks sequence): no function both engines have makes a series, so list the values (VALUES ...) or try the model in Athena"),
            Map.entry("unnest", "write `CROSS JOIN UNNEST(items) AS t(value)` in FROM, which both engines run: Athena has no unnest() in the SELECT list"),
            Map.entry("printf", "write `CAST(x AS VARCHAR)`, joined with ||, or `lpad(CAST(x AS VARCHAR), 4, '0')` for a width, which both engines run;"
                    + " `format('%04d', x)`" + ATHENA_ONLY + " alike, DuckDB's format reads {} patterns)"),
            Map.entry("struct_pack", "write `CAST(ROW(x, y) AS ROW(a BIGINT, b BIGINT))`, which both engines run"),
            Map.entry("array_has", CONTAINS),
            Map.entry("array_contains", CONTAINS),
            Map.entry("array_cat", CONCAT_ARRAYS),
            Map.entry("array_concat", CONCAT_ARRAYS),
            Map.entry("array_value", "write `ARRAY[x, y]`, which both engines run"),
            Map.entry("array_unique", "write `(SELECT count(DISTINCT e) FROM UNNEST(items) AS u(e))`, which both engines run;"
                    + " `cardinality(array_distinct(items))`" + ATHENA_ONLY + ", DuckDB's cardinality takes only maps, and it counts a NULL)"),
            Map.entry("array_slice", "in Athena write `slice(items, 2, 1)`" + ATHENA_ONLY + ", a length, not an end): no function both engines have slices an array, so try the model in Athena"),
            Map.entry("array_filter", "write `filter(items, e -> e > 1)`, which both engines run"),
            Map.entry("array_transform", "in Athena write `transform(items, e -> e * 2)`" + ATHENA_ONLY + "): no function both engines have maps an array, so try the model in Athena"),
            Map.entry("suffix", "write `ends_with(text, suffix)`, which both engines run"),
            Map.entry("prefix", "write `starts_with(text, prefix)`, which both engines run"),
            Map.entry("instr", "write `strpos(text, substring)`, which both engines run"),
            Map.entry("try_strptime", "write `TRY_CAST(date_text AS DATE)` for 2024-03-15, which both engines run; other patterns: `try(date_parse(text, '%d/%m/%Y'))`" + ATHENA_ONLY + ")"),
            Map.entry("hash", "in Athena write `xxhash64(to_utf8(text))`" + ATHENA_ONLY + ", a VARBINARY): no hash function both engines have gives the same value, so try the model in Athena"),
            Map.entry("json_extract_string", "in Athena write `json_extract_scalar(json, '$.a')`" + ATHENA_ONLY + "): no JSON function both engines have gives the same text, so try the model in Athena"));

    private final SqlParser parser = new SqlParser();

    /**
     * The SELECT is parsed with a schema name as long as {@code ${silver_database}}, so that a column after it
     * on its line is the column of the model's file, where the error is reported.
     */
    Statement checkParses(GoldModel model) throws GoldModelException {
        String select = model.select(SAME_LENGTH_SCHEMA);
        Statement statement;
        try {
            statement = parser.createStatement(select);
        }
        catch (ParsingException e) {
            String hint = select.contains("::") ? " (write CAST(x AS type): '::' is DuckDB's and PostgreSQL's shorthand)" : "";
            if (e.getErrorMessage().startsWith("mismatched input ';'")) {
                // GoldModels drops a last ';', but not one before a comment or between statements; the parser then lists every token it expected.
                hint = " (a model is one SELECT, with no ';' inside it or before a comment at its end: the builder puts it inside statements of its own;"
                        + " remove the ';')";
            }
            throw new GoldModelException(model.name(), "is not Athena (Trino) SQL, at " + model.position(e.getLineNumber(), e.getColumnNumber())
                    + ": " + e.getErrorMessage() + hint, e);
        }
        checkTables(model, statement);
        checkFunctions(model, statement);
        checkGroupByAll(model, statement);
        checkSubstringStarts(model, statement);
        checkDateAddArguments(model, statement);
        checkDivisionsByZero(model, statement);
        checkConcatCalls(model, select, statement);
        return statement;
    }

    /**
     * Refuses, at its place, a table named otherwise than {@code ${silver_database}.<dataset>} or as a WITH query
     * of the model. Locally the silver schema is named silver, so {@code silver.products} ran here (DuckDB's own
     * error suggests it) and fails in Athena, whose silver database is named per deployment; and a name alone
     * ({@code top_products}) failed here while Athena looks it up in the gold database its queries run in,
     * finding another gold model's view: the builder neither builds that model first nor rebuilds this one
     * when it changes (only silver is fingerprinted), so the table would be stale without an error.
     */
    private static void checkTables(GoldModel model, Statement statement) throws GoldModelException {
        Set<String> withQueries = new HashSet<>();
        List<Table> tables = new ArrayList<>();
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitWithQuery(WithQuery node, Void context) {
                withQueries.add(node.getName().getValue().toLowerCase(Locale.ROOT));
                return super.visitWithQuery(node, context);
            }

            @Override
            protected Void visitTable(Table node, Void context) {
                tables.add(node);
                return super.visitTable(node, context);
            }
        }.process(statement, null);
        for (Table table : tables) {
            List<String> parts = table.getName().getOriginalParts().stream().map(Identifier::getValue).toList();
            String name = parts.get(parts.size() - 1);
            boolean silver = parts.size() > 1 && parts.get(parts.size() - 2).equals(SAME_LENGTH_SCHEMA);
            if (silver || parts.size() == 1 && withQueries.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String written = String.join(".", parts);
            String at = placeOf(table, model);
            String silverTable = GoldModel.SILVER_DATABASE + "." + name.toLowerCase(Locale.ROOT);
            if (parts.size() == 1) {
                throw new GoldModelException(model.name(), "reads " + written + " at " + at + ", which is neither a silver table (" + GoldModel.SILVER_DATABASE
                        + ".<dataset>) nor a WITH query of the model: Athena would read the gold database's table or view of that name, another gold"
                        + " model's, which is not built before this one and whose changes would not rebuild it; a gold model reads silver only: write "
                        + silverTable + " for a silver table (listed in '-- sources:'), or repeat the other model's SELECT here as a WITH query");
            }
            throw new GoldModelException(model.name(), "reads " + written + " at " + at + ", a table of the database " + parts.get(parts.size() - 2)
                    + ", where a gold model reads silver only: the silver database's name depends on the deployment (" + GoldBuilder.SILVER_SCHEMA
                    + " here, another in Athena), so write " + silverTable + ", listed in '-- sources:'");
        }
    }

    /**
     * Refuses DuckDB's GROUP BY ALL (every column not aggregated) at its place. Trino has no such grouping: its
     * ALL after GROUP BY is the standard's set quantifier, written before grouping elements, and with none
     * after it Trino's parser takes ALL for a column named all, which Athena then fails to find. Trino's
     * maintainers kept that meaning of ALL and gave DuckDB's grouping another name, GROUP BY AUTO
     * (github.com/trinodb/trino/pull/18390), which this parser (Trino 435) still reads as a column.
     */
    private static void checkGroupByAll(GoldModel model, Statement statement) throws GoldModelException {
        List<Identifier> alls = new ArrayList<>();
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitSimpleGroupBy(SimpleGroupBy node, Void context) {
                node.getExpressions().stream()
                        .filter(expression -> expression instanceof Identifier identifier && !identifier.isDelimited() && identifier.getValue().equalsIgnoreCase("all"))
                        .forEach(expression -> alls.add((Identifier) expression));
                return super.visitSimpleGroupBy(node, context);
            }
        }.process(statement, null);
        if (!alls.isEmpty()) {
            Identifier all = alls.get(0);
            String at = placeOf(all, model);
            throw new GoldModelException(model.name(), "groups BY ALL at " + at + ", DuckDB's grouping by every column not aggregated, which Athena (Trino) lacks:"
                    + " it reads ALL there as a column named all and fails the query; list the columns (GROUP BY region, product_id) or their positions (GROUP BY 1, 2)");
        }
    }

    /**
     * Refuses substr, or SUBSTRING(x FROM 0 ...) which the parser reads as substr, with a literal start of 0, at the
     * 0. DuckDB reads a start of 0 as if it were 1 and takes one character fewer; Trino returns an empty text for it
     * ({@code if (start == 0) return EMPTY_SLICE}, StringFunctions.substring in github.com/trinodb/trino), so the
     * model builds locally with other values than Athena's. A start of 0 is never what a model means in Athena.
     */
    private static void checkSubstringStarts(GoldModel model, Statement statement) throws GoldModelException {
        List<FunctionCall> calls = new ArrayList<>();
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitFunctionCall(FunctionCall node, Void context) {
                String name = node.getName().getSuffix().toLowerCase(Locale.ROOT);
                if ((name.equals("substr") || name.equals("substring")) && node.getArguments().size() >= 2
                        && node.getArguments().get(1) instanceof LongLiteral start && start.getParsedValue() == 0) {
                    calls.add(node);
                }
                return super.visitFunctionCall(node, context);
            }
        }.process(statement, null);
        if (!calls.isEmpty()) {
            FunctionCall call = calls.get(0);
            String name = call.getName().getSuffix().toLowerCase(Locale.ROOT);
            throw new GoldModelException(model.name(), "starts " + name + " at 0 at " + placeOf(call.getArguments().get(1), model)
                    + ", where DuckDB reads 0 as if it were 1 and takes one character fewer (substr('north', 0, 2) is 'n') and Athena (Trino)"
                    + " returns an empty text for a start of 0; characters count from 1 in both: write " + name + "(x, 1, n), " + name + "(x, 1)");
        }
    }

    /**
     * Refuses date_add given two arguments, at the call. DuckDB's date_add is a macro of its own, date_add(date, interval), the
     * interval added ({@code date + interval}, as duckdb_functions() defines it), so {@code date_add(d, INTERVAL '1' DAY)} builds
     * locally; Trino's takes three, {@code date_add(unit, value, x)} (DateTimeFunctions.addFieldValueDate, and those of timestamps,
     * in github.com/trinodb/trino), and finds no signature for two, failing the query. Trino's three arguments fail locally, the
     * macro taking two: no answer locally rather than another one, left to DuckDB.
     */
    private static void checkDateAddArguments(GoldModel model, Statement statement) throws GoldModelException {
        List<FunctionCall> calls = new ArrayList<>();
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitFunctionCall(FunctionCall node, Void context) {
                if (node.getName().getParts().size() == 1 && node.getName().getSuffix().equalsIgnoreCase("date_add") && node.getArguments().size() == 2) {
                    calls.add(node);
                }
                return super.visitFunctionCall(node, context);
            }
        }.process(statement, null);
        if (!calls.isEmpty()) {
            FunctionCall call = calls.get(0);
            String date = ExpressionFormatter.formatExpression(call.getArguments().get(0));
            String interval = ExpressionFormatter.formatExpression(call.getArguments().get(1));
            throw new GoldModelException(model.name(), "calls date_add with 2 arguments at " + placeOf(call, model)
                    + ", DuckDB's date_add(date, interval), which adds the interval, and Athena (Trino) lacks: its date_add takes three, date_add(unit, value, x),"
                    + " and fails the query (Unexpected parameters for function date_add); write " + date + " + " + interval + ", in CAST(... AS DATE) where "
                    + date + " is a date (a DATE in Athena, a TIMESTAMP in DuckDB), or date_add('day', 1, x), which DuckDB lacks, if only Athena runs the model");
        }
    }

    /**
     * Refuses a division, or a remainder, by a literal 0, at the 0. DuckDB, dividing as integers (integer_division),
     * gives NULL for it; Trino fails the query on an integer or a decimal ("Division by zero", BigintOperators.divide
     * in github.com/trinodb/trino) and gives Infinity or NaN for a double, so the model builds locally and fails, or
     * holds other values, once deployed. A divisor that may be 0 is another matter, which no check sees.
     */
    private static void checkDivisionsByZero(GoldModel model, Statement statement) throws GoldModelException {
        List<Expression> zeros = new ArrayList<>();
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitArithmeticBinary(ArithmeticBinaryExpression node, Void context) {
                if ((node.getOperator() == ArithmeticBinaryExpression.Operator.DIVIDE || node.getOperator() == ArithmeticBinaryExpression.Operator.MODULUS)
                        && isZero(node.getRight())) {
                    zeros.add(node.getRight());
                }
                return super.visitArithmeticBinary(node, context);
            }
        }.process(statement, null);
        if (!zeros.isEmpty()) {
            throw new GoldModelException(model.name(), "divides by 0 at " + placeOf(zeros.get(0), model)
                    + ", which is NULL in DuckDB, where Athena (Trino) fails the query (Division by zero) for an integer or a decimal and gives"
                    + " Infinity or NaN for a double; write NULL, or NULLIF(divisor, 0) for a divisor that may be 0 (NULL in both)");
        }
    }

    /**
     * Refuses, at the call, every concat written as a call ({@code concat(region, '-', note)}), of text or of arrays. DuckDB's
     * concat skips a NULL argument ({@code concat('x', NULL)} is 'x', {@code concat([1], NULL)} is [1]); Trino's is NULL when
     * any argument is (ConcatFunction and ArrayConcatFunction in github.com/trinodb/trino take every argument NEVER_NULL,
     * so the engine returns NULL for a NULL one), so a row with a NULL gets another value locally, and no check of types
     * can tell. Both engines' {@code ||} is NULL on a NULL. The parser reads {@code a || b} as a call of concat too, placed at
     * the {@code ||}: that one is left alone.
     */
    private static void checkConcatCalls(GoldModel model, String select, Statement statement) throws GoldModelException {
        TextComparison.Lines lines = new TextComparison.Lines(select);
        List<FunctionCall> calls = new ArrayList<>();
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitFunctionCall(FunctionCall node, Void context) {
                if (node.getName().getSuffix().equalsIgnoreCase("concat") && lines.offset(node).filter(at -> !select.startsWith("||", at)).isPresent()) {
                    calls.add(node);
                }
                return super.visitFunctionCall(node, context);
            }
        }.process(statement, null);
        if (!calls.isEmpty()) {
            throw new GoldModelException(model.name(), "calls concat at " + placeOf(calls.get(0), model)
                    + ", which skips a NULL argument in DuckDB (concat('x', NULL) is 'x') where Athena (Trino) returns NULL when any argument is NULL,"
                    + " so a row with a NULL would get another value locally; write x || y (NULL on a NULL in both, for text or arrays),"
                    + " or coalesce(x, '') || y to skip a NULL text");
        }
    }

    private static boolean isZero(Expression expression) {
        return expression instanceof LongLiteral number && number.getParsedValue() == 0
                || expression instanceof DecimalLiteral decimal && new BigDecimal(decimal.getValue()).signum() == 0
                || expression instanceof DoubleLiteral number && number.getValue() == 0;
    }

    /** Where in the model's file the node is (file:line:column), or the file when the parser gave it no place. */
    private static String placeOf(Node node, GoldModel model) {
        return node.getLocation().map(location -> model.position(location.getLineNumber(), location.getColumnNumber())).orElse(model.file());
    }

    /** Refuses the first call, in the parsed model, of a function Athena engine version 3 lacks, at its place in the model's file. */
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
            List<String> parts = call.getName().getOriginalParts().stream().map(Identifier::getValue).toList();
            String problem = functionProblem(parts);
            if (problem != null) {
                String at = placeOf(call, model);
                throw new GoldModelException(model.name(), "calls " + String.join(".", parts) + " at " + at + problem);
            }
        }
    }

    /** Whether Athena engine version 3 has the function so named, in any case. */
    static boolean isAthenaFunction(String name) {
        return ATHENA_FUNCTIONS.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Why Athena would not run a call of the function so named (its parts as written), or null when it would.
     * A name is looked up in lowercase, as Trino does, quoted or not ({@code "lower"(x)} is lower). A name with
     * a schema (DuckDB's {@code main.strftime}) is DuckDB's own function to DuckDB and no function to Athena,
     * whose CTAS runs its own functions by their names alone.
     */
    private static String functionProblem(List<String> parts) {
        String function = parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
        String instead = function.startsWith("list_") ? ARRAY_FUNCTIONS : DUCKDB_FUNCTIONS.get(function);
        if (instead != null) {
            return ", a function of DuckDB's that Athena (Trino) lacks: " + instead;
        }
        if (!ATHENA_FUNCTIONS.contains(function)) {
            return ", a function Athena engine version 3 lacks: Athena has Trino's functions (" + ATHENA_FUNCTIONS_LIST
                    + "), and this is none of them; write it with those";
        }
        if (parts.size() > 1) {
            return ", a name Athena (Trino) does not resolve: it calls a function by its name alone, without a schema or catalog; write " + function + "(...)";
        }
        return null;
    }

    /**
     * The functions, lowercase, that the expressions named {@code column} (by their alias) call anywhere in the
     * statement: in its final SELECT, or in a WITH query the final SELECT takes the column from.
     */
    private static Set<String> functionsCalledFor(Statement statement, String column) {
        Set<String> functions = new HashSet<>();
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitSingleColumn(SingleColumn node, Void context) {
                if (node.getAlias().map(alias -> alias.getValue().equalsIgnoreCase(column)).orElse(false)) {
                    new DefaultTraversalVisitor<Void>() {
                        @Override
                        protected Void visitFunctionCall(FunctionCall call, Void inner) {
                            functions.add(call.getName().getSuffix().toLowerCase(Locale.ROOT));
                            return super.visitFunctionCall(call, inner);
                        }
                    }.process(node.getExpression(), null);
                }
                return super.visitSingleColumn(node, context);
            }
        }.process(statement, null);
        return functions;
    }

    /** The names of athena-functions.txt, beside this class: a line each, lines starting with '#' its comments. */
    static Set<String> athenaFunctions() {
        String resource = "athena-functions.txt";
        try (InputStream in = AthenaCompatibility.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing beside " + AthenaCompatibility.class.getName() + ": the jar is incomplete; build it again");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .collect(Collectors.toUnmodifiableSet());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " beside " + AthenaCompatibility.class.getName(), e);
        }
    }

    /** Checks the columns DuckDB gives the model's SELECT, {@code statement} being that SELECT as {@link #checkParses} parsed it. */
    void checkColumns(GoldModel model, Statement statement, List<Column> columns) throws GoldModelException {
        List<String> names = columns.stream().map(Column::name).toList();
        for (Column column : columns) {
            checkColumnName(model, column.name());
            String problem = typeProblem(column.type(), () -> functionsCalledFor(statement, column.name()));
            if (problem != null) {
                throw new GoldModelException(model, "column " + column.name() + " is " + column.type() + " in DuckDB: " + problem);
            }
        }
        checkPartitionsLast(model, names);
    }

    /**
     * The checks of {@link #checkColumns} that the SELECT as written settles, without DuckDB: the names of the
     * final SELECT's columns that it names itself (an alias, a column read as it is), and whether the partition
     * columns are its last ones. What only DuckDB can say is left to {@link #checkColumns}: the columns' types
     * (they follow from the silver tables'), the name DuckDB gives an expression without an alias, and the
     * columns a {@code *} stands for; so a model passing this may still fail {@link #checkColumns}, never the
     * other way round. The messages are {@link #checkColumns}'s own.
     */
    void checkColumnsAsWritten(GoldModel model, Statement statement) throws GoldModelException {
        if (!(statement instanceof Query query)) {
            return;
        }
        Optional<List<SelectItem>> items = outputItems(query.getQueryBody());
        if (items.isEmpty()) {
            return;
        }
        List<Optional<String>> names = items.get().stream().map(AthenaCompatibility::nameAsWritten).toList();
        for (Optional<String> name : names) {
            if (name.isPresent()) {
                checkColumnName(model, name.get());
            }
        }
        // Only the columns after the last * are known by position from the end, and only named ones compare.
        int star = -1;
        for (int i = 0; i < items.get().size(); i++) {
            if (items.get().get(i) instanceof AllColumns) {
                star = i;
            }
        }
        List<Optional<String>> afterStar = names.subList(star + 1, names.size());
        int partitions = model.partitionedBy().size();
        if (partitions == 0 || afterStar.size() < partitions) {
            return;
        }
        List<Optional<String>> last = afterStar.subList(afterStar.size() - partitions, afterStar.size());
        if (last.stream().allMatch(Optional::isPresent)) {
            // The last ones are all the columns when there are no others: then "only partition columns" is known too.
            checkPartitionsLast(model, last.stream().map(Optional::get).toList(), star >= 0 || names.size() > partitions);
        }
    }

    /**
     * The SELECT items that name the query's columns: its own, those of the first query of a UNION (which
     * names a set operation's columns), or those of the query in parentheses; none for VALUES or TABLE.
     */
    private static Optional<List<SelectItem>> outputItems(QueryBody body) {
        if (body instanceof QuerySpecification specification) {
            return Optional.of(specification.getSelect().getSelectItems());
        }
        if (body instanceof SetOperation operation && !operation.getRelations().isEmpty() && operation.getRelations().get(0) instanceof QueryBody first) {
            return outputItems(first);
        }
        if (body instanceof TableSubquery subquery) {
            return outputItems(subquery.getQuery().getQueryBody());
        }
        return Optional.empty();
    }

    /** The column's name as the SELECT gives it (its alias, or a column read as it is, {@code s.region}), or empty when an engine names it. */
    private static Optional<String> nameAsWritten(SelectItem item) {
        if (!(item instanceof SingleColumn column)) {
            return Optional.empty();
        }
        if (column.getAlias().isPresent()) {
            return Optional.of(column.getAlias().get().getValue());
        }
        Expression expression = column.getExpression();
        if (expression instanceof Identifier identifier) {
            return Optional.of(identifier.getValue());
        }
        if (expression instanceof DereferenceExpression dereference && dereference.getField().isPresent()) {
            return Optional.of(dereference.getField().get().getValue());
        }
        return Optional.empty();
    }

    private static void checkColumnName(GoldModel model, String name) throws GoldModelException {
        if (!COLUMN_NAME.matcher(name).matches()) {
            // An expression without an alias is named by each engine its own way (count_star() here, _col3 in Athena).
            throw new GoldModelException(model, "has a column named '" + name
                    + "': give every column a lowercase alias of [a-z0-9_] (AS name), the same in DuckDB, Athena and Glue");
        }
    }

    private static void checkPartitionsLast(GoldModel model, List<String> names) throws GoldModelException {
        checkPartitionsLast(model, names, false);
    }

    /** @param moreColumns whether the SELECT has columns before {@code names}, which are then only its last ones */
    private static void checkPartitionsLast(GoldModel model, List<String> names, boolean moreColumns) throws GoldModelException {
        List<String> partitions = model.partitionedBy();
        if (!partitions.isEmpty()) {
            List<String> last = names.subList(Math.max(0, names.size() - partitions.size()), names.size());
            if (!last.equals(partitions)) {
                throw new GoldModelException(model, "is partitioned by " + partitions + ", which must be the SELECT's last columns in that order"
                        + " (Athena's CTAS requires it); the SELECT ends with " + last);
            }
            if (!moreColumns && partitions.size() == names.size()) {
                throw new GoldModelException(model, "has only partition columns; Athena's CTAS needs at least one other column");
            }
        }
    }

    /**
     * Why a DuckDB type would differ in Athena, or null when Athena has the same type; {@code functions} are
     * those the column's expression calls, lowercase, which say where a HUGEINT comes from.
     */
    private static String typeProblem(String type, Supplier<Set<String>> functions) {
        String upper = type.toUpperCase(Locale.ROOT);
        if (upper.equals("HUGEINT")) {
            Set<String> called = functions.get();
            if (called.contains("count_if") && !called.contains("sum")) {
                return "DuckDB counts count_if into a HUGEINT (written to Parquet as DOUBLE) where Athena's count_if is a BIGINT; write CAST(count_if(x) AS BIGINT)";
            }
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
