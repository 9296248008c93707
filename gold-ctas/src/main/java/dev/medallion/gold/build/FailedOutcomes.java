package dev.medallion.gold.build;

import dev.medallion.common.logging.JsonLog;
import dev.medallion.gold.model.GoldModel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A model's failed outcome and its {@code gold model failed} line, one shape whether the model failed before its build
 * ({@link GoldBuilder}) or during it ({@link BuildAndSwap}): the caller goes on with other models and fails the
 * invocation at the end.
 */
final class FailedOutcomes {
    private final JsonLog log;

    FailedOutcomes(JsonLog log) {
        this.log = requireNonNull(log, "log is null");
    }

    /**
     * @param build the failed build, none when the model failed before one started
     * @param started when the model's turn began ({@link System#nanoTime})
     * @param extra fields between the build id and the error, such as the step and Athena's query id
     */
    ModelOutcome failed(GoldModel model, Optional<BuildId> build, long started, int queries, long bytesScanned, Map<String, Object> extra, String reason) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("model", model.name());
        fields.put("outcome", "failed");
        build.ifPresent(id -> fields.put("buildId", id.value()));
        fields.putAll(extra);
        fields.put("error", reason);
        fields.put("queries", queries);
        fields.put("bytesScanned", bytesScanned);
        fields.put("seconds", ModelOutcome.secondsSince(started));
        log.error("gold model failed", fields);
        return new ModelOutcome(model.name(), ModelOutcome.Status.FAILED, build.map(BuildId::value), 0, queries, bytesScanned,
                ModelOutcome.secondsSince(started), Optional.of(reason));
    }
}
