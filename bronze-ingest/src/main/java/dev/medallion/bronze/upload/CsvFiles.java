package dev.medallion.bronze.upload;

import dev.medallion.common.config.SilverSettings;
import dev.medallion.common.logging.ErrorMessages;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import static java.util.Objects.requireNonNull;

/**
 * Which local files are CSV that the silver converter accepts: first by name, then by a sniff of the
 * first kilobyte, so that a spreadsheet or an image saved as {@code .csv} is refused before it is
 * uploaded rather than rejected by the converter afterwards. A dataset's declared encoding
 * ({@code CSV_ENCODINGS}, read as the converter reads it) decides, as in the converter, whether UTF-16
 * and UTF-32 text is refused.
 */
public final class CsvFiles {
    /**
     * What the silver converter takes from the bronze bucket. The other copy is
     * {@code SilverConverterHandler.ACCEPTED_SUFFIXES} in silver-converter: keep the two lists equal.
     */
    public static final List<String> ACCEPTED_SUFFIXES = List.of(".csv", ".csv.gz", ".dat");

    static final int SNIFF_BYTES = 1024;
    /**
     * Share of control characters (other than tab, line feed, form feed and carriage return) above which
     * a start is binary. Generous, because some legacy {@code .dat} exports separate fields with ^A.
     */
    private static final double MAX_CONTROL_SHARE = 0.3;

    private static final byte[] GZIP_MAGIC = {(byte) 0x1f, (byte) 0x8b};
    private static final List<Signature> KNOWN_BINARY_FORMATS = List.of(
            new Signature(new byte[] {'P', 'K', 3, 4}, "a ZIP archive (an Excel .xlsx workbook?): export it as CSV"),
            new Signature(new byte[] {'P', 'A', 'R', '1'}, "a Parquet file, which needs no conversion"),
            new Signature(new byte[] {'%', 'P', 'D', 'F'}, "a PDF document"),
            new Signature(new byte[] {(byte) 0xd0, (byte) 0xcf, 0x11, (byte) 0xe0}, "an old Excel .xls workbook: export it as CSV"));

    private record Signature(byte[] magic, String description) {}

    private CsvFiles() {}

    /**
     * The key as S3 delivers it to the converter: its notification matches suffixes case-sensitively,
     * each of {@link #ACCEPTED_SUFFIXES} in lower or in upper case, and {@code .CSV.gz}
     * ({@code SilverConverterHandler.NOTIFICATION_SUFFIXES}), so a suffix in another case ({@code .Csv}) is
     * lower-cased; otherwise the object would be uploaded and never converted. ({@code .CSV.gz}, delivered
     * too, is lower-cased as well: harmless, and one rule for every mixed case.)
     */
    public static String deliveredKey(String key) {
        requireNonNull(key, "key is null");
        for (String suffix : ACCEPTED_SUFFIXES) {
            int start = key.length() - suffix.length();
            if (start >= 0 && key.regionMatches(true, start, suffix, 0, suffix.length())) {
                String tail = key.substring(start);
                return tail.equals(suffix) || tail.equals(suffix.toUpperCase(Locale.ROOT)) ? key : key.substring(0, start) + suffix;
            }
        }
        return key;
    }

    /** Whether the file name ends in one of {@link #ACCEPTED_SUFFIXES}, in any case. */
    public static boolean hasAcceptedName(Path file) {
        requireNonNull(file, "file is null");
        Path name = file.getFileName();
        if (name == null) {
            return false;
        }
        String lower = name.toString().toLowerCase(Locale.ROOT);
        return ACCEPTED_SUFFIXES.stream().anyMatch(lower::endsWith);
    }

    /**
     * Why the file's first bytes are not CSV text, or empty when they look like it. Gzip is recognised
     * by its magic bytes, as the converter does, and the decompressed start is sniffed. An empty file
     * passes: the converter records it as empty.
     *
     * @param dataset the file's dataset, as the converter names it, to name the setting in messages
     * @param encoding the charset {@code CSV_ENCODINGS} declares for the dataset; UTF-8 when empty
     */
    public static Optional<String> sniff(Path file, String dataset, Optional<Charset> encoding) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(encoding, "encoding is null");
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(SNIFF_BYTES);
        }
        if (start.length == 0) {
            return Optional.empty();
        }
        if (startsWith(start, GZIP_MAGIC)) {
            return sniffGzip(file, dataset, encoding);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            return Optional.of("its name ends in .gz but it is not gzip-compressed (no gzip magic bytes)");
        }
        return sniffText(start, "", dataset, encoding);
    }

    private static Optional<String> sniffGzip(Path file, String dataset, Optional<Charset> encoding) throws IOException {
        byte[] start;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            start = in.readNBytes(SNIFF_BYTES);
        }
        catch (EOFException | ZipException e) {
            return Optional.of("it is gzip-compressed but broken (" + ErrorMessages.describe(e) + ")");
        }
        return sniffText(start, " once decompressed", dataset, encoding);
    }

    /**
     * The checks behind {@link #sniff}, on the first bytes of the (decompressed) content. A byte order mark
     * of UTF-16 or UTF-32, or NUL bytes, are refused only in a file read in a charset that writes ASCII in
     * single bytes (UTF-8, the default, windows-1252…), as the converter refuses them; in UTF-16 and UTF-32
     * text, declared, they are there as a matter of course.
     */
    static Optional<String> sniffText(byte[] start, String where, String dataset, Optional<Charset> encoding) {
        for (Signature signature : KNOWN_BINARY_FORMATS) {
            if (startsWith(start, signature.magic())) {
                return Optional.of("it is " + signature.description() + where + ", not CSV text");
            }
        }
        Charset charset = encoding.orElse(StandardCharsets.UTF_8);
        if (!asciiCompatible(charset)) {
            return Optional.empty();
        }
        String declared = encoding.map(named -> ", and " + SilverSettings.CSV_ENCODINGS + " declares " + named.name() + " for dataset " + dataset)
                .orElse("");
        if (startsWith(start, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0}) || startsWith(start, new byte[] {0, 0, (byte) 0xfe, (byte) 0xff})) {
            return Optional.of("it is UTF-32 text" + where + " (it starts with a UTF-32 byte order mark)" + declared
                    + ", which the converter reads only when its dataset declares it: " + declare(dataset, "UTF-32"));
        }
        if (startsWith(start, new byte[] {(byte) 0xff, (byte) 0xfe}) || startsWith(start, new byte[] {(byte) 0xfe, (byte) 0xff})) {
            return Optional.of("it is UTF-16 text" + where + " (it starts with a UTF-16 byte order mark)" + declared
                    + ", which the converter reads only when its dataset declares it: " + declare(dataset, "UTF-16"));
        }
        int controls = 0;
        for (int i = 0; i < start.length; i++) {
            int b = start[i] & 0xff;
            if (b == 0) {
                String starts = " (starts with " + HexFormat.ofDelimiter(" ").formatHex(start, 0, Math.min(8, start.length)) + ")";
                // UTF-16 or UTF-32 text holds a NUL byte in every ASCII character: a quarter of its bytes and more.
                if (nuls(start) * 4 >= start.length) {
                    return Optional.of("it holds a NUL byte at offset " + i + where + starts + ": binary content, or UTF-16 text saved without a byte"
                            + " order mark" + declared + ", which the converter reads only when its dataset declares it: for a Windows \"Unicode\""
                            + " export, " + declare(dataset, "UTF-16LE"));
                }
                return Optional.of("it holds a NUL byte at offset " + i + where + ": binary content, not CSV text" + starts);
            }
            if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7f) {
                controls++;
            }
        }
        if (start.length > 0 && controls > MAX_CONTROL_SHARE * start.length) {
            return Optional.of("it is binary content" + where + ", not CSV text: " + controls + " of its first " + start.length
                    + " bytes are control characters");
        }
        return Optional.empty();
    }

    /**
     * What to set so that the converter reads the dataset's files as {@code charset}: the same declaration
     * bronze-ingest reads, so that this run takes the file too.
     */
    private static String declare(String dataset, String charset) {
        return "set " + SilverSettings.CSV_ENCODINGS + "=" + dataset + ":" + charset + " in the environment of this command and of the converter"
                + " (the Terraform variable silver_csv_encodings), or save the file as UTF-8";
    }

    /** Whether the charset writes ASCII as single bytes, as UTF-8, windows-1252 and ISO-8859-1 do, and UTF-16 does not. */
    private static boolean asciiCompatible(Charset charset) {
        byte[] a = "a".getBytes(charset);
        return a.length == 1 && a[0] == 'a';
    }

    private static int nuls(byte[] bytes) {
        int nuls = 0;
        for (byte b : bytes) {
            nuls += b == 0 ? 1 : 0;
        }
        return nuls;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
