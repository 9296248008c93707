package dev.medallion.bronze.progress;

import dev.medallion.bronze.upload.PlannedFile;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogLineProgressTest {
    /** A log has a line for each file done; the files a stopped run left get one line, naming the first few, plain text. */
    @Test
    void theFilesNotAttemptedGetOneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LogLineProgress progress = new LogLineProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), new OutcomeLines("bronze"));
        List<PlannedFile> left = IntStream.range(0, 7)
                .mapToObj(i -> new PlannedFile(Path.of("f" + i + ".csv"), "d/f" + i + ".csv", 10, FileTime.fromMillis(0)))
                .toList();

        progress.runStarted(9, 90);
        progress.runDone(left);

        assertEquals("not attempted 7 files (the run stopped starting files, below): f0.csv, f1.csv, f2.csv, f3.csv, f4.csv, ...\n",
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aRunThatAttemptedEveryFileEndsWithNoLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LogLineProgress progress = new LogLineProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), new OutcomeLines("bronze"));

        progress.runStarted(0, 0);
        progress.runDone(List.of());

        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }
}
