package dev.medallion.silver;

import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.parquet.PartInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Manifests as earlier releases wrote them, read by today's {@link ManifestStore}: a deployed stack holds them, and one refused
 * after an upgrade fails every redelivery of its file and the reconversion of its dataset. Each was written by
 * {@code lakehouse-local.jar local} built at the commit its folder names, on sample-data's shapes (a row quarantined, a column
 * dropped, a header and no rows, no bytes, a file not UTF-8); {@code format2-1245d06/withdrawn.json} by that commit's
 * {@code ManifestStore} from the withdrawal {@code SilverConverter.withdrawal} built then, since its command could not withdraw;
 * {@code format3-6b81ee8/withdrawn.json} by that commit's {@code SilverConverter.withdraw}, called as a removal calls it, on a
 * local store after its own conversion of the file.
 * <ul>
 * <li>{@code format1-9079e33}: format 1, before the commit protocol: no generation, run, encoding, bytesRead or supersedes;
 * dropped columns by the converter's name; a file not UTF-8 was converted, its rows quarantined.</li>
 * <li>{@code format2-1418296}: format 2, before limits and dropped columns by header and position.</li>
 * <li>{@code format2-26f8928}: format 2 with limits, dropped columns still by the converter's name, before nullValues.</li>
 * <li>{@code format3-6b81ee8}: a withdrawal of format 3 from before withdrawnRows was kept.</li>
 * <li>{@code format2-1245d06}: format 2 with limits, nullValues and dropped columns by position, and a withdrawal of format 3
 * with withdrawnRows, before readingRules was kept.</li>
 * </ul>
 */
class ManifestCompatibilityTest {
    @TempDir
    Path temporary;

    private LocalObjectStore silver;
    private ManifestStore manifests;

    @BeforeEach
    void setUp() throws IOException {
        silver = new LocalObjectStore(Files.createDirectories(temporary.resolve("silver")));
        manifests = new ManifestStore(silver);
    }

    @Test
    void formatOneManifestsAreRead() throws IOException {
        Manifest quarantined = read("format1-9079e33/quarantined.json");
        assertEquals(1, quarantined.formatVersion());
        assertEquals(0, quarantined.generation(), "format 1 had no generation");
        assertNull(quarantined.run());
        assertNull(quarantined.encoding());
        assertEquals(0, quarantined.bytesRead(), "format 1 had no bytesRead");
        assertEquals(List.of(), quarantined.supersedes());
        assertEquals(Manifest.CONVERTED, quarantined.status());
        assertEquals(2, quarantined.rowsRead());
        assertEquals(1, quarantined.rowsWritten());
        assertEquals(1, quarantined.rowsQuarantined());
        assertEquals(List.of(new PartInfo("q/ingest_date=2026-12-05/_2_some_bad-eaa77190e7-141a246b6940-part-00001.parquet", 1, 537)),
                quarantined.parts());
        assertEquals(new Manifest.Quarantine("_quarantine/q/ingest_date=2026-12-05/_2_some_bad-eaa77190e7-141a246b6940.csv", 1),
                quarantined.quarantine());
        assertEquals(new Manifest.Source("local", "q/2_some_bad.csv", "141a246b69407", 20, "2026-12-05T14:58:20.295611554Z"),
                quarantined.source());
        assertRecordsNothingSince(quarantined);

        Manifest dropped = read("format1-9079e33/dropped-by-name.json");
        assertEquals(List.of(new Manifest.DroppedColumn("extra", 0)), dropped.droppedColumns());
        assertEquals(List.of("amount"), dropped.missingColumns());
        assertEquals(1, dropped.rowsWritten());

        Manifest empty = read("format1-9079e33/empty.json");
        assertEquals(Manifest.EMPTY, empty.status());
        assertEquals(List.of(), empty.header());
        assertEquals(0, empty.rowsRead());

        Manifest headerOnly = read("format1-9079e33/header-only.json");
        assertEquals(Manifest.EMPTY, headerOnly.status());
        assertEquals(List.of("id", "name", "amount"), headerOnly.header());
        assertEquals(List.of(), headerOnly.parts());
        assertNull(headerOnly.quarantine());
    }

    @Test
    void formatTwoManifestsFromBeforeLimitsAreRead() throws IOException {
        Manifest quarantined = read("format2-1418296/quarantined.json");
        assertEquals(2, quarantined.formatVersion());
        assertEquals(1, quarantined.generation());
        assertEquals("g1-964fc356", quarantined.run());
        assertEquals("UTF-8", quarantined.encoding());
        assertEquals(20, quarantined.bytesRead());
        assertEquals(1, quarantined.rowsWritten());
        assertEquals(1, quarantined.quarantine().rows());
        assertRecordsNothingSince(quarantined);

        Manifest rejected = read("format2-1418296/rejected.json");
        assertEquals(Manifest.REJECTED, rejected.status());
        assertTrue(rejected.reason().startsWith("The file is not UTF-8"), rejected.reason());
        assertNull(rejected.limits(), "no limits kept yet: its file is read again when delivered again");
        assertEquals(14, rejected.bytesRead());

        assertEquals(List.of(new Manifest.DroppedColumn("extra", 0)), read("format2-1418296/dropped.json").droppedColumns());
        assertEquals(List.of("id", "name", "amount"), read("format2-1418296/header-only.json").header());
    }

    @Test
    void formatTwoManifestsWithLimitsAndDroppedColumnsByNameAreRead() throws IOException {
        Manifest quarantined = read("format2-26f8928/quarantined.json");
        assertEquals(2, quarantined.formatVersion());
        assertEquals(1, quarantined.generation());
        assertEquals("g1-31c87ff6", quarantined.run());
        assertEquals(new Manifest.Limits(4_194_304, 10_000), quarantined.limits());
        assertEquals(List.of(), quarantined.nullValues(), "no nullValues kept yet");
        assertNull(quarantined.quotedEmptyStrings());
        assertEquals(ReadingRules.UNRECORDED, quarantined.readingRules());
        assertNull(quarantined.withdrawnRows());
        assertEquals(2, quarantined.rowsRead());
        assertEquals(1, quarantined.rowsWritten());
        assertEquals(new Manifest.Quarantine("_quarantine/q/ingest_date=2026-12-05/_2_some_bad-eaa77190e7-141a2472b98b-g1-31c87ff6.csv", 1),
                quarantined.quarantine());

        Manifest dropped = read("format2-26f8928/dropped-by-name.json");
        assertEquals(List.of("id", "Extra"), dropped.header());
        assertEquals(List.of(new Manifest.DroppedColumn("extra", 0)), dropped.droppedColumns(), "the converter's name, no position");
        assertEquals(List.of("amount"), dropped.missingColumns());
        assertEquals(new Manifest.Limits(4_194_304, 10_000), dropped.limits());
        assertEquals(List.of(new PartInfo("q/ingest_date=2026-12-05/_4_drift-8945777b08-d1a2472b98b3-g1-74000f14-part-00001.parquet", 1, 473)),
                dropped.parts());

        Manifest headerOnly = read("format2-26f8928/header-only.json");
        assertEquals(Manifest.EMPTY, headerOnly.status());
        assertEquals(List.of(new Manifest.DroppedColumn("name", 0)), headerOnly.droppedColumns());

        Manifest rejected = read("format2-26f8928/rejected.json");
        assertEquals(Manifest.REJECTED, rejected.status());
        assertTrue(rejected.reason().startsWith("The file is not UTF-8: invalid byte sequence 0xE9 0x0A at byte offset 13 (line 2)"), rejected.reason());
        assertEquals(new Manifest.Limits(4_194_304, 10_000), rejected.limits(), "the limits it was rejected under");
        assertEquals(15, rejected.bytesRead());
    }

    @Test
    void aWithdrawalFromBeforeWithdrawnRowsIsRead() throws IOException {
        Manifest withdrawn = read("format3-6b81ee8/withdrawn.json");
        assertEquals(Manifest.WITHDRAWN_FORMAT_VERSION, withdrawn.formatVersion());
        assertEquals(Manifest.WITHDRAWN, withdrawn.status());
        assertEquals(2, withdrawn.generation());
        assertEquals("g2-830e1265", withdrawn.run());
        assertEquals("the source object was deleted from bronze", withdrawn.reason());
        assertEquals(new Manifest.Source("local", "q/2_some_bad.csv", "141a246b69407", 20, "2026-12-05T14:58:20.295611554Z"), withdrawn.source());
        assertNull(withdrawn.withdrawnRows(), "not kept yet: its line, logged by a later run, leaves the rows out");
        assertNull(withdrawn.limits());
        assertEquals(ReadingRules.UNRECORDED, withdrawn.readingRules());
        assertEquals(List.of(
                "q/ingest_date=2026-12-05/_2_some_bad-eaa77190e7-141a246b6940-g1-c595c759-part-00001.parquet",
                "_quarantine/q/ingest_date=2026-12-05/_2_some_bad-eaa77190e7-141a246b6940-g1-c595c759.csv"), withdrawn.supersedes());
        assertEquals(List.of(), withdrawn.parts());
        assertEquals(0, withdrawn.rowsRead());
    }

    @Test
    void formatTwoAndThreeManifestsFromBeforeReadingRulesAreRead() throws IOException {
        Manifest quarantined = read("format2-1245d06/quarantined.json");
        assertEquals(2, quarantined.formatVersion());
        assertEquals(new Manifest.Limits(4_194_304, 10_000), quarantined.limits());
        assertEquals(List.of(), quarantined.nullValues());
        assertEquals(ReadingRules.UNRECORDED, quarantined.readingRules());
        assertEquals(1, quarantined.rowsQuarantined());

        assertEquals(List.of(new Manifest.DroppedColumn("Extra", 2)), read("format2-1245d06/dropped.json").droppedColumns());
        assertEquals(Manifest.REJECTED, read("format2-1245d06/rejected.json").status());
        assertEquals(Manifest.EMPTY, read("format2-1245d06/header-only.json").status());

        Manifest withdrawn = read("format2-1245d06/withdrawn.json");
        assertEquals(Manifest.WITHDRAWN_FORMAT_VERSION, withdrawn.formatVersion());
        assertEquals(Manifest.WITHDRAWN, withdrawn.status());
        assertEquals(2, withdrawn.generation());
        assertNull(withdrawn.limits());
        assertEquals(new Manifest.WithdrawnRows(1, 1), withdrawn.withdrawnRows());
        assertEquals(List.of(
                "q/ingest_date=2026-12-05/_2_some_bad-eaa77190e7-141a246b6940-g1-3c0125f0-part-00001.parquet",
                "_quarantine/q/ingest_date=2026-12-05/_2_some_bad-eaa77190e7-141a246b6940-g1-3c0125f0.csv"), withdrawn.supersedes());
        assertEquals(List.of(), withdrawn.parts());
    }

    /** What a manifest of a release before limits, null markers, quoted empty strings and reading rules were kept reads as. */
    private static void assertRecordsNothingSince(Manifest manifest) {
        assertNull(manifest.limits());
        assertEquals(List.of(), manifest.nullValues());
        assertNull(manifest.quotedEmptyStrings());
        assertEquals(ReadingRules.UNRECORDED, manifest.readingRules());
        assertNull(manifest.withdrawnRows());
    }

    /** Stores the resource as a manifest and reads it as a run does, failing with why it is unreadable. */
    private Manifest read(String resource) throws IOException {
        String key = "_manifests/older/" + resource;
        try (InputStream in = requireNonNull(getClass().getResourceAsStream("/older-manifests/" + resource), resource)) {
            assertTrue(silver.putIf(key, in.readAllBytes(), Optional.empty()).isPresent());
        }
        ManifestStore.Stored stored = manifests.readStored(key).orElseThrow();
        assertEquals(Optional.empty(), stored.unreadable(), resource + " is unreadable");
        return stored.manifest().orElseThrow();
    }
}
