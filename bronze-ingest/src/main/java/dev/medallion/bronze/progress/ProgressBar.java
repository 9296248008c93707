package dev.medallion.bronze.progress;

import java.util.Locale;

/** Renders one line of progress, fitted to the terminal's width. */
public final class ProgressBar {
    private static final int MIN_BAR_WIDTH = 10;
    private static final int MAX_BAR_WIDTH = 40;

    private ProgressBar() {}

    /**
     * {@code [#########...........]  45%  12.3 MB/27.1 MB  3/7 files  4.2 MB/s}, at most {@code width}
     * characters; the bar shrinks first, then the speed goes.
     */
    public static String render(long doneBytes, long totalBytes, int doneFiles, int totalFiles, double seconds, int width) {
        double fraction = totalBytes == 0 ? (totalFiles == 0 ? 1 : (double) doneFiles / totalFiles) : Math.min(1, (double) doneBytes / totalBytes);
        String counts = String.format(Locale.ROOT, " %3d%%  %s/%s  %d/%d files", (int) Math.floor(fraction * 100),
                ByteSizes.format(doneBytes), ByteSizes.format(totalBytes), doneFiles, totalFiles);
        String speed = seconds > 0 ? "  " + ByteSizes.format((long) (doneBytes / seconds)) + "/s" : "";
        int barWidth = width - counts.length() - speed.length() - 2;
        if (barWidth < MIN_BAR_WIDTH) {
            speed = "";
            barWidth = width - counts.length() - 2;
        }
        barWidth = Math.min(MAX_BAR_WIDTH, barWidth);
        if (barWidth < MIN_BAR_WIDTH) {
            return counts.strip();
        }
        int filled = (int) Math.floor(fraction * barWidth);
        return "[" + "#".repeat(filled) + ".".repeat(barWidth - filled) + "]" + counts + speed;
    }
}
