package dev.medallion.silver.csv;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.testing.MainframeExports;
import dev.medallion.common.testing.ShortReads;
import dev.medallion.common.text.EncodingSource;
import dev.medallion.common.text.GzipMembersInputStream;
import dev.medallion.silver.csv.CsvReader.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvReaderTest {
    private static final String LOCATION = "s3://bronze/sales/test.csv";
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

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

    private static List<Row> read(byte[] bytes, Optional<Character> delimiter, Optional<Charset> encoding) throws IOException, RejectedInputException {
        List<Row> rows = new ArrayList<>();
        try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(bytes), delimiter, encoding, LOCATION)) {
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

    /** Reads to the end as a file of {@code dataset} in the declared encoding and returns the rejection. */
    private static RejectedInputException rejection(byte[] bytes, Optional<Charset> encoding, String dataset) {
        return assertThrows(RejectedInputException.class, () -> {
            try (CsvReader reader = open(bytes, encoding, dataset)) {
                while (reader.next().isPresent()) {
                    // Reads every row.
                }
            }
        });
    }

    private static CsvReader open(byte[] bytes, Optional<Charset> encoding, String dataset) throws IOException, RejectedInputException {
        return CsvReader.open(new ByteArrayInputStream(bytes), Optional.empty(), encoding, LOCATION, dataset);
    }

    private static DecodingReader decodingReader(byte[] bytes, Charset charset) {
        return new DecodingReader(new ByteArrayInputStream(bytes), charset, new UndecodableTextException.Context("dataset", EncodingSource.CSV_ENCODINGS, false, false));
    }

    // --- RFC 4180 --------------------------------------------------------------------------------

    @Test
    void readsSimpleRows() throws Exception {
        List<Row> rows = read("id,name\n1,alice\n2,bob\n");
        assertEquals(List.of(List.of("id", "name"), List.of("1", "alice"), List.of("2", "bob")), fields(rows));
        assertEquals(List.of(1L, 2L, 3L), lines(rows));
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

    // --- encodings: UTF-8, the default -----------------------------------------------------------

    @Test
    void undeclaredEncodingIsUtf8() throws Exception {
        try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(utf8("id\n1\n")), Optional.empty(), LOCATION)) {
            assertEquals(StandardCharsets.UTF_8, reader.encoding());
        }
    }

    @Test
    void utf8ByteOrderMarkIsDropped() throws Exception {
        List<Row> rows = read(concat(UTF8_BOM, utf8("id,prénom\n1,Zoë\n")));
        assertEquals(List.of("id", "prénom"), rows.get(0).fields());
        assertEquals("id", rows.get(0).fields().get(0));
        assertEquals(List.of("1", "Zoë"), rows.get(1).fields());
    }

    @Test
    void utf8ByteOrderMarkDoesNotHideTheDelimiter() throws Exception {
        try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(concat(UTF8_BOM, utf8("a;b\n1;2\n"))), Optional.empty(), LOCATION)) {
            assertEquals(';', reader.delimiter());
            assertEquals(List.of("a", "b"), reader.next().orElseThrow().fields());
        }
    }

    @Test
    void multiByteCharactersAreDecoded() throws Exception {
        List<Row> rows = read("ville,note\nSão Paulo,€ 5\n東京,😀\n");
        assertEquals(List.of("São Paulo", "€ 5"), rows.get(1).fields());
        assertEquals(List.of("東京", "😀"), rows.get(2).fields());
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
        }
    }

    @Test
    void replacementCharacterWrittenAsValidUtf8IsData() throws Exception {
        // U+FFFD encoded properly (EF BF BD) is a character like any other, not a sign of damage.
        List<Row> rows = read("id,name\n1,a\uFFFDb\n2,\uFFFD\n");
        assertEquals(List.of("1", "a\uFFFDb"), rows.get(1).fields());
        assertEquals(List.of("2", "\uFFFD"), rows.get(2).fields());
    }

    @Test
    void windows1252FileIsRejectedWithTheOffsetLineBytesAndSettingToUse() {
        byte[] bytes = "id,name,note\n1,Zoë,ok\n2,café crème,€5\n".getBytes(WINDOWS_1252);
        RejectedInputException e = rejection(bytes, Optional.empty(), "customers");
        assertEquals("The file is not UTF-8: invalid byte sequence 0xEB 0x2C at byte offset 17 (line 2). If it is a Windows-1252"
                + " or Latin-1 export, set CSV_ENCODINGS=customers:windows-1252 (or convert the file to UTF-8).", e.getMessage());
        assertEquals((byte) 0xEB, bytes[17]);
    }

    @Test
    void withoutTheDatasetTheMessageShowsWhereItGoes() {
        RejectedInputException e = rejection("id,name\n1,Zoë\n".getBytes(WINDOWS_1252));
        assertTrue(e.getMessage().contains("set CSV_ENCODINGS=<dataset>:windows-1252"), e.getMessage());
    }

    @Test
    void utf8DeclaredExplicitlyIsTheDefault() throws Exception {
        byte[] good = utf8("id,name\n1,Zoë\n");
        assertEquals(read(good), read(good, Optional.empty(), Optional.of(StandardCharsets.UTF_8)));
        byte[] bad = "id,name\n1,Zoë\n".getBytes(WINDOWS_1252);
        assertEquals(rejection(bad, Optional.empty(), "people").getMessage(),
                rejection(bad, Optional.of(StandardCharsets.UTF_8), "people").getMessage());
        try (CsvReader reader = open(good, Optional.of(StandardCharsets.UTF_8), "people")) {
            assertEquals(StandardCharsets.UTF_8, reader.encoding());
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            lone continuation byte       | 80       | 0x80
            lead byte then ASCII         | C3 28    | 0xC3 0x28
            three-byte lead then space   | E9 20    | 0xE9 0x20
            cut three-byte sequence      | E2 82 58 | 0xE2 0x82 0x58
            overlong encoding            | C0 80    | 0xC0 0x80
            overlong three-byte encoding | E0 80 80 | 0xE0 0x80 0x80
            overlong four-byte encoding  | F0 80 80 80 | 0xF0 0x80 0x80 0x80
            code point above U+10FFFF    | F4 90 80 80 | 0xF4 0x90 0x80 0x80
            lead byte of no valid form   | F5 80 80 80 | 0xF5 0x80 0x80 0x80
            four-byte sequence cut short | F0 9F 98 | 0xF0 0x9F 0x98 0x62
            encoded surrogate            | ED A0 80 | 0xED 0xA0 0x80
            byte never used in UTF-8     | FF       | 0xFF
            """)
    void invalidUtf8IsRejectedShowingTheBadBytes(String what, String hex, String shown) {
        byte[] bad = HexFormat.ofDelimiter(" ").parseHex(hex);
        byte[] bytes = concat(utf8("id,name\n1,alice\n2,b"), bad, utf8("b\n3,carol\n"));
        RejectedInputException e = rejection(bytes);
        assertTrue(e.getMessage().startsWith("The file is not UTF-8: invalid byte sequence " + shown + " at byte offset 19 (line 3)."), e.getMessage());
    }

    /** The whole sequence is shown, at its offset and line, however the bytes arrive: the decoder's buffer may end inside it. */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"E0 80 80", "F0 80 80 80", "F4 90 80 80", "C0 80", "E2 82 58", "F0 9F 98 58", "ED A0 80"})
    void theWholeBadSequenceIsShownWhateverTheReadSizes(String hex) throws Exception {
        byte[] bad = HexFormat.ofDelimiter(" ").parseHex(hex);
        StringBuilder text = new StringBuilder("n,text\n");
        for (int i = 0; text.length() < 70_000; i++) {
            text.append(i).append(',').append("x".repeat(i % 7)).append('\n');
        }
        text.append("9,a");
        byte[] bytes = concat(utf8(text.toString()), bad, utf8("X\n10,b\n"));
        long line = text.chars().filter(c -> c == '\n').count() + 1;
        String expected = "invalid byte sequence " + HexFormat.ofDelimiter(" ").withPrefix("0x").withUpperCase().formatHex(bad) + " at byte offset "
                + text.length() + " (line " + line + ").";
        for (int[] sizes : new int[][] {{1}, {2}, {3}, {5, 7}, {65_535}, {1 << 20}}) {
            RejectedInputException e = assertThrows(RejectedInputException.class, () -> {
                try (CsvReader reader = CsvReader.open(ShortReads.of(bytes, sizes), Optional.empty(), Optional.empty(), LOCATION, "sales")) {
                    while (reader.next().isPresent()) {
                        // Reads every row.
                    }
                }
            });
            assertTrue(e.getMessage().contains(expected), Arrays.toString(sizes) + ": " + e.getMessage());
        }
    }

    @Test
    void truncatedSequenceAtEndOfFileIsRejected() {
        RejectedInputException e = rejection(concat(utf8("id,name\n1,caf"), new byte[] {(byte) 0xC3}));
        assertTrue(e.getMessage().contains("invalid byte sequence 0xC3 at byte offset 13 (line 2)"), e.getMessage());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            first byte of the file    | ''                 | 0  | 1
            start of a line after LF  | 'id,name\\n1,a\\n' | 12 | 3
            start of a line after CRLF | 'id,name\\r\\n1,a\\r\\n' | 14 | 3
            start of a line after CR  | 'id,name\\r1,a\\r' | 12 | 3
            after blank lines         | 'id,name\\n\\n\\n1,a\\n\\n' | 15 | 6
            middle of a line          | 'id,name\\n1,a\\n2,x' | 15 | 3
            inside a quoted line break | 'id,name\\n1,"a\\nb' | 14 | 3
            """)
    void theLineIsTheOneTheBadByteIsOn(String where, String before, long offset, long line) throws Exception {
        String text = before.replace("\\n", "\n").replace("\\r", "\r");
        for (int padding : new int[] {0, 70_000, 300_000}) {
            // Without padding the bad byte falls in the delimiter sample; with a long first line, in the text the parser reads.
            String prefix = padding == 0 ? "" : "p".repeat(padding) + "\n";
            long extraLines = padding == 0 ? 0 : 1;
            long extraBytes = prefix.length();
            byte[] bytes = concat(utf8(prefix + text), new byte[] {(byte) 0xE9}, utf8("ric\n9,z\n"));
            RejectedInputException e = rejection(bytes);
            assertTrue(e.getMessage().contains("0xE9 0x72 at byte offset " + (offset + extraBytes) + " (line " + (line + extraLines) + ")."),
                    padding + ": " + e.getMessage());
        }
    }

    @Test
    void invalidUtf8DeepInALargeFileIsRejectedByNextAfterTheRowsBeforeIt() throws Exception {
        // Far beyond the 64 KiB delimiter sample and every internal buffer: the rows before the bad byte come
        // back as they are, then next() throws, and keeps throwing.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8("n,text\n"));
        int goodRows = 250_000;
        for (int i = 0; i < goodRows; i++) {
            out.writeBytes(utf8(i + "," + "é".repeat(i % 7) + "x".repeat(i % 5) + "\n"));
        }
        long offset = out.size() + 4;
        out.writeBytes(utf8("X,ab"));
        out.write(0xE9);
        out.writeBytes(utf8("t\n" + "Y,after\n".repeat(1000)));
        byte[] bytes = out.toByteArray();
        assertTrue(offset > 2_000_000, "offset " + offset);

        try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(bytes), Optional.empty(), Optional.empty(), LOCATION, "sales")) {
            assertEquals(List.of("n", "text"), reader.next().orElseThrow().fields());
            for (int i = 0; i < goodRows; i++) {
                Row row = reader.next().orElseThrow();
                assertEquals(List.of(String.valueOf(i), "é".repeat(i % 7) + "x".repeat(i % 5)), row.fields(), "row " + i);
                assertEquals(i + 2L, row.line());
            }
            RejectedInputException e = assertThrows(RejectedInputException.class, reader::next);
            assertEquals("The file is not UTF-8: invalid byte sequence 0xE9 0x74 at byte offset " + offset + " (line " + (goodRows + 2)
                    + "). If it is a Windows-1252 or Latin-1 export, set CSV_ENCODINGS=sales:windows-1252 (or convert the file to UTF-8).",
                    e.getMessage());
            assertThrows(RejectedInputException.class, reader::next);
        }
    }

    @Test
    void invalidUtf8IsRejectedWhereverItFallsAgainstTheBuffers() {
        // One bad byte, at each of many positions near the 64 KiB boundaries of the decoder's and the sample's buffers.
        StringBuilder text = new StringBuilder("n,text\n");
        for (int i = 0; text.length() < 200_000; i++) {
            text.append(i).append(',').append("x".repeat(i % 7)).append('\n');
        }
        byte[] clean = utf8(text.toString());
        for (int base : new int[] {65_536, 131_072}) {
            for (int position = base - 6; position <= base + 6; position++) {
                byte[] bytes = clean.clone();
                bytes[position] = (byte) 0x80;
                long line = 1 + text.substring(0, position).chars().filter(c -> c == '\n').count();
                RejectedInputException e = rejection(bytes);
                assertTrue(e.getMessage().contains("invalid byte sequence 0x80 at byte offset " + position + " (line " + line + ")."),
                        position + ": " + e.getMessage());
            }
        }
    }

    @Test
    void invalidUtf8InAGzipFileGivesTheOffsetInTheDecompressedText() {
        byte[] bytes = gzip(concat(utf8("id,name\n1,"), new byte[] {(byte) 0xE9}, utf8("ve\n")));
        RejectedInputException e = rejection(bytes);
        assertTrue(e.getMessage().contains("invalid byte sequence 0xE9 0x76 at byte offset 10 of the decompressed text (line 2)."), e.getMessage());
    }

    @Test
    void decodingReaderReturnsTheTextBeforeTheBadBytesThenThrowsWhateverTheCallersBuffer() throws IOException {
        byte[] bytes = concat(utf8("abc😀d"), new byte[] {(byte) 0xFF}, utf8("ef"));
        for (int size = 1; size <= 9; size++) {
            int chunk = size;
            StringBuilder decoded = new StringBuilder();
            try (DecodingReader reader = decodingReader(bytes, StandardCharsets.UTF_8)) {
                char[] buffer = new char[chunk];
                UndecodableTextException e = assertThrows(UndecodableTextException.class, () -> {
                    for (int n = reader.read(buffer, 0, chunk); n >= 0; n = reader.read(buffer, 0, chunk)) {
                        assertTrue(n > 0);
                        decoded.append(buffer, 0, n);
                    }
                });
                assertEquals(8, e.offset());
                assertEquals("abc😀d", decoded.toString(), "reading " + chunk + " chars at a time");
                assertThrows(UndecodableTextException.class, () -> reader.read(buffer, 0, chunk), "the failure sticks");
            }
        }
    }

    @Test
    void decodingReaderReadsSupplementaryCharactersOneCharAtATime() throws IOException {
        try (DecodingReader reader = decodingReader(utf8("\uFEFF😀a"), StandardCharsets.UTF_8)) {
            char[] one = new char[1];
            StringBuilder decoded = new StringBuilder();
            while (reader.read(one, 0, 1) == 1) {
                decoded.append(one[0]);
            }
            assertEquals("😀a", decoded.toString());
        }
    }

    @ParameterizedTest(name = "[{index}] BOM {0}")
    @ValueSource(strings = {"FFFE", "FEFF"})
    void utf16ByteOrderMarkIsRejectedUnlessDeclared(String bom) {
        byte[] bomBytes = HexFormat.of().parseHex(bom);
        byte[] body = "id,name\n1,alice\n".getBytes(bom.equals("FFFE") ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE);
        RejectedInputException e = rejection(concat(bomBytes, body), Optional.empty(), "exports");
        assertEquals("The file is UTF-16 encoded (it starts with a UTF-16 byte order mark): save it as UTF-8, or set CSV_ENCODINGS=exports:UTF-16.",
                e.getMessage());
    }

    @Test
    void utf16WithoutByteOrderMarkIsRejectedForItsNulBytesUnlessDeclared() {
        RejectedInputException e = rejection("id,name\n1,alice\n".getBytes(StandardCharsets.UTF_16LE), Optional.empty(), "exports");
        assertTrue(e.getMessage().contains("NUL byte at byte offset 1 "), e.getMessage());
        assertTrue(e.getMessage().contains("CSV_ENCODINGS=exports:UTF-16LE"), e.getMessage());
    }

    @Test
    void nulByteIsRejectedWithItsOffset() {
        byte[] bytes = concat(utf8("id,name\n1,al"), new byte[] {0}, utf8("ice\n"));
        RejectedInputException e = rejection(bytes);
        assertTrue(e.getMessage().contains("NUL byte at byte offset 12 "), e.getMessage());
        assertTrue(e.getMessage().contains("not text"), e.getMessage());
        // One NUL byte in UTF-8 text: no encoding setting mends it, and none is advised.
        assertTrue(e.getMessage().contains("NUL byte at byte offset 12 (1 in its first 17 bytes: text with NUL bytes in it, a damaged export or binary data in a field,"
                + " not another encoding)") && !e.getMessage().contains("CSV_ENCODINGS"), e.getMessage());
        // In gzip the offset is the decompressed text's, and the message says so.
        RejectedInputException compressed = rejection(gzip(bytes));
        assertTrue(compressed.getMessage().contains("NUL byte at byte offset 12 of the decompressed text "), compressed.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"IBM037", "IBM1047"})
    void declaredEbcdicIsDecoded(String charsetName) throws Exception {
        // Mainframe exports: ASCII in single bytes of other values, so no NUL byte and no 0x0A; a line feed as the charset encodes it.
        Charset charset = Charset.forName(charsetName);
        byte[] bytes = "id|name|city\n1|Zoë|Zürich\n2|Ann|Köln\n".getBytes(charset);
        try (CsvReader reader = open(bytes, Optional.of(charset), "legacy")) {
            assertEquals('|', reader.delimiter());
            assertEquals(List.of("id", "name", "city"), reader.next().orElseThrow().fields());
            assertEquals(List.of("1", "Zoë", "Zürich"), reader.next().orElseThrow().fields());
            assertEquals(List.of("2", "Ann", "Köln"), reader.next().orElseThrow().fields());
            assertTrue(reader.next().isEmpty());
        }
    }

    /** A mainframe export dropped in without a declaration: rejected (as before), with the code page to declare, not windows-1252. */
    @ParameterizedTest
    @CsvSource({"IBM037, 0", "IBM1047, 0", "IBM037, 3"})
    void undeclaredEbcdicIsRejectedWithTheCodePageToDeclare(String charsetName, int blankLines) {
        Charset charset = Charset.forName(charsetName);
        String text = "\n".repeat(blankLines) + "id|name|city\n1|Zoë|Zürich\n2|Ann|Köln\n";
        byte[] bytes = text.getBytes(charset);
        RejectedInputException e = rejection(bytes, Optional.empty(), "legacy");
        assertEquals("The file is not UTF-8: invalid byte sequence 0x89 at byte offset " + blankLines + " (line 1). It looks like EBCDIC (a mainframe"
                + " export): declare its code page, e.g. CSV_ENCODINGS=legacy:IBM037 (US/Canada; IBM1047 for z/OS Unix, IBM273 German, IBM297 French, ...).",
                e.getMessage());
        // Gzip-compressed, the same advice, the offset in the decompressed text.
        RejectedInputException compressed = rejection(gzip(bytes), Optional.empty(), "legacy");
        assertTrue(compressed.getMessage().startsWith("The file is not UTF-8: invalid byte sequence 0x89 at byte offset " + blankLines
                + " of the decompressed text (line 1). It looks like EBCDIC"), compressed.getMessage());
    }

    private static final String EBCDIC_ADVICE = "It looks like EBCDIC (a mainframe export): declare its code page, e.g. CSV_ENCODINGS=legacy:IBM037"
            + " (US/Canada; IBM1047 for z/OS Unix, IBM273 German, IBM297 French, ...).";

    /** A mainframe export of {@code rows} rows, upper case (no byte windows-1252 leaves undefined), in IBM037. */
    private static byte[] upperCaseMainframeExport(int rows) {
        StringBuilder text = new StringBuilder("ACCOUNT,HOLDER,BALANCE\n");
        for (int row = 0; row < rows; row++) {
            text.append(String.format("%010d,MUELLER KARL,1520.75\n", 1234567 + row));
        }
        return text.toString().getBytes(Charset.forName("IBM037"));
    }

    /**
     * An undeclared EBCDIC file whose bytes happen to be valid UTF-8 to the end ("Tom", "Sam": a capital that starts a
     * sequence, lower-case letters that continue it; "Bo" reads as U+0096): the control-character check is reached, and
     * its 0x15 line ends and C1 characters would call it binary; it is advised as EBCDIC instead.
     */
    @Test
    void undeclaredEbcdicThatDecodesAsUtf8IsRejectedAsEbcdicNotBinary() {
        byte[] bytes = "Tom Sam Bo\n".repeat(100).getBytes(Charset.forName("IBM037"));
        RejectedInputException e = rejection(bytes, Optional.empty(), "legacy");
        assertEquals("The file is not text as read in UTF-8: 200 of its first 600 characters are control characters, the first U+0096 on line 1. "
                + EBCDIC_ADVICE, e.getMessage());
    }

    /**
     * Declared in an ASCII-family charset, a mainframe export is rejected where that charset rejects it, with its code
     * page to declare: windows-1252 at its first lower-case a (0x81), or, upper case, for its 0x15 line ends read as control
     * characters, as ISO-8859-1 reads them and its lower-case letters (C1 control characters there).
     */
    @Test
    void ebcdicDeclaredInAnAsciiFamilyCharsetIsRejectedWithItsCodePageToDeclare() {
        byte[] lowerCase = "id|name\n1|Karl\n2|Anna\n".getBytes(Charset.forName("IBM037"));
        assertEquals("The file is not windows-1252, the encoding CSV_ENCODINGS declares for dataset legacy: byte sequence 0x81, which windows-1252"
                + " does not define, at byte offset 4 (line 1). " + EBCDIC_ADVICE, rejection(lowerCase, Optional.of(WINDOWS_1252), "legacy").getMessage());
        byte[] upperCase = upperCaseMainframeExport(100);
        assertEquals("The file is not text as read in windows-1252: 101 of its first 3223 characters are control characters, the first U+0015 on line 1. "
                + EBCDIC_ADVICE, rejection(upperCase, Optional.of(WINDOWS_1252), "legacy").getMessage());
        assertEquals("The file is not text as read in ISO-8859-1: 101 of its first 3223 characters are control characters, the first U+0015 on line 1. "
                + EBCDIC_ADVICE, rejection(upperCase, Optional.of(StandardCharsets.ISO_8859_1), "legacy").getMessage());
        // Declared as what it is, it reads.
        try (CsvReader reader = open(upperCase, Optional.of(Charset.forName("IBM037")), "legacy")) {
            assertEquals(List.of("ACCOUNT", "HOLDER", "BALANCE"), reader.next().orElseThrow().fields());
            assertEquals(List.of("0001234567", "MUELLER KARL", "1520.75"), reader.next().orElseThrow().fields());
        }
        catch (IOException | RejectedInputException x) {
            throw new AssertionError(x);
        }
    }

    /**
     * A short mainframe export that reads without a bad byte or many control characters (in ISO-8859-1, or by chance in
     * UTF-8) is rejected too, with its code page to declare: none of its line ends is one there, so it would convert as one
     * header value and no rows, a success that keeps nothing of the file.
     */
    @Test
    void ebcdicThatReadsAsTextIsRejectedRatherThanConvertedToOneHeader() {
        String runTogether = "its first bytes hold no line feed (0x0A) but EBCDIC's line ends (0x15, 0x25), letters and digits: read as %s,"
                + " its lines would run together into one header value and no rows. ";
        byte[] export = upperCaseMainframeExport(3);
        assertEquals("The file is not ISO-8859-1: " + String.format(runTogether, "ISO-8859-1") + EBCDIC_ADVICE,
                rejection(export, Optional.of(StandardCharsets.ISO_8859_1), "legacy").getMessage());
        byte[] validUtf8 = "Tom Sam Bo\n".repeat(3).getBytes(Charset.forName("IBM037"));
        assertEquals("The file is not UTF-8: " + String.format(runTogether, "UTF-8") + EBCDIC_ADVICE,
                rejection(validUtf8, Optional.empty(), "legacy").getMessage());
    }

    private static final String BINARY_FIELDS = " with binary fields in it: low values (0x00 bytes), packed-decimal (COMP-3) or binary (COMP) numbers,"
            + " which no encoding reads as text, so the file cannot be converted as it is. Export those fields as display text (numbers unpacked"
            + " to their digits with the sign and decimal point written out, e.g. -1520.75; low values as spaces or empty)";

    /**
     * A mainframe export with packed-decimal and low-value fields, undeclared or declared windows-1252: still rejected for its NUL
     * bytes, nothing of it converted, but told for what it is, its binary fields to export as display text and its code page to
     * declare, rather than "a damaged export", or "binary data, or UTF-16" where they are a quarter of its bytes.
     */
    @ParameterizedTest
    @CsvSource({"IBM037, 20", "IBM1047, 20", "IBM273, 400"})
    void undeclaredEbcdicWithPackedDecimalFieldsIsRejectedWithWhatToDoAboutThem(String codePage, int rows) {
        byte[] export = MainframeExports.withBinaryFields(Charset.forName(codePage), rows);
        String expected = "The file is not text: it holds a NUL byte at byte offset 65 (" + MainframeExports.nulsInSample(export) + " in its first "
                + Math.min(export.length, 8192) + " bytes). The rest of its first bytes look like EBCDIC (a mainframe export)" + BINARY_FIELDS
                + ", and declare its code page, e.g. CSV_ENCODINGS=ledger:IBM037 (US/Canada; IBM1047 for z/OS Unix, IBM273 German, IBM297 French, ...).";
        assertEquals(expected, rejection(export, Optional.empty(), "ledger").getMessage());
        assertEquals(expected, rejection(export, Optional.of(WINDOWS_1252), "ledger").getMessage());
        assertEquals(expected.replace("byte offset 65", "byte offset 65 of the decompressed text").replace(" bytes). ", " bytes, decompressed). "),
                rejection(gzip(export), Optional.empty(), "ledger").getMessage());
    }

    /**
     * Declared in its code page, a mainframe export with binary fields is rejected too: their bytes decode to control characters
     * and NUL characters, garbage in the values, or rows lost to the quarantine at best. Told at its first NUL byte, or, after
     * the first bytes, at its first NUL character, with what to do about the fields.
     */
    @Test
    void declaredEbcdicWithPackedDecimalFieldsIsRejectedWithWhatToDoAboutThem() {
        Charset ibm037 = Charset.forName("IBM037");
        byte[] export = MainframeExports.withBinaryFields(ibm037, 20);
        assertEquals("The file is not text: it holds a NUL byte at byte offset 65 (" + MainframeExports.nulsInSample(export) + " in its first " + export.length
                + " bytes), which IBM037, the encoding CSV_ENCODINGS declares for dataset ledger, reads as no character. It is a mainframe (EBCDIC) export"
                + BINARY_FIELDS + ".", rejection(export, Optional.of(ibm037), "ledger").getMessage());
        // Text rows for the first 8 KiB, the binary fields after them: its first content is read as characters.
        byte[] late = concat(upperCaseMainframeExport(300), Arrays.copyOfRange(export, 37, export.length));
        assertTrue(MainframeExports.nulsInSample(late) == 0 && late.length < 65536);
        assertEquals("The file is not text: it holds a NUL character on line 302. It is a mainframe (EBCDIC) export" + BINARY_FIELDS + ".",
                rejection(late, Optional.of(ibm037), "ledger").getMessage());
    }

    /** Other binary content with NUL bytes is not told for EBCDIC: an image, UTF-16 without a byte order mark. */
    @Test
    void binaryContentWithNulBytesIsNotTakenForEbcdic() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'};
        String image = rejection(png).getMessage();
        assertTrue(image.startsWith("The file is not text: it holds a NUL byte at byte offset 8 ") && !image.contains("EBCDIC"), image);
        String utf16 = rejection("id,name\n1,alice\n".repeat(20).getBytes(StandardCharsets.UTF_16LE), Optional.empty(), "ledger").getMessage();
        assertTrue(utf16.contains("CSV_ENCODINGS=ledger:UTF-16LE") && !utf16.contains("EBCDIC"), utf16);
        String cyrillic = rejection("id;имя\n1;Фёдор\n".repeat(20).getBytes(StandardCharsets.UTF_16BE), Optional.empty(), "ledger").getMessage();
        assertTrue(cyrillic.startsWith("The file is not text: it holds a NUL byte at byte offset 0 ") && !cyrillic.contains("EBCDIC"), cyrillic);
    }

    /** Binary data read in a charset that maps every byte keeps the binary message: it does not look like EBCDIC. */
    @Test
    void binaryDataIsStillRejectedAsBinary() {
        byte[] random = new byte[4096];
        new java.util.Random(42).nextBytes(random);
        for (int i = 0; i < random.length; i++) {
            random[i] = random[i] == 0 ? 1 : random[i];
        }
        String latin1 = rejection(random, Optional.of(StandardCharsets.ISO_8859_1), "legacy").getMessage();
        assertTrue(latin1.startsWith("The file is not text: ") && latin1.contains("(binary data rather than CSV") && !latin1.contains("EBCDIC"), latin1);
        // Read as the function reads it, its charset declared by CSV_ENCODINGS: where to set the actual one (EncodingSource.declareActual).
        assertTrue(latin1.endsWith(" (binary data rather than CSV, or text in another encoding than the ISO-8859-1 it was read in). Set the file's"
                + " actual encoding in CSV_ENCODINGS (without an entry the dataset is read as UTF-8)."), latin1);
        // Read as UTF-8 or windows-1252 it fails to decode first: the usual advice, not EBCDIC's.
        for (Optional<Charset> encoding : List.of(Optional.<Charset>empty(), Optional.of(WINDOWS_1252))) {
            String message = rejection(random, encoding, "legacy").getMessage();
            assertTrue(message.startsWith("The file is not ") && !message.contains("EBCDIC"), message);
        }
    }

    @Test
    void binaryContentIsRejected() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'};
        RejectedInputException e = rejection(png);
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
    }

    // --- encodings: declared ---------------------------------------------------------------------

    /** Text every single-byte Western export holds: accents, the euro, typographic quotes and dashes. */
    private static final String WESTERN = "id;name;city;note\n"
            + "1;Zoë Müller;Besançon;“déjà vu” – 5 €\n"
            + "2;Łukasz?;Reykjavík;it’s a café… naïve\n"
            + "3;Œuvre Šárka;Ærøskøbing;™ ® © ° ± µ ¿¡ ß ÿ Ÿ ž\n";

    @Test
    void declaredWindows1252DecodesEveryRowExactly() throws Exception {
        String text = WESTERN.replace("Ł", "L");
        List<Row> rows = read(text.getBytes(WINDOWS_1252), Optional.empty(), Optional.of(WINDOWS_1252));
        assertEquals(fields(read(text)), fields(rows));
        assertEquals(List.of("1", "Zoë Müller", "Besançon", "“déjà vu” – 5 €"), rows.get(1).fields());
        assertEquals("it’s a café… naïve", rows.get(2).fields().get(3));
        try (CsvReader reader = open(text.getBytes(WINDOWS_1252), Optional.of(WINDOWS_1252), "customers")) {
            assertEquals(WINDOWS_1252, reader.encoding());
            assertEquals(';', reader.delimiter(), "the delimiter is detected in the decoded text");
        }
    }

    @Test
    void everyWindows1252CharacterRoundTrips() throws Exception {
        // Each byte 0xA0-0xFF and each of the 27 characters Windows-1252 puts in 0x80-0x9F.
        StringBuilder expected = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(utf8("byte,char\n"));
        for (int b = 0x80; b <= 0xFF; b++) {
            String decoded = new String(new byte[] {(byte) b}, WINDOWS_1252);
            if (decoded.equals("\uFFFD")) {
                continue; // 0x81, 0x8D, 0x8F, 0x90, 0x9D: undefined
            }
            bytes.writeBytes(utf8(b + ",\""));
            bytes.write(b);
            bytes.writeBytes(utf8("\"\n"));
            expected.append(decoded);
        }
        List<Row> rows = read(bytes.toByteArray(), Optional.of(','), Optional.of(WINDOWS_1252));
        assertEquals(123, rows.size() - 1);
        assertEquals(expected.toString(), rows.stream().skip(1).map(row -> row.fields().get(1)).reduce("", String::concat));
        assertTrue(expected.toString().contains("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"), expected.toString());
    }

    /** The advice for a file that is not UTF-8 stays windows-1252 for a Western export, whatever its line breaks: not taken for EBCDIC. */
    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void undeclaredWindows1252IsNotTakenForEbcdic(String lineBreak) {
        String text = WESTERN.replace("Ł", "L").replace("\n", lineBreak);
        for (byte[] bytes : List.of(text.getBytes(WINDOWS_1252), text.replaceAll("[“”–’…™ŒŠžŸ€]", "").getBytes(StandardCharsets.ISO_8859_1))) {
            RejectedInputException e = rejection(bytes, Optional.empty(), "customers");
            assertTrue(e.getMessage().endsWith("If it is a Windows-1252 or Latin-1 export, set CSV_ENCODINGS=customers:windows-1252 (or convert the file to UTF-8).")
                    && !e.getMessage().contains("EBCDIC"), e.getMessage());
        }
    }

    @Test
    void byteWindows1252LeavesUndefinedRejectsTheFile() {
        byte[] bytes = concat("id,name\n1,é\n2,".getBytes(WINDOWS_1252), new byte[] {(byte) 0x81}, utf8("x\n"));
        RejectedInputException e = rejection(bytes, Optional.of(WINDOWS_1252), "legacy");
        assertEquals("The file is not windows-1252, the encoding CSV_ENCODINGS declares for dataset legacy: byte sequence 0x81,"
                + " which windows-1252 does not define, at byte offset 14 (line 3). Set the file's actual encoding in CSV_ENCODINGS"
                + " (without an entry the dataset is read as UTF-8), or convert the file to windows-1252.", e.getMessage());
    }

    @Test
    void declaredIso88591DecodesEveryByte() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(utf8("id,text\n1,\""));
        StringBuilder expected = new StringBuilder();
        for (int b = 0x80; b <= 0xFF; b++) {
            bytes.write(b);
            expected.append((char) b);
        }
        bytes.writeBytes(utf8("\"\n2,plain\n"));
        List<Row> rows = read(bytes.toByteArray(), Optional.empty(), Optional.of(StandardCharsets.ISO_8859_1));
        assertEquals(List.of("1", expected.toString()), rows.get(1).fields());
        assertEquals(List.of("2", "plain"), rows.get(2).fields());
        assertEquals(List.of("1", "Zoë", "Besançon"), read("id,name,city\n1,Zoë,Besançon\n".getBytes(StandardCharsets.ISO_8859_1),
                Optional.empty(), Optional.of(StandardCharsets.ISO_8859_1)).get(1).fields());
    }

    @Test
    void gzipWindows1252IsDecodedWhenDeclaredAndRejectedOtherwise() throws Exception {
        StringBuilder text = new StringBuilder("id,name\n");
        for (int i = 0; i < 50_000; i++) {
            text.append(i).append(",Zoë ").append(i % 10 == 0 ? "€" : "’").append('\n');
        }
        byte[] compressed = gzip(text.toString().getBytes(WINDOWS_1252));
        List<Row> rows = read(compressed, Optional.empty(), Optional.of(WINDOWS_1252));
        assertEquals(fields(read(text.toString())), fields(rows));
        assertEquals(List.of("49999", "Zoë ’"), rows.get(50_000).fields());

        RejectedInputException e = rejection(compressed, Optional.empty(), "sales");
        assertTrue(e.getMessage().contains("0xEB 0x20 at byte offset 12 of the decompressed text (line 2)."), e.getMessage());
        assertTrue(e.getMessage().contains("CSV_ENCODINGS=sales:windows-1252"), e.getMessage());
    }

    @Test
    void utf8ByteOrderMarkInAFileDeclaredWindows1252IsRejected() {
        RejectedInputException e = rejection(concat(UTF8_BOM, utf8("id,name\n1,Zoë\n")), Optional.of(WINDOWS_1252), "customers");
        assertEquals("The file starts with a UTF-8 byte order mark, but CSV_ENCODINGS declares windows-1252 for dataset customers:"
                + " remove the dataset's entry from CSV_ENCODINGS if its files are UTF-8 (the default), or save this file as windows-1252.",
                e.getMessage());
    }

    @Test
    void nulBytesAndUtf16MarksAreStillRejectedInADeclaredSingleByteFile() {
        RejectedInputException nul = rejection(concat(utf8("id,name\n1,"), new byte[] {0}, utf8("\n")), Optional.of(WINDOWS_1252), "x");
        assertTrue(nul.getMessage().contains("NUL byte at byte offset 10 "), nul.getMessage());
        RejectedInputException utf16 = rejection(concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, "id\n".getBytes(StandardCharsets.UTF_16LE)),
                Optional.of(WINDOWS_1252), "x");
        assertTrue(utf16.getMessage().startsWith("The file is UTF-16 encoded (it starts with a UTF-16 byte order mark), but CSV_ENCODINGS"
                + " declares windows-1252 for dataset x"), utf16.getMessage());
    }

    @ParameterizedTest(name = "[{index}] {0}, byte order mark {1}")
    @CsvSource({"UTF-16LE, true", "UTF-16LE, false", "UTF-16BE, true", "UTF-16BE, false", "UTF-16, true"})
    void declaredUtf16IsDecodedWithOrWithoutAByteOrderMark(String charsetName, boolean withBom) throws Exception {
        Charset charset = Charset.forName(charsetName);
        String text = "id\tname\tcity\r\n1\tZoë\t東京\r\n2\t\"😀, “x”\"\tSão Paulo\r\n";
        byte[] body = text.getBytes(charset.name().equals("UTF-16") ? StandardCharsets.UTF_16LE : charset);
        byte[] bom = charset.name().equals("UTF-16BE") ? new byte[] {(byte) 0xFE, (byte) 0xFF} : new byte[] {(byte) 0xFF, (byte) 0xFE};
        byte[] bytes = withBom ? concat(bom, body) : body;
        for (byte[] input : List.of(bytes, gzip(bytes))) {
            try (CsvReader reader = open(input, Optional.of(charset), "exports")) {
                assertEquals(charset, reader.encoding());
                assertEquals('\t', reader.delimiter());
                assertEquals(List.of("id", "name", "city"), reader.next().orElseThrow().fields(), "the byte order mark is not part of the header");
                assertEquals(List.of("1", "Zoë", "東京"), reader.next().orElseThrow().fields());
                assertEquals(List.of("2", "😀, “x”", "São Paulo"), reader.next().orElseThrow().fields());
                assertTrue(reader.next().isEmpty());
            }
        }
    }

    @Test
    void utf16DeclaredWithTheOtherByteOrderIsRejected() {
        byte[] bigEndian = concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, "id,name\n".getBytes(StandardCharsets.UTF_16BE));
        RejectedInputException e = rejection(bigEndian, Optional.of(StandardCharsets.UTF_16LE), "exports");
        assertTrue(e.getMessage().startsWith("The file starts with a UTF-16BE byte order mark, but CSV_ENCODINGS declares UTF-16LE for dataset exports"),
                e.getMessage());
        assertTrue(e.getMessage().contains("CSV_ENCODINGS=exports:UTF-16"), e.getMessage());
    }

    /**
     * Without a byte order mark, a file in the other byte order than the declared charset reads decodes without
     * error into other characters (a line feed as U+0A00): one header field, no row, an "empty" file. Rejected,
     * naming the charset to declare; and the same text in the declared order still reads.
     */
    @ParameterizedTest(name = "[{index}] {1} declared, the file {0}")
    @CsvSource({"UTF-16LE, UTF-16, UTF-16LE", "UTF-16LE, UTF-16BE, UTF-16LE", "UTF-16BE, UTF-16LE, UTF-16BE",
            "UTF-32LE, UTF-32, UTF-32LE", "UTF-32BE, UTF-32LE, UTF-32BE", "UTF-32LE, UTF-32BE, UTF-32LE"})
    void aFileInTheOtherByteOrderThanTheDeclaredCharsetReadsIsRejected(String actual, String declared, String toDeclare) throws Exception {
        String text = "id,name,city\r\n1,alice,東京\r\n2,bob,São Paulo\r\n";
        byte[] bytes = text.getBytes(Charset.forName(actual));
        for (byte[] input : List.of(bytes, gzip(bytes))) {
            RejectedInputException e = rejection(input, Optional.of(Charset.forName(declared)), "exports");
            assertTrue(e.getMessage().startsWith("The file is " + toDeclare + " (its line breaks and delimiters are"), e.getMessage());
            assertTrue(e.getMessage().contains("but CSV_ENCODINGS declares " + declared + " for dataset exports"), e.getMessage());
            assertTrue(e.getMessage().contains("Set CSV_ENCODINGS=exports:" + toDeclare + ","), e.getMessage());
        }
        try (CsvReader reader = open(bytes, Optional.of(Charset.forName(toDeclare)), "exports")) {
            assertEquals(List.of("id", "name", "city"), reader.next().orElseThrow().fields());
            assertEquals(List.of("1", "alice", "東京"), reader.next().orElseThrow().fields());
            assertEquals(List.of("2", "bob", "São Paulo"), reader.next().orElseThrow().fields());
            assertTrue(reader.next().isEmpty());
        }
    }

    /**
     * Characters whose code ends in a zero byte (U+3000, the ideographic space that pads Japanese exports,
     * 一 U+4E00, 가 U+AC00, 글 U+AE00) look like ASCII in the other byte order: text full of them is still read
     * in the declared order, which its line breaks and delimiters give.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE"})
    void textFullOfCharactersEndingInAZeroByteIsReadInTheDeclaredOrder(String charsetName) throws Exception {
        Charset charset = Charset.forName(charsetName);
        String padded = "\u3000".repeat(80);
        String text = "id,name,note\n1,山田" + padded + ",一一一一一\n2,가가가가가,글글글글글" + padded + "\n";
        try (CsvReader reader = open(text.getBytes(charset), Optional.of(charset), "names")) {
            assertEquals(List.of("id", "name", "note"), reader.next().orElseThrow().fields());
            assertEquals(List.of("1", "山田" + padded, "一一一一一"), reader.next().orElseThrow().fields());
            assertEquals(List.of("2", "가가가가가", "글글글글글" + padded), reader.next().orElseThrow().fields());
            assertTrue(reader.next().isEmpty());
        }
    }

    /** UTF-16 and UTF-32 with a byte order mark: the mark decides, whichever order it gives. */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"})
    void aByteOrderMarkDecidesForUtf16AndUtf32(String actual) throws Exception {
        byte[] bytes = "\uFEFFid,name\n1,東京\n".getBytes(Charset.forName(actual));
        String declared = actual.substring(0, actual.length() - 2);
        try (CsvReader reader = open(bytes, Optional.of(Charset.forName(declared)), "exports")) {
            assertEquals(List.of("id", "name"), reader.next().orElseThrow().fields());
            assertEquals(List.of("1", "東京"), reader.next().orElseThrow().fields());
        }
    }

    /** A UTF-32 mark (FF FE 00 00 also starts like UTF-16LE's) read as UTF-8 names UTF-32, which reads the file. */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"UTF-32LE", "UTF-32BE"})
    void aUtf32ByteOrderMarkIsNamedAsSuch(String actual) {
        RejectedInputException e = rejection("\uFEFFid,name\n1,alice\n".getBytes(Charset.forName(actual)), Optional.empty(), "exports");
        assertEquals("The file is UTF-32 encoded (it starts with a " + actual + " byte order mark): save it as UTF-8, or set CSV_ENCODINGS=exports:UTF-32.",
                e.getMessage());
    }

    @Test
    void fileDeclaredUtf16ThatHoldsNoNulByteIsRejected() {
        RejectedInputException e = rejection(utf8("id,name\n1,alice\n"), Optional.of(StandardCharsets.UTF_16LE), "exports");
        assertTrue(e.getMessage().startsWith("The file is not UTF-16LE, the encoding CSV_ENCODINGS declares for dataset exports"), e.getMessage());
    }

    @Test
    void malformedUtf16IsRejectedWithTheOffset() {
        // An odd number of bytes: the last one starts a code unit that never ends.
        byte[] bytes = concat("id,name\n1,x\n".getBytes(StandardCharsets.UTF_16LE), new byte[] {'2'});
        RejectedInputException e = rejection(bytes, Optional.of(StandardCharsets.UTF_16LE), "exports");
        assertTrue(e.getMessage().contains("invalid byte sequence 0x32 at byte offset 24 (line 3)."), e.getMessage());
        assertTrue(e.getMessage().startsWith("The file is not UTF-16LE"), e.getMessage());
    }

    @Test
    void emptyFileIsEmptyInAnyEncoding() throws Exception {
        for (Charset charset : List.of(StandardCharsets.UTF_8, WINDOWS_1252, StandardCharsets.UTF_16LE)) {
            assertEquals(List.of(), read(new byte[0], Optional.empty(), Optional.of(charset)));
        }
        assertEquals(List.of(), read(new byte[] {(byte) 0xFF, (byte) 0xFE}, Optional.empty(), Optional.of(StandardCharsets.UTF_16LE)));
    }

    // --- content after blank lines ---------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void aMillionBlankLinesBeforeTheHeaderHideNeitherTheDelimiterNorTheLineNumbers(String lineBreak) throws Exception {
        byte[] text = concat(utf8(lineBreak.repeat(1_000_000)), utf8(String.join(lineBreak, "id;name;note", "1;alice;\"a, b\"", "2;bob;x", "")));
        try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(text), Optional.empty(), LOCATION)) {
            assertEquals(';', reader.delimiter());
            assertEquals(List.of("id", "name", "note"), reader.next().orElseThrow().fields());
            Row first = reader.next().orElseThrow();
            assertEquals(List.of("1", "alice", "a, b"), first.fields());
            assertEquals(1_000_002L, first.line());
            assertEquals(1_000_003L, reader.next().orElseThrow().line());
            assertTrue(reader.next().isEmpty());
        }
    }

    @Test
    void invalidBytesAfterBlankLinesNameTheirLine() {
        byte[] bytes = concat(utf8("\r\n".repeat(100_000) + "id,name\n1,"), new byte[] {(byte) 0xE9}, utf8("\n"));
        RejectedInputException e = rejection(bytes);
        assertTrue(e.getMessage().contains("at byte offset 200010 (line 100002)"), e.getMessage());
    }

    @Test
    void onlyBlankLinesAreAnEmptyFile() throws Exception {
        assertEquals(List.of(), read(utf8("\n\r\n".repeat(100_000))));
    }

    @Test
    void aNulCharacterAfterBlankLinesIsNotText() {
        byte[] bytes = concat(utf8("\n".repeat(1_000_000)), utf8("id,name\n1,al"), new byte[] {0}, utf8("ice\n"));
        RejectedInputException e = rejection(bytes);
        assertTrue(e.getMessage().startsWith("The file is not text: it holds a NUL character on line 1000002"), e.getMessage());
    }

    @Test
    void highBytesAreRejectedInEveryEncodingNeverEmpty() {
        byte[] high = new byte[500 * 1024];
        for (int i = 0; i < high.length; i++) {
            high[i] = (byte) (0x80 + i % 0x80);
        }
        for (byte[] bytes : List.of(high, concat(utf8("\n".repeat(1_000_000)), high))) {
            assertTrue(rejection(bytes, Optional.empty(), "blobs").getMessage().startsWith("The file is not UTF-8"));
            assertTrue(rejection(bytes, Optional.of(WINDOWS_1252), "blobs").getMessage().startsWith("The file is not windows-1252"));
            // ISO-8859-1 maps every byte to a character: a quarter of them are C1 control characters.
            RejectedInputException e = rejection(bytes, Optional.of(StandardCharsets.ISO_8859_1), "blobs");
            assertTrue(e.getMessage().startsWith("The file is not text: 16384 of its first 65536 characters"), e.getMessage());
            assertTrue(e.getMessage().contains("are control characters, the first U+0080 on line " + (bytes == high ? 1 : 1_000_001)),
                    e.getMessage());
        }
    }

    @Test
    void aFewControlCharactersInAFieldAreData() throws Exception {
        StringBuilder text = new StringBuilder("id,text\n");
        for (int i = 0; i < 63; i++) {
            text.append(i).append(",bell\u0007\n");
        }
        assertEquals(List.of("0", "bell\u0007"), read(text.toString()).get(1).fields());
        text.append("63,bell\u0007\n");
        assertTrue(rejection(utf8(text.toString())).getMessage().startsWith("The file is not text: 64 of its first"));
    }

    // --- row size ---------------------------------------------------------------------------------

    /** Reads every row with a row limit of {@code maxRowChars}. */
    private static List<Row> readWithRowLimit(String text, int maxRowChars) throws IOException, RejectedInputException {
        List<Row> rows = new ArrayList<>();
        try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(utf8(text)), Optional.empty(), Optional.empty(), LOCATION, "sales",
                maxRowChars)) {
            for (Optional<Row> row = reader.next(); row.isPresent(); row = reader.next()) {
                rows.add(row.get());
            }
        }
        return rows;
    }

    @Test
    void aRowOfExactlyTheLimitIsReadAndOneCharacterMoreRejectsTheFile() throws Exception {
        int limit = 100_000;
        // Values and delimiters count; quotes and line breaks do not: "7" + "," + the quoted value + "," + "x".
        String atLimit = "\"" + "y".repeat(limit - 4 - 10) + "\"\"" + "z".repeat(9) + "\"";
        String text = "id,text,flag\n1,a,b\n7," + atLimit + ",x\n8,c,d\n";
        List<Row> rows = readWithRowLimit(text, limit);
        assertEquals(4, rows.size());
        assertEquals(limit - 4, rows.get(2).fields().get(1).length());

        RejectedInputException e = assertThrows(RejectedInputException.class,
                () -> readWithRowLimit(text.replace("8,c,d", "9,c,d\n7," + atLimit + ",xx"), limit));
        assertEquals("The row at line 5 holds 100001 characters (values and delimiters), more than MAX_ROW_CHARS allows (100000). The file is"
                + " rejected so that memory stays bounded; raise MAX_ROW_CHARS (with the function's memory) to convert it.", e.getMessage());
    }

    @Test
    void aRunawayRowIsRejectedBeforeItIsReadWhole() {
        int limit = 1000;
        // An unclosed quote: the rest of the file would be one value, held in memory.
        String text = "id,text\n1,\"" + "never closed ".repeat(1_000_000);
        RejectedInputException e = assertThrows(RejectedInputException.class, () -> readWithRowLimit(text, limit));
        assertEquals("More than 68538 characters follow line 1 without a row ending: a row longer than MAX_ROW_CHARS allows (1000 characters"
                + " of values and delimiters), an unclosed quote, or that many blank lines. The file is rejected so that memory stays bounded;"
                + " raise MAX_ROW_CHARS (with the function's memory) to convert it.", e.getMessage());
    }

    /**
     * A row of many short fields, over the limit but within the bound on characters without a row ending: every field is an
     * object of its own, many times the size of its characters, so such a row is rejected while it is read, once it surely
     * holds more characters than the limit (those counted in any row: not quotes, line breaks, or white space after a quote)
     * and its delimiters are more than the parser may read ahead, not once the parser has made all of its fields.
     */
    @Test
    void aRowOfManyShortFieldsOverTheLimitIsRejectedBeforeItIsReadWhole() {
        int limit = 100_000;
        // A million characters: read whole, it would be ten times the limit.
        String row = String.join(",", java.util.Collections.nCopies(500_000, "a"));
        byte[] bytes = utf8("id,text\n1,a\n" + row + "\n2,b\n");
        long[] read = {0};
        java.io.InputStream counted = new java.io.FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int count = super.read(buffer, offset, Math.min(length, 4096));
                read[0] += Math.max(count, 0);
                return count;
            }
        };
        RejectedInputException e = assertThrows(RejectedInputException.class, () -> {
            try (CsvReader reader = CsvReader.open(counted, Optional.empty(), Optional.empty(), LOCATION, "sales", limit)) {
                while (reader.next().isPresent()) {
                    // Read on.
                }
            }
        });
        assertEquals("The row after line 2 holds more than 100000 characters (values and delimiters), more than MAX_ROW_CHARS allows (100000),"
                + " among them more than 65536 delimiters: rejected while it is read, before its fields fill memory. The file is"
                + " rejected so that memory stays bounded; raise MAX_ROW_CHARS (with the function's memory) to convert it.", e.getMessage());
        // Counting starts once the row spans the parser's read-ahead (65,536), and stops it over the limit plus another
        // read-ahead of counted characters; the parser's own buffer and this stream's reads may add 8,192 more.
        assertTrue(read[0] < limit + 3 * 65_536 + 8_192, "rejected before the row is read whole: " + read[0] + " of " + bytes.length + " bytes");
    }

    @Test
    void aRowAtTheLimitThatTakesThreeTimesAsMuchInTheFileIsNotTakenForARunaway() throws Exception {
        int limit = 30_000;
        // 30,001 empty quoted values: 30,000 delimiters counted, 90,002 characters in the file.
        String row = String.join(",", java.util.Collections.nCopies(limit + 1, "\"\""));
        List<Row> rows = readWithRowLimit("a\n" + row + "\n" + row + "\n", limit);
        assertEquals(3, rows.size());
        assertEquals(limit + 1, rows.get(1).fields().size());
        RejectedInputException e = assertThrows(RejectedInputException.class, () -> readWithRowLimit("a\n" + row + ",\"\"\n", limit));
        assertTrue(e.getMessage().startsWith("The row at line 2 holds 30001 characters"), e.getMessage());
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

    /** Files compressed by the tools, of "id,name\n1,alice\n": the converter decompresses gzip alone. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            zstd-compressed | 0x28 0xB5 0x2F 0xFD | Decompress it (zstd -d)  | 28b52ffd241081000069642c6e616d650a312c616c6963650a8cd7cfef
            xz-compressed   | 0xFD 0x37 0x7A 0x58 0x5A 0x00 | Decompress it (xz -d) | fd377a585a000004e6d6b4460200210116000000742fe5a301000f69642c6e616d650a312c616c6963650a001379604bd4ace37300012810e50b6c601fb6f37d010000000004595a
            bzip2-compressed | 0x42 0x5A 0x68 0x39 0x31 0x41 0x59 0x26 0x53 0x59 | Decompress it (bunzip2) | 425a6839314159265359e2c1de9300000659000010000420002e2720003100d34d034068684499a5a17228678bb9229c28487160ef4980
            a ZIP archive   | 0x50 0x4B 0x03 0x04 | Extract the CSV from it (unzip), or if it is an Excel .xlsx workbook, export it as CSV, | 504b03040a00000000003760835dd194e073100000001000000005001c00742e63737655540900032a5a116b2a5a116b75780b00010400000000040000000069642c6e616d650a312c616c6963650a504b01021e030a00000000003760835dd194e0731000000010000000050018000000000001000000a48100000000742e63737655540500032a5a116b75780b000104000000000400000000504b050600000000010001004b0000004f0000000000
            lz4-compressed  | 0x04 0x22 0x4D 0x18 | Decompress it (lz4 -d) | 04224d186440a71000008069642c6e616d650a312c616c6963650a00000000244ca5e4
            a 7z archive    | 0x37 0x7A 0xBC 0xAF 0x27 0x1C | Extract the CSV from it (7z x) | 377abcaf271c0004a1b2c3d4
            """)
    void aFileCompressedOtherwiseThanWithGzipIsRejectedNamingItsFormatAndWhatToDo(String format, String magic, String remedy, String hex) {
        byte[] file = HexFormat.of().parseHex(hex);
        String magicName = format.startsWith("a ZIP") ? "a ZIP entry's signature" : format.startsWith("a 7z") ? "7z's signature"
                : format.substring(0, format.indexOf('-')) + "'s magic number";
        // A .csv.gz, a .csv or a .dat alike: the converter goes by the bytes, not the name.
        assertEquals("The file " + LOCATION + " of dataset sales is not CSV text: it is " + format + " (it starts with " + magicName + " " + magic
                + "), and the converter decompresses gzip alone, whatever the name's suffix says. " + remedy
                + " and upload the CSV as .csv, or compressed with gzip as .csv.gz.", rejection(file, Optional.empty(), "sales").getMessage());
        // In whatever encoding the dataset declares.
        assertTrue(rejection(file, Optional.of(StandardCharsets.UTF_16LE), "sales").getMessage().contains("it is " + format + " (it starts with "));
        // Compressed again with gzip, it is rejected once decompressed.
        assertEquals("The file " + LOCATION + " of dataset sales is not CSV text: it is gzip-compressed, and once decompressed it is " + format
                + " (it starts with " + magicName + " " + magic + "): the converter decompresses gzip alone, and once. Decompress it (gunzip), then "
                + Character.toLowerCase(remedy.charAt(0)) + remedy.substring(1) + " and upload the CSV as .csv, or compressed with gzip alone as .csv.gz.",
                rejection(gzip(file), Optional.empty(), "sales").getMessage());
    }

    @Test
    void aFileCompressedTwiceWithGzipIsRejectedSayingSo() {
        RejectedInputException e = rejection(gzip(gzip(utf8("id,name\n1,alice\n"))), Optional.empty(), "sales");
        assertEquals("The file " + LOCATION + " of dataset sales is not CSV text: it is gzip-compressed twice (once decompressed, it starts with"
                + " gzip's magic number 0x1F 0x8B again), and the converter decompresses it once. Decompress it once (gunzip) and upload the result,"
                + " still gzip-compressed, as .csv.gz.", e.getMessage());
    }

    @Test
    void textThatMerelyStartsLikeAMagicNumberIsRead() throws Exception {
        // "BZh9" starts bzip2's magic number, but without the first block's after it, it is a header like another.
        assertEquals(List.of(List.of("BZh9", "1AY"), List.of("1", "2")), fields(read("BZh9,1AY\n1,2\n")));
        assertEquals(List.of(List.of("PK", "b"), List.of("1", "2")), fields(read("PK,b\n1,2\n")));
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
        // The byte after the magic number is the compression method: 't', 116.
        assertEquals("The file is not valid gzip: gzip member 1 at byte offset 0 names compression method 116, not deflate (8)"
                + GzipMembersInputStream.REMEDY, e.getMessage());
    }

    @Test
    void gzipMagicAloneIsRejected() {
        RejectedInputException e = rejection(new byte[] {0x1f, (byte) 0x8b});
        assertEquals("The file is not valid gzip: the file ends inside the header (compression method) of gzip member 1, which starts at byte"
                + " offset 0: it is cut short" + GzipMembersInputStream.REMEDY, e.getMessage());
    }

    // A file cut short ends where its last byte was written: the offset the message gives is the cut file's length.
    @Test
    void gzipTruncatedEarlyIsRejected() {
        byte[] full = gzip(utf8("id,name\n1,alice\n2,bob\n"));
        byte[] cut = Arrays.copyOf(full, full.length / 2);
        RejectedInputException e = rejection(cut);
        assertEquals("The file is not valid gzip: the file ends inside the compressed data of gzip member 1, at byte offset " + cut.length
                + ": it is cut short" + GzipMembersInputStream.REMEDY, e.getMessage());
    }

    @Test
    void gzipTruncatedLateIsRejected() {
        StringBuilder text = new StringBuilder("n,text\n");
        for (int i = 0; i < 200_000; i++) {
            text.append(i).append(',').append(Integer.toHexString(i * 7919)).append('\n');
        }
        byte[] full = gzip(utf8(text.toString()));
        byte[] cut = Arrays.copyOf(full, full.length - full.length / 4);
        RejectedInputException e = rejection(cut);
        // Rows were read before the cut: the message says after which line, a number of the deflate blocks' making.
        assertTrue(e.getMessage().matches("The file is not valid gzip \\(after line \\d+\\): the file ends inside the compressed data of gzip member 1,"
                + " at byte offset " + cut.length + ": it is cut short" + Pattern.quote(GzipMembersInputStream.REMEDY)), e.getMessage());
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
        // With the JDK's zlib the flipped bytes still inflate, to other text, and the trailer's CRC-32 finds them; another zlib's
        // deflate output may fail to inflate where they are instead: either way the member, the byte offset and what to do.
        String where = "the CRC-32 of gzip member 1 \\(trailer at byte offset " + (corrupt.length - 8) + "\\) does not match its decompressed data"
                + "|the compressed data of gzip member 1 is damaged at or before byte offset \\d+[^.]*";
        assertTrue(e.getMessage().matches("The file is not valid gzip \\(after line \\d+\\): (" + where + ")"
                + Pattern.quote(GzipMembersInputStream.REMEDY)), e.getMessage());
    }

    /** Rows {@code from} to {@code to - 1} as {@code i,row i} lines, for members of a multi-member file. */
    private static byte[] numberedRows(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append(i).append(",row ").append(i).append('\n');
        }
        return utf8(text.toString());
    }

    @Test
    void everyMemberOfAMultiMemberGzipIsRead() throws Exception {
        // What cat a.gz b.gz makes; an empty member in the middle is valid too.
        byte[] file = concat(gzip(concat(utf8("id,label\n"), numberedRows(0, 100))), gzip(new byte[0]), gzip(numberedRows(100, 280)),
                gzip(numberedRows(280, 50_000)));
        List<Row> rows = read(file);
        assertEquals(50_001, rows.size());
        assertEquals(List.of("279", "row 279"), rows.get(280).fields());
        assertEquals(List.of("49999", "row 49999"), rows.get(50_000).fields());
        assertEquals(50_001L, rows.get(50_000).line());
    }

    @Test
    void aGzipMemberWithHeaderFieldsIsRead() throws Exception {
        byte[] second = gzip(numberedRows(1, 3));
        // FEXTRA, FNAME, FCOMMENT and FHCRC: the header gzip -N and other tools may write.
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3});
        header.writeBytes(new byte[] {3, 0, 'a', 'b', 'c'});
        header.writeBytes(utf8("rows.csv\0a comment\0"));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(header.toByteArray());
        header.write((int) crc.getValue() & 0xff);
        header.write((int) (crc.getValue() >> 8) & 0xff);
        byte[] member = concat(header.toByteArray(), Arrays.copyOfRange(second, 10, second.length));
        assertEquals(List.of(List.of("id", "label"), List.of("1", "row 1"), List.of("2", "row 2")),
                fields(read(concat(gzip(utf8("id,label\n")), member))));
        member[header.size() - 1] ^= 1;
        RejectedInputException e = rejection(concat(gzip(utf8("id,label\n")), member));
        assertTrue(e.getMessage().contains("the header checksum of gzip member 2"), e.getMessage());
    }

    @Test
    void damageInTheSecondGzipMemberRejectsTheFile() {
        byte[] first = gzip(concat(utf8("id,label\n"), numberedRows(0, 100)));
        byte[] second = gzip(numberedRows(100, 280));
        for (int i = second.length / 2; i < second.length / 2 + 8; i++) {
            second[i] ^= (byte) 0x5A;
        }
        RejectedInputException e = rejection(concat(first, second));
        assertTrue(e.getMessage().startsWith("The file is not valid gzip"), e.getMessage());
        assertTrue(e.getMessage().contains("gzip member 2"), e.getMessage());
    }

    @Test
    void aSecondGzipMemberCutInsideItsHeaderRejectsTheFile() {
        byte[] first = gzip(concat(utf8("id,label\n"), numberedRows(0, 100)));
        byte[] second = gzip(numberedRows(100, 280));
        for (int cut = 1; cut < 10; cut++) {
            RejectedInputException e = rejection(concat(first, Arrays.copyOf(second, cut)));
            assertTrue(e.getMessage().contains("the file ends inside the header"), e.getMessage());
            assertTrue(e.getMessage().contains("gzip member 2, which starts at byte offset " + first.length + ": it is cut short"), e.getMessage());
        }
    }

    @Test
    void bytesAfterTheLastGzipMemberRejectTheFile() {
        byte[] first = gzip(concat(utf8("id,label\n"), numberedRows(0, 100)));
        for (byte[] garbage : List.of(utf8("garbage here\n"), new byte[] {0}, new byte[] {'\n'}, new byte[] {0x1f, 0x00, 0x00})) {
            RejectedInputException e = rejection(concat(first, garbage));
            assertTrue(e.getMessage().startsWith("The file is not valid gzip"), e.getMessage());
            assertTrue(e.getMessage().endsWith(": the file goes on after the end of gzip member 1, but the bytes at byte offset "
                    + first.length + " are not another gzip member (trailing garbage). Test the file with gzip -t; compress it again from its "
                    + "original, or copy it again whole"), e.getMessage());
        }
    }

    @Test
    void aGzipFileCutInsideItsTrailerIsRejectedWithAReasonNeverNull() {
        StringBuilder text = new StringBuilder("n,text\n");
        for (int i = 0; i < 20_000; i++) {
            text.append(i).append(',').append(Integer.toHexString(i * 7919)).append('\n');
        }
        byte[] large = gzip(utf8(text.toString()));
        byte[] small = gzip(utf8("id,name\n1,alice\n"));
        for (byte[] full : List.of(large, small)) {
            for (int cut = 1; cut <= 8; cut++) {
                RejectedInputException e = rejection(Arrays.copyOf(full, full.length - cut));
                assertTrue(e.getMessage().contains("the file ends inside the trailer of gzip member 1, at byte offset " + (full.length - cut)
                        + ": it is cut short"), e.getMessage());
                assertTrue(!e.getMessage().contains("null"), e.getMessage());
            }
        }
    }

    @Test
    void aWrongChecksumOrLengthInAGzipTrailerRejectsTheFile() {
        byte[] full = gzip(utf8("id,name\n1,alice\n"));
        byte[] badCrc = full.clone();
        badCrc[full.length - 8] ^= 1;
        assertTrue(rejection(badCrc).getMessage().contains("the CRC-32 of gzip member 1 (trailer at byte offset " + (full.length - 8) + ")"));
        byte[] badLength = full.clone();
        badLength[full.length - 4] ^= 1;
        assertTrue(rejection(badLength).getMessage().contains("the length stored in the trailer of gzip member 1"));
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

    /**
     * A quote never closed takes every line after it into one value. Read leniently, row 3 here was
     * merged into row 2's note ("never closed\n3,lost\n") and written as one valid row: a row lost
     * without a word. The file is rejected instead, naming the quote's line and what to do.
     */
    @Test
    void aQuoteNeverClosedRejectsTheFileNamingItsLine() {
        RejectedInputException e = rejection(utf8("id,note\n1,ok\n2,\"never closed\n3,lost\n"));
        assertEquals("Malformed CSV in " + LOCATION + ": the quote that opens a field on line 3 is never closed, so the rest of the file would be "
                + "one value. Close it, or double it (\"\") where it is part of a value", e.getMessage());
    }

    @Test
    void aQuoteNeverClosedAfterBlankLinesNamesTheLineInTheFile() {
        RejectedInputException e = rejection(utf8("\n\nid,note\n\n1,ok\n\n2,\"never closed\n3,lost\n"));
        assertTrue(e.getMessage().contains("a field on line 7 is never closed"), e.getMessage());
    }

    @Test
    void strayCharacterAfterClosingQuoteIsRejectedNamingTheLineAndWhatToDo() {
        RejectedInputException e = rejection(utf8("id,name\n1,ok\n\"abc\"x,1\n"));
        assertEquals("Malformed CSV in " + LOCATION + ": on line 3, a quoted value is followed by other characters before the next delimiter "
                + "(as in \"abc\"x). Quote the whole value, and double each quote inside it (\"\")", e.getMessage());
    }

    /**
     * MySQL's SELECT ... INTO OUTFILE ... ENCLOSED BY '"' writes a quote inside a value as \" (its FIELDS ESCAPED BY '\\' default), which
     * CSV does not read: the rejection names that escape and what to do, rather than only to double the quotes, which the export did not
     * write. A value that ends in a backslash (\\ before its closing quote) is read as CSV reads it.
     */
    @Test
    void aQuoteEscapedWithABackslashAsMySqlWritesOneIsRejectedNamingTheEscape() {
        String mysql = "Malformed CSV in " + LOCATION + ": on line %d, a quoted value is followed by other characters before the next delimiter"
                + " (as in \"abc\"x): a quote inside it is written \\\" as MySQL's SELECT ... INTO OUTFILE writes one with its default"
                + " FIELDS ESCAPED BY '\\\\', where CSV doubles it (\"\"). Export again with FIELDS ESCAPED BY '\"', which doubles it"
                + " (a NULL is then written \"N: select IFNULL(column, '') for a column that holds one)";
        RejectedInputException e = rejection(utf8("id,name,note\n1,\"plain\",\"ok\"\n2,\"say \\\"hi\\\" now\",\"x\"\n"));
        assertEquals(mysql.formatted(3), e.getMessage());
        StringBuilder csv = new StringBuilder("id,name\n");
        for (int i = 0; i < 5000; i++) {
            csv.append(i).append(",\"ends with \\\\\"\n");
        }
        csv.append("5000,\"a \\\"b\"\n");
        e = rejection(utf8(csv.toString()));
        assertEquals(mysql.formatted(5002), e.getMessage());
    }

    /**
     * The parser reads its text in buffers: a value longer than one, whose \" lies just before where the next buffer starts (or in a
     * read of one character, bytes arriving one at a time), is named MySQL's all the same: the escape belongs to the record that failed.
     */
    @Test
    void aBackslashEscapedQuoteIsNamedWhereverTheParsersReadsSplitTheValue() throws Exception {
        String prefix = "id,name\n1,\"";
        for (int backslashAt = 16_376; backslashAt <= 16_388; backslashAt++) {
            String csv = prefix + "x".repeat(backslashAt - prefix.length()) + "\\\"hi\\\" now\"\n2,\"ok\"\n";
            RejectedInputException e = rejection(utf8(csv));
            assertTrue(e.getMessage().contains("on line 2, a quoted value is followed by other characters before the next delimiter (as in \"abc\"x):"
                    + " a quote inside it is written \\\" as MySQL's"), backslashAt + ": " + e.getMessage());
        }
        StringBuilder csv = new StringBuilder("id,name\n");
        for (int i = 0; csv.length() < 70_000; i++) {
            csv.append(i).append(",\"").append("y".repeat(i % 9)).append("\"\n");
        }
        byte[] bytes = utf8(csv + "9,\"say \\\" hi\"\n");
        for (int[] sizes : new int[][] {{1}, {2}, {3}, {5, 7}}) {
            RejectedInputException e = assertThrows(RejectedInputException.class, () -> {
                try (CsvReader reader = CsvReader.open(ShortReads.of(bytes, sizes), Optional.empty(), Optional.empty(), LOCATION, "sales")) {
                    while (reader.next().isPresent()) {
                        // Reads every row.
                    }
                }
            });
            assertTrue(e.getMessage().contains("as MySQL's SELECT ... INTO OUTFILE writes one"), Arrays.toString(sizes) + ": " + e.getMessage());
        }
    }

    /**
     * What is not MySQL's escape is not named so: a value ending in a backslash (\\ before its closing quote, as MySQL writes one) and
     * then a stray character, and a record that failed beside another whose unquoted value holds \" (read as it stands), near and across
     * a buffer's end.
     */
    @Test
    void aQuoteAfterAnEscapedBackslashOrInAnotherRecordIsNotNamedMySqls() throws Exception {
        String generic = ". Quote the whole value, and double each quote inside it (\"\")";
        assertTrue(rejection(utf8("id,path\n1,\"C:\\\\\"x\n")).getMessage().endsWith(generic));
        assertTrue(rejection(utf8("id,path\n1,\"C:\\\\\" x\n")).getMessage().endsWith(generic));
        assertTrue(rejection(utf8("id,note\n1,a\\\"b\n2,\"abc\"x\n")).getMessage().endsWith(generic));
        String prefix = "id,path\n1,\"";
        for (int quoteAt = 16_380; quoteAt <= 16_388; quoteAt++) {
            String csv = prefix + "x".repeat(quoteAt - prefix.length() - 2) + "\\\\\"x\n";
            RejectedInputException e = rejection(utf8(csv));
            assertTrue(e.getMessage().endsWith(generic), quoteAt + ": " + e.getMessage());
        }
    }

    @Test
    void strayCharacterAfterClosingQuoteFarDownNamesItsLineInTheFile() {
        StringBuilder csv = new StringBuilder("\n\nid,name\n");
        for (int i = 0; i < 1500; i++) {
            csv.append(i).append(",ok\n");
        }
        csv.append("1500,\"abc\" x\n");
        RejectedInputException e = rejection(utf8(csv.toString()));
        assertTrue(e.getMessage().contains(": on line 1504, a quoted value"), e.getMessage());
    }

    @Test
    void rowsBeforeAMalformedRecordAreStillReturned() throws Exception {
        try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(utf8("id,name\n1,ok\n\"abc\"x,1\n")), Optional.empty(), LOCATION)) {
            assertEquals(List.of("id", "name"), reader.next().orElseThrow().fields());
            assertEquals(List.of("1", "ok"), reader.next().orElseThrow().fields());
            RejectedInputException e = assertThrows(RejectedInputException.class, reader::next);
            assertEquals(e, assertThrows(RejectedInputException.class, reader::next), "the rejection stands");
        }
    }

    // --- size ------------------------------------------------------------------------------------

    @Test
    void aFourMegabyteFieldJustUnderTheRowLimitIsReadIntact() throws Exception {
        int length = ConversionLimits.DEFAULT_MAX_ROW_CHARS - 16;
        StringBuilder big = new StringBuilder(length);
        for (int i = 0; big.length() < length; i++) {
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

    /**
     * A Ctrl-Z alone on the text's last line ends the text (DOS, copy /a); quoted, {@code "\u001a"}, it is a value someone wrote,
     * a row like any other. Commons CSV returns both as the same value: only the characters tell them apart.
     */
    @ParameterizedTest(name = "[{index}] line breaks {0}, {1} of them after it")
    @CsvSource({"LF, 0", "LF, 1", "LF, 4", "CRLF, 0", "CRLF, 1", "CRLF, 4"})
    void aQuotedCtrlZOnTheLastLineIsARowAndABareOneEndsTheText(String lineBreak, int lineBreaksAfter) throws Exception {
        String eol = lineBreak.equals("CRLF") ? "\r\n" : "\n";
        // Its own line break, then blank lines.
        String after = eol.repeat(lineBreaksAfter);

        List<Row> quoted = read("code" + eol + "A1" + eol + "\"\u001a\"" + after);
        List<Row> bare = read("code" + eol + "A1" + eol + "\u001a" + after);

        assertEquals(List.of(List.of("code"), List.of("A1"), List.of("\u001a")), quoted.stream().map(Row::fields).toList());
        assertEquals(3L, quoted.get(2).line(), "the quoted Ctrl-Z is line 3 of the file");
        assertEquals(List.of(List.of("code"), List.of("A1")), bare.stream().map(Row::fields).toList());
    }

    @Test
    void aQuotedCtrlZEndingAFileOfSeveralColumnsIsAShortRowNotTheEndOfTheText() throws Exception {
        // Quarantined later for its one field, not dropped unseen as the end-of-file mark.
        List<Row> rows = read("id,amount\r\n1,1.5\r\n\"\u001a\"\r\n");
        assertEquals(List.of(List.of("id", "amount"), List.of("1", "1.5"), List.of("\u001a")), rows.stream().map(Row::fields).toList());
    }

    @Test
    void aQuotedCtrlZFollowedByWhiteSpaceOnTheLastLineIsARow() throws Exception {
        // Commons CSV skips white space after a closing quote: the value is the Ctrl-Z alone, and it was quoted.
        assertEquals(List.of(List.of("code"), List.of("\u001a")), read("code\n\"\u001a\" \t\n").stream().map(Row::fields).toList());
    }

    @Test
    void retainedBytesGrowWithTheFields() {
        Row small = new Row(0, 1, List.of("a"));
        Row large = new Row(0, 1, List.of("a".repeat(1000), "b"));
        assertTrue(large.retainedBytes() > small.retainedBytes() + 2000);
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThrows(NullPointerException.class, () -> CsvReader.open(new ByteArrayInputStream(new byte[0]), Optional.empty(), null));
        assertThrows(NullPointerException.class, () -> CsvReader.open(null, Optional.empty(), LOCATION));
    }
}
