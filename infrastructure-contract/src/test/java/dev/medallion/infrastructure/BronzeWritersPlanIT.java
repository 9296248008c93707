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
            // The bucket policy's document (read at apply, the bucket's ARN unknown until then), as planned.
            JsonNode tlsOnly = change(defaults, "module.bronze_bucket.data.aws_iam_policy_document.tls_only");
            assertEquals(tlsOnly, change(none, "module.bronze_bucket.data.aws_iam_policy_document.tls_only"), kms);
            assertEquals(0, tlsOnly.path("after").path("source_policy_documents").size(), kms + ": " + tlsOnly);
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

        // The bucket's policy is the module's TLS-only document with the writers' merged into it.
        JsonNode tlsOnly = change(plan, "module.bronze_bucket.data.aws_iam_policy_document.tls_only").path("after");
        assertEquals(List.of(document), strings(tlsOnly.path("source_policy_documents")));
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

    /** Whether the statements allow one of bronze-ingest's S3 calls, by the IAM action that authorises it ({@link #BRONZE_INGEST_CALLS}). */
    private static boolean allowsCall(JsonNode statements, String principal, String call, String resource) {
        String action = BRONZE_INGEST_CALLS.get(call);
        if (action == null) {
            throw new IllegalArgumentException("Not a call of bronze-ingest upload: " + call);
        }
        return allows(statements, principal, action, resource);
    }

    /**
     * Whether an Allow statement names the principal and matches the action and resource, with IAM's * and ? wildcards. A
     * statement with an element this matcher does not evaluate (a Deny, a Condition, NotAction, NotResource, NotPrincipal)
     * fails the test rather than being read as if it were not there.
     */
    private static boolean allows(JsonNode statements, String principal, String action, String resource) {
        for (JsonNode statement : statements) {
            for (String element : List.of("Condition", "NotAction", "NotResource", "NotPrincipal")) {
                if (statement.has(element)) {
                    throw new AssertionError("the matcher does not evaluate " + element + ": " + statement);
                }
            }
            if (!statement.path("Effect").asText().equals("Allow")) {
                throw new AssertionError("the matcher evaluates Allow statements only: " + statement);
            }
            if (statement.path("Effect").asText().equals("Allow")
                    && values(statement.path("Principal").path("AWS")).contains(principal)
                    && values(statement.path("Action")).stream().anyMatch(pattern -> matches(pattern, action, true))
                    && values(statement.path("Resource")).stream().anyMatch(pattern -> matches(pattern, resource, false))) {
                return true;
            }
        }
        return false;
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
