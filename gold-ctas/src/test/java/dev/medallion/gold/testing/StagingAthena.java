package dev.medallion.gold.testing;

import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionResponse;

import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * moto's Athena, and what Athena's CTAS would have left that moto does not: every call goes to moto
 * unchanged, and each statement started is handed to {@code onStart} (such as {@link GoldLake#leaveStagingTable}),
 * so that a build finds, while it runs, the staging table and files its staging query made.
 */
public final class StagingAthena extends ForwardingAthena {
    private final Consumer<String> onStart;

    public StagingAthena(AthenaClient moto, Consumer<String> onStart) {
        super(moto);
        this.onStart = requireNonNull(onStart, "onStart is null");
    }

    @Override
    public StartQueryExecutionResponse startQueryExecution(StartQueryExecutionRequest request) {
        StartQueryExecutionResponse response = super.startQueryExecution(request);
        onStart.accept(request.queryString());
        return response;
    }
}
