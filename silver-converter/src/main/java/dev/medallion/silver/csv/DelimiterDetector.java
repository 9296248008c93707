package dev.medallion.silver.csv;

/**
 * Chooses the delimiter among comma, semicolon, tab and pipe from the first lines of a file: the one
 * that splits the header into the most fields and splits the following lines the same way. Quoted
 * text is ignored, so {@code "Card, contactless"} does not vote for the comma. A candidate found in the
 * header but in none of the following lines is no delimiter; with none left, the comma is.
 */
public final class DelimiterDetector {
    static final char[] CANDIDATES = {',', ';', '\t', '|'};
    private static final int MAX_LINES = 20;

    private DelimiterDetector() {}

    public static char detect(CharSequence sample) {
        int[][] counts = countPerLine(sample);
        int lines = 0;
        while (lines < MAX_LINES && counts[lines] != null) {
            lines++;
        }
        if (lines == 0) {
            return ',';
        }
        char best = ',';
        long bestScore = 0;
        for (int c = 0; c < CANDIDATES.length; c++) {
            int header = counts[0][c];
            if (header == 0) {
                continue;
            }
            int consistent = 0;
            boolean inData = false;
            for (int line = 1; line < lines; line++) {
                if (counts[line][c] == header) {
                    consistent++;
                }
                inData |= counts[line][CANDIDATES.length + c] > 0;
            }
            if (lines > 1 && !inData) {
                // Only the header holds it (a stray trailing tab, "Amount (EUR; net)"): it would split the header
                // alone, and every row would be refused for its field count. A one-column file falls back to ','.
                // Quoted text counts here: rows each quoted whole ("1;Alice") do hold it, and are refused as rows.
                continue;
            }
            // Agreement with the following lines matters more than the number of fields.
            long score = (long) consistent * 10_000 + header;
            // A tie with the comma goes to the other candidate: a file delimited by ';', tab or '|' holds commas as
            // text and decimal commas ("Price, EUR" / "1,50"), while a comma file rarely holds another candidate
            // unquoted as often as the comma on every line.
            if (score > bestScore || (score == bestScore && score > 0 && best == ',')) {
                bestScore = score;
                best = CANDIDATES[c];
            }
        }
        return best;
    }

    /**
     * Delimiter counts for each complete line of the sample (the last, maybe cut, line is left out if others
     * exist): outside quotes at {@code c}, anywhere at {@code CANDIDATES.length + c}.
     */
    private static int[][] countPerLine(CharSequence sample) {
        int[][] counts = new int[MAX_LINES + 1][];
        int line = 0;
        int[] current = new int[2 * CANDIDATES.length];
        boolean quoted = false;
        boolean sawContent = false;
        for (int i = 0; i < sample.length() && line < MAX_LINES; i++) {
            char ch = sample.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
                sawContent = true;
            }
            else if (!quoted && (ch == '\n' || ch == '\r')) {
                if (sawContent) {
                    counts[line++] = current;
                    current = new int[2 * CANDIDATES.length];
                    sawContent = false;
                }
            }
            else {
                sawContent = true;
                for (int c = 0; c < CANDIDATES.length; c++) {
                    if (ch == CANDIDATES[c]) {
                        current[CANDIDATES.length + c]++;
                        if (!quoted) {
                            current[c]++;
                        }
                    }
                }
            }
        }
        if (sawContent && line == 0) {
            counts[line] = current;
        }
        return counts;
    }
}
