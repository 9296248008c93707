package dev.medallion.bronze.progress;

import dev.medallion.bronze.upload.PlannedFile;
import dev.medallion.bronze.upload.UploadListener;
import dev.medallion.bronze.upload.UploadOutcome;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** Progress when nobody watches a terminal (CI logs, a pipe): one plain line per file as it finishes. */
public final class LogLineProgress implements UploadListener {
    /** Beyond this many files not attempted, their line names the first ones only. */
    private static final int MAX_NAMED = 5;

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
    public synchronized void runDone(List<PlannedFile> notAttempted) {
        if (!notAttempted.isEmpty()) {
            // One line, not one a file: a run stopped early may leave thousands, and the closing lines say why and what to do.
            out.println("not attempted " + notAttempted.size() + (notAttempted.size() == 1 ? " file" : " files") + " (the run stopped starting files, below): "
                    + notAttempted.stream().limit(MAX_NAMED).map(file -> file.path().toString()).collect(Collectors.joining(", "))
                    + (notAttempted.size() > MAX_NAMED ? ", ..." : ""));
            out.flush();
        }
    }
}
