package dev.medallion.gold.testing;

import dev.medallion.common.testing.S3Emulator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The gold trigger queue, on the emulator's SQS (moto's receipts, visibility timeouts and deletions), and
 * the two steps of Lambda's SQS event source mapping around an invocation that moto cannot run for a Java
 * function: the batch as the event Lambda sends it ({@link #event}), and, with
 * {@code ReportBatchItemFailures}, what it does with the answer ({@link #settle}): every message the
 * response does not name is deleted with the receipt handle of that delivery; after a failed invocation,
 * none is.
 */
public final class TriggerQueue implements AutoCloseable {
    private final SqsClient sqs;
    private final String url;
    private final String arn;

    public TriggerQueue(S3Emulator aws) {
        requireNonNull(aws, "aws is null");
        this.sqs = SqsClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(aws.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
        String name = "gold-triggers-" + UUID.randomUUID();
        this.url = sqs.createQueue(request -> request.queueName(name)).queueUrl();
        this.arn = sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** What S3 sends the queue: one notification. */
    public void send(String body) {
        requireNonNull(body, "body is null");
        sqs.sendMessage(request -> request.queueUrl(url).messageBody(body));
    }

    /**
     * One delivery of what is visible, waiting up to {@code waitSeconds} for it, each message then invisible
     * for {@code visibilityTimeoutSeconds} (0: visible again at once, so SQS delivers it a second time).
     */
    public List<Message> receive(int visibilityTimeoutSeconds, int waitSeconds) {
        return sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(visibilityTimeoutSeconds)
                .waitTimeSeconds(waitSeconds).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    /** The event Lambda's mapping invokes the function with for {@code delivery}, as the runtime deserialises it. */
    public Map<String, Object> event(List<Message> delivery) {
        List<Map<String, Object>> records = delivery.stream().map(message -> {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            record.put("attributes", new LinkedHashMap<>(message.attributesAsStrings()));
            record.put("messageAttributes", Map.of());
            record.put("md5OfBody", message.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", arn);
            record.put("awsRegion", Region.US_EAST_1.id());
            return record;
        }).toList();
        return Map.of("Records", records);
    }

    /**
     * What the mapping does once an invocation with {@code delivery} returned {@code response}: deletes, with
     * this delivery's receipt handles, every message the response does not return as a batch item failure.
     */
    public void settle(List<Message> delivery, Map<String, Object> response) {
        requireNonNull(response, "response is null");
        Object failures = response.get("batchItemFailures");
        if (!(failures instanceof List<?> items)) {
            throw new IllegalArgumentException("Not a partial batch response: " + response);
        }
        Set<Object> handedBack = new HashSet<>();
        items.forEach(item -> handedBack.add(((Map<?, ?>) item).get("itemIdentifier")));
        delivery.stream().filter(message -> !handedBack.contains(message.messageId()))
                .forEach(message -> sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle(message.receiptHandle())));
    }

    @Override
    public void close() {
        sqs.deleteQueue(request -> request.queueUrl(url));
        sqs.close();
    }
}
