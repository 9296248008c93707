package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outputs a person deploying for the first time reads to find where each part logs and which alarms
 * watch it ({@code log_group_names}, {@code alarm_names}), as {@code terraform plan} plans them: they must
 * name the log groups the functions write to and every alarm the stack creates, whichever switches are
 * on, since a name missing there is a place nobody looks.
 */
class WhereToLookOutputsPlanIT {
    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("WhereToLookOutputsPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void logGroupNamesAreTheGroupsEachFunctionWritesToAndTheCrawlers() throws Exception {
        JsonNode plan = stack.planJson();
        Map<String, JsonNode> groups = plannedValues(plan, "aws_cloudwatch_log_group.");
        Map<String, JsonNode> functions = plannedValues(plan, "aws_lambda_function.");
        JsonNode output = plan.at("/planned_values/outputs/log_group_names/value");

        assertTrue(output.isObject(), "no log_group_names output: " + plan.at("/planned_values/outputs"));
        // Lambda writes a function's logs to /aws/lambda/<function name>; the stack creates that group itself.
        for (String function : List.of("silver_converter", "gold_ctas")) {
            String expected = "/aws/lambda/" + functions.get("aws_lambda_function." + function + "[0]").path("function_name").asText();
            assertEquals(expected, output.path(function).asText(), function + " in log_group_names");
            assertEquals(expected, groups.get("aws_cloudwatch_log_group." + function + (function.equals("gold_ctas") ? "[0]" : "")).path("name").asText(),
                    "the stack's log group of " + function);
        }
        // Glue writes every crawler's log to one group of the account and region, a stream per crawler.
        assertEquals("/aws-glue/crawlers", output.path("silver_crawler").asText(), "silver_crawler in log_group_names");
        assertEquals(List.of("gold_ctas", "silver_converter", "silver_crawler"), fieldNames(output), "log_group_names' keys");
    }

    @Test
    void alarmNamesAreEveryAlarmPlannedWhicheverSwitchesAreOn() throws Exception {
        for (String[] variables : List.of(new String[0],
                new String[] {"-var", "quarantined_rows_alarm_threshold=0", "-var", "gold_schedule=rate(1 hour)"},
                new String[] {"-var", "enable_functions=false"},
                new String[] {"-var", "gold_builds_on_commit=false", "-var", "gold_schedule=rate(1 hour)"},
                new String[] {"-var", "enable_glue_catalog=false", "-var", "contract_drift_alarm=false"},
                new String[] {"-var", "dataset_freshness={ orders = { max_hours_without_commit = 26 } }"})) {
            JsonNode plan = stack.planJson(variables);
            List<String> planned = new ArrayList<>();
            plannedValues(plan, "aws_cloudwatch_metric_alarm.").values().forEach(alarm -> planned.add(alarm.path("alarm_name").asText()));
            planned.sort(null);
            List<String> output = new ArrayList<>();
            plan.at("/planned_values/outputs/alarm_names/value").forEach(name -> output.add(name.asText()));

            String with = variables.length == 0 ? "the defaults" : String.join(" ", variables);
            assertTrue(!planned.isEmpty(), "expected some of the stack's alarms with " + with + ", got none");
            assertEquals(planned, output, "alarm_names with " + with + " must name every alarm the stack creates, sorted");
        }
    }

    /**
     * The number of alarms the defaults deploy is what a reader prices (docs/cost-model.md: the first 10 are free) and
     * counts in {@code alarm_names}; each document that states it must state the plan's.
     */
    @Test
    void theDocumentsStateTheNumberOfAlarmsTheDefaultsPlan() throws Exception {
        int planned = plannedValues(stack.planJson(), "aws_cloudwatch_metric_alarm.").size();
        Map<String, Pattern> statements = Map.of(
                "terraform/README.md", Pattern.compile("every CloudWatch alarm of the stack, sorted \\((\\d+) by default"),
                "docs/infrastructure.md", Pattern.compile("With the defaults the stack has (\\d+) alarms"),
                "docs/cost-model.md", Pattern.compile("\\| (\\d+) CloudWatch alarms \\("));
        for (Map.Entry<String, Pattern> statement : new TreeMap<>(statements).entrySet()) {
            String document = Files.readString(Repository.root().resolve(statement.getKey()));
            Matcher matcher = statement.getValue().matcher(document);
            assertTrue(matcher.find(), statement.getKey() + " no longer states the number of alarms as " + statement.getValue() + ": update this test");
            assertEquals(planned, Integer.parseInt(matcher.group(1)),
                    statement.getKey() + " states " + matcher.group(1) + " alarms with the defaults, the plan has " + planned + ": correct the document");
        }
    }

    @Test
    void withoutTheGoldBuilderOrTheCatalogTheirLogGroupsAreNull() throws Exception {
        JsonNode output = stack.planJson("-var", "enable_glue_catalog=false").at("/planned_values/outputs/log_group_names/value");
        assertEquals("/aws/lambda/medallion-dev-silver-converter", output.path("silver_converter").asText(), "the converter logs without the catalog too");
        assertTrue(output.path("gold_ctas").isNull(), "no gold builder without the catalog: " + output);
        assertTrue(output.path("silver_crawler").isNull(), "no crawler without the catalog: " + output);
    }

    /** The planned values of the root module's resources whose address starts with {@code prefix}, by address. */
    private static Map<String, JsonNode> plannedValues(JsonNode plan, String prefix) {
        Map<String, JsonNode> planned = new TreeMap<>();
        plan.at("/planned_values/root_module/resources").forEach(resource -> {
            String address = resource.path("address").asText();
            if (address.startsWith(prefix)) {
                planned.put(address, resource.path("values"));
            }
        });
        return planned;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }
}
