package dev.medallion.common.text;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UnreadNamesTest {
    private static final String TSV = "a .tsv file of delimited text (MySQL's SELECT ... INTO OUTFILE, a tab-separated download) is converted once its"
            + " name says CSV: rename it to end in .csv or .dat; its delimiter (a comma, a semicolon, a tab or a pipe) is detected, or set for its"
            + " dataset in CSV_DELIMITERS (the stack's silver_csv_delimiters, e.g. <dataset>:tab; docs/silver-converter.md, Delimiters)";

    @Test
    void aReadSuffixInAMixedCaseIsToldItsCase() {
        assertEquals(Optional.of("its name ends in .Csv, a suffix the converter reads only as .csv or .CSV (S3 and IAM match key names"
                + " case-sensitively, and the converter's role may read only those): rename it to end in .csv (aws s3 mv), which converts it"),
                UnreadNames.advice("sales.Csv"));
        assertEquals(Optional.of("its name ends in .Csv.Gz, a suffix the converter reads only as .csv.gz or .CSV.GZ (S3 and IAM match key names"
                + " case-sensitively, and the converter's role may read only those): rename it to end in .csv.gz (aws s3 mv), which converts it"),
                UnreadNames.advice("sales.Csv.Gz"));
    }

    @Test
    void aNameReadAsGivenHasNoAdvice() {
        for (String name : List.of("a.csv", "a.CSV", "a.csv.gz", "a.CSV.GZ", "a.CSV.gz", "a.dat", "a.DAT")) {
            assertEquals(Optional.empty(), UnreadNames.advice(name), name);
        }
    }

    @Test
    void aSpreadsheetIsToldWhatSpreadsheetNamesSays() {
        assertEquals(SpreadsheetNames.advice("Q3.XLSX"), UnreadNames.advice("Q3.XLSX"));
        assertEquals(SpreadsheetNames.advice("old.xls"), UnreadNames.advice("old.xls"));
    }

    @Test
    void delimitedTextUnderAnotherSuffixIsToldToBeRenamedInAnyCase() {
        assertEquals(Optional.of(TSV), UnreadNames.advice("orders.TSV"));
        assertEquals(Optional.of(TSV.replace("a .tsv file", "a .txt file")), UnreadNames.advice("export.txt"));
        assertEquals(Optional.of(TSV.replace("a .tsv file", "a .tab file")), UnreadNames.advice("export.tab"));
    }

    @Test
    void anyOtherNameHasNoAdvice() {
        for (String name : List.of("README.md", "data.json", "tsv", "orders.csv.bak", "")) {
            assertEquals(Optional.empty(), UnreadNames.advice(name), name);
        }
    }

    @Test
    void adviceByKindNamesTheFilesOfEachKindBounded() {
        List<Path> files = List.of(Path.of("drop/a/1.tsv"), Path.of("drop/README.md"), Path.of("drop/jan.xlsx"), Path.of("drop/b/2.tsv"),
                Path.of("drop/c/3.tsv"), Path.of("drop/d/1.tsv"));

        assertEquals(List.of("1.tsv, 2.tsv, ...: " + TSV, "jan.xlsx: " + SpreadsheetNames.advice("jan.xlsx").orElseThrow()),
                UnreadNames.adviceByKind(files, 2));
        assertEquals(List.of(), UnreadNames.adviceByKind(List.of(Path.of("notes.md")), 5));
        assertThrows(IllegalArgumentException.class, () -> UnreadNames.adviceByKind(files, 0));
    }
}
