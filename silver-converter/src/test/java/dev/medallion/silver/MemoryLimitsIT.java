package dev.medallion.silver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.config.ConversionLimits;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limits that keep memory bounded by bytes, each at the limit and just past it, with the shaded jar in
 * a JVM of {@code -Xmx256m}, as the README promises: at the limit the file converts, past it the file is
 * rejected with one line naming the limit and its setting, and nothing of it is left but the manifest of
 * the rejection. The content at the limit is the worst found: random CJK text (three UTF-8 bytes a
 * character, incompressible), several such rows after many small ones.
 */
class MemoryLimitsIT {
    private static final Path JAR = Path.of("target/silver-converter.jar");
    private static final int MAX_COLUMNS = ConversionLimits.DEFAULT_MAX_COLUMNS;
    private static final int MAX_ROW_CHARS = ConversionLimits.DEFAULT_MAX_ROW_CHARS;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void aHeaderOfMaxColumnsFieldsConvertsAndOneMoreIsRejected() throws IOException, InterruptedException {
        Path atLimit = wide("wide.csv", MAX_COLUMNS, 100, 3);
        Converted converted = convert(atLimit);
        converted.assertConverted(100);

        Path past = wide("wider.csv", MAX_COLUMNS + 1, 100, 3);
        convert(past).assertRejected("The header holds " + (MAX_COLUMNS + 1) + " fields, more than MAX_COLUMNS allows (" + MAX_COLUMNS + ")");
    }

    @Test
    void longValuesInEveryOneOfMaxColumnsConvert() throws IOException, InterruptedException {
        // Rows of 10,000 values of 400 characters: each row close to MAX_ROW_CHARS, a chunk of its own.
        convert(wide("wide-long.csv", MAX_COLUMNS, 10, 400)).assertConverted(10);
    }

    @Test
    void hugeValuesMovingFromColumnToColumnConvert() throws IOException, InterruptedException {
        // Row k holds a value of almost MAX_ROW_CHARS in column k, the other columns empty: every column once
        // holds a huge value, each in a chunk of its own, so what a column keeps between chunks must not add up.
        int columns = 48;
        Path file = directory.resolve("moving.csv");
        try (Writer out = Files.newBufferedWriter(file)) {
            for (int c = 0; c < columns; c++) {
                out.write((c == 0 ? "" : ",") + "col_" + c);
            }
            out.write('\n');
            for (int row = 0; row < columns; row++) {
                String huge = ("value " + row + " ").repeat((MAX_ROW_CHARS - columns) / ("value " + row + " ").length());
                for (int c = 0; c < columns; c++) {
                    out.write((c == 0 ? "" : ",") + (c == row ? huge : ""));
                }
                out.write('\n');
            }
        }
        convert(file).assertConverted(columns);
    }

    @Test
    void rowsOfMaxRowCharsConvertAndOneCharacterMoreIsRejected() throws IOException, InterruptedException {
        Path atLimit = rows("at-limit.csv", 8, 0);
        Converted converted = convert(atLimit);
        converted.assertConverted(2_000 + 8 + 10);
        GenericRecord huge = converted.rows().get(2_000);
        assertEquals(MAX_ROW_CHARS - 5 - String.valueOf(2_000).length(), huge.get("text").toString().length(), "the value is written whole");

        Path past = rows("past-limit.csv", 8, 1);
        convert(past).assertRejected("The row at line 2002 holds " + (MAX_ROW_CHARS + 1) + " characters (values and delimiters), more than"
                + " MAX_ROW_CHARS allows (" + MAX_ROW_CHARS + ")");
    }

    @Test
    void twoRangesOfRowsAtTheLimitConvertInTwiceTheHeap() throws IOException, InterruptedException {
        // 8 rows of MAX_ROW_CHARS CJK characters: 100 MB, two ranges of four such rows each. One range holds what
        // one stream holds, so two need twice the heap one stream is measured to need (RangeReading.HEAP_PER_READER).
        Path atLimit = rows("at-limit.csv", 8, 0);
        Converted converted = convert(atLimit, "-Xmx512m", Map.of("RANGE_READERS", "2"));
        converted.assertConverted(2_000 + 8 + 10);
        assertEquals(2, converted.parquet().size(), "a part per range");
    }

    @Test
    void theIssuesHugeValuesAreRejectedNotRunOutOfMemory() throws IOException, InterruptedException {
        // Eight rows of a 10 MB value each, and a single 40 MB field (issue 12).
        Path eight = directory.resolve("eight.csv");
        try (Writer out = Files.newBufferedWriter(eight)) {
            out.write("id,text,amount\n");
            for (int i = 0; i < 8; i++) {
                out.write(i + "," + "x".repeat(10_000_000) + ",1.5\n");
            }
        }
        convert(eight).assertRejected("The row at line 2 holds 10000006 characters");

        Path forty = directory.resolve("forty.csv");
        try (Writer out = Files.newBufferedWriter(forty)) {
            out.write("id,text\n1,\"");
            for (int i = 0; i < 40; i++) {
                out.write("y".repeat(1_000_000));
            }
            out.write("\"\n");
        }
        // Never read whole: rejected while it is read, past three times the limit.
        convert(forty).assertRejected("More than " + (3L * MAX_ROW_CHARS + 2 + 65_536) + " characters follow line 1 without a row ending");
    }

    /**
     * A line of six million one-letter fields (12 MB): under the bound on characters without a row ending (three times
     * MAX_ROW_CHARS, for quoting), but each field is an object of its own, about 50 bytes for its two characters, so
     * parsed whole it held some 300 MB and the JVM ran out of memory. Rejected while it is read, naming the limit.
     */
    @Test
    void aLineOfMillionsOfShortFieldsIsRejectedNotRunOutOfMemory() throws IOException, InterruptedException {
        Path many = directory.resolve("many-fields.csv");
        try (Writer out = Files.newBufferedWriter(many)) {
            out.write("id,name\n1,a\n");
            for (int i = 0; i < 6_000_000; i++) {
                out.write(i == 0 ? "a" : ",a");
            }
            out.write("\n2,b\n");
        }
        convert(many).assertRejected("The row after line 2 holds more than " + MAX_ROW_CHARS + " characters (values and delimiters)");
    }

    /** {@code rows} rows of {@code columns} fields, each a random text of {@code length} letters. */
    private Path wide(String name, int columns, int rows, int length) throws IOException {
        Random random = new Random(columns * 31L + rows);
        Path file = directory.resolve(name);
        try (Writer out = Files.newBufferedWriter(file)) {
            for (int c = 0; c < columns; c++) {
                out.write((c == 0 ? "" : ",") + "col_" + c);
            }
            out.write('\n');
            char[] value = new char[length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    for (int i = 0; i < length; i++) {
                        value[i] = (char) ('a' + random.nextInt(26));
                    }
                    if (c > 0) {
                        out.write(',');
                    }
                    out.write(value);
                }
                out.write('\n');
            }
        }
        return file;
    }

    /**
     * 2,000 small rows, then {@code huge} rows of exactly {@code MAX_ROW_CHARS + extra} characters of values
     * and delimiters (random CJK text), then 10 small rows.
     */
    private Path rows(String name, int huge, int extra) throws IOException {
        Random random = new Random(huge * 7L + extra);
        Path file = directory.resolve(name);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("id,text,amount\n");
            int id = 0;
            for (; id < 2_000; id++) {
                out.write(id + ",small " + id + "," + id + ".5\n");
            }
            for (int j = 0; j < huge; j++, id++) {
                // id + "," + text + "," + "1.5"
                int length = MAX_ROW_CHARS + extra - String.valueOf(id).length() - 5;
                char[] text = new char[length];
                for (int i = 0; i < length; i++) {
                    text[i] = (char) (0x4e00 + random.nextInt(2_000));
                }
                out.write(id + ",");
                out.write(text);
                out.write(",1.5\n");
            }
            for (int end = id + 10; id < end; id++) {
                out.write(id + ",small " + id + "," + id + ".5\n");
            }
        }
        return file;
    }

    /** Converts with {@code -Xmx256m} and as many ranges as that heap and this machine's processors allow. */
    private Converted convert(Path input) throws IOException, InterruptedException {
        return convert(input, "-Xmx256m", Map.of());
    }

    private Converted convert(Path input, String heap, Map<String, String> environment) throws IOException, InterruptedException {
        Path output = directory.resolve("lake-" + input.getFileName());
        ProcessBuilder command = new ProcessBuilder(java(), heap, "-jar", JAR.toString(), "convert", "--input", input.toString(), "--output",
                output.toString()).redirectErrorStream(true);
        command.environment().putAll(environment);
        Process process = command.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "no hang: " + printed);
        Files.delete(input);
        return new Converted(process.exitValue(), printed, output);
    }

    private record Converted(int exitCode, String printed, Path output) {
        void assertConverted(long rows) throws IOException {
            assertEquals(0, exitCode, printed);
            assertEquals(1, printed.lines().count(), printed);
            JsonNode manifest = manifest();
            assertEquals("converted", manifest.get("status").asText());
            assertEquals(rows, manifest.get("rowsRead").asLong());
            assertEquals(rows, manifest.get("rowsWritten").asLong());
            long inParts = 0;
            for (Path part : parquet()) {
                inParts += ParquetTestFiles.rowGroups(part).stream().mapToLong(BlockMetaData::getRowCount).sum();
            }
            assertEquals(rows, inParts);
        }

        void assertRejected(String reason) throws IOException {
            assertEquals(1, exitCode, printed);
            assertEquals(1, printed.lines().count(), "one line, no stack trace: " + printed);
            assertTrue(printed.contains(": " + reason), printed);
            assertEquals("rejected", manifest().get("status").asText());
            assertEquals(List.of(), parquet(), "no Parquet is left");
            try (Stream<Path> files = Files.walk(output)) {
                assertFalse(files.anyMatch(file -> file.toString().contains("_quarantine")), "no quarantine file is left");
            }
        }

        List<GenericRecord> rows() throws IOException {
            List<Path> parts = parquet();
            assertEquals(1, parts.size());
            return ParquetTestFiles.readAll(parts.get(0));
        }

        private JsonNode manifest() throws IOException {
            try (Stream<Path> files = Files.walk(output.resolve("_manifests"))) {
                List<Path> manifests = files.filter(Files::isRegularFile).toList();
                assertEquals(1, manifests.size(), manifests.toString());
                return JSON.readTree(manifests.get(0).toFile());
            }
        }

        private List<Path> parquet() throws IOException {
            try (Stream<Path> files = Files.walk(output)) {
                return files.filter(file -> file.toString().endsWith(".parquet")).sorted().toList();
            }
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
