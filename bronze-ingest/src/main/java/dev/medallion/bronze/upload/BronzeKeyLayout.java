package dev.medallion.bronze.upload;

import dev.medallion.common.layout.SilverLayout;

import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where a local file goes in the bronze bucket: {@code <dataset>/[<prefix>/]<path inside the folder>}.
 *
 * <p>The dataset always comes first because the silver converter takes the first segment of a bronze
 * key as the dataset ({@link SilverLayout#datasetOf}) and the bucket's notification covers every key:
 * a prefix in front would become the dataset. So {@code --prefix} goes after the dataset, where the
 * converter ignores it: {@code sales/2026/11/orders.csv} still belongs to {@code sales}.
 */
public final class BronzeKeyLayout {
    private final Optional<String> prefix;
    /** The prefix as typed, its slashes tidied: what versions before prefixes were NFC put in keys. */
    private final Optional<String> typedPrefix;

    public BronzeKeyLayout(Optional<String> prefix) {
        requireNonNull(prefix, "prefix is null");
        this.typedPrefix = prefix.flatMap(BronzeKeyLayout::tidyPrefix);
        this.prefix = typedPrefix.map(typed -> Normalizer.normalize(typed, Normalizer.Form.NFC));
    }

    public Optional<String> prefix() {
        return prefix;
    }

    /**
     * The key of a file under a dataset; {@code relativePath} uses '/' and names the file last. The path's
     * names are taken in Unicode NFC: a file copied from a Mac to Linux (zip, tar, rsync) can keep its name
     * decomposed, {@code café.csv} as an {@code e} and a combining accent, where Java on macOS and other
     * tools give one character, and the same file uploaded from both would otherwise land on two keys, its
     * rows converted twice. The prefix is taken in NFC too: pasted from a Mac's Finder it can be decomposed, typed on
     * another machine composed.
     */
    public String key(String dataset, String relativePath) {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(relativePath, "relativePath is null");
        if (dataset.isEmpty() || dataset.contains("/")) {
            throw new IllegalArgumentException("Invalid dataset '" + dataset + "'");
        }
        if (relativePath.isEmpty() || relativePath.startsWith("/")) {
            throw new IllegalArgumentException("Invalid relative path '" + relativePath + "'");
        }
        return spelledKey(dataset, prefix, Normalizer.normalize(relativePath, Normalizer.Form.NFC));
    }

    /**
     * The keys an earlier version may have uploaded this file under when they are not {@link #key}: versions
     * before names were NFC kept the path as spelled, versions before the prefix was NFC kept it as typed, and
     * on another machine either may have been spelled the other way: decomposed (NFD) where it held a copy from a
     * Mac or was given the prefix pasted from one, composed where it was typed. So the prefix as typed, in NFC or
     * decomposed, with the path as spelled, in NFC or decomposed; as spelled here first. An object under one of
     * them is the file's, and stays so. (Names in ASCII have none.)
     */
    public List<String> earlierKeys(String dataset, String relativePath) {
        String key = key(dataset, relativePath);
        List<String> paths = spellings(relativePath);
        List<Optional<String>> prefixes = typedPrefix.map(typed -> spellings(typed).stream().map(Optional::of).toList()).orElse(List.of(Optional.empty()));
        return prefixes.stream()
                .flatMap(spelledPrefix -> paths.stream().map(path -> spelledKey(dataset, spelledPrefix, path)))
                .filter(earlier -> !earlier.equals(key))
                .distinct()
                .toList();
    }

    /** The text as spelled, in NFC and decomposed, in that order; some may be the same. */
    private static List<String> spellings(String text) {
        return List.of(text, Normalizer.normalize(text, Normalizer.Form.NFC), Normalizer.normalize(text, Normalizer.Form.NFD));
    }

    private static String spelledKey(String dataset, Optional<String> prefix, String relativePath) {
        return dataset + "/" + prefix.map(value -> value + "/").orElse("") + relativePath;
    }

    /**
     * The dataset a PATH uploads into: the given name, else the folder's own name, or for a single file
     * the name of the folder that holds it; always made safe as a table name, as the converter does. A folder
     * of no letter or digit is refused without a given name, as such a given name is ({@link #namesADataset}),
     * and a given name holding a '/'. A folder named like a date ({@code 2026}, {@code 11}, {@code 2026-11}) is refused without a given name:
     * it is almost always a date folder inside a dataset, and a file re-uploaded from it on its own would
     * land in another dataset ({@code _2026}), its rows then counted twice.
     */
    public static String dataset(Path source, boolean isFolder, Optional<String> given) {
        requireNonNull(source, "source is null");
        requireNonNull(given, "given is null");
        if (given.isPresent()) {
            return SilverLayout.datasetName(givenName(given.get()));
        }
        String name = datasetFolder(source, isFolder).getFileName().toString();
        if (name.startsWith("_") || name.startsWith(".")) {
            // Inside folders such names are left out; as a dataset the name would lose its '_' (a table name)
            // and a failed Spark job's _temporary attempts would be converted as a dataset of their own.
            throw new IllegalArgumentException(source + ": its dataset would be its folder " + name + ", a name that Hadoop and Spark give what"
                    + " is not a job's output (_temporary) or that hides a folder: upload the job's output folder instead, or name the dataset:"
                    + " --dataset NAME");
        }
        if (!namesADataset(name)) {
            throw new IllegalArgumentException(source + ": its dataset would be its folder " + name + ", a name of no letter or digit, whose table the"
                    + " converter would name after a hash of it (" + SilverLayout.datasetName(name) + "): rename the folder to the dataset's name,"
                    + " such as sales, or name the dataset: --dataset NAME");
        }
        if (SilverLayout.looksLikeDateFolder(name)) {
            throw new IllegalArgumentException(source + ": its dataset would be its folder " + name + " (as a table, "
                    + SilverLayout.datasetName(name) + "), which looks like a date folder inside a dataset. To add it where an upload of"
                    + " the dataset's folder put it, upload that folder again (files already there are skipped), or name the dataset:"
                    + " --dataset NAME, with --prefix for the folders in between");
        }
        return SilverLayout.datasetName(name);
    }

    /**
     * A given name as {@code UploadOptions} leaves it, refused here too so that no caller can skip that: of a name of no
     * letter or digit the table would be named after a hash, and a '/' would make the key's first folder, the
     * converter's dataset, not the whole name.
     */
    private static String givenName(String name) {
        if (!namesADataset(name)) {
            throw new IllegalArgumentException("--dataset '" + name + "' holds no letter or digit, so its table would be named after a hash of it ("
                    + SilverLayout.datasetName(name) + "): give the dataset's name, such as sales");
        }
        if (name.contains("/")) {
            throw new IllegalArgumentException("--dataset '" + name + "' holds a '/': give the dataset's name alone, and the folders after it with --prefix");
        }
        return name;
    }

    /**
     * Whether a name, a folder's or {@code --dataset}'s, names a dataset: it holds a letter or a digit. Of a name that holds
     * none ({@code -}, {@code .}, {@code 📈}) the converter keeps nothing and names the table after a hash of it
     * ({@code dataset_cdb4ee2a}), which nobody would look for, so either way of naming the dataset is refused alike.
     */
    public static boolean namesADataset(String name) {
        requireNonNull(name, "name is null");
        return name.codePoints().anyMatch(Character::isLetterOrDigit);
    }

    /**
     * The folder whose name a PATH's dataset is named after when no {@code --dataset} is given: the folder
     * itself, or for a single file the folder that holds it.
     */
    public static Path datasetFolder(Path source, boolean isFolder) {
        requireNonNull(source, "source is null");
        Path absolute = source.toAbsolutePath().normalize();
        Path folder = isFolder ? absolute : absolute.getParent();
        if (folder == null || folder.getFileName() == null) {
            throw new IllegalArgumentException("Cannot name a dataset after " + absolute + ": give one with --dataset NAME");
        }
        return folder;
    }

    /** A path inside {@code root} as a key suffix: its names joined with '/'. */
    public static String relativePath(Path root, Path file) {
        Path relative = root.relativize(file);
        List<String> names = new ArrayList<>();
        relative.forEach(name -> names.add(name.toString()));
        return String.join("/", names);
    }

    /**
     * Slashes around and between segments are tidied ({@code /2026//11/} is {@code 2026/11}); '.' and
     * '..' segments are refused, since S3 would keep them literally and nothing downstream expects them.
     * The Unicode form is left as typed (the constructor takes the key's in NFC). A control character inside
     * is kept, for the planner to refuse naming the key.
     */
    static Optional<String> tidyPrefix(String text) {
        requireNonNull(text, "text is null");
        List<String> segments = new ArrayList<>();
        for (String segment : text.strip().split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("--prefix '" + text + "' holds a '" + segment + "' segment: give plain folder names such as 2026/11");
            }
            segments.add(segment);
        }
        return segments.isEmpty() ? Optional.empty() : Optional.of(String.join("/", segments));
    }
}
