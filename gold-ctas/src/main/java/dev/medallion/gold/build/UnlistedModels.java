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
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Finds the views of models taken out of {@code models.list} that are still in the gold database. The builder
 * only ever looks at the models of its list, so such a model's view keeps answering with its last build's
 * rows, ever older, and its files stay billed, with nothing said; its role may not remove them
 * (gold-ctas/README.md, "Removing a model"). Each is logged as a warning, once per invocation, naming what to
 * remove. A view is taken for a former model's only when it selects from a table named as the builder names
 * its builds ({@code <view>__<build id>}): a view someone made in the gold database is no model's, and is left
 * unsaid. A former model whose view is gone already is found from its build and staging tables instead, named as
 * the builder names them, whole ({@link GoldLayout#modelOfTable}): one warning per model, without a view; a table
 * someone made whose name merely contains {@code __} is no model's. Never fails the build: whatever goes wrong is
 * a warning, and the next invocation looks again.
 */
final class UnlistedModels {
    static final String NO_LONGER_LISTED = "gold model no longer listed in models.list, but its view, build tables and files remain";
    static final String NOT_LOOKED_FOR = "could not look for gold models no longer listed in models.list; the build goes on, and the next one looks again";
    static final String NO_LONGER_LISTED_WITHOUT_VIEW = "gold model no longer listed in models.list, but its build tables and files remain";
    private static final String WHAT_TO_DO_WITHOUT_VIEW = "remove its build and staging tables, files and state as gold-ctas/README.md "
            + "'Removing a model' says, steps 2 to 4 (the builder's role may not), or list it again in models.list and terraform/gold.tf's gold_models";
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
     * Logs one warning per view of a model {@code listed} does not name, and one per such model whose view is gone
     * but whose build or staging tables remain.
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
        // A former model whose view is gone (removed by hand, step 1 of "Removing a model" alone) still has its
        // build or staging tables and their files: found from their names, once per model, in the order of its name.
        Map<String, List<String>> leftBehind = new TreeMap<>();
        for (CatalogTable table : tables) {
            if (table.view()) {
                continue;
            }
            layout.modelOfTable(table.name())
                    .filter(model -> !models.contains(model) && !found.contains(model))
                    .ifPresent(model -> leftBehind.computeIfAbsent(model, any -> new ArrayList<>()).add(table.name()));
        }
        leftBehind.forEach((model, builds) -> {
            builds.sort(null);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("model", model);
            fields.put("database", goldDatabase);
            fields.put("buildTables", builds);
            fields.put("modelFolder", layout.modelPrefix(model));
            fields.put("whatToDo", WHAT_TO_DO_WITHOUT_VIEW);
            log.warn(NO_LONGER_LISTED_WITHOUT_VIEW, fields);
            found.add(model);
        });
        return List.copyOf(found);
    }
}
