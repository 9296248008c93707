package dev.medallion.common.aws;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefusalsTest {
    @Test
    void aRefusalOfEveryAttemptIsOne() {
        assertTrue(Refusals.refusedAtEveryAttempt(answer(403)));
        S3Exception throttledTwice = answer(429);
        throttledTwice.addSuppressed(answer(429));
        assertTrue(Refusals.refusedAtEveryAttempt(throttledTwice));
    }

    @Test
    void aRefusalAfterAnAttemptThatMayHaveLandedIsNot() {
        S3Exception afterServerError = answer(412);
        afterServerError.addSuppressed(answer(500));
        assertFalse(Refusals.refusedAtEveryAttempt(afterServerError));
        S3Exception afterLostAnswer = answer(400);
        afterLostAnswer.addSuppressed(SdkClientException.create("Unable to execute HTTP request: Connection reset"));
        assertFalse(Refusals.refusedAtEveryAttempt(afterLostAnswer));
    }

    @Test
    void aServerErrorOrNoAnswerIsNoRefusal() {
        assertFalse(Refusals.refusedAtEveryAttempt(answer(503)));
        assertFalse(Refusals.refusedAtEveryAttempt(SdkClientException.create("Read timed out")));
    }

    private static S3Exception answer(int status) {
        return (S3Exception) S3Exception.builder().statusCode(status).message("status " + status).build();
    }
}
