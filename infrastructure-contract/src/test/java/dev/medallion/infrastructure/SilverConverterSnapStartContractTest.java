package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static dev.medallion.infrastructure.TerraformConfiguration.blocks;
import static dev.medallion.infrastructure.TerraformConfiguration.dynamicBlocks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SnapStart (silver_converter_snapstart): Lambda snapshots only published versions, so with it on every
 * invoker must target the alias of the published version. An invoker left on the unqualified function
 * runs $LATEST, which is never snapshotted: every cold start would start a JVM again, and nothing would
 * fail to say so.
 */
class SilverConverterSnapStartContractTest {
    private static final String FUNCTION = "aws_lambda_function.silver_converter.value.";
    private static final String ALIAS_ARN = "aws_lambda_alias.silver_converter.value.arn";
    private static final String ALIAS_NAME = "aws_lambda_alias.silver_converter.value.name";
    private static final String FUNCTION_ARN = FUNCTION + "arn";

    @Test
    void snapStartIsOnByDefault() {
        assertEquals(true, asMap(Repository.rootModule().variables().get("silver_converter_snapstart")).get("default"));
        assertEquals(Boolean.FALSE, asMap(Repository.rootModule().variables().get("silver_converter_snapstart")).get("nullable"));
    }

    @Test
    void withSnapStartTheFunctionPublishesSnapshottedVersionsAndTheAliasFollowsThem() {
        TerraformConfiguration root = Repository.rootModule(Map.of("silver_converter_snapstart", true));
        Map<String, Object> function = root.resource("aws_lambda_function", "silver_converter");
        assertEquals(true, function.get("publish"));
        List<Map<String, Object>> snapStart = dynamicBlocks(function, "snap_start");
        assertEquals(1, snapStart.size());
        assertEquals(List.of("PublishedVersions"), snapStart.get(0).get("for_each"));
        assertEquals("snap_start.value", String.valueOf(blocks(snapStart.get(0), "content").get(0).get("apply_on")));

        Map<String, Object> alias = root.resource("aws_lambda_alias", "silver_converter");
        assertEquals(1L, ((Number) alias.get("count")).longValue());
        assertEquals(FUNCTION + "function_name", String.valueOf(alias.get("function_name")));
        assertEquals(FUNCTION + "version", String.valueOf(alias.get("function_version")), "the alias moves to the version each deploy publishes");
        assertEquals(0L, ((Number) Repository.rootModule(Map.of("silver_converter_snapstart", true, "enable_functions", false))
                .resource("aws_lambda_alias", "silver_converter").get("count")).longValue(), "no alias without the function");
    }

    @Test
    void withSnapStartEveryInvokerTargetsTheAliasNeverLatest() {
        TerraformConfiguration root = Repository.rootModule(Map.of("silver_converter_snapstart", true));
        checkInvokers(root, ALIAS_ARN, ALIAS_NAME);

        // Nothing else may name the function's ARN: only its name (qualified by the alias above, or for
        // the alarms, whose FunctionName metrics count every version) and the version the alias follows.
        List<String> references = root.valuesContaining(FUNCTION);
        assertFalse(references.isEmpty());
        for (String reference : references) {
            String attribute = reference.substring(reference.indexOf(FUNCTION) + FUNCTION.length());
            assertTrue(attribute.equals("function_name") || attribute.equals("version"), "with SnapStart on, " + reference
                    + " names the unqualified function; target local.silver_converter_invoked_arn (the alias) instead");
        }
        assertFalse(String.valueOf(root.allResources()).contains("$LATEST"), "an invoker targets $LATEST, which SnapStart never snapshots");
    }

    @Test
    void withoutSnapStartTheInvokersTargetTheFunctionAndNothingIsPublished() {
        TerraformConfiguration root = Repository.rootModule(Map.of("silver_converter_snapstart", false));
        assertEquals(false, root.resource("aws_lambda_function", "silver_converter").get("publish"));
        assertEquals(List.of(), dynamicBlocks(root.resource("aws_lambda_function", "silver_converter"), "snap_start").get(0).get("for_each"));
        assertEquals(0L, ((Number) root.resource("aws_lambda_alias", "silver_converter").get("count")).longValue());
        checkInvokers(root, FUNCTION_ARN, null);
    }

    /** The bronze notification targets {@code arn}; the permission it needs and the on-failure configuration name its {@code qualifier}. */
    private static void checkInvokers(TerraformConfiguration root, String arn, String qualifier) {
        assertEquals(arn, String.valueOf(root.local("silver_converter_invoked_arn")));
        Map<String, Object> notification = root.resource("aws_s3_bucket_notification", "bronze");
        List<Map<String, Object>> rules = new ArrayList<>(blocks(notification, "lambda_function"));
        dynamicBlocks(notification, "lambda_function").forEach(generator -> rules.addAll(blocks(generator, "content")));
        assertFalse(rules.isEmpty());
        rules.forEach(rule -> assertEquals(arn, String.valueOf(rule.get("lambda_function_arn")), "a bronze notification rule's target"));
        Map<String, Object> permission = root.resource("aws_lambda_permission", "bronze_invokes_silver_converter");
        assertEquals(qualifier, root.resolved(permission.get("qualifier")), "S3 may invoke only what the notification targets");
        Map<String, Object> asynchronous = root.resource("aws_lambda_function_event_invoke_config", "silver_converter");
        assertEquals(qualifier, root.resolved(asynchronous.get("qualifier")), "retries and the on-failure queue apply per qualifier: the one S3 invokes");
    }
}
