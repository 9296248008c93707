package dev.medallion.silver.csv;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.text.ControlCharacters;
import dev.medallion.common.text.EncodingSource;
import dev.medallion.common.text.GzipMembersInputStream;
import dev.medallion.silver.schema.NullMarkers;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Reads CSV records (RFC 4180: quoted delimiters, quoted line breaks, doubled quotes, CRLF or LF) from a
 * source object's bytes, with the delimiter given or detected, each record with the line it starts on.
 * Blank lines are skipped. An unterminated quote at the end of the file rejects the file, with the line
 * its record starts on ({@link #format}): the rest of the file would be one field, so no row of it can be trusted.
 *
 * <p>The bytes are decoded in the charset declared for the dataset, UTF-8 when none is. A byte sequence
 * that is not valid in it rejects the whole file, never a row: {@link #open} or {@link #next} throws a
 * {@link RejectedInputException} naming the byte offset, the line, the bytes and the setting to use.
 * Deep in a large file that is only met after many rows were returned; those rows are as read, and the
 * caller discards what it made of them. So is a row longer than the limit given ({@code MAX_ROW_CHARS}):
 * it rejects the file, while it is read when it runs away; and so are more characters between the ends of
 * two records than a row at the limit can take ({@link RowSize}), counted exactly, which reject the file
 * while they are read, or when the next record shows where they end.
 *
 * <p>A reader may also read one byte range of a larger file ({@link #openRange}), for conversions that
 * read several ranges at once. A range other than the last ends at a line feed that may or may not end a
 * record: only the parse from the range's start can tell. Such a reader appends an end marker, a line of
 * its own that holds no delimiter, quote or line break, to the text: when the range ends between records
 * the parser returns the marker as a record by itself ({@link #endedBetweenRecords}); when the range ends
 * inside a quoted field the marker becomes part of that field's value, and the caller knows its guess of
 * the boundary was wrong.
 *
 * <p>A reader that keeps quoted empty fields ({@code CSV_QUOTED_EMPTY_STRINGS}) gives a quoted empty field ({@code ""}) as
 * {@link NullMarkers#QUOTED_EMPTY} and an unquoted one as {@code ""}, as PostgreSQL's {@code COPY ... (FORMAT csv)} means them
 * (an empty string, a NULL); any other reader gives both as {@code ""}. Such a reader given declared markers tells a quoted one
 * ({@code "NULL"}, a value matching COPY's NULL string) from an unquoted one too, giving it as the marker's
 * {@linkplain NullMarkers#quotedFormOf quoted form}.
 */
public final class CsvReader implements Closeable {
    /**
     * Appended to a range that does not end the file: Unicode noncharacters, which no delimiter a person
     * declares is (see {@link #openRange}) and text exported by tools does not hold.
     */
    static final String END_MARKER = "\uFDD0\uFDD1\uFDD2\uFDD3\uFDD4\uFDD5\uFDD6\uFDD7";
    /**
     * Ctrl-Z (SUB): DOS marked the end of a text file with it, and tools still write it there. Alone and unquoted on the text's
     * last line (nothing but line breaks after it) it is no row; quoted there ({@code "\u001a"}) it is a value someone wrote, and
     * anywhere else a character of the data like any other.
     */
    private static final char DOS_END_OF_FILE = '\u001a';
    private static final int SAMPLE_CHARS = ControlCharacters.SAMPLE_CHARS;
    /** Characters kept of the read before the last, for a MySQL escape a stray character follows in the next (see {@link SampleThenText}). */
    private static final int ESCAPE_LOOKBACK = 64;
    /** Characters before the current record that a reader telling quoted markers apart keeps before it lets go of them in bulk. */
    private static final int KEPT_SLACK = 1 << 16;
    /** What Commons CSV says of a closing quote followed by other characters, with the line (Commons CSV's "position" counts characters from the file's start). */
    private static final Pattern TEXT_AFTER_CLOSING_QUOTE = Pattern.compile(
            "Invalid character between encapsulated token and delimiter at line: ([0-9].*?), position: ([0-9].*)");
    /** What Commons CSV says when the input ends inside a quoted field, with the line of its opening quote. */
    private static final Pattern UNCLOSED_QUOTE = Pattern.compile("\\(startline ([0-9][^)]*)\\) EOF reached before encapsulated token finished");
    /** Stands for the dataset in messages when the caller does not name it. */
    static final String UNNAMED_DATASET = "<dataset>";

    private final DecodingReader text;
    private final SampleThenText input;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final char delimiter;
    private final String location;
    private final RowSize rowSize;
    private final boolean endMarked;
    private final boolean keepsQuotedEmpty;
    /** The dataset's markers, which a reader keeping quoted empty fields tells quoted from unquoted ({@link NullMarkers#tellsQuotedMarkers}). */
    private final NullMarkers markers;
    /** The format parsing a record again takes for each marker, its null string that marker: built once per marker, not per record. */
    private final Map<String, CSVFormat> tellingFormats = new HashMap<>();
    /** Records parsed again to tell a quoted marker from an unquoted one: those whose kept text did not tell it ({@link #toldFromText}). */
    private long recordsParsedAgain;
    private boolean endedBetweenRecords;
    private long rangeLineBreaks = -1;
    private long linesBefore;
    /** Line breaks of the blank lines before the first content, which the parser never sees. */
    private long blankLinesBefore;
    private RejectedInputException failure;

    private CsvReader(DecodingReader text, SampleThenText input, CSVParser parser, char delimiter, String location, RowSize rowSize, boolean endMarked,
            NullMarkers markers) {
        this.endMarked = endMarked;
        this.markers = requireNonNull(markers, "markers is null");
        this.keepsQuotedEmpty = markers.keepsQuotedEmptyStrings();
        this.text = text;
        this.input = input;
        this.parser = parser;
        this.records = parser.iterator();
        this.delimiter = delimiter;
        this.location = location;
        this.rowSize = rowSize;
    }

    /**
     * Opens UTF-8 text.
     *
     * @param location where the bytes come from, for messages
     */
    public static CsvReader open(InputStream in, Optional<Character> delimiter, String location) throws IOException, RejectedInputException {
        return open(in, delimiter, Optional.empty(), location);
    }

    /**
     * Opens text in the given encoding; messages name the dataset as {@code <dataset>}.
     *
     * @param encoding the charset declared for the dataset; UTF-8 when empty
     * @param location where the bytes come from, for messages
     */
    public static CsvReader open(InputStream in, Optional<Character> delimiter, Optional<Charset> encoding, String location)
            throws IOException, RejectedInputException {
        return open(in, delimiter, encoding, location, UNNAMED_DATASET);
    }

    /**
     * Opens text in the given encoding.
     *
     * @param encoding the charset declared for the dataset; UTF-8 when empty
     * @param location where the bytes come from, for messages
     * @param dataset the dataset the file belongs to, for messages: a rejection for its encoding names the
     *     setting to use, such as {@code CSV_ENCODINGS=<dataset>:windows-1252}
     */
    public static CsvReader open(InputStream in, Optional<Character> delimiter, Optional<Charset> encoding, String location, String dataset)
            throws IOException, RejectedInputException {
        return open(in, delimiter, encoding, location, dataset, ConversionLimits.DEFAULT_MAX_ROW_CHARS);
    }

    /**
     * Opens text in the given encoding, with a limit on the size of a row.
     *
     * @param encoding the charset declared for the dataset; UTF-8 when empty
     * @param location where the bytes come from, for messages
     * @param dataset the dataset the file belongs to, for messages
     * @param maxRowChars the most characters a row may hold, its values and the delimiters between them;
     *     a longer row rejects the file ({@code MAX_ROW_CHARS})
     */
    public static CsvReader open(InputStream in, Optional<Character> delimiter, Optional<Charset> encoding, String location, String dataset,
            int maxRowChars) throws IOException, RejectedInputException {
        return open(in, delimiter, encoding, EncodingSource.CSV_ENCODINGS, location, dataset, maxRowChars);
    }

    /**
     * Opens text in the given encoding, declared by {@code source}, which a rejection for it names, with a limit on the
     * size of a row ({@link #open(InputStream, Optional, Optional, String, String, int)}).
     */
    public static CsvReader open(InputStream in, Optional<Character> delimiter, Optional<Charset> encoding, EncodingSource source, String location,
            String dataset, int maxRowChars) throws IOException, RejectedInputException {
        return open(in, delimiter, encoding, source, location, dataset, maxRowChars, false, NullMarkers.defaults());
    }

    /**
     * Opens text as {@link #open(InputStream, Optional, Optional, EncodingSource, String, String, int)} does; when the dataset's
     * {@code markers} {@linkplain NullMarkers#keepsQuotedEmptyStrings keep quoted empty strings} ({@code CSV_QUOTED_EMPTY_STRINGS}), a
     * quoted empty field is given as {@link NullMarkers#QUOTED_EMPTY} and a quoted declared marker as its {@linkplain NullMarkers#quotedFormOf
     * quoted form}.
     */
    public static CsvReader open(InputStream in, Optional<Character> delimiter, Optional<Charset> encoding, EncodingSource source, String location,
            String dataset, int maxRowChars, NullMarkers markers) throws IOException, RejectedInputException {
        return open(in, delimiter, encoding, source, location, dataset, maxRowChars, false, markers);
    }

    /**
     * Opens the first byte range of a file, with a limit on the size of a row, as {@link #open} opens a
     * whole file; when {@code endMarked} the range does not end the file (see {@link #endedBetweenRecords}).
     */
    public static CsvReader openFirstRange(InputStream in, Optional<Character> delimiter, Optional<Charset> encoding, EncodingSource source, String location,
            String dataset, int maxRowChars, boolean endMarked) throws IOException, RejectedInputException {
        return open(in, delimiter, encoding, source, location, dataset, maxRowChars, endMarked, NullMarkers.defaults());
    }

    /** Opens the first byte range of a file as {@link #openFirstRange(InputStream, Optional, Optional, EncodingSource, String, String, int, boolean)}
     * does, telling quoted fields apart as the dataset's {@code markers} say ({@link #open(InputStream, Optional, Optional, EncodingSource, String, String, int, NullMarkers)}). */
    public static CsvReader openFirstRange(InputStream in, Optional<Character> delimiter, Optional<Charset> encoding, EncodingSource source, String location,
            String dataset, int maxRowChars, boolean endMarked, NullMarkers markers) throws IOException, RejectedInputException {
        return open(in, delimiter, encoding, source, location, dataset, maxRowChars, endMarked, markers);
    }

    /**
     * Opens a byte range of a file that starts after a line feed, not at the file's start: no byte order
     * mark, gzip or check that it is text is looked for (the first range did that), and no delimiter is
     * detected. Line numbers count from the range's start: its first line is line 1.
     *
     * @param charset the file's, as the first range's reader found it; a charset that writes ASCII in
     *     single bytes (a line feed is then always the byte 0x0A)
     * @param source what declared {@code charset}, which a rejection for it names
     * @param endMarked whether the range ends before the file does (see {@link #endedBetweenRecords})
     */
    public static CsvReader openRange(InputStream in, char delimiter, Charset charset, EncodingSource source, String location, String dataset, int maxRowChars,
            boolean endMarked) throws IOException {
        return openRange(in, delimiter, charset, source, location, dataset, maxRowChars, endMarked, NullMarkers.defaults());
    }

    /** Opens a byte range as {@link #openRange(InputStream, char, Charset, EncodingSource, String, String, int, boolean)} does, telling quoted
     * fields apart as the dataset's {@code markers} say ({@link #open(InputStream, Optional, Optional, EncodingSource, String, String, int, NullMarkers)}). */
    public static CsvReader openRange(InputStream in, char delimiter, Charset charset, EncodingSource source, String location, String dataset, int maxRowChars,
            boolean endMarked, NullMarkers markers) throws IOException {
        requireNonNull(in, "in is null");
        requireNonNull(charset, "charset is null");
        requireNonNull(source, "source is null");
        requireNonNull(location, "location is null");
        requireNonNull(dataset, "dataset is null");
        if (endMarked) {
            requireOutsideEndMarker(delimiter);
        }
        DecodingReader text = new DecodingReader(in, charset, new UndecodableTextException.Context(dataset, source, false, false), false);
        RowSize rowSize = new RowSize(maxRowChars, delimiter);
        SampleThenText input = new SampleThenText(CharBuffer.allocate(0), text, rowSize, endMarked, markers.tellsQuotedMarkers());
        return new CsvReader(text, input, CSVParser.parse(input, format(delimiter, !endMarked, markers.keepsQuotedEmptyStrings())), delimiter, location,
                rowSize, endMarked, markers);
    }

    /** A delimiter in the end marker would split it: the marker could never come back as one field. */
    private static void requireOutsideEndMarker(char delimiter) {
        if (END_MARKER.indexOf(delimiter) >= 0) {
            throw new IllegalArgumentException("The delimiter U+" + Integer.toHexString(delimiter) + " is part of the end marker");
        }
    }

    /**
     * @param endsTheFile whether the end of the text is the end of the file. Where it is, a quote never
     *     closed took the rest of the file into one value (rows merged into a text value, or quarantined
     *     as one record), and the file is rejected with the record's line instead. Where it is not (a
     *     range before the last, a window of bytes), the text may end inside a quoted field, and the
     *     parser returns that field as it stands.
     */
    static CSVFormat format(char delimiter, boolean endsTheFile) {
        return format(delimiter, endsTheFile, false);
    }

    /**
     * @param keepsQuotedEmpty whether the parser tells a quoted empty field from an unquoted one: with the quote mode
     *     {@code ALL_NON_NULL} and no null string, Commons CSV returns {@code null} for an unquoted empty field and {@code ""}
     *     for a quoted one ({@code CSVParser.handleNull}); the quote mode changes nothing else of parsing (the lexer does not
     *     read it), so records and their boundaries are those of the other format
     */
    static CSVFormat format(char delimiter, boolean endsTheFile, boolean keepsQuotedEmpty) {
        CSVFormat.Builder format = CSVFormat.RFC4180.builder()
                .setDelimiter(delimiter)
                .setIgnoreEmptyLines(true)
                .setLenientEof(!endsTheFile);
        if (keepsQuotedEmpty) {
            format.setQuoteMode(QuoteMode.ALL_NON_NULL).setNullString(null);
        }
        return format.get();
    }

    private static CsvReader open(InputStream in, Optional<Character> delimiter, Optional<Charset> encoding, EncodingSource source, String location,
            String dataset, int maxRowChars, boolean endMarked, NullMarkers markers) throws IOException, RejectedInputException {
        requireNonNull(location, "location is null");
        requireNonNull(in, "in is null");
        requireNonNull(delimiter, "delimiter is null");
        requireNonNull(encoding, "encoding is null");
        requireNonNull(source, "source is null");
        requireNonNull(dataset, "dataset is null");
        DecodingReader text;
        Sample sample;
        char chosen;
        try {
            text = TextInput.open(in, encoding, source, dataset, location);
            sample = sample(text);
            TextInput.requireText(sample.content(), sample.blankLines(), text.charset(), text.context());
            chosen = delimiter.isPresent() ? delimiter.get() : DelimiterDetector.detect(sample.content());
        }
        catch (GzipMembersInputStream.DamagedGzipException e) {
            throw new RejectedInputException("The file is not valid gzip: " + e.getMessage() + GzipMembersInputStream.REMEDY);
        }
        if (endMarked) {
            requireOutsideEndMarker(chosen);
        }
        // The parser reads the sample again, then the rest of the text: no second buffering layer. The blank
        // lines before the sample are not given to it again (it would skip them): line numbers count them.
        RowSize rowSize = new RowSize(maxRowChars, chosen);
        SampleThenText input = new SampleThenText(sample.content(), text, rowSize, endMarked, markers.tellsQuotedMarkers());
        CsvReader reader = new CsvReader(text, input, CSVParser.parse(input, format(chosen, !endMarked, markers.keepsQuotedEmptyStrings())), chosen, location,
                rowSize, endMarked, markers);
        reader.blankLinesBefore = sample.blankLines();
        reader.linesBefore = sample.blankLines();
        return reader;
    }

    public char delimiter() {
        return delimiter;
    }

    /** Whether the file was gzip: it can then only be read as one stream. */
    public boolean compressed() {
        return text.context().compressed();
    }

    /** The charset the text is decoded with: the one declared, else UTF-8. */
    public Charset encoding() {
        return text.charset();
    }

    /**
     * The next record, or empty at the end of the file.
     *
     * @throws RejectedInputException when the file turns out not to be readable as a whole (bytes not valid in
     *     its encoding, a quoting error, broken gzip), however many records were returned before; every later
     *     call throws it again
     */
    public Optional<Row> next() throws IOException, RejectedInputException {
        if (failure != null) {
            throw failure;
        }
        CSVRecord record;
        try {
            record = read();
        }
        catch (RejectedInputException e) {
            failure = e;
            throw e;
        }
        if (record == null) {
            failure = rowSize.atEnd(linesBefore);
            if (failure != null) {
                throw failure;
            }
            return Optional.empty();
        }
        long linesAfter = lines();
        // Only a reader that keeps quoted empty fields looks at each value again: the others take the parser's array as it is.
        String[] values = keepsQuotedEmpty ? quotedEmptyKept(record.values()) : record.values();
        if (markers.tellsQuotedMarkers()) {
            quotedMarkersKept(record, values);
        }
        Row row = new Row(linesBefore, linesAfter, Arrays.asList(values));
        // Where this record's characters start is where the one before ended: only now is that one's span known exactly.
        failure = rowSize.recordStarts(record.getCharacterPosition(), linesBefore);
        if (failure != null) {
            throw failure;
        }
        if (endMarked && record.size() == 1 && END_MARKER.equals(record.get(0)) && !hasNext()) {
            // The marker is the range's last line, after all of its line breaks.
            endedBetweenRecords = true;
            rangeLineBreaks = row.line() - 1;
            return Optional.empty();
        }
        if (!endMarked && endsInBareCtrlZ(record, values)) {
            // The text ends in Ctrl-Z, as DOS-era tools, copy /a and some ERP exports end it: no row. Converted, it was a row
            // of one field, quarantined in a file of several columns for its number of fields, a row of the table in a file of one.
            failure = rowSize.atEnd(linesBefore);
            if (failure != null) {
                throw failure;
            }
            return Optional.empty();
        }
        if (rowSize.mayExceedLimit()) {
            long characters = RowSize.characters(values);
            if (characters > rowSize.limit) {
                failure = rowSize.tooLong(row.line(), characters);
                throw failure;
            }
        }
        rowSize.rowEnded();
        linesBefore = linesAfter;
        return Optional.of(row);
    }

    /** How many times a record was parsed again to tell its quoted markers: the text kept of all others told them (tests look). */
    long recordsParsedAgain() {
        return recordsParsedAgain;
    }

    /**
     * Whether a range read with an end marker ended between two records: true once {@link #next} has
     * returned empty after the marker came back as a record of its own. False when the range ended inside
     * a quoted field (the marker was read into it), or when the reader was opened without a marker.
     */
    public boolean endedBetweenRecords() {
        return endedBetweenRecords;
    }

    /**
     * The line breaks of a range that {@link #endedBetweenRecords}, those inside quoted fields and blank
     * lines included: the next range's line 1 is this range's line {@code lineBreaks() + 1}.
     */
    public long lineBreaks() {
        if (!endedBetweenRecords) {
            throw new IllegalStateException("Only a range that ended between records knows its line breaks");
        }
        return rangeLineBreaks;
    }

    /**
     * Whether {@code record} is the text's last and is a Ctrl-Z alone, unquoted. Commons CSV returns the same value for
     * {@code \u001a} and {@code "\u001a"} and does not say which it read, so the characters decide: a quoted field ends with
     * its closing quote, after which the parser allows only white space before a delimiter, a line break or the end, and only
     * line breaks follow the last record; the text's last character besides line breaks is then the Ctrl-Z when it is bare,
     * the quote or white space when it is quoted. That needs one character kept, not the record's text: the record's {@link CSVRecord#getCharacterPosition}
     * would not point at its first character either, being where the record before ended, ahead of the blank lines the
     * parser skipped.
     */
    private boolean endsInBareCtrlZ(CSVRecord record, String[] values) throws IOException, RejectedInputException {
        // The length test first: hasNext parses on, which only a record of one Ctrl-Z may pay for.
        return record.size() == 1 && values[0].length() == 1 && values[0].charAt(0) == DOS_END_OF_FILE && !hasNext()
                && input.lastCharacterBesidesLineBreaks() == DOS_END_OF_FILE;
    }

    private boolean hasNext() throws IOException, RejectedInputException {
        try {
            return records.hasNext();
        }
        catch (UncheckedIOException e) {
            // The record after the marker failed to parse: the marker was data. The failure is met again by the next call.
            return true;
        }
    }

    /**
     * The values of a record parsed with {@code ALL_NON_NULL} quoting, as the other readers give them but for a quoted empty
     * field: the parser's {@code null} (an unquoted empty field) becomes {@code ""}, as every other reader gives it, and its
     * {@code ""} (a quoted one) becomes {@link NullMarkers#QUOTED_EMPTY}. In place: the array is this record's own.
     */
    private static String[] quotedEmptyKept(String[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                values[i] = "";
            }
            else if (values[i].isEmpty()) {
                values[i] = NullMarkers.QUOTED_EMPTY;
            }
        }
        return values;
    }

    /**
     * Gives each declared marker of the record that was read quoted as its {@linkplain NullMarkers#quotedFormOf quoted form}. Commons CSV
     * says whether a field was quoted of its null string alone: with a strict quote mode ({@code ALL_NON_NULL}) it returns that string
     * for a quoted field and null for an unquoted one ({@code CSVParser.handleNull}), and it takes one null string, where a dataset may
     * declare several markers. So the record's kept text ({@link SampleThenText#charAt}) tells each field quoted or not ({@link
     * #toldFromText}), read once, with no parser. Only a record whose text does not line up with its fields, which the parser's
     * settings should not allow, or a range's last record ending inside its quotes, is parsed again from its text, once per marker it
     * holds, that marker the null string: the same lexer, so the same fields.
     */
    private void quotedMarkersKept(CSVRecord record, String[] values) throws IOException {
        long start = record.getCharacterPosition();
        input.forgetBefore(start);
        List<String> toldApart = null;
        for (int i = toldFromText(start, values); i < values.length; i++) {
            String marker = values[i];
            // Not a declared marker, or its quoted form already, or a marker the record was parsed again for.
            if (markers.quotedFormOf(marker) == marker || toldApart != null && toldApart.contains(marker)) {
                continue;
            }
            CSVFormat telling = tellingFormats.computeIfAbsent(marker, declared -> format(delimiter, !endMarked, true).builder().setNullString(declared).get());
            CSVRecord again;
            recordsParsedAgain++;
            try (CSVParser parser = CSVParser.parse(input.textFrom(start), telling)) {
                Iterator<CSVRecord> iterator = parser.iterator();
                again = iterator.hasNext() ? iterator.next() : null;
            }
            if (again == null || again.size() != values.length) {
                throw new IllegalStateException("The record of " + location + " starting at character " + start + " (line " + (linesBefore + 1) + ") held "
                        + values.length + " fields when parsed, " + (again == null ? "none" : again.size()) + " when parsed again to tell its quoted "
                        + marker + " from an unquoted one: the text kept for it is not the record's; report this with the file");
            }
            for (int field = i; field < values.length; field++) {
                if (marker.equals(values[field]) && again.get(field) != null) {
                    values[field] = markers.quotedFormOf(marker);
                }
            }
            if (toldApart == null) {
                toldApart = new ArrayList<>(2);
            }
            toldApart.add(marker);
        }
    }

    /**
     * Tells the record's fields quoted or not from its kept text, without parsing it again, giving a marker read quoted its quoted
     * form; returns {@code values.length} when it told them all, 0 when the text did not line up with the fields (left to the parser,
     * from the first field). What it relies on, of Commons CSV with {@link #format}'s settings (RFC 4180's, no escape character,
     * surrounding spaces kept, a one-character delimiter, no trailing text after a closing quote): a field is quoted exactly when its
     * first character is the quote, the lexer skipping nothing before it; an unquoted field's value is its text as written, neither
     * trimmed nor unescaped, so the next field starts one delimiter after it; a quoted field ends at the first quote not doubled, its
     * delimiters and line breaks inside the quotes part of it, and only white space other than a line break or the delimiter lies
     * between that quote and the next delimiter; and the record's position is where the record before it ended, before the empty lines
     * the parser skips. A quoted field reaching past the kept text (a range ending inside it, read leniently) does not line up.
     */
    private int toldFromText(long start, String[] values) {
        long at = start;
        for (int character = input.charAt(at); character == '\r' || character == '\n'; character = input.charAt(at)) {
            at++;
        }
        int last = values.length - 1;
        for (int i = 0; i <= last; i++) {
            if (input.charAt(at) == '"') {
                values[i] = markers.quotedFormOf(values[i]);
                at = afterClosingQuote(at + 1);
                if (at < 0) {
                    return 0;
                }
                if (i < last) {
                    at = skipWhiteSpaceAfterClosingQuote(at);
                }
            }
            else {
                at += values[i].length();
            }
            if (i < last) {
                if (input.charAt(at) != delimiter) {
                    return 0;
                }
                at++;
            }
        }
        return values.length;
    }

    /** Where the kept text goes on after the quote that closes a quoted field whose text starts at {@code at}; -1 if it ends before one. */
    private long afterClosingQuote(long at) {
        for (int character = input.charAt(at); character >= 0; character = input.charAt(at)) {
            at++;
            if (character == '"') {
                if (input.charAt(at) != '"') {
                    return at;
                }
                // A doubled quote, one quote of the value.
                at++;
            }
        }
        return -1;
    }

    /** Past the white space the lexer skips between a closing quote and the delimiter: neither a line break nor the delimiter itself. */
    private long skipWhiteSpaceAfterClosingQuote(long at) {
        for (int character = input.charAt(at); character >= 0 && character != delimiter && character != '\r' && character != '\n'
                && Character.isWhitespace((char) character); character = input.charAt(at)) {
            at++;
        }
        return at;
    }

    /** Line breaks read so far: the parser's, and those of the blank lines it was spared. */
    private long lines() {
        return blankLinesBefore + parser.getCurrentLineNumber();
    }

    private CSVRecord read() throws IOException, RejectedInputException {
        long linesRead = lines();
        try {
            return records.hasNext() ? records.next() : null;
        }
        catch (UncheckedIOException e) {
            IOException cause = e.getCause();
            if (cause instanceof UndecodableTextException undecodable) {
                // The parser has consumed every character decoded before the bad bytes, and counted their line breaks.
                throw undecodable.rejection(lines() + (text.atLineStart() ? 1 : 0));
            }
            Matcher unclosed = UNCLOSED_QUOTE.matcher(String.valueOf(cause.getMessage()));
            if (cause instanceof CSVException && unclosed.find()) {
                // Commons CSV gives the quote's line (its digits grouped as the default locale groups them); it
                // was spared the blank lines before the header.
                long line = blankLinesBefore + Long.parseLong(unclosed.group(1).replaceAll("[^0-9]", ""));
                throw new RejectedInputException("Malformed CSV in " + location + ": the quote that opens a field on line " + line
                        + " is never closed, so the rest of the file would be one value. Close it, or double it (\"\") where it is part of a value");
            }
            Matcher afterQuote = TEXT_AFTER_CLOSING_QUOTE.matcher(String.valueOf(cause.getMessage()));
            if (cause instanceof CSVException && afterQuote.find()) {
                long line = blankLinesBefore + Long.parseLong(afterQuote.group(1).replaceAll("[^0-9]", ""));
                String afterQuoteIn = "Malformed CSV in " + location + ": on line " + line + ", a quoted value is followed by other characters "
                        + "before the next delimiter (as in \"abc\"x)";
                // Commons CSV's position is the count of characters it read, the stray one last (digits grouped as the line's are).
                long strayCharacter = Long.parseLong(afterQuote.group(2).replaceAll("[^0-9]", "")) - 1;
                if (input.closesWithBackslashEscapedQuote(strayCharacter)) {
                    // MySQL's SELECT ... INTO OUTFILE prefixes its ENCLOSED BY character with its ESCAPED BY one, a backslash unless set:
                    // the advice to double the quotes would not say what the export did (MySQL Reference Manual, LOAD DATA: FIELDS ESCAPED BY).
                    throw new RejectedInputException(afterQuoteIn + ": a quote inside it is written \\\" as MySQL's SELECT ... INTO OUTFILE writes one"
                            + " with its default FIELDS ESCAPED BY '\\\\', where CSV doubles it (\"\"). Export again with FIELDS ESCAPED BY '\"', which"
                            + " doubles it (a NULL is then written \"N: select IFNULL(column, '') for a column that holds one)");
                }
                throw new RejectedInputException(afterQuoteIn + ". Quote the whole value, and double each quote inside it (\"\")");
            }
            if (cause instanceof CSVException) {
                throw new RejectedInputException("Malformed CSV in " + location + " after line " + linesRead + ": " + ErrorMessages.describe(cause));
            }
            if (cause instanceof GzipMembersInputStream.DamagedGzipException) {
                throw new RejectedInputException("The file is not valid gzip (after line " + linesRead + "): " + cause.getMessage() + GzipMembersInputStream.REMEDY);
            }
            if (cause instanceof RowSize.RunawayRowException runaway) {
                throw runaway.manyFields() ? rowSize.tooManyFields(linesRead) : rowSize.runaway(linesRead);
            }
            throw cause;
        }
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    /**
     * The first content of the text, for the delimiter and the check that it is text: blank lines before
     * it are read and counted, not kept (a million of them must not hide the header), then up to
     * {@link #SAMPLE_CHARS} characters from the first one that is not a line break.
     */
    private static Sample sample(Reader reader) throws IOException, RejectedInputException {
        char[] buffer = new char[SAMPLE_CHARS];
        int filled = 0;
        long blankLines = 0;
        boolean afterCarriageReturn = false;
        try {
            for (int read = 0; read >= 0 && filled < buffer.length; ) {
                read = reader.read(buffer, filled, buffer.length - filled);
                if (read > 0 && filled == 0) {
                    // Still in the blank lines: drop them, counting line breaks as the parser would (CRLF, LF or CR).
                    int blank = 0;
                    while (blank < read && (buffer[blank] == '\n' || buffer[blank] == '\r')) {
                        if (buffer[blank] == '\r' || !afterCarriageReturn) {
                            blankLines++;
                        }
                        afterCarriageReturn = buffer[blank] == '\r';
                        blank++;
                    }
                    System.arraycopy(buffer, blank, buffer, 0, read - blank);
                    read -= blank;
                }
                filled += Math.max(read, 0);
            }
        }
        catch (UndecodableTextException e) {
            throw e.rejection(1 + blankLines + lineBreaks(buffer, filled));
        }
        return new Sample(CharBuffer.wrap(buffer, 0, filled), blankLines);
    }

    /**
     * @param content the text from its first character that is not a line break
     * @param blankLines the line breaks before it
     */
    private record Sample(CharBuffer content, long blankLines) {}

    /** Line breaks in the first {@code length} characters, counted as the parser counts them (CRLF, LF or CR). */
    private static long lineBreaks(char[] text, int length) {
        long breaks = 0;
        for (int i = 0; i < length; i++) {
            if (text[i] == '\r' || text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
                breaks++;
            }
        }
        return breaks;
    }

    /** Reads a {@link StringBuilder} from an index on, in place: what {@link SampleThenText#textFrom} gives a record parsed again. */
    private static final class KeptText extends Reader {
        private final StringBuilder kept;
        private int next;

        KeptText(StringBuilder kept, int from) {
            this.kept = requireNonNull(kept, "kept is null");
            this.next = from;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, buffer.length);
            if (length == 0) {
                return 0;
            }
            int count = Math.min(length, kept.length() - next);
            if (count <= 0) {
                return -1;
            }
            kept.getChars(next, next + count, buffer, offset);
            next += count;
            return count;
        }

        @Override
        public void close() {}
    }

    /**
     * The sample, then the rest of the text. Unlike commons-io's SequenceReader it returns after one read of
     * the text, so the characters decoded before bad bytes reach the parser before the failure does. Counts
     * the characters it hands over, for {@link RowSize}.
     */
    private static final class SampleThenText extends Reader {
        private final CharBuffer sample;
        private final Reader text;
        private final RowSize rowSize;
        /** After the text: the end marker on a line of its own, or nothing. */
        private final CharBuffer after;
        private boolean textEnded;
        /** The last character handed over that is not a line break (CR or LF); NUL before there is one. */
        private char lastCharacterBesidesLineBreaks;
        /**
         * Where the characters last handed over are: the parser's own buffer, which it fills from the start or after what it kept,
         * so they stay there until it reads again. Only a malformed record's message looks at them; nothing per character.
         */
        private char[] lastRead = new char[0];
        private int lastReadOffset;
        private int lastReadCount;
        /** Characters handed over before the last read: where it starts, counted as the parser counts its position. */
        private long handedOverBeforeLastRead;
        /**
         * The last characters handed over before the last read: a stray character may be the first of a read, its quote and backslash at
         * the end of the one before, which the parser's buffer no longer holds. Copied once per read, not per character, from {@link #tail}.
         */
        private final char[] tailBeforeLastRead = new char[ESCAPE_LOOKBACK];
        private int tailBeforeLastReadLength;
        /** The last characters handed over, copied as each read hands them over. */
        private final char[] tail = new char[ESCAPE_LOOKBACK];
        private int tailLength;

        /**
         * The characters handed over from {@link #keptFrom} on, for a reader that tells quoted markers apart
         * ({@link NullMarkers#tellsQuotedMarkers}), which parses a record holding one again from its text; null for any other reader.
         * It holds the current record and what the parser read ahead of it, and drops what is before the record in bulk.
         */
        private final StringBuilder kept;
        /** Where {@link #kept} starts, counted as the parser counts its position. */
        private long keptFrom;

        SampleThenText(CharBuffer sample, Reader text, RowSize rowSize, boolean endMarked, boolean keepsText) {
            this.sample = sample;
            this.text = text;
            this.rowSize = rowSize;
            this.after = CharBuffer.wrap(endMarked ? END_MARKER : "");
            this.kept = keepsText ? new StringBuilder() : null;
        }

        /**
         * The text kept from {@code position} on: a record that starts there, and whatever the parser read after it. Read in place, not
         * copied: the kept text does not change while the record is parsed again, as the parser reads nothing meanwhile.
         */
        Reader textFrom(long position) {
            return new KeptText(kept, Math.toIntExact(position - keptFrom));
        }

        /** The kept character at {@code position}, counted as the parser counts its position; -1 past what is kept. */
        int charAt(long position) {
            long index = position - keptFrom;
            return index < kept.length() ? kept.charAt((int) index) : -1;
        }

        /**
         * Lets go of the text before {@code position}, where the current record starts: once that is at least {@value #KEPT_SLACK}
         * characters and half of what is kept, so that each character is moved a bounded number of times, not once per record.
         */
        void forgetBefore(long position) {
            int before = Math.toIntExact(position - keptFrom);
            if (before >= KEPT_SLACK && before >= kept.length() / 2) {
                kept.delete(0, before);
                keptFrom = position;
            }
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            // The parser asks for more only once it has used what it was given.
            rowSize.requireNoRunawayRow();
            int count;
            if (sample.hasRemaining()) {
                count = Math.min(length, sample.remaining());
                sample.get(buffer, offset, count);
            }
            else {
                count = textEnded ? -1 : text.read(buffer, offset, length);
                if (count < 0) {
                    textEnded = true;
                    if (after.hasRemaining()) {
                        count = Math.min(length, after.remaining());
                        after.get(buffer, offset, count);
                    }
                }
            }
            if (count > 0) {
                if (kept != null) {
                    kept.append(buffer, offset, count);
                }
                rowSize.handedOver(buffer, offset, count);
                rememberLastCharacterBesidesLineBreaks(buffer, offset, count);
                System.arraycopy(tail, 0, tailBeforeLastRead, 0, tailLength);
                tailBeforeLastReadLength = tailLength;
                keepTail(buffer, offset, count);
                handedOverBeforeLastRead += lastReadCount;
                lastRead = buffer;
                lastReadOffset = offset;
                lastReadCount = count;
            }
            return count;
        }

        /** Appends what a read handed over to the tail, keeping its last {@value CsvReader#ESCAPE_LOOKBACK} characters. */
        private void keepTail(char[] buffer, int offset, int count) {
            int kept = Math.min(count, tail.length);
            int stillKept = Math.min(tailLength, tail.length - kept);
            System.arraycopy(tail, tailLength - stillKept, tail, 0, stillKept);
            System.arraycopy(buffer, offset + count - kept, tail, stillKept, kept);
            tailLength = stillKept + kept;
        }

        /**
         * Whether the quote that closed the value before the stray character at {@code position} (counted as the parser counts its
         * position: from the first character handed over) was one MySQL escapes, {@code "say \"hi\""}: it follows an odd run of
         * backslashes, the last escaping it, where an even run is backslashes escaped in turn, a value ending in one ({@code "C:\\"}).
         * Only white space lies between that quote and the stray character (the parser skips it there). The record's own
         * characters decide, in the last read or the tail kept of those before; a run reaching further back is not named.
         * Looked at only for the message of a record that failed to parse.
         */
        boolean closesWithBackslashEscapedQuote(long position) {
            long at = position - 1;
            while (isWhitespaceBefore(at)) {
                at--;
            }
            if (characterAt(at) != '"') {
                return false;
            }
            int backslashes = 0;
            for (at--; characterAt(at) == '\\'; at--) {
                backslashes++;
            }
            // A run that reaches back past what is kept has an unknown length: not named.
            return backslashes % 2 == 1 && characterAt(at) >= 0;
        }

        private boolean isWhitespaceBefore(long at) {
            int c = characterAt(at);
            return c >= 0 && c != '"' && Character.isWhitespace(c);
        }

        /** The character handed over at {@code position}, or -1 where it is no longer kept. */
        private int characterAt(long position) {
            long inLastRead = position - handedOverBeforeLastRead;
            if (inLastRead >= 0 && inLastRead < lastReadCount) {
                return lastRead[lastReadOffset + (int) inLastRead];
            }
            if (inLastRead < 0 && -inLastRead <= tailBeforeLastReadLength) {
                return tailBeforeLastRead[tailBeforeLastReadLength + (int) inLastRead];
            }
            return -1;
        }

        /** Looked for from the end of what was handed over: seldom more than two characters. */
        private void rememberLastCharacterBesidesLineBreaks(char[] buffer, int offset, int count) {
            for (int i = offset + count - 1; i >= offset; i--) {
                if (buffer[i] != '\n' && buffer[i] != '\r') {
                    lastCharacterBesidesLineBreaks = buffer[i];
                    return;
                }
            }
        }

        /** Once the parser has read to the end: the text's last character besides its final line breaks (the end marker's, when there is one). */
        char lastCharacterBesidesLineBreaks() {
            return lastCharacterBesidesLineBreaks;
        }

        @Override
        public void close() throws IOException {
            text.close();
        }
    }

    /**
     * Keeps rows within {@code MAX_ROW_CHARS}: a row's size is its values' characters plus one per
     * delimiter, known exactly once the parser returns it. Checking that only costs something for a row
     * that may be that long: the characters handed to the parser since the previous row ended bound it.
     *
     * <p>A row running away is rejected before the parser returns it, to keep memory bounded: in the file, a
     * row takes at most three times its size plus two characters (every value quoted, every quote in it
     * doubled), so more than {@link #runaway} characters between the end of one record and the end of the
     * next (its blank lines before it included, and {@value #READ_AHEAD} characters allowed for them) mean a
     * row over the limit, an unclosed quote, or that many blank lines: the file is rejected. That span is
     * counted exactly, so that whether a file is rejected does not depend on how its bytes arrive, nor on
     * whether it is read as one stream or in ranges (which start where records do): where one record ends
     * is where the parser says the next starts ({@link CSVRecord#getCharacterPosition}), and at the end of
     * the text, before its final line breaks. While a record is parsed, the characters handed to the parser
     * since the previous one was returned, all used when it asks for more, exceed its span only by what the
     * parser had read ahead then: more than the bound of them rejects the file at once; a span over the
     * bound by less is rejected when the next record, or the end of the text, shows its end.
     *
     * <p>That bound is on characters, but each field the parser makes is an object of its own, some 50 bytes for a field of one
     * character: a row of millions of short fields within it ({@code a,a,a,...}, 12 MB) filled a heap of 256 MB before the parser
     * returned it. So a row is rejected too once the characters handed over since the previous row ended hold more than the limit
     * plus {@link #READ_AHEAD} of those any row counts (all but quotes, line breaks, and white space after a quote, which the parser
     * skips before a delimiter), a row surely over the limit, and more than {@link #READ_AHEAD} delimiters: its fields would fill
     * memory before it ends. A row of few delimiters is left to the bounds above, which name its exact size. Only what is handed
     * over once the row under way spans {@link #READ_AHEAD} characters is counted, so a row is rejected so some
     * {@link #READ_AHEAD} characters later than a count of all would, and rows shorter than that, all of an ordinary file's,
     * cost nothing: counting every character handed over cost 6 % of a whole conversion's CPU and 9 % of a warm one's
     * (BENCHMARKS.md, session 39).
     */
    private static final class RowSize {
        /** Characters the parser may hold read ahead of the row it returned; and blank lines allowed before a row. */
        private static final int READ_AHEAD = 1 << 16;

        final int limit;
        /** Characters handed to the parser: all of them used whenever it asks for more. */
        private long delivered;
        private long deliveredAtRowEnd;
        /** Where the span of the record returned last starts, as the parser counts characters; -1 before the first record. */
        private long spanStart = -1;
        /** The line breaks before that span. */
        private long spanStartLines;
        /** The line breaks (CR and LF characters) that end the text handed over so far. */
        private long trailingBreaks;
        /** Whether the first two of {@link #trailingBreaks} are CR LF, one line break; and whether it is unknown yet, the first a CR ending a read. */
        private boolean trailingStartsWithCrLf;
        private boolean trailingStartsWithCr;
        /** The delimiter, counted in what is handed over. */
        private final char delimiter;
        /** Characters handed over that every row counts among its values and delimiters, and those of them handed over by the row's end. */
        private long counted;
        private long countedAtRowEnd;
        /** Delimiters handed over, quoted or not, and those handed over by the row's end. */
        private long delimiters;
        private long delimitersAtRowEnd;
        /** Whether the last character handed over is a quote or white space after one. */
        private boolean afterQuote;

        RowSize(int limit, char delimiter) {
            this.limit = limit;
            this.delimiter = delimiter;
        }

        /** Counts characters handed to the parser, and the line breaks they end with (looked at from their end: seldom more than two). */
        void handedOver(char[] buffer, int offset, int count) {
            if (delivered - deliveredAtRowEnd > READ_AHEAD) {
                countSurelyCounted(buffer, offset, count);
            }
            else {
                // Not counted: a quote may have ended what went before, so white space first is taken as after one.
                afterQuote = true;
            }
            delivered += count;
            int last = offset + count - 1;
            int i = last;
            while (i >= offset && (buffer[i] == '\n' || buffer[i] == '\r')) {
                i--;
            }
            if (i >= offset) {
                trailingBreaks = last - i;
                trailingStartsWithCrLf = trailingBreaks >= 2 && buffer[i + 1] == '\r' && buffer[i + 2] == '\n';
                trailingStartsWithCr = trailingBreaks == 1 && buffer[i + 1] == '\r';
                return;
            }
            // Line breaks only: they go on the run before, or start it.
            if (trailingBreaks == 0) {
                trailingStartsWithCrLf = count >= 2 && buffer[offset] == '\r' && buffer[offset + 1] == '\n';
                trailingStartsWithCr = count == 1 && buffer[offset] == '\r';
            }
            else if (trailingStartsWithCr) {
                trailingStartsWithCrLf = buffer[offset] == '\n';
                trailingStartsWithCr = false;
            }
            trailingBreaks += count;
        }

        /**
         * A record was parsed, its characters starting at {@code start}: where the one before it ended. Returns the rejection
         * when that one's span was over the bound, else null.
         *
         * @param linesBefore the line breaks before the span of the record parsed
         */
        RejectedInputException recordStarts(long start, long linesBefore) {
            RejectedInputException over = spanStart >= 0 && start - spanStart > runaway() ? runaway(spanStartLines) : null;
            spanStart = start;
            spanStartLines = linesBefore;
            return over;
        }

        /**
         * At the end of the text: the rejection when the last record's span, or the line breaks after it, are over the bound,
         * else null. The last record ends before the final line breaks, but for its own (CR LF, CR or LF).
         *
         * @param linesAfterLast the line breaks up to the end of the last record
         */
        RejectedInputException atEnd(long linesAfterLast) {
            long lastEnd = 0;
            if (spanStart >= 0) {
                lastEnd = delivered - trailingBreaks + (trailingBreaks == 0 ? 0 : trailingStartsWithCrLf ? 2 : 1);
                if (lastEnd - spanStart > runaway()) {
                    return runaway(spanStartLines);
                }
            }
            return delivered - lastEnd > runaway() ? runaway(linesAfterLast) : null;
        }

        /**
         * Counts the delimiters, and the characters any row holding them counts: not a quote (the enclosing ones are not counted,
         * a doubled one is counted once), not a line break (a row's end, a blank line's), and not white space after a quote (skipped
         * between a closing quote and the delimiter). A character of a quoted value left out so is one counted too few: the count
         * stays at or under the row's size, so a row is never rejected by it that is within the limit.
         */
        private void countSurelyCounted(char[] buffer, int offset, int count) {
            long surely = 0;
            long delimitersHere = 0;
            boolean quoted = afterQuote;
            for (int i = offset; i < offset + count; i++) {
                char c = buffer[i];
                if (c == '"') {
                    quoted = true;
                }
                else if (c == '\n' || c == '\r' || quoted && Character.isWhitespace(c)) {
                    // Not counted.
                }
                else {
                    quoted = false;
                    surely++;
                }
                if (c == delimiter) {
                    delimitersHere++;
                }
            }
            afterQuote = quoted;
            counted += surely;
            delimiters += delimitersHere;
        }

        void rowEnded() {
            deliveredAtRowEnd = delivered;
            countedAtRowEnd = counted;
            delimitersAtRowEnd = delimiters;
        }

        /** Whether the row just returned may be longer than the limit: only then are its characters counted. */
        boolean mayExceedLimit() {
            return delivered - deliveredAtRowEnd + READ_AHEAD > limit;
        }

        static long characters(String[] values) {
            long characters = values.length - 1;
            for (String value : values) {
                characters += value.length();
            }
            return characters;
        }

        /** The characters after a row beyond which the next one is certainly over the limit (or never ends). */
        private long runaway() {
            return 3L * limit + 2 + READ_AHEAD;
        }

        void requireNoRunawayRow() throws RunawayRowException {
            if (delivered - deliveredAtRowEnd > runaway()) {
                throw new RunawayRowException(false);
            }
            if (counted - countedAtRowEnd > (long) limit + READ_AHEAD && delimiters - delimitersAtRowEnd > READ_AHEAD) {
                throw new RunawayRowException(true);
            }
        }

        RejectedInputException tooManyFields(long linesBefore) {
            return new RejectedInputException("The row after line " + linesBefore + " holds more than " + limit + " characters (values and delimiters), more than "
                    + ConversionLimits.MAX_ROW_CHARS + " allows (" + limit + "), among them more than " + READ_AHEAD
                    + " delimiters: rejected while it is read, before its fields fill memory. " + ADVICE);
        }

        RejectedInputException tooLong(long line, long characters) {
            return new RejectedInputException("The row at line " + line + " holds " + characters + " characters (values and delimiters), more than "
                    + ConversionLimits.MAX_ROW_CHARS + " allows (" + limit + "). " + ADVICE);
        }

        RejectedInputException runaway(long linesBefore) {
            return new RejectedInputException("More than " + runaway() + " characters follow line " + linesBefore + " without a row ending:"
                    + " a row longer than " + ConversionLimits.MAX_ROW_CHARS + " allows (" + limit
                    + " characters of values and delimiters), an unclosed quote, or that many blank lines. " + ADVICE);
        }

        private static final String ADVICE = "The file is rejected so that memory stays bounded; raise " + ConversionLimits.MAX_ROW_CHARS
                + " (with the function's memory) to convert it.";

        /** Travels through the parser as an IOException; becomes a rejection in {@link CsvReader#read}. */
        static final class RunawayRowException extends IOException {
            private final boolean manyFields;

            /** @param manyFields whether the row is over the limit for its many delimiters, rather than for its characters in the file */
            RunawayRowException(boolean manyFields) {
                super("a row longer than " + ConversionLimits.MAX_ROW_CHARS + " allows");
                this.manyFields = manyFields;
            }

            boolean manyFields() {
                return manyFields;
            }
        }
    }

    /** One CSV record, with the line counts around it from which its first line is worked out when needed. */
    public static final class Row {
        private final long linesBefore;
        private final long linesAfter;
        private final List<String> fields;

        /**
         * @param linesBefore line breaks the parser had read before this record
         * @param linesAfter line breaks read once this record was read, including those inside its quoted fields
         */
        public Row(long linesBefore, long linesAfter, List<String> fields) {
            this.linesBefore = linesBefore;
            this.linesAfter = linesAfter;
            this.fields = requireNonNull(fields, "fields is null");
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
            return other instanceof Row row && line() == row.line() && fields.equals(row.fields);
        }

        @Override
        public int hashCode() {
            return Objects.hash(line(), fields);
        }

        @Override
        public String toString() {
            return "Row[line=" + line() + ", fields=" + fields + "]";
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
