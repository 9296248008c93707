package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static dev.medallion.infrastructure.TerraformConfiguration.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opens the shaded jars Terraform deploys (an integration test: it runs after silver-converter's and
 * gold-ctas's package phases in the reactor) and checks each function's handler, the converter's
 * accepted suffixes and the gold builder's trigger and rebuild command against them.
 */
class LambdaHandlerContractIT {
    private static final String MODULE_PATH = "path.module/";
    private static final String SILVER_HANDLER_CLASS = "dev.medallion.silver.lambda.SilverConverterHandler";
    private static final String GOLD_REQUEST_CLASS = "dev.medallion.gold.lambda.GoldRequest";
    private static final String GOLD_HANDLER_CLASS = "dev.medallion.gold.lambda.GoldCtasHandler";
    /** hcl4j reads {@code aws_s3_object.x[0].key} as {@code aws_s3_object.x.value.key}. */
    private static final Pattern S3_OBJECT_KEY = Pattern.compile("^aws_s3_object\\.([A-Za-z0-9_-]+)(\\.value)?\\.key$");

    @Test
    void everyHandlerNamesAClassAndMethodOfTheJarItDeploys() throws Exception {
        TerraformConfiguration root = Repository.rootModule();
        Map<String, Object> functions = root.resources("aws_lambda_function");
        assertFalse(functions.isEmpty(), "no aws_lambda_function: nothing checked");
        for (Map.Entry<String, Object> entry : functions.entrySet()) {
            Map<String, Object> function = asMap(entry.getValue());
            try (LambdaHandlers jar = LambdaHandlers.open(deployedJar(root, entry.getKey(), function))) {
                assertEquals(List.of(), jar.violations(String.valueOf(function.get("handler")), String.valueOf(function.get("runtime"))),
                        "aws_lambda_function." + entry.getKey());
            }
        }
    }

    @Test
    void checkFindsAHandlerTheJarLacks() throws Exception {
        TerraformConfiguration root = Repository.rootModule();
        Path jar = deployedJar(root, "silver_converter", root.resource("aws_lambda_function", "silver_converter"));
        try (LambdaHandlers handlers = LambdaHandlers.open(jar)) {
            assertEquals(List.of("handler class " + SILVER_HANDLER_CLASS + " has no public method handle(input[, Context]) or (InputStream, OutputStream, Context)"),
                    handlers.violations(SILVER_HANDLER_CLASS + "::handle", "java21"));
            List<String> missingClass = handlers.violations("dev.medallion.silver.lambda.Missing::handleRequest", "java21");
            assertEquals(1, missingClass.size());
            assertTrue(missingClass.get(0).startsWith("handler class dev.medallion.silver.lambda.Missing cannot be loaded"), missingClass.get(0));
            // The bytecode is Java 17: java11 could not run it.
            assertEquals(List.of("handler class " + SILVER_HANDLER_CLASS + " is bytecode 61, newer than java11 runs (55)"),
                    handlers.violations(SILVER_HANDLER_CLASS + "::handleRequest", "java11"));
            // Only the jar is searched: this module's own classes are not in it.
            assertEquals(1, handlers.violations(LambdaHandlerContractIT.class.getName() + "::everyHandlerNamesAClassAndMethodOfTheJarItDeploys", "java21").size());
        }
    }

    @Test
    void theRoleReadsExactlyTheSuffixesTheDeployedHandlerConverts() throws Exception {
        TerraformConfiguration root = Repository.rootModule();
        Path jar = deployedJar(root, "silver_converter", root.resource("aws_lambda_function", "silver_converter"));
        try (LambdaHandlers handlers = LambdaHandlers.open(jar)) {
            Object notified = handlers.staticField(SILVER_HANDLER_CLASS, "CONVERTED_SUFFIXES");
            assertEquals(notified, SilverConverterContractTest.convertedSuffixes(root),
                    "the converter's role (iam.tf) must read exactly the keys SilverConverterHandler converts: it is invoked for every bronze key");
            @SuppressWarnings("unchecked")
            List<String> accepted = (List<String>) handlers.staticField(SILVER_HANDLER_CLASS, "ACCEPTED_SUFFIXES");
            List<String> bothCases = new java.util.ArrayList<>(accepted);
            accepted.forEach(suffix -> bothCases.add(suffix.toUpperCase(java.util.Locale.ROOT)));
            // And what gzip makes of an upper-case .CSV file.
            bothCases.add(bothCases.indexOf(".DAT"), ".CSV.gz");
            assertEquals(bothCases, notified, "every accepted suffix, in lower and in upper case, and .CSV.gz");
        }
    }

    @Test
    void goldTriggerAndRebuildCommandMatchTheDeployedBuilder() throws Exception {
        TerraformConfiguration root = Repository.rootModule();
        Path jar = deployedJar(root, GoldCtasContractTest.FUNCTION, root.resource("aws_lambda_function", GoldCtasContractTest.FUNCTION));
        try (LambdaHandlers handlers = LambdaHandlers.open(jar)) {
            // The mapping sends SQS batches, which GoldRequest reads, and reads back the partial batch
            // response GoldCtasHandler answers, under the names Lambda documents (SQSBatchResponse).
            Map<String, Object> mapping = root.resource("aws_lambda_event_source_mapping", "gold_triggers");
            assertEquals("aws_sqs_queue.gold_triggers.value.arn", String.valueOf(mapping.get("event_source_arn")));
            assertEquals("aws:sqs", handlers.constant(GOLD_REQUEST_CLASS, "SQS_EVENT_SOURCE"));
            assertEquals(List.of("ReportBatchItemFailures"), strings(mapping.get("function_response_types")));
            assertEquals("batchItemFailures", handlers.constant(GOLD_HANDLER_CLASS, "BATCH_ITEM_FAILURES"));
            assertEquals("itemIdentifier", handlers.constant(GOLD_HANDLER_CLASS, "ITEM_IDENTIFIER"));

            // The rebuild command names a model the jar ships.
            List<String> shipped = handlers.resourceText("gold/models.list").lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
            String model = String.valueOf(root.local("gold_example_model"));
            assertTrue(shipped.contains(model), "gold_example_model " + model + " is not a shipped model: " + shipped);
            String command = String.valueOf(asMap(root.outputs().get("gold_rebuild_command")).get("value"));
            assertTrue(command.contains("'{\"models\":[\"" + model + "\"]}'"), command);
        }
    }

    /**
     * The jar a function's code comes from: its s3_key is an aws_s3_object's key (indexed as
     * {@code [0]} when both have a count), whose source is the jar.
     */
    static Path deployedJar(TerraformConfiguration root, String name, Map<String, Object> function) {
        String key = String.valueOf(function.get("s3_key"));
        Matcher reference = S3_OBJECT_KEY.matcher(key);
        assertTrue(reference.matches(), "aws_lambda_function." + name + " must deploy an aws_s3_object (s3_key = aws_s3_object.<name>.key or aws_s3_object.<name>[0].key), got " + key);
        String object = reference.group(1);
        String index = reference.group(2) == null ? "" : reference.group(2);
        assertEquals("aws_s3_object." + object + index + ".bucket", String.valueOf(function.get("s3_bucket")), "s3_bucket and s3_key name the same object");
        String source = String.valueOf(root.resource("aws_s3_object", object).get("source"));
        assertTrue(source.startsWith(MODULE_PATH), "aws_s3_object." + object + ".source must be a path under path.module, got " + source);
        return root.directory().resolve(source.substring(MODULE_PATH.length())).normalize();
    }
}
