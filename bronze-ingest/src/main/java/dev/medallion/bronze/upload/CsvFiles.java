package dev.medallion.bronze.upload;

import dev.medallion.common.config.SilverSettings;
import dev.medallion.common.text.CompressedFormat;
import dev.medallion.common.text.ControlCharacters;
import dev.medallion.common.text.EbcdicText;
import dev.medallion.common.text.GzipMembersInputStream;
import dev.medallion.common.text.EncodingSource;
import dev.medallion.common.text.UndecodableBytes;
import dev.medallion.common.text.UnreadNames;
import dev.medallion.common.text.Utf8Lookalike;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Which local files are CSV that the silver converter accepts: first by name, then by a sniff of the
 * first bytes and characters, as the converter looks at them, so that a spreadsheet, an image or a file
 * compressed otherwise than with gzip ({@link CompressedFormat}) saved as {@code .csv} or {@code .csv.gz}
 * is refused before it is uploaded, with the converter's reason, rather than rejected by it afterwards; then, by
 * {@link #readWhole}, a file whose bytes are not all valid in its dataset's encoding. By its start too ({@link #utf8InASingleByteCharset}),
 * a UTF-8 file of a dataset declared in a single-byte charset, which the converter rejects. A dataset's declared encoding
 * ({@code CSV_ENCODINGS}, read as the converter reads it) decides, as in the converter, whether UTF-16
 * and UTF-32 text is refused, and which bytes are valid.
 */
public final class CsvFiles {
    /** What the silver converter takes from the bronze bucket: common's one list, whose advice for a name left out knows them. */
    public static final List<String> ACCEPTED_SUFFIXES = UnreadNames.READ_SUFFIXES;

    /**
     * The first bytes of the (decompressed) content whose byte order mark and NUL bytes decide, and whether it looks like
     * EBCDIC, as the converter's {@code TextInput}.
     */
    static final int SNIFF_BYTES = EbcdicText.SAMPLE_BYTES;
    /** Compressed bytes read from the file at a time. */
    private static final int GZIP_BUFFER_BYTES = 64 * 1024;

    /** Besides the compression and archive formats, {@link CompressedFormat}, which the converter rejects by name too. */
    private static final List<Signature> KNOWN_BINARY_FORMATS = List.of(
            new Signature(new byte[] {'P', 'A', 'R', '1'}, "a Parquet file, which needs no conversion"),
            new Signature(new byte[] {'%', 'P', 'D', 'F'}, "a PDF document"),
            new Signature(new byte[] {(byte) 0xd0, (byte) 0xcf, 0x11, (byte) 0xe0}, "an old Excel .xls workbook: export it as CSV"));

    private record Signature(byte[] magic, String description) {}

    private CsvFiles() {}

    /**
     * The key as the converter converts it: it reads suffixes case-sensitively, as its role's IAM patterns
     * match them, each of {@link #ACCEPTED_SUFFIXES} in lower or in upper case, and {@code .CSV.gz}
     * ({@code SilverConverterHandler.CONVERTED_SUFFIXES}), so a suffix in another case ({@code .Csv}) is
     * lower-cased; otherwise the object would be uploaded and never converted (only said not to be). ({@code .CSV.gz}, delivered
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
     * by its magic bytes, as the converter does, and the decompressed start is sniffed; another compression
     * format, or gzip again inside, is refused with the converter's reason ({@link CompressedFormat}). An empty file
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
        boolean compressed = CompressedFormat.isGzip(start);
        Optional<CompressedFormat> otherCompression = CompressedFormat.of(start);
        if (!compressed && otherCompression.isPresent()) {
            return Optional.of(otherCompression.get().reason(start, false));
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!compressed && name.endsWith(".gz")) {
            return Optional.of("its name ends in .gz but it is not gzip-compressed (no gzip magic bytes)");
        }
        String where = compressed ? " once decompressed" : "";
        try {
            if (compressed) {
                try (InputStream in = open(file, true)) {
                    start = in.readNBytes(SNIFF_BYTES);
                }
                Optional<CompressedFormat> inside = CompressedFormat.of(start);
                if (inside.isPresent()) {
                    return Optional.of(inside.get().reason(start, true));
                }
            }
            Optional<String> reason = sniffText(start, where, dataset, encoding);
            if (reason.isPresent()) {
                return reason;
            }
            Charset charset = encoding.orElse(StandardCharsets.UTF_8);
            // As the converter judges it: only for the advice, when the control characters are the 0x15 line ends of EBCDIC read as another charset.
            boolean startLooksEbcdic = EbcdicText.misreadIn(charset) && EbcdicText.looksLike(start);
            Optional<String> notText = sniffCharacters(file, compressed, where, charset)
                    .map(scan -> startLooksEbcdic && scan.nulLine() == 0 ? ebcdic(scan, where, dataset, encoding)
                            : EbcdicText.isEbcdic(charset) && scan.nulLine() > 0 ? binaryFields(scan, where, dataset) : binary(scan, where, charset));
            if (notText.isEmpty() && startLooksEbcdic) {
                // Text as read, but none of its line ends is one: the converter rejects it, as it would convert to one header value.
                return Optional.of("it is not " + readAs(dataset, encoding) + where + ": " + EbcdicText.linesRunTogether(charset.name()) + " "
                        + EbcdicText.advice(dataset) + SETTING_PLACE);
            }
            return notText;
        }
        catch (GzipMembersInputStream.DamagedGzipException e) {
            return Optional.of("it is gzip-compressed but broken (" + e.getMessage() + ")" + GzipMembersInputStream.REMEDY);
        }
    }

    /**
     * Why the converter would reject the file as a whole once it has read it to its end, or empty when it
     * would not for its bytes: a byte sequence not valid in the dataset's encoding anywhere in it (UTF-8 when
     * it declares none), found by the converter's own decoder ({@link UndecodableBytes}) and told in its
     * words, byte offset, line and bytes, with where the setting it names goes; or gzip-compressed data
     * that breaks off after the start {@link #sniff} read. Reads the whole (decompressed) file; for a file
     * that {@link #sniff} passed.
     *
     * @param dataset the file's dataset, as the converter names it, to name the setting in messages
     * @param encoding the charset {@code CSV_ENCODINGS} declares for the dataset; UTF-8 when empty
     * @return what follows the file's name in the refusal
     */
    public static Optional<String> readWhole(Path file, String dataset, Optional<Charset> encoding) throws IOException {
        return checkWhole(file, dataset, encoding).refusal();
    }

    /**
     * What {@link #readWhole} finds, with the CRC32 of the file's bytes as that read read them, so that the upload can
     * send these bytes and no others ({@link PlannedFile#checked}).
     */
    public static WholeContent checkWhole(Path file, String dataset, Optional<Charset> encoding) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(encoding, "encoding is null");
        boolean compressed;
        try (InputStream in = Files.newInputStream(file)) {
            compressed = CompressedFormat.isGzip(in.readNBytes(CompressedFormat.MAGIC_BYTES));
        }
        Crc32Checksum read = new Crc32Checksum();
        // Only the first opening reads the file to its end; a second one, for a bad byte's line, would count its bytes again.
        boolean[] opened = {false};
        Optional<UndecodableBytes.Found> found;
        try {
            found = UndecodableBytes.first(() -> {
                InputStream raw = Files.newInputStream(file);
                if (!opened[0]) {
                    opened[0] = true;
                    raw = new ChecksummedInputStream(raw, read);
                }
                return compressed ? new GzipMembersInputStream(raw, GZIP_BUFFER_BYTES) : raw;
            }, encoding.orElse(StandardCharsets.UTF_8));
        }
        catch (GzipMembersInputStream.DamagedGzipException e) {
            return new WholeContent(Optional.of("is not a CSV file: it is gzip-compressed but broken (" + e.getMessage() + ")" + GzipMembersInputStream.REMEDY),
                    PlannedFile.Checked.of(read));
        }
        return new WholeContent(found.map(bad -> "would be rejected by the converter: " + bad.message(dataset, EncodingSource.CSV_ENCODINGS, compressed)
                + SETTING_PLACE), PlannedFile.Checked.of(read));
    }

    /**
     * What the whole read of a file found.
     *
     * @param refusal why the converter would reject the file, as {@link #readWhole} says it; empty when it would not
     * @param read how many bytes of the file were read, and their CRC32: the whole file, unless it was refused
     */
    public record WholeContent(Optional<String> refusal, PlannedFile.Checked read) {
        public WholeContent {
            requireNonNull(refusal, "refusal is null");
            requireNonNull(read, "read is null");
        }
    }

    /** Adds every byte read through it to a checksum; skipped bytes are read, so that none escapes it. */
    private static final class ChecksummedInputStream extends FilterInputStream {
        private final Crc32Checksum checksum;

        ChecksummedInputStream(InputStream in, Crc32Checksum checksum) {
            super(in);
            this.checksum = requireNonNull(checksum, "checksum is null");
        }

        @Override
        public int read() throws IOException {
            int read = in.read();
            if (read != -1) {
                checksum.update(new byte[] {(byte) read}, 0, 1);
            }
            return read;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = in.read(buffer, offset, length);
            if (read > 0) {
                checksum.update(buffer, offset, read);
            }
            return read;
        }

        @Override
        public long skip(long bytes) throws IOException {
            byte[] skipped = new byte[(int) Math.min(Math.max(bytes, 0), 8192)];
            int read = read(skipped, 0, skipped.length);
            return Math.max(read, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /**
     * Why the converter would reject the file by its start as UTF-8 text in a dataset declared in a single-byte charset (windows-1252,
     * ISO-8859-1…), which would convert without an error, every accented letter mangled: the converter's own rule and reason
     * ({@link Utf8Lookalike}), with where the {@code CSV_ENCODINGS} entry to change is; or empty. Apart from {@link #sniff}, whose
     * reasons say the file is no CSV text: this one is, in another encoding than its dataset declares. For a file {@link #sniff} passed.
     *
     * @param dataset the file's dataset, as the converter names it, to name the setting in messages
     * @param encoding the charset {@code CSV_ENCODINGS} declares for the dataset; UTF-8 when empty, which no UTF-8 file is misread in
     * @return what follows the file's name in the refusal
     */
    public static Optional<String> utf8InASingleByteCharset(Path file, String dataset, Optional<Charset> encoding) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(encoding, "encoding is null");
        if (encoding.isEmpty()) {
            return Optional.empty();
        }
        boolean compressed;
        try (InputStream in = Files.newInputStream(file)) {
            compressed = CompressedFormat.isGzip(in.readNBytes(CompressedFormat.MAGIC_BYTES));
        }
        byte[] start;
        // As much of the (decompressed) start as the converter looks at: it judges a file by the same bytes whichever way it reads it.
        try (InputStream in = open(file, compressed)) {
            start = in.readNBytes(SNIFF_BYTES);
        }
        catch (GzipMembersInputStream.DamagedGzipException e) {
            // Refused by sniff for that, with its reason.
            return Optional.empty();
        }
        Charset charset = encoding.get();
        return Utf8Lookalike.in(start, charset).map(utf8 -> "would be rejected by the converter: "
                + utf8.reason(charset, EncodingSource.CSV_ENCODINGS, dataset, UndecodableBytes.offset(utf8.offset(), compressed)) + SETTING_PLACE);
    }

    /** Where a {@code CSV_ENCODINGS} entry a message names goes. */
    private static final String SETTING_PLACE = " A " + SilverSettings.CSV_ENCODINGS
            + " entry goes in the environment of this command and of the converter (the Terraform variable silver_csv_encodings).";

    private static InputStream open(Path file, boolean compressed) throws IOException {
        InputStream in = Files.newInputStream(file);
        // The converter's own reader, which reads the header at the first read: the JDK's ends quietly at bytes after
        // the last member, which the converter rejects.
        return compressed ? new GzipMembersInputStream(in, GZIP_BUFFER_BYTES) : in;
    }


    /**
     * The converter's test of its first characters, decoded in the dataset's charset, by the same rule
     * ({@link ControlCharacters}): a NUL character, or too many control characters, which make the scan returned. As the
     * converter, it looks from the first character that is not a line break (nor a byte order mark). Bytes not valid in the
     * charset are read as U+FFFD here, which is no control character.
     */
    private static Optional<ControlCharacters.Scan> sniffCharacters(Path file, boolean compressed, String where, Charset charset) throws IOException {
        char[] sample = new char[ControlCharacters.SAMPLE_CHARS];
        int filled = 0;
        long blankLines = 0;
        boolean afterCarriageReturn = false;
        boolean atStart = true;
        try (Reader reader = new InputStreamReader(open(file, compressed),
                charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE))) {
            for (int read = 0; read >= 0 && filled < sample.length; ) {
                read = reader.read(sample, filled, sample.length - filled);
                if (read > 0 && filled == 0) {
                    int skipped = atStart && sample[0] == '\uFEFF' ? 1 : 0;
                    atStart = false;
                    while (skipped < read && (sample[skipped] == '\n' || sample[skipped] == '\r')) {
                        if (sample[skipped] == '\r' || !afterCarriageReturn) {
                            blankLines++;
                        }
                        afterCarriageReturn = sample[skipped] == '\r';
                        skipped++;
                    }
                    System.arraycopy(sample, skipped, sample, 0, read - skipped);
                    read -= skipped;
                }
                filled += Math.max(read, 0);
            }
        }
        ControlCharacters.Scan scan = ControlCharacters.scan(CharBuffer.wrap(sample, 0, filled), blankLines + 1);
        return scan.nulLine() > 0 || scan.tooManyControls() ? Optional.of(scan) : Optional.empty();
    }

    /**
     * Why the characters {@link #sniffCharacters} found are no CSV text: a NUL character is binary content; too many control
     * characters are that or text in another charset than the one read in, with where to declare the actual one, as the
     * converter's rejection says (EncodingSource).
     */
    private static String binary(ControlCharacters.Scan scan, String where, Charset charset) {
        if (scan.nulLine() > 0) {
            return "it holds a NUL character on line " + scan.nulLine() + where + ": binary content, not CSV text";
        }
        return String.format(Locale.ROOT, "it is not CSV text%s: %d of its first %d characters are control characters, the first U+%04X on"
                + " line %d (binary content, or text in another encoding than the %s it was read in). %s.%s", where, scan.controls(), scan.length(),
                scan.firstControl(), scan.firstControlLine(), charset.name(), EncodingSource.CSV_ENCODINGS.declareActual(), SETTING_PLACE);
    }

    /**
     * Why the NUL character {@link #sniffCharacters} found in a file declared in an EBCDIC code page, after the first bytes
     * {@link #sniffText} looked at, is no text: a mainframe export's binary field, as the converter tells it.
     */
    private static String binaryFields(ControlCharacters.Scan scan, String where, String dataset) {
        return "it holds a NUL character on line " + scan.nulLine() + where + ", not CSV text. " + EbcdicText.binaryFieldsAdvice(dataset, true);
    }

    /**
     * Why the control characters {@link #sniffCharacters} found, of a file whose first bytes look like EBCDIC, are no text in
     * the charset they were read in (its 0x15 line ends read as U+0015): its code page to declare, as the converter advises
     * it, rather than "binary content". A NUL character stays binary, as the converter calls it.
     */
    private static String ebcdic(ControlCharacters.Scan scan, String where, String dataset, Optional<Charset> encoding) {
        return String.format(Locale.ROOT, "it is not text as read in %s%s: %d of its first %d characters are control characters, the first U+%04X on"
                + " line %d. %s%s", readAs(dataset, encoding), where.isEmpty() ? "" : "," + where, scan.controls(), scan.length(), scan.firstControl(),
                scan.firstControlLine(), EbcdicText.advice(dataset), SETTING_PLACE);
    }

    /** The charset a file is read in, and why: declared for its dataset, or the default. */
    private static String readAs(String dataset, Optional<Charset> encoding) {
        return encoding.map(named -> named.name() + ", the encoding " + SilverSettings.CSV_ENCODINGS + " declares for dataset " + dataset)
                .orElse("UTF-8, the default (" + SilverSettings.CSV_ENCODINGS + " declares no encoding for dataset " + dataset + ")");
    }

    /**
     * The checks of {@link #sniff} on the first bytes of the (decompressed) content. A byte order mark
     * of UTF-16 or UTF-32, or NUL bytes, are refused only in a file read in a charset that writes ASCII in
     * single bytes (UTF-8, the default, windows-1252…), as the converter refuses them; in UTF-16 and UTF-32
     * text, declared, they are there as a matter of course. In an EBCDIC code page, declared, a NUL byte is refused too: a
     * mainframe export's binary fields (low values, packed-decimal numbers), which no code page reads as text; so is one in a
     * file whose other bytes look like EBCDIC, read in another charset, with that advice and its code page to declare.
     */
    static Optional<String> sniffText(byte[] start, String where, String dataset, Optional<Charset> encoding) {
        for (Signature signature : KNOWN_BINARY_FORMATS) {
            if (startsWith(start, signature.magic())) {
                return Optional.of("it is " + signature.description() + where + ", not CSV text");
            }
        }
        Charset charset = encoding.orElse(StandardCharsets.UTF_8);
        if (EbcdicText.isEbcdic(charset)) {
            // Declared in its code page, a mainframe export's NUL bytes are its binary fields, which the converter rejects as no text.
            for (int i = 0; i < start.length; i++) {
                if (start[i] == 0) {
                    return Optional.of("it holds a NUL byte at offset " + i + where + " (" + nuls(start) + " in its first " + start.length + " bytes), which "
                            + charset.name() + ", the encoding " + SilverSettings.CSV_ENCODINGS + " declares for dataset " + dataset
                            + ", reads as no character, not CSV text. " + EbcdicText.binaryFieldsAdvice(dataset, true));
                }
            }
        }
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
        for (int i = 0; i < start.length; i++) {
            if (start[i] == 0) {
                if (EbcdicText.looksLikeApartFromBinaryFields(start)) {
                    // A mainframe export's low values and packed decimal: refused all the same, with what to do about them and its code page.
                    return Optional.of("it holds a NUL byte at offset " + i + where + " (" + nuls(start) + " in its first " + start.length + " bytes), not CSV text. "
                            + EbcdicText.binaryFieldsAdvice(dataset, false) + SETTING_PLACE);
                }
                String starts = " (starts with " + HexFormat.ofDelimiter(" ").formatHex(start, 0, Math.min(8, start.length)) + ")";
                // UTF-16 or UTF-32 text holds a NUL byte in every ASCII character: a quarter of its bytes and more.
                if (nuls(start) * 4 >= start.length) {
                    return Optional.of("it holds a NUL byte at offset " + i + where + starts + ": binary content, or UTF-16 text saved without a byte"
                            + " order mark" + declared + ", which the converter reads only when its dataset declares it: for a Windows \"Unicode\""
                            + " export, " + declare(dataset, "UTF-16LE"));
                }
                return Optional.of("it holds a NUL byte at offset " + i + where + ": binary content, not CSV text" + starts);
            }
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
