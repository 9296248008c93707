package dev.medallion.local;

import dev.medallion.common.testing.WithoutCapabilities;
import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.config.SilverSettings;
import dev.medallion.common.text.UnreadNames;
import dev.medallion.local.GoldModelRuns.Model;
import dev.medallion.local.GoldModelRuns.Outcome;
import dev.medallion.local.silver.UnicodeFileNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.medallion.local.GoldModelRuns.assertBuilt;
import static dev.medallion.local.GoldModelRuns.assertRefused;
import static dev.medallion.local.GoldModelRuns.errors;
import static dev.medallion.local.GoldModelRuns.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LocalLakehouseCliTest {
    private static final List<String> SHIPPED = List.of("daily_revenue_by_category_region", "top_products", "customer_lifetime_value", "regional_store_performance");

    @TempDir
    Path directory;


    @Test
    void aSecondRunConvertsNothingAndRebuildsGoldIdentically() throws Exception {
        Path lake = directory.resolve("lake");
        Outcome first = run("local", "--input", SampleData.directory().toString(), "--lake", lake.toString());
        assertEquals(0, first.exit(), first.err());
        Map<String, String> silver = files(lake.resolve("silver"));
        Map<String, List<Map<String, Object>>> gold = goldRows(lake);
        // Left in a table's folder by hand, or by an earlier version of the model: the rebuild replaces the folder.
        Files.writeString(lake.resolve("gold/top_products/leftover.txt"), "stale");

        Outcome second = run("local", "--input", SampleData.directory().toString(), "--lake", lake.toString());

        assertEquals(0, second.exit(), second.err());
        assertEquals("", second.err());
        assertEquals(7, second.out().lines().filter(line -> line.startsWith("  unchanged ")).count(), second.out());
        // What converts it again, as the silver command's line says it, with the settings this command reads (the environment's, no options).
        Path manifest;
        try (var manifests = Files.list(lake.resolve("silver/_manifests/sales"))) {
            manifest = manifests.filter(path -> path.getFileName().toString().startsWith("sales_2026_03_messy-")).findFirst().orElseThrow();
        }
        assertTrue(second.out().contains("  unchanged sales/2026/03/sales_2026_03_messy.csv into sales: converted before and unchanged since ("
                + manifest + "); it is converted again once the file changes, or run with a CSV_DELIMITERS or CSV_ENCODINGS entry other than the"
                + " comma and UTF-8 it was read with, or with a CSV_NULL_VALUES entry declaring other null markers than it was converted with (none),"
                + " or with its dataset listed in CSV_QUOTED_EMPTY_STRINGS, which it was converted without,"
                + " or by a converter whose reading rules are newer than the version 2 it was read under,"
                + " or once its dataset's schema contract (" + lake.resolve("silver/_schemas/sales.json") + ") changes; or delete that manifest to"
                + " convert it again\n"), second.out());
        assertTrue(second.out().contains("  7 file(s) in "), second.out());
        assertTrue(second.out().contains(" s: 7 unchanged\n"), second.out());
        assertEquals(silver, files(lake.resolve("silver")), "the silver directory is untouched");
        assertEquals(gold, goldRows(lake));
        assertFalse(Files.exists(lake.resolve("gold/top_products/leftover.txt")));
        for (String model : SHIPPED) {
            assertTrue(second.out().contains("\n" + model + ": " + gold.get(model).size() + " rows in "), second.out());
        }
    }

    @Test
    void aFailingModelIsNamedTheOthersStillRunAndTheExitCodeSaysSo() throws Exception {
        Path models = models("top_products", "broken");
        copyShipped("top_products", models);
        Files.writeString(models.resolve("broken.sql"), """
                -- description: Refers to a column silver does not have
                -- sources: sales
                SELECT no_such_column FROM ${silver_database}.sales
                """);
        Path lake = directory.resolve("lake");

        Outcome outcome = run("local", "--input", SampleData.directory().toString(), "--lake", lake.toString(), "--models", models.toString());

        assertEquals(1, outcome.exit());
        // The line of the model's file (its header is two lines), not of its SELECT, which is what DuckDB counts.
        assertTrue(outcome.err().startsWith("error: gold model broken failed on DuckDB at " + models.resolve("broken.sql") + ":3: Binder Error:"
                + " Referenced column \"no_such_column\" not found in FROM clause!\nCandidate bindings: "), outcome.err());
        assertTrue(outcome.err().contains("\nLINE 3: SELECT no_such_column FROM silver.sales\n               ^\n"), outcome.err());
        assertTrue(outcome.err().contains("Finished with problems in "), outcome.err());
        assertTrue(outcome.err().endsWith(": 1 of 2 gold model(s) failed (see above)\n"), outcome.err());
        assertTrue(outcome.out().contains("\nbroken: FAILED (the error is on standard error)\n"), outcome.out());
        assertTrue(outcome.out().contains("\ntop_products: 40 rows in "), outcome.out());
        assertTrue(outcome.out().contains("Gold: 1 of 2 table(s) built in "), outcome.out());
        assertFalse(Files.exists(lake.resolve("gold/broken")));

        // A model that built before and fails now leaves no table: stale rows are never taken for its output.
        Files.writeString(models.resolve("top_products.sql"), "-- sources: sales\nSELECT CAST('x' AS BIGINT) AS product_id FROM ${silver_database}.sales\n");
        Outcome again = run("local", "--input", SampleData.directory().toString(), "--lake", lake.toString(), "--models", models.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("error: gold model top_products failed on DuckDB at " + models.resolve("top_products.sql") + ":2: Conversion Error"), again.err());
        assertFalse(Files.exists(lake.resolve("gold/top_products")));
    }

    @Test
    void whatAthenaWouldRefuseOrTypeOtherwiseFailsLocallyWithTheReason() throws Exception {
        Map<String, String> models = new TreeMap<>(Map.of(
                "double_colon", "SELECT quantity::DOUBLE AS quantity FROM ${silver_database}.sales",
                "qualify", "SELECT product_id FROM ${silver_database}.sales QUALIFY ROW_NUMBER() OVER (ORDER BY product_id) = 1",
                "hugeint", "SELECT region, SUM(quantity) AS units FROM ${silver_database}.sales GROUP BY region",
                "unnamed", "SELECT region, COUNT(*) FROM ${silver_database}.sales GROUP BY region",
                "partition_first", "-- partitioned_by: region\nSELECT region, COUNT(*) AS orders FROM ${silver_database}.sales GROUP BY region",
                "missing_table", "SELECT * FROM ${silver_database}.returns"));
        Path directory = models(models.keySet().toArray(String[]::new));
        for (Map.Entry<String, String> model : models.entrySet()) {
            String sources = model.getKey().equals("missing_table") ? "returns" : "sales";
            Files.writeString(directory.resolve(model.getKey() + ".sql"), "-- sources: " + sources + "\n" + model.getValue() + "\n");
        }

        // What an earlier, working version of a model wrote goes too when the model now fails a check.
        Path earlier = Files.createDirectories(this.directory.resolve("lake/gold/hugeint"));
        Files.writeString(earlier.resolve("data_0.parquet"), "an earlier table");

        Outcome outcome = runModels(directory);

        assertEquals(1, outcome.exit());
        List<String> errors = errors(outcome);
        assertEquals(6, errors.size(), outcome.err());
        // Trino's parser lists what it expected; which tokens depends on its version, so only the start is checked.
        // Places in the model's file, whose first line is its header: line 2.
        assertTrue(errors.get(0).startsWith("error: gold model double_colon is not Athena (Trino) SQL, at " + directory.resolve("double_colon.sql")
                + ":2:16: mismatched input ':'."), errors.get(0));
        assertTrue(errors.get(0).endsWith(" (write CAST(x AS type): '::' is DuckDB's and PostgreSQL's shorthand)"), errors.get(0));
        assertEquals("error: gold model hugeint (" + directory.resolve("hugeint.sql") + ") column units is HUGEINT in DuckDB: DuckDB sums a BIGINT into a HUGEINT (written to Parquet as DOUBLE)"
                + " where Athena keeps BIGINT; write CAST(SUM(x) AS BIGINT)", errors.get(1));
        assertEquals("error: gold model missing_table (" + directory.resolve("missing_table.sql") + ") reads silver table returns, which " + this.directory.resolve("lake/silver")
                + " does not hold (it holds customers, products, sales, stores_eu)", errors.get(2));
        assertEquals("error: gold model partition_first (" + directory.resolve("partition_first.sql") + ") is partitioned by [region], which must be the SELECT's last columns in that order"
                + " (Athena's CTAS requires it); the SELECT ends with [orders]", errors.get(3));
        // The column of the file, where ${silver_database} is 18 characters long.
        assertTrue(errors.get(4).startsWith("error: gold model qualify is not Athena (Trino) SQL, at " + directory.resolve("qualify.sql")
                + ":2:57: mismatched input 'ROW_NUMBER'."), errors.get(4));
        assertEquals("error: gold model unnamed (" + directory.resolve("unnamed.sql") + ") has a column named 'count_star()': give every column a lowercase alias of [a-z0-9_] (AS name),"
                + " the same in DuckDB, Athena and Glue", errors.get(5));
        assertTrue(outcome.err().endsWith(": 6 of 6 gold model(s) failed (see above)\n"), outcome.err());
        assertFalse(Files.exists(earlier));
    }

    /**
     * Trino divides two integers as integers, truncating toward zero (7 / 2 = 3, -7 / 2 = -3), and so must the
     * local run: DuckDB's '/' gives a DOUBLE (3.5) by default, a table Athena would build with other values and
     * another column type.
     */
    @Test
    void anIntegerDividedByAnIntegerIsTruncatedAsAthenaDoesIt() throws Exception {
        Outcome outcome = runModels(model("division", "sales",
                "SELECT 7 / 2 AS seven_halves, -7 / 2 AS minus_seven_halves, CAST(COUNT(*) AS BIGINT) / COUNT(*) AS one FROM ${silver_database}.sales"));

        assertEquals(0, outcome.exit(), outcome.err());
        List<Map<String, Object>> rows = GoldFiles.query("SELECT typeof(seven_halves) AS t1, seven_halves, minus_seven_halves, typeof(one) AS t3, one FROM read_parquet('"
                + directory.resolve("lake/gold/division/data_0.parquet") + "')");
        assertEquals(List.of(Map.of("t1", "INTEGER", "seven_halves", 3, "minus_seven_halves", -3, "t3", "BIGINT", "one", 1L)), rows);
        // One model built: the last line says so in the singular.
        assertTrue(outcome.out().contains(", 1 gold table in " + directory.resolve("lake/gold") + "\n"), outcome.out());
    }

    /**
     * The cast sample-data/README.md gives for decimal commas, as written there, passes the Athena checks and
     * runs on DuckDB over values with and without a thousands dot (1.234,56): a cast of REPLACE(x, ',', '.')
     * alone failed on those.
     */
    @Test
    void theReadmesCastOfDecimalCommasReadsValuesWithAThousandsDot() throws Exception {
        Matcher quoted = Pattern.compile("`(CAST\\([^`]*monthly_rent_eur[^`]*)`").matcher(Files.readString(SampleData.directory().resolve("README.md")));
        assertTrue(quoted.find(), "sample-data/README.md gives a cast of monthly_rent_eur");
        Path stores = Files.createDirectories(directory.resolve("drop/stores_eu"));
        Files.writeString(stores.resolve("stores.csv"), "store_id;monthly_rent_eur\n1;14250,50\n2;1.234,56\n3;980\n4;12.345.678,9\n");
        Path models = models("rent");
        Files.writeString(models.resolve("rent.sql"), "-- sources: stores_eu\nSELECT store_id, " + quoted.group(1) + " AS monthly_rent_eur FROM ${silver_database}.stores_eu\n");
        Path lake = directory.resolve("lake");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString(), "--models", models.toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertEquals(List.of(Map.of("store_id", 1L, "monthly_rent_eur", new BigDecimal("14250.50")), Map.of("store_id", 2L, "monthly_rent_eur", new BigDecimal("1234.56")),
                Map.of("store_id", 3L, "monthly_rent_eur", new BigDecimal("980.00")), Map.of("store_id", 4L, "monthly_rent_eur", new BigDecimal("12345678.90"))),
                GoldFiles.rows(lake.resolve("gold/rent"), "store_id"));
    }

    /**
     * An export without a header line, as {@code bcp} and MySQL's {@code SELECT ... INTO OUTFILE} write, has its first row read as
     * the column names, that row in no table: the new dataset's line says its header reads as a row of data, with the values
     * that do and what to do; a file with a header of names is told nothing of it.
     */
    @Test
    void aNewDatasetWhoseHeaderReadsAsARowOfDataIsToldSo() throws Exception {
        Path orders = Files.createDirectories(directory.resolve("drop/orders"));
        Files.writeString(orders.resolve("orders.csv"), "1,Alice     ,NULL,2025-01-02 00:00:00.000\r\n2,Bob       ,12.50,NULL\r\n3,NULL,7.00,2025-03-04 13:45:00.000\r\n");
        Path named = Files.createDirectories(directory.resolve("drop/named"));
        Files.writeString(named.resolve("named.csv"), "id,name,amount,ordered_at\n1,Alice,12.50,2025-01-02 00:00:00.000\n");
        Path models = models("counted");
        Files.writeString(models.resolve("counted.sql"), "-- sources: orders\nSELECT count(*) AS orders FROM ${silver_database}.orders\n");
        Path lake = directory.resolve("lake");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString(), "--models", models.toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("converted orders/orders.csv into orders: 2 rows read, 2 written, 0 quarantined\n"
                + "    a new dataset: its schema contract, inferred from this file, is " + lake.resolve("silver/_schemas/orders.json")
                + ": _1 bigint, alice string (its values hold \"NULL\" for a missing value, as SQL Server's SSMS writes one, which a string column"
                + " keeps as text: declare it null, CSV_NULL_VALUES=orders:NULL, or in a gold model: nullif(alice, 'NULL')),"
                + " null double, _2025_01_02_00_00_00_000 timestamp\n"
                + "    its header reads as a row of data ('1' a bigint, 'NULL' a null marker, '2025-01-02 00:00:00.000' a timestamp): a file"
                + " without a header line (bcp and MySQL's SELECT ... INTO OUTFILE write none) has its first row read as the column names,"
                + " that row in no table; if so, put a line of the column names above its rows (or export it with one), delete "
                + lake.resolve("silver/_schemas/orders.json") + " and run again\n"), outcome.out());
        assertFalse(outcome.out().contains("converted named/named.csv into named: 1 rows read, 1 written, 0 quarantined\n"
                + "    a new dataset: its schema contract, inferred from this file, is " + lake.resolve("silver/_schemas/named.json")
                + ": id bigint, name string, amount double, ordered_at timestamp\n    its header"), outcome.out());
        assertTrue(outcome.out().contains("named.json: id bigint, name string, amount double, ordered_at timestamp\n"), outcome.out());
    }

    /**
     * A new dataset's columns left string for values in a form no type reads are named on its contract's line with a cast; each
     * cast, taken from that line as printed into a gold model, passes local's Athena checks and gives on DuckDB the typed values,
     * while silver keeps the text as written.
     */
    @Test
    void theCastsGivenForStringColumnsThatLookTypedRunInAGoldModel() throws Exception {
        Path ledger = Files.createDirectories(directory.resolve("drop/ledger"));
        Files.writeString(ledger.resolve("ledger.csv"), """
                id;dc;cg;sg;cur;acc;pct;dmy;mdy;us;yn;qty;fr;note
                1;1.234,56;1,234.5;1 234;$12.50;(12.50);12%;31/01/2026;01/31/2026;1/2/2026;Y;3;1\u202F234,50\u00A0€;first
                2;12,5;7.25;5;$3;3.25;3.5%;01/02/2026;02/01/2026;12/31/2025;N;4;3,50\u00A0€;second
                3;-0,75;12,345,678;12 345;$1,234.50;0;;29/02/2024;02/29/2024;2/29/2024;y;-5;(12,00\u00A0€);third
                4;;;;;  ;;;;;;;;fourth
                5;N/A;-;#N/A;n/a;-;?;null;NULL;N/A;-;N/A;N/A;fifth
                """);
        Path models = models("typed");
        Files.writeString(models.resolve("typed.sql"), "-- sources: ledger\nSELECT id FROM ${silver_database}.ledger\n");
        Path lake = directory.resolve("lake");

        Outcome first = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString(), "--models", models.toString());

        assertEquals(0, first.exit(), first.err());
        Matcher contract = Pattern.compile("\n    a new dataset: its schema contract, inferred from this file, is [^\n]*ledger\\.json: ([^\n]*)\n").matcher(first.out());
        assertTrue(contract.find(), first.out());
        Map<String, String> casts = new TreeMap<>();
        for (String column : contract.group(1).split(", (?=[a-z_][a-z0-9_]* (bigint|double|string|date|timestamp|boolean)( \\(its values|$))")) {
            Matcher hinted = Pattern.compile("([a-z_]+) string \\(its values look like .*, cast it in a gold model: (.*)\\)").matcher(column);
            if (hinted.matches()) {
                casts.put(hinted.group(1), hinted.group(2));
            }
        }
        assertEquals(List.of("acc", "cg", "cur", "dc", "dmy", "fr", "mdy", "pct", "qty", "sg", "us", "yn"), List.copyOf(casts.keySet()), contract.group(1));
        // No-break spaces, which a person copying the cast could not see, are named by their code points.
        assertEquals("CAST(replace(replace(replace(replace(replace(replace(nullif(fr, 'N/A'), '€', ''), '(', '-'), ')', ''), chr(160), ''), chr(8239), ''),"
                + " ',', '.') AS decimal(18,2))", casts.get("fr"));
        // A field of spaces stays as read in a string column: the cast makes it null, as a typed column would; so too a placeholder.
        assertEquals("CAST(replace(replace(nullif(nullif(trim(acc), ''), '-'), '(', '-'), ')', '') AS decimal(18,2))", casts.get("acc"));
        Files.writeString(models.resolve("typed.sql"), "-- sources: ledger\nSELECT id, " + String.join(", ", casts.entrySet().stream()
                .map(cast -> cast.getValue() + " AS " + cast.getKey()).toList()) + " FROM ${silver_database}.ledger\n");

        Outcome second = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString(), "--models", models.toString());

        assertEquals(0, second.exit(), second.err());
        Path table = lake.resolve("gold/typed");
        assertEquals(Map.ofEntries(Map.entry("id", "BIGINT"), Map.entry("acc", "DECIMAL(18,2)"), Map.entry("cg", "DOUBLE"), Map.entry("cur", "DECIMAL(18,2)"),
                Map.entry("dc", "DOUBLE"), Map.entry("dmy", "DATE"), Map.entry("fr", "DECIMAL(18,2)"), Map.entry("mdy", "DATE"), Map.entry("pct", "DOUBLE"), Map.entry("qty", "BIGINT"),
                Map.entry("sg", "BIGINT"), Map.entry("us", "DATE"), Map.entry("yn", "BOOLEAN")), GoldFiles.schema(table));
        assertEquals("[{id=1, acc=-12.50, cg=1234.5, cur=12.50, dc=1234.56, dmy=2026-01-31, fr=1234.50, mdy=2026-01-31, pct=0.12, qty=3, sg=1234, us=2026-01-02, yn=true},"
                + " {id=2, acc=3.25, cg=7.25, cur=3.00, dc=12.5, dmy=2026-02-01, fr=3.50, mdy=2026-02-01, pct=0.035, qty=4, sg=5, us=2025-12-31, yn=false},"
                + " {id=3, acc=0.00, cg=1.2345678E7, cur=1234.50, dc=-0.75, dmy=2024-02-29, fr=-12.00, mdy=2024-02-29, pct=null, qty=-5, sg=12345, us=2024-02-29, yn=true},"
                + " {id=4, acc=null, cg=null, cur=null, dc=null, dmy=null, fr=null, mdy=null, pct=null, qty=null, sg=null, us=null, yn=null},"
                + " {id=5, acc=null, cg=null, cur=null, dc=null, dmy=null, fr=null, mdy=null, pct=null, qty=null, sg=null, us=null, yn=null}]",
                GoldFiles.query("SELECT id, acc, cg, cur, dc, CAST(dmy AS VARCHAR) AS dmy, fr, CAST(mdy AS VARCHAR) AS mdy, pct, qty, sg, CAST(us AS VARCHAR) AS us, yn FROM "
                        + "read_parquet('" + table + "/**/*.parquet') ORDER BY id").toString());
        assertEquals("[{dc=1.234,56, pct=12%, dmy=31/01/2026, yn=Y}, {dc=12,5, pct=3.5%, dmy=01/02/2026, yn=N}, {dc=-0,75, pct=null, dmy=29/02/2024, yn=y}, {dc=null, pct=null, dmy=null, yn=null},"
                + " {dc=N/A, pct=?, dmy=null, yn=-}]",
                GoldFiles.query("SELECT dc, pct, dmy, yn FROM read_parquet('" + lake.resolve("silver/ledger") + "/**/*.parquet') ORDER BY id").toString(),
                "silver holds the text as written");
    }

    /**
     * A pipe-delimited legacy extract whose every line, the header's too, ends in the delimiter converts into a
     * table of its columns alone: no always-null column for the empty field after the last delimiter in silver,
     * nor in a gold model reading all of its columns. A row holding a value there is quarantined, and the summary says so.
     */
    @Test
    void aDatExtractWhoseLinesEndInTheDelimiterHasNoColumnForIt() throws Exception {
        Path legacy = Files.createDirectories(directory.resolve("drop/legacy"));
        Files.writeString(legacy.resolve("extract.dat"), "id|name|amount|\r\n1|Anna|12.50|\r\n2|Ben|7.25|\r\n3|Cara|1.50|oops\r\n");
        Path models = models("everything");
        Files.writeString(models.resolve("everything.sql"), "-- sources: legacy\nSELECT * FROM ${silver_database}.legacy\n");
        Path lake = directory.resolve("lake");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString(), "--models", models.toString());

        assertEquals(0, outcome.exit(), outcome.err());
        // Every silver table has its partition column, the file's day, after its own.
        assertEquals(List.of("id", "name", "amount", "ingest_date"), List.copyOf(GoldFiles.schema(lake.resolve("gold/everything")).keySet()));
        List<Map<String, Object>> rows = GoldFiles.rows(lake.resolve("gold/everything"), "id");
        rows.forEach(row -> row.remove("ingest_date"));
        assertEquals(List.of(Map.of("id", 1L, "name", "Anna", "amount", 12.5), Map.of("id", 2L, "name", "Ben", "amount", 7.25)), rows);
        assertTrue(outcome.out().contains("1 quarantined"), outcome.out());
    }

    /**
     * DuckDB's own functions parse as Trino SQL, a call being a call, and run locally; Athena fails the query
     * ("Function 'strftime' not registered"). Each is refused at its place in the model's file, with
     * what to write instead: first what both engines run, then Athena's own, marked as one local cannot run.
     */
    @Test
    void aFunctionOfDuckDbsThatAthenaLacksIsRefusedWhereItIsCalled() throws Exception {
        Map<String, String> models = new TreeMap<>(Map.of(
                "month_text", "SELECT region,\n       strftime(CAST(\"timestamp\" AS TIMESTAMP), '%Y-%m') AS sale_month FROM ${silver_database}.sales",
                "product_lists", "SELECT region, LIST_SORT(list(product_id)) AS products FROM ${silver_database}.sales GROUP BY region"));
        Path directory = salesModels(models);

        Outcome outcome = runModels(directory);

        assertEquals(1, outcome.exit());
        List<String> errors = errors(outcome);
        assertEquals(List.of(
                "error: gold model month_text calls strftime at " + directory.resolve("month_text.sql") + ":3:8, a function of DuckDB's that Athena (Trino) lacks:"
                        + " write `CAST(date_trunc('month', ts) AS DATE)` for a month, `year(ts)` for a year, or"
                        + " `CAST(year(ts) AS VARCHAR) || '-' || lpad(CAST(month(ts) AS VARCHAR), 2, '0')` for the text 2024-03, which both engines run;"
                        + " other patterns: `date_format(ts, '%Y-%m-%d %H:%i')` (Athena only: local cannot run it, MySQL's patterns)",
                "error: gold model product_lists calls LIST_SORT at " + directory.resolve("product_lists.sql") + ":2:16, a function of DuckDB's that Athena (Trino) lacks:"
                        + " write `array_sort(items)`, `contains(items, x)`, `filter(items, e -> e > 1)` or `items || more_items`, which both engines run;"
                        + " `transform(items, e -> e * 2)` (Athena only: local cannot run it) and `reduce(items, 0, (s, e) -> s + e, s -> s)`"
                        + " (Athena only: local cannot run it, DuckDB's reduce takes other arguments)"), errors, outcome.err());
    }

    /**
     * A call is refused unless Athena engine version 3 has the function, not only when a list of DuckDB's
     * names holds it: DuckDB's array_has, suffix or jaro_winkler_similarity, whatever their case, ran locally
     * and failed only in Athena; and so did a name qualified by DuckDB's schema (main.strftime), which DuckDB
     * resolves to its own function and Athena to none.
     */
    @Test
    void aFunctionAthenaLacksIsRefusedWhereItIsCalledWhateverListNamesIt() throws Exception {
        Map<String, String> models = new TreeMap<>(Map.of(
                "has_product", "SELECT region, array_has(array_agg(product_id), 1001) AS sold_1001 FROM ${silver_database}.sales GROUP BY region",
                "ends_in_th", "SELECT region, SUFFIX(region, 'th') AS southern FROM ${silver_database}.sales",
                "near_north", "SELECT region, Jaro_Winkler_Similarity(region, 'North') AS near_north FROM ${silver_database}.sales",
                "qualified_duckdb", "SELECT region, main.strftime(CAST(\"timestamp\" AS TIMESTAMP), '%Y') AS sale_year FROM ${silver_database}.sales",
                "qualified_athena", "SELECT main.lower(region) AS region FROM ${silver_database}.sales"));
        Path directory = salesModels(models);

        Outcome outcome = runModels(directory);

        assertEquals(1, outcome.exit());
        List<String> errors = errors(outcome);
        assertEquals(List.of(
                "error: gold model ends_in_th calls SUFFIX at " + directory.resolve("ends_in_th.sql") + ":2:16, a function of DuckDB's that Athena (Trino) lacks:"
                        + " write `ends_with(text, suffix)`, which both engines run",
                "error: gold model has_product calls array_has at " + directory.resolve("has_product.sql") + ":2:16, a function of DuckDB's that Athena (Trino) lacks:"
                        + " write `contains(items, x)`, which both engines run",
                "error: gold model near_north calls Jaro_Winkler_Similarity at " + directory.resolve("near_north.sql") + ":2:16, a function Athena engine version 3"
                        + " lacks: Athena has Trino's functions (https://trino.io/docs/current/functions/list.html), and this is none of them; write it with those",
                "error: gold model qualified_athena calls main.lower at " + directory.resolve("qualified_athena.sql") + ":2:8, a name Athena (Trino) does not"
                        + " resolve: it calls a function by its name alone, without a schema or catalog; write lower(...)",
                "error: gold model qualified_duckdb calls main.strftime at " + directory.resolve("qualified_duckdb.sql") + ":2:16, a function of DuckDB's that"
                        + " Athena (Trino) lacks: write `CAST(date_trunc('month', ts) AS DATE)` for a month, `year(ts)` for a year, or"
                        + " `CAST(year(ts) AS VARCHAR) || '-' || lpad(CAST(month(ts) AS VARCHAR), 2, '0')` for the text 2024-03, which both engines run;"
                        + " other patterns: `date_format(ts, '%Y-%m-%d %H:%i')` (Athena only: local cannot run it, MySQL's patterns)"), errors, outcome.err());
    }

    /**
     * Athena's functions of every kind pass the check, whatever their case or quoting, with the special forms
     * Trino's parser makes of some calls (CAST, TRY_CAST, EXTRACT, IF, COALESCE, NULLIF, TRY, CURRENT_DATE); and
     * one DuckDB lacks (transform, date_format) is left to DuckDB, which fails it with its own message.
     */
    @Test
    void athenasFunctionsOfEveryKindPassTheCheckAndOneDuckDbLacksFailsOnDuckDb() throws Exception {
        Path models = models("athena_kinds", "athena_only");
        Files.writeString(models.resolve("athena_kinds.sql"), """
                -- sources: sales
                WITH per_region AS (
                    SELECT region,
                           CAST(count_if(is_online) AS BIGINT) AS online_orders,
                           max_by(product_id, total_amount) AS top_product,
                           bool_and(quantity > 0) AS all_positive,
                           array_agg(quantity) AS quantities,
                           max(date_diff('day', CAST("timestamp" AS DATE), DATE '2026-05-01')) AS most_days_before_may,
                           min(EXTRACT(MONTH FROM "timestamp")) AS first_month
                    FROM ${silver_database}.sales
                    GROUP BY region
                )
                SELECT region,
                       UPPER(region) AS upper_region,
                       "lower"(region) AS lower_region,
                       Concat_Ws('-', region, 'x') AS labelled,
                       regexp_replace(region, '[aeiou]', '') AS consonants,
                       CAST(json_array_length('[1, 2, 3]') AS BIGINT) AS three,
                       CAST(cardinality(map(ARRAY['k'], ARRAY[1])) AS BIGINT) AS one,
                       array_sort(filter(quantities, q -> q > 1)) AS multiples,
                       ROW_NUMBER() OVER (ORDER BY region) AS region_rank,
                       lag(region) OVER (ORDER BY region) AS previous_region,
                       IF(online_orders > 0, 'some', 'none') AS online,
                       COALESCE(NULLIF(region, 'North'), 'N') AS region_or_n,
                       TRY(CAST(region AS BIGINT)) AS region_number,
                       TRY_CAST(region AS BIGINT) AS region_number_too,
                       CURRENT_DATE >= DATE '2026-01-01' AS this_year,
                       online_orders, top_product, all_positive, most_days_before_may, first_month
                FROM per_region
                """);
        Files.writeString(models.resolve("athena_only.sql"), "-- sources: sales\n"
                + "SELECT transform(array_agg(quantity), q -> q * 2) AS doubled, date_format(max(\"timestamp\"), '%Y-%m') AS last_month FROM ${silver_database}.sales\n");

        Outcome outcome = runModels(models);

        assertEquals(1, outcome.exit(), outcome.err());
        List<String> errors = errors(outcome);
        assertEquals(1, errors.size(), outcome.err());
        assertTrue(errors.get(0).startsWith("error: gold model athena_only failed on DuckDB at " + models.resolve("athena_only.sql") + ":2: Catalog Error: Scalar Function with name transform does not exist!"),
                errors.get(0));
        List<Map<String, Object>> rows = GoldFiles.query("SELECT region, upper_region, lower_region, labelled, three, one, region_rank, region_number FROM read_parquet('"
                + directory.resolve("lake/gold/athena_kinds/data_0.parquet") + "') WHERE region = 'North'");
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("NORTH", rows.get(0).get("upper_region"));
        assertEquals("north", rows.get(0).get("lower_region"));
        assertEquals("North-x", rows.get(0).get("labelled"));
        assertEquals(3L, rows.get(0).get("three"));
        assertNull(rows.get(0).get("region_number"));
    }

    /**
     * DuckDB's GROUP BY ALL groups by every column not aggregated; Trino's parser takes the ALL there for a
     * column named all, so the model parsed, built locally and failed in Athena. It is refused at the ALL.
     * A column really named all, quoted, is still a column.
     */
    @Test
    void groupByAllIsRefusedAtItsPlace() throws Exception {
        String select = "SELECT region, COUNT(*) AS orders FROM ${silver_database}.sales GROUP BY ALL";
        Outcome outcome = runModels(model("grouped_all", "sales", select),
                model("quoted_all", "sales",
                        "SELECT \"all\", COUNT(*) AS orders FROM (SELECT region AS \"all\" FROM ${silver_database}.sales) GROUP BY \"all\""));

        assertEquals(1, outcome.exit(), outcome.err());
        List<String> errors = errors(outcome);
        assertEquals(List.of("error: gold model grouped_all groups BY ALL at " + modelFile("grouped_all") + ":2:" + (select.indexOf("ALL") + 1)
                + ", DuckDB's grouping by every column not aggregated, which Athena (Trino) lacks: it reads ALL there as a column named all"
                + " and fails the query; list the columns (GROUP BY region, product_id) or their positions (GROUP BY 1, 2)"), errors, outcome.err());
        assertBuilt(outcome, "quoted_all", "a column named all, quoted, is grouped by");
    }

    /**
     * A start of 0 is the first n - 1 characters in DuckDB and an empty text in Athena (Trino's substr returns ''
     * for a start of 0), so the model built with other values than Athena's. It is refused at the 0, in substr
     * and in SUBSTRING(x FROM 0 FOR n); starting at 1, or further, builds.
     */
    @Test
    void aSubstringStartingAtZeroIsRefusedAtTheZero() throws Exception {
        String substr = "SELECT substr(region, 0, 2) AS short_region FROM ${silver_database}.sales";
        String substring = "SELECT SUBSTRING(region FROM 0) AS short_region FROM ${silver_database}.sales";
        Path models = salesModels(new TreeMap<>(Map.of("substr_zero", substr, "substring_zero", substring,
                "substr_one", "SELECT substr(region, 1, 2) AS first_two, substr(region, 2) AS rest, SUBSTRING(region FROM 1 FOR 2) AS again,"
                        + " substr(region, -1) AS last_one FROM ${silver_database}.sales")));

        Outcome outcome = runModels(models);

        String athena = ", where DuckDB reads 0 as if it were 1 and takes one character fewer (substr('north', 0, 2) is 'n') and Athena (Trino)"
                + " returns an empty text for a start of 0; characters count from 1 in both: write substr(x, 1, n), substr(x, 1)";
        assertRefused(outcome,
                "error: gold model substr_zero starts substr at 0 at " + models.resolve("substr_zero.sql") + ":2:" + (substr.indexOf("0,") + 1) + athena,
                "error: gold model substring_zero starts substr at 0 at " + models.resolve("substring_zero.sql") + ":2:" + (substring.indexOf("0)") + 1) + athena);
        assertBuilt(outcome, "substr_one", "a start of 1 or more, or from the end, builds");
    }

    /**
     * A division by a literal 0 is NULL in DuckDB, where Athena fails the query for an integer or a decimal ("Division
     * by zero") and gives Infinity for a double: refused at the 0, for / and %; NULLIF(x, 0) as the divisor builds.
     */
    @Test
    void aDivisionByALiteralZeroIsRefusedAtTheZero() throws Exception {
        String integer = "SELECT quantity / 0 AS per_nothing FROM ${silver_database}.sales";
        String decimal = "SELECT total_amount % 0.00 AS rest FROM ${silver_database}.sales";
        Path models = salesModels(new TreeMap<>(Map.of("by_zero", integer, "by_decimal_zero", decimal,
                "by_nullif", "SELECT quantity / NULLIF(quantity - quantity, 0) AS per_nothing, quantity / 2 AS half, total_amount / 0.5 AS doubled,"
                        + " 0 / quantity AS nothing FROM ${silver_database}.sales")));

        Outcome outcome = runModels(models);

        String athena = ", which is NULL in DuckDB, where Athena (Trino) fails the query (Division by zero) for an integer or a decimal and gives"
                + " Infinity or NaN for a double; write NULL, or NULLIF(divisor, 0) for a divisor that may be 0 (NULL in both)";
        assertRefused(outcome,
                "error: gold model by_decimal_zero divides by 0 at " + models.resolve("by_decimal_zero.sql") + ":2:" + (decimal.indexOf("0.00") + 1) + athena,
                "error: gold model by_zero divides by 0 at " + models.resolve("by_zero.sql") + ":2:" + (integer.indexOf("0 AS") + 1) + athena);
        assertBuilt(outcome, "by_nullif", "a divisor that is not the literal 0 builds");
    }

    /**
     * DuckDB reads a quoted text compared with a timestamp or a date as one; Athena (Trino) converts no text for a
     * comparison and fails the query ("Cannot apply operator: timestamp(3) >= varchar(10)"), so a filter on a day
     * built locally and failed once deployed. It is refused at the text, with the literal to write; a text compared
     * with a text column, in a comparison, BETWEEN or IN, and a typed literal (DATE '…') still build.
     */
    @Test
    void aTextComparedWithATimestampOrANumberIsRefusedAtItsPlace() throws Exception {
        String sinceMarch = "SELECT transaction_id FROM ${silver_database}.sales WHERE \"timestamp\" >= '2026-03-01' AND region IN ('north', 'south')";
        String oneCustomer = "SELECT transaction_id FROM ${silver_database}.sales WHERE region <> 'west' AND customer_id = '42'";
        String fewItems = "SELECT transaction_id FROM ${silver_database}.sales s WHERE s.quantity NOT IN (1, '2')";
        Outcome outcome = runModels(model("since_march", "sales", sinceMarch),
                model("one_customer", "sales", oneCustomer),
                model("few_items", "sales", fewItems),
                model("typed_since_march", "sales",
                        "SELECT transaction_id FROM ${silver_database}.sales WHERE \"timestamp\" >= TIMESTAMP '2026-03-01 00:00:00'"
                        + " AND region BETWEEN 'a' AND 'z' AND region <> 'west' AND upper(region) IN ('NORTH', 'SOUTH') AND customer_id = 42"));

        String athena = ", which DuckDB converts and Athena (Trino) does not: it converts no text for a comparison and fails the query"
                + " (Cannot apply operator, or IN value and list items must be the same type); write ";
        assertRefused(outcome,
                "error: gold model since_march compares a timestamp with the text '2026-03-01' at " + modelFile("since_march") + ":2:"
                        + (sinceMarch.indexOf("'2026-03-01'") + 1) + athena + "TIMESTAMP '2026-03-01 00:00:00' (a literal of the timestamp's type), or compare"
                        + " text with text (CAST(x AS VARCHAR))",
                "error: gold model one_customer compares a number (BIGINT) with the text '42' at " + modelFile("one_customer") + ":2:"
                        + (oneCustomer.indexOf("'42'") + 1) + athena + "42 (a number, without quotes), or compare text with text (CAST(x AS VARCHAR))",
                "error: gold model few_items compares a number (BIGINT) with the text '2' at " + modelFile("few_items") + ":2:"
                        + (fewItems.indexOf("'2'") + 1) + athena + "2 (a number, without quotes), or compare text with text (CAST(x AS VARCHAR))");
        assertFalse(Files.exists(directory.resolve("lake/gold/since_march")), "no table is left of a model refused");
        assertBuilt(outcome, "typed_since_march", "typed literals, and texts compared with text, build");
    }

    /**
     * DuckDB converts a quoted text to the other operands' type in a COALESCE and in CASE x WHEN '…', where Athena
     * (Trino) converts none and fails the query ("All COALESCE operands must be the same type", "CASE operand type
     * does not match WHEN clause operand type"): refused at the text, with the value to write; a text beside a text
     * column, and a value in its type, build.
     */
    @Test
    void aTextCoalescedOrCaseMatchedWithANumberIsRefusedAtItsPlace() throws Exception {
        String coalesce = "SELECT coalesce(quantity, '0') AS units FROM ${silver_database}.sales";
        String caseWhen = "SELECT CASE customer_id WHEN 7 THEN 'seven' WHEN '42' THEN 'mine' ELSE 'theirs' END AS whose FROM ${silver_database}.sales";
        Path models = salesModels(new TreeMap<>(Map.of("coalesced", coalesce, "case_matched", caseWhen,
                "in_their_types", "SELECT coalesce(note, 'none') AS note, coalesce(quantity, 0) AS units, CASE /* where ) */ region -- of the sale\n WHEN 'north' THEN 1 ELSE 0 END AS northern,"
                        + " CASE customer_id WHEN 42 THEN 'mine' END AS whose, coalesce(upper(region), lower('X')) AS shouted"
                        + " FROM ${silver_database}.sales")));

        Outcome outcome = runModels(models);

        assertRefused(outcome,
                "error: gold model case_matched compares a number (BIGINT) with the text '42' at " + models.resolve("case_matched.sql") + ":2:"
                        + (caseWhen.indexOf("'42'") + 1) + ", which DuckDB converts and Athena (Trino) does not: it converts no text for a comparison and fails the query"
                        + " (CASE operand type does not match WHEN clause operand type); write 42 (a number, without quotes), or compare text with text (CAST(x AS VARCHAR))",
                "error: gold model coalesced coalesces a number (BIGINT) with the text '0' at " + models.resolve("coalesced.sql") + ":2:"
                        + (coalesce.indexOf("'0'") + 1) + ", which DuckDB converts and Athena (Trino) does not: it converts no text for a COALESCE and fails the query"
                        + " (All COALESCE operands must be the same type); write 0 (a number, without quotes), or make every operand text (CAST(x AS VARCHAR))");
        assertBuilt(outcome, "in_their_types", "texts beside text, and values in their types, build");
    }

    /**
     * DuckDB converts a quoted text to the other arguments' type in greatest and least, and compares it with the other
     * operand of a NULLIF by converting it, where Athena (Trino) converts none: greatest and least take arguments of one
     * orderable type (AbstractGreatestLeast), NULLIF operands of a common super type (ExpressionAnalyzer), and the query
     * fails: refused at the text, with the value to write; texts beside text, and values in their types, build.
     */
    @Test
    void aTextBesideANumberOrADateInGreatestLeastOrNullifIsRefusedAtItsPlace() throws Exception {
        String greatest = "SELECT transaction_id, greatest(quantity, '2') AS at_least FROM ${silver_database}.sales";
        String least = "SELECT customer_id, least(signup_date, '2026-01-01') AS capped FROM ${silver_database}.customers";
        String nullif = "SELECT transaction_id, nullif(quantity, '0') AS units FROM ${silver_database}.sales";
        Outcome outcome = runModels(model("greatest_text", "sales", greatest),
                model("least_text", "customers", least),
                model("nullif_text", "sales", nullif),
                model("in_their_types", "customers",
                        "SELECT customer_id, greatest(customer_id, 2) AS at_least, least(signup_date, DATE '2026-01-01') AS capped, greatest(city, 'm') AS later_city,"
                        + " NULLIF(city, 'Oslo') AS not_oslo, nullif(customer_id, 0) AS known FROM ${silver_database}.customers"));

        assertRefused(outcome,
                "error: gold model greatest_text compares a number (BIGINT) with the text '2' at " + modelFile("greatest_text") + ":2:"
                        + (greatest.indexOf("'2'") + 1) + ", which DuckDB converts and Athena (Trino) does not: it converts no text for greatest and fails the query"
                        + " (Unexpected parameters for function greatest); write 2 (a number, without quotes), or compare text with text (CAST(x AS VARCHAR))",
                "error: gold model least_text compares a date with the text '2026-01-01' at " + modelFile("least_text") + ":2:"
                        + (least.indexOf("'2026") + 1) + ", which DuckDB converts and Athena (Trino) does not: it converts no text for least and fails the query"
                        + " (Unexpected parameters for function least); write DATE '2026-01-01' (a literal of the date's type), or compare text with text (CAST(x AS VARCHAR))",
                "error: gold model nullif_text compares a number (BIGINT) with the text '0' at " + modelFile("nullif_text") + ":2:"
                        + (nullif.indexOf("'0'") + 1) + ", which DuckDB converts and Athena (Trino) does not: it converts no text for a NULLIF and fails the query"
                        + " (Types are not comparable with NULLIF); write 0 (a number, without quotes), or compare text with text (CAST(x AS VARCHAR))");
        assertBuilt(outcome, "in_their_types", "texts beside text, and values in their types, build");
    }

    /**
     * DuckDB's || turns a number, a date or a boolean into text; Athena's (Trino's) takes only text (or arrays) and
     * fails the query ("Unexpected parameters (varchar, integer) for function concat"): refused at the ||, naming the
     * type and the CAST to write; text joined with text, a NULL, or a number cast to text, builds.
     */
    @Test
    void aNumberJoinedToTextWithConcatenationIsRefusedAtTheOperator() throws Exception {
        String column = "SELECT region || '-' || customer_id AS label FROM ${silver_database}.sales";
        String literal = "SELECT transaction_id, 'a' || 1 AS label FROM ${silver_database}.sales";
        Path models = salesModels(new TreeMap<>(Map.of("joins_column", column, "joins_literal", literal,
                "joins_text", "SELECT CAST(1 AS VARCHAR) || 'a' AS one, region || '-' || CAST(quantity AS VARCHAR) AS label, region || NULL AS nothing,"
                        + " note || region AS both_text, upper(region || 'x') AS shouted FROM ${silver_database}.sales")));

        Outcome outcome = runModels(models);

        String athena = ", which DuckDB turns into text and Athena (Trino) does not: its || joins only text (or arrays) and fails the query"
                + " (Unexpected parameters for function concat); write CAST(x AS VARCHAR) for the ";
        assertRefused(outcome,
                "error: gold model joins_column joins a number (BIGINT) to text with || at " + models.resolve("joins_column.sql") + ":2:"
                        + (column.lastIndexOf("||") + 1) + athena + "number",
                "error: gold model joins_literal joins a number (INTEGER) to text with || at " + models.resolve("joins_literal.sql") + ":2:"
                        + (literal.indexOf("||") + 1) + athena + "number");
        assertBuilt(outcome, "joins_text", "text joined with text builds");
    }

    /**
     * DuckDB adds a number to a date as days; Trino adds only an interval to a date ("Cannot apply operator: date +
     * integer"): refused at the operator, with the INTERVAL to write; a date plus an INTERVAL, and a number plus a
     * number, build.
     */
    @Test
    void aNumberAddedToADateIsRefusedWithTheIntervalToWrite() throws Exception {
        String nextDay = "SELECT customer_id, signup_date + 1 AS next_day FROM ${silver_database}.customers";
        String weekBefore = "SELECT customer_id, signup_date - 7 AS week_before FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("next_day", "customers", nextDay),
                model("week_before", "customers", weekBefore),
                model("with_interval", "customers",
                        "SELECT customer_id + 1 AS next_id, CAST(signup_date + INTERVAL '1' DAY AS DATE) AS next_day, CAST(signup_date - INTERVAL '7' DAY AS DATE) AS week_before"
                        + " FROM ${silver_database}.customers"));

        String athena = ", which DuckDB counts in days and Athena (Trino) refuses: it adds to a date, or subtracts from one, only an interval"
                + " (Cannot apply operator: date %s integer); write ";
        String cast = " (an interval, in CAST(... AS DATE) since DuckDB makes a date plus an interval a TIMESTAMP, where Athena keeps a DATE)";
        assertRefused(outcome,
                "error: gold model next_day adds the number 1 to a date at " + modelFile("next_day") + ":2:" + (nextDay.indexOf("+") + 1)
                        + athena.formatted("+") + "CAST(x + INTERVAL '1' DAY AS DATE)" + cast,
                "error: gold model week_before subtracts the number 7 from a date at " + modelFile("week_before") + ":2:" + (weekBefore.indexOf("-") + 1)
                        + athena.formatted("-") + "CAST(x - INTERVAL '7' DAY AS DATE)" + cast);
        assertBuilt(outcome, "with_interval", "a date plus an interval builds");
    }

    /**
     * DuckDB adds a number column to a date as days, as it adds a literal; Trino adds only an interval to a date ("Cannot
     * apply operator: date + integer"): refused at the operator, in either order, with the interval to write; the
     * interval times the number, in CAST(... AS DATE), and a number plus a number, build.
     */
    @Test
    void aNumberColumnAddedToADateIsRefusedWithTheIntervalToWrite() throws Exception {
        String with = "WITH c AS (SELECT customer_id, signup_date, 30 AS days FROM ${silver_database}.customers) ";
        String due = with + "SELECT customer_id, signup_date - (days * 2) AS due FROM c";
        String daysFirst = with + "SELECT customer_id, days + signup_date AS due FROM c";
        Outcome outcome = runModels(model("due", "customers", due),
                model("days_first", "customers", daysFirst),
                model("with_interval_times_days", "customers", with
                        + "SELECT customer_id + days AS later_id, CAST(signup_date + days * INTERVAL '1' DAY AS DATE) AS due, signup_date - INTERVAL '7' DAY < signup_date AS earlier"
                        + " FROM c"));

        String athena = ", which DuckDB counts in days and Athena (Trino) refuses: it adds to a date, or subtracts from one, only an interval"
                + " (Cannot apply operator: date %s integer); write ";
        String cast = " (an interval, in CAST(... AS DATE) since DuckDB makes a date plus an interval a TIMESTAMP, where Athena keeps a DATE)";
        assertRefused(outcome,
                "error: gold model due subtracts the number (days * 2) (INTEGER) from a date at " + modelFile("due") + ":2:"
                        + (due.indexOf(" - ") + 2) + athena.formatted("-") + "CAST(x - (days * 2) * INTERVAL '1' DAY AS DATE)" + cast,
                "error: gold model days_first adds the number days (INTEGER) to a date at " + modelFile("days_first") + ":2:"
                        + (daysFirst.indexOf("+") + 1) + athena.formatted("+") + "CAST(x + days * INTERVAL '1' DAY AS DATE)" + cast);
        assertBuilt(outcome, "with_interval_times_days", "an interval times the number builds");
    }

    /**
     * Trino adds to a date only whole days, months or years: an interval of hours, minutes or seconds fails the query
     * ("Cannot add hour, minutes or seconds to a date"), where DuckDB makes the date a TIMESTAMP at that hour: refused
     * at the operator, saying to make the date a timestamp first; a timestamp plus hours, and a date plus days compared
     * with a date, build.
     */
    @Test
    void hoursAddedToADateAreRefusedAtTheOperator() throws Exception {
        String hourLater = "SELECT customer_id, signup_date + INTERVAL '1' HOUR AS later FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("an_hour_later", "customers", hourLater),
                model("hours_on_timestamps", "customers",
                        "SELECT customer_id, CAST(signup_date AS TIMESTAMP) + INTERVAL '1' HOUR AS later FROM ${silver_database}.customers"
                        + " WHERE signup_date + INTERVAL '1' DAY > DATE '2020-01-01'"));

        assertRefused(outcome,
                "error: gold model an_hour_later adds INTERVAL '1' HOUR to a date at " + modelFile("an_hour_later") + ":2:" + (hourLater.indexOf("+") + 1)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date); write CAST(x AS TIMESTAMP) + INTERVAL '1' HOUR, a timestamp in both");
        assertBuilt(outcome, "hours_on_timestamps", "hours added to a timestamp build");
    }

    /**
     * Hours counted by a multiplication (n * INTERVAL '1' HOUR) are an interval day to second Trino adds to a date only when
     * it is whole days (DateTimeOperators.datePlusIntervalDayToSecond), failing the query on the first row whose hours are not,
     * where DuckDB makes the date a TIMESTAMP at that hour: refused at the operator as a literal of hours is; a timestamp plus
     * such hours, and a date plus days so counted, build.
     */
    @Test
    void hoursCountedByAMultiplicationAddedToADateAreRefusedAtTheOperator() throws Exception {
        String hoursLater = "SELECT customer_id, signup_date + customer_id * INTERVAL '1' HOUR AS later FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("hours_later", "customers", hoursLater),
                model("hours_on_timestamps", "customers",
                        "SELECT customer_id, CAST(signup_date AS TIMESTAMP) + customer_id * INTERVAL '1' HOUR AS later,"
                        + " CAST(signup_date + customer_id * INTERVAL '1' DAY AS DATE) AS days_later FROM ${silver_database}.customers"));

        assertRefused(outcome,
                "error: gold model hours_later adds customer_id * INTERVAL '1' HOUR to a date at " + modelFile("hours_later") + ":2:" + (hoursLater.indexOf("+") + 1)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date, on a row whose hours are not whole days);"
                        + " write CAST(x AS TIMESTAMP) + customer_id * INTERVAL '1' HOUR, a timestamp in both");
        assertBuilt(outcome, "hours_on_timestamps", "hours added to a timestamp, and days to a date, build");
    }

    /**
     * A DECIMAL divided by a number is a DOUBLE in DuckDB (0.3333333333333333) and a DECIMAL of the larger scale in Athena (Trino),
     * rounded (0.33): refused at the operator, saying to divide it as a DOUBLE; so divided, integers divided, and a decimal
     * multiplied, build.
     */
    @Test
    void aDecimalDividedIsRefusedAtTheOperator() throws Exception {
        String third = "SELECT customer_id, CAST(customer_id AS DECIMAL(10,2)) / 3 AS third FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("third", "customers", third),
                model("same_division", "customers",
                        "SELECT customer_id, CAST(CAST(customer_id AS DECIMAL(10,2)) AS DOUBLE) / 3 AS third, customer_id / 2 AS half,"
                        + " CAST(customer_id AS DECIMAL(10,2)) * 2 AS twice FROM ${silver_database}.customers"));

        assertRefused(outcome,
                "error: gold model third divides CAST(customer_id AS DECIMAL(10,2)) by 3 at " + modelFile("third") + ":2:" + (third.indexOf("/") + 1)
                        + ", a DECIMAL (DECIMAL(10,2)) division, which DuckDB makes a DOUBLE (1.00 / 3 is 0.3333333333333333) and Athena (Trino) a DECIMAL"
                        + " of the larger scale, rounded (0.33), so the column's type and its values would differ from Athena's;"
                        + " write CAST(CAST(customer_id AS DECIMAL(10,2)) AS DOUBLE) / 3, a DOUBLE in both");
        assertBuilt(outcome, "same_division", "a division as doubles or integers, and a decimal multiplied, build");
    }

    /**
     * A timestamp cast to text is written 2026-06-02 00:00:00 by DuckDB and with the digits of its precision by Athena (Trino),
     * 2026-06-02 00:00:00.000 for a timestamp(3), or as the date alone where Athena's value is a DATE (a date plus days reached
     * through a WITH query's column): refused at the cast, saying to cast to a date first; a date, a number, a timestamp literal
     * of whole seconds, and a date sum cast to a date first, cast to text, build.
     */
    @Test
    void aTimestampCastToTextIsRefusedAtTheCast() throws Exception {
        String timestampText = "SELECT customer_id, CAST(CAST(signup_date AS TIMESTAMP) AS VARCHAR) AS signed_up FROM ${silver_database}.customers";
        String withText = "WITH c AS (SELECT customer_id, signup_date + INTERVAL '1' DAY AS next_day FROM ${silver_database}.customers)"
                + " SELECT customer_id, TRY_CAST(next_day AS varchar(10)) AS next_day_text FROM c";
        Outcome outcome = runModels(model("timestamp_text", "customers", timestampText),
                model("with_text", "customers", withText),
                model("text_alike", "customers",
                        "SELECT customer_id, CAST(CAST(signup_date + INTERVAL '1' DAY AS DATE) AS VARCHAR) AS next_day, CAST(signup_date AS VARCHAR) AS signed_up,"
                        + " CAST(customer_id AS VARCHAR) AS id, CAST(TIMESTAMP '2026-06-02 00:00:00' AS VARCHAR) AS launch FROM ${silver_database}.customers"));

        String athena = ", which DuckDB writes without a fraction for whole seconds (2026-06-02 00:00:00) and Athena (Trino) with the digits of its precision,"
                + " milliseconds for a silver column (2026-06-02 00:00:00.000), or as the date alone (2026-06-02) where it is a date plus an interval"
                + " or date_trunc of a date, so the text differs; write ";
        String keep = ", the same text in both, or keep it a timestamp (date_format, which would write it alike, is Athena's alone: local cannot run it)";
        assertRefused(outcome,
                "error: gold model timestamp_text casts CAST(signup_date AS TIMESTAMP), a timestamp (TIMESTAMP) to DuckDB, to VARCHAR at "
                        + modelFile("timestamp_text") + ":2:" + (timestampText.lastIndexOf(" AS VARCHAR") + 2) + athena
                        + "CAST(CAST(CAST(signup_date AS TIMESTAMP) AS DATE) AS VARCHAR) for the day" + keep,
                "error: gold model with_text casts next_day, a timestamp (TIMESTAMP) to DuckDB, to varchar(10) at "
                        + modelFile("with_text") + ":2:" + (withText.indexOf(" AS varchar") + 2) + athena
                        + "CAST(CAST(next_day AS DATE) AS varchar(10)) for the day" + keep);
        assertBuilt(outcome, "text_alike", "a date, a number and a whole-seconds literal cast to text build");
    }

    /**
     * A date plus whole days is a DATE in Athena (Trino) and a TIMESTAMP in DuckDB, so hours added to it after (d + INTERVAL '1' DAY
     * + INTERVAL '1' HOUR) are added to a date there, which fails the query (Cannot add hour, minutes or seconds to a date), and to a
     * timestamp in DuckDB: refused at the later operator, saying to make the date a timestamp first; whole days of hours after,
     * a timestamp from the start, and the sum cast to a timestamp first, build.
     */
    @Test
    void hoursAfterADatePlusDaysAreRefusedAtTheOperator() throws Exception {
        String chained = "SELECT customer_id, signup_date + INTERVAL '1' DAY + INTERVAL '1' HOUR AS later FROM ${silver_database}.customers";
        String months = "SELECT customer_id, CAST(signup_date + INTERVAL '1' MONTH - INTERVAL '30' MINUTE AS DATE) AS due FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("chained", "customers", chained),
                model("chained_months", "customers", months),
                model("chained_alike", "customers",
                        "SELECT customer_id, CAST(signup_date + INTERVAL '1' DAY + INTERVAL '24' HOUR AS DATE) AS two_days,"
                        + " CAST(signup_date AS TIMESTAMP) + INTERVAL '1' DAY + INTERVAL '1' HOUR AS later,"
                        + " CAST(signup_date + INTERVAL '1' DAY AS TIMESTAMP) + INTERVAL '1' HOUR AS later_still FROM ${silver_database}.customers"));

        assertRefused(outcome,
                "error: gold model chained adds INTERVAL '1' HOUR to a date plus whole days, months or years (x + INTERVAL '1' DAY, a DATE in Athena (Trino),"
                        + " a TIMESTAMP in DuckDB) at " + modelFile("chained") + ":2:" + (chained.lastIndexOf("+") + 1)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date); write CAST(x AS TIMESTAMP) + INTERVAL '1' DAY + INTERVAL '1' HOUR, a timestamp in both",
                "error: gold model chained_months subtracts INTERVAL '30' MINUTE from a date plus whole days, months or years (x + INTERVAL '1' MONTH,"
                        + " a DATE in Athena (Trino), a TIMESTAMP in DuckDB) at " + modelFile("chained_months") + ":2:" + (months.indexOf(" - ") + 2)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it subtracts from a date only days, months or years and fails the query"
                        + " (Cannot subtract hour, minutes or seconds from a date); write CAST(x AS TIMESTAMP) + INTERVAL '1' MONTH - INTERVAL '30' MINUTE,"
                        + " a timestamp in both");
        assertBuilt(outcome, "chained_alike", "whole days after, and a timestamp plus hours, build");
    }

    /**
     * Hours added to or subtracted from date_trunc of a date, or after whole days added to it: Trino's date_trunc of a date is a
     * DATE (DateTimeFunctions.truncateDate), to which it adds no hours (Cannot add hour, minutes or seconds to a date), where DuckDB's
     * is a TIMESTAMP, so the probe of the + saw no date: refused at the operator whose interval holds hours, saying to cast the
     * truncation to a timestamp first. A date that DuckDB types a DATE too (CURRENT_DATE, a date literal) is refused at its own
     * operator; a truncated timestamp plus hours, the truncation cast to a timestamp first, and whole days after, build.
     */
    @Test
    void hoursAfterDateTruncOfADateAreRefusedAtTheOperator() throws Exception {
        String truncated = "SELECT customer_id, date_trunc('month', signup_date) + INTERVAL '1' HOUR AS opens FROM ${silver_database}.customers";
        String chain = "SELECT customer_id, CAST(INTERVAL '1' DAY + date_trunc('year', signup_date) - INTERVAL '30' MINUTE AS DATE) AS eve FROM ${silver_database}.customers";
        String today = "SELECT customer_id, CURRENT_DATE + INTERVAL '1' HOUR AS later FROM ${silver_database}.customers";
        String literal = "SELECT customer_id, DATE '2026-01-01' - INTERVAL '1' HOUR AS earlier FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("truncated_hour", "customers", truncated),
                model("truncated_chain", "customers", chain),
                model("today_hour", "customers", today),
                model("literal_hour", "customers", literal),
                model("truncated_alike", "customers",
                        "SELECT customer_id, date_trunc('month', CAST(signup_date AS TIMESTAMP)) + INTERVAL '1' HOUR AS opens,"
                        + " CAST(date_trunc('month', signup_date) AS TIMESTAMP) + INTERVAL '1' HOUR AS opens_too,"
                        + " CAST(date_trunc('month', signup_date) + INTERVAL '24' HOUR AS DATE) AS second_day,"
                        + " CAST(date_trunc('month', signup_date) AS DATE) AS month FROM ${silver_database}.customers"));

        assertRefused(outcome,
                "error: gold model truncated_hour adds INTERVAL '1' HOUR to date_trunc of a date (date_trunc('month', x), a DATE in Athena (Trino),"
                        + " a TIMESTAMP in DuckDB) at " + modelFile("truncated_hour") + ":2:" + (truncated.indexOf("+") + 1)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date); write CAST(date_trunc('month', x) AS TIMESTAMP) + INTERVAL '1' HOUR, a timestamp in both",
                "error: gold model truncated_chain subtracts INTERVAL '30' MINUTE from date_trunc of a date (date_trunc('year', x), a DATE in Athena (Trino),"
                        + " a TIMESTAMP in DuckDB) at " + modelFile("truncated_chain") + ":2:" + (chain.indexOf(" - ") + 2)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it subtracts from a date only days, months or years and fails the query"
                        + " (Cannot subtract hour, minutes or seconds from a date); write CAST(date_trunc('year', x) AS TIMESTAMP) + INTERVAL '1' DAY - INTERVAL '30' MINUTE,"
                        + " a timestamp in both",
                "error: gold model today_hour adds INTERVAL '1' HOUR to a date at " + modelFile("today_hour") + ":2:" + (today.indexOf("+") + 1)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date); write CAST(x AS TIMESTAMP) + INTERVAL '1' HOUR, a timestamp in both",
                "error: gold model literal_hour subtracts INTERVAL '1' HOUR from a date at " + modelFile("literal_hour") + ":2:" + (literal.indexOf(" - ") + 2)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it subtracts from a date only days, months or years and fails the query"
                        + " (Cannot subtract hour, minutes or seconds from a date); write CAST(x AS TIMESTAMP) - INTERVAL '1' HOUR, a timestamp in both");
        assertBuilt(outcome, "truncated_alike", "a truncated timestamp plus hours, and whole days after, build");
    }

    /**
     * Hours added after date_trunc of a date plus whole days (date_trunc('month', d + INTERVAL '1' DAY) + INTERVAL '1' HOUR), or of
     * date_trunc of a date: Trino's sum is a DATE (DateTimeOperators.datePlusIntervalDayToSecond) and so is its date_trunc of a
     * DATE (DateTimeFunctions.truncateDate), to which it adds no hours (Cannot add hour, minutes or seconds to a date), where
     * DuckDB's are TIMESTAMPs, so neither the outer date_trunc's probe nor the later operator's saw a date: refused at the
     * operator whose interval holds hours, saying to cast the truncation to a timestamp first. The sum made a timestamp inside,
     * the truncation cast to a timestamp, and whole days after, build.
     */
    @Test
    void hoursAfterDateTruncOfADatePlusDaysAreRefusedAtTheOperator() throws Exception {
        String sum = "SELECT customer_id, date_trunc('month', signup_date + INTERVAL '1' DAY) + INTERVAL '1' HOUR AS opens FROM ${silver_database}.customers";
        String twice = "SELECT customer_id, date_trunc('year', (date_trunc('month', signup_date))) - INTERVAL '30' MINUTE AS eve FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("truncated_sum_hour", "customers", sum),
                model("truncated_twice", "customers", twice),
                model("truncated_sum_alike", "customers",
                        "SELECT customer_id, date_trunc('month', CAST(signup_date AS TIMESTAMP) + INTERVAL '1' DAY) + INTERVAL '1' HOUR AS opens,"
                        + " CAST(date_trunc('month', signup_date + INTERVAL '1' DAY) AS TIMESTAMP) + INTERVAL '1' HOUR AS opens_too,"
                        + " CAST(date_trunc('month', signup_date + INTERVAL '1' DAY) + INTERVAL '24' HOUR AS DATE) AS second_day,"
                        + " CAST(date_trunc('year', date_trunc('month', signup_date)) AS TIMESTAMP) - INTERVAL '30' MINUTE AS eve FROM ${silver_database}.customers"));

        assertRefused(outcome,
                "error: gold model truncated_sum_hour adds INTERVAL '1' HOUR to date_trunc of a date plus whole days, months or years"
                        + " (date_trunc('month', x + INTERVAL '1' DAY), a DATE in Athena (Trino), a TIMESTAMP in DuckDB) at "
                        + modelFile("truncated_sum_hour") + ":2:" + (sum.lastIndexOf("+") + 1)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date); write CAST(date_trunc('month', x + INTERVAL '1' DAY) AS TIMESTAMP) + INTERVAL '1' HOUR,"
                        + " a timestamp in both",
                "error: gold model truncated_twice subtracts INTERVAL '30' MINUTE from date_trunc of date_trunc of a date"
                        + " (date_trunc('year', date_trunc('month', x)), a DATE in Athena (Trino), a TIMESTAMP in DuckDB) at "
                        + modelFile("truncated_twice") + ":2:" + (twice.indexOf(" - ") + 2)
                        + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it subtracts from a date only days, months or years and fails the query"
                        + " (Cannot subtract hour, minutes or seconds from a date); write CAST(date_trunc('year', date_trunc('month', x)) AS TIMESTAMP)"
                        + " - INTERVAL '30' MINUTE, a timestamp in both");
        assertBuilt(outcome, "truncated_sum_alike", "the sum a timestamp inside, the truncation cast, and whole days after, build");
    }

    /**
     * Hours added to a WITH query's column that is a date plus whole days, or date_trunc of a date: Trino's column is a DATE
     * (DateTimeOperators.datePlusIntervalDayToSecond, DateTimeFunctions.truncateDate), to which it adds no hours (Cannot add hour,
     * minutes or seconds to a date), where DuckDB's is a TIMESTAMP, so the probe of the later operator saw no date: refused at
     * that operator, naming the column and where its date is made, saying to cast the column to a timestamp first. The column cast
     * to a timestamp, whole days of hours after it, and a WITH query's column that is a timestamp plus days, build.
     */
    @Test
    void hoursAddedToAWithQuerysDateColumnAreRefusedAtTheOperator() throws Exception {
        String nextDay = "WITH c AS (SELECT customer_id, signup_date + INTERVAL '1' DAY AS next_day FROM ${silver_database}.customers)"
                + " SELECT customer_id, next_day + INTERVAL '1' HOUR AS later FROM c";
        String monthEve = "WITH m AS (SELECT customer_id, date_trunc('month', signup_date) AS signup_month FROM ${silver_database}.customers)"
                + " SELECT customer_id, (m.signup_month) - INTERVAL '30' MINUTE AS eve FROM m";
        Outcome outcome = runModels(model("next_day_hour", "customers", nextDay),
                model("signup_month_eve", "customers", monthEve),
                model("with_hours_alike", "customers",
                        "WITH c AS (SELECT customer_id, signup_date + INTERVAL '1' DAY AS next_day, date_trunc('month', signup_date) AS signup_month,"
                        + " CAST(signup_date AS TIMESTAMP) + INTERVAL '1' DAY AS next_midnight FROM ${silver_database}.customers)"
                        + " SELECT customer_id, CAST(next_day AS TIMESTAMP) + INTERVAL '1' HOUR AS later, CAST(next_day + INTERVAL '24' HOUR AS DATE) AS day_after,"
                        + " CAST(signup_month AS TIMESTAMP) - INTERVAL '30' MINUTE AS eve, next_midnight + INTERVAL '1' HOUR AS next_one FROM c"));

        assertRefused(outcome,
                "error: gold model next_day_hour adds INTERVAL '1' HOUR to next_day at " + modelFile("next_day_hour") + ":2:" + (nextDay.lastIndexOf("+") + 1)
                        + ", a date plus whole days, months or years at " + modelFile("next_day_hour") + ":2:" + (nextDay.indexOf("+") + 1)
                        + " (x + INTERVAL '1' DAY, a DATE in Athena (Trino), a TIMESTAMP in DuckDB) through a WITH query or subquery,"
                        + " which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years and fails the query"
                        + " (Cannot add hour, minutes or seconds to a date); write CAST(next_day AS TIMESTAMP) + INTERVAL '1' HOUR, a timestamp in both",
                "error: gold model signup_month_eve subtracts INTERVAL '30' MINUTE from (m.signup_month) at " + modelFile("signup_month_eve") + ":2:"
                        + (monthEve.indexOf(" - ") + 2) + ", date_trunc of a date at " + modelFile("signup_month_eve") + ":2:" + (monthEve.indexOf("date_trunc") + 1)
                        + " (date_trunc('month', x), a DATE in Athena (Trino), a TIMESTAMP in DuckDB) through a WITH query or subquery,"
                        + " which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it subtracts from a date only days, months or years and fails the query"
                        + " (Cannot subtract hour, minutes or seconds from a date); write CAST((m.signup_month) AS TIMESTAMP) - INTERVAL '30' MINUTE, a timestamp in both");
        assertBuilt(outcome, "with_hours_alike", "the column cast to a timestamp, whole days after it, and a timestamp column plus hours build");
    }

    /**
     * Whole days, months or years added to date_trunc of a date are a TIMESTAMP in DuckDB and a DATE in Athena (Trino's date_trunc of a
     * date is a DATE, and a DATE plus days is a DATE): as a column of the table refused at the call as date_trunc alone is, saying to
     * cast the sum to a date; cast to text, refused at the cast as every timestamp is; compared with a date, or in CAST(... AS DATE), it builds.
     */
    @Test
    void daysAfterDateTruncOfADateForAColumnAreRefusedAtTheCall() throws Exception {
        String next = "SELECT customer_id, date_trunc('month', signup_date) + INTERVAL '1' DAY - INTERVAL '1' MONTH AS second_day FROM ${silver_database}.customers";
        String text = "SELECT customer_id, CAST((INTERVAL '1' DAY + date_trunc('month', signup_date)) AS VARCHAR) AS second_day FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("truncated_next", "customers", next),
                model("truncated_next_text", "customers", text),
                model("truncated_next_alike", "customers",
                        "SELECT customer_id, CAST(date_trunc('month', signup_date) + INTERVAL '1' DAY AS DATE) AS second_day,"
                        + " date_trunc('month', signup_date) + INTERVAL '1' DAY > DATE '2020-01-01' AS later FROM ${silver_database}.customers"));

        assertRefused(outcome,
                "error: gold model truncated_next truncates a date with date_trunc, then adds or subtracts whole days, months or years"
                        + " (date_trunc('month', x) + INTERVAL '1' DAY - INTERVAL '1' MONTH), for a column of the table at " + modelFile("truncated_next") + ":2:"
                        + (next.indexOf("date_trunc") + 1) + ", which DuckDB makes a TIMESTAMP (2026-01-01 00:00:00) and Athena (Trino) keeps a DATE (2026-01-01),"
                        + " so the column's type, its values and its partition folders would differ from Athena's;"
                        + " write CAST(date_trunc('month', x) + INTERVAL '1' DAY - INTERVAL '1' MONTH AS DATE), a DATE in both",
                "error: gold model truncated_next_text casts (INTERVAL '1' DAY + date_trunc('month', signup_date)), a timestamp (TIMESTAMP) to DuckDB, to VARCHAR at "
                        + modelFile("truncated_next_text") + ":2:" + (text.indexOf(" AS VARCHAR") + 2) + ", which DuckDB writes without a fraction for whole"
                        + " seconds (2026-06-02 00:00:00) and Athena (Trino) with the digits of its precision, milliseconds for a silver column (2026-06-02 00:00:00.000),"
                        + " or as the date alone (2026-06-02) where it is a date plus an interval or date_trunc of a date, so the text differs;"
                        + " write CAST(CAST((INTERVAL '1' DAY + date_trunc('month', signup_date)) AS DATE) AS VARCHAR) for the day, the same text in both,"
                        + " or keep it a timestamp (date_format, which would write it alike, is Athena's alone: local cannot run it)");
        assertBuilt(outcome, "truncated_next_alike", "date_trunc plus days where the answer is the same builds");
    }

    /**
     * Months times a number that is not whole are days in DuckDB (INTERVAL '1' MONTH * 0.5 is 15 days) and whole months, the rest
     * dropped, in Athena (Trino: 0 months): refused at the operator, naming the number and its type; months times a whole number,
     * and days times a fraction, build.
     */
    @Test
    void monthsTimesAFractionAreRefusedAtTheOperator() throws Exception {
        String halfMonth = "SELECT customer_id, CAST(signup_date + INTERVAL '1' MONTH * 0.5 AS DATE) AS later FROM ${silver_database}.customers";
        String share = "SELECT customer_id, CAST(signup_date AS TIMESTAMP) + CAST(customer_id AS DOUBLE) / 4 * INTERVAL '1' YEAR AS later FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("half_month", "customers", halfMonth),
                model("share_of_months", "customers", share),
                model("whole_months", "customers",
                        "SELECT customer_id, CAST(signup_date + INTERVAL '1' MONTH * 2 AS DATE) AS later, CAST(signup_date + 2.0 * INTERVAL '1' YEAR AS DATE) AS later_still,"
                        + " CAST(signup_date AS TIMESTAMP) + INTERVAL '1' DAY * 0.5 AS noon, CAST(signup_date + customer_id * INTERVAL '1' MONTH AS DATE) AS counted"
                        + " FROM ${silver_database}.customers"));

        String athena = ", which DuckDB makes months and days (INTERVAL '1' MONTH * 0.5 is 15 days) and Athena (Trino) whole months, the rest dropped"
                + " (INTERVAL '1' MONTH * 0.5 is 0 months), so dates and timestamps counted from it would differ from Athena's;"
                + " write the whole months meant (INTERVAL '1' MONTH * 2), or the days (INTERVAL '15' DAY), the same interval in both";
        assertRefused(outcome,
                "error: gold model half_month multiplies the months or years INTERVAL '1' MONTH by 0.5 (DECIMAL(2,1)) at " + modelFile("half_month") + ":2:"
                        + (halfMonth.indexOf("*") + 1) + athena,
                "error: gold model share_of_months multiplies the months or years INTERVAL '1' YEAR by CAST(customer_id AS DOUBLE) / 4 (DOUBLE) at "
                        + modelFile("share_of_months") + ":2:" + (share.indexOf("*") + 1) + athena);
        assertBuilt(outcome, "whole_months", "months times a whole number, and days times a fraction, build");
    }

    /**
     * An interval that is neither interval literals nor counted from them (a WITH query's column, the difference of two
     * timestamps) may hold hours on a row, which Trino refuses to add to a date (Cannot add hour, minutes or seconds to a date)
     * and DuckDB makes a TIMESTAMP at that hour: refused at the operator, saying to add it to a timestamp; so added, and a CASE
     * choosing between whole days, build.
     */
    @Test
    void anIntervalLocalCannotReadAddedToADateIsRefusedAtTheOperator() throws Exception {
        String with = "WITH c AS (SELECT customer_id, signup_date, INTERVAL '90' MINUTE AS gap FROM ${silver_database}.customers) ";
        String gapFromWith = with + "SELECT customer_id, CAST(signup_date + gap AS DATE) AS later FROM c";
        String timeBetween = "SELECT customer_id, CAST(signup_date - (TIMESTAMP '2026-01-01 12:00:00' - CAST(signup_date AS TIMESTAMP)) AS DATE) AS earlier"
                + " FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("gap_from_with", "customers", gapFromWith),
                model("time_between", "customers", timeBetween),
                model("read_or_timestamp", "customers", with
                        + "SELECT customer_id, CAST(CAST(signup_date AS TIMESTAMP) + gap AS DATE) AS later,"
                        + " CAST(signup_date + CASE WHEN customer_id > 1 THEN INTERVAL '1' DAY ELSE INTERVAL '48' HOUR END AS DATE) AS next_day FROM c"));

        String athena = ", an interval local cannot read as whole days (it is no interval literal, nor one counted from them), which Athena (Trino) %s a date"
                + " only when it is whole days, failing the query on a row whose is not (Cannot %s a date), and DuckDB makes a TIMESTAMP; write ";
        assertRefused(outcome,
                "error: gold model gap_from_with adds gap to a date at " + modelFile("gap_from_with") + ":2:" + (gapFromWith.indexOf("+") + 1)
                        + athena.formatted("adds to", "add hour, minutes or seconds to")
                        + "CAST(x AS TIMESTAMP) + gap, a timestamp in both (CAST(CAST(x AS TIMESTAMP) + gap AS DATE) for a date),"
                        + " or the interval as literals (n * INTERVAL '1' DAY)",
                "error: gold model time_between subtracts (TIMESTAMP '2026-01-01 12:00:00' - CAST(signup_date AS TIMESTAMP)) from a date at "
                        + modelFile("time_between") + ":2:" + (timeBetween.indexOf(" - ") + 2) + athena.formatted("subtracts from", "subtract hour, minutes or seconds from")
                        + "CAST(x AS TIMESTAMP) - (TIMESTAMP '2026-01-01 12:00:00' - CAST(signup_date AS TIMESTAMP)), a timestamp in both"
                        + " (CAST(CAST(x AS TIMESTAMP) - (TIMESTAMP '2026-01-01 12:00:00' - CAST(signup_date AS TIMESTAMP)) AS DATE) for a date),"
                        + " or the interval as literals (n * INTERVAL '1' DAY)");
        assertBuilt(outcome, "read_or_timestamp", "an interval added to a timestamp, or whole days chosen by a CASE, build");
    }

    /**
     * Whole days counted by a number that is not whole (a DECIMAL or a DOUBLE: 0.5 * INTERVAL '24' HOUR) are hours, which Trino
     * multiplies as a double (IntervalDayTimeOperators.multiplyByDouble) and refuses to add to a date on a row whose number is not
     * whole, where DuckDB makes the date a TIMESTAMP at noon: refused at the operator, naming the number and its type; a literal
     * that is not whole is hours on every row; whole days counted by an integer, or by a decimal that comes to whole days, build.
     */
    @Test
    void wholeDaysCountedByANumberThatIsNotWholeAreRefusedAsHours() throws Exception {
        String with = "WITH c AS (SELECT customer_id, signup_date, 0.5 AS share FROM ${silver_database}.customers) ";
        String shareOfADay = with + "SELECT customer_id, CAST(signup_date + share * INTERVAL '24' HOUR AS DATE) AS later FROM c";
        String doubleDays = "SELECT customer_id, CAST(signup_date - CAST(customer_id AS DOUBLE) * INTERVAL '1' DAY AS DATE) AS earlier FROM ${silver_database}.customers";
        String dayAndAHalf = "SELECT customer_id, CAST(signup_date + 1.5 * INTERVAL '1' DAY AS DATE) AS later FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("share_of_a_day", "customers", shareOfADay),
                model("double_days", "customers", doubleDays),
                model("a_day_and_a_half", "customers", dayAndAHalf),
                model("whole_days_counted", "customers", "SELECT customer_id, CAST(signup_date + customer_id * INTERVAL '24' HOUR AS DATE) AS later,"
                        + " CAST(signup_date + 2.0 * INTERVAL '12' HOUR AS DATE) AS next_day FROM ${silver_database}.customers"));

        String athena = ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it %s a date only days, months or years and fails the query (Cannot %s a date";
        assertRefused(outcome,
                "error: gold model share_of_a_day adds share * INTERVAL '24' HOUR to a date at " + modelFile("share_of_a_day") + ":2:"
                        + (shareOfADay.indexOf("+") + 1) + athena.formatted("adds to", "add hour, minutes or seconds to")
                        + ", on a row whose share (DECIMAL(2,1)) is not a whole number); write CAST(x AS TIMESTAMP) + share * INTERVAL '24' HOUR, a timestamp in both",
                "error: gold model double_days subtracts CAST(customer_id AS DOUBLE) * INTERVAL '1' DAY from a date at " + modelFile("double_days") + ":2:"
                        + (doubleDays.indexOf(" - ") + 2) + athena.formatted("subtracts from", "subtract hour, minutes or seconds from")
                        + ", on a row whose CAST(customer_id AS DOUBLE) (DOUBLE) is not a whole number);"
                        + " write CAST(x AS TIMESTAMP) - CAST(customer_id AS DOUBLE) * INTERVAL '1' DAY, a timestamp in both",
                "error: gold model a_day_and_a_half adds 1.5 * INTERVAL '1' DAY to a date at " + modelFile("a_day_and_a_half") + ":2:"
                        + (dayAndAHalf.indexOf("+") + 1) + athena.formatted("adds to", "add hour, minutes or seconds to")
                        + "); write CAST(x AS TIMESTAMP) + 1.5 * INTERVAL '1' DAY, a timestamp in both");
        assertBuilt(outcome, "whole_days_counted", "whole days counted by a whole number build");
    }

    /**
     * An interval added to a date is read from Trino's parse tree, not its text: hours in a comment are no hours, and a sum or
     * a difference of hours that comes to whole days (INTERVAL '12' HOUR + INTERVAL '12' HOUR) is whole days, which Trino adds
     * to a date: in CAST(... AS DATE) they build; an hour beside a comment naming a day is an hour on every row, refused at the
     * operator (Cannot add hour, minutes or seconds to a date) without the row it would fail on.
     */
    @Test
    void anIntervalAddedToADateIsReadFromTheParseTreeNotTheText() throws Exception {
        String anHour = "SELECT customer_id, signup_date + (INTERVAL '1' HOUR /* not INTERVAL '1' DAY */) AS later FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("an_hour", "customers", anHour),
                model("whole_days", "customers",
                        "SELECT customer_id, CAST(signup_date + (INTERVAL '1' DAY /* not INTERVAL '1' HOUR */) AS DATE) AS next_day,"
                        + " CAST(signup_date + (INTERVAL '12' HOUR + INTERVAL '12' HOUR) AS DATE) AS day_after,"
                        + " CAST(signup_date - (INTERVAL '36' HOUR - INTERVAL '12' HOUR) AS DATE) AS day_before FROM ${silver_database}.customers"));

        assertRefused(outcome,
                "error: gold model an_hour adds (INTERVAL '1' HOUR /* not INTERVAL '1' DAY */) to a date at " + modelFile("an_hour") + ":2:"
                        + (anHour.indexOf("+") + 1) + ", which DuckDB makes a TIMESTAMP and Athena (Trino) refuses: it adds to a date only days, months or years"
                        + " and fails the query (Cannot add hour, minutes or seconds to a date);"
                        + " write CAST(x AS TIMESTAMP) + (INTERVAL '1' HOUR /* not INTERVAL '1' DAY */), a timestamp in both");
        assertBuilt(outcome, "whole_days", "whole days, however written, build");
    }

    /**
     * A date plus whole days, or date_trunc of a date, cast to text is DuckDB's TIMESTAMP as text (2026-01-02 00:00:00) and
     * Athena's DATE as text (2026-01-02): refused at the operator or the call, saying to cast it to a date first; so cast,
     * and a date cast to text, build.
     */
    @Test
    void aDatePlusAnIntervalOrATruncatedDateCastToTextIsToldToCastItToDateFirst() throws Exception {
        String dayText = "SELECT customer_id, CAST(signup_date + INTERVAL '1' DAY AS VARCHAR) AS next_day FROM ${silver_database}.customers";
        String monthText = "SELECT customer_id, TRY_CAST((date_trunc('month', signup_date)) AS varchar(10)) AS month FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("day_text", "customers", dayText),
                model("month_text", "customers", monthText),
                model("same_text", "customers", "SELECT customer_id, CAST(CAST(signup_date + INTERVAL '1' DAY AS DATE) AS VARCHAR) AS next_day,"
                        + " CAST(CAST(date_trunc('month', signup_date) AS DATE) AS VARCHAR) AS month, CAST(signup_date AS VARCHAR) AS day FROM ${silver_database}.customers"));

        assertRefused(outcome,
                "error: gold model day_text casts a date plus INTERVAL '1' DAY to VARCHAR at " + modelFile("day_text") + ":2:" + (dayText.indexOf("+") + 1)
                        + ", which DuckDB makes a TIMESTAMP, written 2026-01-02 00:00:00, and Athena (Trino) a DATE, written 2026-01-02;"
                        + " write CAST(CAST(x + INTERVAL '1' DAY AS DATE) AS VARCHAR), the same text in both",
                "error: gold model month_text casts date_trunc of a date to varchar(10) at " + modelFile("month_text") + ":2:" + (monthText.indexOf("date_trunc") + 1)
                        + ", which DuckDB makes a TIMESTAMP, written 2026-01-01 00:00:00, and Athena (Trino) a DATE, written 2026-01-01;"
                        + " write CAST(CAST(date_trunc('month', x) AS DATE) AS varchar(10)), the same text in both");
        assertBuilt(outcome, "same_text", "a date cast to text, and a sum cast to a date first, build");
    }

    /**
     * A quoted date given to a function that wants a date (date_diff('day', signup_date, '2026-06-01')) is converted by
     * DuckDB, where Athena (Trino) converts no text to a date and fails the query (Unexpected parameters for function
     * date_diff): refused at the text with the literal to write; a date literal, and a date-like text a function takes as
     * text, build.
     */
    @Test
    void aQuotedDateGivenToAFunctionIsRefusedAtTheText() throws Exception {
        String dateText = "SELECT customer_id, date_diff('day', signup_date, '2026-06-01') AS days_to_june FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("date_text", "customers", dateText),
                model("in_their_types", "customers",
                        "SELECT customer_id, date_diff('day', signup_date, DATE '2026-06-01') AS days_to_june, replace(city, '2026-06-01', 'x') AS place,"
                        + " concat_ws('-', city, '2026-06-01') AS label FROM ${silver_database}.customers"));

        assertRefused(outcome,
                "error: gold model date_text passes the text '2026-06-01' to date_diff at " + modelFile("date_text") + ":2:" + (dateText.indexOf("'2026") + 1)
                        + ", where DuckDB wants a date or a timestamp and converts it, and Athena (Trino) does not: it converts no text to a date or a timestamp"
                        + " and fails the query (Unexpected parameters for function date_diff); write DATE '2026-06-01' (a literal of the date's type)");
        assertBuilt(outcome, "in_their_types", "a date literal, and a date-like text taken as text, build");
    }

    /**
     * A date plus whole days, months or years is a TIMESTAMP in DuckDB and a DATE in Athena (Trino): as a column of the
     * table it would be another type, with other values (2026-01-02 00:00:00), locally: refused at the operator, saying
     * to write CAST(... AS DATE); where the answer is the same (compared with a date, inside CAST or year(), in a WITH
     * query whose column is cast) it builds.
     */
    @Test
    void aDatePlusAnIntervalAsAColumnIsToldToCastItToDate() throws Exception {
        String nextDay = "SELECT customer_id, (signup_date + INTERVAL '1' DAY) AS next_day FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("next_day", "customers", nextDay),
                model("same_answer", "customers",
                        "WITH c AS (SELECT customer_id, signup_date, signup_date + INTERVAL '1' MONTH AS next_month FROM ${silver_database}.customers)"
                        + " SELECT customer_id, CAST(next_month AS DATE) AS next_month, CAST(signup_date + INTERVAL '1' DAY AS DATE) AS next_day,"
                        + " year(signup_date + INTERVAL '1' YEAR) AS year_after FROM c WHERE signup_date + INTERVAL '24' HOUR > DATE '2020-01-01'"));

        assertRefused(outcome,
                "error: gold model next_day adds INTERVAL '1' DAY to a date for a column of the table at " + modelFile("next_day") + ":2:"
                        + (nextDay.indexOf("+") + 1) + ", which DuckDB makes a TIMESTAMP (2026-01-02 00:00:00) and Athena (Trino) keeps a DATE (2026-01-02),"
                        + " so the column's type, its values and its partition folders would differ from Athena's; write CAST(x + INTERVAL '1' DAY AS DATE), a DATE in both");
        assertBuilt(outcome, "same_answer", "a date plus an interval where the answer is the same builds");
    }

    /**
     * date_trunc of a DATE is a TIMESTAMP in DuckDB and a DATE in Athena (Trino's date_trunc(unit, x) is of x's type): as
     * a column of the table it would be another type, with other values, locally: refused at the call, saying to write
     * CAST(... AS DATE); of a timestamp, in a CAST, or compared, it builds.
     */
    @Test
    void aTruncatedDateAsAColumnIsToldToCastItToDate() throws Exception {
        String signupMonth = "SELECT customer_id, date_trunc('month', signup_date) AS signup_month FROM ${silver_database}.customers";
        Outcome outcome = runModels(model("signup_month", "customers", signupMonth),
                model("months_alike", "customers",
                        "SELECT customer_id, CAST(date_trunc('month', signup_date) AS DATE) AS signup_month, date_trunc('month', CAST(signup_date AS TIMESTAMP)) AS signup_start"
                        + " FROM ${silver_database}.customers WHERE date_trunc('year', signup_date) >= DATE '2020-01-01'"));

        assertRefused(outcome,
                "error: gold model signup_month truncates a date with date_trunc for a column of the table at " + modelFile("signup_month") + ":2:"
                        + (signupMonth.indexOf("date_trunc") + 1) + ", which DuckDB makes a TIMESTAMP (2026-01-01 00:00:00) and Athena (Trino) keeps a DATE (2026-01-01),"
                        + " so the column's type, its values and its partition folders would differ from Athena's; write CAST(date_trunc('month', x) AS DATE), a DATE in both");
        assertBuilt(outcome, "months_alike", "date_trunc where the answer is the same builds");
    }

    /**
     * DuckDB's concat skips a NULL argument (concat('x', NULL) is 'x', and of arrays too), where Trino's concat, of text
     * or of arrays, is NULL when any argument is (ConcatFunction and ArrayConcatFunction take no NULL argument): a row with
     * a NULL gets another value locally, so every concat written as a call is refused at the call, saying to write ||
     * (NULL on a NULL in both) or coalesce(x, '') || y; || of text, of text coalesced, and of arrays, builds.
     */
    @Test
    void aConcatCallIsRefusedSinceItSkipsANullOnlyInDuckDb() throws Exception {
        String text = "SELECT transaction_id, concat(region, '-', note) AS label FROM ${silver_database}.sales";
        String number = "SELECT CONCAT('a', 1) AS label FROM ${silver_database}.sales";
        String arrays = "SELECT transaction_id, ARRAY[1] || ARRAY[quantity] AS ones, \"concat\"(ARRAY[1], ARRAY[quantity]) AS numbers FROM ${silver_database}.sales";
        Path models = salesModels(new TreeMap<>(Map.of("concat_text", text, "concat_number", number, "concat_arrays", arrays,
                "joined", "SELECT region || '-' || note AS label, coalesce(note, '') || region AS skipped, ARRAY[1] || ARRAY[quantity] AS numbers,"
                        + " 'concat(' || region || ')' AS written, region || CAST(quantity AS VARCHAR) AS counted FROM ${silver_database}.sales")));

        Outcome outcome = runModels(models);

        String athena = ", which skips a NULL argument in DuckDB (concat('x', NULL) is 'x') where Athena (Trino) returns NULL when any argument is NULL,"
                + " so a row with a NULL would get another value locally; write ";
        String advice = "x || y (NULL on a NULL in both, for text or arrays), or coalesce(x, '') || y to skip a NULL text";
        assertRefused(outcome,
                "error: gold model concat_arrays calls concat at " + models.resolve("concat_arrays.sql") + ":2:" + (arrays.indexOf("\"concat\"") + 1) + athena + advice,
                "error: gold model concat_number calls concat at " + models.resolve("concat_number.sql") + ":2:" + (number.indexOf("CONCAT") + 1) + athena + advice,
                "error: gold model concat_text calls concat at " + models.resolve("concat_text.sql") + ":2:" + (text.indexOf("concat") + 1) + athena + advice);
        assertBuilt(outcome, "joined", "|| of text and of arrays builds");
    }

    /**
     * DuckDB subtracts a date from a date as a BIGINT of days; Trino reads both dates as timestamps (TypeCoercion: date to
     * timestamp(0)) and subtracts those (TimestampMinusTimestamp), an interval day to second, which no Athena table holds
     * and which no number compares with: refused at the operator, with the date_diff to write (the later date second, as
     * in both engines' date_diff); date_diff, and a date minus an interval in CAST(... AS DATE), build.
     */
    @Test
    void aDateSubtractedFromADateIsRefusedWithTheDateDiffToWrite() throws Exception {
        String daysKnown = "SELECT customer_id, DATE '2026-06-01' - signup_date AS days_known FROM ${silver_database}.customers";
        String recent = "WITH c AS (SELECT customer_id, signup_date, DATE '2026-01-01' AS since FROM ${silver_database}.customers)"
                + " SELECT customer_id FROM c WHERE (signup_date) - since > 30";
        Outcome outcome = runModels(model("days_known", "customers", daysKnown),
                model("recent", "customers", recent),
                model("with_date_diff", "customers",
                        "SELECT customer_id, date_diff('day', signup_date, DATE '2026-06-01') AS days_known, CAST(signup_date - INTERVAL '7' DAY AS DATE) AS week_before,"
                        + " customer_id - 1 AS previous_id FROM ${silver_database}.customers"));

        String athena = ", which DuckDB makes a number of days (BIGINT) and Athena (Trino) an interval (4 00:00:00.000, an interval day to second,"
                + " the dates read as timestamps), which its tables cannot hold and no number compares with, so the query fails; write ";
        assertRefused(outcome,
                "error: gold model days_known subtracts a date from a date at " + modelFile("days_known") + ":2:" + (daysKnown.indexOf(" - ") + 2)
                        + athena + "date_diff('day', signup_date, DATE '2026-06-01'), a BIGINT of days in both",
                "error: gold model recent subtracts a date from a date at " + modelFile("recent") + ":2:" + (recent.indexOf(" - ") + 2)
                        + athena + "date_diff('day', since, (signup_date)), a BIGINT of days in both");
        assertBuilt(outcome, "with_date_diff", "date_diff builds");
    }

    /**
     * DuckDB converts a quoted number where an operator or a function wants a number ({@code quantity / '2'},
     * {@code round(total_amount, '1')}); Trino converts no text to a number and fails the query ("Cannot apply operator:
     * bigint / varchar(1)", "Unexpected parameters (double, varchar(1)) for function round"): refused at the text, with
     * the number to write; a text where text is wanted (lpad's padding, a date_trunc unit), and numbers written as numbers, build.
     */
    @Test
    void aQuotedNumberWhereANumberIsWantedIsRefusedAtTheText() throws Exception {
        String divided = "SELECT transaction_id, quantity / '2' AS half FROM ${silver_database}.sales";
        String rounded = "SELECT transaction_id, round(total_amount, '1') AS rounded FROM ${silver_database}.sales";
        String padded = "SELECT transaction_id, lpad(region, ('8'), '0') AS padded FROM ${silver_database}.sales";
        Path models = salesModels(new TreeMap<>(Map.of("divided", divided, "rounded", rounded, "padded", padded,
                "in_their_types", "SELECT quantity / 2 AS half, round(total_amount, 1) AS rounded, lpad(region, 8, '0') AS padded,"
                        + " CAST(date_trunc('month', \"timestamp\") AS DATE) AS sale_month, region || '1' AS labelled, strpos(region, '1') AS at_one"
                        + " FROM ${silver_database}.sales")));

        Outcome outcome = runModels(models);

        assertRefused(outcome,
                "error: gold model divided divides a number (BIGINT) by the text '2' at " + models.resolve("divided.sql") + ":2:" + (divided.indexOf("'2'") + 1)
                        + ", which DuckDB converts to a number and Athena (Trino) does not: it converts no text to a number and fails the query"
                        + " (Cannot apply operator); write 2 (a number, without quotes)",
                "error: gold model padded passes the text '8' to lpad at " + models.resolve("padded.sql") + ":2:" + (padded.indexOf("'8'") + 1)
                        + ", where DuckDB wants a number and converts it, and Athena (Trino) does not: it converts no text to a number and fails the query"
                        + " (Unexpected parameters for function lpad); write 8 (a number, without quotes)",
                "error: gold model rounded passes the text '1' to round at " + models.resolve("rounded.sql") + ":2:" + (rounded.indexOf("'1'") + 1)
                        + ", where DuckDB wants a number and converts it, and Athena (Trino) does not: it converts no text to a number and fails the query"
                        + " (Unexpected parameters for function round); write 1 (a number, without quotes)");
        assertBuilt(outcome, "in_their_types", "numbers written as numbers, and texts where text is wanted, build");
    }

    /**
     * DuckDB converts a quoted text among a CASE's results to the type of the others (a number, a date), where Trino
     * converts none and fails the query ("All CASE results must be the same type"); 'n/a' beside 0 fails locally
     * too, but only once a row reaches it, saying which value did not convert: refused at the text, with the value to
     * write; texts beside texts, a text column, or NULL, build.
     */
    @Test
    void aTextAmongACasesResultsBesideANumberIsRefusedAtItsPlace() throws Exception {
        String elseText = "SELECT CASE WHEN quantity > 1 THEN quantity ELSE '0' END AS units FROM ${silver_database}.sales";
        String notAvailable = "SELECT CASE WHEN is_online THEN 0 ELSE 'n/a' END AS shown FROM ${silver_database}.sales";
        String ifText = "SELECT if(is_online, 'yes', 0) AS online FROM ${silver_database}.sales";
        Path models = salesModels(new TreeMap<>(Map.of("else_text", elseText, "not_available", notAvailable, "if_text", ifText,
                "case_texts", "SELECT CASE WHEN quantity > 1 THEN 'many' ELSE 'one' END AS how_many, CASE WHEN is_online THEN region ELSE 'n/a' END AS place,"
                        + " CASE region WHEN 'north' THEN 1 ELSE 0 END AS northern, CASE WHEN is_online THEN NULL ELSE 'shop' END AS shop,"
                        + " if(is_online, 'yes', 'no') AS online FROM ${silver_database}.sales")));

        Outcome outcome = runModels(models);

        String athena = ", which DuckDB converts and Athena (Trino) does not: it converts no text for a CASE's results and fails the query"
                + " (All CASE results must be the same type); write ";
        assertRefused(outcome,
                "error: gold model else_text puts the text '0' beside a number (BIGINT) among a CASE's results at " + models.resolve("else_text.sql") + ":2:"
                        + (elseText.indexOf("'0'") + 1) + athena + "0 (a number, without quotes), or make every result text (CAST(x AS VARCHAR))",
                "error: gold model if_text puts the text 'yes' beside a number (INTEGER) among a CASE's results at " + models.resolve("if_text.sql") + ":2:"
                        + (ifText.indexOf("'yes'") + 1) + athena + "NULL for no number, or make every result text (CAST(x AS VARCHAR))",
                "error: gold model not_available puts the text 'n/a' beside a number (INTEGER) among a CASE's results at " + models.resolve("not_available.sql") + ":2:"
                        + (notAvailable.indexOf("'n/a'") + 1) + athena + "NULL for no number, or make every result text (CAST(x AS VARCHAR))");
        assertBuilt(outcome, "case_texts", "texts beside texts, a text column or NULL build");
    }

    /**
     * DuckDB reads a quoted text added to a timestamp as an interval ({@code "timestamp" + '1 day'}, the next day), where
     * Trino converts no text to an interval and fails the query ("Cannot apply operator: timestamp(3) + varchar(5)"); a
     * date minus such a text DuckDB fails too, but naming only its own candidates: both refused at the operator, with the
     * interval literal to write; interval literals, and a text joined with ||, build.
     */
    @Test
    void aQuotedTextAddedToADateOrATimestampIsRefusedWithTheIntervalToWrite() throws Exception {
        String later = "SELECT transaction_id, \"timestamp\" + '1 day' AS later FROM ${silver_database}.sales";
        String earlier = "SELECT transaction_id, CAST(CAST(\"timestamp\" AS DATE) - '2 months' AS DATE) AS earlier FROM ${silver_database}.sales";
        Path models = salesModels(new TreeMap<>(Map.of("later", later, "earlier", earlier,
                "intervals", "SELECT transaction_id, \"timestamp\" + INTERVAL '1' DAY AS later, CAST(CAST(\"timestamp\" AS DATE) - INTERVAL '2' MONTH AS DATE) AS earlier,"
                        + " region || '1 day' AS labelled FROM ${silver_database}.sales")));

        Outcome outcome = runModels(models);

        String athena = ", which DuckDB reads as an interval (or, beside a date, cannot choose how to read) and Athena (Trino) does not:"
                + " it converts no text to an interval and fails the query (Cannot apply operator: ";
        assertRefused(outcome,
                "error: gold model earlier subtracts the text '2 months' from a date at " + models.resolve("earlier.sql") + ":2:" + (earlier.indexOf(" - ") + 2)
                        + athena + "date - varchar(8)); write INTERVAL '2' MONTH, an interval in both",
                "error: gold model later adds the text '1 day' to a timestamp at " + models.resolve("later.sql") + ":2:" + (later.indexOf("+") + 1)
                        + athena + "timestamp(3) + varchar(5)); write INTERVAL '1' DAY, an interval in both");
        assertBuilt(outcome, "intervals", "interval literals, and a text joined to text, build");
    }

    /**
     * A quoted number is found wherever Trino's grammar gives a function its arguments, not only in a call written with
     * commas: SUBSTRING(x FROM '2' FOR '3') is a form of its own there, and split_part is a macro to DuckDB, whose refusal
     * of the typed text names array_extract, a function of the macro's body; each is refused at the text, with the
     * number to write; the same calls with numbers build.
     */
    @Test
    void aQuotedNumberInSubstringsFormOrAMacrosArgumentIsRefusedAtTheText() throws Exception {
        String from = "SELECT transaction_id, SUBSTRING(region FROM '2') AS tail FROM ${silver_database}.sales";
        String forText = "SELECT transaction_id, substring(region FROM 1 FOR '3') AS head FROM ${silver_database}.sales";
        String commas = "SELECT transaction_id, substring(region, '2') AS rest FROM ${silver_database}.sales";
        String part = "SELECT transaction_id, split_part(region, 'o', '2') AS part FROM ${silver_database}.sales";
        Path models = salesModels(new TreeMap<>(Map.of("from_text", from, "for_text", forText, "commas", commas, "part", part,
                "numbers", "SELECT SUBSTRING(region FROM 2) AS tail, substring(region FROM 1 FOR 3) AS head, substring(region, 2) AS rest,"
                        + " split_part(region, '1', 2) AS part FROM ${silver_database}.sales")));

        Outcome outcome = runModels(models);

        String athena = ", where DuckDB wants a number and converts it, and Athena (Trino) does not: it converts no text to a number and fails the query"
                + " (Unexpected parameters for function ";
        assertRefused(outcome,
                "error: gold model commas passes the text '2' to substring at " + models.resolve("commas.sql") + ":2:" + (commas.indexOf("'2'") + 1)
                        + athena + "substring); write 2 (a number, without quotes)",
                "error: gold model for_text passes the text '3' to substring at " + models.resolve("for_text.sql") + ":2:" + (forText.indexOf("'3'") + 1)
                        + athena + "substring); write 3 (a number, without quotes)",
                "error: gold model from_text passes the text '2' to substring at " + models.resolve("from_text.sql") + ":2:" + (from.indexOf("'2'") + 1)
                        + athena + "substring); write 2 (a number, without quotes)",
                "error: gold model part passes the text '2' to split_part at " + models.resolve("part.sql") + ":2:" + (part.indexOf("'2'") + 1)
                        + athena + "split_part); write 2 (a number, without quotes)");
        assertBuilt(outcome, "numbers", "the same calls with numbers build");
    }

    /**
     * concat_ws skips a NULL argument in both engines and is NULL on a NULL separator in both (Trino's ConcatWsFunction),
     * so of text it builds; but DuckDB turns a number into text where Trino's takes only varchar and fails the query, and
     * writes an array as one text ([north, gift]) where Trino joins its elements with the separator: both refused at the
     * argument.
     */
    @Test
    void concatWsOfANumberOrAnArrayIsRefusedAtTheArgument() throws Exception {
        String number = "SELECT transaction_id, concat_ws('-', region, quantity) AS label FROM ${silver_database}.sales";
        String array = "SELECT transaction_id, concat_ws('-', ARRAY[region, note]) AS label FROM ${silver_database}.sales";
        Path models = salesModels(new TreeMap<>(Map.of("ws_number", number, "ws_array", array,
                "ws_text", "SELECT concat_ws('-', region, note, CAST(quantity AS VARCHAR)) AS label, concat_ws(', ', region, NULL) AS skipped,"
                        + " concat_ws(note, region, 'x') AS separated FROM ${silver_database}.sales")));

        Outcome outcome = runModels(models);

        assertRefused(outcome,
                "error: gold model ws_array passes an array (VARCHAR[]) to concat_ws at " + models.resolve("ws_array.sql") + ":2:" + (array.indexOf("ARRAY") + 1)
                        + ", which DuckDB writes as one text ([north, gift]) and Athena (Trino) joins element by element with the separator (north-gift):"
                        + " no function both engines have joins an array's elements into text, so list them (concat_ws('-', items[1], items[2])) or try the model in Athena",
                "error: gold model ws_number passes a number (BIGINT) to concat_ws at " + models.resolve("ws_number.sql") + ":2:" + (number.indexOf("quantity") + 1)
                        + ", which DuckDB turns into text and Athena (Trino) does not: its concat_ws takes only text (or one array of text) and fails the query"
                        + " (Unexpected parameters for function concat_ws); write CAST(x AS VARCHAR) for the number");
        assertBuilt(outcome, "ws_text", "concat_ws of text, NULL among it, builds");
    }

    /**
     * A date plus whole days, or date_trunc of a date, is a TIMESTAMP in DuckDB and a DATE in Athena also when it reaches
     * the table through a WITH query, its column selected as it is (by name, or by a *): refused at the operator or call,
     * naming the table's column; where the WITH query's column is cast, compared or taken a year of, it builds.
     */
    @Test
    void aDatePlusAnIntervalReachingTheTableThroughAWithQueryIsToldToCastItToDate() throws Exception {
        String nextMonth = "WITH c AS (SELECT customer_id, signup_date + INTERVAL '1' MONTH AS next_month FROM ${silver_database}.customers)"
                + " SELECT customer_id, next_month FROM c";
        String signupMonth = "WITH m AS (SELECT customer_id, date_trunc('month', signup_date) AS signup_month FROM ${silver_database}.customers)"
                + " SELECT m.* FROM m";
        Outcome outcome = runModels(model("next_month", "customers", nextMonth),
                model("signup_month", "customers", signupMonth),
                model("cast_after", "customers",
                        "WITH c AS (SELECT customer_id, signup_date + INTERVAL '1' MONTH AS next_month, date_trunc('month', signup_date) AS signup_month"
                        + " FROM ${silver_database}.customers)"
                        + " SELECT customer_id, CAST(next_month AS DATE) AS next_month, year(signup_month) AS signup_year FROM c WHERE next_month > DATE '2020-01-01'"));

        String athena = ", which DuckDB makes a TIMESTAMP and Athena (Trino) keeps a DATE, so the column's type, its values and its partition folders"
                + " would differ from Athena's; write ";
        assertRefused(outcome,
                "error: gold model next_month adds INTERVAL '1' MONTH to a date that is the table's column next_month (through a WITH query or subquery) at "
                        + modelFile("next_month") + ":2:" + (nextMonth.indexOf("+") + 1) + athena + "CAST(x + INTERVAL '1' MONTH AS DATE), a DATE in both",
                "error: gold model signup_month truncates a date with date_trunc that is the table's column signup_month (through a WITH query or subquery) at "
                        + modelFile("signup_month") + ":2:" + (signupMonth.indexOf("date_trunc") + 1) + athena + "CAST(date_trunc('month', x) AS DATE), a DATE in both");
        assertBuilt(outcome, "cast_after", "a WITH query's date sum cast, compared or taken a year of builds");
    }

    /** DuckDB counts count_if into a HUGEINT, as it sums; the advice is count_if's own, not SUM's. */
    @Test
    void aCountIfColumnOfDuckDbsHugeintIsToldToCastCountIf() throws Exception {
        Outcome outcome = runModels(model("online", "sales",
                "SELECT region, count_if(is_online) AS online_orders FROM ${silver_database}.sales GROUP BY region"));

        assertEquals(1, outcome.exit(), outcome.err());
        List<String> errors = errors(outcome);
        assertEquals(List.of("error: gold model online (" + modelFile("online") + ") column online_orders is HUGEINT in DuckDB: DuckDB counts count_if into a HUGEINT (written to Parquet"
                + " as DOUBLE) where Athena's count_if is a BIGINT; write CAST(count_if(x) AS BIGINT)"), errors, outcome.err());
    }

    /** A typo in a copy of a shipped model is reported where it is in the file a person edits. */
    @Test
    void aSyntaxErrorIsReportedAtItsFileLineAndColumnInTheModelsFile() throws Exception {
        Path models = models("top_products");
        copyShipped("top_products", models);
        Path file = models.resolve("top_products.sql");
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        assertEquals("    SELECT", lines.get(4), "line 5 of the shipped model, which this test breaks");
        lines.set(4, "    SELECT ,");
        Files.write(file, lines);

        Outcome outcome = runModels(models);

        assertEquals(1, outcome.exit());
        assertTrue(outcome.err().startsWith("error: gold model top_products is not Athena (Trino) SQL, at " + file + ":5:12: "), outcome.err());
    }

    /**
     * A table named otherwise than ${silver_database}.<dataset> or a WITH query of the model: silver.products
     * ran locally, where the silver schema is named silver (DuckDB's own error suggests it), and fails in Athena;
     * top_products failed locally as a table DuckDB lacks, and in Athena reads the gold database's view of
     * that name, which the builder neither builds first nor rebuilds this model after. Both are refused at their place.
     */
    @Test
    void aTableNamedOtherwiseThanASilverTableOrAWithQueryIsRefusedAtItsPlace() throws Exception {
        Path models = salesModels(Map.of(
                "silver_by_name", "SELECT p.category AS category, COUNT(*) AS orders\nFROM ${silver_database}.sales AS s\n"
                        + "JOIN silver.products AS p ON p.product_id = s.product_id\nGROUP BY p.category",
                "gold_on_gold", "SELECT t.product_id AS product_id, COUNT(*) AS orders\nFROM ${silver_database}.sales AS s\n"
                        + "JOIN top_products AS t ON t.product_id = s.product_id\nGROUP BY t.product_id",
                "with_query", "WITH regions AS (SELECT region FROM ${silver_database}.sales)\nSELECT region AS region, COUNT(*) AS orders\n"
                        + "FROM regions GROUP BY region"));

        Outcome outcome = runModels(models);

        assertEquals(1, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("with_query: 5 rows"), outcome.out());
        assertEquals(List.of(
                "error: gold model gold_on_gold reads top_products at " + models.resolve("gold_on_gold.sql") + ":4:6, which is neither a silver table"
                        + " (${silver_database}.<dataset>) nor a WITH query of the model: Athena would read the gold database's table or view of that name,"
                        + " another gold model's, which is not built before this one and whose changes would not rebuild it; a gold model reads silver"
                        + " only: write ${silver_database}.top_products for a silver table (listed in '-- sources:'), or repeat the other model's"
                        + " SELECT here as a WITH query",
                "error: gold model silver_by_name reads silver.products at " + models.resolve("silver_by_name.sql") + ":4:6, a table of the database"
                        + " silver, where a gold model reads silver only: the silver database's name depends on the deployment (silver here, another"
                        + " in Athena), so write ${silver_database}.products, listed in '-- sources:'"),
                errors(outcome).stream().sorted().toList(), outcome.err());
    }

    /**
     * A model's last ';' is dropped, but not when a comment follows it, and a second statement cannot be: Trino's
     * parser then names the ';' among forty tokens it expected. Say that a model is one SELECT.
     */
    @Test
    void aSemicolonTheModelCannotEndWithIsExplained() throws Exception {
        Path models = salesModels(Map.of("semicolon", "SELECT region AS region FROM ${silver_database}.sales; -- the end"));

        Outcome outcome = runModels(models);

        assertEquals(1, outcome.exit(), outcome.err());
        String error = errors(outcome).get(0);
        assertTrue(error.startsWith("error: gold model semicolon is not Athena (Trino) SQL, at " + models.resolve("semicolon.sql") + ":2:54: mismatched input ';'."), error);
        assertTrue(error.endsWith(" (a model is one SELECT, with no ';' inside it or before a comment at its end: the builder puts it inside statements of"
                + " its own; remove the ';')"), error);
    }

    /** DuckDB quotes the line it failed on, a caret under the place: the file's line, the caret still under it. */
    @Test
    void aDuckDbErrorQuotesTheLineOfTheModelsFileWithItsCaretUnderThePlace() throws Exception {
        Path models = models("broken");
        Files.writeString(models.resolve("broken.sql"), "-- description: a header, and blank lines, above the SELECT\n-- sources: sales\n" + "\n".repeat(7)
                + "SELECT region,\n       no_such_column AS c\nFROM ${silver_database}.sales\n");

        Outcome outcome = runModels(models);

        assertEquals(1, outcome.exit());
        assertTrue(outcome.err().startsWith("error: gold model broken failed on DuckDB at " + models.resolve("broken.sql") + ":11: Binder Error:"), outcome.err());
        assertTrue(outcome.err().contains("\nLINE 11:        no_such_column AS c\n" + " ".repeat(16) + "^\n"), outcome.err());
    }

    @Test
    void aTableOfMoreThanAHundredPartitionsIsNotedWithTheAthenaQueriesItTakes() throws Exception {
        Path models = models("daily_orders");
        Files.writeString(models.resolve("daily_orders.sql"), """
                -- partitioned_by: sale_date
                -- sources: sales
                SELECT COUNT(*) AS orders, CAST("timestamp" AS DATE) AS sale_date
                FROM ${silver_database}.sales
                GROUP BY CAST("timestamp" AS DATE)
                """);
        long days = SampleData.load().sales.stream().map(sale -> sale.timestamp().toLocalDate()).distinct().count();
        assertEquals(120, days, "every day from January to April has sales");

        Outcome outcome = runModels(models);

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("daily_orders: 120 rows in " + directory.resolve("lake/gold/daily_orders") + ", 120 partition(s) by sale_date, "), outcome.out());
        assertTrue(outcome.out().contains("\n  note: 120 partitions; Athena writes at most 100 per query, so the gold builder will take 4 queries"
                + " besides its partitions query to build this table: one CTAS staging the model's rows, unpartitioned, one SELECT DISTINCT of the"
                + " staged rows' partitions, then a CTAS and 1 INSERT INTO reading them\n"), outcome.out());
    }

    /** A timestamp partition is staged like any other (gold-ctas/README.md, step 3): the note counts the staging CTAS and the staged partitions' query. */
    @Test
    void aTableOfMoreThanAHundredTimestampPartitionsIsNotedWithTheStagingQueries() throws Exception {
        Path models = models("hourly_orders");
        Files.writeString(models.resolve("hourly_orders.sql"), """
                -- partitioned_by: sale_hour
                -- sources: sales
                SELECT COUNT(*) AS orders, date_trunc('hour', "timestamp") AS sale_hour
                FROM ${silver_database}.sales
                GROUP BY date_trunc('hour', "timestamp")
                """);
        long hours = SampleData.load().sales.stream().map(sale -> sale.timestamp().truncatedTo(java.time.temporal.ChronoUnit.HOURS)).distinct().count();
        assertTrue(hours > 100, "more than one batch: " + hours);
        long batches = (hours + 99) / 100;

        Outcome outcome = runModels(models);

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("\n  note: " + hours + " partitions; Athena writes at most 100 per query, so the gold builder will take " + (batches + 2)
                + " queries besides its partitions query to build this table: one CTAS staging the model's rows, unpartitioned, one SELECT DISTINCT of the"
                + " staged rows' partitions, then a CTAS and " + (batches - 1) + " INSERT INTO reading them\n"), outcome.out());
    }

    @Test
    void aFileDirectlyInTheInputNamesItsOwnDatasetAndSilverKeepsIngestDateAsText() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop"));
        Path orders = Files.writeString(input.resolve("Orders.CSV"), "order id,amount\n1,2.50\n2,4.25\n");
        Files.createDirectories(input.resolve("Sales Data/2026"));
        Files.writeString(input.resolve("Sales Data/2026/a.csv"), "id,region\n1,North\n");
        Files.writeString(input.resolve("notes.txt"), "not a bronze file");
        Path models = models("orders_total");
        Files.writeString(models.resolve("orders_total.sql"), """
                -- sources: orders, sales_data
                SELECT o.ingest_date, COUNT(*) AS orders, SUM(CAST(o.amount AS DECIMAL(12, 2))) AS amount, MIN(s.region) AS region
                FROM ${silver_database}.orders AS o CROSS JOIN ${silver_database}.sales_data AS s
                GROUP BY o.ingest_date
                """);
        // A folder above the lake that looks like a Hive partition must not become a column.
        Path lake = directory.resolve("owner=me/lake");

        Outcome outcome = run("local", "--input", input.toString(), "--lake", lake.toString(), "--models", models.toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("  converted Orders.CSV into orders: 2 rows read, 2 written, 0 quarantined\n"), outcome.out());
        assertTrue(outcome.out().contains("  converted Sales Data/2026/a.csv into sales_data: 1 row read, 1 written, 0 quarantined\n"), outcome.out());
        assertFalse(outcome.out().contains("notes.txt"), outcome.out());
        LocalDate ingestDate = LocalDate.ofInstant(Files.readAttributes(orders, BasicFileAttributes.class).lastModifiedTime().toInstant(), ZoneOffset.UTC);
        Path table = lake.resolve("gold/orders_total");
        assertEquals(Map.of("ingest_date", "VARCHAR", "orders", "BIGINT", "amount", "DECIMAL(38,2)", "region", "VARCHAR"), GoldFiles.schema(table));
        assertEquals(List.of(Map.of("ingest_date", ingestDate.toString(), "orders", 2L, "amount", new BigDecimal("6.75"), "region", "North")),
                GoldFiles.rows(table, "ingest_date"));
    }

    /** A dataset's own folder given as the input made its year folder a dataset, _2026: its rows then counted twice beside sales'. */
    /** The --input to give is quoted when its path holds a space, so that it can be pasted as one word. */
    @Test
    void theInputToGiveInsteadIsQuotedWhenItHoldsASpace() throws Exception {
        Path sales = Files.createDirectories(directory.resolve("My Drop/sales/2026/01"));
        Files.writeString(sales.resolve("a.csv"), "id,amount\n1,2.50\n");
        Path input = directory.resolve("My Drop/sales");
        Path lake = directory.resolve("lake");

        Outcome outcome = run("local", "--input", input.toString(), "--lake", lake.toString());

        assertEquals(2, outcome.exit(), outcome.err());
        assertEquals("error: " + input.resolve("2026") + " would be a dataset of its own (table _2026), and looks like a date folder inside a dataset:"
                + " give --input the folder that holds the dataset folders (--input '" + directory.resolve("My Drop") + "' if " + input
                + " is one), or rename the folder. Nothing was converted.\n", outcome.err());
        assertFalse(Files.exists(lake), "nothing may be written");
    }

    @Test
    void anInputThatIsADatasetsOwnFolderIsRefusedBeforeAnythingIsConverted() throws Exception {
        Path sales = Files.createDirectories(directory.resolve("drop/sales/2026/01"));
        Files.writeString(sales.resolve("a.csv"), "id,amount\n1,2.50\n");
        Files.createDirectories(directory.resolve("drop/sales/2025/12"));
        Files.writeString(directory.resolve("drop/sales/2025/12/b.csv"), "id,amount\n2,4.25\n");
        // A dataset whose name starts with a digit is a name, not a date.
        Files.createDirectories(directory.resolve("drop/3m_orders"));
        Files.writeString(directory.resolve("drop/3m_orders/c.csv"), "id,amount\n3,1.00\n");
        Path input = directory.resolve("drop/sales");
        Path lake = directory.resolve("lake");

        Outcome outcome = run("local", "--input", input.toString(), "--lake", lake.toString());

        assertEquals(2, outcome.exit(), outcome.err());
        assertEquals("error: " + input.resolve("2025") + " and 1 more folder(s) like it would be a dataset of its own (table _2025), and looks like"
                + " a date folder inside a dataset: give --input the folder that holds the dataset folders (--input " + directory.resolve("drop")
                + " if " + input + " is one), or rename the folder. Nothing was converted.\n", outcome.err());
        assertFalse(Files.exists(lake), "nothing may be written");
        // The folder that holds the dataset folders converts both files into sales.
        Outcome parent = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString());
        assertEquals(0, parent.exit(), parent.err());
        assertTrue(parent.out().contains("  converted sales/2025/12/b.csv into sales: 1 row read, 1 written, 0 quarantined\n"), parent.out());
        assertTrue(parent.out().contains("  converted sales/2026/01/a.csv into sales: 1 row read, 1 written, 0 quarantined\n"), parent.out());
        assertTrue(parent.out().contains("  converted 3m_orders/c.csv into _3m_orders: 1 row read, 1 written, 0 quarantined\n"), parent.out());
    }

    /**
     * A lake inside the input ({@code --input . --lake ./lake}) held the quarantined rows of the first run as
     * {@code .csv} files, which the second run converted into a dataset named after the lake's folder.
     */
    @Test
    void aLakeInsideTheInputIsNotReadBackAsBronzeAndARerunGivesTheSameLake() throws Exception {
        // The lake in a folder of the input, and the lake as the input itself.
        for (String lakeUnderInput : List.of("lake", "")) {
            Path input = copyOfSampleData(directory.resolve(lakeUnderInput.isEmpty() ? "lake is input" : "drop"));
            Path lake = input.resolve(lakeUnderInput);
            Outcome first = run("local", "--input", input.toString(), "--lake", lake.toString());
            assertEquals(0, first.exit(), first.err());
            assertTrue(first.out().contains("  7 file(s) in "), first.out());
            Map<String, String> silver = files(lake.resolve("silver"));
            assertTrue(silver.keySet().stream().anyMatch(file -> file.startsWith("_quarantine/") && file.endsWith(".csv")), silver.toString());

            Outcome second = run("local", "--input", input.toString(), "--lake", lake.toString());

            assertEquals(0, second.exit(), second.err());
            assertEquals("", second.err());
            assertTrue(second.out().contains("\n  left out the lake's own folders under --input, which this command writes: " + lake.resolve("gold") + ", "
                    + lake.resolve("silver") + "\n"), second.out());
            assertTrue(second.out().contains(" s: 7 unchanged\n"), second.out());
            assertTrue(second.out().contains(" over silver tables customers, products, sales, stores_eu, into "), second.out());
            assertEquals(silver, files(lake.resolve("silver")), "the silver directory is untouched");
        }
    }

    /** What the command writes is not bronze, whichever way round: an input in the lake's silver folder would convert its quarantine. */
    @Test
    void anInputInsideTheLakesOwnFoldersIsRefused() throws Exception {
        Path lake = directory.resolve("lake");
        assertEquals(0, run("local", "--input", SampleData.directory().toString(), "--lake", lake.toString()).exit());
        Path quarantine = lake.resolve("silver/_quarantine");
        assertTrue(Files.isDirectory(quarantine));

        Outcome outcome = run("local", "--input", quarantine.toString(), "--lake", lake.toString());

        assertEquals(2, outcome.exit(), outcome.err());
        assertEquals("error: --input " + quarantine + " lies in " + lake.resolve("silver") + ", a folder of the lake that this command writes,"
                + " so its files are not bronze: give --input the folder that holds your bronze files. Nothing was converted.\n", outcome.err());
    }

    /** Files.walk visits a link as the link: an input that was a link to a folder held "no .csv file". */
    @Test
    void anInputThatIsALinkToAFolderIsReadAsThatFolder() throws Exception {
        Path drop = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(drop.resolve("a.csv"), "id,name\n1,Ann\n");
        Path link = Files.createSymbolicLink(directory.resolve("input"), directory.resolve("drop"));

        Outcome outcome = run("local", "--input", link.toString(), "--lake", directory.resolve("lake").toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().startsWith("Silver: 1 file(s) under " + link + " into "), outcome.out());
        assertTrue(outcome.out().contains("  converted people/a.csv into people: 1 row read, 1 written, 0 quarantined\n"), outcome.out());
    }

    /** Links to folders inside the input are not followed, as bronze-ingest upload does not follow them; they were left out without a word. */
    @Test
    void aLinkToAFolderInsideTheInputIsNamedInAWarning() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("a.csv"), "id,name\n1,Ann\n");
        Path elsewhere = Files.createDirectories(directory.resolve("elsewhere/sales"));
        Files.writeString(elsewhere.resolve("b.csv"), "id,amount\n1,2.50\n");
        Path link = Files.createSymbolicLink(directory.resolve("drop/sales"), elsewhere);
        // A link to a file outside the input is the file (one inside it would be the file twice: refused).
        Path outside = Files.writeString(directory.resolve("outside.csv"), "id,name\n2,Bo\n");
        Files.createSymbolicLink(input.resolve("b.csv"), outside);

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertEquals("warning: left out 1 link to a folder under --input, which is not followed (bronze-ingest upload does not follow it either): "
                + link + " -> " + elsewhere + "; copy the folder into --input to convert its files\n", outcome.err());
        assertTrue(outcome.out().contains("  converted people/b.csv into people: 1 row read, 1 written, 0 quarantined\n"), outcome.out());
        assertFalse(outcome.out().contains("into sales"), outcome.out());
    }

    /**
     * A Spark or Hadoop job's output: its committed files, and a _temporary folder of a failed attempt whose
     * files would hold some of the same rows again. Left out and named, as bronze-ingest upload leaves them out.
     */
    @Test
    void theFilesAndFoldersOfHadoopAndSparkJobsAreLeftOutAndNamed() throws Exception {
        Path people = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(people.resolve("part-00000.csv"), "id,name\n1,Ann\n2,Bo\n");
        Path attempt = Files.createDirectories(people.resolve("_temporary/0/task_1"));
        Files.writeString(attempt.resolve("part-00000.csv"), "id,name\n1,Ann\n");
        Files.writeString(people.resolve("_SUCCESS"), "");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertEquals("warning: left out 2 files and folders under --input whose names start with _, as Hadoop and Spark name what is not a job's output"
                + " (_temporary, _SUCCESS; bronze-ingest upload leaves them out too): " + directory.resolve("drop/people/_SUCCESS") + ", "
                + directory.resolve("drop/people/_temporary") + "\n", outcome.err());
        assertTrue(outcome.out().contains("  converted people/part-00000.csv into people: 2 rows read, 2 written, 0 quarantined\n"), outcome.out());
        assertEquals(List.of(Map.of("people", 2L)), GoldFiles.query("SELECT count(*) AS people FROM read_parquet('"
                + directory.resolve("lake/silver/people") + "/**/*.parquet')"), "the attempt's row is not there twice");
    }

    /**
     * A .tsv or .txt export beside a dataset's .csv files was left out without a word: bronze-ingest upload names it. The warning says
     * how to have it converted, in the words bronze-ingest and the converter's line give: renamed to .csv, its tab is detected.
     */
    @Test
    void filesOfADatasetFolderWithAnotherSuffixAreLeftOutAndNamed() throws Exception {
        Path people = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(people.resolve("2026-01.csv"), "id,name\n1,Ann\n");
        Files.writeString(people.resolve("2026-02.tsv"), "id\tname\n2\tBo\n");
        Files.writeString(directory.resolve("drop/README.md"), "# exports\n");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString());

        assertEquals(0, outcome.exit(), outcome.err());
        // The README beside the dataset folders is no dataset's file: not named.
        assertEquals("warning: left out 1 file under --input whose name does not end in .csv, .csv.gz or .dat (the bucket's notification does not"
                + " deliver such files either): " + directory.resolve("drop/people/2026-02.tsv") + "\nwarning: 2026-02.tsv: a .tsv file of delimited"
                + " text (MySQL's SELECT ... INTO OUTFILE, a tab-separated download) is converted once its name says CSV: rename it to end in .csv or"
                + " .dat; its delimiter (a comma, a semicolon, a tab or a pipe) is detected, or set for its dataset in CSV_DELIMITERS (the stack's"
                + " silver_csv_delimiters, e.g. <dataset>:tab; docs/silver-converter.md, Delimiters)\n", outcome.err());
        assertTrue(outcome.out().contains("  converted people/2026-01.csv into people: 1 row read, 1 written, 0 quarantined\n"), outcome.out());
    }

    /**
     * A workbook saved beside a dataset's .csv files was left out and named with no word of what to do, though bronze-ingest upload and the
     * converter's line say to export it: the warning now says so in their words, one line per kind of name.
     */
    @Test
    void aWorkbookLeftOutOfADatasetFolderIsToldToBeExportedInTheWordsOfTheOtherTools() throws Exception {
        Path people = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(people.resolve("2026-01.csv"), "id,name\n1,Ann\n");
        Files.write(people.resolve("2026-02.xlsx"), new byte[] {'P', 'K', 3, 4});

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertEquals("warning: left out 1 file under --input whose name does not end in .csv, .csv.gz or .dat (the bucket's notification does not"
                + " deliver such files either): " + directory.resolve("drop/people/2026-02.xlsx") + "\nwarning: 2026-02.xlsx: "
                + UnreadNames.advice("2026-02.xlsx").orElseThrow() + "\n", outcome.err());
    }

    /** Given as --input itself, a file so named is refused, as the converter skips its key and bronze-ingest refuses to upload it. */
    @Test
    void aFileNamedAsAJobsBookkeepingGivenAsTheInputIsRefused() throws Exception {
        Path attempt = Files.writeString(Files.createDirectories(directory.resolve("drop")).resolve("_part-00000.csv"), "id,name\n1,Ann\n");

        Outcome outcome = run("local", "--input", attempt.toString(), "--lake", directory.resolve("lake").toString());

        assertEquals(2, outcome.exit(), outcome.err());
        assertEquals("error: " + attempt + " is named with a leading _ or ., as Hadoop and Spark name what is not a job's output and tools name"
                + " hidden files: the converter skips such keys in the bronze bucket, and bronze-ingest upload refuses it, so it is not converted"
                + " here either; rename it. Nothing was converted.\n", outcome.err());
        assertFalse(Files.exists(directory.resolve("lake/silver")), "nothing converted");
    }

    /**
     * A link to a file of the input converted the file twice, under two keys, its rows then twice in silver
     * and gold; bronze-ingest upload refuses to upload such a file twice.
     */
    @Test
    void aLinkToAFileInsideTheInputIsRefusedBeforeAnythingIsConverted() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Path file = Files.writeString(input.resolve("a.csv"), "id,name\n1,Ann\n");
        Path link = Files.createSymbolicLink(input.resolve("b.csv"), file);
        Path lake = directory.resolve("lake");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString());

        assertRefusedBeforeAnythingIsConverted(outcome, lake,
                "error: " + file + " under --input " + directory.resolve("drop") + " would be converted twice, as people/a.csv and as people/b.csv"
                + " (through the link " + link + "), its rows then in silver twice: move the link out of --input (a link to a file is converted as that"
                + " file). Nothing was converted.\n");
    }

    /** Two hard links to one file are one file under two keys, as bronze-ingest upload tells files apart: by device and inode. */
    @Test
    void aHardLinkToAFileInsideTheInputIsRefusedBeforeAnythingIsConverted() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Path file = Files.writeString(input.resolve("a.csv"), "id,name\n1,Ann\n");
        Path hardLink = Files.createLink(directory.resolve("drop/people copy.csv"), file);
        Path lake = directory.resolve("lake");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString());

        assertRefusedBeforeAnythingIsConverted(outcome, lake,
                "error: " + hardLink + " under --input " + directory.resolve("drop") + " would be converted twice, as people copy.csv and as"
                + " people/a.csv, its rows then in silver twice: remove one of its hard links " + hardLink + " and " + file + " from --input."
                + " Nothing was converted.\n");
    }

    /** Every file under two keys is named, on a line of its own, with what to take out when a link may stay. */
    @Test
    void everyFileUnderTwoKeysIsNamedWithWhatToTakeOut() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Path file = Files.writeString(input.resolve("a.csv"), "id,name\n1,Ann\n");
        Path hardLink = Files.createLink(input.resolve("b.csv"), file);
        Path link = Files.createSymbolicLink(input.resolve("c.csv"), file);
        // Two links to a file outside the input: either may stay, as the file.
        Path outside = Files.writeString(directory.resolve("outside.csv"), "id,name\n2,Bo\n");
        Path first = Files.createSymbolicLink(input.resolve("d.csv"), outside);
        Path second = Files.createSymbolicLink(input.resolve("e.csv"), outside);
        Path lake = directory.resolve("lake");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString());

        String under = " under --input " + directory.resolve("drop");
        assertRefusedBeforeAnythingIsConverted(outcome, lake,
                "error: " + file + under + " would be converted 3 times, as people/a.csv, as people/b.csv and as people/c.csv (through the link " + link
                + "), its rows then in silver 3 times: remove one of its hard links " + file + " and " + hardLink + " from --input, and move the link out of"
                + " --input (a link to a file is converted as that file).\n"
                + "error: " + outside.toRealPath() + ", outside --input " + directory.resolve("drop") + ", reached through the links " + first + " and " + second
                + ", would be converted twice, as people/d.csv and as people/e.csv, its rows then in silver twice: move one of the links out of --input (a link"
                + " to a file is converted as that file). Nothing was converted.\n");
    }

    /**
     * An unreadable folder made Files.walk throw an UncheckedIOException: a stack trace, not an error line.
     * Root reads a folder whatever its mode, so as root the command runs in a JVM of its own without the
     * capabilities that let it (setpriv).
     */
    @Test
    void anUnreadableFolderUnderTheInputIsAnErrorNamingItBeforeAnythingIsConverted() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("a.csv"), "id,name\n1,Ann\n");
        Path locked = Files.createDirectories(directory.resolve("drop/sales"));
        Files.writeString(locked.resolve("b.csv"), "id,amount\n1,2.50\n");
        Files.setPosixFilePermissions(locked, Set.of());
        Path lake = directory.resolve("lake");
        try {
            String[] args = {"local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString()};
            Outcome outcome = Files.isReadable(locked) ? runWithoutThePowerToReadAnyFile(args) : run(args);

            assertEquals(2, outcome.exit(), outcome.err());
            assertEquals("error: cannot read " + locked + " under --input " + directory.resolve("drop") + " (permission denied), so its files would be"
                    + " missing from the lake: make it readable, or move it out of --input. Nothing was converted.\n", outcome.err());
            assertEquals("", outcome.out());
            assertFalse(Files.exists(lake), "nothing may be written");
        }
        finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** All that is wrong with --input at once, and "Nothing was converted." once, after the last line: it followed each kind of problem. */
    @Test
    void anUnreadableFolderAndAFileUnderTwoKeysAreNamedTogetherAndNothingWasConvertedIsSaidOnce() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Path file = Files.writeString(input.resolve("a.csv"), "id,name\n1,Ann\n");
        Path link = Files.createSymbolicLink(input.resolve("b.csv"), file);
        Path locked = Files.createDirectories(directory.resolve("drop/sales"));
        Files.writeString(locked.resolve("c.csv"), "id,amount\n1,2.50\n");
        Files.setPosixFilePermissions(locked, Set.of());
        Path lake = directory.resolve("lake");
        try {
            String[] args = {"local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString()};
            Outcome outcome = Files.isReadable(locked) ? runWithoutThePowerToReadAnyFile(args) : run(args);

            assertEquals(2, outcome.exit(), outcome.err());
            assertEquals("error: cannot read " + locked + " under --input " + directory.resolve("drop") + " (permission denied), so its files would be"
                    + " missing from the lake: make it readable, or move it out of --input.\n"
                    + "error: " + file + " under --input " + directory.resolve("drop") + " would be converted twice, as people/a.csv and as people/b.csv"
                    + " (through the link " + link + "), its rows then in silver twice: move the link out of --input (a link to a file is converted as that"
                    + " file). Nothing was converted.\n", outcome.err());
            assertEquals("", outcome.out());
            assertFalse(Files.exists(lake), "nothing may be written");
        }
        finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * An unreadable file under the input was found only when its conversion opened it: "error: converting
     * <file>: <file>", exit code 1, the files before it converted, though the usage says a file that cannot be
     * read is a wrong argument. Refused with the unreadable folders, before anything is converted.
     */
    @Test
    void anUnreadableFileUnderTheInputIsAnErrorNamingItBeforeAnythingIsConverted() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("a.csv"), "id,name\n1,Ann\n");
        Path locked = Files.writeString(input.resolve("b.csv"), "id,name\n2,Bo\n");
        Files.setPosixFilePermissions(locked, Set.of());
        Path lake = directory.resolve("lake");
        try {
            String[] args = {"local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString()};
            Outcome outcome = Files.isReadable(locked) ? runWithoutThePowerToReadAnyFile(args) : run(args);

            assertRefusedBeforeAnythingIsConverted(outcome, lake, "error: cannot read " + locked + " under --input " + directory.resolve("drop")
                    + " (permission denied), so its rows would be missing from the lake: make it readable, or move it out of --input. Nothing was converted.\n");
        }
        finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /**
     * A lake the user cannot write was found only when the first write failed, its message the path alone
     * ("error: /x/locked/lake", exit code 1): in a folder not writable, before anything was converted; with a
     * gold/ not writable, once silver had been converted. A wrong argument, refused before anything is written.
     */
    @Test
    void aLakeThatCannotBeWrittenIsAWrongArgumentRefusedBeforeAnythingIsConverted() throws Exception {
        String input = SampleData.directory().toString();
        Path locked = Files.createDirectories(directory.resolve("locked"));
        Path lake = Files.createDirectories(directory.resolve("lake"));
        Path gold = Files.createDirectories(lake.resolve("gold"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        Files.setPosixFilePermissions(gold, PosixFilePermissions.fromString("r-x------"));
        try {
            String[] underLocked = {"local", "--input", input, "--lake", locked.resolve("lake").toString()};
            Outcome cannotCreate = Files.isWritable(locked) ? runWithoutThePowerToReadAnyFile(underLocked) : run(underLocked);
            assertRefusedBeforeAnythingIsConverted(cannotCreate, locked.resolve("lake"), "error: --lake " + locked.resolve("lake") + " cannot be created: "
                    + locked + " is not writable (permission denied): give a folder you can write to (it is created if missing), or make " + locked
                    + " writable\n");

            String[] goldLocked = {"local", "--input", input, "--lake", lake.toString()};
            Outcome cannotWriteGold = Files.isWritable(gold) ? runWithoutThePowerToReadAnyFile(goldLocked) : run(goldLocked);
            assertEquals(2, cannotWriteGold.exit(), cannotWriteGold.err());
            assertEquals("error: --lake " + lake + " holds " + gold + ", which is not writable (permission denied): make it writable, or give --lake another"
                    + " folder (it is created if missing)\n", cannotWriteGold.err());
            assertEquals("", cannotWriteGold.out());
            assertFalse(Files.exists(lake.resolve("silver")), "nothing may be converted");
        }
        finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(gold, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * A lake's commits lock {@code .silver.medallion-lock} in the lake, beside {@code silver/} (docs/local.md, "Several processes, or
     * users, on one lake"): a lake not writable whose {@code silver/} and {@code gold/} are, or a lock file made by another user that
     * this one cannot open for writing, passed the check before anything is converted, and every file's commit was then refused
     * naming the lock file, exit code 1. A wrong argument, as any lake this user cannot write, refused before anything is written.
     */
    @Test
    void aLakeWhoseLockFileCannotBeMadeOrOpenedIsAWrongArgumentRefusedBeforeAnythingIsConverted() throws Exception {
        String input = SampleData.directory().toString();
        Path lake = Files.createDirectories(directory.resolve("lake"));
        Path silver = Files.createDirectories(lake.resolve("silver"));
        Files.createDirectories(lake.resolve("gold"));
        Path lockFile = lake.resolve(".silver.medallion-lock");
        Files.setPosixFilePermissions(lake, PosixFilePermissions.fromString("r-x------"));
        try {
            String[] args = {"local", "--input", input, "--lake", lake.toString()};
            Outcome cannotMake = Files.isWritable(lake) ? runWithoutThePowerToReadAnyFile(args) : run(args);
            assertEquals(2, cannotMake.exit(), cannotMake.err());
            assertEquals("error: --lake " + lake + " is not writable (permission denied), and its commits make their lock file " + lockFile
                    + " there: make it writable, or give --lake another folder (it is created if missing)\n", cannotMake.err());
            assertEquals("", cannotMake.out());
            assertFalse(Files.exists(lockFile));
            assertEquals(List.of(), listed(silver), "nothing may be converted");

            Files.setPosixFilePermissions(lake, PosixFilePermissions.fromString("rwx------"));
            // Made by another user whose umask is 022: readable, not writable, by this one.
            Files.createFile(lockFile);
            Files.setPosixFilePermissions(lockFile, PosixFilePermissions.fromString("r--r--r--"));
            Outcome cannotOpen = Files.isWritable(lockFile) ? runWithoutThePowerToReadAnyFile(args) : run(args);
            assertEquals(2, cannotOpen.exit(), cannotOpen.err());
            assertEquals("error: --lake " + lake + " holds " + lockFile + ", the lock file of its commits, which is not writable (permission denied): make it"
                    + " writable, or give --lake another folder (it is created if missing)\n", cannotOpen.err());
            assertEquals("", cannotOpen.out());
            assertEquals(List.of(), listed(silver), "nothing may be converted");
        }
        finally {
            Files.setPosixFilePermissions(lake, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static List<Path> listed(Path folder) throws IOException {
        try (Stream<Path> paths = Files.list(folder)) {
            return paths.toList();
        }
    }

    /** bronze-ingest upload keys a name spelled decomposed (as a copy from a Mac can be) as its NFC spelling: so does the local command. */
    @Test
    void aFileNamedInNfdIsConvertedUnderTheKeyOfItsNfcSpelling() throws Exception {
        UnicodeFileNames.assumeFileNamesTakeUnicode();
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("Rene\u0301e.csv"), "id,name\n1,Ren\u00e9e\n");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("  converted people/Ren\u00e9e.csv into people: 1 row read, 1 written, 0 quarantined\n"), outcome.out());
    }

    /**
     * Linux keeps café.csv in NFC and in NFD as two files; on the one key both take, one file's rows would
     * replace the other's: refused, as bronze-ingest upload refuses them, each path named with its form.
     */
    @Test
    void twoFilesWhoseNamesDifferOnlyInTheirUnicodeFormAreRefusedBeforeAnythingIsConverted() throws Exception {
        UnicodeFileNames.assumeBothUnicodeFormsKept(directory);
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Path nfc = Files.writeString(input.resolve("caf\u00e9.csv"), "id,name\n1,Ann\n");
        Path nfd = Files.writeString(input.resolve("cafe\u0301.csv"), "id,name\n2,Bo\n");
        Path lake = directory.resolve("lake");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString());

        assertRefusedBeforeAnythingIsConverted(outcome, lake,
                "error: " + nfd + " (NFD) and " + nfc + " (NFC) under --input " + directory.resolve("drop") + " would both be converted as"
                + " people/caf\u00e9.csv, one file's rows replacing the other's, since their names differ only in their Unicode form (NFC and NFD spellings"
                + " of one name): rename or remove one of them. Nothing was converted.\n");
    }

    /**
     * A rejection's advice (set CSV_ENCODINGS=people:windows-1252) works locally as in the function. Until
     * it is followed, a rerun skips the file and says why; once it is, the file is read again.
     */
    @Test
    void aFileRejectedForItsEncodingConvertsOnceCsvEncodingsDeclaresIt() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.write(input.resolve("export.csv"), "id,name\n1,Zo\u00eb\n2,Ren\u00e9e\n".getBytes(java.nio.charset.Charset.forName("windows-1252")));
        Path models = models("people_count");
        Files.writeString(models.resolve("people_count.sql"), """
                -- sources: people
                SELECT COUNT(*) AS people, MIN(name) AS first_name FROM ${silver_database}.people
                """);
        String[] args = {"local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString(), "--models", models.toString()};

        Outcome rejected = run(args);
        assertEquals(1, rejected.exit());
        assertTrue(rejected.out().contains("  rejected people/export.csv into people: The file is not UTF-8") && rejected.out().contains("set CSV_ENCODINGS=people:windows-1252"),
                rejected.out());
        Outcome skipped = run(args);
        assertTrue(skipped.out().contains("  unchanged people/export.csv into people: rejected before, read with the same settings, and unchanged since: "), skipped.out());

        Outcome declared = run(Map.of("CSV_ENCODINGS", "people:windows-1252"), args);

        assertEquals(0, declared.exit(), declared.err());
        assertTrue(declared.out().contains("  converted people/export.csv into people: 2 rows read, 2 written, 0 quarantined\n"), declared.out());
        assertEquals(List.of(Map.of("people", 2L, "first_name", "Ren\u00e9e")), GoldFiles.rows(directory.resolve("lake/gold/people_count"), "people"));
    }

    /**
     * A SQL Server export's NULL amounts are nulls locally as in the function: the column stays a number the
     * gold model sums; CSV_NULL_VALUES, read from the environment, makes a declared N/A null too, text columns included.
     */
    @Test
    void nullMarkersAreNullsAndCsvNullValuesDeclaresMore() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/orders"));
        Files.writeString(input.resolve("export.csv"), "id,amount,note\n1,12.5,first\n2,NULL,NULL\n3,\\N,N/A\n4,2.5,N/A\n");
        Path models = models("order_totals");
        Files.writeString(models.resolve("order_totals.sql"), """
                -- sources: orders
                SELECT SUM(amount) AS total, COUNT(amount) AS amounts, COUNT(note) AS notes FROM ${silver_database}.orders
                """);
        String[] args = {"local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString(), "--models", models.toString()};

        Outcome outcome = run(args);

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("  converted orders/export.csv into orders: 4 rows read, 4 written, 0 quarantined\n"), outcome.out());
        assertEquals(List.of(Map.of("total", 15.0, "amounts", 2L, "notes", 4L)), GoldFiles.rows(directory.resolve("lake/gold/order_totals"), "total"));

        Outcome declared = run(Map.of(SilverSettings.CSV_NULL_VALUES, "orders:N/A,orders:NULL"), args);

        assertEquals(0, declared.exit(), declared.err());
        assertTrue(declared.out().contains("  converted orders/export.csv into orders: 4 rows read, 4 written, 0 quarantined\n"), declared.out());
        assertEquals(List.of(Map.of("total", 15.0, "amounts", 2L, "notes", 1L)), GoldFiles.rows(directory.resolve("lake/gold/order_totals"), "total"));
    }

    @Test
    void theHelpNamesCsvNullValuesAndAMalformedOneIsAUsageError() {
        assertTrue(run("--help").out().contains(SilverSettings.CSV_NULL_VALUES), run("--help").out());

        Outcome outcome = run(Map.of(SilverSettings.CSV_NULL_VALUES, "orders"), "local", "--input", directory.toString(), "--lake",
                directory.resolve("lake").toString());

        assertEquals(2, outcome.exit());
        assertTrue(outcome.err().startsWith("error: CSV_NULL_VALUES entry 'orders' must look like dataset:marker"), outcome.err());
    }

    /**
     * A file rejected for a row over MAX_ROW_CHARS is told to "raise MAX_ROW_CHARS": the command read no limit
     * from its environment, so doing as told changed nothing (the rerun answered "rejected before, read with
     * the same settings").
     */
    @Test
    void aFileRejectedForALongRowConvertsOnceMaxRowCharsIsRaisedAsItsReasonSays() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/notes"));
        Files.writeString(input.resolve("long.csv"), "id,text\n1,short\n2," + "y".repeat(4_200_000) + "\n");
        String[] args = {"local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString()};
        Outcome rejected = run(args);
        assertTrue(rejected.out().contains("raise MAX_ROW_CHARS"), rejected.out());

        Outcome raised = run(Map.of("MAX_ROW_CHARS", "8388608"), args);

        assertEquals(0, raised.exit(), raised.out());
        assertTrue(raised.out().contains("  converted notes/long.csv into notes: 2 rows read, 2 written, 0 quarantined"), raised.out());
    }

    /**
     * The command reads the two limits and not the converter's tunables, as docs/local.md and its help say: a
     * CHUNK_ROWS left in the shell from tuning the silver command, malformed, refused the run as a wrong
     * argument (exit code 2) although the command never used its value.
     */
    @Test
    void theConvertersTunablesAreNotReadEvenWhenMalformed() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/notes"));
        Files.writeString(input.resolve("a.csv"), "id,text\n1,short\n");
        Map<String, String> tunables = Map.of(ConversionLimits.CHUNK_ROWS, "abc", ConversionLimits.CHUNK_MAX_BYTES, "0",
                ConversionLimits.PART_TARGET_BYTES, "-1", ConversionLimits.ROW_GROUP_BYTES, "lots",
                RangeReading.RANGE_READERS, "many", RangeReading.MIN_RANGE_BYTES, "0");

        Outcome outcome = run(tunables, "local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString());

        assertEquals("", outcome.err());
        assertEquals(0, outcome.exit(), outcome.out());
        assertTrue(outcome.out().contains("  converted notes/a.csv into notes: 1 row read, 1 written, 0 quarantined"), outcome.out());
    }

    @Test
    void aLaterFileWithOtherColumnsThanItsDatasetsContractSaysWhichWereNotWrittenOrWrittenAsNull() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("a.csv"), "id,name\n1,Ann\n");
        Files.writeString(input.resolve("b.csv"), "id,country\n2,FR\n");
        Path models = models("people_count");
        Files.writeString(models.resolve("people_count.sql"), """
                -- sources: people
                SELECT COUNT(*) AS people FROM ${silver_database}.people
                """);

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString(), "--models", models.toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("  converted people/a.csv into people: 1 row read, 1 written, 0 quarantined\n    a new dataset: its schema "
                + "contract, inferred from this file, is "), outcome.out());
        assertTrue(outcome.out().contains("_schemas/people.json: id bigint, name string\n"), outcome.out());
        assertTrue(outcome.out().contains("  converted people/b.csv into people: 1 row read, 1 written, 0 quarantined; columns not in the dataset's schema contract, "
                + "so not written: \"country\" (column 2); columns in the contract but not in the file, so written as null: name (the contract: "), outcome.out());
        // The summary recalls both: a header typo (order_dat for order_date) loses a column's values, and fills the contract's with nulls, with exit code 0.
        String contract = directory.resolve("lake/silver/_schemas/people.json").toString();
        assertTrue(outcome.out().contains(" s: 2 converted; columns not written (not in the dataset's contract) in 1 file: people/b.csv: fix the file's header"
                + " under --input (a typo of a contract column's name), or add the column to the dataset's contract in " + contract + ", or declare it with"
                + " --contracts DIR (a copy of it, edited), then run again; contract columns not in the file, so null in all its rows, in 1 file: people/b.csv"
                + " (name): fix the export under --input, or change the dataset's contract (a renamed column's sourceName to the file's new header text;"
                + " a column gone for good out of it) in " + contract + ", or declare it with --contracts DIR (a copy of it, edited), then run again\n"), outcome.out());
    }

    /**
     * A later export that dropped a column converts, the contract's column null in all its rows, with exit code 0, as
     * a column not written does; the deployed stack alarms on both alike (files-not-matching-contract). The Silver
     * summary names such files with the columns each lacks and what to do, on the run that converts them; and what
     * it says to do works: the export mended, the file converts in the contract, and nothing is named again.
     */
    @Test
    void aLaterFileLackingContractColumnsIsNamedInTheSummaryWithTheColumnsAndWhatToDo() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("a.csv"), "id,name,city\n1,Ann,Lyon\n");
        Files.writeString(input.resolve("b.csv"), "id\n2\n");
        Files.writeString(input.resolve("c.csv"), "id,name\n3,Cy\n");
        Files.writeString(input.resolve("d.csv"), "id,city\n4,Metz\n");
        Files.writeString(input.resolve("e.csv"), "id\n5\n");
        Path lake = directory.resolve("lake");
        String[] args = {"local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString()};

        Outcome outcome = run(args);

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains(" s: 5 converted; contract columns not in the file, so null in all its rows, in 4 files: people/b.csv (name, city),"
                + " people/c.csv (city), people/d.csv (name) and 1 more: fix the export under --input, or change the dataset's contract (a renamed column's sourceName to the file's new"
                + " header text; a column gone for good out of it) in " + lake.resolve("silver/_schemas/people.json") + ", or declare it with --contracts DIR"
                + " (a copy of it, edited), then run again\n"), outcome.out());
        assertTrue(outcome.out().startsWith("Silver: "), outcome.out());
        assertTrue(outcome.out().contains("\nDone in "), outcome.out());

        Files.writeString(input.resolve("c.csv"), "id,name,city\n3,Cy,Metz\n");
        Outcome mended = run(args);

        assertEquals(0, mended.exit(), mended.err());
        assertTrue(mended.out().contains("  converted people/c.csv into people: 1 row read, 1 written, 0 quarantined\n"), mended.out());
        // Named on the run that converts the file, as a column not written is: b.csv, unchanged, was named on the run before.
        // (The exit code stays 0 throughout: nothing failed, every row is in its table.)
        assertTrue(mended.out().contains(" s: 1 converted, 4 unchanged\n"), mended.out());
    }

    /**
     * A dataset whose contract --contracts declares has it put again on every run, over the lake's: the summary names
     * the declared file to edit, where an edit of the lake's copy would be undone by the next run.
     */
    @Test
    void aFileOutOfADeclaredContractIsToldToEditTheDeclaredContract() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("a.csv"), "id\n1\n");
        Files.writeString(input.resolve("b.csv"), "id,name,nickname\n2,Bob,Bo\n");
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        Files.writeString(contracts.resolve("people.json"), """
                {"dataset": "people", "columns": [{"name": "id", "type": "bigint", "sourceName": "id"}, {"name": "name", "type": "string", "sourceName": "name"}],
                 "createdFrom": "declared", "createdAt": "2026-12-04T00:00:00Z"}
                """);

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString(), "--contracts", contracts.toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("  converted people/b.csv into people: 1 row read, 1 written, 0 quarantined; columns not in the dataset's schema contract,"
                + " so not written: \"nickname\" (column 3) (the contract: " + contracts.resolve("people.json") + " (--contracts))\n"), outcome.out());
        assertTrue(outcome.out().contains(" s: 2 converted; columns not written (not in the dataset's contract) in 1 file: people/b.csv: fix the file's header"
                + " under --input (a typo of a contract column's name), or add the column to the dataset's contract in " + contracts.resolve("people.json")
                + " (--contracts), then run again; contract columns not in the file, so null in all its rows, in 1 file: people/a.csv (name): fix the export"
                + " under --input, or change the dataset's contract (a renamed column's sourceName to the file's new header text; a column gone for good out of it)"
                + " in " + contracts.resolve("people.json") + " (--contracts), then run again\n"), outcome.out());
    }

    /**
     * A column --contracts declares required: a row without its value is quarantined naming the column, and a file lacking the column
     * has every row quarantined, exit code 1, its line saying so; the summary does not count it among files whose columns were written
     * as null, which none was. The converter's own code, as deployed.
     */
    @Test
    void aRequiredColumnQuarantinesRowsWithoutItsValueAndAFileLackingIt() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("a.csv"), "id,name\n1,Ann\n,Bob\n");
        Files.writeString(input.resolve("b.csv"), "name\nCy\n");
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        Files.writeString(contracts.resolve("people.json"), """
                {"dataset": "people", "columns": [{"name": "id", "type": "bigint", "sourceName": "id", "required": true},
                 {"name": "name", "type": "string", "sourceName": "name"}], "createdFrom": "declared", "createdAt": "2026-12-04T00:00:00Z"}
                """);

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString(), "--contracts", contracts.toString());

        assertEquals(1, outcome.exit(), outcome.out() + outcome.err());
        assertTrue(outcome.out().contains("  converted people/a.csv into people: 2 rows read, 1 written, 1 quarantined"), outcome.out());
        assertTrue(outcome.out().contains("  converted people/b.csv into people: 1 row read, 0 written, 1 quarantined"), outcome.out());
        assertTrue(outcome.out().contains("; columns in the contract and required but not in the file, so every row quarantined: id (the contract: "
                + contracts.resolve("people.json") + " (--contracts))"), outcome.out());
        assertFalse(outcome.out().contains("so null in all its rows"), outcome.out());
        try (Stream<Path> files = Files.walk(directory.resolve("lake/silver/_quarantine/people"))) {
            String quarantined = files.filter(Files::isRegularFile).map(path -> {
                try {
                    return Files.readString(path);
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().collect(Collectors.joining());
            assertTrue(quarantined.contains("3,\"column id: empty but the dataset's contract _schemas/people.json declares it \"\"required\"\": true;"), quarantined);
            assertTrue(quarantined.contains("2,\"column id: not in the file's header but the dataset's contract _schemas/people.json declares it"), quarantined);
        }
    }

    /** A summary of files in their contract's columns, in any order, says nothing of columns. */
    @Test
    void aSummaryOfFilesInTheirContractsColumnsNamesNoColumns() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("a.csv"), "id,name\n1,Ann\n");
        Files.writeString(input.resolve("b.csv"), "name,id\nBob,2\n");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains(" s: 2 converted\n"), outcome.out());
    }

    /**
     * The sample data's declared contracts, given with --contracts, type the sales dataset when its messy
     * March file is the first converted (as S3 may convert files uploaded together): its N/A rows are
     * quarantined and the contract is sample-data/sales.json byte for byte. Without them, March typed
     * quantity as string, and every later file of the dataset with it.
     */
    @Test
    void declaredContractsTypeADatasetWhoseMessyFileIsConvertedFirst() throws Exception {
        Path march = Files.createDirectories(directory.resolve("drop/sales/2026/03"));
        Files.copy(SampleData.directory().resolve("sales/2026/03/sales_2026_03_messy.csv"), march.resolve("sales_2026_03_messy.csv"));
        Path lake = directory.resolve("lake");
        Path declared = SampleData.directory().resolve("sales.json");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString(), "--contracts", SampleData.directory().toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertEquals("", outcome.err());
        assertTrue(outcome.out().contains("\n  contract sales, declared in " + declared + ": put at " + lake.resolve("silver/_schemas/sales.json")
                + ": transaction_id bigint, timestamp timestamp, customer_id bigint, product_id bigint, quantity bigint, unit_price double, discount double,"
                + " total_amount double, region string, payment_method string, is_online boolean, note string\n"), outcome.out());
        // Before any file is converted.
        assertTrue(outcome.out().indexOf("  contract sales, ") < outcome.out().indexOf("  converted "), outcome.out());
        for (String dataset : List.of("customers", "products", "stores_eu")) {
            // Every contract of the directory is put, as Terraform puts every file of schema_contracts_dir.
            assertTrue(outcome.out().contains("\n  contract " + dataset + ", declared in " + SampleData.directory().resolve(dataset + ".json") + ": put at "), outcome.out());
        }
        assertTrue(outcome.out().contains("  converted sales/2026/03/sales_2026_03_messy.csv into sales: 200 rows read, 197 written, 3 quarantined (rows and reasons in "),
                outcome.out());
        // The declared file, where a type is widened: the lake's copy is replaced by it on every run.
        assertTrue(outcome.out().contains("; the types are the dataset's schema contract's: " + declared + " (--contracts))\n"), outcome.out());
        assertFalse(outcome.out().contains("a new dataset"), outcome.out());
        assertEquals(Files.readString(declared), Files.readString(lake.resolve("silver/_schemas/sales.json")));
    }

    /**
     * A contract the converter would refuse in the bucket refuses the run before anything is converted, each
     * file named with what to change; a valid contract beside them is not named.
     */
    @Test
    void aContractTheConverterWouldRefuseRefusesTheRunBeforeAnythingIsConverted() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("a.csv"), "id,name\n1,Ann\n");
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        Files.copy(SampleData.directory().resolve("customers.json"), contracts.resolve("customers.json"));
        // A copy of another dataset's contract, not edited.
        Files.copy(SampleData.directory().resolve("customers.json"), contracts.resolve("people.json"));
        Path lake = directory.resolve("lake");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString(), "--contracts", contracts.toString());

        assertRefusedBeforeAnythingIsConverted(outcome, lake, "error: Schema contract " + contracts.resolve("people.json") + " is of dataset 'people' (its file name)"
                + " but says \"dataset\": \"customers\" (a copy of that dataset's contract?). Set \"dataset\": \"people\" in it, or take it out of the directory;"
                + " without it the dataset's first file defines its contract. Nothing was converted.\n");

        Outcome missing = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString(), "--contracts", directory.resolve("contratcs").toString());
        assertRefusedBeforeAnythingIsConverted(missing, lake, "error: --contracts " + directory.resolve("contratcs") + " does not exist: give a directory of"
                + " <dataset>.json schema contracts, as Terraform's schema_contracts_dir. Nothing was converted.\n");
    }

    /**
     * A lake whose dataset's first file inferred a contract gets the declared one, as terraform apply replaces
     * the object, and the run says so, with what the files converted before keep: the next file is held to
     * the declared types.
     */
    @Test
    void aLakeHoldingAnotherContractGetsTheDeclaredOneAndTheRunSaysItReplacedIt() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("a.csv"), "id,age\n1,unknown\n");
        Path lake = directory.resolve("lake");
        Outcome inferred = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString());
        assertEquals(0, inferred.exit(), inferred.err());
        assertTrue(inferred.out().contains("_schemas/people.json: id bigint, age string\n"), inferred.out());
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        String declared = """
                {"dataset": "people", "columns": [{"name": "id", "type": "bigint", "sourceName": "id"}, {"name": "age", "type": "bigint", "sourceName": "age"}],
                 "createdFrom": "declared", "createdAt": "2026-12-03T00:00:00Z"}
                """;
        Files.writeString(contracts.resolve("people.json"), declared);
        Files.writeString(input.resolve("b.csv"), "id,age\n2,41\n3,unknown\n");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString(), "--contracts", contracts.toString());

        // a.csv's one row does not fit the declared type: none of its rows reached the table.
        assertEquals(1, outcome.exit(), outcome.err());
        // The declared contract is the one to widen a type in: the run puts it over the lake's copy every time.
        assertTrue(outcome.out().contains("in 1 file: people/a.csv: each file's line above names its quarantined rows with the reason each was refused: mend the"
                + " file under --input as they say (or, for a value of another type, widen that type in the dataset's contract, " + contracts.resolve("people.json")
                + "), then run again, or take the file out of --input\n"), outcome.out());
        assertTrue(outcome.out().contains("\n  contract people, declared in " + contracts.resolve("people.json") + ": replaced the contract the lake held at "
                + lake.resolve("silver/_schemas/people.json") + " (id bigint, age string), as terraform apply replaces it; the declared one types every file"
                + " converted from now on: id bigint, age bigint (files converted before with another contract are converted again with it, changed or"
                + " not)\n"), outcome.out());
        assertTrue(outcome.out().contains("  converted people/a.csv into people: 1 row read, 0 written, 1 quarantined"), outcome.out());
        assertTrue(outcome.out().contains("  converted people/b.csv into people: 2 rows read, 1 written, 1 quarantined"), outcome.out());
        // Each file's line names the declared contract as where the types come from, not the lake's copy, which the next run would replace.
        assertEquals(2, outcome.out().lines().filter(line -> line.endsWith(".csv; the types are the dataset's schema contract's: "
                + contracts.resolve("people.json") + " (--contracts))")).count(), outcome.out());
        assertEquals(declared, Files.readString(lake.resolve("silver/_schemas/people.json")));

        // A lake rebuilt with the declared contract types both files as the run above did.
        deleteRecursively(lake);
        Outcome rebuilt = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString(), "--contracts", contracts.toString());
        assertEquals(1, rebuilt.exit(), rebuilt.err());
        assertTrue(rebuilt.out().contains("  converted people/a.csv into people: 1 row read, 0 written, 1 quarantined"), rebuilt.out());
    }

    /**
     * A file none of whose rows reached its table is as absent from it as a rejected file (the Lambda side alarms
     * on it): the Silver summary names it and the exit code is 1, on the run that converted it and on a rerun
     * that finds it unchanged, so a script never takes the table for complete.
     */
    @Test
    void aFileWhoseEveryRowWasQuarantinedIsNamedInTheSummaryAndTheExitCodeSaysSo() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/orders"));
        Files.writeString(input.resolve("a.csv"), "order_id,amount\n1,2.5\n2,3.5\n");
        Files.writeString(input.resolve("b.csv"), "order_id,amount\n3,n/a\n4,unknown\n");
        Files.writeString(input.resolve("c.csv"), "order_id,amount\n5,4.5\n6,none\n");
        Path lake = directory.resolve("lake");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString());
        Outcome again = run("local", "--input", directory.resolve("drop").toString(), "--lake", lake.toString());

        assertEquals(1, outcome.exit(), outcome.err());
        String whatToDo = ": each file's line above names its quarantined rows with the reason each was refused: mend the file under --input as they say"
                + " (or, for a value of another type, widen that type in the dataset's contract, " + lake.resolve("silver/_schemas/orders.json") + "), then run"
                + " again, or take the file out of --input\n";
        assertTrue(outcome.out().contains(": 3 converted; every row quarantined, none in its table, in 1 file: orders/b.csv" + whatToDo), outcome.out());
        assertTrue(outcome.err().matches("(?s)(.*\n)?Finished with problems in [0-9.]+ s: 1 file\\(s\\) with every row quarantined \\(see above\\)\n"), outcome.err());
        assertEquals(1, again.exit(), again.err());
        assertTrue(again.out().contains(": 3 unchanged; every row quarantined, none in its table, in 1 file: orders/b.csv" + whatToDo), again.out());
    }

    /** Someone's own data with the shipped models, which read the sample's tables: they are skipped, named, not failed. */
    @Test
    void ownDataWithoutModelsOfItsOwnConvertsAndSkipsTheShippedModels() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("a.csv"), "id,name\n1,Ann\n");

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains(" over silver tables people, into "), outcome.out());
        assertTrue(outcome.out().contains("\ntop_products: skipped, a shipped model of the sample data: this lake holds no silver "), outcome.out());
        assertTrue(outcome.out().contains("Gold: 0 of 4 table(s) built in ") && outcome.out().contains(", 4 skipped\n"), outcome.out());
        assertEquals("", outcome.err());
    }

    /** A model of one's own that reads a table the lake lacks fails, naming it: a typo must not pass as a skip. */
    @Test
    void aModelOfOnesOwnReadingATableTheLakeLacksFails() throws Exception {
        Path input = Files.createDirectories(directory.resolve("drop/people"));
        Files.writeString(input.resolve("a.csv"), "\"id\",name\n1,\"Ann\"\"s\"\n");
        Path models = models("people_count");
        Files.writeString(models.resolve("people_count.sql"), """
                -- sources: peeple
                SELECT COUNT(*) AS people FROM ${silver_database}.peeple
                """);

        Outcome outcome = run("local", "--input", directory.resolve("drop").toString(), "--lake", directory.resolve("lake").toString(), "--models", models.toString());

        assertEquals(1, outcome.exit());
        assertTrue(outcome.err().contains("reads silver table peeple, which "), outcome.err());
    }

    /**
     * A model written with Athena's date_format, which the refusal of strftime names after what both engines run,
     * marked as Athena's alone, fails on DuckDB, which lacks it: the failure gave only DuckDB's "Scalar Function with name date_format does not exist!" and its "Did
     * you mean "date_part"?" (a DuckDB function the check refuses), as if the model were wrong, leaving a
     * person who did as told no way on. It now says whose function it is and what to do.
     */
    @Test
    void aFunctionOfAthenasThatDuckDbLacksFailsSayingSoAndWhatToDo() throws Exception {
        Outcome outcome = runModels(model("months", "sales", "SELECT DATE_FORMAT(\"timestamp\", '%Y-%m') AS sale_month FROM ${silver_database}.sales"));

        assertEquals(1, outcome.exit(), outcome.err());
        List<String> errors = errors(outcome);
        assertEquals(1, errors.size(), outcome.err());
        assertTrue(errors.get(0).startsWith("error: gold model months failed on DuckDB at " + modelFile("months") + ":2: Catalog Error: Scalar Function with name date_format does not exist!"
                + " date_format is a function of Athena's (Trino's) that DuckDB lacks, so local cannot run this model, which Athena can: try it in Athena,"
                + " or write it with functions both engines have (a month: CAST(date_trunc('month', x) AS DATE); see gold-ctas/README.md, One SELECT for Athena and DuckDB)"),
                errors.get(0));
        assertFalse(outcome.err().contains("Did you mean"), outcome.err());
        assertTrue(outcome.err().contains("LINE 2: SELECT DATE_FORMAT("), outcome.err());
    }

    /**
     * The help names every variable the command reads from its environment: a person who meets a limit
     * there first, or tunes the command before a run, looked for MAX_ROW_CHARS in vain.
     */
    @Test
    void theHelpNamesEveryVariableTheCommandReads() {
        String help = run("--help").out();

        for (String variable : List.of(SilverSettings.CSV_DELIMITERS, SilverSettings.CSV_ENCODINGS, SilverSettings.CSV_NULL_VALUES,
                SilverSettings.CSV_QUOTED_EMPTY_STRINGS, ConversionLimits.MAX_COLUMNS, ConversionLimits.MAX_ROW_CHARS)) {
            assertTrue(help.contains(variable), variable + " is read but not in the help:\n" + help);
        }
    }

    @Test
    void aMalformedCsvEncodingsIsAUsageError() {
        Outcome outcome = run(Map.of("CSV_ENCODINGS", "people"), "local", "--input", directory.toString(), "--lake", directory.resolve("lake").toString());

        assertEquals(2, outcome.exit());
        assertTrue(outcome.err().startsWith("error: CSV_ENCODINGS entry 'people' must look like dataset:charset"), outcome.err());
    }

    @Test
    void aCustomerWhoNeverBoughtHasZeroLifetimeValue() throws Exception {
        Path input = Files.createDirectories(directory.resolve("input"));
        Files.createDirectories(input.resolve("customers"));
        Files.createDirectories(input.resolve("sales"));
        Files.writeString(input.resolve("customers/c.csv"), "customer_id,name,email,city,country,signup_date\n1,Ana,a@x.org,Porto,Portugal,2026-01-10\n2,Bo,b@x.org,Oslo,Norway,2026-02-01\n");
        Files.writeString(input.resolve("sales/s.csv"), """
                transaction_id,timestamp,customer_id,product_id,quantity,unit_price,discount,total_amount,region,payment_method,is_online,note
                1,2026-03-01 23:30:00,1,7,2,5.00,0.00,10.00,South,Card,true,
                2,2026-03-02 00:30:00,1,7,1,5.01,0.00,5.01,South,Card,true,
                """);
        Path models = models("customer_lifetime_value");
        copyShipped("customer_lifetime_value", models);

        Outcome outcome = run("local", "--input", input.toString(), "--lake", directory.resolve("lake").toString(), "--models", models.toString());

        assertEquals(0, outcome.exit(), outcome.err());
        List<Map<String, Object>> rows = GoldFiles.rows(directory.resolve("lake/gold/customer_lifetime_value"), "revenue_rank");
        assertEquals(2, rows.size());
        assertEquals(1L, rows.get(0).get("customer_id"));
        assertEquals(new BigDecimal("15.01"), rows.get(0).get("lifetime_revenue"));
        assertEquals(7.505, (Double) rows.get(0).get("average_order_value"), 1e-12, "unrounded: a half cent");
        assertEquals(51L, rows.get(0).get("days_signup_to_last_purchase"), "2026-01-10 to 2026-03-02: 21 + 28 + 2 days");
        Map<String, Object> never = rows.get(1);
        assertEquals(List.of(2L, 2L, 0L, 0L, new BigDecimal("0.00")),
                Arrays.asList(never.get("revenue_rank"), never.get("customer_id"), never.get("orders"), never.get("units"), never.get("lifetime_revenue")));
        assertNull(never.get("average_order_value"));
        assertNull(never.get("first_purchase_at"));
        assertNull(never.get("days_signup_to_last_purchase"));
    }

    /**
     * A typo is answered in two lines, as bronze-ingest answers it: printed after the error, the thirty lines of
     * the usage pushed the error itself off the top of the screen. Left out, the command word is named.
     */
    @Test
    void aWrongArgumentIsTheErrorAndAHintNotTheWholeUsage() {
        String hint = "Run with --help for the options.\n";
        assertEquals(new Outcome(2, "", "error: unknown option --contract\n" + hint),
                run("local", "--input", "sample-data", "--lake", "lake", "--contract", "sample-data"));
        assertEquals(new Outcome(2, "", "error: --lake is required\n" + hint), run("local", "--input", "sample-data"));
        assertEquals(new Outcome(2, "", "error: unexpected argument 'lake'\n" + hint), run("local", "--input", "sample-data", "lake"));
        assertEquals(new Outcome(2, "", "error: unknown command 'lokal': the commands are local (java -jar lakehouse-local.jar local --input DIR --lake DIR)"
                + " and check-models (java -jar lakehouse-local.jar check-models [--models DIR] [--contracts DIR])\n"
                + hint), run("lokal", "--input", "sample-data", "--lake", "lake"));
        assertEquals(new Outcome(2, "", "error: unknown command '--input': the commands are local (java -jar lakehouse-local.jar local --input DIR --lake DIR)"
                + " and check-models (java -jar lakehouse-local.jar check-models [--models DIR] [--contracts DIR])\n"
                + hint), run("--input", "sample-data", "--lake", "lake"));
    }

    @Test
    void wrongUsage() throws IOException {
        Outcome none = run();
        assertEquals(2, none.exit());
        assertTrue(none.err().startsWith("Usage: java -jar lakehouse-local.jar local --input DIR|FILE --lake DIR"), none.err());

        // The command alone, as nothing at all, asks for what to give: the usage, not one missing option at a time.
        Outcome commandAlone = run("local");
        assertEquals(2, commandAlone.exit());
        assertEquals(none.err(), commandAlone.err());

        Outcome help = run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("Usage: "), help.out());

        Outcome unknown = run("convert", "--input", "x");
        assertEquals(2, unknown.exit());
        assertEquals("error: unknown command 'convert': the commands are local (java -jar lakehouse-local.jar local --input DIR --lake DIR)"
                + " and check-models (java -jar lakehouse-local.jar check-models [--models DIR] [--contracts DIR])\n"
                + "Run with --help for the options.\n", unknown.err());
        // The silver converter's command, asked for its help here: refused as when run, not answered with local's usage and exit code 0.
        assertEquals(unknown.err(), run("convert", "--help").err());
        assertEquals(new Outcome(2, "", unknown.err()), run("convert", "-h"));
        assertEquals(new Outcome(2, "", unknown.err()), run("convert", "--help"));

        Outcome noLake = run("local", "--input", "x");
        assertEquals(2, noLake.exit());
        assertTrue(noLake.err().startsWith("error: --lake is required\n"), noLake.err());

        Outcome missingValue = run("local", "--input", "x", "--lake");
        assertEquals(2, missingValue.exit());
        assertTrue(missingValue.err().startsWith("error: --lake needs a value\n"), missingValue.err());

        Outcome noInput = run("local", "--input", directory.resolve("nothing").toString(), "--lake", directory.resolve("lake").toString());
        assertEquals(2, noInput.exit());
        assertEquals("error: --input " + directory.resolve("nothing") + " does not exist: give the folder that holds your dataset folders (sample-data), or one .csv,"
                + " .csv.gz or .dat file\n", noInput.err());

        Files.writeString(directory.resolve("readme.md"), "no CSV here");
        Outcome empty = run("local", "--input", directory.toString(), "--lake", directory.resolve("lake").toString());
        assertEquals(2, empty.exit());
        assertEquals("error: no .csv, .csv.gz or .dat file under " + directory + "\n", empty.err());

        Outcome notCsv = run("local", "--input", directory.resolve("readme.md").toString(), "--lake", directory.resolve("lake").toString());
        assertEquals(2, notCsv.exit());
        assertEquals("error: --input " + directory.resolve("readme.md") + " is a file whose name does not end in .csv, .csv.gz or .dat:"
                + " give a CSV file, or a folder of them\n", notCsv.err());

        // A workbook renamed to .csv would be rejected as a ZIP archive: it is told to export it.
        Files.write(directory.resolve("Q3 Report.xlsx"), new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0});
        Outcome workbook = run("local", "--input", directory.resolve("Q3 Report.xlsx").toString(), "--lake", directory.resolve("lake").toString());
        assertEquals(2, workbook.exit());
        assertEquals("error: --input " + directory.resolve("Q3 Report.xlsx") + " is a file whose name does not end in .csv, .csv.gz or .dat: "
                + "a .xlsx file is a spreadsheet, not CSV text: open it and export each sheet as CSV (in Excel, Save As"
                + " \"CSV UTF-8 (Comma delimited)\"; its plain \"CSV\" is in the machine's code page, which needs a CSV_ENCODINGS entry),"
                + " then give the .csv file\n", workbook.err());

        Outcome noModels = run("local", "--input", directory.toString(), "--lake", directory.resolve("lake").toString(), "--models", directory.toString());
        assertEquals(2, noModels.exit());
        assertTrue(noModels.err().startsWith("error: --models " + directory + " holds no models.list"), noModels.err());
    }

    /**
     * A --models directory whose list names no model (empty, or commented out while editing) built nothing and
     * exited 0 ("0 of 0 table(s)"). Like a --models without models.list, or naming a model without its .sql, it
     * is a wrong argument, refused before anything is converted, naming the file and what to write.
     */
    @Test
    void modelsThatNameNoModelHaveNoListOrMissAFileAreAWrongArgumentNamingTheFileAndTheFix() throws Exception {
        String input = SampleData.directory().toString();
        Path lake = directory.resolve("lake");
        Path models = models();
        Files.writeString(models.resolve("models.list"), "# daily_sales, commented out while editing\n");
        Files.writeString(models.resolve("daily_sales.sql"), "-- sources: sales\nSELECT region FROM ${silver_database}.sales\n");

        Outcome commentedOut = run("local", "--input", input, "--lake", lake.toString(), "--models", models.toString());
        assertEquals(2, commentedOut.exit(), commentedOut.out());
        assertEquals("error: " + models.resolve("models.list") + " names no model (every line is blank or a comment): write one model name per line,"
                + " each the name of a <name>.sql file beside it ('#' starts a comment); the .sql files beside it: daily_sales.sql\n", commentedOut.err());
        assertEquals("", commentedOut.out());
        assertFalse(Files.exists(lake), "nothing is converted for models that build nothing");

        Files.writeString(models.resolve("models.list"), "daily_sales\nweekly_sales\n");
        Outcome missingFile = run("local", "--input", input, "--lake", lake.toString(), "--models", models.toString());
        assertEquals(2, missingFile.exit(), missingFile.out());
        assertEquals("error: Gold model file " + models.resolve("weekly_sales.sql") + " is missing: " + models.resolve("models.list") + " names weekly_sales"
                + " on line 2, and each model listed needs its <name>.sql beside the list: write it, or take the name out of the list (the .sql files"
                + " beside it: daily_sales.sql)\n", missingFile.err());

        Files.delete(models.resolve("models.list"));
        Outcome noList = run("local", "--input", input, "--lake", lake.toString(), "--models", models.toString());
        assertEquals(2, noList.exit(), noList.out());
        assertEquals("error: --models " + models + " holds no models.list: write " + models.resolve("models.list") + " naming the models to build, one"
                + " name per line, each the name of a <name>.sql file beside it (the .sql files there: daily_sales.sql)\n", noList.err());

        Path absent = directory.resolve("no-such-models");
        Outcome noDirectory = run("local", "--input", input, "--lake", lake.toString(), "--models", absent.toString());
        assertEquals(2, noDirectory.exit(), noDirectory.out());
        assertEquals("error: --models " + absent + " does not exist: give a directory holding models.list and its <name>.sql files"
                + " (e.g. gold-ctas/src/main/resources/gold)\n", noDirectory.err());
        assertFalse(Files.exists(lake), "nothing is converted for models that do not load");
    }

    /** A file where the lake should be is a wrong argument named by its option, before anything is converted. */
    @Test
    void aLakeThatIsAFileOrLiesUnderOneOrHoldsAFileForSilverIsAWrongArgument() throws Exception {
        Path file = Files.writeString(directory.resolve("afile"), "not a folder");
        String input = SampleData.directory().toString();

        Outcome isFile = run("local", "--input", input, "--lake", file.toString());
        assertEquals(2, isFile.exit(), isFile.err());
        assertEquals("error: --lake " + file + " is a file: give a folder (it is created if missing)\n", isFile.err());
        assertEquals("", isFile.out());

        Outcome underFile = run("local", "--input", input, "--lake", file.resolve("lake").toString());
        assertEquals(2, underFile.exit(), underFile.err());
        assertEquals("error: --lake " + file.resolve("lake") + " lies under " + file + ", which is a file: give a folder (it is created if missing)\n",
                underFile.err());

        Path lake = Files.createDirectories(directory.resolve("lake"));
        Files.writeString(lake.resolve("silver"), "not a folder");
        Outcome silverIsFile = run("local", "--input", input, "--lake", lake.toString());
        assertEquals(2, silverIsFile.exit(), silverIsFile.err());
        assertEquals("error: --lake " + lake + " holds a file " + lake.resolve("silver") + " where the lake's silver/ folder goes: move that file away,"
                + " or give --lake another folder (it is created if missing)\n", silverIsFile.err());
        assertEquals("", silverIsFile.out());
    }

    /**
     * A bronze file renamed since the lake was built is a new file to the rerun; the old name's rows stay, as
     * a bronze object deleted leaves its silver rows. Said in a warning, with how to start over, which works.
     */
    @Test
    void aRerunAfterAFileWasRenamedOrRemovedWarnsThatItsOldRowsStay() throws Exception {
        Path input = copyOfSampleData(directory.resolve("input"));
        Path lake = directory.resolve("lake");
        assertEquals(0, run("local", "--input", input.toString(), "--lake", lake.toString()).exit());
        Map<String, List<Map<String, Object>>> gold = goldRows(lake);
        Path april = input.resolve("sales/2026/04/sales_2026_04.csv.gz");
        Files.move(april, april.resolveSibling("sales_2026_04_v2.csv.gz"));

        Outcome renamed = run("local", "--input", input.toString(), "--lake", lake.toString());

        assertEquals(0, renamed.exit(), renamed.err());
        List<String> warnings = renamed.err().lines().filter(line -> line.startsWith("warning: ")).toList();
        assertEquals(1, warnings.size(), renamed.err());
        String warning = warnings.get(0);
        assertTrue(warning.startsWith("warning: the lake holds rows of 1 file(s) that are not under --input " + input + " (renamed, moved or removed since they were"
                + " converted, or converted from another --input): sales/2026/04/sales_2026_04.csv.gz ("), warning);
        assertTrue(warning.endsWith(" rows in sales) (their manifests are under " + lake.resolve("silver/_manifests") + "). Their rows stay in silver and in gold."
                + " To build the lake from --input alone, delete the lake (rm -rf " + lake + ") and run again; if they come from another --input on purpose,"
                + " leave them."), warning);
        assertTrue(renamed.out().contains(" gold tables in " + lake.resolve("gold") + " (they hold the rows of 1 file(s) not under --input: see the warning)\n"),
                renamed.out());

        // What the warning says to do gives the lake of the input as it is now: April's rows once.
        deleteRecursively(lake);
        Outcome rebuilt = run("local", "--input", input.toString(), "--lake", lake.toString());
        assertEquals(0, rebuilt.exit(), rebuilt.err());
        assertEquals("", rebuilt.err());
        assertEquals(gold, goldRows(lake));

        Files.delete(input.resolve("sales/2026/03/sales_2026_03_messy.csv"));
        Outcome removed = run("local", "--input", input.toString(), "--lake", lake.toString());
        assertEquals(0, removed.exit(), removed.err());
        assertTrue(removed.err().startsWith("warning: the lake holds rows of 1 file(s) that are not under --input " + input + " (renamed, moved or removed"
                + " since they were converted, or converted from another --input): sales/2026/03/sales_2026_03_messy.csv (197 rows in sales) ("), removed.err());
    }

    /** Several inputs into one lake work; each run names the files of the others, a few and then a count. */
    @Test
    void aLakeFedFromAnotherInputTooNamesItsFilesAFewThenACount() throws Exception {
        Path lake = directory.resolve("lake");
        assertEquals(0, run("local", "--input", SampleData.directory().toString(), "--lake", lake.toString()).exit());
        Path other = Files.writeString(directory.resolve("returns.csv"), "order_id,amount\n1,2.50\n");

        Outcome outcome = run("local", "--input", other.toString(), "--lake", lake.toString());

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.err().startsWith("warning: the lake holds rows of 7 file(s) that are not under --input " + other + " ("), outcome.err());
        assertTrue(outcome.err().contains(": customers/customers.csv (60 rows in customers), products/products.csv ("), outcome.err());
        assertTrue(outcome.err().contains(" and 4 more (their manifests are under "), outcome.err());
        assertTrue(outcome.out().contains("\ntop_products: 40 rows in "), "the other input's rows are still the lake's: " + outcome.out());
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private Outcome run(String... args) {
        return run(Map.of(), args);
    }

    private Outcome run(Map<String, String> environment, String... args) {
        return GoldModelRuns.run(environment, args);
    }

    /** The command in a JVM of its own that holds no capability, so that file modes hold for root too. */
    private static Outcome runWithoutThePowerToReadAnyFile(String... args) throws IOException, InterruptedException {
        WithoutCapabilities.Outcome outcome = WithoutCapabilities.run(List.of(), LocalLakehouseCli.class, List.of(args));
        return new Outcome(outcome.exit(), outcome.out(), outcome.err());
    }

    /** Exit code 2, exactly {@code err} on standard error, nothing on standard output, and no lake. */
    private static void assertRefusedBeforeAnythingIsConverted(Outcome outcome, Path lake, String err) {
        assertEquals(2, outcome.exit(), outcome.err());
        assertEquals(err, outcome.err());
        assertEquals("", outcome.out());
        assertFalse(Files.exists(lake), "nothing may be written");
    }

    /** A copy of sample-data/, to write a lake into. */
    private static Path copyOfSampleData(Path target) throws IOException {
        Path source = SampleData.directory();
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                }
                else {
                    Files.copy(path, copy);
                }
            }
        }
        return target;
    }

    /** Models reading sales, each a file of its name holding its SQL, and the list naming them. */
    private Path salesModels(Map<String, String> sqlByName) throws IOException {
        Path models = models(sqlByName.keySet().toArray(String[]::new));
        for (Map.Entry<String, String> model : sqlByName.entrySet()) {
            Files.writeString(models.resolve(model.getKey() + ".sql"), "-- sources: sales\n" + model.getValue() + "\n");
        }
        return models;
    }

    private Outcome runModels(Path models) {
        return new GoldModelRuns(directory).runModels(models);
    }

    private Outcome runModels(Model... models) throws IOException {
        return new GoldModelRuns(directory).runModels(models);
    }

    private Path modelFile(String name) {
        return new GoldModelRuns(directory).modelFile(name);
    }

    private Path models(String... names) throws IOException {
        return new GoldModelRuns(directory).models(names);
    }

    private static void copyShipped(String model, Path directory) throws IOException {
        try (InputStream in = LocalLakehouseCliTest.class.getClassLoader().getResourceAsStream("gold/" + model + ".sql")) {
            Files.write(directory.resolve(model + ".sql"), in.readAllBytes());
        }
    }

    /** Every file under a directory with its size and modification time. */
    private static Map<String, String> files(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                files.put(root.relativize(path).toString(), attributes.size() + " bytes, " + attributes.lastModifiedTime());
            }
        }
        return files;
    }

    private static Map<String, List<Map<String, Object>>> goldRows(Path lake) throws SQLException {
        Map<String, List<Map<String, Object>>> tables = new TreeMap<>();
        for (String model : SHIPPED) {
            tables.put(model, new ArrayList<>(GoldFiles.rows(lake.resolve("gold").resolve(model), "ALL")));
        }
        return tables;
    }
}
