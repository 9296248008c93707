package dev.medallion.local;

import dev.medallion.common.cli.CommandLine;
import dev.medallion.common.cli.UsageException;
import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.model.GoldModels;
import dev.medallion.local.gold.GoldBuilder;
import dev.medallion.local.gold.GoldModelException;
import dev.medallion.local.gold.ModelChecks;
import dev.medallion.silver.local.DeclaredContracts;
import dev.medallion.silver.schema.SchemaContract;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * {@code check-models}: the checks {@code local} makes of the gold models before DuckDB runs them, alone, with
 * no data and no DuckDB; with {@code --contracts}, every check {@code local} makes before it writes a table, on DuckDB
 * over an empty silver table per schema contract (the tables and columns read, the columns' types, the refusals that
 * need them). The build runs it with the sample data's contracts over the models the gold-ctas jar ships (local/pom.xml,
 * at prepare-package, so {@code mvn package -DskipTests} runs it too): the gold builder in Lambda has no SQL
 * parser, and a deploy of a model it cannot run would meet the error only in Athena.
 */
final class CheckModelsCommand {
    static final String COMMAND = "check-models";
    static final String USAGE = """
            Usage: java -jar lakehouse-local.jar check-models [--models DIR] [--contracts DIR]

            Checks the gold models as the local command does before DuckDB runs them, with no data and no DuckDB
            (with --contracts, on DuckDB too):
            each SELECT must parse with Trino's parser (Athena engine v3), read only ${silver_database}.<dataset>
            tables and its own WITH queries, call only functions Athena has, not group BY ALL, give its columns
            lowercase names and end with its partition columns; each header must list exactly the silver tables
            read. An error names the model's file, the line and column where there is one, and the fix.
            Without --contracts, not checked: the silver tables and columns read, the columns' types and the names
            DuckDB gives a column without an alias or behind a *: the local command checks those.
            --models     a directory with models.list and <model>.sql files (e.g. gold-ctas/src/main/resources/gold);
                         default: the models the gold-ctas jar ships, which the build checks with --contracts sample-data
            --contracts  a directory of <dataset>.json schema contracts, as Terraform's schema_contracts_dir
                         (e.g. sample-data): each model also runs, as local runs it before writing its table, on
                         DuckDB over an empty silver table per contract, typed as silver types it: a table or column
                         the contracts lack, and what only the types tell, is refused with local's message
            Exit code: 0 every model passes, 1 a model fails a check (the others are still checked), or, with --contracts,
            DuckDB or the temporary folder of the empty tables fails (as local exits on DuckDB or a disk failing), 2 wrong usage
            (a --models directory that does not exist, without models.list, naming no model, or with a model
            whose file does not load, its header or its list; a --contracts directory that does not exist, cannot
            be read, holds no <dataset>.json, or holds a contract the converter would refuse).
            """;
    private static final String HINT = "Run with --help for the options.";

    private CheckModelsCommand() {}

    /** @param args the arguments after the command's name */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        requireNonNull(args, "args is null");
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
        if (args.contains("--help") || args.contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        CommandLine line;
        try {
            line = CommandLine.parse(args, Set.of("--models", "--contracts"), Set.of());
            if (!line.positionals().isEmpty()) {
                throw new UsageException("unexpected argument '" + line.positionals().get(0) + "'");
            }
        }
        catch (UsageException e) {
            err.println("error: " + ErrorMessages.describe(e));
            err.println(HINT);
            return 2;
        }
        List<GoldModel> models;
        try {
            models = line.value("--models").isPresent() ? LocalLakehouseCli.modelsIn(Path.of(line.value("--models").get())) : GoldModels.shipped().all();
        }
        catch (IllegalArgumentException | IllegalStateException | IOException e) {
            // As the local command answers them: models that do not load are a wrong --models (or a broken jar), exit code 2.
            err.println("error: " + ErrorMessages.describe(e));
            return 2;
        }
        DeclaredContracts.Option contracts;
        try {
            // As local --contracts reads them (the converter's reader, and what the converter holds a contract to), and
            // a refusal told in its words, without the "Nothing was converted." of a command that converts.
            contracts = DeclaredContracts.ofOption(line.value("--contracts"), Optional.empty(), err);
        }
        catch (IOException e) {
            err.println("error: cannot read --contracts " + Path.of(line.value("--contracts").orElseThrow()).toAbsolutePath().normalize() + " ("
                    + ErrorMessages.reason(e) + "): make it readable, or give the directory that holds the schema contracts");
            return 2;
        }
        if (contracts.refused()) {
            // A wrong argument, as the usage says.
            return 2;
        }
        String from = line.value("--models").map(directory -> Path.of(directory).toAbsolutePath().normalize().toString()).orElse("the gold-ctas jar");
        if (contracts.declared().isEmpty()) {
            out.println("Checking " + models.size() + " gold model(s) of " + from + " as local does before DuckDB runs them (no data, no DuckDB)");
            ModelChecks checks = new ModelChecks();
            return verdict(models, checks::check, "the checks local makes before DuckDB runs them", out, err);
        }
        List<SchemaContract> declared = contracts.declared().get().contracts().stream().map(DeclaredContracts.Declared::contract).toList();
        Path directory = contracts.declared().get().directory();
        try (GoldBuilder builder = GoldBuilder.overContracts(directory, declared)) {
            out.println("Checking " + models.size() + " gold model(s) of " + from + " as local does before it writes their tables, on DuckDB "
                    + builder.duckDbVersion() + " over empty silver tables " + String.join(", ", builder.silverTables()) + " typed by the contracts in "
                    + directory + " (no data)");
            return verdict(models, builder::check, "the checks local makes before it writes their tables, over the contracts in " + directory, out, err);
        }
        catch (SQLException | IOException e) {
            // Not the models' fault, nor the arguments': the temporary folder of the empty tables, or DuckDB, failed. Exit code 1,
            // as local's when DuckDB or the disk fails (its SQLException and IOException), the usage saying so.
            err.println("error: cannot check the models over the contracts in " + directory + ": " + ErrorMessages.describe(e)
                    + " (the empty silver tables go to the temporary folder, java.io.tmpdir: make it writable)");
            return 1;
        }
    }

    private interface Check {
        void check(GoldModel model) throws GoldModelException;
    }

    /** Checks every model, a failed one not stopping the others, and says the verdict: the command's exit code. */
    private static int verdict(List<GoldModel> models, Check check, String checks, PrintStream out, PrintStream err) {
        int failed = 0;
        for (GoldModel model : models) {
            try {
                check.check(model);
                out.println(model.name() + ": ok (" + model.file() + ")");
            }
            catch (GoldModelException e) {
                out.println(model.name() + ": FAILED (the error is on standard error)");
                err.println("error: " + ErrorMessages.describe(e));
                failed++;
            }
        }
        if (failed > 0) {
            err.println(failed + " of " + models.size() + " gold model(s) fail the checks (see above): Athena would fail them; mend them and build again");
            return 1;
        }
        out.println(models.size() + " of " + models.size() + " gold model(s) pass " + checks);
        return 0;
    }
}
