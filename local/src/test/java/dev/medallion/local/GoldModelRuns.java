package dev.medallion.local;

import dev.medallion.common.config.Environment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command run as a person runs it, and gold models written for it in a test's directory: {@code models/}, its
 * models.list and one file a model, the lake in {@code lake/}. Shared by the tests that refuse models and build their look-alikes.
 */
final class GoldModelRuns {
    /** What a run printed and its exit code. */
    record Outcome(int exit, String out, String err) {}

    /** A gold model as a test writes it: its file holds a sources line naming {@code source}, then {@code sql}. */
    record Model(String name, String source, String sql) {
        Model {
            requireNonNull(name, "name is null");
            requireNonNull(source, "source is null");
            requireNonNull(sql, "sql is null");
        }
    }

    private final Path directory;

    GoldModelRuns(Path directory) {
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** The command with these arguments and this environment, its output kept. */
    static Outcome run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LocalLakehouseCli.run(List.of(args), new Environment(environment), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Model model(String name, String source, String sql) {
        return new Model(name, source, sql);
    }

    /** `local` over the sample data into the lake, with the models of {@code models}. */
    Outcome runModels(Path models) {
        return run(Map.of(), "local", "--input", SampleData.directory().toString(), "--lake", directory.resolve("lake").toString(), "--models", models.toString());
    }

    /** `local` over the sample data with these models, listed in this order, each a file of its name: its sources line, then its SQL. */
    Outcome runModels(Model... models) throws IOException {
        Path folder = models(Arrays.stream(models).map(Model::name).toArray(String[]::new));
        for (Model model : models) {
            Files.writeString(folder.resolve(model.name() + ".sql"), "-- sources: " + model.source() + "\n" + model.sql() + "\n");
        }
        return runModels(folder);
    }

    /** The models directory, made, with a models.list naming {@code names} in this order. */
    Path models(String... names) throws IOException {
        Path models = Files.createDirectories(directory.resolve("models"));
        Files.writeString(models.resolve("models.list"), String.join("\n", names) + "\n");
        return models;
    }

    /** The file of a model {@link #runModels(Model...)} wrote. */
    Path modelFile(String name) {
        return directory.resolve("models").resolve(name + ".sql");
    }

    /** The error lines a run printed. */
    static List<String> errors(Outcome outcome) {
        return outcome.err().lines().filter(line -> line.startsWith("error: ")).toList();
    }

    /** The run failed (exit code 1) with exactly these error lines, in this order. */
    static void assertRefused(Outcome outcome, String... errors) {
        assertEquals(1, outcome.exit(), outcome.err());
        assertEquals(List.of(errors), errors(outcome), outcome.err());
    }

    /** The run built {@code model}, a look-alike of a refused one: {@code why} says what it shows builds. */
    static void assertBuilt(Outcome outcome, String model, String why) {
        assertTrue(outcome.out().contains("\n" + model + ": "), why + ": " + outcome.out());
    }
}
