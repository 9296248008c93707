package dev.medallion.silver.schema;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Recognises, in the values of one column inferred {@code string}, a typed value written in a form no contract type reads
 * ({@link StringColumnHint}). Few forms, each unambiguous: every non-empty value must fit the form, and at least one must be
 * of it alone; a column two readings fit ({@code 1,234} a thousand and more, or one and a fraction) gets no hint, but for dates
 * day first or month first, where none after the 12th tells which ({@code 01/02/2026} in January or February): read month
 * first, the hint says so. Values are matched as written, spaces included, since the cast reads them so.
 * Placeholders for a missing value an export writes among the values ({@code N/A}, {@code -}, {@code ?}: {@link #isPlaceholder})
 * fit every form: one stray {@code N/A} would otherwise leave a column of amounts without a hint. The cast makes each one seen
 * NULL, by {@code nullif} on its spelling, and so does not pass over a text it was not shown ({@code try_cast} would, hiding
 * a later file's real text as NULL). A column a type reads but for its placeholders ({@code 12}, {@code N/A}) gets a hint too:
 * inference left it string for them alone.
 * It runs once per new dataset, over the rows its contract is inferred from, and each form stops at its first value that
 * does not fit, so a column of real text costs a look at its first value or two.
 */
final class StringForms {
    /** A whole number, or one with a fraction after a point, without thousands separators. */
    private static final String PLAIN = "[0-9]+(\\.[0-9]+)?";
    /** A number whose thousands are set apart by commas, perhaps with a fraction after a point: {@code 1,234,567.5}. */
    private static final String COMMA_GROUPED_NUMBER = "[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?";

    private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?([0-9]{1,3}(\\.[0-9]{3})+|[0-9]+)(,[0-9]+)?");
    /** One comma after one to three digits and before three: a thousands separator or a decimal comma, nothing tells which. */
    private static final Pattern COMMA_EITHER_WAY = Pattern.compile("[+-]?[0-9]{1,3},[0-9]{3}");
    private static final Pattern COMMA_GROUPED = Pattern.compile("[+-]?(" + COMMA_GROUPED_NUMBER + "|" + PLAIN + ")");
    /**
     * The spaces exports set thousands apart with, and a currency apart from its number: a space, a no-break space (U+00A0, as
     * French exports write {@code 1 234,56 €}) and a narrow no-break one (U+202F, as Swiss and newer French ones do).
     */
    private static final String SPACES = " \u00A0\u202F";
    private static final Pattern SPACE_GROUPED = Pattern.compile("[+-]?([0-9]{1,3}([" + SPACES + "][0-9]{3})+|[0-9]+)([.,][0-9]+)?");
    /**
     * A number with what an amount is written with around it: parentheses for a negative, a currency's sign or its ISO 4217
     * code before it or after it, set apart by a space or not (a sign before it too: Dutch and Irish exports write {@code € 1.234,56}), or a minus
     * after a bare number, as SAP writes a negative ({@code 1.234,56-}). The number is then read by the forms of numbers.
     */
    private static final Pattern AMOUNT = Pattern.compile("(?<open>\\(?)(?<sign>[+-]?)(?:(?<before>[$€£¥][ \\u00A0]?|[A-Z]{3}[ \\u00A0])(?<signAfter>[+-]?))?"
            + "(?<number>[0-9]([0-9.," + SPACES + "]*[0-9])?)(?<after>[" + SPACES + "]?[$€£¥]|[ \\u00A0][A-Z]{3})?(?<close>\\)?)(?<trailingMinus>-?)");
    /**
     * The codes read as currencies: those most traded, so that a code of three letters before a number ({@code SKU 123}) is
     * not taken for one.
     */
    private static final Set<String> CURRENCY_CODES = Set.of("USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "CNY", "HKD", "SGD", "SEK",
            "NOK", "DKK", "PLN", "CZK", "HUF", "INR", "BRL", "MXN", "ZAR", "TRY", "KRW");
    private static final Pattern PERCENT = Pattern.compile("[+-]?" + PLAIN + " ?%");
    /**
     * Day and month, either first, of one or two digits each, and a four-digit year: two digits each, a cast by position reads them;
     * one digit in some value, as Google Sheets and US Excel write {@code 1/2/2025}, a cast by the separator, each part padded.
     */
    private static final Pattern OTHER_ORDER_DATE = Pattern.compile("([0-9]{1,2})([/.-])([0-9]{1,2})\\2([0-9]{4})");
    /** A number a bigint or a double reads as CAST does: no leading zero (a code's), no more digits than a bigint holds. */
    private static final Pattern PLAIN_READ = Pattern.compile("[+-]?(0|[1-9][0-9]{0,17})(\\.[0-9]+)?");
    private static final Pattern ISO_DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    /**
     * SQL keywords a column may be named as, which a cast must quote: Trino's reserved words
     * (trino.io/docs/current/language/reserved.html) that a header might be named.
     */
    private static final Set<String> RESERVED = Set.of("alter", "and", "as", "between", "by", "case", "cast", "constraint", "create", "cross", "cube",
            "current_date", "current_time", "current_timestamp", "current_user", "deallocate", "delete", "describe", "distinct", "drop", "else",
            "end", "escape", "except", "execute", "exists", "extract", "false", "for", "from", "full", "group", "grouping", "having", "in",
            "inner", "insert", "intersect", "into", "is", "join", "left", "like", "listagg", "localtime", "localtimestamp", "natural",
            "normalize", "not", "null", "on", "or", "order", "outer", "prepare", "recursive", "right", "rollup", "select", "skip", "table",
            "then", "trim", "true", "uescape", "union", "unnest", "using", "values", "when", "where", "with");
    private static final Pattern BARE_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    private StringForms() {}

    /** The hint for the column at {@code index}, named {@code name}, when its values are all of one form. */
    static Optional<StringColumnHint> hint(List<String[]> rows, int index, String name, NullMarkers markers) {
        requireNonNull(rows, "rows is null");
        requireNonNull(name, "name is null");
        requireNonNull(markers, "markers is null");
        Column column = new Column();
        for (String[] row : rows) {
            if (index >= row.length) {
                continue;
            }
            String value = row[index];
            // An empty field is null in a string column, and a declared marker; a field of spaces is kept, which the cast makes null.
            if (Values.isBlank(value)) {
                column.spaces = column.spaces || !value.isEmpty();
                continue;
            }
            if (markers.isDeclared(value, ColumnType.STRING)) {
                continue;
            }
            if (isPlaceholder(value)) {
                column.placeholders.add(value);
                if (markers.isQuotedMarker(value)) {
                    column.quotedMarkers.add(value);
                }
                continue;
            }
            if (!column.fit(value)) {
                return Optional.empty();
            }
        }
        return column.hint(name);
    }

    /**
     * The hint for a string column of text no form fits whose values hold what its export wrote besides the text: a default null
     * marker ({@code NULL}, as SQL Server's SSMS writes a missing value; {@code null}, {@code \N}), which a string column keeps as
     * text unless the dataset declares it, and spaces padding every value to one length, as a {@code char(n)} column is exported.
     * Over the same rows as the forms (those the contract is inferred from), once per new dataset; the padding is looked for until
     * two values differ in length, and is told only when two values at least are padded. A declared marker is null already; one read
     * quoted is text its source quoted, and no marker. A padded column's marker padded as its values are ({@code NULL  }, as an export
     * padding every field to its width writes one) is a marker too, but one no declaration makes null: a string column's declared
     * marker is the whole field, and {@code CSV_NULL_VALUES} takes a marker without the spaces around it; the hint says so, and gives
     * the cast alone.
     */
    static Optional<StringColumnHint> textHint(String dataset, List<String[]> rows, int index, String name, NullMarkers markers) {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(rows, "rows is null");
        requireNonNull(name, "name is null");
        requireNonNull(markers, "markers is null");
        Set<String> defaults = new LinkedHashSet<>();
        Set<String> paddedMarkers = new LinkedHashSet<>();
        int length = -1;
        boolean padded = true;
        int paddedValues = 0;
        String paddedExample = null;
        for (String[] row : rows) {
            if (index >= row.length || Values.isBlank(row[index]) || markers.isDeclared(row[index], ColumnType.STRING)) {
                continue;
            }
            String value = row[index];
            if (NullMarkers.DEFAULTS.contains(value) && !markers.isQuotedMarker(value)) {
                defaults.add(value);
                continue;
            }
            if (padded) {
                padded = length < 0 || value.length() == length;
                length = value.length();
                if (value.endsWith(" ")) {
                    paddedValues++;
                    String unpadded = withoutTrailingSpaces(value);
                    if (NullMarkers.DEFAULTS.contains(unpadded) || markers.isDeclared(unpadded, ColumnType.STRING)) {
                        paddedMarkers.add(unpadded);
                    }
                    else {
                        paddedExample = paddedExample == null ? value : paddedExample;
                    }
                }
            }
        }
        // All of one length, two ending in a space at least: a char(n)'s padding, which pads every value shorter than n. One value
        // ending in a space among codes of one length ("ab", "c ") is a stray space, which a char(2)'s hint would misname.
        padded = padded && paddedValues >= 2 && paddedExample != null;
        if (defaults.isEmpty() && !padded) {
            return Optional.empty();
        }
        if (padded && !paddedMarkers.isEmpty()) {
            return Optional.of(paddedMarkerHint(name, length, paddedExample, defaults, paddedMarkers));
        }
        String x = identifier(name);
        String cast = padded ? "rtrim(" + x + ")" : x;
        for (String marker : defaults) {
            cast = "nullif(" + cast + ", " + literal(marker) + ")";
        }
        // Shown as a reason shows a value: a char(4000) column's whole value would fill the line, a line break in it split it.
        String paddedText = padded ? "its values are padded with spaces to " + length + " characters, as a char(" + length + ") column is exported (\""
                + ShownValue.of(paddedExample) + "\")" : "";
        String quotedMarkers = defaults.stream().map(marker -> "\"" + marker + "\"").collect(Collectors.joining(", "));
        String declaration = defaults.stream().map(marker -> dataset + ":" + marker).collect(Collectors.joining(","));
        String markerText = "hold " + quotedMarkers + " for a missing value" + writtenBy(defaults) + ", which a string column keeps as text:"
                + " declare it null, CSV_NULL_VALUES=" + declaration;
        String text = defaults.isEmpty() ? paddedText + ": the column keeps the spaces; trim them in a gold model: " + cast
                : (padded ? paddedText + ", and " : "its values ") + markerText + ", or in a gold model: " + cast;
        return Optional.of(new StringColumnHint(name, padded ? "text padded with spaces" : "text", padded ? paddedExample : defaults.iterator().next(), "",
                List.copyOf(defaults), "text", cast, text));
    }

    /**
     * The hint of a padded column holding a marker padded as its values are, and perhaps bare ones ({@code defaults}): the padded one
     * stays text whatever is declared, so the cast trims before it compares, and is the one way given.
     */
    private static StringColumnHint paddedMarkerHint(String name, int length, String paddedExample, Set<String> defaults, Set<String> paddedMarkers) {
        Set<String> all = new LinkedHashSet<>(paddedMarkers);
        all.addAll(defaults);
        String cast = "rtrim(" + identifier(name) + ")";
        for (String marker : all) {
            cast = "nullif(" + cast + ", " + literal(marker) + ")";
        }
        String text = "its values are padded with spaces to " + length + " characters, as a char(" + length + ") column is exported (\""
                + ShownValue.of(paddedExample) + "\"), and hold " + all.stream().map(marker -> "\"" + marker + "\"").collect(Collectors.joining(", "))
                + " for a missing value" + writtenBy(all) + ", padded as they are, which a string column keeps as text declared or not: a declared"
                + " marker is null there as the whole field, and CSV_NULL_VALUES takes one without the spaces around it; make it null in a gold"
                + " model: " + cast;
        return new StringColumnHint(name, "text padded with spaces", paddedExample, "", List.copyOf(all), "text", cast, text);
    }

    /** The value without the spaces after it, as rtrim takes a char(n)'s padding off. */
    private static String withoutTrailingSpaces(String value) {
        int end = value.length();
        while (end > 0 && value.charAt(end - 1) == ' ') {
            end--;
        }
        return value.substring(0, end);
    }

    /**
     * Which exports write {@code markers}, each named by its own marker: {@code \N} is MySQL's and PostgreSQL's, never SQL Server's, so
     * a column holding both is not credited to one tool. {@code , as SQL Server's SSMS writes one} for one marker, {@code , as SQL Server's
     * SSMS writes "NULL" and MySQL's INTO OUTFILE and PostgreSQL's COPY write "\N"} for several; empty when no marker is one a known
     * export writes ({@code null}).
     */
    private static String writtenBy(Set<String> markers) {
        List<String> exports = markers.stream()
                .flatMap(marker -> exportWriting(marker).map(export -> export + (markers.size() == 1 ? " one" : " \"" + marker + "\"")).stream())
                .toList();
        return exports.isEmpty() ? "" : ", as " + String.join(" and ", exports);
    }

    /** The exports known to write {@code marker} for a missing value, and the verb: {@code SQL Server's SSMS writes}. */
    private static Optional<String> exportWriting(String marker) {
        return switch (marker) {
            case "NULL" -> Optional.of("SQL Server's SSMS writes");
            case "\\N" -> Optional.of("MySQL's INTO OUTFILE and PostgreSQL's COPY write");
            default -> Optional.empty();
        };
    }

    /**
     * Whether a field, as written, is a placeholder for a missing value that a string column keeps as text: a default marker
     * ({@code NULL}, {@code null}) or a lookalike of one ({@code N/A}, {@code #N/A}, {@code -}, {@code n/a}, {@code ?}), by
     * {@link NullMarkers}' own lists, so that a typed column refusing the same text says to declare it. The whole field, so that
     * {@code N/A yet} or a padded one is not.
     */
    static boolean isPlaceholder(String value) {
        return NullMarkers.DEFAULTS.contains(value) || NullMarkers.lookalike(value, ColumnType.STRING).filter(value::equals).isPresent();
    }

    /**
     * How an amount's number is written, the one form all of a column's numbers fit and some number is of alone: the cast
     * removes or replaces its separators, and the hint names it.
     */
    private enum NumberForm {
        /** {@code 1.234,56}, {@code 12,5}: the comma is the decimal mark, points (if any) set thousands apart. */
        DECIMAL_COMMA,
        /** {@code 1,234.50}, {@code 1,234,567}: commas set thousands apart, the point is the decimal mark. */
        COMMA_GROUPED,
        /** {@code 1 234,5}, {@code 1 234.5}: spaces (no-break ones too) set thousands apart, a comma or a point marks the decimals. */
        SPACE_GROUPED,
        /** Digits and a point alone ({@code 12.50}): only a currency or parentheses beside them may keep a type from reading them. */
        PLAIN
    }

    /** What one column's values have been so far, for each form. */
    private static final class Column {
        /** Whether some field was only spaces and tabs: kept as such in a string column, which no CAST reads. */
        boolean spaces;
        /** The placeholders seen, each spelling once, in the order met: the cast makes each NULL. */
        final Set<String> placeholders = new LinkedHashSet<>();
        /**
         * Of the placeholders, the dataset's declared markers read quoted ({@link NullMarkers#isQuotedMarker}): text its source
         * quoted, which declaring them again would not make null.
         */
        final Set<String> quotedMarkers = new LinkedHashSet<>();
        /** Whether every value is one a bigint or double reads, or a date does: typed but for the placeholders. */
        boolean plainNumber = true;
        boolean isoDate = true;
        boolean decimalComma = true;
        String decimalCommaExample;
        boolean commaGrouped = true;
        String commaGroupedExample;
        boolean spaceGrouped = true;
        String spaceGroupedExample;
        /** Whether every value is a number, perhaps with a currency or in parentheses ({@link #AMOUNT}). */
        boolean amount = true;
        String currencyExample;
        String currencyToken;
        String accountingExample;
        /** A negative with its minus after the number, as SAP writes it ({@code 1.234,56-}): the cast moves the minus before it. */
        String trailingMinusExample;
        /** The spaces seen between a currency and its number, and between thousands: the cast removes each. */
        final Set<Character> currencySpaces = new LinkedHashSet<>();
        final Set<Character> groupSpaces = new LinkedHashSet<>();
        /** Whether a space sets a currency before the number apart from a sign before both ({@code -$ 7.50}): trim would leave it within. */
        boolean spaceAfterSign;
        boolean percent = true;
        boolean percentSpaced;
        boolean dayFirst = true;
        boolean monthFirst = true;
        /** Whether some date has a day or month of one digit ({@code 1/2/2025}): a cast by position would misread it. */
        boolean unpaddedDate;
        char dateSeparator;
        boolean yesNo = true;
        boolean yN = true;
        /** Booleans as PostgreSQL's COPY and Redshift's UNLOAD write them: {@code t} and {@code f}. */
        boolean tF = true;
        /** Booleans as switches are written: {@code on} and {@code off}. */
        boolean onOff = true;
        boolean sawYes;
        boolean sawNo;
        /** Whether some value has a point: a fraction, where the form's thousands are set apart otherwise. */
        boolean fractions;
        boolean commas;
        /** Whether every amount's number is written without commas or spaces: no form of numbers is needed to read it. */
        boolean plainNumbers = true;
        /** The digits of the amounts' numbers, read with a point, a comma, or either, as the decimal mark: a decimal's precision and scale. */
        final Digits byPoint = new Digits(".");
        final Digits byComma = new Digits(",");
        final Digits byEither = new Digits(".,");
        String first;

        /** Takes one more value; false when no form is left. */
        boolean fit(String value) {
            if (first == null) {
                first = value;
            }
            fractions = fractions || value.indexOf('.') >= 0;
            commas = commas || value.indexOf(',') >= 0;
            if (amount) {
                fitAmount(value);
            }
            if (percent && (percent = PERCENT.matcher(value).matches())) {
                percentSpaced = percentSpaced || value.indexOf(' ') >= 0;
            }
            if (dayFirst || monthFirst) {
                fitDate(value);
            }
            if (yN) {
                yN = value.equalsIgnoreCase("y") || value.equalsIgnoreCase("n");
            }
            if (yesNo) {
                yesNo = value.equalsIgnoreCase("yes") || value.equalsIgnoreCase("no");
            }
            if (tF) {
                tF = value.equalsIgnoreCase("t") || value.equalsIgnoreCase("f");
            }
            if (onOff) {
                onOff = value.equalsIgnoreCase("on") || value.equalsIgnoreCase("off");
            }
            sawYes = sawYes || value.equalsIgnoreCase("y") || value.equalsIgnoreCase("yes") || value.equalsIgnoreCase("t") || value.equalsIgnoreCase("on");
            sawNo = sawNo || value.equalsIgnoreCase("n") || value.equalsIgnoreCase("no") || value.equalsIgnoreCase("f") || value.equalsIgnoreCase("off");
            plainNumber = plainNumber && PLAIN_READ.matcher(value).matches();
            isoDate = isoDate && ISO_DATE.matcher(value).matches() && Values.parseDate(value) != Long.MIN_VALUE;
            return plainNumber || isoDate || amount || percent || dayFirst || monthFirst || yN || yesNo || tF || onOff;
        }

        /** Takes the value as an amount: its decorations recorded, its number read by the forms of numbers. */
        private void fitAmount(String value) {
            Matcher matcher = AMOUNT.matcher(value);
            if (!matcher.matches()) {
                amount = false;
                return;
            }
            boolean parentheses = !matcher.group("open").isEmpty();
            String before = matcher.group("before");
            String after = matcher.group("after");
            String sign = matcher.group("sign") + (matcher.group("signAfter") == null ? "" : matcher.group("signAfter"));
            boolean trailingMinus = !matcher.group("trailingMinus").isEmpty();
            // Parentheses are the negative sign: both or neither, and no other sign within; one sign, one currency.
            if (parentheses == matcher.group("close").isEmpty() || parentheses && !sign.isEmpty() || sign.length() > 1 || before != null && after != null) {
                amount = false;
                return;
            }
            if (trailingMinus) {
                // SAP's negatives: a bare number and its minus after it, nothing else around it.
                if (parentheses || !sign.isEmpty() || before != null || after != null) {
                    amount = false;
                    return;
                }
                sign = "-";
                trailingMinusExample = trailingMinusExample == null ? value : trailingMinusExample;
            }
            spaceAfterSign = spaceAfterSign || !matcher.group("sign").isEmpty() && before != null && before.length() > 1;
            if (parentheses && accountingExample == null) {
                accountingExample = value;
            }
            String written = before != null ? before : after;
            if (written != null && !fitCurrency(value, written)) {
                amount = false;
                return;
            }
            amount = fitNumber(value, sign + matcher.group("number"));
        }

        /** Takes a currency written beside a number; false when it is a second one, or no currency. */
        private boolean fitCurrency(String value, String written) {
            String token = written.replaceAll("[" + SPACES + "]", "");
            // One currency: amounts in two would be summed as one by the cast.
            if (token.length() == 3 && !CURRENCY_CODES.contains(token) || currencyToken != null && !currencyToken.equals(token)) {
                return false;
            }
            currencyToken = token;
            written.chars().filter(c -> SPACES.indexOf(c) >= 0).forEach(c -> currencySpaces.add((char) c));
            currencyExample = currencyExample == null ? value : currencyExample;
            return true;
        }

        /** Takes an amount's number, sign included, by each form of numbers; false when none is left. */
        private boolean fitNumber(String value, String number) {
            if (decimalComma && (decimalComma = DECIMAL_COMMA.matcher(number).matches()) && decimalCommaExample == null
                    && number.indexOf(',') >= 0 && !COMMA_EITHER_WAY.matcher(number).matches()) {
                decimalCommaExample = value;
            }
            if (commaGrouped && (commaGrouped = COMMA_GROUPED.matcher(number).matches()) && commaGroupedExample == null
                    && number.indexOf(',') >= 0 && (number.indexOf('.') >= 0 || number.indexOf(',') != number.lastIndexOf(','))) {
                commaGroupedExample = value;
            }
            if (spaceGrouped && (spaceGrouped = SPACE_GROUPED.matcher(number).matches())) {
                number.chars().filter(c -> SPACES.indexOf(c) >= 0).forEach(c -> groupSpaces.add((char) c));
                spaceGroupedExample = spaceGroupedExample == null && !groupSpaces.isEmpty() ? value : spaceGroupedExample;
            }
            plainNumbers = plainNumbers && number.chars().noneMatch(c -> c == ',' || SPACES.indexOf(c) >= 0);
            byPoint.take(number);
            byComma.take(number);
            byEither.take(number);
            return decimalComma || commaGrouped || spaceGrouped;
        }

        private void fitDate(String value) {
            Matcher matcher = OTHER_ORDER_DATE.matcher(value);
            if (!matcher.matches() || dateSeparator != 0 && dateSeparator != matcher.group(2).charAt(0)) {
                dayFirst = false;
                monthFirst = false;
                return;
            }
            dateSeparator = matcher.group(2).charAt(0);
            unpaddedDate = unpaddedDate || matcher.group(1).length() == 1 || matcher.group(3).length() == 1;
            int first = Integer.parseInt(matcher.group(1));
            int second = Integer.parseInt(matcher.group(3));
            int year = Integer.parseInt(matcher.group(4));
            dayFirst = dayFirst && isDay(year, second, first);
            monthFirst = monthFirst && isDay(year, first, second);
        }

        private static boolean isDay(int year, int month, int day) {
            if (month < 1 || month > 12 || day < 1) {
                return false;
            }
            boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            int days = month == 2 ? (leap ? 29 : 28) : month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
            return day <= days;
        }

        /** The one form every value fits and some value is of alone, if there is one. */
        Optional<StringColumnHint> hint(String name) {
            if (first == null) {
                return Optional.empty();
            }
            String x = spaces ? "nullif(trim(" + identifier(name) + "), '')" : identifier(name);
            for (String placeholder : placeholders) {
                x = "nullif(" + x + ", " + literal(placeholder) + ")";
            }
            String numberType = fractions ? "double" : "bigint";
            // Had the dataset declared its placeholders, inference would have typed such a column: worth saying, as the fix at the source.
            // Not of a declared marker read quoted: it is declared, and its quotes made it text, by the rule of the export that writes so.
            String typedButForPlaceholders = quotedMarkers.isEmpty()
                    ? "(had the dataset declared the placeholders as its null markers, CSV_NULL_VALUES, before its first file, the column would be "
                    : "(its " + quotedMarkers.stream().map(marker -> "\"" + marker + "\"").collect(Collectors.joining(", "))
                            + (quotedMarkers.size() == 1 ? " was" : " were") + " read quoted: text, not the null marker the dataset declares, as"
                            + " PostgreSQL's COPY writes a NULL unquoted and quotes a value matching its NULL string (its COPY FROM reads a quoted one"
                            + " as null only in a column named by FORCE_NULL); unquoted, " + (quotedMarkers.size() == 1 ? "it" : "they")
                            + " would have been null and the column ";
            String noSeparator = "a number type does not read (it takes no thousands separator)";
            List<Optional<StringColumnHint>> found = List.of(
                    plainNumber && !placeholders.isEmpty()
                            ? hint(name, fractions ? "numbers" : "whole numbers", first, "a " + numberType + " reads " + typedButForPlaceholders + numberType + ")",
                                    "numbers", "CAST(" + x + " AS " + numberType + ")")
                            : Optional.empty(),
                    isoDate && !placeholders.isEmpty()
                            ? hint(name, "dates", first, "a date reads " + typedButForPlaceholders + "date)", "dates", "CAST(" + x + " AS date)")
                            : Optional.empty(),
                    amount ? amountHint(name, x, numberType, noSeparator) : Optional.empty(),
                    percent
                            ? hint(name, "percentages", first, "a double does not read (it takes the number alone)", "the fractions they stand for (12% as 0.12)",
                                    "CAST(" + (percentSpaced ? "trim(replace(" + x + ", '%', ''))" : "replace(" + x + ", '%', '')") + " AS double) / 100")
                            : Optional.empty(),
                    dayFirst || monthFirst ? dateHint(name, x) : Optional.empty(),
                    (yN || yesNo || tF || onOff) && sawYes && sawNo ? booleanHint(name, x) : Optional.empty());
            List<StringColumnHint> hints = found.stream().flatMap(Optional::stream).toList();
            // Two forms would be two readings of the same values: no hint rather than a guess.
            return hints.size() == 1 ? Optional.of(hints.get(0)) : Optional.empty();
        }

        /** The hint for a column of booleans written in the one pair of forms every value fits, read by the CASE a boolean column's refusal of them gives. */
        private Optional<StringColumnHint> booleanHint(String name, String x) {
            Refusal form = yN ? Refusal.BOOLEAN_Y_N : yesNo ? Refusal.BOOLEAN_YES_NO : tF ? Refusal.BOOLEAN_T_F : Refusal.BOOLEAN_ON_OFF;
            String written = yN ? "Y and N" : yesNo ? "yes and no" : tF ? "t and f" : "on and off";
            return hint(name, "booleans written " + written, first, "a boolean does not read (it reads true and false)", "booleans", form.booleanCase(x));
        }

        /**
         * The hint for a column of amounts: numbers of one form, perhaps with one currency beside them, negatives in
         * parentheses, or negatives with their minus after them. None when the numbers are of two forms, or of none that tells how to read a comma.
         */
        private Optional<StringColumnHint> amountHint(String name, String x, String numberType, String noSeparator) {
            List<NumberForm> forms = new ArrayList<>();
            if (decimalComma && decimalCommaExample != null) {
                forms.add(NumberForm.DECIMAL_COMMA);
            }
            if (commaGrouped && commaGroupedExample != null) {
                forms.add(NumberForm.COMMA_GROUPED);
            }
            if (spaceGrouped && spaceGroupedExample != null) {
                forms.add(NumberForm.SPACE_GROUPED);
            }
            if (forms.size() > 1 || forms.isEmpty() && !plainNumbers) {
                return Optional.empty();
            }
            NumberForm form = forms.isEmpty() ? NumberForm.PLAIN : forms.get(0);
            String readable = x;
            if (trailingMinusExample != null) {
                readable = "CASE WHEN " + x + " LIKE '%-' THEN '-' || substr(" + x + ", 1, length(" + x + ") - 1) ELSE " + x + " END";
            }
            if (currencyToken != null) {
                readable = "replace(" + readable + ", " + literal(currencyToken) + ", '')";
            }
            if (accountingExample != null) {
                readable = "replace(replace(" + readable + ", '(', '-'), ')', '')";
            }
            Set<Character> spacesToRemove = new LinkedHashSet<>(groupSpaces);
            spacesToRemove.addAll(currencySpaces);
            if (groupSpaces.isEmpty() && spacesToRemove.equals(Set.of(' ')) && !spaceAfterSign) {
                // A space only between the currency and the number: trim takes it, as it would one around the number.
                readable = "trim(" + readable + ")";
            }
            else {
                for (char space : SPACES.toCharArray()) {
                    if (spacesToRemove.contains(space)) {
                        readable = "replace(" + readable + ", " + spaceLiteral(space) + ", '')";
                    }
                }
            }
            String castType = numberType;
            switch (form) {
                case DECIMAL_COMMA -> {
                    readable = "replace(replace(" + readable + ", '.', ''), ',', '.')";
                    castType = "double";
                }
                case COMMA_GROUPED -> readable = "replace(" + readable + ", ',', '')";
                case SPACE_GROUPED -> {
                    if (commas) {
                        readable = "replace(" + readable + ", ',', '.')";
                        castType = "double";
                    }
                }
                case PLAIN -> { }
            }
            // Thousands set apart by commas go unsaid beside a currency or parentheses, where they are the usual way to write an amount.
            String ofForm = switch (form) {
                case DECIMAL_COMMA -> " with a decimal comma";
                case SPACE_GROUPED -> " with thousands separated by spaces";
                case COMMA_GROUPED, PLAIN -> "";
            };
            if (currencyToken != null || accountingExample != null) {
                castType = "double";
            }
            Digits digits = switch (form) {
                case DECIMAL_COMMA -> byComma;
                case SPACE_GROUPED -> byEither;
                case COMMA_GROUPED, PLAIN -> byPoint;
            };
            // Money: a double rounds cents (0.1 + 0.2 is 0.30000000000000004 in it), a decimal keeps them; amounts of more digits than a
            // decimal holds (in Athena, Trino and DuckDB alike, and in a contract) are left a double.
            String typed = "numbers";
            if ((currencyToken != null || digits.cents()) && digits.precision() <= ColumnType.MAX_DECIMAL_PRECISION) {
                castType = "decimal(" + digits.precision() + "," + digits.scale + ")";
                typed = "exact amounts (a decimal of the most decimals seen, " + digits.scale + ": a double would round cents, 0.1 + 0.2 giving 0.30000000000000004)";
            }
            String cast = "CAST(" + readable + " AS " + castType + ")";
            if (currencyToken != null) {
                return hint(name, "amounts in one currency, " + currencyToken + " beside the number" + (accountingExample != null ? ", negatives in parentheses" : "")
                        + ofForm, currencyExample, "a double does not read (it takes the number alone)", typed, cast);
            }
            if (accountingExample != null) {
                return hint(name, "numbers with negatives in parentheses, as accounts write them" + ofForm.replace(" with", ","), accountingExample,
                        "a double does not read (it takes a minus sign)", typed, cast);
            }
            if (trailingMinusExample != null) {
                return hint(name, "numbers with the minus sign after them, as SAP writes negatives" + ofForm.replace(" with", ","), trailingMinusExample,
                        "a number type does not read (it takes the sign before the number)", typed, cast);
            }
            return switch (form) {
                case DECIMAL_COMMA -> hint(name, "numbers with a decimal comma", decimalCommaExample, "a double does not read (its decimal mark is '.')", typed, cast);
                case COMMA_GROUPED -> hint(name, "numbers with thousands separated by commas", commaGroupedExample, noSeparator, typed, cast);
                case SPACE_GROUPED -> hint(name, "numbers with thousands separated by spaces", spaceGroupedExample, noSeparator, typed, cast);
                // Plain numbers alone are typed by inference, or hinted as numbers among placeholders: nothing to say about their form.
                case PLAIN -> Optional.empty();
            };
        }

        /**
         * The hint for a column of dates day first or month first. When no value tells which (none has a day after the 12th), the
         * cast reads them month first, as US exports and Google Sheets write them, but day first when they are written with points
         * ({@code 01.02.2026}), as German, Nordic and other European locales write dates and no US export does; the hint says which
         * and how to read them the other way: a guess said is worth more than no word, and the column is kept as written either way.
         */
        private Optional<StringColumnHint> dateHint(String name, String x) {
            boolean readDayFirst = dayFirst && (!monthFirst || dateSeparator == '.');
            String separator = String.valueOf(dateSeparator);
            String cast;
            if (unpaddedDate) {
                // Split at the separator and pad month and day to two digits: CAST(... AS date) reads yyyy-mm-dd, and split_part and
                // lpad are Athena's (Trino's) and DuckDB's alike, where date_parse(x, '%c/%e/%Y') is Athena's alone.
                String parts = literal(separator);
                cast = "CAST(split_part(" + x + ", " + parts + ", 3) || '-' || lpad(split_part(" + x + ", " + parts + ", " + (readDayFirst ? 2 : 1)
                        + "), 2, '0') || '-' || lpad(split_part(" + x + ", " + parts + ", " + (readDayFirst ? 1 : 2) + "), 2, '0') AS date)";
            }
            else {
                cast = "CAST(substr(" + x + ", 7, 4) || '-' || substr(" + x + ", " + (readDayFirst ? 4 : 1) + ", 2) || '-' || substr(" + x + ", "
                        + (readDayFirst ? 1 : 4) + ", 2) AS date)";
            }
            String day = unpaddedDate ? "d" : "dd";
            String month = unpaddedDate ? "m" : "mm";
            if (dayFirst && monthFirst) {
                return hint(name, "dates written " + String.join(separator, month, day, "yyyy") + " or " + String.join(separator, day, month, "yyyy")
                        + ", no day after the 12th telling which", first, "a date does not read (it reads yyyy-MM-dd)",
                        "dates (read " + (readDayFirst ? "day first here, as dates with points are written; for month" : "month first here; for day")
                                + " first swap the cast's " + (unpaddedDate ? "parts 1 and 2" : "substr positions 1 and 4") + ")", cast);
            }
            String pattern = readDayFirst ? String.join(separator, day, month, "yyyy") : String.join(separator, month, day, "yyyy");
            return hint(name, "dates written " + (readDayFirst ? "day" : "month") + " first, " + pattern, first, "a date does not read (it reads yyyy-MM-dd)",
                    "dates", cast);
        }

        private Optional<StringColumnHint> hint(String name, String looksLike, String example, String whyNotRead, String typed, String cast) {
            return Optional.of(new StringColumnHint(name, looksLike, example, whyNotRead, List.copyOf(placeholders), typed, cast));
        }
    }

    /**
     * A space as SQL gives it: a no-break one by its code point, {@code chr(160)}, which Trino and DuckDB both have, since a
     * person copying the cast could not see it, nor tell it from a space.
     */
    private static String spaceLiteral(char space) {
        return space == ' ' ? "' '" : "chr(" + (int) space + ")";
    }

    /**
     * The least precision a money cast is given: amounts seen are a sample, and a later file's larger one must fit too, since a
     * value too large for a decimal fails the query (Trino and DuckDB alike). 18 digits are what a 64-bit decimal holds.
     */
    private static final int MIN_MONEY_PRECISION = 18;

    /** The digits of a column's numbers, read with one decimal mark: the decimal a money cast gives them. */
    private static final class Digits {
        private final String marks;
        int integerDigits;
        int scale;
        /** Whether some number has a fraction, and every fraction has two digits, as cents are written. */
        boolean fraction;
        boolean otherThanCents;

        Digits(String marks) {
            this.marks = requireNonNull(marks, "marks is null");
        }

        void take(String number) {
            int mark = -1;
            for (char c : marks.toCharArray()) {
                mark = Math.max(mark, number.lastIndexOf(c));
            }
            String integer = mark < 0 ? number : number.substring(0, mark);
            integerDigits = Math.max(integerDigits, (int) integer.chars().filter(Character::isDigit).count());
            if (mark >= 0) {
                int decimals = number.length() - mark - 1;
                scale = Math.max(scale, decimals);
                fraction = true;
                otherThanCents = otherThanCents || decimals != 2;
            }
        }

        boolean cents() {
            return fraction && !otherThanCents;
        }

        int precision() {
            return Math.max(MIN_MONEY_PRECISION, integerDigits + scale);
        }
    }

    /** A text as an SQL string literal, its quotes doubled. */
    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** The column's name as SQL reads it: bare where it can be, else quoted. */
    static String identifier(String name) {
        return BARE_IDENTIFIER.matcher(name).matches() && !RESERVED.contains(name) ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
