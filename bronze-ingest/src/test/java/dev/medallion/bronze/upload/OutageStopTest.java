package dev.medallion.bronze.upload;

import dev.medallion.bronze.upload.UploadOutcome.FailureKind;
import dev.medallion.bronze.upload.UploadOutcome.Status;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutageStopTest {
    @Test
    void twoTemporaryFailuresInARowStopTheRunForGood() {
        OutageStop stop = new OutageStop();
        stop.finished(outcome(Status.UPLOADED));
        stop.finished(temporaryFailure());
        assertFalse(stop.stopped(), "one file's own temporary failure");
        stop.finished(temporaryFailure());
        assertTrue(stop.stopped());
        stop.finished(outcome(Status.UPLOADED));
        assertTrue(stop.stopped(), "a file under way that went through does not restart the files left");
        assertEquals(1, stop.wentThroughAfterStop(), "but it is counted: S3 answered again");
        stop.finished(temporaryFailure());
        stop.finished(outcome(Status.SKIPPED));
        assertEquals(2, stop.wentThroughAfterStop());
    }

    @Test
    void noFileWentThroughAfterARunThatNeverStopped() {
        OutageStop stop = new OutageStop();
        stop.finished(temporaryFailure());
        stop.finished(outcome(Status.UPLOADED));
        assertEquals(0, stop.wentThroughAfterStop());
    }

    @Test
    void aFileThatGoesThroughBetweenTemporaryFailuresBreaksTheRow() {
        for (Status through : new Status[] {Status.UPLOADED, Status.SKIPPED, Status.WOULD_UPLOAD}) {
            OutageStop stop = new OutageStop();
            stop.finished(temporaryFailure());
            stop.finished(outcome(through));
            stop.finished(temporaryFailure());
            assertFalse(stop.stopped(), through.toString());
        }
    }

    /** A 403 or an unreadable file says nothing of S3 being reachable: it neither stops the run nor breaks a row. */
    @Test
    void lastingFailuresNeitherCountNorBreakARow() {
        OutageStop stop = new OutageStop();
        for (int i = 0; i < 10; i++) {
            stop.finished(outcome(Status.FAILED));
        }
        assertFalse(stop.stopped());
        stop.finished(temporaryFailure());
        stop.finished(outcome(Status.FAILED));
        stop.finished(temporaryFailure());
        assertTrue(stop.stopped());
    }

    private static UploadOutcome temporaryFailure() {
        return new UploadOutcome(file(), Status.FAILED, "Read timed out", Duration.ZERO, Optional.empty(), Optional.empty(), Optional.of(FailureKind.TRANSIENT),
                OptionalInt.of(4));
    }

    private static UploadOutcome outcome(Status status) {
        return new UploadOutcome(file(), status, "new", Duration.ZERO);
    }

    private static PlannedFile file() {
        return new PlannedFile(Path.of("f.csv"), "d/f.csv", 5, FileTime.fromMillis(0));
    }
}
