package dev.medallion.local.silver;

import dev.medallion.common.layout.SilverLayout;
import dev.medallion.silver.local.DeclaredContracts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The files of a run that lacked columns of their dataset's schema contract, for the Silver summary. Such a
 * file converts and nothing fails, its contract columns null in all its rows: an export that dropped a column
 * fills the table with nulls with exit code 0. The deployed stack alarms on it (files-not-matching-contract);
 * on a laptop the summary is the last word before gold, so it names the files, the columns each lacks, and
 * the remedies docs/silver-converter.md ("Schema contract") gives, as they read on this machine.
 */
public final class FilesLackingContractColumns {
    /** Files named with their columns; a count stands for the rest (each file's own line above names its columns too). */
    private static final int NAMED = 3;

    private final Path silverRoot;
    private final Map<String, Path> declaredByDataset;
    private final List<Lacking> files = new ArrayList<>();

    private record Lacking(BronzeFile file, List<String> columns) {}

    /**
     * @param silverRoot the lake's silver folder, where a contract not declared is kept ({@code _schemas/<dataset>.json})
     * @param declared the contracts {@code --contracts} declared: put again on every run, over the lake's, so the one to edit
     */
    public FilesLackingContractColumns(Path silverRoot, Optional<DeclaredContracts> declared) {
        this.silverRoot = requireNonNull(silverRoot, "silverRoot is null");
        this.declaredByDataset = requireNonNull(declared, "declared is null").map(contracts -> contracts.contracts().stream()
                        .collect(Collectors.toMap(contract -> contract.contract().dataset(), DeclaredContracts.Declared::file, (first, second) -> first)))
                .orElse(Map.of());
    }

    /** Counts {@code file} when it lacked any of its contract's columns ({@code missingColumns}, the manifest's). */
    public void add(BronzeFile file, List<String> missingColumns) {
        requireNonNull(file, "file is null");
        requireNonNull(missingColumns, "missingColumns is null");
        if (!missingColumns.isEmpty()) {
            files.add(new Lacking(file, List.copyOf(missingColumns)));
        }
    }

    /**
     * The summary's part for these files, {@code contract columns not in the file, … in 1 file: people/b.csv (name): fix the export …},
     * or empty when every file had every column of its contract.
     */
    public Optional<String> describe() {
        if (files.isEmpty()) {
            return Optional.empty();
        }
        String named = files.subList(0, Math.min(NAMED, files.size())).stream()
                .map(lacking -> lacking.file().key() + " (" + String.join(", ", lacking.columns()) + ")")
                .collect(Collectors.joining(", "));
        Set<String> contracts = new LinkedHashSet<>();
        boolean anyInLake = false;
        for (Lacking lacking : files) {
            Path declared = declaredByDataset.get(lacking.file().dataset());
            anyInLake |= declared == null;
            contracts.add(declared != null ? declared + " (--contracts)" : silverRoot.resolve(new SilverLayout("").schemaKey(lacking.file().dataset())).toString());
        }
        // The remedies of docs/silver-converter.md, "Schema contract": on this machine the export under --input is the bronze object to
        // upload again, and a run converts again both a changed file and one converted in other columns than its contract has now.
        return Optional.of("contract columns not in the file, so null in all its rows, in " + files.size() + (files.size() == 1 ? " file: " : " files: ") + named
                + (files.size() > NAMED ? " and " + (files.size() - NAMED) + " more" : "")
                + ": fix the export under --input, or change the dataset's contract (a renamed column's sourceName to the file's new header text;"
                + " a column gone for good out of it) in " + String.join(", ", contracts)
                // A contract in the lake alone is lost with the lake (rm -rf, as the warning of files no longer under --input advises).
                + (anyInLake ? ", or declare it with --contracts DIR (a copy of it, edited)" : "")
                + ", then run again");
    }
}
