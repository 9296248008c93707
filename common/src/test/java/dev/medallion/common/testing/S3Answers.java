package dev.medallion.common.testing;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

import static java.util.Objects.requireNonNull;

/** S3's error answers as the SDK hands them to its caller, for tests that script a client or read an answer. */
public final class S3Answers {
    private S3Answers() {}

    /** An answer of {@code status} with the error code {@code code}, as S3 sends in its error document. */
    public static S3Exception error(int status, String code) {
        requireNonNull(code, "code is null");
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .message(code + " (scripted)")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
                .build();
    }
}
