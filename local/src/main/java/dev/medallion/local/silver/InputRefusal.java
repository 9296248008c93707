package dev.medallion.local.silver;

import dev.medallion.common.layout.SilverLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Refuses an input that {@link BronzeFiles#under} found wrong, in the error lines the local command prints
 * before it converts anything: what cannot be read, a file under two keys, files on one key. Each line
 * names the paths and what to do about them, so --input is fixed in one go rather than one thing per run.
 */
public final class InputRefusal {
    /** Paths named in one warning or error line; the count says how many more there are. */
    public static final int MAX_NAMED = 5;

    private InputRefusal() {}

    /**
     * The error lines that refuse {@code found}, what {@link BronzeFiles#under} found under {@code input}
     * (--input, absolute and normalized). All that is wrong with --input at once rather than one thing per
     * run: what cannot be read, the files under two keys, the files on one key; a line per problem, the
     * first few, and "Nothing was converted." said once, after the last line. Empty when nothing is wrong.
     */
    public static List<String> lines(Path input, BronzeInput found) {
        requireNonNull(input, "input is null");
        requireNonNull(found, "found is null");
        List<String> lines = new ArrayList<>();
        if (!found.unreadable().isEmpty()) {
            lines.add(unreadable(input, found.unreadable()));
        }
        // Only a file given as --input itself: inside folders such names are left out (BronzeFiles).
        found.files().stream().filter(file -> SilverLayout.isJobOrHiddenKey(file.key())).forEach(file -> lines.add("error: " + file.path()
                + " is named with a leading _ or ., as Hadoop and Spark name what is not a job's output and tools name hidden files: the"
                + " converter skips such keys in the bronze bucket, and bronze-ingest upload refuses it, so it is not converted here either;"
                + " rename it."));
        lines.addAll(firstFew(found.sameFiles().stream().map(same -> underTwoKeys(input, same)).toList(), "more file(s) under two keys or more."));
        lines.addAll(firstFew(found.sameKeys().stream().map(same -> onOneKey(input, same)).toList(),
                "more key(s) that files whose names differ only in their Unicode form would share."));
        if (!lines.isEmpty()) {
            lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " Nothing was converted.");
        }
        return lines;
    }

    /**
     * The first few of {@code paths}, comma-separated, and ", ..." when there are more: the line that names
     * them says the count beside them. Public for the command's warnings, which name paths the same way.
     */
    public static String named(List<?> paths) {
        requireNonNull(paths, "paths is null");
        return paths.stream().limit(MAX_NAMED).map(Object::toString).collect(Collectors.joining(", ")) + (paths.size() > MAX_NAMED ? ", ..." : "");
    }

    /** The first {@link #MAX_NAMED} lines, and one that counts the rest: "error: and N " + {@code more}. */
    private static List<String> firstFew(List<String> lines, String more) {
        List<String> few = new ArrayList<>(lines.subList(0, Math.min(lines.size(), MAX_NAMED)));
        if (lines.size() > MAX_NAMED) {
            few.add("error: and " + (lines.size() - MAX_NAMED) + " " + more);
        }
        return few;
    }

    private static String unreadable(Path input, List<BronzeInput.Unreadable> unreadable) {
        if (unreadable.size() == 1 && unreadable.get(0).path().equals(input)) {
            return "error: cannot read --input " + input + " (" + unreadable.get(0).reason() + "): make it readable.";
        }
        boolean one = unreadable.size() == 1;
        String what = one ? unreadable.get(0).path() + " under --input " + input + " (" + unreadable.get(0).reason() + "), so its "
                        + (Files.isDirectory(unreadable.get(0).path()) ? "files" : "rows")
                : unreadable.size() + " paths under --input " + input + ": " + named(unreadable) + ", so their files";
        return "error: cannot read " + what + " would be missing from the lake: make " + (one ? "it" : "them") + " readable, or move "
                + (one ? "it" : "them") + " out of --input.";
    }

    /**
     * A file under two keys would be converted under each, its rows then in silver and gold twice: refused
     * as bronze-ingest upload refuses to upload it twice. Names the file (by a name of its own when it has
     * one in --input, not a link's; else as outside --input, or not converted by its own name, and reached
     * through the links), each key it is under and the link it goes through, and what to take out of
     * --input: which one only the person knows.
     */
    private static String underTwoKeys(Path input, BronzeInput.SameFile same) {
        List<Path> names = same.names();
        int count = same.files().size();
        String times = count == 2 ? "twice" : count + " times";
        String file;
        String keys;
        if (names.isEmpty()) {
            // Every key goes through a link, named once here, in the order of the keys.
            boolean inside = same.realPath().startsWith(realPathOf(input));
            file = same.realPath() + (inside ? ", under --input " + input + " but not converted by its own name," : ", outside --input " + input + ",")
                    + " reached through the links " + and(same.links().stream().map(Path::toString).toList()) + ",";
            keys = and(same.files().stream().map(bronze -> "as " + bronze.key()).toList());
        }
        else {
            file = names.get(0) + " under --input " + input;
            keys = and(same.files().stream()
                    .map(bronze -> "as " + bronze.key() + (same.links().contains(bronze.path()) ? " (through the link " + bronze.path() + ")" : ""))
                    .toList());
        }
        List<String> remedies = new ArrayList<>();
        if (names.size() > 1) {
            // Two names of one file's data, neither a link to the other: any one of them may stay.
            remedies.add("remove " + (names.size() == 2 ? "one" : "all but one") + " of its hard links " + and(names.stream().map(Path::toString).toList())
                    + " from --input");
        }
        if (!same.links().isEmpty()) {
            int links = same.links().size();
            // Links to a file without a name of its own in --input: one link may stay, and is the file.
            String which = !names.isEmpty() ? (links == 1 ? "the link" : "the links")
                    : (links == 2 ? "one of the links" : "all but one of the links");
            remedies.add("move " + which + " out of --input (a link to a file is converted as that file)");
        }
        return "error: " + file + " would be converted " + times + ", " + keys + ", its rows then in silver " + times + ": "
                + String.join(", and ", remedies) + ".";
    }

    /**
     * Files whose names differ only in their Unicode form share a key, which takes names in NFC as
     * bronze-ingest upload's keys do: one file's rows would replace the other's. Each path is named with
     * the form its name under --input is spelled in, since a terminal shows the two alike.
     */
    private static String onOneKey(Path input, BronzeInput.SameKey same) {
        boolean two = same.files().size() == 2;
        String files = and(same.files().stream().map(file -> file.path() + " (" + unicodeForm(input, file.path()) + ")").toList());
        return "error: " + files + " under --input " + input + " would " + (two ? "both" : "all") + " be converted as " + same.key()
                + ", one file's rows replacing " + (two ? "the other's" : "another's") + ", since their names differ only in their Unicode form"
                + " (NFC and NFD spellings of one name): rename or remove " + (two ? "one" : "all but one") + " of them.";
    }

    /** The Unicode form the path's names under {@code input} are spelled in: "NFC", "NFD" or "in neither form". */
    private static String unicodeForm(Path input, Path path) {
        String name = path.startsWith(input) ? input.relativize(path).toString() : path.toString();
        if (Normalizer.isNormalized(name, Normalizer.Form.NFC)) {
            return "NFC";
        }
        return Normalizer.isNormalized(name, Normalizer.Form.NFD) ? "NFD" : "in neither form";
    }

    /** The path with its links resolved, or as given when it cannot be read. */
    private static Path realPathOf(Path path) {
        try {
            return path.toRealPath();
        }
        catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    /** "a and b", "a, b and c". */
    private static String and(List<String> items) {
        int last = items.size() - 1;
        return last < 1 ? String.join("", items) : String.join(", ", items.subList(0, last)) + " and " + items.get(last);
    }
}
