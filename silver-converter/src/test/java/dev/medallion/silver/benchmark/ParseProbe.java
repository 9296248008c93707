package dev.medallion.silver.benchmark;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.Environment;
import dev.medallion.silver.csv.CsvReader;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The floor under the converter's CPU in {@code benchmarks/run-benchmark.sh}: reads a CSV through the
 * converter's own reader ({@link CsvReader}: decoding, the sample, delimiter detection and Commons CSV, the
 * parser the project keeps) and does nothing with the records but count them and their characters: no
 * typing, no Parquet, no output. Whatever the converter spends beyond this, it spends on typing, encoding
 * and writing.
 *
 * <p>Usage: {@code ParseProbe INPUT_CSV [REPEAT]}: reads the file {@code repeat} times in this one JVM and
 * prints a line per pass, as {@link ConverterProbe} does:
 * {@code probe run=… seconds=… cpuSeconds=… records=… characters=…} ({@code records} counts the header).
 */
public final class ParseProbe {
    private ParseProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: ParseProbe INPUT_CSV [REPEAT]");
            System.exit(2);
        }
        Path input = Path.of(args[0]);
        int repeat = args.length == 2 ? Integer.parseInt(args[1]) : 1;
        int maxRowChars = ConversionLimits.fromEnvironment(Environment.system()).maxRowChars();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int run = 1; run <= repeat; run++) {
            long cpuBefore = os.getProcessCpuTime();
            long start = System.nanoTime();
            long records = 0;
            long characters = 0;
            try (InputStream in = Files.newInputStream(input);
                    CsvReader reader = CsvReader.open(in, Optional.empty(), Optional.empty(), input.toString(), "sales", maxRowChars)) {
                for (Optional<CsvReader.Row> row = reader.next(); row.isPresent(); row = reader.next()) {
                    records++;
                    List<String> fields = row.get().fields();
                    for (int i = 0; i < fields.size(); i++) {
                        characters += fields.get(i).length();
                    }
                }
            }
            System.out.println(String.format(Locale.ROOT, "%srun=%d seconds=%.3f cpuSeconds=%.3f records=%d characters=%d",
                    ConverterProbe.MARKER, run, (System.nanoTime() - start) / 1e9, (os.getProcessCpuTime() - cpuBefore) / 1e9, records, characters));
            System.out.flush();
        }
    }
}
