package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stack runs on the last 5.x release of the AWS provider (the one the offline mirror of this
 * project's machines holds, so CI can validate) and on every 6.x, and each module asks for the same
 * releases as the root, so no module narrows what {@code terraform init} may pick.
 */
class ProviderContractTest {
    /** The release in /opt/tf-plugins, which .ci/run validates against. */
    private static final String MIRRORED_RELEASE = "5.100.0";

    @Test
    void everyModuleAcceptsTheMirroredReleaseAndEvery6x() {
        for (TerraformConfiguration module : Repository.allModules()) {
            Map<String, Object> aws = asMap(module.requiredProviders().get("aws"));
            assertEquals("hashicorp/aws", aws.get("source"), module.toString());
            String constraint = String.valueOf(aws.get("version"));
            for (String release : List.of(MIRRORED_RELEASE, "6.0.0", "6.47.1")) {
                assertTrue(admits(constraint, release), module + ": " + constraint + " must admit " + release);
            }
            for (String release : List.of("5.99.1", "7.0.0")) {
                assertFalse(admits(constraint, release), module + ": " + constraint + " must not admit " + release);
            }
        }
    }

    @Test
    void modulesAskForTheRootsReleases() {
        String root = String.valueOf(asMap(Repository.rootModule().requiredProviders().get("aws")).get("version"));
        for (TerraformConfiguration module : Repository.allModules()) {
            assertEquals(root, String.valueOf(asMap(module.requiredProviders().get("aws")).get("version")), module.toString());
        }
    }

    @Test
    void constraintsReadAsTerraformReadsThem() {
        assertTrue(admits(">= 5.100, < 7.0", "5.100.0"));
        assertFalse(admits("~> 6.0", "5.100.0"));
        assertTrue(admits("~> 6.0", "6.9.0"));
        assertFalse(admits("~> 6.0", "7.0.0"));
        assertTrue(admits("~> 6.1.2", "6.1.9"));
        assertFalse(admits("~> 6.1.2", "6.2.0"));
        assertTrue(admits("= 5.100.0", "5.100.0"));
        assertTrue(admits("!= 6.1.0", "6.1.1"));
    }

    /** Terraform's version constraint syntax: comma-separated operator and version, all must hold. */
    static boolean admits(String constraint, String release) {
        List<Integer> version = parts(release);
        for (String term : constraint.split(",")) {
            String trimmed = term.strip();
            String operator = trimmed.replaceFirst("^(>=|<=|~>|!=|=|>|<)?.*$", "$1");
            List<Integer> bound = parts(trimmed.substring(operator.length()).strip());
            int order = compare(version, bound);
            boolean holds = switch (operator) {
                case ">=" -> order >= 0;
                case "<=" -> order <= 0;
                case ">" -> order > 0;
                case "<" -> order < 0;
                case "!=" -> order != 0;
                case "~>" -> order >= 0 && version.subList(0, bound.size() - 1).equals(bound.subList(0, bound.size() - 1));
                default -> order == 0;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    private static List<Integer> parts(String version) {
        List<Integer> parts = new ArrayList<>();
        for (String part : version.split("\\.")) {
            parts.add(Integer.parseInt(part));
        }
        return parts;
    }

    private static int compare(List<Integer> version, List<Integer> bound) {
        for (int i = 0; i < Math.max(version.size(), bound.size()); i++) {
            int difference = Integer.compare(i < version.size() ? version.get(i) : 0, i < bound.size() ? bound.get(i) : 0);
            if (difference != 0) {
                return difference;
            }
        }
        return 0;
    }
}
