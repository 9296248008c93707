package dev.medallion.silver.catalog;

import dev.medallion.silver.schema.SchemaContract;

import java.io.IOException;
import java.time.LocalDate;
import java.util.Collection;

/**
 * Keeps a catalog (AWS Glue) exact for silver, from what only the converter knows: each dataset's schema
 * contract and the {@code ingest_date} partitions a run wrote. The converter calls it before it commits a
 * run, so a run whose data cannot be catalogued commits nothing and is retried, and a committed manifest
 * means the data is queryable.
 * <p>
 * {@link #register} is idempotent: registering what is already registered, again or from two runs at the
 * same time, is no error.
 */
public interface SilverCatalog {
    /**
     * Makes the dataset's table what the contract says (creating it when absent, restoring it when someone
     * changed it) and registers these {@code ingest_date} partitions unless they are already there. {@code source} is the object whose
     * conversion registers them ({@code s3://bronze/sales/a.csv}), named on the catalog's lines: the catalog is one for
     * every object a function converts, so only the call knows which object's run found a table or partition changed.
     *
     * @throws IOException when the catalog fails or refuses; worth retrying
     * @throws IllegalArgumentException when the dataset or a column has a name the catalog cannot hold;
     *     a person must rename it
     */
    void register(SchemaContract contract, Collection<LocalDate> ingestDates, String source) throws IOException;

    /**
     * Whether the catalog can hold the contract's dataset and column names, asked of a contract written by
     * hand before a run converts anything in it: {@link #register} would refuse it only after the whole
     * conversion, on every retry. Asks nothing of the catalog itself.
     *
     * @throws IllegalArgumentException when a name cannot be held; a person must rename it
     */
    void check(SchemaContract contract);

    /** No catalog: local runs, and deployments without Glue ({@code SILVER_DATABASE} empty). */
    static SilverCatalog none() {
        return NoCatalog.INSTANCE;
    }

    /**
     * No catalog kept, but contracts checked as {@link GlueSilverCatalog#check} checks them (the names Glue
     * and Athena can hold, {@link SilverTableDefinition#of}): for a contract tried on a laptop before it is
     * declared to a stack, whose converter has a Glue catalog unless {@code enable_glue_catalog} is off.
     */
    static SilverCatalog namesCheckedAsGlue() {
        return NamesCheckedAsGlue.INSTANCE;
    }

    /** The catalog of {@link #namesCheckedAsGlue()}. */
    enum NamesCheckedAsGlue implements SilverCatalog {
        INSTANCE;

        @Override
        public void register(SchemaContract contract, Collection<LocalDate> ingestDates, String source) {
            // Nothing to keep.
        }

        @Override
        public void check(SchemaContract contract) {
            // The location is not checked beyond its form; the names are.
            SilverTableDefinition.of(contract, "s3://silver/" + contract.dataset() + "/");
        }
    }

    /** The catalog of {@link #none()}. */
    enum NoCatalog implements SilverCatalog {
        INSTANCE;

        @Override
        public void register(SchemaContract contract, Collection<LocalDate> ingestDates, String source) {
            // Nothing to keep.
        }

        @Override
        public void check(SchemaContract contract) {
            // Any name will do where nothing is catalogued.
        }
    }
}
