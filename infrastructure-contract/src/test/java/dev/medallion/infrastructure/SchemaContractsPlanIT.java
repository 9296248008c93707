package dev.medallion.infrastructure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.layout.SilverLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    private static PlannedStack stack;

    @TempDir
    Path contracts;

    @BeforeAll
    static void copyTheStackAndInitIt() throws Exception {
        stack = PlannedStack.initialise("SchemaContractsPlanIT");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
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
        Files.writeString(contracts.resolve("ledger.json"), contract("ledger", "decimal(39,2)"));
        Files.writeString(contracts.resolve("fees.json"), contract("fees", "decimal(5,6)"));
        // Taken as the converter takes it: any case, spaces around the numbers.
        Files.writeString(contracts.resolve("payments.json"), contract("payments", "DECIMAL( 18 , 2 )"));
        // Wider than a long, up to Athena's and Glue's 38 digits: SQL Server's money, and numeric(38,s).
        Files.writeString(contracts.resolve("balances.json"), contract("balances", "decimal(38,38)"));
        Files.writeString(contracts.resolve("fees_money.json"), contract("fees_money", "decimal(19,4)"));

        PlannedStack.Result plan = stack.plan("-var", "schema_contracts_dir=" + contracts);

        assertNotEquals(0, plan.exitCode(), plan.output());
        String output = plan.output().replaceAll("\\s+", " ");
        assertTrue(output.contains(contracts + "/orders.json is the contract of dataset 'orders' (its file name) but says \"dataset\": \"sales\""
                + " (a copy of another dataset's contract?). Set \"dataset\": \"orders\" in it"), plan.output());
        assertTrue(output.contains(contracts + "/returns.json: a column's type must be one of boolean, bigint, double, date, timestamp, string,"
                + " or decimal(p,s) with precision p 1 to 38 (the most Athena and Glue hold) and scale s 0 to p; id is \"integer\"."), plan.output());
        assertTrue(output.contains(contracts + "/ledger.json: a column's type must be one of"), plan.output());
        assertTrue(output.contains("; id is \"decimal(39,2)\"."), plan.output());
        assertTrue(output.contains(contracts + "/fees.json: a column's type must be one of"), plan.output());
        assertTrue(output.contains("; id is \"decimal(5,6)\"."), plan.output());
        assertFalse(output.contains(contracts + "/payments.json"), plan.output());
        assertFalse(output.contains(contracts + "/balances.json"), plan.output());
        assertFalse(output.contains(contracts + "/fees_money.json"), plan.output());
        assertTrue(output.contains(contracts + "/refunds.json is not a JSON object"), plan.output());
        assertTrue(output.contains(contracts + "/Stores EU.json: the converter reads a dataset's contract at _schemas/<dataset>.json"), plan.output());
        assertTrue(output.contains(contracts + "/notes.json must hold exactly the keys dataset, columns, createdFrom and createdAt"), plan.output());
        // Each file once, by the check of what is wrong with it.
        assertEquals(7, output.split("Error: Resource precondition failed", -1).length - 1, plan.output());
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

        PlannedStack.Result plan = stack.plan("-var", "schema_contracts_dir=" + contracts);

        assertNotEquals(0, plan.exitCode(), plan.output());
        String output = plan.output().replaceAll("\\s+", " ");
        assertTrue(output.contains(contracts + "/orders.json: a column's name must be lowercase letters, digits and underscores, not starting"
                + " with a digit, at most 255 characters, and not ingest_date"), plan.output());
        assertTrue(output.contains("not so: \"Order ID\", \"1st_choice\", \"ingest_date\", \"" + tooLong + "\" (256 characters). "), plan.output());
        assertTrue(output.contains("Rename them in orders.json, keeping each sourceName"), plan.output());
        assertEquals(1, output.split("Error: Resource precondition failed", -1).length - 1, "orders.json once, returns.json not:\n" + plan.output());
    }

    /**
     * A column's {@code "required"} is true or false, as the converter reads it (SchemaContractStore): either plans, the file put as
     * it is; a string, a number or null fails the plan naming the file and the column; another key ({@code "nullable"}) is refused
     * as before.
     */
    @Test
    void aColumnsRequiredIsTrueOrFalseAndAnythingElseFailsThePlanNamingTheColumn() throws Exception {
        Files.writeString(contracts.resolve("orders.json"), contract("orders", "bigint").replace("\"sourceName\" : \"id\"", "\"sourceName\" : \"id\", \"required\" : true"));
        Files.writeString(contracts.resolve("returns.json"), contract("returns", "bigint").replace("\"sourceName\" : \"id\"", "\"sourceName\" : \"id\", \"required\" : false"));

        List<JsonNode> changes = contractChanges(plan("-var", "schema_contracts_dir=" + contracts));
        assertEquals(2, changes.size(), "both contracts planned");
        assertTrue(changes.stream().anyMatch(change -> change.at("/change/after/content").asText().contains("\"required\" : true")), changes.toString());

        Files.writeString(contracts.resolve("refunds.json"), contract("refunds", "bigint").replace("\"sourceName\" : \"id\"", "\"sourceName\" : \"id\", \"required\" : \"yes\""));
        Files.writeString(contracts.resolve("fees.json"), contract("fees", "bigint").replace("\"sourceName\" : \"id\"", "\"sourceName\" : \"id\", \"required\" : \"true\""));
        Files.writeString(contracts.resolve("credits.json"), contract("credits", "bigint").replace("\"sourceName\" : \"id\"", "\"sourceName\" : \"id\", \"required\" : 1"));
        Files.writeString(contracts.resolve("notes.json"), contract("notes", "bigint").replace("\"sourceName\" : \"id\"", "\"sourceName\" : \"id\", \"required\" : null"));
        Files.writeString(contracts.resolve("tags.json"), contract("tags", "bigint").replace("\"sourceName\" : \"id\"", "\"sourceName\" : \"id\", \"nullable\" : false"));

        PlannedStack.Result plan = stack.plan("-var", "schema_contracts_dir=" + contracts);

        assertNotEquals(0, plan.exitCode(), plan.output());
        String output = plan.output().replaceAll("\\s+", " ");
        assertTrue(output.contains(contracts + "/refunds.json: a column's required must be true or false (absent is false); id says \"yes\"."), plan.output());
        assertTrue(output.contains(contracts + "/fees.json: a column's required must be true or false (absent is false); id says \"true\"."), plan.output());
        assertTrue(output.contains(contracts + "/credits.json: a column's required must be true or false (absent is false); id says 1."), plan.output());
        assertTrue(output.contains(contracts + "/notes.json: a column's required must be true or false (absent is false); id says null."), plan.output());
        assertTrue(output.contains(contracts + "/tags.json: columns must be a non-empty list of objects each with exactly the keys"), plan.output());
        assertFalse(output.contains(contracts + "/orders.json"), plan.output());
        assertFalse(output.contains(contracts + "/returns.json"), plan.output());
        assertEquals(5, output.split("Error: Resource precondition failed", -1).length - 1, plan.output());
    }

    @Test
    void aDirectoryWithoutContractsFailsThePlan() throws Exception {
        PlannedStack.Result plan = stack.plan("-var", "schema_contracts_dir=../sample-data/sales");

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

    /** {@code terraform plan} with the given variables, as {@code terraform show -json} shows it. */
    private static JsonNode plan(String... variables) throws Exception {
        return stack.planJson(variables);
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
}
