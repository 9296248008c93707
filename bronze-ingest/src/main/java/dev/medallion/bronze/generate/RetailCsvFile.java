package dev.medallion.bronze.generate;

import dev.medallion.common.sample.RetailTransactionsGenerator;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import static java.util.Objects.requireNonNull;

/**
 * Writes the synthetic retail transactions of {@link RetailTransactionsGenerator} to a file: the same
 * bytes for the same seed and row count, gzip-compressed when the name ends in {@code .gz}. The file
 * appears whole or not at all: it is written beside its destination and moved into place at the end.
 */
public final class RetailCsvFile {
    /** The seed of the conversion benchmark (BENCHMARKS.md), so the default output is its input. */
    public static final long DEFAULT_SEED = 20_250_101L;
    private static final int BUFFER_BYTES = 1 << 20;

    private final long seed;

    public RetailCsvFile(long seed) {
        this.seed = seed;
    }

    /** What was written: rows (without the header), bytes on disk, and how long it took. */
    public record Written(Path file, long rows, long bytes, Duration elapsed) {}

    public Written write(long rows, Path file) throws IOException {
        requireNonNull(file, "file is null");
        if (rows < 0) {
            throw new IllegalArgumentException("--rows must not be negative: " + rows);
        }
        long started = System.nanoTime();
        Path target = file.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw new IllegalArgumentException("--out " + file + " is a folder: give a file name, such as " + file.resolve("retail.csv"));
        }
        Path folder = target.getParent();
        requireWritable(file, folder);
        Files.createDirectories(folder);
        // Not Files.createTempFile: its files are private to the owner, and this one is meant to be shared.
        Path partial = target.resolveSibling("." + target.getFileName() + "-" + UUID.randomUUID() + ".partial");
        try {
            try (OutputStream out = open(partial, target);
                    Writer writer = new OutputStreamWriter(out, StandardCharsets.US_ASCII)) {
                new RetailTransactionsGenerator(seed).write(rows, writer);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        finally {
            Files.deleteIfExists(partial);
        }
        return new Written(target, rows, Files.size(target), Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Refuses, as a wrong --out, a folder that cannot be created or written by this user: found while writing,
     * the file system's exception names the path alone ("error: /x/a.csv"), saying neither why nor what to do.
     */
    private static void requireWritable(Path given, Path folder) {
        Path existing = folder;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        if (!Files.isDirectory(existing)) {
            throw new IllegalArgumentException("--out " + given + " lies under " + existing + ", which is " + (Files.isRegularFile(existing) ? "a file" : "not a folder")
                    + ": give a file name in a folder");
        }
        if (!Files.isWritable(existing)) {
            throw new IllegalArgumentException("--out " + given + " cannot be written: " + existing + " is not writable (permission denied): give a file in a"
                    + " folder you can write to, or make " + existing + " writable");
        }
    }

    private static OutputStream open(Path partial, Path target) throws IOException {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), BUFFER_BYTES);
        if (target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
            return new GZIPOutputStream(out, BUFFER_BYTES);
        }
        return out;
    }
}
