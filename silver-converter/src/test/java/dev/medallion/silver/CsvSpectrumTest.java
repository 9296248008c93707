package dev.medallion.silver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.silver.local.SilverConverterCli;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Converts every file of the public csv-spectrum suite with the local command and checks that the
 * Parquet read back holds exactly the rows of the suite's expected JSON. The suite is fetched by the
 * Maven build into {@code target/csv-spectrum} (see {@code src/test/scripts/fetch-csv-spectrum.sh}).
 */
class CsvSpectrumTest {
    private static final Path SUITE = Path.of("target", "csv-spectrum");
    private static final int SUITE_FILES = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Known mistakes in csv-spectrum 2.0.0's expected JSON, corrected to what the CSV file itself holds:
     * file, then column, then {wrong value in the JSON, value in the CSV}. Each correction is applied only
     * while the JSON still holds the wrong value and the CSV literally holds the right one.
     */
    private static final Map<String, Map<String, List<String>>> EXPECTED_JSON_ERRATA = Map.of(
            // The JSON holds a placeholder phone number, the CSV a real-looking one.
            "location_coordinates", Map.of("Contact Phone Number", List.of("1234567890", "2095257564")));

    static Stream<String> suiteFiles() throws IOException {
        Path csvs = SUITE.resolve("csvs");
        if (!Files.isDirectory(csvs)) {
            fail(csvs.toAbsolutePath() + " is missing: the Maven build fetches csv-spectrum there in generate-test-resources"
                    + " (mvn -pl silver-converter generate-test-resources)");
        }
        try (Stream<Path> files = Files.list(csvs)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".csv"))
                    .map(name -> name.substring(0, name.length() - ".csv".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @Test
    void suiteIsCompleteWithExpectedJsonForEveryCsv() throws IOException {
        List<String> names = suiteFiles().toList();
        assertEquals(SUITE_FILES, names.size(), "csv-spectrum files: " + names);
        for (String name : names) {
            assertTrue(Files.isRegularFile(SUITE.resolve("json").resolve(name + ".json")), "no expected JSON for " + name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suiteFiles")
    void convertsAndReadsBackExactlyTheExpectedRows(String name, @TempDir Path temporary) throws IOException {
        // A folder of the TempDir, not the TempDir itself: the commits' lock file goes beside --output, and must stay in the TempDir.
        Path output = temporary.resolve("lake");
        Path csv = SUITE.resolve("csvs").resolve(name + ".csv");
        List<Map<String, String>> expected = expectedRows(name);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = SilverConverterCli.run(List.of("convert", "--input", csv.toString(), "--output", output.toString(), "--dataset", name),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, "exit code; stdout: " + out.toString(StandardCharsets.UTF_8) + "; stderr: " + err.toString(StandardCharsets.UTF_8));

        JsonNode manifest = manifest(output, name);
        assertEquals("converted", manifest.path("status").asText(), "manifest status; reason: " + manifest.path("reason"));
        long rowsRead = manifest.path("rowsRead").asLong(-1);
        long rowsWritten = manifest.path("rowsWritten").asLong(-1);
        long rowsQuarantined = manifest.path("rowsQuarantined").asLong(-1);
        assertEquals(rowsRead, rowsWritten + rowsQuarantined, "rowsRead == rowsWritten + rowsQuarantined");
        assertEquals(0, rowsQuarantined, "quarantined rows (see " + manifest.path("quarantine") + ")");
        assertTrue(manifest.path("quarantine").isNull(), "manifest quarantine: " + manifest.path("quarantine"));
        assertEquals(expected.size(), rowsRead, "rowsRead");
        assertTrue(Files.isRegularFile(output.resolve("_schemas").resolve(name + ".json")), "schema contract written");

        // The header: as in the file, and what each column came from.
        List<String> expectedHeader = List.copyOf(expected.get(0).keySet());
        assertEquals(expectedHeader, texts(manifest.path("header")), "manifest header");
        List<String> columnNames = new ArrayList<>();
        List<String> columnTypes = new ArrayList<>();
        List<String> sourceNames = new ArrayList<>();
        for (JsonNode column : manifest.path("columns")) {
            columnNames.add(column.path("name").asText());
            columnTypes.add(column.path("type").asText());
            sourceNames.add(column.path("sourceName").asText());
        }
        assertEquals(expectedHeader, sourceNames, "manifest columns[].sourceName");

        List<GenericRecord> records = new ArrayList<>();
        assertTrue(manifest.path("parts").size() > 0, "manifest lists no part");
        for (JsonNode part : manifest.path("parts")) {
            String key = part.path("key").asText();
            assertTrue(key.startsWith(name + "/ingest_date="), "part key " + key);
            Path file = output.resolve(key);
            assertEquals(Set.of(CompressionCodecName.SNAPPY), ParquetTestFiles.codecs(file), "codecs of " + key);
            assertEquals(columnNames, ParquetTestFiles.schema(file).getFields().stream().map(Type::getName).toList(), "Parquet columns of " + key);
            List<GenericRecord> partRecords = ParquetTestFiles.readAll(file);
            assertEquals(part.path("rows").asLong(), partRecords.size(), "rows of " + key);
            assertEquals(part.path("bytes").asLong(), Files.size(file), "bytes of " + key);
            records.addAll(partRecords);
        }

        List<String> differences = new ArrayList<>();
        if (records.size() != expected.size()) {
            differences.add("expected " + expected.size() + " rows, read " + records.size());
        }
        for (int row = 0; row < Math.min(records.size(), expected.size()); row++) {
            Map<String, String> expectedRow = expected.get(row);
            if (!expectedRow.keySet().equals(Set.copyOf(expectedHeader))) {
                differences.add("row " + (row + 1) + ": expected JSON keys " + expectedRow.keySet() + " differ from the header");
                continue;
            }
            for (int c = 0; c < columnNames.size(); c++) {
                String want = expectedRow.get(sourceNames.get(c));
                Object got = records.get(row).get(columnNames.get(c));
                if (!matches(columnTypes.get(c), want, got)) {
                    differences.add("row " + (row + 1) + ", column " + sourceNames.get(c) + " (" + columnNames.get(c) + " " + columnTypes.get(c)
                            + "): expected " + quoted(want) + ", read " + (got == null ? "null" : quoted(got.toString()) + " (" + got.getClass().getSimpleName() + ")"));
                }
            }
        }
        assertTrue(differences.isEmpty(), name + ": Parquet differs from the expected JSON:\n" + String.join("\n", differences));
    }

    /** The expected rows, each column's text in header order; an empty text stands for an empty field. */
    private static List<Map<String, String>> expectedRows(String name) throws IOException {
        JsonNode json = JSON.readTree(SUITE.resolve("json").resolve(name + ".json").toFile());
        // csv-spectrum 2.0.0 writes location_coordinates.json as one bare object instead of a one-element array.
        List<JsonNode> objects = new ArrayList<>();
        if (json.isArray()) {
            json.forEach(objects::add);
        }
        else {
            objects.add(json);
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonNode object : objects) {
            assertTrue(object.isObject(), name + ".json: not an object: " + object);
            Map<String, String> row = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                assertTrue(field.getValue().isTextual(), name + ".json: " + field.getKey() + " is not a string");
                row.put(field.getKey(), field.getValue().asText());
            }
            rows.add(row);
        }
        assertTrue(!rows.isEmpty(), name + ".json holds no row");
        applyErrata(name, rows);
        return rows;
    }

    private static void applyErrata(String name, List<Map<String, String>> rows) throws IOException {
        Map<String, List<String>> errata = EXPECTED_JSON_ERRATA.getOrDefault(name, Map.of());
        if (errata.isEmpty()) {
            return;
        }
        String csv = Files.readString(SUITE.resolve("csvs").resolve(name + ".csv"), StandardCharsets.UTF_8);
        for (Map.Entry<String, List<String>> erratum : errata.entrySet()) {
            String column = erratum.getKey();
            String wrong = erratum.getValue().get(0);
            String right = erratum.getValue().get(1);
            assertTrue(csv.contains(right), name + ".csv no longer holds " + right + ": drop the erratum for " + column);
            int corrected = 0;
            for (Map<String, String> row : rows) {
                if (wrong.equals(row.get(column))) {
                    row.put(column, right);
                    corrected++;
                }
            }
            assertEquals(1, corrected, name + ".json no longer holds " + wrong + " in " + column + ": drop the erratum");
        }
    }

    /** Whether the value read back is the JSON's text: typed columns hold the value the text denotes. */
    private static boolean matches(String type, String expected, Object actual) {
        if (expected.isEmpty() || actual == null) {
            return expected.isEmpty() && actual == null;
        }
        String text = expected.strip();
        try {
            return switch (type) {
                case "string" -> actual.toString().equals(expected);
                case "bigint" -> actual instanceof Long value && new BigDecimal(text).compareTo(BigDecimal.valueOf(value)) == 0;
                case "double" -> actual instanceof Double value && Double.compare(Double.parseDouble(text), value) == 0;
                case "boolean" -> actual instanceof Boolean value && text.equalsIgnoreCase(value.toString());
                case "date" -> actual instanceof Integer days && LocalDate.parse(text).equals(LocalDate.ofEpochDay(days));
                case "timestamp" -> actual instanceof Long millis && timestampMillis(text) == millis;
                default -> throw new AssertionError("unknown column type " + type);
            };
        }
        catch (NumberFormatException | DateTimeParseException e) {
            return false;
        }
    }

    /** The converter's timestamp forms: a date, optional time after a space or T, optional Z or offset; UTC without one. */
    private static long timestampMillis(String text) {
        String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        if (iso.length() == 10) {
            return LocalDate.parse(iso).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        try {
            return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
        }
        catch (DateTimeParseException e) {
            return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
    }

    private static JsonNode manifest(Path output, String dataset) throws IOException {
        Path folder = output.resolve("_manifests").resolve(dataset);
        assertTrue(Files.isDirectory(folder), folder + " is missing");
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> manifests = files.filter(file -> file.toString().endsWith(".json")).toList();
            assertEquals(1, manifests.size(), "manifests in " + folder + ": " + manifests);
            return JSON.readTree(manifests.get(0).toFile());
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private static String quoted(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "\\r").replace("\n", "\\n") + '"';
    }
}
