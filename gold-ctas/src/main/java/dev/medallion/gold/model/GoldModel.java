package dev.medallion.gold.model;

import java.util.List;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One gold table: a SELECT over Silver and its settings, read from {@code gold/<name>.sql}.
 *
 * @param name the table's name, the file's name without {@code .sql}
 * @param description what question the table answers
 * @param partitionedBy partition columns; Athena wants them as the SELECT's last columns, in this order
 * @param sources the silver tables the SELECT reads; the model is rebuilt only when one of them changed
 * @param select the SELECT, naming silver tables as {@code ${silver_database}.<table>}
 */
public record GoldModel(String name, String description, List<String> partitionedBy, List<String> sources, String select) {
    /** Where a model names the silver database; Athena's database name depends on the deployment. */
    public static final String SILVER_DATABASE = "${silver_database}";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    public GoldModel {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        partitionedBy = List.copyOf(partitionedBy);
        sources = List.copyOf(sources);
        requireNonNull(select, "select is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Gold model name '" + name + "' must be lowercase [a-z0-9_], starting with a letter");
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("Gold model " + name + " names no sources: list the silver tables it reads in '-- sources:'");
        }
        if (!select.contains(SILVER_DATABASE)) {
            throw new IllegalArgumentException("Gold model " + name + " reads no silver table: name them as " + SILVER_DATABASE + ".<table>");
        }
    }

    /** The SELECT with the silver database's real name in place. */
    public String select(String silverDatabase) {
        requireNonNull(silverDatabase, "silverDatabase is null");
        return select.replace(SILVER_DATABASE, silverDatabase);
    }
}
