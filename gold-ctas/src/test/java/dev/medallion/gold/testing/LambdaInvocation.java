package dev.medallion.gold.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import static java.util.Objects.requireNonNull;

/**
 * What the Lambda runtime's context tells the handler: the invocation's request id, which Lambda keeps
 * when it retries an asynchronous invocation, and its remaining time. Nothing else of it is used.
 */
public record LambdaInvocation(String requestId, int remainingMillis) implements Context {
    /** A Lambda invocation's longest time, 15 minutes. */
    public static final int LONGEST_MILLIS = 900_000;

    public LambdaInvocation {
        requireNonNull(requestId, "requestId is null");
    }

    /** An invocation with all of Lambda's longest time ahead of it. */
    public static LambdaInvocation of(String requestId) {
        return new LambdaInvocation(requestId, LONGEST_MILLIS);
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return remainingMillis;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/gold-ctas";
    }

    @Override
    public String getLogStreamName() {
        return "test";
    }

    @Override
    public String getFunctionName() {
        return "gold-ctas";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:gold-ctas";
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
        return 512;
    }

    @Override
    public LambdaLogger getLogger() {
        return null;
    }
}
