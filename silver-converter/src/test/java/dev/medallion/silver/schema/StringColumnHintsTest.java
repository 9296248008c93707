package dev.medallion.silver.schema;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A column inference leaves {@code string} whose first-chunk values all look like numbers, dates or booleans in a form the
 * converter does not read is named, with a cast a gold model can make ({@link TypeInference#stringColumnHints}).
 */
class StringColumnHintsTest {

    /** The cast suggested for a single column named {@code column} holding {@code values}, one per row, if any. */
    private static Optional<String> castFor(String column, NullMarkers markers, String... values) {
        List<String[]> rows = new ArrayList<>();
        for (String value : values) {
            rows.add(new String[] {value});
        }
        List<ColumnType> types = TypeInference.infer(rows, 1, markers);
        List<StringColumnHint> hints = TypeInference.stringColumnHints("sales", rows, List.of(column), types, markers);
        if (hints.isEmpty()) {
            return Optional.empty();
        }
        assertEquals(1, hints.size(), hints::toString);
        assertEquals(column, hints.get(0).column());
        return Optional.of(hints.get(0).cast());
    }

    private static Optional<String> castFor(String column, String... values) {
        return castFor(column, NullMarkers.defaults(), values);
    }

    static Stream<Arguments> hinted() {
        return Stream.of(
                // A ;-delimited European export: decimal commas, thousands perhaps set apart by points, whole numbers among them.
                Arguments.of(new String[] {"1.234,56", "12,5", "3", "-0,75"}, "CAST(replace(replace(amount, '.', ''), ',', '.') AS double)"),
                Arguments.of(new String[] {"12,5", "3,25"}, "CAST(replace(replace(amount, '.', ''), ',', '.') AS double)"),
                // Thousands set apart by commas, as English exports write them (quoted in the file: "1,234.50").
                Arguments.of(new String[] {"1,234.50", "12.00", "-7.5"}, "CAST(replace(amount, ',', '') AS double)"),
                Arguments.of(new String[] {"1,234,567", "12"}, "CAST(replace(amount, ',', '') AS bigint)"),
                // Thousands set apart by spaces.
                Arguments.of(new String[] {"1 234", "12 345 678", "5"}, "CAST(replace(amount, ' ', '') AS bigint)"),
                Arguments.of(new String[] {"1 234,5", "7,25"}, "CAST(replace(replace(amount, ' ', ''), ',', '.') AS double)"),
                // One currency's sign or code before or after the number: money, cast to a decimal.
                Arguments.of(new String[] {"$12.50", "$3", "-$1.25"}, "CAST(replace(amount, '$', '') AS decimal(18,2))"),
                Arguments.of(new String[] {"€3.00", "€12.5"}, "CAST(replace(amount, '€', '') AS decimal(18,2))"),
                Arguments.of(new String[] {"12.50 EUR", "3.00 EUR"}, "CAST(trim(replace(amount, 'EUR', '')) AS decimal(18,2))"),
                Arguments.of(new String[] {"$1,234.50", "$7.00"}, "CAST(replace(replace(amount, '$', ''), ',', '') AS decimal(18,2))"),
                // Thousands set apart by no-break spaces, as French and Swiss exports write them: replaced by code point, since the character cannot be seen.
                Arguments.of(new String[] {"1\u00A0234,56", "7,25"}, "CAST(replace(replace(amount, chr(160), ''), ',', '.') AS decimal(18,2))"),
                Arguments.of(new String[] {"1\u202F234", "12\u202F345\u202F678", "5"}, "CAST(replace(amount, chr(8239), '') AS bigint)"),
                // The currency after the number, with a decimal comma, set apart by a space or a no-break one.
                Arguments.of(new String[] {"3,50 €", "1.234,00 €", "12 €"}, "CAST(replace(replace(trim(replace(amount, '€', '')), '.', ''), ',', '.') AS decimal(18,2))"),
                Arguments.of(new String[] {"3,50\u00A0€", "12,00\u00A0€"}, "CAST(replace(replace(replace(replace(amount, '€', ''), chr(160), ''), '.', ''), ',', '.') AS decimal(18,2))"),
                Arguments.of(new String[] {"12.00 USD", "3.50 USD"}, "CAST(trim(replace(amount, 'USD', '')) AS decimal(18,2))"),
                // The sign before the number and set apart by a space, as Dutch and Irish exports write euros ("€ 1.234,56").
                Arguments.of(new String[] {"€ 3,50", "€ 1.234,56", "€ 12"}, "CAST(replace(replace(trim(replace(amount, '€', '')), '.', ''), ',', '.') AS decimal(18,2))"),
                Arguments.of(new String[] {"$ 1,200.00", "$ 7.50"}, "CAST(replace(trim(replace(amount, '$', '')), ',', '') AS decimal(18,2))"),
                // A sign before the spaced currency: trim would leave "- 7.50", which DuckDB's cast refuses, so the space is removed.
                Arguments.of(new String[] {"$ 1,200.00", "-$ 7.50"}, "CAST(replace(replace(replace(amount, '$', ''), ' ', ''), ',', '') AS decimal(18,2))"),
                Arguments.of(new String[] {"-EUR 7.50", "EUR 12.00"}, "CAST(replace(replace(amount, 'EUR', ''), ' ', '') AS decimal(18,2))"),
                Arguments.of(new String[] {"€\u00A03,50", "€\u00A012,00"}, "CAST(replace(replace(replace(replace(amount, '€', ''), chr(160), ''), '.', ''), ',', '.') AS decimal(18,2))"),
                // A negative amount in parentheses, the currency within.
                Arguments.of(new String[] {"($12.50)", "$3.00", "-$1.25"}, "CAST(replace(replace(replace(amount, '$', ''), '(', '-'), ')', '') AS decimal(18,2))"),
                // Accounting negatives.
                Arguments.of(new String[] {"(12.50)", "3.25", "0"}, "CAST(replace(replace(amount, '(', '-'), ')', '') AS decimal(18,2))"),
                // Percentages: the fraction they stand for.
                Arguments.of(new String[] {"12%", "3.5%", "-1%"}, "CAST(replace(amount, '%', '') AS double) / 100"),
                // Dates day first or month first, told apart by a day after the 12th.
                Arguments.of(new String[] {"31/01/2026", "01/02/2026"}, "CAST(substr(amount, 7, 4) || '-' || substr(amount, 4, 2) || '-' || substr(amount, 1, 2) AS date)"),
                Arguments.of(new String[] {"31.01.2026", "01.02.2026"}, "CAST(substr(amount, 7, 4) || '-' || substr(amount, 4, 2) || '-' || substr(amount, 1, 2) AS date)"),
                Arguments.of(new String[] {"01/31/2026", "02/01/2026"}, "CAST(substr(amount, 7, 4) || '-' || substr(amount, 1, 2) || '-' || substr(amount, 4, 2) AS date)"),
                // Month and day without their leading zero, as Google Sheets and US Excel write them: split at the separator, each part padded.
                Arguments.of(new String[] {"1/2/2025", "12/31/2025"},
                        "CAST(split_part(amount, '/', 3) || '-' || lpad(split_part(amount, '/', 1), 2, '0') || '-' || lpad(split_part(amount, '/', 2), 2, '0') AS date)"),
                Arguments.of(new String[] {"31.1.2026", "1.2.2026"},
                        "CAST(split_part(amount, '.', 3) || '-' || lpad(split_part(amount, '.', 2), 2, '0') || '-' || lpad(split_part(amount, '.', 1), 2, '0') AS date)"),
                Arguments.of(new String[] {"31/1/2026", "01/02/2026"},
                        "CAST(split_part(amount, '/', 3) || '-' || lpad(split_part(amount, '/', 2), 2, '0') || '-' || lpad(split_part(amount, '/', 1), 2, '0') AS date)"),
                // No day after the 12th tells which comes first: read month first, the hint saying so (dateHintsSayWhenTheValuesDoNotTellDayFromMonth).
                Arguments.of(new String[] {"1/2/2025", "3/4/2025"},
                        "CAST(split_part(amount, '/', 3) || '-' || lpad(split_part(amount, '/', 1), 2, '0') || '-' || lpad(split_part(amount, '/', 2), 2, '0') AS date)"),
                Arguments.of(new String[] {"01/02/2026", "03/04/2026"}, "CAST(substr(amount, 7, 4) || '-' || substr(amount, 1, 2) || '-' || substr(amount, 4, 2) AS date)"),
                // Booleans as Y/N or yes/no, in any case.
                Arguments.of(new String[] {"Y", "N", "y"}, "CASE upper(trim(amount)) WHEN 'Y' THEN true WHEN 'N' THEN false END"),
                Arguments.of(new String[] {"yes", "No", "YES"}, "CASE upper(trim(amount)) WHEN 'YES' THEN true WHEN 'NO' THEN false END"),
                // Negatives with their minus after the number, as SAP exports write them: the minus moved before it, then the number's form read.
                Arguments.of(new String[] {"1.234,56-", "99,00", "1.000,00-"},
                        "CAST(replace(replace(CASE WHEN amount LIKE '%-' THEN '-' || substr(amount, 1, length(amount) - 1) ELSE amount END, '.', ''), ',', '.')"
                                + " AS decimal(18,2))"),
                Arguments.of(new String[] {"10-", "5", "1"}, "CAST(CASE WHEN amount LIKE '%-' THEN '-' || substr(amount, 1, length(amount) - 1) ELSE amount END AS bigint)"),
                Arguments.of(new String[] {"1,234.5-", "7.25"},
                        "CAST(replace(CASE WHEN amount LIKE '%-' THEN '-' || substr(amount, 1, length(amount) - 1) ELSE amount END, ',', '') AS double)"),
                // Booleans as PostgreSQL's COPY and Redshift's UNLOAD write them, t and f.
                Arguments.of(new String[] {"t", "f", "t"}, "CASE upper(trim(amount)) WHEN 'T' THEN true WHEN 'F' THEN false END"),
                // Booleans as switches are written, on and off, in any case: the cast a boolean column's refusal of on gives too.
                Arguments.of(new String[] {"on", "OFF", "On"}, "CASE upper(trim(amount)) WHEN 'ON' THEN true WHEN 'OFF' THEN false END"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("hinted")
    void aStringColumnOfOneRecognisedFormIsHinted(String[] values, String cast) {
        assertEquals(ColumnType.STRING, TypeInference.infer(Arrays.stream(values).map(value -> new String[] {value}).toList(), 1).get(0));
        assertEquals(Optional.of(cast), castFor("amount", values), () -> Arrays.toString(values));
    }

    static Stream<Arguments> notHinted() {
        return Stream.of(
                // Real text, and a mixture of forms or of a form and text.
                Arguments.of((Object) new String[] {"alice", "bob"}),
                Arguments.of((Object) new String[] {"12,5", "pending"}),
                Arguments.of((Object) new String[] {"$12.50", "€3.00"}),
                Arguments.of((Object) new String[] {"3,50 €", "12.00 USD"}),
                // Parentheses unbalanced, or around a signed number, are no accounting negative.
                Arguments.of((Object) new String[] {"($12.50", "$3.00"}),
                Arguments.of((Object) new String[] {"(-12.50)", "3.00"}),
                // No-break spaces as thousands separators beside commas as such: two forms.
                Arguments.of((Object) new String[] {"1\u00A0234", "1,234.5"}),
                Arguments.of((Object) new String[] {"12%", "0.5"}),
                Arguments.of((Object) new String[] {"1,234.5", "12,5"}),
                // Codes and ids: ZIP codes with leading zeros, ids, 20-digit ICCIDs.
                Arguments.of((Object) new String[] {"01234", "75001", "13008"}),
                Arguments.of((Object) new String[] {"007", "012"}),
                Arguments.of((Object) new String[] {"A-1001", "A-1002"}),
                Arguments.of((Object) new String[] {"89014103211118510720", "89014103211118510721"}),
                // Ambiguous: 1,234 is 1234 with a thousands separator or 1.234 with a decimal comma, and no value tells which.
                Arguments.of((Object) new String[] {"1,234", "5,678", "12"}),
                // No such day either way; two-digit years; a day of three digits.
                Arguments.of((Object) new String[] {"31/02/2026", "13/01/2026"}),
                Arguments.of((Object) new String[] {"31/01/26", "01/02/26"}),
                Arguments.of((Object) new String[] {"1/2/26", "12/31/26"}),
                Arguments.of((Object) new String[] {"1/123/2026", "1/2/2026"}),
                // Month first in one value, day first in another: no one reading.
                Arguments.of((Object) new String[] {"12/31/2025", "31/12/2025"}),
                // A single letter alone says nothing: N may be north; two separators in one column are no one form.
                Arguments.of((Object) new String[] {"N", "N"}),
                Arguments.of((Object) new String[] {"Y", "N", "maybe"}),
                // A minus after a signed number, in parentheses or after a currency is none SAP writes; a range is no number.
                Arguments.of((Object) new String[] {"-10-", "5"}),
                Arguments.of((Object) new String[] {"(12.50)-", "3.00"}),
                Arguments.of((Object) new String[] {"$12.50-", "$3.00"}),
                Arguments.of((Object) new String[] {"10-20", "30-"}),
                // F alone may be female, and F beside M is; t and f beside Y or N are two spellings, no one form.
                Arguments.of((Object) new String[] {"f", "f"}),
                Arguments.of((Object) new String[] {"F", "M", "F"}),
                Arguments.of((Object) new String[] {"t", "f", "Y"}),
                Arguments.of((Object) new String[] {"T", "F", "yes"}),
                // On alone says nothing (a word, a state's one value); on beside yes or no is two spellings.
                Arguments.of((Object) new String[] {"on", "on"}),
                Arguments.of((Object) new String[] {"on", "off", "yes"}),
                Arguments.of((Object) new String[] {"on", "no"}),
                Arguments.of((Object) new String[] {"31/01/2026", "01.02.2026"}),
                // Padded: the cast reads the text as written, spaces included, so none is offered.
                Arguments.of((Object) new String[] {" 12,5", "3,25"}),
                // Placeholders alone say nothing of a type; codes among placeholders are codes still; an ambiguous column stays so.
                Arguments.of((Object) new String[] {"N/A", "-", "?"}),
                Arguments.of((Object) new String[] {"01234", "N/A"}),
                Arguments.of((Object) new String[] {"1,234", "N/A", "5,678"}),
                // A placeholder padded is no placeholder, nor a word that merely contains one.
                Arguments.of((Object) new String[] {"12,5", " N/A"}),
                Arguments.of((Object) new String[] {"12,5", "N/A yet"}));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("notHinted")
    void otherStringColumnsAreNotHinted(String[] values) {
        assertEquals(Optional.empty(), castFor("amount", values), () -> Arrays.toString(values));
    }

    @Test
    void typedColumnsAreNotHinted() {
        assertEquals(Optional.empty(), castFor("amount", "12", "3"));
        assertEquals(Optional.empty(), castFor("amount", "12.5", "3"));
        assertEquals(Optional.empty(), castFor("amount", "2026-01-31"));
        assertEquals(Optional.empty(), castFor("amount", ""));
    }

    /**
     * An empty field is null in a string column, and casts to null; a field of spaces stays as read, which no CAST reads: the
     * cast makes it null, as a typed column does.
     */
    @Test
    void fieldsOfSpacesAreCastToNull() {
        assertEquals(Optional.of("CAST(replace(replace(amount, '.', ''), ',', '.') AS double)"), castFor("amount", "12,5", "", "3,25"));
        assertEquals(Optional.of("CAST(replace(replace(nullif(trim(amount), ''), '.', ''), ',', '.') AS double)"), castFor("amount", "12,5", "", "3,25", "  "));
    }

    /** A declared marker is null in a string column already, so the cast need not name it. */
    @Test
    void declaredMarkersArePassedOver() {
        assertEquals(Optional.of("CAST(replace(replace(amount, '.', ''), ',', '.') AS double)"), castFor("amount", NullMarkers.declaring(List.of("N/A")), "12,5", "N/A"));
    }

    static Stream<Arguments> hintedAmongPlaceholders() {
        return Stream.of(
                // A stray placeholder in a column of a form: the cast makes each one seen NULL, by its spelling as written.
                Arguments.of(new String[] {"1.234,56", "N/A", "12,5", "-"}, "CAST(replace(replace(nullif(nullif(amount, 'N/A'), '-'), '.', ''), ',', '.') AS double)"),
                Arguments.of(new String[] {"31/01/2026", "#N/A", "01/02/2026"},
                        "CAST(substr(nullif(amount, '#N/A'), 7, 4) || '-' || substr(nullif(amount, '#N/A'), 4, 2) || '-' || substr(nullif(amount, '#N/A'), 1, 2) AS date)"),
                Arguments.of(new String[] {"Y", "?", "N"}, "CASE upper(trim(nullif(amount, '?'))) WHEN 'Y' THEN true WHEN 'N' THEN false END"),
                // NULL undeclared is kept as text in a string column: a placeholder like the others.
                Arguments.of(new String[] {"12,5", "NULL", "3,25", "null"}, "CAST(replace(replace(nullif(nullif(amount, 'NULL'), 'null'), '.', ''), ',', '.') AS double)"),
                Arguments.of(new String[] {"12%", "n/a"}, "CAST(replace(nullif(amount, 'n/a'), '%', '') AS double) / 100"),
                // A column a type reads but for its placeholders: inference left it string for them alone.
                Arguments.of(new String[] {"12", "n/a", "-7"}, "CAST(nullif(amount, 'n/a') AS bigint)"),
                Arguments.of(new String[] {"12.5", "?", "3"}, "CAST(nullif(amount, '?') AS double)"),
                Arguments.of(new String[] {"2026-01-31", "-", "2026-02-01"}, "CAST(nullif(amount, '-') AS date)"),
                // A field of spaces and a placeholder: both NULL.
                Arguments.of(new String[] {"12,5", "N/A", "  "}, "CAST(replace(replace(nullif(nullif(trim(amount), ''), 'N/A'), '.', ''), ',', '.') AS double)"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("hintedAmongPlaceholders")
    void aColumnOfOneFormButForPlaceholdersIsHintedWithThePlaceholdersCastToNull(String[] values, String cast) {
        assertEquals(ColumnType.STRING, TypeInference.infer(Arrays.stream(values).map(value -> new String[] {value}).toList(), 1).get(0));
        assertEquals(Optional.of(cast), castFor("amount", values), () -> Arrays.toString(values));
    }

    static Stream<Arguments> moneyLike() {
        return Stream.of(
                // A currency: a decimal of the most decimals seen, its precision at least 18 so a later file's larger amounts still fit.
                Arguments.of(new String[] {"$12.50", "$3", "-$1.25"}, "CAST(replace(amount, '$', '') AS decimal(18,2))"),
                Arguments.of(new String[] {"12.50 EUR", "3.00 EUR"}, "CAST(trim(replace(amount, 'EUR', '')) AS decimal(18,2))"),
                Arguments.of(new String[] {"3,50 €", "1.234,00 €", "12 €"}, "CAST(replace(replace(trim(replace(amount, '€', '')), '.', ''), ',', '.') AS decimal(18,2))"),
                Arguments.of(new String[] {"¥1,200,000", "¥35"}, "CAST(replace(replace(amount, '¥', ''), ',', '') AS decimal(18,0))"),
                // Every fraction of two decimals, as cents are written.
                Arguments.of(new String[] {"(12.50)", "3.25", "0"}, "CAST(replace(replace(amount, '(', '-'), ')', '') AS decimal(18,2))"),
                Arguments.of(new String[] {"1.234,56", "12,50"}, "CAST(replace(replace(amount, '.', ''), ',', '.') AS decimal(18,2))"),
                // More digits than 18 hold: the precision the values need.
                Arguments.of(new String[] {"$12,345,678,901,234,567.50", "$1.00"}, "CAST(replace(replace(amount, '$', ''), ',', '') AS decimal(19,2))"),
                // Fractions of other lengths are no cents: a double, as before.
                Arguments.of(new String[] {"1.234,56", "12,5"}, "CAST(replace(replace(amount, '.', ''), ',', '.') AS double)"),
                Arguments.of(new String[] {"1,234.567", "2.50"}, "CAST(replace(amount, ',', '') AS double)"));
    }

    /** Amounts of money are cast to a decimal, which keeps every cent, where a double rounds them. */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("moneyLike")
    void moneyIsCastToADecimalOfTheScaleSeen(String[] values, String cast) {
        assertEquals(Optional.of(cast), castFor("amount", values), () -> Arrays.toString(values));
    }

    @Test
    void theHintSaysWhyADecimal() {
        List<String[]> rows = List.of(new String[] {"$12.50"}, new String[] {"$3.10"});

        List<StringColumnHint> hints = TypeInference.stringColumnHints("sales", rows, List.of("price"), TypeInference.infer(rows, 1), NullMarkers.defaults());

        assertEquals(1, hints.size(), hints::toString);
        assertEquals("its values look like amounts in one currency, $ beside the number (\"$12.50\"), which a double does not read (it takes the number"
                + " alone): the column stays string, each value kept as written; to have exact amounts (a decimal of the most decimals seen, 2:"
                + " a double would round cents, 0.1 + 0.2 giving 0.30000000000000004), cast it in a gold model: CAST(replace(price, '$', '') AS decimal(18,2))",
                hints.get(0).describe());
    }

    /** Dates whose values tell month from day say which first; where none does, the hint says it read them month first, and how to swap. */
    @Test
    void dateHintsSayWhenTheValuesDoNotTellDayFromMonth() {
        List<String[]> told = List.of(new String[] {"1/2/2025"}, new String[] {"12/31/2025"});
        List<StringColumnHint> monthFirst = TypeInference.stringColumnHints("sales", told, List.of("due"), TypeInference.infer(told, 1), NullMarkers.defaults());
        assertEquals(1, monthFirst.size(), monthFirst::toString);
        assertEquals("its values look like dates written month first, m/d/yyyy (\"1/2/2025\"), which a date does not read (it reads yyyy-MM-dd): the column"
                + " stays string, each value kept as written; to have dates, cast it in a gold model: CAST(split_part(due, '/', 3) || '-' ||"
                + " lpad(split_part(due, '/', 1), 2, '0') || '-' || lpad(split_part(due, '/', 2), 2, '0') AS date)", monthFirst.get(0).describe());

        List<String[]> untold = List.of(new String[] {"1/2/2025"}, new String[] {"3/4/2025"});
        List<StringColumnHint> either = TypeInference.stringColumnHints("sales", untold, List.of("due"), TypeInference.infer(untold, 1), NullMarkers.defaults());
        assertEquals(1, either.size(), either::toString);
        assertEquals("its values look like dates written m/d/yyyy or d/m/yyyy, no day after the 12th telling which (\"1/2/2025\"), which a date does not"
                + " read (it reads yyyy-MM-dd): the column stays string, each value kept as written; to have dates (read month first here; for day first"
                + " swap the cast's parts 1 and 2), cast it in a gold model: CAST(split_part(due, '/', 3) || '-' || lpad(split_part(due, '/', 1), 2, '0')"
                + " || '-' || lpad(split_part(due, '/', 2), 2, '0') AS date)", either.get(0).describe());

        // Dates with points are written day first (German, Nordic and other European locales; no US export writes them): read so.
        List<String[]> dotted = List.of(new String[] {"01.02.2026"}, new String[] {"03.04.2026"});
        List<StringColumnHint> dayFirst = TypeInference.stringColumnHints("sales", dotted, List.of("due"), TypeInference.infer(dotted, 1), NullMarkers.defaults());
        assertEquals(1, dayFirst.size(), dayFirst::toString);
        assertEquals("its values look like dates written mm.dd.yyyy or dd.mm.yyyy, no day after the 12th telling which (\"01.02.2026\"), which a date"
                + " does not read (it reads yyyy-MM-dd): the column stays string, each value kept as written; to have dates (read day first here, as"
                + " dates with points are written; for month first swap the cast's substr positions 1 and 4), cast it in a gold model:"
                + " CAST(substr(due, 7, 4) || '-' || substr(due, 4, 2) || '-' || substr(due, 1, 2) AS date)", dayFirst.get(0).describe());
    }

    /** The hint of a single column named {@code name} of dataset {@code sales} holding {@code values}, one per row, as said. */
    private static Optional<String> hintFor(String name, NullMarkers markers, String... values) {
        List<String[]> rows = Arrays.stream(values).map(value -> new String[] {value}).toList();
        List<StringColumnHint> hints = TypeInference.stringColumnHints("sales", rows, List.of(name), TypeInference.infer(rows, 1, markers), markers);
        assertTrue(hints.size() <= 1, hints::toString);
        return hints.stream().findFirst().map(StringColumnHint::describe);
    }

    /**
     * A text column holding SQL Server's default null marker keeps it as text: the hint says to declare it, naming the dataset, or
     * to make it NULL in a gold model; a declared one, or one read quoted, is no word.
     */
    @Test
    void aTextColumnHoldingADefaultNullMarkerSaysToDeclareIt() {
        assertEquals(Optional.of("its values hold \"NULL\" for a missing value, as SQL Server's SSMS writes one, which a string column keeps as text:"
                + " declare it null, CSV_NULL_VALUES=sales:NULL, or in a gold model: nullif(name, 'NULL')"),
                hintFor("name", NullMarkers.defaults(), "Ann", "NULL", "Bob"));
        // Each marker's tool by the marker: \\N is MySQL's and PostgreSQL's, not SQL Server's.
        assertEquals(Optional.of("its values hold \"NULL\", \"\\N\" for a missing value, as SQL Server's SSMS writes \"NULL\" and MySQL's INTO OUTFILE"
                + " and PostgreSQL's COPY write \"\\N\", which a string column keeps as text: declare it null, CSV_NULL_VALUES=sales:NULL,sales:\\N, or in"
                + " a gold model: nullif(nullif(\"order\", 'NULL'), '\\N')"), hintFor("order", NullMarkers.defaults(), "NULL", "Ann", "\\N"));
        assertEquals(Optional.of("its values hold \"\\N\", \"null\" for a missing value, as MySQL's INTO OUTFILE and PostgreSQL's COPY write \"\\N\","
                + " which a string column keeps as text: declare it null, CSV_NULL_VALUES=sales:\\N,sales:null, or in a gold model:"
                + " nullif(nullif(name, '\\N'), 'null')"), hintFor("name", NullMarkers.defaults(), "\\N", "Ann", "null"));
        assertEquals(Optional.of("its values hold \"\\N\" for a missing value, as MySQL's INTO OUTFILE and PostgreSQL's COPY write one, which a string"
                + " column keeps as text: declare it null, CSV_NULL_VALUES=sales:\\N, or in a gold model: nullif(name, '\\N')"),
                hintFor("name", NullMarkers.defaults(), "Ann", "\\N"));
        assertEquals(Optional.empty(), hintFor("name", NullMarkers.declaring(List.of("NULL")), "Ann", "NULL", "Bob"));
        NullMarkers quoting = NullMarkers.declaring(List.of("NULL")).keepingQuotedEmptyStrings();
        assertEquals(Optional.empty(), hintFor("name", quoting, "Ann", quoting.quotedFormOf("NULL"), "Bob"));
        // Padded, the marker is no marker: text, as a lookalike is.
        assertEquals(Optional.empty(), hintFor("name", NullMarkers.defaults(), "Ann", " NULL", "N/A"));
    }

    /** A char(n) column's values, padded with spaces to one length, are kept so: the hint says to trim them in a gold model. */
    @Test
    void aTextColumnPaddedWithSpacesSaysToTrimIt() {
        assertEquals(Optional.of("its values are padded with spaces to 6 characters, as a char(6) column is exported (\"Ann   \"): the column keeps the"
                + " spaces; trim them in a gold model: rtrim(name)"), hintFor("name", NullMarkers.defaults(), "Ann   ", "Bobby ", "Claire"));
        assertEquals(Optional.of("its values are padded with spaces to 6 characters, as a char(6) column is exported (\"Ann   \"), and hold \"NULL\" for a"
                + " missing value, as SQL Server's SSMS writes one, which a string column keeps as text: declare it null,"
                + " CSV_NULL_VALUES=sales:NULL, or in a gold model: nullif(rtrim(name), 'NULL')"),
                hintFor("name", NullMarkers.defaults(), "Ann   ", "NULL", "Bobby "));
        // Lengths that differ, one value alone, or no space at the end: no char(n).
        assertEquals(Optional.empty(), hintFor("name", NullMarkers.defaults(), "Ann ", "Bobby "));
        // Short codes of one length, one with a stray space at its end: a space, not a char(n)'s padding, which pads most values.
        assertEquals(Optional.empty(), hintFor("code", NullMarkers.defaults(), "ab", "c "));
        assertEquals(Optional.empty(), hintFor("code", NullMarkers.defaults(), "ab", "cd", "ef", "g "));
        assertEquals(Optional.of("its values are padded with spaces to 2 characters, as a char(2) column is exported (\"e \"): the column keeps the"
                + " spaces; trim them in a gold model: rtrim(code)"), hintFor("code", NullMarkers.defaults(), "ab", "cd", "e ", "f "));
        assertEquals(Optional.empty(), hintFor("name", NullMarkers.defaults(), "Ann   "));
        assertEquals(Optional.empty(), hintFor("name", NullMarkers.defaults(), "Ann", "Bob"));
    }

    /**
     * A char(n) column exported padded pads its marker too ({@code NULL  }): a string column keeps it as text, and declaring
     * the marker does not make it null there (a string column's marker is the whole field, and a declared one is taken
     * without the spaces around it), so the hint says so and gives the cast that trims it before comparing.
     */
    @Test
    void aPaddedMarkerInAPaddedColumnIsSaidToStayTextDeclaredOrNot() {
        String hint = "its values are padded with spaces to 6 characters, as a char(6) column is exported (\"Ann   \"), and hold \"NULL\" for a"
                + " missing value, as SQL Server's SSMS writes one, padded as they are, which a string column keeps as text declared or not: a"
                + " declared marker is null there as the whole field, and CSV_NULL_VALUES takes one without the spaces around it; make it null in"
                + " a gold model: nullif(rtrim(name), 'NULL')";
        assertEquals(Optional.of(hint), hintFor("name", NullMarkers.defaults(), "Ann   ", "NULL  ", "Bobby "));
        assertEquals(Optional.of(hint), hintFor("name", NullMarkers.declaring(List.of("NULL")), "Ann   ", "NULL  ", "Bobby ", "NULL"));
        assertEquals(Optional.of(hint), hintFor("name", NullMarkers.defaults(), "Ann   ", "NULL", "NULL  ", "Bobby "));
        // A declared marker padded stays text too.
        assertEquals(Optional.of("its values are padded with spaces to 6 characters, as a char(6) column is exported (\"Ann   \"), and hold \"N/A\" for a"
                + " missing value, padded as they are, which a string column keeps as text declared or not: a declared marker is null there as the"
                + " whole field, and CSV_NULL_VALUES takes one without the spaces around it; make it null in a gold model: nullif(rtrim(name), 'N/A')"),
                hintFor("name", NullMarkers.declaring(List.of("N/A")), "Ann   ", "N/A   ", "Bobby "));
        // Not padded as the others are, it is a stray space: no marker.
        assertEquals(Optional.empty(), hintFor("name", NullMarkers.defaults(), "Ann", "NULL  ", "Bobby"));
    }

    /**
     * The padded value a hint shows is shown as a quarantine reason shows a value: its first 60 characters and its length, a
     * character that would break the line escaped. A char(4000) column said whole would fill the new dataset's line; a line break
     * in a quoted field would split it.
     */
    @Test
    void aPaddedValueIsShownCutAndEscapedAsAReasonShowsOne() {
        assertEquals(Optional.of("its values are padded with spaces to 300 characters, as a char(300) column is exported (\"Ann" + " ".repeat(57)
                + "... (300 characters)\"): the column keeps the spaces; trim them in a gold model: rtrim(name)"),
                hintFor("name", NullMarkers.defaults(), "Ann" + " ".repeat(297), "Bob" + " ".repeat(297)));
        assertEquals(Optional.of("its values are padded with spaces to 6 characters, as a char(6) column is exported (\"a\\u000ab   \"): the column"
                + " keeps the spaces; trim them in a gold model: rtrim(note)"), hintFor("note", NullMarkers.defaults(), "a\nb   ", "abcdef", "ab    "));
    }

    /** The hint names the placeholders it saw, and says the cast makes them NULL. */
    @Test
    void theHintNamesThePlaceholdersSeen() {
        List<String[]> rows = List.of(new String[] {"1.234,56"}, new String[] {"N/A"}, new String[] {"12,5"}, new String[] {"-"}, new String[] {"N/A"});

        List<StringColumnHint> hints = TypeInference.stringColumnHints("sales", rows, List.of("amount"), TypeInference.infer(rows, 1), NullMarkers.defaults());

        assertEquals(1, hints.size(), hints::toString);
        assertEquals(List.of("N/A", "-"), hints.get(0).placeholders());
        assertEquals("its values look like numbers with a decimal comma (\"1.234,56\"), which a double does not read (its decimal mark is '.'), and"
                + " placeholders for a missing value (\"N/A\", \"-\"), which the cast makes NULL: the column stays string, each value kept as written;"
                + " to have numbers, cast it in a gold model: CAST(replace(replace(nullif(nullif(amount, 'N/A'), '-'), '.', ''), ',', '.') AS double)",
                hints.get(0).describe());
    }

    /** A column a type would read but for its placeholders says the type, and that declaring them would have given it. */
    @Test
    void aTypedColumnButForPlaceholdersSaysDeclaringThemWouldHaveTypedIt() {
        List<String[]> rows = List.of(new String[] {"12"}, new String[] {"N/A"});

        List<StringColumnHint> hints = TypeInference.stringColumnHints("sales", rows, List.of("qty"), TypeInference.infer(rows, 1), NullMarkers.defaults());

        assertEquals(1, hints.size(), hints::toString);
        assertEquals("its values look like whole numbers (\"12\"), which a bigint reads (had the dataset declared the placeholders as its null markers,"
                + " CSV_NULL_VALUES, before its first file, the column would be bigint), and placeholders for a missing value (\"N/A\"), which the cast"
                + " makes NULL: the column stays string, each value kept as written; to have numbers, cast it in a gold model: CAST(nullif(qty, 'N/A')"
                + " AS bigint)", hints.get(0).describe());
    }

    /**
     * A declared marker read quoted ({@code CSV_QUOTED_EMPTY_STRINGS}) beside numbers is text, as PostgreSQL's COPY quotes a value
     * matching its NULL string: the hint says so, not that declaring it would have typed the column, since the dataset declares it.
     */
    @Test
    void aQuotedDeclaredMarkerAmongNumbersSaysItWasTextNotThatDeclaringItWouldHaveTypedTheColumn() {
        NullMarkers markers = NullMarkers.declaring(List.of("NULL")).keepingQuotedEmptyStrings();
        List<String[]> rows = List.of(new String[] {markers.quotedFormOf("NULL")}, new String[] {"12"}, new String[] {"NULL"});

        List<ColumnType> types = TypeInference.infer(rows, 1, markers);
        List<StringColumnHint> hints = TypeInference.stringColumnHints("sales", rows, List.of("credit"), types, markers);

        assertEquals(List.of(ColumnType.STRING), types, "a quoted marker is a value at inference");
        assertEquals(1, hints.size(), hints::toString);
        assertEquals(QUOTED_NULL_AMONG_WHOLE_NUMBERS, hints.get(0).describe());

        // Beside a placeholder not declared, declaring that one would still leave the quoted marker text: the quotes are what the hint says.
        List<String[]> withUndeclared = List.of(new String[] {markers.quotedFormOf("NULL")}, new String[] {"2026-01-31"}, new String[] {"N/A"});
        List<StringColumnHint> mixed = TypeInference.stringColumnHints("sales", withUndeclared, List.of("due"), TypeInference.infer(withUndeclared, 1, markers), markers);
        assertEquals(1, mixed.size(), mixed::toString);
        assertEquals("a date reads (its \"NULL\" was read quoted: text, not the null marker the dataset declares, as PostgreSQL's COPY writes a NULL"
                + " unquoted and quotes a value matching its NULL string (its COPY FROM reads a quoted one as null only in a column named by FORCE_NULL);"
                + " unquoted, it would have been null and the column date)", mixed.get(0).whyNotRead());
        assertEquals(List.of("NULL", "N/A"), mixed.get(0).placeholders());
    }

    /** The hint of a column of whole numbers and a quoted {@code "NULL"}, in a dataset keeping quoted empty strings and declaring {@code NULL}. */
    static final String QUOTED_NULL_AMONG_WHOLE_NUMBERS = "its values look like whole numbers (\"12\"), which a bigint reads (its \"NULL\" was read"
            + " quoted: text, not the null marker the dataset declares, as PostgreSQL's COPY writes a NULL unquoted and quotes a value matching its"
            + " NULL string (its COPY FROM reads a quoted one as null only in a column named by FORCE_NULL); unquoted, it would have been null and the"
            + " column bigint), and placeholders for a missing value"
            + " (\"NULL\"), which the cast makes NULL: the column stays string, each value kept as written; to have numbers, cast it in a gold model:"
            + " CAST(nullif(credit, 'NULL') AS bigint)";

    /** A column named as an SQL keyword, or as no bare identifier, is quoted in the cast. */
    @Test
    void aColumnNamedAsAKeywordIsQuoted() {
        assertEquals(Optional.of("CAST(replace(\"order\", '%', '') AS double) / 100"), castFor("order", "12%"));
        assertEquals(Optional.of("CAST(replace(\"2026_total\", '%', '') AS double) / 100"), castFor("2026_total", "12%"));
    }

    @Test
    void theHintSaysWhatTheValuesLookLikeWhyTheyStayTextAndTheCast() {
        List<String[]> rows = List.of(new String[] {"7", "1.234,56", "Ann"}, new String[] {"8", "12,5", "Bob"});
        List<String> names = List.of("id", "amount", "name");
        List<ColumnType> types = TypeInference.infer(rows, 3);

        List<StringColumnHint> hints = TypeInference.stringColumnHints("sales", rows, names, types, NullMarkers.defaults());

        assertEquals(1, hints.size(), hints::toString);
        assertEquals("amount", hints.get(0).column());
        assertEquals("its values look like numbers with a decimal comma (\"1.234,56\"), which a double does not read (its decimal mark is '.'):"
                + " the column stays string, each value kept as written; to have numbers, cast it in a gold model:"
                + " CAST(replace(replace(amount, '.', ''), ',', '.') AS double)", hints.get(0).describe());
    }

    /** The contract as the summaries show it: each hinted column followed by its hint. */
    @Test
    void theContractsColumnsAreDescribedWithTheirHints() {
        SchemaContract contract = new SchemaContract("orders", List.of(new Column("id", ColumnType.BIGINT, "id"), new Column("paid", ColumnType.STRING, "paid")),
                "s3://bronze/orders/a.csv", "2026-01-01T00:00:00Z");
        List<String[]> rows = List.<String[]>of(new String[] {"1", "Y"}, new String[] {"2", "N"});

        String described = StringColumnHint.describeColumns(contract, TypeInference.stringColumnHints("sales", rows, List.of("id", "paid"), TypeInference.infer(rows, 2),
                NullMarkers.defaults()));

        assertEquals("id bigint, paid string (its values look like booleans written Y and N (\"Y\"), which a boolean does not read (it reads true and false):"
                + " the column stays string, each value kept as written; to have booleans, cast it in a gold model:"
                + " CASE upper(trim(paid)) WHEN 'Y' THEN true WHEN 'N' THEN false END)", described);
        assertEquals(contract.describeColumns(), StringColumnHint.describeColumns(contract, List.of()));
    }
}
