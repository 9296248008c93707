package dev.medallion.common.aws;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefusalsTest {
    @Test
    void aRefusalOfTheOnlyAttemptIsOne() {
        assertTrue(Refusals.refusedAtItsOnlyAttempt(answer(403)));
        assertTrue(Refusals.refusedAtItsOnlyAttempt(answer(412)));
    }

    /** What the SDK attaches for each earlier attempt: a client exception with that attempt's message, whatever it met. */
    @Test
    void aRefusalAfterAnEarlierAttemptIsNot() {
        S3Exception afterServerError = answer(412);
        afterServerError.addSuppressed(SdkClientException.builder().message("Request attempt 1 failure: We encountered an internal error. (Status Code: 500)").build());
        assertFalse(Refusals.refusedAtItsOnlyAttempt(afterServerError));
        S3Exception throttledTwice = answer(429);
        throttledTwice.addSuppressed(SdkClientException.builder().message("Request attempt 1 failure: Rate exceeded (Status Code: 429)").build());
        assertFalse(Refusals.refusedAtItsOnlyAttempt(throttledTwice), "the first attempt's status is not there to read");
    }

    @Test
    void aServerErrorOrNoAnswerIsNoRefusal() {
        assertFalse(Refusals.refusedAtItsOnlyAttempt(answer(503)));
        assertFalse(Refusals.refusedAtItsOnlyAttempt(SdkClientException.create("Read timed out")));
    }

    private static S3Exception answer(int status) {
        return (S3Exception) S3Exception.builder().statusCode(status).message("status " + status).build();
    }
}
