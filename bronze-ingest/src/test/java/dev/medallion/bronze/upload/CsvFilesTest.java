package dev.medallion.bronze.upload;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.medallion.common.testing.MainframeExports;
import dev.medallion.common.text.ControlCharacters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvFilesTest {
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    @TempDir
    Path directory;

    @Test
    void aKeyEndsInASuffixTheBronzeNotificationDelivers() {
        // The converter matches its suffixes case-sensitively, as its role's IAM patterns do: SilverConverterHandler.CONVERTED_SUFFIXES.
        List<String> delivered = List.of(".csv", ".csv.gz", ".dat", ".CSV", ".CSV.GZ", ".DAT");
        Map<String, String> keys = Map.of(
                "sales/a.csv", "sales/a.csv",
                "sales/A.CSV", "sales/A.CSV",
                "sales/Report.Csv", "sales/Report.csv",
                "sales/REPORT.CSV.gz", "sales/REPORT.csv.gz",
                "sales/x.CSV.GZ", "sales/x.CSV.GZ",
                "sales/legacy.Dat", "sales/legacy.dat",
                "sales/İstanbul.Csv", "sales/İstanbul.csv");
        keys.forEach((key, expected) -> {
            assertEquals(expected, CsvFiles.deliveredKey(key), key);
            assertTrue(delivered.stream().anyMatch(expected::endsWith), expected);
        });
    }

    @Test
    void acceptsTheNamesTheConverterAcceptsInAnyCase() {
        assertTrue(CsvFiles.hasAcceptedName(Path.of("a.csv")));
        assertTrue(CsvFiles.hasAcceptedName(Path.of("A.CSV")));
        assertTrue(CsvFiles.hasAcceptedName(Path.of("a.csv.gz")));
        assertTrue(CsvFiles.hasAcceptedName(Path.of("legacy.DAT")));
        assertFalse(CsvFiles.hasAcceptedName(Path.of("a.gz")));
        assertFalse(CsvFiles.hasAcceptedName(Path.of("a.tsv")));
        assertFalse(CsvFiles.hasAcceptedName(Path.of("a.csv.zip")));
        assertFalse(CsvFiles.hasAcceptedName(Path.of("csv")));
    }

    @Test
    void csvTextPasses() throws IOException {
        assertEquals(Optional.empty(), sniff("a.csv", "id,name\n1,Amélie\n2,\"Dupont, Jean\"\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), sniff("latin1.csv", "id;nom\n1;Am\u00e9lie\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(Optional.empty(), sniff("empty.csv", new byte[0]));
        // Hive's default field separator, ^A, is a control character, but one per field is still text.
        assertEquals(Optional.empty(), sniff("hive.dat", "1\u0001north\u000112.50\n2\u0001south\u00017\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aNulByteMeansBinary() throws IOException {
        byte[] content = "id,a\n1,2\n".getBytes(StandardCharsets.US_ASCII);
        byte[] withNul = Arrays.copyOf(content, content.length + 1);
        assertEquals(Optional.of("it holds a NUL byte at offset 9: binary content, not CSV text (starts with 69 64 2c 61 0a 31 2c 32)"),
                sniff("x.csv", withNul));
    }

    /** As the converter: NUL bytes in its first 8 KiB, then NUL characters in its first 64 Ki characters. */
    @Test
    void onlyTheStartTheConverterLooksAtIsRead() throws IOException {
        byte[] content = new byte[ControlCharacters.SAMPLE_CHARS + 4096];
        Arrays.fill(content, (byte) 'a');
        content[9000] = 0;
        assertEquals(Optional.of("it holds a NUL character on line 1: binary content, not CSV text"), sniff("nul.csv", content));
        content[9000] = 'a';
        content[ControlCharacters.SAMPLE_CHARS] = 0;
        assertEquals(Optional.empty(), sniff("long.csv", content));
    }

    @Test
    void namesKnownBinaryFormats() throws IOException {
        byte[] xlsx = {'P', 'K', 3, 4, 20, 0, 6, 0, 8, 0};
        assertEquals(Optional.of("it is a ZIP archive (it starts with a ZIP entry's signature 0x50 0x4B 0x03 0x04), and the converter"
                + " decompresses gzip alone, whatever the name's suffix says. Extract the CSV from it (unzip), or if it is an Excel .xlsx workbook,"
                + " export it as CSV, and upload the CSV as .csv, or compressed with gzip as .csv.gz"), sniff("report.csv", xlsx));
        assertEquals(Optional.of("it is a Parquet file, which needs no conversion, not CSV text"), sniff("part.csv", "PAR1\u0015\u0004".getBytes(StandardCharsets.ISO_8859_1)));
    }

    /**
     * The converter decompresses gzip alone, and once; a file compressed otherwise (here by zstd, of "id,name\n1,alice\n"), named
     * .csv.gz, .csv or .dat, or compressed twice, it rejects naming the format (CsvReaderTest): refused here with the same reason.
     */
    @Test
    void aFileCompressedOtherwiseThanWithGzipIsRefusedWithTheConvertersReason() throws IOException {
        byte[] zstd = java.util.HexFormat.of().parseHex("28b52ffd241081000069642c6e616d650a312c616c6963650a8cd7cfef");
        String reason = "it is zstd-compressed (it starts with zstd's magic number 0x28 0xB5 0x2F 0xFD), and the converter decompresses gzip alone,"
                + " whatever the name's suffix says. Decompress it (zstd -d) and upload the CSV as .csv, or compressed with gzip as .csv.gz";
        for (String name : List.of("a.csv.gz", "a.csv", "a.DAT")) {
            assertEquals(Optional.of(reason), sniff(name, zstd), name);
        }
        assertEquals(Optional.of("it is gzip-compressed, and once decompressed it is zstd-compressed (it starts with zstd's magic number 0x28 0xB5 0x2F"
                + " 0xFD): the converter decompresses gzip alone, and once. Decompress it (gunzip), then decompress it (zstd -d) and upload the CSV as"
                + " .csv, or compressed with gzip alone as .csv.gz"), sniff("a.csv.gz", gzip(zstd)));
        assertEquals(Optional.of("it is gzip-compressed twice (once decompressed, it starts with gzip's magic number 0x1F 0x8B again), and the converter"
                + " decompresses it once. Decompress it once (gunzip) and upload the result, still gzip-compressed, as .csv.gz"),
                sniff("a.csv.gz", gzip(gzip("id,a\n1,2\n".getBytes(StandardCharsets.US_ASCII)))));
        byte[] xz = java.util.HexFormat.of().parseHex("fd377a585a000004e6d6b4460200210116000000742fe5a301000f69642c6e616d650a312c616c6963650a001379604b"
                + "d4ace37300012810e50b6c601fb6f37d010000000004595a");
        assertTrue(sniff("a.csv", xz).orElseThrow().startsWith("it is xz-compressed (it starts with xz's magic number 0xFD 0x37 0x7A 0x58 0x5A 0x00)"));
    }

    @Test
    void utf16OrUtf32OfADatasetThatDeclaresNoSuchEncodingIsRefusedNamingTheSetting() throws IOException {
        String declare = " in the environment of this command and of the converter (the Terraform variable silver_csv_encodings), or save the file as UTF-8";
        assertEquals(Optional.of("it is UTF-16 text (it starts with a UTF-16 byte order mark), which the converter reads only when its dataset declares it:"
                + " set CSV_ENCODINGS=exports:UTF-16" + declare), sniff("excel.csv", "\uFEFFid,a\n".getBytes(StandardCharsets.UTF_16LE)));
        assertEquals(Optional.of("it is UTF-32 text (it starts with a UTF-32 byte order mark), and CSV_ENCODINGS declares windows-1252 for dataset exports,"
                + " which the converter reads only when its dataset declares it: set CSV_ENCODINGS=exports:UTF-32" + declare),
                sniff("wide.csv", "\uFEFFid,a\n".getBytes(Charset.forName("UTF-32LE")), Optional.of(Charset.forName("windows-1252"))));
        // SQL Server's bcp -w: UTF-16LE without a byte order mark.
        assertEquals(Optional.of("it holds a NUL byte at offset 1 (starts with 69 00 64 00 2c 00 61 00): binary content, or UTF-16 text saved without a"
                + " byte order mark, which the converter reads only when its dataset declares it: for a Windows \"Unicode\" export,"
                + " set CSV_ENCODINGS=exports:UTF-16LE" + declare), sniff("bcp.csv", "id,a\n1,2\n".getBytes(StandardCharsets.UTF_16LE)));
    }

    /** The converter reads UTF-16 and UTF-32 files of a dataset that declares it: byte order marks and NUL bytes are their text. */
    @Test
    void aUtf16OrUtf32FileOfADatasetThatDeclaresItPasses() throws IOException {
        Optional<Charset> utf16le = Optional.of(StandardCharsets.UTF_16LE);
        assertEquals(Optional.empty(), sniff("with-bom.csv", "\uFEFFid,name\n1,caf\u00e9\n".getBytes(StandardCharsets.UTF_16LE), utf16le));
        assertEquals(Optional.empty(), sniff("bcp.csv", "id,name\n1,caf\u00e9\n".getBytes(StandardCharsets.UTF_16LE), utf16le));
        assertEquals(Optional.empty(), sniff("bcp.csv.gz", gzip("id,name\n1,caf\u00e9\n".getBytes(StandardCharsets.UTF_16LE)), utf16le));
        assertEquals(Optional.empty(), sniff("wide.csv", "\uFEFFid,a\n".getBytes(Charset.forName("UTF-32LE")), Optional.of(Charset.forName("UTF-32"))));
    }

    @Test
    void mostlyControlCharactersMeansBinary() throws IOException {
        byte[] content = new byte[100];
        Arrays.fill(content, (byte) 1);
        assertEquals(Optional.of("it is not CSV text: 100 of its first 100 characters are control characters, the first U+0001 on line 1 (binary"
                + " content, or text in another encoding than the UTF-8 it was read in). Set the file's actual encoding in CSV_ENCODINGS (without an"
                + " entry the dataset is read as UTF-8). A CSV_ENCODINGS entry goes in the environment of this command and of the converter (the"
                + " Terraform variable silver_csv_encodings)."),
                sniff("x.dat", content));
    }

    /**
     * The converter's rule (ControlCharacters): at least 64 control characters, more than 1 % of the first characters,
     * after blank lines. No CSV_DELIMITERS value is ^A, so a Hive export separated by it is rejected by the converter.
     */
    @Test
    void controlCharactersTheConverterRejectsAsBinaryAreRefused() throws IOException {
        StringBuilder hive = new StringBuilder("\n\nid\u0001region\u0001amount\n");
        for (int row = 1; row < 100; row++) {
            hive.append(row).append("\u0001north\u0001").append(row % 97).append(".25\n");
        }
        Optional<String> reason = sniff("hive.dat", hive.toString().getBytes(StandardCharsets.US_ASCII));
        assertTrue(reason.orElseThrow().matches("it is not CSV text: 200 of its first \\d+ characters are control characters,"
                + " the first U\\+0001 on line 3 \\(binary content, or text in another encoding than the UTF-8 it was read in\\)\\. Set .*"), reason.toString());
        // Read in the declared charset, gzip-compressed or not.
        byte[] utf16 = hive.toString().getBytes(StandardCharsets.UTF_16LE);
        assertTrue(sniff("hive.csv.gz", gzip(utf16), Optional.of(StandardCharsets.UTF_16LE)).orElseThrow()
                .startsWith("it is not CSV text once decompressed: 200 of its first"));
        // 63 are data, however few the characters.
        assertEquals(Optional.empty(), sniff("few.csv", "a\u0001".repeat(63).getBytes(StandardCharsets.US_ASCII)));
    }

    private static final String EBCDIC_ADVICE = ". It looks like EBCDIC (a mainframe export): declare its code page, e.g. CSV_ENCODINGS=exports:IBM037"
            + " (US/Canada; IBM1047 for z/OS Unix, IBM273 German, IBM297 French, ...). A CSV_ENCODINGS entry goes in the environment of this"
            + " command and of the converter (the Terraform variable silver_csv_encodings).";

    /** A mainframe export of 120 rows in IBM037: its 0x15 line ends read as U+0015, control characters, in an ASCII-family charset. */
    private static byte[] mainframeExport() {
        StringBuilder text = new StringBuilder("ACCOUNT,HOLDER,BALANCE\n");
        for (int row = 0; row < 120; row++) {
            text.append(String.format("%010d,MUELLER KARL,1520.75\n", 1234567 + row));
        }
        return text.toString().getBytes(Charset.forName("IBM037"));
    }

    /**
     * A mainframe export of its dataset that declares no encoding: refused, not as binary content but as EBCDIC, with the
     * setting that declares its code page and where it goes, as the converter advises it.
     */
    @Test
    void anUndeclaredEbcdicFileIsRefusedWithItsCodePageToDeclare() throws IOException {
        byte[] export = mainframeExport();
        assertEquals(Optional.of("it is not text as read in UTF-8, the default (CSV_ENCODINGS declares no encoding for dataset exports): 121 of its first 3863 characters are"
                + " control characters, the first U+0015 on line 1" + EBCDIC_ADVICE), sniff("mainframe.csv", export));
        assertEquals(Optional.of("it is not text as read in UTF-8, the default (CSV_ENCODINGS declares no encoding for dataset exports), once decompressed: 121 of its first"
                + " 3863 characters are control characters, the first U+0015 on line 1" + EBCDIC_ADVICE), sniff("mainframe.csv.gz", gzip(export)));
        // Declared in an ASCII-family charset, the same; declared as what it is, it passes.
        assertEquals(Optional.of("it is not text as read in ISO-8859-1, the encoding CSV_ENCODINGS declares for dataset exports: 121 of its first 3863"
                + " characters are control characters, the first U+0015 on line 1" + EBCDIC_ADVICE),
                sniff("mainframe.csv", export, Optional.of(StandardCharsets.ISO_8859_1)));
        // Declared windows-1252, a short one is refused at its first lower-case a, in the converter's words, by the whole-file check;
        // the sniff refuses it first, since it reads without a bad byte in the first bytes it decodes as text and none of its line ends is one.
        Path lowerCase = Files.write(directory.resolve("lower.csv"), "id|name\n1|Karl\n".getBytes(Charset.forName("IBM037")));
        assertEquals(Optional.of("would be rejected by the converter: The file is not windows-1252, the encoding CSV_ENCODINGS declares for dataset exports:"
                + " byte sequence 0x81, which windows-1252 does not define, at byte offset 4 (line 1)" + EBCDIC_ADVICE),
                CsvFiles.readWhole(lowerCase, "exports", Optional.of(WINDOWS_1252)));
        // Short and upper case, it reads as text in ISO-8859-1: its lines would run together into one header, so it is refused.
        byte[] shortExport = "ACCOUNT,HOLDER\n0001,MUELLER KARL\n".getBytes(Charset.forName("IBM037"));
        assertEquals(Optional.of("it is not ISO-8859-1, the encoding CSV_ENCODINGS declares for dataset exports: its first bytes hold no line feed (0x0A) but"
                + " EBCDIC's line ends (0x15, 0x25), letters and digits: read as ISO-8859-1, its lines would run together into one header value and no rows"
                + EBCDIC_ADVICE), sniff("short.csv", shortExport, Optional.of(StandardCharsets.ISO_8859_1)));
        Path declared = Files.write(directory.resolve("declared.csv"), export);
        assertEquals(Optional.empty(), CsvFiles.sniff(declared, "exports", Optional.of(Charset.forName("IBM037"))));
        assertEquals(Optional.empty(), CsvFiles.readWhole(declared, "exports", Optional.of(Charset.forName("IBM037"))));
    }

    private static final String BINARY_FIELDS = " with binary fields in it: low values (0x00 bytes), packed-decimal (COMP-3) or binary (COMP) numbers,"
            + " which no encoding reads as text, so the file cannot be converted as it is. Export those fields as display text (numbers unpacked"
            + " to their digits with the sign and decimal point written out, e.g. -1520.75; low values as spaces or empty)";

    /**
     * A mainframe export with packed-decimal and low-value fields: refused for its NUL bytes, as the converter rejects it, but told
     * for what it is: its binary fields to export as display text, and undeclared, its code page to declare and where the setting goes.
     */
    @Test
    void anEbcdicFileWithPackedDecimalFieldsIsRefusedWithWhatToDoAboutThem() throws IOException {
        byte[] export = MainframeExports.withBinaryFields(Charset.forName("IBM037"), 400);
        String undeclared = "it holds a NUL byte at offset 65 (" + MainframeExports.nulsInSample(export) + " in its first 8192 bytes), not CSV text. The rest of its first"
                + " bytes look like EBCDIC (a mainframe export)" + BINARY_FIELDS + ", and declare its code page, e.g. CSV_ENCODINGS=exports:IBM037 (US/Canada;"
                + " IBM1047 for z/OS Unix, IBM273 German, IBM297 French, ...). A CSV_ENCODINGS entry goes in the environment of this command and of the"
                + " converter (the Terraform variable silver_csv_encodings).";
        assertEquals(Optional.of(undeclared), sniff("ledger.csv", export));
        assertEquals(Optional.of(undeclared), sniff("ledger.csv", export, Optional.of(WINDOWS_1252)));
        assertEquals(Optional.of(undeclared.replace("offset 65 (", "offset 65 once decompressed (")), sniff("ledger.csv.gz", gzip(export)));
        // Declared in its code page: refused too, at its first NUL byte; its code page is not advised again.
        String declared = "it holds a NUL byte at offset 65 (" + MainframeExports.nulsInSample(export) + " in its first 8192 bytes), which IBM037, the encoding"
                + " CSV_ENCODINGS declares for dataset exports, reads as no character, not CSV text. It is a mainframe (EBCDIC) export" + BINARY_FIELDS + ".";
        assertEquals(Optional.of(declared), sniff("ledger.csv", export, Optional.of(Charset.forName("IBM037"))));
        // Text rows for the first 8 KiB, the binary fields after them: found among the first characters, as the converter finds them.
        byte[] late = concat(concat(mainframeExport(), concat(mainframeExport(), mainframeExport())), Arrays.copyOfRange(export, 37, export.length));
        assertTrue(MainframeExports.nulsInSample(late) == 0);
        assertEquals(Optional.of("it holds a NUL character on line 364, not CSV text. It is a mainframe (EBCDIC) export" + BINARY_FIELDS + "."),
                sniff("late.csv", late, Optional.of(Charset.forName("IBM037"))));
    }

    /** Other binary content with NUL bytes keeps its message: an image, UTF-16 without a byte order mark, are not taken for EBCDIC. */
    @Test
    void binaryContentWithNulBytesIsNotTakenForEbcdic() throws IOException {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'};
        assertEquals(Optional.of("it holds a NUL byte at offset 8: binary content, not CSV text (starts with 89 50 4e 47 0d 0a 1a 0a)"), sniff("image.csv", png));
        String utf16 = sniff("unicode.csv", "id,name\n1,alice\n".repeat(20).getBytes(StandardCharsets.UTF_16LE)).orElseThrow();
        assertTrue(utf16.contains("CSV_ENCODINGS=exports:UTF-16LE") && !utf16.contains("EBCDIC"), utf16);
        String cyrillic = sniff("unicode.csv", "id;имя\n1;Фёдор\n".repeat(20).getBytes(StandardCharsets.UTF_16LE)).orElseThrow();
        assertTrue(cyrillic.startsWith("it holds a NUL byte at offset 1") && !cyrillic.contains("EBCDIC"), cyrillic);
    }

    /** Binary data keeps the binary message: it does not look like EBCDIC. */
    @Test
    void binaryDataIsStillRefusedAsBinary() throws IOException {
        byte[] random = new byte[4096];
        new java.util.Random(42).nextBytes(random);
        for (int i = 0; i < random.length; i++) {
            random[i] = random[i] == 0 ? 1 : random[i];
        }
        for (Optional<Charset> encoding : List.of(Optional.<Charset>empty(), Optional.of(StandardCharsets.ISO_8859_1))) {
            String reason = sniff("random.dat", random, encoding).orElseThrow();
            assertTrue(reason.startsWith("it is not CSV text: ") && !reason.contains("EBCDIC"), reason);
        }
    }

    @Test
    void gzipIsSniffedOnceDecompressed() throws IOException {
        assertEquals(Optional.empty(), sniff("a.csv.gz", gzip("id,a\n1,2\n".getBytes(StandardCharsets.US_ASCII))));
        // The converter recognises gzip by its bytes, not its name.
        assertEquals(Optional.empty(), sniff("a.csv", gzip("id,a\n1,2\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(Optional.of("it holds a NUL byte at offset 2 once decompressed: binary content, not CSV text (starts with 69 64 00 61 0a 31 2c 32)"),
                sniff("a.csv.gz", gzip(new byte[] {'i', 'd', 0, 'a', '\n', '1', ',', '2'})));
    }

    @Test
    void aBrokenOrFakeGzipIsRefused() throws IOException {
        byte[] gzip = gzip("id,a\n1,2\n".repeat(100).getBytes(StandardCharsets.US_ASCII));
        Optional<String> truncated = sniff("a.csv.gz", Arrays.copyOf(gzip, 12));
        assertTrue(truncated.orElseThrow().startsWith("it is gzip-compressed but broken ("), truncated.toString());
        assertEquals(Optional.of("its name ends in .gz but it is not gzip-compressed (no gzip magic bytes)"),
                sniff("a.csv.gz", "id,a\n".getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * The converter decodes the whole file and rejects it at its first byte sequence not valid in the dataset's encoding (its
     * TextInput and CsvReader; SilverConverterTest.aFileThatIsNotUtf8IsRejectedAsAWholeNamingTheByteAndTheSetting): the whole
     * file is read here too, wherever the bytes are, and the converter's reason given with where its setting goes.
     */
    @Test
    void aFileNotValidInItsDatasetsEncodingIsRefusedWithTheConvertersReason() throws IOException {
        String placement = " A CSV_ENCODINGS entry goes in the environment of this command and of the converter (the Terraform variable silver_csv_encodings).";
        byte[] windows = "id,name\n1,ok\n2,Zo\u00eb\n3,also ok\n".getBytes(WINDOWS_1252);
        assertEquals(Optional.empty(), sniff("u.csv", windows), "its start is text");
        assertEquals(Optional.of("would be rejected by the converter: The file is not UTF-8: invalid byte sequence 0xEB 0x0A at byte offset 17 (line 3)."
                + " If it is a Windows-1252 or Latin-1 export, set CSV_ENCODINGS=people:windows-1252 (or convert the file to UTF-8)." + placement),
                readWhole("u.csv", windows, Optional.empty()));
        assertEquals(Optional.of("would be rejected by the converter: The file is not UTF-8: invalid byte sequence 0xEB 0x0A at byte offset 17 of the"
                + " decompressed text (line 3). If it is a Windows-1252 or Latin-1 export, set CSV_ENCODINGS=people:windows-1252 (or convert the file to"
                + " UTF-8)." + placement), readWhole("u.csv.gz", gzip(windows), Optional.empty()));
        // Far past the start that the sniff reads.
        byte[] late = ("id,name\n" + "1,ok\n".repeat(1_000_000) + "2,Zo\u00eb\n").getBytes(WINDOWS_1252);
        assertTrue(readWhole("late.csv.gz", gzip(late), Optional.empty()).orElseThrow().contains("at byte offset 5000012 of the decompressed text (line 1000002)"));
        assertEquals(Optional.empty(), readWhole("a.csv", "id,name\n1,Zo\u00eb \u20ac \ud83d\ude00\n".getBytes(StandardCharsets.UTF_8), Optional.empty()));
        assertEquals(Optional.empty(), readWhole("empty.csv", new byte[0], Optional.empty()));
    }

    /** The converter reads a declared windows-1252 file with Java's decoder, which defines every byte but five: those it rejects. */
    @Test
    void aDatasetThatDeclaresAnEncodingIsCheckedInIt() throws IOException {
        Optional<Charset> windows1252 = Optional.of(WINDOWS_1252);
        assertEquals(Optional.empty(), readWhole("u.csv", "id,name\n1,Zo\u00eb \u20ac\n".getBytes(WINDOWS_1252), windows1252));
        byte[] undefined = {'i', 'd', '\r', '\n', '1', (byte) 0x81, '\r', '\n'};
        assertEquals(Optional.of("would be rejected by the converter: The file is not windows-1252, the encoding CSV_ENCODINGS declares for dataset people:"
                + " byte sequence 0x81, which windows-1252 does not define, at byte offset 5 (line 2). Set the file's actual encoding in CSV_ENCODINGS"
                + " (without an entry the dataset is read as UTF-8), or convert the file to windows-1252. A CSV_ENCODINGS entry goes in the environment"
                + " of this command and of the converter (the Terraform variable silver_csv_encodings)."), readWhole("u.csv", undefined, windows1252));
        assertEquals(Optional.empty(), readWhole("u16.csv", "\uFEFFid,name\n1,caf\u00e9\n".getBytes(StandardCharsets.UTF_16LE),
                Optional.of(StandardCharsets.UTF_16LE)));
    }

    /** The converter reads a gzip file to its end, and rejects it as not valid gzip where it breaks off. */
    @Test
    void aGzipFileThatBreaksOffAfterItsStartIsRefused() throws IOException {
        byte[] gzip = gzip(("id,a\n" + "1,2\n".repeat(1_000_000)).getBytes(StandardCharsets.US_ASCII));
        byte[] cut = Arrays.copyOf(gzip, gzip.length / 2);
        assertEquals(Optional.empty(), sniff("cut.csv.gz", cut), "its start decompresses");
        Optional<String> reason = readWhole("cut.csv.gz", cut, Optional.empty());
        assertTrue(reason.orElseThrow().startsWith("is not a CSV file: it is gzip-compressed but broken ("), reason.toString());
    }

    /**
     * The converter reads a gzip file member by member to its very end and rejects bytes after the last member that
     * start no member, or a next member it cannot read (its GzipMembersInputStream; CsvReaderTest). The JDK's
     * GZIPInputStream takes either for the end of the file, so the file passed here and was rejected once uploaded.
     */
    @Test
    void aGzipFileWithBytesAfterItsLastMemberIsRefusedAsTheConverterWould() throws IOException {
        byte[] member = gzip(("id,a\n" + "1,2\n".repeat(1_000)).getBytes(StandardCharsets.US_ASCII));
        byte[] trailing = concat(member, "garbage after the data".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Optional.of("is not a CSV file: it is gzip-compressed but broken (the file goes on after the end of gzip member 1, but the"
                + " bytes at byte offset " + member.length + " are not another gzip member (trailing garbage)). Test the file with gzip -t; compress"
                + " it again from its original, or copy it again whole"),
                readWhole("trailing.csv.gz", trailing, Optional.empty()));
        // A second member whose header is damaged: its rows would be lost.
        byte[] second = gzip("3,4\n".getBytes(StandardCharsets.US_ASCII));
        second[3] = (byte) 0xff;
        Optional<String> damaged = readWhole("damaged.csv.gz", concat(member, second), Optional.empty());
        assertTrue(damaged.orElseThrow().startsWith("is not a CSV file: it is gzip-compressed but broken (gzip member 2 at byte offset " + member.length),
                damaged.toString());
        // Within the first bytes, the sniff says so.
        byte[] small = gzip("id,a\n1,2\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(sniff("small.csv.gz", concat(small, new byte[] {'x'})).orElseThrow().startsWith("it is gzip-compressed but broken ("));
        // Members one after the other (cat a.gz b.gz) are a gzip file, read to the end of the last.
        assertEquals(Optional.empty(), readWhole("members.csv.gz", concat(member, gzip("3,4\n".getBytes(StandardCharsets.US_ASCII))), Optional.empty()));
        byte[] windows = gzip("3,Zo\u00eb\n".getBytes(WINDOWS_1252));
        assertTrue(readWhole("late.csv.gz", concat(member, windows), Optional.empty()).orElseThrow().startsWith("would be rejected by the converter: The file is not UTF-8"));
    }

    /**
     * The whole read gives the count and CRC32 of the file's bytes as they are on disk, compressed or not, which the
     * upload compares with what it reads: all of them, a gzip file's to the end of its last member.
     */
    @Test
    void theWholeReadChecksumsEveryByteOfTheFileAsStored() throws IOException {
        byte[] plain = ("id,name\n" + "1,Zo\u00eb\n".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
        byte[] members = concat(gzip(plain), gzip("2,b\n".getBytes(StandardCharsets.US_ASCII)));
        for (Map.Entry<String, byte[]> file : Map.of("plain.csv", plain, "members.csv.gz", members, "empty.csv", new byte[0]).entrySet()) {
            CsvFiles.WholeContent content = CsvFiles.checkWhole(Files.write(directory.resolve(file.getKey()), file.getValue()), "people", Optional.empty());
            assertEquals(Optional.empty(), content.refusal(), file.getKey());
            assertEquals(new PlannedFile.Checked(file.getValue().length, Crc32Checksum.of(file.getValue(), 0, file.getValue().length)), content.read(),
                    file.getKey());
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private Optional<String> readWhole(String name, byte[] content, Optional<Charset> declared) throws IOException {
        return CsvFiles.readWhole(Files.write(directory.resolve(name), content), "people", declared);
    }

    /** Sniffs the file as of dataset exports, which declares no encoding. */
    private Optional<String> sniff(String name, byte[] content) throws IOException {
        return sniff(name, content, Optional.empty());
    }

    private Optional<String> sniff(String name, byte[] content, Optional<Charset> declared) throws IOException {
        return CsvFiles.sniff(Files.write(directory.resolve(name), content), "exports", declared);
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }
}
