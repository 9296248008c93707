package dev.medallion.bronze.progress;

import dev.medallion.bronze.upload.PlannedFile;
import dev.medallion.bronze.upload.UploadListener;
import dev.medallion.bronze.upload.UploadOutcome;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A single progress line redrawn in place on a terminal: bytes and files done out of the total, and the
 * speed of the bytes sent (a skipped file's count as done, not as sent). A failure is printed above it as it happens, so it is seen without waiting for the table, and so
 * is each file a dry run would upload: the table counts them, and a dry run is run to see which.
 */
public final class TerminalProgress implements UploadListener {
    /** Redrawing more often than this only makes the terminal flicker. */
    private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final String CLEAR_LINE = "\r\033[2K";

    private final PrintStream out;
    private final OutcomeLines lines;
    private final int width;
    private long started;
    private long lastDrawn;
    private int totalFiles;
    private long totalBytes;
    private int doneFiles;
    private long doneBytes;
    private long sentBytes;
    /** Known at the end only: the files a run that stopped starting files left (the bar ends short of 100 %, saying why). */
    private int notAttemptedFiles;

    public TerminalProgress(PrintStream out, OutcomeLines lines, int width) {
        this.out = requireNonNull(out, "out is null");
        this.lines = requireNonNull(lines, "lines is null");
        this.width = width;
    }

    @Override
    public synchronized void runStarted(int files, long bytes) {
        started = System.nanoTime();
        totalFiles = files;
        totalBytes = bytes;
        draw();
    }

    @Override
    public synchronized void bytesDone(long bytes, boolean sent) {
        doneBytes += bytes;
        sentBytes += sent ? bytes : 0;
        if (System.nanoTime() - lastDrawn >= REDRAW_NANOS) {
            draw();
        }
    }

    @Override
    public synchronized void fileDone(UploadOutcome outcome) {
        doneFiles++;
        if (outcome.status() == UploadOutcome.Status.FAILED || outcome.status() == UploadOutcome.Status.WOULD_UPLOAD) {
            out.print(CLEAR_LINE);
            out.println(lines.describe(outcome));
        }
        draw();
    }

    @Override
    public synchronized void runDone(List<PlannedFile> notAttempted) {
        notAttemptedFiles = notAttempted.size();
        draw();
        out.println();
        out.flush();
    }

    private void draw() {
        lastDrawn = System.nanoTime();
        double seconds = (lastDrawn - started) / 1e9;
        // One column short of the width: writing into the last column makes some terminals wrap.
        out.print(CLEAR_LINE + ProgressBar.render(doneBytes, sentBytes, totalBytes, doneFiles, totalFiles, notAttemptedFiles, seconds, width - 1));
        out.flush();
    }
}
