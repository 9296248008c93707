package dev.medallion.silver.lambda;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import dev.medallion.common.config.Environment;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.testing.BronzeAndSilverBuckets;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.silver.Manifest;
import dev.medallion.silver.ManifestStore;
import dev.medallion.silver.ParquetTestFiles;
import dev.medallion.silver.schema.ColumnType;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dataset whose declared contract types an amount {@code decimal(12,2)}, converted by the handler against a real S3 API: the exact
 * amounts in the Parquet as parquet-java and DuckDB read them back, a row with an amount of three decimal places quarantined saying
 * what to change, and the manifest's columns naming the type as the contract does.
 */
class DecimalColumnIT {
    @RegisterExtension
    static final S3Emulator S3 = new S3Emulator();

    @RegisterExtension
    final BronzeAndSilverBuckets buckets = BronzeAndSilverBuckets.on(S3);

    @TempDir
    Path temporary;

    @Test
    void aDeclaredDecimalColumnIsWrittenExactlyAndAValueItWouldRoundIsQuarantined() throws IOException, SQLException {
        String contract = """
                {"dataset": "orders", "columns": [
                  {"name": "order_id", "type": "bigint", "sourceName": "order_id"},
                  {"name": "unit_price", "type": "decimal(12, 2)", "sourceName": "unit_price"}],
                 "createdFrom": "declared", "createdAt": "2026-01-01T00:00:00Z"}
                """;
        buckets.silver().put("_schemas/orders.json", contract.getBytes(StandardCharsets.UTF_8));
        String csv = "order_id,unit_price\n1,0.1\n2,0.2\n3,-0.01\n4,7.125\n5,9999999999.99\n6,7.500\n7,\n";
        buckets.bronze().put("orders/2026/orders.csv", csv.getBytes(StandardCharsets.UTF_8));

        List<String> outcomes = handler().handleRequest(eventFor("orders/2026/orders.csv"), null);

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/orders/2026/orders.csv"), outcomes);
        List<String> parts = buckets.silver().list("orders/").stream().filter(key -> key.endsWith(".parquet")).toList();
        assertEquals(1, parts.size(), parts.toString());
        Path part = download(parts.get(0));

        List<String> read = new ArrayList<>();
        for (GenericRecord row : ParquetTestFiles.readAll(part)) {
            BigDecimal price = (BigDecimal) row.get("unit_price");
            read.add(row.get("order_id") + " " + (price == null ? null : price.toPlainString()));
        }
        List<String> expected = List.of("1 0.10", "2 0.20", "3 -0.01", "5 9999999999.99", "6 7.50", "7 null");
        assertEquals(expected, read, "parquet-java");

        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement query = duckdb.prepareStatement("SELECT order_id, unit_price FROM read_parquet(?) ORDER BY order_id");
                PreparedStatement sum = duckdb.prepareStatement("SELECT typeof(sum(unit_price)), sum(unit_price) FROM read_parquet(?)")) {
            query.setString(1, part.toString());
            List<String> duckdbRead = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    BigDecimal price = rows.getBigDecimal(2);
                    duckdbRead.add(rows.getLong(1) + " " + (price == null ? null : price.toPlainString()));
                }
            }
            assertEquals(expected, duckdbRead, "DuckDB");
            sum.setString(1, part.toString());
            try (ResultSet rows = sum.executeQuery()) {
                assertTrue(rows.next());
                assertTrue(rows.getString(1).startsWith("DECIMAL("), rows.getString(1));
                assertEquals(new BigDecimal("10000000007.78"), rows.getBigDecimal(2), "an exact sum");
            }
        }

        List<String> quarantined = buckets.silver().list("_quarantine/orders/");
        assertEquals(1, quarantined.size(), quarantined.toString());
        String quarantine = new String(buckets.silver().read(quarantined.get(0)).orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(quarantine.contains("4,7.125"), quarantine);
        assertTrue(quarantine.contains("column unit_price: '7.125' is not a decimal(12,2) (more decimal places than the 2 decimal(12,2) keeps,"
                + " and not zeros: rounding would change the amount; widen the scale in the contract, and the precision by as much to keep 10 digits before the point)"), quarantine);

        List<String> manifests = buckets.silver().list("_manifests/orders/");
        assertEquals(1, manifests.size(), manifests.toString());
        Manifest manifest = new ManifestStore(buckets.silver()).read(manifests.get(0)).orElseThrow();
        assertEquals(List.of(ColumnType.BIGINT, ColumnType.decimal(12, 2)), manifest.columns().stream().map(column -> column.type()).toList());
        assertEquals(6L, manifest.rowsWritten());
        assertEquals(1L, manifest.rowsQuarantined());
        String stored = new String(buckets.silver().read("_schemas/orders.json").orElseThrow(), StandardCharsets.UTF_8);
        assertEquals(contract, stored, "the declared contract is the converter's to read, never to rewrite");
    }

    /**
     * SQL Server's money, decimal(19,4), and an Oracle or Snowflake numeric(38,10): written as FIXED_LEN_BYTE_ARRAY DECIMAL, read back
     * exactly at their extremes and summed exactly; a value of more digits than decimal(38,10) keeps is quarantined saying to declare
     * the column string, as there is no wider decimal.
     */
    @Test
    void aDeclaredDecimalWiderThanALongIsWrittenExactly() throws IOException, SQLException {
        String contract = """
                {"dataset": "ledger", "columns": [
                  {"name": "entry_id", "type": "bigint", "sourceName": "entry_id"},
                  {"name": "fee", "type": "decimal(19,4)", "sourceName": "fee"},
                  {"name": "balance", "type": "DECIMAL(38, 10)", "sourceName": "balance"}],
                 "createdFrom": "declared", "createdAt": "2026-01-01T00:00:00Z"}
                """;
        buckets.silver().put("_schemas/ledger.json", contract.getBytes(StandardCharsets.UTF_8));
        String max = "9".repeat(28) + "." + "9".repeat(10);
        String csv = "entry_id,fee,balance\n"
                + "1,922337203685477.5807," + max + "\n"
                + "2,-922337203685477.5808,-" + max + "\n"
                + "3,0.0001,0.1\n"
                + "4,-1,0.2\n"
                + "5,12.5,1" + "0".repeat(28) + "\n"
                + "6,,-0.0000000001\n";
        buckets.bronze().put("ledger/2026/ledger.csv", csv.getBytes(StandardCharsets.UTF_8));

        List<String> outcomes = handler().handleRequest(eventFor("ledger/2026/ledger.csv"), null);

        assertEquals(List.of("converted s3://" + buckets.bronzeBucket() + "/ledger/2026/ledger.csv"), outcomes);
        List<String> parts = buckets.silver().list("ledger/").stream().filter(key -> key.endsWith(".parquet")).toList();
        assertEquals(1, parts.size(), parts.toString());
        Path part = download(parts.get(0));
        assertEquals("optional fixed_len_byte_array(16) balance (DECIMAL(38,10))",
                ParquetTestFiles.schema(part).getType("balance").toString());
        assertEquals("optional fixed_len_byte_array(9) fee (DECIMAL(19,4))", ParquetTestFiles.schema(part).getType("fee").toString());

        List<String> expected = List.of("1 922337203685477.5807 " + max, "2 -922337203685477.5808 -" + max, "3 0.0001 0.1000000000",
                "4 -1.0000 0.2000000000", "6 null -0.0000000001");
        List<String> read = new ArrayList<>();
        for (GenericRecord row : ParquetTestFiles.readAll(part)) {
            BigDecimal fee = (BigDecimal) row.get("fee");
            read.add(row.get("entry_id") + " " + (fee == null ? null : fee.toPlainString()) + " " + ((BigDecimal) row.get("balance")).toPlainString());
        }
        assertEquals(expected, read, "parquet-java");

        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement query = duckdb.prepareStatement("SELECT entry_id, CAST(fee AS VARCHAR), CAST(balance AS VARCHAR)"
                        + " FROM read_parquet(?) ORDER BY entry_id");
                PreparedStatement sum = duckdb.prepareStatement("SELECT CAST(sum(fee) AS VARCHAR), CAST(sum(balance) AS VARCHAR)"
                        + " FROM read_parquet(?) WHERE entry_id >= 3")) {
            query.setString(1, part.toString());
            List<String> duckdbRead = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    duckdbRead.add(rows.getLong(1) + " " + rows.getString(2) + " " + rows.getString(3));
                }
            }
            assertEquals(expected, duckdbRead, "DuckDB");
            sum.setString(1, part.toString());
            try (ResultSet rows = sum.executeQuery()) {
                assertTrue(rows.next());
                assertEquals("-0.9999", rows.getString(1), "an exact sum");
                assertEquals("0.2999999999", rows.getString(2), "0.1 + 0.2 - 0.0000000001, exactly");
            }
        }

        List<String> quarantined = buckets.silver().list("_quarantine/ledger/");
        assertEquals(1, quarantined.size(), quarantined.toString());
        String quarantine = new String(buckets.silver().read(quarantined.get(0)).orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(quarantine.contains("column balance: '1" + "0".repeat(28) + "' is not a decimal(38,10) (more digits before the point than the 28"
                + " decimal(38,10) keeps: precision 38 is the widest Athena and Glue hold: declare it string there to keep such values)"), quarantine);

        List<String> manifests = buckets.silver().list("_manifests/ledger/");
        assertEquals(1, manifests.size(), manifests.toString());
        Manifest manifest = new ManifestStore(buckets.silver()).read(manifests.get(0)).orElseThrow();
        assertEquals(List.of(ColumnType.BIGINT, ColumnType.decimal(19, 4), ColumnType.decimal(38, 10)),
                manifest.columns().stream().map(column -> column.type()).toList());
        assertEquals(5L, manifest.rowsWritten());
        assertEquals(1L, manifest.rowsQuarantined());
    }

    private SilverConverterHandler handler() {
        return new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", buckets.silverBucket())), S3.client(),
                new JsonLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    private S3Event eventFor(String key) throws IOException {
        ObjectInfo info = buckets.bronze().stat(key).orElseThrow();
        return S3Events.objectCreated(buckets.bronzeBucket(), info, temporary);
    }

    private Path download(String key) throws IOException {
        Path local = Files.createTempFile(temporary, "part", ".parquet");
        try (var in = buckets.silver().open(key, Optional.empty())) {
            Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
        }
        return local;
    }
}
