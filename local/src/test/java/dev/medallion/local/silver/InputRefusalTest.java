package dev.medallion.local.silver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InputRefusalTest {
    @TempDir
    Path directory;

    /**
     * The refusal as assembled, every kind of problem together, without needing a folder root cannot read:
     * a line per problem, "Nothing was converted." once, after the last. A file without a name of its own
     * converted in --input is named as outside it, or as under it but not converted by its own name.
     */
    @Test
    void theRefusalOfAnInputNamesEveryProblemAndSaysNothingWasConvertedOnce() throws IOException {
        UnicodeFileNames.assumeFileNamesTakeUnicode();
        Path input = Files.createDirectories(directory.resolve("drop"));
        Path outside = directory.resolve("outside.csv");
        BronzeFile a = new BronzeFile(input.resolve("people/a.csv"), "people/a.csv", "people");
        BronzeFile b = new BronzeFile(input.resolve("people/b.csv"), "people/b.csv", "people");
        BronzeFile d = new BronzeFile(input.resolve("people/d.csv"), "people/d.csv", "people");
        BronzeFile e = new BronzeFile(input.resolve("people/e.csv"), "people/e.csv", "people");
        BronzeFile f = new BronzeFile(input.resolve("people/f.csv"), "people/f.csv", "people");
        BronzeFile g = new BronzeFile(input.resolve("people/g.csv"), "people/g.csv", "people");
        BronzeFile nfd = new BronzeFile(input.resolve("people/cafe\u0301.csv"), "people/caf\u00e9.csv", "people");
        BronzeFile nfc = new BronzeFile(input.resolve("people/caf\u00e9.csv"), "people/caf\u00e9.csv", "people");
        BronzeInput found = new BronzeInput(List.of(a, b, nfd, nfc, d, e, f, g), List.of(), List.of(), List.of(), List.of(),
                List.of(new BronzeInput.Unreadable(input.resolve("sales"), "permission denied"), new BronzeInput.Unreadable(input.resolve("stores"), "permission denied")),
                List.of(new BronzeInput.SameFile(a.path(), List.of(a, b), List.of()),
                        new BronzeInput.SameFile(outside, List.of(d, e), List.of(d.path(), e.path())),
                        new BronzeInput.SameFile(input.resolve(".raw/x.csv"), List.of(f, g), List.of(f.path(), g.path()))),
                List.of(new BronzeInput.SameKey("people/caf\u00e9.csv", List.of(nfd, nfc))));

        List<String> refusal = InputRefusal.lines(input, found);

        String under = " under --input " + input;
        assertEquals(List.of(
                "error: cannot read 2 paths" + under + ": " + input.resolve("sales") + " (permission denied), " + input.resolve("stores") + " (permission denied),"
                        + " so their files would be missing from the lake: make them readable, or move them out of --input.",
                "error: " + a.path() + under + " would be converted twice, as people/a.csv and as people/b.csv, its rows then in silver twice: remove one of its"
                        + " hard links " + a.path() + " and " + b.path() + " from --input.",
                "error: " + outside + ", outside --input " + input + ", reached through the links " + d.path() + " and " + e.path() + ", would be converted"
                        + " twice, as people/d.csv and as people/e.csv, its rows then in silver twice: move one of the links out of --input (a link to a file is"
                        + " converted as that file).",
                "error: " + input.resolve(".raw/x.csv") + "," + under + " but not converted by its own name, reached through the links " + f.path() + " and "
                        + g.path() + ", would be converted twice, as people/f.csv and as people/g.csv, its rows then in silver twice: move one of the links"
                        + " out of --input (a link to a file is converted as that file).",
                "error: " + nfd.path() + " (NFD) and " + nfc.path() + " (NFC)" + under + " would both be converted as people/caf\u00e9.csv, one file's rows"
                        + " replacing the other's, since their names differ only in their Unicode form (NFC and NFD spellings of one name): rename or remove"
                        + " one of them. Nothing was converted."),
                refusal);
        assertEquals(List.of(), InputRefusal.lines(input, new BronzeInput(List.of(a), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of())));
    }
}
