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
        String warning = log().lines().filter(line -> line.contains("silver table differed")).findFirst().orElse("");
        assertTrue(warning.contains("If the contract changed the type of amount: bigint -> double, the files converted before it changed still hold the"
                + " old type, and Athena fails the queries reading them until they are delivered again (docs/silver-converter.md#schema-contract)")
                && warning.contains("\"retypedColumns\":[\"amount: bigint -> double\"]"), log());

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

    /**
     * A source over three months, as sources drift: a column with no value yet in the first file, then a file
     * with its columns reordered, its headers in another case and spacing, one column more and one less,
     * then values that no longer fit the types inferred from January. The contract and the table never
     * change behind the files converted before; what fits is written, what does not is quarantined with a
     * reason saying what it is and how to keep such values where they are values to keep.
     */
    @Test
    void aSourceDriftingOverMonthsKeepsItsContractAndQuarantinesWhatNoLongerFitsSayingWhatToDo(@TempDir Path downloads) throws IOException {
        SilverConverter converter = converter();
        S3ObjectStore silver = new S3ObjectStore(AWS.client(), silverBucket);
        ConversionResult january = convert(converter, "orders/2026/01/orders.csv", MARCH_1,
                "order_id,Amount,sold_on,discount\n1,12,2026-01-05,\n2,30,2026-01-06,\n");
        assertEquals("order_id bigint, amount bigint, sold_on date, discount string", january.manifest().columns().stream()
                .map(column -> column.name() + " " + column.type().sqlName()).collect(java.util.stream.Collectors.joining(", ")),
                "a column with no value in the rows the contract is inferred from is string");
        byte[] contract = silver.read("lake/_schemas/orders.json").orElseThrow();

        ConversionResult february = convert(converter, "orders/2026/02/orders.csv", MARCH_2,
                "SOLD_ON,amount ,Order ID,channel\n2026-02-01,15,3,web\n");
        assertEquals(Manifest.CONVERTED, february.outcome());
        assertEquals(List.of(new Manifest.DroppedColumn("channel", 4)), february.manifest().droppedColumns());
        assertEquals(List.of("discount"), february.manifest().missingColumns());
        GenericRecord row = ParquetTestFiles.readAll(download(silver, february.manifest().parts().get(0).key(), downloads)).get(0);
        assertEquals(3L, row.get("order_id"));
        assertEquals(15L, row.get("amount"));
        assertEquals(LocalDate.of(2026, 2, 1), row.get("sold_on"));
        assertEquals(null, row.get("discount"));

        ConversionResult march = convert(converter, "orders/2026/03/orders.csv", MARCH_2, """
                order_id,Amount,sold_on,discount
                4,3.5,2026-03-01,0.1
                5,N/A,2026-03-02,
                6,8,03/15/2026,
                7,9,2026-03-04 10:00,
                8,1000000000000,2026-03-05,0.15
                """);

        assertEquals(5, march.manifest().rowsRead());
        assertEquals(1, march.manifest().rowsWritten());
        row = ParquetTestFiles.readAll(download(silver, march.manifest().parts().get(0).key(), downloads)).get(0);
        assertEquals(1_000_000_000_000L, row.get("amount"));
        assertEquals("0.15", row.get("discount").toString(), "the values that arrive later are text, as typed");
        String quarantine = new String(silver.read(march.manifest().quarantine().key()).orElseThrow(), StandardCharsets.UTF_8);
        List<String> lines = quarantine.lines().toList();
        assertEquals("source_line,reason,order_id,Amount,sold_on,discount", lines.get(0));
        // Quoted: the advice names decimal(p,s), whose comma the reason then holds.
        assertEquals("2,\"column amount: '3.5' is not a bigint (a number with a fraction): the dataset's contract"
                + " lake/_schemas/orders.json types it bigint; declare it double (or decimal(p,s) for exact amounts) there to keep such values\","
                + "4,3.5,2026-03-01,0.1", lines.get(1));
        assertEquals("3,column amount: 'N/A' is not a bigint (declare it null if it stands for a missing value: CSV_NULL_VALUES=orders:N/A or convert --null-values N/A): the dataset's contract lake/_schemas/orders.json types it bigint,5,N/A,2026-03-02,", lines.get(2));
        assertEquals("4,\"column sold_on: '03/15/2026' is not a date (a date written otherwise than yyyy-MM-dd, the one form dates are read in:"
                + " change the export's date format): the dataset's contract lake/_schemas/orders.json types it date\",6,8,03/15/2026,", lines.get(3));
        assertEquals("5,column sold_on: '2026-03-04 10:00' is not a date (a time of day): the dataset's contract lake/_schemas/orders.json"
                + " types it date; declare it timestamp there to keep such values,7,9,2026-03-04 10:00,", lines.get(4));
        assertEquals(5, lines.size());

        assertTrue(java.util.Arrays.equals(contract, silver.read("lake/_schemas/orders.json").orElseThrow()), "the converter never changes a contract");
        assertEquals(List.of("order_id bigint", "amount bigint", "sold_on date", "discount string"), columns(table("orders")));
    }

    /**
     * Two files of one dataset, each with a new column of its own, converted at the same time: the contract
     * evolves by a person only, so neither run changes it or the table, each drops its own new column
     * (named in its manifest) and writes the rest.
     */
    @Test
    void twoFilesBringingDifferentNewColumnsAtOnceEachDropItsOwnAndNeitherChangesTheContract(@TempDir Path downloads) throws Exception {
        SilverConverter converter = converter();
        convert(converter, "events/first.csv", MARCH_1, "id,kind\n1,open\n");
        S3ObjectStore silver = new S3ObjectStore(AWS.client(), silverBucket);
        byte[] contract = silver.read("lake/_schemas/events.json").orElseThrow();
        String tableVersion = table("events").versionId();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.Future<ConversionResult> withUser = pool.submit(() -> {
                start.await(30, java.util.concurrent.TimeUnit.SECONDS);
                return convert(converter, "events/a.csv", MARCH_2, "id,kind,user\n2,close,ann\n");
            });
            java.util.concurrent.Future<ConversionResult> withSource = pool.submit(() -> {
                start.await(30, java.util.concurrent.TimeUnit.SECONDS);
                return convert(converter, "events/b.csv", MARCH_2, "source,id,kind\nweb,3,open\n");
            });
            ConversionResult a = withUser.get(60, java.util.concurrent.TimeUnit.SECONDS);
            ConversionResult b = withSource.get(60, java.util.concurrent.TimeUnit.SECONDS);

            assertEquals(List.of(new Manifest.DroppedColumn("user", 3)), a.manifest().droppedColumns());
            assertEquals(List.of(new Manifest.DroppedColumn("source", 1)), b.manifest().droppedColumns());
            for (ConversionResult result : List.of(a, b)) {
                assertEquals(Manifest.CONVERTED, result.outcome());
                GenericRecord row = ParquetTestFiles.readAll(download(silver, result.manifest().parts().get(0).key(), downloads)).get(0);
                assertEquals(2, row.getSchema().getFields().size(), row.toString());
            }
        }
        finally {
            pool.shutdownNow();
        }
        assertTrue(java.util.Arrays.equals(contract, silver.read("lake/_schemas/events.json").orElseThrow()));
        assertEquals(tableVersion, table("events").versionId(), "the table was not updated");
        assertEquals(List.of("id bigint", "kind string"), columns(table("events")));
    }

    private static Path download(S3ObjectStore silver, String key, Path downloads) throws IOException {
        Path file = downloads.resolve(key.replace('/', '_'));
        Files.write(file, silver.read(key).orElseThrow());
        return file;
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
