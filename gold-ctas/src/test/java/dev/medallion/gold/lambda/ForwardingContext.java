package dev.medallion.gold.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import dev.medallion.common.testing.LambdaInvocation;

import java.util.function.IntSupplier;

import static java.util.Objects.requireNonNull;

/**
 * An invocation whose time left is what {@code remainingMillis} says at each check: a test decides when the
 * invocation's time falls (after a view swap, with each poll of a query), so that what the handler does near its
 * deadline does not depend on how fast the machine running the test is.
 */
record ForwardingContext(LambdaInvocation invocation, IntSupplier remainingMillis) implements Context {
    ForwardingContext {
        requireNonNull(invocation, "invocation is null");
        requireNonNull(remainingMillis, "remainingMillis is null");
    }

    @Override public String getAwsRequestId() { return invocation.getAwsRequestId(); }
    @Override public String getLogGroupName() { return invocation.getLogGroupName(); }
    @Override public String getLogStreamName() { return invocation.getLogStreamName(); }
    @Override public String getFunctionName() { return invocation.getFunctionName(); }
    @Override public String getFunctionVersion() { return invocation.getFunctionVersion(); }
    @Override public String getInvokedFunctionArn() { return invocation.getInvokedFunctionArn(); }
    @Override public CognitoIdentity getIdentity() { return invocation.getIdentity(); }
    @Override public ClientContext getClientContext() { return invocation.getClientContext(); }
    @Override public int getRemainingTimeInMillis() { return remainingMillis.getAsInt(); }
    @Override public int getMemoryLimitInMB() { return invocation.getMemoryLimitInMB(); }
    @Override public LambdaLogger getLogger() { return invocation.getLogger(); }
}
