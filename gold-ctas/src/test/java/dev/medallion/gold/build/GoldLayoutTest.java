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

    /**
     * A build's staging table and folder belong to it, so removing the build removes them; no model, whatever its
     * name, takes the staging table for a build of its own, and the staging folder is no prefix of the build's,
     * whose CTAS needs its location empty.
     */
    @Test
    void aBuildsStagingTableAndFolderAreItsOwnAndNoOtherModels() {
        assertEquals("daily__staging_20260314233000_a1b2c3", layout.stagingTable("daily", BUILD));
        assertEquals("tables/daily/staging_20260314233000_a1b2c3/", layout.stagingPrefix("daily", BUILD));
        assertEquals("s3://gold-bucket/tables/daily/staging_20260314233000_a1b2c3/", layout.stagingLocation("daily", BUILD));
        assertTrue(!layout.stagingLocation("daily", BUILD).startsWith(layout.location("daily", BUILD))
                && !layout.location("daily", BUILD).startsWith(layout.stagingLocation("daily", BUILD)));

        assertEquals(Optional.of(BUILD), layout.buildOfKey("daily", "tables/daily/staging_20260314233000_a1b2c3/20260314_233000_00001_x"));
        assertEquals(Optional.of(BUILD), layout.buildOfFolder("staging_20260314233000_a1b2c3"));
        assertEquals(Optional.of(BUILD), layout.buildOfFolder("20260314233000_a1b2c3"));
        assertEquals(Optional.empty(), layout.buildOfFolder("staging_backup"));
        assertEquals(Optional.of(BUILD), layout.buildOfStagingTable("daily", "daily__staging_20260314233000_a1b2c3"));
        assertEquals(Optional.empty(), layout.buildOfStagingTable("daily", "daily__20260314233000_a1b2c3"));
        assertEquals(Optional.empty(), layout.buildOfStagingTable("daily_top", "daily__staging_20260314233000_a1b2c3"));
        // Not a build table of "daily", nor of a model named so that its build tables would read the same.
        for (String model : java.util.List.of("daily", "daily__staging", "daily__staging_", "daily_")) {
            assertEquals(Optional.empty(), layout.buildOfTable(model, "daily__staging_20260314233000_a1b2c3"), model);
        }
    }

    /** The model of a build or staging table, from its whole name; a name that merely contains __ is no model's. */
    @Test
    void aTableIsAModelsOnlyWhenItsWholeNameIsTheBuildersName() {
        assertEquals(Optional.of("daily"), layout.modelOfTable(layout.table("daily", BUILD)));
        assertEquals(Optional.of("daily"), layout.modelOfTable(layout.stagingTable("daily", BUILD)));
        // A model's name may hold __ and end in _ (models.list allows [a-z][a-z0-9_]*), and "staging" itself.
        assertEquals(Optional.of("old__totals"), layout.modelOfTable(layout.stagingTable("old__totals", BUILD)));
        assertEquals(Optional.of("daily_"), layout.modelOfTable(layout.table("daily_", BUILD)));
        assertEquals(Optional.of("daily__staging"), layout.modelOfTable(layout.table("daily__staging", BUILD)));
        for (String own : new String[] {"daily", "notes__archive", "sales__2026", "daily__20260314233000_a1b2c3_old",
                "daily__20260314233000_a1b2c", "daily__2026031423300_a1b2c3", "daily__20260314233000_a1b2g3", "daily__20260314233000_A1B2C3",
                "daily__staging_2026", "daily__stage_20260314233000_a1b2c3", "daily_20260314233000_a1b2c3", "__20260314233000_a1b2c3",
                "_daily__20260314233000_a1b2c3", "2daily__20260314233000_a1b2c3", "Daily__20260314233000_a1b2c3",
                "daily__staging_20260314233000_a1b2c3__x"}) {
            assertEquals(Optional.empty(), layout.modelOfTable(own), own);
        }
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
