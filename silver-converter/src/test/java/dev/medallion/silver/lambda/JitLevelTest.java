package dev.medallion.silver.lambda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JitLevelTest {
    @Test
    void lambdasCommandLineOptionOverridesTheFunctionsJavaToolOptionsAndIsReported() throws Exception {
        // Lambda's java21 bootstrap: C1 only on the command line; the function's JAVA_TOOL_OPTIONS ask for C2.
        String reported = runJvm(List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"), "-XX:+TieredCompilation -XX:TieredStopAtLevel=4");
        assertTrue(reported.startsWith("level=1 origin=VM_CREATION c1Only=true warning=The JIT stops at level 1 (C1 only; TieredStopAtLevel set by VM_CREATION)"), reported);
        assertTrue(reported.contains("JAVA_TOOL_OPTIONS"), reported);
    }

    @Test
    void javaToolOptionsPrevailWhenTheCommandLineLeavesTheLevelOut() throws Exception {
        String reported = runJvm(List.of(), "-XX:+TieredCompilation -XX:TieredStopAtLevel=4 -XX:CompileThresholdScaling=3");
        assertEquals("level=4 origin=ENVIRON_VAR c1Only=false warning=none", reported);
    }

    @Test
    void c2OnlyIsNotHeldToC1() {
        // Without tiered compilation the level is ignored: C2 compiles everything hot.
        JitLevel c2Only = new JitLevel(false, 1, "VM_CREATION");
        assertFalse(c2Only.c1Only());
        assertTrue(c2Only.warning().isEmpty());
        assertTrue(new JitLevel(true, 3, "ENVIRON_VAR").c1Only(), "level 3 is C1 with full profiling, still never C2");
    }

    @Test
    void theTestJvmRunsC2() {
        JitLevel level = JitLevel.ofRunningJvm().orElseThrow();
        assertFalse(level.c1Only(), level.toString());
        assertTrue(level.warning().isEmpty());
    }

    /** Runs {@link JitLevelProbe} in a new JVM of this Java with the options given, and returns what it reported. */
    private static String runJvm(List<String> commandLine, String javaToolOptions) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(commandLine);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JitLevelProbe.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
        builder.environment().remove("_JAVA_OPTIONS");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        // The JVM announces JAVA_TOOL_OPTIONS on its own line first.
        return output.lines().filter(line -> line.startsWith("level=")).findFirst().orElseThrow(() -> new AssertionError(output));
    }
}
