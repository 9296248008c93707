package dev.medallion.common.layout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentifiersTest {

    @ParameterizedTest(name = "[{index}] ''{0}'' -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Prénom            | prenom
            Café Crème        | cafe_creme
            Ångström          | angstrom
            naïve façade      | naive_facade
            ORDER_ID          | order_id
            OrderId           | orderid
            order id          | order_id
            Amount (EUR)      | amount_eur
            a -- b ..  c      | a_b_c
            a___b             | a_b
            __id__            | id
            '  padded  '      | padded
            1st               | _1st
            2026 sales        | _2026_sales
            123               | _123
            x1                | x1
            """)
    void normalizesToLowercaseAsciiIdentifier(String text, String expected) {
        assertEquals(expected, Identifiers.normalize(text, "fallback"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "!!!", "---", "\t", "€"})
    void returnsFallbackWhenNothingUsableRemains(String text) {
        assertEquals("fallback", Identifiers.normalize(text, "fallback"));
    }

    @Test
    void foldsCompatibilityFormsRatherThanDroppingThem() {
        // The "fi" ligature and full-width letters decompose to plain ASCII under NFKD.
        assertEquals("file", Identifiers.normalize("\uFB01le", "x"));
        assertEquals("abc", Identifiers.normalize("\uFF21\uFF22\uFF23", "x"));
    }

    @Test
    void decomposedAndPrecomposedAccentsGiveTheSameName() {
        String precomposed = "r\u00e9gion";
        String decomposed = "re\u0301gion";
        assertEquals("region", Identifiers.normalize(precomposed, "x"));
        assertEquals(Identifiers.normalize(precomposed, "x"), Identifiers.normalize(decomposed, "x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Prénom", "Amount (EUR)", "1st", "a -- b", "__x__", "Sales Data", "9"})
    void isIdempotent(String text) {
        String once = Identifiers.normalize(text, "fallback");
        assertEquals(once, Identifiers.normalize(once, "other"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Prénom", "Amount (EUR)", "1st", "Ünïcödé Ñame", "  ", "a/b\\c", "日本語 col 2"})
    void resultIsAlwaysAValidUnquotedIdentifier(String text) {
        String name = Identifiers.normalize(text, "column_1");
        assertTrue(name.matches("[a-z_][a-z0-9_]*"), name);
        assertFalse(name.contains("__"), name);
    }

    @Test
    void aNameTheCatalogHoldsIsKeptAsItIs() {
        assertEquals("order_id", Identifiers.fitted("order_id"));
        assertEquals("a".repeat(255), Identifiers.fitted("a".repeat(255)));
    }

    @Test
    void aLongerNameIsCutAndEndsInAHashOfTheWhole() {
        String longName = "quarterly_sales_".repeat(20) + "eu";
        String fitted = Identifiers.fitted(longName);
        assertEquals(Identifiers.MAX_LENGTH, fitted.length(), fitted);
        assertTrue(fitted.matches("[a-z_][a-z0-9_]*"), fitted);
        assertEquals(longName.substring(0, 246) + "_" + Identifiers.sha256Hex(longName).substring(0, 8), fitted);
        assertEquals(fitted, Identifiers.fitted(longName));
        assertFalse(fitted.equals(Identifiers.fitted("quarterly_sales_".repeat(20) + "us")), "names that differ past the cut must stay two names");
    }

    @Test
    void aCutNameDoesNotEndItsKeptPartInUnderscores() {
        String longName = "a".repeat(244) + "__" + "b".repeat(20);
        assertEquals("a".repeat(244) + "_" + Identifiers.sha256Hex(longName).substring(0, 8), Identifiers.fitted(longName));
    }
}
