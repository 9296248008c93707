package dev.medallion.silver.csv;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.text.EncodingSource;
import dev.medallion.silver.csv.CsvReader.Row;
import dev.medallion.silver.schema.NullMarkers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static dev.medallion.silver.csv.CsvReading.drain;
import static dev.medallion.silver.csv.CsvReading.in;
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

    /**
     * The kept text tells the fields after a quoted one too, past what a quoted field may hold: a doubled quote (also as its last
     * characters, and a field of one quote alone), the delimiter, a line break (LF, CRLF) and white space after its closing quote; a
     * marker as a record's last field and first; and a record whose text crosses 64 Ki characters (the parser's read-ahead and what is
     * kept of the text are let go of in bulk), with records before and after it. Whole file and range, and another delimiter.
     */
    @Test
    void fieldsAfterAQuotedOneAreToldFromTheKeptText() throws Exception {
        NullMarkers markers = NullMarkers.declaring(List.of("NULL", "\\N")).keepingQuotedEmptyStrings();
        String longValue = "x,\"y\n".repeat(12_000);
        String text = "a,b,c,d\n"
                + "\"say \"\"hi\"\"\",NULL,\"NULL\",NULL\n"
                + "\"ends in a quote \"\"\",\"\"\"\",NULL,\"\\N\"\n"
                + "\"a,NULL\",\"b,\"\"NULL\"\"\",\\N,\"NULL\"\n"
                + "\"two\nlines\",\"CR\r\nLF\",NULL,\"NULL\"\r\n"
                + "\"x\" \t,NULL,\"y\"\t,\"\\N\"\n"
                + "NULL,\"\",NULL,NULL\n"
                + "\"" + longValue.replace("\"", "\"\"") + "\",NULL,\"NULL\",NULL\n"
                + "\"after\",\"NULL\",NULL,\"NULL\"\n";
        List<String> expected = List.of("a,b,c,d", "say \"hi\",NULL,q(NULL),NULL", "ends in a quote \",\",NULL,q(\\N)", "a,NULL,b,\"NULL\",\\N,q(NULL)",
                "two\nlines,CR\r\nLF,NULL,q(NULL)", "x,NULL,y,q(\\N)", "NULL,Q,NULL,NULL", longValue + ",NULL,q(NULL),NULL", "after,q(NULL),NULL,q(NULL)");
        try (CsvReader csv = CsvReader.open(in(text), Optional.empty(), Optional.empty(), EncodingSource.CSV_ENCODINGS, LOCATION, "customers",
                ConversionLimits.DEFAULT_MAX_ROW_CHARS, markers)) {
            assertEquals(expected, shapes(drain(csv), markers));
            assertEquals(0, csv.recordsParsedAgain(), "every record is told from its kept text");
        }
        try (CsvReader csv = CsvReader.openRange(in(text.substring(text.indexOf('\n') + 1)), ',', StandardCharsets.UTF_8, EncodingSource.CSV_ENCODINGS,
                LOCATION, "customers", ConversionLimits.DEFAULT_MAX_ROW_CHARS, true, markers)) {
            assertEquals(expected.subList(1, expected.size()), shapes(drain(csv), markers));
            assertEquals(0, csv.recordsParsedAgain(), "every record of the range is told from its kept text");
        }
        String semicolons = text.replace(',', ';');
        List<String> expectedSemicolons = expected.stream().map(shape -> shape.replace(',', ';')).toList();
        try (CsvReader csv = CsvReader.open(in(semicolons), Optional.of(';'), Optional.empty(), EncodingSource.CSV_ENCODINGS, LOCATION, "customers",
                ConversionLimits.DEFAULT_MAX_ROW_CHARS, markers)) {
            assertEquals(expectedSemicolons, shapes(drain(csv), markers, ";"));
            assertEquals(0, csv.recordsParsedAgain(), "every record is told from its kept text, ';' the delimiter");
        }
    }

    /**
     * A range that ends inside a quoted field (read leniently, the end marker read into it) keeps no closing quote for the kept text to
     * find: that record is parsed again, and tells its markers as the others do.
     */
    @Test
    void aRangeEndingInsideQuotesIsParsedAgain() throws Exception {
        NullMarkers markers = NullMarkers.declaring(List.of("NULL")).keepingQuotedEmptyStrings();
        try (CsvReader csv = CsvReader.openRange(in("NULL,\"NULL\",\"x\"\n\"NULL\",NULL,\"ab"), ',', StandardCharsets.UTF_8, EncodingSource.CSV_ENCODINGS,
                LOCATION, "customers", ConversionLimits.DEFAULT_MAX_ROW_CHARS, true, markers)) {
            assertEquals(List.of("NULL,q(NULL),x", "q(NULL),NULL,ab" + CsvReader.END_MARKER), shapes(drain(csv), markers));
            assertEquals(false, csv.endedBetweenRecords());
            assertEquals(1, csv.recordsParsedAgain(), "only the record the range ends inside is parsed again");
        }
    }

    /** Each row's fields, a quoted empty field as Q (by identity), an empty one as E, others as read. */
    private static List<String> shapes(List<Row> rows) {
        return shapes(rows, NullMarkers.defaults());
    }

    /** As {@link #shapes(List)}, a quoted marker as q(marker) (by identity). */
    private static List<String> shapes(List<Row> rows, NullMarkers markers) {
        return shapes(rows, markers, ",");
    }

    /** As {@link #shapes(List, NullMarkers)}, the fields joined by {@code separator}. */
    private static List<String> shapes(List<Row> rows, NullMarkers markers, String separator) {
        return rows.stream().map(row -> String.join(separator, row.fields().stream()
                .map(field -> field == NullMarkers.QUOTED_EMPTY ? "Q" : field.isEmpty() ? "E" : markers.isQuotedMarker(field) ? "q(" + field + ")" : field)
                .toList())).toList();
    }
}
