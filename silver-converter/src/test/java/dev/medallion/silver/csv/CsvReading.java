package dev.medallion.silver.csv;

import dev.medallion.silver.csv.CsvReader.Row;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/** What the CSV reader's tests feed a reader and read back from it. */
final class CsvReading {
    private CsvReading() {}

    /** {@code text} as the UTF-8 bytes of a source file. */
    static ByteArrayInputStream in(String text) {
        requireNonNull(text, "text is null");
        return new ByteArrayInputStream(text.getBytes(UTF_8));
    }

    /** Every row {@code csv} has left, in order. */
    static List<Row> drain(CsvReader csv) throws IOException, RejectedInputException {
        requireNonNull(csv, "csv is null");
        List<Row> rows = new ArrayList<>();
        for (Optional<Row> row = csv.next(); row.isPresent(); row = csv.next()) {
            rows.add(row.get());
        }
        return rows;
    }
}
