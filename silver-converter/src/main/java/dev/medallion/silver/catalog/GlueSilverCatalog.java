package dev.medallion.silver.catalog;

import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.RequestTimeLimit;
import dev.medallion.silver.schema.SchemaContract;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.AlreadyExistsException;
import software.amazon.awssdk.services.glue.model.BatchCreatePartitionResponse;
import software.amazon.awssdk.services.glue.model.BatchGetPartitionResponse;
import software.amazon.awssdk.services.glue.model.BatchUpdatePartitionFailureEntry;
import software.amazon.awssdk.services.glue.model.BatchUpdatePartitionRequestEntry;
import software.amazon.awssdk.services.glue.model.BatchUpdatePartitionResponse;
import software.amazon.awssdk.services.glue.model.ConcurrentModificationException;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.PartitionError;
import software.amazon.awssdk.services.glue.model.PartitionInput;
import software.amazon.awssdk.services.glue.model.PartitionValueList;
import software.amazon.awssdk.services.glue.model.Table;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The silver catalog in AWS Glue, kept with six actions: GetTable, CreateTable, UpdateTable,
 * BatchCreatePartition, BatchGetPartition and BatchUpdatePartition (what the converter's IAM policy allows,
 * and nothing else).
 * <ol>
 * <li>GetTable. Absent: CreateTable from the contract ({@link SilverTableDefinition}); a table created in
 *     the meantime by a concurrent run ({@code AlreadyExistsException}) is read again and treated as found.</li>
 * <li>Found with a definition that differs from the contract (a crawler, a person or an older contract
 *     changed it): UpdateTable to the contract, with a warning listing what changed. The contract is the
 *     truth: the Parquet files are written in it. Runs of the dataset at the same time all find it so and
 *     all update it; Glue refuses all but one with {@code ConcurrentModificationException} (a 400 the SDK
 *     does not retry), and a refused run reads the table again: restored already, it goes on; else it
 *     updates what it found, up to {@value #MAX_RESTORE_ATTEMPTS} times.</li>
 * <li>BatchCreatePartition for the run's {@code ingest_date}s, at most {@value #MAX_PARTITIONS_PER_REQUEST}
 *     per request. A partition that exists already (a redelivery, a second file of the same day, a
 *     concurrent run) is reported by Glue as a per-entry {@code AlreadyExistsException} and is no error;
 *     any other per-entry error fails the call.</li>
 * <li>The partitions reported as existing are read (BatchGetPartition, at most {@value #MAX_PARTITIONS_PER_READ}
 *     per request). One whose location, formats or serde differ from what this run registers (the table's
 *     location changed: {@code SILVER_PREFIX} changed, silver was copied, a crawler registered it elsewhere)
 *     would hide the files this run commits from Athena: it is moved to this run's folder (BatchUpdatePartition,
 *     at most {@value #MAX_PARTITIONS_PER_REQUEST} per request) with a warning naming the table, the date and
 *     both locations; its parameters stay. One whose columns differ (registered under an older contract) is
 *     given the contract's, in which this run's files are written: Athena reads a partition's files in its
 *     column types. Runs of the same day at the same time may all move
 *     it; one refused with {@code ConcurrentModificationException} (per entry or for the whole request)
 *     reads it again and moves it only if it still differs, up to {@value #MAX_RESTORE_ATTEMPTS} times, as
 *     for the table. A partition already where it belongs is not updated.</li>
 * </ol>
 * Two runs of different contracts of one dataset (someone edited it between them) may each update the
 * table and a day's partition; the last one wins. The converter reads the contract again just before it
 * registers, and a run whose contract was replaced meanwhile fails there, so only a run that read it a few
 * requests before the edit can put them back to the replaced one; the next run of the dataset restores the
 * table, and the next of that day the partition.
 * <p>
 * Failures become {@link IOException}s naming the database and table, with the SDK's exception as cause,
 * so the converter fails the run before anything is committed and Lambda retries it. The SDK has already
 * retried throttling and server errors by then. Each request takes at most what its {@link RequestTimeLimit}
 * gives when it starts (the SDK's {@code apiCallTimeout}, retries included): a Glue request that hangs fails
 * the run while it can still discard its uploads and say why, where Lambda would kill it at its timeout.
 */
public final class GlueSilverCatalog implements SilverCatalog {
    /** BatchCreatePartition's and BatchUpdatePartition's limit. */
    static final int MAX_PARTITIONS_PER_REQUEST = 100;
    /** BatchGetPartition's limit. */
    static final int MAX_PARTITIONS_PER_READ = 1000;
    /** BatchGetPartition requests left with unprocessed keys before the run fails. */
    static final int MAX_READ_REQUESTS = 10;
    /** UpdateTables (and partition updates) refused with ConcurrentModificationException before the run fails. */
    static final int MAX_RESTORE_ATTEMPTS = 3;

    private final GlueClient glue;
    private final String database;
    private final String silverBucket;
    private final SilverLayout layout;
    private final RequestTimeLimit timeLimit;
    private final JsonLog log;

    /** A catalog whose requests have no time limit but the HTTP client's own timeouts. */
    public GlueSilverCatalog(GlueClient glue, String database, String silverBucket, SilverLayout layout, JsonLog log) {
        this(glue, database, silverBucket, layout, RequestTimeLimit.NONE, log);
    }

    public GlueSilverCatalog(GlueClient glue, String database, String silverBucket, SilverLayout layout, RequestTimeLimit timeLimit, JsonLog log) {
        this.glue = requireNonNull(glue, "glue is null");
        this.database = requireNonNull(database, "database is null");
        this.silverBucket = requireNonNull(silverBucket, "silverBucket is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.timeLimit = requireNonNull(timeLimit, "timeLimit is null");
        this.log = requireNonNull(log, "log is null");
        if (database.isBlank()) {
            throw new IllegalArgumentException("The silver database name is blank; use SilverCatalog.none() for no catalog");
        }
    }

    @Override
    public void register(SchemaContract contract, Collection<LocalDate> ingestDates, String source) throws IOException {
        requireNonNull(contract, "contract is null");
        requireNonNull(ingestDates, "ingestDates is null");
        requireNonNull(source, "source is null");
        SilverTableDefinition table = table(contract);
        ensureTable(table, source);
        registerPartitions(table, new TreeSet<>(ingestDates), source);
    }

    @Override
    public void check(SchemaContract contract) {
        table(requireNonNull(contract, "contract is null"));
    }

    private SilverTableDefinition table(SchemaContract contract) {
        return SilverTableDefinition.of(contract, "s3://" + silverBucket + "/" + layout.prefix() + contract.dataset() + "/");
    }

    private void ensureTable(SilverTableDefinition table, String source) throws IOException {
        Optional<Table> existing = read(table);
        if (existing.isEmpty()) {
            try {
                glue.createTable(request -> request.databaseName(database).tableInput(table.tableInput()).overrideConfiguration(this::limited));
                log.info("silver table created", fields(table, source, Map.<String, Object>of("columns", table.columns().size(), "location", table.location())));
                return;
            }
            catch (AlreadyExistsException e) {
                // A concurrent run created it first: check it as any table found.
                existing = read(table);
                if (existing.isEmpty()) {
                    throw new IOException("Glue table " + qualified(table) + " was reported to exist by CreateTable and missing by GetTable"
                            + " (deleted in between?); the retry creates it again", e);
                }
            }
            catch (SdkException e) {
                throw failure("create", table, e);
            }
        }
        Table found = existing.get();
        List<String> differences = table.differences(found);
        for (int attempt = 1; !differences.isEmpty(); attempt++) {
            Table current = found;
            try {
                glue.updateTable(request -> request.databaseName(database).tableInput(table.tableInput(current)).overrideConfiguration(this::limited));
                List<String> retyped = table.retypedColumns(current);
                log.warn("silver table differed from its schema contract and was restored to it; edit the contract (_schemas/<dataset>.json),"
                        + " not the table, to change a dataset's schema" + (retyped.isEmpty() ? "" : ". If the contract changed the type of "
                        + String.join(", ", retyped) + ", the files converted before it changed still hold the old type, and Athena fails the"
                        + " queries reading them until they are delivered again (docs/silver-converter.md#schema-contract)"),
                        fields(table, source, retyped.isEmpty() ? Map.<String, Object>of("changes", differences)
                                : Map.<String, Object>of("changes", differences, "retypedColumns", retyped)));
                return;
            }
            catch (ConcurrentModificationException e) {
                // Another writer changed the table at the same moment: most often another run of the dataset
                // restoring it to the same contract. Glue refuses all but one such update with this 400, which
                // the SDK does not retry. Look again: restored already, or restore what is there now.
                if (attempt == MAX_RESTORE_ATTEMPTS) {
                    throw failure("restore the schema contract's definition (refused " + attempt + " times for concurrent changes) of", table, e);
                }
                found = read(table).orElseThrow(() -> new IOException("Glue table " + qualified(table) + " was deleted while it was being restored to"
                        + " its schema contract; nothing of this run is committed, and the retry creates it again", e));
                differences = table.differences(found);
            }
            catch (SdkException e) {
                throw failure("restore the schema contract's definition of", table, e);
            }
        }
    }

    private Optional<Table> read(SilverTableDefinition table) throws IOException {
        try {
            return Optional.of(glue.getTable(request -> request.databaseName(database).name(table.name()).overrideConfiguration(this::limited)).table());
        }
        catch (EntityNotFoundException e) {
            // No such table; a missing database says so when the table is created.
            return Optional.empty();
        }
        catch (SdkException e) {
            throw failure("read", table, e);
        }
    }

    private void registerPartitions(SilverTableDefinition table, TreeSet<LocalDate> ingestDates, String source) throws IOException {
        List<LocalDate> dates = List.copyOf(ingestDates);
        TreeSet<LocalDate> found = new TreeSet<>();
        int created = 0;
        for (int from = 0; from < dates.size(); from += MAX_PARTITIONS_PER_REQUEST) {
            List<PartitionInput> batch = new ArrayList<>();
            for (LocalDate date : dates.subList(from, Math.min(dates.size(), from + MAX_PARTITIONS_PER_REQUEST))) {
                batch.add(table.partitionInput(date));
            }
            BatchCreatePartitionResponse response;
            try {
                response = glue.batchCreatePartition(request -> request.databaseName(database).tableName(table.name()).partitionInputList(batch)
                        .overrideConfiguration(this::limited));
            }
            catch (SdkException e) {
                throw failure("register partitions " + dates + " of", table, e);
            }
            List<String> refused = new ArrayList<>();
            int existing = 0;
            for (PartitionError error : response.errors()) {
                String code = error.errorDetail() == null ? null : error.errorDetail().errorCode();
                if ("AlreadyExistsException".equals(code)) {
                    existing++;
                    found.add(dateOf(table, error.partitionValues()));
                }
                else {
                    refused.add(error.partitionValues() + ": " + code + " " + (error.errorDetail() == null ? "" : error.errorDetail().errorMessage()));
                }
            }
            if (!refused.isEmpty()) {
                throw new IOException("Glue refused to register " + refused.size() + " partition(s) of table " + qualified(table) + ": "
                        + String.join("; ", refused) + ". Nothing of this run is committed; the retry registers them again");
            }
            created += batch.size() - existing;
        }
        if (created > 0) {
            log.info("silver partitions registered", fields(table, source, Map.<String, Object>of("ingestDates", dates.stream().map(LocalDate::toString).toList(), "created", created)));
        }
        if (!found.isEmpty()) {
            alignPartitions(table, found, source);
        }
    }

    /**
     * Moves the existing partitions of {@code dates} whose location, formats or serde differ from what this
     * run registers to this run's folder, and gives those whose columns differ the contract's; left as they
     * were, the files this run commits would be invisible to Athena for those days, or read in other types
     * than they hold.
     */
    private void alignPartitions(SilverTableDefinition table, TreeSet<LocalDate> dates, String source) throws IOException {
        TreeSet<LocalDate> pending = dates;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            Map<LocalDate, Partition> partitions = readPartitions(table, pending);
            List<LocalDate> differing = new ArrayList<>();
            Map<LocalDate, List<String>> differences = new TreeMap<>();
            for (LocalDate date : pending) {
                Partition partition = partitions.get(date);
                if (partition == null) {
                    throw new IOException("Partition ingest_date=" + date + " of Glue table " + qualified(table) + " was reported to exist by"
                            + " BatchCreatePartition and missing by BatchGetPartition (deleted in between?). Nothing of this run is committed;"
                            + " the retry registers it again");
                }
                List<String> changes = table.partitionDifferences(partition, date);
                if (!changes.isEmpty()) {
                    differing.add(date);
                    differences.put(date, changes);
                }
            }
            TreeSet<LocalDate> raced = new TreeSet<>();
            ConcurrentModificationException lastRace = null;
            for (int from = 0; from < differing.size(); from += MAX_PARTITIONS_PER_REQUEST) {
                List<LocalDate> batch = differing.subList(from, Math.min(differing.size(), from + MAX_PARTITIONS_PER_REQUEST));
                List<BatchUpdatePartitionRequestEntry> entries = new ArrayList<>();
                for (LocalDate date : batch) {
                    entries.add(BatchUpdatePartitionRequestEntry.builder()
                            .partitionValueList(date.toString())
                            .partitionInput(table.partitionInput(partitions.get(date), date))
                            .build());
                }
                BatchUpdatePartitionResponse response;
                try {
                    response = glue.batchUpdatePartition(request -> request.databaseName(database).tableName(table.name()).entries(entries)
                            .overrideConfiguration(this::limited));
                }
                catch (ConcurrentModificationException e) {
                    // Another writer changed a partition of the request at the same moment, most often another
                    // run of the day moving it to the same folder: read them again, as for the table.
                    raced.addAll(batch);
                    lastRace = e;
                    continue;
                }
                catch (SdkException e) {
                    throw failure("move partitions " + batch + " to this run's location (" + locations(table, batch, partitions) + ") of", table, e);
                }
                TreeSet<LocalDate> failed = new TreeSet<>();
                List<String> refused = new ArrayList<>();
                for (BatchUpdatePartitionFailureEntry error : response.errors()) {
                    LocalDate date = dateOf(table, error.partitionValueList());
                    failed.add(date);
                    String code = error.errorDetail() == null ? null : error.errorDetail().errorCode();
                    if ("ConcurrentModificationException".equals(code)) {
                        raced.add(date);
                    }
                    else {
                        refused.add("ingest_date=" + date + " (" + locations(table, List.of(date), partitions) + "): " + code + " "
                                + (error.errorDetail() == null ? "" : error.errorDetail().errorMessage()));
                    }
                }
                if (!refused.isEmpty()) {
                    throw new IOException("Glue refused to move " + refused.size() + " partition(s) of table " + qualified(table) + " to this run's location: "
                            + String.join("; ", refused) + ". Nothing of this run is committed; the retry moves them again");
                }
                for (LocalDate date : batch) {
                    if (!failed.contains(date)) {
                        boolean moved = differences.get(date).stream().anyMatch(change -> change.startsWith("location: "));
                        log.warn(moved
                                ? "silver partition differed from where the converter writes its day and was moved there; its files at the old"
                                        + " location are no longer read"
                                : "silver partition's columns differed from the schema contract its day's files are now written in and were set"
                                        + " to it; the day's files converted under another contract keep its types until they are delivered again",
                                fields(table, source, Map.<String, Object>of(
                                        "ingestDate", date.toString(),
                                        "oldLocation", String.valueOf(partitions.get(date).storageDescriptor() == null ? null
                                                : partitions.get(date).storageDescriptor().location()),
                                        "newLocation", table.partitionLocation(date),
                                        "changes", differences.get(date))));
                    }
                }
            }
            if (!raced.isEmpty() && attempt == MAX_RESTORE_ATTEMPTS) {
                throw new IOException("Could not move partitions " + raced + " of Glue table " + qualified(table) + " to this run's location ("
                        + locations(table, List.copyOf(raced), partitions) + "): refused " + attempt + " times for concurrent changes."
                        + " Nothing of this run is committed; the retry moves them again", lastRace);
            }
            pending = raced;
        }
    }

    /** The partitions of {@code dates} that exist, by date; BatchGetPartition leaves out those that do not. */
    private Map<LocalDate, Partition> readPartitions(SilverTableDefinition table, TreeSet<LocalDate> dates) throws IOException {
        Map<LocalDate, Partition> partitions = new TreeMap<>();
        List<LocalDate> all = List.copyOf(dates);
        for (int from = 0; from < all.size(); from += MAX_PARTITIONS_PER_READ) {
            List<PartitionValueList> keys = all.subList(from, Math.min(all.size(), from + MAX_PARTITIONS_PER_READ)).stream()
                    .map(date -> PartitionValueList.builder().values(date.toString()).build()).toList();
            // Glue answers what it could not read in time as unprocessed keys, to be asked for again.
            for (int request = 1; !keys.isEmpty(); request++) {
                if (request > MAX_READ_REQUESTS) {
                    throw new IOException("Could not read partitions " + keys.stream().map(PartitionValueList::values).toList() + " of Glue table "
                            + qualified(table) + ": still unprocessed after " + MAX_READ_REQUESTS + " BatchGetPartition requests. Nothing of this"
                            + " run is committed; the retry reads them again");
                }
                List<PartitionValueList> asked = keys;
                BatchGetPartitionResponse response;
                try {
                    response = glue.batchGetPartition(r -> r.databaseName(database).tableName(table.name()).partitionsToGet(asked)
                            .overrideConfiguration(this::limited));
                }
                catch (SdkException e) {
                    throw failure("read partitions " + asked.stream().map(PartitionValueList::values).toList() + " of", table, e);
                }
                for (Partition partition : response.partitions()) {
                    partitions.put(dateOf(table, partition.values()), partition);
                }
                keys = response.unprocessedKeys();
            }
        }
        return partitions;
    }

    private static LocalDate dateOf(SilverTableDefinition table, List<String> values) throws IOException {
        try {
            if (values.size() == 1) {
                return LocalDate.parse(values.get(0));
            }
        }
        catch (java.time.format.DateTimeParseException e) {
            // Reported below.
        }
        throw new IOException("Glue answered for partition " + values + " of table " + table.name() + ", which is no ingest_date this run registers");
    }

    /** {@code ingest_date=D: old -> new} for each date, as Glue holds it and as this run registers it. */
    private static String locations(SilverTableDefinition table, List<LocalDate> dates, Map<LocalDate, Partition> partitions) {
        List<String> locations = new ArrayList<>();
        for (LocalDate date : dates) {
            Partition partition = partitions.get(date);
            String old = partition == null || partition.storageDescriptor() == null ? null : partition.storageDescriptor().location();
            locations.add("ingest_date=" + date + ": " + old + " -> " + table.partitionLocation(date));
        }
        return String.join(", ", locations);
    }

    private String qualified(SilverTableDefinition table) {
        return database + "." + table.name();
    }

    private void limited(AwsRequestOverrideConfiguration.Builder configuration) {
        timeLimit.next().ifPresent(configuration::apiCallTimeout);
    }

    private Map<String, Object> fields(SilverTableDefinition table, String source, Map<String, Object> more) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("database", database);
        fields.put("table", table.name());
        // The same name, as the converter's lines of a file name it: a search by dataset finds the table's lines too.
        fields.put("dataset", table.name());
        // The object whose run found the table or a partition so: its own lines say when, and the change was made before it.
        fields.put("source", source);
        fields.putAll(more);
        return fields;
    }

    private IOException failure(String action, SilverTableDefinition table, SdkException cause) {
        return new IOException("Could not " + action + " Glue table " + qualified(table) + ": " + ErrorMessages.describe(cause)
                + ". Nothing of this run is committed; the retry catalogs it again (check the converter's Glue permissions and that database "
                + database + " exists if this persists)", cause);
    }
}
