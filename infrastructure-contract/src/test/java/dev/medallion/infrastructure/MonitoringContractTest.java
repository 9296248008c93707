package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alarms say what needs someone: an event a function gave up on or could not keep, a function's
 * errors, failed events waiting in a dead-letter queue (until the queue is seen empty), a failed
 * crawl; not what happens by design, such as a function throttled under its reserved concurrency.
 */
class MonitoringContractTest {
    private static final String TOPIC = "aws_sns_topic.alerts.arn";

    @Test
    void everyFunctionIsAlarmedOnErrorsAndOnEventsItGaveUpOnOrCouldNotKeep() {
        Map<String, Map<String, Object>> byMetric = alarmsByMetric(Repository.rootModule());
        for (String metric : List.of("Errors", "AsyncEventsDropped", "DestinationDeliveryFailures")) {
            Map<String, Object> alarm = byMetric.get(metric);
            assertTrue(alarm != null, "no alarm on the functions' " + metric);
            assertEquals("AWS/Lambda", alarm.get("namespace"), metric);
            assertEquals("each.value", String.valueOf(asMap(alarm.get("dimensions")).get("FunctionName")), metric);
            assertEquals("Sum", alarm.get("statistic"), metric);
            assertEquals("GreaterThanThreshold", alarm.get("comparison_operator"), metric);
            assertEquals(0L, ((Number) alarm.get("threshold")).longValue(), metric);
            assertEquals(List.of(TOPIC), TerraformConfiguration.strings(alarm.get("alarm_actions")), metric);
            // AsyncEventsDropped is not published in China: there the alarm is not planned (PartitionPlanIT).
            String functions = metric.equals("AsyncEventsDropped") ? "local.async_events_dropped_functions" : "local.monitored_functions";
            assertTrue(forEach(alarm, metric).equals(functions), metric + " must be alarmed for every function of " + functions);
        }
        assertTrue(source(Repository.rootModule(), "monitoring.tf")
                        .contains("async_events_dropped_functions = local.lambda_publishes_async_event_metrics ? local.monitored_functions : {}"),
                "AsyncEventsDropped is alarmed on for every function where Lambda publishes it");
    }

    @Test
    void noAlarmFiresByDesign() {
        // The converter is throttled whenever its concurrency is capped, and a throttled gold batch only
        // comes back to its queue: Throttles is not something to act on.
        assertFalse(alarmsByMetric(Repository.rootModule()).containsKey("Throttles"), "an alarm on Throttles fires by design under a concurrency cap");
        assertFalse(alarmsByMetric(Repository.rootModule(Map.of("silver_converter_reserved_concurrency", 5))).containsKey("Throttles"));
    }

    @Test
    void aDeadLetterAlarmCannotTurnOkWhileMessagesWait() {
        Map<String, Object> alarm = Repository.rootModule().resource("aws_cloudwatch_metric_alarm", "dead_letter_messages");
        assertEquals("local.dead_letter_queues", forEach(alarm, "dead_letter_messages"));
        assertEquals("AWS/SQS", alarm.get("namespace"));
        assertTrue(List.of("ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage").contains(String.valueOf(alarm.get("metric_name"))),
                String.valueOf(alarm.get("metric_name")));
        // SQS stops publishing an inactive queue's metrics while its messages still wait: missing data
        // must keep the alarm's state, never read as an empty queue.
        assertEquals("ignore", alarm.get("treat_missing_data"), "a dead-letter queue's metrics go silent while its messages wait");
        assertEquals(List.of(TOPIC), TerraformConfiguration.strings(alarm.get("alarm_actions")));
    }

    /**
     * Commits that nobody receives (the mapping disabled or denied) never fail and never reach the
     * dead-letter queue: only the age of the oldest message says gold has stopped.
     */
    @Test
    void silverCommitsNobodyTakesRaiseAnAlarm() {
        TerraformConfiguration root = Repository.rootModule();
        Map<String, Object> alarm = root.resource("aws_cloudwatch_metric_alarm", "gold_triggers_not_consumed");
        assertEquals("AWS/SQS", alarm.get("namespace"));
        assertEquals("ApproximateAgeOfOldestMessage", alarm.get("metric_name"));
        assertEquals("aws_sqs_queue.gold_triggers.value.name", String.valueOf(asMap(alarm.get("dimensions")).get("QueueName")));
        assertEquals("Maximum", alarm.get("statistic"));
        // Above what a healthy queue shows: a message handed back behind another build comes back after one visibility timeout.
        assertEquals(3 * ((Number) root.local("gold_triggers_visibility_timeout_seconds")).doubleValue(), ((Number) alarm.get("threshold")).doubleValue());
        assertEquals("ignore", alarm.get("treat_missing_data"), "an inactive queue's metrics go silent while its messages wait");
        assertEquals(List.of(TOPIC), TerraformConfiguration.strings(alarm.get("alarm_actions")));
        assertEquals(0L, ((Number) Repository.rootModule(Map.of("enable_athena", false)).resource("aws_cloudwatch_metric_alarm", "gold_triggers_not_consumed")
                .get("count")).longValue(), "no builder, no queue");
    }

    /**
     * A bronze file the converter rejects as a whole (it logs "source object rejected" at WARN, writes a
     * manifest with status "rejected" and returns normally) fails no invocation: neither the Errors alarm
     * nor a failure queue ever sees it. A metric filter on the converter's log group counts such files
     * and an alarm tells the alert topic. ConverterLogMetricFiltersIT checks the pattern against the
     * lines the converter writes.
     */
    @Test
    void aRejectedSourceFileRaisesAnAlarm() {
        TerraformConfiguration root = Repository.rootModule();
        String pattern = String.valueOf(asMap(root.local("converter_log_patterns")).get("rejected_files"));
        assertTrue(pattern.contains("$.message = \"source object rejected\""), pattern);
        assertTrue(pattern.contains("$.outcome != \"unchanged\""), "a redelivered event of a rejected file is not counted again: " + pattern);
        Map<String, Object> alarm = assertConverterLogAlarm(root, "rejected_files", "RejectedFiles");
        assertEquals(true, alarm.get("enabled"), "always, with the converter");
    }

    /**
     * A file whose every row was quarantined (a contract that types a column the file's values never fit,
     * a header one field wider than its rows) is as absent from its table as a rejected file, yet it is
     * "converted": the rejected-files alarm never sees it, and the quarantined-rows alarm is off by default
     * and counts rows, not files. A metric filter on its log line (rowsWritten 0, rowsQuarantined above 0)
     * counts such files, always, with the converter, and an alarm tells the alert topic.
     */
    @Test
    void aFileWhoseEveryRowIsQuarantinedRaisesAnAlarm() {
        TerraformConfiguration root = Repository.rootModule();
        String pattern = String.valueOf(asMap(root.local("converter_log_patterns")).get("files_all_rows_quarantined"));
        for (String term : List.of("$.message = \"source object processed\"", "$.outcome != \"unchanged\"", "$.rowsWritten = 0", "$.rowsQuarantined > 0")) {
            assertTrue(pattern.contains(term), term + ": " + pattern);
        }
        Map<String, Object> alarm = assertConverterLogAlarm(root, "files_all_rows_quarantined", "FilesAllRowsQuarantined");
        assertEquals(true, alarm.get("enabled"), "always, with the converter");
        assertTrue(String.valueOf(alarm.get("description")).contains("_quarantine/"), "it says where the rows are: " + alarm.get("description"));
    }

    /**
     * A file whose columns differ from its dataset's schema contract converts and the invocation succeeds, in
     * either direction: a column the contract lacks (a source that added one, a header with a typo) is not
     * written, its values reaching no table; a column the file lacks (a source that stopped sending it, renamed
     * it) is written as null, the table quietly filling with nulls. One metric filter on the log line's
     * columnsNotWritten or columnsMissing (numbers: a filter cannot count droppedColumns' or missingColumns'
     * entries) counts such files, a redelivery's "unchanged" line not again, and one alarm tells the alert topic
     * what to do for each direction. On by default, since nothing else says so; contract_drift_alarm = false
     * turns it off for a source whose columns never match, which would otherwise alarm at every upload.
     */
    @Test
    void aFileWhoseColumnsDifferFromItsContractEitherWayRaisesAnAlarmUnlessTurnedOff() {
        TerraformConfiguration root = Repository.rootModule();
        String pattern = String.valueOf(asMap(root.local("converter_log_patterns")).get("files_not_matching_contract"));
        for (String term : List.of("$.message = \"source object processed\"", "$.outcome != \"unchanged\"", "$.columnsNotWritten > 0", "$.columnsMissing > 0")) {
            assertTrue(pattern.contains(term), term + ": " + pattern);
        }
        // && binds tighter than || in a filter pattern: the either-way test must be grouped, or a missing column
        // of any line, a redelivery's included, would match alone.
        assertTrue(pattern.matches(".*&& \\(\\$\\.columnsNotWritten > 0 \\|\\| \\$\\.columnsMissing > 0\\) }"), "grouped: " + pattern);
        Map<String, Object> alarm = assertConverterLogAlarm(root, "files_not_matching_contract", "FilesNotMatchingContract");
        String description = String.valueOf(alarm.get("description"));
        for (String what : List.of("droppedColumns", "missingColumns", "columnsNotWritten", "columnsMissing", "schema contract", "silver_reconvert_command",
                "header", "null", "fix the source", "contract_drift_alarm")) {
            assertTrue(description.contains(what), "the alarm says what to do (" + what + "): " + description);
        }
        assertEquals(true, alarm.get("enabled"), "on by default");
        assertEquals(false, asMap(asMap(Repository.rootModule(Map.of("contract_drift_alarm", false)).local("converter_log_alarms"))
                .get("files_not_matching_contract")).get("enabled"), "turned off");
        Map<String, Object> variable = asMap(root.variables().get("contract_drift_alarm"));
        assertEquals(true, variable.get("default"), String.valueOf(variable));
        assertEquals(false, variable.get("nullable"), String.valueOf(variable));
        // hcl4j reads a type as an object of its own: the declaration says it.
        assertTrue(Pattern.compile("(?s)variable \"contract_drift_alarm\" \\{[^}]*\n\\s*type\\s*=\\s*bool\\s*\n").matcher(source(root, "variables.tf")).find(),
                "contract_drift_alarm is a bool");
        assertTrue(String.valueOf(variable.get("description")).contains("null"), "it says a missing column is written as null: " + variable);
        // The names of one day, never released, are gone rather than kept beside the new ones.
        assertFalse(root.variables().containsKey("columns_not_written_alarm"), "columns_not_written_alarm is contract_drift_alarm now");
        assertFalse(asMap(root.local("converter_log_alarms")).containsKey("files_with_columns_not_written"), "files_with_columns_not_written is files_not_matching_contract now");
    }

    /**
     * A file put in bronze under a name the converter does not convert (report.xlsx, sales.Csv) is in no table, and
     * nothing fails: S3 delivers every key to the converter, which says such a file at WARN, and a filter on that line
     * counts it; the alarm is on by default and says what to do, and files_not_converted_alarm = false turns it off.
     */
    @Test
    void aFileNotConvertedForItsNameRaisesAnAlarmThatSaysWhatToDo() {
        TerraformConfiguration root = Repository.rootModule();
        assertEquals("{ $.message = \"source object not converted: its name does not end in a suffix the converter reads\" }",
                String.valueOf(asMap(root.local("converter_log_patterns")).get("files_not_converted")), "the line SilverConverterHandler.NOT_CONVERTED_MESSAGE");
        Map<String, Object> alarm = assertConverterLogAlarm(root, "files_not_converted", "FilesNotConverted");
        String description = String.valueOf(alarm.get("description"));
        for (String what : List.of("source object not converted", "whatToDo", "CSV UTF-8", ".csv or .dat", "mixed case", "files_not_converted_alarm")) {
            assertTrue(description.contains(what), "the alarm says what to do (" + what + "): " + description);
        }
        assertEquals(true, alarm.get("enabled"), "on by default");
        assertEquals(false, asMap(asMap(Repository.rootModule(Map.of("files_not_converted_alarm", false)).local("converter_log_alarms"))
                .get("files_not_converted")).get("enabled"), "turned off");
        Map<String, Object> variable = asMap(root.variables().get("files_not_converted_alarm"));
        assertEquals(true, variable.get("default"), String.valueOf(variable));
        assertEquals(false, variable.get("nullable"), String.valueOf(variable));
        assertTrue(Pattern.compile("(?s)variable \"files_not_converted_alarm\" \\{[^}]*\n\\s*type\\s*=\\s*bool\\s*\n").matcher(source(root, "variables.tf")).find(),
                "files_not_converted_alarm is a bool");
    }

    /**
     * Quarantined rows fail nothing either. Quarantining is the converter's designed handling of refused
     * rows, so they alarm only when quarantined_rows_alarm_threshold is set, above that many rows in 5
     * minutes, counted from the log line's rowsQuarantined.
     */
    @Test
    void quarantinedRowsRaiseAnAlarmAboveTheThresholdSet() {
        for (String type : List.of("aws_cloudwatch_log_metric_filter", "aws_cloudwatch_metric_alarm")) {
            assertEquals(0L, ((Number) Repository.rootModule().resource(type, "silver_converter_quarantined_rows").get("count")).longValue(), type + ": off by default");
            assertEquals(0L, ((Number) Repository.rootModule(Map.of("enable_functions", false, "quarantined_rows_alarm_threshold", 0))
                    .resource(type, "silver_converter_quarantined_rows").get("count")).longValue(), type + ": no converter, nothing to count");
        }
        TerraformConfiguration root = Repository.rootModule(Map.of("quarantined_rows_alarm_threshold", 0));
        String pattern = String.valueOf(asMap(root.local("converter_log_patterns")).get("quarantined_rows"));
        assertTrue(pattern.contains("$.message = \"source object processed\"") && pattern.contains("$.rowsQuarantined > 0")
                && pattern.contains("$.outcome != \"unchanged\""), pattern);
        Map<String, Object> alarm = assertLogMetricAlarmed(root, "silver_converter_quarantined_rows", pattern, "$.rowsQuarantined");
        assertEquals(1L, ((Number) root.resource("aws_cloudwatch_metric_alarm", "silver_converter_quarantined_rows").get("count")).longValue());
        assertEquals(0L, ((Number) alarm.get("threshold")).longValue(), "0: any quarantined row");
        assertEquals(25L, ((Number) Repository.rootModule(Map.of("quarantined_rows_alarm_threshold", 25))
                .resource("aws_cloudwatch_metric_alarm", "silver_converter_quarantined_rows").get("threshold")).longValue());
    }

    /**
     * A file deleted from bronze has its rows withdrawn from silver (silver_withdraws_deleted_files), every
     * invocation succeeding: a mass deletion by mistake (aws s3 rm --recursive) empties silver and gold with
     * nothing failing. A filter on the withdrawal's own line counts withdrawn files, one a line, and an alarm
     * fires above withdrawn_files_alarm_threshold (50 by default: a file or a delivery taken back stays quiet)
     * and says how to undo it; with withdrawals off, there is neither.
     */
    @Test
    void aMassWithdrawalRaisesAnAlarmAboveTheThresholdSetThatSaysHowToUndoIt() {
        TerraformConfiguration root = Repository.rootModule();
        String pattern = String.valueOf(asMap(root.local("converter_log_patterns")).get("withdrawn_files"));
        for (String term : List.of("$.message = \"source object withdrawn\"", "$.outcome = \"withdrawn\"")) {
            assertTrue(pattern.contains(term), term + ": " + pattern);
        }
        Map<String, Object> entry = assertConverterLogAlarm(root, "withdrawn_files", "WithdrawnFiles", 50L);
        assertEquals(true, entry.get("enabled"), "on by default, as withdrawals are");
        String description = String.valueOf(entry.get("description"));
        for (String what : List.of("more than 50 bronze files", "withdrawn_files_alarm_threshold", "CloudTrail", "delete marker",
                "list-object-versions", "IsLatest", "Undoing a deletion")) {
            assertTrue(description.contains(what), "the alarm says what happened and how to undo it (" + what + "): " + description);
        }
        assertEquals(5L, ((Number) asMap(asMap(Repository.rootModule(Map.of("withdrawn_files_alarm_threshold", 5)).local("converter_log_alarms"))
                .get("withdrawn_files")).get("threshold")).longValue(), "the threshold set");
        assertEquals(false, asMap(asMap(Repository.rootModule(Map.of("silver_withdraws_deleted_files", false)).local("converter_log_alarms"))
                .get("withdrawn_files")).get("enabled"), "no removal delivered, nothing withdrawn to count");
        assertEquals(false, asMap(asMap(Repository.rootModule(Map.of("withdrawn_files_alarm", false)).local("converter_log_alarms"))
                .get("withdrawn_files")).get("enabled"), "withdrawn_files_alarm = false, as contract_drift_alarm = false turns its alarm off");

        Map<String, Object> variable = asMap(root.variables().get("withdrawn_files_alarm_threshold"));
        assertEquals(50L, ((Number) variable.get("default")).longValue(), String.valueOf(variable));
        String declaration = source(root, "variables.tf");
        assertTrue(Pattern.compile("(?s)variable \"withdrawn_files_alarm_threshold\" \\{[^}]*\n\\s*type\\s*=\\s*number\\s*\n").matcher(declaration).find(),
                "withdrawn_files_alarm_threshold is a number");
        assertEquals(false, variable.get("nullable"), "null means the default: " + variable);
        assertTrue(Pattern.compile("(?s)variable \"withdrawn_files_alarm_threshold\" \\{.*?validation \\{.*?var\\.withdrawn_files_alarm_threshold >= 0 && floor\\(")
                .matcher(declaration).find(), "a whole number of files, validated");
        String said = String.valueOf(variable.get("description"));
        for (String what : List.of("5 minutes", "CloudTrail", "Undoing a deletion", "silver_withdraws_deleted_files", "0: any withdrawal")) {
            assertTrue(said.contains(what), "the variable says " + what + ": " + said);
        }
        String monitoring = source(root, "monitoring.tf");
        assertTrue(monitoring.contains("enabled     = var.silver_withdraws_deleted_files && var.withdrawn_files_alarm\n"), "only with withdrawals, and switched on");
    }

    /**
     * The functions' failure queues are Lambda on-failure destinations, not SQS dead-letter queues: SQS's
     * redrive (StartMessageMoveTask) takes only the dead-letter queues of other SQS queues. The
     * converter's records are replayed by silver_replay_command, through what S3 invokes; what each
     * queue's alarm says to do names that, and the 14 days the queues keep them.
     */
    @Test
    void theConvertersFailureRecordsAreReplayedNotRedriven() {
        TerraformConfiguration root = Repository.rootModule();
        for (String queue : List.of("silver_converter_failures", "gold_ctas_failures", "event_dead_letter")) {
            assertEquals(14L * 24 * 3600, ((Number) root.resource("aws_sqs_queue", queue).get("message_retention_seconds")).longValue(), queue);
        }
        String outputs = source(root, "outputs.tf");
        Matcher replay = Pattern.compile("(?s)output \"silver_replay_command\" \\{(.*?)\n}").matcher(outputs);
        assertTrue(replay.find(), "no output silver_replay_command");
        String command = replay.group(1);
        for (String part : List.of("aws sqs receive-message", "aws_sqs_queue.silver_converter_failures.url", ".requestPayload",
                "aws lambda invoke", "--function-name ${local.silver_converter_invoked_arn}", "--invocation-type Event", "aws sqs delete-message",
                "var.enable_functions ?")) {
            assertTrue(command.contains(part), "silver_replay_command lacks " + part + ": " + command);
        }

        String monitoring = source(root, "monitoring.tf");
        Matcher actions = Pattern.compile("(?s)(silver_converter_failures|gold_ctas_failures|gold_triggers_dead_letter|gold_schedule_dead_letter|crawler_failed_dead_letter) = \\{\\s*name\\s*=[^\\n]*\\n\\s*action\\s*=\\s*\"([^\"]*)\"")
                .matcher(monitoring);
        Map<String, String> what = new LinkedHashMap<>();
        while (actions.find()) {
            what.put(actions.group(1), actions.group(2));
        }
        assertEquals(List.of("silver_converter_failures", "gold_ctas_failures", "gold_triggers_dead_letter", "gold_schedule_dead_letter", "crawler_failed_dead_letter"),
                List.copyOf(what.keySet()),
                "what to do with each queue's messages, in local.dead_letter_queues");
        assertTrue(what.get("silver_converter_failures").contains("silver_replay_command"), what.get("silver_converter_failures"));
        assertTrue(what.get("gold_ctas_failures").contains("{}"), what.get("gold_ctas_failures"));
        // An SQS dead-letter queue is redriven where SQS offers it (not in China: PartitionPlanIT plans both texts).
        assertTrue(what.get("gold_triggers_dead_letter").contains("${local.gold_triggers_dead_letter_remedy}"), what.get("gold_triggers_dead_letter"));
        assertTrue(Pattern.compile("gold_triggers_dead_letter_remedy = local\\.sqs_redrives_dead_letter_queues \\? \"redrive them to the trigger queue \\(aws sqs start-message-move-task --source-arn ")
                .matcher(monitoring).find(), "an SQS dead-letter queue is redriven where SQS offers it");
        for (String queue : List.of("silver_converter_failures", "gold_ctas_failures")) {
            assertFalse(what.get(queue).matches("(?s).*(then redrive|redrive them|start-message-move-task).*"), queue + " cannot be redriven: " + what.get(queue));
            assertTrue(what.get(queue).contains("14 days"), queue);
        }
        assertTrue(String.valueOf(root.resource("aws_cloudwatch_metric_alarm", "dead_letter_messages").get("alarm_description")).contains("each.value.action"),
                "the alarm says what to do with its queue's messages");
    }

    private static String source(TerraformConfiguration root, String file) {
        return root.sources().entrySet().stream()
                .filter(source -> source.getKey().getFileName().toString().equals(file))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + file));
    }

    /**
     * The entry {@code key} of local.converter_log_alarms, which counts the lines of
     * local.converter_log_patterns[key] as {@code metricName}, 1 a line, and alarms on any of them in 5
     * minutes, with no ok_actions (the file stays missing something when the next period has none); none
     * without the converter. The names the plan gives them, ConverterLogAlarmsPlanIT checks.
     */
    private static Map<String, Object> assertConverterLogAlarm(TerraformConfiguration root, String key, String metricName) {
        return assertConverterLogAlarm(root, key, metricName, 0L);
    }

    /** As above, the alarm firing above {@code threshold} lines in 5 minutes, the entry's threshold. */
    private static Map<String, Object> assertConverterLogAlarm(TerraformConfiguration root, String key, String metricName, long threshold) {
        Map<String, Object> entry = asMap(asMap(root.local("converter_log_alarms")).get(key));
        assertFalse(entry.isEmpty(), "no " + key + " in local.converter_log_alarms: " + root.local("converter_log_alarms"));
        assertEquals(metricName, entry.get("metric_name"), key);
        assertTrue(asMap(root.local("converter_log_patterns")).containsKey(key), key + ": its pattern in local.converter_log_patterns");

        Map<String, Object> filter = root.resource("aws_cloudwatch_log_metric_filter", "silver_converter_log");
        Matcher forEach = Pattern.compile("(?s)resource \"aws_cloudwatch_log_metric_filter\" \"silver_converter_log\" \\{\\s*for_each\\s*=\\s*([^\\n]*)\\n")
                .matcher(source(root, "monitoring.tf"));
        assertTrue(forEach.find(), "silver_converter_log's filters have no for_each");
        assertEquals("{ for key, alarm in local.converter_log_alarms : key => alarm if var.enable_functions && alarm.enabled }", forEach.group(1).strip(),
                "an entry enabled, with the converter: no converter, nothing to count");
        assertEquals("aws_cloudwatch_log_group.silver_converter.name", String.valueOf(filter.get("log_group_name")), "the converter's log group");
        // hcl4j reads local.converter_log_patterns[each.key] as a dotted path.
        assertEquals("local.converter_log_patterns.each.key", String.valueOf(filter.get("pattern")), "the entry's pattern of local.converter_log_patterns");
        List<Map<String, Object>> transformations = TerraformConfiguration.blocks(filter, "metric_transformation");
        assertEquals(1, transformations.size(), key);
        Map<String, Object> metric = transformations.get(0);
        assertEquals("each.value.metric_name", String.valueOf(metric.get("name")), key);
        assertEquals(root.resolved("local.converter_log_metrics_namespace"), String.valueOf(metric.get("namespace")), key);
        assertEquals("1", String.valueOf(metric.get("value")), key + ": a file a line");
        assertFalse(metric.containsKey("default_value"), key + ": a default value would publish a zero for every other line");

        Map<String, Object> alarm = root.resource("aws_cloudwatch_metric_alarm", "silver_converter_log");
        assertEquals("aws_cloudwatch_log_metric_filter.silver_converter_log", String.valueOf(alarm.get("for_each")), "an alarm for each filter");
        assertEquals(String.valueOf(metric.get("namespace")), String.valueOf(alarm.get("namespace")), key);
        assertTrue(String.valueOf(alarm.get("metric_name")).startsWith("each.value.metric_transformation."), key + ": its filter's metric: " + alarm.get("metric_name"));
        assertEquals("local.converter_log_alarms.each.key.description", String.valueOf(alarm.get("alarm_description")), key);
        // CloudWatch takes at most 1024 characters of an alarm's description (CloudWatch API Reference, MetricAlarm,
        // AlarmDescription): a longer one fails the apply, and what to do is in it.
        String description = String.valueOf(entry.get("description"));
        assertTrue(description.length() <= 1024, key + ": its description has " + description.length() + " characters, CloudWatch takes 1024: " + description);
        assertEquals("Sum", alarm.get("statistic"), key);
        assertEquals("GreaterThanThreshold", alarm.get("comparison_operator"), key);
        assertEquals("local.converter_log_alarms.each.key.threshold", String.valueOf(alarm.get("threshold")), key + ": the entry's threshold");
        assertEquals(threshold, ((Number) entry.get("threshold")).longValue(), key + (threshold == 0 ? ": every such file" : ": above the threshold set"));
        assertEquals("notBreaching", alarm.get("treat_missing_data"), key + ": no line, no problem");
        assertEquals(List.of(TOPIC), TerraformConfiguration.strings(alarm.get("alarm_actions")), key);
        assertFalse(alarm.containsKey("ok_actions"), key + ": OK the next period says nothing about the file");
        return entry;
    }

    /** The filter {@code name} on the converter's log group, with that pattern and value, and its alarm to the alert topic. */
    private static Map<String, Object> assertLogMetricAlarmed(TerraformConfiguration root, String name, String pattern, String value) {
        Map<String, Object> filter = root.resource("aws_cloudwatch_log_metric_filter", name);
        assertEquals("aws_cloudwatch_log_group.silver_converter.name", String.valueOf(filter.get("log_group_name")), name + ": the converter's log group");
        assertEquals(pattern, String.valueOf(filter.get("pattern")), name + ": the pattern of local.converter_log_patterns");
        List<Map<String, Object>> transformations = TerraformConfiguration.blocks(filter, "metric_transformation");
        assertEquals(1, transformations.size(), name);
        Map<String, Object> metric = transformations.get(0);
        assertEquals(value, String.valueOf(metric.get("value")), name + ": the metric's value per line");
        assertFalse(metric.containsKey("default_value"), name + ": a default value would publish a zero for every other line");

        Map<String, Object> alarm = root.resource("aws_cloudwatch_metric_alarm", name);
        assertEquals(String.valueOf(metric.get("namespace")), String.valueOf(alarm.get("namespace")), name);
        assertTrue(String.valueOf(alarm.get("metric_name")).startsWith("aws_cloudwatch_log_metric_filter." + name + "."), name + ": " + alarm.get("metric_name"));
        assertEquals("Sum", alarm.get("statistic"), name);
        assertEquals("GreaterThanThreshold", alarm.get("comparison_operator"), name);
        assertEquals("notBreaching", alarm.get("treat_missing_data"), name + ": no line, no problem");
        assertEquals(List.of(TOPIC), TerraformConfiguration.strings(alarm.get("alarm_actions")), name);
        return alarm;
    }

    @Test
    void aFailedCrawlOfAnyCrawlerOfTheStackReachesTheAlertTopic() {
        TerraformConfiguration root = Repository.rootModule();
        Map<String, Object> pattern = asMap(root.local("crawler_failed_event_pattern"));
        assertEquals(List.of("aws.glue"), TerraformConfiguration.strings(pattern.get("source")));
        assertEquals(List.of("Glue Crawler State Change"), TerraformConfiguration.strings(pattern.get("detail-type")));
        Map<String, Object> detail = asMap(pattern.get("detail"));
        assertEquals(List.of("Failed"), TerraformConfiguration.strings(detail.get("state")));
        List<String> crawlers = root.resources("aws_glue_crawler").keySet().stream().map(name -> "aws_glue_crawler." + name + ".value.name").sorted().toList();
        assertFalse(crawlers.isEmpty());
        assertEquals(crawlers, TerraformConfiguration.strings(detail.get("crawlerName")).stream().sorted().toList(), "every crawler of the stack");
        // hcl4j does not evaluate jsonencode: check the rule sends the local above.
        assertTrue(root.sources().values().stream().anyMatch(text ->
                        Pattern.compile("event_pattern\\s*=\\s*jsonencode\\(local\\.crawler_failed_event_pattern\\)").matcher(text).find()),
                "aws_cloudwatch_event_rule.crawler_failed must use local.crawler_failed_event_pattern");

        Map<String, Object> target = root.resource("aws_cloudwatch_event_target", "crawler_failed");
        assertEquals("aws_cloudwatch_event_rule.crawler_failed.value.name", String.valueOf(target.get("rule")));
        assertEquals(TOPIC, String.valueOf(target.get("arn")));

        // The topic accepts it from that rule only, and, with the stack's key, EventBridge may use the key.
        List<PolicyStatement> topicPolicy = ContractRules.statements(root, "alerts_topic");
        PolicyStatement fromEvents = topicPolicy.stream()
                .filter(statement -> TerraformConfiguration.blocks(statement.block(), "principals").stream()
                        .anyMatch(principal -> TerraformConfiguration.strings(principal.get("identifiers")).contains("data.aws_service_principal.events.name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the alert topic's policy does not let EventBridge publish"));
        assertTrue(fromEvents.allows("sns:Publish", TOPIC));
        assertTrue(TerraformConfiguration.blocks(fromEvents.block(), "condition").stream().anyMatch(condition ->
                        "aws:SourceArn".equals(condition.get("variable"))
                                && TerraformConfiguration.strings(condition.get("values")).equals(List.of("aws_cloudwatch_event_rule.crawler_failed.value.arn"))),
                "EventBridge may publish for the crawler_failed rule only");
        List<PolicyStatement> key = ContractRules.statements(Repository.rootModule(Map.of("kms_encryption", true)), "kms_key");
        List<PolicyStatement> forEvents = key.stream().filter(statement -> statement.allows("kms:GenerateDataKey", "*")
                && TerraformConfiguration.blocks(statement.block(), "principals").stream()
                        .anyMatch(principal -> TerraformConfiguration.strings(principal.get("identifiers")).contains("data.aws_service_principal.events.name"))).toList();
        assertEquals(1, forEvents.size(), "EventBridge needs a data key of the stack's key to publish to the encrypted topic");
        // KMS does not get aws:SourceAccount or aws:SourceArn from EventBridge's delivery to an encrypted topic
        // (SNS developer guide, "Managing Amazon SNS encryption keys"): such a condition drops every event.
        assertEquals(List.of(), TerraformConfiguration.blocks(forEvents.get(0).block(), "condition"),
                "no source condition on EventBridge's use of the key");
    }

    /**
     * A failed crawl's alert that EventBridge cannot deliver to the topic (the topic's or the key's policy
     * denying it, SNS unavailable past the retries) is dropped unless the target has a dead-letter queue:
     * the queue keeps it 14 days like the functions' failure queues, encrypted as they are, takes
     * messages from that rule only, and its messages raise the dead-letter alarm.
     */
    @Test
    void aFailedCrawlsAlertThatCannotBeDeliveredIsKeptAndRaisesAnAlarm() {
        TerraformConfiguration root = Repository.rootModule();
        assertUndeliveredEventsKept(root, "crawler_failed", "crawler_failed");

        // Its queue and policy exist with the catalog only, and its alarm is the dead-letter alarm (for_each
        // local.dead_letter_queues), under the key it had before the queues became one resource.
        String monitoring = source(root, "monitoring.tf");
        assertTrue(Pattern.compile("var\\.enable_glue_catalog \\? \\{\\s*crawler_failed = \\{\\s*rule_arn\\s*=\\s*aws_cloudwatch_event_rule\\.crawler_failed\\[0\\]\\.arn")
                .matcher(monitoring).find(), "local.event_dead_letter_rules must hold crawler_failed, with the catalog");
        assertTrue(Pattern.compile("var\\.enable_glue_catalog \\? \\{\\s*crawler_failed_dead_letter = \\{\\s*name\\s*=\\s*aws_sqs_queue\\.event_dead_letter\\[\"crawler_failed\"\\]\\.name")
                .matcher(monitoring).find(), "local.dead_letter_queues must hold crawler_failed_dead_letter, with the catalog");
        assertEquals("local.dead_letter_queues", forEach(root.resource("aws_cloudwatch_metric_alarm", "dead_letter_messages"), "dead_letter_messages"));
    }

    /**
     * gold_schedule's runs EventBridge cannot deliver to the builder (the function or its alias gone, an
     * invoke permission on another qualifier, Lambda throttling past the retries) are dropped unless its
     * target has a dead-letter queue, like the failed-crawl alerts': every run would vanish with nothing
     * but the rule's FailedInvocations metric. Kept 14 days, encrypted as the other queues, from that rule
     * only, alarmed; and none of it without a schedule (the default), so the default stack is unchanged.
     */
    @Test
    void aScheduledGoldBuildThatCannotBeDeliveredIsKeptAndRaisesAnAlarm() {
        TerraformConfiguration root = Repository.rootModule(Map.of("gold_schedule", "rate(1 hour)"));
        assertUndeliveredEventsKept(root, "gold_schedule", "gold_schedule");

        String monitoring = source(root, "monitoring.tf");
        assertTrue(Pattern.compile("local\\.gold_enabled && var\\.gold_schedule != null \\? \\{\\s*gold_schedule = \\{\\s*rule_arn\\s*=\\s*aws_cloudwatch_event_rule\\.gold_schedule\\[0\\]\\.arn")
                .matcher(monitoring).find(), "local.event_dead_letter_rules must hold gold_schedule, with the builder and its schedule only");
        assertTrue(Pattern.compile("local\\.gold_enabled && var\\.gold_schedule != null \\? \\{\\s*gold_schedule_dead_letter = \\{\\s*name\\s*=\\s*aws_sqs_queue\\.event_dead_letter\\[\"gold_schedule\"\\]\\.name")
                .matcher(monitoring).find(), "local.dead_letter_queues must hold gold_schedule_dead_letter, with the builder and its schedule");
        assertTrue(String.valueOf(source(root, "outputs.tf")).contains("gold_schedule_dead_letter  = try(aws_sqs_queue.event_dead_letter[\"gold_schedule\"].url, null)"),
                "output dead_letter_queue_urls names it");
        assertTrue(String.valueOf(source(root, "outputs.tf")).contains("crawler_failed_dead_letter = try(aws_sqs_queue.event_dead_letter[\"crawler_failed\"].url, null)"),
                "output dead_letter_queue_urls names the failed-crawl alerts' queue");
        // The target of the schedule and its rule exist with a schedule only (the default has none).
        for (String type : List.of("aws_cloudwatch_event_rule", "aws_cloudwatch_event_target")) {
            assertEquals(0L, ((Number) Repository.rootModule().resource(type, "gold_schedule").get("count")).longValue(), type + " without gold_schedule");
            assertEquals(1L, ((Number) root.resource(type, "gold_schedule").get("count")).longValue(), type + " with gold_schedule");
        }
    }

    /**
     * An EventBridge target whose events it cannot deliver go, after an hour or less of retries, to its
     * rule's dead-letter queue (aws_sqs_queue.event_dead_letter, one per rule of
     * local.event_dead_letter_rules): the queue keeps them 14 days like the functions' failure queues,
     * encrypted as they are, and takes messages from that rule only.
     */
    private static void assertUndeliveredEventsKept(TerraformConfiguration root, String targetName, String rule) {
        Map<String, Object> target = root.resource("aws_cloudwatch_event_target", targetName);
        List<Map<String, Object>> deadLetter = TerraformConfiguration.blocks(target, "dead_letter_config");
        assertEquals(1, deadLetter.size(), "the " + targetName + " target has no dead-letter queue: an event it cannot deliver is dropped");
        // hcl4j reads an index as .value: which instance, from the source.
        assertEquals("aws_sqs_queue.event_dead_letter.value.arn", String.valueOf(deadLetter.get(0).get("arn")), "the queue of the " + rule + " rule");
        assertTrue(root.sources().values().stream().anyMatch(text -> Pattern.compile("(?s)resource \"aws_cloudwatch_event_target\" \"" + targetName
                        + "\" \\{(?:(?!\nresource ).)*?dead_letter_config \\{\\s*arn = aws_sqs_queue\\.event_dead_letter\\[\"" + rule + "\"\\]\\.arn\\s*}").matcher(text).find()),
                "the " + targetName + " target's dead-letter queue is the " + rule + " rule's");
        List<Map<String, Object>> retry = TerraformConfiguration.blocks(target, "retry_policy");
        assertEquals(1, retry.size(), "the " + targetName + " target has no retry policy");
        long age = ((Number) retry.get(0).get("maximum_event_age_in_seconds")).longValue();
        long attempts = ((Number) retry.get(0).get("maximum_retry_attempts")).longValue();
        assertTrue(age >= 60 && age <= 86400 && attempts >= 0 && attempts <= 185, "EventBridge's limits: " + retry);
        assertTrue(age < 86400, "retried for less than EventBridge's default day, so that the dead-letter alarm fires the same day: " + age);
        assertTrue(TerraformConfiguration.strings(target.get("depends_on")).contains("aws_sqs_queue_policy.event_dead_letter"),
                "the target comes after the queue's policy that lets EventBridge send to it: " + target.get("depends_on"));

        // One queue, policy document and queue policy per rule; the rule's ARN and the policy's sid come from the local.
        String monitoring = source(root, "monitoring.tf");
        for (String type : List.of("resource \"aws_sqs_queue\"", "data \"aws_iam_policy_document\"", "resource \"aws_sqs_queue_policy\"")) {
            assertTrue(Pattern.compile(Pattern.quote(type) + " \"event_dead_letter\" \\{\\s*for_each\\s*=\\s*local\\.event_dead_letter_rules\\s").matcher(monitoring).find(),
                    type + " event_dead_letter: one per rule of local.event_dead_letter_rules");
        }
        Map<String, Object> queue = root.resource("aws_sqs_queue", "event_dead_letter");
        assertTrue(monitoring.contains("name                      = \"${local.name}-${replace(each.key, \"_\", \"-\")}-dead-letter\""),
                "named after the rule, as the other queues after what they serve (medallion-dev-crawler-failed-dead-letter); MovedResourcesPlanIT checks the names planned");
        assertEquals(14L * 24 * 3600, ((Number) queue.get("message_retention_seconds")).longValue());
        for (String other : List.of("silver_converter_failures", "gold_ctas_failures", "gold_triggers_dead_letter")) {
            Map<String, Object> otherQueue = root.resource("aws_sqs_queue", other);
            assertEquals(otherQueue.get("sqs_managed_sse_enabled"), queue.get("sqs_managed_sse_enabled"), "encrypted as " + other);
            assertEquals(otherQueue.get("kms_master_key_id"), queue.get("kms_master_key_id"), "encrypted as " + other);
        }
        assertEquals(Boolean.TRUE, queue.get("sqs_managed_sse_enabled"));

        Map<String, Object> queuePolicy = root.resource("aws_sqs_queue_policy", "event_dead_letter");
        // hcl4j reads [each.key] as .each.key.
        assertEquals("aws_sqs_queue.event_dead_letter.each.key.id", String.valueOf(queuePolicy.get("queue_url")));
        assertEquals("data.aws_iam_policy_document.event_dead_letter.each.key.json", String.valueOf(queuePolicy.get("policy")));
        List<PolicyStatement> statements = ContractRules.statements(root, "event_dead_letter");
        assertEquals(1, statements.size(), "only the rule's EventBridge sends: " + statements);
        PolicyStatement fromRule = statements.get(0);
        assertEquals("Allow", fromRule.effect());
        assertEquals(List.of("sqs:SendMessage"), fromRule.actions());
        assertEquals(List.of("aws_sqs_queue.event_dead_letter.each.key.arn"), fromRule.resources());
        List<Map<String, Object>> principals = TerraformConfiguration.blocks(fromRule.block(), "principals");
        assertEquals(1, principals.size());
        assertEquals("Service", principals.get(0).get("type"));
        assertEquals(List.of("data.aws_service_principal.events.name"), TerraformConfiguration.strings(principals.get(0).get("identifiers")));
        List<Map<String, Object>> conditions = TerraformConfiguration.blocks(fromRule.block(), "condition");
        assertEquals(1, conditions.size(), String.valueOf(conditions));
        assertEquals("ArnEquals", conditions.get(0).get("test"));
        assertEquals("aws:SourceArn", conditions.get(0).get("variable"));
        assertEquals(List.of("each.value.rule_arn"), TerraformConfiguration.strings(conditions.get(0).get("values")), "for the queue's rule only");
        assertTrue(Pattern.compile("(?s)event_dead_letter_rules = merge\\(.*\\b" + rule + " = \\{\\s*rule_arn\\s*=\\s*aws_cloudwatch_event_rule\\." + rule + "\\[0\\]\\.arn\\s")
                .matcher(monitoring).find(), "the queue of the " + rule + " rule takes that rule's events only");
    }

    @Test
    void withoutTheCatalogThereIsNoCrawlerToWatch() {
        TerraformConfiguration root = Repository.rootModule(Map.of("enable_glue_catalog", false));
        for (String type : List.of("aws_cloudwatch_event_rule", "aws_cloudwatch_event_target")) {
            assertEquals(0L, ((Number) root.resource(type, "crawler_failed").get("count")).longValue(), type);
        }
        // Its dead-letter queue and policy are for_each local.event_dead_letter_rules, which holds
        // crawler_failed only with the catalog (aFailedCrawlsAlertThatCannotBeDeliveredIsKeptAndRaisesAnAlarm).
    }

    @Test
    void whatTheCrawlersLogIsKeptForTheRetentionOfTheOtherLogs() {
        Map<String, Boolean> owned = Map.of("manage_crawler_log_group", true);
        Map<String, Object> group = Repository.rootModule(owned).resource("aws_cloudwatch_log_group", "crawlers");
        // The group Glue crawlers write to, whatever their name; Glue creates it without retention.
        assertEquals("/aws-glue/crawlers", group.get("name"));
        assertEquals(30L, ((Number) group.get("retention_in_days")).longValue());
        assertEquals(1L, ((Number) group.get("count")).longValue());
        // Not by default: any crawler that ever ran in the account and region has created it, and creating
        // it again fails the apply.
        assertEquals(0L, ((Number) Repository.rootModule().resource("aws_cloudwatch_log_group", "crawlers").get("count")).longValue());
        // Shared with every crawler of the account and region: never deleted with the stack, never
        // encrypted with the stack's key (deleted with the stack).
        assertEquals(Boolean.TRUE, group.get("skip_destroy"));
        assertFalse(Repository.rootModule(Map.of("kms_encryption", true)).resource("aws_cloudwatch_log_group", "crawlers").containsKey("kms_key_id"));
        assertEquals(90L, ((Number) Repository.rootModule(Map.of("log_retention_days", 90, "manage_crawler_log_group", true))
                .resource("aws_cloudwatch_log_group", "crawlers").get("retention_in_days")).longValue());
        // Where it exists already, or another stack owns it, the switch leaves it alone.
        assertEquals(0L, ((Number) Repository.rootModule(Map.of("manage_crawler_log_group", false)).resource("aws_cloudwatch_log_group", "crawlers").get("count")).longValue());
        assertEquals(0L, ((Number) Repository.rootModule(Map.of("enable_glue_catalog", false, "manage_crawler_log_group", true))
                .resource("aws_cloudwatch_log_group", "crawlers").get("count")).longValue());
        // The crawler comes after the group, so that its first run does not create it without retention.
        assertTrue(TerraformConfiguration.strings(Repository.rootModule().resource("aws_glue_crawler", "silver").get("depends_on")).stream()
                .anyMatch(dependency -> dependency.startsWith("aws_cloudwatch_log_group.crawlers")), "the crawler must depend on its log group");

        // The crawler's role writes there, and creates the group only when the stack does not own it.
        String groupArn = ContractRules.statements(Repository.rootModule(), "crawler").stream()
                .flatMap(statement -> statement.resources().stream())
                .filter(resource -> resource.endsWith(":log-group:/aws-glue/crawlers"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the crawler's role names no /aws-glue/crawlers log group"));
        List<PolicyStatement> managed = ContractRules.statements(Repository.rootModule(), "crawler").stream()
                .filter(statement -> !statement.sid().equals("CreateCrawlerLogGroup")).toList();
        PolicyStatement.assertAllowed(managed, "logs:PutLogEvents", groupArn + ":log-stream:medallion-dev-silver");
        PolicyStatement.assertDenied(managed, "logs:CreateLogGroup", groupArn);
        assertTrue(Repository.rootModule().sources().values().stream().anyMatch(text ->
                        Pattern.compile("for_each\\s*=\\s*var\\.manage_crawler_log_group\\s*\\?\\s*\\[\\]\\s*:\\s*\\[1\\]").matcher(text).find()),
                "logs:CreateLogGroup only when the stack does not manage the group");
        PolicyStatement.assertAllowed(ContractRules.statements(Repository.rootModule(), "crawler"), "logs:CreateLogGroup", groupArn);
    }

    /** Every alarm resource by the metric it watches. */
    static Map<String, Map<String, Object>> alarmsByMetric(TerraformConfiguration root) {
        Map<String, Map<String, Object>> alarms = new LinkedHashMap<>();
        root.resources("aws_cloudwatch_metric_alarm").forEach((name, alarm) -> {
            Map<String, Object> block = asMap(alarm);
            Object metric = block.get("metric_name");
            if (metric != null) {
                assertTrue(alarms.put(String.valueOf(metric), block) == null, "two alarms on " + metric);
            }
        });
        return alarms;
    }

    /** The for_each of an alarm as written (hcl4j does not evaluate merge(), which builds those maps). */
    private static String forEach(Map<String, Object> alarm, String label) {
        String monitoring = Repository.rootModule().sources().entrySet().stream()
                .filter(source -> source.getKey().getFileName().toString().equals("monitoring.tf"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no monitoring.tf"));
        var matcher = Pattern.compile("(?s)resource \"aws_cloudwatch_metric_alarm\" \"([a-z_]+)\" \\{\\s*(?:#[^\\n]*\\n\\s*)*for_each\\s*=\\s*([a-z_.]+)")
                .matcher(monitoring);
        String alarmName = String.valueOf(alarm.get("alarm_name"));
        while (matcher.find()) {
            Map<String, Object> resource = Repository.rootModule().resource("aws_cloudwatch_metric_alarm", matcher.group(1));
            if (String.valueOf(resource.get("alarm_name")).equals(alarmName)) {
                return matcher.group(2);
            }
        }
        throw new AssertionError("no for_each found for the alarm " + label);
    }
}
