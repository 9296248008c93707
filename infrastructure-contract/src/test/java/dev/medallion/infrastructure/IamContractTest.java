package dev.medallion.infrastructure;

import dev.medallion.common.layout.RunId;
import dev.medallion.common.layout.SilverLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static dev.medallion.infrastructure.PolicyStatement.assertAllowed;
import static dev.medallion.infrastructure.PolicyStatement.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IamContractTest {
    @Test
    void terraformFollowsTheIamRules() {
        for (TerraformConfiguration module : Repository.allModules()) {
            assertEquals(List.of(), ContractRules.iamViolations(module), module.toString());
        }
        // The KMS statements exist only with kms_encryption; their content is checked either way, and
        // with the key on, the rendered documents must comply too.
        assertEquals(List.of(), ContractRules.iamViolations(Repository.rootModule(Map.of("kms_encryption", true))));
        assertEquals(List.of(), ContractRules.iamViolations(Repository.rootModule(Map.of("budget_hard_stop", true))));
    }

    /**
     * Everyone who reads silver through Athena (analysts, the gold builder, the crawler) reads its data
     * parts and nothing beside them: quarantine files sit in the same ingest_date= folders of the
     * bookkeeping prefix, and hold the rows the contract refused.
     */
    @Test
    void silverReadersReadDataPartsButNotTheQuarantineBesideThem() {
        TerraformConfiguration root = Repository.rootModule(Map.of("silver_prefix", "lake/"));
        SilverLayout layout = new SilverLayout("lake/");
        LocalDate day = LocalDate.of(2026, 3, 1);
        String part = "module.silver_bucket.arn/" + layout.partKey("sales", day, "sales/x.csv", "e", RunId.start(1), 1);
        String quarantine = "module.silver_bucket.arn/" + layout.quarantineKey("sales", day, "sales/x.csv", "e", RunId.start(1));
        for (String reader : List.of("analyst", "gold_ctas", "crawler")) {
            List<PolicyStatement> policy = ContractRules.statements(root, reader);
            assertAllowed(policy, "s3:GetObject", part);
            assertDenied(policy, "s3:GetObject", quarantine);
        }
        // The converter alone writes, replaces and reads back both.
        List<PolicyStatement> converter = ContractRules.statements(root, "silver_converter");
        assertAllowed(converter, "s3:GetObject", part);
        assertAllowed(converter, "s3:GetObject", quarantine);
    }

    @Test
    void everyRoleHasItsOwnInlinePolicy() {
        TerraformConfiguration root = Repository.rootModule();
        Map<String, Object> roles = root.resources("aws_iam_role");
        assertEquals(List.of("budget_action", "crawler", "gold_ctas", "silver_converter"), roles.keySet().stream().sorted().toList());
        for (String role : roles.keySet()) {
            Map<String, Object> policy = root.resource("aws_iam_role_policy", role);
            assertTrue(String.valueOf(policy.get("role")).startsWith("aws_iam_role." + role + "."), "the inline policy " + role + " belongs to the role " + role);
        }
    }

    @Test
    void ruleFindsWildcardActionsAndUnjustifiedWildcardResources(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("main.tf"), """
                data "aws_iam_policy_document" "broad" {
                  statement {
                    sid       = "AllS3"
                    actions   = ["s3:*"]
                    resources = ["arn:aws:s3:::bucket/*"]
                  }

                  statement {
                    sid       = "EveryObject"
                    actions   = ["s3:GetObject"]
                    resources = ["*"]
                  }

                  statement {
                    sid     = "Traces"
                    actions = ["xray:PutTraceSegments"]
                    # X-Ray has no resource-level permissions.
                    resources = ["*"]
                  }

                  statement {
                    sid     = "DenyIsFine"
                    effect  = "Deny"
                    actions = ["s3:*"]
                    # Deny everything without TLS.
                    resources = ["*"]
                  }
                }

                resource "aws_iam_role_policy" "inline_json" {
                  role   = "r"
                  policy = jsonencode({ Statement = [] })
                }

                resource "aws_iam_role_policy_attachment" "managed" {
                  role       = "r"
                  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
                }
                """);
        List<String> violations = ContractRules.iamViolations(TerraformConfiguration.load(directory, Map.of()));
        assertEquals(List.of(
                "data.aws_iam_policy_document.broad statement AllS3 allows the wildcard action s3:*",
                "data.aws_iam_policy_document.broad statement EveryObject allows [s3:GetObject] on every resource, but they take resource-level permissions: name the ARNs",
                "main.tf:11 grants on Resource \"*\" without a comment on the line above saying why",
                "aws_iam_role_policy.inline_json.policy is not data.aws_iam_policy_document.<name>.json, so its statements escape the IAM rules",
                "aws_iam_role_policy_attachment.managed attaches the AWS managed policy arn:aws:iam::aws:policy/AdministratorAccess"),
                violations);
    }

    @Test
    void keyPolicyMayNameTheKeyAsStar(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("main.tf"), """
                resource "aws_kms_key" "this" {
                  policy = data.aws_iam_policy_document.key.json
                }

                data "aws_iam_policy_document" "key" {
                  statement {
                    actions = ["kms:Decrypt"]
                    # Key policy: "*" means this key.
                    resources = ["*"]
                  }
                }
                """);
        assertEquals(List.of(), ContractRules.iamViolations(TerraformConfiguration.load(directory, Map.of())));
    }

    @Test
    void iamMatchingFollowsIamWildcards() {
        PolicyStatement statement = PolicyStatement.of("test", Map.of(
                "actions", List.of("s3:GetObject"),
                "resources", List.of("arn:aws:s3:::b/*/ingest_date=*", "arn:aws:s3:::b/_schemas/?.json")));
        assertTrue(statement.allows("s3:getobject", "arn:aws:s3:::b/sales/ingest_date=2026-01-01/x.parquet"));
        assertTrue(statement.allows("s3:GetObject", "arn:aws:s3:::b/_schemas/a.json"));
        assertFalse(statement.allows("s3:GetObject", "arn:aws:s3:::b/_schemas/ab.json"));
        assertFalse(statement.allows("s3:PutObject", "arn:aws:s3:::b/sales/ingest_date=2026-01-01/x.parquet"));
        assertFalse(statement.allows("s3:GetObject", "arn:aws:s3:::b/sales/x.parquet"));
        assertTrue(PolicyStatement.isWildcardResource("*"));
        assertTrue(PolicyStatement.isWildcardResource("arn:aws:sqs:eu-west-1:123456789012:*"));
        assertFalse(PolicyStatement.isWildcardResource("arn:aws:logs:eu-west-1:123456789012:log-group:/aws-glue/crawlers:*"));
    }
}
