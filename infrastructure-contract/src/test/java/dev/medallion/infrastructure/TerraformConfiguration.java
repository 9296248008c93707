package dev.medallion.infrastructure;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import com.bertramlabs.plugins.hcl4j.HCLParserException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

/**
 * One Terraform module directory, parsed with hcl4j and evaluated with given inputs, as
 * {@code terraform plan} would see it before any resource exists: variables take their defaults
 * (or the inputs given), locals and functions hcl4j knows are evaluated, and references to resources,
 * modules and data sources stay as their dotted names ({@code module.silver_bucket.arn}; an index
 * such as {@code [0]} reads {@code .value}).
 *
 * <p>All {@code *.tf} files of the directory are parsed as one text, so locals defined in one file
 * resolve in another. Comments do not survive parsing; {@link #sources()} keeps the raw text for the
 * rules that need them.
 */
public final class TerraformConfiguration {
    private final Path directory;
    private final Map<Path, String> sources;
    private final Map<String, Object> variableDeclarations;
    private final Map<String, Object> tree;

    private TerraformConfiguration(Path directory, Map<Path, String> sources, Map<String, Object> variableDeclarations, Map<String, Object> tree) {
        this.directory = requireNonNull(directory, "directory is null");
        this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        this.variableDeclarations = requireNonNull(variableDeclarations, "variableDeclarations is null");
        this.tree = requireNonNull(tree, "tree is null");
    }

    /** The directory's configuration with every variable at its default, and {@code inputs} on top. */
    public static TerraformConfiguration load(Path directory, Map<String, ?> inputs) {
        Map<Path, String> sources = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".tf")).sorted().toList()) {
                sources.put(file, Files.readString(file));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not read " + directory, e);
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("No .tf files in " + directory);
        }
        String text = String.join("\n", sources.values());
        // First pass without inputs: only the variable blocks matter, and their defaults are literals.
        Map<String, Object> declarations = asMap(parse(text, Map.of()).get("variable"));
        Map<String, Object> values = new LinkedHashMap<>();
        declarations.forEach((name, declaration) -> {
            Map<String, Object> block = asMap(declaration);
            if (block.containsKey("default")) {
                values.put(name, normalize(block.get("default")));
            }
        });
        inputs.forEach((name, value) -> values.put(name, normalize(value)));
        return new TerraformConfiguration(directory, sources, declarations, parse(text, values));
    }

    /** Values of a {@code .tfvars} file (HCL attributes), numbers as whole numbers where they are. */
    public static Map<String, Object> readVariables(Path file) {
        try {
            Map<String, Object> values = new LinkedHashMap<>();
            parse(Files.readString(file), Map.of()).forEach((name, value) -> values.put(name, normalize(value)));
            return values;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }

    public Path directory() {
        return directory;
    }

    public Map<Path, String> sources() {
        return sources;
    }

    /** Declared variables by name, each the map of its block (type, description, default, validation). */
    public Map<String, Object> variables() {
        return variableDeclarations;
    }

    /** Resources of one type by name; empty when there are none. */
    public Map<String, Object> resources(String type) {
        return asMap(asMap(tree.get("resource")).get(type));
    }

    /** The environment of the Lambda function resource {@code name} as the runtime would hand it over: strings. */
    public Map<String, String> functionEnvironment(String name) {
        List<Map<String, Object>> environment = blocks(resource("aws_lambda_function", name), "environment");
        if (environment.size() != 1) {
            throw new AssertionError("aws_lambda_function." + name + " must have one environment block, has " + environment.size());
        }
        Map<String, String> variables = new LinkedHashMap<>();
        asMap(environment.get(0).get("variables")).forEach((variable, value) -> variables.put(variable, value == null ? "" : String.valueOf(value)));
        return variables;
    }

    public Map<String, Object> resource(String type, String name) {
        return Optional.ofNullable(resources(type).get(name)).map(TerraformConfiguration::asMap)
                .orElseThrow(() -> new AssertionError("No resource " + type + "." + name + " in " + directory));
    }

    /** Every resource block: type, then name, then its attributes. */
    public Map<String, Object> allResources() {
        return asMap(tree.get("resource"));
    }

    /** Data sources of one type by name; empty when there are none. */
    public Map<String, Object> data(String type) {
        return asMap(asMap(tree.get("data")).get(type));
    }

    /** Module calls by name. */
    public Map<String, Object> modules() {
        return asMap(tree.get("module"));
    }

    /** Every local value by name, whichever {@code locals} block defines it. */
    public Map<String, Object> locals() {
        Map<String, Object> locals = new LinkedHashMap<>();
        blockList(tree.get("locals")).forEach(locals::putAll);
        return locals;
    }

    public Object local(String name) {
        Map<String, Object> locals = locals();
        if (!locals.containsKey(name)) {
            throw new AssertionError("No local." + name + " in " + directory);
        }
        return locals.get(name);
    }

    /** The value as a string, or null; a reference to a local is followed to the local's value, which the parser leaves unresolved. */
    public String resolved(Object value) {
        if (value != null && String.valueOf(value).startsWith("local.")) {
            return resolved(local(String.valueOf(value).substring("local.".length())));
        }
        return value == null ? null : String.valueOf(value);
    }

    /** Every value of the resources, locals and outputs that contains {@code text}, each as {@code path = value}. */
    public List<String> valuesContaining(String text) {
        List<String> found = new ArrayList<>();
        collectValuesContaining("resource", allResources(), text, found);
        collectValuesContaining("locals", locals(), text, found);
        collectValuesContaining("output", outputs(), text, found);
        return found;
    }

    private static void collectValuesContaining(String path, Object value, String text, List<String> found) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> collectValuesContaining(path + "." + key, item, text, found));
        }
        else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectValuesContaining(path + "[" + i + "]", list.get(i), text, found);
            }
        }
        else if (value != null && String.valueOf(value).contains(text)) {
            found.add(path + " = " + value);
        }
    }

    /** The {@code required_providers} entries of the {@code terraform} block by local name (source, version). */
    public Map<String, Object> requiredProviders() {
        Map<String, Object> providers = new LinkedHashMap<>();
        for (Map<String, Object> terraform : blockList(tree.get("terraform"))) {
            for (Map<String, Object> required : blockList(terraform.get("required_providers"))) {
                providers.putAll(required);
            }
        }
        return providers;
    }

    /** The provider block of {@code name} (the default configuration; aliases are not used here). */
    public Map<String, Object> provider(String name) {
        return Optional.ofNullable(asMap(tree.get("provider")).get(name)).map(TerraformConfiguration::asMap)
                .orElseThrow(() -> new AssertionError("No provider " + name + " in " + directory));
    }

    /** Output blocks by name, each the map of its block (description, value). */
    public Map<String, Object> outputs() {
        return asMap(tree.get("output"));
    }

    /** The nested blocks of one kind under a block (a single block parses as a map, several as a list). */
    public static List<Map<String, Object>> blocks(Map<String, Object> parent, String kind) {
        return blockList(parent.get(kind));
    }

    /**
     * The nested blocks of one kind, including the content of {@code dynamic} blocks of that kind
     * (whatever their for_each holds, so a rule also sees what only some inputs switch on).
     */
    public static List<Map<String, Object>> blocksIncludingDynamic(Map<String, Object> parent, String kind) {
        List<Map<String, Object>> blocks = new ArrayList<>(blocks(parent, kind));
        for (Map<String, Object> dynamic : blocks(parent, "dynamic")) {
            for (Map<String, Object> generator : blockList(dynamic.get(kind))) {
                blocks.addAll(blocks(generator, "content"));
            }
        }
        return blocks;
    }

    /** The generators ({@code for_each} and {@code content}) of the dynamic blocks of one kind. */
    public static List<Map<String, Object>> dynamicBlocks(Map<String, Object> parent, String kind) {
        List<Map<String, Object>> generators = new ArrayList<>();
        for (Map<String, Object> dynamic : blocks(parent, "dynamic")) {
            generators.addAll(blockList(dynamic.get(kind)));
        }
        return generators;
    }

    /** A list attribute as strings; a single value as a one-element list; absent as empty. */
    public static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> asMap(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new AssertionError("Expected a block, got " + value.getClass().getSimpleName() + ": " + value);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> blockList(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Map<?, ?> map) {
            return List.of((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(TerraformConfiguration::asMap).toList();
        }
        throw new AssertionError("Expected blocks, got " + value.getClass().getSimpleName() + ": " + value);
    }

    private static Map<String, Object> parse(String text, Map<String, Object> variables) {
        HCLParser parser = new HCLParser();
        parser.setVariables(new LinkedHashMap<>(variables));
        try {
            return parser.parse(text);
        }
        catch (HCLParserException | IOException e) {
            throw new IllegalStateException("Could not parse Terraform: " + e.getMessage(), e);
        }
    }

    /** hcl4j reads every number as a double: 100000 would reach the environment as "100000.0". */
    private static Object normalize(Object value) {
        if (value instanceof Double number && number == Math.rint(number) && !Double.isInfinite(number) && Math.abs(number) < 1e15) {
            return number.longValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> normalized = new LinkedHashMap<>();
            map.forEach((key, item) -> normalized.put(key, normalize(item)));
            return normalized;
        }
        if (value instanceof List<?> list) {
            return new ArrayList<>(list.stream().map(TerraformConfiguration::normalize).toList());
        }
        return value;
    }

    @Override
    public String toString() {
        return directory + " " + sources.keySet().stream().map(path -> path.getFileName().toString()).collect(joining(", ", "[", "]"));
    }
}
