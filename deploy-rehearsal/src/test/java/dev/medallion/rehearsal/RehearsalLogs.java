package dev.medallion.rehearsal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where a rehearsal keeps its logs: a directory of its own under {@code target/}, emptied when it starts. */
final class RehearsalLogs {
    private RehearsalLogs() {}

    /** {@code target/<name>}, absolute, emptied of an earlier run's logs and created. */
    static Path fresh(String name) throws IOException {
        Path directory = Path.of("target", name).toAbsolutePath();
        if (Files.isDirectory(directory)) {
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        return Files.createDirectories(directory);
    }
}
