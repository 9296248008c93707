package dev.medallion.infrastructure;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.config.Environment;
import dev.medallion.common.config.SilverSettings;
import dev.medallion.common.layout.RunId;
import dev.medallion.common.layout.SilverLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static dev.medallion.infrastructure.PolicyStatement.assertAllowed;
import static dev.medallion.infrastructure.PolicyStatement.assertDenied;
import static dev.medallion.infrastructure.TerraformConfiguration.blocks;
import static dev.medallion.infrastructure.TerraformConfiguration.dynamicBlocks;
import static dev.medallion.infrastructure.TerraformConfiguration.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The silver converter as deployed matches the silver converter as written: the environment it reads,
 * the keys it accepts, the keys it writes and the bookkeeping the crawler must skip.
 */
class SilverConverterContractTest {
    static final String FUNCTION = "silver_converter";
    private static final String BRONZE_ARN = "module.bronze_bucket.arn";
    private static final String SILVER_ARN = "module.silver_bucket.arn";
    private static final String SILVER_DATABASE_NAME = "aws_glue_catalog_database.silver.value.name";
    private static final String SILVER_DATABASE_ARN = "aws_glue_catalog_database.silver.value.arn";
    private static final String GOLD_DATABASE_NAME = "aws_glue_catalog_database.gold.value.name";
    private static final String SILVER_CRAWLER_ARN = "aws_glue_crawler.silver.value.arn";
    /** What GlueSilverCatalog calls, and nothing else on the catalog. */
    private static final List<String> CATALOG_ACTIONS = List.of("glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:BatchCreatePartition",
            "glue:BatchGetPartition", "glue:BatchUpdatePartition");
    /** Read by the JVM, not by the code: the JIT and collector the benchmark chose. */
    private static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";

    @Test
    void everyFunctionHasAContract() {
        // A new function fails here until its handler, environment and policy are checked like the
        // silver converter's (and the gold builder's, GoldCtasContractTest).
        assertEquals(Set.of(FUNCTION, GoldCtasContractTest.FUNCTION), Repository.rootModule().resources("aws_lambda_function").keySet());
    }

    @Test
    void terraformSetsExactlyTheVariablesTheCodeReads() {
        Set<String> expected = new TreeSet<>(SettingsVariables.readBy(SilverSettings.class, ConversionLimits.class, RangeReading.class));
        expected.add(JAVA_TOOL_OPTIONS);
        assertEquals(expected, new TreeSet<>(Repository.rootModule().functionEnvironment(FUNCTION).keySet()));
    }

    @Test
    void codeReadsTheVariablesTheReadmeDocuments() {
        // Guards the reflection above: if it found nothing, the previous test would compare nothing.
        assertEquals(Set.of("SILVER_BUCKET", "SILVER_PREFIX", "CHUNK_ROWS", "CHUNK_MAX_BYTES", "PART_TARGET_BYTES", "ROW_GROUP_BYTES", "MAX_COLUMNS",
                        "MAX_ROW_CHARS", "RANGE_READERS", "MIN_RANGE_BYTES", "CSV_DELIMITERS", "CSV_ENCODINGS", "CSV_NULL_VALUES",
                        "CSV_QUOTED_EMPTY_STRINGS", "SILVER_DATABASE", "WITHDRAW_DELETED_FILES"),
                SettingsVariables.readBy(SilverSettings.class, ConversionLimits.class, RangeReading.class));
    }

    @Test
    void defaultEnvironmentStartsTheConverterWithTheCodesOwnDefaults() {
        SilverSettings settings = SilverSettings.fromEnvironment(new Environment(Repository.rootModule().functionEnvironment(FUNCTION)));
        assertEquals("module.silver_bucket.id", settings.silverBucket());
        assertEquals("", settings.silverPrefix());
        assertEquals(ConversionLimits.defaults(), settings.limits(), "Terraform's defaults are the tuned defaults of the code and README");
        assertEquals(RangeReading.DEFAULT_MIN_RANGE_BYTES, settings.rangeReading().minRangeBytes(), "a file of 48 MiB and more is read as ranges");
        assertEquals(Map.of(), settings.delimiterOverrides());
        assertEquals(Map.of(), settings.encodingOverrides(), "every dataset is UTF-8 unless declared");
        assertEquals(Map.of(), settings.nullValueOverrides(), "NULL, null and \\N are null in typed columns only unless markers are declared");
        assertEquals(Set.of(), settings.quotedEmptyStringDatasets(), "every empty field is null, quoted or not, unless a dataset is listed");
        // The converter keeps the silver tables in the silver database, the one the gold builder reads.
        assertEquals(Optional.of(SILVER_DATABASE_NAME), settings.silverDatabase());
        assertEquals("true", Repository.rootModule().functionEnvironment(FUNCTION).get(SilverSettings.WITHDRAW_DELETED_FILES));
        assertEquals(true, settings.withdrawsDeletedFiles(), "removals are delivered by default (silver_withdraws_deleted_files)");
        assertEquals(SILVER_DATABASE_NAME, Repository.rootModule().functionEnvironment(GoldCtasContractTest.FUNCTION).get("SILVER_DATABASE"));
    }

    @Test
    void withRemovalsNotDeliveredTheConverterKeepsAFileDeletedAfterItsCommit() {
        // The notification delivers no removal then: a conversion withdrawing its own file would be the only withdrawal left.
        Map<String, String> environment = Repository.rootModule(Map.of("silver_withdraws_deleted_files", false)).functionEnvironment(FUNCTION);
        assertEquals("false", environment.get(SilverSettings.WITHDRAW_DELETED_FILES));
        assertEquals(false, SilverSettings.fromEnvironment(new Environment(environment)).withdrawsDeletedFiles());
    }

    @Test
    void withoutTheGlueCatalogTheConverterKeepsNoCatalog() {
        // LocalStack's free edition has no Glue: an empty name means no catalog, and no Glue client.
        for (Map<String, ?> inputs : List.of(Map.of("enable_glue_catalog", false),
                TerraformConfiguration.readVariables(Repository.terraform().resolve("localstack.tfvars")))) {
            TerraformConfiguration root = Repository.rootModule(inputs);
            Map<String, String> environment = root.functionEnvironment(FUNCTION);
            assertEquals("", environment.get(SilverSettings.SILVER_DATABASE));
            assertEquals(Optional.empty(), SilverSettings.fromEnvironment(new Environment(environment)).silverDatabase());
            List<PolicyStatement> policy = ContractRules.statements(root, FUNCTION);
            for (String action : CATALOG_ACTIONS) {
                assertDenied(policy, action, "arn:aws:glue:eu-west-1:123456789012:table/medallion_silver/sales");
            }
        }
    }

    /**
     * A copy of terraform.tfvars.example declares nothing about any dataset: an override it set (a pipe
     * for legacy_orders) was deployed by every copy, and a deployment with a dataset of that name in
     * another delimiter had its every row read as one column. The example shows such settings commented
     * out, with when to set them (the test below uncomments them).
     */
    @Test
    void exampleEnvironmentIsAcceptedByTheConverter() {
        Map<String, Object> example = TerraformConfiguration.readVariables(Repository.terraform().resolve("terraform.tfvars.example"));
        SilverSettings settings = SilverSettings.fromEnvironment(new Environment(Repository.rootModule(example).functionEnvironment(FUNCTION)));
        assertEquals(Map.of(), settings.delimiterOverrides());
        assertEquals(Map.of(), settings.encodingOverrides());
        assertEquals(Map.of(), settings.nullValueOverrides());
        assertEquals(Set.of(), settings.quotedEmptyStringDatasets());

        Map<String, Object> tuned = Map.of(
                "silver_prefix", "lake/",
                "silver_chunk_rows", 50_000,
                "silver_csv_delimiters", "EU Sales:SEMICOLON,legacy_orders:pipe",
                "silver_csv_encodings", "EU Sales:windows-1252,exports:UTF-16LE",
                "silver_csv_null_values", "SQL Server Orders:NULL,legacy:\\N,legacy:N/A",
                "silver_csv_quoted_empty_strings", "PG Orders, pg_customers");
        settings = SilverSettings.fromEnvironment(new Environment(Repository.rootModule(tuned).functionEnvironment(FUNCTION)));
        assertEquals("lake/", settings.silverPrefix());
        assertEquals(50_000, settings.limits().chunkRows());
        assertEquals(Map.of("eu_sales", ';', "legacy_orders", '|'), settings.delimiterOverrides());
        assertEquals(Map.of("eu_sales", Charset.forName("windows-1252"), "exports", StandardCharsets.UTF_16LE), settings.encodingOverrides());
        assertEquals(Map.of("sql_server_orders", List.of("NULL"), "legacy", List.of("\\N", "N/A")), settings.nullValueOverrides());
        assertEquals(Set.of("pg_orders", "pg_customers"), settings.quotedEmptyStringDatasets());
    }

    /**
     * The delimiters, encodings, null markers and quoted empty strings terraform.tfvars.example shows commented out reach the converter as the
     * comments above them say, uncommented: HCL's "\\N" the two characters \N of MySQL's and PostgreSQL's
     * exports, a charset Java knows. A value the converter reads otherwise (a marker left "\\N", which
     * matches nothing; a charset it refuses at start, failing every conversion) would meet the deployment
     * that uncomments it.
     */
    @Test
    void theExampleWithItsCommentedOutSettingsUncommentedIsAcceptedByTheConverter(@TempDir Path directory) throws IOException {
        Path file = Files.writeString(directory.resolve("uncommented.tfvars"), TfvarsExample.uncommented());
        Map<String, Object> example = TerraformConfiguration.readVariables(file);
        SilverSettings settings = SilverSettings.fromEnvironment(new Environment(Repository.rootModule(example).functionEnvironment(FUNCTION)));
        assertEquals(Map.of("legacy_orders", '|'), settings.delimiterOverrides());
        assertEquals(Map.of("eu_sales", Charset.forName("windows-1252"), "legacy_orders", StandardCharsets.ISO_8859_1), settings.encodingOverrides());
        assertEquals(Map.of("sqlserver_orders", List.of("NULL"), "legacy_orders", List.of("\\N", "N/A")), settings.nullValueOverrides());
        assertEquals(Set.of("pg_orders", "pg_customers"), settings.quotedEmptyStringDatasets());
    }

    @Test
    void functionRunsWithThreeVcpusAndTheFullJitByDefault() {
        TerraformConfiguration root = Repository.rootModule();
        Map<String, Object> function = root.resource("aws_lambda_function", FUNCTION);
        assertEquals("java21", function.get("runtime"));
        assertEquals(List.of("arm64"), strings(function.get("architectures")));
        // 1,769 MB is one vCPU of CPU time. Three read a file of 100 MB as three byte ranges at once: warm, in less
        // than a warm pandas conversion's time at one vCPU (issue 11, item 3; BENCHMARKS.md).
        assertTrue(((Number) function.get("memory_size")).longValue() >= 5307, "three vCPUs of CPU time (5,307 MB): " + function.get("memory_size"));
        assertEquals(900L, ((Number) function.get("timeout")).longValue());
        String options = root.functionEnvironment(FUNCTION).get(JAVA_TOOL_OPTIONS);
        assertTrue(options.contains("-XX:TieredStopAtLevel=4") && options.contains("-XX:CompileThresholdScaling=3"), "BENCHMARKS.md's choice: " + options);
        // Lambda's Java runtime puts -XX:+UseSerialGC on the JVM's command line: a second collector stops the JVM.
        assertFalse(options.matches(".*-XX:\\+Use\\w*GC\\b.*"), "JAVA_TOOL_OPTIONS selects a garbage collector: " + options);
    }

    @Test
    void theConvertersConcurrencyBoundIsAVariableThatEveryAccountAcceptsByDefault() {
        // No reservation by default: Lambda refuses one that leaves fewer than 100 unreserved executions,
        // and new accounts have a quota of 10. S3 invokes asynchronously (no event source mapping, whose
        // maximum concurrency is for SQS only), so a reservation is the only bound.
        Map<String, Object> variable = TerraformConfiguration.asMap(Repository.rootModule().variables().get("silver_converter_reserved_concurrency"));
        assertEquals(-1L, ((Number) variable.get("default")).longValue());
        assertEquals(-1L, ((Number) Repository.rootModule().resource("aws_lambda_function", FUNCTION).get("reserved_concurrent_executions")).longValue());
        assertEquals(20L, ((Number) Repository.rootModule(Map.of("silver_converter_reserved_concurrency", 20))
                .resource("aws_lambda_function", FUNCTION).get("reserved_concurrent_executions")).longValue());
        assertTrue(String.valueOf(variable.get("description")).contains("100"), "the description must say what quota a bound needs");
    }

    @Test
    void bronzeNotificationsInvokeTheConverterForEveryNewKey() {
        // One rule with no filter: a file the converter does not convert (report.xlsx, sales.Csv) is said in its log and
        // counted by an alarm, not left in bronze unseen. S3 refuses a suffix rule beside it for the same events (overlap).
        Map<String, Object> notification = Repository.rootModule().resource("aws_s3_bucket_notification", "bronze");
        assertEquals("module.bronze_bucket.id", String.valueOf(notification.get("bucket")));
        assertEquals(List.of(), dynamicBlocks(notification, "lambda_function"), "a rule per suffix leaves the other keys undelivered");
        List<Map<String, Object>> rules = blocks(notification, "lambda_function");
        assertEquals(1, rules.size(), rules.toString());
        checkTargetsConverter(rules.get(0));
        assertEquals("silver-converter", String.valueOf(rules.get(0).get("id")));
        assertFalse(rules.get(0).containsKey("filter_suffix") || rules.get(0).containsKey("filter_prefix"), "the rule filters keys: " + rules.get(0));
        // LambdaHandlerContractIT compares these suffixes, which the role may read, with the handler's, read from the shaded jar.
        assertEquals(List.of(".csv", ".csv.gz", ".dat", ".CSV", ".CSV.GZ", ".CSV.gz", ".DAT"), convertedSuffixes(Repository.rootModule()));
    }

    /** The key suffixes the converter converts, and whose keys its role may read (iam.tf), matched case-sensitively. */
    static List<String> convertedSuffixes(TerraformConfiguration root) {
        List<String> suffixes = strings(root.local("silver_accepted_suffixes"));
        assertFalse(suffixes.isEmpty(), "the converter converts no key");
        return suffixes;
    }

    @Test
    void enableFunctionsOffLeavesOutTheFunctionsAndWhatInvokesThemOnly() {
        // An emulator whose Lambda cannot create functions (LocalStack without Docker): LocalStackApplyIT
        // applies the rest of the core there. The role, its policy, the log group and the failure queue stay.
        List<String> switched = List.of("aws_lambda_function.silver_converter", "aws_lambda_function_event_invoke_config.silver_converter",
                "aws_lambda_permission.bronze_invokes_silver_converter", "aws_s3_bucket_notification.bronze", "aws_lambda_alias.silver_converter");
        TerraformConfiguration defaults = Repository.rootModule();
        TerraformConfiguration without = Repository.rootModule(Map.of("enable_functions", false));
        for (String address : switched) {
            String[] parts = address.split("\\.");
            assertEquals(1L, ((Number) defaults.resource(parts[0], parts[1]).get("count")).longValue(), address + " with the default inputs");
            assertEquals(0L, ((Number) without.resource(parts[0], parts[1]).get("count")).longValue(), address + " with enable_functions = false");
        }
        for (String kept : List.of("aws_iam_role.silver_converter", "aws_iam_role_policy.silver_converter", "aws_cloudwatch_log_group.silver_converter",
                "aws_sqs_queue.silver_converter_failures")) {
            String[] parts = kept.split("\\.");
            assertFalse(without.resource(parts[0], parts[1]).containsKey("count"), kept + " does not depend on enable_functions");
        }
    }

    @Test
    void onlyTheBronzeBucketOfThisAccountMayInvokeTheConverter() {
        Map<String, Object> permission = Repository.rootModule().resource("aws_lambda_permission", "bronze_invokes_silver_converter");
        assertEquals("lambda:InvokeFunction", permission.get("action"));
        assertEquals("aws_lambda_function.silver_converter.value.function_name", String.valueOf(permission.get("function_name")));
        assertEquals("data.aws_service_principal.s3.name", String.valueOf(permission.get("principal")));
        assertEquals(BRONZE_ARN, String.valueOf(permission.get("source_arn")));
        assertEquals("data.aws_caller_identity.current.account_id", String.valueOf(permission.get("source_account")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lake/", "a/b/"})
    void policyAllowsWhatTheConverterDoesAndNothingBeside(String prefix) {
        List<PolicyStatement> policy = ContractRules.statements(Repository.rootModule(Map.of("silver_prefix", prefix)), FUNCTION);
        SilverLayout layout = new SilverLayout(prefix);
        LocalDate day = LocalDate.of(2026, 3, 1);
        String source = "Sales Data/2026/03/orders 1.csv";
        String dataset = SilverLayout.datasetOf(source);

        for (String suffix : convertedSuffixes(Repository.rootModule())) {
            assertAllowed(policy, "s3:GetObject", BRONZE_ARN + "/sales/2026/x" + suffix);
        }
        // Least privilege, though S3 delivers every key: the handler reads none of these (SilverConverterHandlerIT).
        for (String notConverted : List.of("sales/readme.txt", "sales/report.xlsx", "sales/2026/x.Csv")) {
            assertDenied(policy, "s3:GetObject", BRONZE_ARN + "/" + notConverted);
        }
        assertDenied(policy, "s3:PutObject", BRONZE_ARN + "/sales/x.csv");
        // Without a prefix condition: a missing key must be a 404 (a deleted bronze object, a dataset's
        // first manifest or schema), which S3 grants only to a caller allowed to list the bucket.
        assertTrue(GoldCtasContractTest.listable(policy, BRONZE_ARN, null), "the converter must list bronze without a prefix condition");
        assertTrue(GoldCtasContractTest.listable(policy, SILVER_ARN, null), "the converter must list silver without a prefix condition");

        String part = object(layout.partKey(dataset, day, source, "0123456789abcdef", RunId.start(1), 1));
        String quarantine = object(layout.quarantineKey(dataset, day, source, "0123456789abcdef", RunId.start(1)));
        String manifest = object(layout.manifestKey(dataset, source));
        String schema = object(layout.schemaKey(dataset));
        for (String key : List.of(part, quarantine)) {
            // GetObject: the HeadObject that recognises a CompleteMultipartUpload whose answer was lost.
            for (String action : List.of("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject")) {
                assertAllowed(policy, action, key);
            }
        }
        // The publishing marker: written before anything is visible, deleted by the sweep.
        String marker = object(layout.publishingKey(dataset, day, source, RunId.start(1)));
        assertAllowed(policy, "s3:PutObject", marker);
        // A sweep reads when another run's marker was written before it deletes it.
        assertAllowed(policy, "s3:GetObject", marker);
        assertAllowed(policy, "s3:DeleteObject", marker);
        assertDenied(policy, "s3:DeleteObject", SILVER_ARN + "/" + (prefix.isEmpty() ? "other/" : "") + "_publishing/x");
        for (String key : List.of(manifest, schema)) {
            assertAllowed(policy, "s3:GetObject", key);
            assertAllowed(policy, "s3:PutObject", key);
            // The converter never deletes a manifest or a contract.
            assertDenied(policy, "s3:DeleteObject", key);
        }
        assertDenied(policy, "s3:PutObject", object("notes.txt"));
        assertDenied(policy, "s3:PutObject", SILVER_ARN + "/" + (prefix.isEmpty() ? "other/" : "") + "_manifests/x.json");
        assertDenied(policy, "s3:DeleteObject", BRONZE_ARN + "/sales/x.csv");

        // GlueSilverCatalog: the six actions it calls, on the catalog, the silver database and its tables
        // (Glue authorises each on all three), and nothing else: no deletion, no other database, no crawl.
        String catalog = String.valueOf(Repository.rootModule().local("glue_catalog_arn"));
        String tables = catalog.substring(0, catalog.length() - "catalog".length()) + "table/";
        String silverTable = tables + SILVER_DATABASE_NAME + "/" + dataset;
        for (String action : CATALOG_ACTIONS) {
            for (String resource : List.of(catalog, SILVER_DATABASE_ARN, silverTable)) {
                assertAllowed(policy, action, resource);
            }
            assertDenied(policy, action, tables + GOLD_DATABASE_NAME + "/" + dataset);
            assertDenied(policy, action, "aws_glue_catalog_database.gold.value.arn");
            assertDenied(policy, action, tables + "other_db/" + dataset);
        }
        for (String action : List.of("glue:DeleteTable", "glue:CreatePartition", "glue:BatchDeletePartition", "glue:DeletePartition", "glue:UpdatePartition",
                "glue:GetPartition", "glue:GetPartitions", "glue:GetTables", "glue:DeleteTableVersion", "glue:CreateDatabase", "glue:UpdateDatabase")) {
            assertDenied(policy, action, silverTable);
            assertDenied(policy, action, SILVER_DATABASE_ARN);
        }
        // The converter starts no crawl any more.
        for (String action : List.of("glue:StartCrawler", "glue:GetCrawler", "glue:StopCrawler", "glue:UpdateCrawler")) {
            assertDenied(policy, action, SILVER_CRAWLER_ARN);
        }
    }

    /**
     * The Glue actions the converter's role is granted are exactly the ones its code calls: none granted
     * and never called, none called and not granted (a new call would fail with AccessDenied on AWS
     * only, never on the emulators, which do not check IAM). The code does not talk to Athena, SQS or
     * CloudWatch: its failed events reach the failure queue through Lambda's destination (with the role's
     * sqs:SendMessage), its metrics come from its log lines (metric filters).
     */
    @Test
    void theRoleIsGrantedTheGlueActionsTheCodeCallsAndNoOther() {
        Set<String> called = SdkCalls.actions("silver-converter", "GlueClient", "glue");
        assertEquals(new TreeSet<>(CATALOG_ACTIONS), called, "GlueSilverCatalog's calls");
        Set<String> granted = new TreeSet<>();
        for (PolicyStatement statement : ContractRules.statements(Repository.rootModule(), FUNCTION)) {
            statement.actions().stream().filter(action -> action.startsWith("glue:")).forEach(granted::add);
        }
        assertEquals(called, granted, "the converter's role: the Glue actions granted and the ones its code calls");
        for (String client : List.of("AthenaClient", "SqsClient", "CloudWatchClient", "SnsClient", "LambdaClient")) {
            assertEquals(Set.of(), SdkCalls.actions("silver-converter", client, "any"), "the converter's calls on a " + client + ", which its role is not granted");
        }
    }

    private static String object(String key) {
        return SILVER_ARN + "/" + key;
    }

    private static void checkTargetsConverter(Map<String, Object> rule) {
        // The alias with SnapStart, the function without: SilverConverterSnapStartContractTest pins which.
        assertTrue(List.of("aws_lambda_alias.silver_converter.value.arn", "aws_lambda_function.silver_converter.value.arn").contains(String.valueOf(rule.get("lambda_function_arn"))),
                "a bronze rule targets " + rule.get("lambda_function_arn"));
        // Removals too: a deleted file's rows are withdrawn (silver_withdraws_deleted_files, on by default; BronzeNotificationPlanIT plans both settings).
        assertEquals(List.of("s3:ObjectCreated:*", "s3:ObjectRemoved:*"), strings(rule.get("events")));
    }

}
