package dev.medallion.common.text;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UndecodableBytesTest {
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    @Test
    void aWindows1252ExportReadAsUtf8GivesTheConvertersMessage() throws IOException {
        byte[] content = "id,name\n1,ok\n2,Zo\u00eb\n3,also ok\n".getBytes(WINDOWS_1252);

        UndecodableBytes.Found found = first(content, StandardCharsets.UTF_8).orElseThrow();

        assertEquals("The file is not UTF-8: invalid byte sequence 0xEB 0x0A at byte offset 17 (line 3). If it is a Windows-1252 or Latin-1 export,"
                + " set CSV_ENCODINGS=people:windows-1252 (or convert the file to UTF-8).", found.message("people", EncodingSource.CSV_ENCODINGS, false));
        assertEquals("The file is not UTF-8: invalid byte sequence 0xEB 0x0A at byte offset 17 of the decompressed text (line 3). If it is a"
                + " Windows-1252 or Latin-1 export, set CSV_ENCODINGS=people:windows-1252 (or convert the file to UTF-8).", found.message("people", EncodingSource.CSV_ENCODINGS, true));
    }

    /** The charset a message's setting for the dataset names, as convert names it for --encoding; the sentence's punctuation no part of it. */
    @Test
    void theCharsetOfTheDatasetsSettingIsReadOutOfAMessage() {
        assertEquals(Optional.of("windows-1252"), UndecodableBytes.charsetOfSettingIn("set CSV_ENCODINGS=people:windows-1252 (or convert the file to UTF-8).", "people"));
        assertEquals(Optional.of("UTF-16"), UndecodableBytes.charsetOfSettingIn("save it as UTF-8, or set CSV_ENCODINGS=people:UTF-16.", "people"));
        assertEquals(Optional.of("IBM037"), UndecodableBytes.charsetOfSettingIn("e.g. CSV_ENCODINGS=people:IBM037 (US/Canada; IBM1047 for z/OS Unix)", "people"));
        assertEquals(Optional.empty(), UndecodableBytes.charsetOfSettingIn("set CSV_ENCODINGS=sales:windows-1252", "people"), "another dataset's");
        assertEquals(Optional.empty(), UndecodableBytes.charsetOfSettingIn("Remove the dataset's entry from CSV_ENCODINGS if its files are UTF-8.", "people"));
    }

    /** A mainframe export read as UTF-8: the code page to declare, not windows-1252, which would read it as other characters. */
    @Test
    void anEbcdicExportReadAsUtf8IsAdvisedToDeclareItsCodePage() throws IOException {
        byte[] content = "id|name|city\n1|Zo\u00eb|Z\u00fcrich\n".getBytes(Charset.forName("IBM037"));

        UndecodableBytes.Found found = first(content, StandardCharsets.UTF_8).orElseThrow();

        assertEquals("The file is not UTF-8: invalid byte sequence 0x89 at byte offset 0 (line 1). It looks like EBCDIC (a mainframe export): declare"
                + " its code page, e.g. CSV_ENCODINGS=legacy:IBM037 (US/Canada; IBM1047 for z/OS Unix, IBM273 German, IBM297 French, ...).",
                found.message("legacy", EncodingSource.CSV_ENCODINGS, false));
        // A windows-1252 export whose lines end in CR alone, no 0x0A in it either, keeps the windows-1252 advice.
        byte[] western = "id;name\r1;Zo\u00eb 5%\r".getBytes(WINDOWS_1252);
        assertTrue(first(western, StandardCharsets.UTF_8).orElseThrow().message("people", EncodingSource.CSV_ENCODINGS, false)
                .endsWith("If it is a Windows-1252 or Latin-1 export, set CSV_ENCODINGS=people:windows-1252 (or convert the file to UTF-8)."));
    }

    @Test
    void aDeclaredWindows1252AcceptsEveryByteButTheFiveItDoesNotDefine() throws IOException {
        byte[] defined = new byte[256 - 5];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (b != 0x81 && b != 0x8d && b != 0x8f && b != 0x90 && b != 0x9d) {
                defined[n++] = (byte) b;
            }
        }
        assertEquals(Optional.empty(), first(defined, WINDOWS_1252));

        byte[] content = concat("id,name\r\n1,Zo\u00eb\r\n2,".getBytes(WINDOWS_1252), new byte[] {(byte) 0x81}, "x\r\n".getBytes(WINDOWS_1252));
        assertEquals("The file is not windows-1252, the encoding CSV_ENCODINGS declares for dataset legacy: byte sequence 0x81, which windows-1252"
                + " does not define, at byte offset 18 (line 3). Set the file's actual encoding in CSV_ENCODINGS (without an entry the dataset is"
                + " read as UTF-8), or convert the file to windows-1252.", first(content, WINDOWS_1252).orElseThrow().message("legacy", EncodingSource.CSV_ENCODINGS, false));
    }

    @Test
    void linesAreCountedAsTheParserCountsThemAndOffsetsAcrossTheBuffer() throws IOException {
        // CRLF counts once, a lone CR once; the bad byte lies well past the first 64 KiB read.
        byte[] start = ("a\r\nb\rc\n\n" + "x".repeat(200_000) + "\r\n\u00e9").getBytes(StandardCharsets.UTF_8);
        byte[] content = concat(start, new byte[] {(byte) 0xff}, "\n".getBytes(StandardCharsets.UTF_8));

        UndecodableBytes.Found found = first(content, StandardCharsets.UTF_8).orElseThrow();

        assertEquals(start.length, found.bytes().offset());
        assertEquals(6, found.line());
        assertTrue(found.message("d", EncodingSource.CSV_ENCODINGS, false).contains("invalid byte sequence 0xFF at byte offset " + start.length + " (line 6)."), found.message("d", EncodingSource.CSV_ENCODINGS, false));
    }

    @Test
    void aSequenceCutShortByTheEndOfTheFileShowsItsBytesAlone() throws IOException {
        byte[] content = concat("id\n".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xe2, (byte) 0x82});

        UndecodableBytes.Found found = first(content, StandardCharsets.UTF_8).orElseThrow();

        assertTrue(found.message("d", EncodingSource.CSV_ENCODINGS, false).contains("invalid byte sequence 0xE2 0x82 at byte offset 3 (line 2)."), found.message("d", EncodingSource.CSV_ENCODINGS, false));
    }

    @Test
    void validTextWithAByteOrderMarkAndEveryPlaneHasNoBadSequence() throws IOException {
        assertEquals(Optional.empty(), first("\uFEFFid,name\n1,Zo\u00eb \u20ac \ud83d\ude00\n".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), first(new byte[0], StandardCharsets.UTF_8));
    }

    private static Optional<UndecodableBytes.Found> first(byte[] content, Charset charset) throws IOException {
        return UndecodableBytes.first(() -> new ByteArrayInputStream(content), charset);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
