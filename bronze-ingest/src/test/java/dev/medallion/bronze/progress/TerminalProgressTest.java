package dev.medallion.bronze.progress;

import dev.medallion.bronze.upload.PlannedFile;
import dev.medallion.bronze.upload.UploadOutcome;
import dev.medallion.bronze.upload.UploadOutcome.Status;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TerminalProgressTest {
    private static final String CLEAR_LINE = "\r\033[2K";

    @Test
    void redrawsOneLineAndPrintsFailuresAboveIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalProgress progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), new OutcomeLines("bronze"), 80);
        PlannedFile good = new PlannedFile(Path.of("a.csv"), "d/a.csv", 1000, FileTime.fromMillis(0));
        PlannedFile bad = new PlannedFile(Path.of("b.csv"), "d/b.csv", 1000, FileTime.fromMillis(0));

        progress.runStarted(2, 2000);
        progress.bytesDone(1000, true);
        progress.fileDone(new UploadOutcome(good, Status.UPLOADED, "new", Duration.ofMillis(10)));
        progress.bytesDone(1000, true);
        progress.fileDone(new UploadOutcome(bad, Status.FAILED, "Could not upload part 2", Duration.ofMillis(10)));
        progress.runDone(List.of());

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith(CLEAR_LINE + "[...."), printed);
        assertTrue(printed.contains(CLEAR_LINE + "failed b.csv -> s3://bronze/d/b.csv: Could not upload part 2\n"), printed);
        // Successes stay out of the way: the bar and the closing table report them.
        assertFalse(printed.contains("uploaded a.csv"), printed);
        String last = printed.substring(printed.lastIndexOf(CLEAR_LINE) + CLEAR_LINE.length());
        assertTrue(last.matches("\\[#+] 100%  2\\.0 kB/2\\.0 kB  2/2 files.*\n"), last);
        assertEquals(2, printed.chars().filter(c -> c == '\n').count(), "one line for the failure, one to end the bar: " + printed);
    }

    /** README: --dry-run "says what would be uploaded"; at a terminal too, above the bar as failures are. */
    @Test
    void aDryRunAtATerminalNamesEachFileItWouldUploadAboveTheBar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalProgress progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), new OutcomeLines("bronze"), 80);
        PlannedFile changed = new PlannedFile(Path.of("a.csv"), "d/a.csv", 1000, FileTime.fromMillis(0));
        PlannedFile same = new PlannedFile(Path.of("b.csv"), "d/b.csv", 1000, FileTime.fromMillis(0));

        progress.runStarted(2, 2000);
        progress.fileDone(new UploadOutcome(changed, Status.WOULD_UPLOAD, "changed", Duration.ofMillis(10)));
        progress.fileDone(new UploadOutcome(same, Status.SKIPPED, "same size and CRC32", Duration.ofMillis(10)));
        progress.runDone(List.of());

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains(CLEAR_LINE + "would upload a.csv -> s3://bronze/d/a.csv (1.0 kB, changed)\n"), printed);
        assertFalse(printed.contains("skipped b.csv"), printed);
    }

    /**
     * A run that stopped starting files (S3 could not be reached) ends its bar short of 100 %: the last line says how
     * many files were not attempted, so that it agrees with the table (done and not attempted add up to the files).
     */
    @Test
    void aRunThatStoppedStartingFilesEndsItsBarSayingHowManyWereNotAttempted() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalProgress progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), new OutcomeLines("bronze"), 80);
        PlannedFile failed = new PlannedFile(Path.of("a.csv"), "d/a.csv", 1000, FileTime.fromMillis(0));
        List<PlannedFile> left = List.of(new PlannedFile(Path.of("b.csv"), "d/b.csv", 1000, FileTime.fromMillis(0)),
                new PlannedFile(Path.of("c.csv"), "d/c.csv", 1000, FileTime.fromMillis(0)));

        progress.runStarted(3, 3000);
        progress.bytesDone(1000, false);
        progress.fileDone(new UploadOutcome(failed, Status.FAILED, "Read timed out", Duration.ofMillis(10)));
        progress.runDone(left);

        String printed = bytes.toString(StandardCharsets.UTF_8);
        String last = printed.substring(printed.lastIndexOf(CLEAR_LINE) + CLEAR_LINE.length());
        assertTrue(last.matches("\\[#+\\.+]  33%  1\\.0 kB/3\\.0 kB  1/3 files, 2 not attempted\n"), last);
        assertTrue(last.length() <= 80, last);
    }
}
