package dev.medallion.gold.model;

import io.trino.sql.parser.ParsingException;
import io.trino.sql.parser.SqlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldModelsTest {
    private static final String SALES_MODEL = "-- sources: sales\nSELECT region FROM ${silver_database}.sales\n";

    @TempDir
    Path root;

    private final GoldModels models = new GoldModels("models", GoldModelsTest.class.getClassLoader());

    @Test
    void readsTheListedModelsWithTheirSettings() {
        List<GoldModel> all = models.all();

        assertEquals(1, all.size());
        GoldModel model = all.get(0);
        assertEquals("daily_revenue", model.name());
        assertEquals("Revenue per day", model.description());
        assertEquals(List.of("sale_date"), model.partitionedBy());
        assertEquals(List.of("sales"), model.sources());
        assertTrue(model.select().startsWith("SELECT region"), model.select());
        assertTrue(model.select().endsWith("CAST(\"timestamp\" AS DATE)"), "the trailing semicolon is dropped: " + model.select());
        assertTrue(model.select("lake_silver").contains("FROM lake_silver.sales"));
    }

    @Test
    void namedModelsMustExist() {
        assertEquals("daily_revenue", models.named(List.of("daily_revenue")).get(0).name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> models.named(List.of("weekly")));
        assertEquals("Unknown gold model 'weekly'; known models: [daily_revenue]", e.getMessage());
    }

    @Test
    void rejectsWhatWouldFailLater() {
        // Without the file's name, which the caller, who knows where the file is, puts first.
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x", "-- partition: d\nSELECT 1 FROM ${silver_database}.t")).getMessage()
                .startsWith("line 1: unknown setting 'partition'; known settings: [description, partitioned_by, sources]. "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x", "-- sources: t\nSELECT 1 FROM silver.t"))
                .getMessage().contains("name them as ${silver_database}.<table>"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x", "-- description: d\nSELECT 1 FROM ${silver_database}.t"))
                .getMessage().contains("names no sources"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x", "-- sources: t\n"))
                .getMessage().contains("no SELECT after the header"));
    }

    /** "-- Note: ..." is a comment to its writer and a setting to the parser: the error says so, and how to write a comment. */
    @Test
    void aHeaderCommentHoldingAColonIsNamedAsReadForASettingWithHowToWriteAFreeComment() {
        String message = assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x",
                "-- description: d\n-- Note: this table is rebuilt daily\n-- sources: sales\nSELECT 1 FROM ${silver_database}.sales")).getMessage();
        assertEquals("line 2: unknown setting 'note'; known settings: [description, partitioned_by, sources]. A header comment line holding a colon"
                + " ('-- word: ...') is read as a setting: write a free comment without a colon ('-- Note, this ...'), or inside the SELECT"
                + " (a -- line after its first line)", message);
        // Both ways the message gives are read.
        assertEquals("d", GoldModels.parse("x", "-- description: d\n-- Note, this table is rebuilt daily\n-- sources: sales\nSELECT 1 FROM ${silver_database}.sales")
                .description());
        assertTrue(GoldModels.parse("x", "-- sources: sales\nSELECT 1\n-- Note: this table is rebuilt daily\nFROM ${silver_database}.sales").select()
                .contains("-- Note: this table is rebuilt daily"));
    }

    /** An engine counts lines from the SELECT; a person edits the file, whose header comes first. */
    @Test
    void aPositionInTheSelectIsGivenInTheModelsFile() throws IOException {
        String text = "-- description: d\n-- sources: sales\n\n  \nSELECT region,\n    amount\nFROM ${silver_database}.sales\n";
        GoldModel fromFile = GoldModels.parse("x", text, "/models/x.sql");
        assertEquals(5, fromFile.selectLine());
        assertEquals("/models/x.sql:6:5", fromFile.position(2, 5));
        assertEquals("/models/x.sql:5", fromFile.position(1));
        assertEquals("gold/x.sql:7:1 in /path/app.jar", GoldModels.parse("x", text, "gold/x.sql in /path/app.jar").position(3, 1));
        assertEquals("line 2:5 of its SELECT", GoldModels.parse("x", text).position(2, 5));

        Path directory = modelDirectory("x\n", "x");
        Files.writeString(directory.resolve("x.sql"), text);
        assertEquals(directory.resolve("x.sql") + ":6:5", readFrom(directory).get(0).position(2, 5));
    }

    /** Trino counts columns from the start of the SELECT's first line, indentation included: so does the file. */
    @Test
    void aPositionOnAnIndentedFirstLineIsTheFilesColumn() {
        GoldModel model = GoldModels.parse("x", "-- sources: sales\n    SELECT region,, amount FROM ${silver_database}.sales\n", "/models/x.sql");
        ParsingException error = assertThrows(ParsingException.class, () -> new SqlParser().createStatement(model.select("lake_silver")));
        assertEquals("/models/x.sql:2:19", model.position(error.getLineNumber(), error.getColumnNumber()));
    }

    /** The sources are what rebuilds a model: a table read but not listed, or listed but not read, would leave it stale silently. */
    @Test
    void theSourcesAreExactlyTheSilverTablesTheSelectReads() {
        assertEquals("Gold model x reads [customers] without listing them in '-- sources:': it would not be rebuilt when they change;"
                        + " add them to its '-- sources:' line",
                assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x",
                        "-- sources: sales\nSELECT 1 FROM ${silver_database}.sales JOIN ${silver_database}.\"customers\" USING (id)")).getMessage());
        // A table misspelt in the SELECT alone is read unlisted and listed unread at once: the message says both, and the likely typo.
        assertEquals("Gold model x reads [stores_uk] without listing them in '-- sources:', which lists [stores_eu] that it does not read:"
                        + " correct the table's name in the SELECT if it is a typo of a listed source; else make '-- sources:' list exactly the silver"
                        + " tables the SELECT reads",
                assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x",
                        "-- sources: sales, stores_eu\nSELECT 1 FROM ${silver_database}.sales JOIN ${silver_database}.stores_uk USING (id)")).getMessage());
        assertEquals("Gold model x lists source 'Sales': sources are silver dataset names, lowercase [a-z0-9_]",
                assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x", "-- sources: Sales\nSELECT 1 FROM ${silver_database}.sales")).getMessage());
        assertEquals("Gold model x lists [products] in '-- sources:' but reads no ${silver_database}.products",
                assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x", "-- sources: sales, products\nSELECT 1 FROM ${silver_database}.sales")).getMessage());
        assertEquals("Gold model x holds ${silver_databse}: the only placeholder is ${silver_database}",
                assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x",
                        "-- sources: sales\nSELECT 1 FROM ${silver_database}.sales JOIN ${silver_databse}.products USING (id)")).getMessage());
        assertEquals(List.of("sales"), GoldModels.parse("x", "-- sources: sales\nSELECT 1 FROM ${silver_database}.Sales").sources(), "Athena's names are not case-sensitive");
        // Comments and string literals are not reads; a quoted placeholder is one.
        assertEquals(List.of("sales"), GoldModels.parse("x", "-- sources: sales\nSELECT 'see ${silver_database}.old_sales', 'it''s' AS n\n"
                + "FROM \"${silver_database}\".\"sales\" -- JOIN ${silver_database}.returns USING (id)\n/* ${silver_database}.archive */").sources());
    }

    @Test
    void commentsAndStringsAreBlankedButQuotedIdentifiersStay() {
        assertEquals("SELECT '' AS a, \"b\"\"c\" FROM t  \n ", GoldModel.withoutCommentsAndStrings("SELECT 'x''y' AS a, \"b\"\"c\" FROM t -- c\n/* d */"));
        assertEquals("SELECT ''", GoldModel.withoutCommentsAndStrings("SELECT 'unterminated"));
    }

    /** models.list's README says '#' starts a comment: after a name too, not only at the start of a line. */
    @Test
    void aCommentAfterANameInTheListIsAComment() throws IOException {
        Path directory = modelDirectory("# the models\ndaily_sales  # revenue per day\nweekly_sales# per week\n", "daily_sales", "weekly_sales");

        assertEquals(List.of("daily_sales", "weekly_sales"), readFrom(directory).stream().map(GoldModel::name).toList());
    }

    /**
     * A list with no name (empty, or every line commented out while editing) built nothing and said nothing:
     * local printed "0 of 0 table(s)" with exit code 0, and the Lambda builder built nothing. It is refused,
     * naming the list, what to write in it, and the .sql files there to name.
     */
    @Test
    void aListNamingNoModelIsRefusedNamingTheListWhatToWriteAndTheModelFilesBesideIt() throws IOException {
        Path empty = modelDirectory("", "daily_sales", "weekly_sales");
        String emptyRefused = empty.resolve("models.list") + " names no model (it is empty): write one model name per line, each the name of a <name>.sql"
                + " file beside it ('#' starts a comment); the .sql files beside it: daily_sales.sql, weekly_sales.sql";
        assertEquals(emptyRefused, assertThrows(IllegalArgumentException.class, () -> readFrom(empty)).getMessage());

        Path commentedOut = modelDirectory("# the models\n\n  # daily_sales\n", "daily_sales");
        assertEquals(commentedOut.resolve("models.list") + " names no model (every line is blank or a comment): write one model name per line, each"
                        + " the name of a <name>.sql file beside it ('#' starts a comment); the .sql files beside it: daily_sales.sql",
                assertThrows(IllegalArgumentException.class, () -> readFrom(commentedOut)).getMessage());

        Path nothingBeside = modelDirectory(" \r\n");
        assertEquals(nothingBeside.resolve("models.list") + " names no model (it is empty): write one model name per line, each the name"
                        + " of a <name>.sql file beside it ('#' starts a comment); there is no .sql file beside it yet",
                assertThrows(IllegalArgumentException.class, () -> readFrom(nothingBeside)).getMessage());
        // named() reads the list too (the Lambda builder asked for one model): the list is the reason, not the model's name.
        assertEquals(emptyRefused, assertThrows(IllegalArgumentException.class, () -> {
            try (URLClassLoader loader = new URLClassLoader(new URL[] {empty.getParent().toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
                new GoldModels(empty.getFileName().toString(), loader).named(List.of("daily_sales"));
            }
        }).getMessage());
    }

    /** The model files of a directory, by name, in order: what an error offers to list. */
    @Test
    void theModelFilesOfADirectoryAreItsSqlFilesInNameOrder() throws IOException {
        Path directory = modelDirectory("b\n", "b", "a");
        Files.writeString(directory.resolve("notes.txt"), "not a model");
        Files.createDirectories(directory.resolve("old.sql"));

        assertEquals(List.of("a.sql", "b.sql"), GoldModels.modelFilesIn(directory));
        assertEquals(List.of(), GoldModels.modelFilesIn(directory.resolve("no-such-folder")));
    }

    /** A forced build of every model would build a model listed twice twice, the second deleting the build kept for rollback. */
    @Test
    void aModelListedTwiceIsRefusedNamingTheListAndTheModel() throws IOException {
        Path directory = modelDirectory("daily_sales\n# again, by mistake\ndaily_sales\n", "daily_sales");

        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> readFrom(directory));

        assertEquals(directory.resolve("models.list") + " names daily_sales twice (lines 1 and 3): list each model once", twice.getMessage());
    }

    /** Models tried from a directory (local's --models DIR) are named by their files there, not as the jar's gold/ resources. */
    @Test
    void errorsNameTheFilesOfTheDirectoryTheModelsComeFrom() throws IOException {
        Path missing = modelDirectory("daily_sales\nweekly_sales\n", "daily_sales");
        assertEquals("Gold model file " + missing.resolve("weekly_sales.sql") + " is missing: " + missing.resolve("models.list")
                        + " names weekly_sales on line 2, and each model listed needs its <name>.sql beside the list: write it, or take the name"
                        + " out of the list (the .sql files beside it: daily_sales.sql)",
                assertThrows(IllegalStateException.class, () -> readFrom(missing)).getMessage());

        Path unknownSetting = modelDirectory("daily_sales\n", "daily_sales");
        Files.writeString(unknownSetting.resolve("daily_sales.sql"), "-- partition: d\n" + SALES_MODEL);
        String unknown = assertThrows(IllegalArgumentException.class, () -> readFrom(unknownSetting)).getMessage();
        assertTrue(unknown.startsWith(unknownSetting.resolve("daily_sales.sql") + ": line 1: unknown setting 'partition'; known settings: [description, partitioned_by, sources]. "),
                unknown);

        Path notAName = modelDirectory("Daily Sales\n", "daily_sales");
        assertEquals(notAName.resolve("models.list") + " line 1: 'Daily Sales' is not a model name: lowercase [a-z0-9_], starting with a letter, the name of its"
                        + " <name>.sql file",
                assertThrows(IllegalArgumentException.class, () -> readFrom(notAName)).getMessage());
    }

    /**
     * Editors on Windows start UTF-8 files with a byte order mark; read as text it hid the first header line
     * (refused as "names no sources") and the first name of the list (refused as not a model name).
     */
    @Test
    void aByteOrderMarkBeforeTheListOrTheHeaderIsNotText() throws IOException {
        Path directory = modelDirectory("\uFEFFdaily_sales\r\n", "daily_sales");
        Files.writeString(directory.resolve("daily_sales.sql"), "\uFEFF-- partitioned_by: region\r\n" + SALES_MODEL.replace("\n", "\r\n"));

        GoldModel model = readFrom(directory).get(0);

        assertEquals("daily_sales", model.name());
        assertEquals(List.of("region"), model.partitionedBy());
        assertEquals(List.of("sales"), model.sources());
        assertEquals(3, model.selectLine());
    }

    /** Without even a list, there is no directory to name: the models are looked for on the class path. */
    @Test
    void aListMissingFromTheClassPathIsNamedAsSuch() {
        GoldModels absent = new GoldModels("no-such-models", GoldModelsTest.class.getClassLoader());
        assertEquals("Gold models list no-such-models/models.list is missing from the class path",
                assertThrows(IllegalStateException.class, absent::all).getMessage());
    }

    /**
     * A list the class loader finds but that cannot be opened (a file this process may not read; the test runs as a user who reads
     * any file, so the loader finds one that is gone when opened) is said to be unreadable, with what happened: the class loader's
     * {@code getResourceAsStream} answers null for a resource it found and could not open, and it was reported missing from the
     * class path, sending a person to look for a file that is there.
     */
    @Test
    void aListFoundButUnreadableIsSaidToBeUnreadableWithWhatHappenedNotMissing() throws IOException {
        Path unreadable = root.resolve("models.list");

        UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> new GoldModels("gold", resourcesAt(Map.of("gold/models.list", unreadable))).all());

        assertTrue(failure.getMessage().startsWith("Could not read " + unreadable + ": ") && failure.getMessage().contains("No such file or directory")
                && !failure.getMessage().contains("missing"), failure.getMessage());
    }

    @Test
    void aModelFileFoundButUnreadableIsSaidToBeUnreadableNotMissing() throws IOException {
        Path directory = modelDirectory("daily\n");
        Path unreadable = directory.resolve("daily.sql");
        ClassLoader loader = resourcesAt(Map.of("gold/models.list", directory.resolve("models.list"), "gold/daily.sql", unreadable));

        UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> new GoldModels("gold", loader).all());

        assertTrue(failure.getMessage().startsWith("Could not read " + unreadable + ": ") && !failure.getMessage().contains("missing"), failure.getMessage());
    }

    /** A class loader that finds each resource named at its file, whether the file is there or not, as a class loader finds one it then cannot open. */
    private static ClassLoader resourcesAt(Map<String, Path> files) {
        return new ClassLoader(ClassLoader.getPlatformClassLoader()) {
            @Override
            protected URL findResource(String name) {
                try {
                    return files.containsKey(name) ? files.get(name).toUri().toURL() : null;
                }
                catch (MalformedURLException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** Where a class loader found a file, as a person looks for it: on disk, or inside the jar. */
    @Test
    void aResourceIsDescribedAsAPathOrAnEntryOfItsJar() {
        assertEquals("gold/top_products.sql in /opt/app/gold-ctas.jar", GoldModels.describe("jar:file:/opt/app/gold-ctas.jar!/gold/top_products.sql"));
        assertEquals("/home/me/my models/top_products.sql", GoldModels.describe("file:/home/me/my%20models/top_products.sql"));
        assertEquals("vfs:/opaque/top_products.sql", GoldModels.describe("vfs:/opaque/top_products.sql"));
    }

    /** A directory named {@code models} under the test's root, holding the list and the named models, all reading sales. */
    private Path modelDirectory(String list, String... models) throws IOException {
        Path directory = Files.createDirectories(root.resolve(String.valueOf(root.toFile().list().length)).resolve("models"));
        Files.writeString(directory.resolve("models.list"), list);
        for (String model : models) {
            Files.writeString(directory.resolve(model + ".sql"), SALES_MODEL);
        }
        return directory;
    }

    /** As local's {@code --models DIR} reads them: through a class loader over the directory's parent. */
    private static List<GoldModel> readFrom(Path directory) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {directory.getParent().toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            return new GoldModels(directory.getFileName().toString(), loader).all();
        }
    }
}
