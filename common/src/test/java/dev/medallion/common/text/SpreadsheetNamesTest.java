package dev.medallion.common.text;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpreadsheetNamesTest {
    @Test
    void aWorkbookIsToldToBeExportedInAnyCase() {
        assertEquals(Optional.of("a .xlsx file is a spreadsheet, not CSV text: open it and export each sheet as CSV (in Excel, Save As"
                + " \"CSV UTF-8 (Comma delimited)\"; its plain \"CSV\" is in the machine's code page, which needs a CSV_ENCODINGS entry),"
                + " then give the .csv file"), SpreadsheetNames.advice("Q3 Report.XLSX"));
        assertTrue(SpreadsheetNames.advice("old.xls").orElseThrow().startsWith("a .xls file is a spreadsheet"));
        assertTrue(SpreadsheetNames.advice("budget.ods").isPresent());
    }

    @Test
    void anyOtherNameHasNoAdvice() {
        assertEquals(Optional.empty(), SpreadsheetNames.advice("README.md"));
        assertEquals(Optional.empty(), SpreadsheetNames.advice("orders.tsv"));
        assertEquals(Optional.empty(), SpreadsheetNames.advice("xlsx"));
    }
}
