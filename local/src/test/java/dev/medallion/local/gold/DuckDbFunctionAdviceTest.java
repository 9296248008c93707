package dev.medallion.local.gold;

import dev.medallion.gold.model.GoldModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The advice given when a model calls a DuckDB function Athena lacks must not lead to a second refusal: each
 * expression it quotes either runs on both engines (it passes local's Athena checks, which read it with
 * Trino's parser against Athena's functions, and it runs on the real DuckDB) or is marked as Athena's alone,
 * which local cannot run. Which engine has a function is asked of the engines: DuckDB's duckdb_functions()
 * and athena-functions.txt, Athena's list.
 */
class DuckDbFunctionAdviceTest {
    /** An expression of the advice, quoted in backquotes so that a person (and this test) tells SQL from prose. */
    private static final Pattern QUOTED = Pattern.compile("`([^`]+)`");
    private static final Pattern CALL = Pattern.compile("(?<!\\bAS )\\b([A-Za-z_][A-Za-z0-9_]*)\\(", Pattern.CASE_INSENSITIVE);

    /**
     * The placeholders the advice writes, as columns of one row, so each expression runs as written. A
     * placeholder the advice starts to use needs a column here.
     */
    private static final String INPUTS = "CREATE TABLE silver.advice_inputs AS SELECT 7::BIGINT AS x, 2024::BIGINT AS y, 3::BIGINT AS m, 5::BIGINT AS d,"
            + " 2::BIGINT AS n, 0.5::DOUBLE AS q, 1710498030123::BIGINT AS ms, TIMESTAMP '2024-03-15 10:20:30' AS ts,"
            + " DATE '2024-03-01' AS start_date, DATE '2024-03-15' AS end_date, '2024-03-15' AS date_text, '2024-03-15 10:20:30' AS timestamp_text,"
            + " 'a,b' AS text, ',' AS delimiter, 'b' AS substring, 'a' AS prefix, 'b' AS suffix, [3, 1, 2]::BIGINT[] AS items, [4]::BIGINT[] AS more_items,"
            + " '{\"a\": \"b\"}' AS json";

    private static Connection duckDb;
    private static Set<String> duckDbFunctions;
    private final Set<String> athena = AthenaCompatibility.athenaFunctions();

    @BeforeAll
    static void openDuckDb() throws SQLException {
        duckDb = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement statement = duckDb.createStatement()) {
            statement.execute("CREATE SCHEMA silver");
            statement.execute(INPUTS);
        }
        Set<String> names = new HashSet<>();
        try (PreparedStatement statement = duckDb.prepareStatement("SELECT DISTINCT lower(function_name) FROM duckdb_functions()");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        duckDbFunctions = Set.copyOf(names);
    }

    @AfterAll
    static void closeDuckDb() throws SQLException {
        duckDb.close();
    }

    @Test
    void everyExpressionAdvisedRunsOnBothEnginesOrIsMarkedAthenasAlone() {
        Map<String, String> advice = new TreeMap<>(AthenaCompatibility.DUCKDB_FUNCTIONS);
        advice.put("list_* (any)", AthenaCompatibility.ARRAY_FUNCTIONS);
        List<String> problems = new ArrayList<>();
        advice.forEach((function, text) -> problems.addAll(problems(function, text)));
        assertEquals(List.of(), problems, "advice that would lead a person to a second refusal, locally or in Athena");
    }

    private List<String> problems(String function, String text) {
        List<String> problems = new ArrayList<>();
        if (text.contains("\n")) {
            problems.add(function + ": the advice is more than one line");
        }
        List<String> both = new ArrayList<>();
        List<String> athenaOnly = new ArrayList<>();
        Matcher quoted = QUOTED.matcher(text);
        while (quoted.find()) {
            (text.startsWith(AthenaCompatibility.ATHENA_ONLY, quoted.end()) ? athenaOnly : both).add(quoted.group(1));
        }
        if (both.isEmpty() && athenaOnly.isEmpty()) {
            problems.add(function + ": the advice quotes no expression in backquotes, so it cannot say which engine runs it: " + text);
        }
        if (!both.isEmpty() && !text.startsWith("write `" + both.get(0) + "`")) {
            problems.add(function + ": the advice does not lead with the expression both engines run: " + text);
        }
        if (!both.isEmpty() && !text.contains("which both engines run")) {
            problems.add(function + ": the advice does not say that `" + both.get(0) + "` runs on both engines: " + text);
        }
        Set<String> quotedNames = new HashSet<>();
        for (String expression : both) {
            quotedNames.addAll(calls(expression));
            problems.addAll(checkedAndRun(function, expression));
        }
        for (String expression : athenaOnly) {
            quotedNames.addAll(calls(expression));
            problems.addAll(checked(function, expression).stream().map(problem -> problem + " (quoted as Athena's alone)").toList());
            boolean duckDbHasEveryFunction = calls(expression).stream().allMatch(name -> duckDbFunctions.contains(name) || isSyntax(name));
            if (duckDbHasEveryFunction && !text.contains("DuckDB's ") && checkedAndRun(function, expression).isEmpty()) {
                // Marked Athena's alone, yet DuckDB runs it: right only where DuckDB's function of that name means another thing, which the advice must say.
                problems.add(function + ": `" + expression + "` runs on DuckDB, yet is marked Athena's alone without saying how DuckDB's differs");
            }
        }
        for (String name : calls(text)) {
            if (!quotedNames.contains(name)) {
                problems.add(function + ": the advice names " + name + "(...) outside a quoted expression, so which engine runs it goes unsaid: " + text);
            }
        }
        for (String expression : both) {
            for (String name : calls(expression)) {
                if (!duckDbFunctions.contains(name) && !isSyntax(name)) {
                    problems.add(function + ": `" + expression + "` calls " + name + ", which DuckDB lacks, without" + AthenaCompatibility.ATHENA_ONLY + ")");
                }
                if (!athena.contains(name) && !isSyntax(name)) {
                    problems.add(function + ": `" + expression + "` calls " + name + ", which Athena lacks");
                }
            }
        }
        return problems;
    }

    /** What Trino parses as syntax of its own, not a function call, or DuckDB as its keywords: in neither list, run by both. */
    private static boolean isSyntax(String name) {
        return Set.of("cast", "try_cast", "extract", "coalesce", "nullif", "row", "unnest", "if", "try").contains(name);
    }

    /** The expression in a model's SELECT through local's Athena checks, as a model that calls it would go. */
    private static List<String> checked(String function, String expression) {
        try {
            new AthenaCompatibility().checkParses(model(expression));
            return List.of();
        }
        catch (GoldModelException e) {
            return List.of(function + ": `" + expression + "` is refused by local's Athena checks: " + e.getMessage());
        }
    }

    private static List<String> checkedAndRun(String function, String expression) {
        List<String> problems = new ArrayList<>(checked(function, expression));
        String select = model(expression).select("silver");
        try (Statement statement = duckDb.createStatement(); ResultSet rows = statement.executeQuery(select)) {
            if (!rows.next()) {
                problems.add(function + ": `" + expression + "` gave no row on DuckDB");
            }
        }
        catch (SQLException e) {
            problems.add(function + ": `" + expression + "` fails on DuckDB: " + e.getMessage().replaceAll("\\s+", " "));
        }
        return problems;
    }

    /** A model that calls the expression over the placeholders' row; a FROM item (CROSS JOIN UNNEST) joins the row. */
    private static GoldModel model(String expression) {
        String select = expression.startsWith("CROSS JOIN")
                ? "SELECT * FROM " + GoldModel.SILVER_DATABASE + ".advice_inputs " + expression
                : "SELECT " + expression + " AS advised FROM " + GoldModel.SILVER_DATABASE + ".advice_inputs";
        return new GoldModel("advice", "an expression the advice quotes", List.of(), List.of("advice_inputs"), select);
    }

    private static List<String> calls(String sql) {
        Set<String> names = new LinkedHashSet<>();
        Matcher call = CALL.matcher(sql.replaceAll("'[^']*'", "''"));
        while (call.find()) {
            names.add(call.group(1).toLowerCase(Locale.ROOT));
        }
        names.removeIf(name -> Set.of("as", "in", "over", "and", "or").contains(name));
        return List.copyOf(names);
    }
}
