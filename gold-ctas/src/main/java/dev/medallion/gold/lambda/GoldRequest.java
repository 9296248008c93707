package dev.medallion.gold.lambda;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.medallion.common.aws.EventKeys;
import dev.medallion.common.logging.ErrorMessages;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
 * Anything else (a {@code "models"} that is null or an empty list included) is refused with a message
 * saying what is accepted, rather than building everything on a malformed request.
 *
 * @param models the models asked for, empty for all of them
 * @param ignored why nothing is to be done, such as a batch of nothing but S3 test events
 * @param batch the SQS batch the request came in, whose messages the response must account for
 */
public record GoldRequest(String trigger, Optional<List<String>> models, boolean force, Optional<String> ignored, Optional<SqsBatch> batch) {
    static final String SCHEDULED_EVENT = "Scheduled Event";
    static final String SQS_EVENT_SOURCE = "aws:sqs";
    /** How a scheduled invocation's trigger starts: no other request's does. */
    private static final String SCHEDULE_TRIGGER = "schedule ";
    private static final Set<String> DIRECT_KEYS = Set.of("models", "force");
    /**
     * Strict for what it reads of a message body: a key given twice or anything after the notification is refused (Jackson
     * keeps the last of two keys and ignores trailing text by default), so that a damaged body is an unreadable message, for
     * the dead-letter queue and a person, never taken for a commit. Fields it does not read are passed over: a newer
     * notification's, or a newer sender's during a deploy, must not fail a message.
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

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
        if (names == null && event.containsKey("models")) {
            // Most likely an unset variable in a script, as JSON's null: taken for "all", with force it would rebuild everything.
            throw new IllegalArgumentException("\"models\" is null: name at least one model, as [\"name\", ...], or leave \"models\" out to build them all");
        }
        if (names != null) {
            if (!(names instanceof List<?> list) || list.stream().anyMatch(name -> !(name instanceof String))) {
                throw new IllegalArgumentException("\"models\" must be a list of model names, got " + names);
            }
            if (list.isEmpty()) {
                // Most likely an empty variable in a script: taken for "all", with force it would rebuild everything.
                throw new IllegalArgumentException("\"models\" is an empty list: name at least one model, or leave \"models\" out to build them all");
            }
            // A model named twice is built once: a second forced build would delete the build kept for rollback.
            Set<String> chosen = new LinkedHashSet<>();
            list.forEach(name -> chosen.add((String) name));
            models = Optional.of(List.copyOf(chosen));
        }
        Object force = event.getOrDefault("force", false);
        if (!(force instanceof Boolean)) {
            throw new IllegalArgumentException("\"force\" must be true or false, got " + force);
        }
        return new GoldRequest("direct invocation", models, (Boolean) force, Optional.empty(), Optional.empty());
    }

    private static GoldRequest fromEventBridge(String detailType, Map<String, Object> event) {
        if (SCHEDULED_EVENT.equals(detailType)) {
            return new GoldRequest(SCHEDULE_TRIGGER + event.getOrDefault("resources", List.of()), Optional.empty(), false, Optional.empty(), Optional.empty());
        }
        throw new IllegalArgumentException("Unrecognised EventBridge event '" + detailType + "' from " + event.get("source")
                + ": the gold builder handles EventBridge '" + SCHEDULED_EVENT + "' events, SQS batches of silver commits and direct invocations");
    }

    /** Whether EventBridge's schedule ({@code gold_schedule}) sent it: every model, with nobody waiting for the answer. */
    public boolean scheduled() {
        return trigger.startsWith(SCHEDULE_TRIGGER);
    }

    private static GoldRequest fromSqs(Object records) {
        if (!(records instanceof List<?> list)) {
            throw new IllegalArgumentException("\"Records\" must be a list of SQS messages, got " + records);
        }
        List<SqsMessage> messages = new ArrayList<>();
        String queue = "";
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> record) || !SQS_EVENT_SOURCE.equals(record.get("eventSource")) || !(record.get("messageId") instanceof String messageId)) {
                throw new IllegalArgumentException("Unrecognised record " + item + ": the gold builder takes \"Records\" only from SQS (eventSource "
                        + SQS_EVENT_SOURCE + ", with a messageId), as Lambda's event source mapping of the gold trigger queue sends them");
            }
            queue = String.valueOf(record.get("eventSourceARN"));
            messages.add(SqsMessage.read(messageId, String.valueOf(record.get("body"))));
        }
        SqsBatch batch = new SqsBatch(messages);
        String trigger = "queue " + queue;
        if (batch.commits().isEmpty()) {
            return new GoldRequest(trigger, Optional.empty(), false, Optional.of("the batch carries no silver commit (" + batch.testEvents() + " S3 test event(s), "
                    + batch.unreadable().size() + " unreadable message(s))"), Optional.of(batch));
        }
        return new GoldRequest(trigger, Optional.empty(), false, Optional.empty(), Optional.of(batch));
    }

    /** The messages of one SQS batch, in the batch's order. */
    public record SqsBatch(List<SqsMessage> messages) {
        public SqsBatch {
            messages = List.copyOf(messages);
        }

        /** Every message: what the response must return as failures to have the batch delivered again. */
        public List<String> messageIds() {
            return messages.stream().map(SqsMessage::id).toList();
        }

        /** The manifest keys the S3 notifications name, one per commit. */
        public List<String> commits() {
            return messages.stream().flatMap(message -> message.manifests().stream()).toList();
        }

        /** S3's {@code s3:TestEvent} messages. */
        public int testEvents() {
            return (int) messages.stream().filter(SqsMessage::testEvent).count();
        }

        /** The messages that are neither, by id with the reason. */
        public List<String> unreadable() {
            return messages.stream().filter(message -> message.unreadable().isPresent())
                    .map(message -> message.id() + " (" + message.unreadable().get() + ")").toList();
        }

        /** The ids of the unreadable messages alone. */
        public List<String> unreadableIds() {
            return messages.stream().filter(message -> message.unreadable().isPresent()).map(SqsMessage::id).toList();
        }
    }

    /** One message: an S3 event notification (its object keys), S3's test event, or neither. */
    public record SqsMessage(String id, List<String> manifests, boolean testEvent, Optional<String> unreadable) {
        public SqsMessage {
            requireNonNull(id, "id is null");
            manifests = List.copyOf(manifests);
            requireNonNull(unreadable, "unreadable is null");
        }

        static SqsMessage read(String id, String text) {
            JsonNode json;
            try {
                json = JSON.readTree(text);
            }
            catch (IOException e) {
                return unreadable(id, "not JSON: " + ErrorMessages.describe(e));
            }
            if (json == null || !json.isObject()) {
                return unreadable(id, "not a JSON object");
            }
            if ("s3:TestEvent".equals(json.path("Event").asText())) {
                return new SqsMessage(id, List.of(), true, Optional.empty());
            }
            JsonNode records = json.path("Records");
            if (!records.isArray() || records.isEmpty()) {
                return unreadable(id, "not an S3 event notification: no Records");
            }
            List<String> keys = new ArrayList<>();
            for (int index = 0; index < records.size(); index++) {
                JsonNode record = records.get(index);
                JsonNode keyNode = record.path("s3").path("object").path("key");
                if (!keyNode.isMissingNode() && !keyNode.isNull() && !keyNode.isTextual()) {
                    // asText() would read a number or a boolean as its digits or word: a key no commit has, the message then acknowledged.
                    return unreadable(id, "not an S3 event notification: Records[" + index + "].s3.object.key is a " + keyNode.getNodeType().name().toLowerCase(Locale.ROOT)
                            + " (" + keyNode + "), where S3 sends the object key as text; the message goes to the dead-letter queue: find what sent it");
                }
                String key = keyNode.asText("");
                if (!"aws:s3".equals(record.path("eventSource").asText()) || key.isEmpty()) {
                    return unreadable(id, "not an S3 event notification: a record without eventSource aws:s3 and an object key");
                }
                // S3 URL-encodes keys in notifications (a space arrives as '+').
                try {
                    keys.add(EventKeys.decode(key));
                }
                catch (IllegalArgumentException e) {
                    return unreadable(id, e.getMessage());
                }
            }
            return new SqsMessage(id, keys, false, Optional.empty());
        }

        private static SqsMessage unreadable(String id, String reason) {
            return new SqsMessage(id, List.of(), false, Optional.of(reason));
        }
    }
}
