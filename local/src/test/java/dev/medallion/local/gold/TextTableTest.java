package dev.medallion.local.gold;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextTableTest {
    @Test
    void alignsTextLeftAndNumbersRightOneLinePerRow() {
        List<Column> columns = List.of(new Column("name", "VARCHAR"), new Column("orders", "BIGINT"), new Column("revenue", "DECIMAL(38,2)"),
                new Column("note", "VARCHAR"));
        List<List<String>> rows = List.of(
                Arrays.asList("Олена Шевченко", "17", "946.35", "Left at the door,\nrang twice"),
                Arrays.asList("Bo", "3", null, "x".repeat(50)));

        assertEquals(List.of(
                        " name           | orders | revenue | note",
                        "----------------+--------+---------+-----------------------------------------",
                        " Олена Шевченко |     17 |  946.35 | Left at the door,\\nrang twice",
                        " Bo             |      3 |    NULL | " + "x".repeat(39) + "…"),
                TextTable.render(columns, rows));
    }

    @Test
    void doublesShowFourDecimalsAndTimestampsNoT() {
        assertEquals("95.4717", GoldBuilder.display(95.47166666666666));
        assertEquals("643.43", GoldBuilder.display(643.43));
        assertEquals("Infinity", GoldBuilder.display(Double.POSITIVE_INFINITY));
        assertEquals("2026-01-02 13:23:58", GoldBuilder.display(java.sql.Timestamp.valueOf("2026-01-02 13:23:58")));
        assertEquals("0.00", GoldBuilder.display(new java.math.BigDecimal("0.00")));
        assertEquals(null, GoldBuilder.display(null));
    }
}
