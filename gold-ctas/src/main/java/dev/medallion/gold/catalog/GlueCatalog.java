package dev.medallion.gold.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.storage.RequestTimeLimit;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.GetPartitionsResponse;
import software.amazon.awssdk.services.glue.model.GetTableVersionsResponse;
import software.amazon.awssdk.services.glue.model.GetTablesResponse;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.glue.model.TableVersion;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the gold builder asks of the Glue catalog directly, without SQL: dropping a table, listing a
 * database's tables, pruning a table's old versions, reading a view's SQL, and describing a silver table
 * for the input fingerprint. SDK failures become {@link IOException}s that name the table, with the SDK exception as
 * cause; a table that does not exist is an answer, never an error.
 * <p>
 * Each request, each page of a listing included, takes at most what its {@link RequestTimeLimit} gives when it
 * starts (the SDK's {@code apiCallTimeout}, retries included): a Glue request that hangs fails, naming the
 * table and the limit, while the invocation can still clean up and say why. Listings page by hand, not with
 * the SDK's paginators, which would give every page the first page's limit.
 */
public final class GlueCatalog {
    private static final String PRESTO_VIEW_START = "/* Presto View: ";
    private static final String PRESTO_VIEW_END = " */";
    private static final ObjectMapper VIEW_JSON = new ObjectMapper();
    /** The {@code TableType} of a view in Glue, Athena's views included. */
    private static final String VIRTUAL_VIEW = "VIRTUAL_VIEW";

    private final GlueClient glue;
    private final RequestTimeLimit timeLimit;

    public GlueCatalog(GlueClient glue, RequestTimeLimit timeLimit) {
        this.glue = requireNonNull(glue, "glue is null");
        this.timeLimit = requireNonNull(timeLimit, "timeLimit is null");
    }

    /**
     * Deletes a table from the catalog (never its data: gold tables are external). Glue's DeleteTable
     * rather than Athena's DROP TABLE: no query to wait for, and nothing billed.
     *
     * @return false when there was no such table
     */
    public boolean dropTable(String database, String table) throws IOException {
        try {
            glue.deleteTable(request -> request.overrideConfiguration(this::limited).databaseName(database).name(table));
            return true;
        }
        catch (EntityNotFoundException e) {
            return false;
        }
        catch (SdkException e) {
            throw failure("delete table", database, table, e);
        }
    }

    /** The names of every table and view of the database. */
    public List<String> tableNames(String database) throws IOException {
        return tables(database).stream().map(CatalogTable::name).toList();
    }

    /**
     * Every table and view of the database, as one GetTables listing returns them: its name, whether it is a
     * view (Glue's {@code TableType} {@code VIRTUAL_VIEW}, the type Athena's {@code CREATE VIEW} gives the table
     * it keeps the view in), an Athena view's SQL, and a table's location.
     */
    public List<CatalogTable> tables(String database) throws IOException {
        List<CatalogTable> tables = new ArrayList<>();
        try {
            String next = null;
            do {
                String token = next;
                GetTablesResponse page = glue.getTables(request -> request.overrideConfiguration(this::limited).databaseName(database).nextToken(token));
                page.tableList().forEach(table -> tables.add(new CatalogTable(table.name(), VIRTUAL_VIEW.equals(table.tableType()),
                        athenaViewSql(table.viewOriginalText()),
                        Optional.ofNullable(table.storageDescriptor()).map(descriptor -> descriptor.location()).filter(location -> !location.isEmpty()))));
                next = page.nextToken();
            }
            while (next != null && !next.isEmpty());
        }
        catch (SdkException e) {
            throw new IOException("Could not list the tables of Glue database " + database + ": " + ErrorMessages.describe(e), e);
        }
        return tables;
    }

    /**
     * A table or view of a database, as a listing returns it.
     *
     * @param view whether Glue keeps it as a view ({@code VIRTUAL_VIEW})
     * @param viewSql an Athena view's query; empty for a table, or a view of another engine
     * @param location where a table's files are; empty for a view
     */
    public record CatalogTable(String name, boolean view, Optional<String> viewSql, Optional<String> location) {
        public CatalogTable {
            requireNonNull(name, "name is null");
            requireNonNull(viewSql, "viewSql is null");
            requireNonNull(location, "location is null");
        }
    }

    /**
     * Deletes all but the newest {@code keep} versions of a table. Every {@code CREATE OR REPLACE VIEW}
     * adds a version to the view's table, and Glue refuses updates once a table reaches its version
     * quota. DeleteTableVersion one at a time: after the first build there is one version to delete per
     * build.
     *
     * @return how many versions were deleted; none when the table does not exist
     */
    public int pruneVersions(String database, String table, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("At least the current version must be kept: " + keep);
        }
        List<String> versions = new ArrayList<>();
        try {
            String next = null;
            do {
                String token = next;
                GetTableVersionsResponse page = glue.getTableVersions(request -> request.overrideConfiguration(this::limited).databaseName(database)
                        .tableName(table).nextToken(token));
                page.tableVersions().stream().map(TableVersion::versionId).forEach(versions::add);
                next = page.nextToken();
            }
            while (next != null && !next.isEmpty());
        }
        catch (EntityNotFoundException e) {
            return 0;
        }
        catch (SdkException e) {
            throw failure("list the versions of", database, table, e);
        }
        // Version ids are increasing integers, sent as strings.
        versions.sort(Comparator.comparingLong(GlueCatalog::versionNumber).reversed());
        List<String> obsolete = versions.subList(Math.min(keep, versions.size()), versions.size());
        for (String version : obsolete) {
            try {
                glue.deleteTableVersion(request -> request.overrideConfiguration(this::limited).databaseName(database).tableName(table).versionId(version));
            }
            catch (EntityNotFoundException e) {
                // Gone already: what we wanted.
            }
            catch (SdkException e) {
                throw failure("delete version " + version + " of", database, table, e);
            }
        }
        return obsolete.size();
    }

    /**
     * What Athena sees of a silver table: its columns, partition keys and partition values, one line each,
     * sorted; empty when the table does not exist (the crawler has not catalogued it yet). A partition the
     * crawler adds changes this, although no manifest changed since the last build.
     */
    public Optional<List<String>> describe(String database, String table) throws IOException {
        Optional<Table> found = table(database, table);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Table definition = found.get();
        List<String> lines = new ArrayList<>();
        if (definition.storageDescriptor() != null) {
            for (Column column : definition.storageDescriptor().columns()) {
                lines.add("column " + column.name() + " " + column.type());
            }
        }
        for (Column key : definition.partitionKeys()) {
            lines.add("partition key " + key.name() + " " + key.type());
        }
        List<String> partitions = new ArrayList<>();
        try {
            String next = null;
            do {
                String token = next;
                GetPartitionsResponse page = glue.getPartitions(request -> request.overrideConfiguration(this::limited).databaseName(database).tableName(table)
                        .excludeColumnSchema(true).nextToken(token));
                for (Partition partition : page.partitions()) {
                    partitions.add("partition " + String.join("\u0000", partition.values()));
                }
                next = page.nextToken();
            }
            while (next != null && !next.isEmpty());
        }
        catch (EntityNotFoundException e) {
            return Optional.empty();
        }
        catch (SdkException e) {
            throw failure("list the partitions of", database, table, e);
        }
        partitions.sort(null);
        lines.addAll(partitions);
        return Optional.of(List.copyOf(lines));
    }

    /**
     * The SQL of an Athena view, as Athena keeps it in the view's table: {@code ViewOriginalText} is
     * {@code /* Presto View: <base64 of a JSON document> *}{@code /}, whose {@code originalSql} is the view's
     * query. Empty when there is no such table, or its text is not an Athena view's.
     */
    public Optional<String> viewSql(String database, String view) throws IOException {
        Optional<Table> definition = table(database, view);
        if (definition.isEmpty()) {
            return Optional.empty();
        }
        return athenaViewSql(definition.get().viewOriginalText());
    }

    /** The query of an Athena view's {@code ViewOriginalText}; empty for any other text, or none. */
    private static Optional<String> athenaViewSql(String text) {
        if (text == null || !text.startsWith(PRESTO_VIEW_START) || !text.endsWith(PRESTO_VIEW_END)) {
            return Optional.empty();
        }
        try {
            byte[] json = Base64.getDecoder().decode(text.substring(PRESTO_VIEW_START.length(), text.length() - PRESTO_VIEW_END.length()).strip());
            JsonNode sql = VIEW_JSON.readTree(json).get("originalSql");
            return sql == null || !sql.isTextual() ? Optional.empty() : Optional.of(sql.asText());
        }
        catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    /** Whether Glue has a table (or view) of that name: one GetTable. */
    public boolean exists(String database, String name) throws IOException {
        return table(database, name).isPresent();
    }

    /** The table (or view) as Glue keeps it; empty when there is none. */
    private Optional<Table> table(String database, String name) throws IOException {
        try {
            return Optional.of(glue.getTable(request -> request.overrideConfiguration(this::limited).databaseName(database).name(name)).table());
        }
        catch (EntityNotFoundException e) {
            return Optional.empty();
        }
        catch (SdkException e) {
            throw failure("read", database, name, e);
        }
    }

    private static long versionNumber(String versionId) {
        try {
            return Long.parseLong(versionId);
        }
        catch (NumberFormatException e) {
            // Never seen; sorting such a version first keeps it rather than deleting it by mistake.
            return Long.MAX_VALUE;
        }
    }

    private void limited(AwsRequestOverrideConfiguration.Builder configuration) {
        timeLimit.next().ifPresent(configuration::apiCallTimeout);
    }

    private static IOException failure(String action, String database, String table, SdkException cause) {
        return new IOException("Could not " + action + " Glue table " + database + "." + table + ": " + ErrorMessages.describe(cause), cause);
    }
}
