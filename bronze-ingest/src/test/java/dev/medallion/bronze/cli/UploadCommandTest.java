package dev.medallion.bronze.cli;

import dev.medallion.bronze.upload.PlannedFile;
import dev.medallion.bronze.upload.UploadOutcome;
import dev.medallion.bronze.upload.UploadOutcome.FailureKind;
import dev.medallion.bronze.upload.UploadOutcome.Status;
import dev.medallion.bronze.upload.UploadOutcome.UnknownLanding;
import dev.medallion.common.text.SpreadsheetNames;
import dev.medallion.common.text.UnreadNames;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The closing lines of a run with failed files: what each kind of failure left, never "left nothing" for a file that may have landed. */
class UploadCommandTest {
    private static final int MAX_NAMED = 5;
    private static final String RE_RUN = "A re-run compares the object under the key with the file (size and CRC32) and skips the file if it landed.";
    private static final String NOT_SEEN = "lost, S3 answered NoSuchUpload to its abort (the upload completed, or aborted), and the object had not appeared"
            + " when the run stopped looking for it (60 s). " + RE_RUN;

    @Test
    void completionsNotSeenInTimeMayHaveLandedInALineOfTheirOwn() {
        assertEquals(List.of(
                        "4 files failed.",
                        "1 of them may have landed all the same: its answer was lost, and looking for the object failed too. " + RE_RUN,
                        "2 of them may have landed all the same: their answers were lost, S3 answered NoSuchUpload to their aborts (the upload completed, or"
                                + " aborted), and the object had not appeared when the run stopped looking for it (60 s). " + RE_RUN,
                        "The other failed file left nothing in the bucket. Run the same command again to retry: files already uploaded are skipped"),
                UploadCommand.closingLines(4, List.of(),
                        List.of(UnknownLanding.NOT_SEEN_IN_TIME, UnknownLanding.LOOKUP_FAILED, UnknownLanding.NOT_SEEN_IN_TIME)));
    }

    @Test
    void theOnlyFailedFileNotSeenInTimeIsIt() {
        assertEquals(List.of(
                        "1 file failed.",
                        "It may have landed all the same: its answer was " + NOT_SEEN,
                        "Run the same command again to retry: files already uploaded are skipped"),
                UploadCommand.closingLines(1, List.of(), List.of(UnknownLanding.NOT_SEEN_IN_TIME)));
    }

    @Test
    void failuresOfBothKindsAreNamedByKindTheFirstFiveOfAKind() {
        List<UploadOutcome> failed = new ArrayList<>();
        IntStream.rangeClosed(1, 7).forEach(i -> failed.add(failed("t" + i + ".csv", FailureKind.TRANSIENT)));
        failed.add(failed("denied.csv", FailureKind.LASTING));

        List<String> lines = UploadCommand.failureKindLines(failed, OptionalInt.of(4));

        assertEquals(2, lines.size(), lines.toString());
        assertEquals("7 of them failed for a reason that may be temporary (S3 throttling, a server error (5xx) or the network failing, at every attempt"
                + " the SDK made): t1.csv, t2.csv, t3.csv, t4.csv, t5.csv, ...", lines.get(0));
        assertEquals("1 of them failed for a reason a retry meets again until it is fixed, as its line above says (S3 refusing the request, such as a 403;"
                + " a file that could not be read, or changed while it was; another writer holding the key): denied.csv", lines.get(1));
    }

    @Test
    void onlyLastingFailuresAddNoLine() {
        assertEquals(List.of(), UploadCommand.failureKindLines(List.of(failed("denied.csv", FailureKind.LASTING)), OptionalInt.of(4)));
    }

    /**
     * A temporary failure's line says how many attempts the SDK made of each file's failing request (its exception's numAttempts()):
     * its maximum, 4, while its retry quota lasts, and fewer once the quota is spent, saying so. "At every attempt the SDK made"
     * read as 4 when the SDK had made 1.
     */
    @Test
    void temporaryFailuresSayHowManyAttemptsTheSdkMadeAndWhyFewerThanItsMaximum() {
        String reason = "failed for a reason that may be temporary (S3 throttling, a server error (5xx) or the network failing, ";
        String quota = "the SDK stops retrying once many of the run's requests have failed (its retry quota is spent)";
        String later = ": run the same command again later (exit code 75, EX_TEMPFAIL: a scheduler may retry it)";
        assertEquals(List.of("They " + reason + "at each of the 4 attempts the SDK made)" + later),
                UploadCommand.failureKindLines(List.of(failed("a.csv", 4), failed("b.csv", 4)), OptionalInt.of(4)));
        assertEquals(List.of("It " + reason + "at the 1 attempt the SDK made, not 4: " + quota + ")" + later),
                UploadCommand.failureKindLines(List.of(failed("a.csv", 1)), OptionalInt.of(4)));
        assertEquals(List.of("They " + reason + "at each attempt the SDK made: 4 attempts for 1 file, 2 for 1 file, 1 for 2 files; fewer than 4: "
                        + quota + ")" + later),
                UploadCommand.failureKindLines(List.of(failed("a.csv", 1), failed("b.csv", 4), failed("c.csv", 1), failed("d.csv", 2)), OptionalInt.of(4)));
        assertEquals(List.of("2 of them " + reason + "at each of the 4 attempts the SDK made): a.csv, b.csv",
                        "1 of them failed for a reason a retry meets again until it is fixed, as its line above says (S3 refusing the request, such as a 403;"
                                + " a file that could not be read, or changed while it was; another writer holding the key): denied.csv"),
                UploadCommand.failureKindLines(List.of(failed("a.csv", 4), failed("denied.csv", FailureKind.LASTING), failed("b.csv", 4)), OptionalInt.of(4)),
                "the lasting failure's attempts are not the temporary ones'");
        // The client's maximum unknown: the counts, and nothing said of a quota.
        assertEquals(List.of("They " + reason + "at each attempt the SDK made: 4 attempts for 1 file, 1 for 1 file)" + later),
                UploadCommand.failureKindLines(List.of(failed("a.csv", 4), failed("b.csv", 1)), OptionalInt.empty()));
        // A failure whose exception told no count (the SDK did not set it) is said to have met every attempt, as before.
        assertEquals(List.of("It " + reason + "at every attempt the SDK made)" + later),
                UploadCommand.failureKindLines(List.of(failed("a.csv", FailureKind.TRANSIENT)), OptionalInt.of(4)));
        assertEquals(List.of("They " + reason + "at each attempt the SDK made: 1 attempt for 1 file, not told for 1 file; fewer than 4: " + quota + ")" + later),
                UploadCommand.failureKindLines(List.of(failed("a.csv", 1), failed("b.csv", FailureKind.TRANSIENT)), OptionalInt.of(4)));
    }

    private static UploadOutcome failed(String name, FailureKind kind) {
        return new UploadOutcome(new PlannedFile(Path.of(name), "d/" + name, 1, FileTime.fromMillis(0)), Status.FAILED, "failed", Duration.ZERO,
                Optional.empty(), Optional.empty(), Optional.of(kind), OptionalInt.empty());
    }

    /** A file whose failing request the SDK sent {@code sdkAttempts} times, each failing for a reason a retry may cure. */
    private static UploadOutcome failed(String name, int sdkAttempts) {
        return new UploadOutcome(new PlannedFile(Path.of(name), "d/" + name, 1, FileTime.fromMillis(0)), Status.FAILED, "failed", Duration.ZERO,
                Optional.empty(), Optional.empty(), Optional.of(FailureKind.TRANSIENT), OptionalInt.of(sdkAttempts));
    }

    /** A stopped run that saw a file go through after the stop says S3 answered again, and to run it again now; exit code 75 or 1 as before. */
    @Test
    void aStoppedRunThatSawS3AnswerAgainSaysARerunNowUploadsTheRest() {
        String stopped = "S3 could not be reached: 2 files in a row failed for a reason that may be temporary, no file uploaded or skipped between them,"
                + " so the run started no other file: 8 of 12 files were not attempted. ";
        assertEquals(stopped + "A re-run skips the files uploaded and uploads the rest: run the same command again later (exit code 75, EX_TEMPFAIL: a scheduler"
                + " may retry it)", UploadCommand.stoppedLine(8, 12, 0, true));
        assertEquals(stopped + "S3 answered again before the run ended: 1 file under way when it stopped went through, so a re-run now uploads the rest:"
                + " run the same command again (exit code 75, EX_TEMPFAIL: a scheduler may retry it)", UploadCommand.stoppedLine(8, 12, 1, true));
        assertEquals(stopped + "S3 answered again before the run ended: 2 files under way when it stopped went through, so a re-run now uploads the rest.",
                UploadCommand.stoppedLine(8, 12, 2, false));
    }

    /**
     * Files left out for their names are told what to do, per kind of name, in the words the converter's line and the local command
     * give ({@link UnreadNames}): the line named a MySQL export saved as .tsv, or a workbook, and no more, so it was left out with nothing
     * to act on. Each kind names its first {@value #MAX_NAMED} files, as the line does; a file of no kind (README.md) gets no advice.
     */
    @Test
    void filesLeftOutForTheirNamesAreToldWhatToDoPerKind() {
        List<Path> ignored = new ArrayList<>(List.of(Path.of("drop/jan.xlsx"), Path.of("drop/README.md")));
        IntStream.rangeClosed(1, 7).forEach(i -> ignored.add(Path.of("drop/orders/2026-0" + i + ".tsv")));

        assertEquals(List.of(
                        "Left out 9 files whose names do not end in .csv, .csv.gz, .dat: drop/jan.xlsx, drop/README.md, drop/orders/2026-01.tsv,"
                                + " drop/orders/2026-02.tsv, drop/orders/2026-03.tsv, ...",
                        "  jan.xlsx: " + SpreadsheetNames.advice("jan.xlsx").orElseThrow(),
                        "  2026-01.tsv, 2026-02.tsv, 2026-03.tsv, 2026-04.tsv, 2026-05.tsv, ...: " + UnreadNames.advice("x.tsv").orElseThrow()),
                UploadCommand.ignoredLines(ignored));
        assertEquals(List.of("Left out 1 file whose name does not end in .csv, .csv.gz, .dat: notes.md"), UploadCommand.ignoredLines(List.of(Path.of("notes.md"))));
        assertEquals(List.of(), UploadCommand.ignoredLines(List.of()));
    }

}
