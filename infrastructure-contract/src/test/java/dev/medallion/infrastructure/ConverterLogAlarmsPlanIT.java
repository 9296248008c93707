package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The converter's log metric filters and alarms (monitoring.tf, one of each per entry of
 * local.converter_log_alarms) as {@code terraform plan} plans them: which there are, with the converter
 * and without, and what each is named, counts and says. The names are the stack's contract (the
 * documentation and the alert e-mails give them); the static configuration cannot show them, as they are
 * made from each entry's key.
 */
class ConverterLogAlarmsPlanIT {
    private static final String FILTER = "aws_cloudwatch_log_metric_filter.silver_converter_log";
    private static final String ALARM = "aws_cloudwatch_metric_alarm.silver_converter_log";
    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("ConverterLogAlarmsPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void eachAlarmIsPlannedUnderItsNameWithItsPatternMetricAndDescription() throws Exception {
        Map<String, JsonNode> planned = planned(stack.planJson());
        Map<String, Object> patterns = asMap(Repository.rootModule().local("converter_log_patterns"));
        Map<String, Object> alarms = asMap(Repository.rootModule().local("converter_log_alarms"));
        Map<String, String> names = new LinkedHashMap<>();
        names.put("rejected_files", "rejected-files");
        names.put("files_all_rows_quarantined", "files-all-rows-quarantined");
        names.put("files_not_matching_contract", "files-not-matching-contract");
        names.put("withdrawn_files", "withdrawn-files");
        names.put("files_not_converted", "files-not-converted");
        Map<String, Double> thresholds = Map.of("rejected_files", 0.0, "files_all_rows_quarantined", 0.0, "files_not_matching_contract", 0.0,
                "withdrawn_files", 50.0, "files_not_converted", 0.0);
        names.forEach((key, name) -> {
            JsonNode filter = planned.get(FILTER + "[\"" + key + "\"]");
            JsonNode alarm = planned.get(ALARM + "[\"" + key + "\"]");
            assertEquals("medallion-dev-silver-converter-" + name, filter.path("name").asText(), key);
            assertEquals("/aws/lambda/medallion-dev-silver-converter", filter.path("log_group_name").asText(), key);
            assertEquals(patterns.get(key), filter.path("pattern").asText(), key);
            JsonNode metric = filter.at("/metric_transformation/0");
            String metricName = String.valueOf(asMap(alarms.get(key)).get("metric_name"));
            assertEquals(metricName, metric.path("name").asText(), key);
            assertEquals("medallion-dev/silver-converter", metric.path("namespace").asText(), key);
            assertEquals("1", metric.path("value").asText(), key);

            assertEquals("medallion-dev-silver-converter-" + name, alarm.path("alarm_name").asText(), key);
            assertEquals(metricName, alarm.path("metric_name").asText(), key);
            assertEquals("medallion-dev/silver-converter", alarm.path("namespace").asText(), key);
            assertEquals(asMap(alarms.get(key)).get("description"), alarm.path("alarm_description").asText(), key);
            assertEquals(thresholds.get(key), alarm.path("threshold").asDouble(), key);
            assertEquals(300, alarm.path("period").asInt(), key);
            assertEquals(true, alarm.path("ok_actions").isNull(), key + ": no ok_actions: " + alarm.path("ok_actions"));
        });
        assertEquals(List.of(FILTER + "[\"files_all_rows_quarantined\"]", FILTER + "[\"files_not_converted\"]", FILTER + "[\"files_not_matching_contract\"]",
                FILTER + "[\"rejected_files\"]", FILTER + "[\"withdrawn_files\"]",
                ALARM + "[\"files_all_rows_quarantined\"]", ALARM + "[\"files_not_converted\"]", ALARM + "[\"files_not_matching_contract\"]",
                ALARM + "[\"rejected_files\"]", ALARM + "[\"withdrawn_files\"]"),
                List.copyOf(planned.keySet()), "one filter and one alarm each, on by default");
        assertTrue(planned.get(ALARM + "[\"withdrawn_files\"]").path("alarm_description").asText().startsWith("The silver converter withdrew more than 50 bronze files"),
                "the description names the threshold: " + planned.get(ALARM + "[\"withdrawn_files\"]").path("alarm_description"));
    }

    @Test
    void contractDriftCanBeTurnedOffAndNoneIsPlannedWithoutTheConverter() throws Exception {
        assertEquals(List.of(FILTER + "[\"files_all_rows_quarantined\"]", FILTER + "[\"files_not_converted\"]", FILTER + "[\"rejected_files\"]",
                FILTER + "[\"withdrawn_files\"]",
                ALARM + "[\"files_all_rows_quarantined\"]", ALARM + "[\"files_not_converted\"]", ALARM + "[\"rejected_files\"]", ALARM + "[\"withdrawn_files\"]"),
                List.copyOf(planned(stack.planJson("-var", "contract_drift_alarm=false")).keySet()), "contract_drift_alarm = false");
        assertEquals(List.of(FILTER + "[\"files_all_rows_quarantined\"]", FILTER + "[\"files_not_matching_contract\"]", FILTER + "[\"rejected_files\"]",
                FILTER + "[\"withdrawn_files\"]",
                ALARM + "[\"files_all_rows_quarantined\"]", ALARM + "[\"files_not_matching_contract\"]", ALARM + "[\"rejected_files\"]", ALARM + "[\"withdrawn_files\"]"),
                List.copyOf(planned(stack.planJson("-var", "files_not_converted_alarm=false")).keySet()), "files_not_converted_alarm = false");
        assertEquals(List.of(), List.copyOf(planned(stack.planJson("-var", "enable_functions=false")).keySet()), "no converter, nothing to count");
    }

    @Test
    void theWithdrawnFilesAlarmTakesItsThresholdAndIsNotPlannedWithoutWithdrawals() throws Exception {
        assertEquals(5.0, planned(stack.planJson("-var", "withdrawn_files_alarm_threshold=5")).get(ALARM + "[\"withdrawn_files\"]").path("threshold").asDouble(),
                "withdrawn_files_alarm_threshold = 5");
        List<String> withoutIt = List.of(FILTER + "[\"files_all_rows_quarantined\"]", FILTER + "[\"files_not_converted\"]", FILTER + "[\"files_not_matching_contract\"]",
                FILTER + "[\"rejected_files\"]",
                ALARM + "[\"files_all_rows_quarantined\"]", ALARM + "[\"files_not_converted\"]", ALARM + "[\"files_not_matching_contract\"]", ALARM + "[\"rejected_files\"]");
        assertEquals(withoutIt, List.copyOf(planned(stack.planJson("-var", "silver_withdraws_deleted_files=false")).keySet()),
                "no removal delivered, nothing withdrawn to count");
        // Turned off as contract_drift_alarm = false turns its alarm off; there was no way but turning withdrawals off.
        assertEquals(withoutIt, List.copyOf(planned(stack.planJson("-var", "withdrawn_files_alarm=false")).keySet()),
                "withdrawn_files_alarm = false: withdrawals, but no alarm on them");
        PlannedStack.Result refused = stack.plan("-var", "withdrawn_files_alarm_threshold=2.5");
        assertTrue(refused.exitCode() != 0 && refused.output().contains("whole number of files"), refused.output());
    }

    /** The planned values of the converter's log filters and alarms, sorted by address. */
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
}
