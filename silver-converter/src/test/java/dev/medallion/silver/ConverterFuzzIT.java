package dev.medallion.silver;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@link ConverterFuzz}, seeded, in a JVM of {@code -Xmx256m}: every mutated file converts with its
 * rows accounted for and read back, or is rejected with one line and nothing left behind; never an
 * exception, a hang or an OutOfMemoryError. {@code -Dfuzz.seed} and {@code -Dfuzz.cases} replay or widen it.
 */
class ConverterFuzzIT {
    private static final long SEED = Long.getLong("fuzz.seed", 20261201L);
    private static final int CASES = Integer.getInteger("fuzz.cases", 400);

    @Test
    void mutatedFilesConvertWithEveryRowAccountedForOrAreRejectedInOneLine() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), ConverterFuzz.class.getName(),
                String.valueOf(SEED), String.valueOf(CASES), "../sample-data")
                .redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the fuzzer itself hung: " + printed);
        System.out.print(printed.lines().filter(line -> line.startsWith("fuzz:")).findFirst().orElse("") + System.lineSeparator());

        assertEquals(0, process.exitValue(), printed);
        assertTrue(printed.contains("fuzz: seed " + SEED + ", " + CASES + " cases"), printed);
        assertTrue(printed.contains(" 0 failure(s)"), printed);
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
