package dev.medallion.silver.csv;

import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.SequenceReader;

import java.io.CharArrayReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
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
        CharBuffer sample;
        char chosen;
        try {
            text = TextInput.open(in);
            sample = sample(text);
            chosen = delimiter.isPresent() ? delimiter.get() : DelimiterDetector.detect(sample);
        }
        catch (ZipException | EOFException e) {
            throw new RejectedInputException("The file is not valid gzip: " + e.getMessage());
        }
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setDelimiter(chosen)
                .setIgnoreEmptyLines(true)
                .setLenientEof(true)
                .get();
        // The parser reads the sample again, then the rest of the text: no second buffering layer.
        Reader all = new SequenceReader(new CharArrayReader(sample.array(), 0, sample.limit()), text);
        return new CsvReader(text, CSVParser.parse(all, format), chosen, location);
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
        Row row = new Row(linesBefore, linesAfter, Arrays.asList(record.values()), invalidText);
        linesBefore = linesAfter;
        return Optional.of(row);
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

    private static CharBuffer sample(Reader reader) throws IOException {
        char[] buffer = new char[SAMPLE_CHARS];
        int filled = 0;
        for (int read = 0; read >= 0 && filled < buffer.length; filled += Math.max(read, 0)) {
            read = reader.read(buffer, filled, buffer.length - filled);
        }
        return CharBuffer.wrap(buffer, 0, filled);
    }

    /** One CSV record, with the line counts around it from which its first line is worked out when needed. */
    public static final class Row {
        private final long linesBefore;
        private final long linesAfter;
        private final List<String> fields;
        private final boolean hasInvalidText;

        /**
         * @param linesBefore line breaks the parser had read before this record
         * @param linesAfter line breaks read once this record was read, including those inside its quoted fields
         */
        public Row(long linesBefore, long linesAfter, List<String> fields, boolean hasInvalidText) {
            this.linesBefore = linesBefore;
            this.linesAfter = linesAfter;
            this.fields = requireNonNull(fields, "fields is null");
            this.hasInvalidText = hasInvalidText;
        }

        /**
         * The line of the file the record starts on, 1 for the header. Only refused rows need it, so it is
         * computed on demand rather than for every row.
         */
        public long line() {
            return Math.max(linesBefore + 1, linesAfter - embeddedLineBreaks(fields));
        }

        public List<String> fields() {
            return fields;
        }

        /** Whether a field held bytes that are not UTF-8. */
        public boolean hasInvalidText() {
            return hasInvalidText;
        }

        /** Estimated heap the row holds while buffered, for the chunk's memory budget. */
        public long retainedBytes() {
            long bytes = 64;
            for (String field : fields) {
                bytes += 48 + 2L * field.length();
            }
            return bytes;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Row row && line() == row.line() && hasInvalidText == row.hasInvalidText && fields.equals(row.fields);
        }

        @Override
        public int hashCode() {
            return Objects.hash(line(), fields, hasInvalidText);
        }

        @Override
        public String toString() {
            return "Row[line=" + line() + ", fields=" + fields + ", hasInvalidText=" + hasInvalidText + "]";
        }

        private static long embeddedLineBreaks(List<String> values) {
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
    }
}
