package dev.medallion.silver.local;

import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.schema.InvalidSchemaContractException;
import dev.medallion.silver.schema.SchemaContract;
import dev.medallion.silver.schema.SchemaContractStore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The schema contracts a directory declares, a {@code <dataset>.json} each, as Terraform's
 * {@code schema_contracts_dir} declares them to a stack: read with the converter's own reader
 * ({@link SchemaContractStore#declared}), held to what the converter holds a stored contract to when it
 * loads one (of the dataset its file is named after, with names the catalog can hold:
 * {@link SilverCatalog#check}), and put into a lake's {@code _schemas/} before any file is converted,
 * replacing a contract the lake holds, as the apply replaces the object.
 */
public final class DeclaredContracts {
    /** What the local commands that convert say after a refusal. */
    private static final String NOTHING_CONVERTED = "Nothing was converted.";
    /** Files named in a refusal; a last line counts the rest. */
    private static final int MAX_NAMED = 5;

    /** One contract file, read and checked. */
    public record Declared(Path file, SchemaContract contract, byte[] content) {
        public Declared {
            requireNonNull(file, "file is null");
            requireNonNull(contract, "contract is null");
            content = requireNonNull(content, "content is null").clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }
    }

    /** What putting a declared contract into a lake did. */
    public enum Change {
        /** The lake held no contract of the dataset. */
        ADDED,
        /** The lake held this file's bytes already. */
        UNCHANGED,
        /**
         * The lake held another contract of the dataset of the same columns, types and header names (the one
         * its first file inferred, say), which the declared one replaced: the data is typed as before.
         */
        RESTATED,
        /** The lake held another contract of the dataset, which the declared one replaced: the types change. */
        REPLACED
    }

    /**
     * A declared contract put into a lake.
     *
     * @param where the contract's place in the lake, for people
     * @param replaced the columns of the contract it replaced, or why they could not be read; empty unless {@link Change#REPLACED}
     */
    public record Put(Declared declared, Change change, String where, String replaced) {
        public Put {
            requireNonNull(declared, "declared is null");
            requireNonNull(change, "change is null");
            requireNonNull(where, "where is null");
            requireNonNull(replaced, "replaced is null");
        }

        /** For people: {@code contract sales, declared in …/sales.json: put at …/_schemas/sales.json: transaction_id bigint, …}. */
        public String describe() {
            String line = "contract " + declared.contract().dataset() + ", declared in " + declared.file() + ": ";
            return switch (change) {
                case ADDED -> line + "put at " + where + ": " + declared.contract().describeColumns();
                case UNCHANGED -> line + "the lake holds it already at " + where;
                case RESTATED -> line + "replaced the contract the lake held at " + where + ", of the same columns and types, as terraform apply replaces it";
                case REPLACED -> line + "replaced the contract the lake held at " + where + " (" + replaced + "), as terraform apply replaces it;"
                        + " the declared one types every file converted from now on: " + declared.contract().describeColumns();
            };
        }
    }

    /** Why a directory's contracts are refused: a line per file, each naming it and what to change. */
    public static final class Refused extends IllegalArgumentException {
        private final List<String> problems;

        Refused(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }

        /** The problems as a command's error lines, the last saying that nothing was converted. */
        public List<String> errorLines() {
            return errorLines(Optional.of(NOTHING_CONVERTED));
        }

        /** The problems as a command's error lines, {@code closing} (a sentence) after the last, when there is one. */
        public List<String> errorLines(Optional<String> closing) {
            requireNonNull(closing, "closing is null");
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < problems.size(); i++) {
                String problem = problems.get(i);
                boolean last = i == problems.size() - 1;
                lines.add("error: " + problem + (last && closing.isPresent() ? (problem.endsWith(".") ? "" : ".") + " " + closing.get() : ""));
            }
            return lines;
        }
    }

    private final Path directory;
    private final List<Declared> contracts;

    private DeclaredContracts(Path directory, List<Declared> contracts) {
        this.directory = directory;
        this.contracts = List.copyOf(contracts);
    }

    /**
     * A local command's {@code --contracts} option, read by {@link #ofOption}: the contracts it declares (none when it
     * is not given), or the refusal of the run, already told.
     */
    public record Option(Optional<DeclaredContracts> declared, boolean refused) {
        private static final Option REFUSED = new Option(Optional.empty(), true);

        public Option {
            requireNonNull(declared, "declared is null");
            if (refused && declared.isPresent()) {
                throw new IllegalArgumentException("A refused option declares no contracts");
            }
        }
    }

    /**
     * Reads the local commands' {@code --contracts} option, when it is given: {@link #read} of its directory with the
     * names checked as the deployed converter's Glue catalog checks them. A refusal is told on {@code err} as the
     * command's error lines ({@link Refused#errorLines}), every file wrong named at once, before anything is written;
     * the command then exits as for any wrong argument.
     *
     * @param directory the option's value, a path relative to the working directory or absolute
     */
    public static Option ofOption(Optional<String> directory, PrintStream err) throws IOException {
        return ofOption(directory, Optional.of(NOTHING_CONVERTED), err);
    }

    /**
     * {@link #ofOption(Optional, PrintStream)} for a command that converts nothing ({@code check-models}): a refusal's last
     * line ends with {@code closing}, when there is one, in place of "Nothing was converted.".
     */
    public static Option ofOption(Optional<String> directory, Optional<String> closing, PrintStream err) throws IOException {
        requireNonNull(directory, "directory is null");
        requireNonNull(closing, "closing is null");
        requireNonNull(err, "err is null");
        if (directory.isEmpty()) {
            return new Option(Optional.empty(), false);
        }
        try {
            return new Option(Optional.of(read("--contracts", Path.of(directory.get()).toAbsolutePath().normalize(), SilverCatalog.namesCheckedAsGlue())), false);
        }
        catch (Refused e) {
            e.errorLines(closing).forEach(err::println);
            return Option.REFUSED;
        }
    }

    /**
     * Reads and checks every {@code *.json} file directly in {@code directory}, in name order; other files
     * and folders (the dataset folders beside sample-data's contracts) are no contracts.
     *
     * @param option the option that named the directory, for the messages ({@code --contracts})
     * @param catalog checks the names as the deployed converter's catalog checks a contract it loads
     * @throws Refused naming every file refused (the first few) and what is wrong with it, or a directory
     *     that is none or holds no contract
     */
    public static DeclaredContracts read(String option, Path directory, SilverCatalog catalog) throws IOException {
        requireNonNull(option, "option is null");
        requireNonNull(directory, "directory is null");
        requireNonNull(catalog, "catalog is null");
        if (!Files.isDirectory(directory)) {
            throw new Refused(List.of(option + " " + directory + (Files.exists(directory) ? " is a file" : " does not exist")
                    + ": give a directory of <dataset>.json schema contracts, as Terraform's schema_contracts_dir"));
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.json")) {
            for (Path entry : entries) {
                if (!Files.isDirectory(entry)) {
                    files.add(entry);
                }
            }
        }
        catch (FileSystemException | DirectoryIteratorException e) {
            // A wrong argument like the others here: thrown, it failed the run with the path alone, exit code 1.
            throw new Refused(List.of("cannot read " + option + " " + directory + " (" + ErrorMessages.reason(e instanceof DirectoryIteratorException iterating
                    ? iterating.getCause() : e) + "): make it readable, or give the directory that holds the schema contracts"));
        }
        files.sort(null);
        if (files.isEmpty()) {
            // As Terraform's plan fails on it: most often a mistyped path.
            throw new Refused(List.of(option + " " + directory + " holds no <dataset>.json file: give the directory that holds the schema contracts"
                    + " (sample-data holds the sample datasets')"));
        }
        List<Declared> contracts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                contracts.add(read(file, catalog));
            }
            catch (InvalidSchemaContractException | IllegalArgumentException e) {
                problems.add(ErrorMessages.describe(e));
            }
            catch (IOException e) {
                problems.add("cannot read the schema contract " + file + " (" + ErrorMessages.reason(e) + "): make it readable, or move it out of "
                        + option + " " + directory);
            }
        }
        if (!problems.isEmpty()) {
            List<String> named = new ArrayList<>(problems.subList(0, Math.min(problems.size(), MAX_NAMED)));
            if (problems.size() > MAX_NAMED) {
                named.add("and " + (problems.size() - MAX_NAMED) + " more contract file(s) of " + directory + " the converter would refuse");
            }
            throw new Refused(named);
        }
        return new DeclaredContracts(directory, contracts);
    }

    private static Declared read(Path file, SilverCatalog catalog) throws IOException {
        String name = file.getFileName().toString();
        String dataset = name.substring(0, name.length() - ".json".length());
        String named = SilverLayout.datasetName(dataset);
        if (!named.equals(dataset)) {
            throw new IllegalArgumentException(file + ": the converter reads a dataset's contract at _schemas/<dataset>.json, <dataset> being its bronze"
                    + " folder's name made a table name (lowercase letters and digits, words joined by single underscores), so it would never read"
                    + " _schemas/" + dataset + ".json. Name the file after the dataset's table (" + named + ".json for a folder named " + dataset + ").");
        }
        byte[] content = Files.readAllBytes(file);
        SchemaContract contract = SchemaContractStore.declared(dataset, content, file.toString());
        try {
            // What the converter asks of a stored contract before it converts anything (ConversionRun.existingContract).
            catalog.check(contract);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Schema contract " + file + ": " + ErrorMessages.describe(e), e);
        }
        return new Declared(file, contract, content);
    }

    public Path directory() {
        return directory;
    }

    public List<Declared> contracts() {
        return contracts;
    }

    /** Puts every contract into the lake whose contracts {@code store} keeps, in name order, and says what each put did. */
    public List<Put> putInto(SchemaContractStore store) throws IOException {
        requireNonNull(store, "store is null");
        List<Put> puts = new ArrayList<>();
        for (Declared declared : contracts) {
            SchemaContract contract = declared.contract();
            String dataset = contract.dataset();
            Optional<SchemaContract> held;
            String replaced;
            try {
                held = store.load(dataset);
                replaced = held.map(SchemaContract::describeColumns).orElse("");
            }
            catch (InvalidSchemaContractException e) {
                held = Optional.empty();
                replaced = "one the converter could not read: " + ErrorMessages.describe(e);
            }
            Optional<byte[]> before = store.replace(dataset, declared.content());
            Change change;
            if (before.isEmpty()) {
                change = Change.ADDED;
            }
            else if (Arrays.equals(before.get(), declared.content())) {
                change = Change.UNCHANGED;
            }
            else {
                change = held.isPresent() && held.get().columns().equals(contract.columns()) ? Change.RESTATED : Change.REPLACED;
            }
            puts.add(new Put(declared, change, store.describe(dataset), change == Change.REPLACED ? replaced : ""));
        }
        return puts;
    }
}
