package dev.medallion.gold.athena;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A query that did not succeed: Athena failed or cancelled it, it could not be started, or it was
 * stopped because the invocation was running out of time. The message names the step, the query id
 * (when Athena gave one) and Athena's own reason, so the invocation's error is enough to find it.
 */
public final class AthenaQueryException extends RuntimeException {
    private final QueryStep step;
    private final Optional<String> queryId;
    private final String state;
    private final String reason;

    public AthenaQueryException(QueryStep step, Optional<String> queryId, String state, String reason, Throwable cause) {
        super(message(step, queryId, state, reason), cause);
        this.step = requireNonNull(step, "step is null");
        this.queryId = requireNonNull(queryId, "queryId is null");
        this.state = requireNonNull(state, "state is null");
        this.reason = requireNonNull(reason, "reason is null");
    }

    public QueryStep step() {
        return step;
    }

    public Optional<String> queryId() {
        return queryId;
    }

    /**
     * Athena's final state ({@code FAILED}, {@code CANCELLED}), or {@code NOT_STARTED} (Athena answered the start and
     * refused it), {@code NO_TIME_TO_START} (the deadline left too little time to wait for it, so it was not sent),
     * {@code START_UNKNOWN} (starting it failed without saying whether it started, and no resend with its token was answered),
     * {@code UNKNOWN} (its state could not be read), {@code TIMED_OUT} or {@code INTERRUPTED} (stopped), or
     * {@code RESULTS_UNREAD} (it succeeded, and its results could not be read).
     */
    public String state() {
        return state;
    }

    public String reason() {
        return reason;
    }

    private static String message(QueryStep step, Optional<String> queryId, String state, String reason) {
        return "Athena " + queryId.map(id -> "query " + id).orElse("query") + " (" + step + ") " + state + ": " + reason;
    }
}
