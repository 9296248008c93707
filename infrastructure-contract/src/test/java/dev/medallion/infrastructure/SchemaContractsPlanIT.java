package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.testing.TerraformCopy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code schema_contracts_dir} (terraform/contracts.tf) as {@code terraform plan} plans it: the root
 * module, copied as {@code .ci/run} copies it (empty stand-ins for the jars, which a plan only hashes),
 * planned against a stand-in STS, the one service a plan of a new stack asks anything (the account id);
 * every other request fails the plan. What is checked is the plan's JSON ({@code terraform show
 * -json}): one object per contract file at the key the converter reads ({@link SilverLayout#schemaKey}),
 * with the file's bytes; and the plan-time checks that refuse a contract the converter would refuse.
 * Needs terraform on the PATH and its AWS provider (the filesystem mirror {@code TF_PROVIDER_MIRROR},
 * by default /opt/tf-plugins, else the registry), as {@code .ci/run} and DeployRehearsalIT do.
 */
class SchemaContractsPlanIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "123456789012";

    private static Path work;
    private static Path stack;
    private static HttpServer sts;
    private static Map<String, String> environment;

    @TempDir
    Path contracts;

    @BeforeAll
    static void copyTheStackAndInitIt() throws Exception {
        work = Files.createTempDirectory("schema-contracts-plan-");
        stack = work.resolve("terraform");
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

        sts = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sts.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean callerIdentity = body.contains("Action=GetCallerIdentity");
            byte[] answer = (callerIdentity
                    ? "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
                            + "<Arn>arn:aws:iam::" + ACCOUNT + ":user/plan</Arn><UserId>AIDAPLAN</UserId><Account>" + ACCOUNT + "</Account>"
                            + "</GetCallerIdentityResult><ResponseMetadata><RequestId>plan</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
                    : "<ErrorResponse><Error><Type>Sender</Type><Code>NotServedHere</Code><Message>SchemaContractsPlanIT serves STS GetCallerIdentity only, not: "
                            + body.replace("<", "&lt;") + "</Message></Error><RequestId>plan</RequestId></ErrorResponse>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(callerIdentity ? 200 : 400, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        sts.start();

        environment = new HashMap<>(System.getenv());
        // Nothing of the machine's own AWS or Terraform configuration may change what is planned.
        environment.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("TF_VAR_") || name.startsWith("TF_CLI_ARGS"));
        environment.putAll(Map.of("AWS_ACCESS_KEY_ID", "plan", "AWS_SECRET_ACCESS_KEY", "plan", "AWS_MAX_ATTEMPTS", "1",
                "TF_CLI_CONFIG_FILE", TerraformCopy.writeCliConfig(work).file().toString(), "TF_IN_AUTOMATION", "1", "TF_INPUT", "0"));
        Result init = terraform("init", "-backend=false", "-no-color");
        assertEquals(0, init.exitCode(), "terraform init:\n" + init.output());
    }

    @AfterAll
    static void stop() throws IOException {
        if (sts != null) {
            sts.stop(0);
        }
        if (work != null) {
            TerraformCopy.deleteRecursively(work);
        }
    }

    @Test
    void eachSampleContractIsOneObjectInTheSilverBucketAtTheKeyTheConverterReadsHoldingTheFile() throws Exception {
        Path shipped = Repository.root().resolve("sample-data");
        Map<String, String> expected = new TreeMap<>();
        try (Stream<Path> files = Files.list(shipped)) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".json")).toList()) {
                String dataset = file.getFileName().toString().replaceFirst("\\.json$", "");
                expected.put(new SilverLayout("").schemaKey(dataset), Files.readString(file));
            }
        }
        assertEquals(List.of("_schemas/customers.json", "_schemas/products.json", "_schemas/sales.json", "_schemas/stores_eu.json"),
                List.copyOf(expected.keySet()), "sample-data/*.json: a contract per sample dataset");

        // The value the deploy walkthrough sets, relative to terraform/.
        JsonNode plan = plan("-var", "schema_contracts_dir=../sample-data");

        Map<String, String> planned = new TreeMap<>();
        for (JsonNode change : contractChanges(plan)) {
            JsonNode after = change.at("/change/after");
            assertEquals(List.of("create"), JSON.convertValue(change.at("/change/actions"), List.class), change.get("address").asText());
            assertEquals("application/json", after.get("content_type").asText(), change.get("address").asText());
            assertEquals("AES256", after.get("server_side_encryption").asText(), change.get("address").asText() + ": SSE-S3, as the bucket's default");
            assertTrue(after.path("kms_key_id").isNull() || after.path("kms_key_id").isMissingNode(), change.get("address").asText() + ": no KMS key set");
            String key = after.get("key").asText();
            assertEquals("aws_s3_object.schema_contract[\"" + key.replaceFirst("^_schemas/(.*)\\.json$", "$1") + "\"]", change.get("address").asText());
            planned.put(key, after.get("content").asText());
        }
        assertEquals(expected, planned, "the planned contract objects: key and content");

        JsonNode resource = configuration(plan);
        assertEquals(List.of("module.silver_bucket.id", "module.silver_bucket"),
                JSON.convertValue(resource.at("/expressions/bucket/references"), List.class), "the contracts' bucket");
    }

    @Test
    void aSilverPrefixPrefixesTheKeyAndWithKmsEncryptionTheStacksKeyEncryptsThem() throws Exception {
        Files.writeString(contracts.resolve("orders.json"), contract("orders", "bigint"));

        JsonNode plan = plan("-var", "schema_contracts_dir=" + contracts, "-var", "silver_prefix=lake/", "-var", "kms_encryption=true");

        List<JsonNode> changes = contractChanges(plan);
        assertEquals(1, changes.size(), "one contract file, one object");
        JsonNode change = changes.get(0);
        assertEquals(new SilverLayout("lake/").schemaKey("orders"), change.at("/change/after/key").asText());
        assertEquals("lake/_schemas/orders.json", change.at("/change/after/key").asText());
        assertEquals(contract("orders", "bigint"), change.at("/change/after/content").asText());
        assertEquals("aws:kms", change.at("/change/after/server_side_encryption").asText());
        assertTrue(change.at("/change/after_unknown/kms_key_id").asBoolean(), "the key is created in the same apply: " + change.get("change"));
        assertEquals(List.of("local.kms_key_arn"),
                JSON.convertValue(configuration(plan).at("/expressions/kms_key_id/references"), List.class),
                "the stack's key, through local.kms_key_arn");
    }

    @Test
    void aContractTheConverterWouldRefuseFailsThePlanSayingWhatToChange() throws Exception {
        // A copy of the sales contract left naming sales: the converter would fail every file of orders.
        Files.writeString(contracts.resolve("orders.json"), contract("sales", "bigint"));
        Files.writeString(contracts.resolve("returns.json"), contract("returns", "integer"));
        Files.writeString(contracts.resolve("refunds.json"), "{\"dataset\": \"refunds\", \"columns\": [");
        Files.writeString(contracts.resolve("Stores EU.json"), contract("Stores EU", "string"));
        Files.writeString(contracts.resolve("notes.json"), contract("notes", "string").replace("\"createdAt\"", "\"description\": \"x\", \"createdAt\""));

        Result plan = terraform("plan", "-no-color", "-var", "environment=dev", "-var", "emulator_endpoint=" + endpoint(),
                "-var", "schema_contracts_dir=" + contracts);

        assertNotEquals(0, plan.exitCode(), plan.output());
        String output = plan.output().replaceAll("\\s+", " ");
        assertTrue(output.contains(contracts + "/orders.json is the contract of dataset 'orders' (its file name) but says \"dataset\": \"sales\""
                + " (a copy of another dataset's contract?). Set \"dataset\": \"orders\" in it"), plan.output());
        assertTrue(output.contains(contracts + "/returns.json: a column's type must be one of boolean, bigint, double, date, timestamp, string;"
                + " id is \"integer\"."), plan.output());
        assertTrue(output.contains(contracts + "/refunds.json is not a JSON object"), plan.output());
        assertTrue(output.contains(contracts + "/Stores EU.json: the converter reads a dataset's contract at _schemas/<dataset>.json"), plan.output());
        assertTrue(output.contains(contracts + "/notes.json must hold exactly the keys dataset, columns, createdFrom and createdAt"), plan.output());
        // Each file once, by the check of what is wrong with it.
        assertEquals(5, output.split("Error: Resource precondition failed", -1).length - 1, plan.output());
    }

    @Test
    void aColumnNameTheConverterWouldRefuseFailsThePlanNamingTheFileTheColumnAndTheRule() throws Exception {
        // Written by hand from a header: its text kept as the name, a name starting with a digit, the
        // partition key's name, one longer than Glue holds. SilverTableDefinition.of refuses each.
        String tooLong = "a".repeat(256);
        Files.writeString(contracts.resolve("orders.json"), contract("orders", "bigint")
                .replace("\"name\" : \"id\"", "\"name\" : \"Order ID\"")
                .replace("} ],", """
                        }, { "name" : "1st_choice", "type" : "string", "sourceName" : "1st choice" },
                        { "name" : "ingest_date", "type" : "date", "sourceName" : "ingest_date" },
                        { "name" : "%s", "type" : "string", "sourceName" : "long" },
                        { "name" : "unit_price_2", "type" : "double", "sourceName" : "Unit Price" },
                        { "name" : "_3m", "type" : "string", "sourceName" : "3m" } ],""".formatted(tooLong)));
        // Every name of the converter's own form passes, as every shipped sample contract's does.
        Files.writeString(contracts.resolve("returns.json"), contract("returns", "bigint"));

        Result plan = terraform("plan", "-no-color", "-var", "environment=dev", "-var", "emulator_endpoint=" + endpoint(),
                "-var", "schema_contracts_dir=" + contracts);

        assertNotEquals(0, plan.exitCode(), plan.output());
        String output = plan.output().replaceAll("\\s+", " ");
        assertTrue(output.contains(contracts + "/orders.json: a column's name must be lowercase letters, digits and underscores, not starting"
                + " with a digit, at most 255 characters, and not ingest_date"), plan.output());
        assertTrue(output.contains("not so: \"Order ID\", \"1st_choice\", \"ingest_date\", \"" + tooLong + "\" (256 characters). "), plan.output());
        assertTrue(output.contains("Rename them in orders.json, keeping each sourceName"), plan.output());
        assertEquals(1, output.split("Error: Resource precondition failed", -1).length - 1, "orders.json once, returns.json not:\n" + plan.output());
    }

    @Test
    void aDirectoryWithoutContractsFailsThePlan() throws Exception {
        Result plan = terraform("plan", "-no-color", "-var", "environment=dev", "-var", "emulator_endpoint=" + endpoint(),
                "-var", "schema_contracts_dir=../sample-data/sales");

        assertNotEquals(0, plan.exitCode(), plan.output());
        assertTrue(plan.output().replaceAll("\\s+", " ").contains("schema_contracts_dir must be null or a directory holding <dataset>.json contracts,"
                + " and none was found there"), plan.output());
    }

    /** A contract as the converter writes it, of one column {@code id}. */
    private static String contract(String dataset, String type) {
        return """
                {
                  "dataset" : "%s",
                  "columns" : [ {
                    "name" : "id",
                    "type" : "%s",
                    "sourceName" : "id"
                  } ],
                  "createdFrom" : "declared",
                  "createdAt" : "2026-12-03T00:00:00Z"
                }
                """.formatted(dataset, type);
    }

    private static String endpoint() {
        return "http://127.0.0.1:" + sts.getAddress().getPort();
    }

    /** {@code terraform plan} with the given variables, as {@code terraform show -json} shows it. */
    private static JsonNode plan(String... variables) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("plan", "-no-color", "-out=" + work.resolve("plan.bin"),
                "-var", "environment=dev", "-var", "emulator_endpoint=" + endpoint()));
        arguments.addAll(List.of(variables));
        Result plan = terraform(arguments.toArray(String[]::new));
        assertEquals(0, plan.exitCode(), "terraform plan:\n" + plan.output());
        Result show = terraform("show", "-json", "-no-color", work.resolve("plan.bin").toString());
        assertEquals(0, show.exitCode(), "terraform show:\n" + show.output());
        return JSON.readTree(show.output());
    }

    private static List<JsonNode> contractChanges(JsonNode plan) {
        List<JsonNode> changes = new ArrayList<>();
        plan.get("resource_changes").forEach(change -> {
            if (change.get("type").asText().equals("aws_s3_object") && change.get("name").asText().equals("schema_contract")) {
                changes.add(change);
            }
        });
        return changes;
    }

    /** The resource block of the contracts as the plan's configuration records it. */
    private static JsonNode configuration(JsonNode plan) {
        for (JsonNode resource : plan.at("/configuration/root_module/resources")) {
            if (resource.get("address").asText().equals("aws_s3_object.schema_contract")) {
                return resource;
            }
        }
        throw new AssertionError("no aws_s3_object.schema_contract in the plan's configuration");
    }

    private record Result(int exitCode, String output) {}

    private static Result terraform(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TerraformCopy.binary("SchemaContractsPlanIT, which plans terraform/,").toString(), "-chdir=" + stack));
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
}
