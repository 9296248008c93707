package dev.medallion.common.testing;

import dev.medallion.common.storage.S3Clients;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The moto_server the tests start serves whatever AWS settings the runner's environment holds: botocore, within
 * moto, reads AWS_PROFILE and the config files as it builds a session, and a profile the machine's files lack
 * (AWS_PROFILE=nope) made moto answer 500 (ProfileNotFound) wherever it builds one: S3's error answers (NoSuchKey,
 * NoSuchUpload, PreconditionFailed), Athena, Glue; so the integration tests failed on such a machine for a reason of
 * the machine.
 */
class MotoServerIT {
    @Test
    void servesWhateverAwsSettingsTheRunnersEnvironmentHolds() throws Exception {
        Path executable = MotoServer.findOnPath(EmulatorChoice.MOTO_EXECUTABLE, System.getenv("PATH"))
                .orElseThrow(() -> new AssertionError(EmulatorChoice.MOTO_EXECUTABLE + " is not on the PATH, which these integration tests need"));
        Map<String, String> runner = new HashMap<>(System.getenv());
        runner.putAll(Map.of("AWS_PROFILE", "nope", "AWS_CONFIG_FILE", "/nonexistent/aws-config", "AWS_MAX_ATTEMPTS", "7", "AWS_RETRY_MODE", "adaptive"));

        try (MotoServer moto = MotoServer.start(executable, runner);
                S3Client client = S3Clients.builder(Optional.of(moto.endpoint()))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                        // One attempt, whatever this JVM's own environment says: a 500 is seen as it is.
                        .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                        .build()) {
            client.createBucket(request -> request.bucket("moto-server-it"));
            client.putObject(request -> request.bucket("moto-server-it").key("a.csv"), RequestBody.fromString("id\n1\n"));

            assertEquals("id\n1\n", client.getObjectAsBytes(request -> request.bucket("moto-server-it").key("a.csv")).asString(StandardCharsets.UTF_8));
            NoSuchKeyException missing = assertThrows(NoSuchKeyException.class,
                    () -> client.getObjectAsBytes(request -> request.bucket("moto-server-it").key("missing.csv")));
            assertEquals(404, missing.statusCode());
        }
    }
}
