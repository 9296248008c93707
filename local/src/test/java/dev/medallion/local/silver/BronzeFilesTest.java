package dev.medallion.local.silver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BronzeFilesTest {
    @TempDir
    Path input;

    @Test
    void findsTheBronzeFilesInPathOrderWithTheDatasetOfTheirFirstFolder() throws IOException {
        for (String file : List.of("sales/2026/02/b.csv", "sales/2026/01/z.CSV", "sales/2026/01/a.csv.gz", "Stores EU/stores.dat",
                "orders.csv", "Legacy Export.CSV.GZ", "sales/readme.txt", "sales/data.parquet", ".git/x.csv", "sales/.~lock.a.csv#", "sales/.hidden.csv")) {
            Files.createDirectories(input.resolve(file).getParent());
            Files.writeString(input.resolve(file), "a\n1\n");
        }

        List<BronzeFile> files = BronzeFiles.under(input, List.of()).files();

        assertEquals(List.of(
                        "Legacy Export.CSV.GZ -> legacy_export",
                        "Stores EU/stores.dat -> stores_eu",
                        "orders.csv -> orders",
                        "sales/2026/01/a.csv.gz -> sales",
                        "sales/2026/01/z.CSV -> sales",
                        "sales/2026/02/b.csv -> sales"),
                files.stream().map(file -> file.key() + " -> " + file.dataset()).toList());
        assertEquals(input.resolve("sales/2026/02/b.csv"), files.get(5).path());
    }

    @Test
    void aFileAsTheInputIsItsOwnDataset() throws IOException {
        Path file = Files.writeString(input.resolve("Daily Orders.csv"), "a\n1\n");

        assertEquals(List.of(new BronzeFile(file, "Daily Orders.csv", "daily_orders")), BronzeFiles.under(file, List.of()).files());
        assertEquals(List.of(), BronzeFiles.under(Files.writeString(input.resolve("notes.txt"), "x"), List.of()).files());
    }

    @Test
    void aMissingInputIsAnError() {
        assertEquals(input.resolve("nothing") + ": the input does not exist",
                assertThrows(NoSuchFileException.class, () -> BronzeFiles.under(input.resolve("nothing"), List.of())).getMessage());
    }

    /** The lake's folders are compared by real path: the lake given through a link, or the input given as one, is still the lake. */
    @Test
    void theLakesOwnFoldersUnderTheInputAreLeftOutWhicheverPathNamesThem() throws IOException {
        Path drop = Files.createDirectories(input.resolve("drop"));
        for (String file : List.of("people/a.csv", "lake/silver/_quarantine/people/ingest_date=2026-01-01/a-1.csv", "lake/gold/x.csv", "lake/notes/n.csv")) {
            Files.createDirectories(drop.resolve(file).getParent());
            Files.writeString(drop.resolve(file), "a\n1\n");
        }
        Path linkToDrop = Files.createSymbolicLink(input.resolve("link to drop"), drop);
        Path lake = linkToDrop.resolve("lake");
        List<Path> lakeFolders = List.of(lake.resolve("silver"), lake.resolve("gold"));

        BronzeInput found = BronzeFiles.under(drop, lakeFolders);

        assertEquals(List.of("lake/notes/n.csv", "people/a.csv"), found.files().stream().map(BronzeFile::key).toList());
        assertEquals(List.of(drop.resolve("lake/gold"), drop.resolve("lake/silver")), found.lakeFolders());
        // Named as given, under the link.
        assertEquals(linkToDrop.resolve("people/a.csv"), BronzeFiles.under(linkToDrop, lakeFolders).files().get(1).path());
        // A lake that does not exist yet has no folders to leave out.
        assertEquals(List.of(), BronzeFiles.under(drop, List.of(drop.resolve("new lake/silver"))).lakeFolders());

        assertEquals(Optional.of(lake.resolve("silver")), BronzeFiles.lakeFolderHolding(drop.resolve("lake/silver/_quarantine"), lakeFolders));
        assertEquals(Optional.of(lake.resolve("gold")), BronzeFiles.lakeFolderHolding(drop.resolve("lake/gold"), lakeFolders));
        assertEquals(Optional.empty(), BronzeFiles.lakeFolderHolding(drop, lakeFolders));
        assertEquals(Optional.empty(), BronzeFiles.lakeFolderHolding(drop.resolve("lake/notes"), lakeFolders));
    }

    @Test
    void linksToFoldersAreListedNotFollowedAndLinksToFilesAreTheFiles() throws IOException {
        Path elsewhere = Files.createDirectories(input.resolve("elsewhere/sales"));
        Files.writeString(elsewhere.resolve("b.csv"), "a\n1\n");
        Path drop = Files.createDirectories(input.resolve("drop/people"));
        Files.writeString(drop.resolve("a.csv"), "a\n1\n");
        Files.createSymbolicLink(drop.resolve("linked.csv"), elsewhere.resolve("b.csv"));
        Path link = Files.createSymbolicLink(input.resolve("drop/sales"), elsewhere);
        Files.createSymbolicLink(input.resolve("drop/.hidden"), elsewhere);
        // A link to the lake is the lake: left out as such, not named as a folder of bronze files.
        Path scratchLake = Files.createDirectories(input.resolve("scratch/lake/silver"));
        Path linkToLake = Files.createSymbolicLink(input.resolve("drop/lake"), scratchLake.getParent());

        BronzeInput found = BronzeFiles.under(input.resolve("drop"), List.of(linkToLake.resolve("silver"), linkToLake.resolve("gold")));

        assertEquals(List.of("people/a.csv", "people/linked.csv"), found.files().stream().map(BronzeFile::key).toList());
        assertEquals(List.of(new BronzeInput.FolderLink(link, elsewhere)), found.folderLinks());
        assertEquals(List.of(linkToLake), found.lakeFolders());
        assertEquals(List.of(), found.unreadable());
        // The link's file is not under the input otherwise: one file, one key.
        assertEquals(List.of(), found.sameFiles());
    }

    /**
     * As bronze-ingest upload tells files apart (device and inode, which hard links share): a link to a file
     * the input holds anyway, hard links to one file, or two links to a file outside are one file under two keys.
     */
    @Test
    void oneFileUnderTwoKeysIsListedWithItsLinks() throws IOException {
        Path drop = Files.createDirectories(input.resolve("drop/people"));
        Path a = Files.writeString(drop.resolve("a.csv"), "a\n1\n");
        Path linkToA = Files.createSymbolicLink(drop.resolve("z link.csv"), a);
        Path b = Files.writeString(drop.resolve("b.csv"), "a\n2\n");
        Path hardLinkToB = Files.createLink(input.resolve("drop/sales.csv"), b);
        Path outside = Files.writeString(input.resolve("outside.csv"), "a\n3\n");
        Path firstLink = Files.createSymbolicLink(input.resolve("drop/orders.csv"), outside);
        Path secondLink = Files.createSymbolicLink(drop.resolve("d.csv"), outside);
        Files.createSymbolicLink(drop.resolve("c.csv"), Files.writeString(input.resolve("once.csv"), "a\n4\n"));

        BronzeInput found = BronzeFiles.under(input.resolve("drop"), List.of());

        List<BronzeFile> files = found.files();
        assertEquals(List.of("orders.csv", "people/a.csv", "people/b.csv", "people/c.csv", "people/d.csv", "people/z link.csv", "sales.csv"),
                files.stream().map(BronzeFile::key).toList());
        // In the order of their first key; each file's keys in key order.
        assertEquals(List.of(
                        new BronzeInput.SameFile(outside.toRealPath(), List.of(files.get(0), files.get(4)), List.of(firstLink, secondLink)),
                        new BronzeInput.SameFile(a.toRealPath(), List.of(files.get(1), files.get(5)), List.of(linkToA)),
                        new BronzeInput.SameFile(b.toRealPath(), List.of(files.get(2), files.get(6)), List.of())),
                found.sameFiles());
        assertEquals(List.of(), found.sameFiles().get(0).names());
        assertEquals(List.of(a), found.sameFiles().get(1).names());
        assertEquals(List.of(b, hardLinkToB), found.sameFiles().get(2).names());
        assertEquals(List.of(), found.unreadable());
    }

    /**
     * bronze-ingest upload takes names in NFC: a name spelled decomposed, as a copy from a Mac can spell it,
     * gets the key of its NFC spelling, folder and file names alike, and so the same dataset.
     */
    @Test
    void aNameSpelledInNfdGetsTheKeyOfItsNfcSpelling() throws IOException {
        UnicodeFileNames.assumeFileNamesTakeUnicode();
        Path folder = Files.createDirectories(input.resolve("drop/cafe\u0301s/2026"));
        Path file = Files.writeString(folder.resolve("cre\u0300me bru\u0302le\u0301e.csv"), "a\n1\n");

        List<BronzeFile> files = BronzeFiles.under(input.resolve("drop"), List.of()).files();

        String key = "caf\u00e9s/2026/cr\u00e8me br\u00fbl\u00e9e.csv";
        assertEquals(List.of(new BronzeFile(file, key, BronzeFiles.datasetOf(key))), files);
        // A file given as the input, too.
        assertEquals(List.of(new BronzeFile(file, "cr\u00e8me br\u00fbl\u00e9e.csv", BronzeFiles.datasetOf("cr\u00e8me br\u00fbl\u00e9e.csv"))),
                BronzeFiles.under(file, List.of()).files());
    }

    /**
     * Linux keeps café.csv in NFC and in NFD as two files, which would land on one key: listed, in path order,
     * as bronze-ingest upload refuses them. One file reached on one key by both spellings (a hard link) is one file.
     */
    @Test
    void namesThatDifferOnlyInTheirUnicodeFormAreListedOnTheirOneKey() throws IOException {
        UnicodeFileNames.assumeBothUnicodeFormsKept(input);
        Path people = Files.createDirectories(input.resolve("drop/people"));
        Path nfc = Files.writeString(people.resolve("caf\u00e9.csv"), "a\n1\n");
        Path nfd = Files.writeString(people.resolve("cafe\u0301.csv"), "a\n2\n");
        Path orders = Files.createDirectories(input.resolve("drop/orders"));
        Path hardLink = Files.createLink(orders.resolve("bene\u0301.csv"), Files.writeString(orders.resolve("ben\u00e9.csv"), "a\n3\n"));

        BronzeInput found = BronzeFiles.under(input.resolve("drop"), List.of());

        // Each key's files in path order: "e" and a combining accent before "\u00e9".
        assertEquals(List.of(
                        new BronzeFile(hardLink, "orders/ben\u00e9.csv", "orders"),
                        new BronzeFile(nfd, "people/caf\u00e9.csv", "people"),
                        new BronzeFile(nfc, "people/caf\u00e9.csv", "people")),
                found.files());
        assertEquals(List.of(new BronzeInput.SameKey("people/caf\u00e9.csv", found.files().subList(1, 3))), found.sameKeys());
        assertEquals(List.of(), found.sameFiles());
    }


}
