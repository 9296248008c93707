package dev.medallion.silver.csv;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.testing.ShortReads;
import dev.medallion.common.text.EncodingSource;
import dev.medallion.silver.csv.CsvReader.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading a byte range of a file: the end marker tells a boundary between records from one inside a quoted field. */
class CsvReaderRangeTest {
    private static final String LOCATION = "s3://bronze/sales/big.csv";
    private static final String FILE = "id,note\r\n1,plain\r\n2,\"two\r\nlines\"\r\n\r\n3,\"a, b\"\r\n4,last\r\n";

    @Test
    void aRangeEndingBetweenRecordsReturnsTheMarkerAsItsEnd() throws Exception {
        int boundary = FILE.indexOf("3,");
        Range first = readFirst(FILE.substring(0, boundary));
        assertTrue(first.endedBetweenRecords);
        assertEquals(List.of(List.of("id", "note"), List.of("1", "plain"), List.of("2", "two\r\nlines")), first.fields());
        // Line breaks of the range, those in the quoted field and the blank line included: the next range's lines follow them.
        assertEquals(5, first.lineBreaks);

        Range second = readRange(FILE.substring(boundary), false);
        assertEquals(List.of(List.of("3", "a, b"), List.of("4", "last")), second.fields());
        assertEquals(List.of(1L, 2L), second.lines());
        assertEquals(5 + 1, first.lineBreaks + second.lines().get(0), "the first row of the second range is line 6 of the file");
    }

    @Test
    void aRangeEndingInsideAQuotedFieldReadsTheMarkerIntoThatField() throws Exception {
        // The line feed inside "two\r\nlines" looks like a record's end to a guess made from the bytes alone.
        int boundary = FILE.indexOf("lines");
        Range first = readFirst(FILE.substring(0, boundary));
        assertFalse(first.endedBetweenRecords);
        assertEquals(List.of("2", "two\r\n" + CsvReader.END_MARKER), first.fields().get(2));
    }

    @Test
    void aRangeEndingAfterAnUnquotedLineIsNotMistakenForOneInsideQuotes() throws Exception {
        Range range = readRange("5,x\n6,y\n", true);
        assertTrue(range.endedBetweenRecords);
        assertEquals(List.of(List.of("5", "x"), List.of("6", "y")), range.fields());
        assertEquals(2, range.lineBreaks);
    }

    @Test
    void aLineHoldingTheMarkerInsideTheRangeIsData() throws Exception {
        Range range = readRange("5,x\n" + CsvReader.END_MARKER + "\n6,y\n", true);
        assertTrue(range.endedBetweenRecords);
        assertEquals(List.of(List.of("5", "x"), List.of(CsvReader.END_MARKER), List.of("6", "y")), range.fields());
    }

    @Test
    void aRangeWithoutMarkerEndsAsAFileDoes() {
        // The last range ends the file: a quote still open there was never closed, as in a whole file.
        RejectedInputException e = assertThrows(RejectedInputException.class, () -> readRange("7,\"open\n", false));
        assertTrue(e.getMessage().contains("the quote that opens a field on line 1 is never closed"), e.getMessage());
    }

    @Test
    void aDosEndOfFileMarkerEndsTheLastRangeAsItEndsAFileAndIsDataInAnother() throws Exception {
        assertEquals(List.of(List.of("5", "x")), readRange("5,x\n\u001a", false).fields(), "the last range ends the file");
        assertEquals(List.of(List.of("5", "x"), List.of("\u001a")), readRange("5,x\n\u001a\n", true).fields(),
                "a range the file goes on after: a line of it, as in the file read as one stream");
    }

    @Test
    void aQuotedCtrlZEndingTheLastRangeIsARowAndABareOneIsNot() throws Exception {
        assertEquals(List.of(List.of("5"), List.of("\u001a")), readRange("5\r\n\"\u001a\"\r\n\r\n", false).fields(), "quoted: a value");
        assertEquals(List.of(List.of("\u001a")), readRange("\"\u001a\"\n\n", false).fields(), "a last range starting right before it");
        assertEquals(List.of(), readRange("\u001a\n\n", false).fields(), "bare: the end of the text");
    }

    @Test
    void aByteOrderMarkAtARangeStartIsData() throws Exception {
        Range range = readRange("\uFEFF8,z\n", true);
        assertEquals(List.of(List.of("\uFEFF8", "z")), range.fields());
    }

    @Test
    void aDelimiterInTheMarkerIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CsvReader.openRange(new ByteArrayInputStream(new byte[0]), CsvReader.END_MARKER.charAt(0),
                StandardCharsets.UTF_8, EncodingSource.CSV_ENCODINGS, LOCATION, "sales", ConversionLimits.DEFAULT_MAX_ROW_CHARS, true));
    }

    /**
     * A file is rejected when more than 3 × MAX_ROW_CHARS + 2 + 64Ki characters lie between the end of one record and the end of the
     * next, blank lines included, or after the last: counted in the characters the parser used, not those it was handed ahead, so that
     * the outcome is the same however the bytes arrive, and for ranges as for one stream.
     */
    @ParameterizedTest(name = "[{index}] line breaks {0}, blank lines at the end: {1}")
    @CsvSource({"LF, false", "CRLF, false", "CR, false", "LF, true", "CRLF, true", "CR, true"})
    void theBoundOnCharactersBetweenRowsIsTheSameWhateverTheReadSizesAndRanges(String lineBreak, boolean atTheEnd) throws Exception {
        String eol = lineBreak.replace("CR", "\r").replace("LF", "\n");
        int limit = 1000;
        long bound = 3L * limit + 2 + 65_536;
        StringBuilder before = new StringBuilder("id,note" + eol);
        long lines = 1;
        for (int i = 0; before.length() < 70_000; i++, lines++) {
            before.append(i).append(",x").append(eol);
        }
        // Between rows, the span is the blank lines and the row after them, its line break included; at the end, the blank lines.
        String row = "2,b" + eol;
        long most = atTheEnd ? bound / eol.length() : (bound - row.length()) / eol.length();
        for (long blankLines : new long[] {most, most + 1}) {
            String text = atTheEnd ? before + row + eol.repeat((int) blankLines) : before + eol.repeat((int) blankLines) + row + "3,c" + eol;
            boolean over = blankLines == most + 1;
            byte[] file = text.getBytes(StandardCharsets.UTF_8);
            String expected = over ? "rejected: More than " + bound + " characters follow line " + (atTheEnd ? lines + 1 : lines) + " without a row ending"
                    : "rows " + (lines + (atTheEnd ? 1 : 2));
            for (int[] sizes : new int[][] {{1}, {5, 7}, {8193}, {1 << 20}}) {
                String reads = blankLines + " blank lines, reads of " + Arrays.toString(sizes);
                assertEquals(expected, outcome(() -> CsvReader.open(ShortReads.of(file, sizes), Optional.empty(), Optional.empty(), LOCATION,
                        "sales", limit)), reads);
                // Two ranges, cut where a record starts: before the blank lines, and after the row that follows them or before that row.
                for (int cut : new int[] {before.length(), atTheEnd ? before.length() + row.length() : text.length() - ("3,c" + eol).length()}) {
                    String first = outcome(() -> CsvReader.openFirstRange(ShortReads.of(Arrays.copyOf(file, cut), sizes), Optional.empty(), Optional.empty(),
                            EncodingSource.CSV_ENCODINGS, LOCATION, "sales", limit, true));
                    String second = outcome(() -> CsvReader.openRange(ShortReads.of(Arrays.copyOfRange(file, cut, file.length), sizes), ',',
                            StandardCharsets.UTF_8, EncodingSource.CSV_ENCODINGS, LOCATION, "sales", limit, false));
                    assertEquals(over, first.startsWith("rejected") || second.startsWith("rejected"), reads + ", cut at " + cut + ": " + first + "; " + second);
                }
            }
        }
    }

    private interface Opener {
        CsvReader open() throws IOException, RejectedInputException;
    }

    /** The rows read, or the start of the rejection's reason. */
    private static String outcome(Opener opener) throws IOException {
        try (CsvReader csv = opener.open()) {
            long rows = 0;
            while (csv.next().isPresent()) {
                rows++;
            }
            return "rows " + rows;
        }
        catch (RejectedInputException e) {
            String message = e.getMessage();
            int end = message.indexOf(" without a row ending");
            return "rejected: " + (end < 0 ? message : message.substring(0, end + " without a row ending".length()));
        }
    }

    private static Range readFirst(String text) throws Exception {
        try (CsvReader csv = CsvReader.openFirstRange(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Optional.empty(), Optional.empty(),
                EncodingSource.CSV_ENCODINGS, LOCATION, "sales", ConversionLimits.DEFAULT_MAX_ROW_CHARS, true)) {
            return drain(csv);
        }
    }

    private static Range readRange(String text, boolean endMarked) throws Exception {
        try (CsvReader csv = CsvReader.openRange(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), ',', StandardCharsets.UTF_8, EncodingSource.CSV_ENCODINGS,
                LOCATION, "sales", ConversionLimits.DEFAULT_MAX_ROW_CHARS, endMarked)) {
            return drain(csv);
        }
    }

    private static Range drain(CsvReader csv) throws IOException, RejectedInputException {
        List<Row> rows = new ArrayList<>();
        for (Optional<Row> row = csv.next(); row.isPresent(); row = csv.next()) {
            rows.add(row.get());
        }
        return new Range(rows, csv.endedBetweenRecords(), csv.endedBetweenRecords() ? csv.lineBreaks() : -1);
    }

    private record Range(List<Row> rows, boolean endedBetweenRecords, long lineBreaks) {
        List<List<String>> fields() {
            return rows.stream().map(row -> List.copyOf(row.fields())).toList();
        }

        List<Long> lines() {
            return rows.stream().map(Row::line).toList();
        }
    }
}
