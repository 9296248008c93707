package dev.medallion.gold.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Reads the gold models shipped in the jar: {@code gold/models.list} names them, one per line, and each
 * {@code gold/<name>.sql} holds a header of {@code -- key: value} lines followed by the SELECT:
 * <pre>
 * -- description: Daily revenue by category and region
 * -- partitioned_by: sale_date
 * -- sources: sales, products
 * SELECT ...
 * </pre>
 * A list file rather than a directory scan, because resources inside a jar cannot be listed portably.
 */
public final class GoldModels {
    private static final String LIST = "models.list";
    private static final List<String> KEYS = List.of("description", "partitioned_by", "sources");

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

    public List<GoldModel> all() {
        List<GoldModel> models = new ArrayList<>();
        for (String line : read(LIST).split("\n")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                models.add(parse(name, read(name + ".sql")));
            }
        }
        return models;
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
        Map<String, String> settings = new LinkedHashMap<>();
        StringBuilder select = new StringBuilder();
        boolean inHeader = true;
        for (String line : text.split("\n", -1)) {
            String stripped = line.strip();
            if (inHeader && stripped.startsWith("--")) {
                String comment = stripped.substring(2).strip();
                int colon = comment.indexOf(':');
                if (colon > 0) {
                    String key = comment.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    if (!KEYS.contains(key)) {
                        throw new IllegalArgumentException("gold/" + name + ".sql: unknown setting '" + key + "'; known settings: " + KEYS);
                    }
                    settings.put(key, comment.substring(colon + 1).strip());
                }
                continue;
            }
            if (inHeader && stripped.isEmpty()) {
                continue;
            }
            inHeader = false;
            select.append(line).append('\n');
        }
        String body = select.toString().strip();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        if (body.isEmpty()) {
            throw new IllegalArgumentException("gold/" + name + ".sql holds no SELECT after its header");
        }
        return new GoldModel(name,
                Optional.ofNullable(settings.get("description")).orElse(""),
                list(settings.get("partitioned_by")),
                list(settings.get("sources")),
                body);
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(item -> !item.isEmpty()).toList();
    }

    private String read(String resource) {
        String path = root + resource;
        try (InputStream in = classLoader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Gold model resource " + path + " is missing from the class path");
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                return reader.lines().collect(Collectors.joining("\n"));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not read " + path, e);
        }
    }
}
