package dev.medallion.gold.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.storage.ObjectStore;

import java.io.IOException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads and writes {@link BuildState}s as small JSON objects in the gold bucket. An S3 object rather
 * than a Glue table parameter: it survives whatever happens to the tables (a dropped view, a table
 * recreated by hand), costs one GET to check a model, and the same code runs against any S3 API.
 */
public final class BuildStateStore {
    private final ObjectStore gold;
    private final String prefix;
    private final ObjectMapper mapper;

    /** @param prefix the gold prefix, empty or ending in '/' */
    public BuildStateStore(ObjectStore gold, String prefix) {
        this.gold = requireNonNull(gold, "gold is null");
        this.prefix = requireNonNull(prefix, "prefix is null");
        this.mapper = new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                // A newer builder may add fields; an older one reading them must not fail.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** {@code <prefix>_state/<model>.json}: '_' keeps it apart from model folders, whose names start with a letter. */
    public String key(String model) {
        return prefix + "_state/" + model + ".json";
    }

    public Optional<BuildState> read(String model) throws IOException {
        Optional<byte[]> content = gold.read(key(model));
        if (content.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(content.get(), BuildState.class));
        }
        catch (IOException e) {
            throw new IOException("Build state " + gold.describe(key(model)) + " is not valid JSON of a build state: "
                    + ErrorMessages.describe(e) + "; delete it to make the next build start afresh", e);
        }
    }

    public void write(BuildState state) throws IOException {
        requireNonNull(state, "state is null");
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(state);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("A build state always serialises", e);
        }
        gold.put(key(state.model()), json);
    }
}
