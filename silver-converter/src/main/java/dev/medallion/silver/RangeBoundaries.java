package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.silver.csv.CsvReader;
import dev.medallion.silver.csv.CsvReader.Row;
import dev.medallion.silver.csv.RecordStarts;
import dev.medallion.silver.csv.RejectedInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where a large file is cut into byte ranges read at once. First the file's start is read
 * ({@link #preflight}): a file is split only when it is not gzip, its charset writes a line feed as one
 * byte that is never part of another character, and it holds a header and a row. Then each cut is moved
 * to the start of a record ({@link RecordStarts#guess}), read from a small range after it. A guess can be
 * wrong when a quoted field holds line breaks: the reader of the range before it finds out, and the
 * conversion then reads the file as one stream.
 */
final class RangeBoundaries {
    /** Bytes read for the file's header, delimiter and charset. */
    static final int PREFLIGHT_BYTES = 1 << 20;
    /** Bytes read after each cut to find a record's start. */
    static final int PROBE_BYTES = 1 << 20;

    private RangeBoundaries() {}

    /** What the file's start says about the whole: the delimiter and charset the later ranges are read with, and the header. */
    record Preflight(char delimiter, Charset charset, List<String> header) {
        Preflight {
            requireNonNull(charset, "charset is null");
            header = List.copyOf(header);
        }
    }

    /** Whether {@code bytes} from {@code from} on are line breaks alone. */
    private static boolean onlyLineBreaks(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] != '\n' && bytes[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** What the first bytes of the source say, or empty when it is to be read as one stream. */
    static Optional<Preflight> preflight(SilverConverter.Ranges ranges, SourceObject source, String dataset, CsvOverrides overrides,
            ConversionLimits limits) throws IOException {
        try (InputStream in = ranges.open(0, Math.min(source.size(), PREFLIGHT_BYTES));
                CsvReader csv = CsvReader.open(in, overrides.delimiterOf(dataset), overrides.encodingOf(dataset), overrides.encodingSourceOf(dataset), source.location(), dataset,
                        limits.maxRowChars())) {
            if (csv.compressed() || !RecordStarts.lineFeedIsOneByte(csv.encoding())) {
                return Optional.empty();
            }
            Optional<Row> header = csv.next();
            if (header.isEmpty() || header.get().fields().size() > limits.maxColumns() || csv.next().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Preflight(csv.delimiter(), csv.encoding(), header.get().fields()));
        }
        catch (RejectedInputException e) {
            // The one-stream conversion rejects the file with the reason and the line.
            return Optional.empty();
        }
    }

    /**
     * The first byte of each range: 0, then up to {@code count - 1} record starts near the even cuts of
     * {@code size}, increasing. A cut whose probe holds no line feed is dropped (its range joins the one before).
     */
    static List<Long> starts(SilverConverter.Ranges ranges, long size, int count, Preflight preflight) throws IOException {
        List<Long> starts = new ArrayList<>(List.of(0L));
        for (int i = 1; i < count; i++) {
            long cut = Math.max(size / count * i, starts.get(starts.size() - 1) + 1);
            // From the byte before the cut, which the probe then holds; a line feed there is no candidate, since
            // the line it ends is not in the probe (RecordStarts): the range starts after the next one.
            long from = cut - 1;
            long to = Math.min(size, from + PROBE_BYTES);
            if (to - from < 2) {
                break;
            }
            byte[] probe;
            try (InputStream in = ranges.open(from, to)) {
                probe = in.readNBytes((int) (to - from));
            }
            if (probe.length != to - from) {
                throw new SourceBytes.TruncatedSourceException("Read " + probe.length + " of the " + (to - from) + " bytes from byte " + from
                        + " where a range starts: the download ended early; nothing is committed and the conversion will be retried");
            }
            int start = RecordStarts.guess(probe, preflight.delimiter(), preflight.charset(), preflight.header().size());
            if (start > 0 && to == size && onlyLineBreaks(probe, start)) {
                // Nothing but blank lines from there to the file's end: a range of them holds no record, not worth a reader. The
                // range before ends the file instead; so do the later cuts. (A lone Ctrl-Z ending the text, which that range would
                // read as data were the file to go on after it, is never followed by a start, however far its blank lines run
                // past the probe: RecordStarts passes over its line feed.)
                break;
            }
            if (start > 0 && from + start < size) {
                starts.add(from + start);
            }
        }
        return List.copyOf(starts);
    }
}
