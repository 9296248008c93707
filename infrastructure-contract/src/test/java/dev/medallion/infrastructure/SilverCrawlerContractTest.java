package dev.medallion.infrastructure;

import dev.medallion.common.layout.RunId;
import dev.medallion.common.layout.SilverLayout;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.medallion.infrastructure.PolicyStatement.assertAllowed;
import static dev.medallion.infrastructure.PolicyStatement.assertDenied;
import static dev.medallion.infrastructure.TerraformConfiguration.blocks;
import static dev.medallion.infrastructure.TerraformConfiguration.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The silver crawler as deployed: the catalog's repair and discovery tool, run on demand, that reads
 * only data, adds what is missing and never changes a table the converter registered from its schema
 * contract.
 */
class SilverCrawlerContractTest {
    private static final String SILVER_ARN = "module.silver_bucket.arn";
    private static final String SILVER_DATABASE_ARN = "aws_glue_catalog_database.silver.value.arn";

    @Test
    void crawlerSkipsTheConvertersBookkeepingAndReadsOnlyData() {
        TerraformConfiguration root = Repository.rootModule(Map.of("silver_prefix", "lake/"));
        SilverLayout layout = new SilverLayout("lake/");
        LocalDate day = LocalDate.of(2026, 3, 1);
        Set<String> bookkeeping = new TreeSet<>();
        for (String key : List.of(layout.manifestKey("sales", "sales/x.csv"), layout.quarantineKey("sales", day, "sales/x.csv", "e", RunId.start(1)), layout.schemaKey("sales"),
                layout.publishingKey("sales", day, "sales/x.csv", RunId.start(1)))) {
            String relative = key.substring(layout.prefix().length());
            bookkeeping.add(relative.substring(0, relative.indexOf('/')) + "/**");
        }
        Map<String, Object> crawler = root.resource("aws_glue_crawler", "silver");
        Map<String, Object> target = blocks(crawler, "s3_target").get(0);
        assertEquals("s3://module.silver_bucket.id/lake/", target.get("path"));
        assertEquals(bookkeeping, new TreeSet<>(strings(target.get("exclusions"))));

        List<PolicyStatement> policy = ContractRules.statements(root, "crawler");
        assertAllowed(policy, "s3:GetObject", SILVER_ARN + "/" + layout.partKey("sales", day, "sales/x.csv", "e", RunId.start(1), 1));
        assertDenied(policy, "s3:GetObject", SILVER_ARN + "/" + layout.manifestKey("sales", "sales/x.csv"));
        assertDenied(policy, "s3:GetObject", SILVER_ARN + "/" + layout.quarantineKey("sales", day, "sales/x.csv", "e", RunId.start(1)));
        assertDenied(policy, "s3:PutObject", SILVER_ARN + "/" + layout.partKey("sales", day, "sales/x.csv", "e", RunId.start(1), 1));
    }

    @Test
    void crawlerRunsOnDemandOverAllOfSilverWithoutAnEventQueue() {
        TerraformConfiguration root = Repository.rootModule();
        Map<String, Object> crawler = root.resource("aws_glue_crawler", "silver");
        assertNull(crawler.get("schedule"), "no schedule by default: the converter catalogs silver, the crawler repairs on demand");
        assertEquals("CRAWL_EVERYTHING", blocks(crawler, "recrawl_policy").get(0).get("recrawl_behavior"));
        Map<String, Object> target = blocks(crawler, "s3_target").get(0);
        assertFalse(target.containsKey("event_queue_arn"), "no S3 event queue: " + target);
        assertFalse(target.containsKey("dlq_event_queue_arn"), "no S3 event dead-letter queue: " + target);
        assertTrue(root.resources("aws_sqs_queue").keySet().stream().noneMatch(queue -> queue.startsWith("silver_events")), root.resources("aws_sqs_queue").keySet().toString());
        String command = String.valueOf(root.outputs().get("silver_crawl_command"));
        assertTrue(command.contains("aws glue start-crawler --name aws_glue_crawler.silver.value.name"), command);

        Map<String, Object> scheduled = Repository.rootModule(Map.of("silver_crawler_schedule", "cron(0 4 ? * SUN *)")).resource("aws_glue_crawler", "silver");
        assertEquals("cron(0 4 ? * SUN *)", scheduled.get("schedule"));
    }

    @Test
    void crawlerNeverChangesAnExistingTableAndPartitionsInheritItsColumns() {
        TerraformConfiguration root = Repository.rootModule();
        Map<String, Object> crawler = root.resource("aws_glue_crawler", "silver");
        Map<String, Object> policy = blocks(crawler, "schema_change_policy").get(0);
        assertEquals("LOG", policy.get("update_behavior"));
        assertEquals("LOG", policy.get("delete_behavior"));
        // hcl4j does not evaluate jsonencode: read the configuration as the source writes it.
        String catalog = root.sources().entrySet().stream()
                .filter(source -> source.getKey().getFileName().toString().equals("catalog.tf"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow();
        assertTrue(catalog.matches("(?s).*Partitions\\s*=\\s*\\{\\s*AddOrUpdateBehavior\\s*=\\s*\"InheritFromTable\"\\s*}.*"), "partitions inherit the table's columns");
        assertFalse(catalog.contains("MergeNewColumns"), "no table update behaviour: LOG leaves tables as they are");

        // What LOG promises, the role enforces: tables are created, never updated or deleted.
        List<PolicyStatement> statements = ContractRules.statements(root, "crawler");
        String table = "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${aws_glue_catalog_database.silver[0].name}/sales";
        String catalogArn = String.valueOf(root.local("glue_catalog_arn"));
        String tables = catalogArn.substring(0, catalogArn.length() - "catalog".length()) + "table/aws_glue_catalog_database.silver.value.name/sales";
        for (String action : List.of("glue:CreateTable", "glue:GetTable", "glue:BatchCreatePartition", "glue:CreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition")) {
            assertAllowed(statements, action, tables);
        }
        for (String action : List.of("glue:UpdateTable", "glue:DeleteTable", "glue:DeletePartition", "glue:BatchDeletePartition")) {
            assertDenied(statements, action, tables);
        }
        assertDenied(statements, "glue:CreateTable", table.replace("silver", "gold"));
        assertAllowed(statements, "glue:GetDatabase", SILVER_DATABASE_ARN);
        // No queue of any kind.
        assertDenied(statements, "sqs:ReceiveMessage", "aws_sqs_queue.gold_triggers.value.arn");
    }
}
