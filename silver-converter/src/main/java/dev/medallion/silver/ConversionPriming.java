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
import java.util.Optional;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Converts a small CSV through the real converter into a temporary local directory and deletes it again,
 * so that the converter's classes are loaded and its per-row code is compiled before the process is
 * copied: run before a Lambda SnapStart snapshot, it moves that start-up cost (about 1.9 CPU s on a cold
 * JVM, BENCHMARKS.md "Where the CPU goes") out of every restored execution environment.
 * <p>
 * The CSV is the benchmark's own retail data ({@link RetailTransactionsGenerator}, fixed seed): integers,
 * decimals, timestamps, booleans, text and quoted text with commas and doubled quotes, so the paths a real
 * file takes are the ones that run. It touches no network and no client: nothing of it may be open in a
 * snapshot, and the directory is gone when {@link #prime()} returns, whether it converted or failed.
 */
public final class ConversionPriming {
    /**
     * Measured (BENCHMARKS.md, Start-up): after 5,000 rows the first real conversion of the 194 MB file cost
     * 3.65 CPU s, after 50,000 rows 3.47, cold 4.72; 50,000 rows take about 1.5 CPU s once, at publication.
     */
    public static final int DEFAULT_ROWS = 50_000;

    private static final long SEED = 20250101L;
    private static final String DATASET = "priming";

    private final ConversionLimits limits;
    private final int rows;
    private final Optional<Path> parent;

    /** @param limits the limits the real conversions use, so the priming run takes the same code paths */
    public ConversionPriming(ConversionLimits limits, int rows) {
        this(limits, rows, Optional.empty());
    }

    /** @param parent where the temporary directory goes; the system's temporary directory when empty */
    ConversionPriming(ConversionLimits limits, int rows, Optional<Path> parent) {
        this.limits = requireNonNull(limits, "limits is null");
        this.parent = requireNonNull(parent, "parent is null");
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be positive: " + rows);
        }
        this.rows = rows;
    }

    /** What the priming run did. */
    public record Result(long rowsRead, long rowsWritten, int parts, double seconds) {}

    /**
     * Converts the CSV and removes everything it wrote. Throws if the conversion did not write every row:
     * a priming run that quietly converted nothing would leave the snapshot cold.
     */
    public Result prime() throws IOException {
        long started = System.nanoTime();
        byte[] csv = csv(rows);
        SourceObject source = new SourceObject("priming", DATASET + "/retail.csv", "priming", csv.length, Instant.EPOCH);
        Path directory = parent.isPresent()
                ? Files.createTempDirectory(parent.get(), "silver-priming-")
                : Files.createTempDirectory("silver-priming-");
        try {
            SilverConverter converter = new SilverConverter(
                    new LocalObjectStore(directory),
                    new SilverLayout(""),
                    limits,
                    CsvOverrides.none(),
                    // Silent: a priming run is not a conversion, and must not look like one in the logs.
                    new JsonLog(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8), Clock.systemUTC()),
                    Clock.systemUTC());
            Manifest manifest = converter.convert(source, DATASET, () -> new ByteArrayInputStream(csv)).manifest();
            if (!Manifest.CONVERTED.equals(manifest.status()) || manifest.rowsWritten() != rows) {
                throw new IOException("The priming conversion did not convert its " + rows + " rows: status " + manifest.status()
                        + ", " + manifest.rowsWritten() + " written, " + manifest.rowsQuarantined() + " quarantined"
                        + (manifest.reason() == null ? "" : " (" + manifest.reason() + ")"));
            }
            return new Result(manifest.rowsRead(), manifest.rowsWritten(), manifest.parts().size(), (System.nanoTime() - started) / 1e9);
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
