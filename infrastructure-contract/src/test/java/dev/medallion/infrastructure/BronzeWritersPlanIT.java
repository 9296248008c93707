package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bronze_writers, as {@code terraform plan} plans it: principals of other accounts (an ERP's, a vendor's) may put files
 * under their datasets' bronze folders and do nothing else, in the bucket policy and, with the stack's key, in the key
 * policy; without writers both policies are what they were. The statements are read back from the plan's JSON and
 * evaluated as IAM matches actions, resources and principals, so that a writer is shown able to put under its own
 * datasets and unable to put under another's, to read, list or delete.
 */
class BronzeWritersPlanIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BRONZE = "arn:aws:s3:::medallion-dev-bronze-" + PlannedStack.ACCOUNT;
    private static final String ERP_EXPORT = "arn:aws:iam::111122223333:role/exports/erp-export";
    private static final String ERP_BACKFILL = "arn:aws:iam::111122223333:user/erp-backfill";
    private static final String VENDOR = "arn:aws:iam::444455556666:root";
    private static final String WRITERS = "bronze_writers={"
            + "erp = {principal_arns = [\"" + ERP_EXPORT + "\", \"" + ERP_BACKFILL + "\"], datasets = [\"orders\", \"order_lines\"], read_own_files = true}, "
            + "vendor_acme = {principal_arns = [\"" + VENDOR + "\"], datasets = [\"stores_eu\"]}}";
    /** The same writers, the vendor's read_own_files given as its default, false, and the ERP's left out: both read nothing. */
    private static final String WRITERS_READING_NOTHING = "bronze_writers={"
            + "erp = {principal_arns = [\"" + ERP_EXPORT + "\", \"" + ERP_BACKFILL + "\"], datasets = [\"orders\", \"order_lines\"]}, "
            + "vendor_acme = {principal_arns = [\"" + VENDOR + "\"], datasets = [\"stores_eu\"], read_own_files = false}}";
    /**
     * The IAM action each S3 call of {@code bronze-ingest upload} is authorised as (Amazon S3 API Reference: HeadBucket needs
     * s3:ListBucket, HeadObject s3:GetObject; "Multipart upload API and permissions": the upload calls s3:PutObject, its
     * abort s3:AbortMultipartUpload).
     */
    private static final Map<String, String> BRONZE_INGEST_CALLS = Map.of(
            "HeadBucket", "s3:ListBucket",
            "HeadObject", "s3:GetObject",
            "PutObject", "s3:PutObject",
            "CreateMultipartUpload", "s3:PutObject",
            "UploadPart", "s3:PutObject",
            "CompleteMultipartUpload", "s3:PutObject",
            "AbortMultipartUpload", "s3:AbortMultipartUpload");
    private static final String SSE = "s3:x-amz-server-side-encryption";
    private static final String SSE_C = "s3:x-amz-server-side-encryption-customer-algorithm";
    private static final String KMS_KEY_ID = "s3:x-amz-server-side-encryption-aws-kms-key-id";
    private static final String WRITERS_KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static PlannedStack stack;

    @BeforeAll
    static void initialise() throws Exception {
        stack = PlannedStack.initialise("BronzeWritersPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void withoutWritersTheBucketAndKeyPoliciesAreWhatTheyWere() throws Exception {
        for (String kms : List.of("kms_encryption=false", "kms_encryption=true")) {
            JsonNode defaults = stack.planJson("-var", kms);
            JsonNode none = stack.planJson("-var", kms, "-var", "bronze_writers={}");

            assertTrue(priorData(defaults, "data.aws_iam_policy_document.bronze_writers[0]").isEmpty(), kms);
            assertTrue(priorData(none, "data.aws_iam_policy_document.bronze_writers[0]").isEmpty(), kms);
            // The bucket policy's document (read at apply, the bucket's ARN unknown until then), as planned: beside the TLS-only
            // statement, only the refusals of encryption the converter could not read, which allow nobody anything.
            JsonNode tlsOnly = change(defaults, "module.bronze_bucket.data.aws_iam_policy_document.tls_only");
            assertEquals(tlsOnly, change(none, "module.bronze_bucket.data.aws_iam_policy_document.tls_only"), kms);
            assertEquals(1, tlsOnly.path("after").path("source_policy_documents").size(), kms + ": " + tlsOnly);
            if (kms.endsWith("false")) {
                assertEquals(List.of(encryptionDocument(defaults)), strings(tlsOnly.path("after").path("source_policy_documents")));
                for (JsonNode statement : JSON.readTree(encryptionDocument(defaults)).path("Statement")) {
                    assertEquals("Deny", statement.path("Effect").asText(), statement.toString());
                }
            }
            if (kms.endsWith("true")) {
                String keyPolicy = keyPolicy(defaults);
                assertEquals(keyPolicy, keyPolicy(none));
                assertFalse(keyPolicy.contains("BronzeWriters"), keyPolicy);
            }
        }
    }

    @Test
    void eachWriterMayPutUnderItsOwnDatasetsFoldersAndNothingElse() throws Exception {
        JsonNode plan = stack.planJson("-var", WRITERS);
        String document = priorData(plan, "data.aws_iam_policy_document.bronze_writers[0]").orElseThrow().path("json").asText();
        JsonNode statements = JSON.readTree(document).path("Statement");

        assertEquals(normalised(JSON.readTree("""
                [{"Sid": "BronzeWriterErpPutsFiles", "Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
                  "Resource": ["%1$s/orders/*", "%1$s/order_lines/*"],
                  "Principal": {"AWS": ["%2$s", "%3$s"]}},
                 {"Sid": "BronzeWriterVendorAcmePutsFiles", "Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
                  "Resource": "%1$s/stores_eu/*",
                  "Principal": {"AWS": "%4$s"}},
                 {"Sid": "BronzeWriterErpReadsOwnFiles", "Effect": "Allow", "Action": "s3:GetObject",
                  "Resource": ["%1$s/orders/*", "%1$s/order_lines/*"],
                  "Principal": {"AWS": ["%2$s", "%3$s"]}}]
                """.formatted(BRONZE, ERP_BACKFILL, ERP_EXPORT, VENDOR))), normalised(statements));

        // The bucket's policy is the module's TLS-only document with the encryption refusals and the writers' merged into it.
        JsonNode tlsOnly = change(plan, "module.bronze_bucket.data.aws_iam_policy_document.tls_only").path("after");
        assertEquals(List.of(encryptionDocument(plan), document), strings(tlsOnly.path("source_policy_documents")));
        assertEquals("DenyInsecureTransport", tlsOnly.path("statement").path(0).path("sid").asText(), tlsOnly.toString());
        assertEquals("Deny", tlsOnly.path("statement").path(0).path("effect").asText(), tlsOnly.toString());

        for (String erp : List.of(ERP_EXPORT, ERP_BACKFILL)) {
            assertTrue(allows(statements, erp, "s3:PutObject", BRONZE + "/orders/2026/11/orders.csv"), erp);
            assertTrue(allows(statements, erp, "s3:PutObject", BRONZE + "/order_lines/lines.csv.gz"), erp);
            assertTrue(allows(statements, erp, "s3:AbortMultipartUpload", BRONZE + "/orders/big.csv"), erp);
            assertFalse(allows(statements, erp, "s3:PutObject", BRONZE + "/stores_eu/x.csv"), erp + " puts under another writer's dataset");
            assertFalse(allows(statements, erp, "s3:PutObject", BRONZE + "/orders_archive/x.csv"), erp + " puts under a folder that only begins like its dataset");
            assertFalse(allows(statements, erp, "s3:PutObject", BRONZE + "/x.csv"), erp + " puts outside any dataset");
        }
        assertTrue(allows(statements, VENDOR, "s3:PutObject", BRONZE + "/stores_eu/2026/stores.csv"));
        assertFalse(allows(statements, VENDOR, "s3:PutObject", BRONZE + "/orders/x.csv"));
        // read_own_files: the ERP reads its own datasets' files (HeadObject, so that bronze-ingest skips one unchanged), no other's.
        for (String erp : List.of(ERP_EXPORT, ERP_BACKFILL)) {
            assertTrue(allows(statements, erp, "s3:GetObject", BRONZE + "/orders/2026/11/orders.csv"), erp);
            assertTrue(allows(statements, erp, "s3:GetObject", BRONZE + "/order_lines/lines.csv.gz"), erp);
            assertFalse(allows(statements, erp, "s3:GetObject", BRONZE + "/stores_eu/x.csv"), erp + " reads another writer's dataset");
            assertFalse(allows(statements, erp, "s3:GetObject", BRONZE + "/orders_archive/x.csv"), erp + " reads a folder that only begins like its dataset");
            assertFalse(allows(statements, erp, "s3:GetObject", BRONZE + "/x.csv"), erp + " reads outside any dataset");
            for (String call : List.of("HeadObject", "PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "AbortMultipartUpload")) {
                assertTrue(allowsCall(statements, erp, call, BRONZE + "/orders/2026/orders.csv"), erp + " " + call);
            }
            assertFalse(allowsCall(statements, erp, "HeadBucket", BRONZE), erp + " HeadBucket: no s3:ListBucket, even with read_own_files");
        }
        // Without it, the vendor may call every one of bronze-ingest's writes but no HeadObject.
        for (String call : List.of("PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "AbortMultipartUpload")) {
            assertTrue(allowsCall(statements, VENDOR, call, BRONZE + "/stores_eu/stores.csv"), VENDOR + " " + call);
        }
        assertFalse(allowsCall(statements, VENDOR, "HeadObject", BRONZE + "/stores_eu/stores.csv"));
        assertFalse(allowsCall(statements, VENDOR, "HeadBucket", BRONZE));
        for (String principal : List.of(ERP_EXPORT, VENDOR)) {
            for (String action : List.of("s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl", "s3:ListMultipartUploadParts", "s3:GetObjectVersion",
                    "s3:GetObjectAcl")) {
                assertFalse(allows(statements, principal, action, BRONZE + "/orders/x.csv"), principal + " " + action);
                assertFalse(allows(statements, principal, action, BRONZE + "/stores_eu/x.csv"), principal + " " + action);
            }
            assertFalse(allows(statements, principal, "s3:GetObject", BRONZE + "/stores_eu/x.csv"),
                    principal + " s3:GetObject on the vendor's dataset, whose writer did not ask to read");
            for (String action : List.of("s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutBucketPolicy", "s3:GetBucketPolicy")) {
                assertFalse(allows(statements, principal, action, BRONZE), principal + " " + action);
            }
        }
        assertFalse(allows(statements, "arn:aws:iam::111122223333:role/other", "s3:PutObject", BRONZE + "/orders/x.csv"), "a principal nobody named");
        // Without the stack's key, the key policy does not exist.
        assertTrue(priorData(plan, "data.aws_iam_policy_document.kms_key[0]").isEmpty());
    }

    /** read_own_files false, given or left to its default: no writer reads anything, and the put statements are those above. */
    @Test
    void withoutReadOwnFilesNoWriterMayReadOrHeadAnObject() throws Exception {
        JsonNode plan = stack.planJson("-var", WRITERS_READING_NOTHING);
        JsonNode statements = JSON.readTree(priorData(plan, "data.aws_iam_policy_document.bronze_writers[0]").orElseThrow().path("json").asText())
                .path("Statement");

        List<String> sids = new ArrayList<>();
        statements.forEach(statement -> sids.add(statement.path("Sid").asText()));
        assertEquals(List.of("BronzeWriterErpPutsFiles", "BronzeWriterVendorAcmePutsFiles"), sids);
        for (String principal : List.of(ERP_EXPORT, ERP_BACKFILL, VENDOR)) {
            for (String key : List.of("/orders/x.csv", "/order_lines/x.csv", "/stores_eu/x.csv")) {
                assertFalse(allows(statements, principal, "s3:GetObject", BRONZE + key), principal + " reads " + key);
                assertFalse(allowsCall(statements, principal, "HeadObject", BRONZE + key), principal + " HeadObject " + key);
            }
        }
        assertTrue(allowsCall(statements, ERP_EXPORT, "PutObject", BRONZE + "/orders/x.csv"));
        assertTrue(allowsCall(statements, VENDOR, "CompleteMultipartUpload", BRONZE + "/stores_eu/x.csv"));
    }

    @Test
    void withTheStacksKeyWritersMayEncryptThroughS3InTheRegionForBronzeOnly() throws Exception {
        JsonNode defaults = JSON.readTree(keyPolicy(stack.planJson("-var", "kms_encryption=true")));
        JsonNode withWriters = JSON.readTree(keyPolicy(stack.planJson("-var", "kms_encryption=true", "-var", WRITERS)));

        List<JsonNode> others = new ArrayList<>();
        JsonNode writers = null;
        for (JsonNode statement : withWriters.path("Statement")) {
            if (statement.path("Sid").asText().equals("BronzeWritersEncryptThroughS3")) {
                writers = statement;
            }
            else {
                others.add(statement);
            }
        }
        assertTrue(writers != null, "the key policy has no BronzeWritersEncryptThroughS3 statement: " + withWriters);
        // Every other statement of the key's policy is as it was.
        assertEquals(defaults.path("Statement"), JSON.valueToTree(others));
        assertEquals(normalised(JSON.readTree("""
                [{"Sid": "BronzeWritersEncryptThroughS3", "Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
                 "Principal": {"AWS": ["%2$s", "%3$s", "%4$s"]},
                 "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": "%1$s"}}}]
                """.formatted(BRONZE, ERP_EXPORT, ERP_BACKFILL, VENDOR))), normalised(JSON.createArrayNode().add(writers)));
    }

    /**
     * A put whose object the converter could not read is refused, whoever sends it (a writer, or this account's own uploader,
     * whose IAM policy allows it and whom the bucket policy does not name): SSE-C always, and an encryption asked for other
     * than the bucket's default, here SSE-S3 (without kms_encryption the converter may decrypt no KMS key). A put that asks for
     * nothing, or for SSE-S3, is decided as before. CreateMultipartUpload is authorised as s3:PutObject with the same headers.
     */
    @Test
    void withoutTheStacksKeyPutsAskingForAnotherEncryptionThanSseS3AreRefusedToEveryone() throws Exception {
        JsonNode plan = stack.planJson("-var", WRITERS);
        JsonNode statements = statements(priorData(plan, "data.aws_iam_policy_document.bronze_writers[0]").orElseThrow().path("json").asText(),
                encryptionDocument(plan));
        String uploader = "arn:aws:iam::" + PlannedStack.ACCOUNT + ":user/medallion-dev-uploader";

        for (String call : List.of("PutObject", "CreateMultipartUpload")) {
            for (String principal : List.of(ERP_EXPORT, VENDOR)) {
                String key = BRONZE + (principal.equals(VENDOR) ? "/stores_eu/x.csv" : "/orders/x.csv");
                assertEquals(Decision.ALLOWED, decideCall(statements, principal, call, key, Map.of()), principal + " " + call);
                assertEquals(Decision.ALLOWED, decideCall(statements, principal, call, key, Map.of(SSE, "AES256")), principal + " " + call + " SSE-S3");
                assertEquals(Decision.DENIED, decideCall(statements, principal, call, key, Map.of(SSE_C, "AES256")), principal + " " + call + " SSE-C");
                assertEquals(Decision.DENIED, decideCall(statements, principal, call, key, Map.of(SSE, "aws:kms")), principal + " " + call + " aws/s3");
                assertEquals(Decision.DENIED, decideCall(statements, principal, call, key, Map.of(SSE, "aws:kms", KMS_KEY_ID, WRITERS_KEY)),
                        principal + " " + call + " its own key");
                assertEquals(Decision.DENIED, decideCall(statements, principal, call, key, Map.of(SSE, "aws:kms:dsse", KMS_KEY_ID, WRITERS_KEY)),
                        principal + " " + call + " DSSE-KMS");
            }
            // This account's uploader: allowed by its IAM policy, not by the bucket's; refused all the same.
            assertEquals(Decision.NOT_ALLOWED, decideCall(statements, uploader, call, BRONZE + "/sales/x.csv", Map.of()), call);
            assertEquals(Decision.DENIED, decideCall(statements, uploader, call, BRONZE + "/sales/x.csv", Map.of(SSE_C, "AES256")), call + " SSE-C");
            assertEquals(Decision.DENIED, decideCall(statements, uploader, call, BRONZE + "/x.csv", Map.of(SSE, "aws:kms", KMS_KEY_ID, WRITERS_KEY)),
                    call + " another key");
        }
        // Only puts: reading, which bronze_writers grants with read_own_files, is not concerned.
        assertEquals(Decision.ALLOWED, decideCall(statements, ERP_EXPORT, "HeadObject", BRONZE + "/orders/x.csv", Map.of(SSE_C, "AES256")));
    }

    /**
     * With kms_encryption the encryption asked for must be the stack's key, named by its ARN (the form the condition key
     * holds): the key's ARN is known only once the key exists, so the plan shows the condition on the key id, its value
     * unknown, taken from the stack's key; SSE-C is refused as without it.
     */
    @Test
    void withTheStacksKeyPutsAskingForAnyOtherKeyAreRefusedToEveryone() throws Exception {
        JsonNode plan = stack.planJson("-var", "kms_encryption=true", "-var", WRITERS);
        JsonNode change = change(plan, "data.aws_iam_policy_document.bronze_put_encryption");
        JsonNode statements = change.path("after").path("statement");
        JsonNode unknown = change.path("after_unknown").path("statement");

        assertEquals(2, statements.size(), change.toString());
        assertEquals("DenyBronzePutsWithCustomerProvidedKeys", statements.path(0).path("sid").asText());
        assertEquals("Null", statements.path(0).path("condition").path(0).path("test").asText());
        assertEquals(SSE_C, statements.path(0).path("condition").path(0).path("variable").asText());
        assertEquals("[\"false\"]", statements.path(0).path("condition").path(0).path("values").toString());
        JsonNode other = statements.path(1);
        assertEquals("DenyBronzePutsEncryptedOtherwiseThanTheBucket", other.path("sid").asText());
        assertEquals("Deny", other.path("effect").asText());
        assertEquals("[\"s3:PutObject\"]", other.path("actions").toString());
        assertEquals("Null", other.path("condition").path(0).path("test").asText());
        assertEquals(SSE, other.path("condition").path(0).path("variable").asText());
        assertEquals("[\"false\"]", other.path("condition").path(0).path("values").toString());
        assertEquals("StringNotEquals", other.path("condition").path(1).path("test").asText());
        assertEquals(KMS_KEY_ID, other.path("condition").path(1).path("variable").asText());
        // The key id's value is the stack's key's ARN, unknown until the key is created.
        assertEquals("[null]", other.path("condition").path(1).path("values").toString(), change.toString());
        assertEquals("[true]", unknown.path(1).path("condition").path(1).path("values").toString(), change.toString());
        assertTrue(references(plan, "bronze_put_encryption").contains("local.kms_key_arn"), references(plan, "bronze_put_encryption").toString());
        for (JsonNode statement : statements) {
            assertEquals("[\"" + BRONZE + "/*\"]", statement.path("resources").toString(), statement.toString());
            assertEquals("[\"*\"]", statement.path("principals").path(0).path("identifiers").toString(), statement.toString());
        }
    }

    /** The matcher fails the test on a policy element it does not evaluate, rather than reading the policy as if it were not there. */
    @Test
    void theMatcherRefusesWhatItDoesNotEvaluate() throws Exception {
        for (String statement : List.of(
                "{\"Effect\": \"Allow\", \"NotAction\": \"s3:GetObject\", \"Resource\": \"*\", \"Principal\": \"*\"}",
                "{\"Effect\": \"Allow\", \"Action\": \"s3:PutObject\", \"NotResource\": \"*\", \"Principal\": \"*\"}",
                "{\"Effect\": \"Deny\", \"Action\": \"s3:PutObject\", \"Resource\": \"*\", \"NotPrincipal\": {\"AWS\": \"" + VENDOR + "\"}}",
                "{\"Effect\": \"Deny\", \"Action\": \"s3:PutObject\", \"Resource\": \"*\", \"Principal\": \"*\", \"Condition\": {\"StringLike\": {\"" + SSE + "\": \"aws:*\"}}}",
                "{\"Effect\": \"Deny\", \"Action\": \"s3:PutObject\", \"Resource\": \"*\", \"Principal\": \"*\", \"Condition\": {\"StringNotEqualsIfExists\": {\"" + SSE + "\": \"AES256\"}}}",
                "{\"Effect\": \"Deny\", \"Action\": \"s3:PutObject\", \"Resource\": \"*\", \"Principal\": \"*\", \"Condition\": {\"Null\": {\"" + SSE + "\": [\"false\", \"true\"]}}}",
                "{\"Effect\": \"Audit\", \"Action\": \"s3:PutObject\", \"Resource\": \"*\", \"Principal\": \"*\"}")) {
            JsonNode statements = JSON.readTree("[" + statement + "]");
            assertThrows(AssertionError.class, () -> decide(statements, VENDOR, "s3:PutObject", BRONZE + "/x.csv", Map.of(SSE, "AES256")), statement);
        }
    }

    @Test
    void writersAwsWouldRefuseOrThatGrantTooMuchFailThePlanSayingWhy() throws Exception {
        PlannedStack.Result plan = stack.plan("-var", "bronze_writers={"
                + "\"ERP\" = {principal_arns = [\"*\"], datasets = [\"Sales Data\"]}, "
                + "ok = {principal_arns = [\"arn:aws:iam::111122223333:role/*\", \"arn:aws:iam::111122223333:group/exports\", \"111122223333\"], datasets = [\"orders/2026\"]}, "
                + "empty = {principal_arns = [], datasets = []}}");
        String output = plan.flattened();

        assertNotEquals(0, plan.exitCode(), plan.output());
        assertTrue(output.contains("bronze_writers: a writer's name must be lowercase letters and digits, words joined by single underscores,"
                + " starting with a letter, at most 64 characters (erp, vendor_acme): it names the writer's statements in the bucket policy; not so: \"ERP\"."), output);
        assertTrue(output.contains("bronze_writers: each writer needs at least one principal ARN and one dataset; not so: empty."), output);
        assertTrue(output.contains("bronze_writers: a principal ARN must not hold a wildcard (* or ?): it would let principals nobody named put files into"
                + " bronze. Name each role or user (arn:<partition>:iam::111122223333:role/erp-export), or the account's root (arn:<partition>:iam::111122223333:root);"
                + " not so: ERP: \"*\", ok: \"arn:aws:iam::111122223333:role/*\"."), output);
        assertTrue(output.contains("bronze_writers: a principal ARN must be an IAM role's (arn:<partition>:iam::111122223333:role/erp-export, a path allowed:"
                + " role/exports/erp), a user's (arn:<partition>:iam::111122223333:user/vendor) or an account's root (arn:<partition>:iam::111122223333:root),"
                + " <partition> one the stack runs in (aws, aws-cn, aws-us-gov, aws-eusc); not so: ok: \"arn:aws:iam::111122223333:group/exports\", ok: \"111122223333\"."), output);
        assertTrue(output.contains("bronze_writers: a dataset must be a bronze folder's name as the converter makes it a table name"), output);
        assertTrue(output.contains("not so: ERP: \"Sales Data\", ok: \"orders/2026\"."), output);
    }

    /**
     * Two writers' names that differ only by an underscore before a digit (erp_2, erp2) would name the same statement
     * (BronzeWriterErp2PutsFiles): refused by the variable, naming them, rather than by the provider's "duplicate Sid".
     */
    @Test
    void writersWhoseStatementsWouldShareASidAreRefusedNamingThem() throws Exception {
        PlannedStack.Result plan = stack.plan("-var", "bronze_writers={"
                + "erp_2 = {principal_arns = [\"arn:aws:iam::111122223333:role/a\"], datasets = [\"orders\"]}, "
                + "erp2 = {principal_arns = [\"arn:aws:iam::444455556666:role/b\"], datasets = [\"stores\"]}}");
        assertNotEquals(0, plan.exitCode(), plan.output());
        assertTrue(plan.flattened().contains("bronze_writers: two writers' names must not name the same statement (BronzeWriter<Name>PutsFiles,"
                + " the name's words capitalised and joined); not so: erp2 (BronzeWriterErp2PutsFiles), erp_2 (BronzeWriterErp2PutsFiles)."), plan.output());
    }

    /** Each statement with its Action, Resource and Principal lists sorted, as IAM reads them (their order means nothing). */
    private static JsonNode normalised(JsonNode statements) {
        ArrayNode sorted = JSON.createArrayNode();
        for (JsonNode statement : statements) {
            ObjectNode copy = statement.deepCopy();
            copy.set("Action", sortedList(copy.path("Action")));
            copy.set("Resource", sortedList(copy.path("Resource")));
            ((ObjectNode) copy.path("Principal")).set("AWS", sortedList(copy.path("Principal").path("AWS")));
            sorted.add(copy);
        }
        return sorted;
    }

    /** A single value as Terraform renders one, a sorted list otherwise. */
    private static JsonNode sortedList(JsonNode values) {
        if (!values.isArray()) {
            return values;
        }
        ArrayNode sorted = JSON.createArrayNode();
        new TreeSet<>(strings(values)).forEach(sorted::add);
        return sorted;
    }

    /** Whether the statements allow one of bronze-ingest's S3 calls, sent with no encryption header, by the IAM action that authorises it. */
    private static boolean allowsCall(JsonNode statements, String principal, String call, String resource) {
        return decideCall(statements, principal, call, resource, Map.of()) == Decision.ALLOWED;
    }

    /** What the statements decide for one of bronze-ingest's S3 calls, by the IAM action that authorises it ({@link #BRONZE_INGEST_CALLS}). */
    private static Decision decideCall(JsonNode statements, String principal, String call, String resource, Map<String, String> context) {
        String action = BRONZE_INGEST_CALLS.get(call);
        if (action == null) {
            throw new IllegalArgumentException("Not a call of bronze-ingest upload: " + call);
        }
        return decide(statements, principal, action, resource, context);
    }

    /** Whether the statements allow the request, sent with no encryption header (an empty request context). */
    private static boolean allows(JsonNode statements, String principal, String action, String resource) {
        return decide(statements, principal, action, resource, Map.of()) == Decision.ALLOWED;
    }

    /** How a bucket policy decides a request on its own (IAM's evaluation logic): an explicit Deny wins over any Allow. */
    private enum Decision {
        ALLOWED,
        DENIED,
        /** No statement applies: the principal's own IAM policy decides, for one of the bucket's account. */
        NOT_ALLOWED
    }

    /**
     * What the statements decide for a request of the principal, matching actions and resources with IAM's * and ?
     * wildcards, a Principal of "*" (or AWS "*") naming everyone, and a Condition's Null, StringEquals and StringNotEquals
     * on single-valued keys of {@code context} (the request context: a key absent from it is absent from the request).
     * A negated operator holds when its key is absent (IAM User Guide, "IAM JSON policy elements: Condition operators").
     * A statement with an element this matcher does not evaluate (NotAction, NotResource, NotPrincipal, another condition
     * operator, an effect other than Allow and Deny) fails the test rather than being read as if it were not there.
     */
    private static Decision decide(JsonNode statements, String principal, String action, String resource, Map<String, String> context) {
        boolean allowed = false;
        for (JsonNode statement : statements) {
            for (String element : List.of("NotAction", "NotResource", "NotPrincipal")) {
                if (statement.has(element)) {
                    throw new AssertionError("the matcher does not evaluate " + element + ": " + statement);
                }
            }
            String effect = statement.path("Effect").asText();
            if (!effect.equals("Allow") && !effect.equals("Deny")) {
                throw new AssertionError("the matcher evaluates Allow and Deny statements only: " + statement);
            }
            boolean conditionsHold = conditionsHold(statement, context);
            if (namesPrincipal(statement.path("Principal"), principal)
                    && values(statement.path("Action")).stream().anyMatch(pattern -> matches(pattern, action, true))
                    && values(statement.path("Resource")).stream().anyMatch(pattern -> matches(pattern, resource, false))
                    && conditionsHold) {
                if (effect.equals("Deny")) {
                    return Decision.DENIED;
                }
                allowed = true;
            }
        }
        return allowed ? Decision.ALLOWED : Decision.NOT_ALLOWED;
    }

    private static boolean namesPrincipal(JsonNode element, String principal) {
        if (element.isTextual()) {
            return element.asText().equals("*");
        }
        List<String> named = values(element.path("AWS"));
        return named.contains("*") || named.contains(principal);
    }

    /** Whether every condition of the statement holds for the request context: operators, and keys within one, are ANDed; values ORed. */
    private static boolean conditionsHold(JsonNode statement, Map<String, String> context) {
        boolean hold = true;
        for (Map.Entry<String, JsonNode> operator : statement.path("Condition").properties()) {
            for (Map.Entry<String, JsonNode> key : operator.getValue().properties()) {
                List<String> expected = values(key.getValue());
                String actual = context.get(key.getKey());
                boolean holds = switch (operator.getKey()) {
                    case "Null" -> {
                        if (expected.size() != 1 || !List.of("true", "false").contains(expected.get(0))) {
                            throw new AssertionError("the matcher evaluates Null with one value, true or false: " + statement);
                        }
                        yield (actual == null) == expected.get(0).equals("true");
                    }
                    case "StringEquals" -> actual != null && expected.contains(actual);
                    case "StringNotEquals" -> actual == null || !expected.contains(actual);
                    default -> throw new AssertionError("the matcher does not evaluate the condition operator " + operator.getKey() + ": " + statement);
                };
                hold &= holds;
            }
        }
        return hold;
    }

    /** The statements of policy documents, one array. */
    private static JsonNode statements(String... documents) throws IOException {
        ArrayNode statements = JSON.createArrayNode();
        for (String document : documents) {
            JSON.readTree(document).path("Statement").forEach(statements::add);
        }
        return statements;
    }

    /** The refusals of encryption the converter could not read, as read at plan (without kms_encryption: the stack's key's ARN is unknown until then). */
    private static String encryptionDocument(JsonNode plan) {
        return priorData(plan, "data.aws_iam_policy_document.bronze_put_encryption").orElseThrow(() -> new AssertionError("bronze_put_encryption not read at plan"))
                .path("json").asText();
    }

    /** The references of a root module data source's expressions, as the plan's configuration lists them. */
    private static List<String> references(JsonNode plan, String dataSource) {
        for (JsonNode resource : plan.at("/configuration/root_module/resources")) {
            if (resource.path("mode").asText().equals("data") && resource.path("name").asText().equals(dataSource)) {
                List<String> references = new ArrayList<>();
                resource.path("expressions").findValues("references").forEach(list -> list.forEach(reference -> references.add(reference.asText())));
                return references;
            }
        }
        throw new AssertionError("no data source " + dataSource + " in the plan's configuration");
    }

    private static List<String> values(JsonNode node) {
        return node.isArray() ? strings(node) : node.isMissingNode() ? List.of() : List.of(node.asText());
    }

    private static boolean matches(String pattern, String value, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0).matcher(value).matches();
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(value -> strings.add(value.asText()));
        return strings;
    }

    private static String keyPolicy(JsonNode plan) {
        return priorData(plan, "data.aws_iam_policy_document.kms_key[0]").orElseThrow(() -> new AssertionError("no key policy read at plan")).path("json").asText();
    }

    /** A data source's values as the plan read them (a data source known at plan is in its prior state). */
    private static Optional<JsonNode> priorData(JsonNode plan, String address) {
        for (JsonNode resource : plan.at("/prior_state/values/root_module/resources")) {
            if (resource.path("address").asText().equals(address)) {
                return Optional.of(resource.path("values"));
            }
        }
        return Optional.empty();
    }

    /** The planned change of a resource or data source (a data source read at apply is one). */
    private static JsonNode change(JsonNode plan, String address) {
        for (JsonNode change : plan.path("resource_changes")) {
            if (change.path("address").asText().equals(address)) {
                return change.path("change");
            }
        }
        throw new AssertionError(address + " has no planned change");
    }
}
