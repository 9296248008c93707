package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bronze_eventbridge and silver_eventbridge, as {@code terraform plan} plans them. S3 takes one notification
 * configuration per bucket and the stack owns bronze's and silver's, so no other team could subscribe to new bronze
 * files or silver's commits without editing the stack; EventBridge delivery is part of that configuration
 * ({@code eventbridge} of aws_s3_bucket_notification). Off by default; on, it leaves the stack's own rules as they are.
 */
class EventBridgeNotificationsPlanIT {
    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("EventBridgeNotificationsPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void offByDefault() throws Exception {
        JsonNode plan = stack.planJson();

        assertEquals(false, values(plan, "aws_s3_bucket_notification.bronze[0]").path("eventbridge").asBoolean(true), "bronze");
        assertEquals(false, values(plan, "aws_s3_bucket_notification.silver[0]").path("eventbridge").asBoolean(true), "silver");
    }

    @Test
    void onEachBucketSendsItsEventsToEventBridgeBesideTheStacksOwnRules() throws Exception {
        JsonNode defaults = stack.planJson();
        JsonNode plan = stack.planJson("-var", "bronze_eventbridge=true", "-var", "silver_eventbridge=true");

        for (String bucket : new String[] {"bronze", "silver"}) {
            String address = "aws_s3_bucket_notification." + bucket + "[0]";
            assertEquals(true, values(plan, address).path("eventbridge").asBoolean(false), bucket + " sends its events to EventBridge");
            for (String rules : new String[] {"lambda_function", "queue", "topic"}) {
                assertEquals(values(defaults, address).path(rules), values(plan, address).path(rules), bucket + "'s " + rules + " rules are unchanged");
            }
        }
    }

    /**
     * Silver's configuration held the gold trigger queue's rules alone, and was planned only with them: with gold built
     * on a schedule only, or no gold builder at all, silver_eventbridge still configures the bucket, with no rule.
     */
    @Test
    void silverSendsItsEventsToEventBridgeWithoutTheGoldTriggerQueue() throws Exception {
        for (String[] variables : new String[][] {
                {"-var", "silver_eventbridge=true", "-var", "gold_builds_on_commit=false", "-var", "gold_schedule=rate(1 hour)"},
                {"-var", "silver_eventbridge=true", "-var", "enable_athena=false"}}) {
            JsonNode silver = values(stack.planJson(variables), "aws_s3_bucket_notification.silver[0]");

            String with = String.join(" ", variables);
            assertEquals(true, silver.path("eventbridge").asBoolean(false), with);
            assertTrue(silver.path("queue").isEmpty() && silver.path("lambda_function").isEmpty() && silver.path("topic").isEmpty(), with + ": " + silver);
        }
    }

    private static JsonNode values(JsonNode plan, String address) {
        for (JsonNode resource : plan.at("/planned_values/root_module/resources")) {
            if (resource.path("address").asText().equals(address)) {
                return resource.path("values");
            }
        }
        throw new AssertionError(address + " is not planned");
    }
}
