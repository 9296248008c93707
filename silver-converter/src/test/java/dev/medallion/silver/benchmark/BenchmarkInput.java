package dev.medallion.silver.benchmark;

import dev.medallion.common.sample.RetailTransactionsGenerator;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * Writes the benchmark's input: {@code rows} rows of the synthetic retail CSV with a fixed seed, so that
 * every machine and every run measures the same bytes. Written beside the target and renamed into place:
 * an interrupted run never leaves a short file to reuse.
 *
 * <p>Usage: {@code BenchmarkInput ROWS FILE}.
 */
public final class BenchmarkInput {
    static final long SEED = 20_250_101L;

    private BenchmarkInput() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BenchmarkInput ROWS FILE");
            System.exit(2);
        }
        long rows = Long.parseLong(args[0]);
        Path csv = Path.of(args[1]);
        Path temporary = csv.resolveSibling(csv.getFileName() + ".tmp");
        long bytes;
        try (Writer writer = Files.newBufferedWriter(temporary, US_ASCII)) {
            bytes = new RetailTransactionsGenerator(SEED).write(rows, writer);
        }
        Files.move(temporary, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf(Locale.ROOT, "generated %s: %,d rows, %,d bytes, seed %d%n", csv, rows, bytes, SEED);
    }
}
