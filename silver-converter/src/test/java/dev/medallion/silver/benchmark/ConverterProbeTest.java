package dev.medallion.silver.benchmark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's probe takes the options of the {@code convert} command after its own arguments, so that a file is measured
 * in the settings it is deployed with (a declared contract, null markers), read by that command's own parsing; each Parquet
 * file is read back with DuckDB, not the converter's reader.
 */
class ConverterProbeTest {
    private static final String CONTRACT = """
            {
              "dataset" : "sales",
              "columns" : [ {
                "name" : "id",
                "type" : "bigint",
                "sourceName" : "id"
              }, {
                "name" : "amount",
                "type" : "decimal(12,2)",
                "sourceName" : "amount"
              }, {
                "name" : "note",
                "type" : "string",
                "sourceName" : "note"
              } ],
              "createdFrom" : "declared",
              "createdAt" : "2026-12-06T00:00:00Z"
            }
            """;

    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void everyConversionTakesTheConvertCommandsContractsAndNullValues() throws Exception {
        Path input = Files.writeString(directory.resolve("retail.csv"), "id,amount,note\n1,12.50,N/A\n2,N/A,kept\n3,0.10,-\n");
        Path contracts = Files.createDirectories(directory.resolve("contracts"));
        Files.writeString(contracts.resolve("sales.json"), CONTRACT);
        Path output = directory.resolve("out");

        int exit = run(input.toString(), output.toString(), "2", "--contracts", contracts.toString(), "--null-values", "N/A,-");

        assertEquals(0, exit, err());
        List<String> probes = out().lines().filter(line -> line.startsWith(ConverterProbe.MARKER)).toList();
        assertEquals(2, probes.size(), out());
        assertTrue(probes.stream().allMatch(line -> line.endsWith(" exitCode=0")), out());
        for (String run : List.of("run-1", "run-2")) {
            // Typed as the declared contract types it (a bigint and a string were inferred without it), the markers null in every column.
            assertEquals(List.of("1 12.50 null", "2 null kept", "3 0.10 null"), readBack(output.resolve(run)));
        }
    }

    @Test
    void theDatasetIsSalesUnlessTheOptionNamesAnother() throws Exception {
        Path input = Files.writeString(directory.resolve("retail.csv"), "id,amount\n1,2.5\n");
        Path output = directory.resolve("out");

        assertEquals(0, run(input.toString(), output.toString(), "--dataset", "orders"), err());

        assertTrue(Files.isRegularFile(output.resolve("_schemas/orders.json")), out());
        assertFalse(Files.exists(output.resolve("_schemas/sales.json")), out());
    }

    @Test
    void anOptionValueTheCommandRefusesStopsTheProbeBeforeAnythingIsWritten() throws Exception {
        Path input = Files.writeString(directory.resolve("retail.csv"), "id,amount\n1,2.5\n");
        Path output = directory.resolve("out");

        int exit = run(input.toString(), output.toString(), "--delimiter", "colon");

        assertEquals(2, exit, out());
        assertTrue(err().contains("--delimiter must be one of [comma, pipe, semicolon, tab], got 'colon'"), err());
        assertFalse(Files.exists(output), "nothing written");
    }

    @Test
    void theInputAndOutputAreTheProbesOwnArguments() throws Exception {
        Path input = Files.writeString(directory.resolve("retail.csv"), "id\n1\n");

        int exit = run(input.toString(), directory.resolve("out").toString(), "--output=" + directory.resolve("other"));

        assertEquals(2, exit, out());
        assertTrue(err().contains("--output=" + directory.resolve("other") + " is OUTPUT_DIR, the probe's second argument"), err());
        assertFalse(Files.exists(directory.resolve("out")));
        assertFalse(Files.exists(directory.resolve("other")));
    }

    @Test
    void aRepeatThatIsNoCountOfConversionsIsRefusedNamingIt() throws Exception {
        Path input = Files.writeString(directory.resolve("retail.csv"), "id\n1\n");
        for (String repeat : List.of("0", "three", "-1")) {
            err.reset();

            int exit = run(input.toString(), directory.resolve("out").toString(), repeat);

            assertEquals(2, exit, repeat);
            assertTrue(err().contains("REPEAT '" + repeat + "' must be a whole number of conversions, at least 1"), err());
            assertFalse(Files.exists(directory.resolve("out")));
        }
    }

    @Test
    void helpSaysThatTheOptionsAreConverts() throws Exception {
        assertEquals(0, run("--help"), err());

        assertTrue(out().startsWith("usage: ConverterProbe INPUT_CSV OUTPUT_DIR [REPEAT] [CONVERT OPTION...]\n"), out());
        assertTrue(out().contains("any option of java -jar silver-converter.jar convert but --input and --output"), out());
    }

    private int run(String... args) throws Exception {
        return ConverterProbe.run(Arrays.asList(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Every row of the run's Parquet files, by DuckDB: id, amount as a decimal(12,2) (refused otherwise) and note. */
    private static List<String> readBack(Path output) throws IOException, SQLException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(output.resolve("sales"))) {
            files = walk.filter(path -> path.toString().endsWith(".parquet")).toList();
        }
        assertEquals(1, files.size(), files.toString());
        List<String> rows = new ArrayList<>();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement query = duckdb.prepareStatement("SELECT typeof(id), typeof(amount), typeof(note), id, amount, note FROM read_parquet(?) ORDER BY id")) {
            query.setString(1, files.get(0).toString());
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    assertEquals(List.of("BIGINT", "DECIMAL(12,2)", "VARCHAR"), List.of(result.getString(1), result.getString(2), result.getString(3)));
                    BigDecimal amount = result.getBigDecimal(5);
                    rows.add(result.getLong(4) + " " + (amount == null ? "null" : amount.toPlainString()) + " " + result.getString(6));
                }
            }
        }
        return rows;
    }
}
