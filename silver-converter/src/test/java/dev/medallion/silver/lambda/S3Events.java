package dev.medallion.silver.lambda;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.medallion.common.storage.ObjectInfo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The {@code s3:ObjectCreated:Put} event S3 sends for an object, for tests: the exact JSON S3 sends
 * ({@code /events/s3-object-created.json}) filled in from the object as stored (URL-encoded key, size,
 * ETag), then loaded through {@link EventLoader}, which deserialises it as the Lambda Java runtime does.
 * Published in silver-converter's test-jar, for bronze-ingest's end-to-end tests.
 */
public final class S3Events {
    private static final String TEMPLATE = "/events/s3-object-created.json";

    private S3Events() {}

    /**
     * The event for {@code object} in {@code bucket}; its single record can be added to another event's
     * records. {@code directory} receives the JSON file EventLoader reads.
     */
    public static S3Event objectCreated(String bucket, ObjectInfo object, Path directory) throws IOException {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(object, "object is null");
        return objectCreated(bucket, eventKey(object.key()), object.size(), object.etag(), directory);
    }

    /** The event for an object whose key the event carries as {@code encodedKey}, encoded or not as S3 would encode it. */
    public static S3Event objectCreated(String bucket, String encodedKey, long size, String etag, Path directory) throws IOException {
        return objectCreated(bucket, encodedKey, size, etag, "ObjectCreated:Put", directory);
    }

    /**
     * The event of another ObjectCreated type ({@code ObjectCreated:Copy}, {@code ObjectCreated:CompleteMultipartUpload}),
     * its object as {@link #objectCreated(String, String, long, String, Path)} gives it.
     */
    public static S3Event objectCreated(String bucket, String encodedKey, long size, String etag, String eventName, Path directory) throws IOException {
        requireNonNull(eventName, "eventName is null");
        requireNonNull(bucket, "bucket is null");
        requireNonNull(encodedKey, "encodedKey is null");
        String template;
        try (InputStream in = S3Events.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IOException(TEMPLATE + " is not on the class path");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String json = template
                .replace("${bucket}", bucket)
                .replace("${key}", encodedKey)
                .replace("${size}", String.valueOf(size))
                .replace("${etag}", etag)
                .replace("\"ObjectCreated:Put\"", "\"" + eventName + "\"");
        Path file = Files.createTempFile(directory, "event", ".json");
        Files.writeString(file, json);
        S3Event event = EventLoader.loadS3Event(file.toString());
        // A mutable list, so that tests can put several records into one event.
        return new S3Event(new ArrayList<>(event.getRecords()));
    }

    /**
     * The removal event S3 sends for {@code key} ({@code /events/s3-object-removed.json}): {@code eventName}
     * {@code ObjectRemoved:DeleteMarkerCreated} for a plain DELETE in a versioned bucket, {@code ObjectRemoved:Delete}
     * for a version deleted (or an object of an unversioned bucket), {@code LifecycleExpiration:Delete} for what S3
     * Lifecycle deletes. Its object has a key, a version id and a sequencer, and no size or ETag, as S3 sends it.
     */
    public static S3Event objectRemoved(String bucket, String key, String eventName, String versionId, Path directory) throws IOException {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(key, "key is null");
        requireNonNull(eventName, "eventName is null");
        requireNonNull(versionId, "versionId is null");
        String json = template("/events/s3-object-removed.json")
                .replace("${bucket}", bucket)
                .replace("${key}", eventKey(key))
                .replace("${eventName}", eventName)
                .replace("${versionId}", versionId);
        Path file = Files.createTempFile(directory, "event", ".json");
        Files.writeString(file, json);
        return new S3Event(new ArrayList<>(EventLoader.loadS3Event(file.toString()).getRecords()));
    }

    private static String template(String resource) throws IOException {
        try (InputStream in = S3Events.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** S3 URL-encodes each key segment in events, with '+' for a space. */
    public static String eventKey(String key) {
        return Arrays.stream(key.split("/", -1))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8))
                .collect(Collectors.joining("/"));
    }
}
