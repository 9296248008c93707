package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A stack applied before a resource of terraform/ was renamed or regrouped is planned against the state
 * it holds (a state Terraform 1.11.4 and the AWS provider 5.100.0 wrote, or one built from what the old
 * code planned, kept under src/test/resources/moved/),
 * and plans no change for what was renamed: the moved blocks carry each object to its new address, where
 * a missing or wrong one would plan to destroy it and create it again (a queue recreated loses the
 * messages it keeps). Planned as {@link PlannedStack} plans terraform/, with -refresh=false: the state is
 * what the provider last read, and nothing is asked of AWS.
 */
class MovedResourcesPlanIT {
    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("MovedResourcesPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * The dead-letter queues of the failed-crawl alerts' and gold_schedule's EventBridge targets, once a
     * pair of resources each (count), now one queue and one queue policy per rule (for_each).
     */
    @Test
    void theEventBridgeTargetsDeadLetterQueuesAndTheirPoliciesKeepTheirObjects() throws Exception {
        Map<String, String> moved = new LinkedHashMap<>();
        moved.put("aws_sqs_queue.event_dead_letter[\"crawler_failed\"]", "aws_sqs_queue.crawler_failed_dead_letter[0]");
        moved.put("aws_sqs_queue_policy.event_dead_letter[\"crawler_failed\"]", "aws_sqs_queue_policy.crawler_failed_dead_letter[0]");
        moved.put("aws_sqs_queue.event_dead_letter[\"gold_schedule\"]", "aws_sqs_queue.gold_schedule_dead_letter[0]");
        moved.put("aws_sqs_queue_policy.event_dead_letter[\"gold_schedule\"]", "aws_sqs_queue_policy.gold_schedule_dead_letter[0]");

        JsonNode plan = planFrom("event-dead-letter-queues.state.json", "-var", "gold_schedule=rate(1 hour)");

        Map<String, JsonNode> changes = changes(plan);
        assertMovedUnchanged(moved, changes);
        // The queues keep their names, which the alarms and the outputs read.
        assertEquals("medallion-dev-crawler-failed-dead-letter", changes.get("aws_sqs_queue.event_dead_letter[\"crawler_failed\"]").at("/change/after/name").asText());
        assertEquals("medallion-dev-gold-schedule-dead-letter", changes.get("aws_sqs_queue.event_dead_letter[\"gold_schedule\"]").at("/change/after/name").asText());
    }

    /**
     * The converter's log metric filter and alarm on rejected files, once a pair of resources (count), now
     * the rejected_files entry of local.converter_log_alarms (for_each), whose other entries came with it.
     * The state holds what the old code planned, with what AWS would have filled in (ARNs, ids), and the
     * topic and log group they read; the old code planned no change against it.
     */
    @Test
    void theConvertersLogMetricFiltersAndAlarmsKeepTheirObjects() throws Exception {
        Map<String, String> moved = new LinkedHashMap<>();
        for (String alarm : List.of("rejected_files")) {
            for (String type : List.of("aws_cloudwatch_log_metric_filter", "aws_cloudwatch_metric_alarm")) {
                moved.put(type + ".silver_converter_log[\"" + alarm + "\"]", type + ".silver_converter_" + alarm + "[0]");
            }
        }

        Map<String, JsonNode> changes = changes(planFrom("converter-log-alarms.state.json"));
        assertMovedUnchanged(moved, changes);
        // The alarms keep their names, which the documentation and the alert e-mails give.
        assertEquals("medallion-dev-silver-converter-rejected-files",
                changes.get("aws_cloudwatch_metric_alarm.silver_converter_log[\"rejected_files\"]").at("/change/after/alarm_name").asText());
        assertEquals("medallion-dev-silver-converter-rejected-files",
                changes.get("aws_cloudwatch_log_metric_filter.silver_converter_log[\"rejected_files\"]").at("/change/after/name").asText());
    }

    /** Each {@code to} in the plan, formerly {@code from}, with its object kept as it is; no {@code from} left. */
    private static void assertMovedUnchanged(Map<String, String> moved, Map<String, JsonNode> changes) {
        moved.forEach((to, from) -> {
            JsonNode change = changes.get(to);
            assertNotNull(change, "the plan has no " + to + ": " + changes.keySet());
            assertEquals(from, change.path("previous_address").asText(), to + ": " + change);
            assertEquals(List.of("no-op"), actions(change), to + ", formerly " + from + ", must keep its object as it is: " + change.get("change"));
            assertNull(changes.get(from), from + " must be gone from the plan, moved to " + to);
        });
    }

    /** The plan's resource changes by address. */
    private static Map<String, JsonNode> changes(JsonNode plan) {
        Map<String, JsonNode> changes = new LinkedHashMap<>();
        plan.get("resource_changes").forEach(change -> changes.put(change.get("address").asText(), change));
        return changes;
    }

    /** A plan, as {@code terraform show -json} shows it, of the stack holding the state {@code resource}. */
    private static JsonNode planFrom(String resource, String... variables) throws Exception {
        Path state = stack.directory().resolve("terraform.tfstate");
        try (InputStream in = MovedResourcesPlanIT.class.getResourceAsStream("/moved/" + resource)) {
            assertNotNull(in, "no test resource moved/" + resource);
            Files.copy(in, state);
        }
        try {
            String[] arguments = new String[variables.length + 1];
            arguments[0] = "-refresh=false";
            System.arraycopy(variables, 0, arguments, 1, variables.length);
            return stack.planJson(arguments);
        }
        finally {
            Files.deleteIfExists(state);
        }
    }

    private static List<String> actions(JsonNode change) {
        return StreamSupport.stream(change.at("/change/actions").spliterator(), false).map(JsonNode::asText).toList();
    }
}
