package dev.medallion.bronze.upload;

import dev.medallion.common.logging.ErrorMessages;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
 * uploaded rather than rejected by the converter afterwards.
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
     */
    public static Optional<String> sniff(Path file) throws IOException {
        requireNonNull(file, "file is null");
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(SNIFF_BYTES);
        }
        if (start.length == 0) {
            return Optional.empty();
        }
        if (startsWith(start, GZIP_MAGIC)) {
            return sniffGzip(file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            return Optional.of("its name ends in .gz but it is not gzip-compressed (no gzip magic bytes)");
        }
        return sniffText(start, "");
    }

    private static Optional<String> sniffGzip(Path file) throws IOException {
        byte[] start;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            start = in.readNBytes(SNIFF_BYTES);
        }
        catch (EOFException | ZipException e) {
            return Optional.of("it is gzip-compressed but broken (" + ErrorMessages.describe(e) + ")");
        }
        return sniffText(start, " once decompressed");
    }

    /** The checks behind {@link #sniff}, on the first bytes of the (decompressed) content. */
    static Optional<String> sniffText(byte[] start, String where) {
        for (Signature signature : KNOWN_BINARY_FORMATS) {
            if (startsWith(start, signature.magic())) {
                return Optional.of("it is " + signature.description() + where + ", not CSV text");
            }
        }
        if (startsWith(start, new byte[] {(byte) 0xff, (byte) 0xfe}) || startsWith(start, new byte[] {(byte) 0xfe, (byte) 0xff})) {
            return Optional.of("it is UTF-16 text" + where + ", which the converter refuses: save it as UTF-8");
        }
        int controls = 0;
        for (int i = 0; i < start.length; i++) {
            int b = start[i] & 0xff;
            if (b == 0) {
                return Optional.of("it holds a NUL byte at offset " + i + where + ": binary content, not CSV text (starts with "
                        + HexFormat.ofDelimiter(" ").formatHex(start, 0, Math.min(8, start.length)) + ")");
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
