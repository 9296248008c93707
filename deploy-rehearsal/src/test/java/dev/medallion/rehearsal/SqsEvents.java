package dev.medallion.rehearsal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The event Lambda's SQS event source mapping sends a function for a batch of messages, field for field
 * as the Lambda Developer Guide's example shows it ("Using Lambda with Amazon SQS"): {@code Records},
 * each with the message's id, receipt handle, body, system attributes (as strings), message attributes,
 * body MD5, {@code eventSource} {@code aws:sqs}, the queue's ARN and region.
 */
final class SqsEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SqsEvents() {}

    static String batch(String queueArn, String region, List<Message> messages) {
        requireNonNull(queueArn, "queueArn is null");
        requireNonNull(region, "region is null");
        List<Map<String, Object>> records = messages.stream().map(message -> {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            record.put("attributes", new LinkedHashMap<>(message.attributesAsStrings()));
            record.put("messageAttributes", Map.of());
            record.put("md5OfBody", message.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", queueArn);
            record.put("awsRegion", region);
            return record;
        }).toList();
        try {
            return JSON.writeValueAsString(Map.of("Records", records));
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
