package dev.medallion.silver.schema;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * Strict, allocation-free parsers for the text forms each {@link ColumnType} accepts. They run once per
 * value, so they report failure through return values, never exceptions. Surrounding whitespace is ignored.
 * <ul>
 * <li>boolean: {@code true} or {@code false}, any case</li>
 * <li>bigint: an optional sign and up to 19 digits, no leading zero ({@code 007} is a code, kept as text)</li>
 * <li>double: decimal or scientific notation, no leading zero before another digit</li>
 * <li>date: {@code yyyy-MM-dd}</li>
 * <li>timestamp: {@code yyyy-MM-dd HH:mm[:ss[.fraction]]}, {@code T} allowed as separator, an optional
 *     {@code Z} or {@code ±HH:mm} offset; without an offset the time is taken as UTC. A bare date is midnight.</li>
 * </ul>
 */
public final class Values {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private Values() {}

    /** 1 for true, 0 for false, -1 when the text is not a boolean. */
    public static int parseBoolean(String text) {
        String value = text.strip();
        if (value.equalsIgnoreCase("true")) {
            return 1;
        }
        if (value.equalsIgnoreCase("false")) {
            return 0;
        }
        return -1;
    }

    public static boolean isBigint(String text) {
        return parseBigint(text, new long[1]);
    }

    /** Parses into {@code out[0]}; returns false when the text is not a bigint. */
    public static boolean parseBigint(String text, long[] out) {
        int start = 0;
        int end = text.length();
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
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

    public static boolean isDouble(String text) {
        String value = text.strip();
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
            // 1e999 is well-formed but no finite double: it would be written as Infinity.
            return i == length && Double.isFinite(Double.parseDouble(value));
        }
        return i == length;
    }

    private static final double[] POWERS_OF_TEN = {
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /** Call only after {@link #isDouble} accepted the text. */
    public static double parseDouble(String text) {
        // Clinger's fast path: with at most 15 significant digits and no exponent, the digits and the power
        // of ten are both exact doubles, and one IEEE division rounds correctly, as Double.parseDouble would.
        int length = text.length();
        int i = 0;
        boolean negative = false;
        if (length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
            negative = text.charAt(0) == '-';
            i++;
        }
        long digits = 0;
        int count = 0;
        int scale = -1;
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits = digits * 10 + (c - '0');
                count++;
                if (scale >= 0) {
                    scale++;
                }
            }
            else if (c == '.' && scale < 0) {
                scale = 0;
            }
            else {
                return Double.parseDouble(text.strip());
            }
        }
        if (count == 0 || count > 15 || scale >= POWERS_OF_TEN.length) {
            return Double.parseDouble(text.strip());
        }
        double value = scale > 0 ? digits / POWERS_OF_TEN[scale] : digits;
        return negative ? -value : value;
    }

    /** Days since 1970-01-01, or {@link Long#MIN_VALUE} when the text is not a date. */
    public static long parseDate(String text) {
        String value = text.strip();
        if (value.length() != 10) {
            return Long.MIN_VALUE;
        }
        return epochDay(value);
    }

    /** Milliseconds since 1970-01-01T00:00Z, or {@link Long#MIN_VALUE} when the text is not a timestamp. */
    public static long parseTimestamp(String text) {
        String value = text.strip();
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
        if (i < length) {
            char zone = value.charAt(i);
            if ((zone == 'Z' || zone == 'z') && i + 1 == length) {
                offsetMillis = 0;
            }
            else if ((zone == '+' || zone == '-') && i + 6 == length && value.charAt(i + 3) == ':') {
                int offsetHours = twoDigits(value, i + 1);
                int offsetMinutes = twoDigits(value, i + 4);
                if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59) {
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
        try {
            return LocalDate.of(century * 100 + yearOfCentury, month, day).toEpochDay();
        }
        catch (DateTimeException e) {
            // 2026-02-30 and friends: well-formed but no such day.
            return Long.MIN_VALUE;
        }
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
