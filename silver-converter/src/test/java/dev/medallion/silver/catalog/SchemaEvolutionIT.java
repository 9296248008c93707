package dev.medallion.silver.catalog;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.silver.ConversionResult;
import dev.medallion.silver.Manifest;
import dev.medallion.silver.ParquetTestFiles;
import dev.medallion.silver.SilverConverter;
import dev.medallion.silver.SourceObject;
import dev.medallion.silver.schema.SchemaContractStore;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.Table;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dataset's schema over months, end to end on moto's S3 and Glue: what a reader of silver finds, the
 * Parquet files read back with parquet-avro and the Glue table as Athena reads it. Athena reads Parquet
 * columns by name and fails a query (HIVE_BAD_DATA) on a file whose column has another type than the
 * table's, so every file under a table must hold the table's types.
 */
class SchemaEvolutionIT {
    @RegisterExtension
    static final S3Emulator AWS = S3Emulator.moto();

    private static final LocalDate MARCH_1 = LocalDate.of(2026, 3, 1);
    private static final LocalDate MARCH_2 = LocalDate.of(2026, 3, 2);

    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();
    private String silverBucket;
    private String database;

    @BeforeEach
    void createBucketAndDatabase() {
        silverBucket = AWS.createBucket("silver");
        database = "silver_" + UUID.randomUUID().toString().substring(0, 8);
        AWS.glue().createDatabase(request -> request.databaseInput(input -> input.name(database)));
    }

    /**
     * The documented way to retype a dataset, followed literally: a contract declared (as Terraform's apply
     * puts it) after files were converted with the inferred one, then the files converted before delivered
     * again. The table follows the declared contract from the next file on; the files converted before must
     * then hold its types too, or every query reading them fails.
     */
    @Test
    void filesConvertedBeforeADeclaredContractRetypedAColumnTakeItsTypesWhenDeliveredAgain(@TempDir Path downloads) throws IOException {
        SilverConverter converter = converter();
        String january = "id,amount\n1,12\n2,30\n";
        convert(converter, "sales/2026/01/january.csv", MARCH_1, january);
        assertEquals(List.of("id bigint", "amount bigint"), columns(table("sales")), "inferred from the first file");

        declareAmountDouble();
        convert(converter, "sales/2026/02/february.csv", MARCH_2, "id,amount\n3,3.5\n");
        assertEquals(List.of("id bigint", "amount double"), columns(table("sales")), "the table follows the declared contract");

        ConversionResult redelivered = convert(converter, "sales/2026/01/january.csv", MARCH_1, january);

        assertFalse(redelivered.unchanged(), "converted under another contract, the file is converted again, not answered unchanged");
        assertEquals(Manifest.CONVERTED, redelivered.outcome());
        assertEquals(List.of("id bigint", "amount double"), redelivered.manifest().columns().stream()
                .map(column -> column.name() + " " + column.type().sqlName()).toList());
        Map<String, String> amountTypes = new TreeMap<>();
        List<Double> amounts = new ArrayList<>();
        S3ObjectStore silver = new S3ObjectStore(AWS.client(), silverBucket);
        for (String key : silver.list("lake/sales/")) {
            Path file = downloads.resolve(key.replace('/', '_'));
            Files.write(file, silver.read(key).orElseThrow());
            MessageType schema = ParquetTestFiles.schema(file);
            amountTypes.put(key.substring(key.indexOf("ingest_date=")), schema.getType("amount").asPrimitiveType().getPrimitiveTypeName().name());
            for (GenericRecord record : ParquetTestFiles.readAll(file)) {
                amounts.add((Double) record.get("amount"));
            }
        }
        assertEquals(2, amountTypes.size(), "one part per file, the replaced version's deleted: " + amountTypes);
        assertTrue(amountTypes.values().stream().allMatch("DOUBLE"::equals), "every file holds the table's type: " + amountTypes);
        assertEquals(List.of(3.5, 12.0, 30.0), amounts.stream().sorted().toList());

        ConversionResult again = convert(converter, "sales/2026/01/january.csv", MARCH_1, january);
        assertTrue(again.unchanged(), "converted under the contract in force, a redelivery changes nothing");
    }

    /**
     * Athena reads a partition's files in the partition's column types, cast to the table's where they are
     * compatible: a day's partition registered under the old contract must take the columns of the contract
     * its day's new files are written in, or those files hold another type than their partition says.
     */
    @Test
    void aDaysPartitionTakesTheColumnsOfTheContractItsFilesAreNowWrittenIn(@TempDir Path downloads) throws IOException {
        SilverConverter converter = converter();
        convert(converter, "sales/2026/01/january.csv", MARCH_1, "id,amount\n1,12\n");
        assertEquals(List.of("id bigint", "amount bigint"), partitionColumns(MARCH_1));
        declareAmountDouble();

        convert(converter, "sales/2026/02/february.csv", MARCH_1, "id,amount\n3,3.5\n");

        S3ObjectStore silver = new S3ObjectStore(AWS.client(), silverBucket);
        String february = silver.list("lake/sales/ingest_date=2026-03-01/").stream().filter(key -> key.contains("february")).findFirst().orElseThrow();
        Path file = downloads.resolve("february.parquet");
        Files.write(file, silver.read(february).orElseThrow());
        assertEquals("DOUBLE", ParquetTestFiles.schema(file).getType("amount").asPrimitiveType().getPrimitiveTypeName().name());
        assertEquals(List.of("id bigint", "amount double"), columns(table("sales")));
        assertEquals(List.of("id bigint", "amount double"), partitionColumns(MARCH_1), "the partition describes the file just written in it");
        assertEquals("s3://" + silverBucket + "/lake/sales/ingest_date=2026-03-01/", partition(MARCH_1).storageDescriptor().location());
        String warning = log().lines().filter(line -> line.contains("\"level\":\"WARN\"") && line.contains("silver partition")).findFirst().orElse("");
        assertTrue(warning.contains("silver partition's columns differed from the schema contract") && warning.contains("\"ingestDate\":\"2026-03-01\"")
                && warning.contains("columns: [id bigint, amount bigint] -> [id bigint, amount double]"), log());
        assertFalse(warning.contains("moved"), warning);
    }

    /** What Terraform's apply does with a declared contract typing amount double: puts it over the inferred one. */
    private void declareAmountDouble() throws IOException {
        new SchemaContractStore(new S3ObjectStore(AWS.client(), silverBucket), new SilverLayout("lake/")).replace("sales", """
                {
                  "dataset" : "sales",
                  "columns" : [
                    { "name" : "id", "type" : "bigint", "sourceName" : "id" },
                    { "name" : "amount", "type" : "double", "sourceName" : "amount" }
                  ],
                  "createdFrom" : "terraform/contracts/sales.json",
                  "createdAt" : "2026-03-02T00:00:00Z"
                }
                """.getBytes(StandardCharsets.UTF_8));
    }

    private Partition partition(LocalDate day) {
        return AWS.glue().getPartition(request -> request.databaseName(database).tableName("sales").partitionValues(day.toString())).partition();
    }

    private List<String> partitionColumns(LocalDate day) {
        return partition(day).storageDescriptor().columns().stream().map(column -> column.name() + " " + column.type()).toList();
    }

    private SilverConverter converter() {
        return new SilverConverter(new S3ObjectStore(AWS.client(), silverBucket), new SilverLayout("lake/"), ConversionLimits.defaults(),
                CsvOverrides.none(), new GlueSilverCatalog(AWS.glue(), database, silverBucket, new SilverLayout("lake/"), jsonLog()), jsonLog(),
                Clock.systemUTC());
    }

    /** A source object as the bronze bucket would describe it, last modified on {@code day} (its ingest date). */
    private static ConversionResult convert(SilverConverter converter, String key, LocalDate day, String csv) throws IOException {
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        String etag = Integer.toHexString(csv.hashCode()) + "0000";
        SourceObject source = new SourceObject("bronze", key, etag, bytes.length, Instant.parse(day + "T12:00:00Z"));
        return converter.convert(source, SilverLayout.datasetOf(key), () -> new ByteArrayInputStream(bytes));
    }

    private Table table(String name) {
        return AWS.glue().getTable(request -> request.databaseName(database).name(name)).table();
    }

    private static List<String> columns(Table table) {
        return table.storageDescriptor().columns().stream().map((Column column) -> column.name() + " " + column.type()).toList();
    }

    private JsonLog jsonLog() {
        return new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    private String log() {
        return logLines.toString(StandardCharsets.UTF_8);
    }
}
