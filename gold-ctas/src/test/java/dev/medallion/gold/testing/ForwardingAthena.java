package dev.medallion.gold.testing;

import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.GetQueryResultsRequest;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.StopQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.StopQueryExecutionResponse;

import static java.util.Objects.requireNonNull;

/**
 * An Athena client that hands every call the gold builder makes to another one (moto's, or another stand-in
 * in front of it), unchanged. The stand-ins extend it and override only the call whose answer they change, so
 * that each says what moto cannot do and nothing else, and a call the builder starts making is forwarded by all
 * of them in one place.
 */
public abstract class ForwardingAthena implements AthenaClient {
    private final AthenaClient next;

    protected ForwardingAthena(AthenaClient next) {
        this.next = requireNonNull(next, "the Athena client to forward to is null");
    }

    @Override
    public StartQueryExecutionResponse startQueryExecution(StartQueryExecutionRequest request) {
        return next.startQueryExecution(request);
    }

    @Override
    public GetQueryExecutionResponse getQueryExecution(GetQueryExecutionRequest request) {
        return next.getQueryExecution(request);
    }

    @Override
    public GetQueryResultsResponse getQueryResults(GetQueryResultsRequest request) {
        return next.getQueryResults(request);
    }

    @Override
    public StopQueryExecutionResponse stopQueryExecution(StopQueryExecutionRequest request) {
        return next.stopQueryExecution(request);
    }

    @Override
    public String serviceName() {
        return next.serviceName();
    }

    @Override
    public void close() {
        // The client forwarded to belongs to the test's lake, which closes it.
    }
}
