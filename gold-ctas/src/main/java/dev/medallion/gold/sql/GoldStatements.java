package dev.medallion.gold.sql;

import dev.medallion.gold.model.GoldModel;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Every statement the gold builder sends Athena for one build of one model, and nothing else writes SQL:
 * the parser test builds these for every model and parses each with Trino's parser.
 * <ul>
 * <li>{@link #distinctPartitions()}: the partitions the model will write, to batch them;</li>
 * <li>{@link #createTableAs}: the CTAS of the whole model into the build's own table and location;</li>
 * <li>{@link #createStagingTable}, {@link #distinctStagedPartitions}, {@link #createTableAsFromStaging},
 *     {@link #insertIntoFromStaging}: for more partitions than one query may write, the model's rows once into
 *     an unpartitioned staging table, its partitions, then each batch from it, so that the model's inputs are
 *     scanned once rather than once a batch;</li>
 * <li>{@link #createOrReplaceView()}: the swap that makes readers see the new build.</li>
 * </ul>
 * The model's SELECT always ends with a line break before anything follows it, so a trailing
 * {@code -- comment} in a model file cannot swallow the closing parenthesis.
 */
public final class GoldStatements {
    /** The alias of the model's SELECT when it is wrapped as a subquery. */
    static final String MODEL_ALIAS = "gold_model";

    private final GoldModel model;
    private final String silverDatabase;
    private final String select;
    private final String goldDatabase;
    private final String table;
    private final String location;

    /**
     * @param table the build's own table, such as {@code daily_revenue__20260314233000_a1b2c3}
     * @param location the build's own S3 prefix, ending in '/': CTAS writes only there
     */
    public GoldStatements(GoldModel model, String silverDatabase, String goldDatabase, String table, String location) {
        this.model = requireNonNull(model, "model is null");
        this.silverDatabase = requireNonNull(silverDatabase, "silverDatabase is null");
        this.select = model.select(silverDatabase);
        this.goldDatabase = requireNonNull(goldDatabase, "goldDatabase is null");
        this.table = requireNonNull(table, "table is null");
        this.location = requireNonNull(location, "location is null");
        requireLocation(location);
    }

    private static void requireLocation(String location) {
        requireNonNull(location, "location is null");
        if (!location.startsWith("s3://") || !location.endsWith("/")) {
            throw new IllegalArgumentException("The build location must be an s3:// prefix ending in '/': " + location);
        }
    }

    /** The partitions the model's rows fall into. Only for a partitioned model. */
    public String distinctPartitions() {
        if (model.partitionedBy().isEmpty()) {
            throw new IllegalStateException("Gold model " + model.name() + " is not partitioned");
        }
        String columns = model.partitionedBy().stream().map(Sql::identifier).collect(Collectors.joining(", "));
        return "SELECT DISTINCT " + columns + "\nFROM (\n" + select + "\n) AS " + Sql.identifier(MODEL_ALIAS);
    }

    /**
     * CTAS of the whole model, for up to {@link PartitionBatches#MAX_PARTITIONS_PER_QUERY} partitions (more are
     * staged and written in batches from the staging table). Snappy Parquet, like silver; the location is the
     * build's own, never used before, so Athena finds it empty.
     */
    public String createTableAs() {
        return createTable(table, location, model.partitionedBy(), select + "\n");
    }

    /**
     * CTAS of the whole model, unpartitioned, into the build's staging table: one scan of the model's
     * inputs, which the batches then read instead of scanning the inputs again each. Snappy Parquet, the
     * model's columns as its SELECT gives them, so a batch's {@code SELECT *} has them in the same order
     * and of the same types. Unpartitioned, it is not bound by Athena's 100 partitions per query.
     *
     * @param stagingLocation a prefix of its own, ending in '/', outside the build's location: a CTAS needs
     *        its location empty, and the build's CTAS comes after this one
     */
    public String createStagingTable(String stagingTable, String stagingLocation) {
        requireNonNull(stagingTable, "stagingTable is null");
        requireLocation(stagingLocation);
        if (stagingTable.equals(table) || stagingLocation.startsWith(location) || location.startsWith(stagingLocation)) {
            throw new IllegalArgumentException("The staging table and location of gold model " + model.name() + " must be apart from its build's ("
                    + table + ", " + location + "): " + stagingTable + ", " + stagingLocation);
        }
        return createTable(stagingTable, stagingLocation, List.of(), select + "\n");
    }

    /**
     * The partitions of the rows the staging table holds: the batches are cut from these, not from
     * {@link #distinctPartitions()}'s, which ran over the model's inputs before the staging CTAS did. Silver
     * may change in between (a commit landing while the build runs), and a partition the staged rows hold
     * that no batch names would be left out of the build. Reads only the partition columns of the staged
     * Parquet, not the model's inputs.
     */
    public String distinctStagedPartitions(String stagingTable) {
        requireNonNull(stagingTable, "stagingTable is null");
        if (model.partitionedBy().isEmpty()) {
            throw new IllegalStateException("Gold model " + model.name() + " is not partitioned: it has no staging table");
        }
        String columns = model.partitionedBy().stream().map(Sql::identifier).collect(Collectors.joining(", "));
        return "SELECT DISTINCT " + columns + "\nFROM " + Sql.qualified(goldDatabase, stagingTable);
    }

    /** CTAS of every staged row, when the staging table holds no partition (no rows): the build is an empty table. */
    public String createTableAsFromStaging(String stagingTable) {
        requireNonNull(stagingTable, "stagingTable is null");
        return createTable(table, location, model.partitionedBy(), "SELECT *\nFROM " + Sql.qualified(goldDatabase, stagingTable));
    }

    /** CTAS of the first batch of partitions, read from the staging table {@link #createStagingTable} wrote. */
    public String createTableAsFromStaging(String stagingTable, String predicate) {
        return createTable(table, location, model.partitionedBy(), fromStaging(stagingTable, predicate));
    }

    /** Adds one batch of partitions, read from the staging table, to the table the CTAS created. */
    public String insertIntoFromStaging(String stagingTable, String predicate) {
        return "INSERT INTO " + Sql.qualified(goldDatabase, table) + "\n" + fromStaging(stagingTable, predicate);
    }

    /**
     * Points the model's stable name at this build. Readers query the view; replacing it is one catalog
     * update, so they see the previous build or this one, never a table being written.
     */
    public String createOrReplaceView() {
        return "CREATE OR REPLACE VIEW " + Sql.qualified(goldDatabase, model.name()) + " AS\nSELECT * FROM " + Sql.qualified(goldDatabase, table);
    }

    /**
     * Where a place in {@code statement}, one of this class's, as Athena gives it (Trino's {@code line 10:39},
     * both counted from 1 over the whole statement), is in the model's file ({@link GoldModel#position(int, int)}):
     * the statement wraps the SELECT in lines of its own, and has the silver database's name where the file
     * has {@value GoldModel#SILVER_DATABASE}. Empty when the place is not in the SELECT.
     */
    public Optional<String> modelPosition(String statement, int line, int column) {
        requireNonNull(statement, "statement is null");
        int start = statement.indexOf(select);
        if (start < 0 || line < 1 || column < 1) {
            return Optional.empty();
        }
        // Every statement starts the SELECT on a line of its own, so its columns are the file's but for the placeholder.
        int selectFirstLine = (int) statement.substring(0, start).chars().filter(c -> c == '\n').count() + 1;
        String[] written = model.select().split("\n", -1);
        int selectLine = line - selectFirstLine + 1;
        if (selectLine < 1 || selectLine > written.length) {
            return Optional.empty();
        }
        return Optional.of(model.position(selectLine, writtenColumn(written[selectLine - 1], column)));
    }

    /** The column of the model's line that is {@code column} of the line as sent, the silver database's name in place of the placeholder. */
    private int writtenColumn(String written, int column) {
        int sent = 1;
        int i = 0;
        while (i < written.length() && sent < column) {
            if (written.startsWith(GoldModel.SILVER_DATABASE, i)) {
                if (column < sent + silverDatabase.length()) {
                    // Inside the database's name: the placeholder it replaced.
                    return i + 1;
                }
                sent += silverDatabase.length();
                i += GoldModel.SILVER_DATABASE.length();
            }
            else {
                sent++;
                i++;
            }
        }
        return i + 1 + (column - sent);
    }

    private String createTable(String target, String targetLocation, List<String> partitionedBy, String query) {
        StringBuilder sql = new StringBuilder()
                .append("CREATE TABLE ").append(Sql.qualified(goldDatabase, target)).append('\n')
                .append("WITH (\n")
                .append("    format = 'PARQUET',\n")
                .append("    write_compression = 'SNAPPY',\n")
                .append("    external_location = ").append(Sql.string(targetLocation));
        if (!partitionedBy.isEmpty()) {
            sql.append(",\n    partitioned_by = ARRAY[")
                    .append(partitionedBy.stream().map(Sql::string).collect(Collectors.joining(", ")))
                    .append(']');
        }
        return sql.append("\n)\nAS\n").append(query).toString();
    }

    private String fromStaging(String stagingTable, String predicate) {
        requireNonNull(stagingTable, "stagingTable is null");
        requireNonNull(predicate, "predicate is null");
        if (model.partitionedBy().isEmpty()) {
            throw new IllegalStateException("Gold model " + model.name() + " is not partitioned: it has no batches to read from a staging table");
        }
        return "SELECT *\nFROM " + Sql.qualified(goldDatabase, stagingTable) + "\nWHERE " + predicate;
    }
}
