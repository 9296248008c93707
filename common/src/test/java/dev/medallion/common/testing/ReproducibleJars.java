package dev.medallion.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toList;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks that a jar the build made is reproducible: the same source builds the same bytes. terraform
 * deploys each Lambda jar under its SHA-256, so a jar that differed with every build would redeploy its
 * function (a new version and SnapStart snapshot) on every apply. The project's own entries (common's
 * included) and the manifest carry the build's fixed timestamp ({@code project.build.outputTimestamp}, which
 * the build passes to the tests as {@code medallion.outputTimestamp}), not the time they were compiled or
 * packaged; shaded dependencies keep the times their own jars hold.
 */
public final class ReproducibleJars {
    private ReproducibleJars() {}

    public static void assertStampedWithTheBuildTimestamp(Path jar) throws IOException {
        assertTrue(Files.isRegularFile(jar), "run mvn package first: " + jar.toAbsolutePath());
        String configured = System.getProperty("medallion.outputTimestamp");
        assertNotNull(configured, "the build passes project.build.outputTimestamp to the tests as medallion.outputTimestamp");
        // The entries hold a ZIP (DOS) time, without a zone: the build writes the timestamp's UTC fields, whatever
        // the machine's zone, which is what keeps the bytes the same everywhere; read back as they are.
        LocalDateTime fixed = LocalDateTime.ofInstant(Instant.parse(configured), ZoneOffset.UTC);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Map<LocalDateTime, List<String>> namesByTime = zip.stream()
                    .filter(entry -> entry.getName().startsWith("dev/medallion/") || entry.getName().equals("META-INF/MANIFEST.MF"))
                    .collect(groupingBy(ZipEntry::getTimeLocal, TreeMap::new, mapping(ZipEntry::getName, toList())));
            assertEquals(Set.of(fixed), namesByTime.keySet(), () -> "the project's entries of " + jar + " carry other times than " + fixed + ": "
                    + namesByTime.entrySet().stream().limit(3).map(time -> time.getKey() + " (" + time.getValue().get(0) + ")").toList());
        }
    }
}
