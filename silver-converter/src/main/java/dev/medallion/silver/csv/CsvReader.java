package dev.medallion.silver.csv;

import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipException;

import static java.util.Objects.requireNonNull;

/**
 * Reads CSV records (RFC 4180: quoted delimiters, quoted line breaks, doubled quotes, CRLF or LF) from a
 * source object's bytes, with the delimiter given or detected, each record with the line it starts on.
 * Blank lines are skipped. An unterminated quote at the end of the file yields one last record (which
 * then fails the field count and is quarantined) instead of losing it.
 */
public final class CsvReader implements Closeable {
    private static final int SAMPLE_CHARS = 1 << 16;

    private final Utf8Reader text;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final char delimiter;
    private final String location;
    private long linesBefore;
    private CSVRecord pending;
    private long pendingLinesAfter;
    private RejectedInputException pendingFailure;

    private CsvReader(Utf8Reader text, CSVParser parser, char delimiter, String location) {
        this.text = text;
        this.parser = parser;
        this.records = parser.iterator();
        this.delimiter = delimiter;
        this.location = location;
    }

    /**
     * @param location where the bytes come from, for messages
     */
    public static CsvReader open(InputStream in, Optional<Character> delimiter, String location) throws IOException, RejectedInputException {
        requireNonNull(location, "location is null");
        requireNonNull(in, "in is null");
        Utf8Reader text;
        BufferedReader buffered;
        char chosen;
        try {
            text = TextInput.open(in);
            buffered = new BufferedReader(text, SAMPLE_CHARS);
            chosen = delimiter.isPresent() ? delimiter.get() : DelimiterDetector.detect(sample(buffered));
        }
        catch (ZipException | EOFException e) {
            throw new RejectedInputException("The file is not valid gzip: " + e.getMessage());
        }
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setDelimiter(chosen)
                .setIgnoreEmptyLines(true)
                .setLenientEof(true)
                .get();
        return new CsvReader(text, CSVParser.parse(buffered, format), chosen, location);
    }

    public char delimiter() {
        return delimiter;
    }

    /** The next record, or empty at the end of the file. */
    public Optional<Row> next() throws IOException, RejectedInputException {
        if (pendingFailure != null) {
            throw pendingFailure;
        }
        if (pending == null) {
            pending = read();
            pendingLinesAfter = parser.getCurrentLineNumber();
        }
        if (pending == null) {
            return Optional.empty();
        }
        CSVRecord record = pending;
        long linesAfter = pendingLinesAfter;
        // One record of look-ahead: where the next record starts is where this one's text ends. A failure
        // to read the next record is reported on the next call, after this record is returned.
        try {
            pending = read();
        }
        catch (RejectedInputException e) {
            pending = null;
            pendingFailure = e;
        }
        pendingLinesAfter = parser.getCurrentLineNumber();
        long end = pending == null ? Long.MAX_VALUE : pending.getCharacterPosition();
        boolean invalidText = text.replacedBetween(record.getCharacterPosition(), end);
        String[] values = record.values();
        // The parser counts line breaks read, including those inside quoted fields; the record starts after the previous one's.
        long line = Math.max(linesBefore + 1, linesAfter - embeddedLineBreaks(values));
        linesBefore = linesAfter;
        return Optional.of(new Row(line, Arrays.asList(values), invalidText));
    }

    private CSVRecord read() throws IOException, RejectedInputException {
        long linesRead = parser.getCurrentLineNumber();
        try {
            return records.hasNext() ? records.next() : null;
        }
        catch (UncheckedIOException e) {
            IOException cause = e.getCause();
            if (cause instanceof CSVException) {
                throw new RejectedInputException("Malformed CSV in " + location + " after line " + linesRead + ": " + cause.getMessage());
            }
            if (cause instanceof ZipException || cause instanceof EOFException) {
                throw new RejectedInputException("The file is not valid gzip (after line " + linesRead + "): " + cause.getMessage());
            }
            throw cause;
        }
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    private static CharSequence sample(BufferedReader reader) throws IOException {
        char[] buffer = new char[SAMPLE_CHARS];
        reader.mark(SAMPLE_CHARS);
        int filled = 0;
        for (int read = 0; read >= 0 && filled < buffer.length; filled += Math.max(read, 0)) {
            read = reader.read(buffer, filled, buffer.length - filled);
        }
        reader.reset();
        return java.nio.CharBuffer.wrap(buffer, 0, filled);
    }

    private static long embeddedLineBreaks(String[] values) {
        long breaks = 0;
        for (String value : values) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\n' || c == '\r' && (i + 1 == value.length() || value.charAt(i + 1) != '\n')) {
                    breaks++;
                }
            }
        }
        return breaks;
    }

    /**
     * One CSV record.
     *
     * @param line the line of the file the record starts on, 1 for the header
     * @param hasInvalidText whether a field held bytes that are not UTF-8
     */
    public record Row(long line, List<String> fields, boolean hasInvalidText) {
        /** Estimated heap the row holds while buffered, for the chunk's memory budget. */
        public long retainedBytes() {
            long bytes = 64;
            for (String field : fields) {
                bytes += 48 + 2L * field.length();
            }
            return bytes;
        }
    }
}
