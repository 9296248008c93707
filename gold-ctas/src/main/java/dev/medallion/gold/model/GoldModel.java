package dev.medallion.gold.model;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
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
 * @param file where the model was read from, for people: a path ({@code /models/top_products.sql}) or a jar's
 *        entry ({@code gold/top_products.sql in /path/app.jar}); empty for a model not read from a file
 * @param selectLine the line of {@code file} the SELECT starts on, after the header: what turns a line of the
 *        SELECT, as a SQL engine counts it, into a line of the file a person edits
 */
public record GoldModel(String name, String description, List<String> partitionedBy, List<String> sources, String select, String file, int selectLine) {
    /** Where a model names the silver database; Athena's database name depends on the deployment. */
    public static final String SILVER_DATABASE = "${silver_database}";

    /** A model's name, which is also its file's: no '#', so a '#' in models.list always starts a comment. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    /** A silver dataset's name, as the converter makes it (SilverLayout.datasetName): the manifests' folder. */
    private static final Pattern SOURCE = Pattern.compile("[a-z_][a-z0-9_]*");
    /** {@code ${silver_database}.sales}, the placeholder or the table quoted or not. */
    private static final Pattern SILVER_TABLE = Pattern.compile("\"?" + Pattern.quote(SILVER_DATABASE) + "\"?\\.\"?([A-Za-z0-9_]+)\"?");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[^}]*}");

    public GoldModel {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        partitionedBy = List.copyOf(partitionedBy);
        sources = List.copyOf(sources);
        requireNonNull(select, "select is null");
        requireNonNull(file, "file is null");
        if (selectLine < 1) {
            throw new IllegalArgumentException("Gold model " + name + ": selectLine " + selectLine + " is not a line number (1 or more)");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Gold model name '" + name + "' must be lowercase [a-z0-9_], starting with a letter");
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("Gold model " + name + " names no sources: list the silver tables it reads in '-- sources:'");
        }
        if (!select.contains(SILVER_DATABASE)) {
            throw new IllegalArgumentException("Gold model " + name + " reads no silver table: name them as " + SILVER_DATABASE + ".<table>");
        }
        checkSources(name, sources, select);
    }

    /** A model not read from a file: its SELECT's lines are its own. */
    public GoldModel(String name, String description, List<String> partitionedBy, List<String> sources, String select) {
        this(name, description, partitionedBy, sources, select, "", 1);
    }

    /**
     * Where a line of the SELECT, as a SQL engine counts it (1 = its first), is for a person: the model's file
     * and the line in it ({@code /models/top_products.sql:5}, {@code gold/top_products.sql:5 in /path/app.jar}),
     * or, for a model not read from a file, {@code line 5 of its SELECT}.
     */
    public String position(int line) {
        return position(line, "");
    }

    /** As {@link #position(int)}, with the column ({@code /models/top_products.sql:5:12}). */
    public String position(int line, int column) {
        return position(line, ":" + column);
    }

    private String position(int line, String column) {
        if (file.isEmpty()) {
            return "line " + line + column + " of its SELECT";
        }
        String at = ":" + (selectLine + line - 1) + column;
        // A jar's entry reads "gold/x.sql in /path/app.jar": the line goes after the entry's name, not the jar's.
        int inJar = file.indexOf(".sql in ");
        return inJar < 0 ? file + at : file.substring(0, inJar + ".sql".length()) + at + file.substring(inJar + ".sql".length());
    }

    /**
     * The sources are what the builder fingerprints: a table read but not listed would never rebuild the
     * model when it changes, and a source listed but not read (a typo, a capital letter) fingerprints a
     * folder the converter never writes. Both would leave the model stale without an error.
     */
    private static void checkSources(String name, List<String> sources, String select) {
        for (String source : sources) {
            if (!SOURCE.matcher(source).matches()) {
                throw new IllegalArgumentException("Gold model " + name + " lists source '" + source + "': sources are silver dataset names, lowercase [a-z0-9_]");
            }
        }
        String code = withoutCommentsAndStrings(select);
        Matcher placeholder = PLACEHOLDER.matcher(code);
        while (placeholder.find()) {
            if (!placeholder.group().equals(SILVER_DATABASE)) {
                throw new IllegalArgumentException("Gold model " + name + " holds " + placeholder.group() + ": the only placeholder is " + SILVER_DATABASE);
            }
        }
        Set<String> read = new TreeSet<>();
        Matcher table = SILVER_TABLE.matcher(code);
        while (table.find()) {
            read.add(table.group(1).toLowerCase(Locale.ROOT));
        }
        Set<String> unlisted = new TreeSet<>(read);
        unlisted.removeAll(sources);
        Set<String> unread = new TreeSet<>(sources);
        unread.removeAll(read);
        if (!unlisted.isEmpty() && !unread.isEmpty()) {
            // A table misspelt in the SELECT alone (stores_uk for a listed stores_eu) is both: the header is then right.
            throw new IllegalArgumentException("Gold model " + name + " reads " + unlisted + " without listing them in '-- sources:', which lists "
                    + unread + " that it does not read: correct the table's name in the SELECT if it is a typo of a listed source; else make"
                    + " '-- sources:' list exactly the silver tables the SELECT reads");
        }
        if (!unlisted.isEmpty()) {
            throw new IllegalArgumentException("Gold model " + name + " reads " + unlisted + " without listing them in '-- sources:': it would not be"
                    + " rebuilt when they change; add them to its '-- sources:' line");
        }
        if (!unread.isEmpty()) {
            throw new IllegalArgumentException("Gold model " + name + " lists " + unread + " in '-- sources:' but reads no " + SILVER_DATABASE + "."
                    + String.join(", no " + SILVER_DATABASE + ".", unread));
        }
    }

    /**
     * The SQL with its comments ({@code --} to the line's end, {@code /* *}{@code /}) and string literals
     * ({@code '...'}, {@code ''} inside) blanked, so that a commented-out join or a table named in a string
     * is not taken for a read. Quoted identifiers ({@code "..."}) stay.
     */
    static String withoutCommentsAndStrings(String sql) {
        StringBuilder code = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '-' && sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? sql.length() : end;
                code.append(' ');
            }
            else if (c == '/' && sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? sql.length() : end + 2;
                code.append(' ');
            }
            else if (c == '\'' || c == '"') {
                // A literal or a quoted identifier runs to its closing quote; a doubled quote stays inside.
                int end = i + 1;
                while (end < sql.length() && (sql.charAt(end) != c || end + 1 < sql.length() && sql.charAt(end + 1) == c)) {
                    end += sql.charAt(end) == c ? 2 : 1;
                }
                end = Math.min(end + 1, sql.length());
                code.append(c == '"' ? sql.substring(i, end) : "''");
                i = end;
            }
            else {
                code.append(c);
                i++;
            }
        }
        return code.toString();
    }

    /** The SELECT with the silver database's real name in place. */
    public String select(String silverDatabase) {
        requireNonNull(silverDatabase, "silverDatabase is null");
        return select.replace(SILVER_DATABASE, silverDatabase);
    }
}
