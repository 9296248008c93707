package dev.medallion.silver.catalog;

import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.BatchCreatePartitionRequest;
import software.amazon.awssdk.services.glue.model.BatchCreatePartitionResponse;
import software.amazon.awssdk.services.glue.model.BatchGetPartitionRequest;
import software.amazon.awssdk.services.glue.model.BatchGetPartitionResponse;
import software.amazon.awssdk.services.glue.model.BatchUpdatePartitionFailureEntry;
import software.amazon.awssdk.services.glue.model.BatchUpdatePartitionRequest;
import software.amazon.awssdk.services.glue.model.BatchUpdatePartitionResponse;
import software.amazon.awssdk.services.glue.model.CreateTableRequest;
import software.amazon.awssdk.services.glue.model.CreateTableResponse;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.ErrorDetail;
import software.amazon.awssdk.services.glue.model.GetTableRequest;
import software.amazon.awssdk.services.glue.model.GetTableResponse;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.PartitionError;
import software.amazon.awssdk.services.glue.model.PartitionValueList;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What GlueSilverCatalog makes of BatchCreatePartition's and BatchUpdatePartition's per-entry errors, which
 * moto cannot produce (it reports only AlreadyExistsException and EntityNotFoundException): Glue answers 200
 * and lists the partitions it refused, so a client that only catches exceptions would commit data Athena
 * cannot see. GlueSilverCatalogIT covers the
 * rest against moto's Glue.
 */
class GlueSilverCatalogTest {
    private static final LocalDate DAY = LocalDate.of(2026, 3, 1);
    private static final String SOURCE = "s3://bronze/sales/a.csv";

    @Test
    void aPartitionThatExistsAlreadyIsNoErrorAndAnyOtherRefusalFailsWithTheGluesReason() throws IOException {
        PartitionsAnswer glue = new PartitionsAnswer(List.of(error(DAY, "AlreadyExistsException", "Partition already exists.")));
        catalog(glue).register(SilverTableDefinitionTest.contract("sales", new Column("id", ColumnType.BIGINT, "id")), List.of(DAY), SOURCE);
        assertEquals(1, glue.requests.size());
        assertEquals(1, glue.reads.size(), "the existing partition was read");
        assertEquals(0, glue.updates.size(), "and, where this run would register it, left as it is");

        PartitionsAnswer refusing = new PartitionsAnswer(List.of(
                error(DAY, "ResourceNumberLimitExceededException", "Number of partitions exceeds the limit"),
                error(DAY.plusDays(1), "AlreadyExistsException", "Partition already exists.")));
        IOException failure = assertThrows(IOException.class, () -> catalog(refusing)
                .register(SilverTableDefinitionTest.contract("sales", new Column("id", ColumnType.BIGINT, "id")), List.of(DAY, DAY.plusDays(1)), SOURCE));
        assertTrue(failure.getMessage().contains("Glue refused to register 1 partition(s) of table lake_silver.sales: [2026-03-01]:"
                + " ResourceNumberLimitExceededException Number of partitions exceeds the limit"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Nothing of this run is committed"), failure.getMessage());
    }

    @Test
    void aPartitionThatCannotBeMovedToThisRunsLocationFailsTheRunNamingBothLocations() {
        PartitionsAnswer glue = new PartitionsAnswer(List.of(error(DAY, "AlreadyExistsException", "Partition already exists.")));
        glue.locations.put(DAY.toString(), "s3://old/sales/ingest_date=2026-03-01/");
        glue.updateErrors.add(updateError(DAY, "InvalidInputException", "Invalid location"));

        IOException failure = assertThrows(IOException.class, () -> catalog(glue)
                .register(SilverTableDefinitionTest.contract("sales", new Column("id", ColumnType.BIGINT, "id")), List.of(DAY), SOURCE));

        assertTrue(failure.getMessage().contains("Glue refused to move 1 partition(s) of table lake_silver.sales to this run's location:"
                + " ingest_date=2026-03-01 (ingest_date=2026-03-01: s3://old/sales/ingest_date=2026-03-01/ -> s3://silver/lake/sales/ingest_date=2026-03-01/):"
                + " InvalidInputException Invalid location"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Nothing of this run is committed"), failure.getMessage());
    }

    @Test
    void aPartitionMoveRefusedForConcurrentChangesEveryTimeFailsAfterThreeAttempts() {
        PartitionsAnswer glue = new PartitionsAnswer(List.of(error(DAY, "AlreadyExistsException", "Partition already exists.")));
        glue.locations.put(DAY.toString(), "s3://old/sales/ingest_date=2026-03-01/");
        glue.updateErrors.add(updateError(DAY, "ConcurrentModificationException", "Update partition failed due to concurrent modifications"));

        IOException failure = assertThrows(IOException.class, () -> catalog(glue)
                .register(SilverTableDefinitionTest.contract("sales", new Column("id", ColumnType.BIGINT, "id")), List.of(DAY), SOURCE));

        assertEquals(GlueSilverCatalog.MAX_RESTORE_ATTEMPTS, glue.updates.size());
        assertEquals(GlueSilverCatalog.MAX_RESTORE_ATTEMPTS, glue.reads.size(), "each attempt read the partition again");
        assertTrue(failure.getMessage().contains("Could not move partitions [2026-03-01] of Glue table lake_silver.sales to this run's location"
                + " (ingest_date=2026-03-01: s3://old/sales/ingest_date=2026-03-01/ -> s3://silver/lake/sales/ingest_date=2026-03-01/): refused 3 times"),
                failure.getMessage());
    }

    /**
     * Glue may refuse one entry of a BatchUpdatePartition for a concurrent change and apply the others, in a
     * 200 answer. The run moves the others, reads the refused day again and, still elsewhere, moves it alone.
     * Injected here: FaultProxy answers no per-entry errors and moto's BatchUpdatePartition reports only
     * EntityNotFoundException; GlueSilverCatalogIT refuses the whole request.
     */
    @Test
    void aPartitionMoveRefusedForAConcurrentChangeInItsEntryIsReadAndMovedAgainAlone() throws IOException {
        LocalDate next = DAY.plusDays(1);
        PartitionsAnswer glue = new PartitionsAnswer(List.of(
                error(DAY, "AlreadyExistsException", "Partition already exists."),
                error(next, "AlreadyExistsException", "Partition already exists.")));
        glue.locations.put(DAY.toString(), "s3://old/sales/ingest_date=2026-03-01/");
        glue.locations.put(next.toString(), "s3://old/sales/ingest_date=2026-03-02/");
        glue.updateErrors.add(updateError(DAY, "ConcurrentModificationException", "Update partition failed due to concurrent modifications"));
        glue.refusedUpdates = 1;

        catalog(glue).register(SilverTableDefinitionTest.contract("sales", new Column("id", ColumnType.BIGINT, "id")), List.of(DAY, next), SOURCE);

        assertEquals(List.of(List.of(List.of(DAY.toString()), List.of(next.toString())), List.of(List.of(DAY.toString()))),
                glue.updates.stream().map(request -> request.entries().stream().map(entry -> entry.partitionValueList()).toList()).toList(),
                "both moved, then the refused one alone");
        assertEquals(List.of(List.of(List.of(DAY.toString()), List.of(next.toString())), List.of(List.of(DAY.toString()))),
                glue.reads.stream().map(request -> request.partitionsToGet().stream().map(PartitionValueList::values).toList()).toList(),
                "the refused one read again");
        assertEquals("s3://silver/lake/sales/ingest_date=2026-03-01/",
                glue.updates.get(1).entries().get(0).partitionInput().storageDescriptor().location());
    }

    @Test
    void partitionsAreRegisteredAHundredPerRequestInDateOrder() throws IOException {
        PartitionsAnswer glue = new PartitionsAnswer(List.of());
        List<LocalDate> days = IntStream.range(0, 250).mapToObj(i -> DAY.plusDays(249 - i)).toList();
        catalog(glue).register(SilverTableDefinitionTest.contract("sales", new Column("id", ColumnType.BIGINT, "id")), days, SOURCE);

        assertEquals(List.of(100, 100, 50), glue.requests.stream().map(request -> request.partitionInputList().size()).toList());
        assertEquals(List.of(DAY.toString()), glue.requests.get(0).partitionInputList().get(0).values());
        assertEquals("s3://silver/lake/sales/ingest_date=2026-03-01/", glue.requests.get(0).partitionInputList().get(0).storageDescriptor().location());
        assertEquals(List.of(DAY.plusDays(249).toString()), glue.requests.get(2).partitionInputList().get(49).values());
    }

    private static GlueSilverCatalog catalog(GlueClient glue) {
        return new GlueSilverCatalog(glue, "lake_silver", "silver", new SilverLayout("lake/"),
                new JsonLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    private static BatchUpdatePartitionFailureEntry updateError(LocalDate day, String code, String message) {
        return BatchUpdatePartitionFailureEntry.builder().partitionValueList(day.toString())
                .errorDetail(ErrorDetail.builder().errorCode(code).errorMessage(message).build()).build();
    }

    private static PartitionError error(LocalDate day, String code, String message) {
        return PartitionError.builder().partitionValues(day.toString()).errorDetail(ErrorDetail.builder().errorCode(code).errorMessage(message).build()).build();
    }

    /**
     * Glue with no table yet, which creates it and answers BatchCreatePartition with these per-entry errors;
     * BatchGetPartition with partitions at {@link #locations} (else at the converter's folder), never moved, and
     * the first {@link #refusedUpdates} BatchUpdatePartitions with {@link #updateErrors}.
     */
    private static final class PartitionsAnswer implements GlueClient {
        private final List<PartitionError> errors;
        final List<BatchCreatePartitionRequest> requests = new ArrayList<>();
        final Map<String, String> locations = new HashMap<>();
        final List<BatchUpdatePartitionFailureEntry> updateErrors = new ArrayList<>();
        final List<BatchGetPartitionRequest> reads = new ArrayList<>();
        final List<BatchUpdatePartitionRequest> updates = new ArrayList<>();
        /** BatchUpdatePartitions answered with {@link #updateErrors}; the later ones succeed. */
        int refusedUpdates = Integer.MAX_VALUE;

        PartitionsAnswer(List<PartitionError> errors) {
            this.errors = errors;
        }

        @Override
        public GetTableResponse getTable(GetTableRequest request) {
            throw EntityNotFoundException.builder().message("Table " + request.name() + " not found.").build();
        }

        @Override
        public CreateTableResponse createTable(CreateTableRequest request) {
            return CreateTableResponse.builder().build();
        }

        @Override
        public BatchCreatePartitionResponse batchCreatePartition(BatchCreatePartitionRequest request) {
            requests.add(request);
            return BatchCreatePartitionResponse.builder().errors(requests.size() == 1 ? errors : List.of()).build();
        }

        @Override
        public BatchGetPartitionResponse batchGetPartition(BatchGetPartitionRequest request) {
            reads.add(request);
            List<Partition> partitions = new ArrayList<>();
            for (PartitionValueList key : request.partitionsToGet()) {
                String day = key.values().get(0);
                // Registered by the converter under the tests' contract, as it registers a partition: with its columns.
                partitions.add(Partition.builder().values(day).storageDescriptor(descriptor -> descriptor
                        .columns(software.amazon.awssdk.services.glue.model.Column.builder().name("id").type("bigint").build())
                        .location(locations.getOrDefault(day, "s3://silver/lake/sales/ingest_date=" + day + "/"))
                        .inputFormat(SilverTableDefinition.INPUT_FORMAT).outputFormat(SilverTableDefinition.OUTPUT_FORMAT)
                        .serdeInfo(serde -> serde.serializationLibrary(SilverTableDefinition.SERDE))).build());
            }
            return BatchGetPartitionResponse.builder().partitions(partitions).build();
        }

        @Override
        public BatchUpdatePartitionResponse batchUpdatePartition(BatchUpdatePartitionRequest request) {
            updates.add(request);
            return BatchUpdatePartitionResponse.builder().errors(updates.size() <= refusedUpdates ? updateErrors : List.of()).build();
        }

        @Override
        public String serviceName() {
            return "glue";
        }

        @Override
        public void close() {}
    }
}
