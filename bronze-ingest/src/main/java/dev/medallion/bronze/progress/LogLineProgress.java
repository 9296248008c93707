package dev.medallion.bronze.progress;

import dev.medallion.bronze.upload.UploadListener;
import dev.medallion.bronze.upload.UploadOutcome;

import java.io.PrintStream;

import static java.util.Objects.requireNonNull;

/** Progress when nobody watches a terminal (CI logs, a pipe): one plain line per file as it finishes. */
public final class LogLineProgress implements UploadListener {
    private final PrintStream out;
    private final OutcomeLines lines;

    public LogLineProgress(PrintStream out, OutcomeLines lines) {
        this.out = requireNonNull(out, "out is null");
        this.lines = requireNonNull(lines, "lines is null");
    }

    @Override
    public void runStarted(int files, long bytes) {}

    @Override
    public void bytesDone(long bytes, boolean sent) {}

    @Override
    public synchronized void fileDone(UploadOutcome outcome) {
        out.println(lines.describe(outcome));
        out.flush();
    }

    @Override
    public void runDone() {}
}
