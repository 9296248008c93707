package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BucketContractTest {
    private static final String BUCKET_MODULE = "./modules/s3-bucket";

    @Test
    void everyBucketHasEncryptionPublicAccessBlockTlsOnlyPolicyAndLifecycle() {
        int buckets = 0;
        for (TerraformConfiguration module : Repository.allModules()) {
            buckets += module.resources("aws_s3_bucket").size();
            assertEquals(List.of(), ContractRules.bucketViolations(module), module.toString());
        }
        assertTrue(buckets > 0, "no aws_s3_bucket found: the rule checked nothing");
        // With SSE-KMS the same controls hold.
        TerraformConfiguration withKey = TerraformConfiguration.load(Repository.terraform().resolve("modules/s3-bucket"),
                Map.of("name", "b", "kms_key_arn", "arn:aws:kms:eu-west-1:123456789012:key/k"));
        assertEquals(List.of(), ContractRules.bucketViolations(withKey));
    }

    @Test
    void theRootModuleDeclaresItsBucketsOnlyThroughTheBucketModule() {
        TerraformConfiguration root = Repository.rootModule();
        assertEquals(Map.of(), root.resources("aws_s3_bucket"), "buckets belong in " + BUCKET_MODULE);
        Map<String, Object> buckets = root.modules();
        assertEquals(Set.of("bronze_bucket", "silver_bucket", "gold_bucket", "athena_results_bucket", "artifacts_bucket"), buckets.keySet());
        buckets.forEach((name, call) -> assertEquals(BUCKET_MODULE, asMap(call).get("source"), name));

        // Versioning where objects are sources of truth, a cheaper class for read-once bronze, and
        // query results that expire.
        assertEquals(Boolean.TRUE, asMap(buckets.get("bronze_bucket")).get("versioning"));
        assertEquals(Boolean.TRUE, asMap(buckets.get("artifacts_bucket")).get("versioning"));
        assertEquals(Map.of("days", 30L, "storage_class", "STANDARD_IA"), asMap(buckets.get("bronze_bucket")).get("transition"));
        assertEquals(7L, asMap(buckets.get("athena_results_bucket")).get("expiration_days"));
        buckets.forEach((name, call) -> assertEquals(Boolean.FALSE, asMap(call).get("force_destroy"), name + ": force_destroy only when the variable asks"));
        assertEquals(Boolean.TRUE, asMap(Repository.rootModule(Map.of("force_destroy", true)).modules().get("bronze_bucket")).get("force_destroy"));
    }

    /**
     * Once a deleted object's noncurrent versions have expired, its delete marker is all that is left,
     * and stays unless a rule removes it. S3 takes ExpiredObjectDeleteMarker only in an expiration
     * without Days or Date, so it sits in the rule that expires noncurrent versions, while the query
     * results' expiration by days keeps a rule of its own; uploads are aborted by one rule only.
     */
    @Test
    void deleteMarkersAreRemovedOnceTheirNoncurrentVersionsHaveExpired() {
        for (Map<String, ?> inputs : List.of(Map.of("name", "b"), Map.of("name", "b", "versioning", true, "expiration_days", 7))) {
            TerraformConfiguration module = TerraformConfiguration.load(Repository.terraform().resolve("modules/s3-bucket"), inputs);
            Map<String, Object> lifecycle = module.resource("aws_s3_bucket_lifecycle_configuration", "this");
            List<Map<String, Object>> rules = TerraformConfiguration.blocks(lifecycle, "rule");

            List<Map<String, Object>> noncurrent = rules.stream().filter(rule -> !TerraformConfiguration.blocks(rule, "noncurrent_version_expiration").isEmpty()).toList();
            assertEquals(1, noncurrent.size(), "one rule expires noncurrent versions: " + rules);
            Map<String, Object> rule = noncurrent.get(0);
            assertEquals("Enabled", rule.get("status"));
            assertTrue(TerraformConfiguration.blocks(rule, "filter").stream().allMatch(Map::isEmpty), "across the bucket: " + rule);
            assertEquals(List.of(Map.of("expired_object_delete_marker", true)), TerraformConfiguration.blocks(rule, "expiration"),
                    "the rule expiring noncurrent versions removes the delete markers they leave, with no days or date beside it");

            List<Map<String, Object>> expirations = TerraformConfiguration.dynamicBlocks(lifecycle, "rule").stream()
                    .flatMap(generator -> TerraformConfiguration.blocks(generator, "content").stream())
                    .flatMap(content -> TerraformConfiguration.blocks(content, "expiration").stream())
                    .toList();
            assertEquals(1, expirations.size(), "expire-objects: " + expirations);
            assertEquals(Set.of("days"), expirations.get(0).keySet(), "the current versions' expiration keeps its days, alone");

            long aborting = TerraformConfiguration.blocksIncludingDynamic(lifecycle, "rule").stream()
                    .filter(each -> !TerraformConfiguration.blocks(each, "abort_incomplete_multipart_upload").isEmpty())
                    .count();
            assertEquals(1, aborting, "incomplete multipart uploads are aborted by one rule");
        }
    }

    @Test
    void ruleFindsABucketWithoutItsControls(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("main.tf"), """
                resource "aws_s3_bucket" "bare" {
                  bucket        = "bare"
                  force_destroy = true
                }

                resource "aws_s3_bucket_public_access_block" "bare" {
                  bucket                  = aws_s3_bucket.bare.id
                  block_public_acls       = true
                  block_public_policy     = true
                  ignore_public_acls      = true
                  restrict_public_buckets = false
                }

                data "aws_iam_policy_document" "allow_only" {
                  statement {
                    actions   = ["s3:GetObject"]
                    resources = ["${aws_s3_bucket.bare.arn}/*"]
                  }
                }

                resource "aws_s3_bucket_policy" "bare" {
                  bucket = aws_s3_bucket.bare.id
                  policy = data.aws_iam_policy_document.allow_only.json
                }

                resource "aws_s3_bucket_lifecycle_configuration" "bare" {
                  bucket = aws_s3_bucket.bare.id

                  rule {
                    id     = "expire"
                    status = "Enabled"

                    filter {}

                    expiration {
                      days                         = 7
                      expired_object_delete_marker = true
                    }
                  }
                }
                """);
        List<String> violations = ContractRules.bucketViolations(TerraformConfiguration.load(directory, Map.of()));
        String label = directory.getFileName() + ": aws_s3_bucket.bare";
        assertEquals(List.of(
                label + " sets force_destroy with the default inputs",
                label + " has no default encryption (aws_s3_bucket_server_side_encryption_configuration with AES256 or aws:kms)",
                label + " has no public access block with all four settings true",
                label + " does not enforce object ownership (aws_s3_bucket_ownership_controls BucketOwnerEnforced)",
                label + " has no bucket policy (from a policy document) denying s3:* on the bucket and its objects when aws:SecureTransport is false",
                label + " has no enabled lifecycle rule aborting incomplete multipart uploads across the bucket",
                label + " has no enabled lifecycle rule removing expired object delete markers across the bucket",
                label + " has a lifecycle expiration with expired_object_delete_marker beside days or date, which S3 refuses"),
                violations);
        assertFalse(violations.isEmpty());
    }
}
