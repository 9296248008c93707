package dev.medallion.local.gold;

import dev.medallion.gold.model.GoldModel;

import static java.util.Objects.requireNonNull;

/**
 * The checks {@link GoldBuilder} makes of a model before DuckDB runs it that need neither data nor DuckDB:
 * Trino's parser, the tables read, the functions called, GROUP BY ALL, and the column names and partition
 * columns' order the SELECT states itself. The build runs them over the models the gold-ctas jar ships
 * ({@code check-models}), since the builder in Lambda has no SQL parser and a model it cannot run fails
 * only in Athena, once deployed.
 */
public final class ModelChecks {
    private final AthenaCompatibility athena = new AthenaCompatibility();

    /** Refuses the model, naming its file and the place in it where there is one, if Athena would fail it in a way seen without data. */
    public void check(GoldModel model) throws GoldModelException {
        requireNonNull(model, "model is null");
        io.trino.sql.tree.Statement parsed = athena.checkParses(model);
        athena.checkColumnsAsWritten(model, parsed);
    }
}
