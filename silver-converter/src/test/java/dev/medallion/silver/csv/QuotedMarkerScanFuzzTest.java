package dev.medallion.silver.csv;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.text.EncodingSource;
import dev.medallion.silver.csv.CsvReader.Row;
import dev.medallion.silver.schema.NullMarkers;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import java.util.Set;

import static dev.medallion.silver.csv.CsvReading.drain;
import static dev.medallion.silver.csv.CsvReading.in;
import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A seeded differential fuzz of the scan that tells a listed dataset's quoted markers from unquoted ones in the record's kept text
 * ({@code CsvReader.toldFromText}). Each case writes a file whose every field the generator knows, quoted or not: unquoted values
 * (a quote inside, other delimiters, U+00A0 and U+2003), quoted values holding doubled quotes, the delimiter, CR, LF and CRLF, the
 * declared markers quoted and unquoted anywhere in a record, empty and quoted empty fields, white space that Commons CSV skips after a
 * closing quote, blank lines and LF, CRLF or CR between records, and now and then a field long enough to carry its record across the
 * parser's 64 Ki read-ahead. The generator's expectation is the oracle: a declared marker read quoted is its quoted form, read
 * unquoted the marker itself, a quoted empty field {@link NullMarkers#QUOTED_EMPTY}; every record of the whole file (now and then
 * gzipped, or after a byte order mark) and of byte ranges cut between records must read so, with no record parsed again. A range cut inside a quoted field (the end marker read into it) must
 * read so too, its last record parsed again once per unquoted marker it holds. Commons CSV reads each file too, to check that the
 * generator wrote the values it expects. {@code -Dquotedfuzz.seed} and {@code -Dquotedfuzz.cases} replay or widen it; a mismatch
 * names the case's seed and the record, escaped.
 */
class QuotedMarkerScanFuzzTest {
    private static final long SEED = Long.getLong("quotedfuzz.seed", 20261205L);
    private static final int CASES = Integer.getInteger("quotedfuzz.cases", 400);
    private static final String LOCATION = "s3://bronze/fuzz/test.csv";
    private static final String DATASET = "fuzz";
    private static final char[] DELIMITERS = {',', ';', '|', '\t'};
    /** Marker sets a dataset may declare: the empty text among them, as {@link NullMarkers} takes it, and markers only quotes can hold. */
    private static final List<List<String>> MARKER_SETS = List.of(List.of("NULL"), List.of("NULL", "N/A"), List.of("NULL", "\\N", "N/A"),
            List.of("NULL", "N/A", ""), List.of("-", "NULL"), List.of("NULL", "x|y", "\"q\"", " N/A "));
    /** What Commons CSV's lexer skips between a closing quote and the delimiter: {@link Character#isWhitespace}, neither CR nor LF. */
    private static final char[] WHITE_SPACE = {' ', '\t', '\u2003', '\u000B', '\u000C', '\u001F', '\u2028', '\u3000'};
    /** Texts of values besides the markers: U+00A0 is not white space to Java (so never skipped after a quote), U+2003 is. */
    private static final String[] PIECES = {"a", "b", "x", "7", " ", "\u00A0", "\u2003", "é", "\uD83D\uDE00", "NULL", "N/A", "\\N", "-", "NU", "LL"};
    /** Only inside quotes: the quote (doubled when written), the delimiters and the line breaks. */
    private static final String[] QUOTED_PIECES = {"\"", ",", ";", "|", "\t", "\n", "\r\n", "\r", "\"\"", ",NULL", "NULL\n"};
    private static final int READ_AHEAD = 64 * 1024;

    /** The generator's white space after a closing quote is what the lexer skips there, so the files it writes are valid. */
    @Test
    void theWhiteSpaceAfterAClosingQuoteIsWhatTheLexerSkips() {
        for (char space : WHITE_SPACE) {
            assertTrue(Character.isWhitespace(space) && space != '\r' && space != '\n', "U+" + Integer.toHexString(space));
        }
    }

    /** U+00A0 is not white space to {@link Character#isWhitespace}: after a closing quote the parser refuses it, listed or not, before any scan. */
    @Test
    void aNoBreakSpaceAfterAClosingQuoteIsRefusedAsByAReaderNotListed() throws Exception {
        assertTrue(!Character.isWhitespace('\u00A0'));
        String text = "a,b\n\"x\"\u00A0,NULL\n";
        NullMarkers listed = NullMarkers.declaring(List.of("NULL")).keepingQuotedEmptyStrings();
        assertEquals(refusal(text, NullMarkers.defaults()), refusal(text, listed));
    }

    private static String refusal(String text, NullMarkers markers) throws IOException {
        try (CsvReader csv = CsvReader.open(in(text), Optional.of(','), Optional.empty(), EncodingSource.CSV_ENCODINGS, LOCATION, DATASET,
                ConversionLimits.DEFAULT_MAX_ROW_CHARS, markers)) {
            List<Row> rows = drain(csv);
            return fail("read " + rows.size() + " rows");
        }
        catch (RejectedInputException e) {
            return e.getMessage();
        }
    }

    @Test
    void everyFieldReadsAsTheGeneratorWroteIt() throws Exception {
        Map<String, Integer> seen = new TreeMap<>();
        for (int i = 0; i < CASES; i++) {
            new Case(SEED + i, seen).check();
        }
        // A generator that stopped writing one of these would pass while testing less: each is met at least once.
        List<String> wanted = List.of("delimiter \",\"", "delimiter \";\"", "delimiter \"|\"", "delimiter \"\\t\"", "quoted marker not last",
                "white space after a closing quote", "line break in quotes", "record across the read-ahead", "ranges between records",
                "range ending inside quotes", "range ending inside quotes parsed again", "gzip", "byte order mark", "blank line of a CR");
        for (String feature : wanted) {
            assertTrue(seen.getOrDefault(feature, 0) > 0, "no case had " + feature + ": " + seen);
        }
    }

    /** A field as written: its value, whether it was quoted, and its text in the file. */
    private record Field(String value, boolean quoted, String text) {
        Field {
            requireNonNull(value, "value is null");
            requireNonNull(text, "text is null");
        }
    }

    /** A record as written: its fields, and the text of the record with the line breaks and blank lines after it. */
    private record Written(List<Field> fields, String text) {
        Written {
            fields = List.copyOf(fields);
            requireNonNull(text, "text is null");
        }
    }

    private static final class Case {
        private final long seed;
        private final SplittableRandom random;
        private final char delimiter;
        private final List<String> declared;
        private final NullMarkers markers;
        private final List<Written> records = new ArrayList<>();
        private final Map<String, Integer> seen;
        /** A UTF-8 byte order mark the file starts with, or none: the reader drops it, so that the first record's position is after it. */
        private final String byteOrderMark;

        Case(long seed, Map<String, Integer> seen) {
            this.seen = requireNonNull(seen, "seen is null");
            this.seed = seed;
            // SplittableRandom mixes its seed: java.util.Random's first draws of consecutive seeds barely differ (every case took one delimiter).
            this.random = new SplittableRandom(seed);
            this.delimiter = DELIMITERS[random.nextInt(DELIMITERS.length)];
            this.declared = MARKER_SETS.get(random.nextInt(MARKER_SETS.size()));
            this.markers = NullMarkers.declaring(declared).keepingQuotedEmptyStrings();
            saw("delimiter " + escaped(String.valueOf(delimiter)));
            this.byteOrderMark = random.nextInt(6) == 0 ? "\uFEFF" : "";
            int width = 1 + random.nextInt(6);
            int count = 1 + random.nextInt(40);
            boolean longOne = random.nextInt(8) == 0;
            int longAt = random.nextInt(count);
            for (int r = 0; r < count; r++) {
                records.add(record(width, longOne && r == longAt, r == count - 1));
            }
        }

        void check() throws Exception {
            String text = text(0, records.size());
            checkGenerator(text);
            boolean gzipped = random.nextInt(6) == 0;
            saw(gzipped ? "gzip" : "plain");
            saw(byteOrderMark.isEmpty() ? "no byte order mark" : "byte order mark");
            long start = 0;
            for (Written record : records) {
                long end = start + record.text().length();
                if (start / READ_AHEAD != end / READ_AHEAD) {
                    saw("record across the read-ahead");
                }
                start = end;
            }
            byte[] bytes = (byteOrderMark + text).getBytes(StandardCharsets.UTF_8);
            try (CsvReader csv = CsvReader.open(new ByteArrayInputStream(gzipped ? gzip(bytes) : bytes), Optional.of(delimiter), Optional.empty(), EncodingSource.CSV_ENCODINGS, LOCATION, DATASET,
                    ConversionLimits.DEFAULT_MAX_ROW_CHARS, markers)) {
                assertRecords("whole file", 0, records.size(), drain(csv), Optional.empty());
                assertEquals(0, csv.recordsParsedAgain(), () -> describe("whole file: a record was parsed again, its text lining up"));
            }
            checkRangesBetweenRecords();
            checkRangeEndingInsideQuotes();
        }

        /** The file cut at up to three record boundaries after a line feed: each range reads its records, none parsed again. */
        private void checkRangesBetweenRecords() throws Exception {
            List<Integer> cuts = new ArrayList<>();
            for (int r = 1; r < records.size(); r++) {
                if (records.get(r - 1).text().endsWith("\n") && random.nextInt(4) == 0 && cuts.size() < 3) {
                    cuts.add(r);
                }
            }
            if (cuts.isEmpty() || !records.get(records.size() - 1).text().endsWith("\n")) {
                return;
            }
            cuts.add(records.size());
            int from = 0;
            for (int c = 0; c < cuts.size(); c++) {
                int to = cuts.get(c);
                boolean endMarked = to < records.size();
                String range = (from == 0 ? byteOrderMark : "") + text(from, to);
                String where = "range of records " + from + " to " + to;
                try (CsvReader csv = from == 0
                        ? CsvReader.openFirstRange(in(range), Optional.of(delimiter), Optional.empty(), EncodingSource.CSV_ENCODINGS, LOCATION, DATASET,
                                ConversionLimits.DEFAULT_MAX_ROW_CHARS, endMarked, markers)
                        : CsvReader.openRange(in(range), delimiter, StandardCharsets.UTF_8, EncodingSource.CSV_ENCODINGS, LOCATION, DATASET,
                                ConversionLimits.DEFAULT_MAX_ROW_CHARS, endMarked, markers)) {
                    assertRecords(where, from, to, drain(csv), Optional.empty());
                    saw("ranges between records");
                    assertEquals(endMarked, csv.endedBetweenRecords(), () -> describe(where + ": ended between records"));
                    assertEquals(0, csv.recordsParsedAgain(), () -> describe(where + ": a record was parsed again, its text lining up"));
                }
                from = to;
            }
        }

        /**
         * A range from a record's start to a line feed inside one of its quoted fields: read leniently, that field ends in the end
         * marker and no closing quote is kept, so that record alone is parsed again, once per unquoted marker it holds.
         */
        private void checkRangeEndingInsideQuotes() throws Exception {
            for (int r = 0; r < records.size(); r++) {
                List<Field> fields = records.get(r).fields();
                for (int f = 0; f < fields.size(); f++) {
                    int lineFeed = fields.get(f).text().indexOf('\n');
                    if (!fields.get(f).quoted() || lineFeed < 0 || (r > 0 && !records.get(r - 1).text().endsWith("\n"))) {
                        continue;
                    }
                    int from = r > 0 && (r == 1 || records.get(r - 2).text().endsWith("\n")) && random.nextBoolean() ? r - 1 : r;
                    StringBuilder range = new StringBuilder(from == 0 ? byteOrderMark : "").append(text(from, r));
                    List<Field> partial = new ArrayList<>(fields.subList(0, f));
                    Set<String> unquotedMarkers = new HashSet<>();
                    for (int k = 0; k < f; k++) {
                        range.append(fields.get(k).text()).append(delimiter);
                        if (!fields.get(k).quoted() && declared.contains(fields.get(k).value())) {
                            unquotedMarkers.add(fields.get(k).value());
                        }
                    }
                    String cut = fields.get(f).text().substring(0, lineFeed + 1);
                    range.append(cut);
                    partial.add(new Field(cut.substring(1).replace("\"\"", "\"") + CsvReader.END_MARKER, true, cut));
                    String where = "range of records " + from + " to " + r + " ending inside field " + f + " of record " + r;
                    try (CsvReader csv = from == 0
                            ? CsvReader.openFirstRange(in(range.toString()), Optional.of(delimiter), Optional.empty(), EncodingSource.CSV_ENCODINGS, LOCATION,
                                    DATASET, ConversionLimits.DEFAULT_MAX_ROW_CHARS, true, markers)
                            : CsvReader.openRange(in(range.toString()), delimiter, StandardCharsets.UTF_8, EncodingSource.CSV_ENCODINGS, LOCATION, DATASET,
                                    ConversionLimits.DEFAULT_MAX_ROW_CHARS, true, markers)) {
                        assertRecords(where, from, r, drain(csv), Optional.of(partial));
                        assertEquals(false, csv.endedBetweenRecords(), () -> describe(where + ": ended between records"));
                        assertEquals(unquotedMarkers.size(), csv.recordsParsedAgain(), () -> describe(where + ": records parsed again"));
                        saw(unquotedMarkers.isEmpty() ? "range ending inside quotes" : "range ending inside quotes parsed again");
                    }
                    return;
                }
            }
        }

        /** Records {@code from} to {@code to} (and a partial one after them) as read: each field's shape as the generator expects it. */
        private void assertRecords(String where, int from, int to, List<Row> rows, Optional<List<Field>> partial) {
            List<List<Field>> expected = new ArrayList<>();
            for (int r = from; r < to; r++) {
                expected.add(records.get(r).fields());
            }
            partial.ifPresent(expected::add);
            for (int r = 0; r < Math.min(expected.size(), rows.size()); r++) {
                List<String> wanted = expected.get(r).stream().map(this::expectedShape).toList();
                List<String> read = rows.get(r).fields().stream().map(this::shape).toList();
                if (!wanted.equals(read)) {
                    String written = r + from < records.size() && (partial.isEmpty() || r < expected.size() - 1)
                            ? records.get(r + from).text() : String.join(String.valueOf(delimiter), expected.get(r).stream().map(Field::text).toList());
                    fail(describe(where + ", record " + (r + from) + " " + escaped(written) + "\n expected " + escaped(wanted.toString())
                            + "\n read     " + escaped(read.toString())));
                }
            }
            assertEquals(expected.size(), rows.size(), () -> describe(where + ": records read"));
        }

        /** A quoted marker as its quoted form, a quoted empty field as QUOTED_EMPTY (or the empty marker's quoted form), any other as written. */
        private String expectedShape(Field field) {
            if (field.quoted() && declared.contains(field.value())) {
                return "quoted marker " + field.value();
            }
            if (field.quoted() && field.value().isEmpty()) {
                return "quoted empty";
            }
            return "text " + field.value();
        }

        private String shape(String value) {
            if (markers.isQuotedMarker(value)) {
                return "quoted marker " + value;
            }
            if (value == NullMarkers.QUOTED_EMPTY) {
                return "quoted empty";
            }
            return "text " + value;
        }

        /** Commons CSV reads the file as the generator wrote it: same records, same values (which were quoted it does not say). */
        private void checkGenerator(String text) throws IOException {
            CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setIgnoreEmptyLines(true).get();
            try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
                List<CSVRecord> parsed = parser.getRecords();
                assertEquals(records.size(), parsed.size(), () -> describe("the generator's records, read by Commons CSV"));
                for (int r = 0; r < parsed.size(); r++) {
                    List<String> values = records.get(r).fields().stream().map(Field::value).toList();
                    int record = r;
                    assertEquals(values, Arrays.asList(parsed.get(r).values()), () -> describe("the generator's record " + record + " "
                            + escaped(records.get(record).text()) + ", read by Commons CSV"));
                }
            }
        }

        private Written record(int width, boolean withLongField, boolean last) {
            List<Field> fields = new ArrayList<>(width);
            int longAt = random.nextInt(width);
            for (int f = 0; f < width; f++) {
                Field field = withLongField && f == longAt ? longField() : field(width == 1, f == width - 1);
                if (field.quoted() && f < width - 1 && declared.contains(field.value())) {
                    saw("quoted marker not last");
                }
                if (field.quoted() && field.text().length() > field.value().length() + 2 + field.value().chars().filter(c -> c == '"').count()) {
                    saw("white space after a closing quote");
                }
                if (field.quoted() && (field.value().indexOf('\n') >= 0 || field.value().indexOf('\r') >= 0)) {
                    saw("line break in quotes");
                }
                fields.add(field);
            }
            StringBuilder text = new StringBuilder(String.join(String.valueOf(delimiter), fields.stream().map(Field::text).toList()));
            if (!last || random.nextInt(3) > 0) {
                text.append(switch (random.nextInt(4)) {
                    case 0 -> "\r\n";
                    case 1 -> last ? "\n" : "\r";
                    default -> "\n";
                });
                while (random.nextInt(8) == 0) {
                    int blank = random.nextInt(3);
                    text.append(blank == 0 ? "\n" : blank == 1 ? "\r\n" : "\r");
                    if (blank == 2 && text.charAt(text.length() - 2) == '\n') {
                        saw("blank line of a CR");
                    }
                }
            }
            return new Written(fields, text.toString());
        }

        private Field field(boolean alone, boolean lastOfRecord) {
            switch (random.nextInt(8)) {
                case 0, 1 -> {
                    return unquoted(declared.get(random.nextInt(declared.size())), alone);
                }
                case 2, 3 -> {
                    return quoted(declared.get(random.nextInt(declared.size())), lastOfRecord);
                }
                case 4 -> {
                    return random.nextBoolean() ? unquoted("", alone) : quoted("", lastOfRecord);
                }
                case 5 -> {
                    return unquoted(value(false), alone);
                }
                default -> {
                    return quoted(value(true), lastOfRecord);
                }
            }
        }

        /** A quoted value carrying its record across the parser's read-ahead, doubled quotes and line breaks throughout. */
        private Field longField() {
            StringBuilder value = new StringBuilder();
            int length = READ_AHEAD / 2 + random.nextInt(2 * READ_AHEAD);
            while (value.length() < length) {
                value.append(random.nextBoolean() ? "x" + delimiter + "\"y\n" : "NULL\r\n\"\"");
            }
            return quoted(value.toString(), random.nextBoolean());
        }

        private String value(boolean quoted) {
            StringBuilder value = new StringBuilder();
            int pieces = random.nextInt(6);
            for (int i = 0; i < pieces; i++) {
                if (quoted && random.nextInt(3) == 0) {
                    value.append(QUOTED_PIECES[random.nextInt(QUOTED_PIECES.length)]);
                }
                else if (!quoted && random.nextInt(6) == 0) {
                    // Another format's delimiter and a quote not first: text in an unquoted field.
                    value.append(value.isEmpty() ? "y" : "\"").append(otherDelimiter());
                }
                else {
                    value.append(PIECES[random.nextInt(PIECES.length)]);
                }
            }
            return value.toString();
        }

        private char otherDelimiter() {
            char other = DELIMITERS[random.nextInt(DELIMITERS.length)];
            return other == delimiter ? 'z' : other;
        }

        /**
         * An unquoted field; one that cannot be written unquoted (the delimiter, a line break or a quote first in it) is quoted instead, as
         * is an empty one alone in its record, which would be a blank line.
         */
        private Field unquoted(String value, boolean alone) {
            if (value.isEmpty() && alone || value.startsWith("\"") || value.indexOf(delimiter) >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                return quoted(value, alone);
            }
            return new Field(value, false, value);
        }

        /** A quoted field, its quotes doubled, now and then white space after its closing quote (then a delimiter or a line break). */
        private Field quoted(String value, boolean lastOfRecord) {
            StringBuilder text = new StringBuilder("\"").append(value.replace("\"", "\"\"")).append('"');
            while (random.nextInt(lastOfRecord ? 6 : 4) == 0) {
                char space = WHITE_SPACE[random.nextInt(WHITE_SPACE.length)];
                if (space != delimiter) {
                    text.append(space);
                }
            }
            return new Field(value, true, text.toString());
        }

        private String text(int from, int to) {
            StringBuilder text = new StringBuilder();
            for (int r = from; r < to; r++) {
                text.append(records.get(r).text());
            }
            return text.toString();
        }

        private void saw(String feature) {
            seen.merge(feature, 1, Integer::sum);
        }

        private String describe(String what) {
            return "seed " + seed + " (-Dquotedfuzz.seed=" + seed + " -Dquotedfuzz.cases=1), delimiter " + escaped(String.valueOf(delimiter)) + ", markers "
                    + escaped(declared.toString()) + ": " + what;
        }
    }

    /** Text as Java would write it in a literal, long texts cut in the middle. */
    static String escaped(String text) {
        StringBuilder escaped = new StringBuilder();
        String shown = text.length() > 400 ? text.substring(0, 200) + "…(" + (text.length() - 400) + " chars)…" + text.substring(text.length() - 200) : text;
        for (char c : shown.toCharArray()) {
            switch (c) {
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                case '\\' -> escaped.append("\\\\");
                case '"' -> escaped.append("\\\"");
                default -> {
                    if (c < 0x20 || c > 0x7e && c != '…') {
                        escaped.append(String.format("\\u%04X", (int) c));
                    }
                    else {
                        escaped.append(c);
                    }
                }
            }
        }
        return "\"" + escaped + "\"";
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(bytes);
        }
        return gzipped.toByteArray();
    }
}
