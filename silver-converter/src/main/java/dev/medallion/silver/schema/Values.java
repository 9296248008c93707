package dev.medallion.silver.schema;

import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict, allocation-free parsers for the text forms each {@link ColumnType} accepts. They run once per
 * value, so they report failure through return values, never exceptions. Spaces and tabs around a value
 * are ignored, and nothing else: pandas too trims only ASCII whitespace around a number, and a control
 * character such as U+001F or a space of another script (U+3000) is more likely a damaged field than
 * padding, so a value holding one is refused, not read as the number beside it.
 * <ul>
 * <li>boolean: {@code true} or {@code false}, any case of those ASCII letters</li>
 * <li>bigint: an optional sign and up to 19 digits, no leading zero ({@code 007} is a code, kept as text); a bigint column
 *     also takes one followed by a fraction of zeros ({@code 5.0}, {@link #parseBigintValue})</li>
 * <li>double: decimal or scientific notation, no leading zero before another digit</li>
 * <li>decimal(p,s): an optional sign, digits, and an optional point and digits, no leading zero before another digit and no
 *     exponent, read exactly ({@link #parseDecimal}): at most p-s digits before the point, and at most s after it but for
 *     zeros ({@code 7.500} is 7.50 in a decimal(10,2), {@code 7.125} is none)</li>
 * <li>date: {@code yyyy-MM-dd}</li>
 * <li>timestamp: {@code yyyy-MM-dd HH:mm[:ss[.fraction]]}, {@code T} allowed as separator, an optional
 *     {@code Z} (or {@code z}) or an offset {@code ±HH:mm}, {@code ±HHmm} or {@code ±HH} up to ±18:00 (as far as java.time goes), the offset
 *     perhaps after one space, as Ruby writes it, or {@code " UTC"}, as Ruby writes a time in UTC; without an
 *     offset the time is taken as UTC. A bare date is midnight. The fraction has up to 9 digits; silver
 *     holds milliseconds, the precision Athena reads, so digits after the third are cut (.123456 is
 *     .123), the one change of a value the converter makes, and a documented one.</li>
 * </ul>
 * {@link #refusal} says why a value is not of a type, when that is worth saying; it runs only on values
 * already refused, so it may take its time.
 */
public final class Values {
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** Days from 0000-01-01 to 1970-01-01 (as {@link LocalDate#toEpochDay} counts them). */
    private static final long DAYS_0000_TO_1970 = 719_528L;

    /** A number as {@link #isDouble} reads it, leading zeros and magnitude aside. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(?<digits>(?<integer>[0-9]*)(\\.[0-9]*)?)([eE][+-]?[0-9]+)?");
    /** A number as a decimal column reads it, its digits' count aside: no exponent, some digit. */
    private static final Pattern PLAIN_NUMBER = Pattern.compile("[+-]?(?=\\.?[0-9])(?<integer>[0-9]*)(\\.(?<fraction>[0-9]*))?");
    /** Some digit; the leading zeros of a number's integer part: compiled once, since a file may refuse every row. */
    private static final Pattern A_DIGIT = Pattern.compile(".*[0-9].*");
    private static final Pattern LEADING_ZEROS = Pattern.compile("^0+(?=[0-9])");
    /** A number whose thousands are set apart by commas, as English exports write them: {@code 1,234,567.5}. */
    private static final Pattern COMMA_GROUPED = Pattern.compile("[+-]?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?");
    /** A number with a decimal comma, its thousands perhaps set apart by points, as most of Europe writes it: {@code 1.234,5}. */
    private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?([0-9]{1,3}(\\.[0-9]{3})+|[0-9]*),[0-9]+");
    /** A date as {@link #parseDate} reads it, the length of the month aside. */
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])");
    /**
     * A date in a form exports write other than yyyy-MM-dd: day or month first ({@code 03/15/2026},
     * {@code 15.03.2026}, {@code 15-03-26}), or the year first with slashes or points ({@code 2026/03/15}),
     * perhaps with a time after it.
     */
    private static final Pattern OTHER_DATE_FORM = Pattern.compile(
            "([0-9]{1,2}([/.-])[0-9]{1,2}\\2([0-9]{2}|[0-9]{4})|[0-9]{4}([/.])[0-9]{1,2}\\4[0-9]{1,2})([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?( ?[AaPp][Mm])?)?");
    /**
     * A date with its month's English abbreviation, as Oracle writes one by default ({@code 01-MAR-25}, NLS_DATE_FORMAT DD-MON-RR;
     * a timestamp as {@code 01-MAR-25 10.00.00.000000000 AM}) and Jira does ({@code 01/Mar/25 10:00 AM}), perhaps with a time after it.
     */
    private static final Pattern MONTH_NAME_DATE_FORM = Pattern.compile(
            "[0-9]{1,2}([-/ ])(?i:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\\1([0-9]{2}|[0-9]{4})"
                    + "( [0-9]{1,2}[:.][0-9]{2}([:.][0-9]{2}([.,][0-9]+)?)?( ?[AaPp][Mm])?)?");
    /** A double's NaN, signed or not, in any case: Java writes {@code NaN}, Python and pandas {@code nan}, C's printf {@code -nan}. */
    private static final Pattern NOT_A_NUMBER = Pattern.compile("[+-]?(?i:nan)");
    /** An infinity, signed or not, in any case: Java's {@code Infinity}, Python's and pandas' {@code inf}, R's {@code Inf}, PostgreSQL's {@code infinity}. */
    private static final Pattern INFINITY = Pattern.compile("[+-]?(?i:inf|infinity)");
    /** PostgreSQL's infinite date or timestamp, {@code infinity} or {@code -infinity}, in any case. */
    private static final Pattern INFINITE_DATE = Pattern.compile("[+-]?(?i:infinity)");
    /** DB2's timestamp: the date, a dash, the time with points, and up to 9 fraction digits, as the form read takes ({@code 2025-03-01-10.00.00.000000}). */
    private static final Pattern DB2_TIMESTAMP = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}(\\.[0-9]{1,9})?");
    /** A timestamp as {@link #parseTimestamp} reads it, leaving out the checks a refusal can name. */
    private static final Pattern TIMESTAMP = Pattern.compile(
            "(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?<time>[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)(\\.(?<fraction>[0-9]{1,9}))?"
                    + "(?<zone>[Zz]| UTC| Z| ?[+-](?<hours>[0-9]{2})(:?(?<minutes>[0-5][0-9]))?)?");

    private Values() {}

    /**
     * Why a text that {@code type} refuses is not of it, when the reason is one of {@link Refusal}'s: the
     * text would be of the type but for that. Null when it is simply something else ({@code N/A}).
     * For reasons only: slower than the parsers, it runs once per refused value.
     */
    public static Refusal refusal(ColumnType type, String text) {
        String value = trimmed(text);
        return switch (type.kind()) {
            case BIGINT, DOUBLE -> numberRefusal(type, value);
            case DECIMAL -> decimalRefusal(type, value);
            case DATE -> INFINITE_DATE.matcher(value).matches() ? Refusal.INFINITE_DATE : dateRefusal(value);
            case TIMESTAMP -> INFINITE_DATE.matcher(value).matches() ? Refusal.INFINITE_DATE
                    : isOtherDateForm(value) ? Refusal.DATE_FORMAT
                    : DB2_TIMESTAMP.matcher(value).matches() && parseTimestamp(db2Mended(value)) != Long.MIN_VALUE ? Refusal.TIMESTAMP_FORMAT
                    : timestampRefusal(value);
            case BOOLEAN -> booleanRefusal(value);
            case STRING -> null;
        };
    }

    private static Refusal numberRefusal(ColumnType type, String value) {
        if (NOT_A_NUMBER.matcher(value).matches()) {
            return Refusal.NOT_A_NUMBER;
        }
        if (INFINITY.matcher(value).matches()) {
            return Refusal.INFINITE_NUMBER;
        }
        if (type == ColumnType.BIGINT) {
            return trailingMinus(value) && bigintRefusalOrNone(signFirst(value)) ? Refusal.TRAILING_MINUS : bigintRefusal(value);
        }
        return trailingMinus(value) && doubleRefusalOrNone(signFirst(value)) ? Refusal.TRAILING_MINUS : doubleRefusal(value);
    }

    /**
     * What is wrong with a value a decimal column refuses, if one thing is: a NaN or infinity, a trailing minus, a comma, an
     * exponent, a leading zero, or more digits after or before the point than the column's scale and precision keep.
     */
    private static Refusal decimalRefusal(ColumnType type, String value) {
        if (NOT_A_NUMBER.matcher(value).matches()) {
            return Refusal.NOT_A_NUMBER;
        }
        if (INFINITY.matcher(value).matches()) {
            return Refusal.INFINITE_NUMBER;
        }
        // As a bigint or double column says it (numberRefusal), a comma too: SAP writes 1.234,56- and 1,234.56-.
        if (trailingMinus(value) && isPlainOrCommaNumber(signFirst(value))) {
            return Refusal.TRAILING_MINUS;
        }
        if (COMMA_GROUPED.matcher(value).matches() || DECIMAL_COMMA.matcher(value).matches()) {
            return Refusal.COMMA_IN_NUMBER;
        }
        Matcher number = PLAIN_NUMBER.matcher(value);
        if (!number.matches()) {
            return isDouble(value) ? Refusal.EXPONENT_IN_DECIMAL : null;
        }
        String integer = number.group("integer");
        if (integer.length() > 1 && integer.charAt(0) == '0') {
            return Refusal.LEADING_ZERO;
        }
        String fraction = number.group("fraction");
        if (fraction != null && fraction.length() > type.scale() && !fraction.substring(type.scale()).chars().allMatch(c -> c == '0')) {
            return Refusal.DECIMAL_PLACES;
        }
        return integer.equals("0") || integer.length() <= type.precision() - type.scale() ? null : Refusal.DECIMAL_DIGITS;
    }

    /** Whether a decimal column reads the value, but for its digits' count, or refuses it for no more than a comma. */
    private static boolean isPlainOrCommaNumber(String value) {
        return PLAIN_NUMBER.matcher(value).matches() || COMMA_GROUPED.matcher(value).matches() || DECIMAL_COMMA.matcher(value).matches();
    }

    /** A DB2 timestamp as the form read: {@code 2025-03-01-10.00.00.000000} as {@code 2025-03-01 10:00:00.000000}. */
    private static String db2Mended(String value) {
        return value.substring(0, 10) + " " + value.substring(11, 13) + ":" + value.substring(14, 16) + ":" + value.substring(17);
    }

    /** Which other export's form of a boolean the value is, if any: its letters ASCII ones in any case, as true and false are read. */
    private static Refusal booleanRefusal(String value) {
        if (value.equals("t") || value.equals("T") || value.equals("f") || value.equals("F")) {
            return Refusal.BOOLEAN_T_F;
        }
        if (value.equals("1") || value.equals("0")) {
            return Refusal.BOOLEAN_1_0;
        }
        if (isAsciiWord(value, "yes") || isAsciiWord(value, "no")) {
            return Refusal.BOOLEAN_YES_NO;
        }
        if (isAsciiWord(value, "on") || isAsciiWord(value, "off")) {
            return Refusal.BOOLEAN_ON_OFF;
        }
        return value.equals("y") || value.equals("Y") || value.equals("n") || value.equals("N") ? Refusal.BOOLEAN_Y_N : null;
    }

    /** Whether the value is {@code lowerCase} (ASCII letters), in any case. */
    private static boolean isAsciiWord(String value, String lowerCase) {
        return value.length() == lowerCase.length() && asciiLettersMatch(value, 0, lowerCase);
    }

    /** Whether a value is a date, perhaps with a time, in a form exports write other than yyyy-MM-dd. */
    private static boolean isOtherDateForm(String value) {
        return OTHER_DATE_FORM.matcher(value).matches() || MONTH_NAME_DATE_FORM.matcher(value).matches();
    }

    /** Whether a value ends in a minus sign after a digit, with no sign before it: a negative as SAP writes it ({@code 1.234,56-}). */
    private static boolean trailingMinus(String value) {
        int length = value.length();
        return length > 1 && value.charAt(length - 1) == '-' && isDigit(value.charAt(length - 2)) && value.charAt(0) != '-' && value.charAt(0) != '+';
    }

    /** The value with its trailing minus moved before it. */
    private static String signFirst(String value) {
        return "-" + value.substring(0, value.length() - 1);
    }

    /** Whether a bigint column takes the value, or refuses it for no more than a thousands comma. */
    private static boolean bigintRefusalOrNone(String value) {
        return isBigint(value) || bigintRefusal(value) == Refusal.COMMA_IN_NUMBER;
    }

    /** Whether a double column takes the value, or refuses it for no more than a comma. */
    private static boolean doubleRefusalOrNone(String value) {
        return isDouble(value) || doubleRefusal(value) == Refusal.COMMA_IN_NUMBER;
    }

    private static Refusal bigintRefusal(String value) {
        if (COMMA_GROUPED.matcher(value).matches() && value.indexOf('.') < 0 && isBigint(value.replace(",", ""))) {
            return Refusal.COMMA_IN_NUMBER;
        }
        if (isBigint(value)) {
            return null;
        }
        if (!isWholeNumber(value)) {
            // A double that is no whole number: a fraction or an exponent, not text.
            return isDouble(value) ? Refusal.FRACTION_IN_BIGINT : null;
        }
        int firstDigit = value.charAt(0) == '-' || value.charAt(0) == '+' ? 1 : 0;
        return value.length() - firstDigit > 1 && value.charAt(firstDigit) == '0' ? Refusal.LEADING_ZERO : Refusal.BEYOND_BIGINT;
    }

    private static Refusal dateRefusal(String value) {
        if (DATE.matcher(value).matches()) {
            return parseDate(value) == Long.MIN_VALUE ? Refusal.NO_SUCH_DAY : null;
        }
        if (isOtherDateForm(value)) {
            return Refusal.DATE_FORMAT;
        }
        // A timestamp the timestamp type would take whole; a bare date is one too, but that is not what is wrong here.
        return TIMESTAMP.matcher(value).matches() && parseTimestamp(value) != Long.MIN_VALUE ? Refusal.TIME_IN_DATE : null;
    }

    private static Refusal doubleRefusal(String value) {
        if (COMMA_GROUPED.matcher(value).matches() && isDouble(value.replace(",", ""))
                || DECIMAL_COMMA.matcher(value).matches() && isDouble(value.replace(".", "").replace(',', '.'))) {
            return Refusal.COMMA_IN_NUMBER;
        }
        Matcher number = NUMBER.matcher(value);
        if (isDouble(value) || !number.matches() || !A_DIGIT.matcher(number.group("digits")).matches()) {
            return null;
        }
        String integer = number.group("integer");
        if (integer.length() > 1 && integer.charAt(0) == '0') {
            // Without its leading zeros, is it a double?
            String mended = value.substring(0, number.start("integer")) + LEADING_ZEROS.matcher(integer).replaceFirst("") + value.substring(number.end("integer"));
            return isDouble(mended) ? Refusal.LEADING_ZERO : Refusal.BEYOND_DOUBLE;
        }
        return Refusal.BEYOND_DOUBLE;
    }

    /** The first of what is wrong with a timestamp, if mending only what {@link Refusal} names makes it one. */
    private static Refusal timestampRefusal(String value) {
        Matcher timestamp = TIMESTAMP.matcher(value);
        if (!timestamp.matches()) {
            return DATE.matcher(value).matches() ? Refusal.NO_SUCH_DAY : null;
        }
        Refusal first = null;
        String date = timestamp.group("date");
        if (parseDate(date) == Long.MIN_VALUE && DATE.matcher(date).matches()) {
            first = Refusal.NO_SUCH_DAY;
            date = "2000-01-01";
        }
        String fraction = timestamp.group("fraction");
        String zone = timestamp.group("zone");
        String minutes = timestamp.group("minutes");
        if (timestamp.group("hours") != null && Integer.parseInt(timestamp.group("hours")) * 60 + (minutes == null ? 0 : Integer.parseInt(minutes)) > 18 * 60) {
            first = first == null ? Refusal.OFFSET_BEYOND_18_HOURS : first;
            zone = "Z";
        }
        String mended = date + timestamp.group("time") + (fraction == null ? "" : "." + fraction) + (zone == null ? "" : zone);
        return first != null && parseTimestamp(mended) != Long.MIN_VALUE ? first : null;
    }

    /** The padding ignored around a typed value: ASCII space and tab, nothing else (see the class comment). */
    private static boolean isPadding(char c) {
        return c == ' ' || c == '\t';
    }

    /** Whether the text is empty or only spaces and tabs: null in every type but string. */
    public static boolean isBlank(String text) {
        return trimmedStart(text) == text.length();
    }

    /** Where the text starts without its leading spaces and tabs. */
    private static int trimmedStart(String text) {
        int start = 0;
        while (start < text.length() && isPadding(text.charAt(start))) {
            start++;
        }
        return start;
    }

    /** Where the text from {@code start} ends without its trailing spaces and tabs. */
    private static int trimmedEnd(String text, int start) {
        int end = text.length();
        while (end > start && isPadding(text.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    /** The text without the spaces and tabs around it, as every typed column reads a value. */
    public static String trimmed(String text) {
        int start = trimmedStart(text);
        int end = trimmedEnd(text, start);
        return start == 0 && end == text.length() ? text : text.substring(start, end);
    }

    /** 1 for true, 0 for false, -1 when the text is not a boolean. */
    public static int parseBoolean(String text) {
        int start = trimmedStart(text);
        int end = trimmedEnd(text, start);
        // ASCII letters only, compared without a case mapping: String's would take 'ſ' (long s) for an 's'
        // and 'İ' for an 'i', making look-alike text a boolean.
        int length = end - start;
        if (length == 4 && asciiLettersMatch(text, start, "true")) {
            return 1;
        }
        if (length == 5 && asciiLettersMatch(text, start, "false")) {
            return 0;
        }
        return -1;
    }

    /** Whether the text at {@code start} is {@code lowerCase} (ASCII letters) in any case. */
    private static boolean asciiLettersMatch(String text, int start, String lowerCase) {
        for (int i = 0; i < lowerCase.length(); i++) {
            char c = text.charAt(start + i);
            // An ASCII letter's two cases differ by 0x20 alone.
            if (c >= 0x80 || (c | 0x20) != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    public static boolean isBigint(String text) {
        return parseBigint(text, new long[1]);
    }

    /**
     * Parses what a {@code bigint} column takes into {@code out[0]}: a bigint, or one written with a fraction of zeros alone
     * ({@code 5.0}), as pandas writes an integer column that holds a missing value (it makes the column float, and writes each
     * whole number with {@code .0}). Such a number loses nothing as a bigint, and refused, every row of an export with one empty
     * field would be quarantined by the contract the dataset's first file gave. Inference reads it as a double still
     * ({@link #isBigint}): in a first file it says the column is one of measures.
     */
    public static boolean parseBigintValue(String text, long[] out) {
        // A bigint first: the fraction is looked for only in a value that is not one, off the path of every other value.
        if (parseBigint(text, out)) {
            return true;
        }
        int start = trimmedStart(text);
        int end = trimmedEnd(text, start);
        int point = text.indexOf('.', start);
        if (point < 0 || point + 1 >= end) {
            return false;
        }
        for (int i = point + 1; i < end; i++) {
            if (text.charAt(i) != '0') {
                return false;
            }
        }
        return parseBigint(text.substring(start, point), out);
    }

    /** Parses into {@code out[0]}; returns false when the text is not a bigint. */
    public static boolean parseBigint(String text, long[] out) {
        int start = trimmedStart(text);
        int end = trimmedEnd(text, start);
        if (start == end) {
            return false;
        }
        boolean negative = false;
        char first = text.charAt(start);
        if (first == '-' || first == '+') {
            negative = first == '-';
            start++;
        }
        int digits = end - start;
        if (digits == 0 || digits > 19 || digits > 1 && text.charAt(start) == '0') {
            return false;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            // Accumulate negatively so Long.MIN_VALUE fits.
            long next = value * 10 - (c - '0');
            if (value < Long.MIN_VALUE / 10 || next > value) {
                return false;
            }
            value = next;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                return false;
            }
            value = -value;
        }
        out[0] = value;
        return true;
    }

    /**
     * Whether a value is an international phone number as E.164 writes it ({@code +4915112345678}: a '+', then a
     * country code and a subscriber number, 7 to 15 digits in all): for type inference alone, a column of codes, as a
     * column with a leading zero is, whose '+' a bigint would drop. A column a contract types bigint still takes such a
     * value as the signed number it also is: a sign on a number loses nothing, and quarantining it would refuse rows of a
     * column of signed whole numbers ({@code +1500000}) a contract declared bigint. A sign on a shorter number (a change of
     * {@code +7}) is a number's in inference too.
     */
    public static boolean isPhoneNumber(String text) {
        String value = trimmed(text);
        return value.length() > 1 && value.charAt(0) == '+' && isWholeNumber(value) && value.length() - 1 >= 7 && value.length() - 1 <= 15;
    }

    /**
     * Whether the text is a whole number as written: an optional sign and digits, whatever their number.
     * Such a number that is no bigint has a leading zero or is out of its range; as a double it would keep
     * only its first 15 to 17 digits, so two 20-digit ids could become one value.
     */
    public static boolean isWholeNumber(String text) {
        int start = trimmedStart(text);
        int end = trimmedEnd(text, start);
        if (start < end && (text.charAt(start) == '-' || text.charAt(start) == '+')) {
            start++;
        }
        if (start == end) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    public static boolean isDouble(String text) {
        String value = trimmed(text);
        int length = value.length();
        int i = 0;
        if (i < length && (value.charAt(i) == '-' || value.charAt(i) == '+')) {
            i++;
        }
        int integerStart = i;
        while (i < length && isDigit(value.charAt(i))) {
            i++;
        }
        int integerDigits = i - integerStart;
        if (integerDigits > 1 && value.charAt(integerStart) == '0') {
            return false;
        }
        int fractionDigits = 0;
        if (i < length && value.charAt(i) == '.') {
            i++;
            int fractionStart = i;
            while (i < length && isDigit(value.charAt(i))) {
                i++;
            }
            fractionDigits = i - fractionStart;
        }
        if (integerDigits + fractionDigits == 0) {
            return false;
        }
        if (i < length && (value.charAt(i) == 'e' || value.charAt(i) == 'E')) {
            i++;
            if (i < length && (value.charAt(i) == '-' || value.charAt(i) == '+')) {
                i++;
            }
            int exponentStart = i;
            while (i < length && isDigit(value.charAt(i))) {
                i++;
            }
            if (i == exponentStart) {
                return false;
            }
            return i == length && representable(value, exponentStart);
        }
        // More than 308 digits before the point may pass Double.MAX_VALUE (about 1.8e308); more than 323 after
        // it, with no digit but zeros before them, may be below the smallest double (about 4.9e-324).
        return i == length && (integerDigits <= 308 && fractionDigits <= 323 || representable(value, length));
    }

    /**
     * Whether a well-formed number, its digits before {@code digitsEnd}, is a double as written: not
     * beyond the largest (1e999 would be written as Infinity) nor, unless it is zero, below the smallest
     * (1e-999 would be written as 0): either way the value would not be the one the text says.
     */
    private static boolean representable(String value, int digitsEnd) {
        double parsed = Double.parseDouble(value);
        if (!Double.isFinite(parsed)) {
            return false;
        }
        if (parsed != 0) {
            return true;
        }
        for (int i = 0; i < digitsEnd; i++) {
            char c = value.charAt(i);
            if (c >= '1' && c <= '9') {
                return false;
            }
        }
        return true;
    }

    private static final double[] POWERS_OF_TEN = {
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /**
     * Parses a double into {@code out[0]}: what {@link #isDouble} accepts, as {@link Double#parseDouble} reads
     * it; returns false, leaving {@code out} as it was, when the text is not a double. Plain decimals of at
     * most 15 digits, most values, take one pass over the text: Clinger's fast path, where the digits and the
     * power of ten are both exact doubles and one IEEE division rounds correctly, as the JDK would.
     */
    public static boolean parseDouble(String text, double[] out) {
        int length = text.length();
        int i = 0;
        boolean negative = false;
        if (length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
            negative = text.charAt(0) == '-';
            i++;
        }
        int integerStart = i;
        long digits = 0;
        char c;
        while (i < length && isDigit(c = text.charAt(i))) {
            digits = digits * 10 + (c - '0');
            i++;
        }
        int integerDigits = i - integerStart;
        int fractionDigits = 0;
        if (i < length && text.charAt(i) == '.') {
            int fractionStart = ++i;
            while (i < length && isDigit(c = text.charAt(i))) {
                digits = digits * 10 + (c - '0');
                i++;
            }
            fractionDigits = i - fractionStart;
        }
        if (i < length || integerDigits + fractionDigits == 0 || integerDigits + fractionDigits > 15
                || integerDigits > 1 && text.charAt(integerStart) == '0') {
            // Whitespace, an exponent, more digits than a long holds exactly, or no double at all.
            if (!isDouble(text)) {
                return false;
            }
            out[0] = Double.parseDouble(trimmed(text));
            return true;
        }
        double value = fractionDigits > 0 ? digits / POWERS_OF_TEN[fractionDigits] : digits;
        out[0] = negative ? -value : value;
        return true;
    }

    /**
     * Parses what a {@code decimal(precision,scale)} column takes into {@code out[0]}, as its unscaled value ({@code 7.5} in a
     * decimal(10,2) is 750): exactly, never rounded, without making a BigDecimal. Returns false, leaving {@code out} as it was,
     * when the text is no such decimal: a fraction digit beyond the scale other than 0 ({@code 7.125} in a decimal(10,2)), more
     * than precision-scale digits before the point, an exponent, a leading zero; {@link #refusal} says which.
     * A precision of at most 18 keeps every unscaled value within a long; a wider one is {@link #parseWideDecimal}'s. (This parse
     * has the same refusals, so it would answer whether a wider precision takes a text, its unscaled value overflowing unseen: the
     * assertion, on in the tests, keeps a caller from relying on that.)
     */
    public static boolean parseDecimal(String text, int precision, int scale, long[] out) {
        assert precision <= ColumnType.MAX_SHORT_DECIMAL_PRECISION : "decimal(" + precision + "," + scale + ") is parseWideDecimal's";
        int start = trimmedStart(text);
        int end = trimmedEnd(text, start);
        boolean negative = false;
        if (start < end && (text.charAt(start) == '-' || text.charAt(start) == '+')) {
            negative = text.charAt(start) == '-';
            start++;
        }
        int i = start;
        long unscaled = 0;
        char c;
        while (i < end && isDigit(c = text.charAt(i))) {
            unscaled = unscaled * 10 + (c - '0');
            i++;
            if (i - start > precision - scale && !(i - start == 1 && c == '0')) {
                // More digits before the point than the type keeps (a lone 0 is none), or a leading zero: no need to read on.
                return false;
            }
        }
        int integerDigits = i - start;
        int fractionDigits = 0;
        if (i < end && text.charAt(i) == '.') {
            int fractionStart = ++i;
            while (i < end && isDigit(c = text.charAt(i))) {
                if (i - fractionStart < scale) {
                    unscaled = unscaled * 10 + (c - '0');
                }
                else if (c != '0') {
                    return false;
                }
                i++;
            }
            fractionDigits = i - fractionStart;
        }
        if (i < end || integerDigits + fractionDigits == 0 || integerDigits > 1 && text.charAt(start) == '0') {
            return false;
        }
        for (int kept = Math.min(fractionDigits, scale); kept < scale; kept++) {
            unscaled *= 10;
        }
        out[0] = negative ? -unscaled : unscaled;
        return true;
    }

    /**
     * Parses what a {@code decimal(precision,scale)} column of precision {@value ColumnType#MAX_SHORT_DECIMAL_PRECISION} to
     * {@value ColumnType#MAX_DECIMAL_PRECISION} takes, as {@link #parseDecimal} reads a value (the same refusals), into its unscaled
     * value as 128-bit two's complement: {@code out[0]} the high 64 bits, {@code out[1]} the low 64. Exactly, without a BigInteger:
     * the first 18 digits are read into a long as {@link #parseDecimal} reads them, and only a digit after those multiplies 128 bits.
     * 38 digits are less than 2^127, so the value and its sign always fit.
     */
    public static boolean parseWideDecimal(String text, int precision, int scale, long[] out) {
        int start = trimmedStart(text);
        int end = trimmedEnd(text, start);
        boolean negative = false;
        if (start < end && (text.charAt(start) == '-' || text.charAt(start) == '+')) {
            negative = text.charAt(start) == '-';
            start++;
        }
        int i = start;
        long high = 0;
        long low = 0;
        char c;
        while (i < end && isDigit(c = text.charAt(i))) {
            if (high == 0 && 0 <= low && low < LONG_TIMES_TEN_LIMIT) {
                low = low * 10 + (c - '0');
            }
            else {
                long carried = times10High(low, c - '0');
                low = low * 10 + (c - '0');
                high = high * 10 + carried;
            }
            i++;
            if (i - start > precision - scale && !(i - start == 1 && c == '0')) {
                return false;
            }
        }
        int integerDigits = i - start;
        int fractionDigits = 0;
        if (i < end && text.charAt(i) == '.') {
            int fractionStart = ++i;
            while (i < end && isDigit(c = text.charAt(i))) {
                if (i - fractionStart < scale) {
                    if (high == 0 && 0 <= low && low < LONG_TIMES_TEN_LIMIT) {
                        low = low * 10 + (c - '0');
                    }
                    else {
                        long carried = times10High(low, c - '0');
                        low = low * 10 + (c - '0');
                        high = high * 10 + carried;
                    }
                }
                else if (c != '0') {
                    return false;
                }
                i++;
            }
            fractionDigits = i - fractionStart;
        }
        if (i < end || integerDigits + fractionDigits == 0 || integerDigits > 1 && text.charAt(start) == '0') {
            return false;
        }
        for (int kept = Math.min(fractionDigits, scale); kept < scale; kept++) {
            long carried = times10High(low, 0);
            low = low * 10;
            high = high * 10 + carried;
        }
        if (negative) {
            // Two's complement of 128 bits: invert both halves and add one, carried into the high half when the low one is zero.
            high = low == 0 ? -high : ~high;
            low = -low;
        }
        out[0] = high;
        out[1] = low;
        return true;
    }

    /** Below it, a low half that is not negative (the value read so far below 2^63) takes a digit as a long: ten times it plus 9 is still one. */
    private static final long LONG_TIMES_TEN_LIMIT = (Long.MAX_VALUE - 9) / 10;

    /**
     * The high 64 bits of {@code low * 10 + digit}, {@code low} read as unsigned: what the low half of a 128-bit value carries into the
     * high half when it is multiplied by ten and a digit added. (Math.unsignedMultiplyHigh is Java 18's; this is its definition.)
     */
    private static long times10High(long low, int digit) {
        long high = Math.multiplyHigh(low, 10) + ((low >> 63) & 10);
        long product = low * 10;
        return Long.compareUnsigned(product + digit, product) < 0 ? high + 1 : high;
    }

    /**
     * Whether some {@code decimal(p,s)} column would take the text: a number without an exponent, of at most
     * {@value ColumnType#MAX_DECIMAL_PRECISION} digits but for the zeros ending its fraction, as {@link #parseDecimal} reads one.
     * For reasons only: a refused value's advice names decimal(p,s) only where declaring one would keep it.
     */
    public static boolean fitsSomeDecimal(String text) {
        Matcher number = PLAIN_NUMBER.matcher(trimmed(text));
        if (!number.matches()) {
            return false;
        }
        String fraction = number.group("fraction") == null ? "" : number.group("fraction").replaceFirst("0+$", "");
        return fraction.length() <= ColumnType.MAX_DECIMAL_PRECISION
                && parseWideDecimal(text, ColumnType.MAX_DECIMAL_PRECISION, fraction.length(), new long[2]);
    }

    /** Days since 1970-01-01, or {@link Long#MIN_VALUE} when the text is not a date. */
    public static long parseDate(String text) {
        String value = trimmed(text);
        if (value.length() != 10) {
            return Long.MIN_VALUE;
        }
        return epochDay(value);
    }

    /** Milliseconds since 1970-01-01T00:00Z, or {@link Long#MIN_VALUE} when the text is not a timestamp. */
    public static long parseTimestamp(String text) {
        String value = trimmed(text);
        int length = value.length();
        if (length < 10) {
            return Long.MIN_VALUE;
        }
        long day = epochDay(value);
        if (day == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        if (length == 10) {
            return day * MILLIS_PER_DAY;
        }
        char separator = value.charAt(10);
        if (separator != ' ' && separator != 'T' || length < 16 || value.charAt(13) != ':') {
            return Long.MIN_VALUE;
        }
        int hour = twoDigits(value, 11);
        int minute = twoDigits(value, 14);
        int second = 0;
        int millis = 0;
        int i = 16;
        if (i < length && value.charAt(i) == ':') {
            second = twoDigits(value, i + 1);
            i += 3;
            if (i < length && value.charAt(i) == '.') {
                i++;
                int fractionStart = i;
                int scale = 100;
                while (i < length && isDigit(value.charAt(i))) {
                    // Digits after the third are cut: silver's timestamps are milliseconds, as Athena reads them
                    // (Parquet TIMESTAMP(MICROS) would keep them, but AWS documents Athena and Glue as handling
                    // millisecond precision only, and a misread timestamp would be worse than a cut one).
                    millis += (value.charAt(i) - '0') * scale;
                    scale /= 10;
                    i++;
                }
                if (i == fractionStart || i - fractionStart > 9) {
                    return Long.MIN_VALUE;
                }
            }
        }
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Long.MIN_VALUE;
        }
        long offsetMillis = 0;
        // Ruby's Time#to_s and Rails' TimeWithZone#to_s write "%Y-%m-%d %H:%M:%S %z", a space before the offset, and " UTC"
        // in its place for a time in UTC; Snowflake's default TIMESTAMP_OUTPUT_FORMAT ("YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM") a space
        // before the offset too, and " Z" for a TIMESTAMP_NTZ, whose time has no zone: one space, then an offset, UTC or Z, nothing
        // else (not a zone's name). Only a value with a space after its time pays for these tests.
        boolean spaced = i + 1 < length && value.charAt(i) == ' ';
        if (spaced && (value.startsWith("UTC", i + 1) && i + 4 == length || value.charAt(i + 1) == 'Z' && i + 2 == length)) {
            i = length;
        }
        else if (spaced && (value.charAt(i + 1) == '+' || value.charAt(i + 1) == '-')) {
            i++;
        }
        if (i < length) {
            char zone = value.charAt(i);
            if ((zone == 'Z' || zone == 'z') && i + 1 == length) {
                offsetMillis = 0;
            }
            // ±HH:mm, and the forms exports write besides: ±HHmm (ISO 8601's basic form: Python's %z, Java's
            // pattern Z) and ±HH (PostgreSQL's timestamptz output, whose offset has its hours alone when it has no minutes).
            else if ((zone == '+' || zone == '-') && (i + 6 == length && value.charAt(i + 3) == ':' || i + 5 == length || i + 3 == length)) {
                int offsetHours = twoDigits(value, i + 1);
                int offsetMinutes = i + 3 == length ? 0 : twoDigits(value, length - 2);
                // ±18:00 is as far as java.time (ZoneOffset) and so Java readers of the value go.
                if (offsetHours < 0 || offsetMinutes < 0 || offsetMinutes > 59 || offsetHours * 60 + offsetMinutes > 18 * 60) {
                    return Long.MIN_VALUE;
                }
                offsetMillis = (offsetHours * 60L + offsetMinutes) * 60_000L * (zone == '-' ? -1 : 1);
            }
            else {
                return Long.MIN_VALUE;
            }
        }
        return day * MILLIS_PER_DAY + ((hour * 60L + minute) * 60L + second) * 1000L + millis - offsetMillis;
    }

    private static long epochDay(String value) {
        if (value.charAt(4) != '-' || value.charAt(7) != '-') {
            return Long.MIN_VALUE;
        }
        int century = twoDigits(value, 0);
        int yearOfCentury = twoDigits(value, 2);
        int month = twoDigits(value, 5);
        int day = twoDigits(value, 8);
        if (century < 0 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1 || day > 31) {
            return Long.MIN_VALUE;
        }
        int year = century * 100 + yearOfCentury;
        boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
        if (day > 28 && day > monthLength(month, leap)) {
            // 2026-02-30 and friends: well-formed but no such day.
            return Long.MIN_VALUE;
        }
        // LocalDate.toEpochDay's arithmetic (the year is 0 to 9999 here), without making a LocalDate per value.
        long days = 365L * year + (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400 + (367 * month - 362) / 12 + day - 1;
        if (month > 2) {
            days -= leap ? 1 : 2;
        }
        return days - DAYS_0000_TO_1970;
    }

    private static int monthLength(int month, boolean leap) {
        return switch (month) {
            case 2 -> leap ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** The two-digit number at {@code index}, or a negative number when those are not two digits. */
    private static int twoDigits(String value, int index) {
        if (index + 2 > value.length()) {
            return -1000;
        }
        char tens = value.charAt(index);
        char ones = value.charAt(index + 1);
        if (!isDigit(tens) || !isDigit(ones)) {
            return -1000;
        }
        return (tens - '0') * 10 + (ones - '0');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
