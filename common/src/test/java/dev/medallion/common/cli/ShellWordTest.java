package dev.medallion.common.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ShellWordTest {
    /**
     * Each word, pasted into a real shell's command line, reaches the command as one argument, unchanged: run in a
     * directory holding files a bare {@code ?} or {@code *} would match.
     */
    @Test
    void aShellGivesTheCommandTheWordAsWritten(@TempDir Path directory) throws IOException, InterruptedException {
        Files.writeString(directory.resolve("x"), "");
        Files.writeString(directory.resolve("y.csv"), "");
        for (String word : List.of("N/A", "?", "*", "#N/A", "it's", "two words", "$HOME", "a\\N", "`id`", "\"q\"", "sales/2026 03.csv", "-")) {
            Process shell = new ProcessBuilder("sh", "-c", "printf '%s|' " + ShellWord.of(word)).directory(directory.toFile()).redirectErrorStream(true).start();
            String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, shell.waitFor(), out);
            assertEquals(word + "|", out, "the shell's argument for " + ShellWord.of(word));
        }
    }

    @Test
    void aPlainWordStaysAsItIs() {
        assertEquals("N/A", ShellWord.of("N/A"));
        assertEquals("sales/2026-03-01.csv", ShellWord.of("sales/2026-03-01.csv"));
        assertEquals("'?'", ShellWord.of("?"));
        assertEquals("'it'\\''s'", ShellWord.of("it's"));
    }
}
