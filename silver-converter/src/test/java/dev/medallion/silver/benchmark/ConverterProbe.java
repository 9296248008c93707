package dev.medallion.silver.benchmark;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.Environment;
import dev.medallion.silver.ConversionPriming;
import dev.medallion.silver.local.SilverConverterCli;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.reflect.Method;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The converter's side of {@code benchmarks/run-benchmark.sh}: converts one CSV with the local command's
 * own entry point, {@code repeat} times in this one JVM (each into a fresh output directory), and prints a
 * line per conversion that the benchmark parses (collections counted for that conversion alone):
 * {@code probe run=… seconds=… cpuSeconds=… peakHeapBytes=… gcCount=… gcSeconds=… classes=… classLoadingSeconds=… exitCode=…}.
 * The first conversion is the cold one a new Lambda execution environment runs (class loading, JIT
 * warm-up); a later one is a warm Lambda's. {@code cpuSeconds} is the whole JVM's CPU time during that
 * conversion (every thread, the JIT compilers and the garbage collector included).
 *
 * <p>Usage: {@code ConverterProbe INPUT_CSV OUTPUT_DIR [REPEAT] [CONVERT OPTION...]}: after its own arguments, the options of the
 * {@code convert} command but {@code --input} and {@code --output} ({@code --contracts DIR}, {@code --null-values N/A}, …), passed to
 * every conversion and read by that command, so that a file is measured in the settings a dataset is deployed with, and a wrong
 * one refused as the command refuses it; {@code --dataset} is {@code sales} unless given. It lives with the tests, outside the
 * Lambda jar. Class-loading time is HotSpot's own counter ({@code sun.cls.time}), read only when the JVM
 * runs with {@code --add-exports java.management/sun.management=ALL-UNNAMED}, else reported as -1.
 *
 * <p>With {@code -Dprobe.prime=ROWS,ROWS,…} it first runs the SnapStart priming ({@link ConversionPriming}) of
 * files of those many rows ({@code -Dprobe.prime=default}: the handler's) and prints
 * {@code primed files=… rows=… seconds=… cpuSeconds=…}: the first conversion after it is the nearest this
 * machine has to the first one in an execution environment restored from a primed snapshot.
 *
 * <p>With {@code -Dprobe.knownDataset=true}, every conversion after the first starts with the schema contract
 * the first stored ({@code _schemas/}, copied into its fresh output directory): the dataset is known, as it
 * is for every file of a dataset but its first, so the contract is read, not inferred from a sample.
 */
public final class ConverterProbe {
    static final String MARKER = "probe ";
    static final String USAGE = """
            usage: ConverterProbe INPUT_CSV OUTPUT_DIR [REPEAT] [CONVERT OPTION...]
              REPEAT           conversions in this JVM, each into OUTPUT_DIR/run-N when more than 1; default 1
              CONVERT OPTION   any option of java -jar silver-converter.jar convert but --input and --output
                               (--dataset, --delimiter, --encoding, --null-values, --quoted-empty-strings,
                               --contracts, --verbose; convert --help), read by that command; --dataset
                               defaults to sales. CSV_DELIMITERS, CSV_ENCODINGS, CSV_NULL_VALUES,
                               CSV_QUOTED_EMPTY_STRINGS and the tunables are read from the environment, as there.
            """;

    private ConverterProbe() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /**
     * Runs the probe and returns its exit code: that of the last conversion run (the probe stops at the first that is not 0), or 2
     * for arguments the probe itself refuses, said on {@code err}.
     */
    static int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        Optional<String> refused = refusal(args);
        if (refused.isPresent()) {
            err.println("error: " + refused.get());
            err.print(USAGE);
            return 2;
        }
        String input = args.get(0);
        String outputRoot = args.get(1);
        boolean repeatGiven = args.size() > 2 && !args.get(2).startsWith("--");
        int repeat = repeatGiven ? Integer.parseInt(args.get(2)) : 1;
        List<String> convertOptions = new ArrayList<>(args.subList(repeatGiven ? 3 : 2, args.size()));
        // The benchmark's dataset, so that its files' names (and sizes) stay those of every run before the options were passed.
        if (convertOptions.stream().noneMatch(option -> isOption(option, "--dataset"))) {
            convertOptions.addAll(List.of("--dataset", "sales"));
        }
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        String priming = System.getProperty("probe.prime");
        if (priming != null) {
            List<Integer> files = priming.equals("default")
                    ? ConversionPriming.DEFAULT_FILES
                    : Arrays.stream(priming.split(",")).map(rows -> Integer.valueOf(rows.strip())).toList();
            long cpuBefore = os.getProcessCpuTime();
            ConversionPriming.Result primed = new ConversionPriming(ConversionLimits.fromEnvironment(Environment.system()), files).prime();
            out.println(String.format(Locale.ROOT, "primed files=%d rows=%d seconds=%.3f cpuSeconds=%.3f",
                    primed.files(), primed.rowsWritten(), primed.seconds(), (os.getProcessCpuTime() - cpuBefore) / 1e9));
        }
        int exitCode = 0;
        for (int run = 1; run <= repeat && exitCode == 0; run++) {
            String output = repeat == 1 ? outputRoot : Path.of(outputRoot, "run-" + run).toString();
            if (run > 1 && Boolean.getBoolean("probe.knownDataset")) {
                copyContracts(Path.of(outputRoot, "run-1", "_schemas"), Path.of(output, "_schemas"));
            }
            List<String> convert = new ArrayList<>(List.of("convert", "--input", input, "--output", output));
            convert.addAll(convertOptions);
            long cpuBefore = os.getProcessCpuTime();
            long gcCountBefore = gcCount();
            long gcMillisBefore = gcMillis();
            long start = System.nanoTime();
            exitCode = SilverConverterCli.run(convert, out, err);
            long nanos = System.nanoTime() - start;
            long cpuNanos = os.getProcessCpuTime() - cpuBefore;

            long gcCount = gcCount() - gcCountBefore;
            long gcMillis = gcMillis() - gcMillisBefore;
            out.flush();
            out.println(String.format(Locale.ROOT,
                    "%srun=%d seconds=%.3f cpuSeconds=%.3f peakHeapBytes=%d gcCount=%d gcSeconds=%.3f classes=%d classLoadingSeconds=%.3f exitCode=%d",
                    MARKER, run, nanos / 1e9, cpuNanos / 1e9, peakHeapBytes(), gcCount, gcMillis / 1e3, classes.getTotalLoadedClassCount(),
                    classLoadingSeconds(), exitCode));
            out.flush();
        }
        return exitCode;
    }

    /**
     * What is wrong with the probe's own arguments, if anything: the options after them are the {@code convert} command's, which
     * refuses those it does not take, naming them, in the first conversion, before it writes anything.
     */
    private static Optional<String> refusal(List<String> args) {
        if (args.size() < 2 || args.get(0).startsWith("--") || args.get(1).startsWith("--")) {
            return Optional.of("give INPUT_CSV and OUTPUT_DIR first, then REPEAT if any, then convert's options");
        }
        if (args.size() > 2 && !args.get(2).startsWith("--") && !isCount(args.get(2))) {
            return Optional.of("REPEAT '" + args.get(2) + "' must be a whole number of conversions, at least 1 (1 when left out)");
        }
        for (String arg : args) {
            if (isOption(arg, "--input") || isOption(arg, "--output")) {
                return Optional.of(arg + " is " + (isOption(arg, "--input") ? "INPUT_CSV, the probe's first" : "OUTPUT_DIR, the probe's second")
                        + " argument: the probe gives convert --input and --output itself (an --output of its own for each of REPEAT conversions)");
            }
        }
        return Optional.empty();
    }

    private static boolean isCount(String text) {
        return text.matches("[0-9]{1,9}") && Integer.parseInt(text) >= 1;
    }

    /** Whether {@code arg} is the option {@code name}, as convert's command line takes it: {@code --name VALUE} or {@code --name=VALUE}. */
    private static boolean isOption(String arg, String name) {
        return arg.equals(name) || arg.startsWith(name + "=");
    }

    private static void copyContracts(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> contracts = Files.list(from)) {
            for (Path contract : contracts.toList()) {
                Files.copy(contract, to.resolve(contract.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static long gcCount() {
        long count = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, collector.getCollectionCount());
        }
        return count;
    }

    private static long gcMillis() {
        long millis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, collector.getCollectionTime());
        }
        return millis;
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

    /** HotSpot's accumulated class loading time (define, link, verify), or -1 where it cannot be read. */
    private static double classLoadingSeconds() {
        try {
            Class<?> helper = Class.forName("sun.management.ManagementFactoryHelper");
            Object bean = helper.getMethod("getHotspotClassLoadingMBean").invoke(null);
            Method time = Class.forName("sun.management.HotspotClassLoadingMBean").getMethod("getClassLoadingTime");
            return ((Long) time.invoke(bean)) / 1e3;
        }
        catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
