package dev.medallion.bronze.cli;

import dev.medallion.bronze.upload.FileUploader;
import dev.medallion.common.cli.CommandLine;
import dev.medallion.common.cli.UsageException;
import dev.medallion.common.logging.ErrorMessages;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** {@code upload PATH… --bucket B [--dataset NAME] [--prefix P] [--dry-run] [--concurrency N] [--part-size MIB] [--endpoint-url URL]} */
record UploadOptions(
        List<Path> paths,
        String bucket,
        Optional<String> dataset,
        Optional<String> prefix,
        boolean dryRun,
        int concurrency,
        int partSize,
        Optional<URI> endpoint) {
    static final int DEFAULT_CONCURRENCY = 4;
    static final int MAX_CONCURRENCY = 64;
    private static final int MIB = 1 << 20;
    private static final int MAX_PART_SIZE_MIB = 1024;

    UploadOptions {
        paths = List.copyOf(paths);
        requireNonNull(bucket, "bucket is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(prefix, "prefix is null");
        requireNonNull(endpoint, "endpoint is null");
    }

    static UploadOptions parse(List<String> args) throws UsageException {
        CommandLine line = CommandLine.parse(args,
                Set.of("--bucket", "--dataset", "--prefix", "--concurrency", "--part-size", "--endpoint-url"),
                Set.of("--dry-run"));
        if (line.positionals().isEmpty()) {
            throw new UsageException("give at least one file or folder to upload");
        }
        List<Path> paths = new ArrayList<>();
        for (String path : line.positionals()) {
            try {
                paths.add(Path.of(path));
            }
            catch (InvalidPathException e) {
                throw new UsageException("'" + path + "' is not a valid path: " + e.getReason());
            }
        }
        Optional<String> dataset = line.value("--dataset");
        if (dataset.isPresent() && dataset.get().isBlank()) {
            throw new UsageException("--dataset must not be blank");
        }
        return new UploadOptions(
                paths,
                bucketName(line.required("--bucket")),
                dataset,
                line.value("--prefix"),
                line.flag("--dry-run"),
                line.number("--concurrency", 1, MAX_CONCURRENCY).orElse((long) DEFAULT_CONCURRENCY).intValue(),
                line.number("--part-size", FileUploader.MINIMUM_PART_SIZE / MIB, MAX_PART_SIZE_MIB)
                        .map(mebibytes -> (int) (mebibytes * MIB))
                        .orElse(FileUploader.DEFAULT_PART_SIZE),
                endpoint(line.value("--endpoint-url")));
    }

    /** People paste {@code s3://bucket/}: the name alone is kept, and a folder is pointed to --prefix. */
    static String bucketName(String text) throws UsageException {
        String name = text.strip();
        if (name.startsWith("s3://")) {
            name = name.substring("s3://".length());
        }
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            throw new UsageException("--bucket must name a bucket");
        }
        if (name.contains("/")) {
            throw new UsageException("--bucket takes the bucket's name alone, not '" + text + "': the dataset comes from the folder "
                    + "(or --dataset), and further folders from --prefix");
        }
        return name;
    }

    private static Optional<URI> endpoint(Optional<String> text) throws UsageException {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text.get().strip());
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new UsageException("--endpoint-url must be an http or https URL such as http://localhost:4566, not '" + text.get() + "'");
            }
            return Optional.of(uri);
        }
        catch (URISyntaxException e) {
            throw new UsageException("--endpoint-url is not a URL: " + ErrorMessages.describe(e));
        }
    }
}
