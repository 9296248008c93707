package dev.medallion.gold.build;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldLayoutTest {
    private static final BuildId BUILD = new BuildId("20260314233000_a1b2c3");
    private final GoldLayout layout = new GoldLayout("gold-bucket", "tables/");

    @Test
    void eachBuildHasATableAndAPrefixOfItsOwn() {
        assertEquals("daily__20260314233000_a1b2c3", layout.table("daily", BUILD));
        assertEquals("tables/daily/20260314233000_a1b2c3/", layout.buildPrefix("daily", BUILD));
        assertEquals("s3://gold-bucket/tables/daily/20260314233000_a1b2c3/", layout.location("daily", BUILD));
    }

    @Test
    void buildsAreRecognisedOnlyInTheirOwnModelsFolderAndTables() {
        assertEquals(Optional.of(BUILD), layout.buildOfKey("daily", "tables/daily/20260314233000_a1b2c3/sale_date=2026-03-01/x"));
        // Another model whose name starts the same, a stray file, the state: not builds of "daily".
        assertEquals(Optional.empty(), layout.buildOfKey("daily", "tables/daily_top/20260314233000_a1b2c3/x"));
        assertEquals(Optional.empty(), layout.buildOfKey("daily", "tables/daily/notes.txt"));
        assertEquals(Optional.empty(), layout.buildOfKey("daily", "tables/daily/manual_copy/x"));
        assertEquals(Optional.empty(), layout.buildOfKey("daily", "tables/_state/daily.json"));

        assertEquals(Optional.of(BUILD), layout.buildOfTable("daily", "daily__20260314233000_a1b2c3"));
        assertEquals(Optional.empty(), layout.buildOfTable("daily", "daily"));
        assertEquals(Optional.empty(), layout.buildOfTable("daily", "daily__backup"));
        assertEquals(Optional.empty(), layout.buildOfTable("daily", "daily_top__20260314233000_a1b2c3"));
    }

    @Test
    void buildIdsSortByTimeAndDifferWithinASecond() {
        Clock clock = Clock.fixed(Instant.parse("2026-03-14T23:30:00Z"), ZoneOffset.UTC);
        Random random = new Random(1);
        Set<BuildId> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            BuildId id = BuildId.next(clock, random);
            assertTrue(id.value().startsWith("20260314233000_"), id.value());
            ids.add(id);
        }
        assertEquals(50, ids.size());
        BuildId later = BuildId.next(Clock.fixed(Instant.parse("2026-03-14T23:30:01Z"), ZoneOffset.UTC), random);
        assertTrue(ids.stream().allMatch(id -> id.compareTo(later) < 0));
        assertThrows(IllegalArgumentException.class, () -> new BuildId("2026-03-14"));
    }
}
