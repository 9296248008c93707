package dev.medallion.silver.local;

import dev.medallion.common.layout.SilverLayout;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Where a person changes a dataset's schema contract on this machine, for the lines of both local commands
 * (silver-converter.jar's {@code convert}, lakehouse-local.jar's {@code local}): the file {@code --contracts} declares
 * it in, which the command puts over the lake's before every conversion (an edit of the lake's copy would be undone),
 * else the lake's own {@code _schemas/<dataset>.json} (under {@code convert}'s {@code --output}, the {@code local}
 * lake's {@code silver/}), inferred from the dataset's first file or edited. One rule for both, so they never name
 * different files for the same contract.
 */
public final class ContractFiles {
    private final Path silverRoot;
    private final Map<String, Path> declaredByDataset;

    /**
     * @param silverRoot the folder laid out like the silver bucket: {@code convert}'s {@code --output}, the {@code local} lake's {@code silver/}
     * @param declared the contracts {@code --contracts} declared, if it was given
     */
    public ContractFiles(Path silverRoot, Optional<DeclaredContracts> declared) {
        this.silverRoot = requireNonNull(silverRoot, "silverRoot is null");
        this.declaredByDataset = requireNonNull(declared, "declared is null").map(contracts -> contracts.contracts().stream()
                        .collect(Collectors.toMap(contract -> contract.contract().dataset(), DeclaredContracts.Declared::file, (first, second) -> first)))
                .orElse(Map.of());
    }

    /** The file to change {@code dataset}'s contract in; the lake's may not exist yet (no file of the dataset fitted its header). */
    public Path of(String dataset) {
        requireNonNull(dataset, "dataset is null");
        return declaredByDataset.getOrDefault(dataset, silverRoot.resolve(new SilverLayout("").schemaKey(dataset)));
    }

    /** Whether {@code --contracts} declares {@code dataset}'s contract. */
    public boolean declared(String dataset) {
        return declaredByDataset.containsKey(requireNonNull(dataset, "dataset is null"));
    }

    /** The file to change {@code dataset}'s contract in, for people: {@code …/contracts/people.json (--contracts)} when declared. */
    public String describe(String dataset) {
        return of(dataset) + (declared(dataset) ? " (--contracts)" : "");
    }

    /**
     * {@code in …/_schemas/people.json, or declare it with --contracts DIR (a copy of it, edited)}: the contracts of
     * {@code datasets}, a declared one marked so, and, when one is the lake's alone, that it can be declared, since
     * a contract in the lake alone is lost with the lake (rm -rf, as the warning of files no longer under --input advises).
     */
    public String whereToChange(Collection<String> datasets) {
        Set<String> files = new LinkedHashSet<>();
        boolean anyInLakeAlone = false;
        for (String dataset : requireNonNull(datasets, "datasets is null")) {
            files.add(describe(dataset));
            anyInLakeAlone |= !declared(dataset);
        }
        return "in " + String.join(", ", files) + (anyInLakeAlone ? ", or declare it with --contracts DIR (a copy of it, edited)" : "");
    }
}
