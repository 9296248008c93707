package dev.medallion.gold.testing;

import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.AthenaError;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * The one stand-in for Athena, for the one thing moto cannot do: fail a query. Every call goes to moto
 * (which records the SQL and hands out query ids) except that a query whose SQL {@code failing} accepts
 * is reported FAILED with Athena's kind of reason and error, and {@code onFailing} is told its SQL so the
 * test can leave what a half-done query leaves (a table, some files).
 */
public final class FailingQueryAthena extends ForwardingAthena {
    public static final String REASON = "HIVE_BAD_DATA: Error parsing field value '12,50' for field 2: For input string: \"12,50\"";

    private final Predicate<String> failing;
    private final Consumer<String> onFailing;
    private final Function<String, String> reason;
    private final List<String> failedQueryIds = new ArrayList<>();
    private final Map<String, String> reasonByQueryId = new HashMap<>();

    public FailingQueryAthena(AthenaClient moto, Predicate<String> failing, Consumer<String> onFailing) {
        this(moto, failing, onFailing, sql -> REASON);
    }

    /** @param reason Athena's reason for the failing query, given its SQL: a place in it is where Athena counts it, in the whole statement */
    public FailingQueryAthena(AthenaClient moto, Predicate<String> failing, Consumer<String> onFailing, Function<String, String> reason) {
        super(moto);
        this.failing = requireNonNull(failing, "failing is null");
        this.onFailing = requireNonNull(onFailing, "onFailing is null");
        this.reason = requireNonNull(reason, "reason is null");
    }

    public List<String> failedQueryIds() {
        return List.copyOf(failedQueryIds);
    }

    @Override
    public StartQueryExecutionResponse startQueryExecution(StartQueryExecutionRequest request) {
        StartQueryExecutionResponse response = super.startQueryExecution(request);
        if (failing.test(request.queryString())) {
            failedQueryIds.add(response.queryExecutionId());
            reasonByQueryId.put(response.queryExecutionId(), reason.apply(request.queryString()));
            onFailing.accept(request.queryString());
        }
        return response;
    }

    @Override
    public GetQueryExecutionResponse getQueryExecution(GetQueryExecutionRequest request) {
        GetQueryExecutionResponse response = super.getQueryExecution(request);
        if (!failedQueryIds.contains(request.queryExecutionId())) {
            return response;
        }
        String reason = reasonByQueryId.get(request.queryExecutionId());
        return response.toBuilder()
                .queryExecution(response.queryExecution().toBuilder()
                        .status(status -> status
                                .state(QueryExecutionState.FAILED)
                                .stateChangeReason(reason)
                                .athenaError(AthenaError.builder().errorCategory(2).errorType(1002).retryable(false).errorMessage(reason).build()))
                        .build())
                .build();
    }
}
