package dev.medallion.gold.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.gold.testing.FailingCtasAthena;
import dev.medallion.gold.testing.GoldLake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A query Athena fails. moto cannot fail one, so this class alone reaches moto through
 * {@link FailingCtasAthena}, which reports one CTAS FAILED with Athena's reason; everything else is moto.
 */
class GoldBuildFailureIT {
    private static final Pattern TABLE = Pattern.compile("CREATE TABLE \"([^\"]+)\"\\.\"([^\"]+)\"");
    private static final Pattern LOCATION = Pattern.compile("external_location = 's3://([^/]+)/([^']+)'");

    @RegisterExtension
    static final S3Emulator AWS = S3Emulator.moto();

    private GoldLake lake;

    @BeforeEach
    void createLake() {
        lake = new GoldLake(AWS);
    }

    @AfterEach
    void closeLake() {
        lake.close();
    }

    @Test
    void aFailedCtasLeavesThePreviousBuildCleansUpAfterItselfAndFailsTheInvocationWithAthenasReason() throws IOException {
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01"));
        lake.handler().handleRequest(Map.of("models", List.of("revenue_by_day")), null);
        lake.applyAthenaEffects("revenue_by_day");
        String previous = lake.currentBuild("revenue_by_day");
        JsonNode stateBefore = lake.state("revenue_by_day").orElseThrow();
        List<String> tablesBefore = lake.goldTables();
        List<String> keysBefore = revenueKeys();
        List<String> viewVersionsBefore = lake.viewVersions("revenue_by_day");

        lake.addSilverFile("sales");
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01", "2026-03-02"));
        int queriesBefore = lake.athenaQueryIds().size();
        // What a CTAS that fails midway leaves: its table registered, some files written.
        FailingCtasAthena athena = new FailingCtasAthena(lake.athena(), "revenue_by_day__", this::leaveAHalfWrittenTable);

        GoldBuildException failure = assertThrows(GoldBuildException.class, () -> lake.handler(athena)
                .handleRequest(Map.of("models", List.of("revenue_by_day", "product_totals")), null));

        String queryId = athena.failedQueryIds().get(0);
        String message = failure.getMessage();
        assertTrue(message.startsWith("Could not build 1 of 2 gold model(s)"), message);
        assertTrue(message.contains("revenue_by_day") && message.contains(queryId) && message.contains(FailingCtasAthena.REASON), message);
        assertTrue(message.contains("FAILED") && message.contains("ctas"), message);

        // The failed build's SQL reached Athena up to its CTAS, and no view swap followed it.
        List<String> sent = lake.athenaSql().subList(queriesBefore, lake.athenaSql().size());
        assertTrue(sent.get(0).startsWith("SELECT DISTINCT"), sent.get(0));
        assertTrue(sent.get(1).startsWith("CREATE TABLE") && sent.get(1).contains("revenue_by_day__"), sent.get(1));
        assertTrue(sent.stream().noneMatch(sql -> sql.contains("VIEW \"" + lake.goldDatabase() + "\".\"revenue_by_day\"")), sent.toString());
        // The other model was built all the same.
        assertTrue(sent.stream().anyMatch(sql -> sql.contains("VIEW \"" + lake.goldDatabase() + "\".\"product_totals\"")), sent.toString());

        // Readers still see the previous build, and it is intact; the failed one left nothing behind.
        assertEquals(stateBefore, lake.state("revenue_by_day").orElseThrow());
        assertEquals(previous, lake.currentBuild("revenue_by_day"));
        assertEquals(viewVersionsBefore, lake.viewVersions("revenue_by_day"));
        assertEquals(tablesBefore, lake.goldTables().stream().filter(name -> !name.startsWith("product_totals")).toList());
        assertEquals(keysBefore, revenueKeys());
        assertTrue(lake.recorder().calls().stream().anyMatch(call -> call.startsWith("Glue.DeleteTable ") && call.contains("revenue_by_day__")),
                lake.recorder().calls().toString());

        JsonNode failed = lake.logLines().stream()
                .filter(line -> line.get("message").asText().equals("athena query did not succeed"))
                .findFirst().orElseThrow();
        assertEquals("revenue_by_day", failed.get("model").asText());
        assertEquals(queryId, failed.get("queryId").asText());
        assertEquals("FAILED", failed.get("state").asText());
        assertTrue(failed.get("reason").asText().contains(FailingCtasAthena.REASON), failed.toString());

        // The next invocation builds it again from scratch: the failure did not record the new inputs.
        lake.queueQueryResult("sale_date", "date", List.of("2026-03-01", "2026-03-02"));
        Map<String, Object> retried = lake.handler().handleRequest(Map.of("models", List.of("revenue_by_day")), null);
        assertTrue(String.valueOf(retried.get("revenue_by_day")).startsWith("built "), retried.toString());
    }

    private List<String> revenueKeys() throws IOException {
        return lake.goldKeys().stream().filter(key -> key.startsWith("tables/revenue_by_day/")).toList();
    }

    private void leaveAHalfWrittenTable(String ctas) {
        Matcher table = TABLE.matcher(ctas);
        Matcher location = LOCATION.matcher(ctas);
        assertTrue(table.find() && location.find(), ctas);
        AWS.glue().createTable(request -> request.databaseName(table.group(1)).tableInput(input -> input
                .name(table.group(2))
                .tableType("EXTERNAL_TABLE")
                .storageDescriptor(descriptor -> descriptor.location("s3://" + location.group(1) + "/" + location.group(2)))));
        AWS.client().putObject(request -> request.bucket(location.group(1)).key(location.group(2) + "sale_date=2026-03-01/partial-" + UUID.randomUUID()),
                software.amazon.awssdk.core.sync.RequestBody.fromString("PAR1"));
    }
}
