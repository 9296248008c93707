package dev.medallion.silver.local;

import dev.medallion.common.cli.CommandLine;
import dev.medallion.common.cli.ShellWord;
import dev.medallion.common.cli.UsageException;
import dev.medallion.common.config.ConfigurationException;
import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.Environment;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.config.SilverSettings;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.common.text.EncodingSource;
import dev.medallion.common.text.UndecodableBytes;
import dev.medallion.common.text.UnreadNames;
import dev.medallion.silver.ConversionResult;
import dev.medallion.silver.HeaderAsRow;
import dev.medallion.silver.Manifest;
import dev.medallion.silver.SilverConverter;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.lambda.SilverConverterHandler;
import dev.medallion.silver.schema.SchemaContractStore;
import dev.medallion.silver.schema.StringColumnHint;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The local command: converts a CSV file on disk exactly as the Lambda function converts a bronze
 * object, into a directory laid out like the silver bucket. No AWS account is involved.
 */
public final class SilverConverterCli {
    static final String USAGE = """
            Usage: java -jar silver-converter.jar convert --input FILE --output DIR [--dataset NAME] [--delimiter comma|semicolon|tab|pipe] [--encoding CHARSET] [--null-values MARKERS] [--quoted-empty-strings] [--contracts DIR] [--verbose]

            Converts FILE (.csv, .csv.gz or .dat) into Snappy Parquet under DIR, laid out like the silver bucket:
              DIR/<dataset>/ingest_date=YYYY-MM-DD/*.parquet, DIR/_manifests/, DIR/_quarantine/, DIR/_schemas/
            --dataset    dataset (table) name; default: the file name without extensions
            --delimiter  field delimiter; default: the dataset's CSV_DELIMITERS entry, else detected among
                         comma, semicolon, tab and pipe
            --encoding   the file's charset, such as windows-1252, ISO-8859-1 or IBM037; default: the dataset's
                         CSV_ENCODINGS entry, else UTF-8 (a file that is not valid UTF-8 is rejected,
                         naming the byte and the charset to declare)
            --null-values  texts that stand for a missing value, separated by commas (e.g. NULL,\\N,N/A):
                         null in every column of the dataset, text columns included, but with
                         --quoted-empty-strings one read quoted ("NULL") is that text in a text column;
                         default: the dataset's CSV_NULL_VALUES entries, else NULL, null and \\N are null in
                         typed columns only
            --quoted-empty-strings  a quoted empty field ("") is an empty string in a text column, an unquoted
                         empty field null, as PostgreSQL's COPY ... (FORMAT csv) writes them; in a typed
                         column both are null; a declared marker read quoted is text there too; default: the
                         dataset's CSV_QUOTED_EMPTY_STRINGS entry, else every empty field is null
            --contracts  a directory of <dataset>.json schema contracts, as Terraform's schema_contracts_dir
                         (e.g. sample-data): each is checked as the converter checks a stored contract and
                         put at DIR/_schemas/<dataset>.json before the file is converted, replacing the one
                         there; a contract the converter would refuse refuses the run, nothing converted
            --verbose    also print the JSON log line the Lambda function would write
            The declarations CSV_DELIMITERS, CSV_ENCODINGS, CSV_NULL_VALUES and CSV_QUOTED_EMPTY_STRINGS, the tunables CHUNK_ROWS, CHUNK_MAX_BYTES,
            PART_TARGET_BYTES and ROW_GROUP_BYTES, the limits MAX_COLUMNS and MAX_ROW_CHARS, and
            RANGE_READERS and MIN_RANGE_BYTES are read from the environment, as in the Lambda function.
            Exit code: 0 converted (or empty, or converted before and unchanged), 1 the file was rejected (now, or
            before with the same settings), had every row quarantined (none of its rows is in its table), or failed
            to be read or written while converting, 2 wrong usage (an --input this user cannot read, an --output it
            cannot write, among them: refused before anything is written).
            """;

    private static final String HINT = "Run with --help for the options.";

    private SilverConverterCli() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Runs the command and returns its exit code: 0 done, 1 failed, 2 wrong usage. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, Environment.system(), out, err);
    }

    /** As {@link #run(List, PrintStream, PrintStream)}, with the settings of {@code environment}. */
    static int run(List<String> args, Environment environment, PrintStream out, PrintStream err) {
        // A command this jar lacks (lakehouse-local.jar's local) is refused before --help, which would answer with convert's usage and
        // exit code 0 as if it were convert's; an option first (--help alone) is the usage's, or refused below.
        if (!args.isEmpty() && !args.get(0).startsWith("-") && !args.get(0).equals("convert")) {
            return unknownCommand(args.get(0), err);
        }
        // The command alone gives nothing either: the usage says what to give, where one missing option would be a riddle.
        boolean nothingGiven = args.isEmpty() || args.equals(List.of("convert"));
        if (nothingGiven || args.contains("--help") || args.contains("-h")) {
            (nothingGiven ? err : out).print(USAGE);
            return nothingGiven ? 2 : 0;
        }
        if (!args.get(0).equals("convert")) {
            return unknownCommand(args.get(0), err);
        }
        CommandLine line;
        try {
            line = CommandLine.parse(args.subList(1, args.size()), Set.of("--input", "--output", "--dataset", "--delimiter", "--encoding", "--null-values",
                    "--contracts"), Set.of("--verbose", "--quoted-empty-strings"));
            if (!line.positionals().isEmpty()) {
                throw new UsageException("unexpected argument '" + line.positionals().get(0) + "'");
            }
            line.required("--input");
            line.required("--output");
        }
        catch (UsageException e) {
            err.println("error: " + ErrorMessages.describe(e));
            // Not the usage itself: its twenty lines would push the error off the top of the screen.
            err.println(HINT);
            return 2;
        }
        try {
            return convert(line, environment, out, err);
        }
        catch (ConfigurationException | IllegalArgumentException e) {
            err.println("error: " + ErrorMessages.describe(e));
            return 2;
        }
        catch (IOException e) {
            err.println("error: " + ErrorMessages.describe(e));
            return 1;
        }
    }

    private static int unknownCommand(String command, PrintStream err) {
        err.println("error: unknown command '" + command + "': the command is convert (java -jar silver-converter.jar convert --input FILE --output DIR)");
        err.println(HINT);
        return 2;
    }

    private static int convert(CommandLine line, Environment environment, PrintStream out, PrintStream err) throws IOException {
        Path input = Path.of(line.value("--input").orElseThrow()).toAbsolutePath().normalize();
        String dataset = SilverLayout.datasetName(line.value("--dataset").orElseGet(() -> stem(input)));
        // The function's declarations (CSV_DELIMITERS, CSV_ENCODINGS, CSV_NULL_VALUES, CSV_QUOTED_EMPTY_STRINGS), then this file's options over them.
        CsvOverrides declared = SilverSettings.csvOverrides(environment);
        Map<String, Character> delimiters = new HashMap<>(declared.delimiters());
        line.value("--delimiter").ifPresent(name -> delimiters.put(dataset, SilverSettings.delimiterNamed("--delimiter", name)));
        Map<String, Charset> encodings = new HashMap<>(declared.encodings());
        line.value("--encoding").ifPresent(name -> encodings.put(dataset, SilverSettings.charsetNamed("--encoding", name)));
        // So that a rejection for the encoding says --encoding declared it, where a person looks, not CSV_ENCODINGS.
        Map<String, EncodingSource> encodingSources = line.value("--encoding").isPresent() ? Map.of(dataset, EncodingSource.ENCODING_OPTION) : Map.of();
        Map<String, List<String>> nullValues = new HashMap<>(declared.nullValues());
        line.value("--null-values").ifPresent(list -> nullValues.put(dataset, SilverSettings.nullValuesListed("--null-values", list)));
        Set<String> quotedEmptyStrings = new HashSet<>(declared.quotedEmptyStrings());
        if (line.flag("--quoted-empty-strings")) {
            quotedEmptyStrings.add(dataset);
        }
        if (!Files.isRegularFile(input)) {
            // A folder is what lakehouse-local.jar converts, each file into its dataset as the bronze bucket's keys name them.
            err.println(Files.isDirectory(input)
                    ? "error: --input " + input + " is a folder: give one .csv, .csv.gz or .dat file; to convert every file of a folder, each into its"
                            + " dataset, and build gold too, run java -jar lakehouse-local.jar local --input " + ShellWord.of(input.toString()) + " --lake DIR (docs/local.md)"
                    : "error: input file " + input + " does not exist");
            // A wrong argument, as the usage says: 1 is for a file the converter rejected.
            return 2;
        }
        String lowerName = input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (SilverConverterHandler.ACCEPTED_SUFFIXES.stream().noneMatch(lowerName::endsWith)) {
            // The function does not convert such a key (it logs it as not converted), and the local command refuses such a file: converted here it
            // would be a dataset of its own (README.md into readme_md), its lines quarantined, a contract inferred from them.
            err.println("error: --input " + input + " is a file whose name does not end in " + String.join(", ", SilverConverterHandler.ACCEPTED_SUFFIXES)
                    .replaceFirst(", (?=[^,]*$)", " or ") + ", which the function does not convert (its log says so, as not converted): "
                    + UnreadNames.advice(lowerName).orElse("give a CSV file (rename it to end in .csv if it is one)"));
            return 2;
        }
        Path output = Path.of(line.value("--output").orElseThrow()).toAbsolutePath().normalize();
        Optional<String> unusable = OutputFolders.problem("--output", output);
        if (unusable.isPresent()) {
            err.println("error: " + unusable.get());
            // A wrong argument, as the usage says; found by createDirectories it would be an I/O error, exit code 1.
            return 2;
        }
        LocalObjectStore silver = new LocalObjectStore(output);
        Optional<String> unwritable = OutputFolders.unwritable("--output", output, written(output, dataset), silver.lockFile());
        if (unwritable.isPresent()) {
            err.println("error: " + unwritable.get());
            // A wrong argument, as lakehouse-local.jar refuses its --lake: found while writing, it was the path alone, exit code 1.
            return 2;
        }
        DeclaredContracts.Option contracts = DeclaredContracts.ofOption(line.value("--contracts"), err);
        if (contracts.refused()) {
            // A wrong argument, as the usage says.
            return 2;
        }
        try (LocalSourceFile file = openInput(input, err)) {
            if (file == null) {
                // A wrong argument, as lakehouse-local.jar refuses an --input it cannot read.
                return 2;
            }
            Files.createDirectories(output);
            return convert(input, dataset, file, output, silver, contracts, new CsvOverrides(delimiters, encodings, nullValues, encodingSources, quotedEmptyStrings),
                    line, environment, out, err);
        }
    }

    /**
     * The folders a conversion writes in --output (SilverLayout's, at its root): the output itself too when it lacks one it creates.
     * The quarantine's folder is written only when a row is quarantined, so an output lacking it need not be writable for that.
     */
    private static List<Path> written(Path output, String dataset) {
        List<Path> created = List.of(output.resolve("_manifests"), output.resolve("_schemas"), output.resolve(dataset));
        List<Path> written = new ArrayList<>(created);
        written.add(output.resolve("_quarantine"));
        if (!created.stream().allMatch(Files::isDirectory)) {
            written.add(0, output);
        }
        return written;
    }

    /**
     * The input opened, or null when the file system refuses it (permission denied), said on {@code err}: before anything is written, so a
     * file this user cannot read is a wrong argument rather than a failed conversion that made the output folder and put the contracts.
     */
    private static LocalSourceFile openInput(Path input, PrintStream err) throws IOException {
        try {
            return LocalSourceFile.open(input);
        }
        catch (FileSystemException e) {
            err.println("error: cannot read --input " + input + " (" + ErrorMessages.reason(e) + "): make it readable. Nothing was converted.");
            return null;
        }
    }

    private static int convert(Path input, String dataset, LocalSourceFile file, Path output, LocalObjectStore silver, DeclaredContracts.Option contracts,
            CsvOverrides overrides, CommandLine line, Environment environment, PrintStream out, PrintStream err) throws IOException {
        if (contracts.declared().isPresent()) {
            // Before the file, as Terraform puts them before any file arrives.
            for (DeclaredContracts.Put put : contracts.declared().get().putInto(new SchemaContractStore(silver, new SilverLayout("")))) {
                out.println(put.describe() + (put.change() == DeclaredContracts.Change.REPLACED
                        ? " (files converted before keep the types they were written in until they are converted again: convert one again,"
                                + " changed or not, to write it with the declared contract)"
                        : ""));
            }
        }
        JsonLog log = new JsonLog(line.flag("--verbose") ? err : new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC());
        SilverConverter converter = new SilverConverter(silver, new SilverLayout(""), ConversionLimits.fromEnvironment(environment),
                RangeReading.fromEnvironment(environment), overrides, SilverCatalog.none(), log, Clock.systemUTC());

        long started = System.nanoTime();
        ConversionResult result = converter.convert(file.source(), dataset, file.content());
        double seconds = (System.nanoTime() - started) / 1e9;
        out.println(summary(input, dataset, result, silver, new ContractFiles(output, contracts.declared()), line.value("--encoding").isPresent(), seconds));
        Manifest manifest = result.manifest();
        if (manifest.everyRowQuarantined()) {
            // As lakehouse-local.jar exits and the function's alarm fires: a script checking the exit code learns that the table lacks the whole file.
            err.println("error: every row of " + input.getFileName() + " was quarantined, none is in dataset " + dataset + "'s table"
                    + (manifest.quarantine() == null ? "" : ": each row's reason is in " + silver.describe(manifest.quarantine().key())));
            return 1;
        }
        return Manifest.REJECTED.equals(manifest.status()) ? 1 : 0;
    }

    /**
     * The remedies of docs/silver-converter.md ("Schema contract") for a file whose columns differ from its contract, as
     * the local command's summary gives them: the file converted with exit code 0, so this line is all a person sees.
     * Either mended, the file converts again: a changed file is another version, and one converted in other columns than
     * its contract has now is not answered unchanged.
     *
     * @param declared whether --contracts declares the contract; else it is the output's alone, lost with it, so declaring it is one remedy more
     */
    private static String whatToDoAboutColumnDrift(Manifest manifest, boolean declared) {
        List<String> remedies = new ArrayList<>();
        if (!manifest.droppedColumns().isEmpty()) {
            remedies.add("fix the file's header (a typo of a contract column's name) or add the column to the contract");
        }
        if (!manifest.missingColumns().isEmpty()) {
            remedies.add("fix the export, or change the contract (a renamed column's sourceName to the file's header text, a column gone for good out of it)");
        }
        return String.join("; ", remedies) + (declared ? "" : ", or declare it with --contracts DIR (a copy of it, edited)") + ", then convert the file again";
    }

    /**
     * What SilverConverter compares before it answers a rejected file unchanged (readUnderOtherSettings): the file, the
     * encoding and delimiter it was read with, the limits it was read under, any one raised, and the converter's reading
     * rules (ReadingRules), when newer than those it was read under. Not null markers nor
     * the contract: a rejected file wrote nothing they change. An unchanged rejection always records its limits: one
     * without them is read again.
     */
    private static String whatConvertsARejectedFileAgain(Manifest manifest) {
        String limits = manifest.limits() == null ? ""
                : ", or with " + ConversionLimits.MAX_ROW_CHARS + " or " + ConversionLimits.MAX_COLUMNS + " raised above the " + manifest.limits().maxRowChars()
                        + " characters and " + manifest.limits().maxColumns() + " columns it was read under";
        return "Change the file, or convert it with the --encoding or --delimiter it needs (or its " + SilverSettings.CSV_ENCODINGS + " or "
                + SilverSettings.CSV_DELIMITERS + " entry)" + limits + ", or with a converter whose reading rules are newer than the version "
                + manifest.readingRules() + " it was read under";
    }

    /**
     * A rejection's reason, the function's, which names the {@code CSV_ENCODINGS} entry to set or remove, followed by the
     * option that does it here: convert takes the encoding as --encoding, for this file, which a person running it reaches for
     * first, and which the reason alone never names. The reason stays the function's: the manifest keeps it, and
     * lakehouse-local.jar, which has no such option, prints it as it is. The charset is the one the reason advises, read out
     * of it ({@link UndecodableBytes#charsetOfSettingIn}), so that no wording of the converter's is copied here.
     *
     * @param encodingGiven whether --encoding declared the charset the file was read in, rather than a CSV_ENCODINGS entry
     */
    private static String withTheEncodingOption(String reason, String dataset, Manifest manifest, boolean encodingGiven) {
        // A manifest written before encodings were recorded was read as UTF-8, the default then and now.
        String readWith = Optional.ofNullable(manifest.encoding()).orElse(StandardCharsets.UTF_8.name());
        Optional<String> advised = UndecodableBytes.charsetOfSettingIn(reason, dataset);
        if (advised.isPresent() && !advised.get().equalsIgnoreCase(readWith)) {
            return reason + " With convert: --encoding " + advised.get() + " declares it for this file, as " + UndecodableBytes.setting(dataset, advised.get())
                    + " does for the dataset; convert it again with it.";
        }
        // A UTF-8 file (its byte order mark, or Utf8Lookalike) of a dataset declared in another charset: the entry is to go, or be overridden.
        // A reason for a charset --encoding declared names --encoding itself (EncodingSource); one naming the entry with --encoding given
        // is a rejection recorded under that entry and answered unchanged, read with the same charset.
        if (!readWith.equals(StandardCharsets.UTF_8.name()) && reason.contains(UndecodableBytes.ENTRY_TO_REMOVE)) {
            return reason + (encodingGiven
                    ? " With convert: " + readWith + " is what --encoding " + readWith + " declares; convert it again without it (or with --encoding UTF-8 over a "
                            + SilverSettings.CSV_ENCODINGS + " entry) if the file is UTF-8."
                    : " With convert: --encoding UTF-8 reads this file as UTF-8 over its dataset's " + SilverSettings.CSV_ENCODINGS
                            + " entry; convert it again with it if the file is UTF-8.");
        }
        return reason;
    }

    private static String stem(Path input) {
        return input.getFileName().toString().replaceFirst("(?i)(\\.(csv|dat))?(\\.gz)?$", "");
    }

    /**
     * @param contractFiles where the dataset's contract is changed: the --contracts file where one declares it, not the copy put over
     * @param encodingGiven whether --encoding was given, which a rejection for the encoding names
     */
    private static String summary(Path input, String dataset, ConversionResult result, LocalObjectStore silver, ContractFiles contractFiles,
            boolean encodingGiven, double seconds) {
        Manifest manifest = result.manifest();
        String file = input.getFileName().toString();
        if (result.unchanged() && Manifest.REJECTED.equals(manifest.status())) {
            return "unchanged " + file + ": rejected before, read with the same settings (" + silver.describe(result.manifestKey()) + "): "
                    + withTheEncodingOption(manifest.reason(), dataset, manifest, encodingGiven) + " " + whatConvertsARejectedFileAgain(manifest);
        }
        if (result.unchanged()) {
            return "unchanged " + file + ": already converted (" + silver.describe(result.manifestKey()) + "); "
                    + WhatConvertsAgain.forConvertedFile(manifest, contractFiles.describe(dataset), WhatConvertsAgain.Settings.OPTIONS_OR_ENVIRONMENT);
        }
        if (Manifest.REJECTED.equals(manifest.status())) {
            // A file refused after its first rows defined the dataset's contract: the contract stays.
            return "rejected " + file + ": " + withTheEncodingOption(manifest.reason(), dataset, manifest, encodingGiven) + result.contractDefined()
                    .map(contract -> " (its first rows defined the dataset's schema contract, which stays: " + silver.describe(new SilverLayout("").schemaKey(dataset))
                            + ": " + contract.describeColumns() + ")")
                    .orElse("");
        }
        List<String> details = new ArrayList<>();
        details.add(manifest.rowsRead() + (manifest.rowsRead() == 1 ? " row read" : " rows read"));
        details.add(manifest.rowsWritten() + " written");
        details.add(manifest.rowsQuarantined() + " quarantined");
        long bytes = manifest.parts().stream().mapToLong(part -> part.bytes()).sum();
        String where = manifest.parts().isEmpty() ? "" : " into " + silver.describe(manifest.parts().get(0).key()).replaceFirst("/[^/]*$", "/");
        String line = manifest.status() + " " + file + " as dataset " + dataset + where + ": " + String.join(", ", details)
                + String.format(Locale.ROOT, "; %d part(s), %.1f MB, %.2f s", manifest.parts().size(), bytes / 1e6, seconds);
        if (manifest.quarantine() != null) {
            line += "; quarantined rows with their reasons: " + silver.describe(manifest.quarantine().key());
            String contract = silver.describe(new SilverLayout("").schemaKey(dataset));
            // Where "'12.50' is not a bigint" comes from, and where to widen it; none when no row fit the header to infer one from,
            // nor when the rows were refused only for their number of fields, which no type in the contract changes. The --contracts
            // file where one declares the dataset: the command puts it over the output's copy before every conversion, undoing an edit there.
            if (result.rowsQuarantinedForTypes() > 0 && result.contractDefined().isEmpty() && Files.isRegularFile(Path.of(contract))) {
                line += " (the types are the dataset's schema contract's: " + contractFiles.describe(dataset) + ")";
            }
        }
        if (result.contractDefined().isPresent()) {
            line += "; a new dataset: its schema contract, inferred from this file, is " + silver.describe(new SilverLayout("").schemaKey(dataset))
                    + ": " + StringColumnHint.describeColumns(result.contractDefined().get(), result.stringColumnHints());
            // A bcp or INTO OUTFILE export has no header: its first row named the columns, and is in no table.
            Optional<String> headerAsRow = HeaderAsRow.describe(result.contractDefined().get(), silver.describe(new SilverLayout("").schemaKey(dataset)));
            if (headerAsRow.isPresent()) {
                line += "; " + headerAsRow.get();
            }
        }
        if (manifest.columnDrift().isPresent()) {
            line += "; " + manifest.columnDrift().get() + " (the contract: " + contractFiles.describe(dataset) + "): "
                    + whatToDoAboutColumnDrift(manifest, contractFiles.declared(dataset));
        }
        if (manifest.reason() != null) {
            line += " (" + manifest.reason() + ")";
        }
        return line;
    }
}
