package dev.medallion.local;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule LocalJarIT holds the README's and docs/local.md's example output to. */
class DocumentedOutputTest {
    private static final String DOCUMENT = """
            # Try it

            ```bash
            java -jar local/target/lakehouse-local.jar local --input sample-data --lake ./lake
            ```

            It prints (abridged):

            ```
            Silver: 7 file(s) under …/sample-data into …/lake/silver
              …
            Gold: 4 model(s) on DuckDB v1.5.6 over silver tables sales, into …/lake/gold

            top_products: 40 rows in …/lake/gold/top_products, 0.04 s
            Done in 2.3 s: silver in …/lake/silver, 4 gold tables in …/lake/gold
            ```
            """;

    @Test
    void findsTheBlockAfterTheCommandsOwn() {
        List<String> documented = DocumentedOutput.after(DOCUMENT, "lakehouse-local.jar local --input sample-data");

        assertEquals("Silver: 7 file(s) under …/sample-data into …/lake/silver", documented.get(0));
        assertEquals(6, documented.size(), documented.toString());
    }

    @Test
    void pathsElisionsAndDurationsMatchAnyTextEverythingElseMustBeAsPrinted() {
        List<String> documented = DocumentedOutput.after(DOCUMENT, "lakehouse-local.jar local --input sample-data");
        String printed = """
                Silver: 7 file(s) under /home/ann/repo/sample-data into /tmp/x/lake/silver
                  converted customers/customers.csv into customers: 60 rows read, 60 written, 0 quarantined
                Gold: 4 model(s) on DuckDB v1.5.7 over silver tables sales, into /tmp/x/lake/gold
                top_products: 41 rows in /tmp/x/lake/gold/top_products, 12.5 s
                Done in 13 s: silver in /tmp/x/lake/silver, 4 gold tables in /tmp/x/lake/gold
                """;

        // A dependency bumped (DuckDB) and a count that changed: the document says what is no longer printed.
        assertEquals(List.of(
                "Gold: 4 model(s) on DuckDB v1.5.6 over silver tables sales, into …/lake/gold",
                "top_products: 40 rows in …/lake/gold/top_products, 0.04 s"), DocumentedOutput.missingFrom(documented, printed));
        assertEquals(List.of(), DocumentedOutput.missingFrom(documented, printed.replace("v1.5.7", "v1.5.6").replace("41 rows", "40 rows")));
    }

    @Test
    void aDocumentThatNoLongerShowsTheCommandIsAnErrorNotAPass() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> DocumentedOutput.after("# Nothing\n\n```\nls\n```\n", "lakehouse-local.jar local --input sample-data"));
        assertTrue(missing.getMessage().contains("no code block holds 'lakehouse-local.jar local --input sample-data'"), missing.getMessage());
    }
}
