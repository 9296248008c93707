package dev.medallion.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.silver.ParquetTestFiles;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.schema.PrimitiveType;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.WorkGroupConfiguration;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionEventInvokeConfigResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.SnapStartApplyOn;
import software.amazon.awssdk.services.lambda.model.SnapStartOptimizationStatus;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sts.model.Credentials;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The deployment rehearsed end to end, on a fresh emulator, on every {@code mvn verify}: what a user
 * gets from {@code terraform apply}, run the way AWS would run it, as far as an emulator can show.
 * <ol>
 * <li><b>Apply.</b> moto_server is started as {@code terraform/rehearse-on-moto.sh} starts it (through
 *     {@code rehearse-on-moto.py}, which fills the gaps of moto 5.2.1 the stack meets), over https on a
 *     free loopback port; {@code terraform apply} deploys the whole stack (Glue, Athena, the gold builder,
 *     its schedule and budgets on) to it from a copy of {@code terraform/} in a temporary directory; the
 *     outputs a user relies on are checked against what the emulator holds; {@code terraform plan
 *     -detailed-exitcode} right after must find nothing to change.</li>
 * <li><b>The functions as deployed.</b> Each function is read back from the emulator as its invokers
 *     target it (GetFunction: handler, runtime, architecture, memory, timeout, environment, role, reserved
 *     concurrency): the converter as the bronze notification targets it, the gold builder as its trigger
 *     queue's event source mapping targets it (and the rebuild command names the same qualifier), which
 *     with SnapStart ({@code silver_converter_snapstart}, {@code gold_ctas_snapstart}, both on by default)
 *     is each one's alias {@code live} of its latest published version, with SnapStart on, never $LATEST;
 *     invoke permissions (whose statement's resource must be that alias) and on-failure configurations are
 *     read on that same target, and the gold schedule's rule must target it too, with its permission on it.
 *     The emulator takes no snapshot and calls no runtime hook. With its
 *     code: the object Terraform uploaded to the artifacts bucket, whose bytes must be the built jar's
 *     and whose SHA-256 the function's {@code CodeSha256}. Each runs under the AWS Lambda Runtime
 *     Interface Emulator ({@link LambdaRuntime}) with exactly that handler, memory, timeout and
 *     environment, and that code file.</li>
 * <li><b>Bronze to silver.</b> {@code sample-data/} goes into the deployed bronze bucket with
 *     {@code bronze-ingest upload} (its shaded jar). For every object the rehearsal builds the event the
 *     deployed bucket notification would send, read back from the emulator and applied as S3 applies it
 *     (event type and key filters): its one rule delivers every key, and a file the converter does not
 *     convert ({@code sales/readme.txt}, a mixed-case {@code .Csv}) is skipped, said at WARN. The sample data's schema contracts are declared
 *     ({@code schema_contracts_dir = "../sample-data"}, as the deploy walkthrough declares them) and in
 *     silver before any file; the converter converts every delivered file, the messy March file first
 *     (which without them would type {@code quantity} as string), and a redelivery changes nothing, nor
 *     does it change a contract; silver then holds a manifest per file with the counts {@code sample-data/README.md}
 *     documents, rows read equal to rows written plus quarantined, and Parquet whose records are read
 *     back.</li>
 * <li><b>Silver to gold.</b> The converter catalogued what it converted in the deployed silver database
 *     (SILVER_DATABASE): a table per dataset with its schema contract's columns and types, over the
 *     dataset's folder, and an {@code ingest_date} partition per day it wrote; no crawl is needed, and
 *     none was started. A failed crawl's event must match the deployed crawler-failed rule (EventBridge's
 *     TestEventPattern, which rehearse-on-moto.py answers with moto's own matcher) and go to the alert
 *     topic, a successful crawl's must not. The silver bucket's notification, which moto delivers to SQS
 *     itself, must have put exactly one message per manifest (the commits) in the deployed gold trigger
 *     queue, and nothing else but the removals of data parts a sweep deleted and S3's test event; its event source mapping must be as deployed (the
 *     queue, the builder, batches of 10,000 over the batching window, partial batch responses, at most
 *     two invocations). moto runs no mapping (rehearse-on-moto.py keeps it from trying), so the rehearsal
 *     does what it would: reads the messages, invokes the builder with the SQS event it would send, and
 *     deletes what the builder did not hand back. Every query the builder starts must be in its own
 *     workgroup, none in the analysts'; a build lease held by another, direct build must hand the whole
 *     batch back and refuse a direct invocation, one held by another batch's build hand back the commits
 *     it cannot date; a change in the silver catalog must rebuild exactly the models that read it; the
 *     output's rebuild command must be accepted.</li>
 * <li><b>The operator commands.</b> The outputs {@code gold_rebuild_command}, {@code silver_replay_command} and
 *     {@code silver_reconvert_command} are run as their users run them, their text with {@code bash -c},
 *     the real AWS CLI and {@code jq} ({@link OperatorShell}), against the emulator and the function under
 *     the Lambda runtime behind Lambda's Invoke API ({@link LambdaInvokeFront}): the gold builder takes the
 *     rebuild's payload, asynchronously, on the alias {@code live}, and answers for its model; a Lambda on-failure record
 *     in the converter's failure queue is replayed (its file converted, its record deleted); after
 *     {@code stores_eu}'s contract retypes a column, the dataset's files, one with a space and a '+' in its
 *     key, are converted again in the new type in their {@code ingest_date}, bronze untouched, and a second
 *     run answers unchanged; a refused invocation stops the command at once, saying where.</li>
 * <li><b>A bronze file deleted.</b> The messy March file is deleted as a person deletes it (a plain
 *     DeleteObject on the versioned bucket: a delete marker); the deployed rules must deliver its
 *     {@code ObjectRemoved:DeleteMarkerCreated} by the converter's rule that delivered its upload, and the
 *     converter, under the Lambda runtime on S3's record of it, withdraw its rows: manifest {@code withdrawn},
 *     parts and quarantine file gone, the rest of silver untouched, and in the gold trigger queue the
 *     manifest's write and the parts' removals.</li>
 * <li><b>Destroy.</b> {@code terraform destroy} must succeed and leave the emulator holding exactly what
 *     it held before the apply, listed kind by kind with the services' own List calls. Bronze still holds
 *     what the steps left in it, as a deployment's would: the operator commands' file, whose key holds a
 *     space and a '+', and the deleted file's version and delete marker, which force_destroy deletes.</li>
 * </ol>
 * <p>
 * <b>What the functions get that Terraform does not set.</b> Nothing of a function's environment is set by
 * hand: it is GetFunction's, to the variable ({@code JAVA_TOOL_OPTIONS} included), and must contain no
 * variable Lambda reserves. Beside it, the rehearsal provides what Lambda itself provides: the region;
 * credentials, which Lambda gets by assuming the function's role, and so does the rehearsal (STS
 * AssumeRole on the emulator); {@code AWS_EXECUTION_ENV}; and {@code AWS_ENDPOINT_URL} pointing at the
 * emulator, which the SDK honours. The emulator serves https with a self-signed certificate (the buckets'
 * policies deny plain http, and rehearse-on-moto.py decides {@code aws:SecureTransport} by the request's
 * scheme, so a plain-http endpoint or proxy would be refused as AWS would refuse it). The functions'
 * JVMs therefore trust that certificate (and only it) through {@code -Djavax.net.ssl.trustStore} on the
 * runtime's JVM command line, which Lambda's bootstrap owns, not through {@code JAVA_TOOL_OPTIONS}, which
 * is the function's own setting. Certificates are still verified, host name included.
 * <p>
 * <b>What it does not prove</b> (only an AWS account can): that Athena executes the SQL (moto accepts
 * every query and reports it succeeded, running nothing); that Glue accepts the converter's table and
 * partition input (moto stores what it is given); what a real crawl catalogs; IAM evaluation
 * (moto enforces no identity policy; only the buckets' TLS rule is evaluated); that S3 and EventBridge
 * deliver the events, when and how often (the rehearsal builds them and sends each once, in key order),
 * and when Lambda's mapping invokes the builder (batching window, concurrency; the rehearsal invokes it
 * once with every message),
 * and that S3 accepts the notification rules (moto validates none, not even their overlap);
 * that the on-failure configurations are on the aliases (moto keeps one per function whatever the
 * qualifier; the contract tests pin the qualifier in the configuration);
 * quotas (the account's concurrency); the {@code java21}
 * runtime on arm64 (the functions run on this machine's JVM, whose version and architecture the step
 * prints; it checks the jar's bytecode fits the runtime and its native libraries the architecture); the
 * memory size, which the runtime reports to the function but which limits nothing here.
 * <p>
 * Missing prerequisites (the jars, terraform, python3 with moto, aws-lambda-rie, the AWS CLI, jq) fail the test with how
 * to install them; it never skips. Every step prints what it did; a failure names the step, the
 * resource or function, and the emulator's answer. Logs (moto's, each terraform command's, each
 * function's) are kept in {@code target/deploy-rehearsal/}.
 */
class DeployRehearsalIT {
    private static final Path ROOT = Path.of(System.getProperty("medallion.root", "..")).toAbsolutePath().normalize();
    private static final String ENVIRONMENT = "rehearsal";
    private static final String REGION = "eu-west-1";
    private static final Path SILVER_JAR = ROOT.resolve("silver-converter/target/silver-converter.jar");
    private static final Path GOLD_JAR = ROOT.resolve("gold-ctas/target/gold-ctas.jar");
    private static final Path BRONZE_INGEST_JAR = ROOT.resolve("bronze-ingest/target/bronze-ingest.jar");
    private static final Path SAMPLE_DATA = ROOT.resolve("sample-data");
    private static final List<String> DATASETS = List.of("customers", "products", "sales", "stores_eu");
    /** Rows read, written and quarantined per file, as sample-data/README.md documents them. */
    private static final Map<String, List<Long>> SAMPLE_COUNTS = Map.of(
            "customers/customers.csv", List.of(60L, 60L, 0L),
            "products/products.csv", List.of(42L, 42L, 0L),
            "sales/2026/01/sales_2026_01.csv", List.of(300L, 300L, 0L),
            "sales/2026/02/sales_2026_02_multiline_notes.csv", List.of(250L, 250L, 0L),
            "sales/2026/03/sales_2026_03_messy.csv", List.of(200L, 197L, 3L),
            "sales/2026/04/sales_2026_04.csv.gz", List.of(180L, 180L, 0L),
            "stores_eu/stores.csv", List.of(12L, 12L, 0L));
    /** The sample file that, converted first without declared contracts, would type sales' quantity as string. */
    private static final String MESSY = "sales/2026/03/sales_2026_03_messy.csv";
    /** Bronze keys delivered that the converter must not convert but say: not a data file, and a suffix in mixed case. */
    private static final List<String> NOT_CONVERTED = List.of("sales/readme.txt", "sales/2026/05/sales_2026_05.Csv");
    /** Variables Lambda reserves for itself: a function's environment may not set them. */
    private static final Set<String> RESERVED = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
            "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The gold builder's optional schedule, set so that every invoker of the builder is deployed and checked. */
    private static final String GOLD_SCHEDULE = "rate(1 day)";
    /** The dataset the operator commands' steps work on, and the file they add to it: a space and a '+' in its key, which S3 URL-encodes in events. */
    private static final String RECONVERTED = "stores_eu";
    private static final String REPLAYED = "stores_eu/2026/12/new stores+eu.csv";
    /** The alias both functions' invokers target with SnapStart (silver_converter_snapstart, gold_ctas_snapstart). */
    private static final String LIVE = "live";

    /** A function as the emulator holds it, and its code as downloaded from where Terraform put it. */
    /** @param invoked what invokers target: the function's ARN, qualified by its alias live with SnapStart (on by default for both) */
    private record Deployed(String name, String invoked, FunctionConfiguration configuration, Optional<Integer> reservedConcurrency, Path code) {
        LambdaRuntime.Function asRuntimeFunction() {
            Map<String, String> environment = configuration.environment() == null ? Map.of() : configuration.environment().variables();
            return new LambdaRuntime.Function(name, code, configuration.handler(), configuration.memorySize(), configuration.timeout(), environment);
        }
    }

    private final RehearsalSteps steps = new RehearsalSteps(System.out);
    private Path logs;
    private EmulatorTls tls;
    private PatchedMoto moto;
    private EmulatorClients aws;
    private TerraformStack stack;
    private String accountId;
    private List<String> variables;
    private JsonNode outputs;
    private Map<String, Set<String>> before;
    private String bronze;
    private String silver;
    private String gold;
    private String artifacts;
    private Deployed converter;
    private Deployed builder;
    private int resourcesApplied;
    private List<Message> triggerMessages;

    @Test
    void theStackAppliesToAnEmulatorRunsBronzeToGoldAndIsDestroyed() throws Exception {
        logs = RehearsalLogs.fresh("deploy-rehearsal");
        System.out.println("[rehearsal] deploy rehearsal of " + ROOT.resolve("terraform") + "; logs in " + logs);
        boolean destroyed = false;
        try {
            steps.run("prerequisites", this::prerequisites);
            steps.run("start moto", this::startMoto);
            steps.run("terraform init", this::init);
            steps.run("terraform apply", this::apply);
            steps.run("terraform plan right after apply: no changes", this::planShowsNoChanges);
            steps.run("the outputs a user relies on", this::outputs);
            steps.run("the functions as deployed", this::functionsAsDeployed);
            steps.run("the gold schedule: its rule, target and permission", this::goldSchedule);
            steps.run("the declared schema contracts, in silver before any file", this::declaredContracts);
            steps.run("bronze-ingest upload of sample-data/", this::uploadSampleData);
            Map<String, String> events = steps.run("the bronze notification's events", this::bronzeEvents);
            steps.run("the silver converter under the Lambda runtime", () -> convert(events));
            steps.run("silver: manifests, conservation, Parquet", this::checkSilver);
            steps.run("the silver catalog the converter kept", this::silverCatalog);
            steps.run("the crawler-failed rule and its target", this::crawlerFailedRule);
            String batch = steps.run("the gold trigger queue: the silver commits, and its mapping as deployed", this::goldTriggers);
            steps.run("the gold builder under the Lambda runtime", () -> buildGold(batch));
            steps.run("gold_rebuild_command with the AWS CLI", this::rebuildCommand);
            steps.run("silver_replay_command with bash, the AWS CLI and jq", this::replayCommand);
            steps.run("silver_reconvert_command after a contract change, with bash, the AWS CLI and jq", this::reconvertCommand);
            steps.run("a bronze file deleted: the converter withdraws its rows, the silver notification tells gold", this::withdrawDeletedFile);
            destroyed = true;
            steps.run("terraform destroy leaves nothing", this::destroy);
            System.out.printf(java.util.Locale.ROOT, "[rehearsal] the deploy rehearsal passed in %.0f s%n", steps.seconds());
        }
        finally {
            if (stack != null) {
                if (!destroyed && resourcesApplied > 0) {
                    // Best effort only: the emulator goes away with its resources anyway.
                    stack.destroyAfterFailure(variables);
                }
                stack.close();
            }
            if (aws != null) {
                aws.close();
            }
            if (moto != null) {
                moto.close();
            }
        }
    }

    private void prerequisites() throws Exception {
        for (Path jar : List.of(SILVER_JAR, GOLD_JAR, BRONZE_INGEST_JAR)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build the jars first (mvn -B package -DskipTests; mvn verify builds them before the"
                        + " integration tests)");
            }
        }
        Path terraform = TerraformStack.binary();
        steps.say("terraform: " + terraform + ", " + TerraformStack.version(terraform));
        steps.say("moto " + PatchedMoto.checkPrerequisites() + " (python3 on the PATH)");
        steps.say("aws-lambda-rie: " + LambdaRuntime.emulator());
        OperatorShell.prerequisites().forEach(steps::say);
        steps.say("the functions run on " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + " on "
                + System.getProperty("os.arch") + " (Lambda: java21 on arm64)");
    }

    private void startMoto() throws Exception {
        tls = EmulatorTls.create(logs);
        moto = PatchedMoto.start(ROOT, tls, logs);
        aws = new EmulatorClients(moto.endpoint(), Region.of(REGION), tls);
        accountId = aws.sts.getCallerIdentity().account();
        before = EmulatorInventory.take(aws, accountId);
        steps.say("moto at " + moto.endpoint() + " (pid " + moto.pid() + "), https with a certificate made for this run; account " + accountId);
        steps.say("before the apply it holds: " + before);
        variables = List.of("-var", "environment=" + ENVIRONMENT, "-var", "region=" + REGION, "-var", "force_destroy=true",
                "-var", "emulator_endpoint=" + moto.endpoint(), "-var", "enable_glue_catalog=true", "-var", "enable_athena=true",
                "-var", "enable_budgets=true", "-var", "gold_schedule=" + GOLD_SCHEDULE,
                // Off by default (the group may exist in a real account); on here, where it cannot, to apply it too.
                "-var", "manage_crawler_log_group=true",
                // The sample data's contracts, declared as the deploy walkthrough declares them (terraform/README.md, Deploy).
                "-var", "schema_contracts_dir=../sample-data");
    }

    private void init() throws Exception {
        stack = TerraformStack.copyOf(ROOT, logs, Map.of("AWS_ACCESS_KEY_ID", EmulatorClients.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", EmulatorClients.SECRET_KEY));
        TerraformStack.Result init = stack.run("init", List.of("init", "-no-color"));
        check(init);
        steps.say("a copy of terraform/ in " + stack.directory() + "; the AWS provider from " + stack.providerSource());
        init.output().lines().filter(line -> line.matches("^- (Installed|Using) .*")).forEach(steps::say);
    }

    private void apply() throws Exception {
        TerraformStack.Result apply = stack.run("apply", concat(List.of("apply", "-no-color", "-auto-approve"), variables));
        check(apply);
        String complete = apply.line("Apply complete!");
        steps.say(complete);
        Matcher added = Pattern.compile("Resources: (\\d+) added").matcher(complete);
        assertTrue(added.find(), "terraform apply did not say what it added:\n" + apply.errors());
        resourcesApplied = Integer.parseInt(added.group(1));
        warnings(apply);
        Map<String, Set<String>> after = EmulatorInventory.take(aws, accountId);
        Map<String, Set<String>> created = EmulatorInventory.added(before, after);
        created.forEach((kind, names) -> steps.say(kind + ": " + names.size() + " created " + names));
        for (String kind : after.keySet()) {
            if (!kind.equals("SNS subscriptions")) {
                // Every kind the inventory lists is one the stack creates: an empty one means the listing sees nothing.
                assertTrue(created.containsKey(kind), "the emulator lists no " + kind + " after the apply");
            }
        }
    }

    private void planShowsNoChanges() throws Exception {
        TerraformStack.Result plan = stack.run("plan", concat(List.of("plan", "-no-color", "-detailed-exitcode"), variables));
        if (plan.exitCode() != 0) {
            fail("terraform plan -detailed-exitcode right after apply exited " + plan.exitCode() + " (2: changes, 1: an error), log "
                    + plan.log() + ":\n" + plan.changes());
        }
        plan.output().lines().filter(line -> line.startsWith("No changes.")).forEach(steps::say);
        warnings(plan);
    }

    private void outputs() throws Exception {
        outputs = stack.outputs();
        String name = "medallion-" + ENVIRONMENT;
        JsonNode buckets = outputs.path("bucket_names");
        assertEquals(Set.of("bronze", "silver", "gold", "athena_results", "artifacts"), fieldNames(buckets), "output bucket_names");
        for (String layer : fieldNames(buckets)) {
            String bucket = buckets.path(layer).asText();
            assertEquals(name + "-" + layer.replace('_', '-') + "-" + accountId, bucket, "output bucket_names." + layer);
            aws.s3.headBucket(request -> request.bucket(bucket));
            // A deleted object's delete marker, left alone once its noncurrent versions expire, is removed
            // by a rule of its own kind: S3 refuses ExpiredObjectDeleteMarker beside Days or Date.
            var lifecycle = aws.s3.getBucketLifecycleConfiguration(request -> request.bucket(bucket)).rules();
            assertTrue(lifecycle.stream().anyMatch(rule -> "Enabled".equals(rule.statusAsString()) && rule.noncurrentVersionExpiration() != null
                            && rule.expiration() != null && Boolean.TRUE.equals(rule.expiration().expiredObjectDeleteMarker())
                            && rule.expiration().days() == null && rule.expiration().date() == null),
                    bucket + ": no enabled rule expires noncurrent versions and removes expired object delete markers: " + lifecycle);
        }
        bronze = buckets.path("bronze").asText();
        silver = buckets.path("silver").asText();
        gold = buckets.path("gold").asText();
        artifacts = buckets.path("artifacts").asText();
        steps.say("bucket_names: 5 buckets, each on the emulator, each removing expired object delete markers: " + buckets);

        JsonNode functions = outputs.path("function_names");
        JsonNode roles = outputs.path("function_role_arns");
        for (String function : List.of("silver_converter", "gold_ctas")) {
            String functionName = text(functions, function);
            FunctionConfiguration configuration = aws.lambda.getFunction(request -> request.functionName(functionName)).configuration();
            assertEquals(configuration.role(), text(roles, function), "output function_role_arns." + function + " against GetFunction's role");
        }
        steps.say("function_names and function_role_arns: " + functions + ", the roles GetFunction reports");

        JsonNode queues = outputs.path("dead_letter_queue_urls");
        // gold_schedule's dead-letter queue too: the rehearsal sets a schedule.
        List<String> deadLetterQueues = List.of("silver_converter_failures", "gold_ctas_failures", "gold_triggers_dead_letter", "crawler_failed_dead_letter",
                "gold_schedule_dead_letter");
        for (String queue : deadLetterQueues) {
            aws.sqs.getQueueAttributes(request -> request.queueUrl(text(queues, queue)).attributeNamesWithStrings("QueueArn"));
        }
        assertEquals(Set.copyOf(deadLetterQueues), fieldNames(queues), "output dead_letter_queue_urls");
        steps.say("dead_letter_queue_urls: " + deadLetterQueues.size() + " queues, each on the emulator");
        // Of the inputs here, only gold_schedule adds an alarm to the defaults' (its dead-letter queue's):
        // docs/infrastructure.md's count plus that one must be what is deployed.
        Matcher stated = Pattern.compile("With the defaults the stack has (\\d+) alarms").matcher(Files.readString(ROOT.resolve("docs/infrastructure.md")));
        assertTrue(stated.find(), "docs/infrastructure.md no longer says how many alarms the defaults deploy");
        List<String> alarms = new ArrayList<>();
        aws.callJson("monitoring", aws.region(), "GraniteServiceVersion20100801.DescribeAlarms", "1.0", Map.of("AlarmNamePrefix", name + "-", "MaxRecords", 100))
                .path("MetricAlarms").forEach(alarm -> alarms.add(alarm.path("AlarmName").asText()));
        assertEquals(Integer.parseInt(stated.group(1)) + 1, alarms.size(), "the alarms deployed, against docs/infrastructure.md and docs/cost-model.md"
                + " and the schedule's dead-letter alarm: " + alarms);
        steps.say(alarms.size() + " alarms, as docs/infrastructure.md says (with the schedule's dead-letter alarm)");
        JsonNode triggers = outputs.path("gold_trigger_queue");
        String triggerArn = aws.sqs.getQueueAttributes(request -> request.queueUrl(text(triggers, "url")).attributeNamesWithStrings("QueueArn"))
                .attributesAsStrings().get("QueueArn");
        assertEquals(text(triggers, "arn"), triggerArn, "output gold_trigger_queue's url and arn name one queue");
        // What the dead-letter alarm and terraform/README.md tell to redrive with start-message-move-task --source-arn.
        String triggerDeadLetterArn = aws.sqs.getQueueAttributes(request -> request.queueUrl(text(outputs.path("dead_letter_queue_urls"), "gold_triggers_dead_letter"))
                .attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
        assertEquals(triggerDeadLetterArn, text(triggers, "dead_letter_queue_arn"),
                "output gold_trigger_queue's dead_letter_queue_arn and dead_letter_queue_urls.gold_triggers_dead_letter name one queue");
        aws.lambda.getEventSourceMapping(request -> request.uuid(text(triggers, "event_source_mapping")));
        steps.say("gold_trigger_queue: " + triggers);

        JsonNode databases = outputs.path("glue_database_names");
        for (String layer : List.of("silver", "gold")) {
            aws.glue.getDatabase(request -> request.name(text(databases, layer)));
        }
        String crawler = text(outputs, "silver_crawler_name");
        var crawlerDefinition = aws.glue.getCrawler(request -> request.name(crawler)).crawler();
        assertEquals(text(databases, "silver"), crawlerDefinition.databaseName(), "the silver crawler's database");
        assertEquals("s3://" + silver + "/", crawlerDefinition.targets().s3Targets().get(0).path(), "the silver crawler's S3 target");
        steps.say("glue_database_names " + databases + " and silver_crawler_name " + crawler + " (on " + crawlerDefinition.databaseName() + ", "
                + crawlerDefinition.targets().s3Targets().get(0).path() + ")");

        String analysts = text(outputs, "athena_workgroup");
        String builderGroup = text(outputs, "gold_builder_workgroup");
        WorkGroupConfiguration analystConfiguration = aws.athena.getWorkGroup(request -> request.workGroup(analysts)).workGroup().configuration();
        WorkGroupConfiguration builderConfiguration = aws.athena.getWorkGroup(request -> request.workGroup(builderGroup)).workGroup().configuration();
        assertTrue(analystConfiguration.enforceWorkGroupConfiguration(), "the analysts' workgroup " + analysts + " enforces its configuration");
        assertFalse(builderConfiguration.enforceWorkGroupConfiguration(), "the gold builder's workgroup " + builderGroup + " must not enforce its"
                + " configuration: every CTAS it sends names its external_location");
        String results = buckets.path("athena_results").asText();
        assertEquals("s3://" + results + "/gold-builder/", builderConfiguration.resultConfiguration().outputLocation(), "the builder's result location");
        steps.say("athena_workgroup " + analysts + " (enforced, results at " + analystConfiguration.resultConfiguration().outputLocation()
                + ") and gold_builder_workgroup " + builderGroup + " (not enforced, results at " + builderConfiguration.resultConfiguration().outputLocation() + ")");

        aws.iam.getPolicy(request -> request.policyArn(text(outputs, "analyst_policy_arn")));
        aws.sns.getTopicAttributes(request -> request.topicArn(text(outputs, "alerts_topic_arn")));
        // terraform output -json leaves out an output whose value is null.
        assertTrue(outputs.path("kms_key_arn").isMissingNode() || outputs.path("kms_key_arn").isNull(),
                "kms_key_arn without kms_encryption: " + outputs.path("kms_key_arn"));
        steps.say("analyst_policy_arn and alerts_topic_arn on the emulator; kms_key_arn null (SSE-S3)");

        // Every command names the stack's region: the AWS CLI's own may be another, where none of this exists.
        assertEquals("aws s3 cp ../sample-data/customers/customers.csv s3://" + bronze + "/customers/customers.csv --region " + REGION, text(outputs, "first_file_command"));
        // The command runs from terraform/, as its README says: the file it uploads is the repository's.
        assertTrue(Files.isRegularFile(ROOT.resolve("terraform").resolve("../sample-data/customers/customers.csv").normalize()), "first_file_command's file");
        assertEquals("aws glue start-crawler --name " + crawler + " --region " + REGION, text(outputs, "silver_crawl_command"));
        String query = text(outputs, "first_query_command");
        assertTrue(query.startsWith("aws athena start-query-execution --work-group " + analysts + " "), query);
        assertTrue(query.contains("FROM " + text(databases, "silver") + ".customers "), query);
        assertTrue(query.endsWith(" --region " + REGION), query);
        String rebuild = text(outputs, "gold_rebuild_command");
        assertTrue(rebuild.contains("--function-name " + text(functions, "gold_ctas") + " "), rebuild);
        assertTrue(rebuild.contains("--invocation-type Event"), "the rebuild must be asynchronous, so that Lambda retries it while another build holds the lease: " + rebuild);
        assertTrue(rebuild.contains(" --region " + REGION + " "), rebuild);
        List<String> shipped = shippedModels();
        for (JsonNode model : rebuildPayload().path("models")) {
            assertTrue(shipped.contains(model.asText()), "the rebuild command names " + model + ", which gold-ctas.jar does not ship " + shipped);
        }
        // The gold query reads a shipped model's view (the model's name) in the gold database, in the analysts' workgroup.
        String goldQuery = text(outputs, "first_gold_query_command");
        Matcher view = Pattern.compile("FROM " + Pattern.quote(text(databases, "gold")) + "\\.(\\w+) ").matcher(goldQuery);
        assertTrue(view.find(), "first_gold_query_command must query a view of the gold database " + text(databases, "gold") + ": " + goldQuery);
        assertTrue(shipped.contains(view.group(1)), "first_gold_query_command queries " + view.group(1) + ", which gold-ctas.jar does not ship " + shipped);
        assertEquals(query.replace("FROM " + text(databases, "silver") + ".customers ", "FROM " + text(databases, "gold") + "." + view.group(1) + " "), goldQuery,
                "first_gold_query_command queries gold as first_query_command queries silver");
        steps.say("first_file_command, silver_crawl_command, first_query_command, first_gold_query_command and gold_rebuild_command name these resources"
                + " (the rebuild's payload " + rebuildPayload() + " and the gold query's view " + view.group(1) + " name a model the jar ships)");
    }

    private void functionsAsDeployed() throws Exception {
        String converterName = text(outputs.path("function_names"), "silver_converter");
        converter = readBack(converterName, converterTarget(converterName), "silver-converter", SILVER_JAR);
        String builderName = text(outputs.path("function_names"), "gold_ctas");
        builder = readBack(builderName, builderTarget(builderName), "gold-ctas", GOLD_JAR);
        assertEquals(Optional.empty(), builder.reservedConcurrency(), "the gold builder reserves no concurrency (new accounts cannot): its lease serialises builds");
        assertEquals(Optional.empty(), converter.reservedConcurrency(), "the converter's reserved concurrency (unreserved by default)");
        assertEquals(text(outputs.path("glue_database_names"), "silver"), environment(builder).get("SILVER_DATABASE"));
        assertEquals(text(outputs, "gold_builder_workgroup"), environment(builder).get("ATHENA_WORKGROUP"));
        assertEquals(text(outputs.path("glue_database_names"), "silver"), environment(converter).get("SILVER_DATABASE"));
        assertEquals(silver, environment(converter).get("SILVER_BUCKET"));
    }

    /**
     * What the bronze notification invokes: one target for every rule, and with SnapStart (on by default)
     * the alias {@code live} of the converter's latest published version, whose SnapStart is on.
     */
    private String converterTarget(String name) {
        List<String> targets = NotificationRules.of(aws.s3.getBucketNotificationConfiguration(request -> request.bucket(bronze))).rules().stream()
                .map(NotificationRules.Rule::functionArn).distinct().toList();
        assertEquals(1, targets.size(), "the bronze notification's rules target " + targets);
        String target = targets.get(0);
        assertEquals(liveAlias(name).aliasArn(), target, "the bronze notification targets the alias live (silver_converter_snapstart), not $LATEST or the bare function");
        steps.say("the bronze notification targets " + target);
        return target;
    }

    /**
     * What the gold trigger queue's event source mapping invokes: with SnapStart (gold_ctas_snapstart, on by
     * default) the alias {@code live} of the builder's latest published version, whose SnapStart is on; the
     * rebuild command invokes the same alias. The schedule's target and permission are checked against it
     * in {@link #goldSchedule}.
     */
    private String builderTarget(String name) {
        String uuid = text(outputs.path("gold_trigger_queue"), "event_source_mapping");
        String target = aws.lambda.getEventSourceMapping(request -> request.uuid(uuid)).functionArn();
        GetAliasResponse alias = liveAlias(name);
        assertEquals(alias.aliasArn(), target, "the gold trigger queue's mapping invokes the alias live (gold_ctas_snapstart), not $LATEST or the bare function");
        String rebuild = text(outputs, "gold_rebuild_command");
        assertTrue(rebuild.contains("--function-name " + name + " --qualifier " + alias.name() + " "),
                "gold_rebuild_command must invoke the alias " + alias.name() + ", where its retries and on-failure queue are: " + rebuild);
        steps.say("the gold trigger queue's mapping targets " + target + "; gold_rebuild_command invokes --qualifier " + alias.name());
        return target;
    }

    /** The alias live of a function: it must follow the latest published version, whose SnapStart is on. */
    private GetAliasResponse liveAlias(String name) {
        GetAliasResponse alias = aws.lambda.getAlias(request -> request.functionName(name).name(LIVE));
        List<String> versions = aws.lambda.listVersionsByFunction(request -> request.functionName(name)).versions().stream()
                .map(FunctionConfiguration::version).filter(version -> !version.equals("$LATEST")).toList();
        assertFalse(versions.isEmpty(), name + " has no published version");
        assertEquals(versions.get(versions.size() - 1), alias.functionVersion(), name + ": the alias live follows the latest published version " + versions);
        FunctionConfiguration version = aws.lambda.getFunction(request -> request.functionName(name).qualifier(alias.functionVersion())).configuration();
        assertEquals(SnapStartApplyOn.PUBLISHED_VERSIONS, version.snapStart().applyOn(), name + " version " + alias.functionVersion() + ": " + version.snapStart());
        assertEquals(SnapStartOptimizationStatus.ON, version.snapStart().optimizationStatus(), name + " version " + alias.functionVersion() + ": " + version.snapStart());
        steps.say(name + ": alias " + LIVE + " -> version " + alias.functionVersion() + " of " + versions + ", SnapStart " + version.snapStart().applyOnAsString()
                + " / " + version.snapStart().optimizationStatusAsString() + " (no snapshot here: the emulator starts a JVM)");
        return alias;
    }

    private Deployed readBack(String name, String invoked, String module, Path jar) throws Exception {
        GetFunctionResponse function = aws.lambda.getFunction(request -> request.functionName(invoked));
        FunctionConfiguration configuration = function.configuration();
        assertEquals(name, configuration.functionName(), invoked + " is not the function " + name);
        // The key Terraform uploaded the jar under (functions.tf, gold.tf), and where moto says the code came from.
        String key = module + "/" + module + "-" + HexFormat.of().formatHex(sha256(jar)) + ".jar";
        String location = URLDecoder.decode(URI.create(function.code().location()).getRawPath().substring(1), StandardCharsets.UTF_8);
        assertEquals(key, location, name + ": the code's location (GetFunction) against the key Terraform uploads the built jar under");
        Path code = Files.createDirectories(logs.resolve("code")).resolve(name + ".jar");
        ResponseBytes<GetObjectResponse> object = aws.s3.getObjectAsBytes(request -> request.bucket(artifacts).key(key));
        Files.write(code, object.asByteArray());
        assertEquals(HexFormat.of().formatHex(sha256(jar)), HexFormat.of().formatHex(sha256(code)),
                name + ": the code in s3://" + artifacts + "/" + key + " is not the built " + jar);
        assertEquals(Base64.getEncoder().encodeToString(sha256(code)), configuration.codeSha256(), name + ": CodeSha256 against the uploaded object");

        assertTrue(configuration.runtimeAsString().startsWith("java"), name + ": runtime " + configuration.runtimeAsString());
        int runtimeVersion = Integer.parseInt(configuration.runtimeAsString().replaceAll("\\D", ""));
        String handlerClass = configuration.handler().split("::")[0];
        int bytecode = classFileVersion(code, handlerClass.replace('.', '/') + ".class");
        assertTrue(bytecode - 44 <= runtimeVersion, name + ": " + handlerClass + " is Java " + (bytecode - 44) + " bytecode, newer than runtime "
                + configuration.runtimeAsString());
        List<String> architectures = configuration.architecturesAsStrings();
        assertEquals(1, architectures.size(), name + ": architectures " + architectures);
        String nativeArchitecture = architectures.get(0).equals("arm64") ? "aarch64" : "x86_64";
        List<String> linuxNatives = entries(code).stream().filter(entry -> entry.contains("/Linux/") && entry.endsWith(".so")).toList();
        assertTrue(linuxNatives.isEmpty() || linuxNatives.stream().anyMatch(entry -> entry.contains("/Linux/" + nativeArchitecture + "/")),
                name + ": the jar carries Linux native libraries " + linuxNatives + " but none for " + architectures.get(0));

        Map<String, String> environment = environment(configuration);
        Set<String> reserved = new TreeSet<>(environment.keySet());
        reserved.retainAll(RESERVED);
        assertTrue(reserved.isEmpty(), name + ": the environment sets variables Lambda reserves: " + reserved);

        String roleName = configuration.role().substring(configuration.role().lastIndexOf('/') + 1);
        var role = aws.iam.getRole(request -> request.roleName(roleName)).role();
        String trust = URLDecoder.decode(role.assumeRolePolicyDocument(), StandardCharsets.UTF_8);
        assertTrue(trust.contains("lambda.amazonaws.com"), name + ": the role " + roleName + " does not trust lambda.amazonaws.com: " + trust);
        List<String> policies = aws.iam.listRolePolicies(request -> request.roleName(roleName)).policyNames();
        assertFalse(policies.isEmpty(), name + ": the role " + roleName + " has no inline policy");

        Optional<Integer> reservedConcurrency = Optional.ofNullable(function.concurrency()).map(concurrency -> concurrency.reservedConcurrentExecutions());
        // Retries and the on-failure destination are set per qualifier: read them on what is invoked.
        GetFunctionEventInvokeConfigResponse invokeConfig = aws.lambda.getFunctionEventInvokeConfig(request -> request.functionName(invoked));
        String failureQueue = invokeConfig.destinationConfig().onFailure().destination();
        assertTrue(failureQueue.endsWith(":" + name + "-failures"), name + ": on-failure destination " + failureQueue);
        steps.say(invoked + ": " + configuration.handler() + ", " + configuration.runtimeAsString() + " on " + architectures.get(0) + ", "
                + configuration.memorySize() + " MB, " + configuration.timeout() + " s, reserved concurrency " + reservedConcurrency.map(String::valueOf).orElse("none")
                + ", role " + roleName + " (trusts Lambda; inline " + policies + "), " + invokeConfig.maximumRetryAttempts() + " retries then "
                + failureQueue);
        steps.say(name + ": code s3://" + artifacts + "/" + key + " = the built jar (" + Files.size(code) + " bytes, CodeSha256 " + configuration.codeSha256()
                + "), handler class Java " + (bytecode - 44) + " bytecode" + (linuxNatives.isEmpty() ? "" : ", Linux natives for " + nativeArchitecture));
        steps.say(name + ": environment " + new TreeMap<>(environment));
        return new Deployed(name, invoked, configuration, reservedConcurrency, code);
    }

    private void uploadSampleData() throws Exception {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(tls.jvmOptions());
        command.addAll(List.of("-jar", BRONZE_INGEST_JAR.toString(), "upload"));
        DATASETS.forEach(dataset -> command.add(SAMPLE_DATA.resolve(dataset).toString()));
        command.addAll(List.of("--bucket", bronze));
        Path log = logs.resolve("bronze-ingest.log");
        ProcessBuilder process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        process.environment().keySet().removeIf(variable -> variable.startsWith("AWS_"));
        process.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", EmulatorClients.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", EmulatorClients.SECRET_KEY,
                "AWS_REGION", REGION, "AWS_ENDPOINT_URL", moto.endpoint().toString()));
        Process upload = process.start();
        if (!upload.waitFor(5, TimeUnit.MINUTES) || upload.exitValue() != 0) {
            upload.destroyForcibly();
            fail("bronze-ingest upload failed:\n" + Files.readString(log));
        }
        Files.readAllLines(log).forEach(steps::say);
        for (String key : NOT_CONVERTED) {
            aws.s3.putObject(request -> request.bucket(bronze).key(key), software.amazon.awssdk.core.sync.RequestBody.fromString("not for the converter\n"));
            steps.say("put s3://" + bronze + "/" + key + " (a key the converter must not convert)");
        }
    }

    /**
     * gold_schedule's rule: its expression, its one target the builder as its other invokers target it (the
     * alias live with SnapStart), and the permission EventBridge needs on that same qualifier.
     */
    private void goldSchedule() throws Exception {
        String name = goldScheduleRule();
        DescribeRuleResponse rule = aws.events.describeRule(request -> request.name(name));
        assertEquals(GOLD_SCHEDULE, rule.scheduleExpression(), name + "'s schedule");
        assertEquals("ENABLED", rule.stateAsString(), name);
        List<Target> targets = aws.events.listTargetsByRule(request -> request.rule(name)).targets();
        assertEquals(List.of(builder.invoked()), targets.stream().map(Target::arn).toList(), name + "'s targets");
        checkInvokePermission(builder, "events.amazonaws.com", rule.arn(), false);
        steps.say(name + ": " + rule.scheduleExpression() + ", its one target " + targets.get(0).arn());
    }

    private static String goldScheduleRule() {
        return "medallion-" + ENVIRONMENT + "-gold-schedule";
    }

    /** The event the deployed notification sends for each bronze object it delivers, by key, in key order. */
    private Map<String, String> bronzeEvents() throws Exception {
        var configuration = aws.s3.getBucketNotificationConfiguration(request -> request.bucket(bronze));
        NotificationRules rules = NotificationRules.of(configuration);
        assertFalse(rules.rules().isEmpty(), "the bronze bucket has no Lambda notification");
        for (NotificationRules.Rule rule : rules.rules()) {
            assertEquals(converter.invoked(), rule.functionArn(), "the function rule " + rule.id() + " invokes");
        }
        assertEquals(List.of(""), rules.rules().stream().map(NotificationRules.Rule::suffix).toList(), "one rule with no suffix filter: every key reaches the converter");
        steps.say("the bronze notification: " + rules.rules().size() + " rule, " + rules.rules().get(0).events() + " to " + converter.name() + ", on every key");
        checkInvokePermission(converter, "s3.amazonaws.com", "arn:aws:s3:::" + bronze, true);
        assertEquals(1, rules.deliveries("customers/customers.csv", "ObjectCreated:Put").size(), "first_file_command's key is delivered");

        S3ObjectStore store = new S3ObjectStore(aws.s3, bronze);
        Set<String> expected = new TreeSet<>(SAMPLE_COUNTS.keySet());
        expected.addAll(NOT_CONVERTED);
        assertEquals(expected, new TreeSet<>(store.list("")), "the bronze bucket after the upload");
        Map<String, String> events = new TreeMap<>();
        for (String key : new TreeSet<>(store.list(""))) {
            ObjectInfo object = store.stat(key).orElseThrow();
            // A multipart upload's ETag ends in -<parts>, and S3 names its event CompleteMultipartUpload.
            String eventName = object.etag().contains("-") ? "ObjectCreated:CompleteMultipartUpload" : "ObjectCreated:Put";
            List<NotificationRules.Rule> deliveries = rules.deliveries(key, eventName);
            assertEquals(1, deliveries.size(), key + " (" + eventName + ") must be delivered by exactly one rule: " + deliveries);
            events.put(key, S3Notifications.objectCreated(REGION, eventName, deliveries.get(0).id(), bronze, object));
            steps.say(key + ": " + eventName + ", delivered by rule " + deliveries.get(0).id());
        }
        return events;
    }

    /**
     * schema_contracts_dir = "../sample-data": each sample dataset's contract in silver at its key, byte for byte
     * the repository's file, and nothing else under _schemas/, before any file is uploaded.
     */
    private void declaredContracts() throws Exception {
        S3ObjectStore store = new S3ObjectStore(aws.s3, silver);
        assertEquals(DATASETS.stream().map(dataset -> "_schemas/" + dataset + ".json").toList(), store.list("_schemas/"), "the declared contracts");
        for (String dataset : DATASETS) {
            assertArrayEquals(Files.readAllBytes(SAMPLE_DATA.resolve(dataset + ".json")), store.read("_schemas/" + dataset + ".json").orElseThrow(),
                    "_schemas/" + dataset + ".json against sample-data/" + dataset + ".json");
        }
        assertEquals(List.of(), store.list("_manifests/"), "nothing converted yet");
        steps.say("silver holds the declared contracts " + store.list("_schemas/") + ", each the repository's sample-data/<dataset>.json");
    }

    /**
     * The messy March file first (S3 converts files uploaded together in no set order; this is the order
     * that, without declared contracts, typed sales' quantity as string), then the others in key order.
     */
    private static Map<String, String> messyFirst(Map<String, String> events) {
        Map<String, String> ordered = new LinkedHashMap<>();
        ordered.put(MESSY, Objects.requireNonNull(events.get(MESSY), "no event for " + MESSY));
        ordered.putAll(events);
        return ordered;
    }

    private void convert(Map<String, String> keyOrder) throws Exception {
        Map<String, String> events = messyFirst(keyOrder);
        try (LambdaRuntime runtime = LambdaRuntime.start(converter.asRuntimeFunction(), platform(converter), tls.jvmOptions(), logs)) {
            for (Map.Entry<String, String> event : events.entrySet()) {
                LambdaRuntime.Invocation invocation = runtime.invoke(event.getValue());
                assertFalse(invocation.functionError(), converter.name() + " failed on " + event.getKey() + ": " + invocation.payload() + "\n" + runtime.log());
                String outcome = NOT_CONVERTED.contains(event.getKey()) ? "skipped" : "converted";
                assertEquals("[\"" + outcome + " s3://" + bronze + "/" + event.getKey() + "\"]", invocation.payload(), converter.name() + " on " + event.getKey());
                steps.say(event.getKey() + ": " + invocation.payload());
            }
            String first = events.keySet().iterator().next();
            LambdaRuntime.Invocation redelivery = runtime.invoke(events.get(first));
            assertEquals("[\"unchanged s3://" + bronze + "/" + first + "\"]", redelivery.payload(), "a redelivery of " + first);
            steps.say("redelivered " + first + ": " + redelivery.payload());
            String log = runtime.log();
            String toolOptions = environment(converter).get("JAVA_TOOL_OPTIONS");
            assertTrue(log.contains("Picked up JAVA_TOOL_OPTIONS: " + toolOptions), "the converter's JVM did not pick up its JAVA_TOOL_OPTIONS:\n" + log);
            steps.say("the JVM picked up JAVA_TOOL_OPTIONS " + toolOptions);
            int created = count(log, "\"silver table created\"");
            assertEquals(DATASETS.size(), created, "the converter creates each dataset's table once:\n" + log);
            // Only the files it does not convert, each said once (a table differing from its contract, say, would be another).
            assertEquals(NOT_CONVERTED.size(), count(log, "\"level\":\"WARN\""), "a warning other than the files not converted:\n" + log);
            assertEquals(NOT_CONVERTED.size(), count(log, "\"source object not converted: "), "each file not converted said once:\n" + log);
            assertEquals(0, count(log, "\"schemaContractDefined\""), "every dataset's contract is declared: no file defines one:\n" + log);
            steps.say("the converter created " + created + " silver tables in the Glue catalog and registered their partitions");
        }
    }

    private void checkSilver() throws Exception {
        S3ObjectStore store = new S3ObjectStore(aws.s3, silver);
        List<String> keys = store.list("");
        List<String> manifests = keys.stream().filter(key -> key.startsWith("_manifests/")).toList();
        assertEquals(SAMPLE_COUNTS.size(), manifests.size(), "one manifest per converted file: " + manifests);
        Set<String> parquetInManifests = new TreeSet<>();
        Path parts = Files.createDirectories(logs.resolve("silver"));
        long rowsReadBack = 0;
        for (String manifestKey : manifests) {
            JsonNode manifest = JSON.readTree(store.read(manifestKey).orElseThrow());
            String source = manifest.path("source").path("key").asText();
            List<Long> expected = SAMPLE_COUNTS.get(source);
            assertNotNull(expected, manifestKey + " describes " + source + ", which is not a sample file");
            long read = manifest.path("rowsRead").asLong();
            long written = manifest.path("rowsWritten").asLong();
            long quarantined = manifest.path("rowsQuarantined").asLong();
            assertEquals("converted", manifest.path("status").asText(), manifestKey);
            assertEquals(read, written + quarantined, manifestKey + ": rows read must equal rows written plus quarantined");
            assertEquals(expected, List.of(read, written, quarantined), source + ": rows read, written, quarantined as sample-data/README.md documents");
            long partRows = 0;
            for (JsonNode part : manifest.path("parts")) {
                String key = part.path("key").asText();
                parquetInManifests.add(key);
                Path local = parts.resolve(key.replace('/', '_'));
                Files.write(local, store.read(key).orElseThrow(() -> new AssertionError(manifestKey + " names " + key + ", which is not in silver")));
                long records = ParquetTestFiles.readAll(local).size();
                assertEquals(part.path("rows").asLong(), records, key + ": records read back against the manifest");
                partRows += records;
            }
            assertEquals(written, partRows, source + ": Parquet records read back against rows written");
            rowsReadBack += partRows;
            if (quarantined > 0) {
                String quarantine = manifest.path("quarantine").path("key").asText();
                assertTrue(store.stat(quarantine).isPresent(), source + ": its quarantine file " + quarantine);
            }
            steps.say(source + ": read " + read + ", written " + written + ", quarantined " + quarantined + "; " + manifest.path("parts").size()
                    + " Parquet part(s), " + partRows + " records read back");
        }
        assertEquals(parquetInManifests, new TreeSet<>(keys.stream().filter(key -> key.endsWith(".parquet")).toList()),
                "every Parquet file in silver is a part a manifest names");
        for (String dataset : DATASETS) {
            // The converter never changes a contract: the declared ones are as Terraform put them.
            assertArrayEquals(Files.readAllBytes(SAMPLE_DATA.resolve(dataset + ".json")), store.read("_schemas/" + dataset + ".json").orElseThrow(),
                    "the schema contract of " + dataset + ", as declared");
        }
        steps.say(manifests.size() + " manifests, " + parquetInManifests.size() + " Parquet parts (" + rowsReadBack + " records), schema contracts "
                + DATASETS);
    }

    private void silverCatalog() throws Exception {
        String database = text(outputs.path("glue_database_names"), "silver");
        S3ObjectStore store = new S3ObjectStore(aws.s3, silver);
        for (String dataset : DATASETS) {
            JsonNode contract = JSON.readTree(store.read("_schemas/" + dataset + ".json").orElseThrow());
            List<String> contractColumns = new ArrayList<>();
            contract.path("columns").forEach(column -> contractColumns.add(column.path("name").asText() + " " + column.path("type").asText()));
            Table table = aws.glue.getTable(request -> request.databaseName(database).name(dataset)).table();
            assertEquals(contractColumns, table.storageDescriptor().columns().stream().map(column -> column.name() + " " + column.type()).toList(),
                    database + "." + dataset + ": the columns against _schemas/" + dataset + ".json");
            assertEquals(List.of("ingest_date string"), table.partitionKeys().stream().map(column -> column.name() + " " + column.type()).toList(),
                    database + "." + dataset + ": the partition key");
            assertEquals("s3://" + silver + "/" + dataset + "/", table.storageDescriptor().location(), database + "." + dataset + ": the location");
            assertEquals("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", table.storageDescriptor().serdeInfo().serializationLibrary(),
                    database + "." + dataset + ": the serde");
            Set<String> written = new TreeSet<>();
            for (String key : store.list(dataset + "/")) {
                Matcher date = Pattern.compile("^" + dataset + "/ingest_date=([0-9-]+)/.*\\.parquet$").matcher(key);
                if (date.find()) {
                    written.add(date.group(1));
                }
            }
            assertFalse(written.isEmpty(), dataset + ": no Parquet part in silver");
            Map<String, String> registered = new TreeMap<>();
            for (var page : aws.glue.getPartitionsPaginator(request -> request.databaseName(database).tableName(dataset))) {
                page.partitions().forEach(partition -> registered.put(String.join("/", partition.values()), partition.storageDescriptor().location()));
            }
            assertEquals(written, registered.keySet(), database + "." + dataset + ": the partitions registered against the days written");
            registered.forEach((date, location) -> assertEquals("s3://" + silver + "/" + dataset + "/ingest_date=" + date + "/", location,
                    database + "." + dataset + " partition " + date));
            steps.say(database + "." + dataset + ": " + contractColumns.size() + " columns as _schemas/" + dataset + ".json says, partitions "
                    + registered.keySet() + " at their folders");
        }
    }


    private void addPartition(String database, String dataset, String date) {
        aws.glue.createPartition(request -> request.databaseName(database).tableName(dataset).partitionInput(partition -> partition
                .values(date)
                .storageDescriptor(descriptor -> descriptor.location("s3://" + silver + "/" + dataset + "/ingest_date=" + date + "/"))));
    }

    private void crawlerFailedRule() throws Exception {
        String crawler = text(outputs, "silver_crawler_name");
        assertTrue(aws.glue.listCrawls(request -> request.crawlerName(crawler)).crawls().isEmpty(), "the converter starts no crawl");
        String topic = text(outputs, "alerts_topic_arn");
        List<String> rules = aws.events.listRuleNamesByTarget(request -> request.targetArn(topic)).ruleNames();
        assertEquals(1, rules.size(), "EventBridge rules sending to the alert topic " + topic + ": " + rules);
        DescribeRuleResponse rule = aws.events.describeRule(request -> request.name(rules.get(0)));
        assertEquals("ENABLED", rule.stateAsString(), rule.name());
        assertEquals("default", rule.eventBusName(), rule.name() + ": Glue sends its events to the default bus");
        List<Target> targets = aws.events.listTargetsByRule(request -> request.rule(rule.name())).targets();
        assertEquals(1, targets.size(), rule.name() + " targets " + targets);
        assertEquals(topic, targets.get(0).arn(), rule.name() + "'s target");
        assertNotNull(targets.get(0).inputTransformer(), rule.name() + " sends the alert topic one readable line: " + targets.get(0));
        // What it cannot deliver goes to its dead-letter queue, after an hour of retries at most.
        Map<String, String> deadLetter = aws.sqs.getQueueAttributes(request -> request.queueUrl(text(outputs.path("dead_letter_queue_urls"), "crawler_failed_dead_letter"))
                .attributeNamesWithStrings("QueueArn", "Policy")).attributesAsStrings();
        String deadLetterArn = deadLetter.get("QueueArn");
        assertNotNull(targets.get(0).deadLetterConfig(), rule.name() + "'s target has no dead-letter queue: " + targets.get(0));
        assertEquals(deadLetterArn, targets.get(0).deadLetterConfig().arn(), rule.name() + "'s dead-letter queue");
        assertNotNull(targets.get(0).retryPolicy(), rule.name() + "'s target has no retry policy: " + targets.get(0));
        assertEquals(3600, targets.get(0).retryPolicy().maximumEventAgeInSeconds(), rule.name() + "'s retry policy");
        JsonNode queuePolicy = JSON.readTree(deadLetter.get("Policy"));
        assertEquals(rule.arn(), queuePolicy.path("Statement").path(0).path("Condition").path("ArnEquals").path("aws:SourceArn").asText(),
                "the dead-letter queue takes messages from " + rule.name() + " only: " + queuePolicy);
        // No crawl triggers gold any more: the schedule's is the one rule that targets the builder (goldSchedule).
        assertEquals(List.of(goldScheduleRule()), aws.events.listRuleNamesByTarget(request -> request.targetArn(builder.invoked())).ruleNames(),
                "the rules targeting " + builder.invoked());
        steps.say(rule.name() + " on the default bus, pattern " + rule.eventPattern() + ", its one target the alert topic, with its dead-letter queue "
                + deadLetterArn + " and " + targets.get(0).retryPolicy() + "; no crawl rule targets " + builder.name());

        Instant now = Instant.now();
        Map<String, Boolean> expectations = new LinkedHashMap<>();
        expectations.put(GlueEvents.crawlerStateChange(accountId, REGION, crawler, "Failed", 0, now), true);
        expectations.put(GlueEvents.crawlerStateChange(accountId, REGION, crawler, "Succeeded", 4, now), false);
        expectations.put(GlueEvents.crawlerStateChange(accountId, REGION, crawler + "-other", "Failed", 0, now), false);
        for (Map.Entry<String, Boolean> expectation : expectations.entrySet()) {
            JsonNode event = JSON.readTree(expectation.getKey());
            boolean matches = aws.events.testEventPattern(request -> request.eventPattern(rule.eventPattern()).event(expectation.getKey())).result();
            String what = event.path("detail").path("crawlerName").asText() + " " + event.path("detail").path("state").asText();
            assertEquals(expectation.getValue(), matches, "TestEventPattern of " + rule.name() + " for a crawl of " + what);
            steps.say("TestEventPattern: a crawl of " + what + (matches ? " matches" : " does not match"));
        }
    }

    /** The gold trigger queue's messages, as the mapping would receive them, and the SQS event it would send. */
    private String goldTriggers() throws Exception {
        JsonNode queue = outputs.path("gold_trigger_queue");
        String url = text(queue, "url");
        String arn = text(queue, "arn");
        String uuid = text(queue, "event_source_mapping");
        var mapping = aws.lambda.getEventSourceMapping(request -> request.uuid(uuid));
        assertEquals(arn, mapping.eventSourceArn(), "the mapping's queue");
        assertEquals(builder.invoked(), mapping.functionArn(), "the mapping's function: the builder as its invokers target it");
        assertEquals(10000, mapping.batchSize(), "the mapping's batch size");
        assertEquals(300, mapping.maximumBatchingWindowInSeconds(), "the mapping's batching window");
        assertEquals(List.of("ReportBatchItemFailures"), mapping.functionResponseTypesAsStrings(), "partial batch responses");
        assertEquals(2, mapping.scalingConfig().maximumConcurrency(), "the mapping's maximum concurrency");
        // By the ARN Terraform created the mapping with: moto 5.2.1 filters on the name the mapping was
        // created with, where Lambda accepts either.
        List<String> mappings = aws.lambda.listEventSourceMappings(request -> request.functionName(builder.invoked())).eventSourceMappings().stream()
                .map(listed -> listed.uuid()).toList();
        assertEquals(List.of(uuid), mappings, builder.name() + "'s event source mappings");
        steps.say("event source mapping " + uuid + ": " + arn + " -> " + builder.invoked() + ", batches of " + mapping.batchSize() + " over "
                + mapping.maximumBatchingWindowInSeconds() + " s, " + mapping.functionResponseTypesAsStrings() + ", at most "
                + mapping.scalingConfig().maximumConcurrency() + " at once");

        Map<String, String> attributes = aws.sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNamesWithStrings("All")).attributesAsStrings();
        int visibility = Integer.parseInt(attributes.get("VisibilityTimeout"));
        assertTrue(visibility >= mapping.maximumBatchingWindowInSeconds() + builder.configuration().timeout(),
                "the queue's visibility timeout " + visibility + " s must cover the batching window and the build");
        String deadLetters = aws.sqs.getQueueAttributes(request -> request.queueUrl(text(outputs.path("dead_letter_queue_urls"), "gold_triggers_dead_letter"))
                .attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
        JsonNode redrive = JSON.readTree(attributes.get("RedrivePolicy"));
        assertEquals(deadLetters, redrive.path("deadLetterTargetArn").asText(), "the trigger queue's dead-letter queue");
        JsonNode policy = JSON.readTree(attributes.get("Policy"));
        assertEquals(1, policy.path("Statement").size(), "the trigger queue's policy: " + policy);
        JsonNode send = policy.path("Statement").get(0);
        assertEquals("s3.amazonaws.com", send.path("Principal").path("Service").asText(), "who may send: " + send);
        assertEquals("arn:aws:s3:::" + silver, send.path("Condition").path("ArnEquals").path("aws:SourceArn").asText(), "from which bucket: " + send);
        assertEquals(accountId, send.path("Condition").path("StringEquals").path("aws:SourceAccount").asText(), "from which account: " + send);
        steps.say(url + ": visibility timeout " + visibility + " s, dead-letter queue after " + redrive.path("maxReceiveCount").asText()
                + " deliveries, only s3://" + silver + " of " + accountId + " may send");

        var notification = aws.s3.getBucketNotificationConfiguration(request -> request.bucket(silver));
        assertTrue(notification.lambdaFunctionConfigurations().isEmpty() && notification.topicConfigurations().isEmpty(), "silver notifies only the queue");
        assertEquals(2, notification.queueConfigurations().size(), "the silver bucket's notifications, of commits and of swept parts: " + notification);
        notification.queueConfigurations().forEach(rule -> assertEquals(arn, rule.queueArn(), "where " + rule + " sends"));

        // What moto delivered to the queue while the converter committed the sample data.
        List<Message> messages = new ArrayList<>();
        while (true) {
            List<Message> received = aws.sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .messageSystemAttributeNamesWithStrings("All")).messages();
            if (received.isEmpty()) {
                break;
            }
            messages.addAll(received);
        }
        List<String> committed = new ArrayList<>();
        List<String> swept = new ArrayList<>();
        int testEvents = 0;
        for (Message message : messages) {
            JsonNode body = JSON.readTree(message.body());
            if ("s3:TestEvent".equals(body.path("Event").asText())) {
                testEvents++;
                continue;
            }
            for (JsonNode record : body.path("Records")) {
                assertEquals(silver, record.path("s3").path("bucket").path("name").asText());
                String key = URLDecoder.decode(record.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8);
                if (record.path("eventName").asText().startsWith("ObjectRemoved:")) {
                    // A data part a sweep deleted after a commit that replaced its file.
                    assertTrue(key.endsWith(".parquet") && !key.startsWith("_"), "a removal of " + key + " sent: " + record);
                    swept.add(key);
                    continue;
                }
                assertTrue(record.path("eventName").asText().startsWith("ObjectCreated:"), "an event of " + record);
                committed.add(key);
            }
        }
        List<String> manifests = new S3ObjectStore(aws.s3, silver).list("_manifests/");
        assertEquals(manifests, committed.stream().sorted().toList(), "the messages in the gold trigger queue against the manifests in silver: one per commit");
        assertTrue(testEvents <= 1, testEvents + " S3 test events");
        triggerMessages = messages;
        steps.say(messages.size() + " message(s) in " + url + ": " + committed.size() + " commit(s), exactly the manifests (no Parquet part, schema or"
                + " quarantine file), " + swept.size() + " swept part(s) and " + testEvents + " S3 test event");
        return SqsEvents.batch(arn, REGION, messages);
    }

    private void buildGold(String batch) throws Exception {
        String builderGroup = text(outputs, "gold_builder_workgroup");
        String analysts = text(outputs, "athena_workgroup");
        String silverDatabase = text(outputs.path("glue_database_names"), "silver");
        String goldDatabase = text(outputs.path("glue_database_names"), "gold");
        String queue = text(outputs.path("gold_trigger_queue"), "url");
        S3ObjectStore goldStore = new S3ObjectStore(aws.s3, gold);
        List<String> models = shippedModels();
        try (LambdaRuntime runtime = LambdaRuntime.start(builder.asRuntimeFunction(), platform(builder), tls.jvmOptions(), logs)) {
            LambdaRuntime.Invocation invocation = runtime.invoke(batch);
            assertFalse(invocation.functionError(), builder.name() + " failed on the batch: " + invocation.payload() + "\n" + tail(runtime));
            assertEquals(JSON.readTree("{\"batchItemFailures\":[]}"), JSON.readTree(invocation.payload()), "the partial batch response: nothing to deliver again");
            // The mapping deletes what the builder did not hand back: here, every message.
            for (Message message : triggerMessages) {
                aws.sqs.deleteMessage(request -> request.queueUrl(queue).receiptHandle(message.receiptHandle()));
            }
            Map<String, String> left = aws.sqs.getQueueAttributes(request -> request.queueUrl(queue)
                    .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
            assertEquals(Map.of("ApproximateNumberOfMessages", "0", "ApproximateNumberOfMessagesNotVisible", "0"), left, "the trigger queue after the batch");
            String log = tail(runtime);
            assertTrue(log.contains("\"commits\":" + (int) triggerMessages.stream().filter(message -> message.body().contains("\"Records\"")).count()),
                    "the builder logs the batch's commits:\n" + log);
            Map<String, String> first = new LinkedHashMap<>();
            for (String model : models) {
                JsonNode state = JSON.readTree(goldStore.read("_state/" + model + ".json").orElseThrow(() -> new AssertionError(model + ": no build state in " + gold + "\n" + log)));
                first.put(model, state.path("current").path("buildId").asText());
            }
            assertFalse(goldStore.stat("_lease/build.json").isPresent(), "the build lease is released");
            steps.say("the batch -> " + builder.name() + ": " + invocation.payload() + ", every model built " + first + ", the lease released, the queue empty");

            List<QueryExecution> queries = queries(Optional.of(builderGroup));
            assertEquals(queries.size(), queries(Optional.empty()).size(), "every query the emulator holds is in the builder's workgroup " + builderGroup);
            assertTrue(queries(Optional.of(analysts)).isEmpty(), "no query in the analysts' workgroup " + analysts);
            for (String model : models) {
                String build = first.get(model);
                List<String> sql = queries.stream().map(QueryExecution::query).filter(query -> query.contains(model + "__" + build)).toList();
                assertTrue(sql.stream().anyMatch(query -> query.contains("external_location = 's3://" + gold + "/" + model + "/" + build + "/'")),
                        model + ": no CTAS into s3://" + gold + "/" + model + "/" + build + "/ among " + sql);
                assertTrue(sql.stream().anyMatch(query -> query.contains(silverDatabase + ".")), model + ": no query reads " + silverDatabase + ": " + sql);
            }
            for (QueryExecution query : queries) {
                assertEquals(goldDatabase, query.queryExecutionContext().database(), query.queryExecutionId() + "'s database");
            }
            steps.say(queries.size() + " Athena queries, all in " + builderGroup + " on " + goldDatabase + " (none in " + analysts
                    + "): CTAS into s3://" + gold + "/<model>/<build>/ from " + silverDatabase + ", and the view swaps; a build state per model");

            // Another, direct build holds the lease: the batch comes back whole, a direct invocation is refused, nothing is built.
            Instant now = Instant.now();
            String held = "{\"holder\":\"another-build\",\"acquiredAt\":\"" + now + "\",\"expiresAt\":\"" + now.plusSeconds(600) + "\",\"batchBuild\":false}";
            goldStore.put("_lease/build.json", held.getBytes(StandardCharsets.UTF_8));
            LambdaRuntime.Invocation deferred = runtime.invoke(batch);
            assertFalse(deferred.functionError(), deferred.payload());
            List<String> returned = new ArrayList<>();
            JSON.readTree(deferred.payload()).path("batchItemFailures").forEach(item -> returned.add(item.path("itemIdentifier").asText()));
            assertEquals(triggerMessages.stream().map(Message::messageId).toList(), returned, "every message handed back while the lease is held");
            LambdaRuntime.Invocation refused = runtime.invoke(rebuildPayload().toString());
            assertTrue(refused.functionError() && refused.payload().contains("another-build"), "a direct invocation while the lease is held: " + refused.payload());
            assertEquals(queries.size(), queries(Optional.empty()).size(), "nothing built while the lease is held");
            assertEquals(held, new String(goldStore.read("_lease/build.json").orElseThrow(), StandardCharsets.UTF_8), "the lease is left to its holder");
            steps.say("a lease held by another, direct build: the batch is handed back whole (" + returned.size() + " messages), the rebuild command's"
                    + " payload refused (" + JSON.readTree(refused.payload()).path("errorType").asText() + "), no query");

            // Another batch's build holds it: the batch comes back whole all the same, since that build may yet
            // fail and these may be its own messages delivered a second time.
            String batchHeld = held.replace("another-build", "another-batch").replace("\"batchBuild\":false", "\"batchBuild\":true");
            goldStore.put("_lease/build.json", batchHeld.getBytes(StandardCharsets.UTF_8));
            LambdaRuntime.Invocation whole = runtime.invoke(batch);
            assertFalse(whole.functionError(), whole.payload());
            List<String> handedBack = new ArrayList<>();
            JSON.readTree(whole.payload()).path("batchItemFailures").forEach(item -> handedBack.add(item.path("itemIdentifier").asText()));
            assertEquals(triggerMessages.stream().map(Message::messageId).toList(), handedBack, "every message handed back while another batch's build runs");
            assertEquals(queries.size(), queries(Optional.empty()).size(), "nothing built while the lease is held");
            goldStore.delete(List.of("_lease/build.json"));
            steps.say("a lease held by another batch's build: the batch is handed back whole (" + handedBack.size() + " messages), no query");

            // The silver catalog changes (a new partition of customers): only the models reading customers change.
            String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
            addPartition(silverDatabase, "customers", tomorrow);
            Map<String, String> second = invokeBuilder(runtime, "{}");
            Set<String> readCustomers = new TreeSet<>();
            for (String model : models) {
                if (modelSources(model).contains("customers")) {
                    readCustomers.add(model);
                }
            }
            assertFalse(readCustomers.isEmpty(), "no shipped model reads customers");
            second.forEach((model, outcome) -> assertTrue(outcome.startsWith(readCustomers.contains(model) ? "built " : "unchanged "),
                    "after a new customers partition in " + silverDatabase + ", " + model + ": " + outcome));
            int added = queries(Optional.of(builderGroup)).size() - queries.size();
            assertTrue(added > 0, "the rebuild started no query");
            steps.say("a new partition " + silverDatabase + ".customers/ingest_date=" + tomorrow + ", then a build of every model: " + second + " (" + added
                    + " more queries): the builder reads the deployed silver catalog");

            Map<String, String> rebuild = invokeBuilder(runtime, rebuildPayload().toString());
            rebuild.forEach((model, outcome) -> assertTrue(outcome.startsWith("unchanged "), "the rebuild command's payload, " + model + ": " + outcome));
            steps.say("gold_rebuild_command's payload " + rebuildPayload() + ": " + rebuild);
        }
    }

    /**
     * gold_rebuild_command: its text, run with bash and the real AWS CLI, must invoke the gold builder
     * asynchronously with the payload it prints, which the builder takes: the model it names, its inputs
     * unchanged since the builds above, answers unchanged.
     */
    private void rebuildCommand() throws Exception {
        String command = text(outputs, "gold_rebuild_command");
        try (LambdaRuntime runtime = LambdaRuntime.start(builder.asRuntimeFunction(), platform(builder), tls.jvmOptions(), logs);
                LambdaInvokeFront front = LambdaInvokeFront.start(builder.name(), Optional.of(liveAlias(builder.name()).name()), runtime)) {
            OperatorShell.Run run = operatorShell("gold_rebuild_command", front).run(command, Map.of());
            assertEquals(0, run.exitCode(), "gold_rebuild_command: " + run.describe());
            assertEquals(List.of(), front.unexpected(), "requests the command sent the Lambda front that invoke no " + builder.name());
            List<LambdaInvokeFront.Call> calls = front.calls();
            assertEquals(1, calls.size(), "invocations of " + builder.name() + ": " + calls + "\n" + run.describe());
            LambdaInvokeFront.Call call = calls.get(0);
            assertEquals("Event", call.invocationType(), "the rebuild is asynchronous, so that Lambda retries it while another build holds the lease");
            assertEquals(rebuildPayload(), JSON.readTree(call.payload()), "the payload the builder got against the one the command prints");
            LambdaRuntime.Invocation response = call.response().orElseThrow(() -> new AssertionError("refused: " + call));
            assertFalse(response.functionError(), builder.name() + " failed on " + call.payload() + ": " + response.payload() + "\n" + tail(runtime));
            Map<String, String> outcomes = new LinkedHashMap<>();
            JSON.readTree(response.payload()).fields().forEachRemaining(entry -> outcomes.put(entry.getKey(), entry.getValue().asText()));
            List<String> named = new ArrayList<>();
            rebuildPayload().path("models").forEach(model -> named.add(model.asText()));
            assertEquals(named, List.copyOf(outcomes.keySet()), "the models the builder answered for");
            outcomes.forEach((model, outcome) -> assertTrue(outcome.startsWith("unchanged "), model + ": " + outcome));
            steps.say("gold_rebuild_command invoked " + call.functionName() + " (Event) with " + call.payload() + ": " + response.payload());
        }
    }

    /**
     * silver_replay_command: a Lambda on-failure record of the converter, as Lambda writes it to the failure
     * queue, for a file not yet converted; the command's text run with bash and the real AWS CLI must
     * invoke the converter asynchronously with the record's requestPayload, have the file converted, and
     * delete the record.
     */
    private void replayCommand() throws Exception {
        String command = text(outputs, "silver_replay_command");
        String failures = text(outputs.path("dead_letter_queue_urls"), "silver_converter_failures");
        S3ObjectStore bronzeStore = new S3ObjectStore(aws.s3, bronze);
        List<String> sample = Files.readAllLines(SAMPLE_DATA.resolve("stores_eu/stores.csv"));
        bronzeStore.put(REPLAYED, (String.join("\n", sample.subList(0, 4)) + "\n").getBytes(StandardCharsets.UTF_8));
        ObjectInfo object = bronzeStore.stat(REPLAYED).orElseThrow();
        NotificationRules rules = NotificationRules.of(aws.s3.getBucketNotificationConfiguration(request -> request.bucket(bronze)));
        String event = S3Notifications.objectCreated(REGION, "ObjectCreated:Put", rules.deliveries(REPLAYED, "ObjectCreated:Put").get(0).id(), bronze, object);
        String record = onFailureRecord(event);
        aws.sqs.sendMessage(request -> request.queueUrl(failures).messageBody(record));
        steps.say("put s3://" + bronze + "/" + REPLAYED + " (3 rows), and in " + failures + " the on-failure record of its event, key "
                + S3Notifications.eventKey(REPLAYED));

        try (LambdaRuntime runtime = LambdaRuntime.start(converter.asRuntimeFunction(), platform(converter), tls.jvmOptions(), logs);
                LambdaInvokeFront front = LambdaInvokeFront.start(converter.invoked(), runtime)) {
            OperatorShell shell = operatorShell("silver_replay_command", front);
            OperatorShell.Run run = shell.run(command, Map.of());
            assertEquals(0, run.exitCode(), "silver_replay_command: " + run.describe());
            assertEquals(List.of(), front.unexpected(), "requests the command sent the Lambda front that invoke no " + converter.invoked());
            List<LambdaInvokeFront.Call> calls = front.calls();
            assertEquals(1, calls.size(), "invocations of " + converter.invoked() + ": " + calls + "\n" + run.describe());
            LambdaInvokeFront.Call call = calls.get(0);
            assertEquals("Event", call.invocationType(), "the replay invokes asynchronously, so that the retries and the failure queue apply again");
            assertEquals(JSON.readTree(event), JSON.readTree(call.payload()), "the replayed payload against the record's requestPayload");
            assertEquals("[\"converted s3://" + bronze + "/" + REPLAYED + "\"]", call.response().orElseThrow().payload(), "the converter on the replayed event\n" + tail(runtime));
            assertTrue(run.stdout().contains("replaying " + S3Notifications.eventKey(REPLAYED) + "\n"), run.describe());
            assertTrue(run.stdout().contains("replay done: 1 record(s) replayed, the queue is empty"), run.describe());
            steps.say("silver_replay_command: " + run.stdout().strip().replace("\n", " / ") + "; the converter answered " + call.response().orElseThrow().payload());
        }
        JsonNode manifest = manifestOf(REPLAYED);
        assertEquals(List.of(3L, 3L, 0L), List.of(manifest.path("rowsRead").asLong(), manifest.path("rowsWritten").asLong(), manifest.path("rowsQuarantined").asLong()),
                REPLAYED + ": rows read, written, quarantined");
        assertEquals(3, parquetRecords(manifest).size(), REPLAYED + ": Parquet records read back");
        Map<String, String> left = aws.sqs.getQueueAttributes(request -> request.queueUrl(failures)
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
        assertEquals(Map.of("ApproximateNumberOfMessages", "0", "ApproximateNumberOfMessagesNotVisible", "0"), left, "the failure queue after the replay");
        steps.say(REPLAYED + ": converted, its manifest and 3 Parquet records in silver; the record deleted, " + failures + " empty");
    }

    /**
     * silver_reconvert_command: stores_eu's contract retypes floor_area_m2 from bigint to double; the command,
     * run for the dataset with bash and the real AWS CLI, must have each of its files converted again in
     * the new type, in the same ingest_date, without writing to bronze; run again, every file answers
     * unchanged; an invocation refused stops it at that object, saying so.
     */
    private void reconvertCommand() throws Exception {
        String command = text(outputs, "silver_reconvert_command");
        S3ObjectStore silverStore = new S3ObjectStore(aws.s3, silver);
        S3ObjectStore bronzeStore = new S3ObjectStore(aws.s3, bronze);
        List<String> files = List.of(REPLAYED, "stores_eu/stores.csv");
        Map<String, ObjectInfo> bronzeBefore = new LinkedHashMap<>();
        Map<String, String> ingestDates = new LinkedHashMap<>();
        for (String key : files) {
            bronzeBefore.put(key, bronzeStore.stat(key).orElseThrow());
            JsonNode manifest = manifestOf(key);
            assertEquals("bigint", columnType(manifest, "floor_area_m2"), key + " was converted under the declared contract");
            ingestDates.put(key, manifest.path("ingestDate").asText());
            assertEquals(LocalDate.ofInstant(bronzeBefore.get(key).lastModified(), ZoneOffset.UTC).toString(), manifest.path("ingestDate").asText(),
                    key + ": its ingest_date is its LastModified's day");
        }
        ObjectNode contract = (ObjectNode) JSON.readTree(silverStore.read("_schemas/" + RECONVERTED + ".json").orElseThrow());
        contract.path("columns").forEach(column -> {
            if (column.path("name").asText().equals("floor_area_m2")) {
                ((ObjectNode) column).put("type", "double");
            }
        });
        silverStore.put("_schemas/" + RECONVERTED + ".json", JSON.writeValueAsBytes(contract));
        steps.say("_schemas/" + RECONVERTED + ".json edited: floor_area_m2 bigint -> double");

        try (LambdaRuntime runtime = LambdaRuntime.start(converter.asRuntimeFunction(), platform(converter), tls.jvmOptions(), logs);
                LambdaInvokeFront front = LambdaInvokeFront.start(converter.invoked(), runtime)) {
            OperatorShell shell = operatorShell("silver_reconvert_command", front);
            Map<String, String> dataset = Map.of("DATASET", RECONVERTED);

            OperatorShell.Run first = shell.run(command, dataset);
            assertEquals(0, first.exitCode(), "silver_reconvert_command: " + first.describe());
            assertEquals(files.stream().map(key -> "converted s3://" + bronze + "/" + key).toList(), outcomes(front, runtime), "the first run\n" + first.describe());
            for (int i = 0; i < files.size(); i++) {
                String line = "invoked " + converter.invoked() + " for s3://" + bronze + "/" + files.get(i) + " (" + (i + 1) + " of " + files.size() + ")";
                assertTrue(first.stdout().contains(line + "\n"), "the command prints what it invoked: " + line + "\n" + first.describe());
            }
            for (String key : files) {
                JsonNode manifest = manifestOf(key);
                assertEquals("double", columnType(manifest, "floor_area_m2"), key + "'s manifest: converted in the contract in force");
                assertEquals(ingestDates.get(key), manifest.path("ingestDate").asText(), key + " keeps its ingest_date");
                for (JsonNode part : manifest.path("parts")) {
                    assertTrue(part.path("key").asText().startsWith(RECONVERTED + "/ingest_date=" + ingestDates.get(key) + "/"), key + ": part " + part);
                    Path local = logs.resolve("reconverted-" + part.path("key").asText().replace('/', '_'));
                    Files.write(local, silverStore.read(part.path("key").asText()).orElseThrow());
                    assertEquals(PrimitiveType.PrimitiveTypeName.DOUBLE, ParquetTestFiles.schema(local).getType("floor_area_m2").asPrimitiveType().getPrimitiveTypeName(),
                            key + ": floor_area_m2 in " + part.path("key").asText());
                }
                List<GenericRecord> records = parquetRecords(manifest);
                assertFalse(records.isEmpty(), key + ": no record read back");
                records.forEach(record -> assertTrue(record.get("floor_area_m2") == null || record.get("floor_area_m2") instanceof Double,
                        key + ": floor_area_m2 read back as " + record.get("floor_area_m2")));
                ObjectInfo now = bronzeStore.stat(key).orElseThrow();
                assertEquals(bronzeBefore.get(key), now, key + " in bronze: the command writes nothing there (a copy onto itself would move its rows to the copy's day)");
            }
            steps.say("DATASET=" + RECONVERTED + ": " + first.stdout().strip().replace("\n", " / "));
            steps.say(files + ": converted again, floor_area_m2 DOUBLE in every Parquet part, ingest_date " + ingestDates + " kept, bronze untouched");

            front.clear();
            OperatorShell.Run second = shell.run(command, dataset);
            assertEquals(0, second.exitCode(), "silver_reconvert_command run again: " + second.describe());
            assertEquals(files.stream().map(key -> "unchanged s3://" + bronze + "/" + key).toList(), outcomes(front, runtime), "run again\n" + second.describe());
            steps.say("run again: " + files.size() + " invocations, every file unchanged");

            // Refused on the first object (a caller without lambda:InvokeFunction): it stops there, invoking nothing after it.
            front.clear();
            front.refuseInvocationsContaining(S3Notifications.eventKey(REPLAYED));
            OperatorShell.Run refused = shell.run(command, dataset);
            assertTrue(refused.exitCode() != 0, "a refused invocation must fail the command: " + refused.describe());
            assertEquals(1, front.calls().size(), "nothing invoked after the refused object: " + front.calls());
            String stopped = "reconvert stopped at object 1 of " + files.size() + " (s3://" + bronze + "/" + REPLAYED + "): invoking " + converter.invoked() + " failed";
            assertTrue(refused.stderr().contains(stopped) && refused.stderr().contains("AccessDeniedException"), "the refusal, said: " + refused.describe());
            steps.say("refused: exit code " + refused.exitCode() + ", " + refused.stderr().strip().replace("\n", " / "));

            OperatorShell.Run unnamed = shell.run(command, Map.of());
            assertTrue(unnamed.exitCode() != 0 && unnamed.stderr().contains("DATASET=sales bash -c"), "run without DATASET: " + unnamed.describe());
            assertTrue(front.calls().size() == 1, "nothing invoked without a dataset: " + front.calls());
            steps.say("without DATASET: " + unnamed.stderr().strip());
        }
    }

    /**
     * A bronze file deleted as a person deletes it, a plain DELETE on the versioned bucket (a delete marker):
     * the deployed notification must deliver its {@code ObjectRemoved:DeleteMarkerCreated} by the very rule
     * that delivered its upload, and the converter, under the Lambda runtime on that record, withdraw its
     * rows: its manifest {@code withdrawn}, its parts and quarantine file gone from silver, every other
     * object of silver as it was; the silver notification must have put the manifest's write and the parts'
     * removals, and nothing else, in the gold trigger queue. The messy March file, which has both parts and
     * a quarantine file. After the operator commands, whose rebuild must find gold's inputs unchanged.
     */
    private void withdrawDeletedFile() throws Exception {
        String queue = text(outputs.path("gold_trigger_queue"), "url");
        // The commits of the operator commands' conversions, which the mapping would hand the builder: taken
        // off the queue first, so that what is in it afterwards is this removal's.
        int earlier = drain(queue).size();
        S3ObjectStore silverStore = new S3ObjectStore(aws.s3, silver);
        String manifestKey = manifestKeyOf(MESSY);
        JsonNode converted = manifestOf(MESSY);
        Set<String> parts = new TreeSet<>();
        converted.path("parts").forEach(part -> parts.add(part.path("key").asText()));
        String quarantine = converted.path("quarantine").path("key").asText();
        assertFalse(parts.isEmpty() || quarantine.isEmpty(), MESSY + " must have parts and a quarantine file to withdraw: " + converted);
        Set<String> withdrawnKeys = new TreeSet<>(parts);
        withdrawnKeys.add(quarantine);
        Set<String> rewritten = new TreeSet<>(withdrawnKeys);
        rewritten.add(manifestKey);
        Map<String, String> othersBefore = silverETags(rewritten);

        var deleted = aws.s3.deleteObject(request -> request.bucket(bronze).key(MESSY));
        assertTrue(Boolean.TRUE.equals(deleted.deleteMarker()) && deleted.versionId() != null,
                "a plain DELETE of " + MESSY + " in the versioned bucket " + bronze + " must leave a delete marker: " + deleted);
        String eventName = "ObjectRemoved:DeleteMarkerCreated";
        NotificationRules rules = NotificationRules.of(aws.s3.getBucketNotificationConfiguration(request -> request.bucket(bronze)));
        List<NotificationRules.Rule> deliveries = rules.deliveries(MESSY, eventName);
        assertEquals(rules.deliveries(MESSY, "ObjectCreated:Put"), deliveries,
                MESSY + " (" + eventName + ") must be delivered by exactly the converter's rule that delivered its upload");
        assertEquals(1, deliveries.size(), MESSY + " (" + eventName + ") must be delivered by exactly one rule: " + deliveries);
        assertEquals(converter.invoked(), deliveries.get(0).functionArn(), "the rule " + deliveries.get(0).id() + " invokes");
        String event = S3Notifications.objectRemoved(REGION, eventName, deliveries.get(0).id(), bronze, MESSY, deleted.versionId(), Instant.now());
        steps.say("deleted s3://" + bronze + "/" + MESSY + " (delete marker " + deleted.versionId() + "): " + eventName + ", delivered by rule "
                + deliveries.get(0).id());

        try (LambdaRuntime runtime = LambdaRuntime.start(converter.asRuntimeFunction(), platform(converter), tls.jvmOptions(), logs)) {
            LambdaRuntime.Invocation invocation = runtime.invoke(event);
            assertFalse(invocation.functionError(), converter.name() + " failed on the removal of " + MESSY + ": " + invocation.payload() + "\n" + tail(runtime));
            assertEquals("[\"withdrawn s3://" + bronze + "/" + MESSY + "\"]", invocation.payload(), converter.name() + " on the removal of " + MESSY
                    + "\n" + tail(runtime));
            steps.say(MESSY + ": " + invocation.payload());
        }
        JsonNode withdrawn = manifestOf(MESSY);
        assertEquals("withdrawn", withdrawn.path("status").asText(), manifestKey + " after the removal: " + withdrawn);
        assertEquals(0, withdrawn.path("parts").size(), manifestKey + " names no part after the removal: " + withdrawn);
        for (String key : withdrawnKeys) {
            assertFalse(silverStore.stat(key).isPresent(), key + ", of the deleted " + MESSY + ", is still in silver");
        }
        assertEquals(othersBefore, silverETags(rewritten), "silver but the deleted file's manifest, parts and quarantine file (key to ETag), untouched");

        List<String> committed = new ArrayList<>();
        Set<String> removed = new TreeSet<>();
        for (Message message : drain(queue)) {
            for (JsonNode record : JSON.readTree(message.body()).path("Records")) {
                String key = URLDecoder.decode(record.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8);
                if (record.path("eventName").asText().startsWith("ObjectRemoved:")) {
                    removed.add(key);
                }
                else {
                    committed.add(key);
                }
            }
        }
        assertEquals(List.of(manifestKey), committed, "the commits in the gold trigger queue after the withdrawal: its manifest's write, once");
        assertEquals(parts, removed, "the removals in the gold trigger queue after the withdrawal: the deleted file's parts (the quarantine file is no"
                + " .parquet, which the rule for swept parts takes)");
        steps.say(manifestKey + ": withdrawn; " + parts.size() + " part(s) and " + quarantine + " gone, the other " + othersBefore.size()
                + " objects of silver untouched; the gold trigger queue got the manifest's write and " + removed.size() + " part removal(s) ("
                + earlier + " earlier message(s) of the operator commands taken off first)");
        // The file's version and delete marker stay in bronze, as a user's deleted file would: the destroy
        // must delete them (force_destroy, once the bucket's versioning is suspended; rehearse-on-moto.py's
        // gap 9).
    }

    /** Every message in a queue, received and deleted, as the mapping takes them (moto delivers S3 notifications before it answers). */
    private List<Message> drain(String queue) {
        List<Message> messages = new ArrayList<>();
        for (List<Message> received = receive(queue); !received.isEmpty(); received = receive(queue)) {
            for (Message message : received) {
                aws.sqs.deleteMessage(request -> request.queueUrl(queue).receiptHandle(message.receiptHandle()));
            }
            messages.addAll(received);
        }
        return messages;
    }

    private List<Message> receive(String queue) {
        return aws.sqs.receiveMessage(request -> request.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
    }

    /** Every object of silver but these, by key, with its ETag. */
    private Map<String, String> silverETags(Set<String> except) {
        Map<String, String> etags = new TreeMap<>();
        aws.s3.listObjectsV2Paginator(request -> request.bucket(silver)).contents().forEach(object -> {
            if (!except.contains(object.key())) {
                etags.put(object.key(), object.eTag());
            }
        });
        return etags;
    }

    /** The command's shell, its AWS CLI pointed at moto and, for Lambda, at the front. */
    private OperatorShell operatorShell(String output, LambdaInvokeFront front) throws IOException {
        return OperatorShell.create(Files.createDirectories(logs.resolve(output)), moto.endpoint(), front.endpoint(), tls.certificate());
    }

    /** What the converter answered to each invocation the front took, all asynchronous and of the converter as S3 invokes it. */
    private List<String> outcomes(LambdaInvokeFront front, LambdaRuntime runtime) throws IOException {
        assertEquals(List.of(), front.unexpected(), "requests that invoke no " + converter.invoked());
        List<String> outcomes = new ArrayList<>();
        for (LambdaInvokeFront.Call call : front.calls()) {
            assertEquals("Event", call.invocationType(), "asynchronous, as S3 invokes it: " + call);
            LambdaRuntime.Invocation response = call.response().orElseThrow(() -> new AssertionError("refused: " + call));
            assertFalse(response.functionError(), converter.name() + " failed on " + call.payload() + ": " + response.payload() + "\n" + tail(runtime));
            JSON.readTree(response.payload()).forEach(outcome -> outcomes.add(outcome.asText()));
        }
        return outcomes;
    }

    /** The record Lambda sends an asynchronous invocation's on-failure destination once its retries are exhausted (Lambda Developer Guide, "Capturing records of Lambda asynchronous invocations"). */
    private String onFailureRecord(String event) throws IOException {
        ObjectNode record = JSON.createObjectNode();
        record.put("version", "1.0");
        record.put("timestamp", Instant.now().toString());
        ObjectNode context = record.putObject("requestContext");
        context.put("requestId", java.util.UUID.randomUUID().toString());
        context.put("functionArn", converter.invoked());
        context.put("condition", "RetriesExhausted");
        context.put("approximateInvokeCount", 3);
        record.set("requestPayload", JSON.readTree(event));
        ObjectNode response = record.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", converter.invoked().substring(converter.invoked().lastIndexOf(':') + 1));
        response.put("functionError", "Unhandled");
        ObjectNode error = record.putObject("responsePayload");
        error.put("errorMessage", "Could not convert 1 of 1 object(s): s3://" + bronze + "/" + REPLAYED + ": the rehearsal's failure");
        error.put("errorType", "dev.medallion.silver.lambda.SilverConversionException");
        return JSON.writeValueAsString(record);
    }

    /** The manifest silver holds for a bronze key. */
    private JsonNode manifestOf(String sourceKey) throws IOException {
        return JSON.readTree(new S3ObjectStore(aws.s3, silver).read(manifestKeyOf(sourceKey)).orElseThrow());
    }

    /** The key of the manifest silver holds for a bronze key. */
    private String manifestKeyOf(String sourceKey) throws IOException {
        S3ObjectStore store = new S3ObjectStore(aws.s3, silver);
        for (String key : store.list("_manifests/" + sourceKey.substring(0, sourceKey.indexOf('/')) + "/")) {
            JsonNode manifest = JSON.readTree(store.read(key).orElseThrow());
            if (manifest.path("source").path("key").asText().equals(sourceKey)) {
                return key;
            }
        }
        throw new AssertionError("silver holds no manifest of " + sourceKey);
    }

    private List<GenericRecord> parquetRecords(JsonNode manifest) throws IOException {
        S3ObjectStore store = new S3ObjectStore(aws.s3, silver);
        List<GenericRecord> records = new ArrayList<>();
        for (JsonNode part : manifest.path("parts")) {
            Path local = Files.createDirectories(logs.resolve("silver")).resolve("read-" + part.path("key").asText().replace('/', '_'));
            Files.write(local, store.read(part.path("key").asText()).orElseThrow(() -> new AssertionError("silver lacks " + part)));
            records.addAll(ParquetTestFiles.readAll(local));
        }
        return records;
    }

    private static String columnType(JsonNode manifest, String column) {
        for (JsonNode candidate : manifest.path("columns")) {
            if (candidate.path("name").asText().equals(column)) {
                return candidate.path("type").asText();
            }
        }
        throw new AssertionError("the manifest of " + manifest.path("source").path("key").asText() + " has no column " + column + ": " + manifest.path("columns"));
    }

    private Map<String, String> invokeBuilder(LambdaRuntime runtime, String event) throws Exception {
        LambdaRuntime.Invocation invocation = runtime.invoke(event);
        assertFalse(invocation.functionError(), builder.name() + " failed: " + invocation.payload() + "\n" + tail(runtime));
        Map<String, String> outcomes = new LinkedHashMap<>();
        JSON.readTree(invocation.payload()).fields().forEachRemaining(entry -> outcomes.put(entry.getKey(), entry.getValue().asText()));
        return outcomes;
    }

    private List<QueryExecution> queries(Optional<String> workgroup) {
        List<String> ids = new ArrayList<>();
        aws.athena.listQueryExecutionsPaginator(request -> workgroup.ifPresent(request::workGroup)).forEach(page -> ids.addAll(page.queryExecutionIds()));
        List<QueryExecution> executions = new ArrayList<>();
        for (String id : ids) {
            executions.add(aws.athena.getQueryExecution(request -> request.queryExecutionId(id)).queryExecution());
        }
        return executions;
    }

    private void destroy() throws Exception {
        TerraformStack.Result destroy = stack.run("destroy", concat(List.of("destroy", "-no-color", "-auto-approve"), variables));
        check(destroy);
        String complete = destroy.line("Destroy complete!");
        steps.say(complete);
        assertEquals("Destroy complete! Resources: " + resourcesApplied + " destroyed.", complete, "terraform destroy against the apply's count");
        warnings(destroy);
        Map<String, Set<String>> after = EmulatorInventory.take(aws, accountId);
        Map<String, Set<String>> left = new LinkedHashMap<>(EmulatorInventory.added(before, after));
        // The one thing destroy leaves on purpose: the account's crawler log group (catalog.tf,
        // skip_destroy), since every crawler of the account logs there, not only the stack's.
        assertEquals(Set.of("/aws-glue/crawlers"), left.remove("CloudWatch Logs log groups"),
                "destroy leaves the shared crawler log group, and only it among log groups");
        assertTrue(left.isEmpty(), "terraform destroy left on the emulator: " + left);
        Map<String, Set<String>> expected = new LinkedHashMap<>(before);
        Set<String> logGroups = new TreeSet<>(before.get("CloudWatch Logs log groups"));
        logGroups.add("/aws-glue/crawlers");
        expected.put("CloudWatch Logs log groups", logGroups);
        assertEquals(expected, after, "the emulator after destroy against before apply, plus the shared crawler log group");
        steps.say("the emulator holds what it held before the apply, kind by kind, plus /aws-glue/crawlers: " + after);
    }

    // --- helpers

    private Map<String, String> platform(Deployed function) {
        // What Lambda provides: the function's role's credentials, its region, its runtime, and here the emulator's endpoint.
        Credentials credentials = aws.sts.assumeRole(request -> request.roleArn(function.configuration().role()).roleSessionName(function.name())).credentials();
        String region = function.configuration().functionArn().split(":")[3];
        return Map.of("AWS_REGION", region, "AWS_DEFAULT_REGION", region,
                "AWS_ACCESS_KEY_ID", credentials.accessKeyId(), "AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey(),
                "AWS_SESSION_TOKEN", credentials.sessionToken(),
                "AWS_EXECUTION_ENV", "AWS_Lambda_" + function.configuration().runtimeAsString(),
                "AWS_ENDPOINT_URL", moto.endpoint().toString());
    }

    private void checkInvokePermission(Deployed function, String principal, String sourceArn, boolean sourceAccount) throws Exception {
        // A permission is granted on a qualifier: read it on what is invoked (the alias live with SnapStart), and
        // its statement's resource must be that qualified ARN (moto keeps one policy per function whatever the
        // qualifier, but writes the qualifier into the resource, as Lambda does).
        JsonNode policy = JSON.readTree(aws.lambda.getPolicy(request -> request.functionName(function.invoked())).policy());
        for (JsonNode statement : policy.path("Statement")) {
            JsonNode condition = statement.path("Condition");
            if (principal.equals(statement.path("Principal").path("Service").asText())
                    && function.invoked().equals(statement.path("Resource").asText())
                    && "lambda:InvokeFunction".equals(statement.path("Action").asText())
                    && "Allow".equals(statement.path("Effect").asText())
                    && sourceArn.equals(condition.path("ArnLike").path("AWS:SourceArn").asText())
                    && (!sourceAccount || accountId.equals(condition.path("StringEquals").path("AWS:SourceAccount").asText()))) {
                steps.say(function.invoked() + " may be invoked by " + principal + " for " + sourceArn + " (statement " + statement.path("Sid").asText() + ")");
                return;
            }
        }
        fail(function.name() + "'s resource policy lets " + principal + " invoke " + function.invoked() + " for " + sourceArn + " in no statement: " + policy);
    }

    private JsonNode rebuildPayload() throws IOException {
        Matcher payload = Pattern.compile("^printf '%s' '([^']*)' \\| aws lambda invoke .* --payload fileb:///dev/stdin ").matcher(text(outputs, "gold_rebuild_command"));
        assertTrue(payload.find(), "gold_rebuild_command pipes no payload into aws lambda invoke: " + text(outputs, "gold_rebuild_command"));
        return JSON.readTree(payload.group(1));
    }

    private static List<String> shippedModels() throws IOException {
        return resource(GOLD_JAR, "gold/models.list").lines()
                .map(line -> line.replaceAll("#.*", "").strip())
                .filter(line -> !line.isEmpty())
                .toList();
    }

    private static List<String> modelSources(String model) throws IOException {
        return resource(GOLD_JAR, "gold/" + model + ".sql").lines()
                .filter(line -> line.startsWith("-- sources:"))
                .flatMap(line -> Stream.of(line.substring("-- sources:".length()).split(",")))
                .map(String::strip)
                .toList();
    }

    private static String resource(Path jar, String name) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(name);
            if (entry == null) {
                throw new IOException(jar + " holds no " + name);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    private static List<String> entries(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).toList();
        }
    }

    private static int classFileVersion(Path jar, String entryName) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw new AssertionError(jar + " holds no " + entryName + ": the handler is not in the code");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                byte[] header = in.readNBytes(8);
                return ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            }
        }
    }

    private static Map<String, String> environment(Deployed function) {
        return environment(function.configuration());
    }

    private static Map<String, String> environment(FunctionConfiguration configuration) {
        return configuration.environment() == null ? Map.of() : configuration.environment().variables();
    }

    private void check(TerraformStack.Result result) {
        result.assertSucceeded(moto.endpoint());
    }

    private void warnings(TerraformStack.Result result) {
        result.warnings().forEach(line -> steps.say("terraform: " + line));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        assertTrue(value.isTextual() && !value.asText().isEmpty(), "output " + field + " is " + value);
        return value.asText();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static byte[] sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                }
            }
            return digest.digest();
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }

    private static String tail(LambdaRuntime runtime) throws IOException {
        List<String> lines = runtime.log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
