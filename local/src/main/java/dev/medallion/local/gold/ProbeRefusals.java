package dev.medallion.local.gold;

import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.gold.model.GoldModel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * DuckDB's refusals of one model's probes, each probe prepared once: the date checks ask the same probe again and again (a chain of
 * date operations asks each step with the one before it cast, down to a date, for every operation above it), so a model with n date
 * operations would prepare on the order of n cubed probes where it holds on the order of n squared distinct ones. Kept for one
 * model's check on one connection only: what DuckDB says of a probe depends on the silver tables it reads, never on the model.
 */
final class ProbeRefusals {
    private final Connection connection;
    private final String silverSchema;
    /** DuckDB's refusal of each SQL text prepared, empty for one it planned. */
    private final Map<String, Optional<String>> refusals = new HashMap<>();
    private long prepared;

    ProbeRefusals(Connection connection, String silverSchema) {
        this.connection = requireNonNull(connection, "connection is null");
        this.silverSchema = requireNonNull(silverSchema, "silverSchema is null");
    }

    /**
     * DuckDB's refusal of {@code probe} (a SELECT, the silver schema still a placeholder), prepared, not run; empty when DuckDB plans it.
     */
    Optional<String> refusal(String probe) {
        String sql = probe.replace(GoldModel.SILVER_DATABASE, silverSchema);
        Optional<String> known = refusals.get(sql);
        if (known != null) {
            return known;
        }
        Optional<String> refusal = prepare(sql);
        refusals.put(sql, refusal);
        return refusal;
    }

    private Optional<String> prepare(String sql) {
        prepared++;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.getMetaData();
            return Optional.empty();
        }
        catch (SQLException e) {
            return Optional.of(ErrorMessages.describe(e));
        }
    }

    /** How many probes DuckDB was given to prepare: each distinct one once. */
    long prepared() {
        return prepared;
    }
}
