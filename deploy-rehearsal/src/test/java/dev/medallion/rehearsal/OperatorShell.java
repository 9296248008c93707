package dev.medallion.rehearsal;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Runs the command an output prints as its user runs it: its text, unchanged, with {@code bash -c}, the
 * real AWS CLI and {@code jq} from the PATH. Only where the calls go differs: every {@code aws} call goes
 * to the rehearsal's emulator (moto, over https, whose certificate {@code AWS_CA_BUNDLE} trusts), except
 * Lambda's, which go to a {@link LambdaInvokeFront}. That is done by a wrapper named {@code aws}, first on
 * the PATH, which adds {@code --endpoint-url} and calls the real CLI: the CLI's own
 * {@code AWS_ENDPOINT_URL} is not enough, since aws-cli 1.45.11 ignores it for SQS in the regions it
 * still sends to a legacy host name (eu-west-1 among them: {@code awscli/customizations/overridesslcommonname.py}
 * sets the endpoint unless {@code --endpoint-url} is given), and its receive-message went to
 * {@code https://eu-west-1.queue.amazonaws.com/}. The command's environment holds the emulator's
 * credentials and nothing else of AWS: no region (the commands name theirs), no profile, no config file.
 */
final class OperatorShell {
    private static final long TIMEOUT_MINUTES = 5;

    /** What a command did: its exit code, and what it printed on each stream. */
    record Run(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit code " + exitCode + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }
    }

    private final Path directory;
    private final Path bin;
    private final Path emptyConfig;
    private final Path caBundle;
    private int runs;

    private OperatorShell(Path directory, Path bin, Path emptyConfig, Path caBundle) {
        this.directory = directory;
        this.bin = bin;
        this.emptyConfig = emptyConfig;
        this.caBundle = caBundle;
    }

    /**
     * The real {@code aws} and {@code jq} on the PATH, and their versions; otherwise a failure that says what
     * to install, never a skip.
     */
    static List<String> prerequisites() throws IOException, InterruptedException {
        List<String> found = new ArrayList<>();
        Path aws = onPath("aws").orElseThrow(() -> new IllegalStateException("The AWS CLI (aws) is not on the PATH: install it, v1 or v2"
                + " (python3 -m pip install awscli, as .ci/run does, or https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html);"
                + " the deploy rehearsal runs the outputs silver_replay_command, silver_reconvert_command and gold_rebuild_command with it"));
        found.add(aws + ": " + version(aws, "--version"));
        Path jq = onPath("jq").orElseThrow(() -> new IllegalStateException("jq is not on the PATH: install it (apt-get install jq, brew install jq);"
                + " the deploy rehearsal runs the outputs silver_replay_command and silver_reconvert_command, which need it"));
        found.add(jq + ": " + version(jq, "--version"));
        return found;
    }

    /**
     * @param directory where the wrapper and each run's output go
     * @param emulator moto's endpoint, for every service but Lambda
     * @param lambda the Lambda Invoke front's endpoint
     * @param caBundle the emulator's certificate (PEM)
     */
    static OperatorShell create(Path directory, URI emulator, URI lambda, Path caBundle) throws IOException {
        requireNonNull(emulator, "emulator is null");
        requireNonNull(lambda, "lambda is null");
        requireNonNull(caBundle, "caBundle is null");
        Path bin = Files.createDirectories(directory.resolve("bin"));
        Path aws = onPath("aws").orElseThrow(() -> new IllegalStateException("The AWS CLI (aws) is not on the PATH"));
        Path wrapper = bin.resolve("aws");
        Files.writeString(wrapper, """
                #!/bin/sh
                # The real AWS CLI, pointed at the deploy rehearsal's emulators (see OperatorShell).
                case "$1" in
                  lambda) endpoint='%s' ;;
                  *) endpoint='%s' ;;
                esac
                exec '%s' --endpoint-url "$endpoint" "$@"
                """.formatted(lambda, emulator, aws), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path emptyConfig = Files.writeString(directory.resolve("empty-aws-config"), "");
        return new OperatorShell(directory, bin, emptyConfig, caBundle);
    }

    /**
     * Runs {@code bash -c command} with these variables added (such as the dataset a command asks for),
     * and waits for it.
     */
    Run run(String command, Map<String, String> variables) throws IOException, InterruptedException {
        requireNonNull(command, "command is null");
        runs++;
        Path stdout = directory.resolve("run-" + runs + ".out");
        Path stderr = directory.resolve("run-" + runs + ".err");
        Files.writeString(directory.resolve("run-" + runs + ".command"), variables + " bash -c " + command + "\n");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command)
                .directory(directory.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(variable -> variable.startsWith("AWS_"));
        environment.put("PATH", bin + File.pathSeparator + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("AWS_ACCESS_KEY_ID", EmulatorClients.ACCESS_KEY);
        environment.put("AWS_SECRET_ACCESS_KEY", EmulatorClients.SECRET_KEY);
        environment.put("AWS_CA_BUNDLE", caBundle.toString());
        environment.put("AWS_CONFIG_FILE", emptyConfig.toString());
        environment.put("AWS_SHARED_CREDENTIALS_FILE", emptyConfig.toString());
        environment.putAll(variables);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IOException("The command did not end within " + TIMEOUT_MINUTES + " minutes: " + command + "\n" + Files.readString(stdout) + Files.readString(stderr));
        }
        return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    private static Optional<Path> onPath(String name) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                Path candidate = Path.of(entry, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toAbsolutePath());
                }
            }
        }
        return Optional.empty();
    }

    private static String version(Path binary, String option) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(binary.toString(), option).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(binary + " " + option + " failed: " + output);
        }
        return output;
    }
}
