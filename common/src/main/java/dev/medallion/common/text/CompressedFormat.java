package dev.medallion.common.text;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * A compression or archive format, recognised by the magic number its files start with. The silver
 * converter decompresses gzip alone, recognised by its bytes whatever the key's suffix says; a file in any
 * other of these formats, or gzip-compressed twice, it rejects with {@link #reason}, and bronze-ingest
 * refuses to upload it with the same reason. Read as text, such a file was rejected for its NUL bytes or
 * control characters, with advice about encodings that cannot help.
 *
 * <p>Each magic number is one no CSV text starts with: control characters or bytes not valid in UTF-8,
 * and for bzip2, whose magic number is ASCII, ten bytes of it: {@code BZh}, the block size, and the first
 * block's own magic number ({@code 1AY&SY}).
 */
public final class CompressedFormat {
    /** Enough bytes to recognise every format. */
    public static final int MAGIC_BYTES = 10;

    public static final CompressedFormat GZIP = new CompressedFormat("gzip-compressed", "gzip's magic number", "decompress it (gunzip)",
            2, magic(0x1f, 0x8b));

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withPrefix("0x").withUpperCase();

    private static final List<CompressedFormat> FORMATS = List.of(
            GZIP,
            new CompressedFormat("zstd-compressed", "zstd's magic number", "decompress it (zstd -d)", 4, magic(0x28, 0xb5, 0x2f, 0xfd)),
            new CompressedFormat("xz-compressed", "xz's magic number", "decompress it (xz -d)", 6, magic(0xfd, '7', 'z', 'X', 'Z', 0x00)),
            // "BZh", the block size '1' to '9', then the first block's magic number (digits of pi), or for no data the end of the stream's.
            new CompressedFormat("bzip2-compressed", "bzip2's magic number", "decompress it (bunzip2)", 10,
                    start -> start.length >= 10 && start[0] == 'B' && start[1] == 'Z' && start[2] == 'h' && start[3] >= '1' && start[3] <= '9'
                            && (startsWith(start, 4, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59) || startsWith(start, 4, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90))),
            new CompressedFormat("a ZIP archive", "a ZIP entry's signature",
                    "extract the CSV from it (unzip), or if it is an Excel .xlsx workbook, export it as CSV,", 4, magic('P', 'K', 0x03, 0x04)),
            new CompressedFormat("a 7z archive", "7z's signature", "extract the CSV from it (7z x)", 6, magic('7', 'z', 0xbc, 0xaf, 0x27, 0x1c)),
            new CompressedFormat("lz4-compressed", "lz4's magic number", "decompress it (lz4 -d)", 4, magic(0x04, 0x22, 0x4d, 0x18)),
            new CompressedFormat("compressed with Unix compress (.Z)", "compress's magic number", "decompress it (uncompress)", 2, magic(0x1f, 0x9d)));

    private final String description;
    private final String magicName;
    private final String remedy;
    private final int magicLength;
    private final Predicate<byte[]> startsFiles;

    /**
     * @param remedy what gives the CSV back, as in "{@code remedy} and upload the CSV"
     * @param magicLength the bytes shown in messages
     */
    private CompressedFormat(String description, String magicName, String remedy, int magicLength, Predicate<byte[]> startsFiles) {
        this.description = requireNonNull(description, "description is null");
        this.magicName = requireNonNull(magicName, "magicName is null");
        this.remedy = requireNonNull(remedy, "remedy is null");
        this.magicLength = magicLength;
        this.startsFiles = requireNonNull(startsFiles, "startsFiles is null");
    }

    /** The format the bytes start with, or empty when they start with none of these; {@link #MAGIC_BYTES} of them are enough. */
    public static Optional<CompressedFormat> of(byte[] start) {
        requireNonNull(start, "start is null");
        return FORMATS.stream().filter(format -> format.startsFiles.test(start)).findFirst();
    }

    /** Whether the bytes start with gzip's magic number: the one compression the converter reads. */
    public static boolean isGzip(byte[] start) {
        return GZIP.startsFiles.test(requireNonNull(start, "start is null"));
    }

    /**
     * Why the file is refused, and what to do; follows "is not CSV text: " or "is not a CSV file: ".
     *
     * @param start the bytes that start with this format: the file's, or its decompressed text's
     * @param insideGzip whether {@code start} is what the file's gzip compression held: the file was compressed twice
     */
    public String reason(byte[] start, boolean insideGzip) {
        requireNonNull(start, "start is null");
        String starts = "starts with " + magicName + " " + HEX.formatHex(start, 0, Math.min(start.length, magicLength));
        if (!insideGzip) {
            return "it is " + description + " (it " + starts + "), and the converter decompresses gzip alone, whatever the name's suffix says. "
                    + capitalized(remedy) + " and upload the CSV as .csv, or compressed with gzip as .csv.gz";
        }
        if (this == GZIP) {
            return "it is gzip-compressed twice (once decompressed, it " + starts + " again), and the converter decompresses it once."
                    + " Decompress it once (gunzip) and upload the result, still gzip-compressed, as .csv.gz";
        }
        return "it is gzip-compressed, and once decompressed it is " + description + " (it " + starts + "): the converter decompresses gzip"
                + " alone, and once. Decompress it (gunzip), then " + remedy + " and upload the CSV as .csv, or compressed with gzip alone as .csv.gz";
    }

    @Override
    public String toString() {
        return description;
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static Predicate<byte[]> magic(int... prefix) {
        return start -> startsWith(start, 0, prefix);
    }

    private static boolean startsWith(byte[] bytes, int from, int... prefix) {
        if (bytes.length < from + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[from + i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
