package dev.medallion.silver.csv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DelimiterDetectorTest {

    /** Joins {@code lines} with the delimiter replacing every {@code ~}. */
    private static String file(char delimiter, String... lines) {
        return (String.join("\n", lines) + "\n").replace('~', delimiter);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(chars = {',', ';', '\t', '|'})
    void detectsEachCandidate(char delimiter) {
        String sample = file(delimiter,
                "id~name~amount",
                "1~alice~10",
                "2~bob~20");
        assertEquals(delimiter, DelimiterDetector.detect(sample));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(chars = {',', ';', '\t', '|'})
    void detectsEachCandidateWithCrlfLineEndings(char delimiter) {
        String sample = file(delimiter, "id~name~amount", "1~alice~10", "2~bob~20").replace("\n", "\r\n");
        assertEquals(delimiter, DelimiterDetector.detect(sample));
    }

    /** Legacy extracts end every line, the header's too, with the delimiter: it is counted once more on every line, alike. */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(chars = {',', ';', '\t', '|'})
    void detectsEachCandidateEndingEveryLine(char delimiter) {
        String sample = file(delimiter, "id~name~amount~", "1~alice~10~", "2~bob~20~", "3~carol~~");
        assertEquals(delimiter, DelimiterDetector.detect(sample));
    }

    /** A semicolon extract with decimal commas and a comma in its header, every line ended by ';'. */
    @Test
    void semicolonFileEndingEveryLineWithDecimalCommas() {
        String sample = """
                id;Price, EUR;qty;
                1;12,50;3;
                2;3,75;1;
                """;
        assertEquals(';', DelimiterDetector.detect(sample));
    }

    @Test
    void semicolonFileWithCommasInQuotedTextAndDecimalCommas() {
        String sample = """
                id;payment;amount;note
                1;"Card, contactless";12,50;"a, b, c"
                2;Cash;3,75;"x, y, z, w"
                3;"Card, chip";100,00;plain
                """;
        assertEquals(';', DelimiterDetector.detect(sample));
    }

    @Test
    void commaFileWithSemicolonsAndPipesInsideQuotes() {
        String sample = """
                id,comment,tags
                1,"a;b;c;d;e",x|y
                2,"f;g;h;i;j","p|q|r|s"
                """;
        assertEquals(',', DelimiterDetector.detect(sample));
    }

    @Test
    void tabFileWithCommasAndSemicolonsInUnquotedText() {
        String sample = "name\tcity\tnote\n"
                + "Dupont, Jean\tParis\tok; fine\n"
                + "Müller\tBerlin, DE\tyes\n";
        assertEquals('\t', DelimiterDetector.detect(sample));
    }

    @Test
    void pipeFileWithCommaInQuotedHeaderAndRows() {
        String sample = """
                "id"|"amount, eur"|"label"
                "1"|"3,5"|"a, b"
                "2"|"4,25"|"c, d, e"
                """;
        assertEquals('|', DelimiterDetector.detect(sample));
    }

    @Test
    void quotedFieldsSpanningLinesDoNotBreakTheCount() {
        String sample = "id;text;n\n"
                + "1;\"first line, with comma\nsecond; line\";5\n"
                + "2;\"x\";6\n";
        assertEquals(';', DelimiterDetector.detect(sample));
    }

    @Test
    void doubledQuotesInsideQuotedFieldsKeepTheQuoteStateRight() {
        String sample = "a|b\n"
                + "\"he said \"\"hi, there\"\"\"|2\n"
                + "\"x\"|3\n";
        assertEquals('|', DelimiterDetector.detect(sample));
    }

    @Test
    void agreementWithFollowingLinesBeatsMoreHeaderFields() {
        // The header has more commas than semicolons, but only the semicolon splits the rows the same way.
        String sample = """
                id;a,b,c,d;total
                1;x;2
                2;y;3
                3;z;4
                """;
        assertEquals(';', DelimiterDetector.detect(sample));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(chars = {',', ';', '\t', '|'})
    void headerOnlySample(char delimiter) {
        assertEquals(delimiter, DelimiterDetector.detect(file(delimiter, "id~name~amount")));
        assertEquals(delimiter, DelimiterDetector.detect("id~name~amount".replace('~', delimiter)));
    }

    @Test
    void singleColumnFallsBackToComma() {
        assertEquals(',', DelimiterDetector.detect("name\nalice\nbob\n"));
        assertEquals(',', DelimiterDetector.detect("name"));
    }

    /** A candidate only the header holds would split the header alone, and every row would be refused for its field count. */
    @Test
    void aCandidateOnlyTheHeaderHoldsIsNoDelimiter() {
        assertEquals(',', DelimiterDetector.detect("Customer\t\nAlice\nBob\nCarol\n"));
        assertEquals(',', DelimiterDetector.detect("Amount (EUR; net)\n12.5\n7\n"));
        assertEquals(',', DelimiterDetector.detect("name|\nalice\nbob\n"));
        // A ragged file still splits where its lines do, even if none agrees with the header's count.
        assertEquals(';', DelimiterDetector.detect("a;b;c\n1;x\n"));
        // Rows each quoted whole hold the header's delimiter inside their quotes: it stays the delimiter, so that
        // they are refused as rows of one field rather than read as a file of one column.
        assertEquals(';', DelimiterDetector.detect("id;name\n\"1;Alice\"\n\"2;Bob\"\n"));
        // A delimiter the header holds and the data holds is chosen over one the header alone holds more of.
        assertEquals(',', DelimiterDetector.detect("id,note;;;;\n1,x\n"));
    }

    @Test
    void emptyOrBlankSampleFallsBackToComma() {
        assertEquals(',', DelimiterDetector.detect(""));
        assertEquals(',', DelimiterDetector.detect("\n\r\n\n"));
    }

    @Test
    void blankLinesBetweenRowsAreIgnored() {
        String sample = "a;b;c\n\n\n1;2;3\r\n\r\n4;5;6\n";
        assertEquals(';', DelimiterDetector.detect(sample));
    }

    @Test
    void lastLineCutByTheSampleDoesNotVote() {
        // A 64 KiB sample usually ends mid-line; the partial line must not count against the real delimiter.
        String sample = "a|b|c\n1|2|3\n4|5|6\n7|8";
        assertEquals('|', DelimiterDetector.detect(sample));
    }

    @Test
    void onlyTheFirstLinesAreConsidered() {
        StringBuilder sample = new StringBuilder("a;b;c\n");
        for (int i = 0; i < 30; i++) {
            sample.append("1;2;3\n");
        }
        // Lines past the first twenty are noise the detector never sees.
        for (int i = 0; i < 100; i++) {
            sample.append("x,y,z,w,v,u\n");
        }
        assertEquals(';', DelimiterDetector.detect(sample));
    }

    /**
     * A semicolon export whose header holds one unquoted comma ("Price, EUR") and whose rows each hold one
     * decimal comma splits consistently on both. Read with the comma, every row was written split in the
     * wrong place ('Widget;1' | '50'), and nothing was quarantined.
     */
    @Test
    void semicolonAndCommaTiedOnEveryLineIsNotReadAsComma() {
        String sample = """
                Name;Price, EUR
                Widget;1,50
                Gadget;2,75
                Thing;3,00
                """;
        assertEquals(';', DelimiterDetector.detect(sample));
    }
}
