package dev.medallion.common.storage;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InvocationTimeLimitTest {
    /** The gold builder's safety margin. */
    private static final Duration MARGIN = Duration.ofSeconds(30);

    @Test
    void halfOfTimeLeftGivesARequestHalfOfWhatIsLeftLessASecond() {
        assertEquals(Optional.of(Duration.ofMillis(5_500)), limitWith(InvocationTimeLimit.halfOfTimeLeft(), Duration.ofSeconds(12)));
        assertEquals(Optional.of(Duration.ofMillis(449_500)), limitWith(InvocationTimeLimit.halfOfTimeLeft(), Duration.ofMinutes(15)));
    }

    @Test
    void halfOfTimeLeftRequestsGivenUpOneAfterTheOtherAtTheirLimitsLeaveTheSpareSecond() {
        Duration left = Duration.ofSeconds(30);
        int requests = 0;
        while (true) {
            Duration limit = limitWith(InvocationTimeLimit.halfOfTimeLeft(), left).orElseThrow();
            if (limit.equals(InvocationTimeLimit.FLOOR)) {
                break;
            }
            left = left.minus(limit);
            requests++;
        }
        assertTrue(requests > 5, requests + " requests");
        assertTrue(left.compareTo(InvocationTimeLimit.SPARE) >= 0, left + " left after " + requests + " requests each given up at its limit");
    }

    @Test
    void beyondMarginGivesARequestWhatIsLeftBeyondTheMargin() {
        assertEquals(Optional.of(Duration.ofSeconds(870)), limitWith(InvocationTimeLimit.beyondMargin(MARGIN), Duration.ofMinutes(15)));
        assertEquals(Optional.of(Duration.ofSeconds(90)), limitWith(InvocationTimeLimit.beyondMargin(MARGIN), Duration.ofMinutes(2)));
    }

    /** Within the margin, and just above it, where the cleanup's own requests run: half of what is left, less a second. */
    @Test
    void beyondMarginNearTheEndGivesARequestHalfOfWhatIsLeftLessASecond() {
        assertEquals(Optional.of(Duration.ofMillis(19_500)), limitWith(InvocationTimeLimit.beyondMargin(MARGIN), Duration.ofSeconds(40)));
        assertEquals(Optional.of(Duration.ofMillis(14_500)), limitWith(InvocationTimeLimit.beyondMargin(MARGIN), MARGIN));
        assertEquals(Optional.of(Duration.ofMillis(4_500)), limitWith(InvocationTimeLimit.beyondMargin(MARGIN), Duration.ofSeconds(10)));
    }

    /** A request that hangs from the start still leaves the whole margin; each cleanup request given up after it, a second or more. */
    @Test
    void beyondMarginRequestsGivenUpOneAfterTheOtherLeaveTheMarginThenTheSpareSecond() {
        Duration left = Duration.ofMinutes(15);
        left = left.minus(limitWith(InvocationTimeLimit.beyondMargin(MARGIN), left).orElseThrow());
        assertEquals(MARGIN, left, "the first request that hangs leaves the margin to clean up in");
        int requests = 0;
        while (true) {
            Duration limit = limitWith(InvocationTimeLimit.beyondMargin(MARGIN), left).orElseThrow();
            if (limit.equals(InvocationTimeLimit.FLOOR)) {
                break;
            }
            left = left.minus(limit);
            requests++;
        }
        assertTrue(requests > 3, requests + " requests");
        assertTrue(left.compareTo(InvocationTimeLimit.SPARE) >= 0, left + " left after " + requests + " requests each given up at its limit");
    }

    @Test
    void almostNoTimeLeftStillGivesARequestAMoment() {
        for (InvocationTimeLimit rule : new InvocationTimeLimit[] {InvocationTimeLimit.halfOfTimeLeft(), InvocationTimeLimit.beyondMargin(MARGIN)}) {
            assertEquals(Optional.of(InvocationTimeLimit.FLOOR), limitWith(rule, Duration.ofMillis(500)));
            assertEquals(Optional.of(InvocationTimeLimit.FLOOR), limitWith(rule, Duration.ofMillis(-5)));
        }
    }

    @Test
    void noLimitOutsideAnInvocation() {
        InvocationTimeLimit time = InvocationTimeLimit.beyondMargin(MARGIN);
        assertEquals(Optional.empty(), time.next(), "before the first invocation: SnapStart's snapshot");

        time.begin(() -> Duration.ofMinutes(15));
        time.end();
        assertEquals(Optional.empty(), time.next(), "between invocations");
    }

    @Test
    void aNegativeMarginIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> InvocationTimeLimit.beyondMargin(Duration.ofSeconds(-1)));
    }

    private static Optional<Duration> limitWith(InvocationTimeLimit rule, Duration left) {
        rule.begin(() -> left);
        return rule.next();
    }
}
