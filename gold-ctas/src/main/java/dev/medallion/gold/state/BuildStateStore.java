package dev.medallion.gold.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.medallion.common.json.StrictJson;
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
        // Strict (StrictJson): a state or record damaged by hand is refused naming the field, never read as another state.
        this.mapper = StrictJson.mapperBuilder()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
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
        return readAt(key(model), "; delete it to make the next build start afresh", "to stay on this one, delete it: the next build starts afresh");
    }

    /**
     * The state the last build of the model wrote before its swap ({@link #writeBeforeSwap}),
     * the swap having happened, or its outcome being unknown (a build whose swap does not happen puts back
     * the record it replaced, {@link #restoreBeforeSwap}); kept until the next build replaces it.
     */
    public Optional<BuildState> readBeforeSwap(String model) throws IOException {
        return parseBeforeSwap(model, gold.read(swapKey(model)));
    }

    /**
     * The record before a swap, from what {@link #readBeforeSwapAsIs} read: apart, so that a caller can tell the
     * store failing (the read) from a record damaged by hand (this).
     *
     * @throws NewerFormatException when a newer gold-ctas wrote it: unlike a damaged record, it may name a swap
     * @throws IOException when {@code content} is not a build state (damaged), naming the record
     */
    public Optional<BuildState> parseBeforeSwap(String model, Optional<byte[]> content) throws IOException {
        requireNonNull(model, "model is null");
        requireNonNull(content, "content is null");
        if (content.isPresent() && content.get().length == 0) {
            // What restoreBeforeSwap leaves when there was no record before: none.
            return Optional.empty();
        }
        return parse(swapKey(model), content, "; the next build of the model writes it again",
                "to stay on this one, once every view swap the newer one sent has ended (its CREATE OR REPLACE VIEW queries in the"
                        + " workgroup's history), delete it: the next build of the model writes it again");
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

    /**
     * The record before a swap as it is now, byte for byte, empty when there is none: read by a build just
     * before it writes its own ({@link #writeBeforeSwap}), to put back should its swap not happen
     * ({@link #restoreBeforeSwap}). Not parsed, so a record with fields of a newer builder, or one damaged by
     * hand, is put back as it was rather than rewritten or lost.
     */
    public Optional<byte[]> readBeforeSwapAsIs(String model) throws IOException {
        return gold.read(swapKey(requireNonNull(model, "model is null")));
    }

    /**
     * Puts back what {@link #readBeforeSwapAsIs} read, after a build's swap did not happen: that content, or,
     * when there was none, an empty record, which {@link #readBeforeSwap} reads as none. Not deleted: the
     * builder's role may read and write under {@code _state/} but never delete there. The record then names
     * the build the view still selects from, whose own state write may have been lost, rather than the build
     * just removed.
     */
    public void restoreBeforeSwap(String model, Optional<byte[]> asItWas) throws IOException {
        requireNonNull(model, "model is null");
        requireNonNull(asItWas, "asItWas is null");
        gold.put(swapKey(model), asItWas.orElse(new byte[0]));
    }

    private Optional<BuildState> readAt(String key, String whatToDo, String toStayOnThisBuilder) throws IOException {
        return parse(key, gold.read(key), whatToDo, toStayOnThisBuilder);
    }

    /**
     * @param whatToDo for a damaged state, after the reason
     * @param toStayOnThisBuilder for a state of a newer format, after the advice to deploy the newer builder again
     */
    private Optional<BuildState> parse(String key, Optional<byte[]> content, String whatToDo, String toStayOnThisBuilder) throws IOException {
        if (content.isEmpty()) {
            return Optional.empty();
        }
        BuildState state;
        try {
            state = mapper.readValue(content.get(), BuildState.class);
        }
        catch (IOException e) {
            throw new IOException("Build state " + gold.describe(key) + " is not valid JSON of a build state: " + ErrorMessages.describe(e) + whatToDo, e);
        }
        if (state == null) {
            // Jackson reads the JSON literal null as no object, without a field to fail: damaged by hand like any other.
            throw new IOException("Build state " + gold.describe(key) + " is not valid JSON of a build state: it is JSON null, not an object" + whatToDo);
        }
        if (state.formatVersion() > BuildState.FORMAT_VERSION) {
            // As the converter refuses a manifest of a newer format: a newer format may mean what this builder cannot see (it
            // passes over the fields it does not know), so an older builder, deployed again by a rollback, would misread it.
            throw new NewerFormatException("Build state " + gold.describe(key) + " is of format " + state.formatVersion() + ", and this gold-ctas reads up to format "
                    + BuildState.FORMAT_VERSION + ": a newer gold-ctas wrote it, which this one would misread. If this one was deployed back by"
                    + " mistake, deploy the newer gold-ctas again (roll forward); " + toStayOnThisBuilder);
        }
        return Optional.of(state);
    }

    /**
     * A state or record of a format newer than this builder reads: a newer gold-ctas wrote it, whole, so unlike one damaged by hand it
     * may mean what it says (a record, a swap still queued), in a way this builder cannot read. Apart, so a caller can tell the two.
     */
    public static final class NewerFormatException extends IOException {
        NewerFormatException(String message) {
            super(message);
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
