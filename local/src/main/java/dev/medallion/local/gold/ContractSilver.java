package dev.medallion.local.gold;

import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.parquet.ParquetPartWriter;
import dev.medallion.silver.parquet.ParquetSchemas;
import dev.medallion.silver.schema.SchemaContract;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A silver folder with one table per schema contract and no row: an empty Parquet part each, written by silver's own
 * writer with the contract's Parquet schema ({@link ParquetSchemas#messageType}), in an {@code ingest_date=} partition as
 * silver lays it out. DuckDB then reads the very types it reads from a lake the converter wrote (a {@code timestamp} is
 * Parquet's TIMESTAMP(MILLIS), which DuckDB reads as TIMESTAMP, not a type of its own choosing), and {@link SilverTables}'s
 * view adds {@code ingest_date} as it does over a lake: no second mapping of the contract's types to keep in step.
 */
final class ContractSilver {
    /** Any day: the partition holds no row, and the view types {@code ingest_date} as text whatever its value. */
    private static final LocalDate INGEST_DATE = LocalDate.of(1970, 1, 1);
    private static final long ROW_GROUP_BYTES = 1024 * 1024;

    private ContractSilver() {}

    /** Writes an empty table per contract under {@code silverRoot}, a folder laid out like the silver bucket. */
    static void write(List<SchemaContract> contracts, Path silverRoot) throws IOException {
        requireNonNull(contracts, "contracts is null");
        requireNonNull(silverRoot, "silverRoot is null");
        LocalObjectStore store = new LocalObjectStore(silverRoot);
        SilverLayout layout = new SilverLayout("");
        for (SchemaContract contract : contracts) {
            String key = layout.dataPrefix(contract.dataset(), INGEST_DATE) + "contract-" + contract.dataset() + ".parquet";
            ParquetPartWriter part = new ParquetPartWriter(store, key, ParquetSchemas.messageType(contract), ROW_GROUP_BYTES, Set.of());
            part.finish();
            part.upload().publish();
        }
    }
}
