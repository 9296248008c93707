package dev.medallion.gold.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.config.Environment;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.S3Clients;
import dev.medallion.common.storage.S3ObjectStore;
import dev.medallion.common.testing.S3Emulator;
import dev.medallion.gold.athena.Sleeper;
import dev.medallion.gold.lambda.GoldCtasHandler;
import dev.medallion.gold.model.GoldModels;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.TableInput;
import software.amazon.awssdk.services.glue.model.TableVersion;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A small lakehouse in moto for one test: silver and gold buckets, silver and gold Glue databases, the
 * silver tables a crawler would have made, an Athena workgroup of its own (so the queries moto lists are
 * this test's), and clients that record every call the handler makes.
 * <p>
 * moto accepts Athena's SQL without running it, so nothing creates the gold tables, views and files a
 * real build leaves; {@link #applyAthenaEffects} puts them in place after a build, as Athena would have,
 * so that the next build meets a realistic catalog and bucket.
 */
public final class GoldLake implements AutoCloseable {
    private static final Region REGION = Region.US_EAST_1;
    private static final Pattern STAGING_CTAS = Pattern.compile(
            "^CREATE TABLE \"([^\"]+)\"\\.\"([a-z0-9_]+__staging_[0-9]{14}_[0-9a-f]{6})\"\\s+WITH \\([^)]*external_location = '([^']+)'");

    private final S3Emulator aws;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String silverBucket;
    private final String goldBucket;
    private final String silverDatabase = "silver_" + suffix;
    private final String goldDatabase = "gold_" + suffix;
    private final String workgroup = "gold-" + suffix;
    private final AwsCallRecorder recorder = new AwsCallRecorder();
    private final S3Client s3;
    private final GlueClient glue;
    private final AthenaClient athena;
    private final ByteArrayOutputStream logLines = new ByteArrayOutputStream();
    private final List<Duration> sleeps = new ArrayList<>();
    private final ObjectMapper mapper = new ObjectMapper();
    private int files;

    public GoldLake(S3Emulator aws) {
        this.aws = requireNonNull(aws, "aws is null");
        this.silverBucket = aws.createBucket("silver");
        this.goldBucket = aws.createBucket("gold");
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        this.s3 = S3Clients.builder(Optional.of(aws.endpoint())).region(REGION).credentialsProvider(credentials)
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(recorder)).build();
        this.glue = GlueClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(aws.endpoint()).region(REGION)
                .credentialsProvider(credentials).overrideConfiguration(configuration -> configuration.addExecutionInterceptor(recorder)).build();
        this.athena = AthenaClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(aws.endpoint()).region(REGION)
                .credentialsProvider(credentials).overrideConfiguration(configuration -> configuration.addExecutionInterceptor(recorder)).build();

        aws.glue().createDatabase(request -> request.databaseInput(database -> database.name(silverDatabase)));
        aws.glue().createDatabase(request -> request.databaseInput(database -> database.name(goldDatabase)));
        aws.athena().createWorkGroup(request -> request.name(workgroup).description("gold test workgroup"));
        // What the silver crawler makes of the converter's output.
        aws.glue().createTable(request -> request.databaseName(silverDatabase).tableInput(silverTable("sales", List.of(
                column("transaction_id", "string"), column("timestamp", "timestamp"), column("region", "string"),
                column("product_id", "string"), column("quantity", "bigint"), column("total_amount", "double")), true)));
        createProducts();
        addSilverFile("sales");
        addSilverFile("products");
        addSilverPartition("sales", "2026-03-01");
    }

    /**
     * moto reports a query QUEUED, then RUNNING, then SUCCEEDED, one state per GetQueryExecution, so the
     * handler's waiting is exercised (its default is SUCCEEDED at once). For the whole moto process.
     */
    public static void pollEachQueryTwice(S3Emulator aws) throws IOException {
        aws.motoApi("/moto-api/state-manager/set-transition",
                "{\"model_name\": \"athena::execution\", \"transition\": {\"progression\": \"manual\", \"times\": 1}}");
    }

    /** The environment Terraform would give the function. */
    public Environment environment() {
        return environment(Map.of());
    }

    /** The environment with some variables set otherwise. */
    public Environment environment(Map<String, String> overrides) {
        Map<String, String> variables = new java.util.HashMap<>(Map.of(
                "GOLD_BUCKET", goldBucket,
                "GOLD_PREFIX", "tables/",
                "SILVER_BUCKET", silverBucket,
                "SILVER_PREFIX", "",
                "SILVER_DATABASE", silverDatabase,
                "GOLD_DATABASE", goldDatabase,
                "ATHENA_WORKGROUP", workgroup));
        variables.putAll(overrides);
        return new Environment(variables);
    }

    public GoldModels models() {
        return new GoldModels("it-models/", GoldLake.class.getClassLoader());
    }

    /** The handler with this lake's recording clients, a log to read back and a sleeper that only records. */
    public GoldCtasHandler handler() {
        return handler(athena);
    }

    /** The handler with another Athena client: a stand-in, for the one case moto cannot play. */
    public GoldCtasHandler handler(AthenaClient athenaClient) {
        return new GoldCtasHandler(environment(), s3, glue, athenaClient, models(), log(), recordingSleeper());
    }

    public JsonLog log() {
        return new JsonLog(new PrintStream(logLines, true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    public Sleeper recordingSleeper() {
        return duration -> {
            synchronized (sleeps) {
                sleeps.add(duration);
            }
        };
    }

    public List<Duration> sleeps() {
        synchronized (sleeps) {
            return List.copyOf(sleeps);
        }
    }

    public List<JsonNode> logLines() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : logLines.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(mapper.readTree(line));
            }
        }
        return lines;
    }

    public AwsCallRecorder recorder() {
        return recorder;
    }

    public S3Client s3() {
        return s3;
    }

    public GlueClient glue() {
        return glue;
    }

    public AthenaClient athena() {
        return athena;
    }

    public String goldDatabase() {
        return goldDatabase;
    }

    public String silverDatabase() {
        return silverDatabase;
    }

    public String silverBucket() {
        return silverBucket;
    }

    public String goldBucket() {
        return goldBucket;
    }

    public String workgroup() {
        return workgroup;
    }

    /** The products table, as the converter's first products file makes it. */
    public void createProducts() {
        aws.glue().createTable(request -> request.databaseName(silverDatabase).tableInput(silverTable("products", List.of(
                column("product_id", "string"), column("category", "string")), false)));
    }

    /** A silver dataset no file has been converted into: no table, no manifest. */
    public void removeSilverDataset(String dataset) {
        aws.glue().deleteTable(request -> request.databaseName(silverDatabase).name(dataset));
        for (var object : aws.client().listObjectsV2(request -> request.bucket(silverBucket).prefix("_manifests/" + dataset + "/")).contents()) {
            aws.client().deleteObject(request -> request.bucket(silverBucket).key(object.key()));
        }
    }

    /** A new source file converted into a silver dataset: its manifest, the converter's commit marker. */
    public void addSilverFile(String dataset) {
        files++;
        String key = "_manifests/" + dataset + "/file_" + files + "-" + suffix + ".json";
        aws.client().putObject(request -> request.bucket(silverBucket).key(key),
                software.amazon.awssdk.core.sync.RequestBody.fromString("{\"status\":\"converted\",\"file\":" + files + "}"));
    }

    /** A partition the crawler catalogued. */
    public void addSilverPartition(String dataset, String ingestDate) {
        aws.glue().createPartition(request -> request.databaseName(silverDatabase).tableName(dataset).partitionInput(partition -> partition
                .values(ingestDate)
                .storageDescriptor(descriptor -> descriptor.location("s3://" + silverBucket + "/" + dataset + "/ingest_date=" + ingestDate + "/"))));
    }

    /**
     * Queues the rows the next Athena query returns (moto hands queued results to queries as they
     * start): a header row, as Athena sends, then one row per value, in a column of {@code type}.
     */
    public void queueQueryResult(String column, String type, List<String> values) throws IOException {
        StringBuilder rows = new StringBuilder("{\"Data\": [{\"VarCharValue\": \"" + column + "\"}]}");
        for (String value : values) {
            rows.append(", {\"Data\": [").append(value == null ? "{}" : "{\"VarCharValue\": \"" + value + "\"}").append("]}");
        }
        aws.motoApi("/moto-api/static/athena/query-results", "{\"results\": [{\"rows\": [" + rows
                + "], \"column_info\": [{\"Name\": \"" + column + "\", \"Label\": \"" + column + "\", \"Type\": \"" + type + "\"}]}]}");
    }

    /**
     * Queues what a staged build's first queries return, in the order they start (moto hands each query the next
     * queued result when it starts): the partitions query's {@code partitions}, the staging CTAS's (no rows, never
     * read), then {@code staged}, the partitions of the rows the staging table holds, which the batches are cut from.
     */
    public void queueStagedBuildResults(String column, String type, List<String> partitions, List<String> staged) throws IOException {
        queueQueryResult(column, type, partitions);
        queueQueryResult(column, type, List.of());
        queueQueryResult(column, type, staged);
    }

    /** The SQL of every query started in this lake's workgroup, oldest first (moto lists them in start order). */
    public List<String> athenaSql() {
        List<String> sql = new ArrayList<>();
        for (String id : aws.athena().listQueryExecutions(request -> request.workGroup(workgroup)).queryExecutionIds()) {
            sql.add(aws.athena().getQueryExecution(request -> request.queryExecutionId(id)).queryExecution().query());
        }
        return sql;
    }

    /** The ids of every query started in this lake's workgroup, oldest first. */
    public List<String> athenaQueryIds() {
        return aws.athena().listQueryExecutions(request -> request.workGroup(workgroup)).queryExecutionIds();
    }

    public Optional<JsonNode> state(String model) throws IOException {
        Optional<byte[]> content = new S3ObjectStore(aws.client(), goldBucket).read("tables/_state/" + model + ".json");
        return content.isEmpty() ? Optional.empty() : Optional.of(mapper.readTree(content.get()));
    }

    /**
     * What the model's last build wrote just before its view swap, {@code _state/<model>.swap.json}; none when
     * there is no such object or it is empty, as a build whose swap did not happen leaves it when there was none.
     */
    public Optional<JsonNode> swapRecord(String model) throws IOException {
        Optional<byte[]> content = new S3ObjectStore(aws.client(), goldBucket).read("tables/_state/" + model + ".swap.json");
        return content.isEmpty() || content.get().length == 0 ? Optional.empty() : Optional.of(mapper.readTree(content.get()));
    }

    public String currentBuild(String model) throws IOException {
        return state(model).orElseThrow(() -> new AssertionError("no state for " + model)).get("current").get("buildId").asText();
    }

    public List<String> goldKeys() throws IOException {
        return new S3ObjectStore(aws.client(), goldBucket).list("");
    }

    public List<String> goldTables() {
        List<String> names = new ArrayList<>();
        aws.glue().getTablesPaginator(request -> request.databaseName(goldDatabase))
                .forEach(page -> page.tableList().forEach(table -> names.add(table.name())));
        names.sort(null);
        return names;
    }

    public List<String> viewVersions(String model) {
        try {
            return aws.glue().getTableVersionsPaginator(request -> request.databaseName(goldDatabase).tableName(model)).stream()
                    .flatMap(page -> page.tableVersions().stream())
                    .map(TableVersion::versionId)
                    .sorted()
                    .toList();
        }
        catch (EntityNotFoundException e) {
            return List.of();
        }
    }

    /**
     * What Athena's CTAS and CREATE OR REPLACE VIEW of the model's current build would have left, which
     * moto does not: the build's Glue table, a Parquet file in its location, and a new version of the
     * view's Glue table (created on the first build).
     */
    public void applyAthenaEffects(String model) throws IOException {
        JsonNode current = state(model).orElseThrow().get("current");
        String table = current.get("table").asText();
        String location = current.get("location").asText();
        aws.glue().createTable(request -> request.databaseName(goldDatabase).tableInput(input -> input
                .name(table)
                .tableType("EXTERNAL_TABLE")
                .storageDescriptor(descriptor -> descriptor.location(location).columns(column("revenue", "double")))));
        String key = location.substring(("s3://" + goldBucket + "/").length()) + "20260314_233000_00001_abcde_" + UUID.randomUUID();
        aws.client().putObject(request -> request.bucket(goldBucket).key(key), software.amazon.awssdk.core.sync.RequestBody.fromString("PAR1"));
        addViewVersion(model, table);
    }

    /**
     * What Athena's staging CTAS of a build of more than 100 partitions leaves, which moto does not: for a
     * {@code CREATE TABLE} of a staging table ({@code <model>__staging_<build id>}), its Glue table and a
     * Parquet file in its location. Any other statement is left alone.
     */
    public void leaveStagingTable(String sql) {
        Matcher ctas = STAGING_CTAS.matcher(sql);
        if (!ctas.find()) {
            return;
        }
        String table = ctas.group(2);
        String location = ctas.group(3);
        aws.glue().createTable(request -> request.databaseName(ctas.group(1)).tableInput(input -> input
                .name(table)
                .tableType("EXTERNAL_TABLE")
                .storageDescriptor(descriptor -> descriptor.location(location).columns(column("revenue", "double")))));
        String key = location.substring(("s3://" + goldBucket + "/").length()) + "20260314_233000_00002_abcde_" + UUID.randomUUID();
        aws.client().putObject(request -> request.bucket(goldBucket).key(key), software.amazon.awssdk.core.sync.RequestBody.fromString("PAR1"));
    }

    /**
     * What a model taken out of models.list leaves in this lake, as its last build swapped it in: its build table
     * {@code <model>__<build id>} with a file in its location, and its view selecting from it. Returns the location.
     */
    public String leaveAFormerModel(String model, String buildId) {
        String table = model + "__" + buildId;
        String location = "s3://" + goldBucket + "/tables/" + model + "/" + buildId + "/";
        aws.glue().createTable(request -> request.databaseName(goldDatabase).tableInput(input -> input
                .name(table)
                .tableType("EXTERNAL_TABLE")
                .storageDescriptor(descriptor -> descriptor.location(location).columns(column("revenue", "double")))));
        aws.client().putObject(request -> request.bucket(goldBucket).key("tables/" + model + "/" + buildId + "/20260314_233000_00001_abcde_file"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("PAR1"));
        addViewVersion(model, table);
        return location;
    }

    /**
     * A table (not a view) named {@code name} in the gold database with one file in {@code folder} of the gold
     * bucket: a build or staging table a former model left once its view was removed, or someone's own table.
     * Returns its location.
     */
    public String addTable(String name, String folder) {
        String location = "s3://" + goldBucket + "/" + folder;
        aws.glue().createTable(request -> request.databaseName(goldDatabase).tableInput(input -> input
                .name(name)
                .tableType("EXTERNAL_TABLE")
                .storageDescriptor(descriptor -> descriptor.location(location).columns(column("revenue", "double")))));
        aws.client().putObject(request -> request.bucket(goldBucket).key(folder + "20260314_233000_00001_abcde_file"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("PAR1"));
        return location;
    }

    /** A view someone made in the gold database, as Athena's CREATE VIEW keeps it in Glue, selecting {@code sql}. */
    public void addOwnView(String name, String sql) {
        aws.glue().createTable(request -> request.databaseName(goldDatabase).tableInput(input -> input
                .name(name)
                .tableType("VIRTUAL_VIEW")
                .viewOriginalText("/* Presto View: " + java.util.Base64.getEncoder().encodeToString(
                        ("{\"originalSql\":\"" + sql + "\"}").getBytes(StandardCharsets.UTF_8)) + " */")
                .storageDescriptor(descriptor -> descriptor.columns(column("revenue", "double")))));
    }

    /** One more Glue version of the model's view, as each CREATE OR REPLACE VIEW adds. */
    public void addViewVersion(String model, String table) {
        TableInput view = TableInput.builder()
                .name(model)
                .tableType("VIRTUAL_VIEW")
                .viewOriginalText("/* Presto View: " + java.util.Base64.getEncoder().encodeToString(
                        ("{\"originalSql\":\"SELECT * FROM " + goldDatabase + "." + table + "\"}").getBytes(StandardCharsets.UTF_8)) + " */")
                .storageDescriptor(descriptor -> descriptor.columns(column("revenue", "double")))
                .build();
        try {
            aws.glue().getTable(request -> request.databaseName(goldDatabase).name(model));
            aws.glue().updateTable(request -> request.databaseName(goldDatabase).tableInput(view));
        }
        catch (EntityNotFoundException e) {
            aws.glue().createTable(request -> request.databaseName(goldDatabase).tableInput(view));
        }
    }

    @Override
    public void close() {
        s3.close();
        glue.close();
        athena.close();
    }

    private TableInput silverTable(String name, List<Column> columns, boolean partitioned) {
        TableInput.Builder table = TableInput.builder()
                .name(name)
                .tableType("EXTERNAL_TABLE")
                .storageDescriptor(descriptor -> descriptor.columns(columns).location("s3://" + silverBucket + "/" + name + "/"));
        if (partitioned) {
            table.partitionKeys(column("ingest_date", "string"));
        }
        return table.build();
    }

    private static Column column(String name, String type) {
        return Column.builder().name(name).type(type).build();
    }
}
