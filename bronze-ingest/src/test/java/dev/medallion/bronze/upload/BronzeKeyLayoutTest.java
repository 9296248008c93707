package dev.medallion.bronze.upload;

import dev.medallion.common.layout.SilverLayout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BronzeKeyLayoutTest {
    @TempDir
    Path directory;

    @Test
    void theDatasetComesFirstAndThePrefixAfterIt() {
        assertEquals("sales/2026/q1.csv", new BronzeKeyLayout(Optional.empty()).key("sales", "2026/q1.csv"));
        assertEquals("sales/imports/11/2026/q1.csv", new BronzeKeyLayout(Optional.of("imports/11")).key("sales", "2026/q1.csv"));
    }

    /** macOS can spell é as e and a combining accent; Linux and Windows as one character. One file, one key. */
    @Test
    void namesAreTakenInNfcAndTheDecomposedKeyIsTheEarlierOne() {
        BronzeKeyLayout layout = new BronzeKeyLayout(Optional.empty());
        String decomposed = "2026/e\u0301te\u0301/cafe\u0301.csv";
        String composed = "2026/\u00e9t\u00e9/caf\u00e9.csv";

        assertEquals("sales/" + composed, layout.key("sales", decomposed));
        assertEquals("sales/" + composed, layout.key("sales", composed));
        // Spelled decomposed here: that is the key an earlier version gave it.
        assertEquals(List.of("sales/" + decomposed), layout.earlierKeys("sales", decomposed));
        // Spelled in NFC here, but a machine holding a decomposed copy may have uploaded it so.
        assertEquals(List.of("sales/" + decomposed), layout.earlierKeys("sales", composed));
        assertEquals(List.of(), layout.earlierKeys("sales", "2026/q1.csv"));
    }

    /**
     * A prefix pasted from a Mac's Finder or a file name can be spelled decomposed, and typed on another machine composed:
     * one prefix, one key. Versions that kept the prefix as typed may have put the file under it typed or decomposed.
     */
    @Test
    void thePrefixIsTakenInNfcAndItsTypedAndDecomposedFormsAreEarlierKeys() {
        String decomposed = "cafe\u0301/2026";
        String composed = "caf\u00e9/2026";
        BronzeKeyLayout typedDecomposed = new BronzeKeyLayout(Optional.of(decomposed));
        BronzeKeyLayout typedComposed = new BronzeKeyLayout(Optional.of(composed));

        assertEquals(Optional.of(composed), typedDecomposed.prefix());
        assertEquals("sales/" + composed + "/q1.csv", typedDecomposed.key("sales", "q1.csv"));
        assertEquals("sales/" + composed + "/q1.csv", typedComposed.key("sales", "q1.csv"));
        assertEquals(List.of("sales/" + decomposed + "/q1.csv"), typedDecomposed.earlierKeys("sales", "q1.csv"));
        assertEquals(List.of("sales/" + decomposed + "/q1.csv"), typedComposed.earlierKeys("sales", "q1.csv"));
        // Prefix and name each spelled either way, the one spelled here first.
        assertEquals(List.of("sales/" + decomposed + "/the\u0301.csv", "sales/" + decomposed + "/th\u00e9.csv", "sales/" + composed + "/the\u0301.csv"),
                typedDecomposed.earlierKeys("sales", "the\u0301.csv"));
        assertEquals(List.of("sales/" + composed + "/the\u0301.csv", "sales/" + decomposed + "/th\u00e9.csv", "sales/" + decomposed + "/the\u0301.csv"),
                typedComposed.earlierKeys("sales", "th\u00e9.csv"));
    }

    @Test
    void prefixesAreTidiedAndDotSegmentsRefused() {
        assertEquals(Optional.of("2026/11"), new BronzeKeyLayout(Optional.of(" /2026//11/ ")).prefix());
        assertEquals(Optional.empty(), new BronzeKeyLayout(Optional.of("/")).prefix());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BronzeKeyLayout(Optional.of("a/../b")));
        assertEquals("--prefix 'a/../b' holds a '..' segment: give plain folder names such as 2026/11", e.getMessage());
    }

    @Test
    void theDatasetIsTheFolderMadeSafeAsTheConverterDoes() {
        Path folder = directory.resolve("Sales Data 2026");
        assertEquals("sales_data_2026", BronzeKeyLayout.dataset(folder, true, Optional.empty()));
        // A single file belongs to the folder that holds it.
        assertEquals("sales_data_2026", BronzeKeyLayout.dataset(folder.resolve("january.csv"), false, Optional.empty()));
        assertEquals("ventes_ete", BronzeKeyLayout.dataset(folder, true, Optional.of("Ventes Été")));
        assertEquals("y2026", BronzeKeyLayout.dataset(directory.resolve("2026"), true, Optional.of("y2026")));
    }

    /**
     * A given name is refused here as UploadOptions refuses --dataset, so that a planner built with a name by any other
     * caller cannot put a table named after a hash, or a key whose first folder is not the whole name.
     */
    @Test
    void aGivenNameThatNamesNoDatasetIsRefused() {
        Path folder = directory.resolve("sales");

        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> BronzeKeyLayout.dataset(folder, true, Optional.of(" ")));
        IllegalArgumentException noLetter = assertThrows(IllegalArgumentException.class, () -> BronzeKeyLayout.dataset(folder, true, Optional.of("-")));
        IllegalArgumentException slash = assertThrows(IllegalArgumentException.class, () -> BronzeKeyLayout.dataset(folder, true, Optional.of("sales/2026")));

        assertEquals("--dataset ' ' holds no letter or digit, so its table would be named after a hash of it (" + SilverLayout.datasetName(" ")
                + "): give the dataset's name, such as sales", blank.getMessage());
        assertEquals("--dataset '-' holds no letter or digit, so its table would be named after a hash of it (" + SilverLayout.datasetName("-")
                + "): give the dataset's name, such as sales", noLetter.getMessage());
        assertEquals("--dataset 'sales/2026' holds a '/': give the dataset's name alone, and the folders after it with --prefix", slash.getMessage());
    }

    /** A file re-uploaded on its own from a date folder of a dataset would land in a dataset named after the date. */
    @Test
    void aFolderNamedLikeADateIsNoDatasetUnlessNamedSo() {
        Path file = directory.resolve("sales/2026/jan.csv");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BronzeKeyLayout.dataset(file, false, Optional.empty()));

        assertTrue(e.getMessage().startsWith(file + ": its dataset would be its folder 2026 (as a table, _2026)"), e.getMessage());
        assertTrue(e.getMessage().contains("--dataset NAME, with --prefix"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BronzeKeyLayout.dataset(directory.resolve("11"), true, Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> BronzeKeyLayout.dataset(directory.resolve("2026-11"), true, Optional.empty()));
        assertEquals("sales", BronzeKeyLayout.dataset(file, false, Optional.of("sales")));
        // A name that starts with a digit is a name, not a date.
        assertEquals("_3m_orders", BronzeKeyLayout.dataset(directory.resolve("3m orders"), true, Optional.empty()));
    }

    @Test
    void aRelativeFolderIsNamedAfterWhatItResolvesTo() {
        Path dot = Path.of(".");
        assertEquals(BronzeKeyLayout.dataset(Path.of("").toAbsolutePath(), true, Optional.empty()), BronzeKeyLayout.dataset(dot, true, Optional.empty()));
    }

    @Test
    void theRootHasNoNameToGive() {
        Path root = directory.getRoot();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BronzeKeyLayout.dataset(root, true, Optional.empty()));
        assertEquals("Cannot name a dataset after " + root + ": give one with --dataset NAME", e.getMessage());
    }

    @Test
    void relativePathsUseSlashes() {
        assertEquals("2026/11/x y.csv", BronzeKeyLayout.relativePath(directory, directory.resolve("2026").resolve("11").resolve("x y.csv")));
    }
}
