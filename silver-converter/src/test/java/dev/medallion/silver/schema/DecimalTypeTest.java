package dev.medallion.silver.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    /** SQL Server's money is decimal(19,4); Oracle's, Snowflake's and SQL Server's numeric(38,s) is common; Athena and Glue take up to 38. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"decimal(19,4)|19|4", "DECIMAL(38,0)|38|0", "decimal( 38 , 38 )|38|38", "decimal(21,2)|21|2"})
    void aPrecisionOf19To38IsAccepted(String name, int precision, int scale) throws Exception {
        ColumnType type = ColumnType.fromSqlName(name);
        assertEquals(ColumnType.decimal(precision, scale), type);
        assertFalse(type.isShortDecimal(), "wider than a long");
        assertEquals("decimal(" + precision + "," + scale + ")", type.sqlName());
        String contract = """
                {"dataset": "orders", "columns": [{"name": "amount", "type": "%s", "sourceName": "Amount"}],
                 "createdFrom": "declared", "createdAt": "2026-01-01T00:00:00Z"}
                """.formatted(name);
        SchemaContract read = SchemaContractStore.declared("orders", contract.getBytes(StandardCharsets.UTF_8), "contracts/orders.json");
        assertEquals(List.of(new Column("amount", type, "Amount")), read.columns());
        String written = MAPPER.writeValueAsString(read);
        assertTrue(written.contains("\"type\":\"decimal(" + precision + "," + scale + ")\""), written);
        assertEquals(read, MAPPER.readValue(written, SchemaContract.class));
        assertTrue(ColumnType.decimal(18, 2).isShortDecimal());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "decimal(39,2)|precision 39: precision 1 to 38 is supported (38 digits are the most Athena, Glue, Trino and DuckDB hold:"
                    + " declare fewer digits, or the column string)",
            "decimal(100,10)|precision 100: precision 1 to 38 is supported (38 digits are the most",
            "decimal(0,0)|precision 0: precision 1 to 38 is supported",
            "decimal(38,39)|scale 39 above its precision 38",
            "decimal(5,6)|scale 6 above its precision 5",
            "decimal(12)|a decimal is written decimal(p,s), its precision and scale both given",
            "decimal|a decimal is written decimal(p,s)",
            "decimal(12,2|a decimal is written decimal(p,s)",
            "decimal(12.2)|a decimal is written decimal(p,s)",
            "numeric(12,2)|a decimal is written decimal(p,s)",
            "money|expected one of boolean, bigint, double, date, timestamp, string, or decimal(p,s) with precision p 1 to 38 and scale s 0 to p"})
    void aDecimalBeyondWhatIsWrittenOrMalformedIsRefusedSayingWhatIsAllowed(String name, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ColumnType.fromSqlName(name));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aDeclaredContractRefusingOneNamesTheFileTheColumnAndWhatIsAllowed() {
        String contract = """
                {"dataset": "orders", "columns": [
                  {"name": "order_id", "type": "bigint", "sourceName": "order_id"},
                  {"name": "unit_price", "type": "decimal(39,2)", "sourceName": "unit_price"}],
                 "createdFrom": "declared", "createdAt": "2026-01-01T00:00:00Z"}
                """;
        InvalidSchemaContractException e = assertThrows(InvalidSchemaContractException.class,
                () -> SchemaContractStore.declared("orders", contract.getBytes(StandardCharsets.UTF_8), "contracts/orders.json"));
        assertTrue(e.getMessage().startsWith("Schema contract contracts/orders.json is not valid: column unit_price: Column type decimal(39,2) has"
                + " precision 39: precision 1 to 38 is supported (38 digits are the most"), e.getMessage());
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
            "99999999999999999999999999999999999999|38|0|99999999999999999999999999999999999999",
            "-99999999999999999999999999999999999999|38|0|-99999999999999999999999999999999999999",
            "0.99999999999999999999999999999999999999|38|38|99999999999999999999999999999999999999",
            "-.99999999999999999999999999999999999999|38|38|-99999999999999999999999999999999999999",
            "0.00000000000000000000000000000000000001|38|38|1",
            "-0.00000000000000000000000000000000000001|38|38|-1",
            "0|38|38|0",
            "-0.00|38|2|0",
            "-1|38|0|-1",
            "-1|19|4|-10000",
            "1|38|37|10000000000000000000000000000000000000",
            // SQL Server's money, decimal(19,4): its extremes.
            "922337203685477.5807|19|4|9223372036854775807",
            "-922337203685477.5808|19|4|-9223372036854775808",
            // Just past a long: 2^63 and -2^63 - 1, 9 bytes each.
            "9223372036854775808|19|0|9223372036854775808",
            "-9223372036854775809|19|0|-9223372036854775809",
            "18446744073709551616|21|0|18446744073709551616",
            "-18446744073709551615|21|0|-18446744073709551615",
            "123.45|38|18|123450000000000000000",
            "-123.45000000000000000000000000|38|18|-123450000000000000000",
            "' 7.5	'|38|10|75000000000",
            "+12345678901234567890.123456789012345678|38|18|12345678901234567890123456789012345678"})
    void aWideValueIsReadExactlyAsItsUnscaled128Bits(String text, int precision, int scale, String unscaled) {
        long[] out = new long[2];
        assertTrue(Values.parseWideDecimal(text, precision, scale, out), text);
        assertEquals(new BigInteger(unscaled), unscaled(out), text);
        assertEquals(new BigDecimal(text.strip()).setScale(scale), new BigDecimal(unscaled(out), scale), "exact, as BigDecimal reads it");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "100000000000000000000000000000000000000|38|0|DECIMAL_DIGITS",
            "-100000000000000000000000000000000000000|38|0|DECIMAL_DIGITS",
            "1|38|38|DECIMAL_DIGITS",
            "1000000000000000000000000000000000000.00|38|2|DECIMAL_DIGITS",
            "10000000000000000000|19|0|DECIMAL_DIGITS",
            "0.000000000000000000000000000000000000001|38|38|DECIMAL_PLACES",
            "7.125|38|2|DECIMAL_PLACES",
            "7.1250|19|2|DECIMAL_PLACES",
            "1e3|38|2|EXPONENT_IN_DECIMAL",
            "1.5E-2|38|2|EXPONENT_IN_DECIMAL",
            "1,234.50|38|2|COMMA_IN_NUMBER",
            "1.234,50|38|2|COMMA_IN_NUMBER",
            "7,5|38|2|COMMA_IN_NUMBER",
            "NaN|38|2|NOT_A_NUMBER",
            "-inf|38|2|INFINITE_NUMBER",
            "Infinity|19|2|INFINITE_NUMBER",
            "007.50|38|2|LEADING_ZERO",
            "00|38|2|LEADING_ZERO",
            "12.50-|38|2|TRAILING_MINUS",
            "1.234,56-|38|2|TRAILING_MINUS",
            "1,234.56-|19|4|TRAILING_MINUS"})
    void aWideValueNotExactlyOfTheTypeIsRefusedSayingWhy(String text, int precision, int scale, Refusal reason) {
        long[] out = {-42, -43};
        assertFalse(Values.parseWideDecimal(text, precision, scale, out), text);
        assertArrayEquals(new long[] {-42, -43}, out, "left as it was");
        assertEquals(reason, Values.refusal(ColumnType.decimal(precision, scale), text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "+", ".", "-.", "abc", "12a", "1 2", "1..2", "--1", "0x10", "12.5.1", "1\u00a0000", "\u0661"})
    void textThatIsNoNumberIsNoWideDecimal(String text) {
        assertFalse(Values.parseWideDecimal(text, 38, 2, new long[2]), text);
        assertNull(Values.refusal(ColumnType.decimal(38, 2), text), text);
    }

    /**
     * Random texts near what exports write, at random precisions and scales, read as BigDecimal reads them: each taken exactly when
     * it fits (no leading zero, places beyond the scale only zeros, fewer than 10^p unscaled), refused otherwise; the long parse and the
     * 128-bit one agree where both read. A fixed seed, so that a failure is found again; a longer run was made by hand (see the commit).
     */
    @Test
    void theParsesAgreeWithBigDecimalOnRandomTexts() {
        Random random = new Random(20261205L);
        int wideTaken = 0;
        for (int n = 0; n < FUZZ_CASES; n++) {
            int precision = 1 + random.nextInt(ColumnType.MAX_DECIMAL_PRECISION);
            int scale = random.nextInt(precision + 1);
            String text = randomNumberText(random);
            BigInteger expected = exactUnscaled(text, precision, scale);
            long[] wide = {7, 7};
            boolean wideRead = Values.parseWideDecimal(text, precision, scale, wide);
            assertEquals(expected != null, wideRead, () -> "'" + text + "' in decimal(" + precision + "," + scale + ")");
            if (wideRead) {
                wideTaken++;
                assertEquals(expected, unscaled(wide), "'" + text + "' in decimal(" + precision + "," + scale + ")");
            }
            if (precision <= ColumnType.MAX_SHORT_DECIMAL_PRECISION) {
                long[] narrow = {7};
                assertEquals(wideRead, Values.parseDecimal(text, precision, scale, narrow), text);
                if (wideRead) {
                    assertEquals(expected.longValueExact(), narrow[0], text);
                }
            }
        }
        assertTrue(wideTaken > FUZZ_CASES / 10, "most texts are numbers some type takes: " + wideTaken);
    }

    private static final int FUZZ_CASES = 200_000;
    private static final BigInteger LOW_64_BITS = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** The 128-bit two's complement value {@link Values#parseWideDecimal} writes: the high long, then the low one read unsigned. */
    private static BigInteger unscaled(long[] out) {
        return BigInteger.valueOf(out[0]).shiftLeft(64).or(BigInteger.valueOf(out[1]).and(LOW_64_BITS));
    }

    /** A sign or none, digits (leading zeros now and then), a point and digits or not, spaces around it or not; seldom something else. */
    private static String randomNumberText(Random random) {
        StringBuilder text = new StringBuilder();
        if (random.nextInt(8) == 0) {
            text.append(random.nextBoolean() ? " " : "\t");
        }
        int sign = random.nextInt(4);
        text.append(sign == 0 ? "-" : sign == 1 ? "+" : "");
        int integerDigits = random.nextInt(42);
        for (int i = 0; i < integerDigits; i++) {
            text.append((char) ('0' + (i == 0 && random.nextInt(4) > 0 ? 1 + random.nextInt(9) : random.nextInt(10))));
        }
        if (random.nextInt(3) > 0) {
            text.append('.');
            int fractionDigits = random.nextInt(42);
            boolean zerosAfter = random.nextBoolean();
            for (int i = 0; i < fractionDigits; i++) {
                text.append((char) ('0' + (zerosAfter && i > fractionDigits / 2 ? 0 : random.nextInt(10))));
            }
        }
        if (random.nextInt(8) == 0) {
            text.append(" ");
        }
        if (random.nextInt(50) == 0) {
            text.insert(random.nextInt(text.length() + 1), "e,x-".charAt(random.nextInt(4)));
        }
        return text.toString();
    }

    /** What a decimal(precision,scale) column takes of the text, by BigDecimal and a pattern: its unscaled value, or null. */
    private static BigInteger exactUnscaled(String text, int precision, int scale) {
        String value = text.strip();
        if (!value.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)") || value.replaceFirst("^[+-]", "").matches("0[0-9].*")) {
            return null;
        }
        BigDecimal decimal = new BigDecimal(value.endsWith(".") ? value + "0" : value);
        BigDecimal scaled;
        try {
            scaled = decimal.setScale(scale);
        }
        catch (ArithmeticException placesNotZeros) {
            return null;
        }
        return scaled.unscaledValue().abs().compareTo(BigInteger.TEN.pow(precision)) < 0 ? scaled.unscaledValue() : null;
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
        assertEquals("more digits before the point than the 8 decimal(10,2) keeps: widen the precision in the contract (up to 38)",
                Refusal.DECIMAL_DIGITS.describe(ColumnType.decimal(10, 2)));
        assertEquals("more digits before the point than the 16 decimal(18,2) keeps: widen the precision in the contract (up to 38)",
                Refusal.DECIMAL_DIGITS.describe(ColumnType.decimal(18, 2)));
        assertEquals("more digits before the point than the 17 decimal(21,4) keeps: widen the precision in the contract (up to 38)",
                Refusal.DECIMAL_DIGITS.describe(ColumnType.decimal(21, 4)));
        assertEquals(Refusal.LEADING_ZERO.description(), Refusal.LEADING_ZERO.describe(ColumnType.BIGINT));
    }

    /**
     * Advice a person can follow: the scale alone widened takes a digit from before the point (decimal(10,3) refuses the
     * 99999999.99 decimal(10,2) took), and at precision 38, the widest written and Athena's, there is no precision to widen.
     */
    @Test
    void aRefusalOfPlacesOrDigitsAdvisesWhatKeepsTheOtherValues() {
        assertTrue(Values.parseDecimal("99999999.99", 10, 2, new long[1]));
        assertEquals(Refusal.DECIMAL_DIGITS, Values.refusal(ColumnType.decimal(10, 3), "99999999.99"), "the scale alone widened");
        assertEquals("more decimal places than the 2 decimal(10,2) keeps, and not zeros: rounding would change the amount; widen the scale in the"
                + " contract, and the precision by as much to keep 8 digits before the point", Refusal.DECIMAL_PLACES.describe(ColumnType.decimal(10, 2)));
        assertEquals("more decimal places than the 2 decimal(18,2) keeps, and not zeros: rounding would change the amount; widen the scale in the"
                + " contract, and the precision by as much to keep 16 digits before the point", Refusal.DECIMAL_PLACES.describe(ColumnType.decimal(18, 2)));
        assertEquals("more decimal places than the 2 decimal(38,2) keeps, and not zeros: rounding would change the amount; widen the scale in the"
                + " contract, each place a digit fewer before the point at precision 38, the widest written", Refusal.DECIMAL_PLACES.describe(ColumnType.decimal(38, 2)));
        assertEquals("more digits before the point than the 36 decimal(38,2) keeps: precision 38 is the widest Athena and Glue hold:"
                + " declare it string there to keep such values",
                Refusal.DECIMAL_DIGITS.describe(ColumnType.decimal(38, 2)));
        assertEquals("more digits before the point than the 38 decimal(38,0) keeps: precision 38 is the widest Athena and Glue hold:"
                + " declare it string there to keep such values", Refusal.DECIMAL_DIGITS.describe(ColumnType.decimal(38, 0)));
    }

    @Test
    void inferenceNeverGivesADecimal() {
        List<String[]> rows = List.of(new String[] {"7.50", "12"}, new String[] {"0.10", "3"}, new String[] {"19.99", "7"});
        assertEquals(List.of(ColumnType.DOUBLE, ColumnType.BIGINT), TypeInference.infer(rows, 2));
    }
}
