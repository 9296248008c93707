package dev.medallion.silver.schema;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.storage.ObjectStore;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads and creates dataset schema contracts. Creation is a conditional write (S3 {@code If-None-Match: *}),
 * so when two first files of a dataset arrive together exactly one schema wins and both use it.
 */
public final class SchemaContractStore {
    private static final ObjectMapper MAPPER = mapper();

    private final ObjectStore store;
    private final SilverLayout layout;

    private static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        // A column's "required" is true or false, as terraform plan holds it (contracts.tf): Jackson would read "true", "false" and a
        // number as one too, where a "yes" or a 1 is more likely a contract written for another tool than a decision.
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }

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
        return Optional.of(parse(dataset, content.get(), store.describe(key), "delete it; deleting it lets the next file define the schema again"));
    }

    /**
     * A contract declared before any file of its dataset, as Terraform's {@code schema_contracts_dir} and the
     * local commands' {@code --contracts} declare one: read and held to exactly what {@link #load} holds a
     * stored contract to, so that a file refused here is one the converter would refuse in the bucket.
     *
     * @param dataset the dataset the file declares, its name without {@code .json}
     * @param where the file, for the message
     * @throws InvalidSchemaContractException naming {@code where} and what to change
     */
    public static SchemaContract declared(String dataset, byte[] content, String where) {
        return parse(requireNonNull(dataset, "dataset is null"), requireNonNull(content, "content is null"), requireNonNull(where, "where is null"),
                "take it out of the directory; without it the dataset's first file defines its contract");
    }

    /** @param otherwise what else a person can do than fix it, for the message */
    private static SchemaContract parse(String dataset, byte[] content, String where, String otherwise) {
        SchemaContract contract;
        try {
            contract = MAPPER.readValue(content, SchemaContract.class);
        }
        catch (JsonProcessingException e) {
            throw new InvalidSchemaContractException("Schema contract " + where + " is not valid: " + column(e, content) + problem(e) + ". Fix it, or "
                    + otherwise + ".", e);
        }
        catch (IOException | IllegalArgumentException e) {
            throw new InvalidSchemaContractException("Schema contract " + where
                    + " is not valid: " + ErrorMessages.describe(e) + ". Fix it, or " + otherwise + ".", e);
        }
        if (contract == null) {
            throw new InvalidSchemaContractException("Schema contract " + where + " is not valid: it holds JSON null, not an object of dataset,"
                    + " columns, createdFrom and createdAt. Fix it, or " + otherwise + ".");
        }
        if (!contract.dataset().equals(dataset)) {
            // A contract copied from another dataset's and edited: the catalog would make the other dataset's
            // table this one's columns, and register this dataset's partitions there.
            throw new InvalidSchemaContractException("Schema contract " + where + " is of dataset '" + dataset
                    + "' (its file name) but says \"dataset\": \"" + contract.dataset() + "\" (a copy of that dataset's contract?). Set \"dataset\": \""
                    + dataset + "\" in it, or " + otherwise + ".");
        }
        return contract;
    }

    /**
     * {@code column unit_price: } when the problem is within a column that has a name ({@code columns[1].type}): a contract may hold many
     * columns of one type, and the path alone makes a person count them. Empty otherwise, or when the file cannot say.
     */
    private static String column(JsonProcessingException e, byte[] content) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().size() < 2 || !"columns".equals(mapping.getPath().get(0).getFieldName())
                || mapping.getPath().get(1).getIndex() < 0) {
            return "";
        }
        try {
            JsonNode name = MAPPER.readTree(content).path("columns").path(mapping.getPath().get(1).getIndex()).path("name");
            return name.isTextual() ? "column " + name.asText() + ": " : "";
        }
        catch (IOException | RuntimeException ignored) {
            // The problem itself is what the message is about; a file that cannot be read again names no column.
            return "";
        }
    }

    /**
     * What is wrong, on one line, for a person editing the file: the contract's own refusal where it made one
     * ({@code Unknown column type 'decimal'}, {@code names column id twice}, {@code columns is null}), where
     * in the contract ({@code columns[1].type}), and the line and column in the file.
     */
    private static String problem(JsonProcessingException e) {
        String problem = e instanceof ValueInstantiationException && e.getCause() != null && e.getCause().getMessage() != null
                ? e.getCause().getMessage()
                : e.getOriginalMessage();
        StringBuilder path = new StringBuilder();
        if (e instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference reference : mapping.getPath()) {
                path.append(reference.getFieldName() != null ? (path.isEmpty() ? "" : ".") + reference.getFieldName() : "[" + reference.getIndex() + "]");
            }
        }
        JsonLocation location = e.getLocation();
        return problem + (path.isEmpty() ? "" : ", at " + path)
                + (location == null || location.getLineNr() < 1 ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")");
    }

    /**
     * Puts a declared contract's file, byte for byte, at its dataset's key, replacing any contract there, as
     * Terraform's apply puts it ({@code aws_s3_object} writes unconditionally); nothing is written when the
     * key holds these bytes already. Check the file with {@link #declared} first.
     *
     * @return the bytes the key held before, if any
     */
    public Optional<byte[]> replace(String dataset, byte[] content) throws IOException {
        requireNonNull(content, "content is null");
        String key = layout.schemaKey(requireNonNull(dataset, "dataset is null"));
        Optional<byte[]> before = store.read(key);
        if (before.isEmpty() || !Arrays.equals(before.get(), content)) {
            store.put(key, content);
        }
        return before;
    }

    /** Where the dataset's contract is, for people. */
    public String describe(String dataset) {
        return store.describe(layout.schemaKey(requireNonNull(dataset, "dataset is null")));
    }

    /** Stores the contract unless the dataset already has one; returns whichever contract is in force. */
    public SchemaContract createIfAbsent(SchemaContract contract) throws IOException {
        if (store.putIfAbsent(layout.schemaKey(contract.dataset()), MAPPER.writeValueAsBytes(contract))) {
            return contract;
        }
        return load(contract.dataset()).orElseThrow(() -> new IOException(
                "Schema contract " + store.describe(layout.schemaKey(contract.dataset())) + " exists but could not be read back"));
    }
}
