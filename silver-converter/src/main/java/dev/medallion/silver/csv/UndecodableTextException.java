package dev.medallion.silver.csv;

import dev.medallion.common.text.EncodingSource;
import dev.medallion.common.text.UndecodableBytes;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * The text holds a byte sequence that is not valid in the charset it is decoded with. It travels as an
 * {@link IOException} through the readers and the CSV parser, and {@link CsvReader} turns it into a
 * {@link RejectedInputException} once it knows the line: the file is rejected as a whole. The message is
 * {@link UndecodableBytes}'s, in common/, which bronze-ingest gives too when it refuses such a file before upload.
 */
final class UndecodableTextException extends IOException {
    /**
     * What the messages need to know about the file.
     *
     * @param dataset the dataset, to name the setting that declares its encoding
     * @param source what declared the charset the text is read in ({@code --encoding} on convert), which a rejection names
     * @param compressed whether the text was gzip-compressed, so offsets count decompressed bytes
     * @param startLooksEbcdic whether the text's first bytes look like EBCDIC ({@link dev.medallion.common.text.EbcdicText}), for the advice of a
     *     file read as UTF-8 or another ASCII-family charset; false where they are not known (a byte range after the first)
     */
    record Context(String dataset, EncodingSource source, boolean compressed, boolean startLooksEbcdic) {
        Context {
            requireNonNull(dataset, "dataset is null");
            requireNonNull(source, "source is null");
        }

        /** The setting that declares {@code charset} for this dataset, e.g. {@code CSV_ENCODINGS=sales:windows-1252}. */
        String setting(String charset) {
            return UndecodableBytes.setting(dataset, charset);
        }

        String offset(long offset) {
            return UndecodableBytes.offset(offset, compressed);
        }
    }

    private final Context context;
    private final UndecodableBytes bytes;

    UndecodableTextException(Context context, UndecodableBytes bytes) {
        super(bytes.message(context.dataset(), context.source(), context.compressed(), 0, context.startLooksEbcdic()));
        this.context = context;
        this.bytes = bytes;
    }

    /** The byte offset of the bad sequence in the (decompressed) text. */
    long offset() {
        return bytes.offset();
    }

    /** The rejection of the file, naming the line the bad bytes are on. */
    RejectedInputException rejection(long line) {
        return new RejectedInputException(bytes.message(context.dataset(), context.source(), context.compressed(), line, context.startLooksEbcdic()));
    }
}
