package dev.medallion.local;

import dev.medallion.local.GoldModelRuns.Model;
import dev.medallion.local.GoldModelRuns.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static dev.medallion.local.GoldModelRuns.assertBuilt;
import static dev.medallion.local.GoldModelRuns.assertRefused;
import static dev.medallion.local.GoldModelRuns.model;

/**
 * Gold models whose answer in DuckDB (the version local/pom.xml pins) differs from Athena's (Trino's) where a date operation's
 * DATE, Trino's, is DuckDB's TIMESTAMP before another date operation: each is refused at its place, saying what to write, and
 * its look-alikes that give the same answer in both build. Run through the command, over the sample data, as a person runs it.
 */
class AthenaParityRefusalsTest {
    @TempDir
    Path directory;

    /**
     * date_trunc of a date plus whole days as a column of the table: Trino's sum is a DATE (DateTimeOperators.datePlusIntervalDayToSecond)
     * and its date_trunc of a DATE a DATE (DateTimeFunctions.truncateDate), where DuckDB's sum is a TIMESTAMP and so its date_trunc,
     * so the table's column is a DATE in Athena and a TIMESTAMP locally. The date_trunc probe saw DuckDB's TIMESTAMP; with the sum in
     * CAST(... AS DATE) it sees a DATE. The sum a timestamp inside (a TIMESTAMP in both), or the truncation cast to a date, build.
     */
    @Test
    void dateTruncOfADatePlusDaysAsAColumnIsRefusedAtTheCall() throws Exception {
        String sum = "SELECT customer_id, date_trunc('month', signup_date + INTERVAL '1' DAY) AS opens FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("truncated_sum_column", "customers", sum),
                model("truncated_sum_column_alike", "customers",
                        "SELECT customer_id, date_trunc('month', CAST(signup_date AS TIMESTAMP) + INTERVAL '1' DAY) AS opens,"
                        + " CAST(date_trunc('month', signup_date + INTERVAL '1' DAY) AS DATE) AS opens_day FROM ${silver_database}.customers"));

        assertRefused(outcome,
                "error: gold model truncated_sum_column truncates signup_date + INTERVAL '1' DAY, a date plus whole days, months or years at " + modelFile("truncated_sum_column") + ":2:"
                        + (sum.indexOf("+") + 1) + " (a DATE in Athena (Trino), a TIMESTAMP in DuckDB), with date_trunc"
                        + " for a column of the table at " + modelFile("truncated_sum_column") + ":2:" + (sum.indexOf("date_trunc") + 1)
                        + ", which DuckDB makes a TIMESTAMP (2026-01-01 00:00:00) and Athena (Trino) keeps a DATE (2026-01-01), so the column's type, its values"
                        + " and its partition folders would differ from Athena's; write CAST(date_trunc('month', signup_date + INTERVAL '1' DAY) AS DATE), a DATE in both");
        assertBuilt(outcome, "truncated_sum_column_alike", "the sum a timestamp inside, and the truncation cast to a date, build");
    }

    /**
     * Whole days, then hours, added to a WITH query's column that is a date plus whole days: the column is Trino's DATE, and so is
     * it plus whole days (DateTimeOperators.datePlusIntervalDayToSecond), to which Trino adds no hours (Cannot add hour, minutes or
     * seconds to a date), where DuckDB's column, and it plus days, are TIMESTAMPs. The later + of days saw DuckDB's TIMESTAMP; with
     * the column's sum in CAST(... AS DATE) it sees a DATE. The column cast to a timestamp first, or only days after it in
     * CAST(... AS DATE), build.
     */
    @Test
    void hoursAfterDaysAddedToAWithQuerysDateColumnAreRefusedAtTheOperator() throws Exception {
        String nextDay = "WITH c AS (SELECT customer_id, signup_date + INTERVAL '1' DAY AS next_day FROM ${silver_database}.customers)"
                + " SELECT customer_id, next_day + INTERVAL '1' DAY + INTERVAL '1' HOUR AS later FROM c";
        Outcome outcome = runModels(model("next_day_days_hour", "customers", nextDay),
                model("next_day_days_alike", "customers",
                        "WITH c AS (SELECT customer_id, signup_date + INTERVAL '1' DAY AS next_day FROM ${silver_database}.customers)"
                        + " SELECT customer_id, CAST(next_day AS TIMESTAMP) + INTERVAL '1' DAY + INTERVAL '1' HOUR AS later,"
                        + " CAST(next_day + INTERVAL '1' DAY AS DATE) AS day_after FROM c"));

        Path file = modelFile("next_day_days_hour");
        assertRefused(outcome,
                "error: gold model next_day_days_hour adds INTERVAL '1' HOUR to next_day, a date plus whole days, months or years at " + file + ":2:" + (nextDay.indexOf("+") + 1)
                        + ", plus whole days, months or years (next_day + INTERVAL '1' DAY, a DATE in Athena (Trino), a TIMESTAMP in DuckDB) at "
                        + file + ":2:" + (nextDay.lastIndexOf("+") + 1)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date); write CAST(next_day AS TIMESTAMP) + INTERVAL '1' DAY + INTERVAL '1' HOUR, a timestamp in both");
        assertBuilt(outcome, "next_day_days_alike", "the column cast to a timestamp first, or days after it cast to a date, build");
    }

    /**
     * Hours added after date_trunc of a WITH query's column that is a date plus whole days: Trino's column is a DATE, and its
     * date_trunc of it a DATE (DateTimeFunctions.truncateDate), to which it adds no hours, where DuckDB's are TIMESTAMPs. The
     * date_trunc probe saw DuckDB's TIMESTAMP; with the column's sum in CAST(... AS DATE) it sees a DATE. The truncation cast to a
     * timestamp, and date_trunc of a WITH query's timestamp column plus hours, build.
     */
    @Test
    void hoursAfterDateTruncOfAWithQuerysDateColumnAreRefusedAtTheOperator() throws Exception {
        String month = "WITH c AS (SELECT customer_id, signup_date + INTERVAL '1' DAY AS next_day FROM ${silver_database}.customers)"
                + " SELECT customer_id, date_trunc('month', next_day) + INTERVAL '1' HOUR AS opens FROM c";
        Outcome outcome = runModels(model("next_day_month_hour", "customers", month),
                model("next_day_month_alike", "customers",
                        "WITH c AS (SELECT customer_id, signup_date + INTERVAL '1' DAY AS next_day,"
                        + " CAST(signup_date AS TIMESTAMP) + INTERVAL '1' DAY AS next_midnight FROM ${silver_database}.customers)"
                        + " SELECT customer_id, CAST(date_trunc('month', next_day) AS TIMESTAMP) + INTERVAL '1' HOUR AS opens,"
                        + " date_trunc('month', next_midnight) + INTERVAL '1' HOUR AS opens_too FROM c"));

        Path file = modelFile("next_day_month_hour");
        assertRefused(outcome,
                "error: gold model next_day_month_hour adds INTERVAL '1' HOUR to date_trunc of next_day, a date plus whole days, months or years at " + file + ":2:"
                        + (month.indexOf("+") + 1) + " (date_trunc('month', next_day), a DATE in Athena (Trino), a TIMESTAMP in DuckDB) at "
                        + file + ":2:" + (month.lastIndexOf("+") + 1)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date); write CAST(date_trunc('month', next_day) AS TIMESTAMP) + INTERVAL '1' HOUR, a timestamp in both");
        assertBuilt(outcome, "next_day_month_alike", "the truncation cast to a timestamp, and that of a timestamp column, build");
    }

    /**
     * DuckDB's two-argument date_add(d, INTERVAL '1' DAY), a macro of its own (d + interval), builds locally, where Trino's date_add
     * takes three arguments, date_add(unit, value, x) (DateTimeFunctions.addFieldValueDate and the timestamp ones), and fails the
     * query: refused at the call, saying to write the interval added. Trino's three-argument form, which DuckDB lacks, is no answer
     * locally rather than another one, and a date plus an interval in CAST(... AS DATE) builds.
     */
    @Test
    void twoArgumentDateAddIsRefusedAtTheCall() throws Exception {
        String dateAdd = "SELECT customer_id, CAST(date_add(signup_date, INTERVAL '1' DAY) AS DATE) AS next_day FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("date_add_two", "customers", dateAdd),
                model("date_add_alike", "customers", "SELECT customer_id, CAST(signup_date + INTERVAL '1' DAY AS DATE) AS next_day FROM ${silver_database}.customers"));

        assertRefused(outcome,
                "error: gold model date_add_two calls date_add with 2 arguments at " + modelFile("date_add_two") + ":2:" + (dateAdd.indexOf("date_add") + 1)
                        + ", DuckDB's date_add(date, interval), which adds the interval, and Athena (Trino) lacks: its date_add takes three,"
                        + " date_add(unit, value, x), and fails the query (Unexpected parameters for function date_add); write signup_date + INTERVAL '1' DAY,"
                        + " in CAST(... AS DATE) where signup_date is a date (a DATE in Athena, a TIMESTAMP in DuckDB), or date_add('day', 1, x), which DuckDB"
                        + " lacks, if only Athena runs the model");
        assertBuilt(outcome, "date_add_alike", "a date plus an interval cast to a date builds");
    }

    /**
     * A date made through three or more date operations in turn, each DuckDB's TIMESTAMP after the first and Trino's DATE
     * (DateTimeOperators.datePlusIntervalDayToSecond and datePlusIntervalYearToMonth return a DATE, DateTimeFunctions.truncateDate is
     * date_trunc of a DATE, a DATE): date_trunc of date_trunc of a date plus days as a column of the table, a WITH query's column made
     * of the last one's in three levels with hours after it or as a column, date_trunc of a WITH query's column that is date_trunc of
     * a date plus days, then hours. Each operation's probe, retyped with the one before it in CAST(... AS DATE), sees a DATE only when
     * that one is Trino's DATE in turn, asked down to a date DuckDB types a DATE too. The same chains made of a timestamp, or cast to
     * a date or a timestamp where they end, build.
     */
    @Test
    void aDateMadeThroughThreeOperationsInTurnIsTakenForTrinosDate() throws Exception {
        String twice = "SELECT customer_id, date_trunc('year', date_trunc('month', signup_date + INTERVAL '1' DAY)) AS opens FROM ${silver_database}.customers";
        String levels = "WITH a AS (SELECT customer_id, signup_date + INTERVAL '1' DAY AS d1 FROM ${silver_database}.customers),"
                + " b AS (SELECT customer_id, d1 + INTERVAL '1' DAY AS d2 FROM a), c AS (SELECT customer_id, d2 + INTERVAL '1' DAY AS d3 FROM b)";
        String levelsHour = levels + " SELECT customer_id, d3 + INTERVAL '1' HOUR AS later FROM c";
        String levelsColumn = levels + " SELECT customer_id, d3 FROM c";
        String truncatedTwice = "WITH a AS (SELECT customer_id, date_trunc('month', signup_date + INTERVAL '1' DAY) AS m FROM ${silver_database}.customers)"
                + " SELECT customer_id, date_trunc('year', m) + INTERVAL '1' HOUR AS later FROM a";
        Outcome outcome = runModels(model("truncated_twice_column", "customers", twice),
                model("three_levels_hour", "customers", levelsHour),
                model("three_levels_column", "customers", levelsColumn),
                model("with_truncated_twice_hour", "customers", truncatedTwice),
                model("three_steps_alike", "customers",
                        "WITH a AS (SELECT customer_id, CAST(signup_date AS TIMESTAMP) + INTERVAL '1' DAY AS d1 FROM ${silver_database}.customers),"
                        + " b AS (SELECT customer_id, d1 + INTERVAL '1' DAY AS d2 FROM a), c AS (SELECT customer_id, d2 + INTERVAL '1' DAY AS d3 FROM b)"
                        + " SELECT customer_id, d3 + INTERVAL '1' HOUR AS later, date_trunc('year', date_trunc('month', d3)) AS opens FROM c"),
                model("truncated_twice_alike", "customers",
                        "SELECT customer_id, date_trunc('year', date_trunc('month', CAST(signup_date AS TIMESTAMP) + INTERVAL '1' DAY)) AS opens,"
                        + " CAST(date_trunc('year', date_trunc('month', signup_date + INTERVAL '1' DAY)) AS DATE) AS opens_day FROM ${silver_database}.customers"),
                model("three_levels_alike", "customers", levels + " SELECT customer_id, CAST(d3 AS DATE) AS d3, CAST(d3 AS TIMESTAMP) + INTERVAL '1' HOUR AS later FROM c"));

        assertRefused(outcome,
                "error: gold model truncated_twice_column truncates date_trunc('month', signup_date + INTERVAL '1' DAY), date_trunc of a date at "
                        + modelFile("truncated_twice_column") + ":2:" + (twice.indexOf("date_trunc('month'") + 1) + " (a DATE in Athena (Trino), a TIMESTAMP in DuckDB),"
                        + " with date_trunc for a column of the table at " + modelFile("truncated_twice_column") + ":2:" + (twice.indexOf("date_trunc") + 1)
                        + ", which DuckDB makes a TIMESTAMP (2026-01-01 00:00:00) and Athena (Trino) keeps a DATE (2026-01-01), so the column's type, its values"
                        + " and its partition folders would differ from Athena's; write CAST(date_trunc('year', date_trunc('month', signup_date + INTERVAL '1' DAY)) AS DATE),"
                        + " a DATE in both",
                "error: gold model three_levels_hour adds INTERVAL '1' HOUR to d3 at " + modelFile("three_levels_hour") + ":2:" + (levelsHour.lastIndexOf("+") + 1)
                        + ", a date plus whole days, months or years at " + modelFile("three_levels_hour") + ":2:" + (levelsHour.indexOf("d2 +") + 4)
                        + " (d2 + INTERVAL '1' DAY, a DATE in Athena (Trino), a TIMESTAMP in DuckDB) through a WITH query or subquery,"
                        + " which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date); write CAST(d3 AS TIMESTAMP) + INTERVAL '1' HOUR, a timestamp in both",
                "error: gold model three_levels_column adds INTERVAL '1' DAY to d2, a date plus whole days, months or years at " + modelFile("three_levels_column") + ":2:"
                        + (levelsColumn.indexOf("d1 +") + 4) + " (a DATE in Athena (Trino), a TIMESTAMP in DuckDB) that is the table's column d3 (through a WITH query"
                        + " or subquery) at " + modelFile("three_levels_column") + ":2:" + (levelsColumn.indexOf("d2 +") + 4)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) keeps a DATE, so the column's type, its values and its partition folders would differ"
                        + " from Athena's; write CAST(d2 + INTERVAL '1' DAY AS DATE), a DATE in both",
                "error: gold model with_truncated_twice_hour adds INTERVAL '1' HOUR to date_trunc of m, date_trunc of a date at " + modelFile("with_truncated_twice_hour")
                        + ":2:" + (truncatedTwice.indexOf("date_trunc('month'") + 1) + " (date_trunc('year', m), a DATE in Athena (Trino), a TIMESTAMP in DuckDB) at "
                        + modelFile("with_truncated_twice_hour") + ":2:" + (truncatedTwice.lastIndexOf("+") + 1)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date); write CAST(date_trunc('year', m) AS TIMESTAMP) + INTERVAL '1' HOUR, a timestamp in both");
        assertBuilt(outcome, "three_steps_alike", "the same three WITH levels made of a timestamp, with hours or truncated twice, build");
        assertBuilt(outcome, "truncated_twice_alike", "date_trunc twice of a timestamp plus days, or of a date plus days cast to a date, builds");
        assertBuilt(outcome, "three_levels_alike", "the third level's column cast to a date, or to a timestamp before hours, builds");
    }

    /**
     * Hours added to a column made of a date plus whole days in two WITH levels, or in a subquery that comes after the SELECT list
     * (FROM (SELECT ...)), alone or after date_trunc: the column is Trino's DATE, DuckDB's TIMESTAMP. These pass with the code before
     * three-step chains were asked step by step; they guard the retyping of a WITH query two levels down, and the places of a
     * CAST(... AS DATE) made after the operator in the SELECT's text, which move nothing before them. The column cast to a timestamp
     * first, and the same columns made of a timestamp, build.
     */
    @Test
    void hoursAfterTwoWithLevelsOrASubqueryAfterTheSelectListAreRefusedAtTheOperator() throws Exception {
        String twoLevels = "WITH a AS (SELECT customer_id, signup_date + INTERVAL '1' DAY AS d1 FROM ${silver_database}.customers),"
                + " b AS (SELECT customer_id, d1 + INTERVAL '1' DAY AS d2 FROM a) SELECT customer_id, d2 + INTERVAL '1' HOUR AS later FROM b";
        String subquery = "SELECT customer_id, next_day + INTERVAL '1' HOUR AS later"
                + " FROM (SELECT customer_id, signup_date + INTERVAL '1' DAY AS next_day FROM ${silver_database}.customers) s";
        String truncated = "SELECT customer_id, date_trunc('month', next_day) + INTERVAL '1' HOUR AS later"
                + " FROM (SELECT customer_id, signup_date + INTERVAL '1' DAY AS next_day FROM ${silver_database}.customers) s";
        Outcome outcome = runModels(model("two_levels_hour", "customers", twoLevels),
                model("subquery_hour", "customers", subquery),
                model("subquery_truncated_hour", "customers", truncated),
                model("two_levels_alike", "customers",
                        "WITH a AS (SELECT customer_id, signup_date + INTERVAL '1' DAY AS d1, CAST(signup_date AS TIMESTAMP) + INTERVAL '1' DAY AS t1"
                        + " FROM ${silver_database}.customers), b AS (SELECT customer_id, d1 + INTERVAL '1' DAY AS d2, t1 + INTERVAL '1' DAY AS t2 FROM a)"
                        + " SELECT customer_id, CAST(d2 AS TIMESTAMP) + INTERVAL '1' HOUR AS later, t2 + INTERVAL '1' HOUR AS later_too FROM b"),
                model("subquery_alike", "customers",
                        "SELECT customer_id, CAST(next_day AS TIMESTAMP) + INTERVAL '1' HOUR AS later, date_trunc('month', next_midnight) + INTERVAL '1' HOUR AS opens"
                        + " FROM (SELECT customer_id, signup_date + INTERVAL '1' DAY AS next_day, CAST(signup_date AS TIMESTAMP) + INTERVAL '1' DAY AS next_midnight"
                        + " FROM ${silver_database}.customers) s"));

        assertRefused(outcome,
                "error: gold model two_levels_hour adds INTERVAL '1' HOUR to d2 at " + modelFile("two_levels_hour") + ":2:" + (twoLevels.lastIndexOf("+") + 1)
                        + ", a date plus whole days, months or years at " + modelFile("two_levels_hour") + ":2:" + (twoLevels.indexOf("d1 +") + 4)
                        + " (d1 + INTERVAL '1' DAY, a DATE in Athena (Trino), a TIMESTAMP in DuckDB) through a WITH query or subquery,"
                        + " which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date); write CAST(d2 AS TIMESTAMP) + INTERVAL '1' HOUR, a timestamp in both",
                "error: gold model subquery_hour adds INTERVAL '1' HOUR to next_day at " + modelFile("subquery_hour") + ":2:" + (subquery.indexOf("+") + 1)
                        + ", a date plus whole days, months or years at " + modelFile("subquery_hour") + ":2:" + (subquery.lastIndexOf("+") + 1)
                        + " (x + INTERVAL '1' DAY, a DATE in Athena (Trino), a TIMESTAMP in DuckDB) through a WITH query or subquery,"
                        + " which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date); write CAST(next_day AS TIMESTAMP) + INTERVAL '1' HOUR, a timestamp in both",
                "error: gold model subquery_truncated_hour adds INTERVAL '1' HOUR to date_trunc of next_day, a date plus whole days, months or years at "
                        + modelFile("subquery_truncated_hour") + ":2:" + (truncated.lastIndexOf("+") + 1)
                        + " (date_trunc('month', next_day), a DATE in Athena (Trino), a TIMESTAMP in DuckDB) at " + modelFile("subquery_truncated_hour") + ":2:"
                        + (truncated.indexOf("+") + 1) + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years"
                        + " and fails the query (Cannot add hour, minutes or seconds to a date); write CAST(date_trunc('month', next_day) AS TIMESTAMP) + INTERVAL '1' HOUR,"
                        + " a timestamp in both");
        assertBuilt(outcome, "two_levels_alike", "the column cast to a timestamp first, and one made of a timestamp, build");
        assertBuilt(outcome, "subquery_alike", "the subquery's column cast to a timestamp first, and one made of a timestamp, build");
    }

    private Outcome runModels(Model... models) throws IOException {
        return new GoldModelRuns(directory).runModels(models);
    }

    private Path modelFile(String name) {
        return new GoldModelRuns(directory).modelFile(name);
    }
}
