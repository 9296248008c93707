package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static dev.medallion.infrastructure.TerraformConfiguration.blocks;
import static dev.medallion.infrastructure.TerraformConfiguration.dynamicBlocks;
import static dev.medallion.infrastructure.TerraformConfiguration.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The budgets: a monthly budget per tier, notifying the alert topic at every threshold, optionally
 * narrowed to the stack's cost allocation tag, and optionally able to stop the pipeline.
 */
class BudgetsContractTest {
    @Test
    void everyTierNotifiesTheAlertTopicAtEveryThreshold() {
        TerraformConfiguration root = Repository.rootModule();
        Map<String, Object> budget = root.resource("aws_budgets_budget", "monthly");
        assertEquals("COST", budget.get("budget_type"));
        assertEquals("MONTHLY", budget.get("time_unit"));
        assertEquals("local.budget_tiers", forEachOf("aws_budgets_budget", "monthly"));
        assertEquals(List.of(50L, 100L), ((List<?>) asMap(root.variables().get("monthly_budget_limits_usd")).get("default")).stream()
                .map(amount -> ((Number) amount).longValue()).toList());
        Map<String, Object> notifications = dynamicBlocks(budget, "notification").get(0);
        // One notification per entry of budget_notifications (actual 80 %, actual 100 %, forecasted 100 %).
        assertEquals(3, ((List<?>) notifications.get("for_each")).size());
        Map<String, Object> notification = blocks(notifications, "content").get(0);
        assertEquals(List.of("aws_sns_topic.alerts.arn"), strings(notification.get("subscriber_sns_topic_arns")));
        assertEquals("GREATER_THAN", notification.get("comparison_operator"));
        assertEquals("PERCENTAGE", notification.get("threshold_type"));
    }

    @Test
    void aCostAllocationTagNarrowsTheBudgetsToTheStacksOwnCosts() {
        // Off by default: the whole account's costs.
        assertEquals(List.of(), strings(costFilter(Repository.rootModule()).get("for_each")));
        assertEquals(null, asMap(Repository.rootModule().variables().get("budget_cost_allocation_tag")).get("default"));
        // On: Budgets' TagKeyValue filter on user:<key>$<the stack's value of that tag>.
        Map<String, Object> generator = costFilter(Repository.rootModule(Map.of("budget_cost_allocation_tag", "Project")));
        assertEquals(List.of("Project"), strings(generator.get("for_each")));
        Map<String, Object> content = blocks(generator, "content").get(0);
        assertEquals("TagKeyValue", content.get("name"));
        String cost = source("cost.tf");
        assertTrue(Pattern.compile("values\\s*=\\s*\\[format\\(\"user:%s\\$%s\", cost_filter\\.value, lookup\\(local\\.tags, cost_filter\\.value, \"\"\\)\\)\\]")
                .matcher(cost).find(), "the filter must be user:<key>$<the stack's value of the tag>");
        // The tag must be one the stack sets, else the budget would count nothing.
        assertTrue(cost.contains("contains(keys(local.tags), coalesce(var.budget_cost_allocation_tag, \"-\"))"), "a precondition must refuse a tag the stack does not set");
        assertTrue(String.valueOf(asMap(Repository.rootModule().variables().get("budget_cost_allocation_tag")).get("description")).contains("activated"),
                "the variable must say the tag must be activated in Billing first");
    }

    /**
     * Budgets subtracts credits from a cost budget's spend unless told otherwise (CostTypes.IncludeCredit,
     * true by default), so an account on credits showed about $0 however much the pipeline used: no
     * notification, no hard stop, until the credits were gone. By default the budgets count the usage;
     * budget_subtract_credits = true makes them count what is left to pay, as Budgets' default does.
     */
    @Test
    void theBudgetsCountUsagePaidWithCreditsUnlessToldToSubtractThem() {
        Map<String, Object> variable = asMap(Repository.rootModule().variables().get("budget_subtract_credits"));
        // hcl4j reads the type as an object of its own: the variable's block says bool.
        assertTrue(Pattern.compile("(?s)variable \"budget_subtract_credits\" \\{[^}]*type\\s*=\\s*bool\\s").matcher(source("variables.tf")).find(), "a bool");
        assertEquals(Boolean.FALSE, variable.get("default"));
        assertEquals(Boolean.FALSE, variable.get("nullable"), "null would leave it to Budgets' default, which subtracts them");
        assertTrue(String.valueOf(variable.get("description")).contains("credits"), String.valueOf(variable.get("description")));

        for (boolean subtract : List.of(false, true)) {
            TerraformConfiguration root = Repository.rootModule(Map.of("budget_subtract_credits", subtract, "budget_hard_stop", true));
            List<Map<String, Object>> costTypes = blocks(root.resource("aws_budgets_budget", "monthly"), "cost_types");
            assertEquals(1, costTypes.size(), "every tier says which costs it counts, the hard stop's top tier among them");
            // Only credits: refunds, discounts, taxes and the rest stay as Budgets counts them by default.
            assertEquals(Map.of("include_credit", subtract), costTypes.get(0), "budget_subtract_credits = " + subtract);
        }
    }

    @Test
    void theHardStopIsOffByDefault() {
        assertEquals(Boolean.FALSE, asMap(Repository.rootModule().variables().get("budget_hard_stop")).get("default"));
        TerraformConfiguration root = Repository.rootModule();
        for (String[] resource : HARD_STOP_RESOURCES) {
            assertEquals(0L, count(root.resource(resource[0], resource[1])), resource[0] + "." + resource[1]);
        }
        // And never without budgets, whatever the switch says (that plan fails: VariableValidationPlanIT).
        TerraformConfiguration noBudgets = Repository.rootModule(Map.of("budget_hard_stop", true, "enable_budgets", false));
        for (String[] resource : HARD_STOP_RESOURCES) {
            assertEquals(0L, count(noBudgets.resource(resource[0], resource[1])), resource[0] + "." + resource[1]);
        }
        assertTrue(source("main.tf").contains("condition     = !var.budget_hard_stop || var.enable_budgets"), "a precondition must say the stop needs budgets");
    }

    @Test
    void atTheTopTiersActualSpendBudgetsAttachADenyToThePipelinesRoles() {
        TerraformConfiguration root = Repository.rootModule(Map.of("budget_hard_stop", true, "monthly_budget_limits_usd", List.of(20, 250, 100)));
        for (String[] resource : HARD_STOP_RESOURCES) {
            assertEquals(1L, count(root.resource(resource[0], resource[1])), resource[0] + "." + resource[1]);
        }
        Map<String, Object> action = root.resource("aws_budgets_budget_action", "hard_stop");
        assertEquals("APPLY_IAM_POLICY", action.get("action_type"));
        assertEquals("AUTOMATIC", action.get("approval_model"));
        assertEquals("ACTUAL", action.get("notification_type"));
        Map<String, Object> threshold = blocks(action, "action_threshold").get(0);
        assertEquals("PERCENTAGE", threshold.get("action_threshold_type"));
        assertEquals(100L, ((Number) threshold.get("action_threshold_value")).longValue());
        // The top tier: the budget keyed by the largest amount (hcl4j does not evaluate max(), so read it).
        assertTrue(source("cost.tf").contains("budget_top_tier = tostring(max(var.monthly_budget_limits_usd...))"), "the top tier is the largest amount");
        assertTrue(source("cost.tf").contains("{ for amount in var.monthly_budget_limits_usd : tostring(amount) => amount }"), "budgets are keyed by tostring(amount)");
        assertTrue(Pattern.compile("budget_name\\s*=\\s*aws_budgets_budget\\.monthly\\[local\\.budget_top_tier\\]\\.name").matcher(source("cost.tf")).find(),
                "the action must belong to the top tier's budget");
        assertEquals("aws_iam_role.budget_action.value.arn", String.valueOf(action.get("execution_role_arn")));
        Map<String, Object> subscriber = blocks(action, "subscriber").get(0);
        assertEquals("SNS", subscriber.get("subscription_type"));
        assertEquals("aws_sns_topic.alerts.arn", String.valueOf(subscriber.get("address")));

        // The deny goes to exactly the pipeline's roles: every role of the stack but Budgets' own.
        Map<String, Object> definition = blocks(blocks(action, "definition").get(0), "iam_action_definition").get(0);
        assertEquals("aws_iam_policy.budget_hard_stop.value.arn", String.valueOf(definition.get("policy_arn")));
        assertTrue(source("cost.tf").replaceAll("\\s+", " ").contains(
                        "roles = flatten([ [aws_iam_role.silver_converter.name], aws_iam_role.gold_ctas[*].name, aws_iam_role.crawler[*].name, ])"),
                "the stop must name the converter's, the gold builder's and the crawler's roles");
        assertEquals(List.of("budget_action", "crawler", "gold_ctas", "silver_converter"), root.resources("aws_iam_role").keySet().stream().sorted().toList(),
                "a new role of the pipeline must be added to the stop");

        // What the deny leaves: writing logs and keeping failed events in the failure queues.
        List<PolicyStatement> deny = ContractRules.statements(root, "budget_hard_stop");
        assertEquals(1, deny.size());
        PolicyStatement stop = deny.get(0);
        assertEquals("Deny", stop.effect());
        assertEquals(List.of("*"), stop.resources());
        assertEquals(List.of("logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage"), strings(stop.block().get("not_actions")).stream().sorted().toList());
        assertEquals(List.of(), stop.actions(), "a deny of everything but the listed actions (not_actions), not of a list");
        assertEquals("data.aws_iam_policy_document.budget_hard_stop.value.json", String.valueOf(root.resource("aws_iam_policy", "budget_hard_stop").get("policy")));
    }

    @Test
    void budgetsMayAttachAndDetachThatPolicyToThoseRolesAndNothingElse() {
        TerraformConfiguration root = Repository.rootModule(Map.of("budget_hard_stop", true));
        List<PolicyStatement> trust = ContractRules.statements(root, "budgets_assume_role");
        assertEquals(1, trust.size());
        assertEquals(List.of("sts:AssumeRole"), trust.get(0).actions());
        assertEquals(List.of("data.aws_service_principal.budgets.name"), strings(blocks(trust.get(0).block(), "principals").get(0).get("identifiers")));
        assertTrue(blocks(trust.get(0).block(), "condition").stream().anyMatch(condition -> "aws:SourceAccount".equals(condition.get("variable"))),
                "only this account's Budgets may assume the role");

        List<PolicyStatement> policy = ContractRules.statements(root, "budget_action");
        assertEquals(1, policy.size());
        PolicyStatement attach = policy.get(0);
        assertEquals(List.of("iam:AttachRolePolicy", "iam:DetachRolePolicy"), attach.actions().stream().sorted().toList());
        for (String role : List.of("aws_iam_role.silver_converter.arn", "aws_iam_role.gold_ctas[*].arn", "aws_iam_role.crawler[*].arn")) {
            assertTrue(source("cost.tf").contains(role), role);
        }
        assertTrue(attach.resources().stream().noneMatch(PolicyStatement::isWildcardResource), attach.resources().toString());
        Map<String, Object> condition = blocks(attach.block(), "condition").get(0);
        assertEquals("ArnEquals", condition.get("test"));
        assertEquals("iam:PolicyARN", condition.get("variable"));
        assertEquals(List.of("aws_iam_policy.budget_hard_stop.value.arn"), strings(condition.get("values")), "Budgets may attach the stop and no other policy");
        for (String action : List.of("iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PassRole", "iam:AttachUserPolicy", "iam:CreatePolicyVersion")) {
            assertTrue(policy.stream().noneMatch(statement -> statement.allows(action, "aws_iam_role.silver_converter.arn")), action);
        }
        assertEquals("data.aws_iam_policy_document.budget_action.value.json", String.valueOf(root.resource("aws_iam_role_policy", "budget_action").get("policy")));
    }

    private static final String[][] HARD_STOP_RESOURCES = {
            {"aws_budgets_budget_action", "hard_stop"},
            {"aws_iam_policy", "budget_hard_stop"},
            {"aws_iam_role", "budget_action"},
            {"aws_iam_role_policy", "budget_action"},
    };

    private static long count(Map<String, Object> block) {
        return ((Number) block.get("count")).longValue();
    }

    private static Map<String, Object> costFilter(TerraformConfiguration root) {
        List<Map<String, Object>> generators = dynamicBlocks(root.resource("aws_budgets_budget", "monthly"), "cost_filter");
        assertEquals(1, generators.size());
        return generators.get(0);
    }

    /**
     * While the stop denied the gold builder's role sqs:ReceiveMessage, Lambda may have disabled the
     * trigger queue's event source mapping; lifting the stop detaches the policy and nothing else, so
     * the commits would wait until their 14 days ran out. The lift command checks the mapping and
     * enables it when it is disabled, retrying while the detach propagates; run twice, it changes
     * nothing more.
     */
    @Test
    void liftingTheStopEnablesTheGoldTriggerMappingAgainWhenItIsDisabled() {
        Matcher output = Pattern.compile("(?s)output \"budget_hard_stop\" \\{(.*?)\n}").matcher(source("outputs.tf"));
        assertTrue(output.find(), "no output budget_hard_stop");
        String lift = output.group(1);
        String uuid = "${aws_lambda_event_source_mapping.gold_triggers[0].uuid}";
        for (String part : List.of("--execution-type REVERSE_BUDGET_ACTION;", "local.gold_builds_on_commit ?",
                "aws lambda get-event-source-mapping --region ${local.region} --uuid " + uuid,
                "case \\\"$s\\\" in Disabled*)", "aws lambda update-event-source-mapping --region ${local.region} --uuid " + uuid + " --enabled",
                "&& break; sleep 30; done")) {
            assertTrue(lift.contains(part), "the lift command lacks " + part + ": " + lift);
        }
        assertFalse(lift.contains("--no-enabled"), lift);
    }

    static String source(String file) {
        return Repository.rootModule().sources().entrySet().stream()
                .filter(source -> source.getKey().getFileName().toString().equals(file))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + file));
    }

    private static String forEachOf(String type, String name) {
        var matcher = Pattern.compile("(?s)resource \"" + type + "\" \"" + name + "\" \\{\\s*(?:#[^\\n]*\\n\\s*)*for_each\\s*=\\s*([a-z_.]+)").matcher(source("cost.tf"));
        assertTrue(matcher.find(), "no for_each on " + type + "." + name);
        return matcher.group(1);
    }
}
