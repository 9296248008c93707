package dev.medallion.silver;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.common.text.ControlCharacters;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.schema.ColumnType;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PostgreSQL export ({@code COPY ... TO ... (FORMAT csv)}) writes NULL as an unquoted empty field and an empty string as
 * {@code ""}: under {@code CSV_QUOTED_EMPTY_STRINGS} a string column keeps the one as null and the other as an empty string,
 * read back by parquet-avro, in one stream, in byte ranges, and in the quarantine; a typed column writes both null. So with a
 * declared marker: {@code "NULL"} is the text in a string column and {@code NULL} null, as COPY's {@code NULL 'NULL'} means them.
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
    /** A dataset exported by {@code COPY ... TO ... (FORMAT csv, NULL 'NULL')}: NULL unquoted, the text {@code NULL} quoted. */
    private static final CsvOverrides KEEPS_AND_DECLARES_NULL = new CsvOverrides(Map.of(), Map.of(), Map.of("customers", List.of("NULL")), Map.of(),
            Set.of("customers"));

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

    /**
     * The quoted empty field is told apart by the parser, after the text is decoded: a byte order mark, a declared charset
     * (CSV_ENCODINGS, a one-byte one and UTF-16) and gzip change nothing of it, and a quoted space stays a space.
     */
    @Test
    void aQuotedEmptyFieldIsAnEmptyStringWhateverTheFileIsDecodedFrom() throws IOException {
        String text = "id,name,nickname,credit\n1,\"\",é,\"\"\n2,,\"\",7\n3,\" \",\"  \",\" \"\n";
        List<String> expected = List.of(
                "id=1 name='' nickname='é' credit=null",
                "id=2 name=null nickname='' credit=7",
                "id=3 name=' ' nickname='  ' credit=null");
        Charset windows1252 = Charset.forName("windows-1252");
        Map<String, Object> variants = new LinkedHashMap<>();
        variants.put("a byte order mark", ("\uFEFF" + text).getBytes(StandardCharsets.UTF_8));
        variants.put("windows-1252", text.getBytes(windows1252));
        variants.put("UTF-16LE", text.getBytes(StandardCharsets.UTF_16LE));
        variants.put("gzip", gzip(text.getBytes(StandardCharsets.UTF_8)));
        for (Map.Entry<String, Object> variant : variants.entrySet()) {
            Map<String, Charset> encodings = switch (variant.getKey()) {
                case "windows-1252" -> Map.of("customers", windows1252);
                case "UTF-16LE" -> Map.of("customers", StandardCharsets.UTF_16LE);
                default -> Map.of();
            };
            CsvOverrides keeps = new CsvOverrides(Map.of(), encodings, Map.of(), Map.of(), Set.of("customers"));
            Path root = directory.resolve(variant.getKey());
            String key = variant.getKey().equals("gzip") ? "customers/2026/customers.csv.gz" : "customers/2026/customers.csv";
            ConversionResult result = convert(new LocalObjectStore(root), keeps, (byte[]) variant.getValue(), key, 3);
            assertEquals(expected, describe(ParquetTestFiles.readAll(root, result.manifest())), variant.getKey() + ": " + log());
        }
    }

    @Test
    void aColumnOfOnlyQuotedEmptyFieldsIsAStringColumnOfEmptyStrings() throws IOException {
        ConversionResult result = convert(new LocalObjectStore(directory), KEEPS, "id,name,nickname,credit\n1,Ada,\"\",\n2,Bo,\"\",\n3,Cy,,\n",
                "customers/2026/customers.csv", 1);

        assertEquals(ColumnType.STRING, result.manifest().columns().get(2).type(), "\"\" says nothing of a type, as an empty field does");
        assertEquals(List.of("id=1 name='Ada' nickname='' credit=null", "id=2 name='Bo' nickname='' credit=null", "id=3 name='Cy' nickname=null credit=null"),
                describe(ParquetTestFiles.readAll(directory, result.manifest())));
    }

    /**
     * The parser reads the sample it chose the delimiter from, then the rest: a "", """" or quoted marker ("NULL", of a dataset
     * declaring it) split between the two is one field, and the marker's record is parsed again from text kept across both.
     */
    @Test
    void aQuotedEmptyFieldSplitBetweenTheSampleAndTheRestIsKept() throws IOException {
        int sampleChars = ControlCharacters.SAMPLE_CHARS;
        for (String quoted : List.of("\"\"", "\"\"\"\"", "\"NULL\"")) {
            for (int lastInSample = 0; lastInSample < quoted.length(); lastInSample++) {
                StringBuilder csv = new StringBuilder("id,name,nickname,credit\n");
                int id = 0;
                while (csv.length() < sampleChars - 200) {
                    csv.append(id++).append(",a,b,1\n");
                }
                String start = id + ",";
                // The quoted field's character lastInSample is the sample's last.
                int padding = sampleChars - 1 - lastInSample - csv.length() - start.length() - 1;
                csv.append(start).append("p".repeat(padding)).append(',');
                assertEquals(sampleChars - 1 - lastInSample, csv.length());
                csv.append(quoted).append(",1\n");
                Path root = directory.resolve(quoted.length() + "-" + lastInSample);
                ConversionResult result = convert(new LocalObjectStore(root), KEEPS_AND_DECLARES_NULL, csv.toString(), "customers/2026/customers.csv", 1);
                List<GenericRecord> rows = ParquetTestFiles.readAll(root, result.manifest());
                String expected = switch (quoted) {
                    case "\"\"" -> "";
                    case "\"NULL\"" -> "NULL";
                    default -> "\"";
                };
                assertEquals(expected, String.valueOf(rows.get(rows.size() - 1).get("nickname")), quoted + " at " + lastInSample);
            }
        }
    }

    /**
     * Records of "" fields only, of an escaped quote only (""""), and of quoted line breaks beside "": wherever the ranges'
     * boundaries fall among them (the header widened byte by byte), the ranges read what one stream reads.
     */
    @Test
    void byteRangesCutAmongQuotedEmptyFieldsReadWhatOneStreamReads() throws IOException {
        for (int shift = 0; shift < 12; shift++) {
            StringBuilder csv = new StringBuilder("id,name,nickname" + "_".repeat(shift) + ",credit\n");
            for (int i = 0; i < 12_000; i++) {
                switch (i % 4) {
                    case 0 -> csv.append("\"\",\"\",\"\",\"\"\n");
                    case 1 -> csv.append(i).append(",\"x\n\"\",\"\"\",\"\",\"\"\n");
                    case 2 -> csv.append(i).append(",\"\"\"\",\"\n\"\"\"\"\",1\n");
                    default -> csv.append(i).append(",\"\",,\n");
                }
            }
            String file = csv.toString();
            ConversionResult whole = convert(new LocalObjectStore(directory.resolve("whole" + shift)), KEEPS, file, "customers/2026/big.csv", 1);
            ConversionResult ranges = convert(new LocalObjectStore(directory.resolve("ranges" + shift)), KEEPS, file, "customers/2026/big.csv", 3);

            assertTrue(ranges.manifest().parts().size() > 1, "read as ranges: " + ranges.manifest().parts());
            List<String> expected = describe(ParquetTestFiles.readAll(directory.resolve("whole" + shift), whole.manifest()));
            assertEquals(12_000, expected.size());
            assertEquals(List.of("id=null name='' nickname='' credit=null", "id=1 name='x\n\",\"' nickname='' credit=null",
                    "id=2 name='\"' nickname='\n\"\"' credit=1", "id=3 name='' nickname=null credit=null"), expected.subList(0, 4));
            assertEquals(expected, describe(ParquetTestFiles.readAll(directory.resolve("ranges" + shift), ranges.manifest())), "shift " + shift);
        }
    }

    /** Quoted empty fields under Excel's empty trailing header fields (or as those fields) are no columns, as empty ones are. */
    @Test
    void quotedEmptyTrailingFieldsAreNoColumns() throws IOException {
        ConversionResult result = convert(new LocalObjectStore(directory), KEEPS,
                "id,name,nickname,credit,\"\",\"\"\n1,\"\",,2,,\n2,,\"\",3,\"\",\"\"\n3,a,b,4,\"\",c\n", "customers/2026/customers.csv", 1);

        assertEquals(4, result.manifest().columns().size(), result.manifest().columns().toString());
        assertEquals(List.of("id=1 name='' nickname=null credit=2", "id=2 name=null nickname='' credit=3"),
                describe(ParquetTestFiles.readAll(directory, result.manifest())));
        assertEquals(1, result.manifest().rowsQuarantined(), "the value c under a trailing field: " + log());
    }

    /**
     * PostgreSQL's COPY quotes a value that matches its NULL string and leaves the NULL itself unquoted: in a listed dataset
     * declaring {@code NULL}, a quoted {@code "NULL"} is the text in a string column and an unquoted {@code NULL} is null.
     */
    @Test
    void aQuotedDeclaredMarkerIsTextInAStringColumnAndAnUnquotedOneNull() throws IOException {
        ConversionResult result = convert(new LocalObjectStore(directory), KEEPS_AND_DECLARES_NULL,
                "id,name,nickname,credit\n1,\"NULL\",NULL,NULL\n2,NULL,\"NULL\",5\n3,\"Ada\",\"\",7\n", "customers/2026/customers.csv", 1);

        assertEquals(List.of(ColumnType.BIGINT, ColumnType.STRING, ColumnType.STRING, ColumnType.BIGINT),
                result.manifest().columns().stream().map(column -> column.type()).toList());
        assertEquals(0, result.manifest().rowsQuarantined(), log());
        assertEquals(List.of("NULL"), result.manifest().nullValues());
        assertEquals(List.of(
                        "id=1 name='NULL' nickname=null credit=null",
                        "id=2 name=null nickname='NULL' credit=5",
                        "id=3 name='Ada' nickname='' credit=7"),
                describe(ParquetTestFiles.readAll(directory, result.manifest())));
    }

    /**
     * A column whose values are quoted markers holds text, at inference too: a column of {@code "NULL"} alone is a string
     * column of the text, and one of {@code "NULL"} beside numbers a string column (COPY quotes no NULL, so the column held text).
     */
    @Test
    void aColumnOfQuotedDeclaredMarkersIsAStringColumnOfTheirText() throws IOException {
        ConversionResult result = convert(new LocalObjectStore(directory), KEEPS_AND_DECLARES_NULL,
                "id,name,nickname,credit\n1,Ada,\"NULL\",\"NULL\"\n2,Bo,\"NULL\",12\n3,Cy,NULL,NULL\n", "customers/2026/customers.csv", 1);

        assertEquals(List.of(ColumnType.BIGINT, ColumnType.STRING, ColumnType.STRING, ColumnType.STRING),
                result.manifest().columns().stream().map(column -> column.type()).toList(), "a quoted marker is a value at inference");
        assertEquals(List.of(
                        "id=1 name='Ada' nickname='NULL' credit=NULL",
                        "id=2 name='Bo' nickname='NULL' credit=12",
                        "id=3 name='Cy' nickname=null credit=null"),
                describe(ParquetTestFiles.readAll(directory, result.manifest())));
    }

    /**
     * The new contract's hint for a column of numbers and a quoted {@code "NULL"} says the quoted one is text by COPY's rule, not that
     * declaring it would have typed the column: the dataset declares it.
     */
    @Test
    void theHintOfAColumnOfNumbersAndAQuotedDeclaredMarkerSaysTheMarkerWasText() throws IOException {
        convert(new LocalObjectStore(directory), KEEPS_AND_DECLARES_NULL, "id,credit\n1,\"NULL\"\n2,12\n3,NULL\n", "customers/2026/customers.csv", 1);

        Map<?, ?> line = new ObjectMapper().readValue(log().lines().toList().get(0), Map.class);
        assertEquals("id bigint, credit string", line.get("schemaContractDefined"));
        String hint = (String) ((Map<?, ?>) line.get("stringColumnHints")).get("credit");
        assertTrue(hint.startsWith("its values look like whole numbers (\"12\"), which a bigint reads (its \"NULL\" was read quoted: text, not the"
                + " null marker the dataset declares"), hint);
        assertFalse(hint.contains("had the dataset declared"), hint);
        assertTrue(hint.endsWith("CAST(nullif(credit, 'NULL') AS bigint)"), hint);
    }

    /** A column its contract types: a quoted marker there is null as an unquoted one, the row taken, as before (COPY quotes no number's NULL). */
    @Test
    void aQuotedDeclaredMarkerInATypedColumnIsNullAsBefore() throws IOException {
        ConversionResult later = convertAfterAFirstFileDeclaringNull("id,name,nickname,credit\n2,Bo,\"NULL\",\"NULL\"\n3,\"NULL\",b,\" NULL \"\n");

        assertEquals(0, later.manifest().rowsQuarantined(), log());
        assertEquals(List.of("id=2 name='Bo' nickname='NULL' credit=null", "id=3 name='NULL' nickname='b' credit=null"),
                describe(ParquetTestFiles.readAll(directory, later.manifest())));
    }

    /** A dataset not listed reads {@code "NULL"} and {@code NULL} alike, as before: a declared marker is null in every column, quoted or not. */
    @Test
    void aQuotedDeclaredMarkerOfADatasetNotListedIsNullAsBefore() throws IOException {
        CsvOverrides declaresNull = new CsvOverrides(Map.of(), Map.of(), Map.of("customers", List.of("NULL")));
        ConversionResult result = convert(new LocalObjectStore(directory), declaresNull,
                "id,name,nickname,credit\n1,\"NULL\",NULL,NULL\n2,Bo,\"\",5\n", "customers/2026/customers.csv", 1);

        assertEquals(List.of("id=1 name=null nickname=null credit=null", "id=2 name='Bo' nickname=null credit=5"),
                describe(ParquetTestFiles.readAll(directory, result.manifest())));
    }

    /**
     * A quarantined row of a listed dataset keeps its quoted marker quoted and its unquoted marker bare, so that a reader taking
     * PostgreSQL's rule (Commons CSV with the NULL string {@code NULL} and a strict quote mode) reads the text and the null again.
     */
    @Test
    void aQuarantinedRowKeepsItsQuotedMarkerQuotedAndItsUnquotedMarkerBare() throws IOException {
        ConversionResult later = convertAfterAFirstFileDeclaringNull("id,name,nickname,credit\n5,\"NULL\",NULL,lots\n6,NULL,\"NULL\",9\n");

        assertEquals(1, later.manifest().rowsQuarantined(), log());
        List<String> quarantine = Files.readAllLines(directory.resolve(later.manifest().quarantine().key()), StandardCharsets.UTF_8);
        assertEquals("\"5\",\"NULL\",NULL,\"lots\"", quarantine.get(1).substring(quarantine.get(1).indexOf(",\"5\"") + 1), quarantine.toString());
        CSVFormat postgres = CSVFormat.RFC4180.builder().setQuoteMode(QuoteMode.ALL_NON_NULL).setNullString("NULL").setHeader().setSkipHeaderRecord(true).get();
        try (CSVParser parser = CSVParser.parse(directory.resolve(later.manifest().quarantine().key()), StandardCharsets.UTF_8, postgres)) {
            CSVRecord row = parser.getRecords().get(0);
            assertEquals("NULL", row.get("name"), "read back as the source had it: the text");
            assertNull(row.get("nickname"), "and a missing value");
        }
        assertEquals("id=6 name=null nickname='NULL' credit=9", describe(ParquetTestFiles.readAll(directory, later.manifest())).get(0));
    }

    /**
     * A record holding a marker is parsed again from the text kept since it started, however long it is and however much text
     * before it was let go of: a quoted name longer than what the reader keeps before a record, after and before records of markers.
     */
    @Test
    void aMarkerInARecordLongerThanTheTextKeptBeforeItIsToldApart() throws IOException {
        StringBuilder csv = new StringBuilder("id,name,nickname,credit\n");
        for (int i = 0; i < 6_000; i++) {
            csv.append(i).append(i % 2 == 0 ? ",\"NULL\",NULL,1\n" : ",NULL,\"NULL\",2\n");
        }
        String longName = "x".repeat(150_000);
        csv.append("6000,\"").append(longName).append("\",\"NULL\",NULL\n");
        csv.append("6001,NULL,\"NULL\",3\n");
        ConversionResult result = convert(new LocalObjectStore(directory), KEEPS_AND_DECLARES_NULL, csv.toString(), "customers/2026/customers.csv", 1);

        List<String> rows = describe(ParquetTestFiles.readAll(directory, result.manifest()));
        assertEquals(6_002, rows.size(), log());
        assertEquals(List.of("id=5998 name='NULL' nickname=null credit=1", "id=5999 name=null nickname='NULL' credit=2",
                "id=6000 name='" + longName + "' nickname='NULL' credit=null", "id=6001 name=null nickname='NULL' credit=3"), rows.subList(5_998, 6_002));
    }

    /**
     * Records of quoted and unquoted markers beside "" and quoted line breaks: wherever the ranges' boundaries fall among them
     * (the header widened byte by byte), the ranges read what one stream reads, and refuse the same rows into the same quarantine.
     */
    @Test
    void byteRangesCutAmongQuotedAndUnquotedMarkersReadWhatOneStreamReads() throws IOException {
        for (int shift = 0; shift < 14; shift++) {
            StringBuilder csv = new StringBuilder("id,name,nickname" + "_".repeat(shift) + ",credit\n");
            for (int i = 0; i < 12_000; i++) {
                switch (i % 4) {
                    case 0 -> csv.append(i).append(",\"NULL\",NULL,NULL\n");
                    case 1 -> csv.append(i).append(",NULL,\"NULL\n\",\"\"\n");
                    case 2 -> csv.append(i).append(",\"NULL\",\"NULL\",").append(i == 4_002 ? "lots" : "1").append('\n');
                    default -> csv.append(i).append(",\"NU\"\"LL\",NULL,\n");
                }
            }
            String file = csv.toString();
            Path whole = directory.resolve("whole" + shift);
            Path ranges = directory.resolve("ranges" + shift);
            ConversionResult one = convert(new LocalObjectStore(whole), KEEPS_AND_DECLARES_NULL, file, "customers/2026/big.csv", 1);
            ConversionResult several = convert(new LocalObjectStore(ranges), KEEPS_AND_DECLARES_NULL, file, "customers/2026/big.csv", 3);

            assertTrue(several.manifest().parts().size() > 1, "read as ranges: " + several.manifest().parts());
            List<String> expected = describe(ParquetTestFiles.readAll(whole, one.manifest()));
            assertEquals(11_999, expected.size());
            assertEquals(List.of("id=0 name='NULL' nickname=null credit=null", "id=1 name=null nickname='NULL\n' credit=null",
                    "id=2 name='NULL' nickname='NULL' credit=1", "id=3 name='NU\"LL' nickname=null credit=null"), expected.subList(0, 4));
            assertEquals(expected, describe(ParquetTestFiles.readAll(ranges, several.manifest())), "shift " + shift);
            assertEquals(Files.readAllLines(whole.resolve(one.manifest().quarantine().key())), Files.readAllLines(ranges.resolve(several.manifest().quarantine().key())));
            assertTrue(Files.readString(ranges.resolve(several.manifest().quarantine().key())).contains("\"4002\",\"NULL\",\"NULL\",\"lots\""), "shift " + shift);
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

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
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

    /**
     * {@code later} (customers/2026/later.csv) converted under {@link #KEEPS_AND_DECLARES_NULL} after a first file whose every
     * column holds a value, so that the contract types credit a bigint and the names strings.
     */
    private ConversionResult convertAfterAFirstFileDeclaringNull(String later) throws IOException {
        LocalObjectStore silver = new LocalObjectStore(directory);
        convert(silver, KEEPS_AND_DECLARES_NULL, "id,name,nickname,credit\n1,Ada,a,12\n", "customers/2026/first.csv", 1);
        return convert(silver, KEEPS_AND_DECLARES_NULL, later, "customers/2026/later.csv", 1);
    }

    private ConversionResult convert(LocalObjectStore silver, CsvOverrides overrides, String text, String key, int readers) throws IOException {
        return convert(silver, overrides, text.getBytes(StandardCharsets.UTF_8), key, readers);
    }

    private ConversionResult convert(LocalObjectStore silver, CsvOverrides overrides, byte[] file, String key, int readers) throws IOException {
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
