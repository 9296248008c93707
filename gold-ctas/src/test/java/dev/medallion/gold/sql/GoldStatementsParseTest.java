package dev.medallion.gold.sql;

import dev.medallion.gold.model.GoldModel;
import dev.medallion.gold.model.GoldModels;
import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.Array;
import io.trino.sql.tree.ComparisonExpression;
import io.trino.sql.tree.CreateTableAsSelect;
import io.trino.sql.tree.CreateView;
import io.trino.sql.tree.DecimalLiteral;
import io.trino.sql.tree.DefaultTraversalVisitor;
import io.trino.sql.tree.Expression;
import io.trino.sql.tree.FunctionCall;
import io.trino.sql.tree.GenericLiteral;
import io.trino.sql.tree.Identifier;
import io.trino.sql.tree.InListExpression;
import io.trino.sql.tree.InPredicate;
import io.trino.sql.tree.Insert;
import io.trino.sql.tree.IsNullPredicate;
import io.trino.sql.tree.LogicalExpression;
import io.trino.sql.tree.Property;
import io.trino.sql.tree.QualifiedName;
import io.trino.sql.tree.Query;
import io.trino.sql.tree.QuerySpecification;
import io.trino.sql.tree.SingleColumn;
import io.trino.sql.tree.Statement;
import io.trino.sql.tree.StringLiteral;
import io.trino.sql.tree.Table;
import io.trino.sql.tree.TimestampLiteral;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.medallion.gold.testing.TablesRead.tablesRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every statement the gold builder can send, for every shipped model and for test models covering the
 * builder's cases, parses with Trino's own parser (Athena engine 3 runs Trino), and parses into what it
 * means: the CTAS's table, location and partitions, the INSERT's target, the view's table, and batch
 * predicates whose literals read back as the values Athena returned.
 */
class GoldStatementsParseTest {
    private static final String SILVER = "lake_silver";
    private static final String GOLD = "lake_gold";
    private static final String BUILD = "20260314233000_a1b2c3";
    /** Athena's partition limit is 100: 250 partitions make a CTAS and two INSERTs. */
    private static final int PARTITIONS = 250;

    private final SqlParser parser = new SqlParser();

    static Stream<GoldModel> models() {
        List<GoldModel> all = new ArrayList<>(GoldModels.shipped().all());
        all.addAll(new GoldModels("statement-models/", GoldStatementsParseTest.class.getClassLoader()).all());
        return all.stream();
    }

    @Test
    void theTestModelsCoverEveryCase() {
        List<GoldModel> models = models().toList();
        assertTrue(models.stream().anyMatch(model -> model.partitionedBy().isEmpty()), "an unpartitioned model");
        assertTrue(models.stream().anyMatch(model -> model.partitionedBy().size() == 1), "a model with one partition column");
        assertTrue(models.stream().anyMatch(model -> model.partitionedBy().size() > 1), "a model with several partition columns");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyStatementOfABuildParsesIntoWhatItMeans(GoldModel model) {
        String table = model.name() + "__" + BUILD;
        String location = "s3://gold-bucket/tables/" + model.name() + "/" + BUILD + "/";
        GoldStatements statements = new GoldStatements(model, SILVER, GOLD, table, location);

        assertInstanceOf(Query.class, parse(model.select(SILVER)), "the model's own SELECT");

        CreateTableAsSelect ctas = assertInstanceOf(CreateTableAsSelect.class, parse(statements.createTableAs()));
        assertEquals(QualifiedName.of(GOLD, table), ctas.getName());
        assertCtasProperties(ctas, location, model.partitionedBy());

        CreateView view = assertInstanceOf(CreateView.class, parse(statements.createOrReplaceView()));
        assertTrue(view.isReplace());
        assertEquals(QualifiedName.of(GOLD, model.name()), view.getName());
        QuerySpecification viewBody = assertInstanceOf(QuerySpecification.class, view.getQuery().getQueryBody());
        assertEquals(QualifiedName.of(GOLD, table), assertInstanceOf(Table.class, viewBody.getFrom().orElseThrow()).getName());

        if (model.partitionedBy().isEmpty()) {
            assertThrows(IllegalStateException.class, statements::distinctPartitions);
            return;
        }
        assertInstanceOf(Query.class, parse(statements.distinctPartitions()));

        PartitionBatches batches = new PartitionBatches(columnsOf(model), syntheticPartitions(model), PartitionBatches.MAX_PARTITIONS_PER_QUERY);
        assertEquals(3, batches.size());

        // Staged: the model once into an unpartitioned staging table, then every batch from it.
        String stagingTable = model.name() + "__staging_" + BUILD;
        String stagingLocation = "s3://gold-bucket/tables/" + model.name() + "/staging_" + BUILD + "/";
        CreateTableAsSelect stage = assertInstanceOf(CreateTableAsSelect.class, parse(statements.createStagingTable(stagingTable, stagingLocation)));
        assertEquals(QualifiedName.of(GOLD, stagingTable), stage.getName());
        assertCtasProperties(stage, stagingLocation, List.of());
        assertEquals(model.select(SILVER), statements.createStagingTable(stagingTable, stagingLocation).split("\nAS\n", 2)[1].strip(),
                "the staging CTAS is the model's own SELECT, its columns as it gives them");
        // The batches' partitions, read from the staged rows: their partition columns, distinct, from the staging table alone.
        Query stagedPartitions = assertInstanceOf(Query.class, parse(statements.distinctStagedPartitions(stagingTable)));
        assertEquals(List.of(QualifiedName.of(GOLD, stagingTable)), tablesRead(stagedPartitions));
        QuerySpecification stagedSelect = assertInstanceOf(QuerySpecification.class, stagedPartitions.getQueryBody());
        assertTrue(stagedSelect.getSelect().isDistinct());
        assertEquals(model.partitionedBy(), stagedSelect.getSelect().getSelectItems().stream()
                .map(item -> ((Identifier) ((SingleColumn) item).getExpression()).getValue()).toList());
        // Nothing staged: every staged row (none), unfiltered, into the partitioned build table.
        CreateTableAsSelect allStaged = assertInstanceOf(CreateTableAsSelect.class, parse(statements.createTableAsFromStaging(stagingTable)));
        assertEquals(QualifiedName.of(GOLD, table), allStaged.getName());
        assertCtasProperties(allStaged, location, model.partitionedBy(), GOLD);
        assertEquals(List.of(QualifiedName.of(GOLD, stagingTable)), tablesRead(allStaged.getQuery()));
        CreateTableAsSelect firstStaged = assertInstanceOf(CreateTableAsSelect.class,
                parse(statements.createTableAsFromStaging(stagingTable, batches.predicate(0))));
        assertEquals(QualifiedName.of(GOLD, table), firstStaged.getName());
        assertCtasProperties(firstStaged, location, model.partitionedBy(), GOLD);
        assertEquals(List.of(QualifiedName.of(GOLD, stagingTable)), tablesRead(firstStaged.getQuery()));
        assertEquals(parser.createExpression(batches.predicate(0)), predicates(firstStaged), "the first batch, from the staging table");
        for (int i = 1; i < batches.size(); i++) {
            Insert insert = assertInstanceOf(Insert.class, parse(statements.insertIntoFromStaging(stagingTable, batches.predicate(i))));
            assertEquals(QualifiedName.of(GOLD, table), insert.getTarget());
            assertEquals(List.of(QualifiedName.of(GOLD, stagingTable)), tablesRead(insert.getQuery()));
        }
        // Its location inside the build's would fail the build's CTAS (HIVE_PATH_ALREADY_EXISTS).
        assertThrows(IllegalArgumentException.class, () -> statements.createStagingTable(stagingTable, location + "staging/"));
    }

    /** The WHERE of the outermost query: a batch's predicate. */
    private static Expression predicates(CreateTableAsSelect ctas) {
        return assertInstanceOf(QuerySpecification.class, ctas.getQuery().getQueryBody()).getWhere().orElseThrow();
    }

    @Test
    void aSingleColumnBatchIsAnInListWhoseStringsReadBackExactly() {
        PartitionColumn region = new PartitionColumn("region", "varchar");
        List<String> values = List.of("north", "O'Brien's", "''", "Zürich \"centre\"", "a\\b", "line\nbreak");
        List<List<String>> rows = new ArrayList<>();
        values.forEach(value -> rows.add(List.of(value)));
        rows.add(java.util.Arrays.asList((String) null));

        Expression predicate = parser.createExpression(new PartitionBatches(List.of(region), rows, 100).predicate(0));

        LogicalExpression or = assertInstanceOf(LogicalExpression.class, predicate);
        assertEquals(LogicalExpression.Operator.OR, or.getOperator());
        InPredicate in = assertInstanceOf(InPredicate.class, or.getTerms().get(0));
        List<String> readBack = assertInstanceOf(InListExpression.class, in.getValueList()).getValues().stream()
                .map(value -> assertInstanceOf(StringLiteral.class, value).getValue())
                .toList();
        assertEquals(values, readBack);
        // x IN (NULL) is never true: the null partition needs its own IS NULL.
        assertInstanceOf(IsNullPredicate.class, or.getTerms().get(1));
    }

    @Test
    void literalsCarryTheirColumnsType() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(new PartitionColumn("d", "date").literal("2026-03-01"), "DATE:2026-03-01");
        expected.put(new PartitionColumn("n", "bigint").literal("-9000000000"), "BIGINT:-9000000000");
        expected.put(new PartitionColumn("n", "integer").literal("7"), "INTEGER:7");
        expected.put(new PartitionColumn("x", "double").literal("1.5E10"), "DOUBLE:1.5E10");
        expected.forEach((literal, typeAndValue) -> {
            GenericLiteral parsed = assertInstanceOf(GenericLiteral.class, parser.createExpression(literal), literal);
            assertEquals(typeAndValue, parsed.getType().toUpperCase(java.util.Locale.ROOT) + ":" + parsed.getValue(), literal);
        });
        assertEquals("2026-03-01 10:15:00.000", assertInstanceOf(TimestampLiteral.class,
                parser.createExpression(new PartitionColumn("t", "timestamp").literal("2026-03-01 10:15:00.000"))).getValue());
        assertEquals("12.50", assertInstanceOf(DecimalLiteral.class,
                parser.createExpression(new PartitionColumn("m", "decimal(12,2)").literal("12.50"))).getValue());
        assertEquals("true", new PartitionColumn("b", "boolean").literal("true"));
    }

    @Test
    void aValueThatDoesNotReadAsItsTypeIsRefusedRatherThanWrittenIntoSql() {
        assertThrows(IllegalArgumentException.class, () -> new PartitionColumn("d", "date").literal("2026-02-30"));
        assertThrows(IllegalArgumentException.class, () -> new PartitionColumn("n", "bigint").literal("1) OR (1=1"));
        assertThrows(IllegalArgumentException.class, () -> new PartitionColumn("b", "boolean").literal("yes"));
        assertThrows(IllegalArgumentException.class, () -> new PartitionColumn("t", "timestamp").literal("2026-03-01' OR '1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PartitionColumn("tags", "array(varchar)").literal("[a]"));
        assertTrue(e.getMessage().contains("tags") && e.getMessage().contains("array(varchar)"), e.getMessage());
    }

    @Test
    void aMultiColumnBatchMatchesEachTupleWithNullsAsIsNull() {
        List<PartitionColumn> columns = List.of(new PartitionColumn("region", "varchar"), new PartitionColumn("sale_date", "date"));
        List<List<String>> rows = List.of(List.of("north", "2026-03-01"), java.util.Arrays.asList("south", null));

        Expression predicate = parser.createExpression(new PartitionBatches(columns, rows, 100).predicate(0));

        LogicalExpression or = assertInstanceOf(LogicalExpression.class, predicate);
        assertEquals(2, or.getTerms().size());
        LogicalExpression second = assertInstanceOf(LogicalExpression.class, or.getTerms().get(1));
        assertEquals(LogicalExpression.Operator.AND, second.getOperator());
        assertInstanceOf(IsNullPredicate.class, second.getTerms().get(1));
    }

    @Test
    void aNotANumberPartitionIsSelectedWithIsNanSinceNanEqualsNothingInAthena() {
        // Athena (Trino) compares doubles as IEEE 754 does: NaN = NaN is false, so NaN IN (DOUBLE 'NaN') is
        // too, and a batch that listed the NaN partition as a literal would copy none of its rows.
        PartitionColumn ratio = new PartitionColumn("ratio", "double");
        List<List<String>> rows = List.of(List.of("1.5"), List.of("NaN"), java.util.Arrays.asList((String) null), List.of("-Infinity"));

        LogicalExpression or = assertInstanceOf(LogicalExpression.class,
                parser.createExpression(new PartitionBatches(List.of(ratio), rows, 100).predicate(0)));

        assertEquals(LogicalExpression.Operator.OR, or.getOperator());
        InPredicate in = assertInstanceOf(InPredicate.class, or.getTerms().get(0));
        List<String> listed = assertInstanceOf(InListExpression.class, in.getValueList()).getValues().stream()
                .map(value -> assertInstanceOf(GenericLiteral.class, value).getValue())
                .toList();
        assertEquals(List.of("1.5", "-Infinity"), listed);
        assertInstanceOf(IsNullPredicate.class, or.getTerms().get(1));
        assertIsNanOf("ratio", or.getTerms().get(2));

        List<PartitionColumn> columns = List.of(new PartitionColumn("region", "varchar"), new PartitionColumn("ratio", "real"));
        LogicalExpression tuples = assertInstanceOf(LogicalExpression.class, parser.createExpression(
                new PartitionBatches(columns, List.of(List.of("NaN", "NaN"), List.of("north", "2.5")), 100).predicate(0)));
        LogicalExpression first = assertInstanceOf(LogicalExpression.class, tuples.getTerms().get(0));
        // The string 'NaN' is an ordinary value; only a floating-point column's NaN needs is_nan.
        ComparisonExpression region = assertInstanceOf(ComparisonExpression.class, first.getTerms().get(0));
        assertEquals("NaN", assertInstanceOf(StringLiteral.class, region.getRight()).getValue());
        assertIsNanOf("ratio", first.getTerms().get(1));
        LogicalExpression second = assertInstanceOf(LogicalExpression.class, tuples.getTerms().get(1));
        assertInstanceOf(ComparisonExpression.class, second.getTerms().get(1));
    }

    private static void assertIsNanOf(String column, Expression expression) {
        FunctionCall call = assertInstanceOf(FunctionCall.class, expression);
        assertEquals("is_nan", call.getName().toString());
        assertEquals(column, assertInstanceOf(Identifier.class, call.getArguments().get(0)).getValue());
    }

    @Test
    void batchesHoldAtMostAthenasLimitAndKeepEveryPartition() {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            rows.add(List.of(String.valueOf(i)));
        }
        PartitionBatches batches = new PartitionBatches(List.of(new PartitionColumn("n", "integer")), rows, PartitionBatches.MAX_PARTITIONS_PER_QUERY);

        assertEquals(3, batches.size());
        assertEquals(250, batches.partitions());
        int literals = 0;
        for (int i = 0; i < batches.size(); i++) {
            InPredicate in = assertInstanceOf(InPredicate.class, parser.createExpression(batches.predicate(i)));
            int size = assertInstanceOf(InListExpression.class, in.getValueList()).getValues().size();
            assertTrue(size <= 100, "batch " + i + " holds " + size);
            literals += size;
        }
        assertEquals(250, literals);
        assertEquals(0, new PartitionBatches(List.of(new PartitionColumn("n", "integer")), List.of(), 100).size());
    }

    @Test
    void namesAreQuotedSoReservedWordsAndOddGoldDatabaseNamesStillParse() {
        // The silver database is the one name a model holds unquoted (${silver_database}): GoldSettings
        // accepts only plain identifiers for it. Every name the builder writes itself is quoted.
        GoldModel model = new GoldModel("order", "", List.of("select"), List.of("sales"),
                "SELECT 1 AS \"value\", region AS \"select\" FROM ${silver_database}.sales");
        GoldStatements statements = new GoldStatements(model, SILVER, "lake-gold", "order__" + BUILD, "s3://gold/order/" + BUILD + "/");

        CreateTableAsSelect ctas = assertInstanceOf(CreateTableAsSelect.class, parse(statements.createTableAs()));
        assertEquals(QualifiedName.of("lake-gold", "order__" + BUILD), ctas.getName());
        assertEquals(QualifiedName.of("lake-gold", "order"), assertInstanceOf(CreateView.class, parse(statements.createOrReplaceView())).getName());
        assertInstanceOf(Query.class, parse(statements.distinctPartitions()));
    }

    @Test
    void aLocationThatIsNotAnS3FolderIsRefused() {
        GoldModel model = models().findFirst().orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> new GoldStatements(model, SILVER, GOLD, "t", "s3://gold/no-slash"));
        assertThrows(IllegalArgumentException.class, () -> new GoldStatements(model, SILVER, GOLD, "t", "/local/path/"));
    }

    private Statement parse(String sql) {
        try {
            return parser.createStatement(sql);
        }
        catch (RuntimeException e) {
            throw new AssertionError("Trino's parser refuses:\n" + sql, e);
        }
    }

    private static void assertCtasProperties(CreateTableAsSelect ctas, String location, List<String> partitionedBy) {
        assertCtasProperties(ctas, location, partitionedBy, SILVER);
    }

    /** @param readsFrom the database of every qualified table the CTAS reads */
    private static void assertCtasProperties(CreateTableAsSelect ctas, String location, List<String> partitionedBy, String readsFrom) {
        Map<String, Expression> properties = new LinkedHashMap<>();
        for (Property property : ctas.getProperties()) {
            properties.put(property.getName().getValue(), property.getNonDefaultValue());
        }
        assertEquals("PARQUET", assertInstanceOf(StringLiteral.class, properties.get("format")).getValue());
        assertEquals("SNAPPY", assertInstanceOf(StringLiteral.class, properties.get("write_compression")).getValue());
        assertEquals(location, assertInstanceOf(StringLiteral.class, properties.get("external_location")).getValue());
        if (partitionedBy.isEmpty()) {
            assertFalse(properties.containsKey("partitioned_by"));
            return;
        }
        List<String> columns = assertInstanceOf(Array.class, properties.get("partitioned_by")).getValues().stream()
                .map(value -> assertInstanceOf(StringLiteral.class, value).getValue())
                .toList();
        assertEquals(partitionedBy, columns);
        // Every qualified table the CTAS reads is in silver (unqualified names are the model's own CTEs).
        new DefaultTraversalVisitor<Void>() {
            @Override
            protected Void visitTable(Table node, Void context) {
                if (node.getName().getParts().size() > 1) {
                    assertEquals(readsFrom, node.getName().getParts().get(0), "a table outside " + readsFrom + ": " + node.getName());
                }
                return null;
            }
        }.process(ctas.getQuery(), null);
    }

    /** Partition columns typed as Athena would report them: dates for *_date and *_month, text otherwise. */
    private static List<PartitionColumn> columnsOf(GoldModel model) {
        return model.partitionedBy().stream()
                .map(name -> new PartitionColumn(name, name.endsWith("_date") || name.endsWith("_month") ? "date" : "varchar"))
                .toList();
    }

    /** {@value #PARTITIONS} distinct partitions, with a quote in every text value and a null among them. */
    private static List<List<String>> syntheticPartitions(GoldModel model) {
        List<PartitionColumn> columns = columnsOf(model);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < PARTITIONS; i++) {
            List<String> row = new ArrayList<>();
            for (PartitionColumn column : columns) {
                if (i == 7) {
                    row.add(null);
                }
                else if (column.type().equals("date")) {
                    row.add(LocalDate.of(2025, 1, 1).plusDays(i).toString());
                }
                else {
                    row.add("value '" + i + "'");
                }
            }
            rows.add(row);
        }
        return rows;
    }
}
