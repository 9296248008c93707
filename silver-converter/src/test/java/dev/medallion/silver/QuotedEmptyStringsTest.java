package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.schema.ColumnType;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PostgreSQL export ({@code COPY ... TO ... (FORMAT csv)}) writes NULL as an unquoted empty field and an empty string as
 * {@code ""}: under {@code CSV_QUOTED_EMPTY_STRINGS} a string column keeps the one as null and the other as an empty string,
 * read back by parquet-avro, in one stream, in byte ranges, and in the quarantine; a typed column writes both null.
 */
class QuotedEmptyStringsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    /** As psql's {@code \copy customers TO 'customers.csv' WITH (FORMAT csv, HEADER)} writes it. */
    private static final String POSTGRES_EXPORT = """
            id,name,nickname,credit
            1,Ada,"",12
            2,"",,""
            3,,"Bo, Jr.",
            4,Cy,\"\"\"\",7
            """;
    private static final CsvOverrides KEEPS = new CsvOverrides(Map.of(), Map.of(), Map.of(), Map.of(), Set.of("customers"));

    @TempDir
    Path directory;

    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();

    @Test
    void aPostgresExportKeepsEmptyStringsApartFromNullsInStringColumns() throws IOException {
        LocalObjectStore silver = new LocalObjectStore(directory);
        ConversionResult result = convert(silver, KEEPS, POSTGRES_EXPORT, "customers/2026/customers.csv", 1);

        assertEquals(List.of(ColumnType.BIGINT, ColumnType.STRING, ColumnType.STRING, ColumnType.BIGINT),
                result.manifest().columns().stream().map(column -> column.type()).toList(), "\"\" passes over at inference, as an empty field does");
        assertEquals(0, result.manifest().rowsQuarantined(), "a \"\" in a typed column is null, not a refused value: " + log());
        assertEquals(Boolean.TRUE, result.manifest().quotedEmptyStrings(), "the manifest records what the file was read under");
        assertEquals(List.of(
                        "id=1 name='Ada' nickname='' credit=12",
                        "id=2 name='' nickname=null credit=null",
                        "id=3 name=null nickname='Bo, Jr.' credit=null",
                        "id=4 name='Cy' nickname='\"' credit=7"),
                describe(ParquetTestFiles.readAll(directory, result.manifest())));
    }

    @Test
    void withoutTheSettingEveryEmptyFieldIsNullAsBefore() throws IOException {
        LocalObjectStore silver = new LocalObjectStore(directory);
        ConversionResult result = convert(silver, CsvOverrides.none(), POSTGRES_EXPORT, "customers/2026/customers.csv", 1);

        assertNull(result.manifest().quotedEmptyStrings(), "left out of the manifest, as before the setting");
        assertEquals(List.of(
                        "id=1 name='Ada' nickname=null credit=12",
                        "id=2 name=null nickname=null credit=null",
                        "id=3 name=null nickname='Bo, Jr.' credit=null",
                        "id=4 name='Cy' nickname='\"' credit=7"),
                describe(ParquetTestFiles.readAll(directory, result.manifest())));
    }

    @Test
    void aFileConvertedBeforeItsDatasetKeptQuotedEmptyStringsIsConvertedAgainWhenDeliveredAgain() throws IOException {
        LocalObjectStore silver = new LocalObjectStore(directory);
        convert(silver, CsvOverrides.none(), POSTGRES_EXPORT, "customers/2026/customers.csv", 1);

        ConversionResult again = convert(silver, KEEPS, POSTGRES_EXPORT, "customers/2026/customers.csv", 1);

        assertFalse(again.unchanged(), "delivered again once declared, the file is read keeping \"\": " + log());
        assertEquals("id=1 name='Ada' nickname='' credit=12", describe(ParquetTestFiles.readAll(directory, again.manifest())).get(0));
        assertTrue(convert(silver, KEEPS, POSTGRES_EXPORT, "customers/2026/customers.csv", 1).unchanged(), "read under the setting now: a redelivery");
        assertTrue(convert(silver, CsvOverrides.none(), POSTGRES_EXPORT, "customers/2026/customers.csv", 1).unchanged(),
                "a declaration taken away says nothing about the file, as for null markers");
    }

    @Test
    void aQuarantinedRowKeepsItsQuotedEmptyFieldsQuotedAndItsEmptyFieldsEmpty() throws IOException {
        LocalObjectStore silver = new LocalObjectStore(directory);
        convert(silver, KEEPS, POSTGRES_EXPORT, "customers/2026/customers.csv", 1);

        ConversionResult later = convert(silver, KEEPS, "id,name,nickname,credit\n5,\"\",,lots\n6,,\"\",9\n", "customers/2026/later.csv", 1);

        assertEquals(1, later.manifest().rowsQuarantined(), log());
        List<String> quarantine = Files.readAllLines(directory.resolve(later.manifest().quarantine().key()), StandardCharsets.UTF_8);
        assertEquals("\"5\",\"\",,\"lots\"", quarantine.get(1).substring(quarantine.get(1).indexOf(",\"5\"") + 1),
                "every value quoted but the field read empty and unquoted: " + quarantine);
        CSVRecord row = quarantinedRows(directory, later.manifest()).get(0);
        assertEquals("", row.get("name"), "read back as the source had it: an empty string");
        assertNull(row.get("nickname"), "and a missing value");
        assertEquals("id=6 name=null nickname='' credit=9", describe(ParquetTestFiles.readAll(directory, later.manifest())).get(0));
    }

    @Test
    void byteRangesKeepQuotedEmptyStringsAndQuarantineAsOneStreamDoes() throws IOException {
        String file = customers(30_000);
        ConversionResult whole = convert(new LocalObjectStore(directory.resolve("whole")), KEEPS, file, "customers/2026/big.csv", 1);
        ConversionResult ranges = convert(new LocalObjectStore(directory.resolve("ranges")), KEEPS, file, "customers/2026/big.csv", 3);

        assertEquals(3, ranges.manifest().parts().size(), "read as three ranges");
        assertEquals(Boolean.TRUE, ranges.manifest().quotedEmptyStrings());
        List<String> expected = describe(ParquetTestFiles.readAll(directory.resolve("whole"), whole.manifest()));
        assertEquals(expected, describe(ParquetTestFiles.readAll(directory.resolve("ranges"), ranges.manifest())));
        assertEquals(30_000 - countOf(30_000, QuotedEmptyStringsTest::refused), expected.size());
        long emptyStrings = expected.stream().filter(row -> row.contains("nickname=''")).count();
        long nulls = expected.stream().filter(row -> row.contains("nickname=null")).count();
        assertEquals(countOf(30_000, i -> i % 7 == 0 && !refused(i)), emptyStrings);
        assertEquals(countOf(30_000, i -> i % 7 != 0 && i % 11 == 0 && !refused(i)), nulls);
        assertEquals(Files.readAllLines(directory.resolve("whole").resolve(whole.manifest().quarantine().key())),
                Files.readAllLines(directory.resolve("ranges").resolve(ranges.manifest().quarantine().key())));
        for (CSVRecord row : quarantinedRows(directory.resolve("ranges"), ranges.manifest())) {
            int id = Integer.parseInt(row.get("id"));
            assertEquals(id % 7 == 0 ? "" : id % 11 == 0 ? null : "nick " + id, row.get("nickname"), "quarantined row " + id);
        }
    }

    /** Customers whose nickname is "" every 7th row and NULL every 11th (not both), and whose credit is {@link #refused} every 1000th after the rows inference samples. */
    private static String customers(int rows) {
        StringBuilder csv = new StringBuilder("id,name,nickname,credit\n");
        for (int i = 0; i < rows; i++) {
            String nickname = i % 7 == 0 ? "\"\"" : i % 11 == 0 ? "" : "nick " + i;
            String credit = refused(i) ? "lots" : String.valueOf(i % 50);
            csv.append(i).append(",name ").append(i).append(',').append(nickname).append(',').append(credit).append('\n');
        }
        return csv.toString();
    }

    private static boolean refused(int row) {
        return row > 1000 && row % 1000 == 999;
    }

    private static long countOf(int rows, java.util.function.IntPredicate predicate) {
        return java.util.stream.IntStream.range(0, rows).filter(predicate).count();
    }

    private static List<String> describe(List<GenericRecord> rows) {
        return rows.stream().map(row -> "id=" + row.get("id") + " name=" + quoted(row.get("name")) + " nickname=" + quoted(row.get("nickname"))
                + " credit=" + row.get("credit")).toList();
    }

    private static String quoted(Object value) {
        return value == null ? "null" : "'" + value + "'";
    }

    /** The quarantine read back by Commons CSV telling "" from an empty field, as a PostgreSQL export is read. */
    private static List<CSVRecord> quarantinedRows(Path root, Manifest manifest) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setQuoteMode(QuoteMode.ALL_NON_NULL).setHeader().setSkipHeaderRecord(true).get();
        try (CSVParser parser = CSVParser.parse(root.resolve(manifest.quarantine().key()), StandardCharsets.UTF_8, format)) {
            return parser.getRecords();
        }
    }

    private ConversionResult convert(LocalObjectStore silver, CsvOverrides overrides, String text, String key, int readers) throws IOException {
        byte[] file = text.getBytes(StandardCharsets.UTF_8);
        SilverConverter.Content content = SilverConverter.Content.of(() -> new ByteArrayInputStream(file),
                (from, to) -> new ByteArrayInputStream(file, (int) from, (int) (to - from)));
        // Ranges of at least 64 KiB: the large file here is about 900 KiB.
        SilverConverter converter = new SilverConverter(silver, new SilverLayout(""), new ConversionLimits(1_000, 8L << 20, 128L << 20, 32L << 20),
                new RangeReading(readers, 64 * 1024), overrides, SilverCatalog.none(),
                new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);
        return converter.convert(NullMarkersTest.source(file, key), "customers", content);
    }

    private String log() {
        return logLines.toString(StandardCharsets.UTF_8);
    }
}
