package dev.medallion.common;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * No two of the project's own packages ({@code dev.medallion.*}) depend on each other, directly or through others, in the
 * main sources of every module the root pom lists: a package depends on another where its code names a class of it (an import,
 * a static import, a qualified name). The sources are read, not the classes, because a constant a class takes from another
 * ({@code SilverSettings.CSV_ENCODINGS}) is copied into it by the compiler and leaves no trace in its bytecode. Comments are left
 * out: a {@code {@link}} in a Javadoc is no dependency of the code. Tests are left out too: a package's tests use the harness
 * ({@code dev.medallion.common.testing}), which uses the packages it stands in for.
 */
class PackageCyclesTest {
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    // A package named before a class (dev.medallion.common.config.SilverSettings) or a wildcard (dev.medallion.common.config.*).
    private static final Pattern NAMED_PACKAGE = Pattern.compile("\\bdev\\.medallion(?:\\.[a-z_]\\w*)+(?=\\s*\\.\\s*(?:[A-Z]|\\*))");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    @Test
    void noPackageOfTheProjectDependsOnItselfThroughAnother() {
        Path root = repositoryRoot();
        Map<String, Map<String, Set<String>>> dependencies = new TreeMap<>();
        List<Path> sourceRoots = new ArrayList<>();
        for (String module : modules(root)) {
            Path sources = root.resolve(module).resolve("src/main/java");
            if (Files.isDirectory(sources)) {
                sourceRoots.add(sources);
                addDependencies(root, sources, dependencies);
            }
        }
        // A moved module or source root would silently leave the check with nothing to read.
        assertTrue(sourceRoots.size() >= 5, "main sources read: " + sourceRoots);
        assertTrue(dependencies.containsKey("dev.medallion.common.config"), "packages read: " + dependencies.keySet());

        List<String> cycles = cycles(dependencies);
        if (!cycles.isEmpty()) {
            fail("Packages that depend on each other (each package, what it depends on in the cycle, and the files that name it). "
                    + "Make the dependency go one way: move the shared piece into the package both can depend on.\n"
                    + String.join("\n", cycles));
        }
    }

    @Test
    void aCycleIsFoundThroughAThirdPackageAndNamesTheFilesThatMakeIt() {
        Map<String, Map<String, Set<String>>> dependencies = new TreeMap<>();
        addDependency(dependencies, "a", "b", "A.java");
        addDependency(dependencies, "b", "c", "B.java");
        addDependency(dependencies, "c", "a", "C.java");
        addDependency(dependencies, "c", "d", "C.java");
        addDependency(dependencies, "d", "e", "D.java");
        assertEquals(List.of("a -> b (A.java); b -> c (B.java); c -> a (C.java)"), cycles(dependencies));
    }

    @Test
    void aClassNamedInCodeIsADependencyButOneInACommentOrAStringIsNot() {
        String source = """
                package dev.medallion.x;

                import dev.medallion.common.config.SilverSettings;
                import static dev.medallion.common.text.EncodingSource.CSV_ENCODINGS;
                import dev.medallion.common.layout.*;

                /** See {@link dev.medallion.silver.parquet.ParquetSchemas}. */
                final class X {
                    // dev.medallion.gold.sql.GoldModel
                    /* dev.medallion.gold.build.GoldBuilder */
                    String a = "dev.medallion.bronze.upload.CsvFiles // not a comment";
                    char c = '"';
                    Object b = new dev.medallion.common.storage.LocalObjectStore(null);
                    String d = \"""
                            dev.medallion.local.Text \\\""" still text
                            \""";
                }
                """;
        assertEquals(Set.of("dev.medallion.common.config", "dev.medallion.common.text", "dev.medallion.common.layout",
                "dev.medallion.common.storage"), namedPackages(withoutCommentsAndLiterals(source)));
        assertFalse(withoutCommentsAndLiterals(source).contains("ParquetSchemas"));
    }

    private static Path repositoryRoot() {
        // Surefire runs in the module's folder (common/), the root pom one above; an IDE may run in the repository's root.
        Path here = Path.of("").toAbsolutePath();
        Path root = Files.isDirectory(here.resolve("common")) ? here : here.getParent();
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")) && Files.isDirectory(root.resolve("common")), "no repository root at " + root);
        return root;
    }

    private static List<String> modules(Path root) {
        Matcher modules = MODULE.matcher(read(root.resolve("pom.xml")));
        List<String> names = new ArrayList<>();
        while (modules.find()) {
            names.add(modules.group(1).trim());
        }
        return names;
    }

    private static void addDependencies(Path root, Path sources, Map<String, Map<String, Set<String>>> dependencies) {
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
                String code = withoutCommentsAndLiterals(read(file));
                Matcher declared = PACKAGE.matcher(code);
                assertTrue(declared.find(), "no package declaration in " + root.relativize(file));
                String from = declared.group(1);
                dependencies.computeIfAbsent(from, any -> new TreeMap<>());
                for (String to : namedPackages(code)) {
                    if (!to.equals(from)) {
                        addDependency(dependencies, from, to, root.relativize(file).toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list the sources under " + sources, e);
        }
    }

    private static void addDependency(Map<String, Map<String, Set<String>>> dependencies, String from, String to, String file) {
        dependencies.computeIfAbsent(from, any -> new TreeMap<>()).computeIfAbsent(to, any -> new TreeSet<>()).add(file);
    }

    private static Set<String> namedPackages(String code) {
        Set<String> packages = new TreeSet<>();
        Matcher named = NAMED_PACKAGE.matcher(code);
        while (named.find()) {
            packages.add(named.group().replaceAll("\\s", ""));
        }
        return packages;
    }

    /**
     * Each cycle once, from its smallest package along the shortest way back to it, edges with the files that make them: for every
     * package, the shortest path from one of its dependencies back to it.
     */
    static List<String> cycles(Map<String, Map<String, Set<String>>> dependencies) {
        Set<String> found = new TreeSet<>();
        for (String start : dependencies.keySet()) {
            List<String> cycle = shortestCycleThrough(start, dependencies);
            if (!cycle.isEmpty()) {
                int smallest = cycle.indexOf(cycle.stream().min(String::compareTo).orElseThrow());
                List<String> rotated = new ArrayList<>(cycle.subList(smallest, cycle.size()));
                rotated.addAll(cycle.subList(0, smallest));
                List<String> edges = new ArrayList<>();
                for (int i = 0; i < rotated.size(); i++) {
                    String from = rotated.get(i);
                    String to = rotated.get((i + 1) % rotated.size());
                    edges.add(from + " -> " + to + " (" + String.join(", ", dependencies.get(from).get(to)) + ")");
                }
                found.add(String.join("; ", edges));
            }
        }
        return List.copyOf(found);
    }

    /** The packages of the shortest cycle from start back to it, start first; empty when there is none. */
    private static List<String> shortestCycleThrough(String start, Map<String, Map<String, Set<String>>> dependencies) {
        Map<String, String> reachedFrom = new TreeMap<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(start);
        while (!queue.isEmpty()) {
            String from = queue.remove();
            for (String to : dependencies.getOrDefault(from, Map.of()).keySet()) {
                if (to.equals(start)) {
                    List<String> cycle = new ArrayList<>();
                    for (String step = from; !step.equals(start); step = reachedFrom.get(step)) {
                        cycle.add(0, step);
                    }
                    cycle.add(0, start);
                    return cycle;
                }
                if (!reachedFrom.containsKey(to)) {
                    reachedFrom.put(to, from);
                    queue.add(to);
                }
            }
        }
        return List.of();
    }

    /** The source with its comments, string, text block and character literals blanked out, line breaks kept. */
    static String withoutCommentsAndLiterals(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            int end;
            if (source.startsWith("//", i)) {
                end = source.indexOf('\n', i);
                end = end < 0 ? source.length() : end;
            } else if (source.startsWith("/*", i)) {
                end = source.indexOf("*/", i + 2);
                end = end < 0 ? source.length() : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                end = literalEnd(source, i + 3, "\"\"\"");
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                end = literalEnd(source, i + 1, String.valueOf(source.charAt(i)));
            } else {
                code.append(source.charAt(i++));
                continue;
            }
            for (; i < end; i++) {
                code.append(source.charAt(i) == '\n' ? '\n' : ' ');
            }
        }
        return code.toString();
    }

    private static int literalEnd(String source, int from, String closing) {
        for (int i = from; i < source.length(); i++) {
            if (source.charAt(i) == '\\') {
                i++;
            } else if (source.startsWith(closing, i)) {
                return i + closing.length();
            }
        }
        return source.length();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }
}
