package dev.medallion.gold.lambda;

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
 * <li>EventBridge {@code Glue Crawler State Change} with {@code detail.state} {@code Succeeded}: every
 *     model (those whose inputs did not change are skipped). Other states are ignored: a failed crawl
 *     changed nothing worth a build.</li>
 * <li>EventBridge {@code Scheduled Event}: every model, the same way.</li>
 * <li>A direct invocation: {@code {"models": ["daily_sales"]}} for those models, {@code {}} for all;
 *     {@code "force": true} rebuilds even when the inputs are unchanged (after a manual repair, say).</li>
 * </ul>
 * Anything else is refused with a message saying what is accepted, rather than building everything on a
 * malformed request.
 *
 * @param models the models asked for, empty for all of them
 * @param ignored why nothing is to be done, such as a crawl that did not succeed
 */
public record GoldRequest(String trigger, Optional<List<String>> models, boolean force, Optional<String> ignored) {
    static final String CRAWLER_STATE_CHANGE = "Glue Crawler State Change";
    static final String SCHEDULED_EVENT = "Scheduled Event";
    private static final Set<String> DIRECT_KEYS = Set.of("models", "force");

    public GoldRequest {
        requireNonNull(trigger, "trigger is null");
        models = requireNonNull(models, "models is null").map(List::copyOf);
        requireNonNull(ignored, "ignored is null");
    }

    public static GoldRequest parse(Map<String, Object> event) {
        requireNonNull(event, "event is null");
        Object detailType = event.get("detail-type");
        if (detailType != null) {
            return fromEventBridge(String.valueOf(detailType), event);
        }
        Set<String> unknown = new TreeSet<>(event.keySet());
        unknown.removeAll(DIRECT_KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unrecognised gold request keys " + unknown + ": send {\"models\": [\"name\", ...]} (or {} for all models), "
                    + "optionally with \"force\": true, or an EventBridge '" + CRAWLER_STATE_CHANGE + "' or '" + SCHEDULED_EVENT + "' event");
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
        return new GoldRequest("direct invocation", models, (Boolean) force, Optional.empty());
    }

    private static GoldRequest fromEventBridge(String detailType, Map<String, Object> event) {
        Object detail = event.get("detail");
        Map<?, ?> details = detail instanceof Map<?, ?> map ? map : Map.of();
        switch (detailType) {
            case CRAWLER_STATE_CHANGE: {
                String crawler = String.valueOf(details.get("crawlerName"));
                String state = String.valueOf(details.get("state"));
                String trigger = "crawler " + crawler + " " + state;
                if (!"Succeeded".equals(state)) {
                    return new GoldRequest(trigger, Optional.empty(), false, Optional.of("the crawl did not succeed (state " + state + ")"));
                }
                return new GoldRequest(trigger, Optional.empty(), false, Optional.empty());
            }
            case SCHEDULED_EVENT:
                return new GoldRequest("schedule " + event.getOrDefault("resources", List.of()), Optional.empty(), false, Optional.empty());
            default:
                throw new IllegalArgumentException("Unrecognised EventBridge event '" + detailType + "' from " + event.get("source")
                        + ": the gold builder handles '" + CRAWLER_STATE_CHANGE + "' and '" + SCHEDULED_EVENT + "'");
        }
    }
}
