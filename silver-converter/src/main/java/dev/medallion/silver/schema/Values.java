package dev.medallion.silver.schema;

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
    /** Days from 0000-01-01 to 1970-01-01 (as {@link LocalDate#toEpochDay} counts them). */
    private static final long DAYS_0000_TO_1970 = 719_528L;

    private Values() {}

    /** Where the text starts without its leading whitespace. */
    private static int trimmedStart(String text) {
        int start = 0;
        while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        return start;
    }

    /** Where the text from {@code start} ends without its trailing whitespace. */
    private static int trimmedEnd(String text, int start) {
        int end = text.length();
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    /** 1 for true, 0 for false, -1 when the text is not a boolean. */
    public static int parseBoolean(String text) {
        int start = trimmedStart(text);
        int end = trimmedEnd(text, start);
        // ASCII letters compared without a case mapping; other text goes to String's (where 'ſ' is an 's').
        int length = end - start;
        if (length == 4 && asciiLettersMatch(text, start, "true")) {
            return 1;
        }
        if (length == 5 && asciiLettersMatch(text, start, "false")) {
            return 0;
        }
        if (length != 4 && length != 5 || isAscii(text, start, end)) {
            return -1;
        }
        String value = text.substring(start, end);
        return value.equalsIgnoreCase("true") ? 1 : value.equalsIgnoreCase("false") ? 0 : -1;
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

    private static boolean isAscii(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    public static boolean isBigint(String text) {
        return parseBigint(text, new long[1]);
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
            out[0] = Double.parseDouble(text.strip());
            return true;
        }
        double value = fractionDigits > 0 ? digits / POWERS_OF_TEN[fractionDigits] : digits;
        out[0] = negative ? -value : value;
        return true;
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
