package dev.medallion.silver.lambda;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.config.Environment;
import dev.medallion.common.logging.JsonLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A java.lang.Error in a conversion (the heap exhausted by a wide file, a class the shaded jar lacks) fails
 * the invocation with Lambda's own line ("Java heap space" and a stack), which names no object: the handler
 * logs the object before the error goes on. The S3 client here only throws it. An event with no record is
 * refused rather than answered with nothing converted.
 */
class SilverConverterHandlerErrorLogTest {
    @TempDir
    Path temporary;

    @Test
    void anEventWithoutRecordsFailsSayingWhatTheConverterTakesRatherThanConvertingNothing() {
        SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", "silver")), S3Client.builder()
                .region(software.amazon.awssdk.regions.Region.EU_WEST_1).build(), JsonLog.standardOutput());

        for (S3Event event : java.util.Arrays.asList(null, new S3Event(), new S3Event(java.util.List.of()))) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> handler.handleRequest(event, null));
            assertTrue(refused.getMessage().startsWith("The event holds no S3 records: the converter takes S3 ObjectCreated notifications"), refused.getMessage());
            assertTrue(refused.getMessage().contains("run the stack's silver_reconvert_command output for it (each file keeps its ingest_date)"), refused.getMessage());
        }
    }

    @Test
    void anErrorDuringAConversionIsLoggedWithTheObjectItHappenedOn() throws Exception {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        JsonLog log = new JsonLog(new PrintStream(lines, true, StandardCharsets.UTF_8), Clock.systemUTC());
        S3Client s3 = (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, (proxy, method, arguments) -> {
            throw new OutOfMemoryError("Java heap space");
        });
        SilverConverterHandler handler = new SilverConverterHandler(new Environment(Map.of("SILVER_BUCKET", "silver")), s3, log);
        S3Event event = S3Events.objectCreated("bronze", "sales/March+2026.csv", 10, "0123456789abcdef0123456789abcdef", temporary);

        assertThrows(OutOfMemoryError.class, () -> handler.handleRequest(event, null));

        String logged = lines.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("s3://bronze/sales/March 2026.csv"), "the log names no object for the failed invocation:\n" + logged);
        Map<?, ?> failed = new ObjectMapper().readValue(logged.lines().filter(line -> line.contains("\"level\":\"ERROR\"")).findFirst().orElseThrow(), Map.class);
        assertEquals("sales", failed.get("dataset"), failed.toString());
        assertEquals("s3://bronze/sales/March 2026.csv", failed.get("source"), failed.toString());
        assertTrue(String.valueOf(failed.get("whatToDo")).contains("silver_converter_memory_mb"), "the heap exhausted: " + failed);
        assertTrue(String.valueOf(failed.get("whatToDo")).contains("silver_replay_command"), failed.toString());
    }
}
