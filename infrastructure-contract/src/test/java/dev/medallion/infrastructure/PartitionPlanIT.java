package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * region takes a region of any partition, and the stack planned there names that partition in every ARN and
 * the service principals the provider gives for the region: in cn-north-1 the KMS key policy named
 * logs.cn-north-1.amazonaws.com, a principal CloudWatch Logs in China does not use (its own is
 * logs.cn-north-1.amazonaws.com.cn, as the provider's aws_service_principal and the AWS CDK's region-info
 * have it), so the log groups could not be created under the key. Planned offline, against the stand-in
 * STS, with the provider's region set to each partition's region.
 */
class PartitionPlanIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ARN_PARTITION = Pattern.compile("arn:(aws[a-z-]*):");

    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("PartitionPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * And what the alarms tell the operator holds in China: Lambda publishes no AsyncEventsDropped there, so an
     * alarm on it never fired, and SQS's dead-letter redrive (start-message-move-task) is not offered there, yet
     * the gold trigger dead-letter queue's alarm said to run it ("Getting Started with Amazon Web Services in
     * China", its Lambda and SQS pages).
     */
    @Test
    void aChinaRegionIsPlannedWithItsPartitionsArnsAndCloudWatchLogsPrincipal() throws Exception {
        List<JsonNode> resources = assertPlannedForThePartition("cn-north-1", "aws-cn", "logs.cn-north-1.amazonaws.com.cn");

        assertEquals(List.of(), addressesStartingWith(resources, "aws_cloudwatch_metric_alarm.function_async_events_dropped["),
                "cn-north-1: alarms on AsyncEventsDropped, which Lambda does not publish in China, can never fire");
        assertEquals(List.of("aws_cloudwatch_metric_alarm.function_destination_delivery_failures[\"gold_ctas\"]",
                        "aws_cloudwatch_metric_alarm.function_destination_delivery_failures[\"silver_converter\"]"),
                addressesStartingWith(resources, "aws_cloudwatch_metric_alarm.function_destination_delivery_failures["),
                "cn-north-1: an event given up on whose record could not be kept is still alarmed on");
        List<String> redrive = new ArrayList<>();
        for (JsonNode resource : resources) {
            if (resource.path("values").toString().contains("start-message-move-task")) {
                redrive.add(resource.path("address").asText());
            }
        }
        assertEquals(List.of(), redrive, "cn-north-1: SQS's dead-letter redrive is not offered in China, yet these say to run start-message-move-task");
        String deadLetter = alarmDescription(resources, "aws_cloudwatch_metric_alarm.dead_letter_messages[\"gold_triggers_dead_letter\"]");
        assertTrue(deadLetter.contains("build once with the payload {} (gold_rebuild_command)") && deadLetter.contains("purge the queue"), deadLetter);
        assertTrue(deadLetter.contains("not offered in China"), deadLetter);
    }

    @Test
    void aGovCloudRegionIsPlannedWithItsPartitionsArns() throws Exception {
        // Without budgets, which GovCloud does not offer (below).
        List<JsonNode> resources = assertPlannedForThePartition("us-gov-west-1", "aws-us-gov", "logs.us-gov-west-1.amazonaws.com", "-var", "enable_budgets=false");

        // Where Lambda publishes AsyncEventsDropped and SQS redrives, as in aws, the alarms and their advice are aws's.
        assertEquals(List.of("aws_cloudwatch_metric_alarm.function_async_events_dropped[\"gold_ctas\"]",
                        "aws_cloudwatch_metric_alarm.function_async_events_dropped[\"silver_converter\"]"),
                addressesStartingWith(resources, "aws_cloudwatch_metric_alarm.function_async_events_dropped["));
        String deadLetter = alarmDescription(resources, "aws_cloudwatch_metric_alarm.dead_letter_messages[\"gold_triggers_dead_letter\"]");
        assertTrue(deadLetter.contains("aws sqs start-message-move-task --source-arn"), deadLetter);
    }

    /**
     * AWS Budgets has no endpoint in aws-us-gov: a GovCloud account's billing, its budgets included, is in the
     * standard account it is associated with. With budgets on (the default), plan went through and the apply
     * failed at the first budget, the rest of the stack half created.
     */
    @Test
    void aGovCloudRegionWithBudgetsIsRefusedNamingTheSwitch() throws Exception {
        String refusal = refusedPlan("-var", "region=us-gov-west-1");
        assertContainsEach(refusal,
                "AWS Budgets is not offered in AWS GovCloud (US)",
                "enable_budgets = false",
                "us-gov-west-1");
    }

    /**
     * AWS Budgets has no endpoint in aws-eusc either (the AWS SDKs' endpoints list none for the partition, as for
     * aws-us-gov): with budgets on (the default), plan went through in eusc-de-east-1 and the apply failed at the
     * first budget. Plan now says which switch to turn off, and plans the stack once it is off.
     */
    @Test
    void theEuropeanSovereignCloudWithBudgetsIsRefusedNamingTheSwitch() throws Exception {
        String refusal = refusedPlan("-var", "region=eusc-de-east-1");
        assertContainsEach(refusal,
                "AWS Budgets has no endpoint in the AWS European Sovereign Cloud (partition aws-eusc)",
                "enable_budgets = false",
                "eusc-de-east-1");

        JsonNode planned = stack.planJson("-var", "region=eusc-de-east-1", "-var", "enable_budgets=false");
        List<String> budgets = new ArrayList<>();
        TreeSet<String> partitions = new TreeSet<>();
        planned.at("/planned_values/root_module/resources").forEach(resource -> {
            if (resource.path("type").asText().startsWith("aws_budgets_")) {
                budgets.add(resource.path("address").asText());
            }
            Matcher arn = ARN_PARTITION.matcher(resource.path("values").toString());
            while (arn.find()) {
                partitions.add(arn.group(1));
            }
        });
        assertEquals(List.of(), budgets, "budgets planned in eusc-de-east-1 with enable_budgets = false");
        assertEquals(List.of("aws-eusc"), List.copyOf(partitions), "eusc-de-east-1: the partitions the planned ARNs name");
    }

    /**
     * The isolated partitions (aws-iso, aws-iso-b, aws-iso-e, aws-iso-f), whose regions region's pattern takes, were
     * planned like any other, though AWS documents none of what the stack relies on there publicly (S3 conditional
     * writes, SnapStart, Athena and Glue, which the SDKs' endpoints list in us-iso-east-1 but not us-iso-west-1,
     * Budgets), so an apply could fail halfway or deploy a pipeline that cannot commit. Plan now refuses their
     * regions, naming the isolated partitions and what to set.
     */
    @Test
    void anIsolatedPartitionsRegionIsRefusedNamingWhatToSet() throws Exception {
        for (String region : List.of("us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1")) {
            PlannedStack.Result plan = stack.planWithoutEmulator("-var", "region=" + region, "-var", "enable_budgets=false");

            assertNotEquals(0, plan.exitCode(), region + ": " + plan.output());
            String refusal = plan.flattened();
            assertTrue(refusal.contains("region is " + region + ", a Region of AWS's isolated partitions (aws-iso, aws-iso-b, aws-iso-e, aws-iso-f)"), refusal);
            assertTrue(refusal.contains("Set region to a Region of aws, aws-cn, aws-us-gov or aws-eusc"), refusal);
        }
    }

    /**
     * Lambda SnapStart is offered in every commercial region but Asia Pacific (Taipei), ap-east-2, and Asia Pacific
     * (New Zealand), ap-southeast-6: both functions have it on by default, so plan went through in ap-east-2 and
     * the apply failed at the first function. Plan now says which switch to turn off, and plans the stack once it is off.
     */
    @Test
    void aRegionWithoutSnapStartIsRefusedNamingEachFunctionsSwitch() throws Exception {
        String refusal = refusedPlan("-var", "region=ap-east-2");
        assertContainsEach(refusal,
                "Lambda SnapStart is not offered in ap-east-2",
                "silver_converter_snapstart = false",
                "gold_ctas_snapstart = false");

        JsonNode planned = stack.planJson("-var", "region=ap-east-2", "-var", "silver_converter_snapstart=false", "-var", "gold_ctas_snapstart=false");
        List<String> snapStart = new ArrayList<>();
        planned.at("/planned_values/root_module/resources").forEach(resource -> {
            if (resource.path("type").asText().equals("aws_lambda_function") && !resource.at("/values/snap_start").isEmpty()) {
                snapStart.add(resource.path("address").asText());
            }
        });
        assertEquals(List.of(), snapStart, "functions planned with SnapStart in ap-east-2");
    }

    /**
     * ap-southeast-6 is refused too: by the same precondition with a provider that knows the region, and by
     * the provider itself before any precondition with one that does not (5.100, the oldest versions.tf takes,
     * answers "invalid AWS Region"). Either way plan names the region and applies nothing.
     */
    @Test
    void newZealandIsRefusedWithSnapStartOn() throws Exception {
        String refusal = refusedPlan("-var", "region=ap-southeast-6");
        assertTrue(refusal.contains("Lambda SnapStart is not offered in ap-southeast-6") || refusal.contains("invalid AWS Region: ap-southeast-6"), refusal);
    }

    /**
     * Both functions were planned on arm64 in every region, with nothing to set otherwise, though Lambda's guide says
     * arm64 is offered in "most" Regions only (pointing at the pricing page's list), and Lambda answers CreateFunction
     * in a Region without it with "Architecture "arm64" is not supported in <region>. Please select "x86_64"": there the
     * apply failed at the first function, the rest half created, and no setting led out. functions_architecture now
     * does, the jar carrying Snappy's Linux natives for both; arm64 stays the default, so aws's plan is unchanged.
     */
    @Test
    void theFunctionsRunOnArm64UnlessFunctionsArchitectureSaysX86() throws Exception {
        assertEquals(Map.of("aws_lambda_function.gold_ctas[0]", List.of("arm64"), "aws_lambda_function.silver_converter[0]", List.of("arm64")),
                functionArchitectures(stack.planJson("-var", "region=eu-west-1")), "eu-west-1: the default architecture");

        assertEquals(Map.of("aws_lambda_function.gold_ctas[0]", List.of("x86_64"), "aws_lambda_function.silver_converter[0]", List.of("x86_64")),
                functionArchitectures(stack.planJson("-var", "region=cn-north-1", "-var", "functions_architecture=x86_64")),
                "cn-north-1: functions_architecture = x86_64");

        String refusal = refusedPlan("-var", "functions_architecture=amd64");
        assertTrue(refusal.contains("functions_architecture must be arm64 or x86_64, not amd64"), refusal);
    }

    /** The flattened output of a plan without the emulator, which must have failed. */
    private static String refusedPlan(String... arguments) throws Exception {
        PlannedStack.Result plan = stack.planWithoutEmulator(arguments);
        assertNotEquals(0, plan.exitCode(), plan.output());
        return plan.flattened();
    }

    /** Each part in {@code text}, checked in this order. */
    private static void assertContainsEach(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), text);
        }
    }

    private static Map<String, List<String>> functionArchitectures(JsonNode plan) {
        Map<String, List<String>> architectures = new TreeMap<>();
        plan.at("/planned_values/root_module/resources").forEach(resource -> {
            if (resource.path("type").asText().equals("aws_lambda_function")) {
                List<String> names = new ArrayList<>();
                resource.at("/values/architectures").forEach(name -> names.add(name.asText()));
                architectures.put(resource.path("address").asText(), names);
            }
        });
        return architectures;
    }

    private static List<String> addressesStartingWith(List<JsonNode> resources, String prefix) {
        return resources.stream().map(resource -> resource.path("address").asText()).filter(address -> address.startsWith(prefix)).sorted().toList();
    }

    private static String alarmDescription(List<JsonNode> resources, String address) {
        return resources.stream().filter(resource -> resource.path("address").asText().equals(address)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + address + " planned"))
                .at("/values/alarm_description").asText();
    }

    /** The plan's resources, planned and read, once their ARNs and CloudWatch Logs' principal are the partition's. */
    private static List<JsonNode> assertPlannedForThePartition(String region, String partition, String logsPrincipal, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("-var", "region=" + region, "-var", "kms_encryption=true"));
        command.addAll(List.of(arguments));
        JsonNode plan = stack.planJson(command.toArray(String[]::new));

        // Every value planned and every data source read during plan, but the stand-in STS's answer (arn:aws:iam::…:user/plan).
        List<JsonNode> resources = new ArrayList<>();
        plan.at("/planned_values/root_module/resources").forEach(resources::add);
        plan.at("/planned_values/root_module/child_modules").forEach(module -> module.path("resources").forEach(resources::add));
        plan.at("/prior_state/values/root_module/resources").forEach(resource -> {
            if (!resource.path("type").asText().equals("aws_caller_identity")) {
                resources.add(resource);
            }
        });
        TreeSet<String> partitions = new TreeSet<>();
        List<String> elsewhere = new ArrayList<>();
        for (JsonNode resource : resources) {
            Matcher arn = ARN_PARTITION.matcher(resource.path("values").toString());
            while (arn.find()) {
                partitions.add(arn.group(1));
                if (!arn.group(1).equals(partition)) {
                    elsewhere.add(resource.path("address").asText() + ": " + arn.group());
                }
            }
        }
        assertEquals(List.of(), elsewhere, region + ": ARNs of another partition than " + partition);
        assertEquals(List.of(partition), List.copyOf(partitions), region + ": the policies planned name ARNs");

        JsonNode key = resources.stream().filter(resource -> resource.path("address").asText().equals("aws_kms_key.this[0]")).findFirst()
                .orElseThrow(() -> new AssertionError("no aws_kms_key.this[0] planned with kms_encryption = true"));
        JsonNode policy = JSON.readTree(key.at("/values/policy").asText());
        JsonNode logs = null;
        for (JsonNode statement : policy.path("Statement")) {
            if (statement.path("Sid").asText().equals("CloudWatchLogsEncryptsProjectLogGroups")) {
                logs = statement;
            }
        }
        assertTrue(logs != null, "the key policy lets CloudWatch Logs use the key: " + policy);
        assertEquals(logsPrincipal, logs.at("/Principal/Service").asText(), region + ": CloudWatch Logs' principal in " + partition + ": " + logs);
        assertFalse(key.at("/values/policy").asText().contains("arn:aws:"), key.at("/values/policy").asText());
        return resources;
    }
}
