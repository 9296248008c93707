package dev.medallion.bronze.cli;

import dev.medallion.common.testing.WithoutCapabilities;
import dev.medallion.common.sample.RetailTransactionsGenerator;
import dev.medallion.common.config.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command without S3: usage, generate, and the refusals that come before any request: those of the
 * command line and of what the plan finds in milliseconds (paths, names, keys, the first 8 KiB of each
 * file). A file read whole is checked after the bucket, and refused before any write (BronzeUploadIT).
 */
class BronzeIngestCliTest {
    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final BronzeIngestCli cli = new BronzeIngestCli(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false,
            endpoint -> fail("no S3 client may be created"),
            file -> fail("no file may be read"));

    @Test
    void helpGoesToStdoutWithExitZero() {
        assertEquals(0, cli.run(List.of("--help")));
        assertTrue(out().startsWith("Usage:\n  java -jar bronze-ingest.jar upload PATH... --bucket BUCKET"), out());
        assertEquals("", err());
    }

    @Test
    void noArgumentsPrintUsageWithExitTwo() {
        assertEquals(2, cli.run(List.of()));
        assertTrue(err().startsWith("Usage:"), err());
    }

    /**
     * A command alone is answered as no arguments are, with the usage on standard error and exit code 2, as lakehouse-local.jar's
     * {@code local} and silver-converter.jar's {@code convert} alone are: it was one {@code error:} line about the first thing missing
     * ({@code give at least one file or folder to upload}, {@code --rows is required}), a riddle where the usage says what to give.
     */
    @Test
    void aCommandAlonePrintsUsageWithExitTwo() {
        for (String command : List.of("upload", "generate")) {
            out.reset();
            err.reset();
            assertEquals(2, cli.run(List.of(command)), command);
            assertEquals(BronzeIngestCli.USAGE, err(), command);
            assertEquals("", out(), command);
        }
    }

    @Test
    void wrongUsageIsOneLineAndAHint() {
        assertEquals(2, cli.run(List.of("download", "x")));
        assertEquals("error: unknown command 'download': use upload or generate\nRun with --help for the options.\n", err());
    }

    /** Another jar's command asked for its help (convert --help) was answered with this jar's usage, exit code 0. */
    @Test
    void anUnknownCommandAskedForItsHelpIsRefusedAsWhenRun() {
        assertEquals(2, cli.run(List.of("convert", "--help")));
        assertEquals("error: unknown command 'convert': use upload or generate\nRun with --help for the options.\n", err());
        assertEquals("", out());
    }

    @Test
    void aMissingPathIsRefusedBeforeAnyRequest() {
        Path missing = directory.resolve("missing");

        assertEquals(2, cli.run(List.of("upload", missing.toString(), "--bucket", "bronze")));

        assertEquals("error: " + missing + " does not exist\n", err());
        assertEquals("", out());
    }

    /** --allow-empty excuses a folder with nothing to upload, never a PATH that is not there (a drive not mounted, a typo). */
    @Test
    void aMissingPathIsRefusedWithAllowEmptyToo() throws IOException {
        Path missing = directory.resolve("missing");
        Path drop = Files.createDirectories(directory.resolve("drop"));

        assertEquals(2, cli.run(List.of("upload", drop.toString(), missing.toString(), "--bucket", "bronze", "--allow-empty")));

        assertEquals("error: " + missing + " does not exist\n", err());
        assertEquals("", out());
    }

    /** Without --allow-empty, an empty folder is wrong usage, and the message says both what to check and the option. */
    @Test
    void anEmptyFolderIsRefusedBeforeAnyRequestNamingAllowEmpty() throws IOException {
        Path drop = Files.createDirectories(directory.resolve("drop"));

        assertEquals(2, cli.run(List.of("upload", drop.toString(), "--bucket", "bronze", "--dry-run")));

        assertEquals("error: " + drop + " holds no .csv, .csv.gz, .dat file; check the path, or, for a drop folder that is empty on some runs, give"
                + " --allow-empty (such a run uploads nothing and exits 0)\n", err());
        assertEquals("", out());
    }

    @Test
    void aBinaryFileNamedCsvIsRefusedBeforeAnyRequest() throws IOException {
        Path binary = Files.write(directory.resolve("sheet.csv"), new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0});

        assertEquals(2, cli.run(List.of("upload", binary.toString(), "--bucket", "bronze")));

        assertEquals("error: " + binary + " is not a CSV file: it is a ZIP archive (it starts with a ZIP entry's signature"
                + " 0x50 0x4B 0x03 0x04), and the converter decompresses gzip alone, whatever the name's suffix says. Extract the CSV from it (unzip),"
                + " or if it is an Excel .xlsx workbook, export it as CSV, and upload the CSV as .csv, or compressed with gzip as .csv.gz\n", err());
    }

    /** A malformed bucket name is wrong usage, refused before any S3 client exists (the factory fails the test if one is created). */
    @Test
    void aMalformedBucketNameIsRefusedBeforeAnyRequest() throws IOException {
        Path file = Files.writeString(Files.createDirectories(directory.resolve("orders")).resolve("jan.csv"), "id\n1\n");

        assertEquals(2, cli.run(List.of("upload", file.toString(), "--bucket", "My_Bucket")));

        assertTrue(err().startsWith("error: --bucket 'My_Bucket' is not a bucket name S3 allows: a bucket name holds only lowercase letters"), err());
        assertTrue(err().endsWith("\nRun with --help for the options.\n"), err());
        assertEquals("", out());
    }

    /** CSV_ENCODINGS is read as the converter reads it: a UTF-16 file of a dataset that declares it goes on to the bucket. */
    @Test
    void aUtf16FileIsRefusedUnlessCsvEncodingsDeclaresItsDataset() throws IOException {
        Path file = Files.write(Files.createDirectories(directory.resolve("exports")).resolve("jan.csv"), "\uFEFFid\n1\n".getBytes(StandardCharsets.UTF_16LE));
        List<String> upload = List.of("upload", file.toString(), "--bucket", "bronze");

        assertEquals(2, cli.run(upload));
        assertTrue(err().contains("set CSV_ENCODINGS=exports:UTF-16 in the environment of this command and of the converter"), err());

        err.reset();
        BronzeIngestCli declared = new BronzeIngestCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false, endpoint -> {
                    throw new IllegalArgumentException("planned; the bucket is next");
                }, opened -> fail("no file may be read"), new Environment(Map.of("CSV_ENCODINGS", "exports:UTF-16LE")));
        assertEquals(2, declared.run(upload));
        assertEquals("error: planned; the bucket is next\n", err());

        err.reset();
        BronzeIngestCli wrong = new BronzeIngestCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false, endpoint -> fail("no S3 client may be created"), opened -> fail("no file may be read"),
                new Environment(Map.of("CSV_ENCODINGS", "exports:UTF-99")));
        assertEquals(2, wrong.run(upload));
        assertTrue(err().startsWith("error: CSV_ENCODINGS entry 'exports:UTF-99' names charset 'UTF-99', which Java does not support"), err());
    }

    /** Against this JVM's own heap: the usage error of bad options, before the files are looked at. */
    @Test
    void partBuffersBeyondTheHeapAreWrongUsage() {
        assumeTrue(Runtime.getRuntime().maxMemory() < 128L << 30, "a heap of 128 GiB or more holds 64 parts of 1 GiB");
        Path missing = directory.resolve("missing");

        assertEquals(2, cli.run(List.of("upload", missing.toString(), "--bucket", "bronze", "--concurrency", "64", "--part-size", "1024")));

        assertTrue(err().startsWith("error: --concurrency 64 x --part-size 1024 MiB is 65536 MiB of part buffers held at once, more than half of this"
                + " JVM's maximum heap ("), err());
        assertTrue(err().endsWith(": lower --concurrency or --part-size, or raise the heap, e.g. JAVA_TOOL_OPTIONS=-Xmx160g\nRun with --help for the options.\n"), err());
        assertEquals("", out());
    }

    @Test
    void generateWritesTheGeneratorsBytes() throws IOException {
        Path file = directory.resolve("retail.csv");

        assertEquals(0, cli.run(List.of("generate", "--rows", "2_000", "--out", file.toString(), "--seed", "7")));

        StringWriter expected = new StringWriter();
        new RetailTransactionsGenerator(7).write(2_000, expected);
        assertEquals(expected.toString(), Files.readString(file, StandardCharsets.US_ASCII));
        assertTrue(out().startsWith("wrote 2,000 rows and a header to " + file + " ("), out());
        assertEquals("", err());
    }

    @Test
    void generateIntoAFolderIsRefused() {
        assertEquals(2, cli.run(List.of("generate", "--rows", "1", "--out", directory.toString())));
        assertTrue(err().startsWith("error: --out " + directory + " is a folder"), err());
    }

    /**
     * An --out under a file failed at createDirectories, whose exception's message is the path alone:
     * "error: /x/a.csv", exit code 1. A wrong argument, named by its option.
     */
    @Test
    void generateUnderAFileIsRefused() throws IOException {
        Path file = Files.writeString(directory.resolve("a.csv"), "a,b\n1,2\n");

        assertEquals(2, cli.run(List.of("generate", "--rows", "1", "--out", file.resolve("retail.csv").toString())));

        assertEquals("error: --out " + file.resolve("retail.csv") + " lies under " + file + ", which is a file: give a file name in a folder\n", err());
        assertEquals("a,b\n1,2\n", Files.readString(file));
    }

    /**
     * An --out in a folder this user cannot write failed at the partial file, its message that file's path
     * alone ("error: /x/ro/.retail.csv-<uuid>.partial", exit code 1). Root writes a folder whatever its mode,
     * so as root the command runs in a JVM of its own without the capabilities that let it (setpriv).
     */
    @Test
    void generateIntoAFolderThatCannotBeWrittenIsRefused() throws Exception {
        Path locked = Files.createDirectories(directory.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        try {
            for (Path target : List.of(locked.resolve("retail.csv"), locked.resolve("2026/retail.csv"))) {
                List<String> args = List.of("generate", "--rows", "1", "--out", target.toString());
                Outcome outcome = Files.isWritable(locked) ? runWithoutThePowerToWriteAnyFile(args) : run(args);

                assertEquals(2, outcome.exit(), outcome.err());
                assertEquals("error: --out " + target + " cannot be written: " + locked + " is not writable (permission denied): give a file in a folder"
                        + " you can write to, or make " + locked + " writable\n", outcome.err());
            }
            try (Stream<Path> left = Files.list(locked)) {
                assertEquals(List.of(), left.toList());
            }
        }
        finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * A file this user cannot read is named once, with why: ErrorMessages now says "permission denied: <path>" itself, which
     * the upload's own "no permission to read <path>" had wrapped into "no permission to read permission denied: <path>".
     */
    @Test
    void uploadingAFileThatCannotBeReadNamesItOnceWithWhy() throws Exception {
        Path locked = Files.writeString(Files.createDirectories(directory.resolve("sales")).resolve("locked.csv"), "a,b\n1,2\n");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            List<String> args = List.of("upload", locked.toString(), "--bucket", "bronze", "--dry-run");
            Outcome outcome = Files.isReadable(locked) ? runWithoutThePowerToWriteAnyFile(args) : run(args);

            assertEquals(2, outcome.exit(), outcome.err());
            assertTrue(outcome.err().startsWith("error: cannot read " + locked + ": no permission to read " + locked + "\n"), outcome.err());
        }
        finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private record Outcome(int exit, String out, String err) {}

    private Outcome run(List<String> args) {
        int exit = cli.run(args);
        return new Outcome(exit, out(), err());
    }

    /** The command in a JVM of its own that holds no capability, so that file modes hold for root too. */
    private static Outcome runWithoutThePowerToWriteAnyFile(List<String> args) throws IOException, InterruptedException {
        WithoutCapabilities.Outcome outcome = WithoutCapabilities.run(List.of(), BronzeIngestCli.class, args);
        return new Outcome(outcome.exit(), outcome.out(), outcome.err());
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
