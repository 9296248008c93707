package dev.medallion.local;

import dev.medallion.common.cli.CommandLine;
import dev.medallion.common.cli.ShellWord;
import dev.medallion.common.cli.UsageException;
import dev.medallion.common.config.ConfigurationException;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.Environment;
import dev.medallion.common.config.SilverSettings;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.common.text.UnreadNames;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.model.GoldModels;
import dev.medallion.gold.sql.PartitionBatches;
import dev.medallion.local.gold.GoldBuilder;
import dev.medallion.local.gold.GoldModelException;
import dev.medallion.local.gold.GoldTable;
import dev.medallion.local.gold.TextTable;
import dev.medallion.local.silver.BronzeFile;
import dev.medallion.local.silver.BronzeFiles;
import dev.medallion.local.silver.BronzeInput;
import dev.medallion.local.silver.FilesLackingContractColumns;
import dev.medallion.local.silver.InputRefusal;
import dev.medallion.local.silver.LeftoverSources;
import dev.medallion.local.silver.LocalSilver;
import dev.medallion.silver.ConversionResult;
import dev.medallion.silver.Manifest;
import dev.medallion.silver.local.ContractFiles;
import dev.medallion.silver.local.DeclaredContracts;
import dev.medallion.silver.local.OutputFolders;
import dev.medallion.silver.schema.SchemaContractStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The whole lakehouse on one machine, in one command: bronze files on disk become silver Parquet through
 * the silver converter's code, then every gold model's SELECT runs on an embedded DuckDB over that
 * Parquet and its table is written beside it. No AWS account, no emulator: this is how the project is
 * tried, and how a gold model is tested before it is deployed.
 */
public final class LocalLakehouseCli {
    static final String USAGE = """
            Usage: java -jar lakehouse-local.jar local --input DIR|FILE --lake DIR [--contracts DIR] [--models DIR]

            Runs the lakehouse on this machine, with no AWS account:
              1. Converts every .csv, .csv.gz and .dat file under --input, in path order, with the silver
                 converter's code into DIR/silver, laid out like the silver bucket. The first folder under
                 --input names the dataset, as in the bronze bucket (sales/2026/01/x.csv -> sales), and may
                 not be named like a date (2026/ is a date folder: give its dataset's parent folder); a file
                 directly in --input names its own (orders.csv -> orders). Other files in dataset folders
                 (.tsv, .txt) are left out (a warning names them). Hidden files are skipped, files
                 and folders named _* (Spark's _temporary, _SUCCESS) are left out (a warning names them),
                 and so are the lake's silver/ and gold/ when the lake is under --input (--input . --lake
                 ./lake); links to folders are not followed (a warning names them), and a file under
                 two names in --input (a link to one of its files, or hard links) is refused, as
                 bronze-ingest upload refuses it. Keys take names in Unicode NFC, as bronze-ingest's
                 do, so two files whose names differ only in their Unicode form are refused too. Files
                 converted before, unchanged since and in their dataset's contract as it is are not
                 converted again; the rows of files the lake
                 holds that --input no longer does (renamed or removed) stay, and a warning names them.
              2. Runs every gold model's SELECT on an embedded DuckDB over that silver Parquet, writes each
                 table as Snappy Parquet to DIR/gold/<model>/, and prints its first rows and row count.
            --contracts  a directory of <dataset>.json schema contracts, as Terraform's schema_contracts_dir
                         (e.g. sample-data): each is checked as the converter checks a stored contract and put
                         at DIR/silver/_schemas/<dataset>.json before any file is converted, replacing the one
                         the lake holds, so the datasets are typed as declared whichever file comes first; a
                         contract the converter would refuse refuses the run before anything is converted.
                         Without it, a dataset's first file defines its contract (.json files under --input
                         are not read)
            --models     a directory with models.list and <model>.sql files, to try models before they are
                         built into the jars (e.g. gold-ctas/src/main/resources/gold); default: the shipped
                         models. A models.list that names no model is refused, as a wrong argument
            The datasets' declared delimiters, encodings, null markers and quoted empty strings are read from
            CSV_DELIMITERS, CSV_ENCODINGS, CSV_NULL_VALUES and CSV_QUOTED_EMPTY_STRINGS, as in the Lambda function
            (e.g. CSV_ENCODINGS=people:windows-1252, CSV_NULL_VALUES=orders:N/A, CSV_QUOTED_EMPTY_STRINGS=pg_orders
            for a PostgreSQL export whose "" is an empty string), and so are the limits a file
            is rejected past, MAX_COLUMNS and MAX_ROW_CHARS (raise one as a rejection's reason says).
            Exit code: 0 done, 1 a file was rejected, a file had every row quarantined (none of its rows is in its
            table), or a model failed (the rest still runs), 2 wrong usage.

            java -jar lakehouse-local.jar check-models [--models DIR] [--contracts DIR] makes the checks of step 2
            that come before a table is written, with no data: with --contracts, on DuckDB over an empty silver table
            per contract; without, those that need no silver table (the build runs it on the shipped models, over
            sample-data's contracts): check-models --help.
            """;
    private static final String HINT = "Run with --help for the options.";
    private static final List<String> OPTIONS = List.of("--input", "--lake", "--contracts", "--models");
    private LocalLakehouseCli() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Runs the command and returns its exit code: 0 done, 1 failed, 2 wrong usage. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, Environment.system(), out, err);
    }

    /**
     * As {@link #run(List, PrintStream, PrintStream)}, reading {@code CSV_DELIMITERS}, {@code CSV_ENCODINGS}, {@code CSV_NULL_VALUES},
     * {@code CSV_QUOTED_EMPTY_STRINGS}, {@code MAX_COLUMNS} and {@code MAX_ROW_CHARS} from {@code environment}.
     */
    static int run(List<String> args, Environment environment, PrintStream out, PrintStream err) {
        if (!args.isEmpty() && args.get(0).equals(CheckModelsCommand.COMMAND)) {
            return CheckModelsCommand.run(args.subList(1, args.size()), out, err);
        }
        // A command this jar lacks (the silver converter's convert) is refused before --help, which would answer with local's usage and
        // exit code 0 as if it were local's; an option first (--help alone) is the usage's, or refused below.
        if (!args.isEmpty() && !args.get(0).startsWith("-") && !args.get(0).equals("local")) {
            return unknownCommand(args.get(0), err);
        }
        // The command alone gives nothing either: the usage says what to give, where one missing option would be a riddle.
        boolean nothingGiven = args.isEmpty() || args.equals(List.of("local"));
        if (nothingGiven || args.contains("--help") || args.contains("-h")) {
            (nothingGiven ? err : out).print(USAGE);
            return nothingGiven ? 2 : 0;
        }
        if (!args.get(0).equals("local")) {
            return unknownCommand(args.get(0), err);
        }
        CommandLine line;
        try {
            line = CommandLine.parse(args.subList(1, args.size()), Set.copyOf(OPTIONS), Set.of());
            if (!line.positionals().isEmpty()) {
                throw new UsageException("unexpected argument '" + line.positionals().get(0) + "'");
            }
            line.required("--input");
            line.required("--lake");
        }
        catch (UsageException e) {
            err.println("error: " + ErrorMessages.describe(e));
            // Not the usage itself: its thirty lines would push the error off the top of the screen.
            err.println(HINT);
            return 2;
        }
        Path input = Path.of(line.value("--input").orElseThrow()).toAbsolutePath().normalize();
        Path lake = Path.of(line.value("--lake").orElseThrow()).toAbsolutePath().normalize();
        Optional<String> unusableLake = unusableLake(lake);
        if (unusableLake.isPresent()) {
            err.println("error: " + unusableLake.get());
            // A wrong argument, as the usage says: found while writing, it would be an I/O error, exit code 1.
            return 2;
        }
        CsvOverrides declared;
        ConversionLimits limits;
        try {
            declared = SilverSettings.csvOverrides(environment);
            // The two limits a rejection names ("raise MAX_ROW_CHARS"), read as the silver command reads them. The
            // tunables are not read at all, not even checked (docs/local.md): a malformed CHUNK_ROWS left in the
            // shell from tuning the silver command would otherwise refuse a run that never uses it.
            limits = ConversionLimits.defaults()
                    .withMaxColumns(environment.positiveInt(ConversionLimits.MAX_COLUMNS, ConversionLimits.DEFAULT_MAX_COLUMNS))
                    .withMaxRowChars(environment.positiveInt(ConversionLimits.MAX_ROW_CHARS, ConversionLimits.DEFAULT_MAX_ROW_CHARS));
        }
        catch (ConfigurationException e) {
            err.println("error: " + ErrorMessages.describe(e));
            return 2;
        }
        try {
            if (!Files.exists(input)) {
                err.println("error: --input " + input + " does not exist: give the folder that holds your dataset folders (sample-data), or one .csv, .csv.gz or .dat file");
                // A wrong argument, as the usage says: 1 is for a file rejected or of no row written, or a model failed.
                return 2;
            }
            List<GoldModel> models;
            try {
                models = line.value("--models").isPresent() ? modelsIn(Path.of(line.value("--models").get())) : GoldModels.shipped().all();
            }
            catch (IllegalArgumentException | IllegalStateException e) {
                // A --models without models.list, or models that do not load: a wrong argument.
                err.println("error: " + ErrorMessages.describe(e));
                return 2;
            }
            DeclaredContracts.Option contracts = DeclaredContracts.ofOption(line.value("--contracts"), err);
            if (contracts.refused()) {
                // A wrong argument, as the usage says.
                return 2;
            }
            return new LocalLakehouseCli.Run(input, lake, declared, limits, contracts.declared(), out, err).execute(models, line.value("--models").isEmpty());
        }
        catch (IOException e) {
            err.println("error: " + ErrorMessages.describe(e));
            return 1;
        }
        catch (SQLException e) {
            err.println("error: DuckDB: " + ErrorMessages.describe(e));
            return 1;
        }
    }

    private static int unknownCommand(String command, PrintStream err) {
        err.println("error: unknown command '" + command + "': the commands are local (java -jar lakehouse-local.jar local --input DIR --lake DIR)"
                + " and check-models (java -jar lakehouse-local.jar check-models [--models DIR] [--contracts DIR])");
        err.println(HINT);
        return 2;
    }

    /**
     * Why {@code --lake} cannot hold a lake, or empty: it, or a folder above it, is a file, or it holds a
     * file where the lake's {@code silver/} or {@code gold/} folder goes.
     */
    static Optional<String> unusableLake(Path lake) {
        Optional<String> problem = OutputFolders.problem("--lake", lake);
        if (problem.isPresent()) {
            return problem;
        }
        for (String folder : List.of("silver", "gold")) {
            Path path = lake.resolve(folder);
            if (Files.exists(path) && !Files.isDirectory(path)) {
                return Optional.of("--lake " + lake + " holds a file " + path + " where the lake's " + folder + "/ folder goes: move that file away,"
                        + " or give --lake another folder (it is created if missing)");
            }
        }
        return unwritableLake(lake);
    }

    /**
     * Why the lake's folders cannot be written by this user, or empty. Found while writing, the error was the
     * path alone ("error: /x/lake", the exception's message), exit code 1, and with {@code gold/} locked only
     * once silver had been converted.
     */
    private static Optional<String> unwritableLake(Path lake) {
        List<Path> folders = List.of(lake.resolve("silver"), lake.resolve("gold"));
        // The lake itself is written to create the folders it lacks, and the lock file of silver's commits.
        List<Path> written = folders.stream().allMatch(Files::isDirectory) ? folders : List.of(lake, folders.get(0), folders.get(1));
        return OutputFolders.unwritable("--lake", lake, written, new LocalObjectStore(folders.get(0)).lockFile());
    }

    /**
     * The models of a directory laid out like the jar's {@code gold/}. They are read through a class
     * loader over its parent so that the jar's own loader, and its checks, read them; a list that names
     * no model is refused there, as a wrong argument here, before anything is converted.
     */
    static List<GoldModel> modelsIn(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("--models " + absolute + (Files.exists(absolute) ? " is not a directory" : " does not exist")
                    + ": give a directory holding models.list and its <name>.sql files (e.g. gold-ctas/src/main/resources/gold)");
        }
        List<Path> sqlFiles;
        try (Stream<Path> files = Files.list(absolute)) {
            sqlFiles = files.filter(file -> file.getFileName().toString().endsWith(".sql") && Files.isRegularFile(file)).sorted().toList();
        }
        catch (FileSystemException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read --models " + absolute + " (" + ErrorMessages.reason(e instanceof UncheckedIOException unchecked
                    ? unchecked.getCause() : e) + "): make it readable, or give the directory that holds models.list and its <name>.sql files", e);
        }
        Path list = absolute.resolve("models.list");
        // Read through a class loader, a file it cannot open is one it does not find: "missing", where it is there and not readable.
        for (Path file : Stream.concat(Stream.of(list).filter(Files::isRegularFile), sqlFiles.stream()).toList()) {
            try (InputStream opened = Files.newInputStream(file)) {
                // Opened is all it takes: the loader reads it.
            }
            catch (FileSystemException e) {
                throw new IllegalArgumentException("cannot read " + file + " (" + ErrorMessages.reason(e) + "), in --models " + absolute + ": make it readable", e);
            }
        }
        if (!Files.isRegularFile(list) || absolute.getParent() == null) {
            List<String> modelFiles = GoldModels.modelFilesIn(absolute);
            throw new IllegalArgumentException("--models " + absolute + " holds no models.list: write " + list + " naming the models to build, one name per"
                    + " line, each the name of a <name>.sql file beside it" + (modelFiles.isEmpty() ? " (there is no .sql file there yet)"
                    : " (the .sql files there: " + String.join(", ", modelFiles) + ")"));
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {absolute.getParent().toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            return new GoldModels(absolute.getFileName().toString(), loader).all();
        }
    }

    /** One run of the command, printing as it goes. */
    private static final class Run {
        private final Path input;
        private final Path lake;
        private final CsvOverrides declared;
        private final ConversionLimits limits;
        private final Optional<DeclaredContracts> contracts;
        private final PrintStream out;
        private final PrintStream err;
        private final long started = System.nanoTime();

        Run(Path input, Path lake, CsvOverrides declared, ConversionLimits limits, Optional<DeclaredContracts> contracts, PrintStream out, PrintStream err) {
            this.input = input;
            this.lake = lake;
            this.declared = declared;
            this.limits = limits;
            this.contracts = contracts;
            this.out = out;
            this.err = err;
        }

        /** @param shipped whether the models are the shipped ones, which another lake than the sample data may not feed */
        int execute(List<GoldModel> models, boolean shipped) throws IOException, SQLException {
            Path silverRoot = lake.resolve("silver");
            Path goldRoot = lake.resolve("gold");
            // What this command writes is never bronze: read back, the quarantined rows' .csv files would be a dataset.
            List<Path> lakeFolders = List.of(silverRoot, goldRoot);
            Optional<Path> holding = BronzeFiles.lakeFolderHolding(input, lakeFolders);
            if (holding.isPresent()) {
                err.println("error: --input " + input + " lies in " + holding.get() + ", a folder of the lake that this command writes, so its files are not"
                        + " bronze: give --input the folder that holds your bronze files. Nothing was converted.");
                return 2;
            }
            BronzeInput found = BronzeFiles.under(input, lakeFolders);
            warnAboutLinks(found.folderLinks());
            warnAboutJobFiles(found.jobFiles());
            warnAboutOtherFiles(found.otherFiles());
            List<String> refusal = InputRefusal.lines(input, found);
            if (!refusal.isEmpty()) {
                refusal.forEach(err::println);
                // A wrong --input, as the usage says; converting the rest would build a lake that silently lacks
                // the unreadable files, holds a file's rows twice, or one file's rows in place of another's.
                return 2;
            }
            List<BronzeFile> files = found.files();
            if (files.isEmpty()) {
                // A file given as --input is taken only by its name's suffix: say so, rather than "under" a file.
                err.println("error: " + (Files.isDirectory(input) ? "no .csv, .csv.gz or .dat file under " + input
                        : "--input " + input + " is a file whose name does not end in .csv, .csv.gz or .dat: "
                                + UnreadNames.advice(input.getFileName().toString()).orElse("give a CSV file, or a folder of them")));
                // A wrong --input, as the usage says.
                return 2;
            }
            List<String> dateFolders = BronzeFiles.dateLikeDatasetFolders(files);
            if (!dateFolders.isEmpty()) {
                String first = dateFolders.get(0);
                err.println("error: " + input.resolve(first) + (dateFolders.size() > 1 ? " and " + (dateFolders.size() - 1) + " more folder(s) like it" : "")
                        + " would be a dataset of its own (table " + SilverLayout.datasetName(first) + "), and looks like a date folder inside a"
                        + " dataset: give --input the folder that holds the dataset folders (--input " + ShellWord.of(input.getParent().toString()) + " if " + input
                        + " is one), or rename the folder. Nothing was converted.");
                return 2;
            }
            Files.createDirectories(silverRoot);
            SilverCounts silver = silver(files, found.lakeFolders(), silverRoot);
            int rejected = silver.rejected();
            int everyRowQuarantined = silver.everyRowQuarantined();
            List<LeftoverSources.Leftover> leftovers = LeftoverSources.in(silverRoot, files.stream().map(BronzeFile::key).collect(Collectors.toSet()));
            warnAboutLeftovers(leftovers);
            GoldCounts gold = gold(models, shipped, silverRoot, goldRoot);
            int failed = gold.failed();

            String seconds = seconds(started);
            if (rejected == 0 && everyRowQuarantined == 0 && failed == 0) {
                // Exit code 0 all the same: nothing failed, and the lake holds what the bucket would (a bronze object
                // deleted leaves its silver rows); but a last word, since the warning is far above by now.
                out.println("Done in " + seconds + ": silver in " + silverRoot + ", " + gold.built() + (gold.built() == 1 ? " gold table in " : " gold tables in ") + goldRoot
                        + (leftovers.isEmpty() ? "" : " (they hold the rows of " + leftovers.size() + " file(s) not under --input: see the warning)"));
                return 0;
            }
            List<String> problems = new ArrayList<>();
            if (rejected > 0) {
                problems.add(rejected + " file(s) rejected");
            }
            if (everyRowQuarantined > 0) {
                problems.add(everyRowQuarantined + " file(s) with every row quarantined");
            }
            if (failed > 0) {
                problems.add(failed + " of " + models.size() + " gold model(s) failed");
            }
            err.println("Finished with problems in " + seconds + ": " + String.join(", ", problems) + " (see above)");
            return 1;
        }

        /**
         * Links to folders are left out as bronze-ingest upload leaves them out, so the lake holds what the
         * bucket would; but a dataset left out without a word would look like a dataset with no rows.
         */
        private void warnAboutLinks(List<BronzeInput.FolderLink> links) {
            if (links.isEmpty()) {
                return;
            }
            boolean one = links.size() == 1;
            err.println("warning: left out " + links.size() + (one ? " link to a folder under --input, which is not followed" : " links to folders under --input, which are not followed")
                    + " (bronze-ingest upload does not follow " + (one ? "it" : "them") + " either): " + InputRefusal.named(links) + "; copy the folder" + (one ? "" : "s")
                    + " into --input to convert " + (one ? "its" : "their") + " files");
        }

        /**
         * Left out as the bucket's notification and bronze-ingest upload leave them out, and named, as bronze-ingest names them, with what to
         * do per kind of name in the words bronze-ingest and the converter's line give ({@link UnreadNames}): a MySQL export saved as .tsv
         * converts once renamed, a workbook once exported.
         */
        private void warnAboutOtherFiles(List<Path> otherFiles) {
            if (otherFiles.isEmpty()) {
                return;
            }
            boolean one = otherFiles.size() == 1;
            err.println("warning: left out " + otherFiles.size() + (one ? " file" : " files") + " under --input whose name" + (one ? " does" : "s do")
                    + " not end in .csv, .csv.gz or .dat (the bucket's notification does not deliver such files either): " + InputRefusal.named(otherFiles)
);
            UnreadNames.adviceByKind(otherFiles, InputRefusal.MAX_NAMED).forEach(advice -> err.println("warning: " + advice));
        }

        /** Left out as bronze-ingest upload leaves them out, and named: a _temporary folder says a job is running or failed. */
        private void warnAboutJobFiles(List<Path> jobFiles) {
            if (jobFiles.isEmpty()) {
                return;
            }
            boolean one = jobFiles.size() == 1;
            err.println("warning: left out " + jobFiles.size() + (one ? " file or folder" : " files and folders") + " under --input whose name"
                    + (one ? " starts" : "s start") + " with _, as Hadoop and Spark name what is not a job's output (_temporary, _SUCCESS;"
                    + " bronze-ingest upload leaves them out too): " + InputRefusal.named(jobFiles));
        }

        /**
         * Rows of a file renamed or removed under --input stay in the lake, so a renamed file's rows would be in
         * gold twice without a word. Not an error: a lake may be fed from several inputs on purpose.
         */
        private void warnAboutLeftovers(List<LeftoverSources.Leftover> leftovers) {
            if (leftovers.isEmpty()) {
                return;
            }
            int named = Math.min(3, leftovers.size());
            err.println("warning: the lake holds rows of " + leftovers.size() + " file(s) that are not under --input " + input
                    + " (renamed, moved or removed since they were converted, or converted from another --input): "
                    + leftovers.subList(0, named).stream().map(LeftoverSources.Leftover::toString).collect(Collectors.joining(", "))
                    + (leftovers.size() > named ? " and " + (leftovers.size() - named) + " more" : "")
                    + " (their manifests are under " + lake.resolve("silver/_manifests") + "). Their rows stay in silver and in gold. To build the lake from"
                    + " --input alone, delete the lake (rm -rf " + lake + ") and run again; if they come from another --input on purpose, leave them.");
        }

        /**
         * Converts every file and returns how many were rejected, and how many had every row quarantined: such a file
         * is as absent from its table as a rejected one (the Lambda side alarms on it), though its status is converted.
         * Both are counted by the file's manifest, also when unchanged, so a rerun exits as the run that converted it.
         */
        private SilverCounts silver(List<BronzeFile> files, List<Path> lakeFolders, Path silverRoot) throws IOException {
            long phase = System.nanoTime();
            out.println("Silver: " + files.size() + " file(s) under " + input + " into " + silverRoot);
            if (!lakeFolders.isEmpty()) {
                out.println("  left out the lake's own folders under --input, which this command writes: "
                        + lakeFolders.stream().map(Path::toString).collect(Collectors.joining(", ")));
            }
            if (contracts.isPresent()) {
                // Before any file, as Terraform puts them before any file arrives.
                for (DeclaredContracts.Put put : contracts.get().putInto(new SchemaContractStore(new LocalObjectStore(silverRoot), new SilverLayout("")))) {
                    out.println("  " + put.describe() + (put.change() == DeclaredContracts.Change.REPLACED
                            ? " (files converted before with another contract are converted again with it, changed or not)"
                            : ""));
                }
            }
            ContractFiles contractFiles = new ContractFiles(silverRoot, contracts);
            LocalSilver silver = new LocalSilver(silverRoot, declared, limits, contractFiles, Clock.systemUTC());
            Map<String, Integer> outcomes = new TreeMap<>();
            int rejected = 0;
            // Recalled in the summary: a header typo loses a column's values and the file still converts.
            List<BronzeFile> columnsNotWritten = new ArrayList<>();
            // And an export that dropped a column: the contract's column is null in its rows, also with exit code 0.
            FilesLackingContractColumns lackingContractColumns = new FilesLackingContractColumns(contractFiles);
            List<BronzeFile> everyRowQuarantined = new ArrayList<>();
            for (BronzeFile file : files) {
                ConversionResult result;
                try {
                    result = silver.convert(file);
                }
                catch (IOException e) {
                    throw new IOException("converting " + file.path() + ": " + ErrorMessages.describe(e), e);
                }
                out.println("  " + silver.describe(file, result));
                outcomes.merge(result.outcome(), 1, Integer::sum);
                if (Manifest.REJECTED.equals(result.manifest().status())) {
                    rejected++;
                }
                if (result.manifest().everyRowQuarantined()) {
                    everyRowQuarantined.add(file);
                }
                if (!result.unchanged() && !result.manifest().droppedColumns().isEmpty()) {
                    columnsNotWritten.add(file);
                }
                if (!result.unchanged()) {
                    // A required column lacked quarantines every row, which the file's own line and the exit code say: no null is written.
                    lackingContractColumns.add(file, result.manifest().missingColumnsWrittenAsNull());
                }
            }
            StringBuilder summary = new StringBuilder();
            outcomes.forEach((outcome, count) -> summary.append(summary.isEmpty() ? "" : ", ").append(count).append(' ').append(outcome));
            if (!columnsNotWritten.isEmpty()) {
                summary.append("; columns not written (not in the dataset's contract) in ").append(columnsNotWritten.size())
                        .append(columnsNotWritten.size() == 1 ? " file: " : " files: ").append(firstFew(columnsNotWritten))
                        // The remedies of docs/silver-converter.md, "Schema contract", as they read on this machine.
                        .append(": fix the file's header under --input (a typo of a contract column's name), or add the column to the dataset's contract ")
                        .append(contractFiles.whereToChange(datasetsOf(columnsNotWritten))).append(", then run again");
            }
            lackingContractColumns.describe().ifPresent(lacking -> summary.append("; ").append(lacking));
            if (!everyRowQuarantined.isEmpty()) {
                summary.append("; every row quarantined, none in its table, in ").append(everyRowQuarantined.size())
                        .append(everyRowQuarantined.size() == 1 ? " file: " : " files: ").append(firstFew(everyRowQuarantined))
                        .append(": each file's line above names its quarantined rows with the reason each was refused: mend the file under --input as they say");
                // No contract to name when none of a first file's rows fitted its header: nothing inferred one.
                List<String> contractsHeld = datasetsOf(everyRowQuarantined).stream().map(contractFiles::of).filter(Files::isRegularFile).map(Path::toString).toList();
                if (!contractsHeld.isEmpty()) {
                    summary.append(" (or, for a value of another type, widen that type in the dataset's contract, ").append(String.join(", ", contractsHeld)).append(")");
                }
                // Changed, a file is converted again; taken out, it no longer counts (exit code 1 until then, on every rerun).
                summary.append(", then run again, or take the file out of --input");
            }
            out.println("  " + files.size() + " file(s) in " + seconds(phase) + ": " + summary);
            return new SilverCounts(rejected, everyRowQuarantined.size());
        }

        private record SilverCounts(int rejected, int everyRowQuarantined) {}

        /**
         * Builds every model; a failed model does not stop the others. A shipped model whose silver tables
         * this lake does not hold is skipped, not failed: the lake holds someone's own data, not the sample's.
         */
        private GoldCounts gold(List<GoldModel> models, boolean shipped, Path silverRoot, Path goldRoot) throws IOException, SQLException {
            long phase = System.nanoTime();
            int failed = 0;
            int skipped = 0;
            try (GoldBuilder builder = GoldBuilder.open(silverRoot, goldRoot)) {
                out.println();
                out.println("Gold: " + models.size() + " model(s) on DuckDB " + builder.duckDbVersion() + " over silver tables "
                        + (builder.silverTables().isEmpty() ? "(none)" : String.join(", ", builder.silverTables())) + ", into " + goldRoot);
                for (GoldModel model : models) {
                    out.println();
                    List<String> missing = model.sources().stream().filter(source -> !builder.silverTables().contains(source)).toList();
                    if (shipped && !missing.isEmpty()) {
                        out.println(model.name() + ": skipped, a shipped model of the sample data: this lake holds no silver " + String.join(", ", missing)
                                + " (give --models DIR for models of your own)");
                        skipped++;
                        continue;
                    }
                    try {
                        print(builder.build(model));
                    }
                    catch (GoldModelException e) {
                        out.println(model.name() + ": FAILED (the error is on standard error)");
                        err.println("error: " + ErrorMessages.describe(e));
                        failed++;
                    }
                }
            }
            int built = models.size() - failed - skipped;
            out.println();
            out.println("Gold: " + built + " of " + models.size() + " table(s) built in " + seconds(phase) + (skipped == 0 ? "" : ", " + skipped + " skipped"));
            return new GoldCounts(built, failed);
        }

        private record GoldCounts(int built, int failed) {}

        private void print(GoldTable table) {
            String partitions = table.model().partitionedBy().isEmpty() ? ""
                    : String.format(Locale.ROOT, ", %d partition(s) by %s", table.partitions(), String.join(", ", table.model().partitionedBy()));
            out.println(table.model().name() + ": " + table.rows() + " rows in " + table.directory() + partitions + ", " + String.format(Locale.ROOT, "%.2f s", table.seconds()));
            if (!table.model().description().isEmpty()) {
                out.println("  " + table.model().description());
            }
            int perQuery = PartitionBatches.MAX_PARTITIONS_PER_QUERY;
            if (table.partitions() > perQuery) {
                // Not an error: the gold builder writes such a table in batches, but each is one more query. It stages
                // the model's rows once for them, whatever the partition columns' types (gold-ctas/README.md, step 3).
                int batches = (table.partitions() + perQuery - 1) / perQuery;
                out.println("  note: " + table.partitions() + " partitions; Athena writes at most " + perQuery + " per query, so the gold builder will take "
                        + (batches + 2) + " queries besides its partitions query to build this table: one CTAS staging the model's rows, "
                        + "unpartitioned, one SELECT DISTINCT of the staged rows' partitions, then a CTAS and " + (batches - 1) + " INSERT INTO reading them");
            }
            TextTable.render(table.columns(), table.firstRows()).forEach(line -> out.println(" " + line));
            out.println("  (" + (table.firstRows().size() < table.rows() ? "first " + table.firstRows().size() + " of " : "all ") + table.rows() + " rows)");
        }

        /** The first three, then how many more: a summary line, not a listing (each file's own line is above). */
        private static String firstFew(List<BronzeFile> files) {
            List<String> keys = files.stream().map(BronzeFile::key).toList();
            String few = String.join(", ", keys.subList(0, Math.min(3, keys.size())));
            return keys.size() > 3 ? few + " and " + (keys.size() - 3) + " more" : few;
        }

        private static List<String> datasetsOf(List<BronzeFile> files) {
            return files.stream().map(BronzeFile::dataset).distinct().toList();
        }

        private static String seconds(long startedNanos) {
            return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startedNanos) / 1e9);
        }
    }
}
