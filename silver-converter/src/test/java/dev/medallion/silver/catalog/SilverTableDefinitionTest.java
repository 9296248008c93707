package dev.medallion.silver.catalog;

import dev.medallion.common.layout.Identifiers;
import dev.medallion.silver.parquet.ParquetSchemas;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.SchemaContract;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.glue.model.PartitionInput;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.glue.model.TableInput;

import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SilverTableDefinitionTest {
    private static final String LOCATION = "s3://silver/lake/sales/";

    @Test
    void everyContractTypeHasTheHiveTypeAthenaReadsItsParquetTypeAs() {
        // The Parquet type the converter writes for each contract type, and the type the table declares:
        // Athena refuses a Parquet column whose type does not match the table's (HIVE_BAD_DATA).
        Map<ColumnType, String> expected = Map.of(
                ColumnType.BOOLEAN, "boolean",
                ColumnType.BIGINT, "bigint",
                ColumnType.DOUBLE, "double",
                ColumnType.DATE, "date",
                ColumnType.TIMESTAMP, "timestamp",
                ColumnType.STRING, "string",
                ColumnType.decimal(12, 2), "decimal(12,2)",
                ColumnType.decimal(18, 0), "decimal(18,0)",
                ColumnType.decimal(38, 2), "decimal(38,2)");
        assertEquals(EnumSet.allOf(ColumnType.Kind.class), expected.keySet().stream().map(ColumnType::kind).collect(Collectors.toSet()),
                "a new contract type needs its catalog type");
        List<ColumnType> types = List.copyOf(expected.keySet());
        List<Column> columns = types.stream().map(type -> new Column("c_" + type.precision() + "_" + type.kind(), type, type.sqlName())).toList();
        MessageType parquet = ParquetSchemas.messageType(new SchemaContract("t", columns, "t/x.csv", "2026-01-01T00:00:00Z"));
        for (ColumnType type : types) {
            String hive = SilverTableDefinition.hiveType(type);
            assertEquals(expected.get(type), hive, type.toString());
            var field = parquet.getType("c_" + type.precision() + "_" + type.kind()).asPrimitiveType();
            LogicalTypeAnnotation logical = field.getLogicalTypeAnnotation();
            String parquetType = field.getPrimitiveTypeName() + (logical == null ? "" : " " + logical);
            String readAs = switch (parquetType) {
                case "BOOLEAN" -> "boolean";
                case "INT64" -> "bigint";
                // Trino's Parquet reader, Athena engine v3's, reads an INT64 DECIMAL as the table's decimal(p,s).
                case "INT64 DECIMAL(12,2)" -> "decimal(12,2)";
                case "INT64 DECIMAL(18,0)" -> "decimal(18,0)";
                // And a FIXED_LEN_BYTE_ARRAY DECIMAL, as Hive and Spark write every decimal, as the table's decimal(p,s) too.
                case "FIXED_LEN_BYTE_ARRAY DECIMAL(38,2)" -> "decimal(38,2)";
                case "DOUBLE" -> "double";
                case "INT32 DATE" -> "date";
                case "INT64 TIMESTAMP(MILLIS,false)" -> "timestamp";
                case "BINARY STRING" -> "string";
                default -> "unknown Parquet type " + parquetType;
            };
            assertEquals(readAs, hive, type + " is written as " + parquetType);
            assertTrue(field.getPrimitiveTypeName() != PrimitiveTypeName.INT96, "INT96 is never written");
        }
    }

    @Test
    void theTableIsAnExternalSnappyParquetTableAtTheDatasetsFolderPartitionedByIngestDate() {
        SilverTableDefinition table = SilverTableDefinition.of(contract("sales", new Column("id", ColumnType.BIGINT, "ID"),
                new Column("sold_at", ColumnType.TIMESTAMP, "Sold at")), LOCATION);
        TableInput input = table.tableInput();

        assertEquals("sales", input.name());
        assertEquals("EXTERNAL_TABLE", input.tableType());
        assertEquals(Map.of("EXTERNAL", "TRUE", "classification", "parquet", "parquet.compression", "SNAPPY"), input.parameters());
        assertEquals(List.of("ingest_date string"), input.partitionKeys().stream().map(c -> c.name() + " " + c.type()).toList());
        assertEquals(List.of("id bigint", "sold_at timestamp"), input.storageDescriptor().columns().stream().map(c -> c.name() + " " + c.type()).toList());
        assertEquals(LOCATION, input.storageDescriptor().location());
        assertEquals("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", input.storageDescriptor().inputFormat());
        assertEquals("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat", input.storageDescriptor().outputFormat());
        assertEquals("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", input.storageDescriptor().serdeInfo().serializationLibrary());

        PartitionInput partition = table.partitionInput(LocalDate.of(2026, 3, 1));
        assertEquals(List.of("2026-03-01"), partition.values());
        assertEquals(LOCATION + "ingest_date=2026-03-01/", partition.storageDescriptor().location());
        assertEquals(input.storageDescriptor().columns(), partition.storageDescriptor().columns());
        assertEquals(input.storageDescriptor().serdeInfo(), partition.storageDescriptor().serdeInfo());
    }

    @Test
    void aTableAsDefinedHasNoDifferenceAndEveryDriftIsNamed() {
        SilverTableDefinition table = SilverTableDefinition.of(contract("sales", new Column("id", ColumnType.BIGINT, "id"),
                new Column("amount", ColumnType.DOUBLE, "amount")), LOCATION);
        Table same = asTable(table.tableInput());
        assertEquals(List.of(), table.differences(same));

        // What a crawler or a person might do: retype a column, add one, retype the partition key, add a parameter.
        Table drifted = same.toBuilder()
                .storageDescriptor(same.storageDescriptor().toBuilder().columns(
                        software.amazon.awssdk.services.glue.model.Column.builder().name("id").type("bigint").build(),
                        software.amazon.awssdk.services.glue.model.Column.builder().name("amount").type("string").build(),
                        software.amazon.awssdk.services.glue.model.Column.builder().name("extra").type("int").build()).build())
                .partitionKeys(software.amazon.awssdk.services.glue.model.Column.builder().name("ingest_date").type("date").build())
                .parameters(Map.of("classification", "parquet", "UPDATED_BY_CRAWLER", "silver", "EXTERNAL", "TRUE", "parquet.compression", "SNAPPY"))
                .description("kept")
                .build();
        assertEquals(List.of(
                "columns: [id bigint, amount string, extra int] -> [id bigint, amount double]",
                "partition keys: [ingest_date date] -> [ingest_date string]"), table.differences(drifted));

        TableInput restored = table.tableInput(drifted);
        assertEquals(List.of(), table.differences(asTable(restored)));
        assertEquals("kept", restored.description(), "what the contract does not define is left as it is");
        assertEquals("silver", restored.parameters().get("UPDATED_BY_CRAWLER"));
    }

    @Test
    void namesGlueOrAthenaCannotHoldAreRefusedWithTheRemedy() {
        Column id = new Column("id", ColumnType.BIGINT, "id");
        IllegalArgumentException longDataset = assertThrows(IllegalArgumentException.class,
                () -> SilverTableDefinition.of(contract("d".repeat(256), id), "s3://silver/" + "d".repeat(256) + "/"));
        assertTrue(longDataset.getMessage().contains("256 characters long") && longDataset.getMessage().contains("at most 255"), longDataset.getMessage());
        // A contract from before names were cut (its first file converted, then failed to catalog) says what the name is now.
        assertTrue(longDataset.getMessage().contains("which the converter now makes " + Identifiers.fitted("d".repeat(256)) + ":"), longDataset.getMessage());
        assertTrue(longDataset.getMessage().contains("convert its files again into that dataset with the stack's silver_reconvert_command (DATASET="
                + "d".repeat(256) + ")"), longDataset.getMessage());
        String longColumn = "net_amount_" + "c".repeat(250);
        IllegalArgumentException longName = assertThrows(IllegalArgumentException.class,
                () -> SilverTableDefinition.of(contract("sales", new Column(longColumn, ColumnType.DOUBLE, "Net amount " + "c".repeat(250))), LOCATION));
        assertTrue(longName.getMessage().contains("rename it in the contract (_schemas/sales.json) to " + Identifiers.fitted(longColumn)
                + ", the name the converter gives its header now"), longName.getMessage());
        assertEquals(Identifiers.fitted(longColumn), dev.medallion.silver.schema.ColumnNames.normalize(List.of("Net amount " + "c".repeat(250))).get(0));

        IllegalArgumentException upper = assertThrows(IllegalArgumentException.class,
                () -> SilverTableDefinition.of(contract("sales", new Column("Amount", ColumnType.DOUBLE, "Amount")), LOCATION));
        assertTrue(upper.getMessage().contains("Column 'Amount' of the schema contract of dataset sales")
                && upper.getMessage().contains("_schemas/sales.json"), upper.getMessage());

        IllegalArgumentException partitionKey = assertThrows(IllegalArgumentException.class,
                () -> SilverTableDefinition.of(contract("sales", id, new Column("ingest_date", ColumnType.DATE, "ingest_date")), LOCATION));
        assertTrue(partitionKey.getMessage().contains("name of the partition key"), partitionKey.getMessage());

        assertThrows(IllegalArgumentException.class, () -> SilverTableDefinition.of(contract("sales", id), "s3://silver/sales"));
        // The longest names Glue holds are fine.
        assertEquals("d".repeat(255), SilverTableDefinition.of(contract("d".repeat(255), id), "s3://silver/x/").name());
    }

    static SchemaContract contract(String dataset, Column... columns) {
        return new SchemaContract(dataset, List.of(columns), dataset + "/x.csv", "2026-03-01T00:00:00Z");
    }

    private static Table asTable(TableInput input) {
        return Table.builder()
                .name(input.name())
                .description(input.description())
                .tableType(input.tableType())
                .parameters(input.parameters())
                .partitionKeys(input.partitionKeys())
                .storageDescriptor(input.storageDescriptor())
                .build();
    }
}
