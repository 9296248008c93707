package dev.medallion.silver.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.storage.ObjectStore;

import java.io.IOException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads and creates dataset schema contracts. Creation is a conditional write (S3 {@code If-None-Match: *}),
 * so when two first files of a dataset arrive together exactly one schema wins and both use it.
 */
public final class SchemaContractStore {
    private final ObjectStore store;
    private final SilverLayout layout;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SchemaContractStore(ObjectStore store, SilverLayout layout) {
        this.store = requireNonNull(store, "store is null");
        this.layout = requireNonNull(layout, "layout is null");
    }

    public Optional<SchemaContract> load(String dataset) throws IOException {
        String key = layout.schemaKey(dataset);
        Optional<byte[]> content = store.read(key);
        if (content.isEmpty()) {
            return Optional.empty();
        }
        SchemaContract contract;
        try {
            contract = mapper.readValue(content.get(), SchemaContract.class);
        }
        catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidSchemaContractException("Schema contract " + store.describe(key)
                    + " is not valid: " + ErrorMessages.describe(e) + ". Fix or delete it; deleting it lets the next file define the schema again.", e);
        }
        if (!contract.dataset().equals(dataset)) {
            // A contract copied from another dataset's and edited: the catalog would make the other dataset's
            // table this one's columns, and register this dataset's partitions there.
            throw new InvalidSchemaContractException("Schema contract " + store.describe(key) + " is of dataset '" + dataset
                    + "' (its file name) but says \"dataset\": \"" + contract.dataset() + "\" (a copy of that dataset's contract?). Set \"dataset\": \""
                    + dataset + "\" in it, or delete it; deleting it lets the next file define the schema again.");
        }
        return Optional.of(contract);
    }

    /** Stores the contract unless the dataset already has one; returns whichever contract is in force. */
    public SchemaContract createIfAbsent(SchemaContract contract) throws IOException {
        if (store.putIfAbsent(layout.schemaKey(contract.dataset()), mapper.writeValueAsBytes(contract))) {
            return contract;
        }
        return load(contract.dataset()).orElseThrow(() -> new IOException(
                "Schema contract " + store.describe(layout.schemaKey(contract.dataset())) + " exists but could not be read back"));
    }
}
