package dev.medallion.local.silver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What tests of names in two Unicode forms need of the machine, assumed with the reason when it lacks it. */
public final class UnicodeFileNames {
    private UnicodeFileNames() {}

    /** Skips, saying why, where the locale cannot encode accented file names ({@code LANG=C}). */
    public static void assumeFileNamesTakeUnicode() {
        assumeTrue(fileNamesTakeUnicode(), "this locale cannot encode accented file names (sun.jnu.encoding=" + System.getProperty("sun.jnu.encoding")
                + "): run with a UTF-8 one, e.g. LANG=C.UTF-8");
    }

    /**
     * Skips, saying why, where writing a name in NFC and in NFD under {@code folder} gives one file (macOS's
     * APFS; Linux's ext4 and tmpfs give two): there are no such twins to find.
     */
    public static void assumeBothUnicodeFormsKept(Path folder) throws IOException {
        assumeTrue(keepsBothUnicodeForms(folder), "the file system (or locale) under " + folder + " does not keep a name's NFC and NFD spellings as"
                + " two files, as macOS APFS does not: there are no such twins to find");
    }

    private static boolean fileNamesTakeUnicode() {
        try {
            Path.of("caf\u00e9", "cafe\u0301");
            return true;
        }
        catch (InvalidPathException e) {
            return false;
        }
    }

    private static boolean keepsBothUnicodeForms(Path folder) throws IOException {
        if (!fileNamesTakeUnicode()) {
            return false;
        }
        Path probe = Files.createTempDirectory(folder, "unicode-forms");
        try {
            Files.writeString(probe.resolve("caf\u00e9"), "NFC");
            Files.writeString(probe.resolve("cafe\u0301"), "NFD");
            try (Stream<Path> names = Files.list(probe)) {
                return names.count() == 2;
            }
        }
        finally {
            try (Stream<Path> names = Files.list(probe)) {
                for (Path name : names.toList()) {
                    Files.delete(name);
                }
            }
            Files.delete(probe);
        }
    }
}
