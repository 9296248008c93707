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

    /**
     * {@code <prefix>_state/<model>.swap.json}: the state a build will record once its view swap is
     * done, written just before the swap. Model names hold no '.', so it is never a model's state.
     */
    public String swapKey(String model) {
        return prefix + "_state/" + model + ".swap.json";
    }

    public Optional<BuildState> read(String model) throws IOException {
        return readAt(key(model), "; delete it to make the next build start afresh");
    }

    /**
     * The state the last build of the model wrote before its swap ({@link #writeBeforeSwap}),
     * whether or not the swap happened (a build writes it only for a swap with the time to start, but Athena
     * may still refuse it); kept until the next build replaces it.
     */
    public Optional<BuildState> readBeforeSwap(String model) throws IOException {
        return readAt(swapKey(model), "; the next build of the model writes it again");
    }

    public void write(BuildState state) throws IOException {
        gold.put(key(requireNonNull(state, "state is null").model()), json(state));
    }

    /**
     * Records, before a build's view swap, the state it will write after it. Should the swap's answer or the
     * state write after it be lost, the next invocation finds the view on this build: with the inputs it
     * read, it records this state rather than building the model again; a retry of a forced request knows
     * the build as its own ({@link BuildState#builtByRequest}), rather than forcing the model again.
     */
    public void writeBeforeSwap(BuildState state) throws IOException {
        gold.put(swapKey(requireNonNull(state, "state is null").model()), json(state));
    }

    private Optional<BuildState> readAt(String key, String whatToDo) throws IOException {
        Optional<byte[]> content = gold.read(key);
        if (content.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(content.get(), BuildState.class));
        }
        catch (IOException e) {
            throw new IOException("Build state " + gold.describe(key) + " is not valid JSON of a build state: " + ErrorMessages.describe(e) + whatToDo, e);
        }
    }

    private byte[] json(BuildState state) {
        try {
            return mapper.writeValueAsBytes(state);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("A build state always serialises", e);
        }
    }
}
