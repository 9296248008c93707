package dev.medallion.silver.schema;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValuesTest {

    @Nested
    class Booleans {
        @ParameterizedTest
        @ValueSource(strings = {"true", "TRUE", "True", "tRuE", " true ", "true\t"})
        void trueInAnyCase(String text) {
            assertEquals(1, Values.parseBoolean(text));
        }

        @ParameterizedTest
        @ValueSource(strings = {"false", "FALSE", "False", "fAlSe", "  false"})
        void falseInAnyCase(String text) {
            assertEquals(0, Values.parseBoolean(text));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "1", "0", "yes", "no", "t", "f", "truee", "tru", "true false", "\"true\"", "tr\u00fce", "fals\u00e9",
                "\u0074rue\u00a0", "TRU\u0000"})
        void anythingElseIsNotABoolean(String text) {
            assertEquals(-1, Values.parseBoolean(text));
        }

        @ParameterizedTest
        @ValueSource(strings = {"fal\u017fe", "FAL\u017fE", "tru\u0130", "\u212arue", " fal\u017fe\t", "TRU\u0130"})
        void lettersThatStringsCaseMappingEquatesWithAsciiOnesAreNotBooleans(String text) {
            // String.equalsIgnoreCase takes the long s for an s, the dotted capital I for an i and the Kelvin sign
            // for a k: look-alike text, not a boolean.
            assertEquals(-1, Values.parseBoolean(text));
        }
    }

    @Nested
    class Bigints {
        private long parse(String text) {
            long[] out = {Long.MIN_VALUE + 1};
            assertTrue(Values.parseBigint(text, out), () -> "'" + text + "' should be a bigint");
            return out[0];
        }

        /**
         * pandas writes an integer column holding a missing value as floats, 5.0 beside an empty field: a bigint column takes
         * such a whole number, which loses nothing, as the number it is. Inference does not: 5.0 says the column is a double's.
         */
        @ParameterizedTest(name = "[{index}] ''{0}''")
        @CsvSource({"5.0, 5", "5.00, 5", "-12.0, -12", "0.0, 0", "-0.0, 0", " 7.0 , 7", "9223372036854775807.0, 9223372036854775807",
                "-9223372036854775808.000, -9223372036854775808", "5, 5"})
        void aBigintColumnTakesAWholeNumberWrittenWithAFractionOfZeros(String text, long expected) {
            long[] out = {Long.MIN_VALUE + 1};
            assertTrue(Values.parseBigintValue(text, out), () -> "'" + text + "' should be taken by a bigint column");
            assertEquals(expected, out[0]);
            assertEquals(text.trim().indexOf('.') < 0, Values.isBigint(text), () -> "inference reads '" + text + "' as before");
        }

        @ParameterizedTest(name = "[{index}] ''{0}''")
        @ValueSource(strings = {"5.5", "5.01", "5.", ".0", "5e0", "1.0e3", "007.0", "00.0", "9223372036854775808.0", "5.0.0", "5,0", "-", "5.0x", "+.0"})
        void aBigintColumnRefusesEveryOtherFraction(String text) {
            assertFalse(Values.parseBigintValue(text, new long[1]), () -> "'" + text + "' should not be taken by a bigint column");
        }

        @Test
        void bounds() {
            assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
            assertEquals(Long.MIN_VALUE, parse("-9223372036854775808"));
            assertEquals(Long.MAX_VALUE, parse("+9223372036854775807"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"9223372036854775808", "-9223372036854775809", "+9223372036854775808",
                "9999999999999999999", "-9999999999999999999", "10000000000000000000", "92233720368547758070"})
        void overflowIsRejected(String text) {
            assertFalse(Values.isBigint(text));
            assertFalse(Values.parseBigint(text, new long[1]));
        }

        @ParameterizedTest(name = "[{index}] ''{0}''")
        @CsvSource({"0, 0", "-0, 0", "+0, 0", "7, 7", "-7, -7", "+7, 7", "10, 10", "-100, -100",
                "'  42  ', 42", "' -42', -42", "1234567890123, 1234567890123"})
        void acceptedForms(String text, long expected) {
            assertEquals(expected, parse(text));
            assertTrue(Values.isBigint(text));
        }

        @ParameterizedTest(name = "[{index}] ''{0}''")
        @ValueSource(strings = {"007", "00", "-01", "+01", "0123", "", "   ", "-", "+", "--1", "+-1", "- 1", "1 000",
                "1,000", "1_000", "1.0", "1e3", "0x1F", "12a", "a12", "١٢"})
        void rejectedForms(String text) {
            assertFalse(Values.isBigint(text), () -> "'" + text + "' should not be a bigint");
        }

        @Test
        void surroundingSpacesAndTabsAreIgnoredAsByTheOtherParsers() {
            long[] out = new long[1];
            assertTrue(Values.parseBigint("\t5 \t", out));
            assertEquals(5, out[0]);
            assertTrue(Values.isDouble("\t5 \t"));
        }

        @Test
        void failedParseLeavesOutputUntouched() {
            long[] out = {123};
            assertFalse(Values.parseBigint("nope", out));
            assertEquals(123, out[0]);
        }

        @Test
        void agreesWithLongParseLongAroundTheBounds() {
            for (long base : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0}) {
                for (long delta = -50; delta <= 50; delta++) {
                    long value = base + delta; // wraps at the bounds, which still gives valid longs
                    assertEquals(value, parse(Long.toString(value)));
                }
            }
        }
    }

    @Nested
    class Whitespace {
        /** Whitespace to Character.isWhitespace or String.strip, but no padding to pandas nor to the converter. */
        private static final String[] NOT_PADDING = {"\u001c", "\u001d", "\u001e", "\u001f", "\u3000", "\u2028", "\u2029", "\u2003",
                "\u00a0", "\r", "\n", "\u000b", "\f", "\u0085"};

        @Test
        void onlySpacesAndTabsAroundATypedValueAreIgnored() {
            for (String around : new String[] {" ", "\t", " \t "}) {
                assertEquals(1, Values.parseBoolean(around + "true" + around));
                assertTrue(Values.isBigint(around + "12" + around));
                assertTrue(Values.isDouble(around + "1.5" + around));
                double[] out = new double[1];
                assertTrue(Values.parseDouble(around + "1.5" + around, out));
                assertEquals(1.5, out[0]);
                assertEquals(LocalDate.parse("2026-11-03").toEpochDay(), Values.parseDate(around + "2026-11-03" + around));
                assertTrue(Values.parseTimestamp(around + "2026-11-03 14:05" + around) != Long.MIN_VALUE);
            }
        }

        @Test
        void anyOtherWhitespaceMakesTheValueNoneOfTheTypes() {
            for (String c : NOT_PADDING) {
                for (String text : new String[] {"12" + c, c + "12", " 12 " + c}) {
                    String shown = text.replace(c, String.format("<U+%04X>", (int) c.charAt(0)));
                    assertFalse(Values.isBigint(text), shown);
                    assertFalse(Values.isDouble(text), shown);
                    assertFalse(Values.parseDouble(text, new double[1]), shown);
                    assertFalse(Values.isWholeNumber(text), shown);
                }
                assertEquals(-1, Values.parseBoolean("true" + c));
                assertEquals(Long.MIN_VALUE, Values.parseDate("2026-11-03" + c));
                assertEquals(Long.MIN_VALUE, Values.parseTimestamp(c + "2026-11-03 14:05"));
            }
        }

        @Test
        void blankIsEmptyOrOnlySpacesAndTabs() {
            for (String text : new String[] {"", " ", "\t", " \t  "}) {
                assertTrue(Values.isBlank(text), "'" + text + "'");
            }
            for (String c : NOT_PADDING) {
                assertFalse(Values.isBlank(c), String.format("U+%04X", (int) c.charAt(0)));
                assertFalse(Values.isBlank(" " + c + "\t"), String.format("U+%04X", (int) c.charAt(0)));
            }
            assertFalse(Values.isBlank(" x "));
        }
    }

    @Test
    void anInternationalPhoneNumberIsOneForInferenceAndStillASignedNumberToABigintColumn() {
        // Inference keeps such a column text (TypeInference); a column a contract types bigint takes the signed number.
        for (String phone : List.of("+4915112345678", " +2901234", "+123456789012345")) {
            assertTrue(Values.isPhoneNumber(phone), phone);
            assertTrue(Values.isBigint(phone), phone);
        }
        long[] out = new long[1];
        assertTrue(Values.parseBigint("+4915112345678", out));
        assertEquals(4915112345678L, out[0]);
        for (String number : List.of("+123456", "+1234567890123456", "4915112345678", "-4915112345678", "+49151.5", "+49 151 12345678")) {
            assertFalse(Values.isPhoneNumber(number), number);
        }
    }

    @Nested
    class Refusals {
        @ParameterizedTest(name = "[{index}] {0} ''{1}''")
        @CsvSource({
                "BIGINT, 02134, LEADING_ZERO",
                "BIGINT, -007, LEADING_ZERO",
                "BIGINT, 00, LEADING_ZERO",
                "BIGINT, 9223372036854775808, BEYOND_BIGINT",
                "BIGINT, -9223372036854775809, BEYOND_BIGINT",
                "BIGINT, 89014103211118510720, BEYOND_BIGINT",
                "DOUBLE, 007.5, LEADING_ZERO",
                "DOUBLE, -00.5, LEADING_ZERO",
                "DOUBLE, 01e3, LEADING_ZERO",
                "DOUBLE, 1e999, BEYOND_DOUBLE",
                "DOUBLE, -1e-400, BEYOND_DOUBLE",
                "DOUBLE, '1,5', COMMA_IN_NUMBER",
                "DOUBLE, '-0,25', COMMA_IN_NUMBER",
                "DOUBLE, ',5', COMMA_IN_NUMBER",
                "DOUBLE, '1.234,56', COMMA_IN_NUMBER",
                "DOUBLE, '1,234,567.5', COMMA_IN_NUMBER",
                "DOUBLE, '1,234', COMMA_IN_NUMBER",
                "BIGINT, '1,234', COMMA_IN_NUMBER",
                "BIGINT, ' -12,345,678', COMMA_IN_NUMBER",
                "DATE, 2026-02-30, NO_SUCH_DAY",
                "DATE, ' 2026-04-31', NO_SUCH_DAY",
                "TIMESTAMP, 2026-02-30, NO_SUCH_DAY",
                "TIMESTAMP, 2026-02-30 10:00, NO_SUCH_DAY",
                "TIMESTAMP, 2026-11-03T14:05:09+18:30, OFFSET_BEYOND_18_HOURS",
                "TIMESTAMP, 2026-11-03T14:05-19:00, OFFSET_BEYOND_18_HOURS",
                "TIMESTAMP, 2026-11-03T14:05:09+1830, OFFSET_BEYOND_18_HOURS",
                "TIMESTAMP, 2026-11-03 14:05:09.5-19, OFFSET_BEYOND_18_HOURS",
                "DATE, 2026-03-15 10:00:00+01, TIME_IN_DATE",
                "BIGINT, 3.5, FRACTION_IN_BIGINT",
                "BIGINT, ' -0.25', FRACTION_IN_BIGINT",
                "BIGINT, 1e3, FRACTION_IN_BIGINT",
                "BIGINT, 12.0, FRACTION_IN_BIGINT",
                "DATE, 03/15/2026, DATE_FORMAT",
                "DATE, 15.03.2026, DATE_FORMAT",
                "DATE, 15-03-26, DATE_FORMAT",
                "DATE, 2026/03/15, DATE_FORMAT",
                "DATE, 3/5/2026 10:00 PM, DATE_FORMAT",
                "DATE, 2026-03-15 10:00, TIME_IN_DATE",
                "DATE, 2026-03-15T10:00:00Z, TIME_IN_DATE",
                "TIMESTAMP, 03/15/2026 10:00, DATE_FORMAT",
                "TIMESTAMP, 15.03.2026 10:00:00, DATE_FORMAT",
                "TIMESTAMP, 2026/03/15, DATE_FORMAT",
                // Oracle's default date and timestamp forms (DD-MON-RR, DD-MON-RR HH.MI.SSXFF AM), as SQL Developer and spools write them,
                // and Jira's (dd/MMM/yy h:mm a).
                "DATE, 01-MAR-25, DATE_FORMAT",
                "DATE, 15-Apr-2024, DATE_FORMAT",
                "TIMESTAMP, 01-MAR-25, DATE_FORMAT",
                "TIMESTAMP, 01-MAR-25 10.00.00.000000000 AM, DATE_FORMAT",
                "TIMESTAMP, 15-APR-24 03.30.00.123000 PM, DATE_FORMAT",
                "TIMESTAMP, 01/Mar/25 10:00 AM, DATE_FORMAT",
                "DATE, 02/Mar/25 2:30 PM, DATE_FORMAT",
                // SAP writes a negative with its minus after the number.
                "DOUBLE, 1234.56-, TRAILING_MINUS",
                "DOUBLE, ' 10- ', TRAILING_MINUS",
                "DOUBLE, '1.234,56-', TRAILING_MINUS",
                "BIGINT, 10-, TRAILING_MINUS",
                "BIGINT, '1,000-', TRAILING_MINUS",
                // Booleans as exports write them other than true and false, in any ASCII case, padding aside: the column takes none of them.
                "BOOLEAN, t, BOOLEAN_T_F",
                "BOOLEAN, F, BOOLEAN_T_F",
                "BOOLEAN, ' f	', BOOLEAN_T_F",
                "BOOLEAN, 1, BOOLEAN_1_0",
                "BOOLEAN, ' 0 ', BOOLEAN_1_0",
                "BOOLEAN, yes, BOOLEAN_YES_NO",
                "BOOLEAN, No, BOOLEAN_YES_NO",
                "BOOLEAN, NO, BOOLEAN_YES_NO",
                "BOOLEAN, Y, BOOLEAN_Y_N",
                "BOOLEAN, n, BOOLEAN_Y_N",
                "BOOLEAN, on, BOOLEAN_ON_OFF",
                "BOOLEAN, ' OFF ', BOOLEAN_ON_OFF",
                "BOOLEAN, Off, BOOLEAN_ON_OFF",
                // A double's NaN and infinities as Java, Python, pandas, R and C write them, in any case: no column type holds them.
                "DOUBLE, NaN, NOT_A_NUMBER",
                "DOUBLE, ' nan ', NOT_A_NUMBER",
                "DOUBLE, -NaN, NOT_A_NUMBER",
                "DOUBLE, Infinity, INFINITE_NUMBER",
                "DOUBLE, -Infinity, INFINITE_NUMBER",
                "DOUBLE, inf, INFINITE_NUMBER",
                "DOUBLE, -inf, INFINITE_NUMBER",
                "DOUBLE, +Inf, INFINITE_NUMBER",
                "BIGINT, inf, INFINITE_NUMBER",
                "BIGINT, -Infinity, INFINITE_NUMBER",
                "BIGINT, NaN, NOT_A_NUMBER",
                // PostgreSQL's infinity and -infinity, a date or timestamp after or before every other.
                "DATE, infinity, INFINITE_DATE",
                "DATE, -infinity, INFINITE_DATE",
                "TIMESTAMP, infinity, INFINITE_DATE",
                "TIMESTAMP, ' -Infinity', INFINITE_DATE",
                // DB2's timestamp (its CHAR of a TIMESTAMP and EXPORT's default form): a date, a dash, and the time with points.
                "TIMESTAMP, 2025-03-01-10.00.00.000000, TIMESTAMP_FORMAT",
                "TIMESTAMP, 2025-03-01-23.59.59, TIMESTAMP_FORMAT",
                "TIMESTAMP, 2025-03-01-10.00.00.123456789, TIMESTAMP_FORMAT"})
        void sayWhyAValueIsNotOfItsType(ColumnType type, String text, Refusal expected) {
            assertEquals(expected, Values.refusal(type, text));
        }

        @ParameterizedTest(name = "[{index}] {0} ''{1}''")
        @CsvSource({
                "BIGINT, N/A", "BIGINT, 12a", "BIGINT, 1e999", "BIGINT, 007.5", "BIGINT, 15.03.2026", "DOUBLE, N/A", "DOUBLE, 1.2.3", "DOUBLE, .", "DOUBLE, 0x10",
                "DOUBLE, '1,2,3'", "DOUBLE, '12,34.5'", "DOUBLE, '1.2,5'", "DOUBLE, '1,'", "DOUBLE, 'a,5'", "BIGINT, '1,5'", "BIGINT, '1,234.5'", "BIGINT, '12,34'",
                "DATE, 2026-13-01", "DATE, 2026-1-5", "DATE, yesterday", "DATE, 2026-03-15 25:00", "DATE, 1/2/3", "DATE, 12/2026", "TIMESTAMP, 2026-11-03 25:00", "TIMESTAMP, 2026-11-03 14:05:09.1234567890",
                "TIMESTAMP, 2026-02-30 25:00", "TIMESTAMP, 2026-11-03T14:05+01:60", "STRING, x",
                "BOOLEAN, maybe", "BOOLEAN, 2", "BOOLEAN, 01", "BOOLEAN, -1", "BOOLEAN, 1.0", "BOOLEAN, tr", "BOOLEAN, yess", "BOOLEAN, 'y n'",
                // A letter String's case mapping equates with an ASCII one (the long s), and the controls one bit away from '1' and '0'.
                "BOOLEAN, ye\u017f", "BOOLEAN, '\u0011'", "BOOLEAN, '\u0010'",
                "DATE, 01-MAY", "DATE, 01-MAI-25", "DATE, MAR-25", "TIMESTAMP, 01-MAR-25 late", "DATE, 01-MAR/25",
                "DOUBLE, -", "DOUBLE, -10-", "DOUBLE, +10-", "DOUBLE, 10--", "DOUBLE, a-", "BIGINT, 1.5-", "BIGINT, 007-",
                "BOOLEAN, onn", "BOOLEAN, of", "DOUBLE, infinit", "DOUBLE, nana", "DOUBLE, --inf", "DOUBLE, 1inf", "STRING, NaN", "BOOLEAN, inf", "TIMESTAMP, inf", "DATE, -inf",
                "TIMESTAMP, 2025-03-01-25.00.00", "TIMESTAMP, 2025-02-30-10.00.00", "TIMESTAMP, 2025-03-01-10.00", "DATE, 2025-03-01-10.00.00"})
        void sayNothingMoreOfAValueThatIsSimplySomethingElse(ColumnType type, String text) {
            assertEquals(null, Values.refusal(type, text));
        }
    }

    @Nested
    class Doubles {
        @ParameterizedTest(name = "[{index}] ''{0}''")
        @CsvSource({
                "1e3, 1000.0",
                "1E3, 1000.0",
                "1e+3, 1000.0",
                "2.5e-3, 0.0025",
                ".5, 0.5",
                "-.5, -0.5",
                "5., 5.0",
                "-0.0, -0.0",
                "0, 0.0",
                "0.5, 0.5",
                "0e0, 0.0",
                "+3.25, 3.25",
                "'  3.25 ', 3.25",
                "123456789.125, 123456789.125",
                "42, 42.0",
                "-17, -17.0"})
        void acceptedForms(String text, double expected) {
            assertTrue(Values.isDouble(text), () -> "'" + text + "' should be a double");
            double[] out = new double[1];
            assertTrue(Values.parseDouble(text, out), () -> "'" + text + "' should be a double");
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(out[0]));
        }

        @Test
        void onePassParseAgreesWithValidationAndTheJdk() {
            Random random = new Random(20250101);
            List<String> texts = new ArrayList<>(List.of("123456789012345", "1234567890123456", "0.000000000000001",
                    "999999999999999.", ".999999999999999", "-0", "+0.", "9007199254740993", "0.1", "-.0", "1" + "0".repeat(400)));
            for (int i = 0; i < 20_000; i++) {
                StringBuilder text = new StringBuilder();
                if (random.nextInt(4) == 0) {
                    text.append(random.nextBoolean() ? '-' : '+');
                }
                text.append(random.nextInt(1 << random.nextInt(31)));
                if (random.nextBoolean()) {
                    text.append('.').append(random.nextInt(1 << random.nextInt(31)));
                }
                if (random.nextInt(10) == 0) {
                    text.append('e').append(random.nextInt(40) - 20);
                }
                texts.add(text.toString());
            }
            for (String text : texts) {
                double[] out = {42};
                boolean parsed = Values.parseDouble(text, out);
                assertEquals(Values.isDouble(text), parsed, text);
                assertEquals(parsed ? Double.doubleToRawLongBits(Double.parseDouble(text.strip())) : Double.doubleToRawLongBits(42), Double.doubleToRawLongBits(out[0]), text);
            }
        }

        @Test
        void aNumberOfMoreDigitsThanAFiniteDoubleHoldsIsNoDouble() {
            // 1 followed by 309 zeros, with no exponent to give it away: no finite double, so it would be Infinity.
            String tooLarge = "1" + "0".repeat(309);
            for (String text : List.of(tooLarge, "-" + tooLarge, tooLarge + ".5")) {
                assertFalse(Values.isDouble(text), text);
                double[] out = {42};
                assertFalse(Values.parseDouble(text, out), text);
                assertEquals(42, out[0], text);
            }
            // 309 digits that still fit: 1e308 written out.
            String largest = "1" + "0".repeat(308);
            assertTrue(Values.isDouble(largest));
            double[] out = new double[1];
            assertTrue(Values.parseDouble(largest, out));
            assertEquals(1e308, out[0]);
        }

        @Test
        void aNumberBelowTheSmallestDoubleIsRefusedAsOneAboveTheLargestIs() {
            // Written as a double, each would be 0: a value the text does not say.
            for (String text : List.of("1e-400", "-2.5E-999", "0." + "0".repeat(400) + "1")) {
                assertFalse(Values.isDouble(text), text);
                double[] out = {42};
                assertFalse(Values.parseDouble(text, out), text);
            }
            // Zero however written, and the smallest doubles (subnormal, not zero), stay doubles.
            for (String text : List.of("0e-400", "-0.0e5", "0." + "0".repeat(400), "4.9e-324", "1e-310", "0." + "0".repeat(322) + "5")) {
                assertTrue(Values.isDouble(text), text);
                double[] out = new double[1];
                assertTrue(Values.parseDouble(text, out), text);
                assertEquals(Double.parseDouble(text), out[0], text);
            }
        }

        @Test
        void negativeZeroKeepsItsSign() {
            assertTrue(Values.isDouble("-0.0"));
            double[] out = new double[1];
            assertTrue(Values.parseDouble("-0.0", out));
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(out[0]));
        }

        @ParameterizedTest(name = "[{index}] ''{0}''")
        @ValueSource(strings = {"1.2.3", "e5", "E5", ".e5", "NaN", "nan", "Infinity", "-Infinity", "007.5", "00.5", "01",
                "-007", "", " ", ".", "-", "+", "-.", "1e", "1e+", "1e-", "1e3.5", "1..2", "1,5", "1 000.5", "0x1p3",
                "1.5d", "1.5f", "1_000.0", "--1", "+-1", "$5", "5%", "1.5e3e2", "1e999", "-1e400"})
        void rejectedForms(String text) {
            assertFalse(Values.isDouble(text), () -> "'" + text + "' should not be a double");
            double[] out = {42};
            assertFalse(Values.parseDouble(text, out), () -> "'" + text + "' should not be a double");
            assertEquals(42, out[0], "a failed parse leaves the output as it was");
        }
    }

    @Nested
    class Dates {
        private long epochDay(String text) {
            return LocalDate.parse(text).toEpochDay();
        }

        @ParameterizedTest
        @ValueSource(strings = {"1970-01-01", "2026-11-03", "2024-02-29", "2000-02-29", "1969-12-31", "1900-01-01",
                "0001-01-01", "9999-12-31", "2026-12-31"})
        void acceptedDatesMatchJavaTime(String text) {
            assertEquals(epochDay(text), Values.parseDate(text));
        }

        @Test
        void surroundingSpacesAreIgnored() {
            assertEquals(epochDay("2026-11-03"), Values.parseDate("  2026-11-03 "));
        }

        @Test
        void everyDayOfMonthOfCenturyYearsAndLeapYearsMatchesJavaTime() {
            // Years where the leap rules differ (centuries, 400s) and the ends of the range, every month, days 1 to 31.
            int[] years = {0, 1, 2, 3, 4, 99, 100, 101, 104, 399, 400, 1582, 1600, 1700, 1800, 1899, 1900, 1969, 1970, 1971, 1996,
                    2000, 2023, 2024, 2025, 2100, 2400, 9996, 9998, 9999};
            for (int year : years) {
                for (int month = 1; month <= 12; month++) {
                    for (int day = 1; day <= 31; day++) {
                        String text = String.format(Locale.ROOT, "%04d-%02d-%02d", year, month, day);
                        long expected;
                        try {
                            expected = LocalDate.of(year, month, day).toEpochDay();
                        }
                        catch (DateTimeException e) {
                            expected = Long.MIN_VALUE;
                        }
                        assertEquals(expected, Values.parseDate(text), text);
                        assertEquals(expected == Long.MIN_VALUE ? Long.MIN_VALUE : expected * 86_400_000L, Values.parseTimestamp(text), text);
                    }
                }
            }
        }

        @ParameterizedTest(name = "[{index}] ''{0}''")
        @ValueSource(strings = {"2026-02-30", "2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
                "2026-01-00", "2026-01-32"})
        void impossibleDaysAreRejected(String text) {
            assertEquals(Long.MIN_VALUE, Values.parseDate(text));
        }

        @ParameterizedTest(name = "[{index}] ''{0}''")
        @ValueSource(strings = {"2026-1-05", "2026-01-5", "26-01-05", "02026-01-05", "2026-001-05", "2026-01-005",
                "2026/01/05", "2026.01.05", "20260105", "05-01-2026", "03/11/2026", "2026-01-05 10:00", "2026-01-05T",
                "", "          ", "2026-01-0a", "2026-0a-05", "202a-01-05", "a026-01-05", "+026-01-05", "-026-01-05",
                "2026--1-05", "2026-01--5"})
        void wrongShapesAreRejected(String text) {
            assertEquals(Long.MIN_VALUE, Values.parseDate(text));
        }

        @ParameterizedTest(name = "[{index}] ''{0}''")
        @ValueSource(strings = {"19xx-05-01", "20ab-01-01", "99??-12-31", "20-1-01-01", "1---05-01"})
        void nonDigitsInTheLastTwoYearDigitsAreRejected(String text) {
            assertEquals(Long.MIN_VALUE, Values.parseDate(text), () -> "'" + text + "' is not a date");
            assertEquals(Long.MIN_VALUE, Values.parseTimestamp(text), () -> "'" + text + "' is not a timestamp");
            assertEquals(Long.MIN_VALUE, Values.parseTimestamp(text + " 10:00"));
        }
    }

    @Nested
    class Timestamps {
        private long utc(String isoLocalDateTime) {
            return LocalDateTime.parse(isoLocalDateTime).toInstant(ZoneOffset.UTC).toEpochMilli();
        }

        @ParameterizedTest(name = "[{index}] ''{0}''")
        @CsvSource({
                "2026-11-03 14:05:09, 2026-11-03T14:05:09",
                "2026-11-03T14:05:09, 2026-11-03T14:05:09",
                "2026-11-03 14:05, 2026-11-03T14:05:00",
                "2026-11-03T14:05, 2026-11-03T14:05:00",
                "2026-11-03 00:00:00, 2026-11-03T00:00:00",
                "2026-11-03 23:59:59, 2026-11-03T23:59:59",
                "1969-12-31 23:59:59, 1969-12-31T23:59:59",
                "2024-02-29 12:00, 2024-02-29T12:00:00",
                "' 2026-11-03 14:05 ', 2026-11-03T14:05:00"})
        void withoutOffsetTheTimeIsUtc(String text, String expected) {
            assertEquals(utc(expected), Values.parseTimestamp(text));
        }

        @ParameterizedTest
        @ValueSource(strings = {"2026-11-03", "1970-01-01", "1969-07-20", "2024-02-29"})
        void dateOnlyIsMidnightUtc(String text) {
            assertEquals(LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(), Values.parseTimestamp(text));
        }

        @ParameterizedTest(name = "[{index}] fraction ''{0}''")
        @ValueSource(strings = {"1", "12", "123", "1230", "123000", "123000000", "999", "9990000", "000000000", "9", "05", "0500"})
        void fractionOfOneToNineDigitsIsExactToTheMillisecond(String fraction) {
            String text = "2026-11-03 14:05:09." + fraction;
            long expected = LocalDateTime.parse("2026-11-03T14:05:09." + fraction).toInstant(ZoneOffset.UTC).toEpochMilli();
            assertEquals(expected, Values.parseTimestamp(text));
        }

        @ParameterizedTest(name = "[{index}] fraction ''{0}''")
        @ValueSource(strings = {"1234", "123001", "123999", "9999", "000999999", "000000001", "0001", "123456789"})
        void fractionFinerThanMillisIsCutToTheMillisecondAsAthenaReadsIt(String fraction) {
            // Silver's timestamps are milliseconds (ParquetSchemas), Athena's precision: PostgreSQL, Python and
            // Spark export microseconds, and refusing them would quarantine whole rows for digits no query sees.
            long cut = LocalDateTime.parse("2026-11-03T14:05:09." + fraction.substring(0, Math.min(3, fraction.length())))
                    .toInstant(ZoneOffset.UTC).toEpochMilli();
            assertEquals(cut, Values.parseTimestamp("2026-11-03 14:05:09." + fraction));
            assertEquals(cut, Values.parseTimestamp("2026-11-03T14:05:09." + fraction + "Z"));
        }

        @Test
        void fractionBeforeEpochIsAddedForwardInTime() {
            long parsed = Values.parseTimestamp("1969-12-31 23:59:59.250");
            assertEquals(Instant.parse("1969-12-31T23:59:59.250Z").toEpochMilli(), parsed);
            assertEquals(-750, parsed);
        }

        @ParameterizedTest(name = "[{index}] ''{0}''")
        @ValueSource(strings = {
                "2026-11-03T14:05:09Z",
                "2026-11-03T14:05:09z",
                "2026-11-03 14:05Z",
                "2026-11-03T14:05:09+01:00",
                "2026-11-03T14:05:09-05:00",
                "2026-11-03T14:05:09.123+05:30",
                "2026-11-03T00:30:00+02:00",
                "2026-12-31T23:30:00-01:00",
                "2026-11-03 14:05+14:00",
                "2026-11-03T14:05:09-00:00",
                "2026-11-03T14:05:09+18:00",
                "2026-11-03T14:05:09-18:00",
                "2026-11-03T14:05:09.5-09:45"})
        void offsetsShiftTheInstant(String text) {
            long expected = OffsetDateTime.parse(text.replace(' ', 'T').replace('z', 'Z')).toInstant().toEpochMilli();
            assertEquals(expected, Values.parseTimestamp(text));
        }

        @Test
        void offsetsGoAsFarAsJavaTimesEighteenHours() {
            for (int hours = 0; hours <= 19; hours++) {
                for (int minutes : new int[] {0, 1, 30, 59}) {
                    for (char sign : new char[] {'+', '-'}) {
                        String offset = String.format(Locale.ROOT, "%c%02d:%02d", sign, hours, minutes);
                        long expected;
                        try {
                            expected = OffsetDateTime.of(LocalDateTime.parse("2026-11-03T14:05"), ZoneOffset.of(offset)).toInstant().toEpochMilli();
                        }
                        catch (DateTimeException e) {
                            expected = Long.MIN_VALUE;
                        }
                        assertEquals(expected, Values.parseTimestamp("2026-11-03 14:05" + offset), offset);
                    }
                }
            }
        }

        @ParameterizedTest(name = "[{index}] ''{0}''")
        @CsvSource({
                // PostgreSQL writes a timestamptz's offset as its hours alone when it has no minutes (EncodeTimezone).
                "2018-05-18 03:06:22.446039+00, 2018-05-18T03:06:22.446Z",
                "2026-11-03 14:05:09-05, 2026-11-03T19:05:09Z",
                "2026-11-03 14:05+14, 2026-11-03T00:05:00Z",
                // Python's strftime %z and Java's pattern Z write ±HHmm, ISO 8601's basic form.
                "2026-11-03T14:05:09+0100, 2026-11-03T13:05:09Z",
                "2026-11-03T14:05:09.5-0930, 2026-11-03T23:35:09.500Z",
                "2026-11-03 14:05+1800, 2026-11-02T20:05:00Z",
                "2026-11-03 14:05-18, 2026-11-04T08:05:00Z"})
        void offsetsWithoutAColonOrWithoutMinutesShiftTheInstantAlike(String text, String instant) {
            assertEquals(Instant.parse(instant).toEpochMilli(), Values.parseTimestamp(text));
        }

        @ParameterizedTest(name = "[{index}] ''{0}''")
        @CsvSource({
                // Ruby's Time#to_s ("%Y-%m-%d %H:%M:%S %z") and Rails' TimeWithZone#to_s put a space before the offset, and write a
                // time in UTC with " UTC" in its place: what a Rails app's CSV export of its timestamps holds.
                "2026-11-03 14:05:09 +0100, 2026-11-03T13:05:09Z",
                "2026-11-03 14:05:09 -0930, 2026-11-03T23:35:09Z",
                "2026-11-03 14:05:09 +01:00, 2026-11-03T13:05:09Z",
                "2026-11-03 14:05:09.5 +00, 2026-11-03T14:05:09.500Z",
                "2026-11-03 14:05:09 UTC, 2026-11-03T14:05:09Z",
                "2026-11-03T14:05 UTC, 2026-11-03T14:05:00Z",
                // Snowflake's default TIMESTAMP_OUTPUT_FORMAT, YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM, with Z there for a TIMESTAMP_NTZ.
                "2025-03-01 10:00:00.000 +0100, 2025-03-01T09:00:00Z",
                "2025-03-01 10:00:00.000 Z, 2025-03-01T10:00:00Z",
                "2025-03-01 10:00:00 Z, 2025-03-01T10:00:00Z"})
        void anOffsetOrUtcAfterASpaceShiftsTheInstantAlike(String text, String instant) {
            assertEquals(Instant.parse(instant).toEpochMilli(), Values.parseTimestamp(text));
        }

        @Test
        void offsetsAcrossTheDateLine() {
            assertEquals(Instant.parse("2026-11-02T23:00:00Z").toEpochMilli(), Values.parseTimestamp("2026-11-03 00:00+01:00"));
            assertEquals(Instant.parse("2027-01-01T00:30:00Z").toEpochMilli(), Values.parseTimestamp("2026-12-31 23:30-01:00"));
        }

        @ParameterizedTest(name = "[{index}] ''{0}''")
        @ValueSource(strings = {
                "2026-11-03 24:00", "2026-11-03 24:00:00", "2026-11-03 25:00", "2026-11-03 14:60", "2026-11-03 14:05:60",
                "2026-11-03 14", "2026-11-03 14:", "2026-11-03 14:5", "2026-11-03 4:05", "2026-11-03 14:05:", "2026-11-03 14:05:9",
                "2026-11-03 14:05:09.", "2026-11-03 14:05:09.1234567890", "2026-11-03 14:05.5", "2026-11-03 14:05:09,5",
                "2026-11-03x14:05", "2026-11-03  14:05", "2026-11-03T", "2026-11-03T ", "2026-11-0314:05",
                "2026-11-03 14h05", "2026-11-03 14:05:09 z", "2026-11-03 14:05:09 ZZ", "2026-11-03 14:05:09  Z", "2026-11-03 Z", "2026-11-03 14:05:09  +0100", "2026-11-03 14:05:09 +1900", "2026-11-03 14:05:09 utc",
                "2026-11-03 14:05:09 UTC+01", "2026-11-03 14:05:09 CET", "2026-11-03 14:05:09 +", "2026-11-03 UTC",
                "2026-11-03T14:05:09+010", "2026-11-03T14:05:09+1", "2026-11-03T14:05:09+01:0",
                "2026-11-03T14:05:09+0160", "2026-11-03T14:05:09+1801", "2026-11-03T14:05:09+19", "2026-11-03T14:05:09+01:00:00", "2026-11-03T14:05:09+01:",
                "2026-11-03T14:05:09+1:00", "2026-11-03T14:05:09+19:00", "2026-11-03T14:05:09+01:60",
                "2026-11-03T14:05:09+18:01", "2026-11-03T14:05:09-18:30", "2026-11-03T14:05:09+18:59", "2026-11-03T14:05:09-18:59", "2026-11-03T14:05:09UTC",
                "2026-11-03T14:05:09ZZ", "2026-11-03T14:05:09+01:00Z", "2026-11-03T14:05:09[Europe/Paris]",
                "2026-02-30 10:00", "2026-11-03Z", "2026-11-03 -1:00", "2026-11-03 1a:00", "2026-11-03 10:0b",
                "", "2026-11", "14:05:09", "03/11/2026 14:05", "2026-11-03 14:05:09 PM"})
        void invalidTimestampsAreRejected(String text) {
            assertEquals(Long.MIN_VALUE, Values.parseTimestamp(text), () -> "'" + text + "' should not be a timestamp");
        }

        @Test
        void hour23IsTheLastValidHour() {
            assertEquals(utc("2026-11-03T23:59:59.999"), Values.parseTimestamp("2026-11-03 23:59:59.999"));
        }
    }
}
