package dev.medallion.silver.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The declared-only {@code decimal(p,s)} type: its name in a contract, and its values, read exactly. */
class DecimalTypeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"decimal(12,2)", "DECIMAL(12,2)", "Decimal( 12 , 2 )", " decimal (12, 2) "})
    void aContractWritesItInAnyCaseWithSpacesAroundTheNumbers(String name) {
        ColumnType type = ColumnType.fromSqlName(name);
        assertEquals(ColumnType.decimal(12, 2), type);
        assertEquals(ColumnType.Kind.DECIMAL, type.kind());
        assertEquals(12, type.precision());
        assertEquals(2, type.scale());
        assertEquals("decimal(12,2)", type.sqlName());
    }

    @Test
    void thePlainTypesStayTheOneInstanceEach() {
        assertTrue(ColumnType.fromSqlName("BIGINT") == ColumnType.BIGINT);
        assertFalse(ColumnType.decimal(12, 2).equals(ColumnType.decimal(12, 3)));
        assertEquals(ColumnType.decimal(1, 0), ColumnType.fromSqlName("decimal(1,0)"));
        assertEquals(ColumnType.decimal(18, 18), ColumnType.fromSqlName("decimal(18,18)"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "decimal(19,2)|precision 19: precision 1 to 18 is supported (a precision above 18 is not supported yet",
            "decimal(38,10)|precision 38: precision 1 to 18 is supported (a precision above 18 is not supported yet",
            "decimal(0,0)|precision 0: precision 1 to 18 is supported",
            "decimal(5,6)|scale 6 above its precision 5",
            "decimal(12)|a decimal is written decimal(p,s), its precision and scale both given",
            "decimal|a decimal is written decimal(p,s)",
            "decimal(12,2|a decimal is written decimal(p,s)",
            "decimal(12.2)|a decimal is written decimal(p,s)",
            "numeric(12,2)|a decimal is written decimal(p,s)",
            "money|expected one of boolean, bigint, double, date, timestamp, string, or decimal(p,s) with precision p 1 to 18 and scale s 0 to p"})
    void aDecimalBeyondWhatIsWrittenOrMalformedIsRefusedSayingWhatIsAllowed(String name, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ColumnType.fromSqlName(name));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aDeclaredContractRefusingOneNamesTheFileTheColumnAndWhatIsAllowed() {
        String contract = """
                {"dataset": "orders", "columns": [
                  {"name": "order_id", "type": "bigint", "sourceName": "order_id"},
                  {"name": "unit_price", "type": "decimal(20,2)", "sourceName": "unit_price"}],
                 "createdFrom": "declared", "createdAt": "2026-01-01T00:00:00Z"}
                """;
        InvalidSchemaContractException e = assertThrows(InvalidSchemaContractException.class,
                () -> SchemaContractStore.declared("orders", contract.getBytes(StandardCharsets.UTF_8), "contracts/orders.json"));
        assertTrue(e.getMessage().startsWith("Schema contract contracts/orders.json is not valid: column unit_price: Column type decimal(20,2) has"
                + " precision 20: precision 1 to 18 is supported (a precision above 18 is not supported yet"), e.getMessage());
        assertTrue(e.getMessage().contains(", at columns[1].type (line 3, column 34)"), e.getMessage());
    }

    @Test
    void aDeclaredContractRoundTripsItsDecimalColumn() throws Exception {
        String contract = """
                {"dataset": "orders", "columns": [
                  {"name": "unit_price", "type": "DECIMAL( 12 , 2 )", "sourceName": "Unit Price"}],
                 "createdFrom": "declared", "createdAt": "2026-01-01T00:00:00Z"}
                """;
        SchemaContract read = SchemaContractStore.declared("orders", contract.getBytes(StandardCharsets.UTF_8), "contracts/orders.json");
        assertEquals(List.of(new Column("unit_price", ColumnType.decimal(12, 2), "Unit Price")), read.columns());
        String written = MAPPER.writeValueAsString(read);
        assertTrue(written.contains("\"type\":\"decimal(12,2)\""), written);
        assertEquals(read, MAPPER.readValue(written, SchemaContract.class));
        assertEquals("unit_price decimal(12,2)", read.describeColumns());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "7.5|10|2|750",
            "7.500|10|2|750",
            "7.50000000000000000000000|10|2|750",
            "-0.01|10|2|-1",
            "+0.01|10|2|1",
            "-0.00|10|2|0",
            "0|10|2|0",
            ".5|10|2|50",
            "5.|10|2|500",
            "' 12.3\t'|10|2|1230",
            "12345678901234.56|16|2|1234567890123456",
            "9999999999999999.99|18|2|999999999999999999",
            "-9999999999999999.99|18|2|-999999999999999999",
            "999999999999999999|18|0|999999999999999999",
            "-999999999999999999|18|0|-999999999999999999",
            "0.999999999999999999|18|18|999999999999999999",
            "-.000000000000000001|18|18|-1",
            "42|2|0|42",
            "0.1|1|1|1"})
    void aValueIsReadExactlyAsItsUnscaledLong(String text, int precision, int scale, long unscaled) {
        long[] out = new long[1];
        assertTrue(Values.parseDecimal(text, precision, scale, out), text);
        assertEquals(unscaled, out[0], text);
        assertEquals(new BigDecimal(text.strip()).setScale(scale), BigDecimal.valueOf(out[0], scale), "exact, as BigDecimal reads it");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "7.125|10|2|DECIMAL_PLACES",
            "0.001|10|2|DECIMAL_PLACES",
            "7.1250|10|2|DECIMAL_PLACES",
            "100000000|10|2|DECIMAL_DIGITS",
            "-100000000.5|10|2|DECIMAL_DIGITS",
            "1|2|2|DECIMAL_DIGITS",
            "10000000000000000.00|18|2|DECIMAL_DIGITS",
            "1e3|10|2|EXPONENT_IN_DECIMAL",
            "1.5E-2|10|2|EXPONENT_IN_DECIMAL",
            "1,234.50|10|2|COMMA_IN_NUMBER",
            "1.234,50|10|2|COMMA_IN_NUMBER",
            "7,5|10|2|COMMA_IN_NUMBER",
            "NaN|10|2|NOT_A_NUMBER",
            "-inf|10|2|INFINITE_NUMBER",
            "Infinity|10|2|INFINITE_NUMBER",
            "007.50|10|2|LEADING_ZERO",
            "00|10|2|LEADING_ZERO",
            "12.50-|10|2|TRAILING_MINUS",
            // SAP's amounts, its minus after them, with a comma: the minus said, as a double column says it.
            "1.234,56-|10|2|TRAILING_MINUS",
            "1,234.56-|10|2|TRAILING_MINUS",
            "7,5-|10|2|TRAILING_MINUS"})
    void aValueNotExactlyOfTheTypeIsRefusedSayingWhy(String text, int precision, int scale, Refusal reason) {
        ColumnType type = ColumnType.decimal(precision, scale);
        long[] out = {-42};
        assertFalse(Values.parseDecimal(text, precision, scale, out), text);
        assertEquals(-42, out[0], "left as it was");
        assertEquals(reason, Values.refusal(type, text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "+", ".", "-.", "abc", "12a", "1 2", "1..2", "--1", "0x10", "12.5.1", "1\u00a0000", "\u0661"})
    void textThatIsNoNumberIsRefusedWithoutAReason(String text) {
        assertFalse(Values.parseDecimal(text, 10, 2, new long[1]), text);
        assertNull(Values.refusal(ColumnType.decimal(10, 2), text), text);
    }

    @Test
    void aRefusalOfPlacesOrDigitsSaysWhatTheTypeKeepsAndWhatToChange() {
        assertEquals("more digits before the point than the 8 decimal(10,2) keeps: widen the precision in the contract (up to 18)",
                Refusal.DECIMAL_DIGITS.describe(ColumnType.decimal(10, 2)));
        assertEquals(Refusal.LEADING_ZERO.description(), Refusal.LEADING_ZERO.describe(ColumnType.BIGINT));
    }

    /**
     * Advice a person can follow: the scale alone widened takes a digit from before the point (decimal(10,3) refuses the
     * 99999999.99 decimal(10,2) took), and at precision 18, the widest written, there is no precision to widen.
     */
    @Test
    void aRefusalOfPlacesOrDigitsAdvisesWhatKeepsTheOtherValues() {
        assertTrue(Values.parseDecimal("99999999.99", 10, 2, new long[1]));
        assertEquals(Refusal.DECIMAL_DIGITS, Values.refusal(ColumnType.decimal(10, 3), "99999999.99"), "the scale alone widened");
        assertEquals("more decimal places than the 2 decimal(10,2) keeps, and not zeros: rounding would change the amount; widen the scale in the"
                + " contract, and the precision by as much to keep 8 digits before the point", Refusal.DECIMAL_PLACES.describe(ColumnType.decimal(10, 2)));
        assertEquals("more decimal places than the 2 decimal(18,2) keeps, and not zeros: rounding would change the amount; widen the scale in the"
                + " contract, each place a digit fewer before the point at precision 18, the widest written", Refusal.DECIMAL_PLACES.describe(ColumnType.decimal(18, 2)));
        assertEquals("more digits before the point than the 16 decimal(18,2) keeps: precision 18 is the widest written (a wider one is not supported"
                + " yet): declare it string there to keep such values",
                Refusal.DECIMAL_DIGITS.describe(ColumnType.decimal(18, 2)));
        assertEquals("more digits before the point than the 18 decimal(18,0) keeps: precision 18 is the widest written (a wider one is not supported"
                + " yet): declare it string there to keep such values", Refusal.DECIMAL_DIGITS.describe(ColumnType.decimal(18, 0)));
    }

    @Test
    void inferenceNeverGivesADecimal() {
        List<String[]> rows = List.of(new String[] {"7.50", "12"}, new String[] {"0.10", "3"}, new String[] {"19.99", "7"});
        assertEquals(List.of(ColumnType.DOUBLE, ColumnType.BIGINT), TypeInference.infer(rows, 2));
    }
}
