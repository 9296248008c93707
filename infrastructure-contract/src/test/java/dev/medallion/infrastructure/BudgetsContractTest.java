package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static dev.medallion.infrastructure.TerraformConfiguration.blocks;
import static dev.medallion.infrastructure.TerraformConfiguration.dynamicBlocks;
import static dev.medallion.infrastructure.TerraformConfiguration.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private static Map<String, Object> costFilter(TerraformConfiguration root) {
        List<Map<String, Object>> generators = dynamicBlocks(root.resource("aws_budgets_budget", "monthly"), "cost_filter");
        assertEquals(1, generators.size());
        return generators.get(0);
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
