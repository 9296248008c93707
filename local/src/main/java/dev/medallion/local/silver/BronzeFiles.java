package dev.medallion.local.silver;

import dev.medallion.common.layout.SilverLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Finds the files an input folder holds for the bronze bucket, as the bucket's notification would see
 * them: {@code .csv}, {@code .csv.gz} and {@code .dat}, the dataset being the first folder of the key.
 */
public final class BronzeFiles {
    private BronzeFiles() {}

    /**
     * The bronze files under {@code input}, in path order. Order matters: a dataset's schema contract is
     * inferred from the first file converted into it, so the order must not depend on the file system.
     * A file directly in the input (or the input itself, when it is a file) names its own dataset after its
     * stem, as the silver converter's local command does; a key needs a dataset folder in the bucket.
     * Hidden files and folders (a leading dot: {@code .git}, editors' temporary files) are skipped.
     */
    public static List<BronzeFile> under(Path input) throws IOException {
        Path root = input.toAbsolutePath().normalize();
        if (Files.isRegularFile(root)) {
            String name = root.getFileName().toString();
            return isBronze(name) ? List.of(new BronzeFile(root, name, datasetOf(name))) : List.of();
        }
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "the input does not exist");
        }
        List<BronzeFile> files = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(Files::isRegularFile).forEach(path -> {
                Path relative = root.relativize(path);
                boolean hidden = false;
                for (Path segment : relative) {
                    hidden |= segment.toString().startsWith(".");
                }
                if (!hidden && isBronze(path.getFileName().toString())) {
                    String key = relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
                    files.add(new BronzeFile(path, key, datasetOf(key)));
                }
            });
        }
        files.sort(Comparator.comparing(BronzeFile::key));
        return List.copyOf(files);
    }

    /**
     * The first-level folders among {@code files}' keys whose names look like date folders
     * ({@link SilverLayout#looksLikeDateFolder}), in order: an input that is a dataset's own folder, not
     * the folder that holds the datasets, makes its year folders datasets ({@code _2026}).
     */
    public static List<String> dateLikeDatasetFolders(List<BronzeFile> files) {
        return files.stream()
                .filter(file -> file.key().contains("/"))
                .map(file -> file.key().substring(0, file.key().indexOf('/')))
                .filter(SilverLayout::looksLikeDateFolder)
                .distinct()
                .toList();
    }

    static boolean isBronze(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        return name.endsWith(".csv") || name.endsWith(".csv.gz") || name.endsWith(".dat");
    }

    static String datasetOf(String key) {
        if (key.contains("/")) {
            return SilverLayout.datasetOf(key);
        }
        return SilverLayout.datasetName(key.replaceFirst("(?i)(\\.(csv|dat))?(\\.gz)?$", ""));
    }
}
