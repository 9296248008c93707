package dev.medallion.bronze.upload;

import dev.medallion.common.cli.ShellWord;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.text.UnreadNames;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Turns the PATHs of the command line into the files to upload and their keys, and refuses the whole
 * run, before anything is uploaded, when a path does not exist, a file is not CSV, a name could not be
 * read in the locale, two files would land on the same key, or one file on two keys. Inside folders,
 * files whose names the converter ignores are left out and counted, a file named like CSV that is no
 * regular file (a broken link, a named pipe) refuses the run, hidden files and folders (a name
 * starting with '.') are not looked at, and the files and folders of Hadoop and Spark jobs (a name
 * starting with '_') are left out and named. A folder holding no file to upload refuses the run unless
 * empty folders are {@link EmptyFolders#ALLOWED}. Of each file's content, the plan reads its start alone;
 * {@link #checkContent} reads it whole.
 */
public final class UploadPlanner {
    /** Beyond this many problems the message says how many more there are. */
    private static final int MAX_REPORTED_PROBLEMS = 10;

    private final BronzeKeyLayout layout;
    private final Optional<String> dataset;
    private final Map<String, Charset> encodings;

    /** A planner for datasets that declare no encoding: every file is read as UTF-8, as the converter reads it. */
    public UploadPlanner(BronzeKeyLayout layout, Optional<String> dataset) {
        this(layout, dataset, Map.of());
    }

    /**
     * @param encodings the charsets {@code CSV_ENCODINGS} declares, by dataset as the converter names it
     *     ({@link dev.medallion.common.config.SilverSettings#parseEncodings})
     */
    public UploadPlanner(BronzeKeyLayout layout, Optional<String> dataset, Map<String, Charset> encodings) {
        this.layout = requireNonNull(layout, "layout is null");
        this.dataset = requireNonNull(dataset, "dataset is null");
        this.encodings = Map.copyOf(requireNonNull(encodings, "encodings is null"));
    }

    /**
     * What a folder holding no file to upload means. By default a mistyped or wrong folder: the run is refused.
     * A scheduled job on a drop folder that is empty most nights allows it: the folder is named in
     * {@link Plan#emptyFolders}, and the run goes on with the other PATHs' files, or none.
     */
    public enum EmptyFolders { REFUSED, ALLOWED }

    /**
     * The files to upload in a stable order; the files inside folders left out for their names; the links
     * to folders found inside folders, which are not followed (a folder linked from two places would
     * upload its files twice, under two keys); and the files and folders inside folders whose names start
     * with '_', as Hadoop and Spark name what is not a job's output ({@code _temporary}, {@code _SUCCESS}),
     * a folder named once, not walked; and the lock files Office applications keep beside a document open in them
     * ({@code ~$jan.csv}); and, when empty folders are {@link EmptyFolders#ALLOWED}, why each folder given that holds no
     * file to upload holds none (the text that would otherwise refuse the run).
     */
    public record Plan(List<PlannedFile> files, List<Path> ignored, List<Path> folderLinks, List<Path> jobFiles, List<Path> officeLockFiles,
                       List<String> emptyFolders) {
        public Plan {
            emptyFolders = List.copyOf(emptyFolders);
            files = List.copyOf(files);
            ignored = List.copyOf(ignored);
            folderLinks = List.copyOf(folderLinks);
            jobFiles = List.copyOf(jobFiles);
            officeLockFiles = List.copyOf(officeLockFiles);
        }

        public long totalBytes() {
            return files.stream().mapToLong(PlannedFile::size).sum();
        }
    }

    /**
     * What the JVM makes of file name bytes its locale cannot decode (under {@code LANG=C}, every non-ASCII
     * byte): a key holding it names no file, and the same file would get another key in a UTF-8 locale.
     */
    private static final char UNREADABLE_CHARACTER = '\uFFFD';
    /** The longest key S3 takes, in bytes of UTF-8 (Amazon S3 User Guide, "Naming Amazon S3 objects"). */
    static final int MAX_KEY_BYTES = 1024;
    /**
     * How Excel, Word and PowerPoint name the owner file they keep beside a document open in them: {@code ~$} and
     * the document's name (its first two characters replaced by them when the name is long). It is a few hundred
     * bytes of binary, the user's name padded with NULs: never data, though its name can end in {@code .csv}.
     */
    private static final String OFFICE_LOCK_PREFIX = "~$";

    /** The plan of the PATHs, a folder holding no file to upload refusing the run. */
    public Plan plan(List<Path> sources) throws UploadRefusedException, IOException {
        return plan(sources, EmptyFolders.REFUSED);
    }

    /**
     * The plan of the PATHs. Whatever {@code emptyFolders} says, a PATH that does not exist refuses the run: a drive
     * not mounted or a typo is not an empty night.
     */
    public Plan plan(List<Path> sources, EmptyFolders emptyFolders) throws UploadRefusedException, IOException {
        requireNonNull(sources, "sources is null");
        requireNonNull(emptyFolders, "emptyFolders is null");
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("No path to upload");
        }
        List<String> problems = new ArrayList<>();
        List<Found> files = new ArrayList<>();
        List<Path> ignored = new ArrayList<>();
        List<Path> folderLinks = new ArrayList<>();
        List<Path> jobFiles = new ArrayList<>();
        List<Path> officeLockFiles = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        refuseUnreadableArguments(problems);
        for (Path source : sources) {
            if (Files.isDirectory(source)) {
                List<String> nothingToUpload = new ArrayList<>(1);
                files.addAll(planFolder(source, new LeftOut(ignored, folderLinks, jobFiles, officeLockFiles, nothingToUpload), problems));
                if (emptyFolders == EmptyFolders.ALLOWED) {
                    empty.addAll(nothingToUpload);
                }
                else {
                    // Most often a mistyped or wrong folder; the option is named for the drop folder that is empty some nights.
                    nothingToUpload.forEach(why -> problems.add(why + "; check the path, or, for a drop folder that is empty on some runs,"
                            + " give --allow-empty (such a run uploads nothing and exits 0)"));
                }
            }
            else if (Files.isRegularFile(source)) {
                planFile(source, problems).ifPresent(files::add);
            }
            else if (Files.exists(source)) {
                problems.add(source + " is neither a file nor a folder");
            }
            else {
                problems.add(source + " does not exist");
            }
        }
        for (Found found : files) {
            PlannedFile file = found.file();
            // The names as read, not the key: NFC keeps U+FFFD, but the dataset's name is already a table name.
            if (found.relativePath().indexOf(UNREADABLE_CHARACTER) >= 0) {
                problems.add(unreadable(file.path() + ": its name", "file names",
                        "its key would not be its name, and the file would be uploaded again under another key in a UTF-8 locale"));
                continue;
            }
            OptionalInt control = file.key().codePoints().filter(Character::isISOControl).findFirst();
            if (control.isPresent()) {
                // S3 takes the key ("Object key naming guidelines" names 0x00-0x1F and 0x7F among the characters that need special
                // handling), but XML 1.0 cannot carry most C0 controls: a listing not asking for URL-encoded keys fails on the whole
                // page (aws-sdk-java-v2#2828, aws-sdk-go#1914). A newline or a carriage return breaks the run's own lines.
                problems.add(String.format(Locale.ROOT, "%s would be uploaded as %s, a key holding the control character U+%04X, which S3 takes but names"
                        + " among the characters that need special handling (a listing of the bucket that does not ask for URL-encoded keys fails on most"
                        + " of them, its XML not well-formed) and at which log lines break; rename the file or its folder (or give a --prefix without it)",
                        escaped(file.path().toString(), Character::isISOControl), escaped(file.key(), Character::isISOControl), control.getAsInt()));
                continue;
            }
            if (SilverLayout.isJobOrHiddenKey(file.key())) {
                // Given as a PATH (inside folders such names are left out), or a --prefix or --dataset so named.
                problems.add(file.path() + " would be uploaded as " + file.key() + ", which the converter skips: a folder or file name in it starts"
                        + " with _ or . (as Hadoop and Spark name what is not a job's output, and tools name hidden files); rename it, or give"
                        + " --dataset or --prefix names that do not start so");
                continue;
            }
            int keyBytes = utf8Bytes(file.key());
            if (keyBytes > MAX_KEY_BYTES) {
                // moto takes longer keys; S3 answers KeyTooLongError, for this file alone once the others are on their way.
                problems.add(String.format(Locale.ROOT, "%s would be uploaded as %s, a key of %,d bytes in UTF-8, and S3 takes at most %,d (it would"
                        + " refuse the file once the run had begun): shorten the names of its folders, or upload a folder nearer to it as a PATH of its own",
                        file.path(), abbreviated(file.key()), keyBytes, MAX_KEY_BYTES));
                continue;
            }
            try {
                String name = SilverLayout.datasetOf(file.key());
                Optional<Charset> encoding = Optional.ofNullable(encodings.get(name));
                Optional<String> reason = CsvFiles.sniff(file.path(), name, encoding);
                if (reason.isPresent()) {
                    problems.add(file.path() + " is not a CSV file: " + reason.get());
                }
                else {
                    CsvFiles.utf8InASingleByteCharset(file.path(), name, encoding).ifPresent(problem -> problems.add(file.path() + " " + problem));
                }
            }
            catch (IOException e) {
                problems.add("cannot read " + file.path() + ": " + LocalFileErrors.describe(e));
            }
        }
        List<Found> unique = withoutDuplicates(files, problems);
        refuseOneFileOnTwoKeys(unique, problems);
        if (!problems.isEmpty()) {
            throw new UploadRefusedException(describe(problems));
        }
        return new Plan(unique.stream().map(Found::file).toList(), ignored, folderLinks, jobFiles, officeLockFiles, empty);
    }

    /**
     * Reads every planned file whole, as the converter will, and refuses the run, naming each file and why,
     * when the converter would reject one as a whole: a byte sequence not valid in its dataset's encoding
     * anywhere in it, or gzip that breaks off after its start ({@link CsvFiles#readWhole}). Apart from
     * {@link #plan}, which reads no more than the start of each file, because this read takes minutes for
     * tens of GB: the command checks the bucket between the two, so that a bucket it cannot use is refused
     * first, and calls this before anything is written.
     *
     * @return the plan whose files carry what this read read of them ({@link PlannedFile#checked}), the bytes their uploads must send
     */
    public Plan checkContent(Plan plan) throws UploadRefusedException {
        requireNonNull(plan, "plan is null");
        List<String> problems = new ArrayList<>();
        List<PlannedFile> checked = new ArrayList<>();
        for (PlannedFile file : plan.files()) {
            String name = SilverLayout.datasetOf(file.key());
            try {
                CsvFiles.WholeContent content = CsvFiles.checkWhole(file.path(), name, Optional.ofNullable(encodings.get(name)));
                content.refusal().ifPresent(problem -> problems.add(file.path() + " " + problem));
                checked.add(file.withChecked(content.read()));
            }
            catch (IOException e) {
                problems.add("cannot read " + file.path() + ": " + LocalFileErrors.describe(e));
            }
        }
        if (!problems.isEmpty()) {
            throw new UploadRefusedException(describe(problems));
        }
        return new Plan(checked, plan.ignored(), plan.folderLinks(), plan.jobFiles(), plan.officeLockFiles(), plan.emptyFolders());
    }

    /** A key of a thousand bytes shown by its ends, which tell where it comes from and which file it is. */
    private static String abbreviated(String key) {
        int shown = 40;
        return key.length() <= 2 * shown ? key : key.substring(0, shown) + "…" + key.substring(key.length() - shown);
    }

    /**
     * Where a folder's walk puts what it leaves out, for the plan, and, when it finds no file to upload, why
     * ({@code nothingToUpload}), which the plan makes a refusal or, empty folders allowed, a line of the run.
     */
    private record LeftOut(List<Path> ignored, List<Path> folderLinks, List<Path> jobFiles, List<Path> officeLockFiles, List<String> nothingToUpload) {}

    /**
     * A file to upload, the PATH of the command line it was found under, for messages, and its path inside
     * that PATH as read (its name, for a file given alone), from which its key was made.
     */
    private record Found(PlannedFile file, Path source, String relativePath) {}

    private Optional<Found> planFile(Path file, List<String> problems) throws IOException {
        if (isOfficeLockFile(file)) {
            String document = file.getFileName().toString().substring(OFFICE_LOCK_PREFIX.length());
            problems.add(file + " is the lock file Excel or another Office application keeps while " + file.resolveSibling(document)
                    + " is open, not data: give the document itself, saved as CSV");
            return Optional.empty();
        }
        if (!CsvFiles.hasAcceptedName(file)) {
            problems.add(file + " is not a CSV file: its name must end in " + String.join(", ", CsvFiles.ACCEPTED_SUFFIXES)
                    + UnreadNames.advice(file.getFileName().toString()).map(advice -> ": " + advice).orElse(""));
            return Optional.empty();
        }
        Optional<String> name = datasetOf(file, false, problems);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        refuseUnreadableDatasetFolder(file, false, problems);
        return Optional.of(planned(file, file, name.get(), file.getFileName().toString()));
    }

    /**
     * The PATH's dataset, or empty when it has none (a date folder without {@code --dataset}, the root), which
     * is a problem among the others: every one is reported at once, not the first alone.
     */
    private Optional<String> datasetOf(Path source, boolean isFolder, List<String> problems) {
        try {
            return Optional.of(BronzeKeyLayout.dataset(source, isFolder, dataset));
        }
        catch (IllegalArgumentException e) {
            // A --dataset the converter could not take refuses every PATH alike: said once.
            if (!problems.contains(e.getMessage())) {
                problems.add(e.getMessage());
            }
            return Optional.empty();
        }
    }

    /**
     * The file's size and modification time are read here, before {@link #plan} checks its content: a write
     * during the check or after it changes the time, and the upload then refuses the file, whose new bytes
     * nobody checked. Of its earlier keys, those longer than S3 takes are left out: no object can be under one,
     * and S3 answers a request for one with an error (400 KeyTooLongError), not a miss, which would fail the file.
     * Decomposed, each accented letter is a byte longer, so a key that fits can have an earlier spelling that does not.
     */
    private Found planned(Path file, Path source, String dataset, String relativePath) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        List<String> earlierKeys = layout.earlierKeys(dataset, relativePath).stream()
                .map(CsvFiles::deliveredKey)
                .filter(earlierKey -> utf8Bytes(earlierKey) <= MAX_KEY_BYTES)
                .toList();
        return new Found(new PlannedFile(file, CsvFiles.deliveredKey(layout.key(dataset, relativePath)), attributes.size(), attributes.lastModifiedTime(),
                earlierKeys), source, relativePath);
    }

    private static int utf8Bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Arguments are decoded as file names are: a {@code --dataset} or {@code --prefix} typed with letters
     * the locale cannot decode would put every file under names nobody typed.
     */
    private void refuseUnreadableArguments(List<String> problems) {
        dataset.filter(name -> name.indexOf(UNREADABLE_CHARACTER) >= 0).ifPresent(name -> problems.add(unreadable("--dataset " + name, "arguments",
                "the dataset would not be the one typed, and the same files would be uploaded again into another dataset in a UTF-8 locale")));
        layout.prefix().filter(prefix -> prefix.indexOf(UNREADABLE_CHARACTER) >= 0).ifPresent(prefix -> problems.add(unreadable("--prefix " + prefix,
                "arguments", "the keys would not hold the folders typed, and the same files would be uploaded again under other keys in a UTF-8 locale")));
    }

    /**
     * The dataset is the folder's name made a table name, which turns U+FFFD into '_': {@code données} read
     * under {@code LANG=C} would be {@code donn_es}, and {@code donnees} in a UTF-8 locale, its rows in two
     * tables. So the name is checked as read, before it is made a table name.
     */
    private void refuseUnreadableDatasetFolder(Path source, boolean isFolder, List<String> problems) {
        if (dataset.isPresent()) {
            return;
        }
        Path folder = BronzeKeyLayout.datasetFolder(source, isFolder);
        if (folder.getFileName().toString().indexOf(UNREADABLE_CHARACTER) >= 0) {
            String problem = unreadable(folder + ": its name, which names the dataset of " + (isFolder ? "the files under it" : source) + ",", "file names",
                    "the dataset would not be named after it, and its files would be uploaded again into another dataset in a UTF-8 locale");
            // Two files of one folder given alone name it once.
            if (!problems.contains(problem)) {
                problems.add(problem);
            }
        }
    }

    /** Why a name read as U+FFFD is refused, and what to do; {@code decoded} says what the JVM decoded it as: file names or arguments. */
    private static String unreadable(String what, String decoded, String consequence) {
        return what + " could not be read in this locale (the JVM decodes " + decoded + " as " + System.getProperty("sun.jnu.encoding") + "), so "
                + consequence + "; run with one, e.g. LANG=C.UTF-8";
    }

    /** The folder's files to upload, sorted by key. */
    private List<Found> planFolder(Path folder, LeftOut leftOut, List<String> problems) throws IOException {
        Optional<String> datasetName = datasetOf(folder, true, problems);
        if (datasetName.isEmpty()) {
            return List.of();
        }
        String name = datasetName.get();
        refuseUnreadableDatasetFolder(folder, true, problems);
        List<Found> found = new ArrayList<>();
        List<Path> left = new ArrayList<>();
        List<Path> links = new ArrayList<>();
        List<Path> jobFiles = new ArrayList<>();
        List<Path> officeLockFiles = new ArrayList<>();
        // Counted only to say why a folder holds nothing to upload: a transfer in progress (rsync, scp -r into a drop folder)
        // often writes under a hidden temporary name, and the folder then looks empty until it is renamed.
        AtomicInteger hidden = new AtomicInteger();
        // A PATH that is itself a link to a folder is walked as that folder (links inside it are not followed).
        Path root = Files.isSymbolicLink(folder) ? folder.toRealPath() : folder;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                if (directory.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                if (isHidden(directory)) {
                    hidden.incrementAndGet();
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (isJobFile(directory)) {
                    jobFiles.add(directory);
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (isHidden(file)) {
                    hidden.incrementAndGet();
                    return FileVisitResult.CONTINUE;
                }
                if (isJobFile(file)) {
                    jobFiles.add(file);
                    return FileVisitResult.CONTINUE;
                }
                if (isOfficeLockFile(file)) {
                    officeLockFiles.add(file);
                    return FileVisitResult.CONTINUE;
                }
                // Symbolic links to files count as the files; links to folders are not followed.
                if (attributes.isSymbolicLink() && Files.isDirectory(file)) {
                    links.add(file);
                    return FileVisitResult.CONTINUE;
                }
                if (!CsvFiles.hasAcceptedName(file)) {
                    left.add(file);
                    return FileVisitResult.CONTINUE;
                }
                // Named to be uploaded, but nothing to upload: left out, the run would report success without it.
                if (!Files.isRegularFile(file)) {
                    problems.add(notARegularFile(file, attributes.isSymbolicLink(), folder));
                    return FileVisitResult.CONTINUE;
                }
                found.add(planned(file, folder, name, BronzeKeyLayout.relativePath(root, file)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                problems.add("cannot read " + file + ": " + LocalFileErrors.describe(e));
                return FileVisitResult.CONTINUE;
            }
        });
        if (found.isEmpty()) {
            leftOut.nothingToUpload().add(folder + " holds no " + String.join(", ", CsvFiles.ACCEPTED_SUFFIXES) + " file"
                    + counted(left.size(), "other file", "other files", " left out")
                    + counted(links.size(), "link to a folder", "links to folders", " not followed: give such a folder as a PATH of its own")
                    + counted(jobFiles.size(), "Hadoop or Spark job file or folder", "Hadoop or Spark job files and folders", ", named with a leading _, left out")
                    + counted(officeLockFiles.size(), "Office lock file", "Office lock files", ", named with a leading ~$, left out")
                    + counted(hidden.get(), "hidden file or folder", "hidden files or folders", ", named with a leading ., not looked at"));
        }
        else {
            folderOfDatasets(folder, name, found).ifPresent(problems::add);
        }
        found.sort(Comparator.comparing(file -> file.file().key()));
        left.sort(null);
        links.sort(null);
        jobFiles.sort(null);
        officeLockFiles.sort(null);
        leftOut.ignored().addAll(left);
        leftOut.officeLockFiles().addAll(officeLockFiles);
        leftOut.folderLinks().addAll(links);
        leftOut.jobFiles().addAll(jobFiles);
        return found;
    }

    /**
     * Why a folder given without {@code --dataset} looks like a folder of datasets, as {@code sample-data/} is,
     * rather than a dataset: no file of its own, and its files in two or more folders, none named like a date
     * ({@code 2026}) or a Hive partition ({@code region=eu}), which a dataset's own folders are. As one PATH
     * they would be one dataset named after it, typed by whichever file is converted first; the local command
     * takes such a folder's folders as the datasets, so this is the first upload a newcomer tries.
     */
    private Optional<String> folderOfDatasets(Path folder, String name, List<Found> found) {
        if (dataset.isPresent() || found.stream().anyMatch(file -> file.relativePath().indexOf('/') < 0)) {
            return Optional.empty();
        }
        List<String> subfolders = found.stream()
                .map(file -> file.relativePath().substring(0, file.relativePath().indexOf('/')))
                .distinct()
                .sorted()
                .toList();
        if (subfolders.size() < 2 || subfolders.stream().anyMatch(subfolder -> SilverLayout.looksLikeDateFolder(subfolder) || subfolder.contains("="))) {
            return Optional.empty();
        }
        int named = Math.min(3, subfolders.size());
        String listed = String.join(", ", subfolders.subList(0, named).stream().map(subfolder -> subfolder + "/").toList())
                + (subfolders.size() > named ? " and " + (subfolders.size() - named) + " more" : "");
        return Optional.of(folder + " holds no " + String.join(", ", CsvFiles.ACCEPTED_SUFFIXES) + " file of its own but folders of them (" + listed
                + "), which as one PATH would all be one dataset, " + name + " (keys " + name + "/" + subfolders.get(0) + "/…), typed by whichever file"
                + " is converted first, the others rejected or cut to its columns: if each folder is a dataset, give each as a PATH (" + ShellWord.of(folder.toString())
                + "/*/); if they are all the files of one dataset, say so with --dataset " + name);
    }

    /**
     * Why a file inside a folder, whose name says it is to be uploaded, cannot be: a broken link, a link whose
     * target cannot be reached, or a named pipe, socket or device (directly or through a link).
     */
    private static String notARegularFile(Path file, boolean isLink, Path folder) {
        String notAFile = "not a regular file but a named pipe, a socket or a device: move it out of " + folder
                + ", or rename it so that its name does not end in " + String.join(", ", CsvFiles.ACCEPTED_SUFFIXES);
        if (!isLink) {
            return file + " is " + notAFile;
        }
        String target;
        try {
            target = Files.readSymbolicLink(file).toString();
        }
        catch (IOException e) {
            return "cannot read " + file + ": " + LocalFileErrors.describe(e);
        }
        try {
            Files.readAttributes(file, BasicFileAttributes.class);
        }
        catch (NoSuchFileException e) {
            return file + " is a broken link: its target " + target + " does not exist; restore the target, or remove the link";
        }
        catch (IOException e) {
            return "cannot read " + file + ", a link to " + target + ": " + LocalFileErrors.describe(e);
        }
        return file + " is a link to " + target + ", which is " + notAFile;
    }

    /** The same file named twice is planned once; two files on one key would overwrite each other. */
    private static List<Found> withoutDuplicates(List<Found> files, List<String> problems) throws IOException {
        Map<String, Found> byKey = new LinkedHashMap<>();
        for (Found found : files) {
            PlannedFile file = found.file();
            Found earlier = byKey.putIfAbsent(file.key(), found);
            if (earlier != null && !Files.isSameFile(earlier.file().path(), file.path())) {
                problems.add(sameKey(earlier.file().path(), file.path(), file.key()));
            }
        }
        return List.copyOf(byKey.values());
    }

    /** Two files on one key, and what to do: names that differ only in their Unicode form are shown escaped, since they print alike. */
    private static String sameKey(Path one, Path other, String key) {
        // In path order, whatever order the file system listed them in.
        Path first = one.compareTo(other) <= 0 ? one : other;
        Path second = first == one ? other : one;
        String firstName = first.getFileName().toString();
        String secondName = second.getFileName().toString();
        if (!firstName.equals(secondName) && Normalizer.normalize(firstName, Normalizer.Form.NFC).equals(Normalizer.normalize(secondName, Normalizer.Form.NFC))) {
            return first + " and " + second + " are names that differ only in their Unicode form (" + escaped(firstName, UploadPlanner::outsideAscii) + " and "
                    + escaped(secondName, UploadPlanner::outsideAscii) + "; one spelled decomposed, as files copied from a Mac can be) and would both upload to " + key + ": rename or remove one of them";
        }
        if (first.getParent() != null && first.getParent().equals(second.getParent())) {
            // One folder: their names differ only in the case of their suffix, which the key spells as the converter's notification takes it.
            return first + " and " + second + " are in one folder and would both upload to " + key + " (a key's suffix is spelled in lower case,"
                    + " as the converter takes it): rename or remove one of them";
        }
        return first + " and " + second + " would both upload to " + key + ": give them different --dataset or --prefix values in separate runs";
    }

    /**
     * The text with each character {@code escapedWhen} picks as a Java escape, the others as they are: every control
     * character, so that a name prints on one line as it is ({@code jan\\u000afeb.csv}), or every one outside ASCII, so
     * that two names that print alike show how they differ ({@code cafe\\u0301.csv}).
     */
    private static String escaped(String text, IntPredicate escapedWhen) {
        StringBuilder escaped = new StringBuilder();
        text.chars().forEach(c -> escaped.append(escapedWhen.test(c) ? String.format(Locale.ROOT, "\\u%04x", c) : String.valueOf((char) c)));
        return escaped.toString();
    }

    private static boolean outsideAscii(int c) {
        return c >= 0x80;
    }

    /**
     * One file reached under two keys, by a folder given with a folder (or file) inside it, or by a link to
     * a file of the run, or by two hard links to it, would be uploaded twice, and the converter would convert
     * its rows twice: the reason links to folders are not followed. Files are told apart by what the file
     * system identifies them by (device and inode on Unix), else by their real paths, links resolved.
     */
    private static void refuseOneFileOnTwoKeys(List<Found> files, List<String> problems) {
        Map<Object, Found> byIdentity = new LinkedHashMap<>();
        Map<Object, Path> realPaths = new HashMap<>();
        for (Found found : files) {
            Path realPath;
            Object identity;
            try {
                realPath = found.file().path().toRealPath();
                Object fileKey = Files.readAttributes(realPath, BasicFileAttributes.class).fileKey();
                identity = fileKey != null ? fileKey : realPath;
            }
            catch (IOException e) {
                problems.add("cannot read " + found.file().path() + ": " + LocalFileErrors.describe(e));
                continue;
            }
            Found earlier = byIdentity.putIfAbsent(identity, found);
            realPaths.putIfAbsent(identity, realPath);
            if (earlier != null) {
                problems.add(twoKeys(realPaths.get(identity), realPath, earlier, found));
            }
        }
    }

    /**
     * Names the file, both keys and where each comes from, and what to give instead.
     *
     * @param firstRealPath the first file's path with links resolved
     * @param secondRealPath the second's: another path to the same file when the two are hard links
     */
    private static String twoKeys(Path firstRealPath, Path secondRealPath, Found first, Found second) {
        boolean sameSource = first.source().equals(second.source());
        // The name a person knows the file by: the one that is no link, when there is one.
        Path shown = Stream.of(first, second)
                .map(found -> found.file().path())
                .filter(path -> !Files.isSymbolicLink(path))
                .findFirst()
                .orElse(firstRealPath);
        // A link given as a PATH is left out by not giving it; a link found inside a folder only by moving it.
        Optional<Found> linkInFolder = Stream.of(first, second)
                .filter(found -> Files.isSymbolicLink(found.file().path()) && !found.file().path().equals(found.source()))
                .findFirst();
        String notBoth = "give " + first.source() + " or " + second.source() + ", not both";
        String remedy;
        if (!firstRealPath.equals(secondRealPath) && Stream.of(first, second).noneMatch(found -> Files.isSymbolicLink(found.file().path()))) {
            // Two names of one file's data, neither a link of the other: only the person knows which to keep.
            remedy = "they are hard links to one file (" + firstRealPath + " and " + secondRealPath + "); remove one of them from what you upload"
                    + (sameSource ? "" : ", or " + notBoth);
        }
        else {
            remedy = linkInFolder
                    .map(link -> "move the link out of " + link.source() + " (a link to a file is uploaded as that file)"
                            + (sameSource ? "" : ", or " + notBoth))
                    .orElse(notBoth);
        }
        return shown + " would be uploaded twice, as " + first.file().key() + origin(first, sameSource) + " and as " + second.file().key()
                + origin(second, sameSource) + ", its rows then converted twice: " + remedy;
    }

    /** Where a key comes from: the link it goes through, and the PATH it was found under when the two differ. */
    private static String origin(Found found, boolean sameSource) {
        List<String> parts = new ArrayList<>();
        if (Files.isSymbolicLink(found.file().path())) {
            parts.add("through the link " + found.file().path());
        }
        if (!sameSource) {
            parts.add("from " + found.source());
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static boolean isHidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    /**
     * Hadoop and Spark name what is not a job's output with a leading '_': {@code _SUCCESS}, {@code _committed_…},
     * and {@code _temporary}, which holds the attempt files of a job running or failed. Uploaded beside
     * {@code part-0.csv}, {@code _temporary/0/task1/part-0.csv} would be converted too, its rows counted twice.
     * (Hadoop's input formats leave them out for that reason.)
     */
    private static boolean isJobFile(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith("_");
    }

    private static boolean isOfficeLockFile(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(OFFICE_LOCK_PREFIX);
    }

    private static String describe(List<String> problems) {
        List<String> lines = new ArrayList<>(problems.subList(0, Math.min(problems.size(), MAX_REPORTED_PROBLEMS)));
        if (problems.size() > MAX_REPORTED_PROBLEMS) {
            lines.add("and " + (problems.size() - MAX_REPORTED_PROBLEMS) + " more problems; nothing was uploaded");
        }
        return String.join("\n", lines);
    }

    /** " (1 thing" + what + ")" or " (n things" + what + ")", or nothing for none: a count in a line a person reads. */
    private static String counted(int count, String one, String many, String what) {
        if (count == 0) {
            return "";
        }
        return " (" + count + " " + (count == 1 ? one : many) + what + ")";
    }
}
