package dev.medallion.bronze.upload;

import dev.medallion.bronze.upload.UploadOutcome.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * The closing table of a run: files uploaded, skipped and failed, files not attempted (a run stopped for S3 not being
 * reachable, {@link OutageStop}), bytes uploaded, seconds.
 */
public record UploadSummary(int uploaded, int skipped, int failed, int notAttempted, long bytes, Duration elapsed, boolean dryRun) {
    public UploadSummary {
        requireNonNull(elapsed, "elapsed is null");
    }

    /** A run that attempted every file. */
    public UploadSummary(int uploaded, int skipped, int failed, long bytes, Duration elapsed, boolean dryRun) {
        this(uploaded, skipped, failed, 0, bytes, elapsed, dryRun);
    }

    public static UploadSummary of(List<UploadOutcome> outcomes, Duration elapsed, boolean dryRun) {
        return of(outcomes, 0, elapsed, dryRun);
    }

    public static UploadSummary of(List<UploadOutcome> outcomes, int notAttempted, Duration elapsed, boolean dryRun) {
        requireNonNull(outcomes, "outcomes is null");
        return new UploadSummary(
                count(outcomes, dryRun ? Status.WOULD_UPLOAD : Status.UPLOADED),
                count(outcomes, Status.SKIPPED),
                count(outcomes, Status.FAILED),
                notAttempted,
                outcomes.stream().mapToLong(UploadOutcome::bytesUploaded).sum(),
                elapsed,
                dryRun);
    }

    /**
     * Two lines, columns right-aligned under their headers; a dry run counts what it would upload:
     * <pre>
     * uploaded  skipped  failed     bytes  seconds
     *        3        1       0  12582912     2.31
     * </pre>
     * and, after {@code failed}, a {@code not attempted} column in a run that stopped starting files (only there, so that
     * the table of every other run keeps its columns).
     */
    public String table() {
        List<String> headers = new ArrayList<>(List.of(dryRun ? "would upload" : "uploaded", "skipped", "failed", "bytes", "seconds"));
        List<String> values = new ArrayList<>(List.of(
                Integer.toString(uploaded),
                Integer.toString(skipped),
                Integer.toString(failed),
                Long.toString(bytes),
                String.format(Locale.ROOT, "%.2f", elapsed.toNanos() / 1e9)));
        if (notAttempted > 0) {
            headers.add(3, "not attempted");
            values.add(3, Integer.toString(notAttempted));
        }
        StringBuilder header = new StringBuilder();
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < headers.size(); i++) {
            int width = Math.max(headers.get(i).length(), values.get(i).length());
            String separator = i == 0 ? "" : "  ";
            header.append(separator).append(" ".repeat(width - headers.get(i).length())).append(headers.get(i));
            row.append(separator).append(" ".repeat(width - values.get(i).length())).append(values.get(i));
        }
        return header + System.lineSeparator() + row + System.lineSeparator();
    }

    private static int count(List<UploadOutcome> outcomes, Status status) {
        return (int) outcomes.stream().filter(outcome -> outcome.status() == status).count();
    }
}
