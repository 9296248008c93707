package dev.medallion.silver;

import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import dev.medallion.silver.schema.NullMarkers;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * and the file reads back as its source did. Others are quoted where CSV needs it only, so there {@code ""} and an empty field
 * are written alike, as they were read alike.
 */
final class QuarantineWriter {
    private final ObjectStore store;
    private final String key;
    private final List<String> header;
    private final boolean keepsQuotedEmptyStrings;
    private ObjectUpload upload;
    private CSVPrinter printer;
    private long rows;
    private long rowsRefusedForTypes;

    QuarantineWriter(ObjectStore store, String key, List<String> header) {
        this(store, key, header, false);
    }

    /** @param keepsQuotedEmptyStrings whether the row's quoted empty fields ({@link NullMarkers#QUOTED_EMPTY}) are written {@code ""} */
    QuarantineWriter(ObjectStore store, String key, List<String> header, boolean keepsQuotedEmptyStrings) {
        this.store = requireNonNull(store, "store is null");
        this.key = requireNonNull(key, "key is null");
        this.header = List.copyOf(header);
        this.keepsQuotedEmptyStrings = keepsQuotedEmptyStrings;
    }

    /** @param forAType whether a value of the row does not fit its column's type (not, say, a row of another number of fields) */
    void add(long line, String reason, Iterable<String> fields, boolean forAType) throws IOException {
        if (printer == null) {
            upload = store.create(key);
            // ALL_NON_NULL quotes every value but null, which it writes as an empty field (no null string is set).
            CSVFormat format = keepsQuotedEmptyStrings ? CSVFormat.RFC4180.builder().setQuoteMode(QuoteMode.ALL_NON_NULL).get() : CSVFormat.RFC4180;
            printer = new CSVPrinter(new OutputStreamWriter(upload, StandardCharsets.UTF_8), format);
            printer.print(uniqueName("source_line"));
            printer.print(uniqueName("reason"));
            printer.printRecord(header);
        }
        printer.print(line);
        printer.print(reason);
        printer.printRecord(keepsQuotedEmptyStrings ? asRead(fields) : fields);
        rows++;
        if (forAType) {
            rowsRefusedForTypes++;
        }
    }

    /** The fields with an empty one read unquoted as null, which the printer leaves unquoted, and a quoted one as the empty string it quotes. */
    private static List<String> asRead(Iterable<String> fields) {
        List<String> values = new ArrayList<>();
        for (String field : fields) {
            values.add(field.isEmpty() && field != NullMarkers.QUOTED_EMPTY ? null : field);
        }
        return values;
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
