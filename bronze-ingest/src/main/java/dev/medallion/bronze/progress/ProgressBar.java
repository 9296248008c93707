package dev.medallion.bronze.progress;

import java.util.Locale;

/** Renders one line of progress, fitted to the terminal's width. */
public final class ProgressBar {
    private static final int MIN_BAR_WIDTH = 10;
    private static final int MAX_BAR_WIDTH = 40;
    private static final double MIN_SECONDS_FOR_SPEED = 0.5;
    private static final String WIDEST_SPEED = "  999.9 MB/s";
    /** Bytes done can print wider than the total: "999.9 MB" of "1.0 GB". */
    private static final int DONE_BYTES_SLACK = 2;

    private ProgressBar() {}

    /**
     * {@code [#########...........]  45%  12.3 MB/27.1 MB  3/7 files  4.2 MB/s}, at most {@code width}
     * characters. The bar keeps its width through the run, sized for the widest figures to come, and
     * shrinks for a narrow terminal; below ten characters the figures stand alone, without the speed.
     *
     * @param doneBytes the bytes of the files done and of those under way, sent or skipped
     * @param sentBytes those of them sent to the bucket, which alone make the speed: none sent, none shown
     */
    public static String render(long doneBytes, long sentBytes, long totalBytes, int doneFiles, int totalFiles, double seconds, int width) {
        return render(doneBytes, sentBytes, totalBytes, doneFiles, totalFiles, 0, seconds, width);
    }

    /**
     * The last line of a run that stopped starting files ({@code OutageStop}): {@code ...  5/24 files, 19 not attempted},
     * so that a bar left short of 100 % says why and adds up with the table. The bar may be narrower than during the run,
     * to fit the note.
     *
     * @param notAttemptedFiles the files the run did not start; none, no note
     */
    public static String render(long doneBytes, long sentBytes, long totalBytes, int doneFiles, int totalFiles, int notAttemptedFiles, double seconds, int width) {
        double fraction = totalBytes == 0 ? (totalFiles == 0 ? 1 : (double) doneFiles / totalFiles) : Math.min(1, (double) doneBytes / totalBytes);
        String note = notAttemptedFiles == 0 ? "" : ", " + notAttemptedFiles + " not attempted";
        String figures = figures(fraction, doneBytes, totalBytes, doneFiles, totalFiles) + note;
        // No speed in the first half second: it would only measure the start-up.
        String speed = seconds >= MIN_SECONDS_FOR_SPEED && sentBytes > 0 ? "  " + ByteSizes.format((long) (sentBytes / seconds)) + "/s" : "";
        int widestFigures = figures(1, totalBytes, totalBytes, totalFiles, totalFiles).length() + note.length() + DONE_BYTES_SLACK + WIDEST_SPEED.length();
        int barWidth = Math.min(MAX_BAR_WIDTH, width - widestFigures - 2);
        if (barWidth < MIN_BAR_WIDTH) {
            return figures.strip();
        }
        int filled = (int) Math.floor(fraction * barWidth);
        return "[" + "#".repeat(filled) + ".".repeat(barWidth - filled) + "]" + figures + speed;
    }

    private static String figures(double fraction, long doneBytes, long totalBytes, int doneFiles, int totalFiles) {
        return String.format(Locale.ROOT, " %3d%%  %s/%s  %d/%d files", (int) Math.floor(fraction * 100),
                ByteSizes.format(doneBytes), ByteSizes.format(totalBytes), doneFiles, totalFiles);
    }
}
