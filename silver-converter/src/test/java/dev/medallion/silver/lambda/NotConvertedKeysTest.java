package dev.medallion.silver.lambda;

import dev.medallion.common.text.UnreadNames;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The converter's line for a key it does not convert gives the advice bronze-ingest and the local command give for that name. */
class NotConvertedKeysTest {
    @Test
    void anAdvisedNameGetsTheSameWordsAsInTheOtherTools() {
        for (String key : List.of("sales/2026/sales.Csv", "sales/report.xlsx", "sales/export.tsv", "sales/notes.txt", "loose.xlsx")) {
            String name = key.substring(key.lastIndexOf('/') + 1);
            assertEquals(UnreadNames.advice(name).orElseThrow(), NotConvertedKeys.whatToDo(key), key);
        }
    }

    @Test
    void anyOtherNameIsToldWhichSuffixesAreConverted() {
        assertEquals("the converter converts only files whose names end in .csv, .csv.gz or .dat (or .CSV, .CSV.GZ, .CSV.gz, .DAT): give the data"
                + " as CSV text under such a name, and keep files that are not data out of bronze", NotConvertedKeys.whatToDo("sales/data.json"));
    }

}
