package dev.medallion.silver.catalog;

import dev.medallion.common.layout.Identifiers;
import dev.medallion.silver.schema.ColumnNames;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.SchemaContract;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.PartitionInput;
import software.amazon.awssdk.services.glue.model.StorageDescriptor;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.glue.model.TableInput;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The Glue table a dataset's schema contract dictates, as awswrangler's {@code to_parquet(dataset=True,
 * database=..., table=...)} defines one: an {@code EXTERNAL_TABLE} over Snappy Parquet at the dataset's
 * folder, with the contract's columns in its order and the partition key {@code ingest_date}.
 * <ul>
 * <li>The table is named after the dataset, as the silver crawler named it after the dataset's folder
 *     (which is the dataset's name), so {@code ${silver_database}.sales} in a gold model keeps working.
 *     Dataset names are already made safe ({@code Sales Data/} becomes {@code sales_data}) and short
 *     enough ({@link Identifiers#fitted}); a contract written by hand with a name Glue cannot hold (longer
 *     than {@value Identifiers#MAX_LENGTH} characters) is refused with the reason.</li>
 * <li>{@code ingest_date} is a {@code string}, as the layout writes it ({@code ingest_date=2026-03-01})
 *     and as the crawler typed it, so filters such as {@code ingest_date = '2026-03-01'} keep working and
 *     the local DuckDB views ({@code ingest_date} as text) stay equal to Athena.</li>
 * </ul>
 * Only what this class defines is compared with, and written over, a table found in the catalog: its type,
 * columns' names and types, partition keys, location, formats, serde and the parameters below. Anything
 * else on the table (a description, an owner, other parameters, the storage descriptor's parameters, a
 * column's comment and parameters) is left as it is.
 */
public final class SilverTableDefinition {
    /** The partition key the silver layout writes: {@code <dataset>/ingest_date=YYYY-MM-DD/}. */
    public static final String PARTITION_KEY = ColumnNames.PARTITION_KEY;
    public static final String PARTITION_KEY_TYPE = "string";
    public static final String TABLE_TYPE = "EXTERNAL_TABLE";
    public static final String INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
    public static final String OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
    public static final String SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
    /** What the table says of its files; the converter writes Snappy Parquet only. */
    public static final Map<String, String> PARAMETERS = Map.of(
            "EXTERNAL", "TRUE",
            "classification", "parquet",
            "parquet.compression", "SNAPPY");

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    private final String name;
    private final String location;
    private final List<Column> columns;

    private SilverTableDefinition(String name, String location, List<Column> columns) {
        this.name = name;
        this.location = location;
        this.columns = List.copyOf(columns);
    }

    /**
     * The table of the contract's dataset, over the dataset's folder.
     *
     * @param datasetLocation {@code s3://bucket/<prefix><dataset>/}
     * @throws IllegalArgumentException when the dataset or a column is named in a way Glue or Athena cannot hold
     */
    public static SilverTableDefinition of(SchemaContract contract, String datasetLocation) {
        requireNonNull(contract, "contract is null");
        requireNonNull(datasetLocation, "datasetLocation is null");
        if (!datasetLocation.endsWith("/")) {
            throw new IllegalArgumentException("A dataset location is a folder ending with '/': " + datasetLocation);
        }
        String dataset = contract.dataset();
        checkName(dataset, "Dataset name '" + dataset + "'", dataset.length() > Identifiers.MAX_LENGTH
                ? "the dataset is named after its bronze folder, which the converter now makes " + Identifiers.fitted(dataset)
                        + ": convert its files again into that dataset with the stack's silver_reconvert_command (DATASET=" + dataset + "), or replay them from the"
                        + " failure queue (the stack's silver_replay_command); _schemas/" + dataset + ".json is then unused"
                : "the dataset is named after its bronze folder: upload it under a folder name of letters, digits and underscores");
        List<Column> columns = new ArrayList<>();
        for (var column : contract.columns()) {
            String where = "Column '" + column.name() + "' of the schema contract of dataset " + dataset;
            checkName(column.name(), where, "rename it in the contract (_schemas/" + dataset + ".json)"
                    + (column.name().length() > Identifiers.MAX_LENGTH ? " to " + Identifiers.fitted(column.name())
                            + ", the name the converter gives its header now" : ""));
            if (column.name().equals(PARTITION_KEY)) {
                throw new IllegalArgumentException(where + " has the name of the partition key, which the catalog adds to every"
                        + " silver table: rename it in the contract (_schemas/" + dataset + ".json)");
            }
            columns.add(Column.builder().name(column.name()).type(hiveType(column.type())).build());
        }
        return new SilverTableDefinition(dataset, datasetLocation, columns);
    }

    /** The Hive type Glue and Athena read a column of this type as; each matches the Parquet type written. */
    public static String hiveType(ColumnType type) {
        return switch (requireNonNull(type, "type is null").kind()) {
            case BOOLEAN -> "boolean";
            case BIGINT -> "bigint";
            case DOUBLE -> "double";
            case DECIMAL -> type.sqlName();
            case DATE -> "date";
            case TIMESTAMP -> "timestamp";
            case STRING -> "string";
        };
    }

    public String name() {
        return name;
    }

    public String location() {
        return location;
    }

    public List<Column> columns() {
        return columns;
    }

    public List<Column> partitionKeys() {
        return List.of(Column.builder().name(PARTITION_KEY).type(PARTITION_KEY_TYPE).build());
    }

    /** Where a partition's files are: the folder the layout writes them to. */
    public String partitionLocation(LocalDate ingestDate) {
        return location + PARTITION_KEY + "=" + ingestDate + "/";
    }

    /** The table to create. */
    public TableInput tableInput() {
        return TableInput.builder()
                .name(name)
                .tableType(TABLE_TYPE)
                .parameters(PARAMETERS)
                .partitionKeys(partitionKeys())
                .storageDescriptor(storageDescriptor(location))
                .build();
    }

    /**
     * The table to write over {@code existing}: this definition, keeping what it does not define (the
     * description, the owner, the retention, other parameters, the storage descriptor's parameters, and
     * the comment and parameters of each column and partition key still there by name). UpdateTable
     * replaces the whole definition with what it is sent, so whatever is not sent again is lost (Glue
     * API, UpdateTable; a column's description set in the console or with Athena DDL went this way in
     * Iceberg's Glue catalog, apache/iceberg#10220).
     */
    public TableInput tableInput(Table existing) {
        requireNonNull(existing, "existing is null");
        Map<String, String> parameters = new LinkedHashMap<>(existing.parameters());
        parameters.putAll(PARAMETERS);
        StorageDescriptor found = existing.storageDescriptor() == null ? StorageDescriptor.builder().build() : existing.storageDescriptor();
        return TableInput.builder()
                .name(name)
                .description(existing.description())
                .owner(existing.owner())
                .retention(existing.retention())
                .tableType(TABLE_TYPE)
                .parameters(parameters)
                .partitionKeys(documented(partitionKeys(), existing.partitionKeys()))
                .storageDescriptor(storageDescriptor(location).toBuilder()
                        .columns(documented(columns, found.columns()))
                        .parameters(found.parameters())
                        .build())
                .build();
    }

    /**
     * A partition, described as the table is, at its folder. Its columns are the contract's at the time it
     * is registered; a partition registered before a contract changed keeps the columns it had (see the
     * README's "The catalog").
     */
    public PartitionInput partitionInput(LocalDate ingestDate) {
        requireNonNull(ingestDate, "ingestDate is null");
        return PartitionInput.builder()
                .values(ingestDate.toString())
                .storageDescriptor(storageDescriptor(partitionLocation(ingestDate)))
                .build();
    }

    /**
     * How a registered partition of {@code ingestDate} differs from where and how this definition would
     * register it, one line per difference such as {@code location: s3://old/sales/ingest_date=2026-03-01/ ->
     * s3://silver/lake/sales/ingest_date=2026-03-01/}; empty when it does not: the location, the formats, the
     * serde and the columns' names and types. A partition registered under an older contract differs by its
     * columns: Athena reads a partition's Parquet files in the partition's column types, cast to the table's
     * only where they are compatible (int to bigint, float to double), so the day's files this run writes in
     * the contract's types must have its columns.
     */
    public List<String> partitionDifferences(Partition existing, LocalDate ingestDate) {
        requireNonNull(existing, "existing is null");
        requireNonNull(ingestDate, "ingestDate is null");
        List<String> differences = new ArrayList<>();
        StorageDescriptor descriptor = existing.storageDescriptor() == null ? StorageDescriptor.builder().build() : existing.storageDescriptor();
        compare(differences, "location", descriptor.location(), partitionLocation(ingestDate));
        compare(differences, "input format", descriptor.inputFormat(), INPUT_FORMAT);
        compare(differences, "output format", descriptor.outputFormat(), OUTPUT_FORMAT);
        compare(differences, "serde", descriptor.serdeInfo() == null ? null : descriptor.serdeInfo().serializationLibrary(), SERDE);
        compare(differences, "columns", describe(descriptor.columns()), describe(columns));
        return differences;
    }

    /**
     * The partition of {@code ingestDate} to write over {@code existing}: at its folder, with this
     * definition's formats, serde and columns (each keeping the comment and parameters of its namesake there),
     * keeping everything else it holds (its parameters, the storage descriptor's parameters and the serde's).
     * UpdatePartition, like UpdateTable, replaces the whole partition with what it is sent.
     */
    public PartitionInput partitionInput(Partition existing, LocalDate ingestDate) {
        requireNonNull(existing, "existing is null");
        requireNonNull(ingestDate, "ingestDate is null");
        StorageDescriptor found = existing.storageDescriptor() == null ? StorageDescriptor.builder().build() : existing.storageDescriptor();
        Map<String, String> serdeParameters = found.serdeInfo() == null || found.serdeInfo().parameters().isEmpty()
                ? Map.of("serialization.format", "1") : found.serdeInfo().parameters();
        return PartitionInput.builder()
                .values(ingestDate.toString())
                .parameters(existing.parameters())
                .lastAccessTime(existing.lastAccessTime())
                .lastAnalyzedTime(existing.lastAnalyzedTime())
                .storageDescriptor(found.toBuilder()
                        .columns(documented(columns, found.columns()))
                        .location(partitionLocation(ingestDate))
                        .inputFormat(INPUT_FORMAT)
                        .outputFormat(OUTPUT_FORMAT)
                        .serdeInfo(serde -> serde.serializationLibrary(SERDE).parameters(serdeParameters))
                        .build())
                .build();
    }

    /**
     * How {@code existing} differs from this definition, one line per difference such as
     * {@code columns: [id bigint, amount string] -> [id bigint, amount double]}; empty when it does not.
     */
    public List<String> differences(Table existing) {
        requireNonNull(existing, "existing is null");
        List<String> differences = new ArrayList<>();
        StorageDescriptor descriptor = existing.storageDescriptor() == null ? StorageDescriptor.builder().build() : existing.storageDescriptor();
        compare(differences, "table type", existing.tableType(), TABLE_TYPE);
        compare(differences, "columns", describe(descriptor.columns()), describe(columns));
        compare(differences, "partition keys", describe(existing.partitionKeys()), describe(partitionKeys()));
        compare(differences, "location", descriptor.location(), location);
        compare(differences, "input format", descriptor.inputFormat(), INPUT_FORMAT);
        compare(differences, "output format", descriptor.outputFormat(), OUTPUT_FORMAT);
        compare(differences, "serde", descriptor.serdeInfo() == null ? null : descriptor.serdeInfo().serializationLibrary(), SERDE);
        for (Map.Entry<String, String> parameter : new TreeMap<>(PARAMETERS).entrySet()) {
            compare(differences, "parameter " + parameter.getKey(), existing.parameters().get(parameter.getKey()), parameter.getValue());
        }
        return differences;
    }

    /**
     * The columns {@code existing} has by name with another type than this definition gives them, as
     * {@code amount: bigint -> double}: after a contract change, the files converted before hold the old
     * type, which Athena does not read as the new one unless the two are compatible.
     */
    public List<String> retypedColumns(Table existing) {
        requireNonNull(existing, "existing is null");
        Map<String, String> types = new LinkedHashMap<>();
        if (existing.storageDescriptor() != null) {
            existing.storageDescriptor().columns().forEach(column -> types.put(column.name(), column.type()));
        }
        List<String> retyped = new ArrayList<>();
        for (Column column : columns) {
            String found = types.get(column.name());
            if (found != null && !found.equals(column.type())) {
                retyped.add(column.name() + ": " + found + " -> " + column.type());
            }
        }
        return retyped;
    }

    private StorageDescriptor storageDescriptor(String folder) {
        return StorageDescriptor.builder()
                .columns(columns)
                .location(folder)
                .inputFormat(INPUT_FORMAT)
                .outputFormat(OUTPUT_FORMAT)
                .compressed(true)
                .serdeInfo(serde -> serde.serializationLibrary(SERDE).parameters(Map.of("serialization.format", "1")))
                .storedAsSubDirectories(false)
                .build();
    }

    /** {@code columns}, each with the comment and parameters of the column of its name in {@code found}. */
    private static List<Column> documented(List<Column> columns, List<Column> found) {
        Map<String, Column> byName = new LinkedHashMap<>();
        for (Column column : found) {
            byName.putIfAbsent(column.name(), column);
        }
        List<Column> documented = new ArrayList<>();
        for (Column column : columns) {
            Column existing = byName.get(column.name());
            documented.add(existing == null ? column : column.toBuilder().comment(existing.comment()).parameters(existing.parameters()).build());
        }
        return documented;
    }

    private static void compare(List<String> differences, String what, Object found, Object wanted) {
        if (!Objects.equals(found, wanted)) {
            differences.add(what + ": " + found + " -> " + wanted);
        }
    }

    /** Names and types only: Glue answers with the types as given, and comments are not the contract's. */
    private static List<String> describe(List<Column> columns) {
        return columns.stream().map(column -> column.name() + " " + column.type()).toList();
    }

    private static void checkName(String name, String what, String remedy) {
        if (name.length() > Identifiers.MAX_LENGTH) {
            throw new IllegalArgumentException(what + " is " + name.length() + " characters long; the Glue catalog holds names of at most "
                    + Identifiers.MAX_LENGTH + ": " + remedy);
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " is not a name Athena reads unquoted (lowercase letters, digits and underscores,"
                    + " not starting with a digit): " + remedy);
        }
    }
}
