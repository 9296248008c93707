package dev.medallion.local;

import dev.medallion.local.GoldModelRuns.Model;
import dev.medallion.local.GoldModelRuns.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.medallion.local.GoldModelRuns.errors;
import static dev.medallion.local.GoldModelRuns.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code check-models --contracts DIR}: each model also runs, as {@code local} runs it before writing its table, on DuckDB over
 * an empty silver table per schema contract. What only {@code local} over a lake caught before (a misspelt table or column,
 * what only the columns' types tell) is refused with {@code local}'s own message, no data needed; without {@code --contracts}
 * such a model passes, exit code 0, as before.
 */
class CheckModelsWithContractsTest {
    @TempDir
    Path directory;

    private Outcome checkModels(Path models, String contracts) {
        return GoldModelRuns.run(Map.of(), "check-models", "--models", models.toString(), "--contracts", contracts);
    }

    private Path writeModels(Model... models) throws IOException {
        GoldModelRuns runs = new GoldModelRuns(directory);
        Path folder = runs.models(java.util.Arrays.stream(models).map(Model::name).toArray(String[]::new));
        for (Model model : models) {
            Files.writeString(folder.resolve(model.name() + ".sql"), "-- sources: " + model.source() + "\n" + model.sql() + "\n");
        }
        return folder;
    }

    private static String sampleData() {
        return SampleData.directory().toString();
    }

    @Test
    void aMisspeltColumnIsRefusedNamingItAsLocalRefusesIt() throws IOException {
        Path models = writeModels(model("units_by_region", "sales", "SELECT region, SUM(quantty) AS units FROM ${silver_database}.sales GROUP BY region"),
                model("units_by_region_alike", "sales", "SELECT region, CAST(SUM(quantity) AS BIGINT) AS units FROM ${silver_database}.sales GROUP BY region"));
        Outcome unchecked = GoldModelRuns.run(Map.of(), "check-models", "--models", models.toString());
        assertEquals(0, unchecked.exit(), "without --contracts no silver table is known, as before: " + unchecked.err());

        Outcome checked = checkModels(models, sampleData());
        assertEquals(1, checked.exit(), checked.err());
        assertEquals(1, errors(checked).size(), checked.err());
        assertTrue(errors(checked).get(0).startsWith("error: gold model units_by_region failed on DuckDB at " + models.resolve("units_by_region.sql") + ":2:"), checked.err());
        assertTrue(checked.err().contains("Binder Error: Referenced column \"quantty\" not found"), checked.err());
        assertTrue(checked.out().contains("units_by_region: FAILED (the error is on standard error)"), checked.out());
        assertTrue(checked.out().contains("units_by_region_alike: ok"), checked.out());
        assertTrue(checked.err().endsWith("1 of 2 gold model(s) fail the checks (see above): Athena would fail them; mend them and build again\n"), checked.err());

        // The same message, line for line, as local gives over the lake the sample data makes.
        Outcome local = new GoldModelRuns(directory).runModels(models);
        assertEquals(1, local.exit(), local.err());
        assertEquals(withoutSummary(local.err()), withoutSummary(checked.err()));
    }

    @Test
    void aMisspeltTableIsRefusedNamingTheTablesTheContractsHold() throws IOException {
        Path models = writeModels(model("stores", "stores_uk", "SELECT store_id, region FROM ${silver_database}.stores_uk"),
                model("stores_alike", "stores_eu", "SELECT store_id, region FROM ${silver_database}.stores_eu"));
        assertEquals(0, GoldModelRuns.run(Map.of(), "check-models", "--models", models.toString()).exit(), "without --contracts, as before");

        Outcome checked = checkModels(models, sampleData());
        assertEquals(1, checked.exit(), checked.err());
        assertEquals(List.of("error: gold model stores (" + models.resolve("stores.sql") + ") reads silver table stores_uk, which the contracts in " + sampleData()
                + " do not hold (they hold customers, products, sales, stores_eu)"), errors(checked));
        assertTrue(checked.out().contains("stores_alike: ok"), checked.out());
    }

    /**
     * What only the silver columns' types tell, which local alone refused, over a lake: a date plus hours (Trino adds no hours to a
     * DATE), and a quoted text compared with a timestamp column (Athena fails the query). Refused with local's messages; their
     * look-alikes, a timestamp plus hours and a text column compared with a text, pass.
     */
    @Test
    void whatOnlyTheColumnsTypesTellIsRefusedAsLocalRefusesIt() throws IOException {
        Path models = writeModels(model("later", "customers", "SELECT customer_id, signup_date + INTERVAL '1' HOUR AS later FROM ${silver_database}.customers"),
                model("later_alike", "customers", "SELECT customer_id, CAST(signup_date AS TIMESTAMP) + INTERVAL '1' HOUR AS later FROM ${silver_database}.customers"),
                model("march", "sales", "SELECT transaction_id FROM ${silver_database}.sales WHERE \"timestamp\" >= '2026-03-01'"),
                model("march_alike", "sales", "SELECT transaction_id FROM ${silver_database}.sales WHERE region = 'north'"));
        assertEquals(0, GoldModelRuns.run(Map.of(), "check-models", "--models", models.toString()).exit(), "without --contracts, as before");

        Outcome checked = checkModels(models, sampleData());
        assertEquals(1, checked.exit(), checked.err());
        assertEquals(2, errors(checked).size(), checked.err());
        assertTrue(errors(checked).get(0).startsWith("error: gold model later adds INTERVAL '1' HOUR to a date at " + models.resolve("later.sql") + ":2:"), checked.err());
        assertTrue(errors(checked).get(1).startsWith("error: gold model march compares a timestamp with the text '2026-03-01' at " + models.resolve("march.sql") + ":2:"), checked.err());
        assertTrue(checked.out().contains("later_alike: ok"), checked.out());
        assertTrue(checked.out().contains("march_alike: ok"), checked.out());

        Outcome local = new GoldModelRuns(directory).runModels(models);
        assertEquals(1, local.exit(), local.err());
        assertEquals(withoutSummary(local.err()), withoutSummary(checked.err()));
    }

    @Test
    void theShippedModelsPassOverTheSampleContracts() {
        Outcome shipped = GoldModelRuns.run(Map.of(), "check-models", "--contracts", sampleData());
        assertEquals(0, shipped.exit(), shipped.err());
        assertEquals("", shipped.err());
        assertTrue(shipped.out().contains("over empty silver tables customers, products, sales, stores_eu typed by the contracts in " + sampleData() + " (no data)"), shipped.out());
        assertTrue(shipped.out().endsWith("4 of 4 gold model(s) pass the checks local makes before it writes their tables, over the contracts in " + sampleData() + "\n"),
                shipped.out());
    }

    @Test
    void aContractsFolderThatCannotServeIsAWrongArgumentNamingIt() throws IOException {
        Path missing = directory.resolve("no-such-folder");
        Outcome absent = GoldModelRuns.run(Map.of(), "check-models", "--contracts", missing.toString());
        assertEquals(new Outcome(2, "", "error: --contracts " + missing + " does not exist: give a directory of <dataset>.json schema contracts, as Terraform's"
                + " schema_contracts_dir\n"), absent);

        Path empty = Files.createDirectories(directory.resolve("empty"));
        Outcome none = GoldModelRuns.run(Map.of(), "check-models", "--contracts", empty.toString());
        assertEquals(2, none.exit(), none.err());
        assertTrue(none.err().startsWith("error: --contracts " + empty + " holds no <dataset>.json file"), none.err());

        Path damaged = Files.createDirectories(directory.resolve("damaged"));
        Files.writeString(damaged.resolve("sales.json"), "{\"dataset\": \"sales\", \"columns\": [");
        Outcome broken = GoldModelRuns.run(Map.of(), "check-models", "--contracts", damaged.toString());
        assertEquals(2, broken.exit(), broken.err());
        assertEquals("", broken.out());
        assertTrue(broken.err().startsWith("error: ") && broken.err().contains(damaged.resolve("sales.json").toString()), broken.err());
    }

    /** Standard error without the last line, the count of models that failed, which says "of 2" in both but is worded per command. */
    private static List<String> withoutSummary(String err) {
        List<String> lines = err.lines().toList();
        return lines.subList(0, lines.size() - 1);
    }
}
