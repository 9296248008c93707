package dev.medallion.rehearsal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The EventBridge event Glue sends to the default bus when a crawler changes state ({@code Glue Crawler
 * State Change}), field for field as the EventBridge User Guide's example of a succeeded crawl shows it:
 * every count a string, {@code resources} empty, the crawler's name and state in {@code detail}.
 */
final class GlueEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GlueEvents() {}

    static String crawlerStateChange(String accountId, String region, String crawler, String state, int partitionsCreated, Instant completed) {
        requireNonNull(crawler, "crawler is null");
        requireNonNull(state, "state is null");
        String time = completed.truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Object> detail = new LinkedHashMap<>();
        if ("Succeeded".equals(state)) {
            detail.put("tablesCreated", "0");
            detail.put("warningMessage", "N/A");
            detail.put("partitionsUpdated", "0");
            detail.put("tablesUpdated", "0");
            detail.put("message", "Crawler Succeeded");
            detail.put("partitionsDeleted", "0");
            detail.put("accountId", accountId);
            detail.put("runningTime (sec)", "42");
            detail.put("tablesDeleted", "0");
            detail.put("crawlerName", crawler);
            detail.put("completionDate", time);
            detail.put("state", state);
            detail.put("partitionsCreated", String.valueOf(partitionsCreated));
        }
        else {
            detail.put("crawlerName", crawler);
            detail.put("errorMessage", "Internal Service Exception");
            detail.put("accountId", accountId);
            detail.put("state", state);
            detail.put("message", "Crawler " + state);
        }
        detail.put("cloudWatchLogLink", "https://console.aws.amazon.com/cloudwatch/home?region=" + region
                + "#logEventViewer:group=/aws-glue/crawlers;stream=" + crawler);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Glue Crawler State Change");
        event.put("source", "aws.glue");
        event.put("account", accountId);
        event.put("time", time);
        event.put("region", region);
        event.put("resources", List.of());
        event.put("detail", detail);
        try {
            return JSON.writeValueAsString(event);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
