package dev.medallion.gold.lambda;

import dev.medallion.gold.build.GoldBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InvocationTimeTest {
    private static final Duration MARGIN = GoldBuilder.SAFETY_MARGIN;

    @Test
    void aRequestMayTakeWhatIsLeftBeyondTheMargin() {
        assertEquals(Optional.of(Duration.ofSeconds(870)), limitWith(Duration.ofMinutes(15)));
        assertEquals(Optional.of(Duration.ofSeconds(90)), limitWith(Duration.ofMinutes(2)));
    }

    /** Within the margin, and just above it, where the cleanup's own requests run: half of what is left, less a second. */
    @Test
    void nearTheEndARequestMayTakeHalfOfWhatIsLeftLessASecond() {
        assertEquals(Optional.of(Duration.ofMillis(19_500)), limitWith(Duration.ofSeconds(40)));
        assertEquals(Optional.of(Duration.ofMillis(14_500)), limitWith(MARGIN));
        assertEquals(Optional.of(Duration.ofMillis(4_500)), limitWith(Duration.ofSeconds(10)));
    }

    /** A build request that hangs from the start still leaves the whole margin; each cleanup request given up after it, a second or more. */
    @Test
    void requestsGivenUpOneAfterTheOtherLeaveTheMarginThenTheSpareSecond() {
        Duration left = Duration.ofMinutes(15);
        left = left.minus(limitWith(left).orElseThrow());
        assertEquals(MARGIN, left, "the first request that hangs leaves the margin to clean up in");
        int requests = 0;
        while (true) {
            Duration limit = limitWith(left).orElseThrow();
            if (limit.equals(InvocationTime.FLOOR)) {
                break;
            }
            left = left.minus(limit);
            requests++;
        }
        assertTrue(requests > 3, requests + " requests");
        assertTrue(left.compareTo(InvocationTime.SPARE) >= 0, left + " left after " + requests + " requests each given up at its limit");
    }

    @Test
    void almostNoTimeLeftStillGivesARequestAMoment() {
        assertEquals(Optional.of(InvocationTime.FLOOR), limitWith(Duration.ofMillis(500)));
        assertEquals(Optional.of(InvocationTime.FLOOR), limitWith(Duration.ofMillis(-5)));
    }

    @Test
    void noLimitOutsideAnInvocation() {
        InvocationTime time = new InvocationTime(MARGIN);
        assertEquals(Optional.empty(), time.next(), "before the first invocation: SnapStart's snapshot");

        time.begin(() -> Duration.ofMinutes(15));
        time.end();
        assertEquals(Optional.empty(), time.next(), "between invocations");
    }

    private static Optional<Duration> limitWith(Duration left) {
        InvocationTime time = new InvocationTime(MARGIN);
        time.begin(() -> left);
        return time.next();
    }
}
