package dev.medallion.silver;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.catalog.SilverTableDefinition;
import dev.medallion.silver.parquet.PartInfo;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.InvalidSchemaContractException;
import dev.medallion.silver.schema.SchemaContract;
import dev.medallion.silver.schema.SchemaContractStore;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SilverConverterTest {
    private static final Instant MODIFIED = Instant.parse("2026-03-14T23:30:00Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path temporary;

    /**
     * The stores' root: a folder of the TempDir, not the TempDir itself, because a store's conditional writes lock a file beside
     * its root ({@code .<name>.medallion-lock} in its parent), which must stay inside the TempDir JUnit deletes.
     */
    private Path silverRoot;

    private LocalObjectStore silver;
    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws IOException {
        silverRoot = Files.createDirectories(temporary.resolve("silver"));
        silver = new LocalObjectStore(silverRoot);
    }

    @Test
    void convertsEveryTypeAndReadsBackValueByValue() throws IOException {
        String csv = """
                Order ID,Order Date,Shipped At,Amount,Paid?,Customer,Zip
                1,2026-01-02,2026-01-02 10:15:30.250,10.5,true,"Dupont, Jean",07100
                2,2026-01-03,2026-01-03T08:00:00Z,-3,FALSE,"He said ""hi\"\"",
                3,,2026-01-04 00:00,1e3,,"multi
                line",99999
                """;
        ConversionResult result = convert(converter(ConversionLimits.defaults()), "sales/2026/orders.csv", csv, MODIFIED);

        Manifest manifest = result.manifest();
        assertEquals(Manifest.CONVERTED, manifest.status());
        assertEquals(3, manifest.rowsRead());
        assertEquals(3, manifest.rowsWritten());
        assertEquals(0, manifest.rowsQuarantined());
        assertEquals(List.of("Order ID", "Order Date", "Shipped At", "Amount", "Paid?", "Customer", "Zip"), manifest.header());
        assertEquals(List.of(
                new Column("order_id", ColumnType.BIGINT, "Order ID"),
                new Column("order_date", ColumnType.DATE, "Order Date"),
                new Column("shipped_at", ColumnType.TIMESTAMP, "Shipped At"),
                new Column("amount", ColumnType.DOUBLE, "Amount"),
                new Column("paid", ColumnType.BOOLEAN, "Paid?"),
                new Column("customer", ColumnType.STRING, "Customer"),
                new Column("zip", ColumnType.STRING, "Zip")), manifest.columns());
        assertEquals(1, manifest.parts().size());
        String partKey = manifest.parts().get(0).key();
        assertTrue(partKey.startsWith("sales/ingest_date=2026-03-14/orders-"), partKey);
        assertTrue(partKey.endsWith("-part-00001.parquet"), partKey);
        assertEquals("_manifests/sales/" + partKey.substring(partKey.lastIndexOf('/') + 1, partKey.indexOf("-part-")).replaceFirst("-[0-9a-f]{12}-g1-[0-9a-f]{8}$", "") + ".json",
                result.manifestKey());

        Path part = silver.resolve(partKey);
        assertEquals(Set.of(CompressionCodecName.SNAPPY), ParquetTestFiles.codecs(part));
        List<GenericRecord> rows = ParquetTestFiles.readAll(part);
        assertEquals(3, rows.size());

        GenericRecord first = rows.get(0);
        assertEquals(1L, first.get("order_id"));
        // parquet-avro maps DATE to LocalDate and a timestamp not adjusted to UTC to LocalDateTime.
        assertEquals(LocalDate.of(2026, 1, 2), first.get("order_date"));
        assertEquals(LocalDateTime.of(2026, 1, 2, 10, 15, 30, 250_000_000), first.get("shipped_at"));
        assertEquals(10.5, first.get("amount"));
        assertEquals(true, first.get("paid"));
        assertEquals("Dupont, Jean", first.get("customer").toString());
        assertEquals("07100", first.get("zip").toString());

        GenericRecord second = rows.get(1);
        assertEquals(LocalDateTime.of(2026, 1, 3, 8, 0), second.get("shipped_at"));
        assertEquals(-3.0, second.get("amount"));
        assertEquals(false, second.get("paid"));
        assertEquals("He said \"hi\"", second.get("customer").toString());
        assertNull(second.get("zip"));

        GenericRecord third = rows.get(2);
        assertNull(third.get("order_date"));
        assertEquals(LocalDateTime.of(2026, 1, 4, 0, 0), third.get("shipped_at"));
        assertNull(third.get("paid"));
        assertEquals(1000.0, third.get("amount"));
        assertEquals("multi\nline", third.get("customer").toString());
    }

    @Test
    void writesChunksIntoPartsThatRollAtTheSizeTarget() throws IOException {
        StringBuilder csv = new StringBuilder("id,name\n");
        for (int i = 1; i <= 95; i++) {
            csv.append(i).append(",name ").append(i).append('\n');
        }
        // A one-byte target closes the part after every chunk, so the parts show the chunks.
        ConversionResult result = convert(converter(new ConversionLimits(10, 1 << 30, 1, 1 << 20)), "people/p.csv", csv.toString(), MODIFIED);

        Manifest manifest = result.manifest();
        assertEquals(10, manifest.parts().size());
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < manifest.parts().size(); i++) {
            var part = manifest.parts().get(i);
            assertTrue(part.key().endsWith(String.format("-part-%05d.parquet", i + 1)), part.key());
            assertEquals(i < 9 ? 10 : 5, part.rows());
            assertEquals(Files.size(silver.resolve(part.key())), part.bytes());
            ParquetTestFiles.readAll(silver.resolve(part.key())).forEach(row -> ids.add((Long) row.get("id")));
        }
        assertEquals(95, ids.size());
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(i + 1L, ids.get(i));
        }
    }

    @Test
    void writesAChunkEarlyWhenItsMemoryBudgetIsReached() throws IOException {
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 1; i <= 40; i++) {
            csv.append(i).append(',').append("x".repeat(1000)).append('\n');
        }
        // Each row holds about 2 KB; a 10 KB budget fits a handful of rows, far fewer than the 1,000-row chunk.
        Manifest manifest = convert(converter(new ConversionLimits(1000, 10_000, 1, 1 << 20)), "wide/w.csv", csv.toString(), MODIFIED).manifest();

        assertEquals(40, manifest.rowsWritten());
        assertTrue(manifest.parts().size() >= 8, "parts: " + manifest.parts().size());
        assertTrue(manifest.parts().stream().allMatch(part -> part.rows() < 10), manifest.parts().toString());
    }

    @Test
    void quarantinesAValueThatDoesNotFitItsColumnAfterTheFirstChunk() throws IOException {
        StringBuilder csv = new StringBuilder("id,qty\n");
        for (int i = 1; i <= 250; i++) {
            csv.append(i).append(',').append(i == 150 ? "N/A" : String.valueOf(i * 2)).append('\n');
        }
        csv.append("251,7,extra\n");
        csv.append("252\n");
        Manifest manifest = convert(converter(new ConversionLimits(100, 1 << 30, 1 << 30, 1 << 20)), "stock/s.csv", csv.toString(), MODIFIED).manifest();

        assertEquals(ColumnType.BIGINT, manifest.columns().get(1).type());
        assertEquals(252, manifest.rowsRead());
        assertEquals(249, manifest.rowsWritten());
        assertEquals(3, manifest.rowsQuarantined());
        assertEquals(3, manifest.quarantine().rows());
        String quarantine = Files.readString(silver.resolve(manifest.quarantine().key()));
        assertTrue(manifest.quarantine().key().startsWith("_quarantine/stock/ingest_date=2026-03-14/"), manifest.quarantine().key());
        assertEquals(List.of(
                "source_line,reason,id,qty",
                "151,column qty: 'N/A' is not a bigint (declare it null if it stands for a missing value: CSV_NULL_VALUES=stock:N/A or convert --null-values N/A): the dataset's contract _schemas/stock.json types it bigint,150,N/A",
                "252,\"expected 2 fields, found 3\",251,7,extra",
                "253,\"expected 2 fields, found 1\",252"), quarantine.lines().toList());

        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key()));
        assertEquals(249, rows.size());
        assertFalse(rows.stream().anyMatch(row -> row.get("id").equals(150L)));
    }

    @Test
    void aLeadingZeroAfterTheFirstChunkIsQuarantinedSayingWhyAndWhereTheTypeComesFrom() throws IOException {
        // The first chunk (100 rows) has no zip code with a leading zero: the column is bigint, and the
        // Boston code of row 150 cannot be one. The reason names the contract, under the silver prefix.
        StringBuilder csv = new StringBuilder("id,zip,iccid\n");
        for (int i = 1; i <= 200; i++) {
            csv.append(i).append(',').append(i == 150 ? "02134" : String.valueOf(10_000 + i)).append(',')
                    .append(i == 1 ? "89014103211118510720" : i == 2 ? "89014103211118510721" : String.valueOf(i)).append('\n');
        }
        SilverConverter converter = new SilverConverter(silver, new SilverLayout("lake"), new ConversionLimits(100, 1 << 30, 1 << 30, 1 << 20),
                CsvOverrides.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);
        Manifest manifest = convert(converter, "zips/z.csv", csv.toString(), MODIFIED).manifest();

        assertEquals(List.of(ColumnType.BIGINT, ColumnType.BIGINT, ColumnType.STRING), manifest.columns().stream().map(Column::type).toList(),
                "20-digit ids are text: as doubles both would be 8.901410321111851E19");
        assertEquals(1, manifest.rowsQuarantined());
        assertEquals(List.of(
                "source_line,reason,id,zip,iccid",
                "151,column zip: '02134' is not a bigint (a leading zero): the dataset's contract lake/_schemas/zips.json types it bigint;"
                        + " declare it string there to keep such values,150,02134,150"),
                Files.readString(silver.resolve(manifest.quarantine().key())).lines().toList());
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key()));
        assertEquals(List.of("89014103211118510720", "89014103211118510721"), rows.subList(0, 2).stream().map(row -> row.get("iccid").toString()).toList());
    }

    @Test
    void aBooleanWrittenTOrFAfterTheFirstChunkIsQuarantinedNamingTheFormsTakenAndTheCast() throws IOException {
        // The first chunk (100 rows) has true and false alone: the column is boolean. A later export from PostgreSQL writes t and f, which
        // the column does not take (it takes no more forms than true and false); the reason says so, and what to do.
        StringBuilder csv = new StringBuilder("id,active\n");
        for (int i = 1; i <= 200; i++) {
            csv.append(i).append(',').append(i == 150 ? "t" : i % 2 == 0 ? "true" : "False").append('\n');
        }
        SilverConverter converter = new SilverConverter(silver, new SilverLayout("lake"), new ConversionLimits(100, 1 << 30, 1 << 30, 1 << 20),
                CsvOverrides.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);
        Manifest manifest = convert(converter, "users/u.csv", csv.toString(), MODIFIED).manifest();

        assertEquals(List.of(ColumnType.BIGINT, ColumnType.BOOLEAN), manifest.columns().stream().map(Column::type).toList());
        assertEquals(1, manifest.rowsQuarantined());
        assertEquals(List.of(
                "source_line,reason,id,active",
                "151,column active: 't' is not a boolean (t for true and f for false as PostgreSQL's COPY and Redshift's UNLOAD write a boolean:"
                        + " a boolean column reads true and false alone in any case): the dataset's contract lake/_schemas/users.json types it boolean;"
                        + " declare it string there to keep such values and cast it in a query: CASE upper(trim(active)) WHEN 'T' THEN true WHEN 'F' THEN false END;"
                        + " or have the export write true and false,150,t"),
                Files.readString(silver.resolve(manifest.quarantine().key())).lines().toList());
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key()));
        assertEquals(199, rows.size());
        assertEquals(List.of(false, true), rows.subList(0, 2).stream().map(row -> row.get("active")).toList());
    }

    @Test
    void internationalPhoneNumbersKeepTheirPlusSignAndABigintColumnTakesOneAsTheSignedNumber() throws IOException {
        // A CRM export's phone numbers in E.164 form: as bigints they were written without their '+'
        // (4915112345678), and the next export's national form (0151…) was quarantined as a leading zero.
        SilverConverter converter = converter(ConversionLimits.defaults());
        Manifest manifest = convert(converter, "contacts/a.csv", "id,phone,change\n1,+4915112345678,+7\n2,+12125551234,-3\n", MODIFIED).manifest();

        assertEquals(List.of(ColumnType.BIGINT, ColumnType.STRING, ColumnType.BIGINT), manifest.columns().stream().map(Column::type).toList());
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key()));
        assertEquals(List.of("+4915112345678", "+12125551234"), rows.stream().map(row -> row.get("phone").toString()).toList());
        assertEquals(List.of(7L, -3L), rows.stream().map(row -> row.get("change")).toList());

        // A dataset typed bigint before (from numbers written without '+') keeps its contract, and takes the '+' form as the
        // same number, as it takes any signed number: quarantined, a column of signed whole numbers declared bigint would lose rows.
        convert(converter, "callers/a.csv", "id,caller\n1,4915112345678\n", MODIFIED);
        Manifest later = convert(converter, "callers/b.csv", "id,caller\n2,+4915112345678\n3,4915112345679\n", MODIFIED).manifest();
        assertEquals(0, later.rowsQuarantined());
        assertEquals(List.of(4915112345678L, 4915112345679L),
                ParquetTestFiles.readAll(silver.resolve(later.parts().get(0).key())).stream().map(row -> row.get("caller")).toList());
    }

    @Test
    void aPostgresqlTimestamptzExportIsATimestampColumnAtTheRightInstants() throws IOException {
        // COPY … TO … CSV HEADER of a timestamptz column: the offset's hours alone when it has no minutes. Such a
        // column was string, with no word of why, and a later +01 in a timestamp column was quarantined.
        SilverConverter converter = converter(ConversionLimits.defaults());
        Manifest manifest = convert(converter, "events/a.csv",
                "id,created_at\n1,2018-05-18 03:06:22.446039+00\n2,2018-05-18 05:06:22+02\n3,2018-05-18 00:36:22-02:30\n4,2018-05-18T04:06:22+0100\n", MODIFIED).manifest();

        assertEquals(List.of(ColumnType.BIGINT, ColumnType.TIMESTAMP), manifest.columns().stream().map(Column::type).toList());
        assertEquals(0, manifest.rowsQuarantined());
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key()));
        // Stored in UTC, as every offset is: one instant, written four ways.
        assertEquals(List.of(LocalDateTime.of(2018, 5, 18, 3, 6, 22, 446_000_000), LocalDateTime.of(2018, 5, 18, 3, 6, 22),
                        LocalDateTime.of(2018, 5, 18, 3, 6, 22), LocalDateTime.of(2018, 5, 18, 3, 6, 22)),
                rows.stream().map(row -> row.get("created_at")).toList());
    }

    @Test
    void aPandasExportOfAnIntegerColumnWithAMissingValueFitsABigintContract() throws IOException {
        // pandas writes an int column that holds a NaN as floats (5.0): every row of such a file was quarantined as
        // "not a bigint (a number with a fraction or an exponent)" by the contract the dataset's first file gave.
        SilverConverter converter = converter(ConversionLimits.defaults());
        Manifest first = convert(converter, "stock/a.csv", "sku,qty\n1,5\n2,7\n", MODIFIED).manifest();
        assertEquals(List.of(ColumnType.BIGINT, ColumnType.BIGINT), first.columns().stream().map(Column::type).toList());

        Manifest later = convert(converter, "stock/b.csv", "sku,qty\n3,5.0\n4,\n5,12.0\n6,2.5\n", MODIFIED).manifest();
        assertEquals(1, later.rowsQuarantined(), "2.5 is no whole number, and stays refused");
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(later.parts().get(0).key()));
        assertEquals(Arrays.asList(5L, null, 12L), rows.stream().map(row -> row.get("qty")).toList());

        // Inference is unchanged: a first file of such values makes a double column, as they say.
        Manifest floats = convert(converter, "levels/a.csv", "sku,qty\n1,5.0\n2,7.0\n", MODIFIED).manifest();
        assertEquals(List.of(ColumnType.BIGINT, ColumnType.DOUBLE), floats.columns().stream().map(Column::type).toList());
    }

    @Test
    void aRailsExportsTimestampsAreATimestampColumnAtTheRightInstants() throws IOException {
        // Ruby's Time#to_s and Rails' TimeWithZone#to_s: a space before the offset, " UTC" for a time in UTC. Such a column
        // was string, with no word of why, and such a value in a timestamp column was quarantined as "not a timestamp".
        SilverConverter converter = converter(ConversionLimits.defaults());
        Manifest manifest = convert(converter, "signups/a.csv",
                "id,created_at\n1,2025-03-01 10:00:00 +0200\n2,2025-03-01 08:00:00 UTC\n3,2025-03-01 03:00:00 -0500\n", MODIFIED).manifest();

        assertEquals(List.of(ColumnType.BIGINT, ColumnType.TIMESTAMP), manifest.columns().stream().map(Column::type).toList());
        assertEquals(0, manifest.rowsQuarantined());
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key()));
        // One instant, written three ways, stored in UTC.
        assertEquals(Collections.nCopies(3, LocalDateTime.of(2025, 3, 1, 8, 0)), rows.stream().map(row -> row.get("created_at")).toList());

        // A dataset whose contract types the column timestamp (from values written as ISO 8601) takes the form as well.
        convert(converter, "logins/a.csv", "id,at\n1,2025-03-01T08:00:00Z\n", MODIFIED);
        Manifest later = convert(converter, "logins/b.csv", "id,at\n2,2025-03-01 10:00:00 +0200\n3,2025-03-01 08:00:00 UTC\n", MODIFIED).manifest();
        assertEquals(0, later.rowsQuarantined());
        assertEquals(Collections.nCopies(2, LocalDateTime.of(2025, 3, 1, 8, 0)),
                ParquetTestFiles.readAll(silver.resolve(later.parts().get(0).key())).stream().map(row -> row.get("at")).toList());
    }

    /**
     * Snowflake unloads a timestamp with its default output format, {@code YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM}: an offset after a space
     * ({@code +0100}), or {@code Z} there for a TIMESTAMP_NTZ, whose time has no zone. Every form is a timestamp stored in UTC, the
     * offset applied, none dropped; a time under Z is taken as UTC, as a time without an offset is.
     */
    @Test
    void snowflakesTimestampsAreATimestampColumnAtTheRightInstants() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        Manifest manifest = convert(converter, "unload/a.csv",
                "id,updated_at\n1,2025-03-01 08:00:00.000 Z\n2,2025-03-01 09:00:00.000 +0100\n3,2025-03-01 03:00:00.000 -0500\n", MODIFIED).manifest();

        assertEquals(List.of(ColumnType.BIGINT, ColumnType.TIMESTAMP), manifest.columns().stream().map(Column::type).toList());
        assertEquals(0, manifest.rowsQuarantined());
        assertEquals(Collections.nCopies(3, LocalDateTime.of(2025, 3, 1, 8, 0)),
                ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key())).stream().map(row -> row.get("updated_at")).toList());

        // A dataset whose contract types the column timestamp takes the form as well.
        convert(converter, "events/a.csv", "id,at\n1,2025-03-01T08:00:00Z\n", MODIFIED);
        Manifest later = convert(converter, "events/b.csv", "id,at\n2,2025-03-01 08:00:00.000 Z\n", MODIFIED).manifest();
        assertEquals(0, later.rowsQuarantined());
        assertEquals(List.of(LocalDateTime.of(2025, 3, 1, 8, 0)),
                ParquetTestFiles.readAll(silver.resolve(later.parts().get(0).key())).stream().map(row -> row.get("at")).toList());
    }

    /**
     * Phone numbers and codes with leading zeros, among fractions and whole numbers: no column of them is a number, which would drop
     * the zeros; each is string, its values read back as written.
     */
    @Test
    void codesWithLeadingZerosAmongNumbersStayTextAsWritten() throws IOException {
        Manifest manifest = convert(converter(ConversionLimits.defaults()), "contacts/nl.csv",
                "id,phone,code,price\n1,0612345678,0042,1.50\n2,+31 6 1234,17,0042\n3,612345678,-007,2.25\n4,0031612345678,0.5,00.5\n",
                MODIFIED).manifest();

        assertEquals(List.of(ColumnType.BIGINT, ColumnType.STRING, ColumnType.STRING, ColumnType.STRING),
                manifest.columns().stream().map(Column::type).toList());
        assertEquals(0, manifest.rowsQuarantined());
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key()));
        assertEquals(List.of("0612345678", "+31 6 1234", "612345678", "0031612345678"), rows.stream().map(row -> row.get("phone").toString()).toList());
        assertEquals(List.of("0042", "17", "-007", "0.5"), rows.stream().map(row -> row.get("code").toString()).toList());
        assertEquals(List.of("1.50", "0042", "2.25", "00.5"), rows.stream().map(row -> row.get("price").toString()).toList());
    }

    @Test
    void laterFilesFollowTheDatasetContract() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        convert(converter, "sales/a.csv", "id,amount,region\n1,2.5,north\n", MODIFIED);

        // Reordered, without "region", with a new column, and an amount that is a whole number.
        Manifest manifest = convert(converter, "sales/b.csv", "Amount,Channel,ID\n4,web,2\n", MODIFIED).manifest();

        assertEquals(List.of(new Manifest.DroppedColumn("Channel", 2)), manifest.droppedColumns());
        assertEquals(List.of("region"), manifest.missingColumns());
        assertEquals(List.of("id", "amount", "region"), manifest.columns().stream().map(Column::name).toList());
        GenericRecord row = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key())).get(0);
        assertEquals(2L, row.get("id"));
        assertEquals(4.0, row.get("amount"));
        assertNull(row.get("region"));
        assertEquals(3, row.getSchema().getFields().size());
    }

    /**
     * A dropped column is named as the file has it: its header text and its position. The converter's name for
     * it (amount_2 for a repeated amount, stra_e for Straße) is in no file, table or contract a person can look at.
     */
    @Test
    void droppedColumnsAreNamedByTheirHeaderTextAndPositionInTheFile() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        convert(converter, "ledger/a.csv", "id,amount\n1,2\n", MODIFIED);

        ConversionResult result = convert(converter, "ledger/b.csv", "id,amount,Straße,amount\n2,3,x,4\n", MODIFIED);

        Map<?, ?> stored = new ObjectMapper().readValue(silverRoot.resolve(result.manifestKey()).toFile(), Map.class);
        assertEquals(List.of(Map.of("header", "Straße", "position", 3), Map.of("header", "amount", "position", 4)), stored.get("droppedColumns"));
        assertEquals(Map.of("header", "amount", "position", 4), ((List<?>) new ObjectMapper().readValue(
                logLines.toString(StandardCharsets.UTF_8).lines().toList().get(1), Map.class).get("droppedColumns")).get(1), "the log line says the same");
        assertEquals("columns not in the dataset's schema contract, so not written: \"Straße\" (column 3), \"amount\" (column 4)",
                result.manifest().columnDrift().orElseThrow());
        GenericRecord row = ParquetTestFiles.readAll(silver.resolve(result.manifest().parts().get(0).key())).get(0);
        assertEquals(3L, row.get("amount"), "the first amount is the contract's");
    }

    /** A manifest written before dropped columns were named by header listed the converter's names: it stays readable. */
    @Test
    void aManifestThatListsDroppedColumnsByTheConvertersNameIsStillRead() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        convert(converter, "ledger/a.csv", "id\n1\n", MODIFIED);
        ConversionResult result = convert(converter, "ledger/b.csv", "id,Note\n2,x\n", MODIFIED);
        Path file = silverRoot.resolve(result.manifestKey());
        String json = Files.readString(file);
        String written = "\"droppedColumns\" : [ {\n    \"header\" : \"Note\",\n    \"position\" : 2\n  } ]";
        assertTrue(json.contains(written), json);
        Files.writeString(file, json.replace(written, "\"droppedColumns\" : [ \"note\" ]"));

        Manifest read = new ManifestStore(silver).read(result.manifestKey()).orElseThrow();

        assertEquals(List.of(new Manifest.DroppedColumn("note", 0)), read.droppedColumns());
        assertEquals("columns not in the dataset's schema contract, so not written: \"note\"", read.columnDrift().orElseThrow());
    }

    @Test
    void fieldsThatCollideOnceNormalisedKeepTheirColumnsInALaterFileThatOrdersThemOtherwise() throws IOException {
        // "Amount" and "amount" both normalise to amount: the first file's order named them amount and
        // amount_2. A second file with the two swapped must not swap their values.
        SilverConverter converter = converter(ConversionLimits.defaults());
        Manifest first = convert(converter, "ledger/a.csv", "Amount,amount\n1,2\n", MODIFIED).manifest();
        Manifest second = convert(converter, "ledger/b.csv", "amount,Amount\n5,6\n", MODIFIED).manifest();

        assertEquals(List.of("amount", "amount_2"), first.columns().stream().map(Column::name).toList());
        assertEquals(List.of("Amount", "amount"), first.columns().stream().map(Column::sourceName).toList());
        assertEquals(List.of(), second.droppedColumns());
        assertEquals(List.of(), second.missingColumns());
        GenericRecord row = ParquetTestFiles.readAll(silver.resolve(second.parts().get(0).key())).get(0);
        assertEquals(6L, row.get("amount"), "the value under the header Amount");
        assertEquals(5L, row.get("amount_2"), "the value under the header amount");
    }

    @Test
    void aHeaderNamedLikeThePartitionKeyBecomesAColumnOfItsOwn() throws IOException {
        // The catalog adds ingest_date to every silver table: a column of that name would make the table
        // unregistrable, so the header's column is named as a repeat would be, and keeps its values.
        SilverConverter converter = converter(ConversionLimits.defaults());
        Manifest first = convert(converter, "exports/a.csv", "id,Ingest Date\n1,2025-01-31\n", MODIFIED).manifest();
        Manifest second = convert(converter, "exports/b.csv", "ingest_date,id\n2025-02-01,2\n", MODIFIED).manifest();

        assertEquals(List.of("id", "ingest_date_2"), first.columns().stream().map(Column::name).toList());
        assertEquals(List.of(), second.droppedColumns());
        assertEquals(List.of(), second.missingColumns());
        GenericRecord row = ParquetTestFiles.readAll(silver.resolve(second.parts().get(0).key())).get(0);
        assertEquals(2L, row.get("id"));
        assertEquals(LocalDate.of(2025, 2, 1), row.get("ingest_date_2"));
        SilverTableDefinition.of(new SchemaContractStore(silver, new SilverLayout("")).load("exports").orElseThrow(), "s3://silver/exports/");
    }

    /**
     * A declared contract's required column: a row whose value there is null (empty, a null marker) is quarantined naming the column and
     * the contract, counted (read = written + quarantined), and the rows written hold no null there, as a second reader reads them; a
     * file whose header lacks the column has every row quarantined, saying so; the refused rows, filled, replay as a new file; and taking
     * "required" off converts the file again when it is delivered again, while the same contract answers unchanged.
     */
    @Test
    void aRequiredColumnQuarantinesTheRowsWhereItIsNullAndTheirReplayIsWritten() throws IOException {
        SchemaContractStore contracts = new SchemaContractStore(silver, new SilverLayout(""));
        String declared = """
                {"dataset": "sales", "columns": [
                  {"name": "transaction_id", "type": "bigint", "sourceName": "transaction_id"%s},
                  {"name": "customer_id", "type": "bigint", "sourceName": "customer_id"},
                  {"name": "amount", "type": "double", "sourceName": "amount"}],
                 "createdFrom": "declared", "createdAt": "2026-01-01T00:00:00Z"}
                """;
        contracts.replace("sales", declared.formatted(", \"required\": true").getBytes(StandardCharsets.UTF_8));
        SilverConverter converter = converter(ConversionLimits.defaults());
        String csv = "transaction_id,customer_id,amount\n1,10,2.5\n,11,3.5\nNULL,12,4.5\n4,,5.5\n";

        Manifest manifest = convert(converter, "sales/a.csv", csv, MODIFIED).manifest();

        assertEquals(Manifest.CONVERTED, manifest.status());
        assertEquals(List.of(4L, 2L, 2L), List.of(manifest.rowsRead(), manifest.rowsWritten(), manifest.rowsQuarantined()));
        assertTrue(manifest.columns().get(0).required(), "the manifest records the contract it was converted in: " + manifest.columns());
        String says = " but the dataset's contract _schemas/sales.json declares it \"\"required\"\": true; fill it at the source and upload the file again"
                + " or take \"\"required\"\" off the column there to write such rows with a null\"";
        assertEquals(List.of("source_line,reason,transaction_id,customer_id,amount",
                        "3,\"column transaction_id: empty" + says + ",,11,3.5",
                        "4,\"column transaction_id: 'NULL' reads as null" + says + ",NULL,12,4.5"),
                Files.readString(silver.resolve(manifest.quarantine().key())).lines().toList());
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key()));
        assertEquals(List.of(1L, 4L), rows.stream().map(row -> row.get("transaction_id")).toList());
        assertEquals(Arrays.asList(10L, null), rows.stream().map(row -> row.get("customer_id")).toList(), "a column not required takes a null");

        // Delivered again under the same contract: unchanged, the manifest's required column equal to the contract's.
        assertTrue(convert(converter, "sales/a.csv", csv, MODIFIED).unchanged());

        // The refused rows, filled and replayed as a new file as docs/silver-converter.md says: the quarantine file's rows, less its two columns.
        String replay = "transaction_id,customer_id,amount\n2,11,3.5\n3,12,4.5\n";
        Manifest replayed = convert(converter, "sales/a-replay.csv", replay, MODIFIED).manifest();
        assertEquals(List.of(2L, 2L, 0L), List.of(replayed.rowsRead(), replayed.rowsWritten(), replayed.rowsQuarantined()));

        // A file whose header lacks the required column: converted, every row quarantined saying so, nothing lost.
        Manifest lacking = convert(converter, "sales/b.csv", "customer_id,amount\n20,1.5\n21,2.5\n", MODIFIED).manifest();
        assertEquals(Manifest.CONVERTED, lacking.status());
        assertEquals(List.of("transaction_id"), lacking.missingColumns());
        assertEquals(java.util.Optional.of("columns in the contract and required but not in the file, so every row quarantined: transaction_id"),
                lacking.columnDrift(), "not 'written as null'");
        assertEquals(List.of(2L, 0L, 2L), List.of(lacking.rowsRead(), lacking.rowsWritten(), lacking.rowsQuarantined()));
        assertEquals("2,\"column transaction_id: not in the file's header but the dataset's contract _schemas/sales.json declares it \"\"required\"\": true;"
                        + " add the column to the file and upload it again or take \"\"required\"\" off the column there to write such rows with a null\",20,1.5",
                Files.readString(silver.resolve(lacking.quarantine().key())).lines().toList().get(1));

        // "required" taken off: the file delivered again is converted again in the contract in force, every row written.
        contracts.replace("sales", declared.formatted("").getBytes(StandardCharsets.UTF_8));
        ConversionResult again = convert(converter, "sales/a.csv", csv, MODIFIED);
        assertFalse(again.unchanged());
        assertEquals(List.of(4L, 4L, 0L), List.of(again.manifest().rowsRead(), again.manifest().rowsWritten(), again.manifest().rowsQuarantined()));
        assertEquals(Arrays.asList(1L, null, null, 4L), ParquetTestFiles.readAll(silver.resolve(again.manifest().parts().get(0).key())).stream()
                .map(row -> row.get("transaction_id")).toList());
    }

    /**
     * A contract whose only change while a file converts is a column's "required" fails the run naming that change: the
     * message listed each contract's columns by name and type alone, the same list twice, leaving a person to look for a
     * difference it did not show.
     */
    @Test
    void aRequiredTakenOffWhileAFileConvertsFailsTheRunSayingWhichColumnWasRequired() throws IOException {
        SchemaContractStore contracts = new SchemaContractStore(silver, new SilverLayout(""));
        String declared = """
                {"dataset": "sales", "columns": [
                  {"name": "transaction_id", "type": "bigint", "sourceName": "transaction_id"%s},
                  {"name": "amount", "type": "double", "sourceName": "amount"}],
                 "createdFrom": "declared", "createdAt": "2026-01-01T00:00:00Z"}
                """;
        contracts.replace("sales", declared.formatted(", \"required\": true").getBytes(StandardCharsets.UTF_8));
        ObjectStore editedMidRun = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforeCreate(String key) throws IOException {
                if (key.endsWith(".parquet")) {
                    contracts.replace("sales", declared.formatted("").getBytes(StandardCharsets.UTF_8));
                }
            }
        });
        SilverConverter converter = new SilverConverter(editedMidRun, new SilverLayout(""), ConversionLimits.defaults(), CsvOverrides.none(),
                new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);

        IOException failure = assertThrows(IOException.class, () -> convert(converter, "sales/a.csv", "transaction_id,amount\n1,2.5\n", MODIFIED));

        assertTrue(failure.getMessage().contains("was converted in it (transaction_id bigint required, amount double); it now has transaction_id bigint,"
                + " amount double."), failure.getMessage());
    }

    @Test
    void aContractThatNamesThePartitionKeyStillGetsTheHeadersValues() throws IOException {
        // A contract kept without a catalog from before the name was reserved: its ingest_date column
        // goes on receiving the header's ingest_date values, not nulls.
        new SchemaContractStore(silver, new SilverLayout("")).createIfAbsent(new SchemaContract("legacy",
                List.of(new Column("id", ColumnType.BIGINT, "id"), new Column("ingest_date", ColumnType.STRING, "ingest_date")),
                "legacy/old.csv", "2026-01-01T00:00:00Z"));

        Manifest manifest = convert(converter(ConversionLimits.defaults()), "legacy/c.csv", "id,ingest_date\n7,2025-03-01\n", MODIFIED).manifest();

        assertEquals(List.of(), manifest.droppedColumns());
        GenericRecord row = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key())).get(0);
        assertEquals("2025-03-01", row.get("ingest_date").toString());
    }

    @Test
    void aContractCopiedFromAnotherDatasetFailsTheRunBeforeAnythingIsWritten() throws IOException {
        // _schemas/orders.json copied from sales.json with its columns edited and its dataset left as it was.
        new SchemaContractStore(silver, new SilverLayout("")).createIfAbsent(new SchemaContract("sales",
                List.of(new Column("id", ColumnType.BIGINT, "id")), "sales/a.csv", "2026-01-01T00:00:00Z"));
        Files.move(silver.resolve("_schemas/sales.json"), silver.resolve("_schemas/orders.json"));

        InvalidSchemaContractException e = assertThrows(InvalidSchemaContractException.class,
                () -> convert(converter(ConversionLimits.defaults()), "orders/o.csv", "id\n1\n", MODIFIED));

        assertEquals("Schema contract " + silver.resolve("_schemas/orders.json") + " is of dataset 'orders' (its file name) but says \"dataset\": \"sales\""
                + " (a copy of that dataset's contract?). Set \"dataset\": \"orders\" in it, or delete it; deleting it lets the next file define the"
                + " schema again.", e.getMessage());
        assertEquals(List.of("_schemas/orders.json"), allFiles());
    }

    @Test
    void usesTheContractThatWonTheRaceInsteadOfItsOwnInference() throws IOException {
        SchemaContractStore contracts = new SchemaContractStore(silver, new SilverLayout(""));
        SchemaContract winner = new SchemaContract("codes",
                List.of(new Column("code", ColumnType.STRING, "code"), new Column("n", ColumnType.DOUBLE, "n")), "codes/other.csv", "2026-01-01T00:00:00Z");
        assertEquals(winner, contracts.createIfAbsent(winner));

        Manifest manifest = convert(converter(ConversionLimits.defaults()), "codes/c.csv", "code,n\n12,3\n", MODIFIED).manifest();

        assertEquals(winner.columns(), manifest.columns());
        assertEquals(winner, contracts.load("codes").orElseThrow());
        GenericRecord row = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key())).get(0);
        assertEquals("12", row.get("code").toString());
        assertEquals(3.0, row.get("n"));
    }

    @Test
    void aRedeliveredEventChangesNothing() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        ConversionResult first = convert(converter, "sales/x.csv", "id\n1\n2\n", MODIFIED);
        List<String> filesAfterFirst = allFiles();

        ConversionResult second = convert(converter, "sales/x.csv", "id\n1\n2\n", MODIFIED);

        assertTrue(second.unchanged());
        assertEquals("unchanged", second.outcome());
        assertEquals(first.manifest(), second.manifest());
        assertEquals(filesAfterFirst, allFiles());
    }

    @Test
    void anOverwrittenObjectReplacesItsEarlierOutput() throws IOException {
        SilverConverter converter = converter(new ConversionLimits(2, 1 << 30, 1, 1 << 20));
        Manifest old = convert(converter, "sales/x.csv", "id\n1\n2\n3\n4\n5\n", MODIFIED).manifest();
        assertEquals(3, old.parts().size());

        // New content, uploaded a day later: new ETag, new partition, fewer parts.
        Manifest replacement = convert(converter, "sales/x.csv", "id\n7\n8\n", MODIFIED.plusSeconds(86_400)).manifest();

        assertEquals(1, replacement.parts().size());
        assertTrue(replacement.parts().get(0).key().startsWith("sales/ingest_date=2026-03-15/"));
        List<String> parquet = allFiles().stream().filter(file -> file.endsWith(".parquet")).toList();
        assertEquals(List.of(replacement.parts().get(0).key()), parquet);
        assertEquals(List.of(7L, 8L), ParquetTestFiles.readAll(silver.resolve(parquet.get(0))).stream().map(row -> row.get("id")).toList());
    }

    @Test
    void aFailedRunLeavesNoManifestAndNoPartsAndARerunSucceeds() throws IOException {
        SilverConverter converter = converter(new ConversionLimits(1000, 1 << 30, 1, 1 << 20));
        StringBuilder csv = new StringBuilder("id\n");
        for (int i = 0; i < 100_000; i++) {
            csv.append(i).append('\n');
        }
        byte[] content = csv.toString().getBytes(StandardCharsets.UTF_8);
        SourceObject source = source("sales/big.csv", content, MODIFIED);

        IOException failure = assertThrows(IOException.class, () -> converter.convert(source, "sales",
                () -> new FailingAfter(new java.io.ByteArrayInputStream(content), 300_000)));

        assertEquals("connection reset", failure.getMessage());
        assertEquals(List.of("_schemas/sales.json"), allFiles());

        Manifest manifest = converter.convert(source, "sales", () -> new java.io.ByteArrayInputStream(content)).manifest();
        assertEquals(100_000, manifest.rowsWritten());
    }

    @Test
    void aFailureWhileWritingParquetFailsTheRunAndLeavesNoOutput() throws IOException {
        // The second part's upload fails, on the writer thread; the run must fail on the caller's thread.
        ObjectStore failing = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforeWrite(String key) throws IOException {
                if (key.endsWith("-part-00002.parquet")) {
                    throw new IOException("disk full");
                }
            }
        });
        SilverConverter converter = new SilverConverter(failing, new SilverLayout(""), new ConversionLimits(10, 1 << 30, 1, 1 << 20), CsvOverrides.none(),
                new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);
        StringBuilder csv = new StringBuilder("id\n");
        for (int i = 0; i < 100; i++) {
            csv.append(i).append('\n');
        }

        IOException failure = assertThrows(IOException.class, () -> convert(converter, "sales/w.csv", csv.toString(), MODIFIED));

        assertEquals("disk full", failure.getMessage());
        assertEquals(List.of("_schemas/sales.json"), allFiles());
    }

    @Test
    void anEmptyFileIsRecordedAndDefinesNoSchema() throws IOException {
        Manifest manifest = convert(converter(ConversionLimits.defaults()), "sales/empty.csv", "", MODIFIED).manifest();

        assertEquals(Manifest.EMPTY, manifest.status());
        assertEquals(0, manifest.rowsRead());
        assertEquals(List.of("_manifests/sales/" + manifestName("sales/empty.csv")), allFiles());
    }

    @Test
    void aHeaderOnlyFileDefinesNoSchema() throws IOException {
        Manifest manifest = convert(converter(ConversionLimits.defaults()), "sales/h.csv", "id,amount\r\n", MODIFIED).manifest();

        assertEquals(Manifest.EMPTY, manifest.status());
        assertEquals(List.of("id", "amount"), manifest.header());
        assertTrue(manifest.parts().isEmpty());
        assertFalse(Files.exists(silverRoot.resolve("_schemas/sales.json")));
    }

    @Test
    void binaryGarbageIsRejectedWithAReasonAndWritesNothing() throws IOException {
        byte[] garbage = binaryGarbage();
        SourceObject source = source("sales/garbage.csv", garbage, MODIFIED);

        ConversionResult result = converter(ConversionLimits.defaults()).convert(source, "sales", () -> new java.io.ByteArrayInputStream(garbage));

        assertEquals(Manifest.REJECTED, result.manifest().status());
        assertTrue(result.manifest().reason().contains("not text"), result.manifest().reason());
        assertEquals(List.of(result.manifestKey()), allFiles());
        assertTrue(logLines.toString(StandardCharsets.UTF_8).contains("\"outcome\":\"rejected\""), logLines.toString(StandardCharsets.UTF_8));
    }

    /**
     * Another dataset's file in this one's folder (or `bronze-ingest upload` of a folder of datasets, all under
     * one name): converted, each row was written with every value null and counted as written.
     */
    @Test
    void aFileNoneOfWhoseColumnsIsInTheContractIsRejectedNotWrittenEmpty() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        Manifest customers = convert(converter, "mixed/customers.csv", "customer_id,name\n1,Ann\n2,Bo\n", MODIFIED).manifest();
        assertEquals(Manifest.CONVERTED, customers.status());
        List<String> before = allFiles();

        ConversionResult products = convert(converter, "mixed/products.csv", "product_id,product_name,list_price\n1001,Lamp,9.5\n1002,Desk,99\n", MODIFIED);

        Manifest manifest = products.manifest();
        assertEquals(Manifest.REJECTED, manifest.status());
        assertTrue(manifest.reason().startsWith("Most of the file's columns are not in dataset mixed's schema contract: 3 of the 3 columns of"
                + " s3://bronze/mixed/products.csv (\"product_id\" (column 1), \"product_name\" (column 2), \"list_price\" (column 3)) are not in it, and it"
                + " shares none of the contract's 2 columns (customer_id, name), in "), manifest.reason());
        assertTrue(manifest.reason().contains("Move it to the folder of the dataset it belongs to"), manifest.reason());
        assertEquals(0, manifest.rowsWritten());
        assertEquals(0, manifest.rowsQuarantined());
        List<String> after = new ArrayList<>(allFiles());
        after.remove(products.manifestKey());
        assertEquals(before, after, "nothing but the rejection's manifest");

        // One column in common is enough: the others are the manifest's dropped and missing columns, as before.
        Manifest partly = convert(converter, "mixed/partly.csv", "customer_id,city\n3,Oslo\n", MODIFIED).manifest();
        assertEquals(Manifest.CONVERTED, partly.status());
        assertEquals(List.of(new Manifest.DroppedColumn("city", 2)), partly.droppedColumns());
    }

    /**
     * A customers file dropped into a sales folder shares one column (customer_id) with the sales contract:
     * converted, it wrote a sales row per customer with every other column null, its own columns discarded.
     * Most of its columns are not the contract's, so it is rejected as another dataset's file, nothing written.
     */
    @Test
    void aFileMostOfWhoseColumnsAreNotInTheContractIsRejectedAsAnotherDatasetsFile() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        convert(converter, "sales/2026/01/a.csv", "transaction_id,customer_id,quantity,total_amount\n1,10001,2,9.5\n", MODIFIED);
        List<String> before = allFiles();

        ConversionResult customers = convert(converter, "sales/2026/01/customers.csv",
                "customer_id,name,email,city\n10001,Ann,ann@example.net,Lyon\n10002,Bo,bo@example.com,Paris\n", MODIFIED);

        Manifest manifest = customers.manifest();
        assertEquals(Manifest.REJECTED, manifest.status());
        assertEquals("Most of the file's columns are not in dataset sales's schema contract: 3 of the 4 columns of s3://bronze/sales/2026/01/customers.csv"
                + " (\"name\" (column 2), \"email\" (column 3), \"city\" (column 4)) are not in it, and it shares 1 (customer_id) of the contract's 4"
                + " columns, in " + silverRoot.resolve("_schemas/sales.json") + ": converted, each of its rows would be written with"
                + " the contract columns it lacks null and its own columns discarded, so the file is rejected as another dataset's and nothing"
                + " of it is written (it stays in bronze). Move it to the folder of the dataset it belongs to; if this dataset's columns"
                + " really changed, declare or replace its contract (docs/silver-converter.md#declared-contracts), or edit or delete the"
                + " contract, and upload the file again; if its first line is not a header, give it one naming the contract's columns.",
                manifest.reason());
        assertEquals(0, manifest.rowsWritten());
        assertEquals(0, manifest.rowsQuarantined());
        List<String> after = new ArrayList<>(allFiles());
        after.remove(customers.manifestKey());
        assertEquals(before, after, "nothing but the rejection's manifest");
        String log = logLines.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("\"outcome\":\"rejected\"") && log.contains("Most of the file's columns are not in dataset sales's"), log);

        // The contract is what mends it: replaced, the same object delivered again is read again, not answered unchanged.
        Files.delete(silverRoot.resolve("_schemas/sales.json"));
        ConversionResult again = convert(converter, "sales/2026/01/customers.csv",
                "customer_id,name,email,city\n10001,Ann,ann@example.net,Lyon\n10002,Bo,bo@example.com,Paris\n", MODIFIED);
        assertFalse(again.unchanged());
        assertEquals(Manifest.CONVERTED, again.manifest().status(), again.manifest().reason());
    }

    /** The columns not in the contract are listed as the manifest lists them, cut and capped as other messages' lists are. */
    @Test
    void theRejectionOfAFileWithManyForeignColumnsListsTheFirstEightWithTheirPositions() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        convert(converter, "wide/a.csv", "id\n1\n", MODIFIED);
        String longHeader = "x".repeat(100);

        Manifest manifest = convert(converter, "wide/b.csv", "id," + longHeader + ",c3,c4,c5,c6,c7,c8,c9,c10\n1,2,3,4,5,6,7,8,9,10\n", MODIFIED).manifest();

        assertEquals(Manifest.REJECTED, manifest.status());
        assertTrue(manifest.reason().contains("9 of the 10 columns of s3://bronze/wide/b.csv (\"" + "x".repeat(64) + "…\" (column 2), \"c3\" (column 3),"
                + " \"c4\" (column 4), \"c5\" (column 5), \"c6\" (column 6), \"c7\" (column 7), \"c8\" (column 8), \"c9\" (column 9), … (9 in all))"
                + " are not in it, and it shares 1 (id) of the contract's 1 columns"), manifest.reason());
    }

    /** Drift converts: new columns no more than those shared (a tie included), or most of the contract's columns missing. */
    @Test
    void aFileWithNoMoreNewColumnsThanSharedOnesOrMissingMostOfTheContractStillConverts() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        convert(converter, "sales/2026/01/a.csv", "transaction_id,customer_id,quantity,total_amount,region\n1,10001,2,9.5,East\n", MODIFIED);

        Manifest widened = convert(converter, "sales/2026/02/b.csv", "transaction_id,customer_id,channel,coupon\n2,10002,web,X1\n", MODIFIED).manifest();
        assertEquals(Manifest.CONVERTED, widened.status(), widened.reason());
        assertEquals(1, widened.rowsWritten());
        assertEquals(List.of(new Manifest.DroppedColumn("channel", 3), new Manifest.DroppedColumn("coupon", 4)), widened.droppedColumns());

        Manifest narrowed = convert(converter, "sales/2026/03/c.csv", "transaction_id\n3\n", MODIFIED).manifest();
        assertEquals(Manifest.CONVERTED, narrowed.status(), narrowed.reason());
        assertEquals(1, narrowed.rowsWritten());
        assertEquals(List.of(), narrowed.droppedColumns());
        assertEquals(List.of("customer_id", "quantity", "total_amount", "region"), narrowed.missingColumns());
    }

    /** A file rejected by a converter before this one, for having no column of the contract, is still read again once the contract changed. */
    @Test
    void aFileRejectedBeforeForHavingNoColumnOfTheContractIsStillReadAgain() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        convert(converter, "mixed/customers.csv", "customer_id,name\n1,Ann\n", MODIFIED);
        ConversionResult products = convert(converter, "mixed/products.csv", "product_id,list_price\n1001,9.5\n", MODIFIED);
        Path file = silverRoot.resolve(products.manifestKey());
        String json = Files.readString(file);
        String reason = new ObjectMapper().writeValueAsString(products.manifest().reason());
        assertTrue(json.contains(reason), json);
        Files.writeString(file, json.replace(reason, "\"None of the header's 2 fields (product_id, list_price) is a column of dataset mixed's schema contract\""));
        Files.delete(silverRoot.resolve("_schemas/mixed.json"));

        ConversionResult again = convert(converter, "mixed/products.csv", "product_id,list_price\n1001,9.5\n", MODIFIED);

        assertFalse(again.unchanged());
        assertEquals(Manifest.CONVERTED, again.manifest().status(), again.manifest().reason());
    }

    /**
     * A file converted with the wrong delimiter (rows split in the wrong place) is mended by declaring the
     * right one and delivering it again: it was answered "unchanged" whatever was declared since.
     */
    @Test
    void aFileConvertedWithAnotherDelimiterThanItsDatasetNowDeclaresIsReadAgainOnItsRedelivery() throws IOException {
        byte[] content = "name;price\nWidget;1.50\nGadget;2.75\n".getBytes(StandardCharsets.UTF_8);
        SourceObject source = source("prices/p.csv", content, MODIFIED);
        JsonLog log = new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK);
        SilverConverter comma = new SilverConverter(silver, new SilverLayout(""), ConversionLimits.defaults(), new CsvOverrides(Map.of("prices", ','), Map.of()), log, CLOCK);
        SilverConverter semicolon = new SilverConverter(silver, new SilverLayout(""), ConversionLimits.defaults(), new CsvOverrides(Map.of("prices", ';'), Map.of()), log, CLOCK);
        ConversionResult wrong = comma.convert(source, "prices", () -> new java.io.ByteArrayInputStream(content));
        assertEquals(",", wrong.manifest().delimiter());
        assertEquals(1, wrong.manifest().parts().size());
        assertTrue(comma.convert(source, "prices", () -> new java.io.ByteArrayInputStream(content)).unchanged(), "the same settings: a redelivery");

        // Declared: read again. The contract inferred from the split rows has none of the header's columns now,
        // so the file is rejected, saying so, and the rows split in the wrong place are gone.
        ConversionResult declared = semicolon.convert(source, "prices", () -> new java.io.ByteArrayInputStream(content));
        assertFalse(declared.unchanged());
        assertEquals(Manifest.REJECTED, declared.manifest().status());
        assertTrue(declared.manifest().reason().contains("edit or delete the contract"), declared.manifest().reason());
        assertTrue(allFiles().stream().noneMatch(key -> key.endsWith(".parquet")), allFiles().toString());

        // The contract deleted, as the reason says: the next delivery converts the file as declared.
        Files.delete(silverRoot.resolve("_schemas/prices.json"));
        ConversionResult mended = semicolon.convert(source, "prices", () -> new java.io.ByteArrayInputStream(content));
        assertEquals(Manifest.CONVERTED, mended.manifest().status(), mended.manifest().reason());
        assertEquals(";", mended.manifest().delimiter());
        assertEquals(List.of("name", "price"), mended.manifest().columns().stream().map(Column::name).toList());
        assertTrue(semicolon.convert(source, "prices", () -> new java.io.ByteArrayInputStream(content)).unchanged());
        // Taking the declaration away again says nothing about the file: a redelivery stays unchanged.
        assertTrue(converter(ConversionLimits.defaults()).convert(source, "prices", () -> new java.io.ByteArrayInputStream(content)).unchanged());
    }

    @Test
    void aFileRejectedInADatasetThatDeclaresItsDelimiterIsNotReadAgainOnItsRedelivery() throws IOException {
        byte[] garbage = binaryGarbage();
        SourceObject source = source("ledger/garbage.csv", garbage, MODIFIED);
        SilverConverter converter = new SilverConverter(silver, new SilverLayout(""), ConversionLimits.defaults(),
                new CsvOverrides(Map.of("ledger", ';'), Map.of()), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);

        ConversionResult first = converter.convert(source, "ledger", () -> new java.io.ByteArrayInputStream(garbage));
        ConversionResult redelivered = converter.convert(source, "ledger", () -> new java.io.ByteArrayInputStream(garbage));

        assertEquals(Manifest.REJECTED, first.manifest().status());
        assertEquals(";", first.manifest().delimiter(), "rejected as read: with the delimiter its dataset declares");
        assertTrue(redelivered.unchanged(), "the same settings would reject it again");
        assertEquals(1L, redelivered.manifest().generation());
    }

    /** Random bytes with a NUL: not text in any encoding the converter reads. */
    private static byte[] binaryGarbage() {
        byte[] garbage = new byte[10_000];
        new Random(42).nextBytes(garbage);
        garbage[100] = 0;
        return garbage;
    }

    @Test
    void aFileThatIsNotUtf8IsRejectedAsAWholeNamingTheByteAndTheSetting() throws IOException {
        // A Windows-1252 export: valid rows before and after the first non-ASCII byte must not make a partial table.
        byte[] content = "id,name\n1,ok\n2,Zo\u00eb\n3,also ok\n".getBytes(java.nio.charset.Charset.forName("windows-1252"));

        ConversionResult result = converter(ConversionLimits.defaults())
                .convert(source("people/u.csv", content, MODIFIED), "people", () -> new java.io.ByteArrayInputStream(content));

        Manifest manifest = result.manifest();
        assertEquals(Manifest.REJECTED, manifest.status());
        assertEquals("The file is not UTF-8: invalid byte sequence 0xEB 0x0A at byte offset 17 (line 3). If it is a Windows-1252 or Latin-1 export,"
                + " set CSV_ENCODINGS=people:windows-1252 (or convert the file to UTF-8).", manifest.reason());
        assertEquals("UTF-8", manifest.encoding());
        assertEquals(0, manifest.rowsWritten());
        assertEquals(List.of(result.manifestKey()), allFiles().stream().filter(file -> !file.startsWith("_schemas/")).toList(), "no row of it committed");
    }

    @Test
    void aFileRejectedPartWayWhosePartsCannotBeAbortedIsCommittedRejectedAndTheAbortsLoggedAsItsOwn() throws IOException {
        // Parts are open when the bad byte comes: chunks of 10 rows, a part target of 1 byte.
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        csv.writeBytes("id,name\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 30_000; i++) {
            csv.writeBytes((i + ",name" + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        csv.writeBytes(new byte[] {'1', ',', (byte) 0xff, '\n'});
        byte[] content = csv.toByteArray();
        HookedStore unabortable = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforeAbort(String key) {
                throw new IllegalStateException("abort of " + key + " failed: 503 Slow Down");
            }
        });
        SilverConverter converter = new SilverConverter(unabortable, new SilverLayout(""), new ConversionLimits(10, 1 << 30, 1, 1 << 20),
                CsvOverrides.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);

        Manifest manifest = converter.convert(source("people/bad.csv", content, MODIFIED), "people", () -> new java.io.ByteArrayInputStream(content))
                .manifest();

        assertEquals(Manifest.REJECTED, manifest.status(), manifest.reason());
        assertEquals(0, manifest.rowsWritten());
        String warning = logLines.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains("\"WARN\"")).findFirst().orElseThrow();
        assertTrue(warning.contains("uploads of the rejected file's parts and quarantine could not be aborted") && warning.contains("503 Slow Down")
                && warning.contains("\"dataset\":\"people\""), warning);
        assertFalse(logLines.toString(StandardCharsets.UTF_8).contains("byte ranges"), "no byte range was read: " + logLines);
    }

    /**
     * Raising the limit a file was rejected for is how a person fixes that rejection, as its message says:
     * the same object, delivered again, is then read under the new limit. Under the same or lower limits,
     * and once converted, it is a redelivery.
     */
    @Test
    void aFileRejectedForALimitIsReadAgainOnceTheLimitIsRaised() throws IOException {
        byte[] content = "id,note\n1,short\n2,a note longer than the limit\n".getBytes(StandardCharsets.UTF_8);
        SourceObject source = source("notes/n.csv", content, MODIFIED);
        SilverConverter low = converter(ConversionLimits.defaults().withMaxRowChars(20));
        SilverConverter lower = converter(ConversionLimits.defaults().withMaxRowChars(10));
        SilverConverter raised = converter(ConversionLimits.defaults().withMaxRowChars(100));

        Manifest rejected = low.convert(source, "notes", () -> new java.io.ByteArrayInputStream(content)).manifest();
        assertEquals(Manifest.REJECTED, rejected.status());
        assertTrue(rejected.reason().contains("raise MAX_ROW_CHARS"), rejected.reason());
        assertEquals(new Manifest.Limits(20, ConversionLimits.defaults().maxColumns()), rejected.limits());
        assertTrue(low.convert(source, "notes", () -> new java.io.ByteArrayInputStream(content)).unchanged(), "the same limit would reject it again");
        assertTrue(lower.convert(source, "notes", () -> new java.io.ByteArrayInputStream(content)).unchanged());

        ConversionResult fixed = raised.convert(source, "notes", () -> new java.io.ByteArrayInputStream(content));
        assertFalse(fixed.unchanged());
        assertEquals(Manifest.CONVERTED, fixed.manifest().status());
        assertEquals(2, fixed.manifest().rowsWritten());

        assertTrue(low.convert(source, "notes", () -> new java.io.ByteArrayInputStream(content)).unchanged(),
                "a converted file is not converted again, whatever the limits now");
    }

    /**
     * A manifest written before manifests kept their limits does not say which limit rejected its file: raising
     * the limit and delivering the object again must still convert it, so the file is read again.
     */
    @Test
    void aFileRejectedUnderLimitsItsManifestDoesNotRecordIsReadAgain() throws IOException {
        byte[] content = "id,note\n1,short\n2,a note longer than the limit\n".getBytes(StandardCharsets.UTF_8);
        SourceObject source = source("notes/n.csv", content, MODIFIED);
        SilverConverter low = converter(ConversionLimits.defaults().withMaxRowChars(20));
        ConversionResult rejected = low.convert(source, "notes", () -> new java.io.ByteArrayInputStream(content));
        assertEquals(Manifest.REJECTED, rejected.manifest().status());
        Path manifestFile = silverRoot.resolve(rejected.manifestKey());
        String written = Files.readString(manifestFile);
        String older = written.replaceFirst(",\\s*\"limits\"\\s*:\\s*\\{[^}]*\\}", "");
        assertFalse(older.contains("limits"), older);
        Files.writeString(manifestFile, older);

        ConversionResult fixed = converter(ConversionLimits.defaults().withMaxRowChars(100))
                .convert(source, "notes", () -> new java.io.ByteArrayInputStream(content));

        assertFalse(fixed.unchanged(), "read again under the raised limit");
        assertEquals(Manifest.CONVERTED, fixed.manifest().status());
        assertEquals(2, fixed.manifest().rowsWritten());
    }

    /**
     * Declaring the dataset's encoding is how a person fixes that rejection: the same object, delivered
     * again (copied onto itself) or converted again, is then read with it. Before that, and once
     * converted, it is a redelivery.
     */
    @Test
    void aRejectedFileIsReadAgainOnceItsDatasetDeclaresTheEncodingItNeeds() throws IOException {
        byte[] content = "id,name\n1,ok\n2,Zo\u00eb\n3,also ok\n".getBytes(java.nio.charset.Charset.forName("windows-1252"));
        SourceObject source = source("people/u.csv", content, MODIFIED);
        SilverConverter undeclared = converter(ConversionLimits.defaults());
        SilverConverter declared = new SilverConverter(silver, new SilverLayout(""), ConversionLimits.defaults(),
                new CsvOverrides(Map.of(), Map.of("people", java.nio.charset.Charset.forName("windows-1252"))),
                new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);

        assertEquals(Manifest.REJECTED, undeclared.convert(source, "people", () -> new java.io.ByteArrayInputStream(content)).manifest().status());
        ConversionResult again = undeclared.convert(source, "people", () -> new java.io.ByteArrayInputStream(content));
        assertTrue(again.unchanged(), "the same settings would reject it again");
        assertEquals(Manifest.REJECTED, again.manifest().status());

        ConversionResult fixed = declared.convert(source, "people", () -> new java.io.ByteArrayInputStream(content));
        assertFalse(fixed.unchanged());
        assertEquals(Manifest.CONVERTED, fixed.manifest().status());
        assertEquals(3, fixed.manifest().rowsWritten());
        assertEquals("windows-1252", fixed.manifest().encoding());

        assertTrue(declared.convert(source, "people", () -> new java.io.ByteArrayInputStream(content)).unchanged());
        assertTrue(undeclared.convert(source, "people", () -> new java.io.ByteArrayInputStream(content)).unchanged(),
                "a converted file is not converted again, whatever the settings now");
    }

    @Test
    void aFileInTheDatasetsDeclaredEncodingConvertsEveryCharacter() throws IOException {
        byte[] content = "id,name\n1,ok\n2,Zo\u00eb \u20ac\u2019\n".getBytes(java.nio.charset.Charset.forName("windows-1252"));
        SilverConverter converter = new SilverConverter(silver, new SilverLayout(""), ConversionLimits.defaults(),
                new CsvOverrides(Map.of(), Map.of("people", java.nio.charset.Charset.forName("windows-1252"))),
                new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);

        Manifest manifest = converter.convert(source("people/w.csv", content, MODIFIED), "people", () -> new java.io.ByteArrayInputStream(content)).manifest();

        assertEquals(Manifest.CONVERTED, manifest.status());
        assertEquals("windows-1252", manifest.encoding());
        List<String> names = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key())).stream().map(row -> row.get("name").toString()).toList();
        assertEquals(List.of("ok", "Zo\u00eb \u20ac\u2019"), names);
    }

    @Test
    void aUtf8FileInADatasetDeclaredWindows1252IsRejectedNotWrittenAsMojibake() throws IOException {
        // pandas' to_csv and most tools write UTF-8 without a byte order mark: read as windows-1252, which maps every byte,
        // Björn would be written as BjÃ¶rn, with no error, in every row.
        java.nio.charset.Charset windows1252 = java.nio.charset.Charset.forName("windows-1252");
        SilverConverter converter = new SilverConverter(silver, new SilverLayout(""), ConversionLimits.defaults(),
                new CsvOverrides(Map.of(), Map.of("people", windows1252)), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);
        byte[] legacy = "id,name\n1,Ren\u00e9\n".getBytes(windows1252);
        byte[] utf8 = "id,name\n2,Bj\u00f6rn\n3,Jos\u00e9\n".getBytes(StandardCharsets.UTF_8);

        Manifest converted = converter.convert(source("people/legacy.csv", legacy, MODIFIED), "people", () -> new java.io.ByteArrayInputStream(legacy)).manifest();
        ConversionResult result = converter.convert(source("people/utf8.csv", utf8, MODIFIED), "people", () -> new java.io.ByteArrayInputStream(utf8));

        assertEquals(List.of("Ren\u00e9"), ParquetTestFiles.readAll(silver.resolve(converted.parts().get(0).key())).stream()
                .map(row -> row.get("name").toString()).toList(), "a windows-1252 file still converts as declared");
        Manifest manifest = result.manifest();
        // Read back when written, so that a failure shows what the table would hold.
        String written = manifest.parts().isEmpty() ? "nothing written" : "written as " + ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key()));
        assertEquals(Manifest.REJECTED, manifest.status(), written);
        assertEquals("The file looks like UTF-8, not windows-1252, the encoding CSV_ENCODINGS declares for dataset people: every byte above 0x7F"
                + " in its first 8192 bytes is part of a UTF-8 character, the first 0xC3 0xB6 at byte offset 12 (line 2), which is '\u00f6' in UTF-8"
                + " and would be written as '\u00c3\u00b6'. Remove the dataset's entry from CSV_ENCODINGS if its files are UTF-8 (the default),"
                + " or save this file as windows-1252.", manifest.reason());
        assertEquals(0, manifest.rowsWritten());
        assertTrue(allFiles().stream().noneMatch(file -> file.contains("utf8-") && file.endsWith(".parquet")), "no row of it committed: " + allFiles());
    }

    @Test
    void aDosEndOfFileMarkerAfterTheLastLineIsNoRow() throws IOException {
        // Ctrl-Z (0x1A) ends the text of files written by DOS-era tools, copy /a and some ERP exports: it is no row of the file.
        byte[] codes = "code\nA1\nB2\n\u001a".getBytes(StandardCharsets.UTF_8);
        byte[] amounts = "id,amount\r\n1,1.5\r\n2,2\r\n\u001a".getBytes(StandardCharsets.UTF_8);

        Manifest oneColumn = converter(ConversionLimits.defaults()).convert(source("codes/c.csv", codes, MODIFIED), "codes",
                () -> new java.io.ByteArrayInputStream(codes)).manifest();
        Manifest twoColumns = converter(ConversionLimits.defaults()).convert(source("amounts/a.csv", amounts, MODIFIED), "amounts",
                () -> new java.io.ByteArrayInputStream(amounts)).manifest();

        assertEquals(List.of("A1", "B2"), ParquetTestFiles.readAll(silver.resolve(oneColumn.parts().get(0).key())).stream()
                .map(row -> row.get("code").toString()).toList(), "no row of the marker in a text column");
        assertEquals(2, oneColumn.rowsRead());
        assertEquals(List.of(1.5, 2.0), ParquetTestFiles.readAll(silver.resolve(twoColumns.parts().get(0).key())).stream()
                .map(row -> row.get("amount")).toList());
        assertEquals(2, twoColumns.rowsRead());
        assertEquals(0, twoColumns.rowsQuarantined(), "not quarantined as a row of one field");
        assertEquals(null, twoColumns.quarantine());
    }

    @Test
    void aQuotedCtrlZOnTheLastLineIsARowNotTheEndOfFileMarker() throws IOException {
        // "\u001a" is a value someone quoted, kept; only the bare character ends the text. Before, both ended it: a row lost.
        byte[] codes = "code\r\nA1\r\n\"\u001a\"\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] amounts = "id,amount\n1,1.5\n\"\u001a\"\n".getBytes(StandardCharsets.UTF_8);

        Manifest oneColumn = converter(ConversionLimits.defaults()).convert(source("codes/c.csv", codes, MODIFIED), "codes",
                () -> new java.io.ByteArrayInputStream(codes)).manifest();
        Manifest twoColumns = converter(ConversionLimits.defaults()).convert(source("amounts/a.csv", amounts, MODIFIED), "amounts",
                () -> new java.io.ByteArrayInputStream(amounts)).manifest();

        assertEquals(List.of("A1", "\u001a"), ParquetTestFiles.readAll(silver.resolve(oneColumn.parts().get(0).key())).stream()
                .map(row -> row.get("code").toString()).toList(), "a row of the quoted Ctrl-Z");
        assertEquals(2, oneColumn.rowsRead());
        assertEquals(2, twoColumns.rowsRead());
        assertEquals(1, twoColumns.rowsQuarantined(), "quarantined for its one field, not dropped unseen");
    }

    @Test
    void aDosEndOfFileMarkerBeforeTheEndIsData() throws IOException {
        // Only the text's last character ends it: one with a line after it is a value, kept, as any other control character.
        byte[] codes = "code\nA1\n\u001a\nB2\n".getBytes(StandardCharsets.UTF_8);

        Manifest manifest = converter(ConversionLimits.defaults()).convert(source("codes/c.csv", codes, MODIFIED), "codes",
                () -> new java.io.ByteArrayInputStream(codes)).manifest();

        assertEquals(List.of("A1", "\u001a", "B2"), ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key())).stream()
                .map(row -> row.get("code").toString()).toList());
    }

    @Test
    void bytesThatDecodeToControlCharactersAreRejectedNotEmpty() throws IOException {
        byte[] content = new byte[500 * 1024];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (0x80 + i % 0x80);
        }
        SilverConverter latin1 = new SilverConverter(silver, new SilverLayout(""), ConversionLimits.defaults(),
                new CsvOverrides(Map.of(), Map.of("blobs", StandardCharsets.ISO_8859_1)),
                new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);

        ConversionResult result = latin1.convert(source("blobs/b.csv", content, MODIFIED), "blobs", () -> new java.io.ByteArrayInputStream(content));

        assertEquals(Manifest.REJECTED, result.manifest().status());
        assertTrue(result.manifest().reason().startsWith("The file is not text"), result.manifest().reason());
        assertEquals(List.of(result.manifestKey()), allFiles());
    }

    @Test
    void blankLinesBeforeTheHeaderHideNeitherItsDelimiterNorTheLinesOfQuarantinedRows() throws IOException {
        String csv = "\n".repeat(1_000_000) + "id;amount\n1;2,5\n2;x;extra\n";

        ConversionResult result = convert(converter(ConversionLimits.defaults()), "sales/blank.csv", csv, MODIFIED);

        assertEquals(";", result.manifest().delimiter());
        assertEquals(List.of("id", "amount"), result.manifest().header());
        assertEquals(2, result.manifest().rowsRead());
        assertEquals(1, result.manifest().rowsWritten());
        assertEquals("source_line,reason,id,amount\r\n1000003,\"expected 2 fields, found 3\",2,x,extra\r\n",
                Files.readString(silver.resolve(result.manifest().quarantine().key())));
    }

    @Test
    void aHeaderOfMoreFieldsThanMaxColumnsRejectsTheFileAndOneAtTheLimitConverts() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults().withMaxColumns(3));

        Manifest atLimit = convert(converter, "sales/three.csv", "a,b,c\n1,2,3\n", MODIFIED).manifest();
        assertEquals(Manifest.CONVERTED, atLimit.status());

        ConversionResult past = convert(converter, "wide/four.csv", "a,b,c,d\n1,2,3,4\n", MODIFIED);
        assertEquals(Manifest.REJECTED, past.manifest().status());
        assertEquals("The header holds 4 fields, more than MAX_COLUMNS allows (3): the file is rejected so that memory stays bounded (raise"
                + " MAX_COLUMNS, with the function's memory, to convert it; a run of delimiters in the header is a damaged export).",
                past.manifest().reason());
        assertEquals(List.of(), past.manifest().header(), "the manifest does not carry such a header");
        assertEquals(List.of(past.manifestKey()), allFiles().stream().filter(file -> file.contains("four")).toList());
    }

    @Test
    void aRowOfMoreCharactersThanMaxRowCharsRejectsTheFileAndOneAtTheLimitConverts() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults().withMaxRowChars(20));
        // "2" + "," + 16 characters + "," + "x": 20.
        String atLimit = "id,text,flag\n1,short,x\n2," + "t".repeat(16) + ",x\n";

        Manifest converted = convert(converter, "sales/at.csv", atLimit, MODIFIED).manifest();
        assertEquals(2, converted.rowsWritten());

        ConversionResult past = convert(converter, "sales/past.csv", atLimit + "3," + "t".repeat(17) + ",x\n", MODIFIED);
        assertEquals(Manifest.REJECTED, past.manifest().status());
        assertTrue(past.manifest().reason().startsWith("The row at line 4 holds 21 characters (values and delimiters), more than MAX_ROW_CHARS"
                + " allows (20)."), past.manifest().reason());
        assertEquals(List.of(past.manifestKey()), allFiles().stream().filter(file -> file.contains("past")).toList(), "nothing of it is left");
    }

    @Test
    void aFiveMegabyteFieldIsConverted() throws IOException {
        String big = "é".repeat(5 * 1024 * 1024 / 2);
        Manifest manifest = convert(converter(ConversionLimits.defaults()), "notes/n.csv", "id,note\n1,\"" + big + "\"\n2,small\n", MODIFIED).manifest();

        assertEquals(2, manifest.rowsWritten());
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key()));
        assertEquals(big, rows.get(0).get("note").toString());
        assertEquals("small", rows.get(1).get("note").toString());
    }

    /**
     * A NUL character after the first 64K characters, which alone are checked for binary content, is text like any other: kept in
     * its value, in the Parquet as read back by parquet-avro, neither dropped nor the row quarantined.
     */
    @Test
    void aNulCharacterAfterTheTextCheckIsKeptInItsValue() throws IOException {
        StringBuilder csv = new StringBuilder("id,note\n");
        int id = 0;
        while (csv.length() < 70_000) {
            csv.append(id++).append(",plain text ").append(id).append('\n');
        }
        csv.append(id++).append(",before\u0000after\n").append(id++).append(",last\n");
        Manifest manifest = convert(converter(ConversionLimits.defaults()), "notes/nul.csv", csv.toString(), MODIFIED).manifest();

        assertEquals(Manifest.CONVERTED, manifest.status(), String.valueOf(manifest.reason()));
        assertEquals(id, manifest.rowsWritten());
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key()));
        assertEquals("before\u0000after", rows.get(id - 2).get("note").toString());
        assertEquals("last", rows.get(id - 1).get("note").toString());
    }

    @Test
    void convertsGzipAndSemicolonFilesWithABom() throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            gzip.write("Nom;Montant\r\n\"Dupont; Jean\";12,5\r\nMartin;3\r\n".getBytes(StandardCharsets.UTF_8));
        }
        byte[] content = compressed.toByteArray();

        Manifest manifest = converter(ConversionLimits.defaults())
                .convert(source("ventes/v.csv.gz", content, MODIFIED), "ventes", () -> new java.io.ByteArrayInputStream(content)).manifest();

        assertEquals(";", manifest.delimiter());
        assertEquals(List.of("Nom", "Montant"), manifest.header());
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(manifest.parts().get(0).key()));
        assertEquals("Dupont; Jean", rows.get(0).get("nom").toString());
        assertEquals("12,5", rows.get(0).get("montant").toString());
    }

    @Test
    void convertsEveryMemberOfAMultiMemberGzipAndRejectsOneDamagedAfterTheFirst() throws IOException {
        StringBuilder first = new StringBuilder("id,label\n");
        StringBuilder second = new StringBuilder();
        for (int i = 0; i < 280; i++) {
            (i < 100 ? first : second).append(i).append(",row ").append(i).append('\n');
        }
        byte[] a = ExactlyOnce.gzip(first.toString().getBytes(StandardCharsets.UTF_8));
        byte[] b = ExactlyOnce.gzip(second.toString().getBytes(StandardCharsets.UTF_8));
        byte[] whole = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, whole, a.length, b.length);

        Manifest converted = converter(ConversionLimits.defaults())
                .convert(source("sales/whole.csv.gz", whole, MODIFIED), "sales", () -> new java.io.ByteArrayInputStream(whole)).manifest();
        assertEquals(280, converted.rowsWritten());

        byte[] damaged = whole.clone();
        damaged[a.length + b.length / 2] ^= 0x5A;
        damaged[a.length + b.length / 2 + 1] ^= 0x5A;
        ConversionResult rejected = converter(ConversionLimits.defaults())
                .convert(source("sales/damaged.csv.gz", damaged, MODIFIED), "sales", () -> new java.io.ByteArrayInputStream(damaged));
        assertEquals(Manifest.REJECTED, rejected.manifest().status());
        assertTrue(rejected.manifest().reason().contains("gzip member 2"), rejected.manifest().reason());
        assertEquals(List.of(rejected.manifestKey()), allFiles().stream().filter(file -> file.contains("damaged")).toList(), "nothing else of it");
    }

    @Test
    void writesOneJsonLogLinePerObject() throws IOException {
        convert(converter(ConversionLimits.defaults()), "sales/x.csv", "id\n1\n2\n", MODIFIED);

        List<String> lines = logLines.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size());
        Map<?, ?> line = new ObjectMapper().readValue(lines.get(0), Map.class);
        assertEquals("converted", line.get("outcome"));
        assertEquals("sales", line.get("dataset"));
        assertEquals(2, line.get("rowsRead"));
        assertEquals(2, line.get("rowsWritten"));
        assertEquals(0, line.get("rowsQuarantined"));
        assertTrue(line.containsKey("seconds") && line.containsKey("rowsPerSecond") && line.containsKey("bytesRead"), line.toString());
        assertEquals("id bigint", line.get("schemaContractDefined"), "the dataset's first file says the contract it defined");
        assertFalse(line.containsKey("stringColumnHints"), "no string column, no hint: " + line);

        convert(converter(ConversionLimits.defaults()), "sales/y.csv", "id,note\n3,x\n", MODIFIED);
        Map<?, ?> next = new ObjectMapper().readValue(logLines.toString(StandardCharsets.UTF_8).lines().toList().get(1), Map.class);
        assertFalse(next.containsKey("schemaContractDefined"), next.toString());
        assertEquals(List.of(Map.of("header", "note", "position", 2)), next.get("droppedColumns"));
    }

    /** A new dataset's string column that looks typed is named in the log line, with its cast; a column of text is not. */
    @Test
    void theLogLineOfANewContractNamesItsStringColumnsThatLookTyped() throws IOException {
        convert(converter(ConversionLimits.defaults()), "rates/x.csv", "id,rate,note\n1,12%,first\n2,3.5%,second\n", MODIFIED);

        Map<?, ?> line = new ObjectMapper().readValue(logLines.toString(StandardCharsets.UTF_8).lines().toList().get(0), Map.class);
        assertEquals("id bigint, rate string, note string", line.get("schemaContractDefined"));
        assertEquals(Map.of("rate", "its values look like percentages (\"12%\"), which a double does not read (it takes the number alone): the column stays"
                + " string, each value kept as written; to have the fractions they stand for (12% as 0.12), cast it in a gold model:"
                + " CAST(replace(rate, '%', '') AS double) / 100"), line.get("stringColumnHints"));

        convert(converter(ConversionLimits.defaults()), "rates/y.csv", "id,rate,note\n3,7%,third\n", MODIFIED);
        Map<?, ?> next = new ObjectMapper().readValue(logLines.toString(StandardCharsets.UTF_8).lines().toList().get(1), Map.class);
        assertFalse(next.containsKey("stringColumnHints"), "a later file defines no contract: " + next);
    }

    @Test
    void differentSourcesOfOneDatasetNeverShareOutputKeys() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        Manifest a = convert(converter, "sales/north/x.csv", "id\n1\n", MODIFIED).manifest();
        Manifest b = convert(converter, "sales/south/x.csv", "id\n1\n", MODIFIED).manifest();

        assertNotEquals(a.parts().get(0).key(), b.parts().get(0).key());
        assertEquals(2, allFiles().stream().filter(file -> file.endsWith(".parquet")).count());
    }

    @Test
    void endsItsThreadsWithEachObjectAsAWarmEnvironmentConvertsOneAfterAnother() throws IOException {
        // A warm Lambda environment converts object after object in one JVM. Each run's writer thread
        // referenced the run's chunks and was never stopped after a commit: one thread and two chunks of
        // column vectors more per object, until the heap ran out (a 20,000-row file: out of memory at the
        // 57th conversion with -Xmx256m).
        SilverConverter converter = converter(new ConversionLimits(2, 8 << 20, 128 << 20, 32 << 20));
        StringBuilder rows = new StringBuilder("id,amount\n");
        for (int i = 1; i <= 7; i++) {
            rows.append(i).append(',').append(i).append(".5\n");
        }
        for (int object = 1; object <= 3; object++) {
            ConversionResult result = convert(converter, "sales/2026/orders-" + object + ".csv", rows.toString(), MODIFIED);
            assertEquals(Manifest.CONVERTED, result.manifest().status());
            assertEquals(7, result.manifest().rowsWritten());
            assertEquals(List.of(), ConverterThreads.live(), "threads left running after object " + object);
        }
        // A file refused after chunks went to the writer: its run is discarded, and its thread ends too.
        ConversionResult rejected = convert(converter, "sales/2026/broken.csv", rows + "8,\"9.5\"x\n9,1\n", MODIFIED);
        assertEquals(Manifest.REJECTED, rejected.manifest().status(), rejected.manifest().reason());
        assertEquals(List.of(), ConverterThreads.live(), "threads left running after a rejected file");
    }

    @Test
    void aRunDiscardedWhileItsWriterIsInAStorageCallDeafToInterruptsWarnsAndLeavesNothing() throws Exception {
        // The writer thread opens the first part in a call that ignores interrupts (a blocking socket);
        // the run's thread is interrupted while it waits for that write, and the run is discarded.
        CountDownLatch opening = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ObjectStore deaf = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void beforeCreate(String key) {
                if (!key.contains("-part-")) {
                    return;
                }
                opening.countDown();
                HookedStore.awaitDeafToInterrupts(release);
            }
        });
        SilverConverter converter = new SilverConverter(deaf, new SilverLayout(""), new ConversionLimits(10, 1 << 30, 1, 1 << 20), RangeReading.single(),
                CsvOverrides.none(), SilverCatalog.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK,
                Duration.ofMillis(200));
        StringBuilder csv = new StringBuilder("id\n");
        for (int i = 0; i < 100; i++) {
            csv.append(i).append('\n');
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread running = new Thread(() -> {
            try {
                convert(converter, "sales/deaf.csv", csv.toString(), MODIFIED);
            }
            catch (Throwable e) {
                failure.set(e);
            }
        });
        running.start();
        try {
            assertTrue(opening.await(10, TimeUnit.SECONDS), "the first chunk's write opens its part");
            running.interrupt();
            running.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(running.isAlive(), "the run returns once the wait for its writer is over");
        }
        finally {
            release.countDown();
        }

        assertInstanceOf(InterruptedIOException.class, failure.get());
        String warning = logLines.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains("\"WARN\"")).findFirst().orElseThrow();
        assertTrue(warning.contains("still in a storage call") && warning.contains("sales/deaf.csv"), warning);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ConverterThreads.live().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(), ConverterThreads.live());
        assertEquals(List.of("_schemas/sales.json"), allFiles(), "the writer aborted the part it opened once its call returned");
    }

    /**
     * A new dataset's first file none of whose first rows fits its header (a header one field wider than its rows)
     * gives no value to infer a type from, as a file of a header alone: it stores no contract, which would otherwise
     * type every later file of the dataset all string with a column of the header's extra field, and writes none of its rows,
     * a fitting one further down included (each quarantined with the reason). The next file infers the contract.
     */
    @Test
    void aFirstFileWhoseFirstRowsAllMisfitItsHeaderDefinesNoContract() throws IOException {
        SilverConverter converter = converter(new ConversionLimits(2, 1 << 30, 1 << 30, 1 << 20));
        ConversionResult result = convert(converter, "sales/broken.csv", "id,amount,day,note\n1,2.5,2026-01-01\n2,3.5,2026-01-02\n3,4.5,2026-01-03,\n",
                MODIFIED);
        Manifest broken = result.manifest();

        assertEquals(List.of(3L, 0L, 3L), List.of(broken.rowsRead(), broken.rowsWritten(), broken.rowsQuarantined()));
        assertFalse(Files.exists(silver.resolve("_schemas/sales.json")), "no contract stored");
        // The manifest says so: no columns (not the all-string guess no row was written in), and why.
        Manifest stored = new ManifestStore(silver).read(result.manifestKey()).orElseThrow();
        assertEquals(List.of(), stored.columns());
        assertEquals(List.of(), stored.droppedColumns());
        assertEquals(List.of(), stored.missingColumns());
        assertEquals(List.of("id", "amount", "day", "note"), stored.header());
        assertTrue(stored.reason().startsWith("no schema contract: none of the file's first rows (up to 2)"), stored.reason());
        assertTrue(logLines.toString(StandardCharsets.UTF_8).contains("\"reason\":\"no schema contract: "), "the log line says why no row was written");
        List<String> quarantined = Files.readString(silver.resolve(broken.quarantine().key())).lines().toList();
        assertEquals("2,\"expected 4 fields, found 3\",1,2.5,2026-01-01", quarantined.get(1));
        assertTrue(quarantined.get(3).startsWith("4,\"no schema contract: none of the file's first rows (up to 2), from which a new dataset's contract is"
                + " inferred, has the header's 4 fields"), quarantined.get(3));

        Manifest fixed = convert(converter, "sales/fixed.csv", "id,amount,day\n1,2.5,2026-01-01\n2,3.5,2026-01-02\n", MODIFIED).manifest();
        assertEquals(List.of(ColumnType.BIGINT, ColumnType.DOUBLE, ColumnType.DATE), fixed.columns().stream().map(Column::type).toList());
        assertEquals(List.of(), fixed.missingColumns());
        assertEquals(2, fixed.rowsWritten());
    }

    /**
     * An Excel report export puts a title line above the header, padded with the delimiter to the table's width or not:
     * the title is taken for a header of one field, and no row fits it. The reason says the header looks like line 2 and
     * to delete the lines above it, beside the delimiter's hint, not only "fix the header or the rows".
     */
    @Test
    void aTitleLineAboveTheHeaderIsNamedWithWhatToDo() throws IOException {
        for (String title : List.of("Sales report March 2026,,\n", "Sales report March 2026\n")) {
            Manifest report = convert(converter(ConversionLimits.defaults()), "report/march-" + title.length() + ".csv", title + "id,amount,region\n1,12.5,north\n2,8,south\n", MODIFIED).manifest();

            assertEquals(List.of(3L, 0L, 3L), List.of(report.rowsRead(), report.rowsWritten(), report.rowsQuarantined()));
            assertTrue(report.reason().contains("line 2 and every row after it among those read have 3 fields, more than the header's 1: if the"
                    + " header is line 2, under a title (as an Excel report export writes one), delete the lines above it, so that the header is"
                    + " the file's first line, and upload the file again; the file was read with ',' as its delimiter"), report.reason());
            assertFalse(Files.exists(silver.resolve("_schemas/report.json")), "no contract stored");
        }
        // Rows of differing widths, or narrower than the header, are not a title's sign: the reason stays as it was.
        Manifest ragged = convert(converter(ConversionLimits.defaults()), "ragged/x.csv", "id,amount,day,note\n1,2.5,2026-01-01\n2,3.5\n", MODIFIED).manifest();
        assertFalse(ragged.reason().contains("title"), ragged.reason());
    }

    /**
     * Legacy extracts (mainframe and ERP exports, SQL*Plus spools) end every line, the header's too, with the
     * delimiter: the empty field after it is a line terminator, not a column, whichever delimiter the file is
     * detected with. A row holding a value there is quarantined saying so, in the field-count wording (it
     * has one field more than the columns), not written without it; a row without the trailing delimiter is a
     * row all the same.
     */
    @Test
    void aDelimiterEndingEveryLineIsALineTerminatorNotAColumn() throws IOException {
        for (String delimiter : List.of("|", ",", ";", "\t")) {
            String dataset = "legacy_" + (int) delimiter.charAt(0);
            String file = String.join(delimiter, "id", "name", "amount", "") + "\r\n"
                    + String.join(delimiter, "1", "Anna", "12.50", "") + "\r\n"
                    + String.join(delimiter, "2", "Ben", "7", "") + "\r\n"
                    + String.join(delimiter, "3", "Cara", "1.5", "extra") + "\r\n"
                    + String.join(delimiter, "4", "Dan", "2.25") + "\r\n";

            Manifest manifest = convert(converter(ConversionLimits.defaults()), dataset + "/extract.dat", file, MODIFIED).manifest();

            assertEquals(delimiter, manifest.delimiter());
            assertEquals(List.of(new Column("id", ColumnType.BIGINT, "id"), new Column("name", ColumnType.STRING, "name"),
                    new Column("amount", ColumnType.DOUBLE, "amount")), manifest.columns(), delimiter);
            assertEquals(List.of("id", "name", "amount", ""), manifest.header(), "the manifest keeps the header as the file has it");
            assertEquals(List.of(), manifest.droppedColumns());
            assertEquals(List.of(), manifest.missingColumns());
            assertEquals(List.of(4L, 3L, 1L), List.of(manifest.rowsRead(), manifest.rowsWritten(), manifest.rowsQuarantined()));
            assertEquals(manifest.columns(), new SchemaContractStore(silver, new SilverLayout("")).load(dataset).orElseThrow().columns());
            Path part = silver.resolve(manifest.parts().get(0).key());
            assertEquals(List.of("id", "name", "amount"), ParquetTestFiles.schema(part).getFields().stream().map(field -> field.getName()).toList());
            List<GenericRecord> rows = ParquetTestFiles.readAll(part);
            assertEquals(List.of(1L, 2L, 4L), rows.stream().map(row -> row.get("id")).toList());
            assertEquals(List.of(12.5, 7.0, 2.25), rows.stream().map(row -> row.get("amount")).toList());
            assertEquals(List.of("source_line,reason,id,name,amount",
                    "4,\"expected 3 fields, found 4: a value after the header's trailing delimiter: 'extra'\",3,Cara,1.5,extra"),
                    Files.readString(silver.resolve(manifest.quarantine().key())).lines().toList(), delimiter);
        }
    }

    /**
     * Excel's "CSV UTF-8" export of a sheet formatted beyond its data writes empty fields after the last named column, in the header
     * and in every row ({@code id,name,,,}, {@code 1,Anna,,,}): those unnamed, empty columns are no columns, as one trailing delimiter
     * is none. A row holding a value under one of them is quarantined saying so, not written without it.
     */
    @Test
    void excelsTrailingEmptyColumnsAreNoColumnsAndAValueUnderOneIsQuarantined() throws IOException {
        String file = "id,name,,,\r\n1,Anna,,,\r\n2,Ben,, ,\r\n3,Cara,,kept?,\r\n4,Dan\r\n";

        Manifest manifest = convert(converter(ConversionLimits.defaults()), "sheet/export.csv", file, MODIFIED).manifest();

        assertEquals(List.of(new Column("id", ColumnType.BIGINT, "id"), new Column("name", ColumnType.STRING, "name")), manifest.columns());
        assertEquals(List.of("id", "name", "", "", ""), manifest.header(), "the manifest keeps the header as the file has it");
        assertEquals(List.of(), manifest.droppedColumns());
        assertEquals(List.of(4L, 3L, 1L), List.of(manifest.rowsRead(), manifest.rowsWritten(), manifest.rowsQuarantined()));
        assertEquals(manifest.columns(), new SchemaContractStore(silver, new SilverLayout("")).load("sheet").orElseThrow().columns());
        Path part = silver.resolve(manifest.parts().get(0).key());
        assertEquals(List.of("id", "name"), ParquetTestFiles.schema(part).getFields().stream().map(field -> field.getName()).toList());
        assertEquals(List.of(1L, 2L, 4L), ParquetTestFiles.readAll(part).stream().map(row -> row.get("id")).toList());
        assertEquals(List.of("source_line,reason,id,name",
                "4,\"expected 2 fields, found 5: a value under the header's empty trailing fields, which name no column: 'kept?'\",3,Cara,,kept?,"),
                Files.readString(silver.resolve(manifest.quarantine().key())).lines().toList());

        // A contract inferred before, when all but the last were columns named by position, keeps them: converted as then.
        new SchemaContractStore(silver, new SilverLayout("")).createIfAbsent(new SchemaContract("oldsheet", List.of(new Column("id", ColumnType.BIGINT, "id"),
                new Column("name", ColumnType.STRING, "name"), new Column("column_3", ColumnType.STRING, ""), new Column("column_4", ColumnType.STRING, "")),
                "oldsheet/first.csv", "2026-01-01T00:00:00Z"));
        Manifest old = convert(converter(ConversionLimits.defaults()), "oldsheet/next.csv", file, MODIFIED).manifest();
        assertEquals(List.of("id", "name", "column_3", "column_4"), old.columns().stream().map(Column::name).toList());
        assertEquals(List.of(), old.missingColumns());
        assertEquals(List.of(4L, 3L, 1L), List.of(old.rowsRead(), old.rowsWritten(), old.rowsQuarantined()), "the row of two fields refused as before");
        assertEquals("kept?", ParquetTestFiles.readAll(silver.resolve(old.parts().get(0).key())).get(2).get("column_4").toString());
    }

    /**
     * A header whose last field holds only spaces ends in the delimiter too, and so does a row's; a row whose
     * fields are refused for their types is quarantined without the empty field, so that its quarantine row
     * has the header's columns and replays as they are. A one-column file whose every line ends in the delimiter is one column, and
     * one whose header alone ends in a stray tab is one column as before.
     */
    @Test
    void aTrailingFieldOfSpacesIsATerminatorAndARefusedRowIsQuarantinedWithoutIt() throws IOException {
        // The contract is inferred from the first two rows, so the third's n/a is refused.
        Manifest manifest = convert(converter(new ConversionLimits(2, 1 << 30, 1 << 30, 1 << 20)), "spool/a.dat",
                "id|amount|  \n1|2.5| \n2|4.5|\n3|n/a|\n", MODIFIED).manifest();

        assertEquals(List.of(new Column("id", ColumnType.BIGINT, "id"), new Column("amount", ColumnType.DOUBLE, "amount")), manifest.columns());
        assertEquals(List.of(3L, 2L, 1L), List.of(manifest.rowsRead(), manifest.rowsWritten(), manifest.rowsQuarantined()));
        List<String> quarantined = Files.readString(silver.resolve(manifest.quarantine().key())).lines().toList();
        assertEquals("source_line,reason,id,amount", quarantined.get(0));
        assertTrue(quarantined.get(1).startsWith("4,column amount: 'n/a' is not a double (declare it null if it stands for a missing value: CSV_NULL_VALUES=spool:n/a or convert --null-values n/a): the dataset's contract _schemas/spool.json types it double,"), quarantined.get(1));
        assertTrue(quarantined.get(1).endsWith(",3,n/a"), "no empty field after the row's: " + quarantined.get(1));

        Manifest single = convert(converter(ConversionLimits.defaults()), "codes/a.dat", "code|\nA1|\nB2|\n", MODIFIED).manifest();
        assertEquals(List.of(new Column("code", ColumnType.STRING, "code")), single.columns());
        assertEquals(2, single.rowsWritten());
        assertEquals(List.of("A1", "B2"), ParquetTestFiles.readAll(silver.resolve(single.parts().get(0).key())).stream()
                .map(row -> row.get("code").toString()).toList());

        // A one-column file whose header alone ends in a stray tab is read with ',' (DelimiterDetector): one field, its column.
        Manifest strayTab = convert(converter(ConversionLimits.defaults()), "customers/a.csv", "Customer\t\nAlice\nBob\n", MODIFIED).manifest();
        assertEquals(",", strayTab.delimiter());
        assertEquals(List.of(new Column("customer", ColumnType.STRING, "Customer\t")), strayTab.columns());
        assertEquals(List.of(2L, 2L, 0L), List.of(strayTab.rowsRead(), strayTab.rowsWritten(), strayTab.rowsQuarantined()));
    }

    /** A gzip file is read as one stream, its lines ended by the delimiter all the same. */
    @Test
    void aGzipFileWhoseLinesEndInTheDelimiterHasNoColumnForIt() throws IOException {
        byte[] content = ExactlyOnce.gzip("id;name;\n1;Anna;\n2;Ben;x\n".getBytes(StandardCharsets.UTF_8));

        Manifest manifest = converter(ConversionLimits.defaults())
                .convert(source("ventes/v.csv.gz", content, MODIFIED), "ventes", () -> new java.io.ByteArrayInputStream(content)).manifest();

        assertEquals(List.of("id", "name"), manifest.columns().stream().map(Column::name).toList());
        assertEquals(List.of(2L, 1L, 1L), List.of(manifest.rowsRead(), manifest.rowsWritten(), manifest.rowsQuarantined()));
        assertEquals(List.of("id", "name"), ParquetTestFiles.schema(silver.resolve(manifest.parts().get(0).key())).getFields().stream()
                .map(field -> field.getName()).toList());
    }

    /**
     * A header ending in the delimiter over rows that do not (the stray delimiter after a header that once
     * gave a first file no contract at all) now types the dataset from its rows, and writes them.
     */
    @Test
    void aHeaderEndingInTheDelimiterOverRowsThatDoNotDefinesTheContractFromThem() throws IOException {
        Manifest manifest = convert(converter(new ConversionLimits(2, 1 << 30, 1 << 30, 1 << 20)), "sales/stray.csv",
                "id,amount,day,\n1,2.5,2026-01-01\n2,3.5,2026-01-02\n3,4.5,2026-01-03,\n", MODIFIED).manifest();

        assertEquals(List.of(ColumnType.BIGINT, ColumnType.DOUBLE, ColumnType.DATE), manifest.columns().stream().map(Column::type).toList());
        assertEquals(List.of(3L, 3L, 0L), List.of(manifest.rowsRead(), manifest.rowsWritten(), manifest.rowsQuarantined()));
        assertTrue(Files.exists(silver.resolve("_schemas/sales.json")));
    }

    /**
     * A dataset whose contract was inferred before the trailing delimiter was a terminator holds its field as
     * a column named by position ({@code column_4}, header text empty): its files keep converting exactly as
     * before, that column written (null, or the value a row holds there), no row refused for it, and its
     * table unchanged. A dataset whose contract lacks that column drops nothing for the trailing field.
     */
    @Test
    void aContractThatHoldsTheTrailingFieldAsAColumnKeepsConvertingAsBefore() throws IOException {
        SchemaContractStore contracts = new SchemaContractStore(silver, new SilverLayout(""));
        contracts.createIfAbsent(new SchemaContract("legacy", List.of(new Column("id", ColumnType.BIGINT, "id"), new Column("name", ColumnType.STRING, "name"),
                new Column("column_3", ColumnType.STRING, "")), "legacy/first.dat", "2026-01-01T00:00:00Z"));
        contracts.createIfAbsent(new SchemaContract("current", List.of(new Column("id", ColumnType.BIGINT, "id"), new Column("name", ColumnType.STRING, "name")),
                "current/first.dat", "2026-01-01T00:00:00Z"));
        String file = "id|name|\n1|Anna|\n2|Ben|x\n";

        Manifest legacy = convert(converter(ConversionLimits.defaults()), "legacy/next.dat", file, MODIFIED).manifest();
        Manifest current = convert(converter(ConversionLimits.defaults()), "current/next.dat", file, MODIFIED).manifest();

        assertEquals(List.of("id", "name", "column_3"), legacy.columns().stream().map(Column::name).toList());
        assertEquals(List.of(), legacy.droppedColumns());
        assertEquals(List.of(), legacy.missingColumns());
        assertEquals(List.of(2L, 2L, 0L), List.of(legacy.rowsRead(), legacy.rowsWritten(), legacy.rowsQuarantined()));
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(legacy.parts().get(0).key()));
        assertNull(rows.get(0).get("column_3"));
        assertEquals("x", rows.get(1).get("column_3").toString());

        assertEquals(List.of("id", "name"), current.columns().stream().map(Column::name).toList());
        assertEquals(List.of(), current.droppedColumns(), "the trailing field is no column the contract lacks");
        assertEquals(List.of(2L, 1L, 1L), List.of(current.rowsRead(), current.rowsWritten(), current.rowsQuarantined()));
    }

    /** The quarantine's own two columns never share a name with the source's, so a reader by name gets the reason. */
    @Test
    void aSourceColumnNamedReasonKeepsTheQuarantineHeaderUnique() throws IOException {
        Manifest manifest = convert(converter(ConversionLimits.defaults()), "refunds/a.csv",
                "order_id,Reason,_reason ,amount\n1,damaged,x,12.5\n2,late,y\n", MODIFIED).manifest();

        assertEquals(1, manifest.rowsQuarantined());
        assertEquals(List.of("source_line,__reason,order_id,Reason,\"_reason \",amount",
                "3,\"expected 4 fields, found 3\",2,late,y"), Files.readString(silver.resolve(manifest.quarantine().key())).lines().toList());
    }

    /** Silver names come from the key alone: the same key in another bronze bucket is refused, not a replacement. */
    @Test
    void theSameKeyInAnotherBucketIsRefusedNotAReplacement() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        byte[] a = "id\n1\n2\n".getBytes(StandardCharsets.UTF_8);
        byte[] b = "id\n3\n".getBytes(StandardCharsets.UTF_8);
        Manifest first = converter.convert(new SourceObject("landing-a", "sales/x.csv", "aaaa", a.length, MODIFIED), "sales",
                () -> new java.io.ByteArrayInputStream(a)).manifest();

        IOException refused = assertThrows(IOException.class, () -> converter.convert(new SourceObject("landing-b", "sales/x.csv", "bbbb", b.length,
                MODIFIED), "sales", () -> new java.io.ByteArrayInputStream(b)));

        assertTrue(refused.getMessage().startsWith("s3://landing-b/sales/x.csv has the key of a file of bucket landing-a already converted"),
                refused.getMessage());
        assertEquals(first.parts().stream().map(PartInfo::key).toList(), allFiles().stream().filter(key -> key.startsWith("sales/")).toList(),
                "landing-a's rows stay");
    }

    /**
     * A file whose columns differ from its contract converts, and the invocation succeeds, in either direction:
     * a column the contract lacks is not written (its values stop reaching silver), a column the file lacks is
     * written as null (the table fills with nulls). The log line counts both, columnsNotWritten (droppedColumns)
     * and columnsMissing (missingColumns), as numbers, since a CloudWatch metric filter compares numbers but
     * cannot count an array's entries (monitoring.tf, converter_log_patterns.files_not_matching_contract); a
     * file whose columns all match says 0 for each.
     */
    @Test
    void theLogLineCountsTheColumnsNotWrittenAndMissingForAMetricFilter() throws IOException {
        SilverConverter converter = converter(ConversionLimits.defaults());
        convert(converter, "orders/a.csv", "id,amount\n1,2\n", MODIFIED);
        // The source added a column, and another's header has a typo: neither column's values are written.
        convert(converter, "orders/b.csv", "id,amount,channel,amuont\n2,3,web,4\n5,6,shop,7\n", MODIFIED);
        // A column the contract has and the file lacks is written as null: no value of the file is lost, but the
        // table's column fills with nulls.
        convert(converter, "orders/c.csv", "id\n3\n", MODIFIED);
        // A header and no rows loses no value yet, but says the source's next files will drop the column too.
        convert(converter, "orders/d.csv", "id,amount,channel\n", MODIFIED);

        List<Map<?, ?>> lines = new ArrayList<>();
        for (String line : logLines.toString(StandardCharsets.UTF_8).lines().toList()) {
            lines.add(new ObjectMapper().readValue(line, Map.class));
        }
        assertEquals(4, lines.size(), lines.toString());
        assertEquals(0, lines.get(0).get("columnsNotWritten"), "the file that defined the contract: " + lines.get(0));
        assertEquals(0, lines.get(0).get("columnsMissing"), "the file that defined the contract: " + lines.get(0));
        assertEquals(2, lines.get(1).get("columnsNotWritten"), lines.get(1).toString());
        assertEquals(0, lines.get(1).get("columnsMissing"), "only added, none missing: " + lines.get(1));
        assertEquals(List.of(Map.of("header", "channel", "position", 3), Map.of("header", "amuont", "position", 4)), lines.get(1).get("droppedColumns"));
        assertEquals("converted", lines.get(1).get("outcome"), "drift converts: " + lines.get(1));
        assertEquals(0, lines.get(2).get("columnsNotWritten"), "only missing, written as null: " + lines.get(2));
        assertEquals(1, lines.get(2).get("columnsMissing"), "only missing, written as null: " + lines.get(2));
        assertEquals(List.of("amount"), lines.get(2).get("missingColumns"));
        assertEquals("converted", lines.get(2).get("outcome"), "drift converts: " + lines.get(2));
        assertEquals(1, lines.get(3).get("columnsNotWritten"), lines.get(3).toString());
        assertEquals(0, lines.get(3).get("columnsMissing"), lines.get(3).toString());
        assertEquals("empty", lines.get(3).get("outcome"), lines.get(3).toString());
    }

    @Test
    void theLogLineOfAFileWithQuarantinedRowsNamesItsQuarantineFile() throws IOException {
        Manifest manifest = convert(converter(ConversionLimits.defaults()), "sales/x.csv", "id,name\n1,a\n2,b,extra\n", MODIFIED).manifest();
        convert(converter(ConversionLimits.defaults()), "sales/y.csv", "id,name\n3,c\n", MODIFIED);

        List<String> lines = logLines.toString(StandardCharsets.UTF_8).lines().toList();
        Map<?, ?> quarantined = new ObjectMapper().readValue(lines.get(0), Map.class);
        assertEquals(1, quarantined.get("rowsQuarantined"), quarantined.toString());
        // The engineer whose row was refused starts from the log line or the alarm: it names the file to open.
        assertEquals(silver.describe(manifest.quarantine().key()), quarantined.get("quarantine"), quarantined.toString());
        assertTrue(Files.isRegularFile(silver.resolve(manifest.quarantine().key())), manifest.quarantine().key());
        assertFalse(new ObjectMapper().readValue(lines.get(1), Map.class).containsKey("quarantine"), "no quarantined row, no file: " + lines.get(1));
    }

    @Test
    void aCommitWhoseCleanupFailsStillLogsItsQuarantinedRowsOnce() throws IOException {
        // The manifest lands, then the sweep's delete fails: the run fails so that Lambda retries the cleanup,
        // and the retry answers unchanged. Logged only at the end of a run that returns, the commit's rows
        // were counted by neither run: the quarantined-rows metric, and the every-row-quarantined alarm, never saw them.
        java.util.concurrent.atomic.AtomicBoolean committed = new java.util.concurrent.atomic.AtomicBoolean();
        ObjectStore failingSweep = new HookedStore(silver, new HookedStore.Hooks() {
            @Override
            public void afterPutIf(String key, java.util.Optional<String> written) {
                committed.compareAndSet(false, key.startsWith("_manifests/") && written.isPresent());
            }

            @Override
            public void beforeDelete(java.util.Collection<String> keys) throws IOException {
                if (committed.get()) {
                    throw new IOException("delete refused (test)");
                }
            }
        });
        JsonLog log = new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK);
        byte[] content = "id,name\n1,a\n2,b,extra\n3\n".getBytes(StandardCharsets.UTF_8);
        SourceObject source = source("sales/x.csv", content, MODIFIED);

        assertThrows(IOException.class, () -> new SilverConverter(failingSweep, new SilverLayout(""), ConversionLimits.defaults(), CsvOverrides.none(), log, CLOCK)
                .convert(source, "sales", () -> new java.io.ByteArrayInputStream(content)));
        assertTrue(converter(ConversionLimits.defaults()).convert(source, "sales", () -> new java.io.ByteArrayInputStream(content)).unchanged(),
                "the retry finds the version committed");

        List<Map<?, ?>> counted = new ArrayList<>();
        for (String line : logLines.toString(StandardCharsets.UTF_8).lines().toList()) {
            Map<?, ?> fields = new ObjectMapper().readValue(line, Map.class);
            if ("source object processed".equals(fields.get("message")) && !"unchanged".equals(fields.get("outcome"))) {
                counted.add(fields);
            }
        }
        assertEquals(1, counted.size(), "the commit is logged once, as the metric filters count it: " + logLines);
        assertEquals(2, counted.get(0).get("rowsQuarantined"), counted.toString());
        assertEquals("converted", counted.get(0).get("outcome"), counted.toString());
    }

    @Test
    void quarantinedRowsReplayedAsTheDocsSayAreWrittenWithTheirValuesIntact() throws IOException {
        // docs/silver-converter.md, "Replaying quarantined rows": the quarantine file is RFC 4180 in UTF-8 whatever
        // the source was; its rows, fixed, stripped of source_line and reason, and written in the dataset's declared
        // delimiter and encoding under a new key, convert with their text unchanged (a line break, accents).
        java.nio.charset.Charset windows1252 = java.nio.charset.Charset.forName("windows-1252");
        SilverConverter converter = new SilverConverter(silver, new SilverLayout(""), ConversionLimits.defaults(),
                new CsvOverrides(Map.of("ledger", ';'), Map.of("ledger", windows1252)), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);
        byte[] first = "id;name;amount\n1;Zoë;10\n".getBytes(windows1252);
        converter.convert(source("ledger/first.csv", first, MODIFIED), "ledger", () -> new java.io.ByteArrayInputStream(first));
        byte[] refusing = "id;name;amount\n5;\"two\nlines é\";x\n6;Café;7\n7;Noël;N/A\n".getBytes(windows1252);
        Manifest refused = converter.convert(source("ledger/refusing.csv", refusing, MODIFIED), "ledger", () -> new java.io.ByteArrayInputStream(refusing))
                .manifest();
        assertEquals(2, refused.rowsQuarantined());

        List<org.apache.commons.csv.CSVRecord> quarantined;
        try (var parser = org.apache.commons.csv.CSVFormat.RFC4180.parse(Files.newBufferedReader(silver.resolve(refused.quarantine().key()), StandardCharsets.UTF_8))) {
            quarantined = parser.getRecords();
        }
        assertEquals(List.of("source_line", "reason", "id", "name", "amount"), quarantined.get(0).toList());
        assertEquals(List.of("2", "5"), quarantined.subList(1, 3).stream().map(record -> record.get(0)).toList(), "the lines the rows start on");
        assertEquals(List.of("5", "two\nlines é", "x"), quarantined.get(1).toList().subList(2, 5));
        assertEquals(List.of("7", "Noël", "N/A"), quarantined.get(2).toList().subList(2, 5));

        java.io.StringWriter replay = new java.io.StringWriter();
        try (var printer = new org.apache.commons.csv.CSVPrinter(replay, org.apache.commons.csv.CSVFormat.RFC4180.builder().setDelimiter(';').build())) {
            for (org.apache.commons.csv.CSVRecord record : quarantined) {
                List<String> fields = new ArrayList<>(record.toList().subList(2, record.size()));
                if (record.getRecordNumber() > 1) {
                    fields.set(2, "0"); // the fix the reason asks for
                }
                printer.printRecord(fields);
            }
        }
        byte[] replayed = replay.toString().getBytes(windows1252);
        Manifest replayedManifest = converter.convert(source("ledger/refusing-replay.csv", replayed, MODIFIED), "ledger",
                () -> new java.io.ByteArrayInputStream(replayed)).manifest();

        assertEquals(2, replayedManifest.rowsWritten(), String.valueOf(replayedManifest));
        assertEquals(0, replayedManifest.rowsQuarantined());
        List<GenericRecord> rows = ParquetTestFiles.readAll(silver.resolve(replayedManifest.parts().get(0).key()));
        assertEquals(List.of("two\nlines é", "Noël"), rows.stream().map(row -> row.get("name").toString()).toList());
    }

    private SilverConverter converter(ConversionLimits limits) {
        return new SilverConverter(silver, new SilverLayout(""), limits, CsvOverrides.none(), new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), CLOCK), CLOCK);
    }

    private static ConversionResult convert(SilverConverter converter, String key, String csv, Instant modified) throws IOException {
        byte[] content = csv.getBytes(StandardCharsets.UTF_8);
        return converter.convert(source(key, content, modified), SilverLayout.datasetOf(key), () -> new java.io.ByteArrayInputStream(content));
    }

    private static SourceObject source(String key, byte[] content, Instant modified) {
        try {
            String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
            return new SourceObject("bronze", key, etag, content.length, modified);
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private String manifestName(String key) throws IOException {
        return new SilverLayout("").manifestKey("sales", key).substring("_manifests/sales/".length());
    }

    private List<String> allFiles() throws IOException {
        try (var files = Files.walk(silverRoot)) {
            return files.filter(Files::isRegularFile).map(path -> silverRoot.relativize(path).toString()).sorted().collect(Collectors.toList());
        }
    }

    /** A stream that fails like a dropped connection after some bytes. */
    private static final class FailingAfter extends FilterInputStream {
        private long remaining;

        FailingAfter(InputStream in, long bytes) {
            super(in);
            this.remaining = bytes;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                throw new IOException("connection reset");
            }
            int read = super.read(buffer, offset, (int) Math.min(length, remaining));
            remaining -= Math.max(read, 0);
            return read;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }
}
