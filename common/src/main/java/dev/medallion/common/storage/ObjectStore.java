package dev.medallion.common.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * A flat namespace of objects: one S3 bucket (under an optional prefix) or one local directory.
 * Keys use '/' as separator. Failures the caller may retry surface as {@link IOException}s or
 * the SDK's own exceptions; they are never swallowed.
 */
public interface ObjectStore {
    /** Metadata of the object, or empty when there is none under that key. */
    Optional<ObjectInfo> stat(String key) throws IOException;

    /**
     * Streams the object's content. When {@code expectedEtag} is given and the object has changed
     * since, the read fails instead of mixing two versions ({@link ObjectReplacedException}, or
     * {@link ObjectDeletedException} when the key has no object any more).
     */
    InputStream open(String key, Optional<String> expectedEtag) throws IOException;

    /**
     * Streams bytes {@code from} (inclusive) to {@code to} (exclusive) of the object, as {@link #open}
     * does the whole: several readers may each read a range of one object at the same time. The caller
     * checks that it received {@code to - from} bytes.
     */
    InputStream openRange(String key, Optional<String> expectedEtag, long from, long to) throws IOException;

    /** Reads a small object whole (manifests, schema contracts), or empty when there is none. */
    default Optional<byte[]> read(String key) throws IOException {
        return readVersioned(key).map(VersionedContent::content);
    }

    /** Reads a small object whole with the entity tag of the version read, or empty when there is none. */
    Optional<VersionedContent> readVersioned(String key) throws IOException;

    /** Writes a small object whole, replacing any object under that key. */
    void put(String key, byte[] content) throws IOException;

    /**
     * Writes a small object only if the key still holds the version the caller read: the object with
     * entity tag {@code expectedEtag}, or no object at all when it is empty. Of several writers that read
     * the same version, at most one succeeds. Returns the entity tag of the written object, or empty when
     * the precondition failed (another writer came first).
     * <p>
     * When a write did land but its answer was lost and a retry then fails the precondition, this returns
     * empty although the object is the caller's: callers that must tell the two apart write content that
     * identifies the writer and read it back.
     * <p>
     * A {@link WriteRefusedException} says the write did not happen; any other failure leaves it unknown:
     * the write may have landed, or may land later, after the caller has seen the failure.
     */
    Optional<String> putIf(String key, byte[] content, Optional<String> expectedEtag) throws IOException;

    /** Writes a small object only if none exists under that key; returns whether it was written. See {@link #putIf}. */
    default boolean putIfAbsent(String key, byte[] content) throws IOException {
        return putIf(key, content, Optional.empty()).isPresent();
    }

    /** Starts a streamed, two-phase write of a possibly large object; see {@link ObjectUpload}. */
    ObjectUpload create(String key) throws IOException;

    /** Keys of all objects whose key starts with the prefix, in lexicographic order. */
    List<String> list(String prefix) throws IOException;

    /**
     * What {@link #stat} tells of each object whose key starts with the prefix (its entity tag above all), in
     * the keys' lexicographic order. This default lists the keys, then reads each; a store that lists with
     * the metadata (S3) reads none. An object removed in between is left out, as if listed a moment later.
     */
    default List<ObjectInfo> listObjects(String prefix) throws IOException {
        List<ObjectInfo> objects = new ArrayList<>();
        for (String key : list(prefix)) {
            stat(key).ifPresent(objects::add);
        }
        return objects;
    }

    /**
     * The names of the folders directly under {@code prefix} (empty, or ending in {@code /}): each distinct
     * segment up to the next {@code /} of the keys below it, in lexicographic order; an object directly
     * under the prefix is no folder. This default reads every key below; a store that can list by
     * delimiter (S3) reads one entry a folder instead.
     */
    default List<String> listFolders(String prefix) throws IOException {
        checkFolderPrefix(prefix);
        TreeSet<String> names = new TreeSet<>();
        for (String key : list(prefix)) {
            int slash = key.indexOf('/', prefix.length());
            if (slash > prefix.length()) {
                names.add(key.substring(prefix.length(), slash));
            }
        }
        return List.copyOf(names);
    }

    /** Refuses a prefix that does not end a folder: {@code table/p=1} would also take {@code table/p=10/}. */
    static void checkFolderPrefix(String prefix) {
        requireNonNull(prefix, "prefix is null");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("A folder prefix is empty or ends in '/': " + prefix);
        }
    }

    /** Deletes the objects; keys that do not exist are ignored. */
    void delete(Collection<String> keys) throws IOException;

    /** A human-readable location for messages, such as {@code s3://bucket/key}. */
    String describe(String key);
}
