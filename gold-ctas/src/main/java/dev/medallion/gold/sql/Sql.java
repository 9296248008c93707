package dev.medallion.gold.sql;

import static java.util.Objects.requireNonNull;

/**
 * Quoting for the SQL the gold builder writes. Everything it puts into a statement that does not come
 * from a model file goes through here: names in double quotes, text in single quotes, each with its
 * quote character doubled, which is how Trino (Athena engine 3) escapes them.
 */
public final class Sql {
    private Sql() {}

    /** {@code "name"}: any name, reserved words and odd characters included. */
    public static String identifier(String name) {
        requireNonNull(name, "name is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("An SQL identifier cannot be empty");
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** {@code "database"."table"}. */
    public static String qualified(String database, String table) {
        return identifier(database) + "." + identifier(table);
    }

    /** {@code 'text'}, with single quotes doubled. */
    public static String string(String text) {
        requireNonNull(text, "text is null");
        return "'" + text.replace("'", "''") + "'";
    }
}
