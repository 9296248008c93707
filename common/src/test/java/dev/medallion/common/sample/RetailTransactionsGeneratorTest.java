package dev.medallion.common.sample;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class RetailTransactionsGeneratorTest {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern MONEY = Pattern.compile("[0-9]+\\.[0-9]{2}");
    private static final Pattern FRACTION = Pattern.compile("0\\.[0-9]{2}");

    @Test
    void sameSeedGivesSameBytesAndOtherSeedsDiffer() throws IOException {
        String first = generate(7, 20_000);
        assertEquals(first, generate(7, 20_000));
        assertNotEquals(first, generate(8, 20_000));
        // A shorter file is a prefix of a longer one: benchmarks at different sizes share their rows.
        assertTrue(first.startsWith(generate(7, 1_000)));
    }

    @Test
    void writesHeaderAndReturnsCharacterCount() throws IOException {
        StringWriter out = new StringWriter();
        long written = new RetailTransactionsGenerator(1).write(0, out);
        assertEquals(RetailTransactionsGenerator.HEADER + "\n", out.toString());
        assertEquals(out.toString().length(), written);
        assertEquals(String.join(",", RetailTransactionsGenerator.COLUMNS), RetailTransactionsGenerator.HEADER);
        assertEquals(14, RetailTransactionsGenerator.COLUMNS.size());

        assertThrows(IllegalArgumentException.class, () -> new RetailTransactionsGenerator(1).write(-1, new StringWriter()));
    }

    @Test
    void outputIsAsciiWithLfLineEndingsAndAbout95BytesPerRow() throws IOException {
        int rows = 50_000;
        StringWriter out = new StringWriter();
        long written = new RetailTransactionsGenerator(3).write(rows, out);
        String csv = out.toString();
        assertEquals(csv.length(), written);
        assertEquals(csv.length(), csv.getBytes(US_ASCII).length);
        assertTrue(csv.chars().allMatch(c -> (c >= 0x20 && c < 0x7f) || c == '\n'), "only printable ASCII and LF");
        assertTrue(csv.endsWith("\n"));
        double perRow = (double) (csv.length() - RetailTransactionsGenerator.HEADER.length() - 1) / rows;
        assertTrue(perRow > 85 && perRow < 105, "bytes per row: " + perRow);
    }

    @Test
    void rowsAreValidCsvWithConsistentValues() throws IOException {
        int rows = 100_000;
        String csv = generate(11, rows);
        List<List<String>> records = parseRfc4180(csv);
        assertEquals(rows + 1, records.size());
        assertEquals(RetailTransactionsGenerator.COLUMNS, records.get(0));

        int emptyNotes = 0;
        int online = 0;
        Set<String> payments = new HashSet<>();
        Set<String> notes = new HashSet<>();
        Set<Integer> years = new HashSet<>();
        for (int i = 1; i <= rows; i++) {
            List<String> row = records.get(i);
            assertEquals(14, row.size(), row::toString);
            assertEquals(String.valueOf(i), row.get(0));
            LocalDateTime timestamp = LocalDateTime.parse(row.get(1), TIMESTAMP);
            years.add(timestamp.getYear());
            assertTrue(DIGITS.matcher(row.get(2)).matches(), row::toString);
            assertTrue(DIGITS.matcher(row.get(3)).matches(), row::toString);
            assertFalse(row.get(4).isEmpty());
            assertFalse(row.get(5).isEmpty());

            int quantity = Integer.parseInt(row.get(6));
            assertTrue(quantity >= 1 && quantity <= 5, row::toString);
            assertTrue(MONEY.matcher(row.get(7)).matches(), row::toString);
            assertTrue(FRACTION.matcher(row.get(8)).matches(), row::toString);
            assertTrue(MONEY.matcher(row.get(9)).matches(), row::toString);
            BigDecimal price = new BigDecimal(row.get(7));
            BigDecimal discount = new BigDecimal(row.get(8));
            BigDecimal expected = price.multiply(BigDecimal.valueOf(quantity))
                    .multiply(BigDecimal.ONE.subtract(discount))
                    .setScale(2, RoundingMode.HALF_UP);
            assertEquals(expected, new BigDecimal(row.get(9)), row::toString);

            assertFalse(row.get(10).isEmpty());
            payments.add(row.get(11));
            assertTrue(row.get(12).equals("true") || row.get(12).equals("false"), row::toString);
            online += row.get(12).equals("true") ? 1 : 0;
            if (row.get(13).isEmpty()) {
                emptyNotes++;
            }
            else {
                notes.add(row.get(13));
            }
        }

        assertEquals(Set.of(2025, 2026), years);
        assertTrue(payments.contains("Card, contactless"), payments.toString());
        assertTrue(csv.contains(",\"Card, contactless\","), "the payment method with a comma is quoted");
        double emptyShare = (double) emptyNotes / rows;
        assertTrue(emptyShare > 0.94 && emptyShare < 0.96, "empty notes: " + emptyShare);
        assertTrue(notes.stream().anyMatch(note -> note.contains(",")), notes.toString());
        assertTrue(notes.stream().anyMatch(note -> note.contains("\"")), notes.toString());
        assertTrue(notes.stream().anyMatch(note -> !note.contains(",") && !note.contains("\"")), notes.toString());
        assertTrue(online > rows / 10 && online < rows / 2, "online rows: " + online);
    }

    @Test
    void parserUsedHereIsStrict() {
        assertEquals(List.of(List.of("a", "b,c", "say \"hi\"", "")), parseRfc4180("a,\"b,c\",\"say \"\"hi\"\"\",\n"));
        assertThrows(IllegalArgumentException.class, () -> parseRfc4180("a,b\"c\n"));
        assertThrows(IllegalArgumentException.class, () -> parseRfc4180("a,\"b\"c\n"));
        assertThrows(IllegalArgumentException.class, () -> parseRfc4180("a,\"b\n"));
        assertThrows(IllegalArgumentException.class, () -> parseRfc4180("a,\"b\"\n"), "quoted without need");
        assertThrows(IllegalArgumentException.class, () -> parseRfc4180("a,b"), "missing final LF");
        assertThrows(IllegalArgumentException.class, () -> parseRfc4180("a,b\r\n"));
    }

    private static String generate(long seed, long rows) throws IOException {
        StringWriter out = new StringWriter();
        new RetailTransactionsGenerator(seed).write(rows, out);
        return out.toString();
    }

    /**
     * RFC 4180 with LF records, stricter than a lenient reader on purpose: a quote may only open a field
     * or be doubled inside a quoted one, a closing quote must end the field, every record ends with LF,
     * and a field is quoted only when it has to be (it holds a comma, a quote or a line break), so a
     * generator that quotes sloppily fails here rather than in a converter.
     */
    private static List<List<String>> parseRfc4180(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            field.setLength(0);
            if (text.charAt(i) == '"') {
                int start = i;
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new IllegalArgumentException("unterminated quoted field at " + start);
                    }
                    char c = text.charAt(i++);
                    if (c != '"') {
                        field.append(c);
                    }
                    else if (i < text.length() && text.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    }
                    else {
                        break;
                    }
                }
                if (field.indexOf(",") < 0 && field.indexOf("\"") < 0 && field.indexOf("\n") < 0) {
                    throw new IllegalArgumentException("needlessly quoted field at " + start);
                }
            }
            else {
                while (i < text.length() && text.charAt(i) != ',' && text.charAt(i) != '\n') {
                    char c = text.charAt(i++);
                    if (c == '"' || c == '\r') {
                        throw new IllegalArgumentException("stray " + (c == '"' ? "quote" : "CR") + " at " + (i - 1));
                    }
                    field.append(c);
                }
            }
            record.add(field.toString());
            if (i >= text.length()) {
                throw new IllegalArgumentException("last record does not end with LF");
            }
            char separator = text.charAt(i++);
            if (separator == '\n') {
                records.add(record);
                record = new ArrayList<>();
            }
            else if (separator != ',') {
                throw new IllegalArgumentException("expected comma or LF after field at " + (i - 1));
            }
            else if (i == text.length()) {
                throw new IllegalArgumentException("last record does not end with LF");
            }
        }
        return records;
    }
}
