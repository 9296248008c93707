package dev.medallion.silver.schema;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColumnNamesTest {

    @Test
    void namesAreMadeSafe() {
        assertEquals(List.of("prenom", "nom_de_famille", "amount_eur", "_1st", "order_id"),
                ColumnNames.normalize(List.of("Prénom", "Nom de famille", "Amount (EUR)", "1st", "ORDER_ID")));
    }

    @Test
    void theSilverPartitionKeyIsTakenAsIfARepeat() {
        assertEquals(List.of("id", "ingest_date_2", "ingest_date_3"), ColumnNames.normalize(List.of("id", "Ingest Date", "ingest_date")));
        assertEquals(List.of("ingest_date_2", "ingest_date_3"), ColumnNames.normalize(List.of("ingest_date_2", "ingest_date")));
        // Matching a header against a contract that already names a column so.
        assertEquals(List.of("ingest_date", "ingest_date_2"), ColumnNames.normalize(List.of("ingest_date", "ingest_date"), false));
    }

    @Test
    void duplicatesGetNumberedSuffixes() {
        assertEquals(List.of("a", "a_2", "a_3"), ColumnNames.normalize(List.of("a", "a", "a")));
    }

    @Test
    void namesThatCollideOnlyAfterNormalisationAreNumbered() {
        assertEquals(List.of("email", "email_2", "email_3"), ColumnNames.normalize(List.of("Email", "EMAIL", "eMail")));
        assertEquals(List.of("prenom", "prenom_2"), ColumnNames.normalize(List.of("Prénom", "prenom")));
        assertEquals(List.of("first_name", "first_name_2"), ColumnNames.normalize(List.of("first name", "First-Name")));
    }

    @Test
    void suffixSkipsNamesAlreadyTaken() {
        assertEquals(List.of("a_2", "a", "a_3"), ColumnNames.normalize(List.of("a_2", "a", "a")));
        assertEquals(List.of("a", "a_2", "a_2_2"), ColumnNames.normalize(List.of("a", "a", "a_2")));
    }

    @Test
    void blankNamesAreNamedAfterTheirPosition() {
        assertEquals(List.of("id", "column_2", "column_3", "total"), ColumnNames.normalize(List.of("id", "", "  ", "total")));
        assertEquals(List.of("column_1"), ColumnNames.normalize(List.of("???")));
    }

    @Test
    void blankPositionNameDoesNotCollideWithARealHeader() {
        assertEquals(List.of("column_2", "column_2_2"), ColumnNames.normalize(List.of("Column 2", "")));
    }

    @Test
    void headersLongerThanTheCatalogHoldsAreCutAndStayDistinct() {
        String start = "Net amount after discounts and returns ".repeat(7);
        List<String> names = ColumnNames.normalize(List.of(start + "in EUR", start + "in USD", start + "in EUR", "id"));
        assertEquals(4, new HashSet<>(names).size(), names.toString());
        for (String name : names.subList(0, 3)) {
            assertTrue(name.length() <= 255 && name.startsWith("net_amount_after_discounts_and_returns_net_amount"), name);
        }
        assertEquals("id", names.get(3));
    }

    @Test
    void emptyHeaderGivesNoNames() {
        assertEquals(List.of(), ColumnNames.normalize(List.of()));
    }

    @Test
    void namesAreAlwaysUniqueAndSafe() {
        List<String> header = List.of("a", "A", "a_2", "", "", "1", "_1", "é", "e", "Ünit Price", "unit_price", "x", "X ");
        List<String> names = ColumnNames.normalize(header);
        assertEquals(header.size(), names.size());
        assertEquals(names.size(), new HashSet<>(names).size(), names.toString());
        for (String name : names) {
            assertTrue(name.matches("[a-z_][a-z0-9_]*"), name);
        }
    }
}
