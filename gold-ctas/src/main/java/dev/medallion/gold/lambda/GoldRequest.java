package dev.medallion.gold.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medallion.common.logging.ErrorMessages;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * What an invocation asks for, read from the event as the Lambda runtime deserialises it into a map.
 * <ul>
 * <li>An SQS batch from the gold trigger queue ({@code Records} whose {@code eventSource} is
 *     {@code aws:sqs}), each body the S3 event notification of a silver manifest, the converter's commit
 *     marker: every model (those whose inputs did not change are skipped). S3's {@code s3:TestEvent}
 *     (sent once when the notification is configured) carries no commit; a body that is neither is
 *     {@linkplain SqsBatch#unreadable() unreadable} and returned as a failure, so that it ends in the
 *     dead-letter queue for a person to look at.</li>
 * <li>EventBridge {@code Scheduled Event}: every model, the same way.</li>
 * <li>A direct invocation: {@code {"models": ["daily_sales"]}} for those models, {@code {}} for all;
 *     {@code "force": true} rebuilds even when the inputs are unchanged (after a manual repair, say).</li>
 * </ul>
 * Anything else is refused with a message saying what is accepted, rather than building everything on a
 * malformed request.
 *
 * @param models the models asked for, empty for all of them
 * @param ignored why nothing is to be done, such as a batch of nothing but S3 test events
 * @param batch the SQS batch the request came in, whose messages the response must account for
 */
public record GoldRequest(String trigger, Optional<List<String>> models, boolean force, Optional<String> ignored, Optional<SqsBatch> batch) {
    static final String SCHEDULED_EVENT = "Scheduled Event";
    static final String SQS_EVENT_SOURCE = "aws:sqs";
    private static final Set<String> DIRECT_KEYS = Set.of("models", "force");
    private static final ObjectMapper JSON = new ObjectMapper();

    public GoldRequest {
        requireNonNull(trigger, "trigger is null");
        models = requireNonNull(models, "models is null").map(List::copyOf);
        requireNonNull(ignored, "ignored is null");
        requireNonNull(batch, "batch is null");
    }

    public static GoldRequest parse(Map<String, Object> event) {
        requireNonNull(event, "event is null");
        if (event.containsKey("Records")) {
            return fromSqs(event.get("Records"));
        }
        Object detailType = event.get("detail-type");
        if (detailType != null) {
            return fromEventBridge(String.valueOf(detailType), event);
        }
        Set<String> unknown = new TreeSet<>(event.keySet());
        unknown.removeAll(DIRECT_KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unrecognised gold request keys " + unknown + ": send {\"models\": [\"name\", ...]} (or {} for all models), "
                    + "optionally with \"force\": true; the function also handles SQS batches of silver commits and EventBridge '" + SCHEDULED_EVENT + "' events");
        }
        Optional<List<String>> models = Optional.empty();
        Object names = event.get("models");
        if (names != null) {
            if (!(names instanceof List<?> list) || list.stream().anyMatch(name -> !(name instanceof String))) {
                throw new IllegalArgumentException("\"models\" must be a list of model names, got " + names);
            }
            List<String> chosen = new ArrayList<>();
            list.forEach(name -> chosen.add((String) name));
            models = chosen.isEmpty() ? Optional.empty() : Optional.of(chosen);
        }
        Object force = event.getOrDefault("force", false);
        if (!(force instanceof Boolean)) {
            throw new IllegalArgumentException("\"force\" must be true or false, got " + force);
        }
        return new GoldRequest("direct invocation", models, (Boolean) force, Optional.empty(), Optional.empty());
    }

    private static GoldRequest fromEventBridge(String detailType, Map<String, Object> event) {
        if (SCHEDULED_EVENT.equals(detailType)) {
            return new GoldRequest("schedule " + event.getOrDefault("resources", List.of()), Optional.empty(), false, Optional.empty(), Optional.empty());
        }
        throw new IllegalArgumentException("Unrecognised EventBridge event '" + detailType + "' from " + event.get("source")
                + ": the gold builder handles EventBridge '" + SCHEDULED_EVENT + "' events, SQS batches of silver commits and direct invocations");
    }

    private static GoldRequest fromSqs(Object records) {
        if (!(records instanceof List<?> list)) {
            throw new IllegalArgumentException("\"Records\" must be a list of SQS messages, got " + records);
        }
        List<String> messageIds = new ArrayList<>();
        List<String> commits = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        int testEvents = 0;
        String queue = "";
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> record) || !SQS_EVENT_SOURCE.equals(record.get("eventSource")) || !(record.get("messageId") instanceof String messageId)) {
                throw new IllegalArgumentException("Unrecognised record " + item + ": the gold builder takes \"Records\" only from SQS (eventSource "
                        + SQS_EVENT_SOURCE + ", with a messageId), as Lambda's event source mapping of the gold trigger queue sends them");
            }
            messageIds.add(messageId);
            queue = String.valueOf(record.get("eventSourceARN"));
            Body body = Body.read(String.valueOf(record.get("body")));
            commits.addAll(body.manifests());
            testEvents += body.testEvent() ? 1 : 0;
            if (body.unreadable().isPresent()) {
                unreadable.add(messageId + " (" + body.unreadable().get() + ")");
            }
        }
        SqsBatch batch = new SqsBatch(messageIds, commits, testEvents, unreadable);
        String trigger = "queue " + queue;
        if (commits.isEmpty()) {
            return new GoldRequest(trigger, Optional.empty(), false, Optional.of("the batch carries no silver commit (" + testEvents + " S3 test event(s), "
                    + unreadable.size() + " unreadable message(s))"), Optional.of(batch));
        }
        return new GoldRequest(trigger, Optional.empty(), false, Optional.empty(), Optional.of(batch));
    }

    /**
     * The messages of one SQS batch.
     *
     * @param messageIds every message, in the batch's order: what the response must return as failures to
     *     have the batch delivered again
     * @param commits the manifest keys the S3 notifications name, one per commit
     * @param testEvents S3's {@code s3:TestEvent} messages
     * @param unreadable the messages that are neither, by id with the reason
     */
    public record SqsBatch(List<String> messageIds, List<String> commits, int testEvents, List<String> unreadable) {
        public SqsBatch {
            messageIds = List.copyOf(messageIds);
            commits = List.copyOf(commits);
            unreadable = List.copyOf(unreadable);
        }

        /** The ids of the unreadable messages alone. */
        public List<String> unreadableIds() {
            return unreadable.stream().map(entry -> entry.substring(0, entry.indexOf(' '))).toList();
        }
    }

    /** One message body: an S3 event notification (its object keys), S3's test event, or neither. */
    private record Body(List<String> manifests, boolean testEvent, Optional<String> unreadable) {
        static Body read(String text) {
            JsonNode json;
            try {
                json = JSON.readTree(text);
            }
            catch (IOException e) {
                return new Body(List.of(), false, Optional.of("not JSON: " + ErrorMessages.describe(e)));
            }
            if (json == null || !json.isObject()) {
                return new Body(List.of(), false, Optional.of("not a JSON object"));
            }
            if ("s3:TestEvent".equals(json.path("Event").asText())) {
                return new Body(List.of(), true, Optional.empty());
            }
            JsonNode records = json.path("Records");
            if (!records.isArray() || records.isEmpty()) {
                return new Body(List.of(), false, Optional.of("not an S3 event notification: no Records"));
            }
            List<String> keys = new ArrayList<>();
            for (JsonNode record : records) {
                String key = record.path("s3").path("object").path("key").asText("");
                if (!"aws:s3".equals(record.path("eventSource").asText()) || key.isEmpty()) {
                    return new Body(List.of(), false, Optional.of("not an S3 event notification: a record without eventSource aws:s3 and an object key"));
                }
                // S3 URL-encodes keys in notifications (a space arrives as '+').
                keys.add(URLDecoder.decode(key, StandardCharsets.UTF_8));
            }
            return new Body(keys, false, Optional.empty());
        }
    }
}
