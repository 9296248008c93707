package dev.medallion.common.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import static java.util.Objects.requireNonNull;

/**
 * What the Lambda runtime's context tells a handler under test. The handlers use only the invocation's
 * request id, which Lambda keeps when it retries an asynchronous invocation, and its remaining time;
 * the rest is filled in plausibly from the function name (log group, ARN with the documentation account
 * id 123456789012) so that nothing reads as a real deployment. No handler reads the memory limit: it
 * is Lambda's default unless a test gives another through the canonical constructor.
 *
 * @param functionName the Lambda function's name, such as {@code gold-ctas}
 * @param requestId the invocation's request id
 * @param remainingMillis the time left before Lambda ends the invocation: for ever, or when the clock started
 * @param memoryLimitInMB the memory the function is configured with
 * @param clockStartedNanos when the time left began to fall ({@link System#nanoTime()}), or {@link #CLOCK_STOPPED}
 */
public record LambdaInvocation(String functionName, String requestId, int remainingMillis, int memoryLimitInMB, long clockStartedNanos)
        implements Context {
    /** A Lambda invocation's longest time, 15 minutes. */
    public static final int LONGEST_MILLIS = 900_000;
    /** The memory Lambda gives a function that configures none. */
    public static final int DEFAULT_MEMORY_MB = 128;
    /** The time left never changes: a handler that is not about time, or one that must see the same figure at every check. */
    public static final long CLOCK_STOPPED = Long.MIN_VALUE;

    public LambdaInvocation {
        requireNonNull(functionName, "functionName is null");
        requireNonNull(requestId, "requestId is null");
        if (remainingMillis < 0) {
            throw new IllegalArgumentException("remainingMillis is negative: " + remainingMillis);
        }
        if (memoryLimitInMB <= 0) {
            throw new IllegalArgumentException("memoryLimitInMB is not positive: " + memoryLimitInMB);
        }
    }

    /** An invocation of {@code functionName} with all of Lambda's longest time ahead of it. */
    public static LambdaInvocation of(String functionName, String requestId) {
        return new LambdaInvocation(functionName, requestId, LONGEST_MILLIS, DEFAULT_MEMORY_MB, CLOCK_STOPPED);
    }

    /** This invocation with only {@code remainingMillis} left, for good: a handler whose time has run out. */
    public LambdaInvocation withRemainingMillis(int remainingMillis) {
        return new LambdaInvocation(functionName, requestId, remainingMillis, memoryLimitInMB, CLOCK_STOPPED);
    }

    /** This invocation with {@code remainingMillis} left from now, falling with the clock as Lambda's does. */
    public LambdaInvocation endingIn(int remainingMillis) {
        return new LambdaInvocation(functionName, requestId, remainingMillis, memoryLimitInMB, System.nanoTime());
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public int getRemainingTimeInMillis() {
        if (clockStartedNanos == CLOCK_STOPPED) {
            return remainingMillis;
        }
        return (int) Math.max(0, remainingMillis - (System.nanoTime() - clockStartedNanos) / 1_000_000);
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "test";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryLimitInMB;
    }

    @Override
    public LambdaLogger getLogger() {
        // The handlers log through their own JSON log, never through the runtime's logger.
        return null;
    }
}
