package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.medallion.common.testing.TerraformCopy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * terraform/ as {@code terraform plan} plans it, for the tests that check what a plan does: the root module
 * copied as {@code .ci/run} copies it (empty stand-ins for the jars, which a plan only hashes; the gold
 * models' list and sample-data beside it, as the stack reads them), initialised, and planned against a
 * stand-in STS on the loopback, the one service a plan of a new stack asks anything (the account id);
 * every other request fails the plan. Nothing of the machine's own AWS or Terraform settings reaches it.
 * Needs terraform on the PATH and its AWS provider (the filesystem mirror {@code TF_PROVIDER_MIRROR}, by
 * default /opt/tf-plugins, else the registry), as {@code .ci/run} and DeployRehearsalIT do.
 */
final class PlannedStack implements AutoCloseable {
    static final String ACCOUNT = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SIGNING_REGION = Pattern.compile("Credential=[^/]+/[0-9]+/([a-z0-9-]+)/sts/aws4_request");

    private final String neededBy;
    private final Path work;
    private final Path stack;
    private final HttpServer sts;
    private final Map<String, String> environment;

    private PlannedStack(String neededBy, Path work, Path stack, HttpServer sts, Map<String, String> environment) {
        this.neededBy = requireNonNull(neededBy, "neededBy is null");
        this.work = requireNonNull(work, "work is null");
        this.stack = requireNonNull(stack, "stack is null");
        this.sts = requireNonNull(sts, "sts is null");
        this.environment = Map.copyOf(environment);
    }

    /** The stack copied, its stand-in STS started and {@code terraform init} run; {@code neededBy} names the test in failures. */
    static PlannedStack initialise(String neededBy) throws Exception {
        Path work = Files.createTempDirectory("planned-stack-");
        Path stack = work.resolve("terraform");
        TerraformCopy.copyStack(Repository.terraform(), stack);
        // The stack hashes the jars and reads the gold models' list beside terraform/, as .ci/run provides them;
        // sample-data beside it too, so that the documented "../sample-data" is planned as written.
        for (String jar : List.of("silver-converter/target/silver-converter.jar", "gold-ctas/target/gold-ctas.jar")) {
            Files.createDirectories(work.resolve(jar).getParent());
            Files.createFile(work.resolve(jar));
        }
        Path models = Path.of("gold-ctas/src/main/resources/gold/models.list");
        Files.createDirectories(work.resolve(models).getParent());
        Files.copy(Repository.root().resolve(models), work.resolve(models));
        Files.createSymbolicLink(work.resolve("sample-data"), Repository.root().resolve("sample-data"));

        HttpServer sts = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sts.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean callerIdentity = body.contains("Action=GetCallerIdentity");
            // The provider takes the partition of its ARNs from this answer's Arn, so it is the partition of the
            // region the request was signed for, as AWS answers it there (arn:aws-cn: in cn-north-1).
            String partition = partitionOfSigningRegion(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] answer = (callerIdentity
                    ? "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
                            + "<Arn>arn:" + partition + ":iam::" + ACCOUNT + ":user/plan</Arn><UserId>AIDAPLAN</UserId><Account>" + ACCOUNT + "</Account>"
                            + "</GetCallerIdentityResult><ResponseMetadata><RequestId>plan</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
                    : "<ErrorResponse><Error><Type>Sender</Type><Code>NotServedHere</Code><Message>" + neededBy + "'s stand-in STS serves GetCallerIdentity only, not: "
                            + body.replace("<", "&lt;") + "</Message></Error><RequestId>plan</RequestId></ErrorResponse>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(callerIdentity ? 200 : 400, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        sts.start();

        Map<String, String> environment = new HashMap<>(System.getenv());
        // Nothing of the machine's own AWS or Terraform configuration may change what is planned.
        environment.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("TF_VAR_") || name.startsWith("TF_CLI_ARGS"));
        environment.putAll(Map.of("AWS_ACCESS_KEY_ID", "plan", "AWS_SECRET_ACCESS_KEY", "plan", "AWS_MAX_ATTEMPTS", "1",
                "TF_CLI_CONFIG_FILE", TerraformCopy.writeCliConfig(work).file().toString(), "TF_IN_AUTOMATION", "1", "TF_INPUT", "0"));
        PlannedStack planned = new PlannedStack(neededBy, work, stack, sts, environment);
        Result init = planned.terraform("init", "-backend=false", "-no-color");
        assertEquals(0, init.exitCode(), "terraform init:\n" + init.output());
        return planned;
    }

    /**
     * The partition of the region in a Signature Version 4 Authorization header's credential scope
     * (Credential=key/date/region/service/aws4_request): aws-cn for cn-*, aws-us-gov for us-gov-*, aws-eusc for eusc-*,
     * aws otherwise.
     */
    private static String partitionOfSigningRegion(String authorization) {
        Matcher scope = SIGNING_REGION.matcher(authorization);
        if (!scope.find()) {
            return "aws";
        }
        String region = scope.group(1);
        return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : region.startsWith("eusc-") ? "aws-eusc" : "aws";
    }

    /** The copy of terraform/ that is planned. */
    Path directory() {
        return stack;
    }

    /** The stand-in STS, to be given as emulator_endpoint. */
    String endpoint() {
        return "http://127.0.0.1:" + sts.getAddress().getPort();
    }

    /** {@code terraform plan} with environment=dev, the stand-in as emulator_endpoint, and these arguments. */
    Result plan(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("plan", "-no-color", "-var", "environment=dev", "-var", "emulator_endpoint=" + endpoint()));
        command.addAll(List.of(arguments));
        return terraform(command.toArray(String[]::new));
    }

    /**
     * {@code terraform plan} as on AWS: environment=dev, no emulator_endpoint (so the stack's own
     * emulator switches are off), and these arguments. The provider's requests still reach the
     * stand-in STS and nothing else: AWS_ENDPOINT_URL, which the provider's SDK honours for every
     * service, points at it, so any request but GetCallerIdentity fails the plan as it does under
     * {@link #plan}, and no request leaves the machine.
     */
    Result planWithoutEmulator(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("plan", "-no-color", "-var", "environment=dev"));
        command.addAll(List.of(arguments));
        Map<String, String> onAws = new HashMap<>(environment);
        onAws.put("AWS_ENDPOINT_URL", endpoint());
        // No instance metadata either: credentials come from the environment, as under plan().
        onAws.put("AWS_EC2_METADATA_DISABLED", "true");
        return terraform(onAws, command.toArray(String[]::new));
    }

    /** A plan that must succeed, as {@code terraform show -json} shows it. */
    JsonNode planJson(String... arguments) throws IOException, InterruptedException {
        Path file = Files.createTempFile(work, "plan-", ".bin");
        List<String> command = new ArrayList<>(List.of("-out=" + file));
        command.addAll(List.of(arguments));
        Result plan = plan(command.toArray(String[]::new));
        assertEquals(0, plan.exitCode(), "terraform plan:\n" + plan.output());
        Result show = terraform("show", "-json", "-no-color", file.toString());
        assertEquals(0, show.exitCode(), "terraform show:\n" + show.output());
        return JSON.readTree(show.output());
    }

    Result terraform(String... arguments) throws IOException, InterruptedException {
        return terraform(environment, arguments);
    }

    private Result terraform(Map<String, String> environment, String... arguments) throws IOException, InterruptedException {
        requireNonNull(environment, "environment is null");
        List<String> command = new ArrayList<>(List.of(TerraformCopy.binary(neededBy + ", which plans terraform/,").toString(), "-chdir=" + stack));
        command.addAll(List.of(arguments));
        Path log = Files.createTempFile(work, "terraform-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("terraform " + String.join(" ", arguments) + " did not finish within 5 minutes:\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        sts.stop(0);
        TerraformCopy.deleteRecursively(work);
    }

    /** A Terraform command's exit code and its output (standard output and error together). */
    record Result(int exitCode, String output) {
        Result {
            requireNonNull(output, "output is null");
        }

        /** The output with every run of white space one space: Terraform wraps its error messages. */
        String flattened() {
            return output.replaceAll("[\\s│]+", " ");
        }
    }
}
