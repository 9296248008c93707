package dev.medallion.gold.build;

import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.gold.catalog.GlueCatalog;
import dev.medallion.gold.model.GoldModel;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads which build a model's view selects from, from its Glue table's SQL: what readers are on, which may not be
 * the build its state names (a swap whose end went unseen, a rollback by hand). A read that fails is logged and
 * answered as unread, never thrown: each caller decides what an unread view means for it.
 */
final class LiveViews {
    private final GlueCatalog catalog;
    private final String goldDatabase;
    private final GoldLayout layout;
    private final JsonLog log;

    LiveViews(GlueCatalog catalog, String goldDatabase, GoldLayout layout, JsonLog log) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.goldDatabase = requireNonNull(goldDatabase, "goldDatabase is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.log = requireNonNull(log, "log is null");
    }

    /**
     * What the model's view selects from: when it was read, the build it selects from, none if there is no
     * view yet or it selects from something else; when it could not be read, none (logged, naming
     * {@code build}, the build at hand).
     */
    LiveView read(GoldModel model, BuildId build) {
        Optional<String> sql;
        try {
            sql = catalog.viewSql(goldDatabase, model.name());
        }
        catch (IOException e) {
            log.warn("could not read which build the gold view selects from; taking the recorded one, and keeping older builds", Map.of(
                    "model", model.name(), "buildId", build.value(), "error", ErrorMessages.describe(e)));
            return new LiveView(Optional.empty(), Optional.of(ErrorMessages.describe(e)));
        }
        if (sql.isEmpty()) {
            return new LiveView(Optional.empty(), Optional.empty());
        }
        return new LiveView(layout.buildSelectedBy(model.name(), sql.get()), Optional.empty());
    }
}
