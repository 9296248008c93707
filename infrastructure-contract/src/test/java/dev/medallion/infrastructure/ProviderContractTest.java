package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static dev.medallion.infrastructure.TerraformConfiguration.asMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AWS provider: the stack runs on the last 5.x release (the one the offline mirror of this
 * project's machines holds, so CI can validate) and on every 6.x, and each module asks for the same
 * releases as the root, so no module narrows what {@code terraform init} may pick. Its emulator
 * switches (emulator_endpoint) change nothing on AWS, and send every service of the stack to the
 * emulator otherwise.
 */
class ProviderContractTest {
    /** Provider settings on only with an emulator_endpoint. */
    private static final List<String> EMULATOR_SWITCHES = List.of("skip_credentials_validation", "skip_metadata_api_check", "s3_use_path_style", "insecure");
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
    void theEmulatorSwitchesAreTheProvidersDefaultsOnAws() {
        // emulator_endpoint null (AWS): nothing skipped, TLS verified, virtual-hosted S3, no endpoint.
        // Read from the text: hcl4j evaluates `var.x != null` in a locals block as true when x is null
        // (it does so correctly in a resource), so the evaluated provider block cannot show AWS's case.
        TerraformConfiguration root = Repository.rootModule();
        assertEquals(null, asMap(root.variables().get("emulator_endpoint")).get("default"));
        String main = root.sources().entrySet().stream()
                .filter(source -> source.getKey().getFileName().toString().equals("main.tf"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no main.tf"));
        assertTrue(Pattern.compile("(?m)^\\s*emulator\\s*=\\s*var\\.emulator_endpoint\\s*!=\\s*null\\s*$").matcher(main).find(),
                "local.emulator must be var.emulator_endpoint != null");
        for (String setting : EMULATOR_SWITCHES) {
            assertTrue(Pattern.compile("(?m)^\\s*" + setting + "\\s*=\\s*local\\.emulator\\s*$").matcher(main).find(), setting + " must be local.emulator");
        }
        assertTrue(Pattern.compile("for_each\\s*=\\s*local\\.emulator\\s*\\?\\s*\\[var\\.emulator_endpoint\\]\\s*:\\s*\\[\\]").matcher(main).find(),
                "the endpoints block must exist only with an emulator");
        // The account id is always asked of STS, so ARNs and budgets carry it, on AWS and on emulators.
        Map<String, Object> aws = root.provider("aws");
        assertFalse(aws.containsKey("skip_requesting_account_id"), "skip_requesting_account_id leaves ARNs without an account");
    }

    @Test
    void anEmulatorEndpointSendsEveryServiceThereAndTrustsItsCertificate() {
        String endpoint = "https://127.0.0.1:5000";
        TerraformConfiguration root = Repository.rootModule(Map.of("emulator_endpoint", endpoint));
        Map<String, Object> aws = root.provider("aws");
        for (String setting : EMULATOR_SWITCHES) {
            assertEquals(Boolean.TRUE, aws.get(setting), setting + " on an emulator");
        }
        List<Map<String, Object>> generators = TerraformConfiguration.dynamicBlocks(aws, "endpoints");
        assertEquals(1, generators.size());
        assertEquals(List.of(endpoint), generators.get(0).get("for_each"));
        // Every service the stack's resources and data sources belong to has its endpoint.
        Map<String, Object> endpoints = TerraformConfiguration.blocks(generators.get(0), "content").get(0);
        Set<String> services = new TreeSet<>();
        for (String type : root.allResources().keySet()) {
            services.add(service(type));
        }
        // data.aws_caller_identity: the account id comes from the emulator's STS.
        services.add("sts");
        assertTrue(services.containsAll(Set.of("athena", "budgets", "events", "glue", "iam", "lambda", "logs", "s3")), services.toString());
        Set<String> missing = new TreeSet<>(services);
        missing.removeAll(endpoints.keySet());
        assertEquals(Set.of(), missing, "services without an emulator endpoint");
        endpoints.forEach((service, value) -> assertEquals("endpoints.value", String.valueOf(value), service));
    }

    /**
     * region takes any partition's region (cn-north-1, us-gov-west-1), so no policy may be written for the aws
     * partition alone: an ARN takes data.aws_partition's partition, and a service principal is the provider's
     * aws_service_principal for the region, CloudWatch Logs' being logs.<region>.amazonaws.com.cn in China. The key
     * policy named logs.<region>.amazonaws.com, which no CloudWatch Logs in China uses, and the reconvert
     * command's event an arn:aws: bucket. Every line of every module but its comments is read.
     */
    @Test
    void noArnOrServicePrincipalIsWrittenForTheAwsPartitionAlone() {
        List<String> written = new ArrayList<>();
        for (TerraformConfiguration module : Repository.allModules()) {
            module.sources().forEach((file, text) -> {
                String[] lines = text.split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    String line = lines[i];
                    if (!line.strip().startsWith("#") && (line.contains("arn:aws:") || line.contains("amazonaws.com"))) {
                        written.add(file.getFileName() + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            });
        }
        assertEquals(List.of(), written, "ARNs and service principals of the aws partition alone; use local.partition and data.aws_service_principal");

        TerraformConfiguration root = Repository.rootModule(Map.of("kms_encryption", true));
        for (String service : List.of("budgets", "cloudwatch", "events", "glue", "lambda", "logs", "s3")) {
            assertEquals(service, root.data("aws_service_principal").containsKey(service) ? asMap(root.data("aws_service_principal").get(service)).get("service_name") : null,
                    "data.aws_service_principal." + service);
        }
        List<PolicyStatement> logs = ContractRules.statements(root, "kms_key").stream()
                .filter(statement -> TerraformConfiguration.blocks(statement.block(), "principals").stream()
                        .anyMatch(principal -> TerraformConfiguration.strings(principal.get("identifiers")).contains("data.aws_service_principal.logs.id")))
                .toList();
        assertEquals(1, logs.size(), "the key policy names CloudWatch Logs' regional principal, data.aws_service_principal.logs.id (logs.<region>.<suffix>)");
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

    /** The provider's endpoint name for a resource type: its second word, but CloudWatch Events and Logs have their own. */
    private static String service(String type) {
        if (type.startsWith("aws_cloudwatch_event_")) {
            return "events";
        }
        if (type.startsWith("aws_cloudwatch_log_")) {
            return "logs";
        }
        return type.split("_")[1];
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
