package dev.medallion.bronze.upload;

import dev.medallion.bronze.upload.UploadOutcome.Status;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UploadSummaryTest {
    private static final String NL = System.lineSeparator();

    @Test
    void countsOutcomesAndTheBytesActuallyUploaded() {
        List<UploadOutcome> outcomes = List.of(
                outcome(12_582_912, Status.UPLOADED),
                outcome(100, Status.UPLOADED),
                outcome(50, Status.SKIPPED),
                outcome(70, Status.FAILED));

        UploadSummary summary = UploadSummary.of(outcomes, Duration.ofMillis(2_314), false);

        assertEquals(new UploadSummary(2, 1, 1, 12_583_012, Duration.ofMillis(2_314), false), summary);
        assertEquals(""
                + "uploaded  skipped  failed     bytes  seconds" + NL
                + "       2        1       1  12583012     2.31" + NL, summary.table());
    }

    @Test
    void aDryRunCountsWhatItWouldUpload() {
        UploadSummary summary = UploadSummary.of(List.of(outcome(5, Status.WOULD_UPLOAD), outcome(7, Status.SKIPPED)), Duration.ZERO, true);

        assertEquals(""
                + "would upload  skipped  failed  bytes  seconds" + NL
                + "           1        1       0      5     0.00" + NL, summary.table());
    }

    /** A run that stopped starting files says how many it left, after the failed ones; other runs keep their columns. */
    @Test
    void aRunThatStoppedCountsTheFilesNotAttempted() {
        UploadSummary summary = UploadSummary.of(List.of(outcome(5, Status.UPLOADED), outcome(7, Status.FAILED), outcome(9, Status.FAILED)), 17,
                Duration.ofMillis(1_500), false);

        assertEquals(new UploadSummary(1, 0, 2, 17, 5, Duration.ofMillis(1_500), false), summary);
        assertEquals(""
                + "uploaded  skipped  failed  not attempted  bytes  seconds" + NL
                + "       1        0       2             17      5     1.50" + NL, summary.table());
    }

    private static UploadOutcome outcome(long size, Status status) {
        return new UploadOutcome(new PlannedFile(Path.of("f" + size + ".csv"), "d/f" + size + ".csv", size, FileTime.fromMillis(0)), status, "new", Duration.ZERO);
    }
}
