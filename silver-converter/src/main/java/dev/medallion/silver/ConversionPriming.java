package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.sample.RetailTransactionsGenerator;
import dev.medallion.common.storage.LocalObjectStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Converts a few small CSV files through the real converter into a temporary local directory and deletes
 * it again, so that the converter's classes are loaded and its per-row code is compiled before the process
 * is copied: run before a Lambda SnapStart snapshot, it moves that start-up cost (about 1.9 CPU s on a cold
 * JVM, BENCHMARKS.md "Where the CPU goes") out of every restored execution environment.
 * <p>
 * Several conversions, not one: code that runs once per file (a new parser's first line, a column
 * writer's first value, an empty dictionary) takes a branch at the start of each file that it never takes
 * again in that file. After a single conversion the compiler treats that branch as never taken, and the
 * first file after a restore takes it, throws the hottest compiled code away and compiles it again
 * (BENCHMARKS.md, "What was tried"). The first file is larger than a chunk ({@code CHUNK_ROWS}, 100,000 by
 * default), so a chunk's hand-over runs too; the files after it find the schema contract the first one
 * stored, as a dataset's later files do.
 * <p>
 * The CSV is the benchmark's own retail data ({@link RetailTransactionsGenerator}, fixed seed): integers,
 * decimals, timestamps, booleans, text and quoted text with commas and doubled quotes, so the paths a real
 * file takes are the ones that run. It touches no network and no client: nothing of it may be open in a
 * snapshot, and the directory is gone when {@link #prime()} returns, whether it converted or failed.
 */
public final class ConversionPriming {
    /**
     * Rows of each file converted, in order. Measured (BENCHMARKS.md, "What was tried"): the first real
     * conversion of the 194 MB file after these cost 6.35 CPU s against 7.15 after one file of 50,000 rows
     * (six interleaved rounds); they take about 1.1 CPU s more than that one file, once, at publication.
     */
    public static final List<Integer> DEFAULT_FILES = List.of(120_000, 20_000, 20_000);

    private static final long SEED = 20250101L;
    private static final String DATASET = "priming";

    private final ConversionLimits limits;
    private final List<Integer> files;
    private final Optional<Path> parent;

    /**
     * @param limits the limits the real conversions use, so the priming run takes the same code paths
     * @param files the rows of each file to convert, in order
     */
    public ConversionPriming(ConversionLimits limits, List<Integer> files) {
        this(limits, files, Optional.empty());
    }

    /** @param parent where the temporary directory goes; the system's temporary directory when empty */
    ConversionPriming(ConversionLimits limits, List<Integer> files, Optional<Path> parent) {
        this.limits = requireNonNull(limits, "limits is null");
        this.parent = requireNonNull(parent, "parent is null");
        this.files = List.copyOf(requireNonNull(files, "files is null"));
        if (this.files.isEmpty() || this.files.stream().anyMatch(rows -> rows < 1)) {
            throw new IllegalArgumentException("priming needs at least one file, each of a positive number of rows: " + files);
        }
    }

    /** What the priming run did, over all its files. */
    public record Result(int files, long rowsRead, long rowsWritten, int parts, double seconds) {}

    /**
     * Converts the files and removes everything it wrote. Throws if a conversion did not write every row:
     * a priming run that quietly converted nothing would leave the snapshot cold.
     */
    public Result prime() throws IOException {
        long started = System.nanoTime();
        Path directory = parent.isPresent()
                ? Files.createTempDirectory(parent.get(), "silver-priming-")
                : Files.createTempDirectory("silver-priming-");
        try {
            SilverConverter converter = new SilverConverter(
                    // The lock file of its conditional writes beside the lake, in the directory deleted below.
                    new LocalObjectStore(directory.resolve("silver"), directory.resolve("locks")),
                    new SilverLayout(""),
                    limits,
                    CsvOverrides.none(),
                    // Silent: a priming run is not a conversion, and must not look like one in the logs.
                    new JsonLog(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8), Clock.systemUTC()),
                    Clock.systemUTC());
            long rowsRead = 0;
            long rowsWritten = 0;
            int parts = 0;
            for (int file = 0; file < files.size(); file++) {
                int rows = files.get(file);
                // One file's text at a time: the largest is about 12 MB.
                byte[] csv = csv(rows);
                String key = DATASET + "/retail-" + (file + 1) + ".csv";
                SourceObject source = new SourceObject("priming", key, "priming", csv.length, Instant.EPOCH);
                Manifest manifest = converter.convert(source, DATASET, () -> new ByteArrayInputStream(csv)).manifest();
                if (!Manifest.CONVERTED.equals(manifest.status()) || manifest.rowsWritten() != rows) {
                    throw new IOException("The priming conversion of " + key + " did not convert its " + rows + " rows: status " + manifest.status()
                            + ", " + manifest.rowsWritten() + " written, " + manifest.rowsQuarantined() + " quarantined"
                            + (manifest.reason() == null ? "" : " (" + manifest.reason() + ")"));
                }
                rowsRead += manifest.rowsRead();
                rowsWritten += manifest.rowsWritten();
                parts += manifest.parts().size();
            }
            return new Result(files.size(), rowsRead, rowsWritten, parts, (System.nanoTime() - started) / 1e9);
        }
        finally {
            deleteRecursively(directory);
        }
    }

    private static byte[] csv(int rows) throws IOException {
        StringWriter text = new StringWriter();
        new RetailTransactionsGenerator(SEED).write(rows, text);
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
