package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bronze bucket's notification (functions.tf, aws_s3_bucket_notification.bronze) as {@code terraform plan}
 * plans it: one rule with no filter, so that every key put in bronze reaches the converter, which converts the
 * CSV ones and says the others (a spreadsheet, {@code sales.Csv}) at WARN, counted by an alarm; removals as well as
 * creations, so that a file deleted from bronze has its rows withdrawn (docs/silver-converter.md, "Deleting a bronze
 * file"), and creations only with {@code silver_withdraws_deleted_files = false}. Never the lifecycle's events:
 * expiring bronze objects keeps their rows.
 */
class BronzeNotificationPlanIT {
    private static final String NOTIFICATION = "aws_s3_bucket_notification.bronze[0]";
    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("BronzeNotificationPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void oneRuleDeliversEveryKeysCreationsAndRemovalsByDefault() throws Exception {
        List<String> rules = rules(stack.planJson());

        assertEquals(List.of("silver-converter prefix= suffix= [\"s3:ObjectCreated:*\",\"s3:ObjectRemoved:*\"]"), rules);
    }

    @Test
    void withoutWithdrawalsTheRuleDeliversCreationsOnly() throws Exception {
        List<String> rules = rules(stack.planJson("-var", "silver_withdraws_deleted_files=false"));

        assertEquals(List.of("silver-converter prefix= suffix= [\"s3:ObjectCreated:*\"]"), rules);
    }

    /** Each planned rule as {@code <id> prefix=<prefix> suffix=<suffix> <events>}, sorted. */
    private static List<String> rules(JsonNode plan) {
        List<String> rules = new ArrayList<>();
        plan.at("/planned_values/root_module/resources").forEach(resource -> {
            if (resource.path("address").asText().equals(NOTIFICATION)) {
                resource.at("/values/lambda_function").forEach(rule -> rules.add(rule.path("id").asText() + " prefix=" + rule.path("filter_prefix").asText("")
                        + " suffix=" + rule.path("filter_suffix").asText("") + " " + rule.path("events").toString()));
            }
        });
        return rules.stream().sorted().toList();
    }
}
