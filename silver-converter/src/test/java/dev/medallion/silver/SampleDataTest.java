package dev.medallion.silver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.local.SilverConverterCli;
import dev.medallion.silver.schema.SchemaContract;
import dev.medallion.silver.schema.SchemaContractStore;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Converts every file under {@code sample-data/} with the local command, in path order into one
 * directory, as {@code sample-data/README.md} tells a reader to, and checks the outcome that README
 * promises: rows read, written and quarantined per file, the quarantine reasons, and each dataset's
 * inferred schema. Path order matters: the first file of a dataset defines its schema contract, so the
 * clean {@code sales/2026/01} file types {@code quantity} as bigint before the messy March file's
 * {@code N/A} arrives and is quarantined.
 */
class SampleDataTest {
    private static final Pattern SUMMARY = Pattern.compile(
            "converted (?<file>\\S+) as dataset (?<dataset>\\S+) into .*: (?<read>\\d+) rows read, (?<written>\\d+) written, (?<quarantined>\\d+) quarantined; .*");
    private static final Pattern QUARANTINE_FILE = Pattern.compile("; quarantined rows with their reasons: (\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a file converts to; {@code quarantine} lists "source line: reason" in file order. */
    private record Expected(long read, long written, long quarantined, char delimiter, List<String> quarantine) {
        static Expected clean(long rows) {
            return new Expected(rows, rows, 0, ',', List.of());
        }
    }

    /** The table in sample-data/README.md; every sample file must be here, and nothing else. */
    private static final Map<String, Expected> EXPECTED = Map.ofEntries(
            entry("customers/customers.csv", Expected.clean(60)),
            entry("products/products.csv", Expected.clean(42)),
            entry("sales/2026/01/sales_2026_01.csv", Expected.clean(300)),
            entry("sales/2026/02/sales_2026_02_multiline_notes.csv", Expected.clean(250)),
            entry("sales/2026/03/sales_2026_03_messy.csv", new Expected(200, 197, 3, ',', List.of(
                    "151: column quantity: 'N/A' is not a bigint (declare it null if it stands for a missing value: CSV_NULL_VALUES=sales:N/A or convert --null-values N/A): the dataset's contract _schemas/sales.json types it bigint",
                    "176: expected 12 fields, found 10",
                    "191: expected 12 fields, found 13"))),
            entry("sales/2026/04/sales_2026_04.csv.gz", Expected.clean(180)),
            entry("stores_eu/stores.csv", new Expected(12, 12, 0, ';', List.of())));

    /** Each dataset's contract as the first file defines it, column by column. */
    private static final Map<String, String> EXPECTED_SCHEMAS = Map.of(
            "customers", "customer_id bigint, name string, email string, city string, country string, signup_date date",
            "products", "product_id bigint, product_name string, category string, brand string, list_price double",
            "sales", "transaction_id bigint, timestamp timestamp, customer_id bigint, product_id bigint, quantity bigint, "
                    + "unit_price double, discount double, total_amount double, region string, payment_method string, "
                    + "is_online boolean, note string",
            // Decimal commas are not numbers to the converter: the rent stays text for gold to cast.
            "stores_eu", "store_id bigint, store_name string, city string, country string, region string, "
                    + "floor_area_m2 bigint, monthly_rent_eur string, opened_on date");

    @TempDir
    Path temporary;

    /**
     * The stores' root: a folder of the TempDir, not the TempDir itself, because a store's conditional writes lock a file beside
     * its root ({@code .<name>.medallion-lock} in its parent), which must stay inside the TempDir JUnit deletes.
     */
    private Path lake;

    @BeforeEach
    void giveTheStoresAFolderInTheTempDir() throws IOException {
        lake = Files.createDirectories(temporary.resolve("lake"));
    }

    @Test
    void everySampleFileConvertsAsItsReadmeSays() throws IOException {
        Path sampleData = sampleData();
        List<String> files = sampleFiles(sampleData);
        assertEquals(new TreeSet<>(EXPECTED.keySet()), new TreeSet<>(files),
                "every file under sample-data/ needs its expected outcome here and in sample-data/README.md");

        for (String file : files) {
            Expected expected = EXPECTED.get(file);
            String dataset = file.substring(0, file.indexOf('/'));
            Path input = sampleData.resolve(file);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            int exit = SilverConverterCli.run(List.of("convert", "--input", input.toString(), "--output", lake.toString(), "--dataset", dataset),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

            String summary = out.toString(StandardCharsets.UTF_8).strip();
            assertEquals(0, exit, file + ": " + summary + err.toString(StandardCharsets.UTF_8));
            Matcher matcher = SUMMARY.matcher(summary);
            assertTrue(matcher.matches(), file + ": " + summary);
            assertEquals(input.getFileName().toString(), matcher.group("file"), summary);
            assertEquals(dataset, matcher.group("dataset"), summary);
            assertEquals(expected.read(), Long.parseLong(matcher.group("read")), file + " rows read: " + summary);
            assertEquals(expected.written(), Long.parseLong(matcher.group("written")), file + " rows written: " + summary);
            assertEquals(expected.quarantined(), Long.parseLong(matcher.group("quarantined")), file + " rows quarantined: " + summary);
            assertEquals(countRecords(input, expected.delimiter()), expected.read(), file + ": rows read is not the number of records Commons CSV finds");
            assertEquals(expected.quarantine(), quarantineReasons(summary), file + ": quarantined rows");
        }

        for (Map.Entry<String, String> schema : EXPECTED_SCHEMAS.entrySet()) {
            assertEquals(schema.getValue(), contract(schema.getKey()), "schema contract of " + schema.getKey());
        }
    }

    /**
     * The contracts sample-data ships for Terraform to declare ({@code schema_contracts_dir}, which puts each
     * at {@code _schemas/<dataset>.json} in the silver bucket), read by the converter's own reader: each is
     * valid, of its file's dataset, and types its dataset as the clean files do, which the gold models need.
     * With them in place, the sales files converted messy March first (what S3 may do with files uploaded
     * together) come out as the README's table says: March's {@code N/A} quarantined, and the contract as
     * declared, byte for byte. Without them, March first would have typed {@code quantity} as string.
     */
    @Test
    void theDeclaredSampleContractsTypeTheDatasetsWhicheverFileIsConvertedFirst(@TempDir Path undeclaredTemporary) throws IOException {
        // A folder of the TempDir, not the TempDir itself: the commits' lock file goes beside --output, and must stay in the TempDir.
        Path undeclared = undeclaredTemporary.resolve("undeclared");
        Path declared = sampleData();
        // The messy file first, January, which types the dataset when files are converted in path order, last.
        List<String> salesFiles = List.of("sales/2026/03/sales_2026_03_messy.csv", "sales/2026/04/sales_2026_04.csv.gz",
                "sales/2026/02/sales_2026_02_multiline_notes.csv", "sales/2026/01/sales_2026_01.csv");
        assertEquals(new TreeSet<>(salesFiles), new TreeSet<>(sampleFiles(sampleData()).stream().filter(file -> file.startsWith("sales/")).toList()));

        // Before: nothing declared, the messy file converted first defines the contract with quantity string.
        convert(undeclared, "sales/2026/03/sales_2026_03_messy.csv", "sales");
        assertTrue(contract(undeclared, "sales").contains("quantity string"), contract(undeclared, "sales"));

        SchemaContractStore contracts = new SchemaContractStore(new LocalObjectStore(lake), new SilverLayout(""));
        Map<String, byte[]> declaredBytes = new LinkedHashMap<>();
        for (Map.Entry<String, String> schema : EXPECTED_SCHEMAS.entrySet()) {
            String dataset = schema.getKey();
            byte[] bytes = Files.readAllBytes(declared.resolve(dataset + ".json"));
            Files.createDirectories(lake.resolve("_schemas"));
            Files.write(lake.resolve("_schemas").resolve(dataset + ".json"), bytes);
            declaredBytes.put(dataset, bytes);
            SchemaContract contract = contracts.load(dataset).orElseThrow();
            assertEquals(dataset, contract.dataset(), "sample-data/" + dataset + ".json");
            assertEquals(schema.getValue(), contract.describeColumns(), "sample-data/" + dataset + ".json declares what the clean files infer");
        }
        try (Stream<Path> files = Files.list(declared)) {
            assertEquals(new TreeSet<>(EXPECTED_SCHEMAS.keySet()), new TreeSet<>(files.map(file -> file.getFileName().toString())
                            .filter(name -> name.endsWith(".json")).map(name -> name.substring(0, name.length() - ".json".length())).toList()),
                    "sample-data/*.json: a contract for each sample dataset and nothing else");
        }

        List<String> converted = new ArrayList<>(salesFiles);
        converted.addAll(List.of("customers/customers.csv", "products/products.csv", "stores_eu/stores.csv"));
        for (String file : converted) {
            Expected expected = EXPECTED.get(file);
            String summary = convert(lake, file, file.substring(0, file.indexOf('/')));
            Matcher matcher = SUMMARY.matcher(summary);
            assertTrue(matcher.matches(), file + ": " + summary);
            assertEquals(List.of(expected.read(), expected.written(), expected.quarantined()),
                    List.of(Long.parseLong(matcher.group("read")), Long.parseLong(matcher.group("written")), Long.parseLong(matcher.group("quarantined"))),
                    file + " rows read, written, quarantined: " + summary);
            assertEquals(expected.quarantine(), quarantineReasons(summary), file + ": quarantined rows");
        }
        for (Map.Entry<String, byte[]> entry : declaredBytes.entrySet()) {
            assertArrayEquals(entry.getValue(), Files.readAllBytes(lake.resolve("_schemas").resolve(entry.getKey() + ".json")),
                    "the converter never changes a contract: " + entry.getKey());
        }
    }

    /** The local command's summary of one sample file converted into {@code output}; fails unless it exits 0. */
    private static String convert(Path output, String file, String dataset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = SilverConverterCli.run(List.of("convert", "--input", sampleData().resolve(file).toString(), "--output", output.toString(), "--dataset", dataset),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String summary = out.toString(StandardCharsets.UTF_8).strip();
        assertEquals(0, exit, file + ": " + summary + err.toString(StandardCharsets.UTF_8));
        return summary;
    }

    private static Path sampleData() {
        // Maven runs tests in the module directory; an IDE may run them from the repository root.
        for (Path candidate : List.of(Path.of("..", "sample-data"), Path.of("sample-data"))) {
            if (Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        return fail("sample-data/ not found from " + Path.of("").toAbsolutePath());
    }

    /** The convertible files, relative to sample-data/ with '/' separators, in path order. */
    private static List<String> sampleFiles(Path sampleData) throws IOException {
        try (Stream<Path> paths = Files.walk(sampleData)) {
            return paths.filter(Files::isRegularFile)
                    .map(path -> sampleData.relativize(path).toString().replace('\\', '/'))
                    .filter(name -> name.matches("(?i).*\\.(csv|csv\\.gz|dat)$"))
                    .sorted()
                    .toList();
        }
    }

    /** Data records as Commons CSV reads them, independently of the converter: quoted line breaks stay inside one record. */
    private static long countRecords(Path file, char delimiter) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setIgnoreEmptyLines(true).get();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
                CSVParser parser = format.parse(reader)) {
            long records = parser.stream().count();
            return records - 1;
        }
    }

    private static List<String> quarantineReasons(String summary) throws IOException {
        Matcher matcher = QUARANTINE_FILE.matcher(summary);
        if (!matcher.find()) {
            return List.of();
        }
        List<String> reasons = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(Path.of(matcher.group(1)), StandardCharsets.UTF_8);
                CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
            for (CSVRecord record : parser) {
                reasons.add(record.get("source_line") + ": " + record.get("reason"));
            }
        }
        return reasons;
    }

    private String contract(String dataset) throws IOException {
        return contract(lake, dataset);
    }

    private static String contract(Path lake, String dataset) throws IOException {
        JsonNode contract = JSON.readTree(lake.resolve("_schemas").resolve(dataset + ".json").toFile());
        Map<String, String> columns = new LinkedHashMap<>();
        contract.get("columns").forEach(column -> columns.put(column.get("name").asText(), column.get("type").asText()));
        List<String> described = new ArrayList<>();
        columns.forEach((name, type) -> described.add(name + " " + type));
        return String.join(", ", described);
    }
}
