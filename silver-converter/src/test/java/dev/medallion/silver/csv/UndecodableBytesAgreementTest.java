package dev.medallion.silver.csv;

import dev.medallion.common.testing.ShortReads;
import dev.medallion.common.text.EncodingSource;
import dev.medallion.common.text.UndecodableBytes;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bronze-ingest refuses a file whose bytes are not valid in its dataset's encoding with
 * {@link UndecodableBytes#first}, reading it whole before the upload: its message must be the one this
 * reader rejects the file with, offset, line and bytes included, wherever the bad bytes are.
 */
class UndecodableBytesAgreementTest {
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final byte[] BAD = {(byte) 0xff};

    @Test
    void theWholeFileCheckGivesTheReadersRejection() throws IOException {
        String rows = "id,name\n" + "1,x\n".repeat(30_000);
        List<byte[]> files = List.of(
                "id,name\n1,ok\n2,Zo\u00eb\n3,also ok\n".getBytes(WINDOWS_1252),
                concat(utf8("\r\n\n\r\nid,name\r\n1,"), BAD, utf8("\r\n")),
                concat(utf8("\uFEFFid,name\r1,a\r2,\"two\nlines\"\r3,"), BAD),
                concat(utf8("id,name\n1,\""), BAD, utf8("\"\n")),
                concat(utf8(rows + "2,\"a\r\nb\"\r\n3,caf"), new byte[] {(byte) 0xe9, ' '}, utf8("x\n")),
                concat(utf8(rows + "4,\r"), BAD, utf8("\n")),
                concat(utf8(rows + "5,"), new byte[] {(byte) 0xe2, (byte) 0x82}),
                concat(utf8("id,name\n1,\u20ac"), new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, utf8("\n")),
                // Mainframe exports, advised to declare their code page: both look at as many of the first bytes.
                "id|name|city\n1|Zo\u00eb|Z\u00fcrich\n".getBytes(Charset.forName("IBM037")),
                ("\n\n" + "ACCOUNT,HOLDER\n0001234567,MUELLER KARL\n".repeat(1000)).getBytes(Charset.forName("IBM1047")));
        int ebcdic = 0;
        for (byte[] file : files) {
            for (boolean compressed : new boolean[] {false, true}) {
                byte[] stored = compressed ? gzip(file) : file;
                String expected = rejection(stored, Optional.empty());
                ebcdic += expected.contains("It looks like EBCDIC") ? 1 : 0;
                UndecodableBytes.Text text = () -> compressed ? new GZIPInputStream(new ByteArrayInputStream(stored)) : new ByteArrayInputStream(stored);
                assertEquals(expected, UndecodableBytes.first(text, StandardCharsets.UTF_8).orElseThrow().message("people", EncodingSource.CSV_ENCODINGS, compressed));
            }
        }
        assertEquals(4, ebcdic, "the mainframe exports, compressed or not, are advised as such");
    }

    /** Sequences the decoder reports by their first byte or two: both show the whole of them, however the bytes arrive. */
    @Test
    void bothShowTheWholeBadSequenceWhateverTheReadSizes() throws IOException {
        String rows = "id,name\n" + "1,x\n".repeat(30_000);
        for (byte[] bad : List.of(new byte[] {(byte) 0xe0, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xf0, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xc1, (byte) 0xbf})) {
            byte[] file = concat(utf8(rows + "2,a"), bad, utf8("b\n"));
            String expected = rejection(file, Optional.empty());
            assertTrue(expected.contains("invalid byte sequence " + HexFormat.ofDelimiter(" ").withPrefix("0x").withUpperCase().formatHex(bad)
                    + " at byte offset " + (rows.length() + 3) + " (line 30002)."), expected);
            for (int[] sizes : new int[][] {{1}, {2}, {3}, {5, 7}, {1 << 20}}) {
                UndecodableBytes.Text text = () -> ShortReads.of(file, sizes);
                assertEquals(expected, UndecodableBytes.first(text, StandardCharsets.UTF_8).orElseThrow().message("people", EncodingSource.CSV_ENCODINGS, false), Arrays.toString(sizes));
            }
        }
    }

    @Test
    void aDeclaredEncodingGivesTheReadersRejectionToo() throws IOException {
        byte[] file = concat("id,name\r\n1,Zo\u00eb\r\n2,".getBytes(WINDOWS_1252), new byte[] {(byte) 0x9d}, utf8("\r\n"));
        String expected = rejection(file, Optional.of(WINDOWS_1252));
        assertEquals(expected, UndecodableBytes.first(() -> new ByteArrayInputStream(file), WINDOWS_1252).orElseThrow().message("people", EncodingSource.CSV_ENCODINGS, false));
    }

    private static String rejection(byte[] bytes, Optional<Charset> encoding) {
        return assertThrows(RejectedInputException.class, () -> {
            try (CsvReader reader = CsvReader.open(new ByteArrayInputStream(bytes), Optional.empty(), encoding, "s3://bronze/people/u.csv", "people")) {
                while (reader.next().isPresent()) {
                    // Reads every row.
                }
            }
        }).getMessage();
    }

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

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
