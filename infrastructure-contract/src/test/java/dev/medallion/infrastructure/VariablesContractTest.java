package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VariablesContractTest {
    @Test
    void everyVariableHasATypeAndADescription() {
        List<TerraformConfiguration> modules = Repository.allModules();
        assertTrue(modules.size() >= 2, "expected the root module and terraform/modules/s3-bucket, got " + modules);
        for (TerraformConfiguration module : modules) {
            assertFalse(module.variables().isEmpty(), module + " declares no variable");
            assertEquals(List.of(), ContractRules.variableViolations(module));
        }
    }

    @Test
    void ruleFindsAVariableWithoutTypeOrDescription(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("variables.tf"), """
                variable "typed" {
                  type        = number
                  description = "Fine."
                  default     = 1
                }

                variable "untyped" {
                  description = "No type."
                  default     = "x"
                }

                variable "undescribed" {
                  type    = object({ days = number, storage_class = string })
                  default = null
                }
                """);
        List<String> violations = ContractRules.variableViolations(TerraformConfiguration.load(directory, Map.of()));
        assertEquals(List.of(directory.getFileName() + ": variable untyped has no type", directory.getFileName() + ": variable undescribed has no description"), violations);
    }

    @Test
    void everyVariableWhoseDefaultIsNotNullIsNotNullable() {
        for (TerraformConfiguration module : Repository.allModules()) {
            assertEquals(List.of(), ContractRules.nullableViolations(module));
        }
    }

    @Test
    void ruleFindsAVariableThatMayBeNullThoughItsDefaultIsNot(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("variables.tf"), """
                variable "enabled" {
                  type        = bool
                  description = "Not nullable."
                  default     = true
                  nullable    = false
                }

                variable "optional" {
                  type        = string
                  description = "Null is its default, and means something."
                  default     = null
                }

                variable "switch" {
                  type        = bool
                  description = "Nullable by Terraform's default."
                  default     = false
                }

                variable "required" {
                  type        = string
                  description = "No default."
                }

                variable "explicit" {
                  type        = list(string)
                  description = "Nullable on purpose, yet its default is not null."
                  default     = []
                  nullable    = true
                }
                """);
        List<String> violations = ContractRules.nullableViolations(TerraformConfiguration.load(directory, Map.of()));
        String module = directory.getFileName().toString();
        assertEquals(List.of(module + ": variable switch has a default other than null but is not nullable = false",
                module + ": variable required has no default but is not nullable = false",
                module + ": variable explicit has a default other than null but is not nullable = false"), violations);
    }

    @Test
    void exampleVariableFilesSetOnlyDeclaredVariablesAndEveryRequiredOne() {
        TerraformConfiguration root = Repository.rootModule();
        Set<String> declared = root.variables().keySet();
        for (String file : List.of("terraform.tfvars.example", "localstack.tfvars")) {
            Map<String, Object> values = TerraformConfiguration.readVariables(Repository.terraform().resolve(file));
            assertFalse(values.isEmpty(), file + " sets nothing");
            Set<String> undeclared = new TreeSet<>(values.keySet());
            undeclared.removeAll(declared);
            assertEquals(Set.of(), undeclared, file + " sets variables that variables.tf does not declare");
        }
        Set<String> required = new TreeSet<>();
        root.variables().forEach((name, declaration) -> {
            if (!TerraformConfiguration.asMap(declaration).containsKey("default")) {
                required.add(name);
            }
        });
        assertEquals(Set.of("environment"), required, "the only input without a default");
        Map<String, Object> example = TerraformConfiguration.readVariables(Repository.terraform().resolve("terraform.tfvars.example"));
        assertTrue(example.keySet().containsAll(required), "terraform.tfvars.example must set every required variable: " + required);
    }
}
