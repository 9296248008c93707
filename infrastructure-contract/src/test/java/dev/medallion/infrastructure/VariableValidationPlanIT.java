package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.config.ConfigurationException;
import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.Environment;
import dev.medallion.common.config.GoldSettings;
import dev.medallion.common.config.RangeReading;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A value AWS would refuse at apply, or the functions at start, is refused by {@code terraform plan} (the validations of variables.tf and of the modules' inputs), with
 * a message saying what is allowed, and the values AWS takes are planned as given. Planned as
 * {@link PlannedStack} plans terraform/.
 */
class VariableValidationPlanIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("VariableValidationPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * Glue schedules a crawler with a six-field cron expression only, so rate() and five fields failed
     * CreateCrawler at apply; EventBridge takes rate(1 hour) and rate(6 hours), not rate(1 hours), rate(6
     * hour) or rate(0 minutes), and six cron fields. Each plan is given one bad value of each (Terraform
     * reports every invalid variable of a plan).
     */
    @Test
    void aScheduleAwsWouldRefuseFailsThePlanSayingWhatItTakes() throws Exception {
        String[][] refused = {
                {"rate(1 day)", "rate(1 hours)"},
                {"cron(0 3 * * ?)", "rate(6 hour)"},
                {"0 3 * * ? *", "rate(0 minutes)"},
                {"cron(0 3 * * ? * *)", "cron(0 3 * * ?)"},
        };
        for (String[] schedules : refused) {
            PlannedStack.Result plan = stack.plan("-var", "silver_crawler_schedule=" + schedules[0], "-var", "gold_schedule=" + schedules[1]);
            String what = String.join(" and ", schedules) + ":\n" + plan.output();
            assertNotEquals(0, plan.exitCode(), what);
            assertTrue(plan.flattened().contains("silver_crawler_schedule must be null or a cron expression of six fields, Minutes Hours"
                    + " Day-of-month Month Day-of-week Year, in UTC, such as cron(0 3 ? * SUN *) (Sundays at 03:00): Glue schedules crawlers"
                    + " with cron expressions only, no rate(...)"), what);
            assertTrue(plan.flattened().contains("gold_schedule must be null, rate(<n> <unit>) with a whole number n of at least 1 and the unit"
                    + " minute, hour or day for 1 (rate(1 hour)) and minutes, hours or days for more (rate(6 hours)), or a cron expression of six"
                    + " fields"), what);
        }
    }

    @Test
    void schedulesAwsTakesArePlannedAsGiven() throws Exception {
        JsonNode plan = stack.planJson("-var", "silver_crawler_schedule=cron(0 3 ? * SUN *)", "-var", "gold_schedule=rate(1 hour)");
        assertEquals("cron(0 3 ? * SUN *)", after(plan, "aws_glue_crawler.silver[0]").get("schedule").asText());
        assertEquals("rate(1 hour)", after(plan, "aws_cloudwatch_event_rule.gold_schedule[0]").get("schedule_expression").asText());

        JsonNode other = stack.planJson("-var", "gold_schedule=rate(12 hours)", "-var", "silver_crawler_schedule=cron(15 */6 * * ? *)");
        assertEquals("rate(12 hours)", after(other, "aws_cloudwatch_event_rule.gold_schedule[0]").get("schedule_expression").asText());
        assertEquals("cron(15 */6 * * ? *)", after(other, "aws_glue_crawler.silver[0]").get("schedule").asText());
    }

    /**
     * AWS refuses a tag key or value starting with aws: and more than 50 tags per resource, halfway
     * through an apply; a Project, Environment or ManagedBy given in tags was dropped without a word, the
     * stack's own values winning.
     */
    @Test
    void tagsAwsWouldRefuseOrTheStackWouldReplaceFailThePlanNamingThem() throws Exception {
        PlannedStack.Result reserved = stack.plan("-var", "tags={\"aws:team\" = \"data\", \"Owner\" = \"AWS:me\", \"cost center\" = \"42\", \"Project\" = \"lake\"}");
        assertNotEquals(0, reserved.exitCode(), reserved.output());
        assertTrue(reserved.flattened().contains("tags: each key must be 1 to 128 characters and each value at most 256, of letters, digits, spaces"
                + " and _ . : / = + - @ only, and neither may start with aws: (in any case), which AWS reserves; not so: \"Owner\", \"aws:team\"."), reserved.output());
        assertTrue(reserved.flattened().contains("tags must not set Project: the stack sets Project (var.project), Environment (var.environment) and"
                + " ManagedBy (\"terraform\") on every resource itself, and would replace yours."), reserved.output());

        StringBuilder many = new StringBuilder("tags={");
        for (int i = 0; i < 48; i++) {
            many.append("\"team").append(i).append("\" = \"x\", ");
        }
        PlannedStack.Result tooMany = stack.plan("-var", many.append("}").toString());
        assertNotEquals(0, tooMany.exitCode(), tooMany.output());
        assertTrue(tooMany.flattened().contains("tags holds 48 tags: AWS allows 50 per resource, and the stack sets 3 itself, so at most 47."), tooMany.output());
    }

    @Test
    void tagsAwsTakesAreOnEveryResourceBesideTheStacksOwn() throws Exception {
        JsonNode plan = stack.planJson("-var", "tags={\"cost center\" = \"42\", \"team/owner\" = \"data+ml@example.org\"}");
        JsonNode tags = after(plan, "aws_sqs_queue.silver_converter_failures").get("tags_all");
        assertEquals("42", tags.get("cost center").asText(), tags.toString());
        assertEquals("data+ml@example.org", tags.get("team/owner").asText(), tags.toString());
        assertEquals("medallion", tags.get("Project").asText(), tags.toString());
        assertEquals("dev", tags.get("Environment").asText(), tags.toString());
    }

    /**
     * An address at a domain reserved for examples (RFC 2606, RFC 6761: example.com, .net, .org and their
     * subdomains, the .example, .test, .invalid and .localhost names) receives no mail: its subscription was
     * created, its confirmation never read, and no alarm or budget reached anyone, with nothing saying so.
     * terraform.tfvars.example holds one on purpose, so the example as copied is refused until it is set.
     */
    @Test
    void anAlertAddressAtADomainReservedForExamplesFailsThePlanNamingIt() throws Exception {
        PlannedStack.Result reserved = stack.plan("-var",
                "alert_emails=[\"data-team@example.com\", \"ops@Mail.EXAMPLE.org\", \"me@host.test\", \"you@z.invalid\", \"lead@team.net\"]");
        assertNotEquals(0, reserved.exitCode(), reserved.output());
        assertTrue(reserved.flattened().contains("alert_emails holds \"data-team@example.com\", \"ops@Mail.EXAMPLE.org\", \"me@host.test\", \"you@z.invalid\":"
                + " addresses at domains reserved for examples, which receive no mail"), reserved.output());

        PlannedStack.Result example = stack.plan("-var-file=" + Repository.terraform().resolve("terraform.tfvars.example"));
        assertNotEquals(0, example.exitCode(), "terraform.tfvars.example as copied, its placeholder address unset: " + example.output());
        assertTrue(example.flattened().contains("alert_emails holds \"data-team@example.com\":"), example.output());

        JsonNode plan = stack.planJson("-var", "alert_emails=[\"data-team@example.company.com\", \"ops@examples.org\", \"me@test.io\"]");
        List<String> endpoints = new ArrayList<>();
        plan.at("/planned_values/root_module/resources").forEach(resource -> {
            if (resource.path("address").asText().startsWith("aws_sns_topic_subscription.alert_emails[")) {
                endpoints.add(resource.at("/values/endpoint").asText());
            }
        });
        endpoints.sort(null);
        assertEquals(List.of("data-team@example.company.com", "me@test.io", "ops@examples.org"), endpoints, "addresses at real domains are subscribed as given");
    }

    /**
     * terraform.tfvars.example shows what a first deployment may need (a dataset's encoding or null
     * markers, a new account's memory, the sample contracts) as commented-out assignments, which nothing
     * checked: a value plan refuses, or a variable since renamed, met the first person to uncomment it.
     * Every one is uncommented at once, a real address standing in for the placeholder the plan refuses
     * on purpose (above), and the plan must take each value as written.
     */
    @Test
    void theExampleWithEveryCommentedOutSettingUncommentedIsPlannedAsWritten(@TempDir Path directory) throws Exception {
        List<String> names = TfvarsExample.commentedOutNames();
        assertTrue(names.containsAll(List.of("silver_csv_encodings", "silver_csv_null_values", "silver_converter_memory_mb", "schema_contracts_dir")),
                "the example shows these commented out: " + names);
        Path file = Files.writeString(directory.resolve("uncommented.tfvars"), TfvarsExample.uncommented());
        Map<String, Object> written = TerraformConfiguration.readVariables(file);

        // -var after -var-file: the later value wins (Terraform docs, Variable Definition Precedence).
        JsonNode plan = stack.planJson("-var-file=" + file, "-var", "alert_emails=[\"data-team@example.company.com\"]");
        for (String name : names) {
            assertTrue(plan.at("/variables").has(name), "the example shows " + name + ", which is no variable of the stack (terraform plan only warns)");
            assertEquals(JSON.valueToTree(written.get(name)).toString(), plan.at("/variables/" + name + "/value").toString(),
                    name + " as terraform.tfvars.example writes it, uncommented");
        }
    }

    /**
     * S3 moves objects to STANDARD_IA or ONEZONE_IA only after 30 days, and refuses a lifecycle rule that
     * does sooner, at apply. The plan refuses it, pointing at the two settings that make the bronze rule
     * where storage.tf gives them to the bucket's module, not at a line inside the module.
     */
    @Test
    void aBronzeTransitionS3WouldRefuseFailsThePlanAtItsSettings() throws Exception {
        PlannedStack.Result plan = stack.plan("-var", "bronze_transition_days=10", "-var", "bronze_transition_storage_class=ONEZONE_IA");
        assertNotEquals(0, plan.exitCode(), plan.output());
        String error = plan.flattened().substring(Math.max(0, plan.flattened().indexOf("Error:")));
        assertTrue(error.contains("days = var.bronze_transition_days") && error.contains("storage_class = var.bronze_transition_storage_class"), plan.output());
        assertTrue(error.contains("S3 transitions objects to ONEZONE_IA only after at least 30 days, not 10: give at least 30 days, or a class"
                + " without that minimum (INTELLIGENT_TIERING, GLACIER_IR)."), plan.output());

        JsonNode planned = stack.planJson("-var", "bronze_transition_days=10", "-var", "bronze_transition_storage_class=GLACIER_IR");
        String rules = after(planned, "module.bronze_bucket.aws_s3_bucket_lifecycle_configuration.this").get("rule").toString();
        assertTrue(rules.contains("\"transition\":[{\"date\":null,\"days\":10,\"storage_class\":\"GLACIER_IR\"}]"), rules);
    }

    /**
     * The converter reads CHUNK_MAX_BYTES, PART_TARGET_BYTES, ROW_GROUP_BYTES and MIN_RANGE_BYTES as Java
     * longs and stops at start on a larger number (with SnapStart the version's publication fails at
     * apply; without, every conversion fails): such a number passed the plan. The largest long is planned,
     * and the converter's own reading takes it.
     */
    @Test
    void aSizeTheConverterCannotReadAsALongFailsThePlan() throws Exception {
        Map<String, String> environmentOfVariable = Map.of(
                "silver_chunk_max_bytes", ConversionLimits.CHUNK_MAX_BYTES,
                "silver_part_target_bytes", ConversionLimits.PART_TARGET_BYTES,
                "silver_row_group_bytes", ConversionLimits.ROW_GROUP_BYTES,
                "silver_min_range_bytes", RangeReading.MIN_RANGE_BYTES);
        String largestLong = String.valueOf(Long.MAX_VALUE);
        String beyond = new BigInteger(largestLong).add(BigInteger.ONE).toString();

        List<String> tooLarge = new ArrayList<>();
        environmentOfVariable.keySet().forEach(variable -> tooLarge.addAll(List.of("-var", variable + "=" + beyond)));
        PlannedStack.Result refused = stack.plan(tooLarge.toArray(String[]::new));
        assertNotEquals(0, refused.exitCode(), refused.output());
        environmentOfVariable.forEach((variable, name) -> {
            String range = variable.equals("silver_min_range_bytes") ? "between 1048576 (1 MiB) and " : "between 1 and ";
            assertTrue(refused.flattened().contains(variable + " must be a whole number " + range + largestLong + ": the converter reads " + name
                    + " as a Java long, and a larger number would stop it at start, failing every conversion."), refused.output());
            assertThrows(ConfigurationException.class, () -> new Environment(Map.of(name, beyond)).positiveLong(name, 1), name);
        });

        List<String> largest = new ArrayList<>();
        environmentOfVariable.keySet().forEach(variable -> largest.addAll(List.of("-var", variable + "=" + largestLong)));
        JsonNode plan = stack.planJson(largest.toArray(String[]::new));
        Map<String, String> converterEnvironment = new HashMap<>();
        environmentOfVariable.forEach((variable, name) -> {
            assertEquals(largestLong, plan.at("/variables/" + variable + "/value").asText(), variable);
            converterEnvironment.put(name, largestLong);
        });
        Environment environment = new Environment(converterEnvironment);
        ConversionLimits limits = ConversionLimits.fromEnvironment(environment);
        assertEquals(List.of(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE), List.of(limits.chunkMaxBytes(), limits.partTargetBytes(), limits.rowGroupBytes()));
        assertEquals(Long.MAX_VALUE, RangeReading.fromEnvironment(environment, 2, 1L << 30).minRangeBytes());
    }

    /**
     * The gold builder keeps a build readers' queries may still be on for the account's Athena DML query timeout, a
     * Service Quota from 30 minutes (its default, never lower) to 240 (the most it can be raised to; Athena User Guide,
     * "Service Quotas"); the builder stops at start on any other value, so the plan refuses it, saying what to give, and
     * plans a raised one as given, which the builder's own reading takes.
     */
    @Test
    void aDmlQueryTimeoutAthenaCannotHaveFailsThePlanAndARaisedOneReachesTheGoldBuilder() throws Exception {
        for (String refused : List.of("20", "241", "45.5")) {
            PlannedStack.Result plan = stack.plan("-var", "athena_dml_query_timeout_minutes=" + refused);
            assertNotEquals(0, plan.exitCode(), refused + ": " + plan.output());
            assertTrue(plan.flattened().contains("athena_dml_query_timeout_minutes must be a whole number from 30 (Athena's default DML query timeout,"
                    + " which the quota is never below) to 240 (the most it can be raised to)"), refused + ": " + plan.output());
            assertThrows(ConfigurationException.class, () -> GoldSettings.fromEnvironment(goldEnvironment(refused)), refused);
        }

        JsonNode plan = stack.planJson("-var", "athena_dml_query_timeout_minutes=240");
        String planned = plan.at("/variables/athena_dml_query_timeout_minutes/value").asText();
        assertEquals("240", planned);
        // The function's environment is known only at apply, so the plan does not show it: GoldCtasContractTest checks that it passes the variable on.
        String unknown = "no aws_lambda_function.gold_ctas[0] in the plan";
        for (JsonNode change : plan.get("resource_changes")) {
            if (change.get("address").asText().equals("aws_lambda_function.gold_ctas[0]")) {
                unknown = change.at("/change/after_unknown/environment").toString();
            }
        }
        assertTrue(unknown.contains("true"), "the plan knows the gold builder's environment: check it here: " + unknown);
        assertEquals(Duration.ofMinutes(240), GoldSettings.fromEnvironment(goldEnvironment(planned)).athenaDmlQueryTimeout());
    }

    /** The gold builder's environment with its DML query timeout as given, the rest as any stack gives it. */
    private static Environment goldEnvironment(String athenaDmlQueryTimeoutMinutes) {
        return new Environment(Map.of(GoldSettings.GOLD_BUCKET, "gold", GoldSettings.SILVER_BUCKET, "silver", GoldSettings.SILVER_DATABASE, "lake_silver",
                GoldSettings.GOLD_DATABASE, "lake_gold", GoldSettings.ATHENA_WORKGROUP, "gold-builder",
                GoldSettings.ATHENA_DML_QUERY_TIMEOUT_MINUTES, athenaDmlQueryTimeoutMinutes));
    }

    /**
     * A variables file (or a module's caller) that sets an input with a default to null gets that default,
     * as the stack declares every such input {@code nullable = false}: null failed the plan with an error
     * from inside the stack ("Null condition" at a count in encryption.tf, "argument must not be null" in
     * a validation) or, for force_destroy and silver_converter_java_tool_options, passed, the latter
     * deploying the converter without its JIT options. The variables are read from variables.tf, so a new
     * one is covered (not those whose default is null: null is their default); the plan must be the defaults' plan, resource by resource and output by output.
     */
    @Test
    void nullForAnInputWithADefaultPlansItsDefault(@TempDir Path directory) throws Exception {
        Map<String, Object> declarations = new TreeMap<>(Repository.rootModule().variables());
        // Those whose default is null mean something by null; emulator_endpoint among them, which the plan sets.
        declarations.values().removeIf(declaration -> TerraformConfiguration.asMap(declaration).get("default") == null);
        assertTrue(declarations.containsKey("kms_encryption") && !declarations.containsKey("emulator_endpoint"), declarations.keySet().toString());
        StringBuilder nulls = new StringBuilder();
        declarations.keySet().forEach(name -> nulls.append(name).append(" = null\n"));
        Path file = Files.writeString(directory.resolve("nulls.tfvars"), nulls);

        JsonNode defaults = stack.planJson();
        JsonNode givenNull = stack.planJson("-var-file=" + file);
        assertEquals(defaults.get("resource_changes"), givenNull.get("resource_changes"), "every input with a default set to null:\n" + nulls);
        assertEquals(defaults.get("output_changes"), givenNull.get("output_changes"), "every input with a default set to null:\n" + nulls);
    }

    /**
     * budget_hard_stop without enable_budgets deploys no budget, so nothing stops the pipeline, though the
     * stop was asked for: a check block only warned of it, and apply went on. The plan now fails, naming
     * both variables and both ways out; the stop with its budgets, and neither, are planned.
     */
    @Test
    void aHardStopWithoutBudgetsFailsThePlanSayingWhatToChange() throws Exception {
        PlannedStack.Result refused = stack.plan("-var", "budget_hard_stop=true", "-var", "enable_budgets=false");
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.flattened().contains("Error: Resource precondition failed"), refused.output());
        assertTrue(refused.flattened().contains("budget_hard_stop is true while enable_budgets is false: the hard stop is an action of the top"
                + " tier's budget, and without budgets there is none, so nothing would stop the pipeline. Set enable_budgets = true (its"
                + " default) to have the budgets and their stop, or budget_hard_stop = false to go without the stop."), refused.output());

        JsonNode withBudgets = stack.planJson("-var", "budget_hard_stop=true", "-var", "enable_budgets=true");
        assertEquals("APPLY_IAM_POLICY", after(withBudgets, "aws_budgets_budget_action.hard_stop[0]").get("action_type").asText());

        JsonNode neither = stack.planJson("-var", "budget_hard_stop=false", "-var", "enable_budgets=false");
        assertEquals(List.of(), addressesOfType(neither, "aws_budgets_budget"), "enable_budgets = false");
        assertEquals(List.of(), addressesOfType(neither, "aws_budgets_budget_action"), "budget_hard_stop = false");
    }

    /**
     * enable_functions = false is for an emulator whose Lambda cannot run functions; on AWS (emulator_endpoint
     * null) it deploys no converter, so nothing converts bronze: a check block only warned of it, and apply
     * went on. The plan now fails, naming both variables and both ways out. The functions on AWS, and no
     * functions on an emulator (as LocalStackApplyIT applies it), are planned.
     */
    @Test
    void functionsOffOutsideAnEmulatorFailThePlanSayingWhatToChange() throws Exception {
        PlannedStack.Result refused = stack.planWithoutEmulator("-var", "enable_functions=false");
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.flattened().contains("Error: Resource precondition failed"), refused.output());
        assertTrue(refused.flattened().contains("enable_functions is false while emulator_endpoint is null: on AWS the stack would deploy no"
                + " converter, and nothing would convert bronze. Set enable_functions = true (its default) to deploy to AWS, or set"
                + " emulator_endpoint to the emulator whose Lambda cannot run functions (such as LocalStack without Docker) if the stack"
                + " is meant for it."), refused.output());

        PlannedStack.Result onAws = stack.planWithoutEmulator();
        assertEquals(0, onAws.exitCode(), onAws.output());
        assertTrue(onAws.output().contains("aws_lambda_function.silver_converter[0] will be created"), onAws.output());

        JsonNode onAnEmulator = stack.planJson("-var", "enable_functions=false");
        assertEquals(List.of(), addressesOfType(onAnEmulator, "aws_lambda_function"), "enable_functions = false on an emulator");
    }

    /** The addresses of the resources of {@code type} that the plan creates, changes or keeps. */
    private static List<String> addressesOfType(JsonNode plan, String type) {
        List<String> addresses = new ArrayList<>();
        for (JsonNode change : plan.path("resource_changes")) {
            if (change.get("type").asText().equals(type) && change.get("mode").asText().equals("managed")) {
                addresses.add(change.get("address").asText());
            }
        }
        return addresses;
    }

    /** The planned values of the resource at {@code address}. */
    static JsonNode after(JsonNode plan, String address) {
        for (JsonNode change : plan.get("resource_changes")) {
            if (change.get("address").asText().equals(address)) {
                return change.at("/change/after");
            }
        }
        throw new AssertionError("the plan has no " + address);
    }
}
