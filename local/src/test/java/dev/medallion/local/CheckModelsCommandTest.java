package dev.medallion.local;

import dev.medallion.common.testing.WithoutCapabilities;
import dev.medallion.local.GoldModelRuns.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code check-models}: the static checks of {@code local}, run without data or DuckDB, over a copy of the
 * shipped models with one model broken the ways a deploy would meet only in Athena. The build runs this
 * command at prepare-package (local/pom.xml), so what it refuses here stops {@code mvn package -DskipTests}.
 */
class CheckModelsCommandTest {
    private static final String MODEL = "daily_revenue_by_category_region";

    @TempDir
    Path directory;

    /** check-models reads no environment variable: it is run with none. */
    private static Outcome run(String... args) {
        return GoldModelRuns.run(Map.of(), args);
    }

    /**
     * A --models directory this user cannot list ended the command with an UncheckedIOException's stack trace, exit code 1;
     * a models.list it cannot read was "missing from the class path", and a model's .sql file "is missing": wrong arguments
     * named with why, exit code 2, as local answers them.
     */
    @Test
    void modelsThatCannotBeReadAreAWrongArgumentNamedWithWhy() throws Exception {
        Path models = copyOfShippedModels();
        Path list = models.resolve("models.list");
        Path model = models.resolve(MODEL + ".sql");
        try {
            Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("---------"));
            WithoutCapabilities.Outcome unlisted = WithoutCapabilities.run(List.of(), LocalLakehouseCli.class, List.of("check-models", "--models", models.toString()));
            assertEquals(2, unlisted.exit(), unlisted.err());
            assertEquals("error: cannot read --models " + models + " (permission denied): make it readable, or give the directory that holds models.list"
                    + " and its <name>.sql files\n", unlisted.err());
            Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("rwx------"));

            Files.setPosixFilePermissions(list, PosixFilePermissions.fromString("---------"));
            WithoutCapabilities.Outcome unreadableList = WithoutCapabilities.run(List.of(), LocalLakehouseCli.class, List.of("check-models", "--models", models.toString()));
            assertEquals(2, unreadableList.exit(), unreadableList.err());
            assertEquals("error: cannot read " + list + " (permission denied), in --models " + models + ": make it readable\n", unreadableList.err());
            Files.setPosixFilePermissions(list, PosixFilePermissions.fromString("rw-------"));

            Files.setPosixFilePermissions(model, PosixFilePermissions.fromString("---------"));
            WithoutCapabilities.Outcome unreadableModel = WithoutCapabilities.run(List.of(), LocalLakehouseCli.class, List.of("check-models", "--models", models.toString()));
            assertEquals(2, unreadableModel.exit(), unreadableModel.err());
            assertEquals("error: cannot read " + model + " (permission denied), in --models " + models + ": make it readable\n", unreadableModel.err());
        }
        finally {
            Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(list, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(model, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** The models the gold-ctas jar ships, as sources, copied to be broken. */
    private Path copyOfShippedModels() throws IOException {
        Path source = Stream.of(Path.of("..", "gold-ctas", "src", "main", "resources", "gold"), Path.of("gold-ctas", "src", "main", "resources", "gold"))
                .filter(Files::isDirectory).findFirst().orElseThrow(() -> new IllegalStateException("gold-ctas/src/main/resources/gold not found from " + Path.of("").toAbsolutePath()));
        Path models = directory.resolve("models");
        Files.createDirectories(models);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, models.resolve(file.getFileName()));
            }
        }
        return models;
    }

    /** Replaces text that must be in the model, so a test never passes on a model it did not break. */
    private static void edit(Path models, String model, String from, String to) throws IOException {
        Path file = models.resolve(model + ".sql");
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " no longer holds " + from);
        Files.writeString(file, text.replace(from, to));
    }

    @Test
    void theShippedModelsPass() {
        Outcome shipped = run("check-models");
        assertEquals(0, shipped.exit(), shipped.err());
        assertEquals("", shipped.err());
        assertTrue(shipped.out().contains(MODEL + ": ok"), shipped.out());
        assertTrue(shipped.out().endsWith("4 of 4 gold model(s) pass the checks local makes before DuckDB runs them\n"), shipped.out());
    }

    @Test
    void aCopyOfTheShippedModelsPasses() throws IOException {
        Outcome copied = run("check-models", "--models", copyOfShippedModels().toString());
        assertEquals(new Outcome(0, copied.out(), ""), copied);
    }

    @Test
    void aFunctionAthenaLacksIsRefusedAtItsPlaceInTheFile() throws IOException {
        Path models = copyOfShippedModels();
        // Line 28 of the file, column 10: DuckDB's strftime in place of the month Athena and DuckDB both compute.
        edit(models, MODEL, "CAST(date_trunc('month', sale_date) AS DATE) AS sale_month", "CAST(strftime(sale_date, '%Y-%m-01') AS DATE) AS sale_month");
        Outcome broken = run("check-models", "--models", models.toString());
        assertEquals(1, broken.exit(), broken.err());
        assertTrue(broken.err().startsWith("error: gold model " + MODEL + " calls strftime at " + models.resolve(MODEL + ".sql") + ":28:10, a function of DuckDB's"
                + " that Athena (Trino) lacks: write `CAST(date_trunc('month', ts) AS DATE)` for a month"), broken.err());
        assertTrue(broken.out().contains(MODEL + ": FAILED (the error is on standard error)"), broken.out());
        // The other models are still checked, and pass.
        assertTrue(broken.out().contains("top_products: ok"), broken.out());
        assertTrue(broken.err().endsWith("1 of 4 gold model(s) fail the checks (see above): Athena would fail them; mend them and build again\n"), broken.err());
    }

    @Test
    void theLocalSchemaInPlaceOfTheSilverDatabaseIsRefused() throws IOException {
        Path models = copyOfShippedModels();
        edit(models, MODEL, "JOIN ${silver_database}.products AS p", "JOIN silver.products AS p");
        // The header lists what the SELECT reads as ${silver_database}.<dataset>: products is now read otherwise.
        edit(models, MODEL, "-- sources: sales, products", "-- sources: sales");
        Outcome broken = run("check-models", "--models", models.toString());
        assertEquals(1, broken.exit(), broken.err());
        assertTrue(broken.err().startsWith("error: gold model " + MODEL + " reads silver.products at " + models.resolve(MODEL + ".sql") + ":16:10, a table of"
                + " the database silver, where a gold model reads silver only: the silver database's name depends on the deployment (silver here, another in"
                + " Athena), so write ${silver_database}.products, listed in '-- sources:'\n"), broken.err());
    }

    @Test
    void aPartitionColumnThatIsNotLastIsRefused() throws IOException {
        Path models = copyOfShippedModels();
        edit(models, MODEL, """
                    CAST(date_trunc('month', sale_date) AS DATE) AS sale_month
                FROM sold""", """
                    CAST(date_trunc('month', sale_date) AS DATE) AS sale_month,
                    COUNT(DISTINCT region) AS regions
                FROM sold""");
        Outcome broken = run("check-models", "--models", models.toString());
        assertEquals(1, broken.exit(), broken.err());
        assertTrue(broken.err().startsWith("error: gold model " + MODEL + " (" + models.resolve(MODEL + ".sql") + ") is partitioned by [sale_month], which must be"
                + " the SELECT's last columns in that order (Athena's CTAS requires it); the SELECT ends with [regions]\n"), broken.err());
    }

    @Test
    void aColumnNamedOtherwiseThanInLowercaseIsRefusedAsLocalRefusesIt() throws IOException {
        Path models = copyOfShippedModels();
        edit(models, MODEL, "SUM(amount) AS revenue,", "SUM(amount) AS Revenue,");
        Outcome broken = run("check-models", "--models", models.toString());
        assertEquals(1, broken.exit(), broken.err());
        assertTrue(broken.err().startsWith("error: gold model " + MODEL + " (" + models.resolve(MODEL + ".sql") + ") has a column named 'Revenue': give every"
                + " column a lowercase alias of [a-z0-9_] (AS name), the same in DuckDB, Athena and Glue\n"), broken.err());
    }

    /** A SELECT * hides which columns come last: not refused without DuckDB, which names them (local checks it). */
    @Test
    void partitionColumnsBehindAStarAreLeftToLocal() throws IOException {
        Path models = copyOfShippedModels();
        edit(models, MODEL, "\n)\nSELECT\n    sale_date,", "\n), totals AS (\nSELECT\n    sale_date,");
        edit(models, MODEL, "FROM sold\nGROUP BY sale_date, category, region", "FROM sold\nGROUP BY sale_date, category, region\n)\nSELECT t.* FROM totals AS t");
        Outcome star = run("check-models", "--models", models.toString());
        assertEquals(0, star.exit(), star.err());
    }

    @Test
    void aHeaderThatDoesNotListWhatTheSelectReadsIsAWrongModelsDirectory() throws IOException {
        Path models = copyOfShippedModels();
        edit(models, MODEL, "-- sources: sales, products", "-- sources: sales");
        Outcome broken = run("check-models", "--models", models.toString());
        assertEquals(2, broken.exit(), broken.err());
        assertEquals("error: " + models.resolve(MODEL + ".sql") + ": Gold model " + MODEL + " reads [products] without listing them in '-- sources:':"
                + " it would not be rebuilt when they change; add them to its '-- sources:' line\n", broken.err());
    }

    @Test
    void wrongUsageIsExitCodeTwo() {
        Outcome unknown = run("check-models", "--input", "sample-data");
        assertEquals(new Outcome(2, "", "error: unknown option --input\nRun with --help for the options.\n"), unknown);
        Outcome absent = run("check-models", "--models", directory.resolve("absent").toString());
        assertEquals(2, absent.exit());
        assertTrue(absent.err().startsWith("error: --models " + directory.resolve("absent") + " does not exist"), absent.err());
        Outcome help = run("check-models", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("Usage: java -jar lakehouse-local.jar check-models [--models DIR] [--contracts DIR]\n"), help.out());
        assertFalse(help.out().contains("--input"), help.out());
    }
}
