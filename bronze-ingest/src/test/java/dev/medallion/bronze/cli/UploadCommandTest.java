package dev.medallion.bronze.cli;

import dev.medallion.bronze.upload.UploadOutcome.UnknownLanding;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The closing lines of a run with failed files: what each kind of failure left, never "left nothing" for a file that may have landed. */
class UploadCommandTest {
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
}
