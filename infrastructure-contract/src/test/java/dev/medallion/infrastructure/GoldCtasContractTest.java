package dev.medallion.infrastructure;

import dev.medallion.common.config.Environment;
import dev.medallion.common.config.GoldSettings;
import dev.medallion.common.layout.RunId;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.gold.build.BuildId;
import dev.medallion.gold.build.BuildLease;
import dev.medallion.gold.build.GoldLayout;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.model.GoldModels;
import dev.medallion.gold.sql.GoldStatements;
import dev.medallion.gold.state.BuildStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.medallion.infrastructure.PolicyStatement.assertAllowed;
import static dev.medallion.infrastructure.PolicyStatement.assertDenied;
import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static dev.medallion.infrastructure.TerraformConfiguration.blocks;
import static dev.medallion.infrastructure.TerraformConfiguration.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gold builder as deployed matches the gold builder as written: the environment it reads, the
 * silver commits that start it through its trigger queue, the lease that keeps its builds one at a time, and the catalog, buckets and workgroup
 * its queries touch. Its handler is checked against the shaded jar by {@link LambdaHandlerContractIT}.
 */
class GoldCtasContractTest {
    /** The start of an entry of local.dead_letter_queues, before the queue's name: {@code { name = }. */
    private static final String QUEUE_ENTRY = "\\{\\s*name\\s*= ";
    static final String FUNCTION = "gold_ctas";
    private static final String FUNCTION_REFERENCE = "aws_lambda_function.gold_ctas.value";
    private static final String SILVER_ARN = "module.silver_bucket.arn";
    private static final String GOLD_ARN = "module.gold_bucket.arn";
    private static final String BRONZE_ARN = "module.bronze_bucket.arn";
    private static final String RESULTS_ARN = "module.athena_results_bucket.arn";
    /** The builder's own workgroup; the analysts' is aws_athena_workgroup.this. */
    private static final String WORKGROUP_ARN = "aws_athena_workgroup.gold_builder.value.arn";
    private static final String ANALYST_WORKGROUP_ARN = "aws_athena_workgroup.this.value.arn";
    /** Athena's own parameter name, as its CTAS table properties spell it. */
    private static final Pattern EXTERNAL_LOCATION = Pattern.compile("(?i)\\bexternal_location\\s*=");
    private static final String SILVER_DATABASE_ARN = "aws_glue_catalog_database.silver.value.arn";
    private static final String GOLD_DATABASE_ARN = "aws_glue_catalog_database.gold.value.arn";
    private static final String SILVER_DATABASE_NAME = "aws_glue_catalog_database.silver.value.name";
    private static final String GOLD_DATABASE_NAME = "aws_glue_catalog_database.gold.value.name";
    /** hcl4j keeps a reference to an indexed resource's attribute as its dotted name. */
    private static final Pattern NAME_REFERENCE = Pattern.compile("^(aws_glue_catalog_database|aws_athena_workgroup)\\.([a-z_]+)\\.value\\.name$");
    private static final Map<String, Object> LOCALSTACK = TerraformConfiguration.readVariables(Repository.terraform().resolve("localstack.tfvars"));

    @Test
    void terraformSetsExactlyTheVariablesTheCodeReads() {
        // No JAVA_TOOL_OPTIONS: the builder waits on Athena, and the runtime's C1 default suits it.
        assertEquals(variablesReadByCode(), new TreeSet<>(Repository.rootModule().functionEnvironment(FUNCTION).keySet()));
    }

    @Test
    void codeReadsTheVariablesTheReadmeDocuments() {
        // Guards the reflection above: if it found nothing, the previous test would compare nothing.
        assertEquals(Set.of("GOLD_BUCKET", "GOLD_PREFIX", "SILVER_BUCKET", "SILVER_PREFIX", "SILVER_DATABASE", "GOLD_DATABASE", "ATHENA_WORKGROUP",
                "ATHENA_DML_QUERY_TIMEOUT_MINUTES"), variablesReadByCode());
    }

    @Test
    void environmentNamesTheStacksBucketsDatabasesAndWorkgroup() {
        Map<String, String> environment = Repository.rootModule().functionEnvironment(FUNCTION);
        assertEquals("module.gold_bucket.id", environment.get(GoldSettings.GOLD_BUCKET));
        assertEquals("module.silver_bucket.id", environment.get(GoldSettings.SILVER_BUCKET));
        assertEquals(SILVER_DATABASE_NAME, environment.get(GoldSettings.SILVER_DATABASE));
        assertEquals(GOLD_DATABASE_NAME, environment.get(GoldSettings.GOLD_DATABASE));
        assertEquals("aws_athena_workgroup.gold_builder.value.name", environment.get(GoldSettings.ATHENA_WORKGROUP));
    }

    @ParameterizedTest
    @CsvSource({
            "medallion, dev, '', ''",
            "my-lake, prod, lake/, tables/",
            "a1-b2-c3, x9, a/b/, g/",
    })
    void builderStartsWithTheEnvironmentTerraformGivesIt(String project, String environmentName, String silverPrefix, String goldPrefix) {
        TerraformConfiguration root = Repository.rootModule(Map.of(
                "project", project, "environment", environmentName, "silver_prefix", silverPrefix, "gold_prefix", goldPrefix));
        Map<String, String> environment = resolveNames(root, root.functionEnvironment(FUNCTION));
        GoldSettings settings = GoldSettings.fromEnvironment(new Environment(environment));
        // The silver database reaches SQL unquoted: whatever the project and environment, its name is a
        // plain identifier, or GoldSettings would have refused it above.
        assertEquals(project.replace('-', '_') + "_" + environmentName + "_silver", settings.silverDatabase());
        assertEquals(project.replace('-', '_') + "_" + environmentName + "_gold", settings.goldDatabase());
        assertEquals(goldPrefix, settings.goldPrefix());
        // The builder fingerprints the manifests where the converter writes them.
        assertEquals(silverPrefix, settings.silverPrefix());
        assertEquals(root.functionEnvironment(SilverConverterContractTest.FUNCTION).get("SILVER_PREFIX"), environment.get(GoldSettings.SILVER_PREFIX));
    }

    /**
     * How long the builder keeps a build readers' queries may still be on follows the account's Athena DML query timeout,
     * a Service Quota Terraform cannot read: athena_dml_query_timeout_minutes, whose default is Athena's and the code's, 30
     * minutes, and whose raised value reaches the builder as given.
     */
    @ParameterizedTest
    @CsvSource({"30, 30", "120, 120", "240, 240", ", 30"})
    void theBuilderKeepsBuildsForTheAccountsDmlQueryTimeout(Integer given, long minutes) {
        TerraformConfiguration root = given == null ? Repository.rootModule() : Repository.rootModule(Map.of("athena_dml_query_timeout_minutes", given));
        Map<String, String> environment = resolveNames(root, root.functionEnvironment(FUNCTION));
        assertEquals(Duration.ofMinutes(minutes), GoldSettings.fromEnvironment(new Environment(environment)).athenaDmlQueryTimeout(), environment.toString());

        Map<String, Object> variable = asMap(Repository.rootModule().variables().get("athena_dml_query_timeout_minutes"));
        assertEquals(GoldSettings.DEFAULT_ATHENA_DML_QUERY_TIMEOUT.toMinutes(), ((Number) variable.get("default")).longValue());
        String description = String.valueOf(variable.get("description"));
        assertTrue(description.contains("DML query timeout") && description.contains("240") && description.contains("Service Quota"), description);
    }

    @Test
    void oneBuildAtATimeWithoutReservedConcurrencyOnJava21Arm64WaitingUpToFifteenMinutes() {
        Map<String, Object> function = Repository.rootModule().resource("aws_lambda_function", FUNCTION);
        assertEquals("dev.medallion.gold.lambda.GoldCtasHandler::handleRequest", function.get("handler"));
        assertEquals("java21", function.get("runtime"));
        assertEquals(List.of("arm64"), strings(function.get("architectures")));
        // A build removes every other build of its model but the previous one: two at once would collide.
        // Lambda refuses a reservation on a new account (quota 10), so the lease serialises builds instead.
        assertFalse(function.containsKey("reserved_concurrent_executions"), "no reserved concurrency: new accounts cannot reserve any");
        assertEquals(900L, ((Number) function.get("timeout")).longValue());
        long memory = ((Number) function.get("memory_size")).longValue();
        assertTrue(memory >= 256 && memory < 1769, "an I/O-bound function needs no second vCPU: " + memory);
    }

    @Test
    void theGoldBuilderExistsOnlyWithGlueAndAthena() {
        // LocalStack's free edition has neither: localstack.tfvars must leave out everything gold.tf
        // declares, while the default inputs create all of it but the optional schedule.
        Map<String, Long> withDefaults = goldCounts(Repository.rootModule());
        assertFalse(withDefaults.isEmpty());
        assertTrue(withDefaults.containsKey("aws_lambda_function." + FUNCTION), withDefaults.toString());
        withDefaults.forEach((resource, count) ->
                assertEquals(resource.contains("gold_schedule") ? 0L : 1L, count, resource + " with the default inputs"));
        goldCounts(Repository.rootModule(LOCALSTACK)).forEach((resource, count) -> assertEquals(0L, count, resource + " with localstack.tfvars"));
        goldCounts(Repository.rootModule(Map.of("enable_athena", false))).forEach((resource, count) -> assertEquals(0L, count, resource + " without Athena"));
        goldCounts(Repository.rootModule(Map.of("enable_glue_catalog", false))).forEach((resource, count) -> assertEquals(0L, count, resource + " without Glue"));
        goldCounts(Repository.rootModule(Map.of("enable_functions", false))).forEach((resource, count) -> assertEquals(0L, count, resource + " without functions"));
    }

    @ParameterizedTest
    @CsvSource({"''", "lake/", "a/b/"})
    void everySilverCommitAndEverySweptPartAndNothingElseReachTheTriggerQueue(String silverPrefix) {
        TerraformConfiguration root = Repository.rootModule(Map.of("silver_prefix", silverPrefix));
        SilverLayout layout = new SilverLayout(silverPrefix);
        LocalDate day = LocalDate.of(2026, 3, 1);
        Map<String, Object> notification = root.resource("aws_s3_bucket_notification", "silver");
        assertEquals("module.silver_bucket.id", String.valueOf(notification.get("bucket")));
        assertTrue(blocks(notification, "lambda_function").isEmpty() && blocks(notification, "topic").isEmpty(), notification.toString());
        // Dynamic blocks, there when silver's commits trigger builds (gold_builds_on_commit, GoldScheduleOnlyPlanIT plans both).
        List<Map<String, Object>> queues = TerraformConfiguration.blocksIncludingDynamic(notification, "queue");
        assertEquals(2, queues.size(), "the silver bucket's notifications, of commits and of swept parts: " + queues);
        Map<String, Object> rule = queues.stream().filter(queue -> strings(queue.get("events")).equals(List.of("s3:ObjectCreated:*"))).findFirst()
                .orElseThrow(() -> new AssertionError("no rule of created objects: " + queues));
        assertEquals("aws_sqs_queue.gold_triggers.value.arn", String.valueOf(rule.get("queue_arn")));
        String prefix = String.valueOf(resolveLocal(root, rule.get("filter_prefix")));
        String suffix = String.valueOf(resolveLocal(root, rule.get("filter_suffix")));
        // The manifest, the commit marker, of any source in any dataset; nothing the converter writes before
        // committing, or besides.
        for (String source : List.of("sales/x.csv", "sales/2026/03/Export März.CSV.GZ", "customers/customers.dat")) {
            String manifest = layout.manifestKey(SilverLayout.datasetOf(source), source);
            assertTrue(manifest.startsWith(prefix) && manifest.endsWith(suffix), manifest + " must reach the gold trigger queue (" + prefix + "…" + suffix + ")");
        }
        for (String key : List.of(layout.partKey("sales", day, "sales/x.csv", "e", RunId.start(1), 1),
                layout.quarantineKey("sales", day, "sales/x.csv", "e", RunId.start(1)), layout.schemaKey("sales"))) {
            assertFalse(key.startsWith(prefix) && key.endsWith(suffix), key + " is no commit");
        }
        // A part the converter's sweep deletes after a commit that replaced its file: a run killed between its
        // manifest and its sweep leaves both versions visible until the retry sweeps, which writes no manifest,
        // and a build made meanwhile counted the old rows too (GoldCtasHandlerIT rebuilds it once invoked).
        Map<String, Object> swept = queues.stream().filter(queue -> strings(queue.get("events")).equals(List.of("s3:ObjectRemoved:*"))).findFirst()
                .orElseThrow(() -> new AssertionError("the deletion of a data part by a sweep reaches no gold build: " + queues));
        assertEquals("aws_sqs_queue.gold_triggers.value.arn", String.valueOf(swept.get("queue_arn")));
        String partsPrefix = swept.get("filter_prefix") == null ? "" : String.valueOf(swept.get("filter_prefix"));
        String partsSuffix = String.valueOf(swept.get("filter_suffix"));
        for (String source : List.of("sales/x.csv", "sales/2026/03/Export März.CSV.GZ")) {
            String part = layout.partKey(SilverLayout.datasetOf(source), day, source, "e", RunId.start(2), 3);
            assertTrue(part.startsWith(partsPrefix) && part.endsWith(partsSuffix), part + " swept must reach the gold trigger queue");
        }
        for (String key : List.of(layout.manifestKey("sales", "sales/x.csv"), layout.quarantineKey("sales", day, "sales/x.csv", "e", RunId.start(1)),
                layout.schemaKey("sales"))) {
            assertFalse(key.startsWith(partsPrefix) && key.endsWith(partsSuffix), key + " is no data part");
        }
        assertEquals(List.of("aws_sqs_queue_policy.gold_triggers"), strings(notification.get("depends_on")));

        // Only the silver bucket of this account may send.
        List<Map<String, Object>> statements = blocks(root.data("aws_iam_policy_document").entrySet().stream()
                .filter(entry -> entry.getKey().equals("gold_triggers_queue")).map(entry -> asMap(entry.getValue())).findFirst().orElseThrow(), "statement");
        assertEquals(1, statements.size());
        Map<String, Object> send = statements.get(0);
        assertEquals(List.of("sqs:SendMessage"), strings(send.get("actions")));
        assertEquals(List.of("aws_sqs_queue.gold_triggers.value.arn"), strings(send.get("resources")));
        assertEquals(List.of("data.aws_service_principal.s3.name"), strings(blocks(send, "principals").get(0).get("identifiers")));
        Map<String, List<String>> conditions = new LinkedHashMap<>();
        blocks(send, "condition").forEach(condition -> conditions.put(condition.get("test") + " " + condition.get("variable"), strings(condition.get("values"))));
        assertEquals(Map.of("ArnEquals aws:SourceArn", List.of(SILVER_ARN), "StringEquals aws:SourceAccount", List.of("data.aws_caller_identity.current.account_id")), conditions);
    }

    @Test
    void theTriggerQueueFeedsTheBuilderInBatchesAtMostTwoAtOnceWithPartialBatchResponses() {
        TerraformConfiguration root = Repository.rootModule();
        Map<String, Object> mapping = root.resource("aws_lambda_event_source_mapping", "gold_triggers");
        assertEquals(1, root.resources("aws_lambda_event_source_mapping").size(), "the builder's only mapping");
        assertEquals("aws_sqs_queue.gold_triggers.value.arn", String.valueOf(mapping.get("event_source_arn")));
        assertInvokesBuilder(root, mapping.get("function_name"), "the trigger queue's mapping");
        assertEquals(10000L, ((Number) mapping.get("batch_size")).longValue(), "as many commits per batch as SQS allows");
        assertEquals(300L, ((Number) mapping.get("maximum_batching_window_in_seconds")).longValue(), "Lambda's longest window by default");
        assertEquals(60L, ((Number) Repository.rootModule(Map.of("gold_trigger_batching_window_seconds", 60)).resource("aws_lambda_event_source_mapping", "gold_triggers")
                .get("maximum_batching_window_in_seconds")).longValue());
        // GoldCtasHandler answers a partial batch response, which Lambda reads only with this set.
        assertEquals(List.of("ReportBatchItemFailures"), strings(mapping.get("function_response_types")));
        assertEquals(2L, ((Number) blocks(mapping, "scaling_config").get(0).get("maximum_concurrency")).longValue(), "SQS's least");

        // A message stays invisible while its batch fills and its build runs; then it is redelivered, and
        // after maxReceiveCount deliveries it is kept in the dead-letter queue.
        Map<String, Object> queue = root.resource("aws_sqs_queue", "gold_triggers");
        // hcl4j evaluates no arithmetic: read the local as gold.tf writes it.
        String gold = root.sources().entrySet().stream()
                .filter(source -> source.getKey().getFileName().toString().equals("gold.tf"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow();
        assertTrue(Pattern.compile("visibility_timeout_seconds\\s*=\\s*local\\.gold_triggers_visibility_timeout_seconds\\b").matcher(gold).find(), "the queue's visibility timeout");
        Matcher visibility = Pattern.compile("\\bgold_triggers_visibility_timeout_seconds\\s*=\\s*var\\.gold_trigger_batching_window_seconds\\s*\\+\\s*var\\.gold_ctas_timeout_seconds\\s*\\+\\s*(\\d+)\\s*\\n")
                .matcher(gold);
        assertTrue(visibility.find(), "the visibility timeout must be the batching window plus the function's timeout plus a margin");
        int margin = Integer.parseInt(visibility.group(1));
        assertTrue(margin >= 30 && margin <= 120, "a batch handed back waits the visibility timeout; margin " + margin + " s");
        assertEquals(true, queue.get("sqs_managed_sse_enabled"));
        // hcl4j does not evaluate jsonencode either.
        assertTrue(Pattern.compile("deadLetterTargetArn\\s*=\\s*aws_sqs_queue\\.gold_triggers_dead_letter\\[0]\\.arn\\s*\\n\\s*maxReceiveCount\\s*=\\s*var\\.gold_trigger_max_receive_count\\b")
                .matcher(gold).find(), "the trigger queue's redrive policy: its dead-letter queue after gold_trigger_max_receive_count deliveries");
        assertEquals(true, root.resource("aws_sqs_queue", "gold_triggers_dead_letter").get("sqs_managed_sse_enabled"));
        assertEquals(1209600L, ((Number) root.resource("aws_sqs_queue", "gold_triggers_dead_letter").get("message_retention_seconds")).longValue());
    }

    @Test
    void theOptionalScheduleInvokesTheBuilder() {
        TerraformConfiguration root = Repository.rootModule(Map.of("gold_schedule", "cron(0 3 * * ? *)"));
        Map<String, Object> rule = root.resource("aws_cloudwatch_event_rule", "gold_schedule");
        assertEquals(1L, count(rule));
        assertEquals("cron(0 3 * * ? *)", rule.get("schedule_expression"));
        assertTargetsBuilder(root, "gold_schedule");
    }

    @Test
    void onlyTheScheduleRuleMayInvokeTheBuilderBesidesItsQueue() {
        TerraformConfiguration root = Repository.rootModule(Map.of("gold_schedule", "rate(1 day)"));
        Set<String> sources = new TreeSet<>();
        root.resources("aws_lambda_permission").forEach((name, permission) -> {
            Map<String, Object> block = asMap(permission);
            if (String.valueOf(block.get("function_name")).startsWith(FUNCTION_REFERENCE + ".")) {
                assertEquals("lambda:InvokeFunction", block.get("action"), name);
                assertEquals("data.aws_service_principal.events.name", String.valueOf(block.get("principal")), name);
                sources.add(String.valueOf(block.get("source_arn")));
            }
        });
        assertEquals(Set.of("aws_cloudwatch_event_rule.gold_schedule.value.arn"), sources);
        assertTrue(root.resources("aws_cloudwatch_event_rule").keySet().stream().noneMatch(rule -> rule.contains("crawler_succeeded")),
                "a crawl no longer triggers gold: " + root.resources("aws_cloudwatch_event_rule").keySet());
    }

    @Test
    void failedEventsAreRetriedABoundedNumberOfTimesThenKept() {
        TerraformConfiguration root = Repository.rootModule();
        Map<String, Object> config = root.resource("aws_lambda_function_event_invoke_config", FUNCTION);
        assertEquals(FUNCTION_REFERENCE + ".function_name", String.valueOf(config.get("function_name")));
        assertEquals(2L, ((Number) config.get("maximum_retry_attempts")).longValue());
        assertEquals(21600L, ((Number) config.get("maximum_event_age_in_seconds")).longValue());
        Map<String, Object> onFailure = blocks(blocks(config, "destination_config").get(0), "on_failure").get(0);
        assertEquals("aws_sqs_queue.gold_ctas_failures.value.arn", String.valueOf(onFailure.get("destination")));
        assertEquals(1209600L, ((Number) root.resource("aws_sqs_queue", "gold_ctas_failures").get("message_retention_seconds")).longValue());
        Map<String, Object> logs = root.resource("aws_cloudwatch_log_group", FUNCTION);
        assertEquals("/aws/lambda/medallion-dev-gold-ctas", logs.get("name"));
        assertEquals(30L, ((Number) logs.get("retention_in_days")).longValue());
    }

    @Test
    void everyFunctionAndFailureQueueIsAlarmed() {
        // hcl4j does not evaluate merge(): read monitoring.tf's two lists as text. A queue's entry is an
        // object whose name is the queue's (and whose action says what to do with its messages).
        TerraformConfiguration root = Repository.rootModule();
        String monitoring = root.sources().entrySet().stream()
                .filter(source -> source.getKey().getFileName().toString().equals("monitoring.tf"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no monitoring.tf"));
        for (String function : root.resources("aws_lambda_function").keySet()) {
            assertTrue(monitoring.matches("(?s).*\\b" + function + " += aws_lambda_function\\." + function + "(\\[0\\])?\\.function_name.*"),
                    "local.monitored_functions lacks aws_lambda_function." + function);
        }
        root.resources("aws_lambda_function_event_invoke_config").forEach((name, config) -> {
            String queue = String.valueOf(asMap(blocks(blocks(asMap(config), "destination_config").get(0), "on_failure").get(0)).get("destination"))
                    .replaceFirst("^aws_sqs_queue\\.([a-z_]+)(\\.value)?\\.arn$", "$1");
            assertTrue(monitoring.matches("(?s).*\\b" + queue + " += " + QUEUE_ENTRY + "aws_sqs_queue\\." + queue + "(\\[0\\])?\\.name.*"),
                    "local.dead_letter_queues lacks aws_sqs_queue." + queue);
        });
        root.resources("aws_sqs_queue").forEach((name, queue) -> {
            String redrive = String.valueOf(asMap(queue).get("redrive_policy"));
            Matcher deadLetter = Pattern.compile("aws_sqs_queue\\.([a-z_]+)(\\.value)?\\.arn").matcher(redrive);
            if (deadLetter.find()) {
                assertTrue(monitoring.matches("(?s).*\\b" + deadLetter.group(1) + " += " + QUEUE_ENTRY + "aws_sqs_queue\\." + deadLetter.group(1) + "(\\[0\\])?\\.name.*"),
                        "local.dead_letter_queues lacks aws_sqs_queue." + deadLetter.group(1) + ", the dead-letter queue of " + name);
            }
        });
    }

    @ParameterizedTest
    @CsvSource({"'', ''", "lake/, tables/", "a/b/, g/"})
    void policyAllowsWhatTheBuilderAndItsQueriesDoAndNothingBeside(String silverPrefix, String goldPrefix) {
        TerraformConfiguration root = Repository.rootModule(Map.of("silver_prefix", silverPrefix, "gold_prefix", goldPrefix));
        List<PolicyStatement> policy = ContractRules.statements(root, FUNCTION);

        // Athena: only in the builder's own workgroup, not the analysts'.
        for (String action : List.of("athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution")) {
            assertAllowed(policy, action, WORKGROUP_ARN);
            assertDenied(policy, action, ANALYST_WORKGROUP_ARN);
            assertDenied(policy, action, "arn:aws:athena:eu-west-1:123456789012:workgroup/primary");
        }
        assertDenied(policy, "athena:DeleteWorkGroup", WORKGROUP_ARN);
        assertDenied(policy, "athena:UpdateWorkGroup", WORKGROUP_ARN);

        // Glue: the catalog ARN as the locals spell it, then the tables.
        String catalog = String.valueOf(root.local("glue_catalog_arn"));
        String tables = catalog.substring(0, catalog.length() - "catalog".length()) + "table/";
        String silverTable = tables + SILVER_DATABASE_NAME + "/sales";
        for (String action : List.of("glue:GetDatabase", "glue:GetTable", "glue:GetPartitions", "glue:GetPartition", "glue:BatchGetPartition")) {
            for (String resource : List.of(catalog, SILVER_DATABASE_ARN, silverTable)) {
                assertAllowed(policy, action, resource);
            }
        }
        for (String action : List.of("glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable", "glue:BatchCreatePartition", "glue:DeleteTableVersion", "glue:DeletePartition")) {
            assertDenied(policy, action, silverTable);
        }

        GoldLayout layout = new GoldLayout("gold-bucket", goldPrefix);
        BuildStateStore states = new BuildStateStore(unusedObjectStore(), goldPrefix);
        BuildId build = BuildId.next(Clock.fixed(Instant.parse("2026-03-14T23:30:00Z"), ZoneOffset.UTC), new Random(7));
        List<GoldModel> models = GoldModels.shipped().all();
        assertFalse(models.isEmpty());
        for (GoldModel model : models) {
            String view = tables + GOLD_DATABASE_NAME + "/" + model.name();
            String buildTable = tables + GOLD_DATABASE_NAME + "/" + layout.table(model.name(), build);
            // Athena's CTAS and INSERT INTO into a build's table; the code's cleanup of old builds.
            for (String action : List.of("glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:BatchCreatePartition", "glue:GetPartitions",
                    "glue:DeleteTable")) {
                for (String resource : List.of(catalog, GOLD_DATABASE_ARN, buildTable)) {
                    assertAllowed(policy, action, resource);
                }
            }
            // CREATE OR REPLACE VIEW (created once, then an UpdateTable per swap) and the pruning of its versions.
            for (String action : List.of("glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:GetTableVersions", "glue:DeleteTableVersion")) {
                for (String resource : List.of(catalog, GOLD_DATABASE_ARN, view)) {
                    assertAllowed(policy, action, resource);
                }
            }
            // A view is never deleted, nor given partitions; a build's table never has versions pruned.
            assertDenied(policy, "glue:DeleteTable", view);
            assertDenied(policy, "glue:BatchCreatePartition", view);
            assertDenied(policy, "glue:DeleteTableVersion", buildTable);
            // Neither the code nor Athena's CTAS and INSERT INTO register partitions one at a time.
            assertDenied(policy, "glue:CreatePartition", buildTable);
            assertDenied(policy, "glue:CreatePartition", view);

            // S3: a build's files written by Athena and deleted by the code; the state read and written.
            String buildPrefix = GOLD_ARN + "/" + layout.buildPrefix(model.name(), build);
            for (String key : List.of(buildPrefix + "20260314_233000_00012_abcde_part-00000.snappy.parquet", buildPrefix + "sale_month=2026-03-01/part-00000")) {
                for (String action : List.of("s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject")) {
                    assertAllowed(policy, action, key);
                }
            }
            // A build of more than 100 partitions: Athena's staging CTAS creates the staging table and writes its
            // files, the batches read them (as the builder), and the code removes both.
            String stagingTable = tables + GOLD_DATABASE_NAME + "/" + layout.stagingTable(model.name(), build);
            for (String action : List.of("glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable")) {
                assertAllowed(policy, action, stagingTable);
            }
            String stagingKey = GOLD_ARN + "/" + layout.stagingPrefix(model.name(), build) + "20260314_233000_00012_abcde_part-00000.snappy.parquet";
            for (String action : List.of("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject")) {
                assertAllowed(policy, action, stagingKey);
            }
            // Only the staging files are read back: a build's own files are Athena's to read for analysts.
            assertDenied(policy, "s3:GetObject", buildPrefix + "sale_month=2026-03-01/part-00000");
            String state = GOLD_ARN + "/" + states.key(model.name());
            assertAllowed(policy, "s3:GetObject", state);
            assertAllowed(policy, "s3:PutObject", state);
            assertDenied(policy, "s3:DeleteObject", state);
        }
        for (String action : List.of("glue:CreateDatabase", "glue:DeleteDatabase", "glue:UpdateDatabase")) {
            assertDenied(policy, action, GOLD_DATABASE_ARN);
            assertDenied(policy, action, SILVER_DATABASE_ARN);
        }
        assertAllowed(policy, "glue:CreateDatabase", catalog.replace(":catalog", ":database/default"));
        // Any other table of the gold database (not a shipped model's view, not a build of one): read only.
        for (String other : List.of("notes", "retired_model", "daily_revenue_by_category_region_v2", "top_products__latest",
                "top_products__20260314233000_a1b2c", "top_products__2026031423300_a1b2c3d")) {
            String table = tables + GOLD_DATABASE_NAME + "/" + other;
            assertAllowed(policy, "glue:GetTable", table);
            for (String action : List.of("glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable", "glue:DeleteTableVersion", "glue:BatchCreatePartition")) {
                assertDenied(policy, action, table);
            }
        }
        assertDenied(policy, "glue:GetTable", tables + "other_db/sales");
        assertDenied(policy, "glue:DeleteTable", tables + "default/sales");

        // Lists and locations of the three buckets Athena and the code use.
        for (String bucket : List.of(SILVER_ARN, GOLD_ARN, RESULTS_ARN)) {
            assertAllowed(policy, "s3:ListBucket", bucket);
            assertAllowed(policy, "s3:GetBucketLocation", bucket);
        }
        assertDenied(policy, "s3:ListBucket", BRONZE_ARN);

        // Silver is listed only where the code lists manifests and data parts (InputFingerprints) and Athena lists partition folders.
        SilverLayout lake = new SilverLayout(silverPrefix);
        for (String prefix : List.of(silverPrefix + "_manifests/sales/", silverPrefix + "sales/ingest_date=", silverPrefix + "sales/ingest_date=2026-03-01/",
                silverPrefix + "sales/ingest_date=2026-03-01")) {
            assertTrue(listable(policy, SILVER_ARN, prefix), "the builder must list silver under " + prefix);
        }
        String partKey = lake.partKey("sales", LocalDate.of(2026, 3, 1), "sales/x.csv", "e", RunId.start(1), 1);
        assertTrue(listable(policy, SILVER_ARN, partKey.substring(0, partKey.lastIndexOf('/') + 1)), partKey);
        for (String prefix : List.of("", silverPrefix, silverPrefix + "_quarantine/", silverPrefix + "_quarantine/sales/ingest_date=2026-03-01/",
                silverPrefix + "_schemas/", silverPrefix + "sales/", "other/_manifests/")) {
            assertFalse(listable(policy, SILVER_ARN, prefix), "the builder must not list silver under '" + prefix + "'");
        }
        // Gold and results: unconditioned, since a first build's missing _state/ object must be a 404.
        for (String bucket : List.of(GOLD_ARN, RESULTS_ARN)) {
            assertTrue(listable(policy, bucket, null), "the builder must list " + bucket + " without a prefix condition");
        }

        // Silver: Athena reads the data parts; nothing is written or read beside them.
        SilverLayout silver = new SilverLayout(silverPrefix);
        String part = SILVER_ARN + "/" + silver.partKey("sales", LocalDate.of(2026, 3, 1), "sales/x.csv", "e", RunId.start(1), 1);
        assertAllowed(policy, "s3:GetObject", part);
        for (String action : List.of("s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload")) {
            assertDenied(policy, action, part);
        }
        assertDenied(policy, "s3:GetObject", SILVER_ARN + "/" + silver.manifestKey("sales", "sales/x.csv"));
        assertDenied(policy, "s3:GetObject", SILVER_ARN + "/" + silver.quarantineKey("sales", LocalDate.of(2026, 3, 1), "sales/x.csv", "e", RunId.start(1)));
        assertDenied(policy, "s3:GetObject", BRONZE_ARN + "/sales/x.csv");

        // Gold: nothing outside the builds and the state.
        assertDenied(policy, "s3:PutObject", GOLD_ARN + "/" + goldPrefix + "notes.txt");
        assertDenied(policy, "s3:DeleteObject", GOLD_ARN + "/" + goldPrefix + "daily/notes.txt");
        if (!goldPrefix.isEmpty()) {
            assertDenied(policy, "s3:PutObject", GOLD_ARN + "/other/" + layout.buildPrefix("daily", build).substring(goldPrefix.length()) + "x.parquet");
            assertDenied(policy, "s3:PutObject", GOLD_ARN + "/_state/daily.json");
        }

        // Query results, in the builder's workgroup's result location only (not the analysts').
        String location = String.valueOf(resultConfiguration(root.resource("aws_athena_workgroup", "gold_builder")).get("output_location"));
        assertTrue(location.startsWith("s3://module.athena_results_bucket.id/"), location);
        String result = RESULTS_ARN + "/" + location.substring("s3://module.athena_results_bucket.id/".length()) + "0f3a-query-id.csv";
        for (String action : List.of("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload")) {
            assertAllowed(policy, action, result);
        }
        assertDenied(policy, "s3:PutObject", RESULTS_ARN + "/elsewhere/x.csv");
        assertDenied(policy, "s3:GetObject", RESULTS_ARN + "/" + root.local("athena_results_prefix") + "0f3a-query-id.csv");
        assertDenied(policy, "s3:DeleteObject", result);

        assertAllowed(policy, "logs:PutLogEvents", "aws_cloudwatch_log_group.gold_ctas.value.arn:*");
        assertDenied(policy, "logs:PutLogEvents", "aws_cloudwatch_log_group.silver_converter.arn:*");
        assertAllowed(policy, "sqs:SendMessage", "aws_sqs_queue.gold_ctas_failures.value.arn");
        assertDenied(policy, "sqs:SendMessage", "aws_sqs_queue.silver_converter_failures.arn");

        // What Lambda's event source mapping does with the role, on the trigger queue only.
        String triggers = "aws_sqs_queue.gold_triggers.value.arn";
        for (String action : List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")) {
            assertAllowed(policy, action, triggers);
            for (String other : List.of("aws_sqs_queue.gold_triggers_dead_letter.value.arn", "aws_sqs_queue.gold_ctas_failures.value.arn",
                    "aws_sqs_queue.silver_converter_failures.arn")) {
                assertDenied(policy, action, other);
            }
        }
        for (String action : List.of("sqs:SendMessage", "sqs:PurgeQueue", "sqs:SetQueueAttributes", "sqs:ChangeMessageVisibility")) {
            assertDenied(policy, action, triggers);
        }

        // The build lease, where BuildLease keeps it: read, written conditionally, deleted; nothing else is deleted in gold.
        String lease = GOLD_ARN + "/" + new BuildLease(unusedObjectStore(), goldPrefix, Clock.systemUTC()).key();
        for (String action : List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject")) {
            assertAllowed(policy, action, lease);
        }
        assertDenied(policy, "s3:DeleteObject", GOLD_ARN + "/" + goldPrefix + "_lease/other.json");
        assertDenied(policy, "s3:DeleteObject", GOLD_ARN + "/" + goldPrefix + "_state/lease.json");
    }

    /**
     * The Athena actions granted are exactly what AthenaQueries calls; every Glue action GlueCatalog calls
     * is granted, and every other Glue action granted is one Athena needs to run the builder's queries
     * with its credentials (it reads the catalog and writes the builds' tables and the views), listed
     * here so that a grant with neither reason fails. A call the role lacks fails on AWS only: the
     * emulators do not check IAM.
     */
    @Test
    void theRoleIsGrantedTheAthenaAndGlueActionsTheCodeAndItsQueriesNeedAndNoOther() {
        Set<String> granted = new TreeSet<>();
        for (PolicyStatement statement : ContractRules.statements(Repository.rootModule(), FUNCTION)) {
            if (statement.allows()) {
                granted.addAll(statement.actions());
            }
        }
        Set<String> athena = SdkCalls.actions("gold-ctas", "AthenaClient", "athena");
        assertEquals(Set.of("athena:GetQueryExecution", "athena:GetQueryResults", "athena:StartQueryExecution", "athena:StopQueryExecution"), athena,
                "AthenaQueries' calls");
        assertEquals(athena, granted.stream().filter(action -> action.startsWith("athena:")).collect(Collectors.toCollection(TreeSet::new)),
                "the builder's role: the Athena actions granted and the ones its code calls");

        Set<String> glue = SdkCalls.actions("gold-ctas", "GlueClient", "glue");
        assertEquals(Set.of("glue:DeleteTable", "glue:DeleteTableVersion", "glue:GetPartitions", "glue:GetTable", "glue:GetTableVersions", "glue:GetTables"), glue,
                "GlueCatalog's calls");
        Set<String> grantedGlue = granted.stream().filter(action -> action.startsWith("glue:")).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(grantedGlue.containsAll(glue), "the builder's role lacks Glue actions its code calls: " + glue.stream().filter(action -> !grantedGlue.contains(action)).toList());
        // Athena's with the builder's credentials: the default database it checks (and creates when
        // missing), the silver and gold tables and partitions its queries read, the build tables CTAS
        // creates with their partitions, and the views CREATE OR REPLACE VIEW creates and replaces.
        Set<String> forTheQueries = Set.of("glue:BatchCreatePartition", "glue:BatchGetPartition", "glue:CreateDatabase", "glue:CreateTable", "glue:GetDatabase",
                "glue:GetPartition", "glue:UpdateTable");
        Set<String> unexplained = new TreeSet<>(grantedGlue);
        unexplained.removeAll(glue);
        unexplained.removeAll(forTheQueries);
        assertEquals(Set.of(), unexplained, "Glue actions granted to the builder that neither its code nor its Athena queries need");
        for (String client : List.of("SqsClient", "CloudWatchClient", "SnsClient", "LambdaClient")) {
            assertEquals(Set.of(), SdkCalls.actions("gold-ctas", client, "any"), "the builder's calls on a " + client + ", which its role is not granted");
        }
    }

    @Test
    void theViewsTheBuilderMayReplaceAreTheShippedModels() {
        // local.gold_models names the views in the policy: a model added to models.list without it
        // would fail its first view swap with AccessDenied.
        List<String> shipped = GoldModels.shipped().all().stream().map(GoldModel::name).toList();
        assertEquals(new TreeSet<>(shipped), new TreeSet<>(strings(Repository.rootModule().local("gold_models"))));
        // A deploy builds with -DskipTests, so the plan compares them too: the builder's policy has a precondition
        // that local.gold_models names what local.gold_models_listed reads from the list the jar ships.
        String gold = Repository.rootModule().sources().entrySet().stream().filter(source -> source.getKey().getFileName().toString().equals("gold.tf"))
                .map(Map.Entry::getValue).findFirst().orElseThrow();
        Matcher listed = Pattern.compile("gold_models_listed\\s*=[^\\n]*\\n[^\\n]*file\\(\"\\$\\{path\\.module}/([^\"]+)\"\\)").matcher(gold);
        assertTrue(listed.find(), "local.gold_models_listed reads models.list");
        Path list = Repository.terraform().resolve(listed.group(1)).normalize();
        assertEquals(Repository.root().resolve("gold-ctas/src/main/resources/gold/models.list").normalize(), list);
        assertTrue(Files.exists(list), list.toString());
        assertTrue(Pattern.compile("resource \"aws_iam_role_policy\" \"gold_ctas\" \\{[^}]*?lifecycle \\{\\s*precondition \\{\\s*"
                + "condition\\s*=\\s*toset\\(local\\.gold_models\\)\\s*==\\s*toset\\(local\\.gold_models_listed\\)", Pattern.DOTALL).matcher(gold).find(),
                "aws_iam_role_policy.gold_ctas's precondition compares local.gold_models with local.gold_models_listed");
        // And a build's table is never one of them (a view is a model's name alone).
        GoldLayout layout = new GoldLayout("gold-bucket", "");
        BuildId build = BuildId.next(Clock.fixed(Instant.parse("2026-03-14T23:30:00Z"), ZoneOffset.UTC), new Random(7));
        PolicyStatement buildTables = PolicyStatement.of("test", Map.of(
                "actions", List.of("glue:DeleteTable"), "resources", List.of("arn:aws:glue:eu-west-1:123456789012:table/gold/" + Repository.rootModule().local("gold_build_table_pattern"))));
        for (String model : shipped) {
            assertTrue(buildTables.allows("glue:DeleteTable", "arn:aws:glue:eu-west-1:123456789012:table/gold/" + layout.table(model, build)), model);
            assertFalse(buildTables.allows("glue:DeleteTable", "arn:aws:glue:eu-west-1:123456789012:table/gold/" + model), model);
        }
    }

    @Test
    void theFirstGoldQueryReadsAShippedModelsViewInTheAnalystsWorkgroup() {
        // The deploy walkthrough's gold query: the view named after a shipped model (a view is a model's
        // name alone), in the gold database, queried in the workgroup analysts use, as first_query_command is.
        TerraformConfiguration root = Repository.rootModule();
        String model = String.valueOf(root.local("gold_example_model"));
        assertTrue(GoldModels.shipped().all().stream().map(GoldModel::name).toList().contains(model), model);
        String query = String.valueOf(asMap(root.outputs().get("first_gold_query_command")).get("value"));
        String silverQuery = String.valueOf(asMap(root.outputs().get("first_query_command")).get("value"));
        assertEquals(silverQuery.replace("aws_glue_catalog_database.silver.value.name.customers", "aws_glue_catalog_database.gold.value.name." + model), query,
                "first_gold_query_command queries the model's view in the gold database as first_query_command queries customers in silver");
        assertTrue(query.startsWith("aws athena start-query-execution --work-group aws_athena_workgroup.this.value.name "), query);
    }

    @Test
    void theBuildersWorkgroupAcceptsTheLocationsItsStatementsName() {
        // Athena fails a CTAS naming its external_location in a workgroup that enforces its
        // configuration (Athena User Guide, "Considerations and limitations for CTAS queries").
        assertEquals(List.of(), workgroupViolations(Repository.rootModule(), statementsNameTheirLocation()));
        assertEquals(List.of(), workgroupViolations(Repository.rootModule(Map.of("kms_encryption", true)), statementsNameTheirLocation()));
    }

    @Test
    void ruleFindsAnEnforcingWorkgroupBehindStatementsThatNameTheirLocation(@TempDir Path directory) throws IOException {
        for (String enforce : List.of("enforce_workgroup_configuration = true", "")) {
            writeBuilderAndWorkgroup(directory, enforce);
            TerraformConfiguration configuration = TerraformConfiguration.load(directory, Map.of());
            assertEquals(List.of("aws_athena_workgroup.builder, the workgroup the gold builder's ATHENA_WORKGROUP names, enforces its configuration "
                            + "(enforce_workgroup_configuration is " + (enforce.isEmpty() ? "unset, which the provider reads as true" : "true")
                            + "), but the builder's CTAS names its external_location: Athena fails such a query"),
                    workgroupViolations(configuration, true), enforce);
            // A builder whose statements named no location could run in it.
            assertEquals(List.of(), workgroupViolations(configuration, false));
        }
        writeBuilderAndWorkgroup(directory, "enforce_workgroup_configuration = false");
        assertEquals(List.of(), workgroupViolations(TerraformConfiguration.load(directory, Map.of()), true));
    }

    @Test
    void statementsAreReadForTheirLocationAsAthenaReadsThem() {
        // Guards the derivation above: the builder's CTAS does name its location today.
        assertTrue(statementsNameTheirLocation());
        assertTrue(EXTERNAL_LOCATION.matcher("WITH (\n    EXTERNAL_LOCATION = 's3://b/p/'\n)").find());
        assertFalse(EXTERNAL_LOCATION.matcher("WITH (\n    format = 'PARQUET'\n)").find());
    }

    @ParameterizedTest
    @CsvSource({"false, SSE_S3", "true, SSE_KMS"})
    void theBuildersWorkgroupKeepsTheScanCutoffItsResultLocationEncryptionAndMetrics(boolean kms, String encryption) {
        TerraformConfiguration root = Repository.rootModule(Map.of("kms_encryption", kms));
        Map<String, Object> workgroup = root.resource("aws_athena_workgroup", "gold_builder");
        Map<String, Object> configuration = blocks(workgroup, "configuration").get(0);
        assertEquals(10737418240L, ((Number) configuration.get("bytes_scanned_cutoff_per_query")).longValue());
        assertEquals(Boolean.TRUE, configuration.get("publish_cloudwatch_metrics_enabled"));
        assertEquals("Athena engine version 3", blocks(configuration, "engine_version").get(0).get("selected_engine_version"));
        Map<String, Object> results = resultConfiguration(workgroup);
        String location = String.valueOf(results.get("output_location"));
        String analysts = String.valueOf(resultConfiguration(root.resource("aws_athena_workgroup", "this")).get("output_location"));
        assertTrue(location.matches("s3://module\\.athena_results_bucket\\.id/[a-z0-9-]+/"), location);
        assertFalse(location.equals(analysts) || location.startsWith(analysts) || analysts.startsWith(location), location + " overlaps the analysts' " + analysts);
        assertEquals(String.valueOf(root.local("account_id")), String.valueOf(results.get("expected_bucket_owner")));
        Map<String, Object> encryptionConfiguration = blocks(results, "encryption_configuration").get(0);
        assertEquals(encryption, encryptionConfiguration.get("encryption_option"));
        // The builder never names a result location or encryption itself, so these apply to its queries.
        assertEquals("medallion-dev-gold-builder", workgroup.get("name"));
        assertEquals(1L, count(workgroup));
    }

    @Test
    void theAnalystsWorkgroupStillEnforcesItsConfigurationAndTheirPolicyStaysOutOfTheBuilders() {
        TerraformConfiguration root = Repository.rootModule();
        Map<String, Object> analysts = root.resource("aws_athena_workgroup", "this");
        assertEquals(Boolean.TRUE, blocks(analysts, "configuration").get(0).get("enforce_workgroup_configuration"));
        List<PolicyStatement> analystPolicy = ContractRules.statements(root, "analyst");
        assertAllowed(analystPolicy, "athena:StartQueryExecution", ANALYST_WORKGROUP_ARN);
        assertDenied(analystPolicy, "athena:StartQueryExecution", WORKGROUP_ARN);
        assertDenied(analystPolicy, "athena:GetQueryResults", WORKGROUP_ARN);

        // What Athena itself calls on an analyst's behalf, as it does on the builder's: the two policies agree.
        String catalog = String.valueOf(root.local("glue_catalog_arn"));
        String silverTable = catalog.replace(":catalog", ":table/") + SILVER_DATABASE_NAME + "/sales";
        for (String action : List.of("glue:GetDatabase", "glue:GetTable", "glue:GetPartitions", "glue:GetPartition", "glue:BatchGetPartition")) {
            assertAllowed(analystPolicy, action, silverTable);
        }
        assertAllowed(analystPolicy, "glue:GetDatabase", catalog.replace(":catalog", ":database/default"));
        assertAllowed(analystPolicy, "glue:CreateDatabase", catalog.replace(":catalog", ":database/default"));
        assertDenied(analystPolicy, "glue:CreateDatabase", SILVER_DATABASE_ARN);
        // Gold: the builds' files Athena reads for them, not the builder's bookkeeping beside them.
        BuildId build = BuildId.next(Clock.fixed(Instant.parse("2026-03-14T23:30:00Z"), ZoneOffset.UTC), new Random(7));
        for (String goldPrefix : List.of("", "tables/")) {
            List<PolicyStatement> prefixed = ContractRules.statements(Repository.rootModule(Map.of("gold_prefix", goldPrefix)), "analyst");
            GoldLayout layout = new GoldLayout("gold-bucket", goldPrefix);
            assertAllowed(prefixed, "s3:GetObject", GOLD_ARN + "/" + layout.buildPrefix("daily", build) + "sale_month=2026-03/part-0.parquet");
            assertDenied(prefixed, "s3:GetObject", GOLD_ARN + "/" + goldPrefix + "_state/daily.json");
            assertDenied(prefixed, "s3:GetObject", GOLD_ARN + "/" + goldPrefix + "_lease/build.json");
        }
        // The Athena console's pickers.
        assertAllowed(analystPolicy, "athena:ListWorkGroups", "*");
        assertAllowed(analystPolicy, "athena:ListTableMetadata", catalog.replace(":glue:", ":athena:").replace(":catalog", ":datacatalog/AwsDataCatalog"));
    }

    /**
     * Analysts query from SQL clients (DBeaver, Power BI, Tableau) through Athena's JDBC and ODBC drivers,
     * which fetch results with athena:GetQueryResultsStream, an action of no API call ("Add the
     * athena:GetQueryResultsStream policy action to the IAM principals that use the JDBC driver", Athena
     * User Guide, JDBC 2.x and 3.x drivers): without it the policy served the console and the CLI only.
     * In the analysts' workgroup, not the builder's.
     */
    @Test
    void analystsMayStreamResultsAsTheJdbcAndOdbcDriversDoInTheirWorkgroupOnly() {
        List<PolicyStatement> analystPolicy = ContractRules.statements(Repository.rootModule(), "analyst");
        assertAllowed(analystPolicy, "athena:GetQueryResultsStream", ANALYST_WORKGROUP_ARN);
        assertDenied(analystPolicy, "athena:GetQueryResultsStream", WORKGROUP_ARN);
    }

    /**
     * The gold builder's workgroup, the one its ATHENA_WORKGROUP names, must not enforce its
     * configuration when the builder's CTAS names its external_location.
     */
    static List<String> workgroupViolations(TerraformConfiguration root, boolean statementsNameTheirLocation) {
        String reference = root.functionEnvironment(FUNCTION).get(GoldSettings.ATHENA_WORKGROUP);
        Matcher matcher = NAME_REFERENCE.matcher(String.valueOf(reference));
        if (!matcher.matches() || !matcher.group(1).equals("aws_athena_workgroup")) {
            return List.of("the gold builder's " + GoldSettings.ATHENA_WORKGROUP + " is " + reference + ", not the name of an aws_athena_workgroup of the stack");
        }
        String name = matcher.group(2);
        List<Map<String, Object>> configuration = blocks(root.resource("aws_athena_workgroup", name), "configuration");
        Object enforce = configuration.isEmpty() ? null : configuration.get(0).get("enforce_workgroup_configuration");
        // The provider's default is true.
        boolean enforced = enforce == null || Boolean.parseBoolean(String.valueOf(enforce));
        if (enforced && statementsNameTheirLocation) {
            return List.of("aws_athena_workgroup." + name + ", the workgroup the gold builder's " + GoldSettings.ATHENA_WORKGROUP + " names, enforces its configuration "
                    + "(enforce_workgroup_configuration is " + (enforce == null ? "unset, which the provider reads as true" : String.valueOf(enforce))
                    + "), but the builder's CTAS names its external_location: Athena fails such a query");
        }
        return List.of();
    }

    /** Whether the CTAS GoldStatements writes names its table's location, for any shipped model. */
    private static boolean statementsNameTheirLocation() {
        GoldLayout layout = new GoldLayout("gold-bucket", "");
        BuildId build = BuildId.next(Clock.fixed(Instant.parse("2026-03-14T23:30:00Z"), ZoneOffset.UTC), new Random(7));
        return GoldModels.shipped().all().stream().anyMatch(model -> {
            GoldStatements statements = new GoldStatements(model, "silver_db", "gold_db", layout.table(model.name(), build), layout.location(model.name(), build));
            return EXTERNAL_LOCATION.matcher(statements.createTableAs()).find();
        });
    }

    private static Map<String, Object> resultConfiguration(Map<String, Object> workgroup) {
        return blocks(blocks(workgroup, "configuration").get(0), "result_configuration").get(0);
    }

    private static void writeBuilderAndWorkgroup(Path directory, String enforce) throws IOException {
        Files.writeString(directory.resolve("main.tf"), """
                resource "aws_athena_workgroup" "builder" {
                  count = 1
                  name  = "builder"

                  configuration {
                    %s
                    bytes_scanned_cutoff_per_query = 10485760
                  }
                }

                resource "aws_lambda_function" "gold_ctas" {
                  count = 1

                  environment {
                    variables = {
                      ATHENA_WORKGROUP = aws_athena_workgroup.builder[0].name
                    }
                  }
                }
                """.formatted(enforce));
    }

    private static void assertTargetsBuilder(TerraformConfiguration root, String rule) {
        Map<String, Object> target = root.resource("aws_cloudwatch_event_target", rule);
        assertEquals("aws_cloudwatch_event_rule." + rule + ".value.name", String.valueOf(target.get("rule")));
        assertInvokesBuilder(root, target.get("arn"), "the " + rule + " rule's target");
        Map<String, Object> permission = root.resources("aws_lambda_permission").values().stream()
                .map(TerraformConfiguration::asMap)
                .filter(block -> ("aws_cloudwatch_event_rule." + rule + ".value.arn").equals(String.valueOf(block.get("source_arn"))))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no aws_lambda_permission scoped to aws_cloudwatch_event_rule." + rule));
        assertEquals("lambda:InvokeFunction", permission.get("action"));
        assertEquals(FUNCTION_REFERENCE + ".function_name", String.valueOf(permission.get("function_name")));
        assertEquals("data.aws_service_principal.events.name", String.valueOf(permission.get("principal")));
    }

    /** The alias with SnapStart, the function without: GoldCtasSnapStartContractTest pins which. */
    private static void assertInvokesBuilder(TerraformConfiguration root, Object target, String what) {
        Object invoked = String.valueOf(target).equals("local.gold_ctas_invoked_arn") ? root.local("gold_ctas_invoked_arn") : target;
        assertTrue(List.of("aws_lambda_alias.gold_ctas.value.arn", FUNCTION_REFERENCE + ".arn").contains(String.valueOf(invoked)), what + " invokes " + target);
    }

    /** The count of every resource and data source gold.tf declares, as the inputs set it. */
    private static Map<String, Long> goldCounts(TerraformConfiguration root) {
        String gold = root.sources().entrySet().stream()
                .filter(source -> source.getKey().getFileName().toString().equals("gold.tf"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no gold.tf"));
        Map<String, Long> counts = new LinkedHashMap<>();
        Matcher declaration = Pattern.compile("(?m)^(resource|data) \"([a-z0-9_]+)\" \"([a-z0-9_]+)\"").matcher(gold);
        while (declaration.find()) {
            Map<String, Object> block = declaration.group(1).equals("data")
                    ? asMap(root.data(declaration.group(2)).get(declaration.group(3)))
                    : root.resource(declaration.group(2), declaration.group(3));
            counts.put((declaration.group(1).equals("data") ? "data." : "") + declaration.group(2) + "." + declaration.group(3), count(block));
        }
        return counts;
    }

    private static long count(Map<String, Object> block) {
        Object count = block.get("count");
        assertTrue(count instanceof Number, "expected a count, got " + count + " in " + block.keySet());
        return ((Number) count).longValue();
    }

    /** The environment with the database and workgroup references replaced by the names Terraform gives them. */
    private static Map<String, String> resolveNames(TerraformConfiguration root, Map<String, String> environment) {
        Map<String, String> resolved = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            Matcher reference = NAME_REFERENCE.matcher(value);
            resolved.put(name, reference.matches() ? String.valueOf(root.resource(reference.group(1), reference.group(2)).get("name")) : value);
        });
        return resolved;
    }

    /**
     * Whether some statement allows s3:ListBucket on {@code bucket} for a request whose s3:prefix is
     * {@code prefix} ({@code null}: a request without one, such as the check behind a HEAD's 404).
     * Conditions other than StringLike on s3:prefix count as not met; an explicit Deny whose conditions
     * are met wins, as in IAM.
     */
    static boolean listable(List<PolicyStatement> policy, String bucket, String prefix) {
        boolean allowed = false;
        for (PolicyStatement statement : policy) {
            boolean applies = statement.actions().stream().anyMatch(action -> PolicyStatement.of("action", Map.of("actions", List.of(action), "resources", statement.resources()))
                    .allows("s3:ListBucket", bucket));
            if (!applies || !prefixConditionsMet(statement, prefix)) {
                continue;
            }
            if (!statement.allows()) {
                return false;
            }
            allowed = true;
        }
        return allowed;
    }

    private static boolean prefixConditionsMet(PolicyStatement statement, String prefix) {
        return blocks(statement.block(), "condition").stream().allMatch(condition ->
                prefix != null && "StringLike".equals(condition.get("test")) && "s3:prefix".equals(condition.get("variable"))
                        && PolicyStatement.of("prefix", Map.of("actions", List.of("s3:ListBucket"), "resources", strings(condition.get("values"))))
                                .allows("s3:ListBucket", prefix));
    }

    /** BuildStateStore only names keys here. */
    /** A value as written, or the local it names (hcl4j keeps a reference as its dotted name). */
    private static Object resolveLocal(TerraformConfiguration root, Object value) {
        String text = String.valueOf(value);
        return text.startsWith("local.") ? root.local(text.substring("local.".length())) : value;
    }

    private static ObjectStore unusedObjectStore() {
        return (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(), new Class<?>[] {ObjectStore.class}, (proxy, method, arguments) -> {
            throw new UnsupportedOperationException(method.getName());
        });
    }

    /** The names GoldSettings reads: its public String constants. */
    private static Set<String> variablesReadByCode() {
        Set<String> names = new TreeSet<>();
        for (Field field : GoldSettings.class.getDeclaredFields()) {
            if (Modifier.isPublic(field.getModifiers()) && Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    names.add((String) field.get(null));
                }
                catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }
}
