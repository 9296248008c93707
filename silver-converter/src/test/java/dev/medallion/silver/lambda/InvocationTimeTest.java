package dev.medallion.silver.lambda;

import dev.medallion.common.testing.LambdaInvocation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InvocationTimeTest {
    @Test
    void aRequestMayTakeHalfOfWhatIsLeftLessASecond() {
        InvocationTime time = new InvocationTime();
        time.begin(LambdaInvocation.of("silver-converter", "request").withRemainingMillis(12_000));

        assertEquals(Optional.of(Duration.ofMillis(5_500)), time.next());
    }

    @Test
    void requestsGivenUpOneAfterTheOtherAtTheirLimitsLeaveTheSpareSecond() {
        int remaining = 30_000;
        int requests = 0;
        while (true) {
            InvocationTime time = new InvocationTime();
            time.begin(LambdaInvocation.of("silver-converter", "request").withRemainingMillis(remaining));
            Duration limit = time.next().orElseThrow();
            if (limit.equals(InvocationTime.FLOOR)) {
                break;
            }
            remaining -= (int) limit.toMillis();
            requests++;
        }
        assertTrue(requests > 5, requests + " requests");
        assertTrue(remaining >= InvocationTime.SPARE.toMillis(), remaining + " ms left after " + requests + " requests each given up at its limit");
    }

    @Test
    void almostNoTimeLeftStillGivesARequestAMoment() {
        InvocationTime time = new InvocationTime();
        time.begin(LambdaInvocation.of("silver-converter", "request").withRemainingMillis(500));

        assertEquals(Optional.of(InvocationTime.FLOOR), time.next());
    }

    @Test
    void noLimitOutsideAnInvocationOrWithoutAContext() {
        InvocationTime time = new InvocationTime();
        assertEquals(Optional.empty(), time.next(), "before the first invocation: SnapStart's priming");

        time.begin(LambdaInvocation.of("silver-converter", "request").withRemainingMillis(12_000));
        time.end();
        assertEquals(Optional.empty(), time.next(), "between invocations");

        time.begin(null);
        assertEquals(Optional.empty(), time.next(), "a test calling the handler without a context");
    }
}
