package dev.medallion.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs a class's {@code main} in a JVM of its own that holds no capability ({@code setpriv}), on this JVM's class path, so
 * that file modes hold for root too: how a test shows what a command does with a file or folder its user cannot read or
 * write, where the tests run as root (a container's). Where {@code setpriv} (util-linux) is missing, or cannot drop
 * root's capabilities (that takes CAP_SETPCAP, which a container's root may lack), the test is skipped, saying why.
 */
public final class WithoutCapabilities {
    /** What the command ended with, and wrote. */
    public record Outcome(int exit, String out, String err) {}

    private WithoutCapabilities() {}

    /** Runs {@code main} with {@code args}, the JVM given {@code jvmOptions} (a {@code -D} setting) before the class path. */
    public static Outcome run(List<String> jvmOptions, Class<?> main, List<String> args) throws IOException, InterruptedException {
        requireNonNull(jvmOptions, "jvmOptions is null");
        requireNonNull(main, "main is null");
        requireNonNull(args, "args is null");
        Path setpriv = Stream.of("/usr/bin/setpriv", "/bin/setpriv").map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(setpriv != null, "running as root without setpriv (util-linux): file modes do not hold for root");
        Process probe = new ProcessBuilder(setpriv.toString(), "--bounding-set=-all", "--inh-caps=-all", "true").redirectErrorStream(true).start();
        String probed = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, () -> "setpriv cannot drop root's capabilities here: " + probed);
        List<String> command = new ArrayList<>(List.of(setpriv.toString(), "--bounding-set=-all", "--inh-caps=-all",
                ProcessHandle.current().info().command().orElse("java")));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running after 60 s");
        return new Outcome(process.exitValue(), out, new String(err.join(), StandardCharsets.UTF_8));
    }
}
