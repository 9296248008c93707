package dev.medallion.silver.benchmark;

import dev.medallion.common.sample.RetailTransactionsGenerator;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * Times the Silver converter against DuckDB on the same synthetic retail CSV.
 *
 * <p>Three contestants: the converter with the default tiered JIT (C2), the converter with
 * {@code -XX:TieredStopAtLevel=1} (C1 only, what Lambda's Java runtimes set by default), both capped at
 * {@code -Xmx256m} and each run in a fresh JVM through {@link ConverterProbe}; and DuckDB with two
 * threads, in this JVM over JDBC, timed from connect to the end of its {@code COPY}. A fresh JVM per
 * converter run is deliberate: a Lambda invocation that converts one file mostly runs cold code, and a
 * warmed-up loop in one JVM would flatter us. The converter gets two timings: the outside wall clock of
 * the whole child process (JVM start-up included, the fair one against DuckDB's in-process timing
 * which has no start-up to pay) and the probe's own in-process seconds.
 *
 * <p>Usage: {@code ConversionBenchmark [--rows N] [--runs N] [--work DIR] [--jar PATH]}; by default
 * 2,000,000 rows (about 195 MB), 3 runs each, and the module's {@code target/benchmark} and
 * {@code target/silver-converter.jar}. The CSV is generated once per row count and reused.
 * {@code benchmarks/run-benchmark.sh} builds everything and runs this with the right classpath.
 */
public final class ConversionBenchmark {
    /** The first words of the one line {@link ConverterProbe} prints for this class to parse. */
    public static final String PROBE_MARKER = "probe ";

    // Fixed so that every machine and every run measures the same bytes.
    private static final long SEED = 20_250_101L;
    // By name, not ConverterProbe.class: this JVM does not have the converter on its classpath.
    private static final String PROBE_CLASS = "dev.medallion.silver.benchmark.ConverterProbe";
    private static final String CONVERTER_HEAP = "-Xmx256m";
    private static final int DUCKDB_THREADS = 2;
    private static final long CHILD_TIMEOUT_MINUTES = 30;
    private static final int LOG_TAIL_LINES = 25;

    private final Options options;

    public ConversionBenchmark(Options options) {
        this.options = requireNonNull(options, "options is null");
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(List.of(args));
        }
        catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: ConversionBenchmark [--rows N] [--runs N] [--work DIR] [--jar PATH]");
            System.exit(2);
            return;
        }
        System.exit(new ConversionBenchmark(options).run());
    }

    /** Runs everything, prints the report, and returns 0 when every contestant ran. */
    public int run() throws IOException, InterruptedException, SQLException {
        Files.createDirectories(options.work());
        System.out.println("Machine: " + describeMachine());

        Path csv = options.work().resolve("retail-transactions-" + options.rows() + "-seed" + SEED + ".csv");
        ensureCsv(csv);
        long inputBytes = Files.size(csv);
        System.out.printf(Locale.ROOT, "Input:   %s, %,d rows, %.1f MB%n", csv, options.rows(), inputBytes / 1e6);
        // Every contestant then reads from the page cache, whether or not the file was just written.
        readFully(csv);

        DuckDbContestant duckDb = new DuckDbContestant();
        List<Contestant> contestants = List.of(
                new ConverterContestant("converter C2 " + CONVERTER_HEAP, List.of(CONVERTER_HEAP)),
                new ConverterContestant("converter C1 " + CONVERTER_HEAP, List.of(CONVERTER_HEAP, "-XX:TieredStopAtLevel=1")),
                duckDb);
        System.out.println("DuckDB:  " + duckDbVersion() + ", in this JVM over JDBC, timed from connect to the end of COPY"
                + " (native library loaded beforehand, untimed), threads=" + DUCKDB_THREADS);
        System.out.printf(Locale.ROOT, "Converter: %s + %s, each run in a fresh JVM (%s); timed from outside and inside%n",
                options.jar(), options.testClasses(), javaCommand());
        System.out.println();

        Map<Contestant, Result> results = new LinkedHashMap<>();
        for (Contestant contestant : contestants) {
            results.put(contestant, new Result(contestant.name(), contestant.timing()));
            contestant.unavailable().ifPresent(reason -> {
                results.get(contestant).fail(reason);
                System.out.println(contestant.name() + ": SKIPPED: " + reason);
            });
        }
        // Rounds interleave the contestants so that a noisy neighbour or a warming CPU hurts all alike.
        for (int round = 1; round <= options.runs(); round++) {
            for (Contestant contestant : contestants) {
                Result result = results.get(contestant);
                if (result.failure().isPresent()) {
                    continue;
                }
                Path output = options.work().resolve("out").resolve(contestant.directoryName());
                deleteRecursively(output);
                Files.createDirectories(output);
                try {
                    Measurement measurement = contestant.measure(csv, output, round);
                    result.add(measurement);
                    System.out.println(contestant.name() + " run " + round + ": " + measurement);
                }
                catch (ContestantFailedException e) {
                    result.fail(e.getMessage());
                    System.out.println(contestant.name() + " run " + round + ": FAILED: " + e.getMessage());
                }
            }
        }
        System.out.println();
        boolean rowsMatch = true;
        for (Contestant contestant : contestants) {
            Result result = results.get(contestant);
            if (result.failure().isEmpty()) {
                Path output = options.work().resolve("out").resolve(contestant.directoryName());
                String count;
                try {
                    long rows = countParquetRows(output);
                    count = String.format(Locale.ROOT, "%,d", rows);
                    rowsMatch &= rows == options.rows();
                }
                catch (SQLException e) {
                    count = "unknown, DuckDB cannot read them back: " + e.getMessage().lines().filter(line -> !line.isBlank())
                            .reduce((first, second) -> second).orElse("");
                    rowsMatch = false;
                }
                System.out.printf(Locale.ROOT, "%s: rows in the last run's Parquet %s, expected %,d%n",
                        contestant.name(), count, options.rows());
            }
        }

        System.out.println();
        printSummary(results, results.get(duckDb), inputBytes);
        System.out.println("peak heap: the sum of each heap pool's own peak in the converter's JVM, an upper bound that can"
                + " exceed -Xmx; MB = 10^6 bytes, MB/s of CSV input");
        if (!rowsMatch) {
            System.out.println("WARNING: some output does not hold exactly the input rows; its timings prove nothing");
        }
        return rowsMatch && results.values().stream().allMatch(result -> result.failure().isEmpty()) ? 0 : 1;
    }

    private void printSummary(Map<Contestant, Result> results, Result duckDb, long inputBytes) {
        System.out.printf(Locale.ROOT, "%-24s %-15s %8s %8s %12s %8s %12s %10s%n",
                "contestant", "timing", "best s", "median s", "rows/s", "MB/s", "output MB", "peak heap");
        for (Result result : results.values()) {
            if (result.failure().isPresent()) {
                // Only the first line: the log's tail was printed when the run failed.
                System.out.printf(Locale.ROOT, "%-24s FAILED: %s%n", result.name(), result.failure().get().lines().findFirst().orElse(""));
                continue;
            }
            printLine(result, result.timing(), result.wallSeconds(), inputBytes);
            if (!result.inProcessSeconds().isEmpty()) {
                printLine(result, "in-process", result.inProcessSeconds(), inputBytes);
            }
        }

        System.out.println();
        for (Result result : results.values()) {
            if (result == duckDb) {
                continue;
            }
            if (result.failure().isPresent() || duckDb.failure().isPresent()) {
                System.out.println(result.name() + " / DuckDB throughput: n/a, not both ran");
                continue;
            }
            double duckBest = best(duckDb.wallSeconds());
            System.out.printf(Locale.ROOT, "%s / DuckDB throughput: %.2fx by process wall time, %.2fx in-process%n",
                    result.name(), duckBest / best(result.wallSeconds()), duckBest / best(result.inProcessSeconds()));
        }
    }

    private void printLine(Result result, String timing, List<Double> seconds, long inputBytes) {
        double best = best(seconds);
        String heap = result.peakHeapBytes().isPresent()
                ? String.format(Locale.ROOT, "%.0f MiB", result.peakHeapBytes().getAsLong() / 1048576.0)
                : "-";
        System.out.printf(Locale.ROOT, "%-24s %-15s %8.3f %8.3f %,12.0f %8.1f %12.2f %10s%n",
                result.name(), timing, best, median(seconds), options.rows() / best, inputBytes / 1e6 / best,
                result.outputBytes() / 1e6, heap);
    }

    private void ensureCsv(Path csv) throws IOException {
        if (Files.isRegularFile(csv)) {
            System.out.println("Reusing " + csv);
            return;
        }
        // Written beside and renamed into place: an interrupted run must not leave a short file to reuse.
        Path temporary = csv.resolveSibling(csv.getFileName() + ".tmp");
        long start = System.nanoTime();
        long bytes;
        try (Writer writer = Files.newBufferedWriter(temporary, US_ASCII)) {
            bytes = new RetailTransactionsGenerator(SEED).write(options.rows(), writer);
        }
        Files.move(temporary, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf(Locale.ROOT, "Generated %s: %,d rows, %.1f MB in %.2f s%n",
                csv, options.rows(), bytes / 1e6, (System.nanoTime() - start) / 1e9);
    }

    private interface Contestant {
        String name();

        String directoryName();

        /** What the wall-clock seconds cover. */
        String timing();

        /** Why this contestant cannot run at all, checked once before the first round. */
        Optional<String> unavailable();

        Measurement measure(Path csv, Path output, int round) throws IOException, InterruptedException, ContestantFailedException;
    }

    private final class ConverterContestant implements Contestant {
        private final String name;
        private final List<String> jvmOptions;

        ConverterContestant(String name, List<String> jvmOptions) {
            this.name = requireNonNull(name, "name is null");
            this.jvmOptions = List.copyOf(jvmOptions);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String timing() {
            return "process wall";
        }

        @Override
        public String directoryName() {
            return name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-+$", "");
        }

        @Override
        public Optional<String> unavailable() {
            if (!Files.isRegularFile(options.jar())) {
                return Optional.of("converter jar " + options.jar() + " is missing; build it with benchmarks/run-benchmark.sh"
                        + " or mvn -B -DskipTests -pl silver-converter -am package");
            }
            Path probe = options.testClasses().resolve(PROBE_CLASS.replace('.', '/') + ".class");
            if (!Files.isRegularFile(probe)) {
                return Optional.of("probe class " + probe + " is missing; the test classes were not compiled");
            }
            return Optional.empty();
        }

        @Override
        public Measurement measure(Path csv, Path output, int round) throws IOException, InterruptedException, ContestantFailedException {
            List<String> command = new ArrayList<>();
            command.add(javaCommand());
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(options.jar() + File.pathSeparator + options.testClasses());
            command.add(PROBE_CLASS);
            command.add(csv.toString());
            command.add(output.toString());

            Path log = options.work().resolve("logs").resolve(directoryName() + "-run-" + round + ".log");
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // Options from the environment would silently change the JIT or heap being compared.
            builder.environment().remove("JAVA_TOOL_OPTIONS");
            builder.environment().remove("_JAVA_OPTIONS");
            builder.environment().remove("JDK_JAVA_OPTIONS");

            long start = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(CHILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new ContestantFailedException("timed out after " + CHILD_TIMEOUT_MINUTES + " minutes; log " + log);
            }
            double wallSeconds = (System.nanoTime() - start) / 1e9;

            List<String> lines = Files.readAllLines(log, UTF_8);
            Optional<Map<String, String>> probe = lines.stream()
                    .filter(line -> line.startsWith(PROBE_MARKER))
                    .reduce((first, second) -> second)
                    .map(ConversionBenchmark::parseProbeLine);
            if (process.exitValue() != 0 || probe.isEmpty()) {
                throw new ContestantFailedException("exit code " + process.exitValue()
                        + (probe.isEmpty() ? ", no probe line" : "") + "; log " + log + ", its last lines:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())));
            }
            long outputBytes = parquetBytes(output);
            if (outputBytes == 0) {
                throw new ContestantFailedException("no .parquet file under " + output + "; log " + log);
            }
            Map<String, String> values = probe.get();
            return new Measurement(
                    wallSeconds,
                    OptionalDouble.of(Double.parseDouble(values.get("seconds"))),
                    OptionalLong.of(Long.parseLong(values.get("peakHeapBytes"))),
                    outputBytes,
                    Optional.ofNullable(values.get("gcSeconds")).map(gc -> "gc " + gc + " s in " + values.get("gcCount") + " collections"));
        }
    }

    private final class DuckDbContestant implements Contestant {
        @Override
        public String name() {
            return "duckdb threads=" + DUCKDB_THREADS;
        }

        @Override
        public String directoryName() {
            return "duckdb";
        }

        @Override
        public String timing() {
            return "connect+COPY";
        }

        @Override
        public Optional<String> unavailable() {
            return Optional.empty();
        }

        @Override
        public Measurement measure(Path csv, Path output, int round) throws IOException, ContestantFailedException {
            Path parquet = output.resolve("out.parquet");
            String sql = "COPY (SELECT * FROM read_csv(" + sqlString(csv) + ", header=true)) TO " + sqlString(parquet)
                    + " (FORMAT PARQUET, COMPRESSION SNAPPY)";
            long start = System.nanoTime();
            try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                    Statement statement = connection.createStatement()) {
                statement.execute("SET threads=" + DUCKDB_THREADS);
                statement.execute(sql);
            }
            catch (SQLException e) {
                throw new ContestantFailedException("DuckDB: " + e.getMessage());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Measurement(seconds, OptionalDouble.empty(), OptionalLong.empty(), parquetBytes(output), Optional.empty());
        }
    }

    private static String duckDbVersion() throws SQLException {
        // Also loads DuckDB's native library, so that no timed run pays for unpacking it.
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT version()")) {
            resultSet.next();
            return "DuckDB " + resultSet.getString(1);
        }
    }

    /** Rows in every Parquet file under the directory, read back by DuckDB: a run that lost rows is no win. */
    private static long countParquetRows(Path directory) throws SQLException {
        String glob = directory.toAbsolutePath() + "/**/*.parquet";
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(
                        "SELECT count(*) FROM read_parquet(" + sqlString(glob) + ", union_by_name=true)")) {
            resultSet.next();
            return resultSet.getLong(1);
        }
    }

    private static String sqlString(Object value) {
        return "'" + value.toString().replace("'", "''") + "'";
    }

    private static Map<String, String> parseProbeLine(String line) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : line.substring(PROBE_MARKER.length()).trim().split("\\s+")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                values.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        return values;
    }

    /** The java binary running this benchmark, so the children run the same JDK. */
    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String describeMachine() {
        String cpus = command("nproc").orElse(String.valueOf(Runtime.getRuntime().availableProcessors()));
        String model = procLine("/proc/cpuinfo", "model name")
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .orElse(System.getProperty("os.arch"));
        String memory = procLine("/proc/meminfo", "MemTotal")
                .map(line -> String.format(Locale.ROOT, "%.1f GiB",
                        Long.parseLong(line.replaceAll("[^0-9]", "")) / 1048576.0))
                .orElse("unknown");
        return String.format(Locale.ROOT, "%s cpus (nproc), %s, %s memory, %s %s %s, java %s (%s, %s)",
                cpus, model, memory,
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.name"), System.getProperty("java.vendor"));
    }

    private static Optional<String> procLine(String file, String prefix) {
        try (Stream<String> lines = Files.lines(Path.of(file), UTF_8)) {
            return lines.filter(line -> line.startsWith(prefix)).findFirst();
        }
        catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> command(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8).trim();
            return process.waitFor() == 0 && !output.isEmpty() ? Optional.of(output) : Optional.empty();
        }
        catch (IOException e) {
            return Optional.empty();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void readFully(Path file) throws IOException {
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            while (in.read(buffer) >= 0) {
                // Only the side effect matters: the file's pages end up cached.
            }
        }
    }

    private static long parquetBytes(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(".parquet"))
                    .mapToLong(file -> {
                        try {
                            return Files.size(file);
                        }
                        catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static double best(List<Double> seconds) {
        return seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double median(List<Double> seconds) {
        List<Double> sorted = seconds.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** One timed run; the converter's also carries the probe's in-process numbers. */
    private record Measurement(
            double wallSeconds,
            OptionalDouble inProcessSeconds,
            OptionalLong peakHeapBytes,
            long outputBytes,
            Optional<String> note) {
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%.3f s", wallSeconds));
            inProcessSeconds.ifPresent(seconds -> text.append(String.format(Locale.ROOT, " (in-process %.3f s)", seconds)));
            peakHeapBytes.ifPresent(bytes -> text.append(String.format(Locale.ROOT, ", peak heap %.0f MiB", bytes / 1048576.0)));
            text.append(String.format(Locale.ROOT, ", output %,d bytes", outputBytes));
            note.ifPresent(value -> text.append(", ").append(value));
            return text.toString();
        }
    }

    /** What one contestant did over all rounds; mutable, and confined to the benchmark's one thread. */
    private static final class Result {
        private final String name;
        private final String timing;
        private final List<Measurement> measurements = new ArrayList<>();
        private Optional<String> failure = Optional.empty();

        Result(String name, String timing) {
            this.name = requireNonNull(name, "name is null");
            this.timing = requireNonNull(timing, "timing is null");
        }

        String name() {
            return name;
        }

        String timing() {
            return timing;
        }

        void add(Measurement measurement) {
            measurements.add(requireNonNull(measurement, "measurement is null"));
        }

        void fail(String reason) {
            failure = Optional.of(reason);
        }

        Optional<String> failure() {
            return failure;
        }

        List<Double> wallSeconds() {
            return measurements.stream().map(Measurement::wallSeconds).toList();
        }

        List<Double> inProcessSeconds() {
            return measurements.stream()
                    .filter(measurement -> measurement.inProcessSeconds().isPresent())
                    .map(measurement -> measurement.inProcessSeconds().getAsDouble())
                    .toList();
        }

        OptionalLong peakHeapBytes() {
            return measurements.stream()
                    .filter(measurement -> measurement.peakHeapBytes().isPresent())
                    .mapToLong(measurement -> measurement.peakHeapBytes().getAsLong())
                    .max();
        }

        long outputBytes() {
            return measurements.get(measurements.size() - 1).outputBytes();
        }
    }

    private static final class ContestantFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        ContestantFailedException(String message) {
            super(message);
        }
    }

    /** The command line; paths default to the module's target directory, wherever this is started from. */
    public record Options(long rows, int runs, Path work, Path jar, Path testClasses) {
        public Options {
            if (rows <= 0) {
                throw new IllegalArgumentException("--rows must be positive: " + rows);
            }
            if (runs <= 0) {
                throw new IllegalArgumentException("--runs must be positive: " + runs);
            }
            requireNonNull(work, "work is null");
            requireNonNull(jar, "jar is null");
            requireNonNull(testClasses, "testClasses is null");
        }

        static Options parse(List<String> args) {
            Path testClasses = testClassesDirectory();
            Path target = testClasses.getParent();
            long rows = 2_000_000;
            int runs = 3;
            Path work = target.resolve("benchmark");
            Path jar = target.resolve("silver-converter.jar");
            for (int i = 0; i < args.size(); i++) {
                String name = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("missing value for " + name);
                }
                String value = args.get(++i);
                try {
                    switch (name) {
                        case "--rows" -> rows = Long.parseLong(value.replace("_", "").replace(",", ""));
                        case "--runs" -> runs = Integer.parseInt(value);
                        case "--work" -> work = Path.of(value);
                        case "--jar" -> jar = Path.of(value);
                        default -> throw new IllegalArgumentException("unknown option " + name);
                    }
                }
                catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number for " + name + ": " + value);
                }
            }
            return new Options(rows, runs, work.toAbsolutePath().normalize(), jar.toAbsolutePath().normalize(), testClasses);
        }

        /** Where this class was loaded from: the module's target/test-classes when run as the script does. */
        private static Path testClassesDirectory() {
            try {
                Path location = Path.of(ConversionBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (!Files.isDirectory(location) || location.getParent() == null) {
                    throw new IllegalStateException("ConversionBenchmark must run from the test-classes directory, not " + location);
                }
                return location.toAbsolutePath().normalize();
            }
            catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
