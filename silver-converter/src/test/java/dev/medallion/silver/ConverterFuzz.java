package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.config.RangeReading;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.sample.RetailTransactionsGenerator;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.local.SilverConverterCli;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * A seeded mutation fuzzer for the converter, run by {@link ConverterFuzzIT} in a JVM of its own with
 * {@code -Xmx256m}. It mutates valid CSV files (byte flips, inserted quotes, delimiters, NULs and line
 * breaks, truncations inside quoted fields and gzip streams, huge fields, wide headers, invalid UTF-8,
 * blank lines, gzip members damaged, cut or followed by garbage) and converts each with the real
 * converter into a fresh local store. Every conversion must end within its time, without any exception or
 * error, as one of:
 * <ul>
 * <li>converted or empty, with {@code rowsRead == rowsWritten + rowsQuarantined}, every Parquet part read
 *     back with the rows the manifest gives it, the quarantine file holding the rows quarantined, and
 *     nothing else in the store;</li>
 * <li>rejected, with a one-line reason, and nothing left but the manifest of the rejection (and a schema
 *     contract its first rows defined).</li>
 * </ul>
 * Half the cases are read as a dataset configured otherwise (a one-byte charset, a delimiter).
 * One converted case in three is converted again as 2 to 6 byte ranges read at once, ranges as small as
 * a few bytes so that these small files are cut, half the time with the dataset's contract already in
 * place, and must come out exactly as one stream: the same outcome and reason, counts, columns, rows in
 * the same order and quarantine file.
 * One case in ten goes through the local command instead, with the default limits, which must print
 * exactly one line and exit 0 or 1. Prints {@code FAIL} lines for every broken promise and a summary;
 * exits 1 if any.
 *
 * <p>Arguments: seed, cases.
 */
public final class ConverterFuzz {
    private static final Instant MODIFIED = Instant.parse("2026-03-14T23:30:00Z");
    private static final String DATASET = "fuzz";
    private static final SilverLayout LAYOUT = new SilverLayout("");
    private static final long CASE_TIMEOUT_SECONDS = 30;
    /** Small limits, so that huge fields and wide headers cost little to make. */
    private static final int MAX_COLUMNS = 64;
    private static final int MAX_ROW_CHARS = 20_000;
    private static final byte[][] SPECIALS = {
            {'"'}, {','}, {';'}, {'\t'}, {'|'}, {0}, {'\r'}, {'\n'}, {'\r', '\n'}, {'"', '"'}, {'"', ','}, {',', '"'},
            {(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xC0, (byte) 0x80},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {0x1f, (byte) 0x8b}, {(byte) 0x85}, {0x1A}};

    private final Random random;
    private final List<byte[]> seeds;
    private final Path work;
    private final List<String> failures = new ArrayList<>();
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fuzz-case");
        thread.setDaemon(true);
        return thread;
    });

    private ConverterFuzz(long seed, List<byte[]> seeds, Path work) {
        this.random = new Random(seed);
        this.seeds = seeds;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int cases = Integer.parseInt(args[1]);
        Path work = Files.createTempDirectory("converter-fuzz");
        long started = System.nanoTime();
        ConverterFuzz fuzz = new ConverterFuzz(seed, seeds(Path.of(args.length > 2 ? args[2] : "../sample-data")), work);
        try {
            for (int i = 0; i < cases; i++) {
                fuzz.runCase(i);
            }
        }
        finally {
            deleteTree(work);
        }
        System.out.printf("fuzz: seed %d, %d cases, %s, %d failure(s) in %.1f s%n", seed, cases, fuzz.outcomes, fuzz.failures.size(),
                (System.nanoTime() - started) / 1e9);
        System.out.flush();
        // The case thread of a hang may still run: exit rather than wait for it.
        Runtime.getRuntime().halt(fuzz.failures.isEmpty() ? 0 : 1);
    }

    /** Valid files to mutate: the sample data, a generated retail file, and a file of awkward quoting. */
    private static List<byte[]> seeds(Path sampleData) throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sampleData)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".csv")).sorted().toList()) {
                seeds.add(Files.readAllBytes(file));
            }
        }
        if (seeds.isEmpty()) {
            throw new IOException("no sample data under " + sampleData.toAbsolutePath());
        }
        StringWriter retail = new StringWriter();
        new RetailTransactionsGenerator(7).write(400, retail);
        seeds.add(retail.toString().getBytes(StandardCharsets.UTF_8));
        seeds.add(("id;note;amount;day\r\n1;\"multi\r\nline; with \"\"quotes\"\"\";12,5;2026-01-01\r\n"
                + "2;plain;3;2026-01-02\r\n3;\"\";;\r\n4;\"a|b\tc\";1e3;2026-01-04\r\n").getBytes(StandardCharsets.UTF_8));
        return seeds;
    }

    private void runCase(int number) {
        byte[] seed = seeds.get(random.nextInt(seeds.size()));
        StringBuilder description = new StringBuilder("case " + number + ":");
        byte[] content = mutate(seed, description);
        boolean viaCommand = random.nextInt(10) == 0;
        Expect expected = expect;
        byte[] plain = text;
        Future<String> outcome = runner.submit(() -> viaCommand ? runCommand(number, content, description)
                : runConverter(number, content, plain, expected, description));
        try {
            String result = outcome.get(CASE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            outcomes.merge(result.replaceFirst(" \\(.*", ""), 1, Integer::sum);
            if (Boolean.getBoolean("fuzz.verbose")) {
                System.out.println(description + " " + result);
            }
        }
        catch (TimeoutException e) {
            fail(description, "no outcome within " + CASE_TIMEOUT_SECONDS + " s (a hang)", null);
            System.out.printf("fuzz: stopped after a hang%n");
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        catch (java.util.concurrent.ExecutionException e) {
            fail(description, "threw " + e.getCause(), e.getCause());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // --- mutations ----------------------------------------------------------------------------------

    /**
     * What a gzip mutant must come to: the same as its text uncompressed when the gzip is whole, a
     * rejection when it is damaged; anything valid when a damage may have left it valid.
     */
    private enum Expect { ANY, SAME_AS_TEXT, REJECTED }

    /** The mutant's text before compression, and what the mutant must come to; set by {@link #mutate}. */
    private byte[] text;
    private Expect expect;

    private byte[] mutate(byte[] seed, StringBuilder description) {
        byte[] bytes = seed;
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            bytes = mutateOnce(bytes, description);
        }
        text = bytes;
        expect = Expect.ANY;
        if (random.nextInt(4) == 0) {
            bytes = gzip(bytes, description);
        }
        return bytes;
    }

    private byte[] mutateOnce(byte[] bytes, StringBuilder description) {
        int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
        switch (random.nextInt(12)) {
            case 0 -> {
                byte[] flipped = bytes.clone();
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips && flipped.length > 0; i++) {
                    flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                }
                description.append(" ").append(flips).append(" bit flips;");
                return flipped;
            }
            case 1, 2, 3 -> {
                byte[] special = SPECIALS[random.nextInt(SPECIALS.length)];
                description.append(" insert ").append(HexFormat.of().formatHex(special)).append(" at ").append(at).append(';');
                return insert(bytes, at, special);
            }
            case 4 -> {
                description.append(" cut at ").append(at).append(';');
                return Arrays.copyOf(bytes, at);
            }
            case 5 -> {
                // Inside a quoted field: just after an opening quote, or within a few bytes of one.
                int quote = indexOf(bytes, (byte) '"', at);
                int cut = quote < 0 ? at : Math.min(bytes.length, quote + 1 + random.nextInt(4));
                description.append(" cut inside quotes at ").append(cut).append(';');
                return Arrays.copyOf(bytes, cut);
            }
            case 6 -> {
                // Around the row limit: a run of letters, sometimes quoted, sometimes with delimiters in it.
                int length = MAX_ROW_CHARS - 50 + random.nextInt(100) + (random.nextInt(4) == 0 ? 7 * MAX_ROW_CHARS : 0);
                String fill = List.of("x", "é", ",", "\n", "\"\"").get(random.nextInt(5));
                byte[] run = fill.repeat(length / fill.length()).getBytes(StandardCharsets.UTF_8);
                boolean quoted = random.nextBoolean();
                description.append(" huge field of ").append(length).append(quoted ? " quoted" : "").append(" at ").append(at).append(';');
                byte[] field = quoted ? insert(insert(run, 0, new byte[] {'"'}), run.length + 1, new byte[] {'"'}) : run;
                return insert(bytes, lineStart(bytes, at), field);
            }
            case 7 -> {
                // A header around the column limit (a run of delimiters, as a damaged export has).
                int columns = MAX_COLUMNS - 3 + random.nextInt(7);
                byte delimiter = (byte) ",;\t|".charAt(random.nextInt(4));
                byte[] header = new byte[2 * columns];
                for (int c = 0; c < columns; c++) {
                    header[2 * c] = (byte) ('a' + c % 26);
                    header[2 * c + 1] = c == columns - 1 ? (byte) '\n' : delimiter;
                }
                description.append(" header of ").append(columns).append(" fields;");
                int firstLineEnd = indexOf(bytes, (byte) '\n', 0);
                return insert(firstLineEnd < 0 ? new byte[0] : Arrays.copyOfRange(bytes, firstLineEnd + 1, bytes.length), 0, header);
            }
            case 8 -> {
                byte[] invalid = {(byte) (0x80 + random.nextInt(0x80))};
                description.append(" invalid UTF-8 ").append(HexFormat.of().formatHex(invalid)).append(" at ").append(at).append(';');
                return insert(bytes, at, invalid);
            }
            case 9 -> {
                int lines = random.nextInt(3) == 0 ? 100_000 : 1 + random.nextInt(50);
                byte[] blank = new byte[lines];
                Arrays.fill(blank, (byte) '\n');
                int where = random.nextBoolean() ? 0 : at;
                description.append(" ").append(lines).append(" blank lines at ").append(where).append(';');
                return insert(bytes, where, blank);
            }
            case 10 -> {
                int from = at;
                int to = Math.min(bytes.length, from + random.nextInt(200));
                description.append(" delete ").append(from).append("..").append(to).append(';');
                byte[] shorter = new byte[bytes.length - (to - from)];
                System.arraycopy(bytes, 0, shorter, 0, from);
                System.arraycopy(bytes, to, shorter, from, bytes.length - to);
                return shorter;
            }
            default -> {
                int from = at;
                int to = Math.min(bytes.length, from + random.nextInt(500));
                description.append(" duplicate ").append(from).append("..").append(to).append(';');
                return insert(bytes, to, Arrays.copyOfRange(bytes, from, to));
            }
        }
    }

    /** Gzips the bytes, in one to three members, and sometimes damages the result. */
    private byte[] gzip(byte[] bytes, StringBuilder description) {
        int members = 1 + random.nextInt(3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        Set<Integer> boundaries = new java.util.HashSet<>();
        for (int m = 1; m <= members; m++) {
            int to = m == members ? bytes.length : from + random.nextInt(bytes.length - from + 1);
            out.writeBytes(gzipMember(Arrays.copyOfRange(bytes, from, to)));
            boundaries.add(out.size());
            from = to;
        }
        byte[] compressed = out.toByteArray();
        description.append(" gzip in ").append(members).append(" member(s)");
        switch (random.nextInt(6)) {
            case 0 -> {
                int cut = random.nextInt(compressed.length);
                description.append(", cut at ").append(cut);
                compressed = Arrays.copyOf(compressed, cut);
                // Cut where a member ends, it is a valid gzip of fewer members; cut before the magic's second
                // byte, nothing says gzip any more (the converter goes by the magic, not the name): it is text.
                expect = boundaries.contains(cut) || cut < 2 ? Expect.ANY : Expect.REJECTED;
            }
            case 1 -> {
                int at = random.nextInt(compressed.length);
                description.append(", bit flipped at ").append(at);
                compressed[at] ^= (byte) (1 << random.nextInt(8));
                // A flip in a header's time or flags may leave the file valid.
                expect = Expect.ANY;
            }
            case 2 -> {
                description.append(", then garbage");
                compressed = insert(compressed, compressed.length, "garbage\n".getBytes(StandardCharsets.US_ASCII));
                expect = Expect.REJECTED;
            }
            case 3 -> {
                byte[] damaged = gzipMember("1,2,3\n".repeat(50).getBytes(StandardCharsets.US_ASCII));
                damaged[damaged.length / 2] ^= 0x55;
                description.append(", then a damaged member");
                compressed = insert(compressed, compressed.length, damaged);
                expect = Expect.REJECTED;
            }
            default -> expect = Expect.SAME_AS_TEXT;
        }
        description.append(';');
        return compressed;
    }

    private static byte[] gzipMember(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        byte[] longer = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, longer, 0, at);
        System.arraycopy(inserted, 0, longer, at, inserted.length);
        System.arraycopy(bytes, at, longer, at + inserted.length, bytes.length - at);
        return longer;
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** The start of the line holding {@code at}, or just after a delimiter near it: where a field starts. */
    private static int lineStart(byte[] bytes, int at) {
        for (int i = Math.min(at, bytes.length) - 1; i >= 0; i--) {
            if (bytes[i] == '\n' || bytes[i] == ',') {
                return i + 1;
            }
        }
        return 0;
    }

    // --- one conversion -----------------------------------------------------------------------------

    private String runConverter(int number, byte[] content, byte[] text, Expect expect, StringBuilder description) throws IOException {
        ConversionLimits limits = new ConversionLimits(10 + random.nextInt(500), 1024 + random.nextInt(256 * 1024), 16 * 1024 + random.nextInt(256 * 1024),
                1024 + random.nextInt(64 * 1024)).withMaxColumns(MAX_COLUMNS).withMaxRowChars(MAX_ROW_CHARS);
        // Half the cases as a dataset configured otherwise: a one-byte charset (every byte valid, or some undefined), a delimiter.
        CsvOverrides overrides = switch (random.nextInt(6)) {
            case 0 -> new CsvOverrides(Map.of(), Map.of(DATASET, StandardCharsets.ISO_8859_1));
            case 1 -> new CsvOverrides(Map.of(), Map.of(DATASET, Charset.forName("windows-1252")));
            case 2 -> new CsvOverrides(Map.of(DATASET, ';'), Map.of());
            default -> CsvOverrides.none();
        };
        if (!overrides.equals(CsvOverrides.none())) {
            description.append(" read with ").append(overrides).append(';');
        }
        Setup setup = new Setup(limits, overrides);
        Converted whole = convert("case-" + number, content, setup, RangeReading.single(), Optional.empty(), description);
        Manifest manifest = whole.manifest();
        if (expect == Expect.REJECTED && !Manifest.REJECTED.equals(manifest.status())) {
            fail(description, "a damaged gzip file is " + manifest.status() + " with " + manifest.rowsRead() + " rows, not rejected", null);
        }
        if (expect == Expect.SAME_AS_TEXT) {
            Manifest uncompressed = convert("case-" + number + "-text", text, setup, RangeReading.single(), Optional.empty(), description).manifest();
            if (!manifest.status().equals(uncompressed.status()) || manifest.rowsRead() != uncompressed.rowsRead()
                    || manifest.rowsWritten() != uncompressed.rowsWritten() || manifest.rowsQuarantined() != uncompressed.rowsQuarantined()) {
                fail(description, "compressed it is " + manifest.status() + " with " + manifest.rowsRead() + " rows read, uncompressed "
                        + uncompressed.status() + " with " + uncompressed.rowsRead(), null);
            }
        }
        if (random.nextInt(3) == 0 && content.length >= 2) {
            compareWithRanges(number, content, setup, whole, description);
        }
        return manifest.status() + (Boolean.getBoolean("fuzz.verbose") && manifest.reason() != null ? " (" + manifest.reason() + ")" : "");
    }

    /**
     * Converts the mutant again as byte ranges read at once, as few bytes a range as it takes to cut even
     * these small files, and requires exactly what one stream gave: the outcome and its reason, the counts,
     * the columns, the same rows in the same order, the same quarantine file (lines and reasons).
     */
    private void compareWithRanges(int number, byte[] content, Setup setup, Converted whole, StringBuilder description)
            throws IOException {
        RangeReading ranges = new RangeReading(2 + random.nextInt(RangeReading.MAX_READERS - 1), 1 + random.nextInt(content.length / 2));
        // Half the time the dataset's contract is already there (the one one stream inferred), as for a dataset's later files.
        Optional<byte[]> contract = random.nextBoolean() ? whole.contract() : Optional.empty();
        StringBuilder rangeDescription = new StringBuilder(description).append(" as ").append(ranges.rangesFor(content.length))
                .append(" ranges of at least ").append(ranges.minRangeBytes()).append(" bytes")
                .append(contract.isPresent() ? ", its contract there before:" : ":");
        Converted ranged = convert("case-" + number, content, setup, ranges, contract, rangeDescription);
        Manifest expected = whole.manifest();
        Manifest actual = ranged.manifest();
        if (!expected.status().equals(actual.status()) || !Objects.equals(expected.reason(), actual.reason())
                || expected.rowsRead() != actual.rowsRead() || expected.rowsWritten() != actual.rowsWritten()
                || expected.rowsQuarantined() != actual.rowsQuarantined()) {
            fail(rangeDescription, actual.status() + " (" + actual.reason() + ") " + actual.rowsRead() + " read, " + actual.rowsWritten() + " written, "
                    + actual.rowsQuarantined() + " quarantined; as one stream " + expected.status() + " (" + expected.reason() + ") "
                    + expected.rowsRead() + ", " + expected.rowsWritten() + ", " + expected.rowsQuarantined(), null);
        }
        else if (!expected.columns().equals(actual.columns())) {
            fail(rangeDescription, "columns " + actual.columns() + ", as one stream " + expected.columns(), null);
        }
        else if (!whole.rows().equals(ranged.rows())) {
            fail(rangeDescription, "rows differ from one stream's (same count, other values or order)", null);
        }
        else if (!Arrays.equals(whole.quarantine(), ranged.quarantine())) {
            fail(rangeDescription, "its quarantine file differs from one stream's", null);
        }
    }

    /** What every conversion of a case is given: the limits and the dataset's delimiter and charset. */
    private record Setup(ConversionLimits limits, CsvOverrides overrides) {}

    /**
     * What one conversion left: its manifest, its rows as read back in order, its quarantine file's bytes
     * (empty if none), the dataset's schema contract (none when the file was refused before one was made).
     */
    private record Converted(Manifest manifest, List<String> rows, byte[] quarantine, Optional<byte[]> contract) {}

    /** Converts into a store of its own (holding {@code contract} first, if given), checks what the store holds, and deletes it. */
    private Converted convert(String name, byte[] content, Setup setup, RangeReading ranges, Optional<byte[]> contract,
            StringBuilder description) throws IOException {
        // One source key for the conversions of a case, so that rejection reasons, which name it, compare.
        Path root = Files.createDirectory(work.resolve(name + (ranges.readers() == 1 ? "" : "-ranges")));
        LocalObjectStore silver = new LocalObjectStore(root);
        if (contract.isPresent()) {
            silver.put(LAYOUT.schemaKey(DATASET), contract.get());
        }
        SilverConverter converter = new SilverConverter(silver, LAYOUT, setup.limits(), ranges, setup.overrides(), SilverCatalog.none(),
                new JsonLog(new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC()), Clock.systemUTC());
        SourceObject source = new SourceObject("bronze", "fuzz/" + name + ".csv", md5(content), content.length, MODIFIED);
        SilverConverter.Content whole = () -> new ByteArrayInputStream(content);
        ConversionResult result = converter.convert(source, DATASET, ranges.readers() == 1 ? whole
                : SilverConverter.Content.of(whole, (from, to) -> new ByteArrayInputStream(content, (int) from, (int) (to - from))));
        try {
            List<String> rows = check(root, silver, result.manifest(), result.manifestKey(), description);
            byte[] quarantine = result.manifest().quarantine() == null ? new byte[0] : Files.readAllBytes(silver.resolve(result.manifest().quarantine().key()));
            return new Converted(result.manifest(), rows, quarantine, silver.read(LAYOUT.schemaKey(DATASET)));
        }
        finally {
            deleteTree(root);
        }
    }

    /** Checks what the store holds after a conversion; returns the rows its parts hold, in order. */
    private List<String> check(Path root, LocalObjectStore silver, Manifest manifest, String manifestKey, StringBuilder description) throws IOException {
        List<String> rowsReadBack = new ArrayList<>();
        List<String> files = files(root);
        List<String> expected = new ArrayList<>();
        expected.add(manifestKey);
        if (Manifest.REJECTED.equals(manifest.status())) {
            String reason = manifest.reason();
            if (reason == null || reason.isBlank() || reason.contains("\n") || reason.contains(": null") || reason.contains("Exception")) {
                fail(description, "a rejection's reason is not one useful line: " + reason, null);
            }
            if (manifest.rowsWritten() != 0 || !manifest.parts().isEmpty() || manifest.quarantine() != null) {
                fail(description, "a rejection records output: " + manifest, null);
            }
        }
        else if (Manifest.CONVERTED.equals(manifest.status()) || Manifest.EMPTY.equals(manifest.status())) {
            if (manifest.rowsRead() != manifest.rowsWritten() + manifest.rowsQuarantined()) {
                fail(description, "rows read " + manifest.rowsRead() + " != written " + manifest.rowsWritten() + " + quarantined "
                        + manifest.rowsQuarantined(), null);
            }
            long readBack = 0;
            long inParts = 0;
            for (var part : manifest.parts()) {
                expected.add(part.key());
                inParts += part.rows();
                long rows = parquetRows(silver.resolve(part.key()));
                if (rows != part.rows()) {
                    fail(description, part.key() + " holds " + rows + " rows, its manifest entry " + part.rows(), null);
                }
                List<String> partRows = ParquetTestFiles.readAll(silver.resolve(part.key())).stream().map(Object::toString).toList();
                rowsReadBack.addAll(partRows);
                readBack += partRows.size();
            }
            if (inParts != manifest.rowsWritten() || readBack != manifest.rowsWritten()) {
                fail(description, "rows written " + manifest.rowsWritten() + ", in parts " + inParts + ", read back " + readBack, null);
            }
            if (manifest.quarantine() != null) {
                expected.add(manifest.quarantine().key());
                long quarantined = csvRecords(silver.resolve(manifest.quarantine().key())) - 1;
                if (quarantined != manifest.rowsQuarantined() || manifest.quarantine().rows() != manifest.rowsQuarantined()) {
                    fail(description, "the quarantine file holds " + quarantined + " rows, the manifest says " + manifest.rowsQuarantined(), null);
                }
            }
            else if (manifest.rowsQuarantined() != 0) {
                fail(description, manifest.rowsQuarantined() + " rows quarantined without a quarantine file", null);
            }
        }
        else {
            fail(description, "unknown status " + manifest.status(), null);
        }
        List<String> left = new ArrayList<>(files);
        left.removeAll(expected);
        left.removeIf(file -> file.startsWith("_schemas/"));
        if (!left.isEmpty() || !files.containsAll(expected)) {
            fail(description, manifest.status() + ": the store holds " + files + ", expected " + expected + " (and a schema contract)", null);
        }
        return rowsReadBack;
    }

    private String runCommand(int number, byte[] content, StringBuilder description) throws IOException {
        Path input = work.resolve("case-" + number + (content.length > 1 && content[0] == 0x1f ? ".csv.gz" : ".csv"));
        Files.write(input, content);
        Path output = work.resolve("lake-" + number);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = SilverConverterCli.run(List.of("convert", "--input", input.toString(), "--output", output.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        String status = printed.isEmpty() ? "" : printed.substring(0, Math.max(0, printed.indexOf(' ')));
        String errors = err.toString(StandardCharsets.UTF_8);
        // A file whose every row was quarantined exits with 1 and says so in one line of its own.
        boolean everyRowQuarantined = exit == 1 && status.equals("converted") && errors.startsWith("error: every row of ") && errors.lines().count() == 1;
        boolean oneLine = printed.lines().count() == 1 && (errors.isEmpty() || everyRowQuarantined);
        if (!oneLine || !(exit == 0 && Set.of("converted", "empty").contains(status) || exit == 1 && status.equals("rejected") || everyRowQuarantined)) {
            fail(description, "the command exited " + exit + " printing " + printed + err.toString(StandardCharsets.UTF_8), null);
        }
        Files.delete(input);
        deleteTree(output);
        return "command " + status;
    }

    private static long parquetRows(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return reader.getRecordCount();
        }
    }

    private static long csvRecords(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser parser = CSVParser.parse(reader, CSVFormat.RFC4180)) {
            return parser.stream().count();
        }
    }

    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(path -> root.relativize(path).toString().replace('\\', '/')).sorted().toList();
        }
    }

    private void fail(StringBuilder description, String problem, Throwable cause) {
        failures.add(description + " " + problem);
        System.out.println("FAIL " + description + " " + problem);
        if (cause != null) {
            cause.printStackTrace(System.out);
        }
    }

    private static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
