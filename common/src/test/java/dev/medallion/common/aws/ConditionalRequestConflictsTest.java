package dev.medallion.common.aws;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Exception;

import static dev.medallion.common.testing.S3Answers.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConditionalRequestConflictsTest {
    @Test
    void aConditionalWriteInFlightIsTheConflictS3SaysToWriteAgain() {
        assertTrue(ConditionalRequestConflicts.isConditionalRequestConflict(error(409, "ConditionalRequestConflict")));
    }

    /** "A conflicting conditional operation is currently in progress against this resource. Please try again." */
    @Test
    void aConflictingConditionalOperationInProgressIsOneToo() {
        assertTrue(ConditionalRequestConflicts.isConditionalRequestConflict(error(409, "OperationAborted")));
    }

    @Test
    void theAnswerIsToldWithItsCodeWhenItHasOne() {
        assertEquals("409 OperationAborted", ConditionalRequestConflicts.answer(error(409, "OperationAborted")));
        assertEquals("409", ConditionalRequestConflicts.answer((S3Exception) S3Exception.builder().statusCode(409).message("no body").build()));
    }

    /** The URL connection client can drop the error body of a request sent with Expect: 100-continue. */
    @Test
    void aConflictWithoutItsErrorBodyIsTakenForOne() {
        assertTrue(ConditionalRequestConflicts.isConditionalRequestConflict((S3Exception) S3Exception.builder().statusCode(409).message("no body").build()));
        assertTrue(ConditionalRequestConflicts.isConditionalRequestConflict(error(409, "")));
    }

    @Test
    void everyOther409AndEveryOtherStatusIsNot() {
        for (String code : new String[] {"InvalidBucketState", "BucketAlreadyOwnedByYou", "BucketNotEmpty"}) {
            assertFalse(ConditionalRequestConflicts.isConditionalRequestConflict(error(409, code)), code);
        }
        assertFalse(ConditionalRequestConflicts.isConditionalRequestConflict(error(412, "PreconditionFailed")));
        assertFalse(ConditionalRequestConflicts.isConditionalRequestConflict(error(503, "ConditionalRequestConflict")));
    }

    @Test
    void attemptsCountFromOne() {
        assertThrows(IllegalArgumentException.class, () -> ConditionalRequestConflicts.awaitTheOtherWrite(0));
    }
}
