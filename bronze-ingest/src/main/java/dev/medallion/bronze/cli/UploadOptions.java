package dev.medallion.bronze.cli;

import dev.medallion.bronze.upload.BronzeKeyLayout;
import dev.medallion.bronze.upload.FileUploader;
import dev.medallion.common.cli.CommandLine;
import dev.medallion.common.cli.UsageException;
import dev.medallion.common.layout.SilverLayout;
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

/**
 * {@code upload PATH… --bucket B [--dataset NAME] [--prefix P] [--dry-run] [--allow-empty] [--concurrency N] [--part-size MIB] [--endpoint-url URL]}
 *
 * @param allowEmpty a folder holding no file to upload is no error: a scheduled job's drop folder, empty most nights
 */
record UploadOptions(
        List<Path> paths,
        String bucket,
        Optional<String> dataset,
        Optional<String> prefix,
        boolean dryRun,
        boolean allowEmpty,
        int concurrency,
        int partSize,
        Optional<URI> endpoint) {
    static final int DEFAULT_CONCURRENCY = 4;
    static final int MAX_CONCURRENCY = 64;
    private static final int MIB = 1 << 20;
    private static final int MAX_PART_SIZE_MIB = 1024;
    /**
     * The part buffers may take at most this share of the JVM's maximum heap. Each upload thread holds one
     * part-sized buffer ({@link FileUploader}); the rest of the heap is for the SDK's requests and
     * connections, the plan of every file, and the garbage collector's room to work. Past it, a run could end
     * in an OutOfMemoryError midway: a stack trace, no table, and files neither tried nor reported.
     */
    static final double MAX_HEAP_SHARE_FOR_PARTS = 0.5;

    UploadOptions {
        paths = List.copyOf(paths);
        requireNonNull(bucket, "bucket is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(prefix, "prefix is null");
        requireNonNull(endpoint, "endpoint is null");
    }

    static UploadOptions parse(List<String> args) throws UsageException {
        return parse(args, Runtime.getRuntime().maxMemory());
    }

    /** @param maxHeap the JVM's maximum heap in bytes ({@link Runtime#maxMemory}), given here so tests can set it */
    static UploadOptions parse(List<String> args, long maxHeap) throws UsageException {
        CommandLine line = CommandLine.parse(args,
                Set.of("--bucket", "--dataset", "--prefix", "--concurrency", "--part-size", "--endpoint-url"),
                Set.of("--dry-run", "--allow-empty"));
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
        Optional<String> prefix = line.value("--prefix");
        if (dataset.isPresent()) {
            dataset = Optional.of(datasetName(dataset.get(), prefix));
        }
        int concurrency = line.number("--concurrency", 1, MAX_CONCURRENCY).orElse((long) DEFAULT_CONCURRENCY).intValue();
        int partSize = line.number("--part-size", FileUploader.MINIMUM_PART_SIZE / MIB, MAX_PART_SIZE_MIB)
                .map(mebibytes -> (int) (mebibytes * MIB))
                .orElse(FileUploader.DEFAULT_PART_SIZE);
        if (!line.flag("--dry-run")) {
            // A dry run holds no part buffer.
            refuseBuffersBeyondHeap(concurrency, partSize, maxHeap);
        }
        return new UploadOptions(
                paths,
                bucketName(line.required("--bucket")),
                dataset,
                prefix,
                line.flag("--dry-run"),
                line.flag("--allow-empty"),
                concurrency,
                partSize,
                endpoint(line.value("--endpoint-url")));
    }

    /**
     * Refuses, before anything starts, part buffers that would not fit in {@link #MAX_HEAP_SHARE_FOR_PARTS}
     * of the heap: {@code --concurrency} uploads at once, each holding one part. (A file too large for
     * 10,000 parts gets larger ones, 11 MiB for 100 GiB at the default part size: not known until the files
     * are, and the share left over is meant to absorb it.)
     */
    static void refuseBuffersBeyondHeap(int concurrency, int partSize, long maxHeap) throws UsageException {
        long buffers = (long) concurrency * partSize;
        // Runtime.maxMemory() is Long.MAX_VALUE when the JVM sets no limit.
        if (buffers <= maxHeap * MAX_HEAP_SHARE_FOR_PARTS) {
            return;
        }
        // With room to spare: the heap a JVM reports (Runtime.maxMemory) is less than its -Xmx under the serial
        // and parallel collectors, by a survivor space.
        long neededMib = (long) Math.ceil(buffers / MAX_HEAP_SHARE_FOR_PARTS / MIB * 1.25);
        String xmx = neededMib >= 1024 ? "-Xmx" + (neededMib + 1023) / 1024 + "g" : "-Xmx" + neededMib + "m";
        throw new UsageException("--concurrency " + concurrency + " x --part-size " + partSize / MIB + " MiB is " + buffers / MIB
                + " MiB of part buffers held at once, more than half of this JVM's maximum heap (" + maxHeap / MIB + " MiB), and the run could"
                + " die midway out of memory: lower --concurrency or --part-size, or raise the heap, e.g. JAVA_TOOL_OPTIONS=" + xmx);
    }

    /**
     * The dataset's name alone. Slashes around it are tidied (a shell completes a folder's name with one); a slash
     * inside is refused: the converter takes a key's first folder as its dataset, so {@code sales/2026} would be
     * one table, {@code sales_2026}, its rows apart from those of {@code sales}, where folders after the dataset
     * ({@code --prefix}) were almost surely meant.
     */
    static String datasetName(String text, Optional<String> prefix) throws UsageException {
        String name = text.strip();
        while (name.startsWith("/")) {
            name = name.substring(1);
        }
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            throw new UsageException("--dataset must name a dataset, not '" + text + "'");
        }
        int slash = name.indexOf('/');
        String first = slash < 0 ? name : name.substring(0, slash);
        if (!BronzeKeyLayout.namesADataset(first)) {
            // '.' meant as "this folder", or a slip: the converter would name the table after a hash of it.
            throw new UsageException("--dataset must name a dataset, not '" + text + "': " + (slash < 0 ? "it" : "its first folder '" + first + "'")
                    + " holds no letter or digit, so its table would be named after a hash of it (" + SilverLayout.datasetName(first) + "): give the dataset's name, such as sales");
        }
        if (slash < 0) {
            return name;
        }
        String folders = name.substring(slash + 1) + prefix.map(value -> "/" + value.strip().replaceAll("^/+|/+$", "")).orElse("");
        throw new UsageException("--dataset takes the dataset's name alone, not '" + text + "': the converter takes a key's first folder as its dataset,"
                + " so this would be one table, " + SilverLayout.datasetName(name) + "; to upload into " + SilverLayout.datasetName(first)
                + " under the folders " + folders + ", give --dataset " + first + " --prefix " + folders);
    }

    /**
     * People paste {@code s3://bucket/}: the name alone is kept. A name S3's naming rules refuse is refused here, naming
     * the rule ({@link BucketNameRules}); a folder after the name is pointed to --dataset and --prefix, as the key's
     * first folder is its dataset.
     */
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
        int slash = name.indexOf('/');
        String bucket = slash < 0 ? name : name.substring(0, slash);
        Optional<String> brokenRule = BucketNameRules.brokenRule(bucket);
        if (brokenRule.isPresent()) {
            throw new UsageException("--bucket '" + text + "' is not a bucket name S3 allows: " + brokenRule.get()
                    + ": give the bronze bucket's name, as terraform output bucket_names prints it (" + BucketNameRules.citation() + ")");
        }
        if (slash >= 0) {
            String folders = name.substring(slash + 1).replaceAll("/{2,}", "/");
            int next = folders.indexOf('/');
            String dataset = next < 0 ? folders : folders.substring(0, next);
            String prefix = next < 0 ? "" : " --prefix " + folders.substring(next + 1);
            throw new UsageException("--bucket takes the bucket's name alone, not '" + text + "': give --bucket " + bucket + " --dataset " + dataset
                    + prefix + " (a key's first folder is its dataset, by default the name of the folder uploaded, and the folders after it go in --prefix)");
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
