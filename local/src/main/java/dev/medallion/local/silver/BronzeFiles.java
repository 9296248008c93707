package dev.medallion.local.silver;

import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.ErrorMessages;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Finds the files an input folder holds for the bronze bucket, as the bucket's notification would see
 * them: {@code .csv}, {@code .csv.gz} and {@code .dat}, the dataset being the first folder of the key.
 */
public final class BronzeFiles {
    private BronzeFiles() {}

    /**
     * The bronze files under {@code input}, in path order, and what was left out. Order matters: a
     * dataset's schema contract is inferred from the first file converted into it, so the order must not
     * depend on the file system. A file directly in the input (or the input itself, when it is a file)
     * names its own dataset after its stem, as the silver converter's local command does; a key needs a
     * dataset folder in the bucket. Hidden files and folders (a leading dot: {@code .git}, editors'
     * temporary files) are skipped.
     *
     * <p>A key takes the file and folder names of its path in Unicode NFC, as {@code bronze-ingest upload}'s
     * keys do: a name spelled decomposed (NFD: {@code e} and a combining accent, as files copied from a Mac
     * can be) gets the key its NFC spelling gets. Two files whose names differ only so, which Linux keeps
     * apart, are listed ({@link BronzeInput#sameKeys}), as {@code bronze-ingest upload} refuses them: on one
     * key, one file's rows would replace the other's. One file reached twice on one key (a link or a hard
     * link spelled the other way) is one file, listed once, as {@code bronze-ingest upload} uploads it once.
     *
     * <p>An input that is a link to a folder is read as that folder. Links to folders under it are not
     * followed, as {@code bronze-ingest upload} does not follow them (a folder linked from two places
     * would be converted twice, under two keys); links to files are the files. One file under two keys,
     * through a link to a file the input holds anyway or as two hard links to it, is listed
     * ({@link BronzeInput#sameFiles}), as {@code bronze-ingest upload} refuses to upload it twice: its rows
     * would be converted twice. What cannot be read is listed, not thrown, so that the caller can name all
     * of it at once.
     *
     * @param lakeFolders the folders the command writes into; those under the input are left out, so that
     *         a lake inside the input ({@code --input . --lake ./lake}) is not read back as bronze on the
     *         next run. The input itself must not lie in one ({@link #lakeFolderHolding}).
     */
    public static BronzeInput under(Path input, Collection<Path> lakeFolders) throws IOException {
        requireNonNull(lakeFolders, "lakeFolders is null");
        Path root = requireNonNull(input, "input is null").toAbsolutePath().normalize();
        if (Files.isRegularFile(root)) {
            String name = root.getFileName().toString();
            String key = nfc(name);
            return new BronzeInput(isBronze(name) ? List.of(new BronzeFile(root, key, datasetOf(key))) : List.of(), List.of(), List.of(), List.of(),
                    List.of(), List.of(), List.of(), List.of());
        }
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "the input does not exist");
        }
        Set<Path> lake = new HashSet<>();
        for (Path folder : lakeFolders) {
            lake.add(realPathOf(folder));
        }
        Walk walk = new Walk(root, root.toRealPath(), lake);
        Files.walkFileTree(walk.realRoot, walk);
        // Files on one key (names in two Unicode forms) in path order, not in the file system's.
        walk.files.sort(Comparator.comparing((Reached reached) -> reached.file().key()).thenComparing(reached -> reached.file().path()));
        List<Reached> files = oncePerKey(walk.files);
        walk.lakeFolders.sort(null);
        walk.folderLinks.sort(Comparator.comparing(BronzeInput.FolderLink::link));
        walk.jobFiles.sort(null);
        walk.otherFiles.sort(null);
        walk.unreadable.sort(Comparator.comparing(BronzeInput.Unreadable::path));
        return new BronzeInput(files.stream().map(Reached::file).toList(), walk.lakeFolders, walk.folderLinks, walk.jobFiles, walk.otherFiles, walk.unreadable,
                sameFiles(files), sameKeys(files));
    }

    /** The name as a key takes it: in Unicode NFC, as {@code bronze-ingest upload}'s keys take it. */
    static String nfc(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFC);
    }

    /**
     * The files sorted by key, each file once on a key: reached on one key by two names (spelled in two
     * Unicode forms, one a link or hard link to the other), it would be converted once, its first name kept.
     */
    private static List<Reached> oncePerKey(List<Reached> sorted) {
        List<Reached> once = new ArrayList<>();
        Set<Object> onKey = new HashSet<>();
        String key = null;
        for (Reached reached : sorted) {
            if (!reached.file().key().equals(key)) {
                key = reached.file().key();
                onKey.clear();
            }
            if (onKey.add(reached.identity())) {
                once.add(reached);
            }
        }
        return once;
    }

    /** The keys that two files or more are on, in key order, each key's files in path order. */
    private static List<BronzeInput.SameKey> sameKeys(List<Reached> files) {
        Map<String, List<BronzeFile>> byKey = new LinkedHashMap<>();
        for (Reached reached : files) {
            byKey.computeIfAbsent(reached.file().key(), key -> new ArrayList<>()).add(reached.file());
        }
        return byKey.entrySet().stream()
                .filter(entry -> entry.getValue().size() > 1)
                .map(entry -> new BronzeInput.SameKey(entry.getKey(), entry.getValue()))
                .toList();
    }

    /**
     * The files reached under two keys or more, in the order of their first key. Files are told apart as
     * {@code bronze-ingest upload} tells them apart: by what the file system identifies them by (device and
     * inode on Unix), which hard links share, else by their real paths, links resolved.
     */
    private static List<BronzeInput.SameFile> sameFiles(List<Reached> files) {
        Map<Object, List<Reached>> byIdentity = new LinkedHashMap<>();
        for (Reached reached : files) {
            byIdentity.computeIfAbsent(reached.identity(), identity -> new ArrayList<>()).add(reached);
        }
        return byIdentity.values().stream()
                .filter(same -> same.size() > 1)
                .map(same -> new BronzeInput.SameFile(same.get(0).realPath(), same.stream().map(Reached::file).toList(),
                        same.stream().filter(Reached::link).map(reached -> reached.file().path()).toList()))
                .toList();
    }

    /**
     * A bronze file found by the walk, and the file it is: what the file system identifies it by (its
     * {@code fileKey}, else its real path), its real path, and whether it was reached through a symbolic link.
     */
    private record Reached(BronzeFile file, Object identity, Path realPath, boolean link) {}

    /**
     * The folder of {@code lakeFolders} that {@code input} is or lies in, comparing real paths (links
     * resolved): such an input would convert the lake's own files, its quarantined rows among them.
     */
    public static Optional<Path> lakeFolderHolding(Path input, Collection<Path> lakeFolders) throws IOException {
        Path realInput = realPathOf(input);
        for (Path folder : lakeFolders) {
            if (realInput.startsWith(realPathOf(folder))) {
                return Optional.of(folder);
            }
        }
        return Optional.empty();
    }

    /**
     * The path with its links resolved, for a path that may not exist yet (a lake before its first run):
     * its deepest existing folder's real path, and the rest of it as given.
     */
    static Path realPathOf(Path path) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing.getParent() != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing.toRealPath().resolve(existing.relativize(absolute));
    }

    /**
     * Walks the real folder of the input, so that an input given as a link is read, but names what it
     * finds under the input as given, as the person typed it. Links are not followed, so every path met
     * under the real root is a real path, comparable with the lake's.
     */
    private static final class Walk extends SimpleFileVisitor<Path> {
        private final Path root;
        private final Path realRoot;
        private final Set<Path> lake;
        private final List<Reached> files = new ArrayList<>();
        private final List<Path> lakeFolders = new ArrayList<>();
        private final List<BronzeInput.FolderLink> folderLinks = new ArrayList<>();
        private final List<Path> jobFiles = new ArrayList<>();
        private final List<Path> otherFiles = new ArrayList<>();
        private final List<BronzeInput.Unreadable> unreadable = new ArrayList<>();

        Walk(Path root, Path realRoot, Set<Path> lake) {
            this.root = root;
            this.realRoot = realRoot;
            this.lake = lake;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
            if (!directory.equals(realRoot) && isHidden(directory)) {
                return FileVisitResult.SKIP_SUBTREE;
            }
            if (lake.contains(directory)) {
                lakeFolders.add(asGiven(directory));
                return FileVisitResult.SKIP_SUBTREE;
            }
            if (!directory.equals(realRoot) && isJobFile(directory)) {
                jobFiles.add(asGiven(directory));
                return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
            if (isHidden(file)) {
                return FileVisitResult.CONTINUE;
            }
            if (isJobFile(file)) {
                jobFiles.add(asGiven(file));
                return FileVisitResult.CONTINUE;
            }
            if (attributes.isSymbolicLink() && Files.isDirectory(file)) {
                Path target = file.toRealPath();
                // A link to the lake (--lake input/lake, a link to a scratch disk) is the lake, not a dataset left out.
                if (lake.stream().anyMatch(folder -> folder.startsWith(target))) {
                    lakeFolders.add(asGiven(file));
                }
                else {
                    folderLinks.add(new BronzeInput.FolderLink(asGiven(file), target));
                }
                return FileVisitResult.CONTINUE;
            }
            String name = file.getFileName().toString();
            if (Files.isRegularFile(file) && isBronze(name)) {
                Path relative = realRoot.relativize(file);
                String key = nfc(relative.toString().replace(relative.getFileSystem().getSeparator(), "/"));
                Path realPath;
                BasicFileAttributes target;
                try {
                    // Links are not followed: a link's attributes are its own, so its file's are read through it.
                    realPath = attributes.isSymbolicLink() ? file.toRealPath() : file;
                    target = attributes.isSymbolicLink() ? Files.readAttributes(realPath, BasicFileAttributes.class) : attributes;
                    // Opened, not only listed: a file the user may not read failed only once its conversion opened it,
                    // the files before it converted and the error its path alone.
                    Files.newByteChannel(realPath).close();
                }
                catch (IOException e) {
                    unreadable.add(new BronzeInput.Unreadable(asGiven(file), reason(e)));
                    return FileVisitResult.CONTINUE;
                }
                Object identity = target.fileKey() != null ? target.fileKey() : realPath;
                files.add(new Reached(new BronzeFile(asGiven(file), key, datasetOf(key)), identity, realPath, attributes.isSymbolicLink()));
            }
            else if (Files.isRegularFile(file) && !file.getParent().equals(realRoot)) {
                // In a dataset's folder (a .tsv or .txt export beside its .csv files). A file beside the dataset
                // folders (a README) is no dataset's.
                otherFiles.add(asGiven(file));
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            // A folder is opened before preVisitDirectory sees it: an unreadable hidden or lake folder fails here.
            if (!file.equals(realRoot) && isHidden(file)) {
                return FileVisitResult.CONTINUE;
            }
            if (lake.contains(file)) {
                lakeFolders.add(asGiven(file));
                return FileVisitResult.CONTINUE;
            }
            unreadable.add(new BronzeInput.Unreadable(asGiven(file), reason(e)));
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path directory, IOException e) {
            if (e != null) {
                // Listing the folder failed part way: some of its files were not seen.
                unreadable.add(new BronzeInput.Unreadable(asGiven(directory), reason(e)));
            }
            return FileVisitResult.CONTINUE;
        }

        private Path asGiven(Path real) {
            return root.resolve(realRoot.relativize(real));
        }
    }

    private static boolean isHidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    /**
     * Named with a leading '_', as Hadoop and Spark name what is not a job's output: a {@code _temporary}
     * folder holds a running or failed job's attempts, whose rows the files beside it hold once committed.
     */
    private static boolean isJobFile(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith("_");
    }

    /**
     * Why a path could not be read, in words ({@link ErrorMessages#reason}); a path the walk listed a moment ago
     * and cannot find now was removed since, which says more than "no such file or folder".
     */
    private static String reason(IOException e) {
        return e instanceof NoSuchFileException ? "it was removed while the input was read" : ErrorMessages.reason(e);
    }

    /**
     * The first-level folders among {@code files}' keys whose names look like date folders
     * ({@link SilverLayout#looksLikeDateFolder}), in order: an input that is a dataset's own folder, not
     * the folder that holds the datasets, makes its year folders datasets ({@code _2026}).
     */
    public static List<String> dateLikeDatasetFolders(List<BronzeFile> files) {
        return files.stream()
                .filter(file -> file.key().contains("/"))
                .map(file -> file.key().substring(0, file.key().indexOf('/')))
                .filter(SilverLayout::looksLikeDateFolder)
                .distinct()
                .toList();
    }

    static boolean isBronze(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        return name.endsWith(".csv") || name.endsWith(".csv.gz") || name.endsWith(".dat");
    }

    static String datasetOf(String key) {
        if (key.contains("/")) {
            return SilverLayout.datasetOf(key);
        }
        return SilverLayout.datasetName(key.replaceFirst("(?i)(\\.(csv|dat))?(\\.gz)?$", ""));
    }
}
