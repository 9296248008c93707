package dev.medallion.infrastructure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static dev.medallion.infrastructure.TerraformConfiguration.blocks;
import static dev.medallion.infrastructure.TerraformConfiguration.blocksIncludingDynamic;
import static dev.medallion.infrastructure.TerraformConfiguration.strings;

/**
 * The rules every Terraform module of the repository must follow, each returning its violations as
 * sentences (an empty list means the configuration complies). They run against terraform/ and against
 * small configurations written to break them, so a rule that stopped seeing anything would fail.
 */
final class ContractRules {
    /**
     * Actions for which AWS offers no resource-level permission (the Service Authorization Reference
     * lists no resource type for them): the only ones a statement may grant on Resource "*".
     */
    static final Set<String> ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = Set.of(
            "athena:ListDataCatalogs",
            "athena:ListEngineVersions",
            "athena:ListWorkGroups",
            "cloudwatch:PutMetricData",
            "glue:GetCrawlerMetrics",
            "logs:DescribeLogGroups",
            "s3:ListAllMyBuckets",
            "sts:GetCallerIdentity",
            "xray:PutTelemetryRecords",
            "xray:PutTraceSegments");

    private static final Set<String> POLICY_ATTRIBUTES = Set.of("policy", "assume_role_policy");
    // A document of its own, of one with count ([0], which hcl4j reads .value) or of one with for_each
    // indexed by the resource's own key ([each.key], which hcl4j reads .each.key).
    private static final Pattern POLICY_DOCUMENT_REFERENCE = Pattern.compile("^data\\.aws_iam_policy_document\\.([A-Za-z0-9_-]+)(\\.value|\\.each\\.key)?\\.json$");
    private static final Pattern RESOURCES_ATTRIBUTE = Pattern.compile("^\\s*resources\\s*=(.*)$");

    private ContractRules() {}

    // ---------------------------------------------------------------- variables

    /** Every variable has a type and a description. */
    static List<String> variableViolations(TerraformConfiguration configuration) {
        List<String> violations = new ArrayList<>();
        configuration.variables().forEach((name, declaration) -> {
            Map<String, Object> block = asMap(declaration);
            if (block.get("type") == null) {
                violations.add(configuration.directory().getFileName() + ": variable " + name + " has no type");
            }
            if (!(block.get("description") instanceof String description) || description.isBlank()) {
                violations.add(configuration.directory().getFileName() + ": variable " + name + " has no description");
            }
        });
        return violations;
    }

    /**
     * Variables that are required or have a default other than null but do not declare {@code nullable = false}:
     * null given for one by a variables file or a module's caller reaches the stack's expressions, where it
     * fails the plan far from its cause or passes silently, instead of meaning the default (or, required,
     * being refused).
     */
    static List<String> nullableViolations(TerraformConfiguration configuration) {
        List<String> violations = new ArrayList<>();
        configuration.variables().forEach((name, declaration) -> {
            Map<String, Object> block = asMap(declaration);
            boolean nullIsItsDefault = block.containsKey("default") && block.get("default") == null;
            if (!nullIsItsDefault && !Boolean.FALSE.equals(block.get("nullable"))) {
                violations.add(configuration.directory().getFileName() + ": variable " + name + " has "
                        + (block.containsKey("default") ? "a default other than null" : "no default") + " but is not nullable = false");
            }
        });
        return violations;
    }

    // ---------------------------------------------------------------- IAM

    /** Every statement of every policy document, dynamic ones included whatever their for_each. */
    static List<PolicyStatement> statements(TerraformConfiguration configuration) {
        List<PolicyStatement> statements = new ArrayList<>();
        configuration.data("aws_iam_policy_document").forEach((name, document) -> {
            for (Map<String, Object> statement : blocksIncludingDynamic(asMap(document), "statement")) {
                statements.add(PolicyStatement.of(name, statement));
            }
        });
        return statements;
    }

    static List<PolicyStatement> statements(TerraformConfiguration configuration, String document) {
        List<PolicyStatement> statements = statements(configuration).stream().filter(statement -> statement.document().equals(document)).toList();
        if (statements.isEmpty()) {
            throw new AssertionError("No statements in data.aws_iam_policy_document." + document);
        }
        return statements;
    }

    static List<String> iamViolations(TerraformConfiguration configuration) {
        List<String> violations = new ArrayList<>();
        Set<String> keyPolicies = keyPolicyDocuments(configuration);
        for (PolicyStatement statement : statements(configuration)) {
            if (!statement.allows()) {
                // A Deny may be as broad as it likes: the TLS-only bucket policy denies s3:* to everyone.
                continue;
            }
            if (statement.block().containsKey("not_actions") || statement.block().containsKey("not_resources")) {
                violations.add(statement.describe() + " allows with not_actions or not_resources, which grant everything else");
            }
            for (String action : statement.actions()) {
                if (action.contains("*") || action.contains("?")) {
                    violations.add(statement.describe() + " allows the wildcard action " + action);
                }
            }
            boolean wildcardResource = statement.resources().stream().anyMatch(PolicyStatement::isWildcardResource);
            if (wildcardResource && !keyPolicies.contains(statement.document())) {
                List<String> restrictable = statement.actions().stream()
                        .filter(action -> !ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.contains(action))
                        .toList();
                if (!restrictable.isEmpty()) {
                    violations.add(statement.describe() + " allows " + restrictable + " on every resource, but they take resource-level permissions: name the ARNs");
                }
            }
        }
        violations.addAll(uncommentedWildcardResources(configuration));
        violations.addAll(policiesOutsideDocuments(configuration));
        violations.addAll(awsManagedPolicies(configuration));
        return violations;
    }

    /** A resources list holding "*" must follow a comment that says why. */
    static List<String> uncommentedWildcardResources(TerraformConfiguration configuration) {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<Path, String> source : configuration.sources().entrySet()) {
            List<String> lines = source.getValue().lines().toList();
            for (int index = 0; index < lines.size(); index++) {
                Matcher matcher = RESOURCES_ATTRIBUTE.matcher(lines.get(index));
                if (!matcher.matches()) {
                    continue;
                }
                StringBuilder value = new StringBuilder(matcher.group(1));
                int depth = depth(value);
                for (int next = index + 1; depth > 0 && next < lines.size(); next++) {
                    value.append('\n').append(lines.get(next));
                    depth = depth(value);
                }
                if (!value.toString().contains("\"*\"")) {
                    continue;
                }
                String previous = index == 0 ? "" : lines.get(index - 1).strip();
                if (!(previous.startsWith("#") || previous.startsWith("//"))) {
                    violations.add(source.getKey().getFileName() + ":" + (index + 1) + " grants on Resource \"*\" without a comment on the line above saying why");
                }
            }
        }
        return violations;
    }

    /** Every policy attribute is a policy document's JSON, so every statement goes through the rules above. */
    static List<String> policiesOutsideDocuments(TerraformConfiguration configuration) {
        List<String> violations = new ArrayList<>();
        configuration.allResources().forEach((type, resources) -> asMap(resources).forEach((name, resource) -> {
            asMap(resource).forEach((attribute, value) -> {
                if (POLICY_ATTRIBUTES.contains(attribute) && !POLICY_DOCUMENT_REFERENCE.matcher(String.valueOf(value)).matches()) {
                    violations.add(type + "." + name + "." + attribute + " is not data.aws_iam_policy_document.<name>.json, so its statements escape the IAM rules");
                }
            });
        }));
        return violations;
    }

    /** AWS managed policies grant far more than one function or crawler needs. */
    static List<String> awsManagedPolicies(TerraformConfiguration configuration) {
        List<String> violations = new ArrayList<>();
        configuration.allResources().forEach((type, resources) -> asMap(resources).forEach((name, resource) -> {
            Map<String, Object> block = asMap(resource);
            List<String> arns = new ArrayList<>(strings(block.get("policy_arn")));
            arns.addAll(strings(block.get("managed_policy_arns")));
            for (String arn : arns) {
                if (arn.contains(":iam::aws:policy/")) {
                    violations.add(type + "." + name + " attaches the AWS managed policy " + arn);
                }
            }
        }));
        return violations;
    }

    /** Documents used as a KMS key policy, where Resource "*" means the key itself. */
    private static Set<String> keyPolicyDocuments(TerraformConfiguration configuration) {
        Set<String> documents = new HashSet<>();
        configuration.resources("aws_kms_key").values().forEach(key ->
                documentOf(asMap(key).get("policy")).ifPresent(documents::add));
        return documents;
    }

    static Optional<String> documentOf(Object reference) {
        Matcher matcher = POLICY_DOCUMENT_REFERENCE.matcher(String.valueOf(reference));
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static int depth(CharSequence text) {
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' && (i == 0 || text.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            }
            else if (!quoted && (c == '[' || c == '{' || c == '(')) {
                depth++;
            }
            else if (!quoted && (c == ']' || c == '}' || c == ')')) {
                depth--;
            }
        }
        return depth;
    }

    // ---------------------------------------------------------------- buckets

    /**
     * Every aws_s3_bucket has, in its own module: default encryption, a public access block with all
     * four settings on, ACLs disabled, a bucket policy that denies requests without TLS, a lifecycle
     * rule that aborts incomplete multipart uploads, one that removes expired object delete markers (in
     * an expiration of its own, without days or date), and no force_destroy unless a variable asks.
     */
    static List<String> bucketViolations(TerraformConfiguration configuration) {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Object> bucket : configuration.resources("aws_s3_bucket").entrySet()) {
            String name = bucket.getKey();
            String label = configuration.directory().getFileName() + ": aws_s3_bucket." + name;
            if (Boolean.TRUE.equals(asMap(bucket.getValue()).get("force_destroy"))) {
                violations.add(label + " sets force_destroy with the default inputs");
            }

            Optional<Map<String, Object>> encryption = companion(configuration, "aws_s3_bucket_server_side_encryption_configuration", name);
            boolean encrypted = encryption.stream()
                    .flatMap(block -> blocks(block, "rule").stream())
                    .flatMap(rule -> blocks(rule, "apply_server_side_encryption_by_default").stream())
                    .anyMatch(defaults -> Set.of("AES256", "aws:kms", "aws:kms:dsse").contains(String.valueOf(defaults.get("sse_algorithm"))));
            if (!encrypted) {
                violations.add(label + " has no default encryption (aws_s3_bucket_server_side_encryption_configuration with AES256 or aws:kms)");
            }

            Optional<Map<String, Object>> publicAccess = companion(configuration, "aws_s3_bucket_public_access_block", name);
            boolean blocked = publicAccess
                    .map(block -> List.of("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets").stream()
                            .allMatch(setting -> Boolean.TRUE.equals(block.get(setting))))
                    .orElse(false);
            if (!blocked) {
                violations.add(label + " has no public access block with all four settings true");
            }

            boolean ownershipEnforced = companion(configuration, "aws_s3_bucket_ownership_controls", name).stream()
                    .flatMap(block -> blocks(block, "rule").stream())
                    .anyMatch(rule -> "BucketOwnerEnforced".equals(rule.get("object_ownership")));
            if (!ownershipEnforced) {
                violations.add(label + " does not enforce object ownership (aws_s3_bucket_ownership_controls BucketOwnerEnforced)");
            }

            boolean tlsOnly = companion(configuration, "aws_s3_bucket_policy", name)
                    .flatMap(policy -> documentOf(policy.get("policy")))
                    .map(document -> deniesInsecureTransport(configuration, document, name))
                    .orElse(false);
            if (!tlsOnly) {
                violations.add(label + " has no bucket policy (from a policy document) denying s3:* on the bucket and its objects when aws:SecureTransport is false");
            }

            boolean abortsUploads = companion(configuration, "aws_s3_bucket_lifecycle_configuration", name).stream()
                    .flatMap(block -> blocks(block, "rule").stream())
                    .anyMatch(rule -> "Enabled".equals(rule.get("status"))
                            && !blocks(rule, "abort_incomplete_multipart_upload").isEmpty()
                            && blocks(rule, "filter").stream().allMatch(Map::isEmpty));
            if (!abortsUploads) {
                violations.add(label + " has no enabled lifecycle rule aborting incomplete multipart uploads across the bucket");
            }

            // A deleted object's delete marker outlives its expired noncurrent versions unless a rule
            // removes it; S3 refuses ExpiredObjectDeleteMarker beside Days or Date in one expiration.
            Optional<Map<String, Object>> lifecycle = companion(configuration, "aws_s3_bucket_lifecycle_configuration", name);
            boolean removesDeleteMarkers = lifecycle.stream()
                    .flatMap(block -> blocks(block, "rule").stream())
                    .anyMatch(rule -> "Enabled".equals(rule.get("status"))
                            && blocks(rule, "filter").stream().allMatch(Map::isEmpty)
                            && blocks(rule, "expiration").stream().anyMatch(expiration -> Boolean.TRUE.equals(expiration.get("expired_object_delete_marker"))
                                    && expiration.get("days") == null && expiration.get("date") == null));
            if (!removesDeleteMarkers) {
                violations.add(label + " has no enabled lifecycle rule removing expired object delete markers across the bucket");
            }
            boolean mixesExpirations = lifecycle.stream()
                    .flatMap(block -> blocksIncludingDynamic(block, "rule").stream())
                    .flatMap(rule -> blocks(rule, "expiration").stream())
                    .anyMatch(expiration -> expiration.get("expired_object_delete_marker") != null
                            && (expiration.get("days") != null || expiration.get("date") != null));
            if (mixesExpirations) {
                violations.add(label + " has a lifecycle expiration with expired_object_delete_marker beside days or date, which S3 refuses");
            }
        }
        return violations;
    }

    private static boolean deniesInsecureTransport(TerraformConfiguration configuration, String document, String bucket) {
        String arn = "aws_s3_bucket." + bucket + ".arn";
        return statements(configuration).stream()
                .filter(statement -> statement.document().equals(document))
                .filter(statement -> statement.effect().equals("Deny"))
                .filter(statement -> statement.actions().contains("s3:*"))
                .filter(statement -> statement.resources().containsAll(List.of(arn, arn + "/*")))
                .anyMatch(statement -> blocks(statement.block(), "condition").stream().anyMatch(condition ->
                        "Bool".equals(condition.get("test"))
                                && "aws:SecureTransport".equals(condition.get("variable"))
                                && strings(condition.get("values")).equals(List.of("false"))));
    }

    /** The resource of {@code type} whose bucket attribute refers to aws_s3_bucket.{@code bucket}. */
    private static Optional<Map<String, Object>> companion(TerraformConfiguration configuration, String type, String bucket) {
        Pattern reference = Pattern.compile("^aws_s3_bucket\\." + Pattern.quote(bucket) + "(\\.value)?\\.(id|bucket)$");
        Map<String, Map<String, Object>> matches = new LinkedHashMap<>();
        configuration.resources(type).forEach((name, resource) -> {
            if (reference.matcher(String.valueOf(asMap(resource).get("bucket"))).matches()) {
                matches.put(name, asMap(resource));
            }
        });
        return matches.values().stream().findFirst();
    }
}
