package dev.medallion.silver;

import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.SchemaContract;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HeaderAsRowTest {
    @Test
    void aHeaderOfNamesReadsAsNoRowHoweverTypedItsColumns() {
        assertEquals(Optional.empty(), HeaderAsRow.describe(contract(new Column("id", ColumnType.BIGINT, "id"), new Column("born", ColumnType.DATE, "Born"),
                new Column("active", ColumnType.BOOLEAN, "active"), new Column("note", ColumnType.STRING, "Nullable")), "orders.json"));
    }

    @Test
    void eachFieldThatReadsAsAValueOfItsColumnIsNamed() {
        Optional<String> said = HeaderAsRow.describe(contract(new Column("_1", ColumnType.BIGINT, "1"), new Column("alice", ColumnType.STRING, "Alice     "),
                new Column("null", ColumnType.DOUBLE, " NULL "), new Column("_12_5", ColumnType.DOUBLE, "12.5"), new Column("t", ColumnType.TIMESTAMP, "2025-01-02 00:00:00.000"),
                new Column("true", ColumnType.BOOLEAN, "TRUE"), new Column("n", ColumnType.STRING, "\\N")), "_schemas/orders.json");

        assertEquals(Optional.of("its header reads as a row of data ('1' a bigint, ' NULL ' a null marker, '12.5' a double, '2025-01-02 00:00:00.000' a timestamp,"
                + " 'TRUE' a boolean, '\\N' a null marker): a file without a header line (bcp and MySQL's SELECT ... INTO OUTFILE write none) has its first row"
                + " read as the column names, that row in no table; if so, put a line of the column names above its rows (or export it with one), delete"
                + " _schemas/orders.json and run again"), said);
    }

    /** Nothing in the file tells a header of years from a row: it is said, for a person to judge, as the docs say. */
    @Test
    void aHeaderOfYearsOverNumbersIsSaidToo() {
        assertEquals(true, HeaderAsRow.describe(contract(new Column("region", ColumnType.STRING, "region"), new Column("_2024", ColumnType.BIGINT, "2024")), "x.json")
                .orElseThrow().startsWith("its header reads as a row of data ('2024' a bigint)"));
    }

    /**
     * A decimal column's header reads as a value when the declared decimal takes it, at every precision: a 20-digit number under
     * decimal(38,0), which only the 128-bit parse reads (the long parse is for precision 18 at most), and 12.5 under decimal(9,2).
     */
    @Test
    void aHeaderThatADeclaredDecimalTakesIsSaidAtAnyPrecision() {
        Optional<String> said = HeaderAsRow.describe(contract(new Column("_1", ColumnType.decimal(38, 0), "12345678901234567890"),
                new Column("_12_5", ColumnType.decimal(9, 2), "12.5"), new Column("amount", ColumnType.decimal(38, 2), "amount"),
                new Column("_7_125", ColumnType.decimal(20, 2), "7.125")), "_schemas/orders.json");
        assertEquals(true, said.orElseThrow().startsWith("its header reads as a row of data ('12345678901234567890' a decimal(38,0), '12.5' a decimal(9,2)):"),
                said.orElseThrow());
    }

    private static SchemaContract contract(Column... columns) {
        return new SchemaContract("orders", List.of(columns), "orders/orders.csv", "2026-01-01T00:00:00Z");
    }
}
