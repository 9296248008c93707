package dev.medallion.infrastructure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** terraform/README.md's Inputs and Outputs tables say what variables.tf and outputs.tf declare. */
class ReadmeTablesContractTest {
    @Test
    void inputsTableHasARowPerVariableWithItsTypeAndDefault() throws IOException {
        TerraformConfiguration root = Repository.rootModule();
        assertTrue(root.variables().size() > 40, "expected the root module's inputs, got " + root.variables().keySet());
        assertEquals(List.of(), ReadmeTables.inputViolations(root, readme()));
    }

    @Test
    void outputsTableNamesEveryOutputAndNoOther() throws IOException {
        TerraformConfiguration root = Repository.rootModule();
        assertTrue(root.outputs().size() > 15, "expected the root module's outputs, got " + root.outputs().keySet());
        assertEquals(List.of(), ReadmeTables.outputViolations(root, readme()));
    }

    @Test
    void ruleFindsARowThatDriftedFromItsVariable(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("variables.tf"), """
                variable "environment" {
                  type        = string
                  description = "Required."
                }

                variable "memory_mb" {
                  type        = number
                  description = "Memory."
                  default     = 5307
                }

                variable "prefix" {
                  type        = string
                  description = "Prefix."
                  default     = ""
                }

                variable "limits" {
                  type        = list(number)
                  description = "Limits."
                  default     = [50, 100]
                }

                variable "notifications" {
                  type = list(object({
                    threshold = number
                  }))
                  description = "In words in the README."
                  default     = [{ threshold = 80 }]
                }

                variable "undocumented" {
                  type        = bool
                  description = "No row."
                  default     = true
                }
                """);
        String readme = """
                # Stack

                ## Inputs

                | Name | Type | Default | Meaning |
                | --- | --- | --- | --- |
                | `environment` | `string` | (required) | fine |
                | `memory_mb` | `number` | `3008` | the default changed in variables.tf, not here |
                | `prefix` | `string` | `""` | fine |
                | `limits` | `list(string)` | `[50, 100]` | another type |
                | `notifications` | `list(object)` | actual 80 % | a list of objects, described in words |
                | `removed` | `bool` | `false` | a variable since removed |

                ## Outputs
                """;
        List<String> violations = ReadmeTables.inputViolations(TerraformConfiguration.load(directory, Map.of()), readme);
        assertEquals(List.of(
                "Inputs row of memory_mb says default 3008, variables.tf declares 5307: correct the row",
                "Inputs row of limits says type list(string), variables.tf declares list(number): correct the row",
                "variable undocumented (variables.tf) has no row in terraform/README.md's Inputs table: add one with its type, default and meaning",
                "Inputs row removed names no variable of variables.tf: remove the row, or correct its name"), violations);
    }

    @Test
    void ruleFindsAnOutputWithoutARowAndARowWithoutAnOutput(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("main.tf"), """
                variable "environment" {
                  type        = string
                  description = "Required."
                }

                output "bucket_names" {
                  description = "Buckets."
                  value       = "b"
                }

                output "function_names" {
                  description = "Functions."
                  value       = "f"
                }

                output "function_role_arns" {
                  description = "Roles."
                  value       = "r"
                }

                output "new_command" {
                  description = "Not in the README yet."
                  value       = "c"
                }
                """);
        String readme = """
                ## Outputs

                | Name | Meaning |
                | --- | --- |
                | `bucket_names` | buckets |
                | `function_names`, `function_role_arns` | a row may name several |
                | `old_command` | renamed since |

                ## How it fits together
                """;
        List<String> violations = ReadmeTables.outputViolations(TerraformConfiguration.load(directory, Map.of("environment", "dev")), readme);
        assertEquals(List.of(
                "output new_command (outputs.tf) has no row in terraform/README.md's Outputs table: add one saying what it holds",
                "Outputs row names old_command, which outputs.tf does not declare: remove it, or correct its name"), violations);
    }

    private static String readme() throws IOException {
        return Files.readString(Repository.terraform().resolve("README.md"));
    }
}
