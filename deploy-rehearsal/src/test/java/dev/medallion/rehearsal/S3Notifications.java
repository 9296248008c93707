package dev.medallion.rehearsal;

import dev.medallion.common.storage.ObjectInfo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** The JSON document S3 sends a Lambda function for one {@code ObjectCreated} or {@code ObjectRemoved} event (event notification schema 2.1). */
final class S3Notifications {
    private S3Notifications() {}

    static String objectCreated(String region, String configurationId, String bucket, ObjectInfo object) {
        return objectCreated(region, "ObjectCreated:Put", configurationId, bucket, object);
    }

    /**
     * @param eventName {@code ObjectCreated:Put} for a PutObject, {@code ObjectCreated:CompleteMultipartUpload}
     *        for a multipart upload, and so on
     */
    static String objectCreated(String region, String eventName, String configurationId, String bucket, ObjectInfo object) {
        requireNonNull(eventName, "eventName is null");
        requireNonNull(bucket, "bucket is null");
        requireNonNull(object, "object is null");
        return """
                {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"%s","eventTime":"%s","eventName":"%s",\
                "userIdentity":{"principalId":"AWS:AIDAEXAMPLE"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},\
                "responseElements":{"x-amz-request-id":"EXAMPLE123456789","x-amz-id-2":"EXAMPLE/abc"},\
                "s3":{"s3SchemaVersion":"1.0","configurationId":"%s","bucket":{"name":"%s","ownerIdentity":{"principalId":"EXAMPLE"},"arn":"arn:aws:s3:::%s"},\
                "object":{"key":"%s","size":%d,"eTag":"%s","sequencer":"0055AED6DCD90281E5"}}}]}"""
                .formatted(region, object.lastModified(), eventName, configurationId, bucket, bucket, eventKey(object.key()), object.size(), object.etag());
    }

    /**
     * The record of a removal: {@code ObjectRemoved:DeleteMarkerCreated} for a plain DELETE in a versioned
     * bucket, whose object carries the delete marker's {@code versionId} and, having no content, no
     * {@code size} or {@code eTag} (the shape of silver-converter's {@code events/s3-object-removed.json}).
     */
    static String objectRemoved(String region, String eventName, String configurationId, String bucket, String key, String versionId, Instant eventTime) {
        requireNonNull(eventName, "eventName is null");
        requireNonNull(configurationId, "configurationId is null");
        requireNonNull(bucket, "bucket is null");
        requireNonNull(key, "key is null");
        requireNonNull(versionId, "versionId is null (a removal in a versioned bucket names the version or delete marker)");
        requireNonNull(eventTime, "eventTime is null");
        return """
                {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"%s","eventTime":"%s","eventName":"%s",\
                "userIdentity":{"principalId":"AWS:AIDAEXAMPLE"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},\
                "responseElements":{"x-amz-request-id":"EXAMPLE123456789","x-amz-id-2":"EXAMPLE/abc"},\
                "s3":{"s3SchemaVersion":"1.0","configurationId":"%s","bucket":{"name":"%s","ownerIdentity":{"principalId":"EXAMPLE"},"arn":"arn:aws:s3:::%s"},\
                "object":{"key":"%s","versionId":"%s","sequencer":"0055AED6DCD90281E6"}}}]}"""
                .formatted(region, eventTime, eventName, configurationId, bucket, bucket, eventKey(key), versionId);
    }

    /** S3 URL-encodes each key segment in events, with '+' for a space. */
    static String eventKey(String key) {
        return Arrays.stream(key.split("/", -1))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8))
                .collect(Collectors.joining("/"));
    }
}
