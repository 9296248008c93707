package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gold_builds_on_commit = false, gold built on gold_schedule only, as {@code terraform plan} plans it. Pausing the
 * trigger queue's event source mapping by hand, as docs/cost-model.md advised, did not last: the mapping set no
 * {@code enabled}, which the AWS provider defaults to true, so the next apply enabled it again; while it was paused the
 * not-consumed alarm fired; and the hard stop's lift command enabled it too. Now nothing of the per-commit trigger is
 * planned (the builder reads silver, never the messages, and a scheduled build builds every model whose inputs
 * changed), and the variable without a schedule is refused, since nothing would build gold.
 */
class GoldScheduleOnlyPlanIT {
    private static final String[] SCHEDULE_ONLY = {"-var", "gold_builds_on_commit=false", "-var", "gold_schedule=rate(1 hour)"};
    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("GoldScheduleOnlyPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void onAScheduleOnlyNothingOfThePerCommitTriggerIsPlannedAndTheScheduleBuilds() throws Exception {
        JsonNode plan = stack.planJson(SCHEDULE_ONLY);
        List<String> addresses = addresses(plan);

        for (String perCommit : List.of("aws_sqs_queue.gold_triggers[0]", "aws_sqs_queue.gold_triggers_dead_letter[0]", "aws_sqs_queue_policy.gold_triggers[0]",
                "aws_lambda_event_source_mapping.gold_triggers[0]", "aws_cloudwatch_metric_alarm.gold_triggers_not_consumed[0]",
                "aws_cloudwatch_metric_alarm.dead_letter_messages[\"gold_triggers_dead_letter\"]",
                // The silver bucket's only rules fed the queue: with no other use of its notification, none is configured.
                "aws_s3_bucket_notification.silver[0]")) {
            assertTrue(!addresses.contains(perCommit), perCommit + " serves only builds per commit, yet is planned with gold_builds_on_commit = false");
        }
        // The builder, its schedule and everything the schedule's runs rely on stay.
        for (String scheduled : List.of("aws_lambda_function.gold_ctas[0]", "aws_cloudwatch_event_rule.gold_schedule[0]", "aws_cloudwatch_event_target.gold_schedule[0]",
                "aws_lambda_permission.gold_schedule_invokes_gold_ctas[0]", "aws_sqs_queue.gold_ctas_failures[0]",
                "aws_cloudwatch_metric_alarm.dead_letter_messages[\"gold_schedule_dead_letter\"]")) {
            assertTrue(addresses.contains(scheduled), scheduled + " must be planned for scheduled builds: " + addresses);
        }
        assertEquals("rate(1 hour)", values(plan, "aws_cloudwatch_event_rule.gold_schedule[0]").path("schedule_expression").asText());

        // The builder's role may not touch a queue that does not exist.
        List<String> sids = new ArrayList<>();
        values(plan, "data.aws_iam_policy_document.gold_ctas[0]").path("statement").forEach(statement -> sids.add(statement.path("sid").asText()));
        assertTrue(sids.contains("WriteOwnLogs") && !sids.contains("ConsumeGoldTriggers"), "the builder's statements: " + sids);

        JsonNode outputs = plan.at("/planned_values/outputs");
        assertTrue(outputs.path("gold_trigger_queue").has("value") && outputs.path("gold_trigger_queue").path("value").isNull(),
                "gold_trigger_queue is null without the queue: " + outputs.path("gold_trigger_queue"));
        JsonNode deadLetters = plan.at("/output_changes/dead_letter_queue_urls/after");
        assertTrue(deadLetters.has("gold_triggers_dead_letter") && deadLetters.path("gold_triggers_dead_letter").isNull(), deadLetters.toString());
    }

    /** The defaults keep the trigger: the queue, its mapping, its alarms and the silver bucket's two rules to it. */
    @Test
    void byDefaultSilversCommitsTriggerTheBuilder() throws Exception {
        JsonNode plan = stack.planJson();
        List<String> addresses = addresses(plan);
        for (String perCommit : List.of("aws_sqs_queue.gold_triggers[0]", "aws_lambda_event_source_mapping.gold_triggers[0]",
                "aws_cloudwatch_metric_alarm.gold_triggers_not_consumed[0]", "aws_cloudwatch_metric_alarm.dead_letter_messages[\"gold_triggers_dead_letter\"]")) {
            assertTrue(addresses.contains(perCommit), perCommit + " by default: " + addresses);
        }
        List<String> rules = new ArrayList<>();
        values(plan, "aws_s3_bucket_notification.silver[0]").path("queue").forEach(rule -> rules.add(rule.path("id").asText()));
        assertEquals(List.of("silver-commits-to-gold", "silver-swept-parts-to-gold"), rules.stream().sorted().toList());
    }

    @Test
    void buildsOnNeitherCommitNorScheduleFailThePlanSayingWhatToSet() throws Exception {
        PlannedStack.Result refused = stack.plan("-var", "gold_builds_on_commit=false");

        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.flattened().contains("gold_builds_on_commit is false while gold_schedule is null: with neither, nothing would ever build gold."
                + " Set gold_schedule (rate(1 hour), cron(0 3 * * ? *)) to build gold on a schedule only, or gold_builds_on_commit = true (its default)"
                + " to build it after silver's commits."), refused.output());
    }

    private static List<String> addresses(JsonNode plan) {
        List<String> addresses = new ArrayList<>();
        plan.at("/planned_values/root_module/resources").forEach(resource -> addresses.add(resource.path("address").asText()));
        return addresses;
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
