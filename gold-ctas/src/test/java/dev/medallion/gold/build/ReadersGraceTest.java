package dev.medallion.gold.build;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReadersGraceTest {
    private static final Instant NOW = Instant.parse("2026-03-14T23:30:00Z");
    /** Athena's default DML query timeout. */
    private static final ReadersGrace DEFAULT = new ReadersGrace(Duration.ofMinutes(30));

    @Test
    void theGraceIsTheDmlQueryTimeoutPlusTheLongestABuildRunsBeforeItsSwap() {
        assertEquals(Duration.ofMinutes(15), ReadersGrace.LONGEST_BUILD_BEFORE_SWAP);
        assertEquals(Duration.ofMinutes(45), DEFAULT.grace());
        assertEquals(Duration.ofMinutes(255), new ReadersGrace(Duration.ofMinutes(240)).grace());
    }

    /**
     * An account that raised its DML query timeout to 120 minutes runs readers' queries that long: a build superseded
     * two hours ago is kept (the default's 45 minutes would remove it under such a query), one superseded 135 minutes
     * ago, 120 + 15, no longer.
     */
    @Test
    void aRaisedDmlQueryTimeoutKeepsBuildsForAsLongAsTheAccountsQueriesRun() {
        BuildId supersededAtTheGrace = new BuildId("20260314190000_aaaaaa");
        BuildId supersededTwoHoursAgo = new BuildId("20260314211500_bbbbbb");
        BuildId supersededFiftyMinutesAgo = new BuildId("20260314213000_cccccc");
        BuildId newest = new BuildId("20260314224000_dddddd");
        List<BuildId> builds = List.of(supersededAtTheGrace, supersededTwoHoursAgo, supersededFiftyMinutesAgo, newest);

        assertEquals(List.of(supersededTwoHoursAgo, supersededFiftyMinutesAgo), new ReadersGrace(Duration.ofMinutes(120)).mayStillBeRead(builds, NOW));
        assertEquals(List.of(), DEFAULT.mayStillBeRead(builds, NOW));
    }

    @Test
    void aTimeoutThatIsNotPositiveIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReadersGrace(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new ReadersGrace(Duration.ofMinutes(-30)));
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
                DEFAULT.mayStillBeRead(List.of(newest, supersededMomentsAgo, old, supersededJustWithinIt, supersededAtTheGrace), NOW));
    }

    /** Ids of one second sort by their random part, which says nothing of which build came first: each is kept. */
    @Test
    void buildsStartedInTheSameSecondEachCountAsTheOthersNextNewerBuild() {
        BuildId sortsFirst = new BuildId("20260314232959_111111");
        BuildId sortsLast = new BuildId("20260314232959_ffffff");

        assertEquals(List.of(sortsFirst, sortsLast), DEFAULT.mayStillBeRead(List.of(sortsLast, sortsFirst), NOW));
    }

    /**
     * The previous build, the view's until the current build's swap, is kept while the current build started less than
     * the grace ago, although a killed build's leftover started between them over the grace ago; that leftover's own
     * next newer build is the current one. A replacement older than the next newer build does not shorten the grace.
     */
    @Test
    void aBuildKnownToBeReplacedByALaterSwapIsKeptForThatSwapsReaders() {
        BuildId previous = new BuildId("20260314200000_aaaaaa");
        BuildId killedBeforeItsSwap = new BuildId("20260314222000_bbbbbb");
        BuildId current = new BuildId("20260314231000_cccccc");
        List<BuildId> builds = List.of(previous, killedBeforeItsSwap, current);

        assertEquals(List.of(killedBeforeItsSwap), DEFAULT.mayStillBeRead(builds, NOW));
        assertEquals(List.of(previous, killedBeforeItsSwap), DEFAULT.mayStillBeRead(builds, Map.of(previous, current), NOW));
        assertEquals(List.of(killedBeforeItsSwap), DEFAULT.mayStillBeRead(builds, Map.of(killedBeforeItsSwap, previous), NOW));
    }

    /** A state carries on a replaced build while the build that replaced it started less than the grace ago, and no longer. */
    @Test
    void aReplacedBuildIsCarriedOnWhileItsReplacingBuildStartedLessThanTheGraceAgo() {
        BuildId replacedAtTheGrace = new BuildId("20260314200000_aaaaaa");
        BuildId replacingAtTheGrace = new BuildId("20260314224500_bbbbbb");
        BuildId replacedJustWithinIt = new BuildId("20260314224000_cccccc");
        BuildId replacingJustWithinIt = new BuildId("20260314224501_dddddd");

        assertEquals(Map.of(replacedJustWithinIt, replacingJustWithinIt),
                DEFAULT.stillRead(Map.of(replacedAtTheGrace, replacingAtTheGrace, replacedJustWithinIt, replacingJustWithinIt), NOW));
    }

    @Test
    void aLoneBuildOrNoneIsNeverSuperseded() {
        assertEquals(List.of(), DEFAULT.mayStillBeRead(List.of(new BuildId("20260314232959_eeeeee")), NOW));
        assertEquals(List.of(), DEFAULT.mayStillBeRead(List.of(), NOW));
    }
}
