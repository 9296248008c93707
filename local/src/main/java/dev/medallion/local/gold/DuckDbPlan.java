package dev.medallion.local.gold;

import java.util.Optional;

/**
 * What DuckDB says of a model's SELECT beyond a probe's refusal, which {@link OperatorProbe#problem} asks when the refusal
 * alone does not settle what Athena would do.
 */
interface DuckDbPlan {
    /**
     * Whether DuckDB defines the function as a macro ({@code split_part}, {@code date_add}): its refusal of an argument names
     * a function of the macro's body ({@code array_extract}), not the one written.
     */
    boolean isMacro(String function);

    /**
     * The first column of the model's table that {@code select} (the model's SELECT with one expression changed, the silver
     * schema still a placeholder) makes a DATE where the model makes it a TIMESTAMP; empty when none is, or when DuckDB does
     * not plan it.
     */
    Optional<String> columnMadeDate(String select);

    /**
     * DuckDB's refusal of {@code probe} (a SELECT, the silver schema still a placeholder), prepared, not run; empty when DuckDB
     * plans it.
     */
    Optional<String> refusal(String probe);
}
