package dev.medallion.local.gold;

/** Quoting for the SQL the runner writes around the models (DuckDB's dialect). */
final class Sql {
    private Sql() {}

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
