package dev.medallion.silver.schema;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrailingDelimiterTest {
    @Test
    void aHeaderOfSeveralFieldsWhoseLastIsEmptyOrBlankEndsInTheDelimiter() {
        assertTrue(TrailingDelimiter.endsHeader(List.of("id", "name", "")));
        assertTrue(TrailingDelimiter.endsHeader(List.of("id", " \t ")));
        assertEquals(List.of("id", "name"), TrailingDelimiter.columnsOf(List.of("id", "name", ""), 1));
    }

    /** A one-field header is its column however blank; a blank field before the last, or a last with text, is a column. */
    @Test
    void anyOtherHeaderDoesNot() {
        assertFalse(TrailingDelimiter.endsHeader(List.of("")));
        assertFalse(TrailingDelimiter.endsHeader(List.of("name\t")));
        assertFalse(TrailingDelimiter.endsHeader(List.of("id", "", "amount")));
        assertFalse(TrailingDelimiter.endsHeader(List.of("id", "_")));
        // A no-break space is text, as it is in a value (Values.isBlank).
        assertFalse(TrailingDelimiter.endsHeader(List.of("id", "\u00a0")));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> TrailingDelimiter.columnsOf(List.of("id", "amount"), 1));
        assertEquals("The header [id, amount] does not end in the delimiter: its last field is not empty", refused.getMessage());
    }

    @Test
    void aRowLosesOnlyAnEmptyFieldAfterTheColumnsAndHoldsAValueThereAsOne() {
        assertEquals(List.of("1", "Anna"), TrailingDelimiter.withoutTerminator(List.of("1", "Anna", ""), 2, 1));
        assertEquals(List.of("1", "Anna"), TrailingDelimiter.withoutTerminator(List.of("1", "Anna", "  "), 2, 1));
        assertEquals(List.of("1", "Anna"), TrailingDelimiter.withoutTerminator(List.of("1", "Anna"), 2, 1), "no trailing delimiter: a row all the same");
        assertEquals(List.of("1", ""), TrailingDelimiter.withoutTerminator(List.of("1", ""), 2, 1), "an empty last column stays");
        assertEquals(List.of("1", "Anna", "x"), TrailingDelimiter.withoutTerminator(List.of("1", "Anna", "x"), 2, 1));
        assertEquals(List.of("1", "Anna", "", ""), TrailingDelimiter.withoutTerminator(List.of("1", "Anna", "", ""), 2, 1), "one terminator, not two");

        assertEquals(Optional.of("x"), TrailingDelimiter.valueAfter(List.of("1", "Anna", "x"), 2, 1));
        assertEquals(Optional.empty(), TrailingDelimiter.valueAfter(List.of("1", "Anna", ""), 2, 1));
        assertEquals(Optional.empty(), TrailingDelimiter.valueAfter(List.of("1", "Anna", "x", "y"), 2, 1), "two fields more: a field count, no single value");

        // Excel's unnamed trailing columns: id,name,,, over 1,Anna,,,
        List<String> excel = List.of("id", "name", "", " ", "");
        assertEquals(3, TrailingDelimiter.trailingFields(excel));
        assertEquals(List.of("id", "name"), TrailingDelimiter.columnsOf(excel, 3));
        assertEquals(List.of("id", "name", ""), TrailingDelimiter.columnsOf(excel, 2), "those the contract holds stay columns");
        assertEquals(2, TrailingDelimiter.trailingFields(List.of("", "", "")), "all blank: the first is a column");
        assertEquals(List.of("1", "Anna"), TrailingDelimiter.withoutTerminator(List.of("1", "Anna", "", "\t", ""), 2, 3));
        assertEquals(List.of("1", "Anna", "", ""), TrailingDelimiter.withoutTerminator(List.of("1", "Anna", "", ""), 2, 3), "a count between: refused");
        assertEquals(List.of("1", "Anna", "", "x", ""), TrailingDelimiter.withoutTerminator(List.of("1", "Anna", "", "x", ""), 2, 3));
        assertEquals(Optional.of("x"), TrailingDelimiter.valueAfter(List.of("1", "Anna", "", "x", ""), 2, 3));
        assertEquals(Optional.of("x"), TrailingDelimiter.valueAfter(List.of("1", "Anna", "", "x"), 2, 3));
        assertEquals(Optional.empty(), TrailingDelimiter.valueAfter(List.of("1", "Anna", "", "", ""), 2, 3));
        assertEquals(Optional.empty(), TrailingDelimiter.valueAfter(List.of("1", "Anna", "", "", "", "x"), 2, 3), "more fields than the header's");
    }
}
