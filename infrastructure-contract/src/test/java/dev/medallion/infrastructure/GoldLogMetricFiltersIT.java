package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.testing.S3Emulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.medallion.infrastructure.ConverterLogMetricFiltersIT.matches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gold freshness filter of a model (monitoring.tf: local.gold_model_up_to_date_pattern_format, formatted with the model,
 * one filter per model of gold_freshness) against the lines the gold-ctas jar Terraform deploys writes, its handler run as
 * Lambda builds it ({@link GoldHandlerInvocations}) on moto, which accepts Athena's queries without running them: it counts
 * the model's build swapped into its view and the next invocation's finding it unchanged, and nothing else the builder
 * wrote: not another model's lines, not the model's failure (the silver bucket gone), not a model waiting for a source with
 * no table, not a scheduled or a batch's invocation that found another build running (skipped, deferred). Patterns are
 * evaluated as ConverterLogMetricFiltersIT evaluates them, as CloudWatch Logs evaluates a JSON filter pattern.
 */
class GoldLogMetricFiltersIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "daily_revenue_by_category_region";
    private static final String OTHER_MODEL = "top_products";
    /** Reads stores_eu, to which no table is given here: it waits. */
    private static final String WAITING_MODEL = "regional_store_performance";

    @RegisterExtension
    static final S3Emulator AWS = S3Emulator.moto();

    @Test
    void theFreshnessFilterCountsItsModelsBuildsAndChecksAndNoFailureWaitOtherModelOrBuildFindingTheLeaseHeld() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String silverBucket = AWS.createBucket("silver");
        String goldBucket = AWS.createBucket("gold");
        AWS.glue().createDatabase(request -> request.databaseInput(database -> database.name("silver_" + suffix)));
        AWS.glue().createDatabase(request -> request.databaseInput(database -> database.name("gold_" + suffix)));
        AWS.athena().createWorkGroup(request -> request.name("gold-" + suffix));
        // A converted file of every source but stores_eu, each with its table: the other models build.
        for (String source : List.of("sales", "products", "customers")) {
            AWS.glue().createTable(request -> request.databaseName("silver_" + suffix).tableInput(table -> table.name(source)
                    .storageDescriptor(descriptor -> descriptor.location("s3://" + silverBucket + "/" + source + "/"))));
            AWS.client().putObject(request -> request.bucket(silverBucket).key("_manifests/" + source + "/a-0123456789.json"), RequestBody.fromString("{}"));
        }
        Map<String, String> environment = Map.of(
                "GOLD_BUCKET", goldBucket,
                "SILVER_BUCKET", silverBucket,
                "SILVER_DATABASE", "silver_" + suffix,
                "GOLD_DATABASE", "gold_" + suffix,
                "ATHENA_WORKGROUP", "gold-" + suffix);

        // Built, then found unchanged; the model reading stores_eu waits both times.
        List<JsonNode> first = invoke(environment, "{}");
        List<JsonNode> second = invoke(environment, "{}");
        // Every model failed: the silver bucket is gone (its name changed), so no model's inputs can be read.
        Map<String, String> noSilver = new HashMap<>(environment);
        noSilver.put("SILVER_BUCKET", silverBucket + "-gone");
        List<JsonNode> failures = invoke(noSilver, "{}");
        // Another build holds the lease: a scheduled run is skipped, a batch deferred.
        Instant now = Instant.now();
        AWS.client().putObject(request -> request.bucket(goldBucket).key("_lease/build.json"), RequestBody.fromString("{\"holder\":\"request-running\",\"acquiredAt\":\""
                + now.minusSeconds(60) + "\",\"expiresAt\":\"" + now.plusSeconds(840) + "\"}"));
        List<JsonNode> leaseHeld = invoke(environment, "schedule", "sqs");

        // What the lines are, so that a match below means what it says.
        JsonNode built = only(first, "gold model built and swapped into its view", MODEL);
        assertEquals("built", built.path("outcome").asText(), built.toString());
        JsonNode unchanged = only(second, "gold model unchanged: its silver inputs are as at its last build", MODEL);
        assertEquals("unchanged", unchanged.path("outcome").asText(), unchanged.toString());
        JsonNode otherBuilt = only(first, "gold model built and swapped into its view", OTHER_MODEL);
        JsonNode otherUnchanged = only(second, "gold model unchanged: its silver inputs are as at its last build", OTHER_MODEL);
        JsonNode waiting = only(first, "gold model waiting for its silver sources", WAITING_MODEL);
        assertEquals("waiting", waiting.path("outcome").asText(), waiting.toString());
        JsonNode failed = only(failures, "gold model failed", MODEL);
        assertEquals("failed", failed.path("outcome").asText(), failed.toString());
        assertTrue(failed.path("error").asText().contains("could not tell whether its inputs changed"), failed.toString());
        assertTrue(first.stream().anyMatch(line -> line.path("message").asText().startsWith("athena query") && MODEL.equals(line.path("model").asText())),
                "the build's query lines name the model too: " + first);
        JsonNode skipped = only(leaseHeld, "gold build skipped: another build holds the lease; the schedule's next run builds what that build does not", null);
        JsonNode deferred = only(leaseHeld, "gold build deferred: another build holds the lease; the batch's messages come back after the queue's visibility timeout", null);
        assertTrue(leaseHeld.stream().noneMatch(line -> line.has("model")), "an invocation finding the lease held builds nothing: " + leaseHeld);

        List<JsonNode> all = new ArrayList<>(first);
        all.addAll(second);
        all.addAll(failures);
        all.addAll(leaseHeld);
        assertTrue(all.containsAll(List.of(skipped, deferred, otherBuilt, otherUnchanged, waiting)));
        String format = String.valueOf(Repository.rootModule().local("gold_model_up_to_date_pattern_format"));
        String pattern = String.format(format, MODEL);
        assertEquals(List.of(built, unchanged), all.stream().filter(line -> matches(pattern, line)).toList(),
                "the " + MODEL + " freshness filter must count its build and its check, once each, among every line the builder wrote: " + pattern);
        String other = String.format(format, OTHER_MODEL);
        assertEquals(List.of(otherBuilt, otherUnchanged), all.stream().filter(line -> matches(other, line)).toList(),
                "the " + OTHER_MODEL + " freshness filter must count its own build and check alone: " + other);
        String neverBuilt = String.format(format, WAITING_MODEL);
        assertEquals(List.of(), all.stream().filter(line -> matches(neverBuilt, line)).toList(),
                "a model that waited and failed was never up to date: " + neverBuilt);
    }

    /** The JSON lines the jar's handler writes when invoked with {@code events}, one after the other in one process, on moto. */
    private static List<JsonNode> invoke(Map<String, String> settings, String... events) throws IOException, InterruptedException {
        Path jar = Repository.root().resolve("gold-ctas/target/gold-ctas.jar");
        assertTrue(Files.isRegularFile(jar), "No jar at " + jar + ": Terraform deploys it, so build it first (mvn package or mvn verify)");
        String probe;
        try {
            probe = Path.of(GoldHandlerInvocations.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        }
        catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", jar + File.pathSeparator + probe,
                GoldHandlerInvocations.class.getName()));
        command.addAll(List.of(events));
        ProcessBuilder builder = new ProcessBuilder(command);
        // Nothing of the machine's own AWS configuration reaches the handler.
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().putAll(settings);
        builder.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL", AWS.endpoint().toString()));
        Path errors = Files.createTempFile("gold-handler-", ".err");
        builder.redirectError(errors.toFile());
        Process process = builder.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), printed);
        String stderr = Files.readString(errors, StandardCharsets.UTF_8);
        Files.delete(errors);
        assertEquals(0, process.exitValue(), printed + stderr);
        List<JsonNode> lines = new ArrayList<>();
        for (String text : printed.lines().filter(text -> text.startsWith("{")).toList()) {
            lines.add(JSON.readTree(text));
        }
        assertTrue(!lines.isEmpty(), "no JSON line: " + printed + stderr);
        return lines;
    }

    /** The one line of {@code lines} with this message and model ({@code null}: none). */
    private static JsonNode only(List<JsonNode> lines, String message, String model) {
        List<JsonNode> found = lines.stream().filter(line -> line.path("message").asText().equals(message)
                && (model == null ? !line.has("model") : model.equals(line.path("model").asText()))).toList();
        assertEquals(1, found.size(), "one line " + message + " of " + model + " in: " + lines);
        return found.get(0);
    }
}
