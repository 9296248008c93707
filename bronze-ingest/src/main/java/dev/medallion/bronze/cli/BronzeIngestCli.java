package dev.medallion.bronze.cli;

import dev.medallion.bronze.generate.RetailCsvFile;
import dev.medallion.bronze.progress.ByteSizes;
import dev.medallion.bronze.progress.Terminals;
import dev.medallion.bronze.upload.FileOpener;
import dev.medallion.bronze.upload.UploadAttemptLimit;
import dev.medallion.bronze.upload.TemporaryFailureException;
import dev.medallion.bronze.upload.UploadRefusedException;
import dev.medallion.common.cli.UsageException;
import dev.medallion.common.config.ConfigurationException;
import dev.medallion.common.config.Environment;
import dev.medallion.common.config.SilverSettings;
import dev.medallion.common.logging.ErrorMessages;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * {@code java -jar bronze-ingest.jar upload|generate …}: uploads CSV files into the bronze bucket, and
 * generates the synthetic retail dataset. Every error a person can fix is one line starting with
 * {@code error:}, never a stack trace. Exit codes: 0 done (with {@code --allow-empty}, nothing to upload
 * too), 1 some file failed for a reason a retry meets again, 2 wrong usage or the run was refused (nothing was
 * uploaded, and running it again as it is would be refused again), 75 the run could not start for a reason a
 * retry may cure (nothing was uploaded), or every file that failed failed for such a reason (a re-run skips the
 * files uploaded). Schedulers (cron, Airflow, Step Functions) tell "retry" from "do not" by these.
 */
public final class BronzeIngestCli {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    /**
     * EX_TEMPFAIL of sysexits.h ("temp failure; user is invited to retry"), which tools that run commands on a
     * schedule know; not 3, which no convention gives that meaning.
     */
    static final int EXIT_TEMPORARY = 75;
    /** How a run that ends with 75 ends its last line, whether it could not start or its failed files all failed so. */
    static final String RETRY_LATER = "run the same command again later (exit code " + EXIT_TEMPORARY + ", EX_TEMPFAIL: a scheduler may retry it)";
    /** The same for a run that stopped starting files and saw S3 answer again before it ended: no need to wait. */
    static final String RETRY_NOW = "run the same command again (exit code " + EXIT_TEMPORARY + ", EX_TEMPFAIL: a scheduler may retry it)";
    static final String TEMPORARY_LINE = "nothing was uploaded, and this failure may be temporary: " + RETRY_LATER;

    static final String USAGE = """
            Usage:
              java -jar bronze-ingest.jar upload PATH... --bucket BUCKET [--dataset NAME] [--prefix P] [--dry-run] [--allow-empty]
                                                 [--concurrency N] [--part-size MIB] [--endpoint-url URL]
              java -jar bronze-ingest.jar generate --rows N --out FILE [--seed S]

            upload    Uploads CSV files (.csv, .csv.gz, .dat) and folders of them to s3://BUCKET/<dataset>/[P/]<path in the folder>.
                      A file the bucket already holds with the same content (size and CRC32) is skipped.
              --dataset       dataset (table) of every PATH, a name alone (folders go in --prefix); default: the folder's
                              name, for a file the folder holding it
                              (give a folder of dataset folders, such as sample-data, as its folders: sample-data/*/)
              --prefix        folders between the dataset and the files, such as 2026/11
              --dry-run       says what would be uploaded, and writes nothing
              --allow-empty   a folder holding no file to upload (a scheduled job's drop folder) is no error: the run says so
                              in one line and exits 0; a PATH that does not exist is still refused
              --concurrency   files uploaded at once, 1 to 64 (default 4); memory is about N times the part size,
                              which must fit in half the JVM's maximum heap (raise it with JAVA_TOOL_OPTIONS=-Xmx...)
              --part-size     MiB per part for files larger than one part, 5 to 1024 (default 8)
              --endpoint-url  an S3 emulator such as LocalStack (default: AWS_ENDPOINT_URL, else AWS S3)
              Credentials and region come from the AWS SDK's default chains (AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_REGION...).
              CSV_ENCODINGS declares datasets' encodings as the converter reads it (e.g. exports:UTF-16LE): UTF-16 and
              UTF-32 files are refused unless their dataset declares such an encoding, and UTF-8 files when it declares a
              single-byte one (windows-1252, ISO-8859-1...), which the converter rejects.
            generate  Writes N synthetic retail transactions as CSV, gzip-compressed when FILE ends in .gz; the same
                      seed gives the same bytes.
              --seed          default 20250101, the seed of the conversion benchmark

            Exit codes: 0 done (with --allow-empty, nothing to upload too), 1 some file failed for a reason a retry meets
                        again, such as a 403 or a file that cannot be read (run again once fixed: files uploaded are skipped),
                        2 wrong usage or refused (a folder holding no file to upload, without --allow-empty; no credentials;
                        a wrong bucket): nothing uploaded, a retry fails the same way, 75 for a reason a retry may cure
                        (S3 unreachable, throttling, a 5xx): nothing uploaded, or every file that failed failed so.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private final S3ClientFactory clients;
    private final FileOpener opener;
    private final Environment environment;
    private final UploadAttemptLimit attemptLimit;

    /** A command whose environment declares no dataset's encoding. */
    public BronzeIngestCli(PrintStream out, PrintStream err, boolean interactive, S3ClientFactory clients, FileOpener opener) {
        this(out, err, interactive, clients, opener, new Environment(Map.of()));
    }

    /** @param environment where {@code CSV_ENCODINGS} is read, as the converter reads it */
    public BronzeIngestCli(PrintStream out, PrintStream err, boolean interactive, S3ClientFactory clients, FileOpener opener, Environment environment) {
        this(out, err, interactive, clients, opener, environment, UploadAttemptLimit.STANDARD);
    }

    /** @param attemptLimit how long one attempt of an upload's write may take; tests shorten it */
    BronzeIngestCli(PrintStream out, PrintStream err, boolean interactive, S3ClientFactory clients, FileOpener opener, Environment environment,
            UploadAttemptLimit attemptLimit) {
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
        this.interactive = interactive;
        this.clients = requireNonNull(clients, "clients is null");
        this.opener = requireNonNull(opener, "opener is null");
        this.environment = requireNonNull(environment, "environment is null");
        this.attemptLimit = requireNonNull(attemptLimit, "attemptLimit is null");
    }

    public static void main(String[] args) {
        BronzeIngestCli cli = new BronzeIngestCli(System.out, System.err, Terminals.isInteractive(), S3ClientFactory.standard(), Files::newInputStream,
                Environment.system());
        System.exit(cli.run(List.of(args)));
    }

    /** Runs one command and returns its exit code. */
    public int run(List<String> args) {
        requireNonNull(args, "args is null");
        // A command alone gives nothing either, as lakehouse-local.jar's local and silver-converter.jar's convert alone: the usage says
        // what to give, where an error about the first thing missing would be a riddle.
        if (args.isEmpty() || args.equals(List.of("upload")) || args.equals(List.of("generate"))) {
            err.print(USAGE);
            return EXIT_USAGE;
        }
        // A command this jar lacks (another jar's convert) is refused, below, before --help would answer it with this jar's usage, exit code 0.
        boolean knownOrOption = List.of("upload", "generate", "help").contains(args.get(0)) || args.get(0).startsWith("-");
        if (knownOrOption && (args.contains("--help") || args.contains("-h") || args.get(0).equals("help"))) {
            out.print(USAGE);
            return EXIT_OK;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (args.get(0)) {
                case "upload" -> new UploadCommand(out, err, interactive, clients, opener, encodings(), attemptLimit).run(UploadOptions.parse(rest));
                case "generate" -> generate(GenerateOptions.parse(rest));
                default -> throw new UsageException("unknown command '" + args.get(0) + "': use upload or generate");
            };
        }
        catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help for the options.");
            return EXIT_USAGE;
        }
        catch (UploadRefusedException | IllegalArgumentException | ConfigurationException e) {
            ErrorMessages.describe(e).lines().forEach(line -> err.println("error: " + line));
            return EXIT_USAGE;
        }
        catch (TemporaryFailureException e) {
            ErrorMessages.describe(e).lines().forEach(line -> err.println("error: " + line));
            err.println("error: " + TEMPORARY_LINE);
            return EXIT_TEMPORARY;
        }
        catch (IOException e) {
            err.println("error: " + ErrorMessages.describe(e));
            return EXIT_FAILED;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted; run the same command again to finish");
            return EXIT_FAILED;
        }
    }

    /** What {@code CSV_ENCODINGS} declares, parsed as the converter and lakehouse-local.jar parse it. */
    private Map<String, Charset> encodings() {
        return SilverSettings.parseEncodings(SilverSettings.CSV_ENCODINGS, environment.string(SilverSettings.CSV_ENCODINGS, ""));
    }

    private int generate(GenerateOptions options) throws IOException {
        RetailCsvFile.Written written = new RetailCsvFile(options.seed()).write(options.rows(), options.out());
        out.printf(Locale.ROOT, "wrote %,d rows and a header to %s (%s, seed %d) in %.2f s%n", written.rows(), written.file(),
                ByteSizes.format(written.bytes()), options.seed(), written.elapsed().toNanos() / 1e9);
        return EXIT_OK;
    }
}
