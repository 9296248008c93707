package dev.medallion.silver.benchmark;

import dev.medallion.silver.local.SilverConverterCli;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;

/**
 * The child process of {@link ConversionBenchmark}: converts one CSV with the local command's own entry
 * point, then prints one line the benchmark parses,
 * {@code probe seconds=… peakHeapBytes=… gcCount=… gcSeconds=… exitCode=…}, and exits with the command's
 * exit code. It runs in a fresh JVM per measurement so every run pays the same class loading and JIT
 * warm-up a Lambda cold start does; the in-process seconds leave out JVM start-up and the benchmark's
 * outside wall clock keeps it in.
 *
 * <p>Usage: {@code ConverterProbe INPUT_CSV OUTPUT_DIR}.
 */
public final class ConverterProbe {
    private ConverterProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ConverterProbe INPUT_CSV OUTPUT_DIR");
            System.exit(2);
        }
        long start = System.nanoTime();
        int exitCode = SilverConverterCli.run(
                List.of("convert", "--input", args[0], "--output", args[1], "--dataset", "sales"),
                System.out,
                System.err);
        long nanos = System.nanoTime() - start;

        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, collector.getCollectionCount());
            gcMillis += Math.max(0, collector.getCollectionTime());
        }
        System.out.flush();
        System.out.println(String.format(Locale.ROOT, "%sseconds=%.3f peakHeapBytes=%d gcCount=%d gcSeconds=%.3f exitCode=%d",
                ConversionBenchmark.PROBE_MARKER, nanos / 1e9, peakHeapBytes(), gcCount, gcMillis / 1e3, exitCode));
        System.out.flush();
        System.exit(exitCode);
    }

    /**
     * The sum of each heap pool's own peak. Pools peak at different moments (eden just before a young
     * collection, old gen late), so this overstates the true simultaneous peak a little; it is still the
     * number to hold against -Xmx, and the JVM keeps no better one.
     */
    private static long peakHeapBytes() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                total += pool.getPeakUsage().getUsed();
            }
        }
        return total;
    }
}
