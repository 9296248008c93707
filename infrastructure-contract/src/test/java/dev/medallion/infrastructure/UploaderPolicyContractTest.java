package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.medallion.infrastructure.PolicyStatement.assertAllowed;
import static dev.medallion.infrastructure.PolicyStatement.assertDenied;
import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The uploader policy the stack publishes allows what {@code bronze-ingest upload} calls, on bronze
 * only: every S3 call of {@code BronzeBucket}, read from its source, must map to an action the policy
 * allows, so a new call fails here until the policy (and this table) says what it needs.
 */
class UploaderPolicyContractTest {
    private static final String DOCUMENT = "uploader";
    private static final String BRONZE_ARN = "module.bronze_bucket.arn";
    private static final String KEY = BRONZE_ARN + "/sales/2026/11/jan.csv";
    private static final Path BRONZE_BUCKET = Path.of("bronze-ingest/src/main/java/dev/medallion/bronze/upload/BronzeBucket.java");
    /** The SDK's S3 calls and how IAM authorises each: the action, on the bucket or on the object. */
    private static final Map<String, List<String>> AUTHORISED_AS = Map.of(
            "headBucket", List.of("s3:ListBucket", BRONZE_ARN),
            "headObject", List.of("s3:GetObject", KEY),
            "putObject", List.of("s3:PutObject", KEY),
            "createMultipartUpload", List.of("s3:PutObject", KEY),
            "uploadPart", List.of("s3:PutObject", KEY),
            "completeMultipartUpload", List.of("s3:PutObject", KEY),
            "abortMultipartUpload", List.of("s3:AbortMultipartUpload", KEY));
    private static final Pattern CLIENT_CALL = Pattern.compile("\\bclient\\.([a-z][A-Za-z0-9]*)\\(");

    @Test
    void thePolicyAllowsEveryCallOfTheUploadCommandOnBronze() throws IOException {
        Set<String> calls = sdkCalls();
        // Guards the reading above: these are the calls the upload command is known to make.
        assertTrue(calls.containsAll(List.of("headBucket", "headObject", "putObject", "createMultipartUpload", "uploadPart",
                "completeMultipartUpload", "abortMultipartUpload")), calls.toString());
        List<PolicyStatement> policy = ContractRules.statements(Repository.rootModule(), DOCUMENT);
        for (String call : calls) {
            List<String> authorisation = AUTHORISED_AS.get(call);
            assertTrue(authorisation != null, "BronzeBucket calls S3 " + call + ": say in AUTHORISED_AS how IAM authorises it, and let the uploader policy allow it");
            assertAllowed(policy, authorisation.get(0), authorisation.get(1));
        }
        // HeadBucket, and a 404 for a key not uploaded yet: s3:ListBucket on the bucket, with no prefix
        // condition, since neither request carries one.
        assertTrue(GoldCtasContractTest.listable(policy, BRONZE_ARN, null), "uploaders must list bronze without a prefix condition");
    }

    @Test
    void thePolicyAllowsNothingElse() {
        List<PolicyStatement> policy = ContractRules.statements(Repository.rootModule(), DOCUMENT);
        for (String action : List.of("s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl", "s3:PutBucketPolicy", "s3:GetObjectVersion")) {
            assertDenied(policy, action, KEY);
            assertDenied(policy, action, BRONZE_ARN);
        }
        for (String bucket : List.of("module.silver_bucket.arn", "module.gold_bucket.arn", "module.athena_results_bucket.arn", "module.artifacts_bucket.arn")) {
            assertDenied(policy, "s3:ListBucket", bucket);
            for (String action : List.of("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload")) {
                assertDenied(policy, action, bucket + "/sales/2026/11/jan.csv");
            }
        }
        // Every action of the document (the KMS statement's too, which exists only with kms_encryption).
        assertEquals(new TreeSet<>(Set.of("s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "kms:Decrypt", "kms:GenerateDataKey")),
                new TreeSet<>(policy.stream().flatMap(statement -> statement.actions().stream()).toList()));
    }

    @Test
    void withTheStacksKeyUploadersMayUseItToWriteAndToReadChecksums() {
        List<PolicyStatement> policy = ContractRules.statements(Repository.rootModule(Map.of("kms_encryption", true)), DOCUMENT);
        // GenerateDataKey to write, Decrypt to complete a multipart upload and to read a checksum back.
        assertAllowed(policy, "kms:GenerateDataKey", "aws_kms_key.this.value.arn");
        assertAllowed(policy, "kms:Decrypt", "aws_kms_key.this.value.arn");
    }

    @Test
    void theStackPublishesThePolicyAsAnOutput() {
        TerraformConfiguration root = Repository.rootModule();
        Map<String, Object> policy = root.resource("aws_iam_policy", DOCUMENT);
        assertEquals("data.aws_iam_policy_document.uploader.json", String.valueOf(policy.get("policy")));
        assertEquals("aws_iam_policy.uploader.arn", String.valueOf(asMap(root.outputs().get("uploader_policy_arn")).get("value")));
    }

    private static Set<String> sdkCalls() throws IOException {
        String source = Files.readString(Repository.root().resolve(BRONZE_BUCKET));
        Set<String> calls = new TreeSet<>();
        Matcher matcher = CLIENT_CALL.matcher(source);
        while (matcher.find()) {
            if (!matcher.group(1).equals("serviceClientConfiguration")) {
                calls.add(matcher.group(1));
            }
        }
        return calls;
    }
}
