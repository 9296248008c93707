package dev.medallion.bronze.upload;

import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.testing.MainframeExports;
import dev.medallion.common.text.UnreadNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class UploadPlannerTest {
    @TempDir
    Path directory;

    private static final String ALLOW_EMPTY_HINT = "; check the path, or, for a drop folder that is empty on some runs, give --allow-empty (such a run uploads nothing and exits 0)";

    private final UploadPlanner planner = new UploadPlanner(new BronzeKeyLayout(Optional.empty()), Optional.empty());

    /**
     * A scheduled drop folder is empty most nights: with empty folders allowed, it plans nothing and says why,
     * naming what was left out as a run that uploads names it; without, it refuses the run (a mistyped folder).
     */
    @Test
    void aFolderHoldingNothingToUploadIsPlannedAsEmptyWhenAllowedAndRefusedOtherwise() throws Exception {
        Path drop = Files.createDirectories(directory.resolve("drop"));
        assertEquals(drop + " holds no .csv, .csv.gz, .dat file" + ALLOW_EMPTY_HINT, refusal(planner, drop));

        UploadPlanner.Plan empty = planner.plan(List.of(drop), UploadPlanner.EmptyFolders.ALLOWED);

        assertEquals(List.of(), empty.files());
        assertEquals(List.of(drop + " holds no .csv, .csv.gz, .dat file"), empty.emptyFolders());

        // Only what is left out: a lock file, a job's marker, another suffix, and a transfer's hidden temporary file.
        Path lock = write(drop.resolve("~$jan.csv"), "owner");
        Path marker = write(drop.resolve("_SUCCESS"), "");
        Path sheet = write(drop.resolve("jan.xlsx"), "PK");
        write(drop.resolve(".jan.csv.Xy12Z"), "id\n1\n");
        String leftOut = drop + " holds no .csv, .csv.gz, .dat file (1 other file left out) (1 Hadoop or Spark job file or folder, named with a"
                + " leading _, left out) (1 Office lock file, named with a leading ~$, left out) (1 hidden file or folder, named with a leading ., not"
                + " looked at)";
        assertEquals(leftOut + ALLOW_EMPTY_HINT, refusal(planner, drop));

        UploadPlanner.Plan onlyLeftOut = planner.plan(List.of(drop), UploadPlanner.EmptyFolders.ALLOWED);

        assertEquals(List.of(), onlyLeftOut.files());
        assertEquals(List.of(leftOut), onlyLeftOut.emptyFolders());
        assertEquals(List.of(sheet), onlyLeftOut.ignored());
        assertEquals(List.of(marker), onlyLeftOut.jobFiles());
        assertEquals(List.of(lock), onlyLeftOut.officeLockFiles());
    }

    /** Allowing empty folders excuses nothing else: a missing PATH, or a file given by name that is not CSV, still refuses the run. */
    @Test
    void allowingEmptyFoldersStillRefusesAMissingPathAndPlansTheOtherFolders() throws Exception {
        Path drop = Files.createDirectories(directory.resolve("drop"));
        Path orders = write(directory.resolve("orders/jan.csv"), "id\n1\n");
        Path missing = directory.resolve("dorp");
        Path text = write(directory.resolve("readme.txt"), "hello");

        UploadRefusedException refused = assertThrows(UploadRefusedException.class,
                () -> planner.plan(List.of(drop, missing, text), UploadPlanner.EmptyFolders.ALLOWED));

        assertEquals(missing + " does not exist\n" + text + " is not a CSV file: its name must end in .csv, .csv.gz, .dat: "
                + UnreadNames.advice("readme.txt").orElseThrow(), refused.getMessage());

        UploadPlanner.Plan plan = planner.plan(List.of(drop, orders.getParent()), UploadPlanner.EmptyFolders.ALLOWED);

        assertEquals(List.of("orders/jan.csv"), plan.files().stream().map(PlannedFile::key).toList());
        assertEquals(List.of(drop + " holds no .csv, .csv.gz, .dat file"), plan.emptyFolders());
        assertEquals(List.of(), planner.plan(List.of(orders.getParent())).emptyFolders());
    }

    @Test
    void aFolderBecomesADatasetWithItsSubfolders() throws Exception {
        Path folder = directory.resolve("Sales Data");
        write(folder.resolve("b.csv"), "id\n1\n");
        write(folder.resolve("2026/11/a.csv.gz"), "");
        write(folder.resolve("legacy.DAT"), "1|2\n");
        write(folder.resolve("notes.txt"), "not data");
        write(folder.resolve(".hidden.csv"), "id\n");
        write(folder.resolve(".git/config.csv"), "id\n");

        UploadPlanner.Plan plan = planner.plan(List.of(folder));

        assertEquals(List.of(
                new PlannedFile(folder.resolve("2026/11/a.csv.gz"), "sales_data/2026/11/a.csv.gz", 0, modified(folder.resolve("2026/11/a.csv.gz"))),
                new PlannedFile(folder.resolve("b.csv"), "sales_data/b.csv", 5, modified(folder.resolve("b.csv"))),
                new PlannedFile(folder.resolve("legacy.DAT"), "sales_data/legacy.DAT", 4, modified(folder.resolve("legacy.DAT")))), plan.files());
        assertEquals(List.of(folder.resolve("notes.txt")), plan.ignored());
        assertEquals(9, plan.totalBytes());
    }

    @Test
    void linksToFoldersAreLeftOutAsLinksAndLinksToFilesCountAsTheFiles() throws Exception {
        Path folder = directory.resolve("sales");
        write(folder.resolve("a.csv"), "id\n1\n");
        Path elsewhere = write(directory.resolve("elsewhere/b.csv"), "id\n2\n");
        Files.createSymbolicLink(folder.resolve("linked"), elsewhere.getParent());
        Files.createSymbolicLink(folder.resolve("c.csv"), elsewhere);

        UploadPlanner.Plan plan = planner.plan(List.of(folder));

        assertEquals(List.of("sales/a.csv", "sales/c.csv"), plan.files().stream().map(PlannedFile::key).toList());
        assertEquals(List.of(), plan.ignored(), "not taken for a file with the wrong name");
        assertEquals(List.of(folder.resolve("linked")), plan.folderLinks());
        // Given as a PATH of its own, the link is its folder: a dataset named after the link.
        assertEquals(List.of("linked/b.csv"), planner.plan(List.of(folder.resolve("linked"))).files().stream().map(PlannedFile::key).toList());
    }

    @Test
    void aFileThatCannotBeReadRefusesTheRunNamingItAndWhy() throws Exception {
        // Reading /proc/self/mem from its start fails (address 0 is not mapped): a read error even for root,
        // who may read files without permission.
        Path unreadable = directory.resolve("sales/broken.csv");
        Files.createDirectories(unreadable.getParent());
        Files.createSymbolicLink(unreadable, Path.of("/proc/self/mem"));

        UploadRefusedException refused = assertThrows(UploadRefusedException.class, () -> planner.plan(List.of(unreadable.getParent())));

        assertTrue(refused.getMessage().startsWith("cannot read " + unreadable + ": "), refused.getMessage());
        assertTrue(refused.getMessage().length() > ("cannot read " + unreadable + ": ").length() + 3, refused.getMessage());
    }

    @Test
    void aFileBelongsToItsFolderAndThePrefixFollowsTheDataset() throws Exception {
        Path file = write(directory.resolve("orders/january.csv"), "id\n1\n");
        UploadPlanner withPrefix = new UploadPlanner(new BronzeKeyLayout(Optional.of("2026/01")), Optional.empty());

        assertEquals(List.of(new PlannedFile(file, "orders/2026/01/january.csv", 5, modified(file))), withPrefix.plan(List.of(file)).files());
    }

    @Test
    void theGivenDatasetAppliesToEveryPath() throws Exception {
        Path a = write(directory.resolve("x/a.csv"), "id\n");
        Path b = write(directory.resolve("y/b.csv"), "id\n");
        UploadPlanner named = new UploadPlanner(new BronzeKeyLayout(Optional.empty()), Optional.of("Orders"));

        assertEquals(List.of("orders/a.csv", "orders/b.csv"), named.plan(List.of(a, directory.resolve("y"))).files().stream().map(PlannedFile::key).toList());
        assertEquals(List.of(b), List.of(named.plan(List.of(b)).files().get(0).path()));
    }

    /**
     * Under LANG=C the JVM reads each non-ASCII byte of a file name as U+FFFD: the key would name no file,
     * and a run in a UTF-8 locale would upload the same file again under its real name.
     */
    @Test
    void aNameTheLocaleCouldNotReadIsRefusedNamingTheRemedy() throws Exception {
        Path file = write(directory.resolve("people/re\uFFFD\uFFFDsume.csv"), "id\n1\n");

        String refusal = refusal(planner, directory.resolve("people"));

        assertTrue(refusal.contains(file + ": its name could not be read in this locale") && refusal.contains("LANG=C.UTF-8"), refusal);
    }

    /**
     * The dataset's name is the folder's made a table name, which turns U+FFFD into '_': under LANG=C
     * {@code données} would become {@code donn_es}, in a UTF-8 locale {@code donnees}, the same rows in two tables.
     */
    @Test
    void aDatasetFolderNameTheLocaleCouldNotReadIsRefusedNamingTheFolder() throws Exception {
        Path folder = directory.resolve("donn\uFFFD\uFFFDes");
        Path file = write(folder.resolve("a.csv"), "id\n1\n");

        String refusal = refusal(planner, folder);

        assertTrue(refusal.startsWith(folder + ": its name, which names the dataset of the files under it, could not be read in this locale"), refusal);
        assertTrue(refusal.endsWith("LANG=C.UTF-8"), refusal);
        // A file given alone is named after the folder that holds it.
        String alone = refusal(planner, file);
        assertTrue(alone.startsWith(folder + ": its name, which names the dataset of " + file + ", could not be read in this locale"), alone);
        // Given a dataset, the folder's name is in no key.
        assertEquals(List.of("donnees/a.csv"), new UploadPlanner(new BronzeKeyLayout(Optional.empty()), Optional.of("donnees")).plan(List.of(folder))
                .files().stream().map(PlannedFile::key).toList());
    }

    /** Arguments are decoded as file names are: a --dataset or --prefix read as U+FFFD would name what nobody typed. */
    @Test
    void aDatasetOrPrefixTheLocaleCouldNotReadIsRefusedOnce() throws Exception {
        write(directory.resolve("sales/a.csv"), "id\n1\n");
        write(directory.resolve("sales/b.csv"), "id\n2\n");

        assertEquals(List.of("--dataset donn\uFFFD\uFFFDes"), List.of(refusal(new UploadPlanner(new BronzeKeyLayout(Optional.empty()),
                Optional.of("donn\uFFFD\uFFFDes")), directory.resolve("sales")).split(" could not be read in this locale")[0]));
        assertEquals(List.of("--prefix ann\uFFFD\uFFFDe"), List.of(refusal(new UploadPlanner(new BronzeKeyLayout(Optional.of("ann\uFFFD\uFFFDe")),
                Optional.empty()), directory.resolve("sales")).split(" could not be read in this locale")[0]));
    }

    /**
     * A broken link named like CSV inside a folder was meant to be uploaded: left out as a wrong name, the run
     * would report success without it. A broken link with another name is left out like any such file.
     */
    @Test
    void aBrokenLinkOrANamedPipeNamedLikeCsvIsRefusedNamingItAndWhy() throws Exception {
        Path folder = directory.resolve("sales");
        write(folder.resolve("jan.csv"), "id\n1\n");
        Path gone = directory.resolve("gone.csv");
        Path broken = Files.createSymbolicLink(folder.resolve("feb.csv"), gone);
        Path pipe = folder.resolve("mar.csv");
        Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo " + pipe);

        assertEquals(String.join("\n",
                        broken + " is a broken link: its target " + gone + " does not exist; restore the target, or remove the link",
                        pipe + " is not a regular file but a named pipe, a socket or a device: move it out of " + folder
                                + ", or rename it so that its name does not end in .csv, .csv.gz, .dat"),
                refusal(planner, folder));

        Files.delete(broken);
        Files.delete(pipe);
        Path otherName = Files.createSymbolicLink(folder.resolve("feb.txt"), gone);
        assertEquals(List.of(otherName), planner.plan(List.of(folder)).ignored());
    }

    @Test
    void theSameFileTwiceIsPlannedOnce() throws Exception {
        Path file = write(directory.resolve("orders/a.csv"), "id\n");

        assertEquals(1, planner.plan(List.of(directory.resolve("orders"), file)).files().size());
    }

    @Test
    void refusesEveryProblemAtOnceBeforeAnythingIsUploaded() throws Exception {
        Path missing = directory.resolve("missing.csv");
        Path text = write(directory.resolve("readme.txt"), "hello");
        Path binary = Files.write(directory.resolve("photo.csv"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1});
        Path empty = Files.createDirectories(directory.resolve("empty"));

        String message = refusal(planner, missing, text, binary, empty);

        assertEquals(String.join("\n",
                missing + " does not exist",
                text + " is not a CSV file: its name must end in .csv, .csv.gz, .dat: " + UnreadNames.advice("readme.txt").orElseThrow(),
                empty + " holds no .csv, .csv.gz, .dat file" + ALLOW_EMPTY_HINT,
                binary + " is not a CSV file: it holds a NUL byte at offset 4: binary content, not CSV text (starts with 89 50 4e 47 00 01)"),
                message);
    }

    /** A workbook given by name is told to be exported as CSV: renamed to .csv, it would be refused as a ZIP archive. */
    @Test
    void aSpreadsheetGivenByNameIsToldToBeExportedAsCsv() throws Exception {
        Path workbook = Files.write(directory.resolve("Q3 Report.xlsx"), new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0});

        assertEquals(workbook + " is not a CSV file: its name must end in .csv, .csv.gz, .dat: "
                + "a .xlsx file is a spreadsheet, not CSV text: open it and export each sheet as CSV (in Excel, Save As"
                + " \"CSV UTF-8 (Comma delimited)\"; its plain \"CSV\" is in the machine's code page, which needs a CSV_ENCODINGS entry),"
                + " then give the .csv file", refusal(planner, workbook));
    }

    /** A mainframe export its dataset declares no encoding for: refused before anything is uploaded, its code page named. */
    @Test
    void anUndeclaredEbcdicFileIsRefusedWithItsCodePageToDeclare() throws Exception {
        StringBuilder text = new StringBuilder("ACCOUNT,HOLDER,BALANCE\n");
        for (int row = 0; row < 100; row++) {
            text.append(String.format("%010d,Mueller Karl,1520.75\n", 1234567 + row));
        }
        Path file = Files.write(Files.createDirectories(directory.resolve("mainframe")).resolve("accounts.csv"),
                text.toString().getBytes(java.nio.charset.Charset.forName("IBM037")));

        String message = refusal(planner, file);
        assertTrue(message.startsWith(file + " is not a CSV file: it is not text as read in UTF-8, the default (CSV_ENCODINGS declares no encoding for dataset mainframe): ") && message.contains(" the first U+0015 on line 1. It looks"
                + " like EBCDIC (a mainframe export): declare its code page, e.g. CSV_ENCODINGS=mainframe:IBM037 (US/Canada;") && !message.contains("binary"), message);
    }

    /** A mainframe export with packed-decimal fields: refused before anything is uploaded, told to export them as display text. */
    @Test
    void anEbcdicFileWithPackedDecimalFieldsIsRefusedWithWhatToDoAboutThem() throws Exception {
        Path file = Files.write(Files.createDirectories(directory.resolve("mainframe")).resolve("ledger.csv"),
                MainframeExports.withBinaryFields(Charset.forName("IBM037"), 30));

        String message = refusal(planner, file);
        assertTrue(message.startsWith(file + " is not a CSV file: it holds a NUL byte at offset 65 (") && message.contains("The rest of its first bytes look"
                + " like EBCDIC (a mainframe export) with binary fields in it: low values (0x00 bytes), packed-decimal (COMP-3) or binary (COMP) numbers")
                && message.contains("Export those fields as display text") && message.contains("CSV_ENCODINGS=mainframe:IBM037"), message);
        UploadPlanner declared = new UploadPlanner(new BronzeKeyLayout(Optional.empty()), Optional.empty(), Map.of("mainframe", Charset.forName("IBM037")));
        String declaredMessage = refusal(declared, file);
        assertTrue(declaredMessage.contains("It is a mainframe (EBCDIC) export with binary fields in it") && !declaredMessage.contains("CSV_ENCODINGS=mainframe:IBM037"),
                declaredMessage);
    }

    /** CSV_ENCODINGS keys datasets by their safe names, as the converter looks them up. */
    @Test
    void aUtf16FileIsPlannedWhenItsDatasetDeclaresItsEncoding() throws Exception {
        Path file = Files.write(Files.createDirectories(directory.resolve("Windows Exports")).resolve("jan.csv"),
                "\uFEFFid,name\n1,caf\u00e9\n".getBytes(StandardCharsets.UTF_16LE));

        assertTrue(refusal(planner, file).contains("set CSV_ENCODINGS=windows_exports:UTF-16 in the environment"), refusal(planner, file));
        UploadPlanner declared = new UploadPlanner(new BronzeKeyLayout(Optional.empty()), Optional.empty(), Map.of("windows_exports", StandardCharsets.UTF_16LE));
        assertEquals(List.of("windows_exports/jan.csv"), declared.plan(List.of(file)).files().stream().map(PlannedFile::key).toList());
    }

    /** A Windows-1252 export of a dataset read as UTF-8 would be rejected by the converter as a whole: refused before upload, with its reason. */
    @Test
    void aFileNotValidInItsDatasetsEncodingIsRefusedUnlessTheDatasetDeclaresIt() throws Exception {
        Path file = Files.write(Files.createDirectories(directory.resolve("People")).resolve("u.csv"),
                "id,name\n1,ok\n2,Zo\u00eb\n3,also ok\n".getBytes(Charset.forName("windows-1252")));

        assertEquals(file + " would be rejected by the converter: The file is not UTF-8: invalid byte sequence 0xEB 0x0A at byte offset 17 (line 3)."
                + " If it is a Windows-1252 or Latin-1 export, set CSV_ENCODINGS=people:windows-1252 (or convert the file to UTF-8). A CSV_ENCODINGS entry"
                + " goes in the environment of this command and of the converter (the Terraform variable silver_csv_encodings).", refusal(planner, file));
        UploadPlanner declared = new UploadPlanner(new BronzeKeyLayout(Optional.empty()), Optional.empty(), Map.of("people", Charset.forName("windows-1252")));
        UploadPlanner.Plan plan = declared.plan(List.of(file));
        declared.checkContent(plan);
        assertEquals(List.of("people/u.csv"), plan.files().stream().map(PlannedFile::key).toList());
    }

    /**
     * A UTF-8 export (pandas' to_csv) of a dataset declared windows-1252 decodes without an error, every accented letter mangled, so the
     * converter rejects it by its start (Utf8Lookalike): refused by the plan, before any request, with the converter's reason and where
     * the entry to change is, gzip-compressed too; the same file passes where the dataset declares no encoding.
     */
    @Test
    void aUtf8FileOfADatasetDeclaredInASingleByteCharsetIsRefusedByItsStart() throws Exception {
        byte[] utf8 = "id,name\n1,ok\n2,Bj\u00f6rn\n".getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(Files.createDirectories(directory.resolve("people")).resolve("u.csv"), utf8);
        Path gzipped = Files.write(directory.resolve("people").resolve("v.csv.gz"), gzip(utf8));
        UploadPlanner declared = new UploadPlanner(new BronzeKeyLayout(Optional.empty()), Optional.empty(), Map.of("people", Charset.forName("windows-1252")));

        String reason = " would be rejected by the converter: The file looks like UTF-8, not windows-1252, the encoding CSV_ENCODINGS declares for dataset"
                + " people: every byte above 0x7F in its first 8192 bytes is part of a UTF-8 character, the first 0xC3 0xB6 at byte offset 17%s (line 3),"
                + " which is '\u00f6' in UTF-8 and would be written as '\u00c3\u00b6'. Remove the dataset's entry from CSV_ENCODINGS if its files are UTF-8"
                + " (the default), or save this file as windows-1252. A CSV_ENCODINGS entry goes in the environment of this command and of the converter"
                + " (the Terraform variable silver_csv_encodings).";
        assertEquals(file + reason.formatted("") + "\n" + gzipped + reason.formatted(" of the decompressed text"),
                assertThrows(UploadRefusedException.class, () -> declared.plan(List.of(file, gzipped))).getMessage());
        UploadPlanner.Plan plan = planner.plan(List.of(file, gzipped));
        planner.checkContent(plan);
        assertEquals(List.of("people/u.csv", "people/v.csv.gz"), plan.files().stream().map(PlannedFile::key).sorted().toList());
    }

    /** A date folder without --dataset is one problem among the others, not the first and only one reported. */
    @Test
    void refusesDateFoldersAlongWithTheOtherProblems() throws Exception {
        Path missing = directory.resolve("missing.csv");
        Path dateFolder = write(directory.resolve("sales/2026/jan.csv"), "id\n1\n").getParent();
        Path inDateFolder = write(directory.resolve("sales/11/feb.csv"), "id\n2\n");
        Path notGzip = write(directory.resolve("orders/mar.csv.gz"), "id\n3\n");

        String message = refusal(planner, missing, dateFolder, inDateFolder, notGzip);

        String remedy = "which looks like a date folder inside a dataset. To add it where an upload of the dataset's folder put it, upload that folder"
                + " again (files already there are skipped), or name the dataset: --dataset NAME, with --prefix for the folders in between";
        assertEquals(String.join("\n",
                missing + " does not exist",
                dateFolder + ": its dataset would be its folder 2026 (as a table, _2026), " + remedy,
                inDateFolder + ": its dataset would be its folder 11 (as a table, _11), " + remedy,
                notGzip + " is not a CSV file: its name ends in .gz but it is not gzip-compressed (no gzip magic bytes)"),
                message);
    }

    /**
     * A folder of dataset folders, as sample-data/ is, given as one PATH would make them one dataset named after
     * it, typed by whichever file the converter takes first, the others rejected or their columns dropped: the
     * local command takes such a folder's folders as the datasets, so it is the newcomer's first upload.
     */
    /** The PATHs to give instead are a pattern the shell expands: the folder quoted when its name holds a space, the pattern not. */
    @Test
    void aFolderOfDatasetFoldersWithASpaceInItsPathIsQuotedInThePathsToGive() throws Exception {
        Path drops = directory.resolve("My Drops");
        write(drops.resolve("orders/orders.csv"), "order_id,amount\n1,2.5\n");
        write(drops.resolve("returns/returns.csv"), "return_id,amount\n1,2.5\n");

        assertEquals(drops + " holds no .csv, .csv.gz, .dat file of its own but folders of them (orders/, returns/), which as one PATH would all be one"
                + " dataset, my_drops (keys my_drops/orders/…), typed by whichever file is converted first, the others rejected or cut to its columns:"
                + " if each folder is a dataset, give each as a PATH ('" + drops + "'/*/); if they are all the files of one dataset, say so with"
                + " --dataset my_drops", refusal(planner, drops));
    }

    @Test
    void aFolderOfDatasetFoldersIsRefusedSayingHowToGiveEachOrNameOne() throws Exception {
        Path sampleData = directory.resolve("sample-data");
        write(sampleData.resolve("customers/customers.csv"), "customer_id,name\n1,a\n");
        write(sampleData.resolve("products/products.csv"), "product_id,name\n1,b\n");
        write(sampleData.resolve("sales/2026/01/sales_2026_01.csv"), "transaction_id,amount\n1,2.5\n");
        write(sampleData.resolve("stores_eu/stores.csv"), "store_id,city\n1,Oslo\n");
        write(sampleData.resolve("sales.json"), "{}");

        assertEquals(sampleData + " holds no .csv, .csv.gz, .dat file of its own but folders of them (customers/, products/, sales/ and 1 more), which"
                + " as one PATH would all be one dataset, sample_data (keys sample_data/customers/…), typed by whichever file is converted first, the"
                + " others rejected or cut to its columns: if each folder is a dataset, give each as a PATH (" + sampleData + "/*/); if they are all the files of one"
                + " dataset, say so with --dataset sample_data", refusal(planner, sampleData));
        // Each folder as a PATH is its dataset, and --dataset keeps them one, as said.
        assertEquals(List.of("customers/customers.csv", "products/products.csv", "sales/2026/01/sales_2026_01.csv", "stores_eu/stores.csv"),
                planner.plan(List.of(sampleData.resolve("customers"), sampleData.resolve("products"), sampleData.resolve("sales"),
                        sampleData.resolve("stores_eu"))).files().stream().map(PlannedFile::key).sorted().toList());
        UploadPlanner named = new UploadPlanner(new BronzeKeyLayout(Optional.empty()), Optional.of("sample_data"));
        assertEquals(4, named.plan(List.of(sampleData)).files().size());
        // A dataset's own folders of dates or of Hive partitions, or a file of its own beside its folders, are a dataset's.
        Path orders = directory.resolve("orders");
        write(orders.resolve("2026/a.csv"), "id\n1\n");
        write(orders.resolve("2027-01/b.csv"), "id\n2\n");
        Path events = directory.resolve("events");
        write(events.resolve("region=eu/a.csv"), "id\n1\n");
        write(events.resolve("region=us/b.csv"), "id\n2\n");
        Path stock = directory.resolve("stock");
        write(stock.resolve("today.csv"), "id\n1\n");
        write(stock.resolve("north/a.csv"), "id\n2\n");
        write(stock.resolve("south/b.csv"), "id\n3\n");
        assertEquals(7, planner.plan(List.of(orders, events, stock)).files().size());
    }

    /**
     * Hadoop and Spark name what is not a job's output with a leading '_': the attempt files under _temporary
     * of a job running or failed would be converted beside the job's output, its rows counted twice.
     */
    @Test
    void theFilesAndFoldersOfHadoopAndSparkJobsAreLeftOutAndNamed() throws Exception {
        Path folder = directory.resolve("orders");
        write(folder.resolve("part-0.csv"), "id\n1\n");
        write(folder.resolve("_temporary/0/task1/part-0.csv"), "id\n1\n");
        write(folder.resolve("_SUCCESS"), "");
        write(folder.resolve("2026/_committed_1.csv"), "id\n2\n");

        UploadPlanner.Plan plan = planner.plan(List.of(folder));

        assertEquals(List.of("orders/part-0.csv"), plan.files().stream().map(PlannedFile::key).toList());
        assertEquals(List.of(folder.resolve("2026/_committed_1.csv"), folder.resolve("_SUCCESS"), folder.resolve("_temporary")), plan.jobFiles());
        assertEquals(List.of(), plan.ignored());
        // A folder holding nothing else says why it holds nothing to upload.
        Path failedJob = directory.resolve("failed");
        write(failedJob.resolve("_temporary/0/part-0.csv"), "id\n1\n");
        assertEquals(failedJob + " holds no .csv, .csv.gz, .dat file (1 Hadoop or Spark job file or folder, named with a leading _, left out)" + ALLOW_EMPTY_HINT,
                refusal(planner, failedJob));
    }

    /**
     * Given as a PATH, or named so by --prefix, a file whose key the converter would skip refuses the run.
     * (A folder so named gives its dataset a name without the leading '_' or '.', as a table name.)
     */
    @Test
    void aKeyTheConverterWouldSkipIsRefused() throws Exception {
        Path marker = write(directory.resolve("orders/_part-0.csv"), "id\n1\n");
        Path hidden = write(directory.resolve("orders/.part-0.csv"), "id\n1\n");
        Path plain = write(directory.resolve("orders/part-1.csv"), "id\n1\n");

        assertEquals(marker + " would be uploaded as orders/_part-0.csv, which the converter skips: a folder or file name in it starts with _ or ."
                + " (as Hadoop and Spark name what is not a job's output, and tools name hidden files); rename it, or give --dataset or --prefix names"
                + " that do not start so", refusal(planner, marker));
        assertTrue(refusal(planner, hidden).startsWith(hidden + " would be uploaded as orders/.part-0.csv, which the converter skips"),
                refusal(planner, hidden));
        UploadPlanner underscorePrefix = new UploadPlanner(new BronzeKeyLayout(Optional.of("_raw")), Optional.empty());
        String refused = refusal(underscorePrefix, plain);
        assertTrue(refused.startsWith(plain + " would be uploaded as ") && refused.contains("_raw/") && refused.contains("which the converter skips"), refused);
        assertEquals(List.of("orders/part-1.csv"), planner.plan(List.of(plain)).files().stream().map(PlannedFile::key).toList());
        // A Spark job's attempt folder given as a PATH would be a dataset of its own ("temporary").
        Path attempts = write(directory.resolve("orders/_temporary/0/part-0.csv"), "id\n1\n").getParent().getParent();
        assertTrue(refusal(planner, attempts).startsWith(attempts + ": its dataset would be its folder _temporary"), refusal(planner, attempts));
        // A dataset folder whose name starts with a digit is named _3m_orders, which the converter takes as a dataset.
        Path digits = write(directory.resolve("3m_orders/a.csv"), "id\n1\n").getParent();
        assertEquals(List.of("_3m_orders/a.csv"), planner.plan(List.of(digits)).files().stream().map(PlannedFile::key).toList());
        UploadPlanner year = new UploadPlanner(new BronzeKeyLayout(Optional.empty()), Optional.of("2026"));
        assertEquals(List.of("_2026/part-1.csv"), year.plan(List.of(plain)).files().stream().map(PlannedFile::key).toList());
    }

    /**
     * A dataset folder of no letter or digit ({@code -}, {@code 📈}) names no dataset, as {@code --dataset -} names none:
     * the converter would name its table after a hash of it ({@code dataset_…}). Refused, naming the folder and what to
     * rename it to, whether the folder or a file in it is given; with {@code --dataset} the folder's name is not used.
     */
    @Test
    void aDatasetFolderOfNoLetterOrDigitIsRefusedAsADatasetOfNoneIs() throws Exception {
        Path dash = write(directory.resolve("-/jan.csv"), "id\n1\n").getParent();
        Path chart = write(directory.resolve("\ud83d\udcc8/feb.csv"), "id\n1\n");

        String remedy = ", a name of no letter or digit, whose table the converter would name after a hash of it (%s): rename the folder"
                + " to the dataset's name, such as sales, or name the dataset: --dataset NAME";
        assertEquals(dash + ": its dataset would be its folder -" + String.format(Locale.ROOT, remedy, SilverLayout.datasetName("-")), refusal(planner, dash));
        assertEquals(chart + ": its dataset would be its folder \ud83d\udcc8" + String.format(Locale.ROOT, remedy, SilverLayout.datasetName("\ud83d\udcc8")),
                refusal(planner, chart));
        UploadPlanner named = new UploadPlanner(new BronzeKeyLayout(Optional.empty()), Optional.of("sales"));
        assertEquals(List.of("sales/feb.csv", "sales/jan.csv"), named.plan(List.of(dash, chart)).files().stream().map(PlannedFile::key).sorted().toList());
    }

    /**
     * A control character in a key (a newline, an escape, a carriage return left by a script written on Windows) is
     * taken by S3, but most of them make a listing of the bucket that does not ask for URL-encoded keys fail as a
     * whole, its XML not well-formed (aws-sdk-java-v2#2828, aws-sdk-go#1914), and a newline breaks every log line
     * naming the file.
     */
    @Test
    void aKeyHoldingAControlCharacterIsRefusedNamingItEscaped() throws Exception {
        Path newline = write(directory.resolve("orders/jan\nfeb.csv"), "id\n1\n");
        Path escape = write(directory.resolve("orders/mar\u001b[2J.csv"), "id\n1\n");
        write(directory.resolve("orders/apr.csv"), "id\n1\n");

        assertEquals(String.join("\n",
                        newline.getParent() + "/jan\\u000afeb.csv would be uploaded as orders/jan\\u000afeb.csv, a key holding the control character"
                                + " U+000A, which S3 takes but names among the characters that need special handling (a listing of the bucket that"
                                + " does not ask for URL-encoded keys fails on most of them, its XML not well-formed) and at which log lines break;"
                                + " rename the file or its folder (or give a --prefix without it)",
                        escape.getParent() + "/mar\\u001b[2J.csv would be uploaded as orders/mar\\u001b[2J.csv, a key holding the control character"
                                + " U+001B, which S3 takes but names among the characters that need special handling (a listing of the bucket that"
                                + " does not ask for URL-encoded keys fails on most of them, its XML not well-formed) and at which log lines break;"
                                + " rename the file or its folder (or give a --prefix without it)"),
                refusal(planner, directory.resolve("orders")));
    }

    /** The prefix is part of the key: a control character in it (inside it; around it, whitespace is tidied away) refuses the run too. */
    @Test
    void aPrefixHoldingAControlCharacterIsRefusedNamingItEscaped() throws Exception {
        Path file = write(directory.resolve("orders/jan.csv"), "id\n1\n");
        UploadPlanner prefixed = new UploadPlanner(new BronzeKeyLayout(Optional.of("2026\u001b[2J/11")), Optional.empty());

        assertEquals(file + " would be uploaded as orders/2026\\u001b[2J/11/jan.csv, a key holding the control character U+001B, which S3 takes but"
                        + " names among the characters that need special handling (a listing of the bucket that does not ask for URL-encoded keys fails"
                        + " on most of them, its XML not well-formed) and at which log lines break; rename the file or its folder (or give a --prefix"
                        + " without it)",
                refusal(prefixed, directory.resolve("orders")));
        assertEquals(List.of("orders/2026/11/jan.csv"), new UploadPlanner(new BronzeKeyLayout(Optional.of("2026/11\n")), Optional.empty())
                .plan(List.of(directory.resolve("orders"))).files().stream().map(PlannedFile::key).toList());
    }

    @Test
    void twoFilesOnOneKeyAreRefused() throws Exception {
        Path a = write(directory.resolve("x/a.csv"), "id\n");
        Path b = write(directory.resolve("y/a.csv"), "id\n");
        UploadPlanner named = new UploadPlanner(new BronzeKeyLayout(Optional.empty()), Optional.of("orders"));

        assertEquals(a + " and " + b + " would both upload to orders/a.csv: give them different --dataset or --prefix values in separate runs",
                refusal(named, a, b));
    }

    /** Another --dataset or --prefix cannot part two files of one folder: jan.csv and jan.Csv land on one key whatever is given. */
    @Test
    void twoFilesOfOneFolderOnOneKeyAreToBeRenamed() throws Exception {
        Path lower = write(directory.resolve("orders/jan.csv"), "id\n");
        Path mixed = write(directory.resolve("orders/jan.Csv"), "id\n2\n");
        assumeTrue(!Files.isSameFile(lower, mixed), "a case-insensitive file system holds one of them");

        assertEquals(mixed + " and " + lower + " are in one folder and would both upload to orders/jan.csv (a key's suffix is spelled in lower case,"
                + " as the converter takes it): rename or remove one of them", refusal(planner, directory.resolve("orders")));
    }

    /** A folder given with a folder inside it: each would give the same file a key of its own, and the converter its rows twice. */
    @Test
    void aFileThatTwoPathsWouldUploadUnderTwoKeysIsRefusedNamingBoth() throws Exception {
        Path data = directory.resolve("data");
        Path retail = data.resolve("retail");
        Path file = write(retail.resolve("transactions.csv"), "id\n1\n");
        write(data.resolve("orders/a.csv"), "id\n2\n");

        // data holds folders of its own only, so it is refused as a folder of datasets too.
        String folderOfDatasets = data + " holds no .csv, .csv.gz, .dat file of its own but folders of them (orders/, retail/), which as one PATH would"
                + " all be one dataset, data (keys data/orders/…), typed by whichever file is converted first, the others rejected or cut to its columns:"
                + " if each folder is a dataset, give each as a PATH (" + data + "/*/); if they are all the files of one dataset, say so with --dataset data\n";
        assertEquals(folderOfDatasets + file + " would be uploaded twice, as data/retail/transactions.csv (from " + data + ") and as retail/transactions.csv (from "
                        + retail + "), its rows then converted twice: give " + data + " or " + retail + ", not both",
                refusal(planner, data, retail));
        // A file given on its own inside a folder of the run is the same case.
        assertEquals(folderOfDatasets + file + " would be uploaded twice, as data/retail/transactions.csv (from " + data + ") and as retail/transactions.csv (from "
                        + file + "), its rows then converted twice: give " + data + " or " + file + ", not both",
                refusal(planner, data, file));
    }

    @Test
    void aLinkToAFileOfTheRunIsRefusedNamingTheLink() throws Exception {
        Path folder = directory.resolve("sales");
        Path file = write(folder.resolve("2026-11.csv"), "id\n1\n");
        Path latest = Files.createSymbolicLink(folder.resolve("latest.csv"), file.getFileName());

        assertEquals(file + " would be uploaded twice, as sales/2026-11.csv and as sales/latest.csv (through the link " + latest
                        + "), its rows then converted twice: move the link out of " + folder + " (a link to a file is uploaded as that file)",
                refusal(planner, folder));
    }

    /** Two names that differ only in their Unicode form (Linux keeps both) are one key in NFC; they print alike, so they are shown escaped. */
    @Test
    void twoFilesWhoseNamesDifferOnlyInUnicodeFormAreRefusedAsOneKey() throws Exception {
        Path folder = directory.resolve("sales");
        Path composed = write(folder.resolve("caf\u00e9.csv"), "id\n1\n");
        Path decomposed = write(folder.resolve("cafe\u0301.csv"), "id\n2\n");
        assumeTrue(Files.exists(composed) && !Files.isSameFile(composed, decomposed), "this file system keeps one file for both Unicode spellings (macOS)");

        // In path order: e (U+0065) and its accent before \u00e9.
        assertEquals(decomposed + " and " + composed + " are names that differ only in their Unicode form (cafe\\u0301.csv and caf\\u00e9.csv; one"
                        + " spelled decomposed, as files copied from a Mac can be) and would both upload to sales/caf\u00e9.csv: rename or remove one of them",
                refusal(planner, folder));
    }

    @Test
    void aNameNotInNfcIsPlannedAtItsNfcKeyWithTheKeyAsSpelledBeside() throws Exception {
        Path folder = directory.resolve("sales");
        Path file = write(folder.resolve("cafe\u0301.csv"), "id\n1\n");
        assumeTrue(file.getFileName().toString().equals("cafe\u0301.csv"), "this file system hands out names in NFC (macOS)");

        assertEquals(List.of(new PlannedFile(file, "sales/caf\u00e9.csv", 5, modified(file), List.of("sales/cafe\u0301.csv"))), planner.plan(List.of(folder)).files());
    }

    /** Hard links are two names of one file's data: uploading both would convert its rows twice, as a link would. */
    @Test
    void twoHardLinksToOneFileAreRefusedNamingBoth() throws Exception {
        Path folder = directory.resolve("sales");
        Path file = write(folder.resolve("2026-11.csv"), "id\n1\n");
        Path latest = Files.createLink(folder.resolve("latest.csv"), file);

        assertEquals(file + " would be uploaded twice, as sales/2026-11.csv and as sales/latest.csv, its rows then converted twice: they are hard links"
                        + " to one file (" + file.toRealPath() + " and " + latest.toRealPath() + "); remove one of them from what you upload",
                refusal(planner, folder));

        Path archive = Files.createDirectories(directory.resolve("archive"));
        Path kept = Files.createLink(archive.resolve("2026-11.csv"), file);
        Files.delete(latest);
        assertEquals(kept + " would be uploaded twice, as archive/2026-11.csv (from " + archive + ") and as sales/2026-11.csv (from " + folder
                        + "), its rows then converted twice: they are hard links to one file (" + kept.toRealPath() + " and " + file.toRealPath()
                        + "); remove one of them from what you upload, or give " + archive + " or " + folder + ", not both",
                refusal(planner, archive, folder));
    }

    /** A link and a hard link to one file: the link is what to take out, the file it points to is not in the run. */
    @Test
    void aLinkAndAHardLinkToOneFileOutsideTheRunNameTheLinkAsWhatToMove() throws Exception {
        Path outside = write(directory.resolve("data/a.csv"), "id\n1\n");
        Path folder = directory.resolve("sales");
        Path hardLink = Files.createLink(Files.createDirectories(folder).resolve("b.csv"), outside);
        Path link = Files.createSymbolicLink(folder.resolve("l.csv"), outside);

        assertEquals(hardLink + " would be uploaded twice, as sales/b.csv and as sales/l.csv (through the link " + link
                        + "), its rows then converted twice: move the link out of " + folder + " (a link to a file is uploaded as that file)",
                refusal(planner, folder));
    }

    /**
     * Excel (and Word) keep an owner file beside a document open in them, named ~$ and the document's name: binary,
     * it would refuse the whole run as a file that is not CSV, with advice about encodings that does not apply.
     */
    @Test
    void theOwnerFileOfADocumentOpenInOfficeIsLeftOutAndNamed() throws Exception {
        Path folder = directory.resolve("orders");
        write(folder.resolve("jan.csv"), "id\n1\n");
        Path owner = Files.write(Files.createDirectories(folder.resolve("2026")).resolve("~$jan.csv"), officeOwnerFile());

        UploadPlanner.Plan plan = planner.plan(List.of(folder));

        assertEquals(List.of("orders/jan.csv"), plan.files().stream().map(PlannedFile::key).toList());
        assertEquals(List.of(owner), plan.officeLockFiles());
        assertEquals(List.of(), plan.ignored());
        // Given by name, it is refused as what it is.
        assertEquals(owner + " is the lock file Excel or another Office application keeps while " + folder.resolve("2026/jan.csv")
                + " is open, not data: give the document itself, saved as CSV", refusal(planner, owner));
    }

    /**
     * S3 takes keys of up to 1,024 bytes in UTF-8 (moto takes longer ones): a longer key would fail its file only
     * once the run had begun, the others uploaded, so it is refused with the other problems, counted in bytes.
     */
    @Test
    void aKeyLongerThanS3TakesIsRefusedWithItsLengthInBytes() throws Exception {
        Path folder = directory.resolve("orders");
        Path deep = folder;
        for (int i = 0; i < 5; i++) {
            // 240 bytes a name (under the file system's 255), 120 characters: only bytes make the key too long.
            deep = deep.resolve((char) ('a' + i) + "\u00e9".repeat(119));
        }
        Path file = write(deep.resolve("jan.csv"), "id\n1\n");
        write(folder.resolve("feb.csv"), "id\n1\n");
        String key = "orders/" + folder.relativize(file).toString().replace('\\', '/');
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes > 1024 && key.length() <= 1024, key.length() + " characters, " + bytes + " bytes");

        assertEquals(file + " would be uploaded as " + key.substring(0, 40) + "…" + key.substring(key.length() - 40) + ", a key of " + String.format(Locale.ROOT, "%,d", bytes)
                + " bytes in UTF-8, and S3 takes at most 1,024 (it would refuse the file once the run had begun): shorten the names of its folders,"
                + " or upload a folder nearer to it as a PATH of its own", refusal(planner, folder));
        UploadPlanner longPrefix = new UploadPlanner(new BronzeKeyLayout(Optional.of("p".repeat(1020))), Optional.empty());
        assertTrue(refusal(longPrefix, folder.resolve("feb.csv")).contains(", a key of 1,035 bytes in UTF-8, and S3 takes at most 1,024"),
                refusal(longPrefix, folder.resolve("feb.csv")));
    }

    /**
     * An earlier spelling of a key is looked up only when S3 could hold it: decomposed, each accented letter is a byte longer in
     * UTF-8, so a key that fits can have an earlier spelling beyond S3's 1,024 bytes, which S3 answers with an error, not a miss.
     * Such a spelling is left out of the file's earlier keys; one that fits stays.
     */
    @Test
    void anEarlierSpellingLongerThanS3TakesIsNotAnEarlierKey() throws Exception {
        Path folder = directory.resolve("orders");
        Path deep = folder;
        for (int i = 0; i < 4; i++) {
            // 240 bytes a name composed (under the file system's 255), 360 decomposed.
            deep = deep.resolve((char) ('a' + i) + "\u00e9".repeat(119));
        }
        Path file = write(deep.resolve("jan.csv"), "id\n1\n");
        Path near = write(folder.resolve("cr\u00e8me.csv"), "id\n1\n");
        String key = "orders/" + folder.relativize(file).toString().replace('\\', '/');
        String decomposed = Normalizer.normalize(key, Normalizer.Form.NFD);
        assertTrue(key.getBytes(StandardCharsets.UTF_8).length <= 1024 && decomposed.getBytes(StandardCharsets.UTF_8).length > 1024, key);

        Map<Path, List<String>> earlierKeys = planner.plan(List.of(folder)).files().stream().collect(Collectors.toMap(PlannedFile::path, PlannedFile::earlierKeys));

        assertEquals(Map.of(file, List.of(), near, List.of("orders/cre\u0300me.csv")), earlierKeys);
        UploadPlanner longPrefix = new UploadPlanner(new BronzeKeyLayout(Optional.of("\u00e9".repeat(500))), Optional.empty());
        // Under a prefix of 1,000 bytes composed: the name decomposed fits (1,019 bytes), the prefix decomposed does not.
        assertEquals(List.of(List.of("orders/" + "\u00e9".repeat(500) + "/cre\u0300me.csv")), longPrefix.plan(List.of(folder.resolve("cr\u00e8me.csv"))).files().stream().map(PlannedFile::earlierKeys).toList());
    }

    /** What Excel writes to ~$name while a document is open: the user's name, padded with spaces and NULs, in 165 bytes. */
    private static byte[] officeOwnerFile() {
        byte[] owner = new byte[165];
        byte[] user = "jdoe".getBytes(StandardCharsets.US_ASCII);
        owner[0] = (byte) user.length;
        System.arraycopy(user, 0, owner, 1, user.length);
        java.util.Arrays.fill(owner, 1 + user.length, 54, (byte) ' ');
        return owner;
    }

    private static String refusal(UploadPlanner planner, Path... paths) {
        // The plan, then the read of every file whole that the command makes once the bucket has answered.
        return assertThrows(UploadRefusedException.class, () -> planner.checkContent(planner.plan(List.of(paths)))).getMessage();
    }

    /** The file's modification time, which the plan takes with its size before it checks its content. */
    private static FileTime modified(Path file) throws IOException {
        return Files.getLastModifiedTime(file);
    }

    private static byte[] gzip(byte[] content) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
