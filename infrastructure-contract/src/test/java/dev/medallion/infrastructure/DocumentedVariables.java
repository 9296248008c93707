package dev.medallion.infrastructure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A document's table of environment variables (docs/configuration.md, gold-ctas/README.md), held against
 * the names the code reads and its defaults: an operator sets what the table names, so a name the code
 * does not read is a setting that silently does nothing, and a default that drifted misleads the tuning.
 */
final class DocumentedVariables {
    private static final Pattern FIRST_CODE = Pattern.compile("`([^`]+)`");

    private DocumentedVariables() {}

    /**
     * Variables the code reads that the table lacks, rows naming a variable the code does not read, and
     * rows whose default (the first code in the Default cell, a whole number) differs from {@code defaults}.
     */
    static List<String> violations(String document, Map<String, List<String>> rows, Set<String> readByCode, Map<String, Long> defaults) {
        requireNonNull(document, "document is null");
        requireNonNull(rows, "rows is null");
        requireNonNull(readByCode, "readByCode is null");
        requireNonNull(defaults, "defaults is null");
        List<String> violations = new ArrayList<>();
        new TreeSet<>(readByCode).stream()
                .filter(name -> !rows.containsKey(name))
                .forEach(name -> violations.add(document + " has no row for " + name + ", which the code reads: add one with its default and meaning"));
        rows.keySet().stream()
                .filter(name -> !readByCode.contains(name))
                .forEach(name -> violations.add(document + " has a row for " + name + ", which the code does not read: remove it, or correct its name"));
        defaults.forEach((name, value) -> {
            List<String> row = rows.get(name);
            if (row == null) {
                return;
            }
            Matcher code = FIRST_CODE.matcher(row.size() > 1 ? row.get(1) : "");
            String documented = code.find() ? code.group(1) : "(none)";
            if (!documented.equals(String.valueOf(value))) {
                violations.add(document + " says " + name + " defaults to " + documented + ", the code's default is " + value + ": correct the row");
            }
        });
        return violations;
    }
}
