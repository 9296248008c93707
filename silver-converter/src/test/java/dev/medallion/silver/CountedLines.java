package dev.medallion.silver;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The converter's log lines as the log metric filters count them, for tests that a commit is counted once. */
final class CountedLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CountedLines() {}

    /**
     * The lines the log metric filters count (monitoring.tf, converter_log_patterns): every processed or rejected file's
     * line but a redelivery's {@code unchanged}.
     */
    static List<Map<?, ?>> countedLines(ByteArrayOutputStream logLines) throws IOException {
        requireNonNull(logLines, "logLines is null");
        List<Map<?, ?>> counted = new ArrayList<>();
        for (String line : logLines.toString(StandardCharsets.UTF_8).lines().toList()) {
            Map<?, ?> fields = JSON.readValue(line, Map.class);
            if (("source object processed".equals(fields.get("message")) || "source object rejected".equals(fields.get("message")))
                    && !"unchanged".equals(fields.get("outcome"))) {
                counted.add(fields);
            }
        }
        return counted;
    }

    /**
     * The lines the withdrawn-files filter counts (monitoring.tf, converter_log_patterns' withdrawn_files): a withdrawal's
     * {@code "source object withdrawn"} with outcome {@code withdrawn}.
     */
    static List<Map<?, ?>> withdrawnLines(ByteArrayOutputStream logLines) throws IOException {
        requireNonNull(logLines, "logLines is null");
        List<Map<?, ?>> withdrawn = new ArrayList<>();
        for (String line : logLines.toString(StandardCharsets.UTF_8).lines().toList()) {
            Map<?, ?> fields = JSON.readValue(line, Map.class);
            if ("source object withdrawn".equals(fields.get("message")) && "withdrawn".equals(fields.get("outcome"))) {
                withdrawn.add(fields);
            }
        }
        return withdrawn;
    }

    /**
     * The withdrawal is counted by exactly one line, which is returned, with the rows and quarantined rows it took out of silver: a
     * Logs Insights query summing {@code rowsWithdrawn} over the withdrawal lines counts them, whichever run logged the line.
     */
    static List<Map<?, ?>> assertWithdrawnOnce(ByteArrayOutputStream logLines, int rowsWithdrawn, int quarantinedRowsWithdrawn) throws IOException {
        List<Map<?, ?>> withdrawn = withdrawnLines(logLines);
        assertEquals(1, withdrawn.size(), "the withdrawal's line, once: " + logLines);
        assertEquals(rowsWithdrawn, withdrawn.get(0).get("rowsWithdrawn"), withdrawn.toString());
        assertEquals(quarantinedRowsWithdrawn, withdrawn.get(0).get("quarantinedRowsWithdrawn"), withdrawn.toString());
        return withdrawn;
    }

    /** The commit's rows and quarantined rows are counted by exactly one run's line, which is returned. */
    static List<Map<?, ?>> assertCountedOnce(ByteArrayOutputStream logLines, int rowsWritten, int rowsQuarantined) throws IOException {
        List<Map<?, ?>> counted = countedLines(logLines);
        assertEquals(1, counted.size(), "the commit's line, once: " + logLines);
        assertEquals(rowsWritten, counted.get(0).get("rowsWritten"), counted.toString());
        assertEquals(rowsQuarantined, counted.get(0).get("rowsQuarantined"), counted.toString());
        return counted;
    }
}
