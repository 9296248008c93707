package dev.medallion.silver.parquet;

import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.NullMarkers;
import dev.medallion.silver.schema.SchemaContract;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowBatchTest {
    private static final SchemaContract CONTRACT = new SchemaContract("sales", List.of(
            new Column("id", ColumnType.BIGINT, "id"),
            new Column("region", ColumnType.STRING, "region"),
            new Column("amount", ColumnType.DOUBLE, "amount")), "sales/a.csv", "2026-01-01T00:00:00Z");

    @Test
    void takesARowWholeOrRefusesItWithTheReason() {
        RowBatch batch = new RowBatch(CONTRACT);
        int[] fields = {0, 1, 2};

        assertNull(batch.append(List.of("1", "north", "2.5")::get, fields));
        assertEquals("column amount: 'N/A' is not a double (declare it null if it stands for a missing value: CSV_NULL_VALUES=sales:N/A"
                + " or convert --null-values N/A): the dataset's contract _schemas/sales.json types it double", batch.append(List.of("2", "south", "N/A")::get, fields));
        assertEquals("column amount: 'south' is not a double", batch.append(List.of("2", "south", "south")::get, fields));
        assertNull(batch.append(List.of(" ", " ", "\t")::get, fields));

        assertEquals(2, batch.size());
        assertNull(batch.vectors()[0].valueAt(1), "a blank bigint is null");
        assertEquals(" ", batch.vectors()[1].valueAt(1), "a blank string is kept");
        assertNull(batch.vectors()[2].valueAt(1));
    }

    /**
     * A question mark, which survey and hand-kept sheets write for a missing value, is a placeholder that a string column's hint makes
     * NULL (StringForms); a typed column refusing one says how to declare it null, as for N/A: the hint knew it, the refusal's advice did not.
     */
    @Test
    void aTypedColumnRefusingAQuestionMarkSaysHowToDeclareItNull() {
        RowBatch batch = new RowBatch(CONTRACT);
        int[] fields = {0, 1, 2};

        assertEquals("column id: '?' is not a bigint (declare it null if it stands for a missing value: CSV_NULL_VALUES=sales:? or convert --null-values '?')"
                + ": the dataset's contract _schemas/sales.json types it bigint", batch.append(List.of("?", "north", "2.5")::get, fields));
        assertEquals("column amount: ' ? ' is not a double (declare it null if it stands for a missing value: CSV_NULL_VALUES=sales:? or convert --null-values '?')"
                + ": the dataset's contract _schemas/sales.json types it double", batch.append(List.of("1", "north", " ? ")::get, fields));
        assertEquals(0, batch.size());
    }

    /** The option's marker is given as a shell word, to paste: a bare #N/A would start a comment and the option get no value. */
    @Test
    void theMarkerToGiveConvertIsQuotedWhereAShellWouldReadItOtherwise() {
        RowBatch batch = new RowBatch(CONTRACT);
        int[] fields = {0, 1, 2};

        assertEquals("column amount: '#N/A' is not a double (declare it null if it stands for a missing value: CSV_NULL_VALUES=sales:#N/A"
                + " or convert --null-values '#N/A'): the dataset's contract _schemas/sales.json types it double", batch.append(List.of("1", "north", "#N/A")::get, fields));
    }

    @Test
    void namesEveryValueOfARefusedRowThatDoesNotFitUpToThreeAndHowManyMore() {
        SchemaContract contract = new SchemaContract("wide", IntStream.range(0, 6)
                .mapToObj(c -> new Column("c" + c, ColumnType.BIGINT, "c" + c)).toList(), "wide/a.csv", "2026-01-01T00:00:00Z");
        RowBatch batch = new RowBatch(contract);
        int[] fields = {0, 1, 2, 3, 4, 5};

        assertEquals("column c1: 'x' is not a bigint; column c4: 'y' is not a bigint",
                batch.append(List.of("1", "x", "2", "3", "y", "4")::get, fields));
        assertEquals("column c0: 'a' is not a bigint; column c1: 'b' is not a bigint; column c3: 'd' is not a bigint; and 2 more columns",
                batch.append(List.of("a", "b", "2", "d", "e", "f")::get, fields));
        assertEquals("column c0: 'a' is not a bigint; column c1: 'b' is not a bigint; column c2: 'c' is not a bigint; and 1 more column",
                batch.append(List.of("a", "b", "c", "3", "e", "5")::get, fields));
        // A refused row leaves no trace: the next row, taken, holds its own values in every column.
        assertNull(batch.append(List.of("10", "11", "12", "13", "14", "15")::get, fields));
        assertEquals(1, batch.size());
        for (int c = 0; c < 6; c++) {
            assertEquals(10L + c, batch.vectors()[c].valueAt(0));
        }
    }

    /**
     * A required column refuses a null as its type reads one: empty, a default null marker or blanks in a typed column, a marker the
     * dataset declares in any column, the column missing from the file; a string column's blanks and its default markers are text, kept.
     * Each reason names the column, the contract and what to do; a value that is not null, or a null in a column not required, is taken.
     */
    @Test
    void aRequiredColumnRefusesARowWhoseValueThereIsNullSayingWhichColumnAndWhatToDo() {
        SchemaContract contract = new SchemaContract("sales", List.of(
                new Column("transaction_id", ColumnType.BIGINT, "transaction_id", true),
                new Column("region", ColumnType.STRING, "region", true),
                new Column("amount", ColumnType.DOUBLE, "amount")), "declared", "2026-01-01T00:00:00Z");
        RowBatch batch = new RowBatch(contract, "_schemas/sales.json", NullMarkers.declaring(List.of("N/A")));
        int[] fields = {0, 1, 2};
        String contractSays = " but the dataset's contract _schemas/sales.json declares it \"required\": true; ";
        String fill = "fill it at the source and upload the file again or take \"required\" off the column there to write such rows with a null";

        assertEquals("column transaction_id: empty" + contractSays + fill, batch.append(List.of("", "north", "2.5")::get, fields));
        assertEquals("column transaction_id: ' \\u0009 ' reads as null" + contractSays + fill, batch.append(List.of(" \t ", "north", "2.5")::get, fields));
        assertEquals("column transaction_id: 'NULL' reads as null" + contractSays + fill, batch.append(List.of("NULL", "north", "2.5")::get, fields));
        assertEquals("column region: 'N/A' reads as null" + contractSays + fill, batch.append(List.of("1", "N/A", "2.5")::get, fields));
        // With a value another column refuses: each named, as any row refused in several columns.
        assertEquals("column transaction_id: empty" + contractSays + fill + "; column amount: 'x' is not a double",
                batch.append(List.of("", "north", "x")::get, fields));
        assertEquals(0, batch.size(), "every refused row leaves no trace");

        // A string column's blanks and default markers are text, as the column reads them; a null in a column not required is taken.
        assertNull(batch.append(List.of("1", " ", "")::get, fields));
        assertNull(batch.append(List.of("2", "NULL", "N/A")::get, fields));
        assertEquals(2, batch.size());
        assertEquals(List.of(1L, " "), List.of(0, 1).stream().map(c -> batch.vectors()[c].valueAt(0)).toList());
        assertNull(batch.vectors()[2].valueAt(0));
        assertEquals(List.of(2L, "NULL"), List.of(0, 1).stream().map(c -> batch.vectors()[c].valueAt(1)).toList());

        // A file whose header lacks a required column: every row refused, saying so.
        assertEquals("column region: not in the file's header" + contractSays + "add the column to the file and upload it again or take"
                + " \"required\" off the column there to write such rows with a null", batch.append(List.of("3", "2.5")::get, new int[] {0, -1, 1}));
        assertEquals(2, batch.size());
    }

    @Test
    void aBlankValueIsNullInEveryTypeButTextAndWhitespaceAroundAValueIsIgnored() {
        SchemaContract contract = new SchemaContract("events", List.of(
                new Column("flag", ColumnType.BOOLEAN, "flag"),
                new Column("day", ColumnType.DATE, "day"),
                new Column("at", ColumnType.TIMESTAMP, "at"),
                new Column("count", ColumnType.BIGINT, "count"),
                new Column("share", ColumnType.DOUBLE, "share"),
                new Column("note", ColumnType.STRING, "note")), "events/a.csv", "2026-01-01T00:00:00Z");
        RowBatch batch = new RowBatch(contract);
        int[] fields = {0, 1, 2, 3, 4, 5};

        assertNull(batch.append(List.of(" ", "\t", "  ", " \t ", " ", " ")::get, fields));
        assertNull(batch.append(List.of(" true ", " 2026-02-03 ", " 2026-02-03 04:05:06 ", " 7 ", " 0.5 ", " x ")::get, fields));
        assertEquals("column day: ' 2026-02-30' is not a date (no such calendar day): the dataset's contract _schemas/events.json types it date",
                batch.append(List.of("false", " 2026-02-30", "", "", "", "")::get, fields));

        assertEquals(2, batch.size());
        for (int c = 0; c < 5; c++) {
            assertNull(batch.vectors()[c].valueAt(0), "a blank " + contract.columns().get(c).type() + " is null");
        }
        assertEquals(" ", batch.vectors()[5].valueAt(0), "a blank string is kept");
        assertEquals(List.of(true, (int) LocalDate.of(2026, 2, 3).toEpochDay(), 1_770_091_506_000L, 7L, 0.5, " x "),
                IntStream.range(0, 6).mapToObj(c -> batch.vectors()[c].valueAt(1)).toList());
    }

    @Test
    void onlySpacesAndTabsAreBlankAndOtherWhitespaceIsPartOfTheValue() {
        SchemaContract contract = new SchemaContract("events", List.of(
                new Column("count", ColumnType.BIGINT, "count"),
                new Column("note", ColumnType.STRING, "note")), "events/a.csv", "2026-01-01T00:00:00Z");
        RowBatch batch = new RowBatch(contract);
        int[] fields = {0, 1};

        // String.strip and isBlank would take U+001F, U+001E and U+3000 for whitespace: 12 and a null, silently.
        assertEquals("column count: '12\\u001f' is not a bigint", batch.append(List.of("12\u001f", "a")::get, fields));
        assertEquals("column count: '\\u001e' is not a bigint", batch.append(List.of("\u001e", "b")::get, fields));
        assertEquals("column count: '\\u3000' is not a bigint", batch.append(List.of("\u3000", "c")::get, fields));
        assertEquals("column count: '7\\u000d\\u000a' is not a bigint", batch.append(List.of("7\r\n", "d")::get, fields));
        assertEquals(0, batch.size());

        assertNull(batch.append(List.of(" \t ", "\u001e")::get, fields));
        assertNull(batch.append(List.of("\t8 ", " \u3000 ")::get, fields));
        assertEquals(Arrays.asList(null, "\u001e"), List.of(0, 1).stream().map(c -> batch.vectors()[c].valueAt(0)).toList());
        assertEquals(List.of(8L, " \u3000 "), List.of(0, 1).stream().map(c -> batch.vectors()[c].valueAt(1)).toList(),
                "text is kept as it is, never trimmed");
    }

    @Test
    void saysWhyAValueIsRefusedAndWhereItsTypeComesFrom() {
        SchemaContract contract = new SchemaContract("sales", List.of(
                new Column("zip", ColumnType.BIGINT, "zip"),
                new Column("amount", ColumnType.DOUBLE, "amount"),
                new Column("at", ColumnType.TIMESTAMP, "at")), "sales/a.csv", "2026-01-01T00:00:00Z");
        RowBatch batch = new RowBatch(contract, "lake/_schemas/sales.json");
        int[] fields = {0, 1, 2};

        assertEquals("column zip: '02134' is not a bigint (a leading zero): the dataset's contract lake/_schemas/sales.json types it bigint;"
                + " declare it string there to keep such values", batch.append(List.of("02134", "1", "")::get, fields));
        // A fraction in a bigint column, said as found: double keeps it, rounded (0.1 + 0.2); an amount wants the exact decimal(p,s).
        assertEquals("column zip: '7.5' is not a bigint (a number with a fraction): the dataset's contract lake/_schemas/sales.json"
                + " types it bigint; declare it double (or decimal(p,s) for exact amounts) there to keep such values",
                batch.append(List.of("7.5", "1", "")::get, fields));
        // An exponent, or more digits than the widest decimal's 38: a decimal column refuses them too, so double alone is advised.
        assertEquals("column zip: '1e3' is not a bigint (a number with an exponent): the dataset's contract lake/_schemas/sales.json"
                + " types it bigint; declare it double there to keep such values", batch.append(List.of("1e3", "1", "")::get, fields));
        assertEquals("column zip: '2.5E-1' is not a bigint (a number with a fraction and an exponent): the dataset's contract lake/_schemas/sales.json"
                + " types it bigint; declare it double there to keep such values", batch.append(List.of("2.5E-1", "1", "")::get, fields));
        assertEquals("column zip: '12345678901234567890123456789012345678.5' is not a bigint (a number with a fraction): the"
                + " dataset's contract lake/_schemas/sales.json types it bigint; declare it double there to keep such values",
                batch.append(List.of("12345678901234567890123456789012345678.5", "1", "")::get, fields));
        // 38 digits, trailing zeros of the fraction aside, as a decimal(38,1) keeps them; 20, as a decimal(20,1) does, wider than a
        // long; a fraction without a digit before the point.
        assertEquals("column zip: '1234567890123456789012345678901234567.500' is not a bigint (a number with a fraction): the"
                + " dataset's contract lake/_schemas/sales.json types it bigint; declare it double (or decimal(p,s) for exact amounts) there to"
                + " keep such values", batch.append(List.of("1234567890123456789012345678901234567.500", "1", "")::get, fields));
        assertEquals("column zip: '1234567890123456789.5' is not a bigint (a number with a fraction): the dataset's contract"
                + " lake/_schemas/sales.json types it bigint; declare it double (or decimal(p,s) for exact amounts) there to keep such values",
                batch.append(List.of("1234567890123456789.5", "1", "")::get, fields));
        assertEquals("column zip: '12345678901234567.500' is not a bigint (a number with a fraction): the dataset's contract"
                + " lake/_schemas/sales.json types it bigint; declare it double (or decimal(p,s) for exact amounts) there to keep such values",
                batch.append(List.of("12345678901234567.500", "1", "")::get, fields));
        assertEquals("column zip: '-.25' is not a bigint (a number with a fraction): the dataset's contract lake/_schemas/sales.json"
                + " types it bigint; declare it double (or decimal(p,s) for exact amounts) there to keep such values",
                batch.append(List.of("-.25", "1", "")::get, fields));
        assertEquals("column zip: '89014103211118510720' is not a bigint (out of a bigint's range, -9223372036854775808 to 9223372036854775807):"
                + " the dataset's contract lake/_schemas/sales.json types it bigint; declare it string there to keep such values",
                batch.append(List.of("89014103211118510720", "1", "")::get, fields));
        assertEquals("column amount: '0012.5' is not a double (a leading zero): the dataset's contract lake/_schemas/sales.json types it double;"
                + " declare it string there to keep such values", batch.append(List.of("1", "0012.5", "")::get, fields));
        assertEquals("column at: '2026-11-03 14:05+18:30' is not a timestamp (an offset beyond ±18:00): the dataset's contract"
                + " lake/_schemas/sales.json types it timestamp", batch.append(List.of("1", "1", "2026-11-03 14:05+18:30")::get, fields));
        assertEquals("column amount: '12,50' is not a double (a comma: numbers are read with '.' as the decimal point and without thousands"
                + " separators): the dataset's contract lake/_schemas/sales.json types it double", batch.append(List.of("1", "12,50", "")::get, fields));
        assertEquals("column amount: '1234.56-' is not a double (a minus sign after the number, as SAP writes a negative: a number's sign comes"
                + " before it): the dataset's contract lake/_schemas/sales.json types it double; declare it string there to keep such values",
                batch.append(List.of("1", "1234.56-", "")::get, fields));
        // A value that is simply something else needs no more; one that looks like a missing value's marker, how to declare it null.
        assertEquals("column zip: 'north' is not a bigint", batch.append(List.of("north", "1", "")::get, fields));
        assertEquals("column zip: 'N/A' is not a bigint (declare it null if it stands for a missing value: CSV_NULL_VALUES=sales:N/A"
                + " or convert --null-values N/A): the dataset's contract lake/_schemas/sales.json types it bigint", batch.append(List.of("N/A", "1", "")::get, fields));
        assertEquals(0, batch.size());

        // Zeros beyond the milliseconds lose nothing.
        assertNull(batch.append(List.of("1", "1", "2026-11-03 14:05:09.123000")::get, fields));
        assertEquals(1_793_714_709_123L, batch.vectors()[2].valueAt(0));
        assertNull(new RowBatch(contract).append(List.of("1", "1", "")::get, fields));
        assertTrue(new RowBatch(contract).append(List.of("007", "1", "")::get, fields).contains(" _schemas/sales.json "),
                "without a layout, the contract's key in a bucket without prefix");
    }

    /**
     * A boolean column takes true and false alone, in any case: a row whose value is a boolean as another export writes it (PostgreSQL's
     * COPY and Redshift's UNLOAD t and f, MySQL's 1 and 0, yes and no, Y and N) is refused naming the forms taken and the two ways on: a
     * string column cast in a query, or an export that writes true and false. The column takes no more forms than before.
     */
    @Test
    void aBooleanRefusedForItsFormSaysWhichFormsAreTakenAndWhatToDo() {
        SchemaContract contract = new SchemaContract("users", List.of(
                new Column("active", ColumnType.BOOLEAN, "active"),
                new Column("order", ColumnType.BOOLEAN, "order")), "users/a.csv", "2026-01-01T00:00:00Z");
        RowBatch batch = new RowBatch(contract, "lake/_schemas/users.json");
        int[] fields = {0, 1};
        String contractSays = ": the dataset's contract lake/_schemas/users.json types it boolean; declare it string there to keep such values and cast it in a query: ";

        assertEquals("column active: 't' is not a boolean (t for true and f for false as PostgreSQL's COPY and Redshift's UNLOAD write a boolean:"
                + " a boolean column reads true and false alone in any case)" + contractSays
                + "CASE upper(trim(active)) WHEN 'T' THEN true WHEN 'F' THEN false END; or have the export write true and false",
                batch.append(List.of("t", "true")::get, fields));
        assertEquals("column active: '0' is not a boolean (1 for true and 0 for false as MySQL writes its BOOLEAN (a TINYINT(1)):"
                + " a boolean column reads true and false alone in any case)" + contractSays
                + "CASE trim(active) WHEN '1' THEN true WHEN '0' THEN false END; or have the export write true and false",
                batch.append(List.of("0", "false")::get, fields));
        assertEquals("column active: 'Yes' is not a boolean (yes for true and no for false: a boolean column reads true and false alone in any case)"
                + contractSays + "CASE upper(trim(active)) WHEN 'YES' THEN true WHEN 'NO' THEN false END; or have the export write true and false",
                batch.append(List.of("Yes", "")::get, fields));
        // A column whose name SQL reads otherwise is quoted in the cast.
        assertEquals("column order: 'N' is not a boolean (Y for true and N for false: a boolean column reads true and false alone in any case)"
                + contractSays + "CASE upper(trim(\"order\")) WHEN 'Y' THEN true WHEN 'N' THEN false END; or have the export write true and false",
                batch.append(List.of("TRUE", "N")::get, fields));
        assertEquals("column active: 'maybe' is not a boolean", batch.append(List.of("maybe", "")::get, fields));
        assertEquals(0, batch.size());

        assertNull(batch.append(List.of(" True ", "FALSE")::get, fields));
        assertEquals(List.of(true, false), List.of(0, 1).stream().map(c -> batch.vectors()[c].valueAt(0)).toList());
    }

    /**
     * A NaN or an infinity, as a computation or an export writes one, and PostgreSQL's infinity in a date or timestamp column, are refused
     * saying what they are and what to do: no column type holds them. DB2's timestamp says the form timestamps are read in, and on and off
     * in a boolean column the forms taken, as t and f do.
     */
    @Test
    void aNotANumberAnInfinityAndAnotherExportsTimestampOrBooleanSayWhatTheyAreAndWhatToDo() {
        SchemaContract contract = new SchemaContract("metrics", List.of(
                new Column("count", ColumnType.BIGINT, "count"),
                new Column("ratio", ColumnType.DOUBLE, "ratio"),
                new Column("valid_until", ColumnType.DATE, "valid_until"),
                new Column("at", ColumnType.TIMESTAMP, "at"),
                new Column("enabled", ColumnType.BOOLEAN, "enabled")), "metrics/a.csv", "2026-01-01T00:00:00Z");
        RowBatch batch = new RowBatch(contract, "lake/_schemas/metrics.json");
        int[] fields = {0, 1, 2, 3, 4};
        String types = ": the dataset's contract lake/_schemas/metrics.json types it ";

        assertEquals("column ratio: 'NaN' is not a double (NaN: not a number but what a computation such as 0/0 gives and a double column holds"
                + " numbers alone: mend it at the source or have the export leave the field empty)" + types + "double; or declare it null if it stands"
                + " for a missing value: CSV_NULL_VALUES=metrics:NaN or convert --null-values NaN", batch.append(List.of("1", "NaN", "", "", "")::get, fields));
        assertEquals("column ratio: '-inf' is not a double (an infinity: a column holds finite numbers alone (a double column refuses one beyond"
                + " 1.8e308 too): have the export write a number or leave the field empty in its place)" + types + "double",
                batch.append(List.of("1", "-inf", "", "", "")::get, fields));
        assertEquals("column count: 'Infinity' is not a bigint (an infinity: a column holds finite numbers alone (a double column refuses one beyond"
                + " 1.8e308 too): have the export write a number or leave the field empty in its place)" + types + "bigint",
                batch.append(List.of("Infinity", "1", "", "", "")::get, fields));
        assertEquals("column valid_until: 'infinity' is not a date (infinity as PostgreSQL writes a date or timestamp after every other (-infinity:"
                + " before every other) which no date or timestamp column holds: have the export write a date or leave the field empty in its place)"
                + types + "date", batch.append(List.of("1", "1", "infinity", "", "")::get, fields));
        assertEquals("column at: '2025-03-01-10.00.00.000000' is not a timestamp (a timestamp written otherwise than yyyy-MM-dd HH:mm:ss as DB2"
                + " writes one (yyyy-MM-dd-HH.mm.ss.ffffff): change the export's timestamp format)" + types + "timestamp",
                batch.append(List.of("1", "1", "", "2025-03-01-10.00.00.000000", "")::get, fields));
        assertEquals("column enabled: 'on' is not a boolean (on for true and off for false: a boolean column reads true and false alone in any case)"
                + types + "boolean; declare it string there to keep such values and cast it in a query:"
                + " CASE upper(trim(enabled)) WHEN 'ON' THEN true WHEN 'OFF' THEN false END; or have the export write true and false",
                batch.append(List.of("1", "1", "", "", "on")::get, fields));
        // In a bigint column NaN is still first a marker to declare, as pandas writes a missing value with na_rep='NaN'.
        assertEquals("column count: 'NaN' is not a bigint (declare it null if it stands for a missing value: CSV_NULL_VALUES=metrics:NaN"
                + " or convert --null-values NaN)" + types + "bigint", batch.append(List.of("NaN", "1", "", "", "")::get, fields));
        assertEquals(0, batch.size());
    }

    @Test
    void aLongValueIsCutInItsReasonNeverBetweenTheHalvesOfACharacter() {
        RowBatch batch = new RowBatch(CONTRACT);
        // U+1F600 takes two chars, the 60th and 61st: cutting after 60 would leave half of it.
        String value = "x".repeat(59) + "\uD83D\uDE00" + "y".repeat(20);
        String reason = batch.append(List.of(value, "", "")::get, new int[] {0, 1, 2});

        assertEquals("column id: '" + "x".repeat(59) + "... (80 characters)' is not a bigint", reason);
        String whole = "x".repeat(58) + "\uD83D\uDE00" + "y".repeat(20);
        assertEquals("column id: '" + "x".repeat(58) + "\uD83D\uDE00... (79 characters)' is not a bigint",
                batch.append(List.of(whole, "", "")::get, new int[] {0, 1, 2}));
    }

    @Test
    void namesTheColumnsWhereMostValuesAreDistinct() {
        RowBatch batch = new RowBatch(CONTRACT);
        for (int i = 0; i < 100; i++) {
            assertNull(batch.append(List.of(String.valueOf(i), i % 2 == 0 ? "north" : "south", String.valueOf(i % 60))::get, new int[] {0, 1, 2}));
        }

        assertEquals(Set.of("id", "amount"), batch.highCardinalityColumns());
    }

    @Test
    void countsNullAsOneValueAndValuesAsTheyAreEqual() {
        RowBatch batch = new RowBatch(CONTRACT);
        String[][] rows = {
                {"", "a", "0.0"}, {"", "b", "-0.0"}, {"", "c", "1"}, {"", "d", "2"}, {"", "e", "3"},
                {"1", "a", "4"}, {"2", "b", "0.0"}, {"3", "c", "1.0"}, {"4", "d", "2"}, {"5", "e", "3"}};
        for (String[] row : rows) {
            assertNull(batch.append(List.of(row)::get, new int[] {0, 1, 2}));
        }

        // id: null and 1 to 5, six values of ten; region: five; amount: 0.0 and -0.0 differ (as Double.equals has it), six.
        assertEquals(Set.of("id", "amount"), batch.highCardinalityColumns());
    }

    @Test
    void anEmptyBatchHasNoHighCardinalityColumn() {
        assertEquals(Set.of(), new RowBatch(CONTRACT).highCardinalityColumns());
    }

    @Test
    void countsTheMemoryItHolds() {
        RowBatch batch = new RowBatch(CONTRACT);
        batch.append(List.of("1", "x".repeat(1000), "1")::get, new int[] {0, 1, 2});

        assertTrue(batch.retainedBytes() > 2000, "retained " + batch.retainedBytes());
        batch.clear(Long.MAX_VALUE);
        assertEquals(0, batch.retainedBytes());
    }

    @Test
    void keepsItsArraysForTheNextChunkUnlessTheyHoldMoreThanAllowed() {
        RowBatch batch = new RowBatch(CONTRACT);
        assertNull(batch.append(List.of("1", "x".repeat(100_000), "1")::get, new int[] {0, 1, 2}));
        long held = batch.vectors()[1].heldValueBytes();
        assertTrue(held >= 100_000, "held " + held);

        batch.clear(held);
        assertEquals(held, batch.vectors()[1].heldValueBytes(), "within what is allowed: kept for the next chunk");
        assertNull(batch.append(List.of("2", "x".repeat(100_000), "1")::get, new int[] {0, 1, 2}));
        batch.clear(held - 1);
        assertTrue(batch.vectors()[1].heldValueBytes() < 1000, "past it: dropped, " + batch.vectors()[1].heldValueBytes());
        assertNull(batch.append(List.of("3", "north", "1")::get, new int[] {0, 1, 2}));
        assertEquals(1, batch.size());
    }
}
