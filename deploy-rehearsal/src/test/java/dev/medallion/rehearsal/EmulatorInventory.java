package dev.medallion.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.glue.model.Database;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Topic;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the emulator holds of every kind of resource the stack creates, listed with the services' own
 * List and Describe calls: buckets, functions and event source mappings, roles and customer managed policies, Glue databases and
 * crawlers, Athena workgroups, queues, topics and subscriptions, alarms, log groups, EventBridge rules
 * and budgets. (KMS keys are left out: the rehearsal deploys without {@code kms_encryption}, and a
 * destroyed key only enters its pending-deletion window.)
 */
final class EmulatorInventory {
    private EmulatorInventory() {}

    static Map<String, Set<String>> take(EmulatorClients aws, String accountId) throws IOException, InterruptedException {
        Map<String, Set<String>> kinds = new LinkedHashMap<>();
        kinds.putAll(core(aws));
        kinds.put("Glue databases", names(aws.glue.getDatabasesPaginator(request -> { }).stream().flatMap(page -> page.databaseList().stream()).map(Database::name).toList()));
        kinds.put("Glue crawlers", names(aws.glue.listCrawlersPaginator(request -> { }).stream().flatMap(page -> page.crawlerNames().stream()).toList()));
        kinds.put("Athena workgroups", names(aws.athena.listWorkGroupsPaginator(request -> { }).stream().flatMap(page -> page.workGroups().stream()).map(group -> group.name()).toList()));
        kinds.put("Budgets", budgets(aws, accountId));
        return kinds;
    }

    /**
     * The kinds an emulator without Glue, Athena and Budgets serves (LocalStack's free edition): buckets,
     * functions, roles and customer managed policies, queues, topics and subscriptions, alarms, log groups
     * and EventBridge rules.
     */
    static Map<String, Set<String>> core(EmulatorClients aws) throws IOException, InterruptedException {
        Map<String, Set<String>> kinds = new LinkedHashMap<>();
        kinds.put("S3 buckets", names(aws.s3.listBuckets().buckets().stream().map(Bucket::name).toList()));
        kinds.put("Lambda functions", names(aws.lambda.listFunctionsPaginator().functions().stream().map(FunctionConfiguration::functionName).toList()));
        kinds.put("Lambda event source mappings", names(aws.lambda.listEventSourceMappingsPaginator(request -> { }).eventSourceMappings().stream()
                .map(mapping -> mapping.uuid() + " " + mapping.eventSourceArn()).toList()));
        kinds.put("IAM roles", names(aws.iam.listRolesPaginator().roles().stream().map(Role::roleName).toList()));
        kinds.put("IAM customer managed policies", names(aws.iam.listPoliciesPaginator(request -> request.scope(PolicyScopeType.LOCAL)).policies().stream()
                .map(Policy::policyName).toList()));
        kinds.put("SQS queues", names(aws.sqs.listQueuesPaginator(request -> { }).queueUrls().stream().toList()));
        kinds.put("SNS topics", names(aws.sns.listTopicsPaginator(request -> { }).topics().stream().map(Topic::topicArn).toList()));
        kinds.put("SNS subscriptions", names(aws.sns.listSubscriptionsPaginator(request -> { }).subscriptions().stream().map(Subscription::subscriptionArn).toList()));
        kinds.put("CloudWatch alarms", alarms(aws));
        kinds.put("CloudWatch Logs log groups", names(aws.logs.describeLogGroupsPaginator(request -> { }).logGroups().stream().map(LogGroup::logGroupName).toList()));
        kinds.put("EventBridge rules", names(aws.events.listRules(request -> request.eventBusName("default")).rules().stream().map(rule -> rule.name()).toList()));
        return kinds;
    }

    /** The names of each kind that contain {@code fragment} (kinds with none left out). */
    static Map<String, Set<String>> containing(Map<String, Set<String>> inventory, String fragment) {
        Map<String, Set<String>> matching = new LinkedHashMap<>();
        inventory.forEach((kind, names) -> {
            Set<String> selected = new TreeSet<>(names.stream().filter(name -> name.contains(fragment)).toList());
            if (!selected.isEmpty()) {
                matching.put(kind, selected);
            }
        });
        return matching;
    }

    /** What {@code after} holds that {@code before} did not, by kind (kinds with nothing new left out). */
    static Map<String, Set<String>> added(Map<String, Set<String>> before, Map<String, Set<String>> after) {
        Map<String, Set<String>> added = new LinkedHashMap<>();
        after.forEach((kind, names) -> {
            Set<String> extra = new TreeSet<>(names);
            extra.removeAll(before.getOrDefault(kind, Set.of()));
            if (!extra.isEmpty()) {
                added.put(kind, extra);
            }
        });
        return added;
    }

    private static Set<String> alarms(EmulatorClients aws) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        Map<String, Object> request = new java.util.HashMap<>();
        do {
            JsonNode answer = aws.callJson("monitoring", aws.region(), "GraniteServiceVersion20100801.DescribeAlarms", "1.0", request);
            answer.path("MetricAlarms").forEach(alarm -> names.add(alarm.path("AlarmName").asText()));
            answer.path("CompositeAlarms").forEach(alarm -> names.add(alarm.path("AlarmName").asText()));
            request.put("NextToken", answer.path("NextToken").asText(""));
        }
        while (!request.get("NextToken").toString().isEmpty());
        return names(names);
    }

    private static Set<String> budgets(EmulatorClients aws, String accountId) throws IOException, InterruptedException {
        JsonNode answer = aws.callJson("budgets", Region.US_EAST_1, "AWSBudgetServiceGateway.DescribeBudgets", "1.1", Map.of("AccountId", accountId));
        List<String> names = new ArrayList<>();
        answer.path("Budgets").forEach(budget -> names.add(budget.path("BudgetName").asText()));
        return names(names);
    }

    private static Set<String> names(List<String> names) {
        return new TreeSet<>(names);
    }
}
