package dev.medallion.gold.model;

import dev.medallion.common.logging.ErrorMessages;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Reads the gold models shipped in the jar: {@code gold/models.list} names them, one per line ({@code #}
 * starts a comment, on a line of its own or after a name), and each {@code gold/<name>.sql} holds a
 * header of {@code -- key: value} lines followed by the SELECT:
 * <pre>
 * -- description: Daily revenue by category and region
 * -- partitioned_by: sale_date
 * -- sources: sales, products
 * SELECT ...
 * </pre>
 * A list file rather than a directory scan, because resources inside a jar cannot be listed portably.
 * The same layout in a directory of one's own ({@code local}'s {@code --models DIR}) is read through a
 * class loader over its parent; errors then name the files in that directory, not the jar's {@code gold/},
 * and the {@code .sql} files there. A list that names no model is refused: it would build nothing, silently.
 */
public final class GoldModels {
    private static final String LIST = "models.list";
    private static final List<String> KEYS = List.of("description", "partitioned_by", "sources");
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private final String root;
    private final ClassLoader classLoader;

    public GoldModels(String root, ClassLoader classLoader) {
        this.root = requireNonNull(root, "root is null").endsWith("/") ? root : root + "/";
        this.classLoader = requireNonNull(classLoader, "classLoader is null");
    }

    /** The models shipped in this jar under {@code gold/}. */
    public static GoldModels shipped() {
        return new GoldModels("gold/", GoldModels.class.getClassLoader());
    }

    /**
     * Every listed model, in the list's order. A name listed twice is refused: a forced build of every
     * model would build it twice in one invocation, and the second build would delete the build kept for
     * rollback. A list naming none (empty, or every line a comment) is refused too: it would build nothing.
     */
    public List<GoldModel> all() {
        String list = read(LIST).orElseThrow(() -> new IllegalStateException("Gold models list " + root + LIST + " is missing from the class path"));
        Map<String, Integer> lineByName = new LinkedHashMap<>();
        String[] lines = list.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int line = i + 1;
            String name = withoutComment(lines[i]).strip();
            if (name.isEmpty()) {
                continue;
            }
            if (!GoldModel.NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(locate(LIST) + " line " + line + ": '" + name + "' is not a model name: lowercase [a-z0-9_], starting with a "
                        + "letter, the name of its <name>.sql file");
            }
            Integer first = lineByName.putIfAbsent(name, line);
            if (first != null) {
                throw new IllegalArgumentException(locate(LIST) + " names " + name + " twice (lines " + first + " and " + line + "): list each model once");
            }
        }
        if (lineByName.isEmpty()) {
            // An empty list built nothing and said nothing: local reported "0 of 0 table(s)" and exited 0, and the
            // builder built nothing; a list commented out while editing reads the same.
            String modelFiles = modelFilesBesideList().map(files -> files.isEmpty() ? "; there is no .sql file beside it yet"
                    : "; the .sql files beside it: " + String.join(", ", files)).orElse("");
            throw new IllegalArgumentException(locate(LIST) + " names no model (" + (list.isBlank() ? "it is empty" : "every line is blank or a comment")
                    + "): write one model name per line, each the name of a <name>.sql file beside it ('#' starts a comment)" + modelFiles);
        }
        List<GoldModel> models = new ArrayList<>();
        lineByName.forEach((name, line) -> {
            String file = name + ".sql";
            String text = read(file).orElseThrow(() -> new IllegalStateException("Gold model file " + locate(file) + " is missing: " + locate(LIST) + " names "
                    + name + " on line " + line + ", and each model listed needs its <name>.sql beside the list: write it, or take the name out of the list"
                    // A misspelt name is found among the files there.
                    + modelFilesBesideList().map(files -> files.isEmpty() ? " (there is no .sql file beside it)" : " (the .sql files beside it: "
                            + String.join(", ", files) + ")").orElse("")));
            try {
                models.add(parse(name, text, locate(file)));
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(locate(file) + ": " + e.getMessage(), e);
            }
        });
        return models;
    }

    /** The line up to its '#', if it has one: model names hold no '#' ({@code GoldModel.NAME}), so a '#' always starts a comment. */
    private static String withoutComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    /** The named models, in the order given; an unknown name is an error that lists the known ones. */
    public List<GoldModel> named(List<String> names) {
        Map<String, GoldModel> byName = all().stream().collect(Collectors.toMap(GoldModel::name, model -> model, (a, b) -> a, LinkedHashMap::new));
        List<GoldModel> chosen = new ArrayList<>();
        for (String name : names) {
            GoldModel model = byName.get(name);
            if (model == null) {
                throw new IllegalArgumentException("Unknown gold model '" + name + "'; known models: " + byName.keySet());
            }
            chosen.add(model);
        }
        return chosen;
    }

    static GoldModel parse(String name, String text) {
        return parse(name, text, "");
    }

    /** @param file where the text was read from, for people; empty when not from a file */
    static GoldModel parse(String name, String text, String file) {
        requireNonNull(text, "text is null");
        requireNonNull(file, "file is null");
        Map<String, String> settings = new LinkedHashMap<>();
        StringBuilder select = new StringBuilder();
        boolean inHeader = true;
        int selectLine = 1;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String stripped = line.strip();
            if (inHeader && stripped.startsWith("--")) {
                String comment = stripped.substring(2).strip();
                int colon = comment.indexOf(':');
                if (colon > 0) {
                    String key = comment.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    if (!KEYS.contains(key)) {
                        // A comment that happens to hold a colon ("-- Note: ...") reads as a setting: say how to write it.
                        throw new IllegalArgumentException("line " + (i + 1) + ": unknown setting '" + key + "'; known settings: " + KEYS
                                + ". A header comment line holding a colon ('-- word: ...') is read as a setting: write a free comment"
                                + " without a colon ('-- Note, this ...'), or inside the SELECT (a -- line after its first line)");
                    }
                    settings.put(key, comment.substring(colon + 1).strip());
                }
                continue;
            }
            if (inHeader && stripped.isEmpty()) {
                continue;
            }
            if (inHeader) {
                // The SELECT keeps its lines from here, so its line n is the file's selectLine + n - 1.
                selectLine = i + 1;
            }
            inHeader = false;
            select.append(line).append('\n');
        }
        // Only the end is trimmed: the first line keeps its indentation, so an engine's column is the file's.
        String body = select.toString().stripTrailing();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).stripTrailing();
        }
        if (body.isBlank()) {
            throw new IllegalArgumentException("no SELECT after the header");
        }
        return new GoldModel(name,
                Optional.ofNullable(settings.get("description")).orElse(""),
                list(settings.get("partitioned_by")),
                list(settings.get("sources")),
                body, file, selectLine);
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(item -> !item.isEmpty()).toList();
    }

    /**
     * The resource's text, or empty when there is none. Found, then opened: {@code ClassLoader.getResourceAsStream} answers null
     * for a resource it found and could not open (its {@code IOException} dropped), which read as missing from the class path.
     */
    private Optional<String> read(String resource) {
        URL url = classLoader.getResource(root + resource);
        if (url == null) {
            return Optional.empty();
        }
        try (InputStream in = url.openStream();
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String text = reader.lines().collect(Collectors.joining("\n"));
            // Editors on Windows start UTF-8 files with a byte order mark, which would otherwise be text: it hid the
            // first header line ("names no sources") and made the list's first name no model name.
            return Optional.of(text.startsWith(BYTE_ORDER_MARK) ? text.substring(BYTE_ORDER_MARK.length()) : text);
        }
        catch (IOException | UncheckedIOException e) {
            // lines() throws a failed read unchecked.
            IOException failure = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e;
            throw new UncheckedIOException("Could not read " + locate(resource) + ": " + ErrorMessages.reason(failure)
                    + "; check that the file is there and this process may read it", failure);
        }
    }

    /**
     * Where a file of the models is, or would be, for a person to find it: its path on disk (a directory of
     * one's own, or the build's classes), its entry in a jar, or, when not even the list is found, its name
     * on the class path. A missing file would be beside the list.
     */
    private String locate(String resource) {
        URL own = classLoader.getResource(root + resource);
        if (own != null) {
            return describe(own.toString());
        }
        URL list = classLoader.getResource(root + LIST);
        if (list == null) {
            return root + resource + " (on the class path)";
        }
        String listUrl = list.toString();
        // Resource names are model names and ".sql" (GoldModel.NAME): nothing in them needs encoding in a URL.
        return describe(listUrl.substring(0, listUrl.length() - LIST.length()) + resource);
    }

    /**
     * The {@code .sql} files of a directory, by name in order, or none when it is not one: what an error
     * about its list offers to be named in it. Only for models read from disk; a jar cannot be listed.
     */
    public static List<String> modelFilesIn(Path directory) {
        requireNonNull(directory, "directory is null");
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".sql")).sorted().toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not list " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The .sql files beside the list, for an error's fix, when the list is a file on disk; empty for a jar's, which cannot be listed. */
    private Optional<List<String>> modelFilesBesideList() {
        URL list = classLoader.getResource(root + LIST);
        if (list == null || !list.getProtocol().equals("file")) {
            return Optional.empty();
        }
        try {
            return Optional.of(modelFilesIn(Path.of(list.toURI()).getParent()));
        }
        catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            // Not a path after all: the error still names the list and what to write.
            return Optional.empty();
        }
    }

    /** A class loader's URL as a person reads it: {@code /dir/x.sql}, or {@code gold/x.sql in /path/app.jar}. */
    static String describe(String url) {
        try {
            if (url.startsWith("file:")) {
                return Path.of(URI.create(url)).toString();
            }
            int separator = url.indexOf("!/");
            if (url.startsWith("jar:") && separator > 0) {
                return url.substring(separator + 2) + " in " + describe(url.substring("jar:".length(), separator));
            }
        }
        catch (IllegalArgumentException | FileSystemNotFoundException e) {
            // Not a URL a path can be made of: the URL itself still says where.
        }
        return url;
    }
}
