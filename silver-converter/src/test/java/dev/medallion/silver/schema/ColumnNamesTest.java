package dev.medallion.silver.schema;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

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
    void fieldsThatCollideOnceNormalisedAreMatchedByTheHeaderTextTheirColumnsCameFrom() {
        List<Column> contract = columnsOf(List.of("Amount", "amount"));

        assertEquals(List.of("amount_2", "amount"), ColumnNames.matched(List.of("amount", "Amount"), contract, true));
        assertEquals(List.of("amount", "amount_2"), ColumnNames.matched(List.of("Amount", "amount"), contract, true));
        // A third spelling beside one of them is no column's, whichever its place: a dropped column, not a guess.
        assertEquals(List.of("amount_3", "amount_2"), ColumnNames.matched(List.of("AMOUNT", "amount"), contract, true));
        assertEquals(List.of("amount_2", "amount_3"), ColumnNames.matched(List.of("amount", "AMOUNT"), contract, true));
        assertEquals(List.of("amount", "amount_3"), ColumnNames.matched(List.of("Amount", "AMOUNT"), contract, true));
        assertEquals(List.of("amount_3", "amount"), ColumnNames.matched(List.of("AMOUNT", "Amount"), contract, true));
        // Alone in its header, a spelling no column came from still goes to the column of its name, as ever.
        assertEquals(List.of("amount"), ColumnNames.matched(List.of("AMOUNT"), contract, true));
        // A field literally named like a column that came from another text is a new column.
        assertEquals(List.of("amount_2_2", "amount_2", "amount"), ColumnNames.matched(List.of("amount_2", "amount", "Amount"), contract, true));
    }

    @Test
    void textsAreMatchedAcrossNamesThatOnlyCollideThroughTheirSuffixes() {
        // amount, amount_2 and amount_2_2: the third field's own name is the second's suffixed one.
        List<Column> contract = columnsOf(List.of("Amount", "amount", "amount_2"));
        assertEquals(List.of("amount", "amount_2", "amount_2_2"), contract.stream().map(Column::name).toList());

        assertEquals(List.of("amount_2_2", "amount", "amount_2"), ColumnNames.matched(List.of("amount_2", "Amount", "amount"), contract, true));
    }

    @Test
    void repeatsOfOneTextAreMatchedInOrderAsNormalised() {
        List<Column> contract = columnsOf(List.of("a", "a", "b"));

        assertEquals(List.of("a", "a_2", "b"), ColumnNames.matched(List.of("a", "a", "b"), contract, true));
        assertEquals(List.of("b", "a", "a_2"), ColumnNames.matched(List.of("b", "a", "a"), contract, true));
    }

    @Test
    void aHeaderMatchedAgainstTheContractItDefinedGetsItsOwnNames() {
        Random random = new Random(16);
        String[] pieces = {"a", "A", "a ", "é", "E", "ingest_date", "Ingest Date", "", "x_2", "X", "1st"};
        for (int round = 0; round < 2_000; round++) {
            List<String> header = new ArrayList<>();
            for (int i = random.nextInt(6) + 1; i > 0; i--) {
                header.add(pieces[random.nextInt(pieces.length)] + (random.nextInt(4) == 0 ? pieces[random.nextInt(pieces.length)] : ""));
            }
            List<String> names = ColumnNames.matched(header, columnsOf(header), true);
            assertEquals(ColumnNames.normalize(header), names, header.toString());
            List<String> shuffled = new ArrayList<>(header);
            java.util.Collections.shuffle(shuffled, random);
            List<String> reordered = ColumnNames.matched(shuffled, columnsOf(header), true);
            assertEquals(new HashSet<>(reordered).size(), reordered.size(), shuffled + " -> " + reordered);
            if (new HashSet<>(header).size() == header.size()) {
                // Each text goes where it went in the file that made the contract, whatever its place now.
                for (int i = 0; i < shuffled.size(); i++) {
                    assertEquals(names.get(header.indexOf(shuffled.get(i))), reordered.get(i), header + " reordered as " + shuffled);
                }
            }
        }
    }

    private static List<Column> columnsOf(List<String> header) {
        List<String> names = ColumnNames.normalize(header);
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            columns.add(new Column(names.get(i), ColumnType.STRING, header.get(i)));
        }
        return columns;
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
    void lettersWithNoLatinFormAreDroppedAndAHeaderOfNoneIsNamedAfterItsPosition() {
        assertEquals(List.of("stra_e", "column_2", "column_3", "col_2"), ColumnNames.normalize(List.of("Straße", "Ελληνικά", "名前", "日本語 col 2")));
        // The contract keeps each header's text: a later file that orders them otherwise still finds its columns,
        // which names by position alone would swap.
        List<Column> contract = List.of(new Column("column_1", ColumnType.STRING, "Ελληνικά"), new Column("column_2", ColumnType.STRING, "名前"));
        assertEquals(List.of("column_2", "column_1"), ColumnNames.matched(List.of("名前", "Ελληνικά"), contract, true));
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
