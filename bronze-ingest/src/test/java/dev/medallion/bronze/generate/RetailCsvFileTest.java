package dev.medallion.bronze.generate;

import dev.medallion.common.sample.RetailTransactionsGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetailCsvFileTest {
    @TempDir
    Path directory;

    @Test
    void writesExactlyWhatTheGeneratorWrites() throws IOException {
        RetailCsvFile.Written written = new RetailCsvFile(42).write(1_000, directory.resolve("out/retail.csv"));

        byte[] expected = generated(42, 1_000);
        assertArrayEquals(expected, Files.readAllBytes(directory.resolve("out/retail.csv")));
        assertEquals(new RetailCsvFile.Written(directory.resolve("out/retail.csv"), 1_000, expected.length, written.elapsed()), written);
        List<String> lines = Files.readAllLines(written.file(), StandardCharsets.US_ASCII);
        assertEquals(1_001, lines.size());
        assertEquals(RetailTransactionsGenerator.HEADER, lines.get(0));
        assertTrue(lines.get(1_000).startsWith("1000,"), lines.get(1_000));
        assertEquals(List.of("retail.csv"), names(directory.resolve("out")));
    }

    @Test
    void gzipWhenTheNameSaysSo() throws IOException {
        Path file = new RetailCsvFile(RetailCsvFile.DEFAULT_SEED).write(500, directory.resolve("retail.csv.gz")).file();

        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            assertArrayEquals(generated(RetailCsvFile.DEFAULT_SEED, 500), in.readAllBytes());
        }
    }

    @Test
    void replacesAnEarlierFileWhole() throws IOException {
        Path file = Files.writeString(directory.resolve("retail.csv"), "old content that is longer than a header and no rows ".repeat(20));

        new RetailCsvFile(1).write(0, file);

        assertEquals(RetailTransactionsGenerator.HEADER + "\n", Files.readString(file));
        assertEquals(List.of("retail.csv"), names(directory));
    }

    @Test
    void refusesAFolder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RetailCsvFile(1).write(1, directory));
        assertEquals("--out " + directory + " is a folder: give a file name, such as " + directory.resolve("retail.csv"), e.getMessage());
    }

    private static byte[] generated(long seed, long rows) throws IOException {
        StringWriter out = new StringWriter();
        new RetailTransactionsGenerator(seed).write(rows, out);
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
