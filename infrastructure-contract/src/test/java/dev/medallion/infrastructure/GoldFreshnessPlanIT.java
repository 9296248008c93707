package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The freshness alarms of gold_freshness (monitoring.tf) as {@code terraform plan} plans them: none by default; per model
 * configured, a metric filter counting the builder's lines that find it up to date and an alarm that fires when none came
 * within its max_hours_without_build, no data being the signal, and turns OK when one comes; none without the gold builder;
 * and the values CloudWatch or the builder would not take, or a name no model of the stack has, refused at plan time,
 * saying why.
 */
class GoldFreshnessPlanIT {
    private static final String FILTER = "aws_cloudwatch_log_metric_filter.gold_ctas_models_up_to_date";
    private static final String ALARM = "aws_cloudwatch_metric_alarm.gold_freshness";
    private static final String CONFIGURED = "gold_freshness={ daily_revenue_by_category_region = { max_hours_without_build = 26 }, "
            + "top_products = { max_hours_without_build = 168 } }";
    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("GoldFreshnessPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void noneByDefault() throws Exception {
        assertEquals(Map.of(), planned(stack.planJson()), "gold_freshness = {} (the default) plans no freshness filter or alarm");
    }

    @Test
    void eachModelConfiguredHasAFilterOfItsUpToDateLinesAndAnAlarmOnNoneInItsWindow() throws Exception {
        JsonNode plan = stack.planJson("-var", CONFIGURED);
        Map<String, JsonNode> planned = planned(plan);
        assertEquals(List.of(FILTER + "[\"daily_revenue_by_category_region\"]", FILTER + "[\"top_products\"]", ALARM + "[\"daily_revenue_by_category_region\"]",
                ALARM + "[\"top_products\"]"), List.copyOf(planned.keySet()), "a filter and an alarm per model configured");
        String format = String.valueOf(Repository.rootModule().local("gold_model_up_to_date_pattern_format"));
        for (Map.Entry<String, Integer> model : Map.of("daily_revenue_by_category_region", 26, "top_products", 168).entrySet()) {
            String name = model.getKey();
            JsonNode filter = planned.get(FILTER + "[\"" + name + "\"]");
            assertEquals("medallion-dev-gold-ctas-up-to-date-" + name, filter.path("name").asText(), name);
            assertEquals("/aws/lambda/medallion-dev-gold-ctas", filter.path("log_group_name").asText(), name + ": the builder's log");
            // The pattern GoldLogMetricFiltersIT proves against the builder's lines, for this model.
            assertEquals(String.format(format, name), filter.path("pattern").asText(), name);
            JsonNode metric = filter.at("/metric_transformation/0");
            assertEquals("ModelUpToDate", metric.path("name").asText(), name);
            assertEquals("medallion-dev/gold-ctas", metric.path("namespace").asText(), name);
            assertEquals("1", metric.path("value").asText(), name);
            assertEquals("$.model", metric.at("/dimensions/Model").asText(), name + ": " + metric);
            assertTrue(metric.path("default_value").isNull() || metric.path("default_value").isMissingNode(), name + ": no default value: " + metric);

            JsonNode alarm = planned.get(ALARM + "[\"" + name + "\"]");
            int hours = model.getValue();
            assertEquals("medallion-dev-gold-freshness-" + name, alarm.path("alarm_name").asText(), name);
            assertEquals("medallion-dev/gold-ctas", alarm.path("namespace").asText(), name);
            assertEquals("ModelUpToDate", alarm.path("metric_name").asText(), name);
            assertEquals(name, alarm.at("/dimensions/Model").asText(), name + ": " + alarm.path("dimensions"));
            assertEquals("Sum", alarm.path("statistic").asText(), name);
            assertEquals(3600, alarm.path("period").asInt(), name);
            assertEquals(hours, alarm.path("evaluation_periods").asInt(), name);
            assertEquals(hours, alarm.path("datapoints_to_alarm").asInt(), name + ": every hour of the window without a build or check");
            assertEquals(0.0, alarm.path("threshold").asDouble(), name);
            assertEquals("LessThanOrEqualToThreshold", alarm.path("comparison_operator").asText(), name);
            assertEquals("breaching", alarm.path("treat_missing_data").asText(), name + ": no data point is the signal");
            String description = alarm.path("alarm_description").asText();
            for (String said : List.of("Gold model " + name + " was neither built nor found up to date in the last " + hours + " hours", "gold model failed",
                    "gold_schedule", "gold_rebuild_command", "gold_freshness")) {
                assertTrue(description.contains(said), name + "'s description must say " + said + ": " + description);
            }
            // PutMetricAlarm's AlarmDescription takes at most 1,024 characters.
            assertTrue(description.length() <= 1024, name + ": " + description.length() + " characters");
        }
        // The topic's ARN is known at apply only: the configuration says where the actions go.
        JsonNode expressions = configured(plan, ALARM).path("expressions");
        assertTrue(expressions.at("/alarm_actions/references").toString().contains("\"aws_sns_topic.alerts.arn\""), "alarms to the alert topic: " + expressions);
        assertTrue(expressions.at("/ok_actions/references").toString().contains("\"aws_sns_topic.alerts.arn\""),
                "a build turns it OK, and the topic hears it: " + expressions);
        // Listed with the stack's other alarms (WhereToLookOutputsPlanIT compares the list with the alarms planned).
        assertTrue(plan.at("/configuration/root_module/outputs/alarm_names/expression/references").toString()
                .contains("\"aws_cloudwatch_metric_alarm.gold_freshness\""), "alarm_names lists them");
    }

    @Test
    void noneWithoutTheGoldBuilder() throws Exception {
        for (String off : List.of("enable_athena=false", "enable_glue_catalog=false", "enable_functions=false")) {
            assertEquals(Map.of(), planned(stack.planJson("-var", off, "-var", CONFIGURED)), off + ": no builder, no build to count");
        }
    }

    @Test
    void aWindowCloudWatchDoesNotTakeOrANameNoModelHasIsRefused() throws Exception {
        PlannedStack.Result tooLong = stack.plan("-var", "gold_freshness={ top_products = { max_hours_without_build = 169 } }");
        assertTrue(tooLong.exitCode() != 0 && tooLong.flattened().contains("max_hours_without_build must be a whole number of hours from 1 to 168")
                && tooLong.flattened().contains("top_products = 169"), tooLong.output());
        for (String value : List.of("0", "2.5")) {
            PlannedStack.Result refused = stack.plan("-var", "gold_freshness={ top_products = { max_hours_without_build = " + value + " } }");
            assertTrue(refused.exitCode() != 0 && refused.flattened().contains("max_hours_without_build must be a whole number of hours from 1 to 168"),
                    value + ": " + refused.output());
        }
        String tooMany = java.util.stream.IntStream.rangeClosed(1, 101).mapToObj(n -> "m" + n + " = { max_hours_without_build = 26 }")
                .collect(java.util.stream.Collectors.joining(", ", "gold_freshness={ ", " }"));
        PlannedStack.Result many = stack.plan("-var", tooMany);
        assertTrue(many.exitCode() != 0 && many.flattened().contains("gold_freshness may name at most 100 models, not 101"), many.output());
        PlannedStack.Result name = stack.plan("-var", "gold_freshness={ \"Top Products\" = { max_hours_without_build = 26 } }");
        assertTrue(name.exitCode() != 0 && name.flattened().contains("gold_freshness's keys must be gold model names as models.list names them")
                && name.flattened().contains("Top Products"), name.output());
        // A name of the right form that no model of the stack has (misspelt): its alarm would fire forever.
        PlannedStack.Result unknown = stack.plan("-var", "gold_freshness={ top_product = { max_hours_without_build = 26 } }");
        assertTrue(unknown.exitCode() != 0 && unknown.flattened().contains("gold_freshness names top_product, which is not a gold model of this stack: its models are "
                + "daily_revenue_by_category_region, top_products, customer_lifetime_value, regional_store_performance"), unknown.output());
    }

    /**
     * A model the stack lists (gold.tf's gold_models and models.list, in a copy of the stack of its own) whose alarm's name,
     * {@code <project>-<environment>-gold-freshness-<model>}, CloudWatch would not take: 255 characters at most (PutMetricAlarm's
     * AlarmName). medallion-dev-gold-freshness- is 29.
     */
    @Test
    void aModelWhoseAlarmNameWouldBeTooLongIsRefusedNamingIt() throws Exception {
        String longest = "m".repeat(255 - "medallion-dev-gold-freshness-".length());
        try (PlannedStack listed = PlannedStack.initialise("GoldFreshnessPlanIT")) {
            list(listed, longest);
            list(listed, longest + "m");
            PlannedStack.Result fits = listed.plan("-var", "gold_freshness={ " + longest + " = { max_hours_without_build = 26 } }");
            assertEquals(0, fits.exitCode(), "an alarm name of 255 characters is CloudWatch's longest: " + fits.output());
            PlannedStack.Result tooLongName = listed.plan("-var", "gold_freshness={ " + longest + "m = { max_hours_without_build = 26 } }");
            assertTrue(tooLongName.exitCode() != 0 && tooLongName.flattened().contains("gold_freshness: the freshness alarm of model " + longest
                    + "m would be named medallion-dev-gold-freshness-" + longest + "m, 256 characters, and CloudWatch takes at most 255: the name's part"
                    + " before the model, medallion-dev-gold-freshness-, has 29 of them"), tooLongName.output());
        }
    }

    /** {@code model} added to the copy's gold_models (gold.tf) and to its models.list, as a person adding a model adds it. */
    private static void list(PlannedStack copy, String model) throws IOException {
        Path gold = copy.directory().resolve("gold.tf");
        String text = Files.readString(gold, StandardCharsets.UTF_8);
        String first = "  gold_models = [\n";
        assertTrue(text.contains(first), "gold.tf's gold_models moved: " + gold);
        Files.writeString(gold, text.replace(first, first + "    \"" + model + "\",\n"), StandardCharsets.UTF_8);
        Path list = copy.directory().resolveSibling("gold-ctas/src/main/resources/gold/models.list");
        Files.writeString(list, "\n" + model + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    }

    /** The planned values of the freshness filters and alarms, sorted by address. */
    private static Map<String, JsonNode> planned(JsonNode plan) {
        Map<String, JsonNode> planned = new TreeMap<>();
        plan.at("/planned_values/root_module/resources").forEach(resource -> {
            String address = resource.path("address").asText();
            if (address.startsWith(FILTER + "[") || address.startsWith(ALARM + "[")) {
                planned.put(address, resource.path("values"));
            }
        });
        return planned;
    }

    /** The resource {@code address} (type.name) as the plan's configuration has it. */
    private static JsonNode configured(JsonNode plan, String address) {
        for (JsonNode resource : plan.at("/configuration/root_module/resources")) {
            if (resource.path("address").asText().equals(address)) {
                return resource;
            }
        }
        throw new AssertionError("no " + address + " in the plan's configuration");
    }
}
