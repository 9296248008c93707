package dev.medallion.bronze.progress;

import java.util.Locale;

/** Byte counts for people, in decimal units as the converter's messages use them (1 MB = 1,000,000 bytes). */
public final class ByteSizes {
    private static final String[] UNITS = {"kB", "MB", "GB", "TB"};

    private ByteSizes() {}

    public static String format(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        // Stop below 999.95 so that rounding never prints "1000.0 kB".
        while (value >= 999.95 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
