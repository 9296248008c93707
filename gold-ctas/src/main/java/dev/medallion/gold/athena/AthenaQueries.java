package dev.medallion.gold.athena;

import dev.medallion.common.aws.Refusals;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.RequestTimeLimit;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.AthenaError;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.QueryExecutionStatistics;
import software.amazon.awssdk.services.athena.model.QueryExecutionStatus;
import software.amazon.awssdk.services.athena.model.Row;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Runs one Athena query at a time in the gold workgroup and waits for it: polls with exponential
 * backoff ({@value #FIRST_POLL_MILLIS} ms doubling up to {@value #MAX_POLL_MILLIS} ms) for as long as
 * the deadline leaves {@code safetyMargin} to clean up, then stops the query and gives up. One JSON log
 * line per finished query: model, build, step, query id, state, bytes scanned, seconds.
 * <p>
 * Result location and encryption come from the workgroup's settings, so the request names neither. The
 * workgroup is the builder's own and does not enforce its configuration: Athena fails a CTAS that names
 * its external_location, as every one of {@code GoldStatements} does, in a workgroup that enforces it.
 * <p>
 * Every StartQueryExecution carries a ClientRequestToken chosen here, one per {@link #run}: the model, build
 * and step, then a random UUID ({@link #clientRequestToken}); one per build and step for {@link #runFindable},
 * the view swap's, which the next invocation sends again to learn what became of a swap whose start went
 * unanswered ({@link #findableClientRequestToken}). Athena answers a start resent with the token
 * the QueryExecutionId the token started, and starts no other query ("If another StartQueryExecution request
 * is received, the same response is returned and another query is not created", the API reference's
 * ClientRequestToken). The SDK would fill a token itself, and keep it across its own retries, but not across
 * calls: when every attempt of a start goes unanswered, gold resends it, with the same token, up to
 * {@value #START_RESENDS} times while the deadline leaves time to wait for the query, and then waits for it,
 * or stops it, as for any query. Only a start that no resend answers ends {@value #START_UNKNOWN}. A token
 * is never sent with another statement. A random one is never sent by another invocation; a findable one is, by
 * the next, and how long Athena keeps a token is not documented: sent after Athena forgot it, it starts the
 * statement again, which for the view swap is the same swap (one build's view statement is always the same).
 * <p>
 * Each request (the start, every poll of the query's state, its stop, each page of its results) takes at
 * most what its {@link RequestTimeLimit} gives when it starts (the SDK's {@code apiCallTimeout}, retries
 * included): a request that hangs fails like one that found no answer, naming the query and the limit, and
 * a poll that hangs stops the query, rather than holding the invocation until Lambda ends it. So does any
 * other failure while the query runs, an {@link Error} included, which then goes on unchanged.
 */
public final class AthenaQueries {
    /** Athena answered the start and refused it (invalid, throttled, denied): its answer is the failure's cause. */
    public static final String NOT_STARTED = "NOT_STARTED";
    /**
     * The start was not sent: the deadline left too little time to wait for the query ({@link #requireTimeToStart}).
     * Nothing reached Athena, and the next invocation with the time sends it. A name of its own, not another
     * {@value #NOT_STARTED}, so that a caller, a message or a person reading the log tells the two apart by the state.
     */
    public static final String NO_TIME_TO_START = "NO_TIME_TO_START";
    /** Starting the query failed in a way that does not say whether it started. */
    public static final String START_UNKNOWN = "START_UNKNOWN";
    /** The query succeeded, and its results could not be read. */
    public static final String RESULTS_UNREAD = "RESULTS_UNREAD";
    static final long FIRST_POLL_MILLIS = 250;
    static final long MAX_POLL_MILLIS = 5_000;
    /** Resends of a start whose every attempt went unanswered; waits between them as between polls. */
    static final int START_RESENDS = 4;
    /** Athena's longest ClientRequestToken (StartQueryExecution's IdempotencyToken: 32 to 128 characters). */
    static final int TOKEN_MAX_LENGTH = 128;
    /** Athena's shortest ClientRequestToken. */
    static final int TOKEN_MIN_LENGTH = 32;

    private final AthenaClient athena;
    private final String workgroup;
    private final String database;
    private final Sleeper sleeper;
    private final Duration safetyMargin;
    private final RequestTimeLimit timeLimit;
    private final JsonLog log;

    /**
     * @param database the default database of the queries; every statement qualifies its names anyway
     * @param safetyMargin time kept back from the deadline to stop a query and clean up after it
     * @param timeLimit how long each request may take
     */
    public AthenaQueries(AthenaClient athena, String workgroup, String database, Sleeper sleeper, Duration safetyMargin, RequestTimeLimit timeLimit,
            JsonLog log) {
        this.athena = requireNonNull(athena, "athena is null");
        this.workgroup = requireNonNull(workgroup, "workgroup is null");
        this.database = requireNonNull(database, "database is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
        this.safetyMargin = requireNonNull(safetyMargin, "safetyMargin is null");
        this.timeLimit = requireNonNull(timeLimit, "timeLimit is null");
        this.log = requireNonNull(log, "log is null");
    }

    /**
     * Throws what {@link #run} would, {@value #NO_TIME_TO_START}, when {@code deadline} leaves too little time to
     * start a query: it would be stopped at its first poll, perhaps with its work done, and for the view, a
     * swap whose outcome no one knows. Not starting it is certain. Asked before {@link #run} by a caller whose
     * work just before a query only makes sense if it starts: the builder's record before its view swap.
     *
     * @throws AthenaQueryException {@value #NO_TIME_TO_START}, naming {@code step} and the time left
     */
    public void requireTimeToStart(QueryStep step, Deadline deadline) {
        requireNonNull(step, "step is null");
        requireNonNull(deadline, "deadline is null");
        Duration left = deadline.remaining();
        if (left.minusMillis(FIRST_POLL_MILLIS).compareTo(safetyMargin) < 0) {
            throw new AthenaQueryException(step, Optional.empty(), NO_TIME_TO_START, "not started: " + left.toMillis() + " ms of the invocation left, "
                    + safetyMargin.toSeconds() + " s of which are kept to clean up", null);
        }
    }

    /**
     * Starts {@code sql} and waits until it succeeds.
     *
     * @throws AthenaQueryException when it fails, is cancelled, cannot be started, or outlives the deadline; any
     *     other failure while it runs (an {@link Error}, or an unchecked exception of a library) stops it first, best
     *     effort, and is thrown unchanged
     */
    public CompletedQuery run(String sql, QueryStep step, Deadline deadline) {
        requireNonNull(step, "step is null");
        return run(sql, step, deadline, clientRequestToken(step, UUID.randomUUID()));
    }

    /**
     * As {@link #run}, with a token that names {@code step} alone ({@link #findableClientRequestToken}), the same at
     * every call: a later invocation that sends {@code sql} again for the same step learns the query an earlier start
     * whose answers were all lost began, and waits for it, rather than deciding while it may still be queued; or
     * starts it, when no start had reached Athena. For a statement sent once per build and step: the view swap.
     */
    public CompletedQuery runFindable(String sql, QueryStep step, Deadline deadline) {
        requireNonNull(step, "step is null");
        return run(sql, step, deadline, findableClientRequestToken(step));
    }

    private CompletedQuery run(String sql, QueryStep step, Deadline deadline, String token) {
        requireNonNull(sql, "sql is null");
        requireNonNull(deadline, "deadline is null");
        requireTimeToStart(step, deadline);
        long started = System.nanoTime();
        String queryId;
        try {
            queryId = start(sql, token);
        }
        catch (SdkServiceException e) {
            if (Refusals.refusedAtItsOnlyAttempt(e)) {
                // Athena answered, refusing the request (invalid, throttled, denied): the query did not start.
                throw new AthenaQueryException(step, Optional.empty(), NOT_STARTED, ErrorMessages.describe(e), e);
            }
            queryId = resend(sql, token, step, deadline, e);
        }
        catch (SdkException e) {
            queryId = resend(sql, token, step, deadline, e);
        }

        try {
            return await(queryId, step, deadline, started);
        }
        catch (AthenaQueryException e) {
            // It ended (FAILED, CANCELLED), or it was stopped on the way (TIMED_OUT, UNKNOWN, INTERRUPTED).
            throw e;
        }
        catch (RuntimeException | Error e) {
            // No answer of Athena's but a failure of this process (an OutOfMemoryError, a StackOverflowError) or of a
            // library (an AssertionError, a broken invariant). The query runs on all the same: left running, it could
            // create its table and files after the build was removed and the lease released, beside the next build.
            // Stopped, best effort, and the failure goes on unchanged.
            stopAfter(queryId, e);
            throw e;
        }
    }

    private String start(String sql, String token) {
        return athena.startQueryExecution(request -> request
                        .overrideConfiguration(this::limited)
                        .clientRequestToken(token)
                        .queryString(sql)
                        .workGroup(workgroup)
                        .queryExecutionContext(context -> context.database(database)))
                .queryExecutionId();
    }

    /**
     * Sends the start again with its token, after every attempt of it went unanswered, to learn the id of the
     * query it started, or, when none reached Athena, to start it now: either way, one query, then waited for.
     * Stops resending when the deadline would leave too little to wait for the query, as {@link #requireTimeToStart}.
     * A start no resend answers (a server error or no answer after the SDK's retries, or a refusal after an earlier
     * attempt, {@link Refusals}) may have reached Athena, and its query may be running: for the view, taking such a
     * swap for not started would delete the build the view may already point at.
     *
     * @throws AthenaQueryException {@value #START_UNKNOWN} when no resend is answered; {@code lost} carries each
     *     resend's failure
     */
    private String resend(String sql, String token, QueryStep step, Deadline deadline, SdkException lost) {
        long delay = FIRST_POLL_MILLIS;
        int resends = 0;
        while (resends < START_RESENDS && deadline.remaining().minusMillis(delay + FIRST_POLL_MILLIS).compareTo(safetyMargin) >= 0) {
            try {
                sleeper.sleep(Duration.ofMillis(delay));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lost.addSuppressed(e);
                break;
            }
            resends++;
            try {
                String queryId = start(sql, token);
                Map<String, Object> fields = queryFields(step, queryId);
                fields.put("clientRequestToken", token);
                fields.put("resends", resends);
                fields.put("lostAnswer", ErrorMessages.describe(lost));
                log.warn("athena query start resent with its token: every answer to the start was lost, and the resend names the query", fields);
                return queryId;
            }
            catch (SdkException e) {
                // Refused or unanswered, the resend says nothing of the start: its query may be running all the same.
                lost.addSuppressed(e);
            }
            delay = Math.min(delay * 2, MAX_POLL_MILLIS);
        }
        throw new AthenaQueryException(step, Optional.empty(), START_UNKNOWN, "could not learn whether it started, so it may be running: "
                + ErrorMessages.describe(lost) + "; resent " + resends + " time(s) with its ClientRequestToken " + token
                + ", and no resend was answered", lost);
    }

    /**
     * The ClientRequestToken of one start of {@code step}: its model, build and step (so that a token names the
     * one statement it was made for, in CloudTrail too), then {@code random}, so that no two starts share one,
     * even of a step started twice. Within Athena's 32 to 128 characters; letters, digits, {@code -}, {@code _}
     * and {@code .} only.
     */
    static String clientRequestToken(QueryStep step, UUID random) {
        requireNonNull(step, "step is null");
        requireNonNull(random, "random is null");
        String suffix = "-" + random;
        String prefix = (step.model() + "-" + step.buildId() + "-" + step.step()).replaceAll("[^A-Za-z0-9_.-]", "-");
        // The suffix alone (37 characters) is above the minimum; the prefix is cut to keep within the maximum.
        return prefix.substring(0, Math.min(prefix.length(), TOKEN_MAX_LENGTH - suffix.length())) + suffix;
    }

    /**
     * The ClientRequestToken of every start of {@code step}, in any invocation: its model, build and step, nothing
     * random, so that the next invocation can send it again. Never shared by two statements: a build's id is its own
     * (its start to the second and a random part), and a build sends one statement per step. A model name that would
     * take it past Athena's 128 characters is replaced by its SHA-256, so that cutting it never makes two models'
     * tokens one; a short one is padded to Athena's 32. Letters, digits, {@code -}, {@code _} and {@code .} only.
     */
    static String findableClientRequestToken(QueryStep step) {
        requireNonNull(step, "step is null");
        String model = step.model();
        String rest = "-" + step.buildId() + "-" + step.step();
        if ((model + rest).length() > TOKEN_MAX_LENGTH) {
            model = sha256(model);
        }
        String token = (model + rest).replaceAll("[^A-Za-z0-9_.-]", "-");
        if (token.length() > TOKEN_MAX_LENGTH) {
            // A step or build id past 60 characters: none of the builder's is.
            throw new IllegalArgumentException("no ClientRequestToken within " + TOKEN_MAX_LENGTH + " characters names " + step);
        }
        return token + "_".repeat(Math.max(0, TOKEN_MIN_LENGTH - token.length()));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            // Every Java platform has SHA-256 (MessageDigest's javadoc).
            throw new IllegalStateException(e);
        }
    }

    /** Polls the started query until it succeeds; stops it and throws when it cannot be waited for. */
    private CompletedQuery await(String queryId, QueryStep step, Deadline deadline, long started) {
        long delay = FIRST_POLL_MILLIS;
        while (true) {
            QueryExecution execution;
            try {
                execution = athena.getQueryExecution(request -> request.overrideConfiguration(this::limited).queryExecutionId(queryId)).queryExecution();
            }
            catch (SdkException e) {
                // The query may well be running: stop it rather than leave it writing unobserved.
                stopQuietly(queryId, e);
                throw new AthenaQueryException(step, Optional.of(queryId), "UNKNOWN", "could not read its state: " + ErrorMessages.describe(e), e);
            }
            QueryExecutionStatus status = execution.status();
            QueryExecutionState state = status == null ? null : status.state();
            if (state == QueryExecutionState.SUCCEEDED) {
                CompletedQuery completed = new CompletedQuery(queryId, bytesScanned(execution.statistics()), secondsSince(started));
                logQuery(step, completed.queryId(), state.toString(), completed.bytesScanned(), completed.seconds(), Optional.empty());
                return completed;
            }
            if (state == QueryExecutionState.FAILED || state == QueryExecutionState.CANCELLED) {
                String reason = reason(status);
                logQuery(step, queryId, state.toString(), bytesScanned(execution.statistics()), secondsSince(started), Optional.of(reason));
                throw new AthenaQueryException(step, Optional.of(queryId), state.toString(), reason, null);
            }
            // QUEUED, RUNNING, or a state newer than this SDK: keep waiting while there is time.
            Duration remaining = deadline.remaining();
            if (remaining.minusMillis(delay).compareTo(safetyMargin) < 0) {
                stopQuietly(queryId, null);
                String reason = "still " + state + " after " + Math.round(secondsSince(started)) + " s with " + remaining.toSeconds()
                        + " s of the invocation left; stopped it (StopQueryExecution) so cleanup could run";
                logQuery(step, queryId, "TIMED_OUT", bytesScanned(execution.statistics()), secondsSince(started), Optional.of(reason));
                throw new AthenaQueryException(step, Optional.of(queryId), "TIMED_OUT", reason, null);
            }
            try {
                sleeper.sleep(Duration.ofMillis(delay));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopQuietly(queryId, e);
                throw new AthenaQueryException(step, Optional.of(queryId), "INTERRUPTED", "interrupted while waiting; stopped it", e);
            }
            delay = Math.min(delay * 2, MAX_POLL_MILLIS);
        }
    }

    /**
     * The rows of a finished SELECT, all pages. Athena returns the column labels as the first row of the
     * first page; it is dropped.
     */
    public QueryResultRows rows(String queryId, QueryStep step) {
        requireNonNull(queryId, "queryId is null");
        List<String> types = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        boolean header = true;
        try {
            // Page by hand: the SDK's paginator would give every page the first page's time limit.
            String next = null;
            do {
                String token = next;
                GetQueryResultsResponse page = athena.getQueryResults(request -> request.overrideConfiguration(this::limited).queryExecutionId(queryId)
                        .nextToken(token));
                if (types.isEmpty() && page.resultSet().resultSetMetadata() != null) {
                    for (ColumnInfo column : page.resultSet().resultSetMetadata().columnInfo()) {
                        types.add(column.type());
                    }
                }
                for (Row row : page.resultSet().rows()) {
                    if (header) {
                        header = false;
                        continue;
                    }
                    List<String> values = new ArrayList<>();
                    for (Datum datum : row.data()) {
                        values.add(datum.varCharValue());
                    }
                    rows.add(values);
                }
                next = page.nextToken();
            }
            while (next != null && !next.isEmpty());
        }
        catch (SdkException e) {
            // Not "SUCCEEDED": the query did, but what the caller needed from it, its rows, failed.
            throw new AthenaQueryException(step, Optional.of(queryId), RESULTS_UNREAD, "the query succeeded, but its results could not be read "
                    + "(GetQueryResults): " + ErrorMessages.describe(e) + "; nothing was built from them. Invoke again (an SQS batch comes back by "
                    + "itself after the queue's visibility timeout, and Lambda retries an asynchronous invocation); if the read was refused "
                    + "(AccessDenied), the function's role needs s3:GetObject on its workgroup's result location (gold-builder/ in the results "
                    + "bucket), and kms:Decrypt on the key when the results are encrypted with SSE-KMS", e);
        }
        return new QueryResultRows(types, rows);
    }

    private void stopQuietly(String queryId, Throwable cause) {
        try {
            athena.stopQueryExecution(request -> request.overrideConfiguration(this::limited).queryExecutionId(queryId));
        }
        catch (SdkException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
            log.warn("could not stop an Athena query", Map.of("queryId", queryId, "error", ErrorMessages.describe(e)));
        }
    }

    /**
     * Stops the query after a failure that is no answer of Athena's; whatever the stop throws (the SDK, or an
     * Error again, as memory may still be short) is added to {@code failure} rather than replacing it.
     */
    private void stopAfter(String queryId, Throwable failure) {
        try {
            stopQuietly(queryId, failure);
        }
        catch (RuntimeException | Error e) {
            // The JVM may throw one preallocated OutOfMemoryError again, and a throwable cannot suppress itself.
            if (e != failure) {
                failure.addSuppressed(e);
            }
        }
    }

    private void limited(AwsRequestOverrideConfiguration.Builder configuration) {
        timeLimit.next().ifPresent(configuration::apiCallTimeout);
    }

    /** The fields every line of a query starts with: which model, build and step it is, and its id. A map the caller adds to. */
    private static Map<String, Object> queryFields(QueryStep step, String queryId) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("model", step.model());
        fields.put("buildId", step.buildId());
        fields.put("step", step.step());
        fields.put("queryId", queryId);
        return fields;
    }

    private void logQuery(QueryStep step, String queryId, String state, long bytesScanned, double seconds, Optional<String> reason) {
        Map<String, Object> fields = queryFields(step, queryId);
        fields.put("state", state);
        fields.put("bytesScanned", bytesScanned);
        fields.put("seconds", Math.round(seconds * 1000) / 1000.0);
        reason.ifPresent(text -> fields.put("reason", text));
        if (reason.isPresent()) {
            log.error("athena query did not succeed", fields);
        }
        else {
            log.info("athena query succeeded", fields);
        }
    }

    /** Athena's own words: the state change reason, and the error's type and category when it gives them. */
    static String reason(QueryExecutionStatus status) {
        String reason = status.stateChangeReason();
        AthenaError error = status.athenaError();
        if (error != null && error.errorMessage() != null && (reason == null || !reason.contains(error.errorMessage()))) {
            reason = reason == null ? error.errorMessage() : reason + " (" + error.errorMessage() + ")";
        }
        if (reason == null || reason.isBlank()) {
            reason = "Athena gave no reason";
        }
        if (error != null && error.errorType() != null) {
            reason += " [error type " + error.errorType() + ", category " + error.errorCategory() + (Boolean.TRUE.equals(error.retryable()) ? ", retryable" : "") + "]";
        }
        return reason;
    }

    private static long bytesScanned(QueryExecutionStatistics statistics) {
        return statistics == null || statistics.dataScannedInBytes() == null ? 0 : statistics.dataScannedInBytes();
    }

    private static double secondsSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
