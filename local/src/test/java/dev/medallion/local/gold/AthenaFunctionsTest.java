package dev.medallion.local.gold;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The list of Athena's functions against the advice given for DuckDB's, which must never contradict it. */
class AthenaFunctionsTest {
    private final Set<String> athena = AthenaCompatibility.athenaFunctions();

    @Test
    void noFunctionGivenAdviceAsDuckDbsIsOneOfAthenas() {
        List<String> both = AthenaCompatibility.DUCKDB_FUNCTIONS.keySet().stream().filter(athena::contains).sorted().toList();
        assertEquals(List.of(), both, "named as DuckDB's functions that Athena lacks, yet in athena-functions.txt");
        assertEquals(List.of(), athena.stream().filter(name -> name.startsWith("list_")).toList(), "every list_* function is refused as DuckDB's");
    }

    @Test
    void theListHoldsEveryKindOfFunctionInLowercase() {
        for (String name : List.of("abs", "sum", "count_if", "row_number", "lag", "transform", "reduce", "date_diff", "date_format", "json_extract_scalar",
                "regexp_like", "array_join", "listagg", "invoker_principal", "to_char")) {
            assertTrue(athena.contains(name), name);
        }
        assertEquals(List.of(), athena.stream().filter(name -> !name.matches("[a-z][a-z0-9_]*")).toList(), "names are lowercase, as calls are looked up");
    }
}
