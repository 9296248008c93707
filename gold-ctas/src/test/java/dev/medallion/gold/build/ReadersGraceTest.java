package dev.medallion.gold.build;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReadersGraceTest {
    private static final Instant NOW = Instant.parse("2026-03-14T23:30:00Z");

    @Test
    void theGraceIsAthenasDefaultDmlQueryTimeoutPlusTheLongestABuildRunsBeforeItsSwap() {
        assertEquals(Duration.ofMinutes(30), ReadersGrace.ATHENA_DML_QUERY_TIMEOUT);
        assertEquals(Duration.ofMinutes(15), ReadersGrace.LONGEST_BUILD_BEFORE_SWAP);
        assertEquals(Duration.ofMinutes(45), ReadersGrace.GRACE);
    }

    /** Kept while the next newer build started less than the grace ago; from the grace on, no reader's query can be on it. */
    @Test
    void aBuildIsKeptWhileItsNextNewerBuildStartedLessThanTheGraceAgo() {
        BuildId old = new BuildId("20260314200000_aaaaaa");
        BuildId supersededAtTheGrace = new BuildId("20260314224000_bbbbbb");
        BuildId supersededJustWithinIt = new BuildId("20260314224500_cccccc");
        BuildId supersededMomentsAgo = new BuildId("20260314224501_dddddd");
        BuildId newest = new BuildId("20260314232959_eeeeee");

        // Given in any order; the newest has no newer build, so nothing says it was superseded.
        assertEquals(List.of(supersededJustWithinIt, supersededMomentsAgo),
                ReadersGrace.mayStillBeRead(List.of(newest, supersededMomentsAgo, old, supersededJustWithinIt, supersededAtTheGrace), NOW));
    }

    /** Ids of one second sort by their random part, which says nothing of which build came first: each is kept. */
    @Test
    void buildsStartedInTheSameSecondEachCountAsTheOthersNextNewerBuild() {
        BuildId sortsFirst = new BuildId("20260314232959_111111");
        BuildId sortsLast = new BuildId("20260314232959_ffffff");

        assertEquals(List.of(sortsFirst, sortsLast), ReadersGrace.mayStillBeRead(List.of(sortsLast, sortsFirst), NOW));
    }

    @Test
    void aLoneBuildOrNoneIsNeverSuperseded() {
        assertEquals(List.of(), ReadersGrace.mayStillBeRead(List.of(new BuildId("20260314232959_eeeeee")), NOW));
        assertEquals(List.of(), ReadersGrace.mayStillBeRead(List.of(), NOW));
    }
}
