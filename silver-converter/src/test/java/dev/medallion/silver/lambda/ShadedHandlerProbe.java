package dev.medallion.silver.lambda;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import dev.medallion.common.config.Environment;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.S3Clients;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the handler from the shaded jar alone (ShadedJarIT puts only the jar and this class on the class
 * path), so a class the jar's minimisation dropped fails here rather than in Lambda.
 * Arguments: endpoint, bronze bucket, silver bucket, URL-encoded key, size, ETag.
 */
public final class ShadedHandlerProbe {
    private ShadedHandlerProbe() {}

    public static void main(String[] args) {
        URI endpoint = URI.create(args[0]);
        SilverConverterHandler handler = new SilverConverterHandler(
                new Environment(Map.of("SILVER_BUCKET", args[2])), S3Clients.create(Optional.of(endpoint)), JsonLog.standardOutput());
        var object = new S3EventNotification.S3ObjectEntity(args[3], Long.parseLong(args[4]), args[5], null, "0055AED6DCD90281E5");
        var bucket = new S3EventNotification.S3BucketEntity(args[1], new S3EventNotification.UserIdentityEntity("A3NL1KOZZKExample"), "arn:aws:s3:::" + args[1]);
        var record = new S3EventNotification.S3EventNotificationRecord("us-east-1", "ObjectCreated:Put", "aws:s3", "2026-03-14T23:30:00.000Z", "2.1",
                null, null, new S3EventNotification.S3Entity("bronze-csv-created", bucket, object, "1.0"), null);
        List<String> outcomes = handler.handleRequest(new S3Event(List.of(record)), null);
        System.out.println("outcomes=" + outcomes);
    }
}
