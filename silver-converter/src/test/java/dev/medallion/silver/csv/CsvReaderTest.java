package dev.medallion.silver.csv;

import dev.medallion.silver.csv.CsvReader.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvReaderTest {
    private static final String LOCATION = "s3://bronze/sales/test.csv";

    // --- helpers ---------------------------------------------------------------------------------

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] bytes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(bytes);
            }
            return out.toByteArray();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Row> read(byte[] bytes, Optional<Character> delimiter) throws IOException, RejectedInputException {
        List<Row> rows = new ArrayList<>();
        try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(bytes), delimiter, LOCATION)) {
            for (Optional<Row> row = reader.next(); row.isPresent(); row = reader.next()) {
                rows.add(row.get());
            }
            // Asking again after the end stays at the end.
            assertTrue(reader.next().isEmpty());
        }
        return rows;
    }

    private static List<Row> read(byte[] bytes) throws IOException, RejectedInputException {
        return read(bytes, Optional.empty());
    }

    private static List<Row> read(String text) throws IOException, RejectedInputException {
        return read(utf8(text));
    }

    private static List<List<String>> fields(List<Row> rows) {
        return rows.stream().map(Row::fields).toList();
    }

    private static List<Long> lines(List<Row> rows) {
        return rows.stream().map(Row::line).toList();
    }

    /** Reads to the end and returns the rejection, failing if the input is accepted. */
    private static RejectedInputException rejection(byte[] bytes) {
        return assertThrows(RejectedInputException.class, () -> read(bytes));
    }

    // --- RFC 4180 --------------------------------------------------------------------------------

    @Test
    void readsSimpleRows() throws Exception {
        List<Row> rows = read("id,name\n1,alice\n2,bob\n");
        assertEquals(List.of(List.of("id", "name"), List.of("1", "alice"), List.of("2", "bob")), fields(rows));
        assertEquals(List.of(1L, 2L, 3L), lines(rows));
        assertTrue(rows.stream().noneMatch(Row::hasInvalidText));
    }

    @Test
    void quotedDelimitersStayInTheField() throws Exception {
        List<Row> rows = read("id,payment,amount\n1,\"Card, contactless\",\"1,5\"\n");
        assertEquals(List.of("1", "Card, contactless", "1,5"), rows.get(1).fields());
    }

    @Test
    void quotedLfAndCrlfLineBreaksAreKeptInTheField() throws Exception {
        List<Row> rows = read("id,note\n1,\"first\nsecond\"\n2,\"one\r\ntwo\"\n3,end\n");
        assertEquals(List.of(List.of("id", "note"), List.of("1", "first\nsecond"), List.of("2", "one\r\ntwo"), List.of("3", "end")),
                fields(rows));
    }

    @Test
    void doubledQuotesBecomeOneQuote() throws Exception {
        List<Row> rows = read("id,quote\n1,\"he said \"\"hi\"\", then left\"\n2,\"\"\"\"\n3,\"\"\n");
        assertEquals(List.of("1", "he said \"hi\", then left"), rows.get(1).fields());
        assertEquals(List.of("2", "\""), rows.get(2).fields());
        assertEquals(List.of("3", ""), rows.get(3).fields());
    }

    @Test
    void emptyFieldsArePreserved() throws Exception {
        List<Row> rows = read("a,b,c\n,,\n1,,3\n");
        assertEquals(List.of(List.of("a", "b", "c"), List.of("", "", ""), List.of("1", "", "3")), fields(rows));
    }

    @Test
    void crlfAndLfLineEndingsGiveTheSameRows() throws Exception {
        String lf = "id,name\n1,alice\n2,\"bob\"\n";
        List<Row> fromLf = read(lf);
        List<Row> fromCrlf = read(lf.replace("\n", "\r\n"));
        assertEquals(fromLf, fromCrlf);
        assertEquals(List.of("2", "bob"), fromCrlf.get(2).fields());
    }

    @ParameterizedTest(name = "[{index}] line ending {0}")
    @ValueSource(strings = {"\n", "\r\n"})
    void trailingNewlineIsOptional(String eol) throws Exception {
        String body = "id,name" + eol + "1,alice" + eol + "2,bob";
        List<Row> without = read(body);
        List<Row> with = read(body + eol);
        assertEquals(with, without);
        assertEquals(3, with.size());
        assertEquals(List.of("2", "bob"), without.get(2).fields());
        assertEquals(3L, without.get(2).line());
    }

    @Test
    void blankLinesAreSkippedButCounted() throws Exception {
        List<Row> rows = read("id,name\n\n1,alice\n\n\n2,bob\r\n\r\n3,carol\n\n");
        assertEquals(List.of(List.of("id", "name"), List.of("1", "alice"), List.of("2", "bob"), List.of("3", "carol")), fields(rows));
        assertEquals(List.of(1L, 3L, 6L, 8L), lines(rows));
    }

    @Test
    void emptyInputHasNoRows() throws Exception {
        assertEquals(List.of(), read(new byte[0]));
        assertEquals(List.of(), read("\n\n"));
    }

    // --- delimiters ------------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(chars = {',', ';', '\t', '|'})
    void detectsTheDelimiter(char delimiter) throws Exception {
        String text = "id~name~note\n1~alice~\"x, y; z| w\tv\"\n".replace('~', delimiter);
        try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(utf8(text)), Optional.empty(), LOCATION)) {
            assertEquals(delimiter, reader.delimiter());
            reader.next();
            assertEquals(List.of("1", "alice", "x, y; z| w\tv"), reader.next().orElseThrow().fields());
        }
    }

    @Test
    void givenDelimiterOverridesDetection() throws Exception {
        // Detection would choose the semicolon; the override says the file is comma-separated.
        byte[] bytes = utf8("a;b;c,d\n1;2;3,4\n");
        try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(bytes), Optional.of(','), LOCATION)) {
            assertEquals(',', reader.delimiter());
            assertEquals(List.of("a;b;c", "d"), reader.next().orElseThrow().fields());
        }
        assertEquals(List.of("a", "b", "c,d"), read(bytes).get(0).fields());
    }

    @Test
    void semicolonFileWithDecimalCommasIsSplitOnSemicolons() throws Exception {
        List<Row> rows = read("id;amount;note\n1;12,50;\"Card, contactless\"\n2;3,75;Cash\n");
        assertEquals(List.of(List.of("id", "amount", "note"), List.of("1", "12,50", "Card, contactless"), List.of("2", "3,75", "Cash")),
                fields(rows));
    }

    // --- encodings -------------------------------------------------------------------------------

    @Test
    void utf8ByteOrderMarkIsDropped() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        List<Row> rows = read(concat(bom, utf8("id,prénom\n1,Zoë\n")));
        assertEquals(List.of("id", "prénom"), rows.get(0).fields());
        assertEquals("id", rows.get(0).fields().get(0));
        assertEquals(List.of("1", "Zoë"), rows.get(1).fields());
        assertFalse(rows.get(0).hasInvalidText());
    }

    @Test
    void utf8ByteOrderMarkDoesNotHideTheDelimiter() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(concat(bom, utf8("a;b\n1;2\n"))), Optional.empty(), LOCATION)) {
            assertEquals(';', reader.delimiter());
            assertEquals(List.of("a", "b"), reader.next().orElseThrow().fields());
        }
    }

    @Test
    void multiByteCharactersAreDecoded() throws Exception {
        List<Row> rows = read("ville,note\nSão Paulo,€ 5\n東京,😀\n");
        assertEquals(List.of("São Paulo", "€ 5"), rows.get(1).fields());
        assertEquals(List.of("東京", "😀"), rows.get(2).fields());
        assertTrue(rows.stream().noneMatch(Row::hasInvalidText));
    }

    @Test
    void multiByteCharactersAcrossBufferBoundariesAreDecodedIntact() throws Exception {
        // Odd-length rows of two- three- and four-byte characters put sequences across every 64 KiB boundary.
        StringBuilder text = new StringBuilder("n,text\n");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String value = "é€😀".repeat(1 + i % 5) + i;
            expected.add(value);
            text.append(i).append(',').append(value).append('\n');
        }
        List<Row> rows = read(text.toString());
        assertEquals(20_001, rows.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), rows.get(i + 1).fields().get(1));
            assertFalse(rows.get(i + 1).hasInvalidText());
        }
    }

    @Test
    void invalidUtf8MarksOnlyTheRowThatHoldsIt() throws Exception {
        byte[] bytes = concat(
                utf8("id,name\n1,alice\n2,b"),
                new byte[] {(byte) 0xFF, (byte) 0xC3},
                utf8("b\n3,carol\n4,\"d"),
                new byte[] {(byte) 0xE9},
                utf8("\"\n5,ève\n"));
        List<Row> rows = read(bytes);
        assertEquals(6, rows.size());
        assertEquals(List.of(false, false, true, false, true, false), rows.stream().map(Row::hasInvalidText).toList());
        assertTrue(rows.get(2).fields().get(1).contains(String.valueOf(Utf8Reader.REPLACEMENT)), rows.get(2).fields().get(1));
        assertEquals(List.of("3", "carol"), rows.get(3).fields());
        assertEquals(List.of("5", "ève"), rows.get(5).fields());
    }

    @Test
    void legitimateReplacementCharacterIsNotInvalidText() throws Exception {
        List<Row> rows = read("id,name\n1,a\uFFFDb\n");
        assertFalse(rows.get(1).hasInvalidText());
        assertEquals("a\uFFFDb", rows.get(1).fields().get(1));
    }

    @Test
    void legitimateReplacementCharacterAfterAnInvalidRowIsNotInvalidText() throws Exception {
        // U+FFFD written as proper UTF-8 (EF BF BD) is valid text, even once another row held invalid bytes.
        byte[] bytes = concat(utf8("id,name\n1,"), new byte[] {(byte) 0xFF}, utf8("\n2,ok\n3,a\uFFFDb\n"));
        List<Row> rows = read(bytes);
        assertEquals(List.of(false, true, false, false), rows.stream().map(Row::hasInvalidText).toList());
        assertEquals("a\uFFFDb", rows.get(3).fields().get(1));
    }

    @Test
    void invalidUtf8IsFlaggedWhereverItFallsInALargeFile() throws Exception {
        // Every tenth row holds a lone continuation byte; rows are of varying length so that invalid bytes fall
        // at every position relative to the decoder's buffers.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8("n,text\n"));
        int rowsWritten = 60_000;
        for (int i = 0; i < rowsWritten; i++) {
            out.writeBytes(utf8(i + "," + "x".repeat(i % 7)));
            if (i % 10 == 3) {
                out.write(0x80);
            }
            out.write('\n');
        }
        List<Row> rows = read(out.toByteArray());
        assertEquals(rowsWritten + 1, rows.size());
        for (int i = 0; i < rowsWritten; i++) {
            Row row = rows.get(i + 1);
            assertEquals(String.valueOf(i), row.fields().get(0));
            assertEquals(i % 10 == 3, row.hasInvalidText(), "row " + i);
            assertEquals(i % 7 + (i % 10 == 3 ? 1 : 0), row.fields().get(1).length(), "row " + i);
        }
    }

    @Test
    void invalidBytesJustAfterTheFirst64KibAreFlagged() throws Exception {
        // Two lone continuation bytes in one long field: the first ends the first 64 KiB read of text three
        // characters early, so the next read asks for just the two characters before the second one.
        byte[] file = utf8("n,text\n1," + "y".repeat(70_000) + "\n2,z\n");
        file[65_533] = (byte) 0x80;
        file[65_536] = (byte) 0x80;
        List<Row> rows = read(file);
        assertEquals(3, rows.size());
        String text = rows.get(1).fields().get(1);
        assertEquals(70_000, text.length());
        assertEquals(2, text.chars().filter(c -> c == Utf8Reader.REPLACEMENT).count());
        assertEquals(List.of(false, true, false), rows.stream().map(Row::hasInvalidText).toList());
    }

    @Test
    void utf8ReaderReplacesInvalidBytesEvenWhenTheCallersBufferFillsJustBeforeThem() throws IOException {
        byte[] bytes = concat(utf8("abc"), new byte[] {(byte) 0xFF}, utf8("def"), new byte[] {(byte) 0x80}, utf8("g"));
        String expected = "abc\uFFFDdef\uFFFDg";
        for (int chunk = 1; chunk <= 9; chunk++) {
            StringBuilder decoded = new StringBuilder();
            try (Utf8Reader reader = new Utf8Reader(new ByteArrayInputStream(bytes))) {
                char[] buffer = new char[chunk];
                for (int n = reader.read(buffer, 0, chunk); n >= 0; n = reader.read(buffer, 0, chunk)) {
                    assertTrue(n > 0);
                    decoded.append(buffer, 0, n);
                }
            }
            assertEquals(expected, decoded.toString(), "reading " + chunk + " chars at a time");
        }
    }

    @Test
    void truncatedSequenceAtEndOfFileIsReplaced() throws Exception {
        List<Row> rows = read(concat(utf8("id,name\n1,caf"), new byte[] {(byte) 0xC3}));
        assertEquals(List.of("1", "caf\uFFFD"), rows.get(1).fields());
        assertTrue(rows.get(1).hasInvalidText());
    }

    @ParameterizedTest(name = "[{index}] BOM {0}")
    @ValueSource(strings = {"FFFE", "FEFF"})
    void utf16ByteOrderMarkIsRejected(String bom) {
        byte[] bomBytes = {(byte) Integer.parseInt(bom.substring(0, 2), 16), (byte) Integer.parseInt(bom.substring(2), 16)};
        byte[] body = "id,name\n1,alice\n".getBytes(bom.equals("FFFE") ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE);
        RejectedInputException e = rejection(concat(bomBytes, body));
        assertTrue(e.getMessage().contains("UTF-16"), e.getMessage());
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void utf16WithoutByteOrderMarkIsRejectedForItsNulBytes() {
        RejectedInputException e = rejection("id,name\n1,alice\n".getBytes(StandardCharsets.UTF_16LE));
        assertTrue(e.getMessage().contains("NUL byte at offset 1"), e.getMessage());
    }

    @Test
    void nulByteIsRejectedWithItsOffset() {
        RejectedInputException e = rejection(concat(utf8("id,name\n1,al"), new byte[] {0}, utf8("ice\n")));
        assertTrue(e.getMessage().contains("NUL byte at offset 12"), e.getMessage());
        assertTrue(e.getMessage().contains("not text"), e.getMessage());
    }

    @Test
    void binaryContentIsRejected() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'};
        RejectedInputException e = rejection(png);
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
    }

    // --- gzip ------------------------------------------------------------------------------------

    @Test
    void gzipIsRecognisedByItsMagicBytes() throws Exception {
        String text = "id;name\n1;\"Zoë, O'Neil\"\n2;bob\n";
        List<Row> plain = read(utf8(text));
        List<Row> compressed = read(gzip(utf8(text)));
        assertEquals(plain, compressed);
        assertEquals(List.of("1", "Zoë, O'Neil"), compressed.get(1).fields());
    }

    @Test
    void gzipWithByteOrderMarkInsideIsDecoded() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        List<Row> rows = read(gzip(concat(bom, utf8("id,name\n1,alice\n"))));
        assertEquals(List.of("id", "name"), rows.get(0).fields());
    }

    @Test
    void utf16InsideGzipIsRejected() {
        byte[] body = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, "id,name\n".getBytes(StandardCharsets.UTF_16LE));
        RejectedInputException e = rejection(gzip(body));
        assertTrue(e.getMessage().contains("UTF-16"), e.getMessage());
    }

    @Test
    void largeGzipFileIsReadCompletely() throws Exception {
        StringBuilder text = new StringBuilder("n,square\n");
        for (int i = 0; i < 100_000; i++) {
            text.append(i).append(',').append((long) i * i).append('\n');
        }
        List<Row> rows = read(gzip(utf8(text.toString())));
        assertEquals(100_001, rows.size());
        assertEquals(List.of("99999", "9999800001"), rows.get(100_000).fields());
        assertEquals(100_001L, rows.get(100_000).line());
    }

    @Test
    void gzipMagicFollowedByGarbageIsRejected() {
        byte[] bytes = concat(new byte[] {0x1f, (byte) 0x8b}, utf8("this is not deflate data at all, not even close\n"));
        RejectedInputException e = rejection(bytes);
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void gzipMagicAloneIsRejected() {
        RejectedInputException e = rejection(new byte[] {0x1f, (byte) 0x8b});
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void gzipTruncatedEarlyIsRejected() {
        byte[] full = gzip(utf8("id,name\n1,alice\n2,bob\n"));
        RejectedInputException e = rejection(Arrays.copyOf(full, full.length / 2));
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void gzipTruncatedLateIsRejected() {
        StringBuilder text = new StringBuilder("n,text\n");
        for (int i = 0; i < 200_000; i++) {
            text.append(i).append(',').append(Integer.toHexString(i * 7919)).append('\n');
        }
        byte[] full = gzip(utf8(text.toString()));
        RejectedInputException e = rejection(Arrays.copyOf(full, full.length - full.length / 4));
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void gzipWithCorruptedDataIsRejected() {
        StringBuilder text = new StringBuilder("n,text\n");
        for (int i = 0; i < 200_000; i++) {
            text.append(i).append(',').append(Integer.toHexString(i * 7919)).append('\n');
        }
        byte[] corrupt = gzip(utf8(text.toString()));
        // Flip bits in the middle of the deflate stream and in the CRC trailer.
        for (int i = corrupt.length / 2; i < corrupt.length / 2 + 64; i++) {
            corrupt[i] ^= (byte) 0x5A;
        }
        corrupt[corrupt.length - 8] ^= 1;
        RejectedInputException e = rejection(corrupt);
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    }

    // --- line numbers ----------------------------------------------------------------------------

    @Test
    void lineNumbersAccountForEmbeddedLineBreaks() throws Exception {
        String text = "id,note\n"          // line 1
                + "1,\"a\nb\"\n"           // lines 2-3
                + "2,plain\n"              // line 4
                + "3,\"x\r\ny\r\nz\"\r\n"  // lines 5-7
                + "4,last\n";              // line 8
        assertEquals(List.of(1L, 2L, 4L, 5L, 8L), lines(read(text)));
    }

    @Test
    void lineNumbersWithBlankLinesAndEmbeddedBreaksTogether() throws Exception {
        String text = "\n"                  // line 1, blank
                + "id,note\n"              // line 2
                + "\n"                     // line 3, blank
                + "1,\"a\n\nb\"\n"         // lines 4-6 (the blank line inside quotes is data)
                + "\n"                     // line 7, blank
                + "2,\"c\"";               // line 8, no trailing newline
        List<Row> rows = read(text);
        assertEquals(List.of(List.of("id", "note"), List.of("1", "a\n\nb"), List.of("2", "c")), fields(rows));
        assertEquals(List.of(2L, 4L, 8L), lines(rows));
    }

    @Test
    void lastRecordWithEmbeddedBreakAndNoTrailingNewline() throws Exception {
        List<Row> rows = read("id,note\n1,x\n2,\"a\nb\"");
        assertEquals(List.of(1L, 2L, 3L), lines(rows));
        assertEquals(List.of("2", "a\nb"), rows.get(2).fields());
    }

    @Test
    void oldMacLineEndingsAreCountedToo() throws Exception {
        List<Row> rows = read("id,name\r1,alice\r\r2,bob\r");
        assertEquals(List.of(List.of("id", "name"), List.of("1", "alice"), List.of("2", "bob")), fields(rows));
        assertEquals(List.of(1L, 2L, 4L), lines(rows));
    }

    // --- malformed input -------------------------------------------------------------------------

    @Test
    void unterminatedQuoteAtTheEndYieldsOneLastRow() throws Exception {
        List<Row> rows = read("id,note\n1,ok\n2,\"never closed\n3,lost\n");
        assertEquals(3, rows.size());
        assertEquals(3L, rows.get(2).line());
        assertEquals("2", rows.get(2).fields().get(0));
        assertTrue(rows.get(2).fields().get(1).startsWith("never closed\n3,lost"), rows.get(2).fields().get(1));
    }

    @Test
    void strayCharacterAfterClosingQuoteIsRejectedNamingTheLocation() {
        RejectedInputException e = rejection(utf8("id,name\n1,ok\n\"abc\"x,1\n"));
        assertTrue(e.getMessage().contains(LOCATION), e.getMessage());
        // The bad record is on line 3.
        assertTrue(e.getMessage().matches("(?s).*\\bline:? 3\\b.*"), e.getMessage());
    }

    @Test
    void rowsBeforeAMalformedRecordAreStillReturned() throws Exception {
        try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(utf8("id,name\n1,ok\n\"abc\"x,1\n")), Optional.empty(), LOCATION)) {
            assertEquals(List.of("id", "name"), reader.next().orElseThrow().fields());
            assertEquals(List.of("1", "ok"), reader.next().orElseThrow().fields());
            assertThrows(RejectedInputException.class, reader::next);
        }
    }

    // --- size ------------------------------------------------------------------------------------

    @Test
    void fiveMegabyteFieldIsReadIntact() throws Exception {
        StringBuilder big = new StringBuilder(5 * 1024 * 1024);
        for (int i = 0; big.length() < 5 * 1024 * 1024; i++) {
            big.append((char) ('a' + i % 26));
            if (i % 1000 == 999) {
                big.append(i % 2000 == 999 ? ',' : '\n');
            }
        }
        String value = big.toString();
        String text = "id,blob,after\n1,\"" + value + "\",tail\n2,small,x\n";
        List<Row> rows = read(text);
        assertEquals(3, rows.size());
        assertEquals(value.length(), rows.get(1).fields().get(1).length());
        assertEquals(value, rows.get(1).fields().get(1));
        assertEquals("tail", rows.get(1).fields().get(2));
        long embedded = value.chars().filter(c -> c == '\n').count();
        assertEquals(2L, rows.get(1).line());
        assertEquals(3 + embedded, rows.get(2).line());
        assertEquals(List.of("2", "small", "x"), rows.get(2).fields());
    }

    @Test
    void retainedBytesGrowWithTheFields() {
        Row small = new Row(0, 1, List.of("a"), false);
        Row large = new Row(0, 1, List.of("a".repeat(1000), "b"), false);
        assertTrue(large.retainedBytes() > small.retainedBytes() + 2000);
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThrows(NullPointerException.class, () -> CsvReader.open(new ByteArrayInputStream(new byte[0]), Optional.empty(), null));
        assertThrows(NullPointerException.class, () -> CsvReader.open(null, Optional.empty(), LOCATION));
    }
}
