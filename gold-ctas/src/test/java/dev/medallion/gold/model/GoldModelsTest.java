package dev.medallion.gold.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldModelsTest {
    private final GoldModels models = new GoldModels("models", GoldModelsTest.class.getClassLoader());

    @Test
    void readsTheListedModelsWithTheirSettings() {
        List<GoldModel> all = models.all();

        assertEquals(1, all.size());
        GoldModel model = all.get(0);
        assertEquals("daily_revenue", model.name());
        assertEquals("Revenue per day", model.description());
        assertEquals(List.of("sale_date"), model.partitionedBy());
        assertEquals(List.of("sales"), model.sources());
        assertTrue(model.select().startsWith("SELECT region"), model.select());
        assertTrue(model.select().endsWith("CAST(\"timestamp\" AS DATE)"), "the trailing semicolon is dropped: " + model.select());
        assertTrue(model.select("lake_silver").contains("FROM lake_silver.sales"));
    }

    @Test
    void namedModelsMustExist() {
        assertEquals("daily_revenue", models.named(List.of("daily_revenue")).get(0).name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> models.named(List.of("weekly")));
        assertEquals("Unknown gold model 'weekly'; known models: [daily_revenue]", e.getMessage());
    }

    @Test
    void rejectsWhatWouldFailLater() {
        assertEquals("gold/x.sql: unknown setting 'partition'; known settings: [description, partitioned_by, sources]",
                assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x", "-- partition: d\nSELECT 1 FROM ${silver_database}.t")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x", "-- sources: t\nSELECT 1 FROM silver.t"))
                .getMessage().contains("name them as ${silver_database}.<table>"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x", "-- description: d\nSELECT 1 FROM ${silver_database}.t"))
                .getMessage().contains("names no sources"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x", "-- sources: t\n"))
                .getMessage().contains("holds no SELECT"));
    }

    /** The sources are what rebuilds a model: a table read but not listed, or listed but not read, would leave it stale silently. */
    @Test
    void theSourcesAreExactlyTheSilverTablesTheSelectReads() {
        assertEquals("Gold model x reads [customers] without listing them in '-- sources:': it would not be rebuilt when they change",
                assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x",
                        "-- sources: sales\nSELECT 1 FROM ${silver_database}.sales JOIN ${silver_database}.\"customers\" USING (id)")).getMessage());
        assertEquals("Gold model x lists source 'Sales': sources are silver dataset names, lowercase [a-z0-9_]",
                assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x", "-- sources: Sales\nSELECT 1 FROM ${silver_database}.sales")).getMessage());
        assertEquals("Gold model x lists [products] in '-- sources:' but reads no ${silver_database}.products",
                assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x", "-- sources: sales, products\nSELECT 1 FROM ${silver_database}.sales")).getMessage());
        assertEquals("Gold model x holds ${silver_databse}: the only placeholder is ${silver_database}",
                assertThrows(IllegalArgumentException.class, () -> GoldModels.parse("x",
                        "-- sources: sales\nSELECT 1 FROM ${silver_database}.sales JOIN ${silver_databse}.products USING (id)")).getMessage());
        assertEquals(List.of("sales"), GoldModels.parse("x", "-- sources: sales\nSELECT 1 FROM ${silver_database}.Sales").sources(), "Athena's names are not case-sensitive");
        // Comments and string literals are not reads; a quoted placeholder is one.
        assertEquals(List.of("sales"), GoldModels.parse("x", "-- sources: sales\nSELECT 'see ${silver_database}.old_sales', 'it''s' AS n\n"
                + "FROM \"${silver_database}\".\"sales\" -- JOIN ${silver_database}.returns USING (id)\n/* ${silver_database}.archive */").sources());
    }

    @Test
    void commentsAndStringsAreBlankedButQuotedIdentifiersStay() {
        assertEquals("SELECT '' AS a, \"b\"\"c\" FROM t  \n ", GoldModel.withoutCommentsAndStrings("SELECT 'x''y' AS a, \"b\"\"c\" FROM t -- c\n/* d */"));
        assertEquals("SELECT ''", GoldModel.withoutCommentsAndStrings("SELECT 'unterminated"));
    }
}
