package dev.medallion.local;

import dev.medallion.local.GoldModelRuns.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A contract declaring an amount {@code decimal(12,2)}: {@code local} writes silver through silver's writer, DuckDB reads the column as
 * DECIMAL(12,2) and a gold model sums it exactly (as a double, 0.1 + 0.2 is 0.30000000000000004); {@code check-models --contracts}
 * runs the model over the contract's empty table.
 */
class DecimalContractTest {
    private static final String CONTRACT = """
            {"dataset": "orders", "columns": [
              {"name": "order_id", "type": "bigint", "sourceName": "order_id"},
              {"name": "unit_price", "type": "decimal(12,2)", "sourceName": "unit_price"}],
             "createdFrom": "declared", "createdAt": "2026-01-01T00:00:00Z"}
            """;

    @TempDir
    Path directory;

    @Test
    void aDecimalColumnIsReadByDuckDbAsItsDecimalAndSummedExactly() throws Exception {
        Path drop = drop();
        Path models = models();
        Path lake = directory.resolve("lake");

        Outcome outcome = GoldModelRuns.run(Map.of(), "local", "--input", drop.toString(), "--lake", lake.toString(), "--contracts", contracts().toString(),
                "--models", models.toString());

        assertEquals(0, outcome.exit(), outcome.err());
        Path silver = lake.resolve("silver/orders");
        assertTrue(Files.isDirectory(silver), "silver at " + silver + ": " + outcome.out());
        assertEquals(List.of(Map.of("t", "DECIMAL(12,2)", "order_id", 1L, "unit_price", new BigDecimal("0.10")),
                Map.of("t", "DECIMAL(12,2)", "order_id", 2L, "unit_price", new BigDecimal("0.20")),
                Map.of("t", "DECIMAL(12,2)", "order_id", 4L, "unit_price", new BigDecimal("9999999999.99"))),
                GoldFiles.query("SELECT typeof(unit_price) AS t, order_id, unit_price FROM read_parquet('" + silver + "/**/*.parquet') ORDER BY order_id"));
        assertEquals(List.of(Map.of("total", new BigDecimal("10000000000.29"), "small", new BigDecimal("0.30"), "exact", true)),
                GoldFiles.rows(lake.resolve("gold/order_totals"), "total"));
    }

    /** decimal(38,2), wider than a long: written as a FIXED_LEN_BYTE_ARRAY DECIMAL, which DuckDB reads as DECIMAL(38,2) (a HUGEINT inside). */
    @Test
    void aDecimalColumnWiderThanALongIsReadByDuckDbAsItsDecimalAndSummedExactly() throws Exception {
        Path drop = Files.createDirectories(directory.resolve("drop").resolve("orders"));
        Files.writeString(drop.resolve("orders.csv"), "order_id,unit_price\n1,0.1\n2,0.2\n3,7.125\n4,-123456789012345678901234567890.12\n");
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        Files.writeString(contracts.resolve("orders.json"), CONTRACT.replace("decimal(12,2)", "decimal(38,2)"));
        Path lake = directory.resolve("lake");

        Outcome outcome = GoldModelRuns.run(Map.of(), "local", "--input", drop.getParent().toString(), "--lake", lake.toString(), "--contracts",
                contracts.toString(), "--models", models().toString());

        assertEquals(0, outcome.exit(), outcome.err());
        Path silver = lake.resolve("silver/orders");
        assertEquals(List.of(Map.of("t", "DECIMAL(38,2)", "order_id", 1L, "unit_price", new BigDecimal("0.10")),
                Map.of("t", "DECIMAL(38,2)", "order_id", 2L, "unit_price", new BigDecimal("0.20")),
                Map.of("t", "DECIMAL(38,2)", "order_id", 4L, "unit_price", new BigDecimal("-123456789012345678901234567890.12"))),
                GoldFiles.query("SELECT typeof(unit_price) AS t, order_id, unit_price FROM read_parquet('" + silver + "/**/*.parquet') ORDER BY order_id"));
        assertEquals(List.of(Map.of("total", new BigDecimal("-123456789012345678901234567889.82"), "small", new BigDecimal("0.30"), "exact", true)),
                GoldFiles.rows(lake.resolve("gold/order_totals"), "total"));
    }

    @Test
    void checkModelsRunsAModelOverADecimalColumnOfADeclaredContract() throws IOException {
        Outcome checked = GoldModelRuns.run(Map.of(), "check-models", "--models", models().toString(), "--contracts", contracts().toString());

        assertEquals(0, checked.exit(), checked.err());
        assertTrue(checked.out().contains("order_totals: ok"), checked.out());
    }

    private Path contracts() throws IOException {
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        Files.writeString(contracts.resolve("orders.json"), CONTRACT);
        return contracts;
    }

    private Path drop() throws IOException {
        Path drop = Files.createDirectories(directory.resolve("drop"));
        Path orders = Files.createDirectories(drop.resolve("orders"));
        // 7.125 has a place more than decimal(12,2) keeps: quarantined, not rounded.
        Files.writeString(orders.resolve("orders.csv"), "order_id,unit_price\n1,0.1\n2,0.2\n3,7.125\n4,9999999999.99\n");
        return drop;
    }

    private Path models() throws IOException {
        Path models = new GoldModelRuns(directory).models("order_totals");
        Files.writeString(models.resolve("order_totals.sql"), "-- sources: orders\n"
                + "SELECT SUM(unit_price) AS total, SUM(CASE WHEN order_id <= 2 THEN unit_price END) AS small,"
                + " SUM(CASE WHEN order_id <= 2 THEN unit_price END) = 0.3 AS exact FROM ${silver_database}.orders\n");
        return models;
    }
}
