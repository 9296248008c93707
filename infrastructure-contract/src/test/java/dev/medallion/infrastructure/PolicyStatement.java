package dev.medallion.infrastructure;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One statement of an {@code aws_iam_policy_document}, as Terraform would render it with the inputs the
 * configuration was loaded with. Resource ARNs keep references as dotted names
 * ({@code module.silver_bucket.arn/_manifests/*}).
 */
record PolicyStatement(String document, String sid, String effect, List<String> actions, List<String> resources, Map<String, Object> block) {
    PolicyStatement {
        requireNonNull(document, "document is null");
        requireNonNull(effect, "effect is null");
        actions = List.copyOf(actions);
        resources = List.copyOf(resources);
        block = Map.copyOf(block);
    }

    static PolicyStatement of(String document, Map<String, Object> block) {
        Object effect = block.get("effect");
        return new PolicyStatement(
                document,
                block.get("sid") == null ? "(no sid)" : String.valueOf(block.get("sid")),
                effect == null ? "Allow" : String.valueOf(effect),
                TerraformConfiguration.strings(block.get("actions")),
                TerraformConfiguration.strings(block.get("resources")),
                block);
    }

    boolean allows() {
        return effect.equals("Allow");
    }

    /** Whether this statement allows {@code action} on {@code resource}, with IAM's '*' and '?' wildcards. */
    boolean allows(String action, String resource) {
        return allows()
                && actions.stream().anyMatch(pattern -> matches(pattern, action, true))
                && resources.stream().anyMatch(pattern -> matches(pattern, resource, false));
    }

    /** "*", or an ARN whose resource part is "*": every resource of a service. */
    static boolean isWildcardResource(String resource) {
        if (resource.equals("*")) {
            return true;
        }
        String[] parts = resource.split(":", 6);
        return parts.length == 6 && parts[0].equals("arn") && parts[5].equals("*");
    }

    String describe() {
        return "data.aws_iam_policy_document." + document + " statement " + sid;
    }

    /** IAM matches actions case-insensitively and resources case-sensitively. */
    private static boolean matches(String pattern, String value, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.DOTALL : Pattern.DOTALL).matcher(value).matches();
    }

    static void assertAllowed(List<PolicyStatement> policy, String action, String resource) {
        assertTrue(policy.stream().anyMatch(statement -> statement.allows(action, resource)), "the policy must allow " + action + " on " + resource);
    }

    static void assertDenied(List<PolicyStatement> policy, String action, String resource) {
        assertFalse(policy.stream().anyMatch(statement -> statement.allows(action, resource)), "the policy must not allow " + action + " on " + resource);
    }
}
