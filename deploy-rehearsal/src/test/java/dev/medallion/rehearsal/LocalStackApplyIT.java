package dev.medallion.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medallion.common.testing.S3Emulator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.LambdaFunctionConfiguration;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The core of the stack applied to LocalStack with its documented switches, when LocalStack is the
 * build's emulator (as in {@code .ci/run}): {@code terraform/localstack.tfvars} (no Glue, Athena or
 * Budgets, which LocalStack's free edition lacks), {@code emulator_endpoint} the build's endpoint, and
 * {@code enable_functions = false}, because LocalStack creates a function only where it can run it, in
 * Docker: without Docker every new function turns {@code Failed} (its runtime image cannot be pulled),
 * which fails Terraform's wait for {@code Active} and the bronze notification that targets it.
 * <ol>
 * <li><b>Apply</b> from a copy of {@code terraform/} ({@link TerraformStack}, as {@link DeployRehearsalIT}
 *     drives it), under an environment name of its own, so nothing else on the emulator is touched; every
 *     kind of resource in Terraform's state must be listed by the emulator under the stack's name, as
 *     many as the state holds.</li>
 * <li><b>Plan</b> right after must find nothing to change, but for one gap of LocalStack 4.14.0, allowed
 *     only where the emulator is shown to have it: its {@code PutMetricAlarm} drops the alarm's tags, so
 *     the provider plans to add them again. Any other change fails.</li>
 * <li><b>Outputs and deployed facts</b>: each bucket named as the outputs say, with its TLS-only policy,
 *     SSE-S3 encryption, public access block, owner-enforced ownership and lifecycle rules; the
 *     converter's role, failure queue and log group; the alarms publishing to the alert topic; no
 *     function and no bronze notification, as the switch says.</li>
 * <li><b>The bronze notification's rules</b>, from a plan with functions on, put to a bucket of the test's
 *     own with destination validation skipped: LocalStack hands back one rule with no filter, which
 *     delivers every key once; and it accepts overlapping rules, which S3 refuses, so it could not tell
 *     whether S3 takes a catch-all rule beside suffix rules (the reason there is one rule).</li>
 * <li><b>Destroy</b> must destroy what the apply added and leave nothing under the stack's name.</li>
 * </ol>
 * Where the build's emulator is not LocalStack (moto, for a user with moto only), the test is reported as
 * skipped with that reason, never passed: README "Tests" says why, and {@code .ci/run} always provides
 * LocalStack. Missing prerequisites (the converter's jar, terraform) fail it. Logs are in
 * {@code target/localstack-apply/}.
 */
class LocalStackApplyIT {
    @RegisterExtension
    static final S3Emulator EMULATOR = new S3Emulator();

    private static final Path ROOT = Path.of(System.getProperty("medallion.root", "..")).toAbsolutePath().normalize();
    private static final Path SILVER_JAR = ROOT.resolve("silver-converter/target/silver-converter.jar");
    private static final Path SWITCHES = ROOT.resolve("terraform/localstack.tfvars");
    /** localstack.tfvars leaves the region at the stack's default. */
    private static final String REGION = "eu-west-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Inventory kinds of the resource types whose instances the emulator must list under the stack's name. */
    private static final Map<String, String> KINDS = Map.of(
            "aws_s3_bucket", "S3 buckets",
            "aws_lambda_function", "Lambda functions",
            "aws_iam_role", "IAM roles",
            "aws_iam_policy", "IAM customer managed policies",
            "aws_sqs_queue", "SQS queues",
            "aws_sns_topic", "SNS topics",
            "aws_cloudwatch_metric_alarm", "CloudWatch alarms",
            "aws_cloudwatch_log_group", "CloudWatch Logs log groups",
            "aws_cloudwatch_event_rule", "EventBridge rules");

    private final RehearsalSteps steps = new RehearsalSteps(System.out);
    private Path logs;
    private URI endpoint;
    private EmulatorClients aws;
    private TerraformStack stack;
    private String environment;
    private String name;
    private List<String> variables;
    private String accountId;
    private JsonNode outputs;
    private int resourcesApplied;

    @Test
    void theCoreStackAppliesToLocalStackPlansNoChangeAndIsDestroyed() throws Exception {
        endpoint = EMULATOR.endpoint();
        Optional<String> localStack = localStackVersion(endpoint);
        if (localStack.isEmpty()) {
            String reason = "LocalStackApplyIT applies the stack to LocalStack, and the build's emulator at " + endpoint
                    + " is not LocalStack (no /_localstack/health). It runs where LocalStack is the emulator, as in .ci/run: start LocalStack and set"
                    + " AWS_ENDPOINT_URL to it (README, Tests). The whole stack is still applied to moto by DeployRehearsalIT.";
            // In the build's output too, not only in the test report.
            System.out.println("[rehearsal] SKIPPED: " + reason);
            Assumptions.abort(reason);
        }

        logs = RehearsalLogs.fresh("localstack-apply");
        // An environment name of this run's own: 1-10 lowercase letters or digits (variables.tf).
        String environment = "ls" + randomSuffix(8);
        name = "medallion-" + environment;
        System.out.println("[rehearsal] LocalStack " + localStack.get() + " at " + endpoint + ": the core of " + ROOT.resolve("terraform") + " as " + name
                + "; logs in " + logs);
        boolean destroyed = false;
        try (EmulatorClients clients = EmulatorClients.plainHttp(endpoint, Region.of(REGION))) {
            aws = clients;
            steps.run("prerequisites and terraform init", () -> init(environment));
            steps.run("terraform apply with localstack.tfvars and enable_functions = false", this::apply);
            steps.run("terraform plan right after apply: no changes but LocalStack's known gap", this::planShowsNoChanges);
            steps.run("the outputs and the deployed buckets", this::bucketsAsDeployed);
            steps.run("the converter's role, failure queue, log group; the alarms; no function", this::restOfTheCore);
            steps.run("the bronze notification's rules as S3 would get them, put to LocalStack", this::bronzeNotificationRules);
            destroyed = true;
            steps.run("terraform destroy leaves nothing of the stack", this::destroy);
            System.out.printf(Locale.ROOT, "[rehearsal] the LocalStack apply passed in %.0f s%n", steps.seconds());
        }
        finally {
            if (stack != null) {
                if (!destroyed && resourcesApplied > 0) {
                    // The emulator outlives the test (it is the build's): leave nothing of the stack behind.
                    stack.destroyAfterFailure(variables);
                }
                stack.close();
            }
        }
    }

    private void init(String environment) throws Exception {
        if (!Files.isRegularFile(SILVER_JAR)) {
            throw new IllegalStateException(SILVER_JAR + " is missing: build the jars first (mvn -B package -DskipTests; mvn verify builds them before the"
                    + " integration tests)");
        }
        Path terraform = TerraformStack.binary();
        steps.say("terraform: " + terraform + ", " + TerraformStack.version(terraform));
        accountId = aws.sts.getCallerIdentity().account();
        Map<String, Set<String>> before = EmulatorInventory.containing(EmulatorInventory.core(aws), name);
        assertTrue(before.isEmpty(), "the emulator already holds resources named " + name + ": " + before);
        this.environment = environment;
        variables = variables(false);
        stack = TerraformStack.copyOf(ROOT, logs, Map.of("AWS_ACCESS_KEY_ID", EmulatorClients.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", EmulatorClients.SECRET_KEY));
        TerraformStack.Result init = stack.run("init", List.of("init", "-no-color"));
        init.assertSucceeded(endpoint);
        steps.say("account " + accountId + "; a copy of terraform/ in " + stack.directory() + "; the AWS provider from " + stack.providerSource());
        steps.say("switches: " + String.join(" ", variables).replace(ROOT.toString(), "<repository>"));
    }

    private void apply() throws Exception {
        TerraformStack.Result apply = stack.run("apply", concat(List.of("apply", "-no-color", "-auto-approve"), variables));
        apply.assertSucceeded(endpoint);
        String complete = apply.line("Apply complete!");
        steps.say(complete);
        Matcher added = Pattern.compile("Resources: (\\d+) added").matcher(complete);
        assertTrue(added.find(), "terraform apply did not say what it added:\n" + apply.errors());
        resourcesApplied = Integer.parseInt(added.group(1));
        apply.warnings().forEach(line -> steps.say("terraform: " + line));

        Map<String, Set<String>> created = EmulatorInventory.containing(EmulatorInventory.core(aws), name);
        Map<String, Long> inState = managedResourceTypes();
        steps.say("in Terraform's state: " + inState);
        for (Map.Entry<String, String> kind : KINDS.entrySet()) {
            long expected = inState.getOrDefault(kind.getKey(), 0L);
            Set<String> listed = created.getOrDefault(kind.getValue(), Set.of());
            assertEquals(expected, listed.size(), kind.getValue() + " named " + name + " on the emulator against " + kind.getKey() + " in the state: " + listed);
            if (expected > 0) {
                steps.say(kind.getValue() + ": " + listed);
            }
        }
        assertEquals(0L, inState.getOrDefault("aws_lambda_function", 0L), "enable_functions = false must create no function");
    }

    private void planShowsNoChanges() throws Exception {
        Path planFile = logs.resolve("plan.tfplan");
        TerraformStack.Result plan = stack.run("plan", concat(List.of("plan", "-no-color", "-detailed-exitcode", "-out=" + planFile), variables));
        if (plan.exitCode() == 0) {
            steps.say(plan.line("No changes."));
            return;
        }
        if (plan.exitCode() != 2) {
            fail("terraform plan -detailed-exitcode right after apply exited " + plan.exitCode() + " (log " + plan.log() + "):\n" + plan.errors());
        }
        TerraformStack.Result show = stack.run("show-plan", List.of("show", "-no-color", "-json", planFile.toString()));
        show.assertSucceeded(endpoint);
        List<String> unexplained = new ArrayList<>();
        List<String> tagGaps = new ArrayList<>();
        for (JsonNode change : JSON.readTree(show.output()).path("resource_changes")) {
            List<String> actions = new ArrayList<>();
            change.path("change").path("actions").forEach(action -> actions.add(action.asText()));
            if (actions.equals(List.of("no-op")) || actions.equals(List.of("read"))) {
                continue;
            }
            String address = change.path("address").asText();
            if (isDroppedAlarmTags(change, actions)) {
                tagGaps.add(address);
            }
            else {
                unexplained.add(address + " " + actions);
            }
        }
        assertTrue(unexplained.isEmpty(), "terraform plan right after apply would change " + unexplained + " (log " + plan.log() + "):\n" + plan.changes());
        assertFalse(tagGaps.isEmpty(), "terraform plan exited 2 but lists no change (log " + plan.log() + ")");
        steps.say("no changes but the tags of " + tagGaps + ": LocalStack " + "drops the tags PutMetricAlarm sends (its ListTagsForResource answers none"
                + " for each, checked), so the provider plans to add them again; AWS keeps them");
    }

    /**
     * An alarm update that only adds back the tags LocalStack dropped: {@code tags_all} is the one attribute
     * that differs, and the emulator answers no tag for the alarm.
     */
    private boolean isDroppedAlarmTags(JsonNode change, List<String> actions) throws IOException, InterruptedException {
        if (!change.path("type").asText().equals("aws_cloudwatch_metric_alarm") || !actions.equals(List.of("update"))) {
            return false;
        }
        ObjectNode before = change.path("change").path("before").deepCopy();
        ObjectNode after = change.path("change").path("after").deepCopy();
        if (before.path("tags_all").equals(after.path("tags_all")) || !before.path("tags_all").isEmpty()) {
            return false;
        }
        before.remove("tags_all");
        after.remove("tags_all");
        if (!before.equals(after)) {
            return false;
        }
        JsonNode tags = aws.callJson("monitoring", aws.region(), "GraniteServiceVersion20100801.ListTagsForResource", "1.0",
                Map.of("ResourceARN", before.path("arn").asText()));
        return tags.path("Tags").isEmpty();
    }

    private void bucketsAsDeployed() throws Exception {
        outputs = stack.outputs();
        JsonNode buckets = outputs.path("bucket_names");
        assertEquals(Set.of("bronze", "silver", "gold", "athena_results", "artifacts"), fieldNames(buckets), "output bucket_names");
        for (String layer : fieldNames(buckets)) {
            String bucket = buckets.path(layer).asText();
            assertEquals(name + "-" + layer.replace('_', '-') + "-" + accountId, bucket, "output bucket_names." + layer);
            checkTlsOnly(bucket);
            List<ServerSideEncryptionRule> encryption = aws.s3.getBucketEncryption(request -> request.bucket(bucket)).serverSideEncryptionConfiguration().rules();
            assertEquals(1, encryption.size(), bucket + ": encryption rules " + encryption);
            assertEquals("AES256", encryption.get(0).applyServerSideEncryptionByDefault().sseAlgorithmAsString(), bucket + ": SSE-S3 without kms_encryption");
            PublicAccessBlockConfiguration block = aws.s3.getPublicAccessBlock(request -> request.bucket(bucket)).publicAccessBlockConfiguration();
            assertTrue(block.blockPublicAcls() && block.blockPublicPolicy() && block.ignorePublicAcls() && block.restrictPublicBuckets(), bucket + ": " + block);
            assertEquals("BucketOwnerEnforced", aws.s3.getBucketOwnershipControls(request -> request.bucket(bucket)).ownershipControls().rules().get(0)
                    .objectOwnershipAsString(), bucket + ": object ownership");
            var lifecycle = aws.s3.getBucketLifecycleConfiguration(request -> request.bucket(bucket)).rules();
            assertTrue(lifecycle.stream().anyMatch(rule -> rule.abortIncompleteMultipartUpload() != null && "Enabled".equals(rule.statusAsString())),
                    bucket + ": no enabled rule aborts incomplete multipart uploads: " + lifecycle);
            String versioning = aws.s3.getBucketVersioning(request -> request.bucket(bucket)).statusAsString();
            steps.say(bucket + ": TLS-only policy, SSE-S3, public access blocked, owner enforced, " + lifecycle.size() + " lifecycle rule(s), versioning "
                    + versioning);
        }
        GetBucketNotificationConfigurationResponse bronze = aws.s3.getBucketNotificationConfiguration(request -> request.bucket(buckets.path("bronze").asText()));
        assertTrue(bronze.lambdaFunctionConfigurations().isEmpty(), "the bronze bucket invokes a function although enable_functions = false: " + bronze);
        JsonNode functions = outputs.path("function_names");
        assertTrue(functions.path("silver_converter").isNull() && functions.path("gold_ctas").isNull(), "output function_names: " + functions);
        steps.say("function_names " + functions + " and no bronze notification: enable_functions = false leaves out the functions and their trigger");
    }

    /** The bucket's policy denies every S3 action on it and its objects to any request not sent over TLS. */
    private void checkTlsOnly(String bucket) throws IOException {
        JsonNode policy = JSON.readTree(aws.s3.getBucketPolicy(request -> request.bucket(bucket)).policy());
        for (JsonNode statement : policy.path("Statement")) {
            Set<String> resources = strings(statement.path("Resource"));
            if ("Deny".equals(statement.path("Effect").asText())
                    && Set.of("s3:*").equals(strings(statement.path("Action")))
                    && (statement.path("Principal").asText().equals("*") || strings(statement.path("Principal").path("AWS")).equals(Set.of("*")))
                    && strings(statement.path("Condition").path("Bool").path("aws:SecureTransport")).equals(Set.of("false"))
                    && resources.equals(Set.of("arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"))) {
                return;
            }
        }
        fail(bucket + ": no statement of its policy denies s3:* on the bucket and its objects without TLS: " + policy);
    }

    private void restOfTheCore() throws Exception {
        String role = outputs.path("function_role_arns").path("silver_converter").asText();
        String roleName = role.substring(role.lastIndexOf('/') + 1);
        String trust = URLDecoder.decode(aws.iam.getRole(request -> request.roleName(roleName)).role().assumeRolePolicyDocument(), StandardCharsets.UTF_8);
        assertTrue(trust.contains("lambda.amazonaws.com"), roleName + " does not trust lambda.amazonaws.com: " + trust);
        List<String> policies = aws.iam.listRolePolicies(request -> request.roleName(roleName)).policyNames();
        assertFalse(policies.isEmpty(), roleName + " has no inline policy");
        steps.say("function_role_arns.silver_converter " + roleName + ": trusts Lambda, inline " + policies);

        String queue = outputs.path("dead_letter_queue_urls").path("silver_converter_failures").asText();
        Map<String, String> attributes = aws.sqs.getQueueAttributes(request -> request.queueUrl(queue)
                .attributeNames(QueueAttributeName.MESSAGE_RETENTION_PERIOD, QueueAttributeName.SQS_MANAGED_SSE_ENABLED)).attributesAsStrings();
        assertEquals("1209600", attributes.get("MessageRetentionPeriod"), queue + ": kept 14 days");
        assertEquals("true", attributes.get("SqsManagedSseEnabled"), queue + ": encrypted");
        steps.say("dead_letter_queue_urls.silver_converter_failures " + queue + ": " + attributes);

        String group = "/aws/lambda/" + name + "-silver-converter";
        var logGroups = aws.logs.describeLogGroups(request -> request.logGroupNamePrefix(group)).logGroups();
        assertEquals(1, logGroups.size(), "log group " + group + ": " + logGroups);
        assertTrue(logGroups.get(0).retentionInDays() != null && logGroups.get(0).retentionInDays() > 0, group + " keeps its logs forever");
        steps.say(group + ": retention " + logGroups.get(0).retentionInDays() + " days");

        String topic = outputs.path("alerts_topic_arn").asText();
        aws.sns.getTopicAttributes(request -> request.topicArn(topic));
        JsonNode alarms = aws.callJson("monitoring", aws.region(), "GraniteServiceVersion20100801.DescribeAlarms", "1.0", Map.of("AlarmNamePrefix", name));
        assertFalse(alarms.path("MetricAlarms").isEmpty(), "no alarm named " + name + "*");
        for (JsonNode alarm : alarms.path("MetricAlarms")) {
            assertTrue(strings(alarm.path("AlarmActions")).contains(topic), alarm.path("AlarmName").asText() + " does not notify " + topic + ": " + alarm);
            steps.say(alarm.path("AlarmName").asText() + ": " + alarm.path("Namespace").asText() + " " + alarm.path("MetricName").asText() + " -> " + topic);
        }
    }

    /**
     * The bronze notification cannot be deployed here (LocalStack validates it by invoking the function,
     * which it could not create), so its rules are taken from a plan with functions on, exactly as
     * Terraform would send them, and put on a bucket of the test's own with destination validation
     * skipped: LocalStack must accept them and hand them back as one rule with no filter, which delivers
     * every key, a mixed-case one and a spreadsheet too, once (the converter says those it does not
     * convert). Then two rules with overlapping suffixes for the same event type,
     * which S3 refuses ("Notification configurations that use Filter cannot define filtering rules with
     * overlapping prefixes, overlapping suffixes, or prefix and suffix overlapping", S3 User Guide,
     * "Configuring event notifications using object key name filtering"): LocalStack 4.14.0 accepts them, because it checks
     * no overlap (s3/notifications.py): which is why the bronze notification is one rule, with nothing for
     * S3's overlap check to refuse, rather than a catch-all beside suffix rules.
     */
    private void bronzeNotificationRules() throws Exception {
        List<LambdaFunctionConfiguration> planned = plannedBronzeRules();
        String function = "arn:aws:lambda:" + REGION + ":" + accountId + ":function:" + name + "-silver-converter";
        String probe = name + "-notification-probe";
        aws.s3.createBucket(request -> request.bucket(probe).createBucketConfiguration(bucket -> bucket.locationConstraint(REGION)));
        try {
            List<LambdaFunctionConfiguration> rules = planned.stream().map(rule -> rule.toBuilder().lambdaFunctionArn(function).build()).toList();
            putNotification(probe, rules);
            NotificationRules stored = NotificationRules.of(aws.s3.getBucketNotificationConfiguration(request -> request.bucket(probe)));
            List<String> suffixes = stored.rules().stream().map(NotificationRules.Rule::suffix).toList();
            assertEquals(planned.stream().map(this::suffix).toList(), suffixes, "the suffixes LocalStack hands back against the planned ones");
            assertEquals(List.of(""), suffixes, "one rule with no suffix filter");
            for (String key : List.of("orders/orders.csv", "orders/orders.CSV.gz", "orders/orders.Csv", "orders/report.xlsx")) {
                assertEquals(1, stored.deliveries(key, "ObjectCreated:Put").size(), key + " must be delivered by exactly one rule: " + stored.rules());
            }
            steps.say("the planned bronze rule (id " + stored.rules().stream().map(NotificationRules.Rule::id).toList()
                    + ", no filter): accepted and handed back by LocalStack; orders.csv, orders.Csv and report.xlsx each delivered once");

            List<LambdaFunctionConfiguration> overlapping = List.of(
                    LambdaFunctionConfiguration.builder().id("csv").lambdaFunctionArn(function).events(Event.S3_OBJECT_CREATED)
                            .filter(filter -> filter.key(key -> key.filterRules(FilterRule.builder().name(FilterRuleName.SUFFIX).value(".csv").build()))).build(),
                    LambdaFunctionConfiguration.builder().id("s-csv").lambdaFunctionArn(function).events(Event.S3_OBJECT_CREATED)
                            .filter(filter -> filter.key(key -> key.filterRules(FilterRule.builder().name(FilterRuleName.SUFFIX).value("s.csv").build()))).build());
            try {
                putNotification(probe, overlapping);
            }
            catch (S3Exception refused) {
                fail("LocalStack now refuses overlapping notification rules (" + RehearsalSteps.describe(refused) + "): say so here, in README and"
                        + " docs/deploy-rehearsal.md (LocalStack)");
            }
            steps.say("rules on the suffixes .csv and s.csv, which S3 refuses as overlapping (orders.csv matches both): LocalStack accepts them too,"
                    + " so its acceptance of a notification proves nothing of S3's overlap check; the bronze rule, alone and unfiltered, gives that check nothing to refuse");
        }
        finally {
            aws.s3.deleteBucket(request -> request.bucket(probe));
        }
    }

    private void putNotification(String bucket, List<LambdaFunctionConfiguration> rules) {
        aws.s3.putBucketNotificationConfiguration(request -> request.bucket(bucket).skipDestinationValidation(true)
                .notificationConfiguration(configuration -> configuration.lambdaFunctionConfigurations(rules)));
    }

    private String suffix(LambdaFunctionConfiguration rule) {
        if (rule.filter() == null || rule.filter().key() == null) {
            return "";
        }
        return rule.filter().key().filterRules().stream().filter(filter -> filter.name() == FilterRuleName.SUFFIX).map(FilterRule::value).findFirst().orElse("");
    }

    /** The bronze notification's rules from a plan of the same stack with functions on (nothing is applied). */
    private List<LambdaFunctionConfiguration> plannedBronzeRules() throws Exception {
        Path planFile = logs.resolve("plan-with-functions.tfplan");
        TerraformStack.Result plan = stack.run("plan-with-functions", concat(List.of("plan", "-no-color", "-out=" + planFile), variables(true)));
        plan.assertSucceeded(endpoint);
        TerraformStack.Result show = stack.run("show-plan-with-functions", List.of("show", "-no-color", "-json", planFile.toString()));
        show.assertSucceeded(endpoint);
        List<LambdaFunctionConfiguration> rules = new ArrayList<>();
        for (JsonNode change : JSON.readTree(show.output()).path("resource_changes")) {
            if (!change.path("type").asText().equals("aws_s3_bucket_notification") || !change.path("name").asText().equals("bronze")) {
                continue;
            }
            for (JsonNode rule : change.path("change").path("after").path("lambda_function")) {
                List<String> events = new ArrayList<>();
                rule.path("events").forEach(event -> events.add(event.asText()));
                List<FilterRule> filters = new ArrayList<>();
                if (!rule.path("filter_prefix").asText("").isEmpty()) {
                    filters.add(FilterRule.builder().name(FilterRuleName.PREFIX).value(rule.path("filter_prefix").asText()).build());
                }
                if (!rule.path("filter_suffix").asText("").isEmpty()) {
                    filters.add(FilterRule.builder().name(FilterRuleName.SUFFIX).value(rule.path("filter_suffix").asText()).build());
                }
                LambdaFunctionConfiguration.Builder planned = LambdaFunctionConfiguration.builder().id(rule.path("id").asText()).eventsWithStrings(events);
                if (!filters.isEmpty()) {
                    // No filter at all for a rule without one, as Terraform sends it (an empty S3Key is not what S3 gets).
                    planned.filter(filter -> filter.key(key -> key.filterRules(filters)));
                }
                rules.add(planned.build());
            }
        }
        assertFalse(rules.isEmpty(), "a plan with enable_functions = true holds no bronze notification rule (log " + show.log() + ")");
        return rules;
    }

    private List<String> variables(boolean functions) {
        // -var after -var-file wins: the file's endpoint (http://localhost:4566) becomes the build's.
        return List.of("-var-file=" + SWITCHES, "-var", "environment=" + environment, "-var", "emulator_endpoint=" + endpoint,
                "-var", "enable_functions=" + functions);
    }

    private void destroy() throws Exception {
        TerraformStack.Result destroy = stack.run("destroy", concat(List.of("destroy", "-no-color", "-auto-approve"), variables));
        destroy.assertSucceeded(endpoint);
        String complete = destroy.line("Destroy complete!");
        steps.say(complete);
        assertEquals("Destroy complete! Resources: " + resourcesApplied + " destroyed.", complete, "terraform destroy against the apply's count");
        destroy.warnings().forEach(line -> steps.say("terraform: " + line));
        Map<String, Set<String>> left = EmulatorInventory.containing(EmulatorInventory.core(aws), name);
        assertTrue(left.isEmpty(), "terraform destroy left on the emulator: " + left);
        steps.say("nothing named " + name + " is left on the emulator");
    }

    // --- helpers

    /** The version LocalStack's health endpoint reports, or empty when the endpoint is not LocalStack. */
    private static Optional<String> localStackVersion(URI endpoint) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(endpoint.resolve("/_localstack/health")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode health = JSON.readTree(response.body());
            return health.path("version").isTextual() && health.path("services").isObject() ? Optional.of(health.path("version").asText()) : Optional.empty();
        }
        catch (IOException e) {
            // moto answers 404 with HTML, or a body that is not JSON.
            return Optional.empty();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while asking " + endpoint + " whether it is LocalStack", e);
        }
    }

    /** How many managed resources of each type Terraform's state holds. */
    private Map<String, Long> managedResourceTypes() throws IOException, InterruptedException {
        TerraformStack.Result list = stack.run("state-list", List.of("state", "list"));
        list.assertSucceeded(endpoint);
        Map<String, Long> types = new java.util.TreeMap<>();
        for (String address : list.output().lines().map(String::strip).filter(line -> !line.isEmpty()).toList()) {
            // module.bronze_bucket.aws_s3_bucket.this, aws_sqs_queue.x, aws_cloudwatch_metric_alarm.y["z"]; data sources are not resources.
            String[] parts = address.replaceAll("\\[[^\\]]*\\]", "").split("\\.");
            String type = parts[parts.length - 2];
            if (parts.length >= 3 && parts[parts.length - 3].equals("data")) {
                continue;
            }
            types.merge(type, 1L, Long::sum);
        }
        return types;
    }

    private static Set<String> strings(JsonNode node) {
        Set<String> values = new TreeSet<>();
        if (node.isArray()) {
            node.forEach(value -> values.add(value.asText()));
        }
        else if (!node.isMissingNode() && !node.isNull()) {
            values.add(node.asText());
        }
        return values;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String randomSuffix(int length) {
        SecureRandom random = new SecureRandom();
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < length; i++) {
            suffix.append(Character.forDigit(random.nextInt(36), 36));
        }
        return suffix.toString();
    }

    private static List<String> concat(List<String> command, List<String> variables) {
        return Stream.concat(command.stream(), variables.stream()).toList();
    }
}
