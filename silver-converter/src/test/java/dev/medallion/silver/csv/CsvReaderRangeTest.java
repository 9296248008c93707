package dev.medallion.silver.csv;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.silver.csv.CsvReader.Row;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
    void aByteOrderMarkAtARangeStartIsData() throws Exception {
        Range range = readRange("\uFEFF8,z\n", true);
        assertEquals(List.of(List.of("\uFEFF8", "z")), range.fields());
    }

    @Test
    void aDelimiterInTheMarkerIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CsvReader.openRange(new ByteArrayInputStream(new byte[0]), CsvReader.END_MARKER.charAt(0),
                StandardCharsets.UTF_8, LOCATION, "sales", ConversionLimits.DEFAULT_MAX_ROW_CHARS, true));
    }

    private static Range readFirst(String text) throws Exception {
        try (CsvReader csv = CsvReader.openFirstRange(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Optional.empty(), Optional.empty(),
                LOCATION, "sales", ConversionLimits.DEFAULT_MAX_ROW_CHARS, true)) {
            return drain(csv);
        }
    }

    private static Range readRange(String text, boolean endMarked) throws Exception {
        try (CsvReader csv = CsvReader.openRange(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), ',', StandardCharsets.UTF_8,
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
