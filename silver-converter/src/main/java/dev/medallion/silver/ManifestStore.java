package dev.medallion.silver;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.medallion.common.json.StrictJson;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.VersionedContent;

import java.io.IOException;
import java.util.Optional;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** Reads and writes manifests as indented JSON. */
public final class ManifestStore {
    /**
     * A manifest as stored: its entity tag, and its content when readable. An unreadable manifest (damaged,
     * or of a format this version does not know) is not known to describe anything; the commit refuses to
     * build on it ({@link SilverCommit#base}).
     *
     * @param unreadable why the manifest could not be read (the field and its problem, or its newer format), for the message
     *        that tells a person what to mend; empty when it was read
     */
    public record Stored(Optional<Manifest> manifest, String etag, Optional<String> unreadable) {
        public Stored {
            requireNonNull(manifest, "manifest is null");
            requireNonNull(etag, "etag is null");
            requireNonNull(unreadable, "unreadable is null");
            if (manifest.isPresent() == unreadable.isPresent()) {
                throw new IllegalArgumentException("a stored manifest is either read or unreadable, with why: " + manifest + ", " + unreadable);
            }
        }
    }

    private final ObjectStore store;
    /**
     * Strict, field by field: a value of another type than its field's, a key given twice or anything after the object is refused
     * rather than read as some value ({@code "readingRules": 2.5} as 2, {@code "rowsRead": "7"} as 7, {@code "generation": null} as 0,
     * the last of two {@code etag}s), so that a damaged or hand-edited manifest is unreadable, naming the field, never taken for another
     * commit. Fields it does not know are ignored: a newer converter of the same {@code formatVersion} may add one, and the older
     * converter still running during a deploy, or deployed again by a rollback, must go on reading it; what changes the meaning of a
     * manifest raises its format instead ({@link Manifest#NEWEST_FORMAT_VERSION}). Fields absent keep their defaults: a manifest of an
     * older converter lacks those added since.
     */
    private final ObjectMapper mapper = StrictJson.mapperBuilder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            // A size null or absent is refused too, not read as 0; the two a manifest of format 1 lacks say so (Manifest).
            .withConfigOverride(long.class, override -> override.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.FAIL)))
            .build();

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
            if (manifest == null) {
                return Optional.of(new Stored(Optional.empty(), content.get().etag(), Optional.of("it is the JSON null, not an object")));
            }
            if (manifest.formatVersion() > Manifest.NEWEST_FORMAT_VERSION) {
                // A newer format may mean what this version cannot see (its unknown fields are ignored): not readable here.
                return Optional.of(new Stored(Optional.empty(), content.get().etag(), Optional.of("formatVersion " + manifest.formatVersion()
                        + ", newer than the newest this converter reads, " + Manifest.NEWEST_FORMAT_VERSION)));
            }
            return Optional.of(new Stored(Optional.of(manifest), content.get().etag(), Optional.empty()));
        }
        catch (IOException | RuntimeException e) {
            return Optional.of(new Stored(Optional.empty(), content.get().etag(), Optional.of(whyUnreadable(e))));
        }
    }

    /**
     * The field that could not be read and what is wrong with its value ({@code readingRules: Cannot deserialize value of type
     * Integer from String "two"...}), or what the parser or the manifest's own checks said; without the location, which repeats
     * the JSON.
     */
    private static String whyUnreadable(Exception e) {
        String message;
        if (e instanceof ValueInstantiationException instantiation && instantiation.getCause() != null) {
            // The manifest's own check, without Jackson's "Cannot construct instance of ..., problem:".
            message = String.valueOf(instantiation.getCause().getMessage());
        }
        else if (e instanceof JsonProcessingException json) {
            // Jackson's hint to enable a coercion speaks to a programmer, not to the person mending the manifest.
            message = json.getOriginalMessage().replaceAll(" \\(but (could|might) if coercion[^)]*\\)", "")
                    // Jackson says null for a count left out too.
                    .replaceAll("^Invalid `null` value encountered for property \"[^\"]*\"$", "null or absent, where a number belongs");
            if (!(e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) && json.getLocation() != null
                    && json.getLocation().getLineNr() > 0) {
                // No field to name (a key given twice, text after the object): where it is instead.
                message += " (line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr() + ")";
            }
        }
        else {
            message = String.valueOf(e.getMessage());
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return field + ": " + message;
        }
        return message;
    }

    /**
     * Writes the manifest only if the key still holds the version {@code expectedEtag} names (none when
     * empty); returns the new version's entity tag, or empty when another writer came first.
     */
    public Optional<String> writeIf(String key, Manifest manifest, Optional<String> expectedEtag) throws IOException {
        return store.putIf(key, mapper.writeValueAsBytes(manifest), expectedEtag);
    }
}
