package dev.medallion.silver;

import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.NullMarkers;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Writes refused rows as CSV: {@code source_line,reason} followed by the row's fields exactly as read,
 * under the file's own header. The object is created on the first refused row only, and streamed. A header
 * that holds one of those two names already (refunds with a {@code reason} column) gets them with a leading
 * {@code _}, as many as it takes to be unique: a reader looking columns up by name would otherwise get the
 * source's value, or keep only one of them.
 *
 * <p>For a dataset that keeps quoted empty strings ({@code CSV_QUOTED_EMPTY_STRINGS}) every value is written quoted but an
 * empty field read unquoted, as PostgreSQL's {@code FORCE_QUOTE *} writes them: the row's {@code ""} and empty fields stay apart,
 * and the file reads back as its source did. So do its declared markers: one read unquoted is written bare, as COPY writes its
 * NULL string, and one read quoted (the text, {@link NullMarkers#isQuotedMarker}) quoted, as COPY writes a value matching it; a
 * marker holding a quote, which no reader would take back bare, is written quoted. Others are quoted where CSV needs it only, so
 * there {@code ""} and an empty field are written alike, as they were read alike.
 */
final class QuarantineWriter {
    private final ObjectStore store;
    private final String key;
    private final List<String> header;
    private final NullMarkers markers;
    private ObjectUpload upload;
    private CSVPrinter printer;
    private long rows;
    private long rowsRefusedForTypes;

    QuarantineWriter(ObjectStore store, String key, List<String> header) {
        this(store, key, header, NullMarkers.defaults());
    }

    /**
     * @param markers the dataset's markers: when they {@linkplain NullMarkers#keepsQuotedEmptyStrings keep quoted empty strings}, the row's
     *     quoted empty fields ({@link NullMarkers#QUOTED_EMPTY}) are written {@code ""}, its empty ones empty, its markers as they were read
     */
    QuarantineWriter(ObjectStore store, String key, List<String> header, NullMarkers markers) {
        this.store = requireNonNull(store, "store is null");
        this.key = requireNonNull(key, "key is null");
        this.header = List.copyOf(header);
        this.markers = requireNonNull(markers, "markers is null");
    }

    /** @param forAType whether a value of the row does not fit its column's type (not, say, a row of another number of fields) */
    void add(long line, String reason, Iterable<String> fields, boolean forAType) throws IOException {
        if (printer == null) {
            upload = store.create(key);
            // ALL_NON_NULL quotes every value but null, which it writes as an empty field (no null string is set).
            CSVFormat format = markers.keepsQuotedEmptyStrings() ? CSVFormat.RFC4180.builder().setQuoteMode(QuoteMode.ALL_NON_NULL).get() : CSVFormat.RFC4180;
            printer = new CSVPrinter(new OutputStreamWriter(upload, StandardCharsets.UTF_8), format);
            printer.print(uniqueName("source_line"));
            printer.print(uniqueName("reason"));
            printer.printRecord(header);
        }
        printer.print(line);
        printer.print(reason);
        if (markers.keepsQuotedEmptyStrings()) {
            printAsRead(fields);
        }
        else {
            printer.printRecord(fields);
        }
        rows++;
        if (forAType) {
            rowsRefusedForTypes++;
        }
    }

    /**
     * Ends the record with the fields as they were read: an empty one read unquoted as null, which the printer leaves unquoted, a quoted
     * one as the empty string it quotes, a declared marker read unquoted bare, after the delimiter the printer would have written (it
     * quotes every other value), and the rest quoted.
     */
    private void printAsRead(Iterable<String> fields) throws IOException {
        for (String field : fields) {
            if (markers.isDeclared(field, ColumnType.STRING) && printsBare(field)) {
                printer.getOut().append(CSVFormat.RFC4180.getDelimiterString()).append(field);
            }
            else {
                printer.print(field.isEmpty() && field != NullMarkers.QUOTED_EMPTY ? null : field);
            }
        }
        printer.println();
    }

    /** Whether a marker read unquoted reads back the same written bare: no quote, delimiter or line break of the quarantine's CSV in it. */
    private static boolean printsBare(String marker) {
        for (int i = 0; i < marker.length(); i++) {
            char c = marker.charAt(i);
            if (c == '"' || c == ',' || c == '\r' || c == '\n') {
                return false;
            }
        }
        return !marker.isEmpty();
    }

    private String uniqueName(String name) {
        String unique = name;
        while (collides(unique)) {
            unique = "_" + unique;
        }
        return unique;
    }

    /** Athena and Glue fold column names to lower case, and many readers trim them. */
    private boolean collides(String name) {
        return header.stream().anyMatch(field -> field.strip().equalsIgnoreCase(name));
    }

    long rows() {
        return rows;
    }

    /** The rows refused for a value that does not fit its column's type: those a wider type in the contract would take. */
    long rowsRefusedForTypes() {
        return rowsRefusedForTypes;
    }

    /** The quarantine file's upload, once a row was refused: to publish once finished, or to abort. */
    Optional<ObjectUpload> upload() {
        return Optional.ofNullable(upload);
    }

    /** Sends the file's last bytes (it stays invisible until published); empty when no row was refused. */
    Optional<Manifest.Quarantine> finish() throws IOException {
        if (printer == null) {
            return Optional.empty();
        }
        printer.close(true);
        return Optional.of(new Manifest.Quarantine(key, rows));
    }
}
