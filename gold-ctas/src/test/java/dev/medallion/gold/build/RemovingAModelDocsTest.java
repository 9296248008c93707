package dev.medallion.gold.build;

import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.model.GoldModels;
import dev.medallion.gold.sql.GoldStatements;
import dev.medallion.gold.state.BuildStateStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's "Removing a model" names, in shell commands a person runs by hand, every Glue table and S3 key a
 * model leaves once it is out of models.list: nothing in the builder removes them, so a name written there that
 * the code does not use (a state key moved, a build table named otherwise) would leave data behind for good, or
 * delete another model's. The commands are run here in text, with each shipped model and both kinds of gold
 * prefix, against what {@link GoldLayout}, {@link BuildStateStore} and {@link GoldStatements} name.
 */
class RemovingAModelDocsTest {
    private static final Path README = Path.of("README.md");
    private static final String HEADING = "### Removing a model";
    private static final String GOLD_DB = "lake_gold";
    private static final String GOLD_BUCKET = "lake-gold-123456789012";
    private static final Pattern TABLE_FILTER = Pattern.compile("grep -E \"([^\"]+)\"");
    private static final Pattern VIEW_NAME = Pattern.compile("^CREATE OR REPLACE VIEW \"([^\"]+)\"\\.\"([^\"]+)\"");

    @TempDir
    Path temporary;

    /**
     * The stores' root: a folder of the TempDir, not the TempDir itself, because a store's conditional writes lock a file beside
     * its root ({@code .<name>.medallion-lock} in its parent), which must stay inside the TempDir JUnit deletes.
     */
    private Path goldBucket;

    @BeforeEach
    void giveTheStoresAFolderInTheTempDir() throws IOException {
        goldBucket = Files.createDirectories(temporary.resolve("gold"));
    }

    @Test
    void theDocumentedCommandsRemoveExactlyWhatTheBuilderKeepsOfAModel() throws IOException {
        List<String> script = commands();
        List<GoldModel> shipped = GoldModels.shipped().all();
        for (String prefix : List.of("", "tables/")) {
            GoldLayout layout = new GoldLayout(GOLD_BUCKET, prefix);
            BuildStateStore states = new BuildStateStore(new LocalObjectStore(goldBucket), prefix);
            for (GoldModel model : shipped) {
                List<String> commands = substituted(script, model.name(), prefix);
                String where = model.name() + " under the gold prefix '" + prefix + "': " + commands;

                // The view readers query: the table the builder's swap replaces.
                GoldStatements statements = new GoldStatements(model, "lake_silver", GOLD_DB, layout.table(model.name(), build(0)),
                        layout.location(model.name(), build(0)));
                Matcher view = VIEW_NAME.matcher(statements.createOrReplaceView());
                assertTrue(view.find(), statements.createOrReplaceView());
                assertTrue(commands.contains("aws glue delete-table --database-name \"" + view.group(1) + "\" --name \"" + view.group(2) + "\""), where);

                // Its build and staging tables, and no other table: not the view, nor another model's.
                Pattern tables = tableFilter(commands);
                for (int i = 0; i < 20; i++) {
                    BuildId build = build(i);
                    assertTrue(tables.matcher(layout.table(model.name(), build)).matches(), layout.table(model.name(), build) + " " + where);
                    assertTrue(tables.matcher(layout.stagingTable(model.name(), build)).matches(), layout.stagingTable(model.name(), build) + " " + where);
                    for (String other : otherModels(model, shipped)) {
                        assertFalse(tables.matcher(layout.table(other, build)).matches(), layout.table(other, build) + " " + where);
                        assertFalse(tables.matcher(layout.stagingTable(other, build)).matches(), layout.stagingTable(other, build) + " " + where);
                    }
                }
                assertFalse(tables.matcher(model.name()).matches(), "the view is removed on its own: " + where);
                assertFalse(tables.matcher(model.name() + "__backup").matches(), "a table someone made beside the builds stays: " + where);

                // Their files: the folder holding every build and staging folder of the model, and no other model's.
                String folder = "s3://" + GOLD_BUCKET + "/" + layout.modelPrefix(model.name());
                assertTrue(commands.contains("aws s3 rm \"" + folder + "\" --recursive"), where);
                assertTrue(layout.location(model.name(), build(0)).startsWith(folder) && layout.stagingLocation(model.name(), build(0)).startsWith(folder), where);
                for (String other : otherModels(model, shipped)) {
                    assertFalse(layout.location(other, build(0)).startsWith(folder), other + " " + where);
                }

                // Its state and its record before the last swap: the keys the builder reads.
                assertTrue(commands.contains("aws s3 rm \"s3://" + GOLD_BUCKET + "/" + states.key(model.name()) + "\""), where);
                assertTrue(commands.contains("aws s3 rm \"s3://" + GOLD_BUCKET + "/" + states.swapKey(model.name()) + "\""), where);
                assertEquals(3, commands.stream().filter(command -> command.startsWith("aws s3 rm ")).count(), "nothing else is deleted in S3: " + where);
            }
        }
    }

    /** The commands of the section's first shell block: one a line, a line ending in '\' joined to the next, comments and variables left out. */
    private static List<String> commands() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int section = readme.indexOf("\n" + HEADING + "\n");
        assertTrue(section >= 0, README.toAbsolutePath() + " has no section '" + HEADING + "'");
        int start = readme.indexOf("```sh\n", section);
        int end = readme.indexOf("\n```", start + 1);
        assertTrue(start > 0 && end > start, "the section '" + HEADING + "' has no ```sh block");
        String block = readme.substring(start + "```sh\n".length(), end).replace("\\\n", " ");
        List<String> commands = new ArrayList<>();
        for (String line : block.split("\n")) {
            String command = line.replaceAll("\\s+#.*$", "").replaceAll("\\s+", " ").trim();
            if (command.startsWith("aws ")) {
                commands.add(command);
            }
        }
        return commands;
    }

    /** The commands as the shell runs them for {@code model}: its variables in place. */
    private static List<String> substituted(List<String> commands, String model, String prefix) {
        return commands.stream().map(command -> command
                .replace("${MODEL}", model).replace("$MODEL", model)
                .replace("${GOLD_PREFIX}", prefix).replace("$GOLD_PREFIX", prefix)
                .replace("${GOLD_BUCKET}", GOLD_BUCKET).replace("$GOLD_BUCKET", GOLD_BUCKET)
                .replace("${GOLD_DB}", GOLD_DB).replace("$GOLD_DB", GOLD_DB)).toList();
    }

    /** The anchored pattern the commands keep table names with; in double quotes, the shell reads '\$' as '$'. */
    private static Pattern tableFilter(List<String> commands) {
        for (String command : commands) {
            Matcher filter = TABLE_FILTER.matcher(command);
            if (filter.find()) {
                return Pattern.compile(filter.group(1).replace("\\$", "$"));
            }
        }
        throw new AssertionError("no grep -E \"...\" keeping the model's build tables in " + commands);
    }

    /** The other shipped models, and names that start like this one's (a model may be named so). */
    private static List<String> otherModels(GoldModel model, List<GoldModel> shipped) {
        List<String> others = new ArrayList<>(shipped.stream().map(GoldModel::name).filter(name -> !name.equals(model.name())).toList());
        others.add(model.name() + "_daily");
        others.add(model.name() + "__v2");
        return others;
    }

    private static BuildId build(int seed) {
        return BuildId.next(Clock.fixed(Instant.parse("2026-03-14T23:30:00Z").plusSeconds(seed * 3_601L), ZoneOffset.UTC), new Random(seed));
    }
}
