package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The null markers exports write for a missing value ({@code NULL} from SQL Server, {@code \N} from MySQL and
 * PostgreSQL): null in typed columns by default, at inference and when converting, read back by parquet-avro;
 * text in string columns unless the dataset declares them ({@code CSV_NULL_VALUES}).
 */
class NullMarkersTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private static final String SQL_SERVER_EXPORT = """
            order_id,order_date,amount,paid,discount,note
            1,2026-03-01,12.50,true,0.5,first
            2,NULL,NULL,NULL,\\N,NULL
            3,2026-03-03, NULL\t,false,1.25,third
            4,2026-03-04,8,null,\\N,fourth
            """;

    @TempDir
    Path temporary;

    /**
     * The stores' root: a folder of the TempDir, not the TempDir itself, because a store's conditional writes lock a file beside
     * its root ({@code .<name>.medallion-lock} in its parent), which must stay inside the TempDir JUnit deletes.
     */
    private Path directory;

    @BeforeEach
    void giveTheStoresAFolderInTheTempDir() throws IOException {
        directory = Files.createDirectories(temporary.resolve("lake"));
    }

    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();

    @Test
    void aSqlServerExportInfersTypedColumnsAndWritesItsMarkersAsNulls() throws IOException {
        LocalObjectStore silver = new LocalObjectStore(directory);
        ConversionResult result = convert(silver, CsvOverrides.none(), SQL_SERVER_EXPORT.getBytes(StandardCharsets.UTF_8), "orders/2026/orders.csv", 1);

        assertEquals(List.of(
                new Column("order_id", ColumnType.BIGINT, "order_id"),
                new Column("order_date", ColumnType.DATE, "order_date"),
                new Column("amount", ColumnType.DOUBLE, "amount"),
                new Column("paid", ColumnType.BOOLEAN, "paid"),
                new Column("discount", ColumnType.DOUBLE, "discount"),
                new Column("note", ColumnType.STRING, "note")), result.manifest().columns());
        assertEquals(0, result.manifest().rowsQuarantined());
        List<GenericRecord> rows = rows(result.manifest());
        assertEquals(4, rows.size());
        GenericRecord second = rows.get(1);
        assertNull(second.get("order_date"));
        assertNull(second.get("amount"));
        assertNull(second.get("paid"));
        assertNull(second.get("discount"));
        // Text columns can hold the word: kept as read unless the dataset declares it.
        assertEquals("NULL", String.valueOf(second.get("note")));
        assertNull(rows.get(2).get("amount"), "a marker with spaces and tabs around it, as a typed value may have");
        assertNull(rows.get(3).get("paid"));
        assertNull(rows.get(3).get("discount"));
        assertEquals(12.5, rows.get(0).get("amount"));
        assertEquals(8.0, rows.get(3).get("amount"));
    }

    @Test
    void aLaterFilesMarkersInATypedDatasetAreNullsNotQuarantined() throws IOException {
        LocalObjectStore silver = new LocalObjectStore(directory);
        convert(silver, CsvOverrides.none(), "order_id,amount,note\n1,12.50,first\n".getBytes(StandardCharsets.UTF_8), "orders/2026/first.csv", 1);

        ConversionResult later = convert(silver, CsvOverrides.none(),
                "order_id,amount,note\n2,NULL,NULL\n\\N,3.5,x\n4, null ,y\n".getBytes(StandardCharsets.UTF_8), "orders/2026/later.csv", 1);

        assertEquals(0, later.manifest().rowsQuarantined(), log());
        List<GenericRecord> rows = rows(later.manifest());
        assertNull(rows.get(0).get("amount"));
        assertEquals("NULL", String.valueOf(rows.get(0).get("note")));
        assertNull(rows.get(1).get("order_id"));
        assertNull(rows.get(2).get("amount"));
    }

    @Test
    void markersInByteRangesAndInGzipConvertAsInOneStream() throws IOException {
        byte[] file = ordersWithMarkers(30_000);
        ConversionResult whole = convert(new LocalObjectStore(directory.resolve("whole")), CsvOverrides.none(), file, "orders/2026/big.csv", 1);
        ConversionResult ranges = convert(new LocalObjectStore(directory.resolve("ranges")), CsvOverrides.none(), file, "orders/2026/big.csv", 3);
        ConversionResult gzip = convert(new LocalObjectStore(directory.resolve("gzip")), CsvOverrides.none(), gzip(file), "orders/2026/big.csv.gz", 1);

        assertEquals(3, ranges.manifest().parts().size(), "read as three ranges");
        for (ConversionResult result : List.of(whole, ranges, gzip)) {
            assertEquals(ColumnType.DOUBLE, result.manifest().columns().get(1).type());
            assertEquals(30_000, result.manifest().rowsWritten());
            assertEquals(0, result.manifest().rowsQuarantined());
        }
        List<String> expected = describe(ParquetTestFiles.readAll(directory.resolve("whole"), whole.manifest()));
        assertEquals(expected, describe(ParquetTestFiles.readAll(directory.resolve("ranges"), ranges.manifest())));
        assertEquals(expected, describe(ParquetTestFiles.readAll(directory.resolve("gzip"), gzip.manifest())));
        long markers = IntStream.range(0, 30_000).filter(i -> i % 7 == 0 || i % 11 == 0).count();
        assertEquals(markers, expected.stream().filter(row -> row.contains("amount=null")).count());
    }

    @Test
    void declaredMarkersAreNullInEveryColumnStringColumnsIncluded() throws IOException {
        LocalObjectStore silver = new LocalObjectStore(directory);
        CsvOverrides declared = new CsvOverrides(Map.of(), Map.of(), Map.of("orders", List.of("NULL", "N/A", "-999")));
        ConversionResult result = convert(silver, declared,
                "order_id,amount,note\n1,N/A,NULL\n2,-999,N/A\n3,4.5, NULL\n".getBytes(StandardCharsets.UTF_8), "orders/2026/orders.csv", 1);

        assertEquals(ColumnType.DOUBLE, result.manifest().columns().get(1).type(), "N/A and -999 pass over at inference");
        assertEquals(List.of("-999", "N/A", "NULL"), result.manifest().nullValues(), "the manifest records what the file was read under");
        List<GenericRecord> rows = rows(result.manifest());
        assertNull(rows.get(0).get("amount"));
        assertNull(rows.get(0).get("note"), "declared, NULL is null in a string column too");
        assertNull(rows.get(1).get("amount"), "a declared marker that is also a number is null");
        assertNull(rows.get(1).get("note"));
        assertEquals(" NULL", String.valueOf(rows.get(2).get("note")), "a string column keeps its text as read: the marker is the whole field");
        assertEquals(0, result.manifest().rowsQuarantined());

        // NaN is no default marker: a double column refuses it, as before (docs/silver-converter.md, Types).
        ConversionResult notANumber = convert(silver, declared, "order_id,amount,note\n4,NaN,x\n".getBytes(StandardCharsets.UTF_8), "orders/2026/nan.csv", 1);
        assertEquals(1, notANumber.manifest().rowsQuarantined());
    }

    @Test
    void aFileConvertedBeforeItsDatasetDeclaredMarkersIsConvertedAgainWhenDeliveredAgain() throws IOException {
        LocalObjectStore silver = new LocalObjectStore(directory);
        convert(silver, CsvOverrides.none(), "order_id,amount\n1,12.5\n".getBytes(StandardCharsets.UTF_8), "orders/2026/first.csv", 1);
        byte[] file = "order_id,amount\n2,N/A\n3,4.5\n".getBytes(StandardCharsets.UTF_8);
        ConversionResult before = convert(silver, CsvOverrides.none(), file, "orders/2026/later.csv", 1);
        assertEquals(1, before.manifest().rowsQuarantined(), "N/A is no default marker");

        CsvOverrides declared = new CsvOverrides(Map.of(), Map.of(), Map.of("orders", List.of("N/A")));
        ConversionResult again = convert(silver, declared, file, "orders/2026/later.csv", 1);

        assertFalse(again.unchanged(), "delivered again once declared, the file is read with the marker: " + log());
        assertEquals(0, again.manifest().rowsQuarantined());
        assertEquals(2, again.manifest().rowsWritten());
        assertNull(rows(again.manifest()).get(0).get("amount"));
        assertTrue(convert(silver, declared, file, "orders/2026/later.csv", 1).unchanged(), "read under the markers declared now: a redelivery");
        assertTrue(convert(silver, CsvOverrides.none(), file, "orders/2026/later.csv", 1).unchanged(),
                "a declaration taken away says nothing about the file, as for delimiters and encodings");
    }

    /** Orders whose amount is NULL every 7th row and \N every 11th (not both), spread over every range. */
    private static byte[] ordersWithMarkers(int rows) {
        StringBuilder csv = new StringBuilder("order_id,amount,note\n");
        for (int i = 0; i < rows; i++) {
            String amount = i % 7 == 0 ? "NULL" : i % 11 == 0 ? "\\N" : (i % 100) + ".25";
            csv.append(i).append(',').append(amount).append(",note number ").append(i).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> describe(List<GenericRecord> rows) {
        return rows.stream().map(row -> "order_id=" + row.get("order_id") + " amount=" + row.get("amount") + " note=" + row.get("note")).toList();
    }

    private ConversionResult convert(LocalObjectStore silver, CsvOverrides overrides, byte[] file, String key, int readers) throws IOException {
        SilverConverter.Content content = SilverConverter.Content.of(() -> new ByteArrayInputStream(file),
                (from, to) -> new ByteArrayInputStream(file, (int) from, (int) (to - from)));
        return converter(silver, overrides, readers).convert(source(file, key), "orders", content);
    }

    private SilverConverter converter(LocalObjectStore silver, CsvOverrides overrides, int readers) {
        // Ranges of at least 64 KiB: the large file here is about 700 KiB.
        return new SilverConverter(silver, new SilverLayout(""), new ConversionLimits(1_000, 8L << 20, 128L << 20, 32L << 20),
                new RangeReading(readers, 64 * 1024), overrides, SilverCatalog.none(),
                new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);
    }

    private List<GenericRecord> rows(Manifest manifest) throws IOException {
        return ParquetTestFiles.readAll(directory, manifest);
    }

    private String log() {
        return logLines.toString(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    static SourceObject source(byte[] content, String key) {
        try {
            String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
            return new SourceObject("bronze", key, etag, content.length, Instant.parse("2026-11-30T08:00:00Z"));
        }
        catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
