package dev.medallion.local.gold;

import dev.medallion.gold.model.GoldModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextComparisonTest {
    /**
     * Each compared text's probe, on a SELECT of several lines: the text typed, its comparison made >= (an IN list
     * replaced whole, up to its closing parenthesis past a comment and a doubled quote), its place the text's own.
     */
    @Test
    void eachComparedTextHasItsProbeAndPlace() throws GoldModelException {
        String select = """
                SELECT a
                FROM ${silver_database}.t
                WHERE b NOT IN ('x', /* ) */ 'it''s')
                  AND c<>'y' AND d BETWEEN 'l' AND 'm' AND upper(e) = f
                """;
        GoldModel model = new GoldModel("m", "", List.of(), List.of("t"), select);

        List<TextComparison> comparisons = TextComparison.in(model.select(), new AthenaCompatibility().checkParses(model));

        String rest = "\n  AND c<>'y' AND d BETWEEN 'l' AND 'm' AND upper(e) = f\n";
        String head = "SELECT a\nFROM silver.t\n";
        assertEquals(List.of(
                new TextComparison("'x'", "x", 3, 17, ""),
                new TextComparison("'it''s'", "it's", 3, 30, ""),
                new TextComparison("'y'", "y", 4, 10, ""),
                new TextComparison("'l'", "l", 4, 28, ""),
                new TextComparison("'m'", "m", 4, 36, "")).stream().map(TextComparisonTest::placed).toList(),
                comparisons.stream().map(TextComparisonTest::placed).toList());
        assertEquals(head + "WHERE b >= CAST('x' AS VARCHAR)" + rest, comparisons.get(0).probe("silver"));
        assertEquals(head + "WHERE b >= CAST('it''s' AS VARCHAR)" + rest, comparisons.get(1).probe("silver"));
        assertEquals(head + "WHERE b NOT IN ('x', /* ) */ 'it''s')\n  AND c>=CAST('y' AS VARCHAR) AND d BETWEEN 'l' AND 'm' AND upper(e) = f\n",
                comparisons.get(2).probe("silver"));
        assertEquals(head + "WHERE b NOT IN ('x', /* ) */ 'it''s')\n  AND c<>'y' AND d BETWEEN CAST('l' AS VARCHAR) AND 'm' AND upper(e) = f\n",
                comparisons.get(3).probe("silver"));
    }

    /** The type is DuckDB's refusal's other side, in either order and in a BETWEEN; any other failure names none. */
    @Test
    void theComparedTypeIsTheOtherSideOfDuckDbsRefusal() {
        assertEquals(Optional.of("DATE"), TextComparison.comparedType("Binder Error: Cannot compare values of type DATE and type VARCHAR - an explicit cast is required"));
        assertEquals(Optional.of("BIGINT"), TextComparison.comparedType("Binder Error: Cannot compare values of type VARCHAR and type BIGINT - an explicit cast is required"));
        assertEquals(Optional.of("TIMESTAMP"),
                TextComparison.comparedType("Binder Error: Cannot mix values of type TIMESTAMP and VARCHAR in BETWEEN clause - an explicit cast is required"));
        assertEquals(Optional.empty(), TextComparison.comparedType("Binder Error: Referenced column \"x\" not found in FROM clause!"));
    }

    private static String placed(TextComparison comparison) {
        return comparison.literal() + " " + comparison.value() + " " + comparison.line() + ":" + comparison.column();
    }
}
