package dev.medallion.local.silver;

import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.Manifest;
import dev.medallion.silver.ManifestStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The files a lake holds rows of that are not among a run's bronze files: renamed, moved or removed under
 * {@code --input} since they were converted, or converted from another {@code --input}. Their manifests and
 * Parquet stay, as a bronze object deleted from the bucket leaves its silver rows; so their rows are still in
 * silver and gold, which a rerun of a renamed file would otherwise double without a word.
 */
public final class LeftoverSources {
    private static final String MANIFESTS = "_manifests/";

    /**
     * One source file's manifest whose file this run does not hold.
     *
     * @param key the file's key when it was converted ({@code sales/2026/04/x.csv.gz})
     * @param dataset the silver table its rows are in
     * @param rows the rows it wrote there
     * @param manifest the manifest's path
     */
    public record Leftover(String key, String dataset, long rows, Path manifest) {
        public Leftover {
            requireNonNull(key, "key is null");
            requireNonNull(dataset, "dataset is null");
            requireNonNull(manifest, "manifest is null");
        }

        @Override
        public String toString() {
            return key + " (" + rows + " rows in " + dataset + ")";
        }
    }

    private LeftoverSources() {}

    /**
     * The manifests under {@code silverRoot} that wrote rows and whose source key is none of {@code keys}, in
     * manifest order. Manifests that cannot be read, or record a file rejected or empty, leave no rows: not named.
     */
    public static List<Leftover> in(Path silverRoot, Set<String> keys) throws IOException {
        requireNonNull(silverRoot, "silverRoot is null");
        requireNonNull(keys, "keys is null");
        LocalObjectStore silver = new LocalObjectStore(silverRoot);
        ManifestStore manifests = new ManifestStore(silver);
        List<Leftover> leftovers = new ArrayList<>();
        for (String manifestKey : silver.list(MANIFESTS)) {
            if (!manifestKey.endsWith(".json")) {
                continue;
            }
            Optional<Manifest> manifest = manifests.read(manifestKey);
            if (manifest.isPresent() && manifest.get().rowsWritten() > 0 && !keys.contains(manifest.get().source().key())) {
                leftovers.add(new Leftover(manifest.get().source().key(), manifest.get().dataset(), manifest.get().rowsWritten(), silver.resolve(manifestKey)));
            }
        }
        return leftovers;
    }
}
