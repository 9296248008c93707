package dev.medallion.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.testing.TerraformCopy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code terraform/} run as {@code rehearse-on-moto.sh} and {@code .ci/run} run it: on a copy in a
 * temporary directory ({@link TerraformCopy}), beside links to the modules whose jars the stack uploads
 * and to the sample data (its declared contracts), with a CLI configuration of its own. Each command's
 * output goes to a log of its own.
 */
final class TerraformStack implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a command did: its exit status and its output. */
    record Result(String command, int exitCode, String output, Path log) {
        /** The part of the output that explains a failure: from the first error on, as rehearse-on-moto.sh prints it. */
        String errors() {
            List<String> lines = output.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).matches("^(│ )?Error.*")) {
                    return String.join("\n", lines.subList(i, lines.size()));
                }
            }
            List<String> tail = lines.subList(Math.max(0, lines.size() - 40), lines.size());
            return String.join("\n", tail);
        }

        /**
         * Fails unless the command exited 0, naming the command (the emulator's endpoint in it shown as
         * {@code <emulator>}), its exit status, its log and the errors it printed.
         */
        void assertSucceeded(URI emulator) {
            if (exitCode != 0) {
                throw new AssertionError(command.replace(emulator.toString(), "<emulator>") + " exited " + exitCode + " (log " + log + "):\n" + errors());
            }
        }

        /** The first line starting with {@code prefix}, such as {@code Apply complete!}; empty when there is none. */
        String line(String prefix) {
            return output.lines().filter(line -> line.startsWith(prefix)).findFirst().orElse("");
        }

        /** The warnings Terraform printed, one line each. */
        List<String> warnings() {
            return output.lines().filter(line -> line.matches("^(│ )?Warning: .*")).toList();
        }

        /** A plan's output without the lines that only say what it refreshed or read. */
        String changes() {
            return output.lines()
                    .filter(line -> !line.matches("^\\S.*: (Refreshing state|Reading|Read complete).*"))
                    .reduce((a, b) -> a + "\n" + b).orElse("");
        }
    }

    private final Path terraform;
    private final Path work;
    private final Path stack;
    private final Path logs;
    private final Map<String, String> environment;
    private final String providerSource;

    private TerraformStack(Path terraform, Path work, Path stack, Path logs, Map<String, String> environment, String providerSource) {
        this.terraform = terraform;
        this.work = work;
        this.stack = stack;
        this.logs = logs;
        this.environment = environment;
        this.providerSource = providerSource;
    }

    /** The {@code terraform} binary on the PATH; otherwise a failure that says how to install it. */
    static Path binary() {
        return TerraformCopy.binary("The deploy rehearsal (DeployRehearsalIT, LocalStackApplyIT)");
    }

    /** The first line of {@code terraform version}, such as {@code Terraform v1.11.4}. */
    static String version(Path terraform) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(terraform.toString(), "version").redirectErrorStream(true);
        // The machine's CLI configuration (which may name a missing file) is no concern of the rehearsal's.
        builder.environment().remove("TF_CLI_CONFIG_FILE");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output.lines().filter(line -> line.startsWith("Terraform v")).findFirst().orElse(output.strip());
    }

    /**
     * Copies {@code root/terraform} into a new temporary directory and writes the CLI configuration.
     *
     * @param credentials what the provider authenticates with (dummy keys for an emulator)
     */
    static TerraformStack copyOf(Path root, Path logs, Map<String, String> credentials) throws IOException {
        Path terraform = binary();
        Path work = Files.createTempDirectory("deploy-rehearsal-");
        Path stack = work.resolve("terraform");
        TerraformCopy.copyStack(root.resolve("terraform"), stack);
        // The stack reads ../gold-ctas/target/gold-ctas.jar and ../silver-converter/target/silver-converter.jar,
        // and with schema_contracts_dir = "../sample-data" the sample data's declared contracts.
        for (String module : List.of("gold-ctas", "silver-converter", "sample-data")) {
            Files.createSymbolicLink(work.resolve(module), root.resolve(module).toAbsolutePath());
        }

        TerraformCopy.CliConfig cliConfig = TerraformCopy.writeCliConfig(work);

        Map<String, String> environment = new java.util.HashMap<>(System.getenv());
        // Nothing of the machine's own AWS or Terraform configuration may change what the rehearsal deploys.
        environment.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("TF_VAR_") || name.startsWith("TF_CLI_ARGS"));
        environment.putAll(credentials);
        environment.put("TF_CLI_CONFIG_FILE", cliConfig.file().toString());
        environment.put("TF_IN_AUTOMATION", "1");
        environment.put("TF_INPUT", "0");
        // An action the emulator lacks answers 500, which the provider would retry for many minutes: fail fast.
        environment.put("AWS_MAX_ATTEMPTS", "3");
        return new TerraformStack(terraform, work, stack, logs, Map.copyOf(environment), cliConfig.providerSource());
    }

    String providerSource() {
        return providerSource;
    }

    Path directory() {
        return stack;
    }

    /** Runs {@code terraform <arguments>} in the copy; {@code name} names its log. */
    Result run(String name, List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(terraform.toString());
        command.add("-chdir=" + stack);
        command.addAll(arguments);
        Path log = logs.resolve("terraform-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(20, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("terraform " + String.join(" ", arguments) + " did not finish within 20 minutes; its output is in " + log);
        }
        return new Result("terraform " + String.join(" ", arguments), process.exitValue(), Files.readString(log, StandardCharsets.UTF_8), log);
    }

    /**
     * {@code terraform destroy} after a failed step, best effort: what it cannot remove is in its log, and
     * the failure that led here is the one reported.
     */
    void destroyAfterFailure(List<String> variables) {
        List<String> command = new ArrayList<>(List.of("destroy", "-no-color", "-auto-approve"));
        command.addAll(variables);
        try {
            Result destroy = run("destroy-after-failure", command);
            System.out.println("[rehearsal] terraform destroy after the failure exited " + destroy.exitCode() + " (log " + destroy.log() + ")");
        }
        catch (IOException e) {
            System.out.println("[rehearsal] terraform destroy after the failure did not run: " + e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.out.println("[rehearsal] terraform destroy after the failure was interrupted");
        }
    }

    /** {@code terraform output -json}: each output's value. */
    JsonNode outputs() throws IOException, InterruptedException {
        Result result = run("output", List.of("output", "-no-color", "-json"));
        if (result.exitCode() != 0) {
            throw new IOException("terraform output -json exited " + result.exitCode() + ":\n" + result.errors());
        }
        JsonNode outputs = JSON.readTree(result.output());
        com.fasterxml.jackson.databind.node.ObjectNode values = JSON.createObjectNode();
        outputs.fields().forEachRemaining(entry -> values.set(entry.getKey(), entry.getValue().get("value")));
        return values;
    }

    /** Removes the temporary copy (state included); the logs stay. */
    @Override
    public void close() {
        try {
            TerraformCopy.deleteRecursively(work);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not remove " + work, e);
        }
    }
}
