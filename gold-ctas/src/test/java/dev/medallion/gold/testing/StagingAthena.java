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

import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * moto's Athena, and what Athena's CTAS would have left that moto does not: every call goes to moto
 * unchanged, and each statement started is handed to {@code onStart} (such as {@link GoldLake#leaveStagingTable}),
 * so that a build finds, while it runs, the staging table and files its staging query made.
 */
public final class StagingAthena implements AthenaClient {
    private final AthenaClient moto;
    private final Consumer<String> onStart;

    public StagingAthena(AthenaClient moto, Consumer<String> onStart) {
        this.moto = requireNonNull(moto, "moto is null");
        this.onStart = requireNonNull(onStart, "onStart is null");
    }

    @Override
    public StartQueryExecutionResponse startQueryExecution(StartQueryExecutionRequest request) {
        StartQueryExecutionResponse response = moto.startQueryExecution(request);
        onStart.accept(request.queryString());
        return response;
    }

    @Override
    public GetQueryExecutionResponse getQueryExecution(GetQueryExecutionRequest request) {
        return moto.getQueryExecution(request);
    }

    @Override
    public GetQueryResultsResponse getQueryResults(GetQueryResultsRequest request) {
        return moto.getQueryResults(request);
    }

    @Override
    public StopQueryExecutionResponse stopQueryExecution(StopQueryExecutionRequest request) {
        return moto.stopQueryExecution(request);
    }

    @Override
    public String serviceName() {
        return moto.serviceName();
    }

    @Override
    public void close() {
        // The moto client belongs to the test's lake.
    }
}
