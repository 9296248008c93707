package dev.medallion.gold.build;

import dev.medallion.common.logging.ErrorMessages;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.gold.catalog.GlueCatalog;
import dev.medallion.gold.catalog.GlueCatalog.CatalogTable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Finds the views of models taken out of {@code models.list} that are still in the gold database. The builder
 * only ever looks at the models of its list, so such a model's view keeps answering with its last build's
 * rows, ever older, and its files stay billed, with nothing said; its role may not remove them
 * (gold-ctas/README.md, "Removing a model"). Each is logged as a warning, once per invocation, naming what to
 * remove. A view is taken for a former model's only when it selects from a table named as the builder names
 * its builds ({@code <view>__<build id>}): a view someone made in the gold database is no model's, and is left
 * unsaid. Never fails the build: whatever goes wrong is a warning, and the next invocation looks again.
 */
final class UnlistedModels {
    static final String NO_LONGER_LISTED = "gold model no longer listed in models.list, but its view, build tables and files remain";
    static final String NOT_LOOKED_FOR = "could not look for gold models no longer listed in models.list; the build goes on, and the next one looks again";
    private static final String WHAT_TO_DO = "remove its view, build and staging tables, files and state as gold-ctas/README.md 'Removing a model' "
            + "says (the builder's role may not), or list it again in models.list and terraform/gold.tf's gold_models";

    private final GlueCatalog catalog;
    private final String goldDatabase;
    private final GoldLayout layout;
    private final JsonLog log;

    UnlistedModels(GlueCatalog catalog, String goldDatabase, GoldLayout layout, JsonLog log) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.goldDatabase = requireNonNull(goldDatabase, "goldDatabase is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.log = requireNonNull(log, "log is null");
    }

    /**
     * Logs one warning per view of a model {@code listed} does not name.
     *
     * @return the models found
     */
    List<String> report(Collection<String> listed) {
        Set<String> models = Set.copyOf(requireNonNull(listed, "listed is null"));
        List<CatalogTable> tables;
        try {
            tables = catalog.tables(goldDatabase);
        }
        catch (IOException | RuntimeException e) {
            log.warn(NOT_LOOKED_FOR, Map.of("database", goldDatabase, "error", ErrorMessages.describe(e)));
            return List.of();
        }
        List<String> found = new ArrayList<>();
        for (CatalogTable view : tables) {
            if (!view.view() || view.viewSql().isEmpty() || models.contains(view.name())) {
                continue;
            }
            Optional<BuildId> build = layout.buildSelectedBy(view.name(), view.viewSql().get());
            if (build.isEmpty()) {
                continue;
            }
            String model = view.name();
            String buildTable = layout.table(model, build.get());
            List<String> builds = new ArrayList<>();
            Optional<String> location = Optional.empty();
            for (CatalogTable table : tables) {
                if (layout.buildOfTable(model, table.name()).isPresent() || layout.buildOfStagingTable(model, table.name()).isPresent()) {
                    builds.add(table.name());
                }
                if (table.name().equals(buildTable)) {
                    location = table.location();
                }
            }
            builds.sort(null);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("model", model);
            fields.put("database", goldDatabase);
            fields.put("view", model);
            fields.put("buildTable", buildTable);
            // The table's own location; where the builder writes the build, should the table be gone already.
            fields.put("location", location.orElse(layout.location(model, build.get())));
            fields.put("buildTables", builds);
            fields.put("modelFolder", layout.modelPrefix(model));
            fields.put("whatToDo", WHAT_TO_DO);
            log.warn(NO_LONGER_LISTED, fields);
            found.add(model);
        }
        return List.copyOf(found);
    }
}
