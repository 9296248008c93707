package dev.medallion.common.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gap of moto 5.2.1 that {@value MotoServer#LAUNCHER} fills, shown with the SDK on the moto the tests
 * start: a StartQueryExecution resent with its ClientRequestToken answers the execution the token started
 * and starts no other, as Athena does; the token with another query string is refused, as Athena refuses a
 * changed parameter. Without the launcher, the second start is a second execution.
 */
class MotoAthenaTokenIT {
    @RegisterExtension
    static final S3Emulator AWS = S3Emulator.moto();

    @Test
    void aStartResentWithItsTokenAnswersTheSameExecutionAndStartsNoOther() {
        AthenaClient athena = AWS.athena();
        String token = "moto-athena-token-it-" + UUID.randomUUID();
        int before = executions(athena).size();

        String first = start(athena, "SELECT 1", token);
        String resent = start(athena, "SELECT 1", token);

        assertEquals(first, resent);
        List<String> after = executions(athena);
        assertEquals(before + 1, after.size(), after.toString());
        assertEquals("SELECT 1", athena.getQueryExecution(request -> request.queryExecutionId(first)).queryExecution().query());
    }

    @Test
    void aTokenResentWithAnotherQueryIsRefusedAndStartsNothing() {
        AthenaClient athena = AWS.athena();
        String token = "moto-athena-token-it-" + UUID.randomUUID();
        start(athena, "SELECT 1", token);
        int before = executions(athena).size();

        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> start(athena, "SELECT 2", token));

        assertEquals(400, refused.statusCode());
        assertTrue(refused.getMessage().contains("Idempotent parameters do not match"), refused.getMessage());
        assertEquals(before, executions(athena).size());
    }

    @Test
    void startsWithoutATokenOfTheirOwnAreEachANewExecution() {
        AthenaClient athena = AWS.athena();
        // The SDK fills a new token for each call (the idempotencyToken trait), so these are two queries.
        String first = athena.startQueryExecution(request -> request.queryString("SELECT 1")).queryExecutionId();
        String second = athena.startQueryExecution(request -> request.queryString("SELECT 1")).queryExecutionId();
        assertNotEquals(first, second);
        String other = start(athena, "SELECT 1", "moto-athena-token-it-" + UUID.randomUUID());
        assertNotEquals(first, other);
        assertNotEquals(second, other);
    }

    @Test
    void theInterpreterIsTheOneMotoServersScriptNames() throws IOException {
        Path directory = Files.createTempDirectory("moto-server-script");
        assertEquals(List.of("/opt/venv/bin/python3.12"), MotoServer.pythonOf(Files.writeString(directory.resolve("pip"), "#!/opt/venv/bin/python3.12\nimport re\n")));
        assertEquals(List.of("python3"), MotoServer.pythonOf(Files.writeString(directory.resolve("env"), "#!/usr/bin/env python3\n")));
        assertEquals(List.of("python3"), MotoServer.pythonOf(Files.writeString(directory.resolve("shim"), "#!/usr/bin/env bash\nexec pyenv exec moto_server\n")));
        assertEquals(List.of("python3"), MotoServer.pythonOf(Files.writeString(directory.resolve("binary"), "\u007fELF")));
    }

    private static String start(AthenaClient athena, String sql, String token) {
        return athena.startQueryExecution(request -> request.queryString(sql).clientRequestToken(token)).queryExecutionId();
    }

    private static List<String> executions(AthenaClient athena) {
        return athena.listQueryExecutions(request -> { }).queryExecutionIds();
    }
}
