package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A value AWS would refuse at apply is refused by {@code terraform plan} (variables.tf's validations), with
 * a message saying what is allowed, and the values AWS takes are planned as given. Planned as
 * {@link PlannedStack} plans terraform/.
 */
class VariableValidationPlanIT {
    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("VariableValidationPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * Glue schedules a crawler with a six-field cron expression only, so rate() and five fields failed
     * CreateCrawler at apply; EventBridge takes rate(1 hour) and rate(6 hours), not rate(1 hours), rate(6
     * hour) or rate(0 minutes), and six cron fields. Each plan is given one bad value of each (Terraform
     * reports every invalid variable of a plan).
     */
    @Test
    void aScheduleAwsWouldRefuseFailsThePlanSayingWhatItTakes() throws Exception {
        String[][] refused = {
                {"rate(1 day)", "rate(1 hours)"},
                {"cron(0 3 * * ?)", "rate(6 hour)"},
                {"0 3 * * ? *", "rate(0 minutes)"},
                {"cron(0 3 * * ? * *)", "cron(0 3 * * ?)"},
        };
        for (String[] schedules : refused) {
            PlannedStack.Result plan = stack.plan("-var", "silver_crawler_schedule=" + schedules[0], "-var", "gold_schedule=" + schedules[1]);
            String what = String.join(" and ", schedules) + ":\n" + plan.output();
            assertNotEquals(0, plan.exitCode(), what);
            assertTrue(plan.flattened().contains("silver_crawler_schedule must be null or a cron expression of six fields, Minutes Hours"
                    + " Day-of-month Month Day-of-week Year, in UTC, such as cron(0 3 ? * SUN *) (Sundays at 03:00): Glue schedules crawlers"
                    + " with cron expressions only, no rate(...)"), what);
            assertTrue(plan.flattened().contains("gold_schedule must be null, rate(<n> <unit>) with a whole number n of at least 1 and the unit"
                    + " minute, hour or day for 1 (rate(1 hour)) and minutes, hours or days for more (rate(6 hours)), or a cron expression of six"
                    + " fields"), what);
        }
    }

    @Test
    void schedulesAwsTakesArePlannedAsGiven() throws Exception {
        JsonNode plan = stack.planJson("-var", "silver_crawler_schedule=cron(0 3 ? * SUN *)", "-var", "gold_schedule=rate(1 hour)");
        assertEquals("cron(0 3 ? * SUN *)", after(plan, "aws_glue_crawler.silver[0]").get("schedule").asText());
        assertEquals("rate(1 hour)", after(plan, "aws_cloudwatch_event_rule.gold_schedule[0]").get("schedule_expression").asText());

        JsonNode other = stack.planJson("-var", "gold_schedule=rate(12 hours)", "-var", "silver_crawler_schedule=cron(15 */6 * * ? *)");
        assertEquals("rate(12 hours)", after(other, "aws_cloudwatch_event_rule.gold_schedule[0]").get("schedule_expression").asText());
        assertEquals("cron(15 */6 * * ? *)", after(other, "aws_glue_crawler.silver[0]").get("schedule").asText());
    }

    /** The planned values of the resource at {@code address}. */
    static JsonNode after(JsonNode plan, String address) {
        for (JsonNode change : plan.get("resource_changes")) {
            if (change.get("address").asText().equals(address)) {
                return change.at("/change/after");
            }
        }
        throw new AssertionError("the plan has no " + address);
    }
}
