package dev.medallion.silver;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.VersionedContent;

import java.io.IOException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Reads and writes manifests as indented JSON. */
public final class ManifestStore {
    /**
     * A manifest as stored: its entity tag, and its content when readable. An unreadable manifest (damaged,
     * or of a format this version does not know) is not known to describe anything; the commit refuses to
     * build on it ({@link SilverCommit#base}).
     */
    public record Stored(Optional<Manifest> manifest, String etag) {
        public Stored {
            requireNonNull(manifest, "manifest is null");
            requireNonNull(etag, "etag is null");
        }
    }

    private final ObjectStore store;
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ManifestStore(ObjectStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    public Optional<Manifest> read(String key) throws IOException {
        return readStored(key).flatMap(Stored::manifest);
    }

    public Optional<Stored> readStored(String key) throws IOException {
        Optional<VersionedContent> content = store.readVersioned(key);
        if (content.isEmpty()) {
            return Optional.empty();
        }
        try {
            Manifest manifest = mapper.readValue(content.get().content(), Manifest.class);
            // A newer format may mean what this version cannot see (its unknown fields are ignored): not readable here.
            return Optional.of(new Stored(manifest.formatVersion() > Manifest.NEWEST_FORMAT_VERSION ? Optional.empty() : Optional.of(manifest),
                    content.get().etag()));
        }
        catch (IOException | RuntimeException e) {
            return Optional.of(new Stored(Optional.empty(), content.get().etag()));
        }
    }

    /**
     * Writes the manifest only if the key still holds the version {@code expectedEtag} names (none when
     * empty); returns the new version's entity tag, or empty when another writer came first.
     */
    public Optional<String> writeIf(String key, Manifest manifest, Optional<String> expectedEtag) throws IOException {
        return store.putIf(key, mapper.writeValueAsBytes(manifest), expectedEtag);
    }
}
