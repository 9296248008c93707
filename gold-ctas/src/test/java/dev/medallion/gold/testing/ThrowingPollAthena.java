package dev.medallion.gold.testing;

import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.StopQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.StopQueryExecutionResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * A stand-in for what no emulator can do: the builder's own process failing while one of its queries runs.
 * Every call goes to moto, except that polling the state of a query whose SQL {@code throwing} accepts throws
 * {@code failure} (an {@code OutOfMemoryError}, a {@code StackOverflowError}, a library's
 * {@code AssertionError}), as the JVM or a library would in the middle of that poll; {@code onStart} is told
 * the query's SQL when it starts, so the test can leave what a running query has written so far. Records the
 * queries the builder asked to stop.
 */
public final class ThrowingPollAthena extends ForwardingAthena {
    private final Predicate<String> throwing;
    private final Consumer<String> onStart;
    private final Throwable failure;
    private final List<String> throwingQueryIds = new ArrayList<>();
    private final List<String> stoppedQueryIds = new ArrayList<>();

    /** @param failure an {@link Error} or an unchecked exception, thrown as it is */
    public ThrowingPollAthena(AthenaClient moto, Predicate<String> throwing, Consumer<String> onStart, Throwable failure) {
        super(moto);
        this.throwing = requireNonNull(throwing, "throwing is null");
        this.onStart = requireNonNull(onStart, "onStart is null");
        this.failure = requireNonNull(failure, "failure is null");
        if (!(failure instanceof Error) && !(failure instanceof RuntimeException)) {
            throw new IllegalArgumentException("only an Error or an unchecked exception can come out of a poll: " + failure);
        }
    }

    /** The queries whose polls threw, in the order they started. */
    public List<String> throwingQueryIds() {
        return List.copyOf(throwingQueryIds);
    }

    /** The queries the builder asked to stop, in that order. */
    public List<String> stoppedQueryIds() {
        return List.copyOf(stoppedQueryIds);
    }

    @Override
    public StartQueryExecutionResponse startQueryExecution(StartQueryExecutionRequest request) {
        StartQueryExecutionResponse response = super.startQueryExecution(request);
        if (throwing.test(request.queryString())) {
            throwingQueryIds.add(response.queryExecutionId());
            onStart.accept(request.queryString());
        }
        return response;
    }

    @Override
    public GetQueryExecutionResponse getQueryExecution(GetQueryExecutionRequest request) {
        if (throwingQueryIds.contains(request.queryExecutionId())) {
            if (failure instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) failure;
        }
        return super.getQueryExecution(request);
    }

    @Override
    public StopQueryExecutionResponse stopQueryExecution(StopQueryExecutionRequest request) {
        stoppedQueryIds.add(request.queryExecutionId());
        return super.stopQueryExecution(request);
    }
}
