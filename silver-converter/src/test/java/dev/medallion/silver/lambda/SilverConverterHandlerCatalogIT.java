package dev.medallion.silver.lambda;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import dev.medallion.common.config.Environment;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectInfo;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.FaultProxy;
import dev.medallion.common.testing.Request;
import dev.medallion.common.testing.S3Emulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.glue.model.Table;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handler as Lambda runs it, with {@code SILVER_DATABASE} set and not: on S3 events, against moto's S3
 * and Glue. GlueSilverCatalogIT covers the catalog itself.
 */
class SilverConverterHandlerCatalogIT {
    @RegisterExtension
    static final S3Emulator AWS = S3Emulator.moto();

    @TempDir
    Path temporary;

    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();
    private String bronzeBucket;
    private String silverBucket;
    private String database;

    @BeforeEach
    void createBucketsAndDatabase() {
        bronzeBucket = AWS.createBucket("bronze");
        silverBucket = AWS.createBucket("silver");
        database = "lake_silver_" + UUID.randomUUID().toString().substring(0, 8);
        AWS.glue().createDatabase(request -> request.databaseInput(input -> input.name(database)));
    }

    @Test
    void withADatabaseEveryConvertedObjectIsCataloguedBeforeTheHandlerAnswers() throws IOException {
        ObjectInfo a = put("Sales Data/2026/a.csv", "Order ID,Amount\n1,2.5\n");
        put("Sales Data/2026/b.csv", "Order ID,Amount\n2,3.5\n");
        S3Event both = event("Sales Data/2026/a.csv");
        both.getRecords().add(event("Sales Data/2026/b.csv").getRecords().get(0));
        SilverConverterHandler handler = new SilverConverterHandler(
                new Environment(Map.of("SILVER_BUCKET", silverBucket, "SILVER_PREFIX", "lake", "SILVER_DATABASE", database)), AWS.client(), AWS::glue, jsonLog());

        List<String> outcomes = handler.handleRequest(both, null);

        assertEquals(List.of("converted s3://" + bronzeBucket + "/Sales Data/2026/a.csv", "converted s3://" + bronzeBucket + "/Sales Data/2026/b.csv"), outcomes);
        // The folder "Sales Data" is the dataset sales_data, and so the table.
        Table table = AWS.glue().getTable(request -> request.databaseName(database).name("sales_data")).table();
        assertEquals(List.of("order_id bigint", "amount double"), table.storageDescriptor().columns().stream().map(c -> c.name() + " " + c.type()).toList());
        assertEquals("s3://" + silverBucket + "/lake/sales_data/", table.storageDescriptor().location());
        String day = LocalDate.ofInstant(a.lastModified(), ZoneOffset.UTC).toString();
        List<Partition> partitions = AWS.glue().getPartitions(request -> request.databaseName(database).tableName("sales_data")).partitions();
        assertEquals(1, partitions.size(), partitions.toString());
        assertEquals(List.of(day), partitions.get(0).values());
        assertEquals("s3://" + silverBucket + "/lake/sales_data/ingest_date=" + day + "/", partitions.get(0).storageDescriptor().location());
        assertTrue(!log().contains("\"level\":\"WARN\"") && !log().contains("\"level\":\"ERROR\""), log());
    }

    @Test
    void aFolderAndAHeaderLongerThanGlueHoldsAreCutToNamesItDoes() throws IOException {
        // Glue holds names of at most 255 characters; these converted, then failed to catalog on every retry.
        String folder = "Quarterly " + "regional sales ".repeat(20).strip();
        String header = "Net amount " + "after discounts and returns ".repeat(12).strip();
        put(folder + "/a.csv", "id,\"" + header + "\"\n1,2.5\n");
        SilverConverterHandler handler = new SilverConverterHandler(
                new Environment(Map.of("SILVER_BUCKET", silverBucket, "SILVER_DATABASE", database)), AWS.client(), AWS::glue, jsonLog());

        List<String> outcomes = handler.handleRequest(event(folder + "/a.csv"), null);

        assertEquals(List.of("converted s3://" + bronzeBucket + "/" + folder + "/a.csv"), outcomes);
        List<Table> tables = AWS.glue().getTables(request -> request.databaseName(database)).tableList();
        assertEquals(1, tables.size(), tables.toString());
        String table = tables.get(0).name();
        assertEquals(255, table.length(), table);
        assertTrue(table.startsWith("quarterly_regional_sales_regional_sales_"), table);
        List<String> columns = tables.get(0).storageDescriptor().columns().stream().map(c -> c.name()).toList();
        assertEquals("id", columns.get(0));
        assertEquals(255, columns.get(1).length(), columns.get(1));
        assertTrue(columns.get(1).startsWith("net_amount_after_discounts_and_returns_after_"), columns.get(1));
        assertEquals(1, AWS.glue().getPartitions(request -> request.databaseName(database).tableName(table)).partitions().size());
        assertTrue(!log().contains("\"level\":\"WARN\"") && !log().contains("\"level\":\"ERROR\""), log());
    }

    @Test
    void aHandWrittenContractWhoseNameGlueCannotHoldFailsTheRunBeforeItConvertsAnything() throws Exception {
        // A person wrote the contract with the header as it reads: Athena and Glue take no such column name.
        new S3ObjectStore(AWS.client(), silverBucket).put("_schemas/orders.json", """
                {"dataset": "orders", "columns": [{"name": "id", "type": "BIGINT", "sourceName": "id"},
                  {"name": "Order Date", "type": "DATE", "sourceName": "Order Date"}], "createdFrom": "by hand", "createdAt": "2026-12-01T00:00:00Z"}
                """.getBytes(StandardCharsets.UTF_8));
        put("orders/a.csv", "id,Order Date\n1,2026-11-30\n");
        try (FaultProxy proxy = FaultProxy.start(AWS.endpoint()); S3Client through = AWS.clientThrough(proxy.endpoint())) {
            SilverConverterHandler handler = new SilverConverterHandler(
                    new Environment(Map.of("SILVER_BUCKET", silverBucket, "SILVER_DATABASE", database)), through, AWS::glue, jsonLog());

            SilverConversionException e = assertThrows(SilverConversionException.class, () -> handler.handleRequest(event("orders/a.csv"), null));

            assertTrue(e.getMessage().contains("Column 'Order Date' of the schema contract of dataset orders is not a name Athena reads unquoted"
                    + " (lowercase letters, digits and underscores, not starting with a digit): rename it in the contract (_schemas/orders.json)"), e.getMessage());
            // Refused once the header is read and the contract loaded: no part or quarantine upload was started.
            List<Request> requests = proxy.requests();
            List<String> sent = requests.stream().map(request -> request.method() + " " + request.path() + "?" + request.query()).toList();
            assertTrue(requests.stream().anyMatch(request -> request.path().endsWith("/_schemas/orders.json")), sent.toString());
            assertTrue(requests.stream().noneMatch(request -> request.method().equals("POST") && request.query().contains("uploads")), sent.toString());
        }
        assertEquals(List.of(), AWS.glue().getTables(request -> request.databaseName(database)).tableList());
    }

    @Test
    void withoutADatabaseNoGlueClientIsEvenBuilt() throws IOException {
        put("sales/a.csv", "id,amount\n1,2.5\n");
        for (Map<String, String> variables : List.of(Map.of("SILVER_BUCKET", silverBucket), Map.of("SILVER_BUCKET", silverBucket, "SILVER_DATABASE", ""))) {
            SilverConverterHandler handler = new SilverConverterHandler(new Environment(variables), AWS.client(),
                    () -> {
                        throw new AssertionError("no database is configured: Glue must not be needed");
                    }, jsonLog());
            assertTrue(handler.handleRequest(event("sales/a.csv"), null).get(0).endsWith("s3://" + bronzeBucket + "/sales/a.csv"));
        }
        assertEquals(List.of(), AWS.glue().getTables(request -> request.databaseName(database)).tableList());
    }

    private ObjectInfo put(String key, String csv) throws IOException {
        S3ObjectStore bronze = new S3ObjectStore(AWS.client(), bronzeBucket);
        bronze.put(key, csv.getBytes(StandardCharsets.UTF_8));
        return bronze.stat(key).orElseThrow();
    }

    private S3Event event(String key) throws IOException {
        ObjectInfo info = new S3ObjectStore(AWS.client(), bronzeBucket).stat(key).orElseThrow();
        return S3Events.objectCreated(bronzeBucket, info, temporary);
    }

    private JsonLog jsonLog() {
        return new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    private String log() {
        return logLines.toString(StandardCharsets.UTF_8);
    }
}
