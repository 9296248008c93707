package dev.medallion.infrastructure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

/**
 * The Inputs and Outputs tables of terraform/README.md, held against the module they describe. A reader
 * chooses settings from the table, not from variables.tf: a default or type that drifted there is a
 * deployment other than the one the reader meant, and a missing row an input nobody finds.
 */
final class ReadmeTables {
    private static final Pattern VARIABLE_BLOCK = Pattern.compile("(?ms)^variable\\s+\"(\\w+)\"\\s*\\{(.*?)^}");
    private static final Pattern TYPE_LINE = Pattern.compile("(?m)^\\s*type\\s*=\\s*(.+?)\\s*$");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private ReadmeTables() {}

    /**
     * Rows of the Inputs table that disagree with the module's variables: a variable without a row, a row
     * without a variable, another type, or another default. A type is written as declared, an object's
     * attributes left out ({@code list(object({...}))} is {@code list(object)}); a default as HCL writes it,
     * {@code (required)} for none. A default that is a list of objects is described in words, not checked.
     */
    static List<String> inputViolations(TerraformConfiguration module, String readme) {
        requireNonNull(module, "module is null");
        requireNonNull(readme, "readme is null");
        Map<String, List<String>> rows = tableRows(readme, "## Inputs");
        Map<String, String> declaredTypes = declaredTypes(module);
        List<String> violations = new ArrayList<>();
        module.variables().forEach((name, declaration) -> {
            List<String> row = rows.get(name);
            if (row == null) {
                violations.add("variable " + name + " (variables.tf) has no row in terraform/README.md's Inputs table: add one with its type, default and meaning");
                return;
            }
            if (row.size() < 4) {
                violations.add("Inputs row of " + name + " has " + row.size() + " cells, not Name | Type | Default | Meaning");
                return;
            }
            String declaredType = readmeType(declaredTypes.getOrDefault(name, "(no type)"));
            String documentedType = unquoted(row.get(1));
            if (!declaredType.equals(documentedType)) {
                violations.add("Inputs row of " + name + " says type " + documentedType + ", variables.tf declares " + declaredType + ": correct the row");
            }
            Map<String, Object> block = TerraformConfiguration.asMap(declaration);
            Object value = block.containsKey("default") ? whole(block.get("default")) : null;
            if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?>) {
                return;
            }
            String declaredDefault = block.containsKey("default") ? hcl(value) : "(required)";
            String documentedDefault = unquoted(row.get(2));
            if (!declaredDefault.equals(documentedDefault)) {
                violations.add("Inputs row of " + name + " says default " + documentedDefault + ", variables.tf declares " + declaredDefault + ": correct the row");
            }
        });
        Set<String> undeclared = new TreeSet<>(rows.keySet());
        undeclared.removeAll(module.variables().keySet());
        undeclared.forEach(name -> violations.add("Inputs row " + name + " names no variable of variables.tf: remove the row, or correct its name"));
        return violations;
    }

    /** Names of the Outputs table (a row may name several) that outputs.tf lacks, and outputs it has no row for. */
    static List<String> outputViolations(TerraformConfiguration module, String readme) {
        requireNonNull(module, "module is null");
        requireNonNull(readme, "readme is null");
        Set<String> documented = new TreeSet<>();
        tableRows(readme, "## Outputs").values().forEach(row -> {
            Matcher names = CODE.matcher(row.get(0));
            while (names.find()) {
                documented.add(names.group(1));
            }
        });
        List<String> violations = new ArrayList<>();
        new TreeSet<>(module.outputs().keySet()).stream()
                .filter(name -> !documented.contains(name))
                .forEach(name -> violations.add("output " + name + " (outputs.tf) has no row in terraform/README.md's Outputs table: add one saying what it holds"));
        documented.stream()
                .filter(name -> !module.outputs().containsKey(name))
                .forEach(name -> violations.add("Outputs row names " + name + ", which outputs.tf does not declare: remove it, or correct its name"));
        return violations;
    }

    /**
     * The rows of the first table after {@code heading} in a Markdown text, by the code in their first cell
     * (the name), each its cells; the docs' other tables of settings are read the same way.
     */
    static Map<String, List<String>> tableRows(String markdown, String heading) {
        String text = "\n" + requireNonNull(markdown, "markdown is null");
        int start = text.indexOf("\n" + requireNonNull(heading, "heading is null") + "\n");
        if (start < 0) {
            throw new IllegalArgumentException("no heading '" + heading + "' in the document: the contract test reads its table from there");
        }
        Map<String, List<String>> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : text.substring(start + heading.length() + 2).split("\n", -1)) {
            if (line.startsWith("## ")) {
                break;
            }
            if (!line.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            inTable = true;
            List<String> cells = cells(line);
            Matcher name = CODE.matcher(cells.get(0));
            if (name.find()) {
                rows.put(name.group(1), cells);
            }
        }
        return rows;
    }

    /** A table line's cells, trimmed; a {@code |} inside backticks belongs to its cell. */
    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean inCode = false;
        for (int i = 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '`') {
                inCode = !inCode;
            }
            if (c == '|' && !inCode) {
                cells.add(cell.toString().trim());
                cell.setLength(0);
            }
            else {
                cell.append(c);
            }
        }
        return cells;
    }

    /** Each variable's type as the source writes it (hcl4j does not keep type expressions as text). */
    private static Map<String, String> declaredTypes(TerraformConfiguration module) {
        Map<String, String> types = new LinkedHashMap<>();
        for (String source : module.sources().values()) {
            Matcher block = VARIABLE_BLOCK.matcher(source);
            while (block.find()) {
                Matcher type = TYPE_LINE.matcher(block.group(2));
                if (type.find()) {
                    types.put(block.group(1), type.group(1));
                }
            }
        }
        return types;
    }

    /** {@code list(object({ days = number }))} as the README writes it: {@code list(object)}. */
    private static String readmeType(String declared) {
        int attributes = declared.indexOf("({");
        if (attributes < 0) {
            return declared;
        }
        String head = declared.substring(0, attributes);
        long open = head.chars().filter(c -> c == '(').count() - head.chars().filter(c -> c == ')').count();
        return head + ")".repeat((int) open);
    }

    private static String unquoted(String cell) {
        return cell.startsWith("`") && cell.endsWith("`") && cell.length() >= 2 ? cell.substring(1, cell.length() - 1) : cell;
    }

    /** hcl4j reads every number as a double; the README writes whole numbers as whole. */
    private static Object whole(Object value) {
        if (value instanceof Double number && number == Math.rint(number) && !Double.isInfinite(number)) {
            return number.longValue();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ReadmeTables::whole).toList();
        }
        return value;
    }

    /** A default as HCL writes it. */
    private static String hcl(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String text) {
            return "\"" + text + "\"";
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ReadmeTables::hcl).collect(joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> map && map.isEmpty()) {
            return "{}";
        }
        return String.valueOf(value);
    }
}
