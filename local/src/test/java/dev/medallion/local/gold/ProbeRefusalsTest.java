package dev.medallion.local.gold;

import dev.medallion.gold.model.GoldModel;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.local.DeclaredContracts;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The date checks of one model prepare each distinct probe once: a chain of date operations asks each step with the step before it
 * in {@code CAST(... AS DATE)}, down to the date, for every operation above it, so re-asking DuckDB would grow with the cube of the
 * operations where the distinct probes grow with their square.
 */
class ProbeRefusalsTest {
    @Test
    void aChainOfEightDateOperationsPreparesEachDistinctProbeOnce() throws Exception {
        Path sampleData = sampleData();
        DeclaredContracts contracts = DeclaredContracts.read("--contracts", sampleData, SilverCatalog.namesCheckedAsGlue());
        try (GoldBuilder builder = GoldBuilder.overContracts(sampleData, contracts.contracts().stream().map(DeclaredContracts.Declared::contract).toList())) {
            builder.check(new GoldModel("eight_date_operations", "a WITH chain of eight date operations", List.of(), List.of("customers"), chain(8)));
            // The operations' own probes and their retypings, each with another operation in CAST(... AS DATE): 36 distinct SQL texts,
            // where asking DuckDB anew at every step of every chain prepared 141.
            assertEquals(36, builder.probesPrepared());
        }
    }

    /** {@code WITH l1 AS (SELECT customer_id, signup_date + INTERVAL '1' DAY AS d ...), l2 AS (SELECT customer_id, date_trunc('month', d) AS d FROM l1) ...}. */
    private static String chain(int operations) {
        List<String> levels = new ArrayList<>();
        for (int i = 1; i <= operations; i++) {
            String from = i == 1 ? GoldModel.SILVER_DATABASE + ".customers" : "l" + (i - 1);
            String date = i == 1 ? "signup_date" : "d";
            String operation = i % 2 == 1 ? date + " + INTERVAL '1' DAY" : "date_trunc('month', " + date + ")";
            levels.add("l" + i + " AS (SELECT customer_id, " + operation + " AS d FROM " + from + ")");
        }
        return "WITH " + String.join(",\n     ", levels) + "\nSELECT customer_id, CAST(d AS DATE) AS d\nFROM l" + operations + "\n";
    }

    private static Path sampleData() {
        for (Path candidate : List.of(Path.of("..", "sample-data"), Path.of("sample-data"))) {
            if (Files.isDirectory(candidate.resolve("sales"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("sample-data not found from " + Path.of("").toAbsolutePath());
    }
}
