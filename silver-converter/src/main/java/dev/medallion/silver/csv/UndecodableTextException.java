package dev.medallion.silver.csv;

import dev.medallion.common.config.SilverSettings;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static java.util.Objects.requireNonNull;

/**
 * The text holds a byte sequence that is not valid in the charset it is decoded with. It travels as an
 * {@link IOException} through the readers and the CSV parser, and {@link CsvReader} turns it into a
 * {@link RejectedInputException} once it knows the line: the file is rejected as a whole.
 */
final class UndecodableTextException extends IOException {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withPrefix("0x").withUpperCase();

    /**
     * What the messages need to know about the file.
     *
     * @param dataset the dataset, to name the setting that declares its encoding
     * @param compressed whether the text was gzip-compressed, so offsets count decompressed bytes
     */
    record Context(String dataset, boolean compressed) {
        Context {
            requireNonNull(dataset, "dataset is null");
        }

        /** The setting that declares {@code charset} for this dataset, e.g. {@code CSV_ENCODINGS=sales:windows-1252}. */
        String setting(String charset) {
            return SilverSettings.CSV_ENCODINGS + "=" + dataset + ":" + charset;
        }

        String offset(long offset) {
            return "byte offset " + offset + (compressed ? " of the decompressed text" : "");
        }
    }

    private final Context context;
    private final Charset charset;
    private final long offset;
    private final byte[] bytes;
    private final boolean unmappable;

    UndecodableTextException(Context context, Charset charset, long offset, byte[] bytes, boolean unmappable) {
        super(message(context, charset, offset, bytes, unmappable, 0));
        this.context = context;
        this.charset = charset;
        this.offset = offset;
        this.bytes = bytes.clone();
        this.unmappable = unmappable;
    }

    /** The byte offset of the bad sequence in the (decompressed) text. */
    long offset() {
        return offset;
    }

    /** The rejection of the file, naming the line the bad bytes are on. */
    RejectedInputException rejection(long line) {
        return new RejectedInputException(message(context, charset, offset, bytes, unmappable, line));
    }

    private static String message(Context context, Charset charset, long offset, byte[] bytes, boolean unmappable, long line) {
        String where = (unmappable ? "byte sequence " + HEX.formatHex(bytes) + ", which " + charset.name() + " does not define,"
                : "invalid byte sequence " + HEX.formatHex(bytes))
                + " at " + context.offset(offset) + (line > 0 ? " (line " + line + ")" : "");
        if (charset.equals(StandardCharsets.UTF_8)) {
            return "The file is not UTF-8: " + where + ". If it is a Windows-1252 or Latin-1 export, set "
                    + context.setting("windows-1252") + " (or convert the file to UTF-8).";
        }
        return "The file is not " + charset.name() + ", the encoding " + SilverSettings.CSV_ENCODINGS + " declares for dataset "
                + context.dataset() + ": " + where + ". Set the file's actual encoding in " + SilverSettings.CSV_ENCODINGS
                + " (without an entry the dataset is read as UTF-8), or convert the file to " + charset.name() + ".";
    }
}
