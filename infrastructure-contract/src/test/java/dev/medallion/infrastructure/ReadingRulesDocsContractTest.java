package dev.medallion.infrastructure;

import dev.medallion.silver.ReadingRules;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The table of reading rules' versions in docs/silver-converter.md has one row for each version up to the one in force
 * ({@link ReadingRules#VERSION}): a release raising it converts again every file of a dataset delivered again, and the row is
 * what tells an operator which datasets to run {@code silver_reconvert_command} for.
 */
class ReadingRulesDocsContractTest {
    private static final String DOCUMENT = "docs/silver-converter.md";
    private static final String HEADING = "### Converting files again after a converter upgrade";

    @Test
    void theVersionTableHasARowForEveryVersionUpToTheOneInForce() throws IOException {
        List<Integer> documented = documentedVersions(Files.readString(Repository.root().resolve(DOCUMENT)));
        List<Integer> inForce = IntStream.rangeClosed(ReadingRules.UNRECORDED, ReadingRules.VERSION).boxed().toList();

        assertEquals(inForce, documented, DOCUMENT + "'s table under \"" + HEADING.substring(4) + "\" must have one row for each version from "
                + ReadingRules.UNRECORDED + " to ReadingRules.VERSION (" + ReadingRules.VERSION + "), in order: add the row of a version raised,"
                + " saying what changed in reading and which files it affects");
    }

    /** The first cell of each row of the section's table, below its header and separator lines. */
    private static List<Integer> documentedVersions(String document) {
        int start = document.indexOf("\n" + HEADING + "\n");
        if (start < 0) {
            throw new IllegalStateException(DOCUMENT + " has no heading '" + HEADING + "': this test reads the version table from there");
        }
        List<String> lines = document.substring(start + HEADING.length() + 2).lines().takeWhile(line -> !line.startsWith("#")).toList();
        List<Integer> versions = new ArrayList<>();
        int tableLine = 0;
        for (String line : lines) {
            String trimmed = line.strip();
            if (!trimmed.startsWith("|")) {
                continue;
            }
            tableLine++;
            if (tableLine <= 2) {
                continue;
            }
            String first = trimmed.substring(1, trimmed.indexOf('|', 1)).strip();
            try {
                versions.add(Integer.parseInt(first));
            }
            catch (NumberFormatException e) {
                throw new IllegalStateException(DOCUMENT + ", table under '" + HEADING + "': row '" + trimmed + "' starts with '" + first
                        + "', not a version number", e);
            }
        }
        return versions;
    }
}
