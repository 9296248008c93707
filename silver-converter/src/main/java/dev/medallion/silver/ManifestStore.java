package dev.medallion.silver;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.medallion.common.storage.ObjectStore;

import java.io.IOException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Reads and writes manifests as indented JSON. */
public final class ManifestStore {
    private final ObjectStore store;
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ManifestStore(ObjectStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    public Optional<Manifest> read(String key) throws IOException {
        Optional<byte[]> content = store.read(key);
        if (content.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(content.get(), Manifest.class));
        }
        catch (IOException | RuntimeException e) {
            // An unreadable manifest only means "not known to be converted": converting again repairs it.
            return Optional.empty();
        }
    }

    public void write(String key, Manifest manifest) throws IOException {
        store.put(key, mapper.writeValueAsBytes(manifest));
    }
}
