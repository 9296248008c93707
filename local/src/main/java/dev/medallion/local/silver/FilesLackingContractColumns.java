package dev.medallion.local.silver;

import dev.medallion.silver.local.ContractFiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    private final ContractFiles contracts;
    private final List<Lacking> files = new ArrayList<>();

    private record Lacking(BronzeFile file, List<String> columns) {}

    /** @param contracts where each dataset's contract is changed on this machine */
    public FilesLackingContractColumns(ContractFiles contracts) {
        this.contracts = requireNonNull(contracts, "contracts is null");
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
        // The remedies of docs/silver-converter.md, "Schema contract": on this machine the export under --input is the bronze object to
        // upload again, and a run converts again both a changed file and one converted in other columns than its contract has now.
        return Optional.of("contract columns not in the file, so null in all its rows, in " + files.size() + (files.size() == 1 ? " file: " : " files: ") + named
                + (files.size() > NAMED ? " and " + (files.size() - NAMED) + " more" : "")
                + ": fix the export under --input, or change the dataset's contract (a renamed column's sourceName to the file's new header text;"
                + " a column gone for good out of it) " + contracts.whereToChange(files.stream().map(lacking -> lacking.file().dataset()).toList())
                + ", then run again");
    }
}
