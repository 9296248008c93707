package dev.medallion.silver.csv;

import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Guesses where a record starts in bytes taken from the middle of a CSV file, for reading a file as
 * several byte ranges. A record starts after a line feed, but not every line feed ends a record: one
 * inside a quoted field does not, and the bytes alone cannot say which (only parsing from the file's
 * start can). The guess takes the first line feed after which the next few records parse with the
 * header's number of fields: a line feed inside a quoted field is followed by the rest of that field,
 * which almost never does. The reader of the range before checks the guess ({@link CsvReader#endedBetweenRecords}).
 *
 * <p>Only a line feed that ends a line holding something is a candidate, never one of a blank line: the
 * reader bounds the characters between two rows ({@code MAX_ROW_CHARS}), and a run of blank lines cut
 * in two would leave each range under the bound where one stream is over it. Nor is the line feed of a line
 * holding a Ctrl-Z alone ({@link #mayEndLoneCtrlZ}).
 */
public final class RecordStarts {
    /** Ctrl-Z (SUB), the byte 0x1A in UTF-8 and in the one-byte charsets ranges are read in. */
    private static final byte CTRL_Z = 0x1A;
    /** Line feeds tried before the first one is taken unchecked. */
    static final int CANDIDATES = 256;
    /** Records that must parse with the header's width after a candidate. */
    static final int RECORDS_CHECKED = 4;
    private static final int WINDOW = 64 * 1024;

    private RecordStarts() {}

    /**
     * Whether a line feed is the byte 0x0A wherever it occurs, and that byte never part of another
     * character: true of UTF-8 and of the charsets that write every character in one byte.
     */
    public static boolean lineFeedIsOneByte(Charset charset) {
        requireNonNull(charset, "charset is null");
        if (charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.US_ASCII)) {
            return true;
        }
        byte[] lineFeed = "\n".getBytes(charset);
        return charset.canEncode() && charset.newEncoder().maxBytesPerChar() == 1 && lineFeed.length == 1 && lineFeed[0] == '\n';
    }

    /**
     * The offset in {@code bytes} just after the line feed where a record most likely starts, or -1 when
     * {@code bytes} hold no line feed before their last byte that ends a line holding something.
     *
     * @param fields the header's number of fields
     */
    public static int guess(byte[] bytes, char delimiter, Charset charset, int fields) {
        requireNonNull(bytes, "bytes is null");
        requireNonNull(charset, "charset is null");
        int first = -1;
        int tried = 0;
        for (int i = 0; i + 1 < bytes.length && tried < CANDIDATES; i++) {
            if (bytes[i] != '\n' || !endsLineWithContent(bytes, i) || mayEndLoneCtrlZ(bytes, i)) {
                continue;
            }
            int candidate = i + 1;
            if (first < 0) {
                first = candidate;
            }
            tried++;
            if (recordsFit(bytes, candidate, delimiter, charset, fields)) {
                return candidate;
            }
        }
        return first;
    }

    /**
     * Whether the line the line feed at {@code lineFeed} ends holds a character besides its line break
     * (a carriage return before it is part of the break); false when that line starts before the bytes do.
     */
    private static boolean endsLineWithContent(byte[] bytes, int lineFeed) {
        int last = lineFeed - 1;
        if (last >= 0 && bytes[last] == '\r') {
            last--;
        }
        return last >= 0 && bytes[last] != '\n' && bytes[last] != '\r';
    }

    /**
     * Whether the line the line feed at {@code lineFeed} ends may hold a Ctrl-Z alone: it is 0x1A before the line break, and
     * the byte before it is a line break or not in the bytes. Such a line ends the text when only line breaks follow it
     * (CsvReader), and the blank lines after it may run past any probe: a range starting after it would leave it the last line
     * of a range the file goes on after, which its reader must take for data, a row one stream does not read. Passing over
     * such a line feed is never wrong: the start moves to a later line, or the cut is dropped and its range joins the one
     * before, which then reads the Ctrl-Z where one stream does, as the text's end or as data with rows after it.
     */
    private static boolean mayEndLoneCtrlZ(byte[] bytes, int lineFeed) {
        int last = lineFeed - 1;
        if (last >= 0 && bytes[last] == '\r') {
            last--;
        }
        return last >= 0 && bytes[last] == CTRL_Z && (last == 0 || bytes[last - 1] == '\n' || bytes[last - 1] == '\r');
    }

    /** Whether the whole records after {@code start}, up to {@link #RECORDS_CHECKED}, each hold {@code fields} fields. */
    private static boolean recordsFit(byte[] bytes, int start, char delimiter, Charset charset, int fields) {
        int end = Math.min(bytes.length, start + WINDOW);
        while (end > start && bytes[end - 1] != '\n') {
            end--;
        }
        if (end <= start) {
            return false;
        }
        String text;
        try {
            text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
        }
        catch (IOException e) {
            return false;
        }
        List<CSVRecord> records = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(text, CsvReader.format(delimiter, false))) {
            for (CSVRecord record : parser) {
                records.add(record);
                if (records.size() > RECORDS_CHECKED) {
                    break;
                }
            }
        }
        catch (IOException | UncheckedIOException | IllegalStateException e) {
            return false;
        }
        // The window may cut the last record it holds: only those followed by another are whole.
        int whole = records.size() > RECORDS_CHECKED ? RECORDS_CHECKED : records.size() - 1;
        if (whole < 1) {
            return false;
        }
        for (int r = 0; r < whole; r++) {
            if (records.get(r).size() != fields) {
                return false;
            }
        }
        return true;
    }
}
