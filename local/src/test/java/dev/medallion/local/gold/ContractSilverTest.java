package dev.medallion.local.gold;

import dev.medallion.local.LocalLakehouseCli;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.local.DeclaredContracts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The empty silver tables {@code check-models --contracts} checks the models over have the very columns and types DuckDB
 * gives the views over a lake the converter wrote from the same contracts: the partition column {@code ingest_date} as
 * text, a {@code timestamp} DuckDB's TIMESTAMP, and the rest, compared table by table with {@code local}'s own lake.
 */
class ContractSilverTest {
    @TempDir
    Path directory;

    @Test
    void theContractsTablesAreTypedAsTheLakesViews() throws Exception {
        Path sampleData = sampleData();
        Path lake = directory.resolve("lake");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = LocalLakehouseCli.run(List.of("local", "--input", sampleData.toString(), "--lake", lake.toString(), "--contracts", sampleData.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, out.toString(StandardCharsets.UTF_8));

        DeclaredContracts contracts = DeclaredContracts.read("--contracts", sampleData, SilverCatalog.namesCheckedAsGlue());
        Path scratch;
        try (GoldBuilder overLake = GoldBuilder.open(lake.resolve("silver"), directory.resolve("gold"));
                GoldBuilder overContracts = GoldBuilder.overContracts(sampleData, contracts.contracts().stream().map(DeclaredContracts.Declared::contract).toList())) {
            assertEquals(List.of("customers", "products", "sales", "stores_eu"), List.copyOf(overLake.silverTables()));
            assertEquals(overLake.silverTables(), overContracts.silverTables());
            for (String table : overLake.silverTables()) {
                List<Column> lakes = overLake.silverColumns(table);
                assertEquals(lakes, overContracts.silverColumns(table), table);
                assertEquals(new Column("ingest_date", "VARCHAR"), lakes.get(lakes.size() - 1), table);
            }
            assertEquals(new Column("timestamp", "TIMESTAMP"), overContracts.silverColumns("sales").get(1));
            assertEquals(new Column("signup_date", "DATE"), overContracts.silverColumns("customers").get(5));
            assertEquals(java.util.Optional.empty(), overLake.scratch());
            scratch = overContracts.scratch().orElseThrow();
            assertTrue(Files.isDirectory(scratch), scratch.toString());
        }
        assertFalse(Files.exists(scratch), "the empty tables' folder is deleted on close: " + scratch);
    }

    private static Path sampleData() {
        for (Path candidate : List.of(Path.of("..", "sample-data"), Path.of("sample-data"))) {
            if (Files.isDirectory(candidate.resolve("sales"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("sample-data/ not found from " + Path.of("").toAbsolutePath());
    }
}
