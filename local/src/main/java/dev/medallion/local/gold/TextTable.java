package dev.medallion.local.gold;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders rows as an aligned text table, in the style of the Trino and DuckDB command lines. */
public final class TextTable {
    private static final int MAX_WIDTH = 40;

    private TextTable() {}

    public static List<String> render(List<Column> columns, List<List<String>> rows) {
        int count = columns.size();
        int[] widths = new int[count];
        boolean[] numeric = new boolean[count];
        List<List<String>> cells = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            widths[i] = width(columns.get(i).name());
            numeric[i] = isNumeric(columns.get(i).type());
        }
        for (List<String> row : rows) {
            List<String> line = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String cell = cell(row.get(i));
                widths[i] = Math.max(widths[i], width(cell));
                line.add(cell);
            }
            cells.add(line);
        }
        List<String> lines = new ArrayList<>();
        List<String> header = new ArrayList<>();
        List<String> rule = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            header.add(pad(columns.get(i).name(), widths[i], false));
            rule.add("-".repeat(widths[i]));
        }
        lines.add(join(header, " | "));
        lines.add("-" + String.join("-+-", rule));
        for (List<String> line : cells) {
            List<String> padded = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                padded.add(pad(line.get(i), widths[i], numeric[i]));
            }
            lines.add(join(padded, " | "));
        }
        return lines;
    }

    /** One line per value whatever it holds: control characters shown escaped, long text cut. */
    private static String cell(String value) {
        if (value == null) {
            return "NULL";
        }
        String flat = value.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
        if (flat.codePointCount(0, flat.length()) > MAX_WIDTH) {
            flat = flat.substring(0, flat.offsetByCodePoints(0, MAX_WIDTH - 1)) + "…";
        }
        return flat;
    }

    private static boolean isNumeric(String type) {
        String upper = type.toUpperCase(Locale.ROOT);
        return upper.matches("U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|REAL|DECIMAL.*");
    }

    private static String pad(String text, int width, boolean right) {
        String spaces = " ".repeat(width - width(text));
        return right ? spaces + text : text + spaces;
    }

    private static int width(String text) {
        return text.codePointCount(0, text.length());
    }

    private static String join(List<String> parts, String separator) {
        return (" " + String.join(separator, parts)).stripTrailing();
    }
}
