package dev.medallion.silver.schema;

import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.storage.LocalObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A contract column's {@code "required"} as the contract store reads and writes it: absent is false and stays absent, so that every
 * contract written before it, and every inferred one, keeps its bytes (nothing converted again, no manifest comparison changed); true
 * is kept; anything but true or false is refused naming the column, as {@code terraform plan} refuses it (contracts.tf).
 */
class RequiredColumnContractTest {
    private static final String ORDERS = """
            {"dataset": "orders", "columns": [
              {"name": "order_id", "type": "bigint", "sourceName": "Order ID"%s},
              {"name": "amount", "type": "double", "sourceName": "amount"}],
             "createdFrom": "declared", "createdAt": "2026-01-01T00:00:00Z"}
            """;

    @TempDir
    Path silver;

    @Test
    void aColumnWithoutRequiredIsNotRequiredAndIsWrittenWithoutIt() throws Exception {
        SchemaContract declared = SchemaContractStore.declared("orders", ORDERS.formatted("").getBytes(StandardCharsets.UTF_8), "contracts/orders.json");
        assertEquals(List.of(new Column("order_id", ColumnType.BIGINT, "Order ID"), new Column("amount", ColumnType.DOUBLE, "amount")), declared.columns());
        assertFalse(declared.columns().get(0).required());

        SchemaContractStore store = new SchemaContractStore(new LocalObjectStore(silver), new SilverLayout(""));
        store.createIfAbsent(declared);
        String written = Files.readString(silver.resolve("_schemas/orders.json"));
        assertFalse(written.contains("required"), "an inferred or existing contract's bytes are as before:\n" + written);
        assertEquals(declared, store.load("orders").orElseThrow());
    }

    @Test
    void aRequiredColumnIsReadAndWrittenAsRequired() throws Exception {
        SchemaContract declared = SchemaContractStore.declared("orders", ORDERS.formatted(", \"required\": true").getBytes(StandardCharsets.UTF_8),
                "contracts/orders.json");
        assertEquals(List.of(new Column("order_id", ColumnType.BIGINT, "Order ID", true), new Column("amount", ColumnType.DOUBLE, "amount")),
                declared.columns());

        SchemaContractStore store = new SchemaContractStore(new LocalObjectStore(silver), new SilverLayout(""));
        store.createIfAbsent(declared);
        String written = Files.readString(silver.resolve("_schemas/orders.json"));
        assertTrue(written.contains("\"required\" : true"), written);
        assertEquals(1, written.split("required", -1).length - 1, "only the required column says so:\n" + written);
        assertEquals(declared, store.load("orders").orElseThrow());
    }

    @Test
    void requiredFalseIsAColumnWithoutIt() {
        SchemaContract declared = SchemaContractStore.declared("orders", ORDERS.formatted(", \"required\": false").getBytes(StandardCharsets.UTF_8),
                "contracts/orders.json");
        assertEquals(SchemaContractStore.declared("orders", ORDERS.formatted("").getBytes(StandardCharsets.UTF_8), "contracts/orders.json"), declared);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"true\"", "\"yes\"", "1", "null"})
    void requiredOtherThanTrueOrFalseIsRefusedNamingTheColumn(String value) {
        InvalidSchemaContractException e = assertThrows(InvalidSchemaContractException.class, () -> SchemaContractStore.declared("orders",
                ORDERS.formatted(", \"required\": " + value).getBytes(StandardCharsets.UTF_8), "contracts/orders.json"));
        assertTrue(e.getMessage().startsWith("Schema contract contracts/orders.json is not valid: column order_id: "), e.getMessage());
        assertTrue(e.getMessage().contains("at columns[0].required"), e.getMessage());
    }
}
