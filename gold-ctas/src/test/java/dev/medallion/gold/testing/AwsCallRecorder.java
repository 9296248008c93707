package dev.medallion.gold.testing;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Watches the calls a client sends to the emulator, without changing them: one line per call, such as
 * {@code Glue.DeleteTable lake_gold.daily__20260314233000_a1b2c3}. moto records Athena queries but
 * not Glue or S3 calls, so this is how the tests see the handler's sequence of catalog operations.
 */
public final class AwsCallRecorder implements ExecutionInterceptor {
    private final List<String> calls = new ArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String subject = subject(context.request());
        synchronized (calls) {
            calls.add(service + "." + operation + (subject.isEmpty() ? "" : " " + subject));
        }
    }

    /** Every call so far, oldest first. */
    public List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** The calls to one service ({@code Glue}, {@code Athena}, {@code S3}) so far. */
    public List<String> calls(String service) {
        return calls().stream().filter(call -> call.startsWith(service + ".")).toList();
    }

    public void clear() {
        synchronized (calls) {
            calls.clear();
        }
    }

    /** What the call acts on: a table, a version, a key prefix, a query id. */
    private static String subject(SdkRequest request) {
        Optional<String> database = request.getValueForField("DatabaseName", String.class);
        Optional<String> table = request.getValueForField("Name", String.class).or(() -> request.getValueForField("TableName", String.class));
        if (database.isPresent()) {
            String subject = database.get() + table.map(name -> "." + name).orElse("");
            return subject + request.getValueForField("VersionId", String.class).map(version -> " v" + version).orElse("");
        }
        return request.getValueForField("Prefix", String.class)
                .or(() -> request.getValueForField("Key", String.class))
                .or(() -> request.getValueForField("QueryExecutionId", String.class))
                .orElse("");
    }
}
