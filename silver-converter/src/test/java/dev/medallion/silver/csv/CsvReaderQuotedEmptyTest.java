package dev.medallion.silver.csv;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.text.EncodingSource;
import dev.medallion.silver.csv.CsvReader.Row;
import dev.medallion.silver.schema.NullMarkers;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A reader that keeps quoted empty fields ({@code CSV_QUOTED_EMPTY_STRINGS}) gives {@code ""} as {@link NullMarkers#QUOTED_EMPTY}
 * and an unquoted empty field as {@code ""}, whole file or range, first field, last field or alone; any other reader gives both as
 * {@code ""}. Compared by identity, as the converter tells them apart.
 */
class CsvReaderQuotedEmptyTest {
    private static final String LOCATION = "s3://bronze/customers/test.csv";
    private static final NullMarkers KEEPS = NullMarkers.defaults().keepingQuotedEmptyStrings();
    /** Quoted and unquoted empty fields first, inside and last on a line, one of them a line's last field before the end of the text. */
    private static final String TEXT = "a,b,c\n\"\",,\"\"\n,\"\",\n\"x\",\"\"\"\",\"\"";

    @Test
    void aReaderThatKeepsQuotedEmptyFieldsTellsThemFromEmptyFields() throws Exception {
        try (CsvReader csv = CsvReader.open(in(TEXT), Optional.empty(), Optional.empty(), EncodingSource.CSV_ENCODINGS, LOCATION, "customers",
                ConversionLimits.DEFAULT_MAX_ROW_CHARS, KEEPS)) {
            assertEquals(List.of("a,b,c", "Q,E,Q", "E,Q,E", "x,\",Q"), shapes(drain(csv)));
        }
    }

    @Test
    void rangesKeepQuotedEmptyFieldsAsTheWholeFileDoes() throws Exception {
        try (CsvReader csv = CsvReader.openFirstRange(in(TEXT), Optional.empty(), Optional.empty(), EncodingSource.CSV_ENCODINGS, LOCATION, "customers",
                ConversionLimits.DEFAULT_MAX_ROW_CHARS, false, KEEPS)) {
            assertEquals(List.of("a,b,c", "Q,E,Q", "E,Q,E", "x,\",Q"), shapes(drain(csv)));
        }
        String range = "\"\",,\"\"\n,\"\",\n";
        try (CsvReader csv = CsvReader.openRange(in(range), ',', StandardCharsets.UTF_8, EncodingSource.CSV_ENCODINGS, LOCATION, "customers",
                ConversionLimits.DEFAULT_MAX_ROW_CHARS, true, KEEPS)) {
            assertEquals(List.of("Q,E,Q", "E,Q,E"), shapes(drain(csv)));
            assertEquals(true, csv.endedBetweenRecords(), "the end marker is still found after a range of empty fields");
        }
    }

    @Test
    void anyOtherReaderGivesBothAsTheEmptyText() throws Exception {
        try (CsvReader csv = CsvReader.open(in(TEXT), Optional.empty(), Optional.empty(), EncodingSource.CSV_ENCODINGS, LOCATION, "customers",
                ConversionLimits.DEFAULT_MAX_ROW_CHARS)) {
            assertEquals(List.of("a,b,c", "E,E,E", "E,E,E", "x,\",E"), shapes(drain(csv)));
        }
    }

    /**
     * Given markers, the reader gives each one read quoted as its quoted form, whichever of several markers, wherever in the record and
     * however often, a record parsed again per marker it holds; and in a range as in the whole file. Compared by identity.
     */
    @Test
    void aReaderGivenMarkersTellsEachQuotedMarkerFromAnUnquotedOne() throws Exception {
        NullMarkers markers = NullMarkers.declaring(List.of("NULL", "\\N")).keepingQuotedEmptyStrings();
        String text = "a,b,c,d\n\"NULL\",NULL,\"\\N\",\\N\n\\N,\"\\N\",\"NULL\",\"\"\nNULL,\"x,NULL\",\"NU\"\"LL\",\n";
        List<String> expected = List.of("a,b,c,d", "q(NULL),NULL,q(\\N),\\N", "\\N,q(\\N),q(NULL),Q", "NULL,x,NULL,NU\"LL,E");
        try (CsvReader csv = CsvReader.open(in(text), Optional.empty(), Optional.empty(), EncodingSource.CSV_ENCODINGS, LOCATION, "customers",
                ConversionLimits.DEFAULT_MAX_ROW_CHARS, markers)) {
            assertEquals(expected, shapes(drain(csv), markers));
        }
        try (CsvReader csv = CsvReader.openRange(in(text.substring(text.indexOf('\n') + 1)), ',', StandardCharsets.UTF_8, EncodingSource.CSV_ENCODINGS,
                LOCATION, "customers", ConversionLimits.DEFAULT_MAX_ROW_CHARS, true, markers)) {
            assertEquals(expected.subList(1, 4), shapes(drain(csv), markers));
        }
    }

    /**
     * The reader tells most records' quoted markers from their kept text, up to the first field read quoted, and parses again only a
     * record with a marker after one: both ways tell the same, whatever lies before a marker. Empty lines and CRLF before a record (its
     * position is before them), a quote inside an unquoted field, white space after a closing quote, a quoted marker first, a record of
     * one field, the file's last without a line break (a range ends with one); and another delimiter.
     */
    @Test
    void recordsToldFromTheirTextAndThoseParsedAgainTellTheSame() throws Exception {
        NullMarkers markers = NullMarkers.declaring(List.of("NULL", "\\N")).keepingQuotedEmptyStrings();
        String text = "a,b,c\r\n\r\n\n\"NULL\",NULL,\\N\n\nab\"c,NULL,\"NULL\"\r\n\"x\" ,NULL,\"NULL\"\n,\"\",\"\\N\"\n\"NULL\",\"NULL\",NULL\n"
                + "NULL,x,\"NULL\"\n\n\"NULL\"\n\"\\N\"";
        List<String> expected = List.of("a,b,c", "q(NULL),NULL,\\N", "ab\"c,NULL,q(NULL)", "x,NULL,q(NULL)", "E,Q,q(\\N)", "q(NULL),q(NULL),NULL",
                "NULL,x,q(NULL)", "q(NULL)", "q(\\N)");
        try (CsvReader csv = CsvReader.open(in(text), Optional.empty(), Optional.empty(), EncodingSource.CSV_ENCODINGS, LOCATION, "customers",
                ConversionLimits.DEFAULT_MAX_ROW_CHARS, markers)) {
            assertEquals(expected, shapes(drain(csv), markers));
        }
        try (CsvReader csv = CsvReader.openRange(in(text.substring(text.indexOf('\n') + 1) + "\n"), ',', StandardCharsets.UTF_8, EncodingSource.CSV_ENCODINGS,
                LOCATION, "customers", ConversionLimits.DEFAULT_MAX_ROW_CHARS, true, markers)) {
            assertEquals(expected.subList(1, expected.size()), shapes(drain(csv), markers));
        }
        try (CsvReader csv = CsvReader.open(in(text.replace(',', ';')), Optional.of(';'), Optional.empty(), EncodingSource.CSV_ENCODINGS, LOCATION,
                "customers", ConversionLimits.DEFAULT_MAX_ROW_CHARS, markers)) {
            assertEquals(expected, shapes(drain(csv), markers));
        }
    }

    private static ByteArrayInputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Row> drain(CsvReader csv) throws IOException, RejectedInputException {
        List<Row> rows = new ArrayList<>();
        for (Optional<Row> row = csv.next(); row.isPresent(); row = csv.next()) {
            rows.add(row.get());
        }
        return rows;
    }

    /** Each row's fields, a quoted empty field as Q (by identity), an empty one as E, others as read. */
    private static List<String> shapes(List<Row> rows) {
        return shapes(rows, NullMarkers.defaults());
    }

    /** As {@link #shapes(List)}, a quoted marker as q(marker) (by identity). */
    private static List<String> shapes(List<Row> rows, NullMarkers markers) {
        return rows.stream().map(row -> String.join(",", row.fields().stream()
                .map(field -> field == NullMarkers.QUOTED_EMPTY ? "Q" : field.isEmpty() ? "E" : markers.isQuotedMarker(field) ? "q(" + field + ")" : field)
                .toList())).toList();
    }
}
