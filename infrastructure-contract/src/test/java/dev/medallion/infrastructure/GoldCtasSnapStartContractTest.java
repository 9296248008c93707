package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static dev.medallion.infrastructure.TerraformConfiguration.blocks;
import static dev.medallion.infrastructure.TerraformConfiguration.dynamicBlocks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SnapStart for the gold builder (gold_ctas_snapstart), as the converter has it
 * (SilverConverterSnapStartContractTest): Lambda snapshots only published versions, so with it on every
 * invoker must target the alias of the published version: the trigger queue's mapping, the schedule, and
 * the rebuild command. An invoker left on the unqualified function runs $LATEST, which is never
 * snapshotted, and misses the retry and on-failure settings, which apply per qualifier; nothing would fail
 * to say so.
 */
class GoldCtasSnapStartContractTest {
    private static final String FUNCTION = "aws_lambda_function.gold_ctas.value.";
    private static final String ALIAS_ARN = "aws_lambda_alias.gold_ctas.value.arn";
    private static final String ALIAS_NAME = "aws_lambda_alias.gold_ctas.value.name";
    private static final String FUNCTION_ARN = FUNCTION + "arn";
    private static final Pattern ATTRIBUTE = Pattern.compile(Pattern.quote(FUNCTION) + "([a-z_]+)");
    /** With the schedule, so that every invoker exists. */
    private static final String SCHEDULE = "rate(1 day)";

    @Test
    void snapStartIsOnByDefault() {
        Map<String, Object> variable = asMap(Repository.rootModule().variables().get("gold_ctas_snapstart"));
        assertEquals(true, variable.get("default"));
        assertEquals(Boolean.FALSE, variable.get("nullable"));
    }

    @Test
    void withSnapStartTheFunctionPublishesSnapshottedVersionsAndTheAliasFollowsThem() {
        TerraformConfiguration root = Repository.rootModule(Map.of("gold_ctas_snapstart", true));
        Map<String, Object> function = root.resource("aws_lambda_function", "gold_ctas");
        assertEquals(true, function.get("publish"));
        List<Map<String, Object>> snapStart = dynamicBlocks(function, "snap_start");
        assertEquals(1, snapStart.size());
        assertEquals(List.of("PublishedVersions"), snapStart.get(0).get("for_each"));
        assertEquals("snap_start.value", String.valueOf(blocks(snapStart.get(0), "content").get(0).get("apply_on")));

        Map<String, Object> alias = root.resource("aws_lambda_alias", "gold_ctas");
        assertEquals(1L, ((Number) alias.get("count")).longValue());
        assertEquals("live", alias.get("name"), "the same alias name as the converter's");
        assertEquals(FUNCTION + "function_name", String.valueOf(alias.get("function_name")));
        assertEquals(FUNCTION + "version", String.valueOf(alias.get("function_version")), "the alias moves to the version each deploy publishes");
        for (Map<String, ?> without : List.<Map<String, ?>>of(Map.of("enable_functions", false), Map.of("enable_athena", false), Map.of("enable_glue_catalog", false))) {
            Map<String, Object> inputs = new LinkedHashMap<>(without);
            inputs.put("gold_ctas_snapstart", true);
            assertEquals(0L, ((Number) Repository.rootModule(inputs).resource("aws_lambda_alias", "gold_ctas").get("count")).longValue(),
                    "no alias without the builder: " + without);
        }
    }

    @Test
    void withSnapStartEveryInvokerTargetsTheAliasNeverLatest() {
        TerraformConfiguration root = Repository.rootModule(Map.of("gold_ctas_snapstart", true, "gold_schedule", SCHEDULE));
        checkInvokers(root, ALIAS_ARN, ALIAS_NAME);

        // Nothing else may name the function's ARN: only its name (qualified by the alias above, or for
        // the alarms, whose FunctionName metrics count every version) and the version the alias follows.
        List<String> references = root.valuesContaining(FUNCTION);
        assertFalse(references.isEmpty());
        for (String reference : references) {
            // Every reference in the value (an output's template may hold several, among other text).
            Matcher attribute = ATTRIBUTE.matcher(reference);
            assertTrue(attribute.find(), reference);
            do {
                assertTrue(attribute.group(1).equals("function_name") || attribute.group(1).equals("version"), "with SnapStart on, " + reference
                        + " names the unqualified function; target local.gold_ctas_invoked_arn (the alias) instead");
            }
            while (attribute.find());
        }
        assertFalse(String.valueOf(root.allResources()).contains("$LATEST"), "an invoker targets $LATEST, which SnapStart never snapshots");
    }

    @Test
    void withoutSnapStartTheInvokersTargetTheFunctionAndNothingIsPublished() {
        TerraformConfiguration root = Repository.rootModule(Map.of("gold_ctas_snapstart", false, "gold_schedule", SCHEDULE));
        assertEquals(false, root.resource("aws_lambda_function", "gold_ctas").get("publish"));
        assertEquals(List.of(), dynamicBlocks(root.resource("aws_lambda_function", "gold_ctas"), "snap_start").get(0).get("for_each"));
        assertEquals(0L, ((Number) root.resource("aws_lambda_alias", "gold_ctas").get("count")).longValue());
        checkInvokers(root, FUNCTION_ARN, null);
    }

    @Test
    void theConvertersSwitchLeavesTheBuilderAloneAndTheBuildersTheConverter() {
        TerraformConfiguration builderOff = Repository.rootModule(Map.of("gold_ctas_snapstart", false, "silver_converter_snapstart", true));
        assertEquals(true, builderOff.resource("aws_lambda_function", "silver_converter").get("publish"));
        assertEquals(false, builderOff.resource("aws_lambda_function", "gold_ctas").get("publish"));
        TerraformConfiguration converterOff = Repository.rootModule(Map.of("gold_ctas_snapstart", true, "silver_converter_snapstart", false));
        assertEquals(false, converterOff.resource("aws_lambda_function", "silver_converter").get("publish"));
        assertEquals(true, converterOff.resource("aws_lambda_function", "gold_ctas").get("publish"));
    }

    /**
     * The trigger queue's mapping and the schedule's target invoke {@code arn}; the schedule's permission and
     * the on-failure configuration name its {@code qualifier}.
     */
    private static void checkInvokers(TerraformConfiguration root, String arn, String qualifier) {
        assertEquals(arn, String.valueOf(root.local("gold_ctas_invoked_arn")));
        assertEquals(qualifier, root.resolved(root.local("gold_ctas_qualifier")));
        Map<String, Object> mapping = root.resource("aws_lambda_event_source_mapping", "gold_triggers");
        assertEquals(arn, root.resolved(mapping.get("function_name")), "the trigger queue's mapping invokes");
        Map<String, Object> target = root.resource("aws_cloudwatch_event_target", "gold_schedule");
        assertEquals(arn, root.resolved(target.get("arn")), "the schedule's target");
        Map<String, Object> permission = root.resource("aws_lambda_permission", "gold_schedule_invokes_gold_ctas");
        assertEquals(FUNCTION + "function_name", String.valueOf(permission.get("function_name")));
        assertEquals(qualifier, root.resolved(permission.get("qualifier")), "EventBridge may invoke only what the schedule targets");
        Map<String, Object> asynchronous = root.resource("aws_lambda_function_event_invoke_config", "gold_ctas");
        assertEquals(FUNCTION + "function_name", String.valueOf(asynchronous.get("function_name")));
        assertEquals(qualifier, root.resolved(asynchronous.get("qualifier")), "retries and the on-failure queue apply per qualifier: the one invoked");
        // The rebuild command is asynchronous too: it must invoke that same qualifier.
        String rebuild = String.valueOf(asMap(root.outputs().get("gold_rebuild_command")).get("value"));
        String invoke = "aws lambda invoke --function-name " + FUNCTION + "function_name" + (qualifier == null ? "" : " --qualifier " + qualifier) + " --invocation-type Event ";
        assertTrue(rebuild.startsWith("printf '%s' '") && rebuild.contains("' | " + invoke), "gold_rebuild_command must pipe its payload into " + invoke + ": " + rebuild);
    }
}
