package dev.medallion.silver.schema;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.medallion.silver.schema.ColumnType.BIGINT;
import static dev.medallion.silver.schema.ColumnType.BOOLEAN;
import static dev.medallion.silver.schema.ColumnType.DATE;
import static dev.medallion.silver.schema.ColumnType.DOUBLE;
import static dev.medallion.silver.schema.ColumnType.STRING;
import static dev.medallion.silver.schema.ColumnType.TIMESTAMP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TypeInferenceTest {

    /** The type of a single column holding {@code values}, one per row. */
    private static ColumnType typeOf(String... values) {
        List<String[]> rows = new ArrayList<>();
        for (String value : values) {
            rows.add(new String[] {value});
        }
        return TypeInference.infer(rows, 1).get(0);
    }

    static Stream<Arguments> singleColumns() {
        return Stream.of(
                Arguments.of(BOOLEAN, new String[] {"true", "false", "TRUE", "False"}),
                Arguments.of(BIGINT, new String[] {"1", "-2", "9223372036854775807", "0"}),
                Arguments.of(DOUBLE, new String[] {"1.5", "-2.25", "1e3", ".5"}),
                Arguments.of(DATE, new String[] {"2026-11-03", "2024-02-29"}),
                Arguments.of(TIMESTAMP, new String[] {"2026-11-03 10:00:00", "2026-11-03T10:00Z"}),
                Arguments.of(STRING, new String[] {"alice", "bob"}),
                // Narrowest type that accepts every value.
                Arguments.of(DOUBLE, new String[] {"1", "2", "3.5"}),
                Arguments.of(DOUBLE, new String[] {"3.5", "1", "2"}),
                Arguments.of(TIMESTAMP, new String[] {"2026-11-03", "2026-11-04 08:30"}),
                Arguments.of(TIMESTAMP, new String[] {"2026-11-04 08:30", "2026-11-03"}),
                // Codes with leading zeros are text, not numbers.
                Arguments.of(STRING, new String[] {"007", "012", "123"}),
                Arguments.of(STRING, new String[] {"01234", "75001", "13008"}),
                Arguments.of(STRING, new String[] {"1", "2", "007"}),
                // International phone numbers (E.164: '+', then 7 to 15 digits) are text too: as bigints they lose their '+'.
                Arguments.of(STRING, new String[] {"+4915112345678", "+12125551234"}),
                Arguments.of(STRING, new String[] {"12", "+2901234"}),
                // A sign on a shorter number is a number's: a change of +7 stays a bigint.
                Arguments.of(BIGINT, new String[] {"+7", "-3", "+123456", "1234567"}),
                // Mixtures that no single type accepts.
                Arguments.of(STRING, new String[] {"true", "1"}),
                Arguments.of(STRING, new String[] {"1", "2026-11-03"}),
                Arguments.of(STRING, new String[] {"1.5", "n/a"}),
                Arguments.of(STRING, new String[] {"2026-11-03", "yesterday"}),
                Arguments.of(STRING, new String[] {"2026-02-30"}),
                Arguments.of(STRING, new String[] {"NaN", "1.0"}),
                // 1 and 0 are numbers, not booleans.
                Arguments.of(BIGINT, new String[] {"1", "0", "1"}),
                // Whole numbers beyond bigint's range are text: as doubles (15 to 17 significant digits) distinct
                // ids would become one value, 89014103211118510720 and 89014103211118510721 both 8.901410321111851E19.
                Arguments.of(STRING, new String[] {"1", "9223372036854775808"}),
                Arguments.of(STRING, new String[] {"89014103211118510720", "89014103211118510721"}),
                Arguments.of(STRING, new String[] {"-9223372036854775809", "5"}),
                // With a fraction among them, the column is one of measures, where a double is what is meant.
                Arguments.of(DOUBLE, new String[] {"1.5", "9223372036854775808"}),
                Arguments.of(DOUBLE, new String[] {"89014103211118510720", "1e3"}),
                // Offsets as PostgreSQL writes a timestamptz (+00, -03:30) and Python's %z does (+0200) are timestamps too.
                Arguments.of(TIMESTAMP, new String[] {"2018-05-18 03:06:22.446039+00", "2018-05-18 04:00:00-03:30", "2026-03-01T10:00:00+0200"}),
                // Ruby's and Rails' to_s: a space before the offset, " UTC" for a time in UTC.
                Arguments.of(TIMESTAMP, new String[] {"2026-03-01 10:00:00 +0200", "2026-03-01 09:00:00 UTC", "2026-03-01 11:00:00 -0500"}),
                // Microseconds, as PostgreSQL and Python export them: a timestamp (cut to Athena's milliseconds).
                Arguments.of(TIMESTAMP, new String[] {"2026-11-03 14:05:09.123456", "2026-11-03 14:05:10.123999"}),
                Arguments.of(TIMESTAMP, new String[] {"2026-11-03 14:05:09.123000", "2026-11-03 14:05:10.5"}),
                // Surrounding spaces and tabs are ignored by every parser.
                Arguments.of(BIGINT, new String[] {" 1", "2 ", "\t3"}),
                Arguments.of(DATE, new String[] {" 2026-11-03 "}),
                // Other whitespace is no padding: U+001F, U+3000 and a line separator are part of the value.
                Arguments.of(STRING, new String[] {"12\u001f", "13"}),
                Arguments.of(STRING, new String[] {"12", "\u300013"}),
                Arguments.of(STRING, new String[] {"true", "false\u2028"}),
                // Nor is a value of only such a character blank, to be skipped as a null would be.
                Arguments.of(STRING, new String[] {"1", "\u001e", "2"}),
                Arguments.of(BIGINT, new String[] {"1", " \t ", "2"}));
    }

    @ParameterizedTest(name = "[{index}] {0} from {1}")
    @MethodSource("singleColumns")
    void infersTheNarrowestTypeAcceptingEveryValue(ColumnType expected, String[] values) {
        assertEquals(expected, typeOf(values), () -> Arrays.toString(values));
    }

    @Test
    void orderIsBooleanBigintDoubleDateTimestampString() {
        assertEquals(List.of(BOOLEAN, BIGINT, DOUBLE, DATE, TIMESTAMP, STRING), ColumnType.plainTypes());
    }

    @Test
    void emptyValuesAreIgnored() {
        assertEquals(BOOLEAN, typeOf("", "true", "", "false", ""));
        assertEquals(BIGINT, typeOf("", "42"));
        assertEquals(DOUBLE, typeOf("1.5", ""));
        assertEquals(DATE, typeOf("", "2026-11-03", ""));
        assertEquals(TIMESTAMP, typeOf("2026-11-03 10:00", ""));
    }

    @Test
    void columnWithNoValueIsString() {
        assertEquals(STRING, typeOf("", "", ""));
        assertEquals(STRING, typeOf());
    }

    @Test
    void noRowsGiveStringForEveryColumn() {
        assertEquals(List.of(STRING, STRING, STRING), TypeInference.infer(List.of(), 3));
    }

    @Test
    void zeroColumnsGiveNoTypes() {
        assertEquals(List.of(), TypeInference.infer(List.<String[]>of(new String[] {"x"}), 0));
    }

    @Test
    void shortRowsCountAsEmptyForTheMissingColumns() {
        List<String[]> rows = List.of(
                new String[] {"1", "2026-11-03", "x"},
                new String[] {"2"},
                new String[] {"3", "2026-11-04"});
        assertEquals(List.of(BIGINT, DATE, STRING), TypeInference.infer(rows, 3));
        assertEquals(List.of(BIGINT, DATE, STRING, STRING), TypeInference.infer(rows, 4));
    }

    @Test
    void eachColumnIsInferredIndependently() {
        List<String[]> rows = List.of(
                new String[] {"1", "1.5", "true", "2026-11-03", "2026-11-03 10:00:00.123", "007", ""},
                new String[] {"2", "2", "false", "2026-11-04", "2026-11-04", "alice", ""},
                new String[] {"", "-3e2", "", "", "2026-11-05T10:00+01:00", "12", ""});
        assertEquals(List.of(BIGINT, DOUBLE, BOOLEAN, DATE, TIMESTAMP, STRING, STRING), TypeInference.infer(rows, 7));
    }

    @Test
    void oneBadValueLateInTheSampleWidensTheColumn() {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            rows.add(new String[] {Integer.toString(i)});
        }
        assertEquals(BIGINT, TypeInference.infer(rows, 1).get(0));
        rows.add(new String[] {"10000.5"});
        assertEquals(DOUBLE, TypeInference.infer(rows, 1).get(0));
        rows.add(new String[] {"unknown"});
        assertEquals(STRING, TypeInference.infer(rows, 1).get(0));
    }

    @Test
    void everyInferredTypeAcceptsEveryNonEmptyValue() {
        String[] values = {"1", "-0", "2.5", "true", "2026-11-03", "2026-11-03 10:00", "007", "", "1e3", "99999999999999999999",
                "2026-11-03 10:00:00.000001", " ", "\u001f"};
        for (String a : values) {
            for (String b : values) {
                ColumnType type = typeOf(a, b);
                for (String v : new String[] {a, b}) {
                    if (!Values.isBlank(v)) {
                        assertTrue(accepts(type, v), () -> type + " inferred for " + a + "," + b + " but rejects " + v);
                    }
                }
            }
        }
    }

    private static boolean accepts(ColumnType type, String value) {
        return switch (type.kind()) {
            case BOOLEAN -> Values.parseBoolean(value) >= 0;
            case BIGINT -> Values.isBigint(value);
            case DOUBLE -> Values.isDouble(value);
            case DATE -> Values.parseDate(value) != Long.MIN_VALUE;
            case TIMESTAMP -> Values.parseTimestamp(value) != Long.MIN_VALUE;
            case DECIMAL -> throw new AssertionError("inference never gives a decimal, only a declared contract holds one: " + type);
            case STRING -> true;
        };
    }
}
