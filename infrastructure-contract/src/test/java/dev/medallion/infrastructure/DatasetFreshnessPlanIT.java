package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The freshness alarms of dataset_freshness (monitoring.tf) as {@code terraform plan} plans them: none by default; per dataset
 * configured, a metric filter counting its commits in the converter's log and an alarm that fires when none came within its
 * max_hours_without_commit, no data being the signal, and turns OK when one comes; none without the converter; and the values
 * CloudWatch or the converter would not take refused at plan time, saying why.
 */
class DatasetFreshnessPlanIT {
    private static final String FILTER = "aws_cloudwatch_log_metric_filter.silver_converter_commits";
    private static final String ALARM = "aws_cloudwatch_metric_alarm.dataset_freshness";
    private static final String CONFIGURED = "dataset_freshness={ orders = { max_hours_without_commit = 26 }, _3m_orders = { max_hours_without_commit = 168 } }";
    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("DatasetFreshnessPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void noneByDefault() throws Exception {
        assertEquals(Map.of(), planned(stack.planJson()), "dataset_freshness = {} (the default) plans no freshness filter or alarm");
    }

    @Test
    void eachDatasetConfiguredHasAFilterOfItsCommitsAndAnAlarmOnNoneInItsWindow() throws Exception {
        JsonNode plan = stack.planJson("-var", CONFIGURED);
        Map<String, JsonNode> planned = planned(plan);
        assertEquals(List.of(FILTER + "[\"_3m_orders\"]", FILTER + "[\"orders\"]", ALARM + "[\"_3m_orders\"]", ALARM + "[\"orders\"]"),
                List.copyOf(planned.keySet()), "a filter and an alarm per dataset configured");
        String format = String.valueOf(Repository.rootModule().local("dataset_commits_pattern_format"));
        for (Map.Entry<String, Integer> dataset : Map.of("orders", 26, "_3m_orders", 168).entrySet()) {
            String name = dataset.getKey();
            JsonNode filter = planned.get(FILTER + "[\"" + name + "\"]");
            assertEquals("medallion-dev-silver-converter-commits-" + name, filter.path("name").asText(), name);
            assertEquals("/aws/lambda/medallion-dev-silver-converter", filter.path("log_group_name").asText(), name);
            // The pattern ConverterLogMetricFiltersIT proves against the converter's lines, for this dataset.
            assertEquals(String.format(format, name), filter.path("pattern").asText(), name);
            JsonNode metric = filter.at("/metric_transformation/0");
            assertEquals("CommittedFiles", metric.path("name").asText(), name);
            assertEquals("medallion-dev/silver-converter", metric.path("namespace").asText(), name);
            assertEquals("1", metric.path("value").asText(), name);
            assertEquals("$.dataset", metric.at("/dimensions/Dataset").asText(), name + ": " + metric);
            assertTrue(metric.path("default_value").isNull() || metric.path("default_value").isMissingNode(), name + ": no default value: " + metric);

            JsonNode alarm = planned.get(ALARM + "[\"" + name + "\"]");
            int hours = dataset.getValue();
            assertEquals("medallion-dev-silver-freshness-" + name, alarm.path("alarm_name").asText(), name);
            assertEquals("medallion-dev/silver-converter", alarm.path("namespace").asText(), name);
            assertEquals("CommittedFiles", alarm.path("metric_name").asText(), name);
            assertEquals(name, alarm.at("/dimensions/Dataset").asText(), name + ": " + alarm.path("dimensions"));
            assertEquals("Sum", alarm.path("statistic").asText(), name);
            assertEquals(3600, alarm.path("period").asInt(), name);
            assertEquals(hours, alarm.path("evaluation_periods").asInt(), name);
            assertEquals(hours, alarm.path("datapoints_to_alarm").asInt(), name + ": every hour of the window without a commit");
            assertEquals(0.0, alarm.path("threshold").asDouble(), name);
            assertEquals("LessThanOrEqualToThreshold", alarm.path("comparison_operator").asText(), name);
            assertEquals("breaching", alarm.path("treat_missing_data").asText(), name + ": no data point is the signal");
            String description = alarm.path("alarm_description").asText();
            for (String said : List.of("No file of dataset " + name + " was committed to silver in the last " + hours + " hours", "bronze", "source job",
                    "dataset_freshness")) {
                assertTrue(description.contains(said), name + "'s description must say " + said + ": " + description);
            }
        }
        // The topic's ARN is known at apply only: the configuration says where the actions go.
        JsonNode expressions = configured(plan, ALARM).path("expressions");
        assertTrue(expressions.at("/alarm_actions/references").toString().contains("\"aws_sns_topic.alerts.arn\""), "alarms to the alert topic: " + expressions);
        assertTrue(expressions.at("/ok_actions/references").toString().contains("\"aws_sns_topic.alerts.arn\""),
                "a file arriving turns it OK, and the topic hears it: " + expressions);
    }

    @Test
    void noneWithoutTheConverter() throws Exception {
        assertEquals(Map.of(), planned(stack.planJson("-var", "enable_functions=false", "-var", CONFIGURED)), "no converter, no commit to count");
    }

    @Test
    void aWindowCloudWatchDoesNotTakeOrANameNoDatasetHasIsRefused() throws Exception {
        PlannedStack.Result tooLong = stack.plan("-var", "dataset_freshness={ orders = { max_hours_without_commit = 169 } }");
        assertTrue(tooLong.exitCode() != 0 && tooLong.flattened().contains("max_hours_without_commit must be a whole number of hours from 1 to 168")
                && tooLong.flattened().contains("orders = 169"), tooLong.output());
        for (String value : List.of("0", "2.5")) {
            PlannedStack.Result refused = stack.plan("-var", "dataset_freshness={ orders = { max_hours_without_commit = " + value + " } }");
            assertTrue(refused.exitCode() != 0 && refused.flattened().contains("max_hours_without_commit must be a whole number of hours from 1 to 168"),
                    value + ": " + refused.output());
        }
        String tooMany = java.util.stream.IntStream.rangeClosed(1, 95).mapToObj(n -> "d" + n + " = { max_hours_without_commit = 26 }")
                .collect(java.util.stream.Collectors.joining(", ", "dataset_freshness={ ", " }"));
        PlannedStack.Result many = stack.plan("-var", tooMany);
        assertTrue(many.exitCode() != 0 && many.flattened().contains("dataset_freshness may name at most 94 datasets, not 95"), many.output());
        PlannedStack.Result name = stack.plan("-var", "dataset_freshness={ \"Sales Data\" = { max_hours_without_commit = 26 } }");
        assertTrue(name.exitCode() != 0 && name.flattened().contains("dataset_freshness's keys must be dataset names as the converter logs them")
                && name.flattened().contains("Sales Data"), name.output());
        // A dataset name the converter takes (up to 255 characters) whose alarm's name, <project>-<environment>-silver-freshness-<dataset>,
        // CloudWatch would not take: 255 characters at most (PutMetricAlarm's AlarmName). medallion-dev-silver-freshness- is 31.
        String longest = "d".repeat(255 - "medallion-dev-silver-freshness-".length());
        PlannedStack.Result fits = stack.plan("-var", "dataset_freshness={ " + longest + " = { max_hours_without_commit = 26 } }");
        assertEquals(0, fits.exitCode(), "an alarm name of 255 characters is CloudWatch's longest: " + fits.output());
        PlannedStack.Result tooLongName = stack.plan("-var", "dataset_freshness={ " + longest + "d = { max_hours_without_commit = 26 } }");
        assertTrue(tooLongName.exitCode() != 0 && tooLongName.flattened().contains("dataset_freshness: the freshness alarm of dataset " + longest
                + "d would be named medallion-dev-silver-freshness-" + longest + "d, 256 characters, and CloudWatch takes at most 255"), tooLongName.output());
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
