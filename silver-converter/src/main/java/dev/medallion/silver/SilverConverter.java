package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.config.CsvOverrides;
import dev.medallion.common.layout.RunId;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import dev.medallion.silver.csv.CsvReader;
import dev.medallion.silver.csv.CsvReader.Row;
import dev.medallion.silver.catalog.SilverCatalog;
import dev.medallion.silver.csv.RejectedInputException;
import dev.medallion.silver.parquet.ParquetPartWriter;
import dev.medallion.silver.parquet.ParquetSchemas;
import dev.medallion.silver.parquet.PartInfo;
import dev.medallion.silver.parquet.RowBatch;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnNames;
import dev.medallion.silver.schema.SchemaContract;
import dev.medallion.silver.schema.SchemaContractStore;
import dev.medallion.silver.schema.TypeInference;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.util.Objects.requireNonNull;

/**
 * The heart of the silver layer: converts one bronze CSV object into Snappy Parquet parts in the
 * dataset's schema contract, quarantines the rows that do not fit, and commits with a manifest. It knows
 * nothing of Lambda or of where the bytes come from; the handler and the local command adapt to it.
 * <p>
 * Memory is bounded by one chunk of rows, one Parquet row group and the upload buffers, whatever the file
 * size, and by the limits on a file's columns and on the size of a row ({@link ConversionLimits}), whatever
 * it holds. Data problems never throw: a bad row is quarantined, an unreadable file is rejected with a reason.
 * Storage failures, a download that ends early and a deadline reached do throw, after discarding what this
 * run wrote, so the caller can retry. Output becomes visible only through {@link SilverCommit}, after the
 * catalog ({@link SilverCatalog}) knows the run's partition: a committed manifest means queryable data.
 */
public final class SilverConverter {
    /** Opens the source's bytes; called once per conversion. */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    private static final String CONVERTER = "silver-converter/" + Optional.ofNullable(SilverConverter.class.getPackage().getImplementationVersion()).orElse("dev");

    private final ObjectStore silver;
    private final SilverLayout layout;
    private final ConversionLimits limits;
    private final CsvOverrides csvOverrides;
    private final SchemaContractStore contracts;
    private final SilverCommit commit;
    private final SilverCatalog catalog;
    private final JsonLog log;
    private final Clock clock;

    /** A converter that keeps no catalog: the local command, and tests that are not about the catalog. */
    public SilverConverter(ObjectStore silver, SilverLayout layout, ConversionLimits limits, CsvOverrides csvOverrides, JsonLog log, Clock clock) {
        this(silver, layout, limits, csvOverrides, SilverCatalog.none(), log, clock);
    }

    /** @param catalog told of the dataset's table and the run's partition before each commit that writes data */
    public SilverConverter(ObjectStore silver, SilverLayout layout, ConversionLimits limits, CsvOverrides csvOverrides, SilverCatalog catalog,
            JsonLog log, Clock clock) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.silver = requireNonNull(silver, "silver is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.csvOverrides = requireNonNull(csvOverrides, "csvOverrides is null");
        this.log = requireNonNull(log, "log is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.contracts = new SchemaContractStore(silver, layout);
        this.commit = new SilverCommit(silver, layout, new ManifestStore(silver));
    }

    /** Converts without a time limit: the local command, and tests that are not about time. */
    public ConversionResult convert(SourceObject source, String dataset, Content content) throws IOException {
        return convert(source, dataset, content, Deadline.none());
    }

    /**
     * Converts the source and commits the result ({@link SilverCommit}), or recognises that this version
     * is already committed. Throws, having discarded its own output, when storage fails, the bytes read
     * differ from the object's size, another run commits a different version first, or the deadline comes.
     */
    public ConversionResult convert(SourceObject source, String dataset, Content content, Deadline deadline) throws IOException {
        requireNonNull(source, "source is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(content, "content is null");
        requireNonNull(deadline, "deadline is null");
        long started = System.nanoTime();
        String manifestKey = layout.manifestKey(dataset, source.key());
        SilverCommit.Base base = commit.base(manifestKey);
        Optional<Manifest> previous = base.manifest();
        if (previous.isPresent() && previous.get().describes(source)) {
            // A redelivery, or the retry of a run that committed and then failed: finish its cleanup.
            commit.sweep(previous.get(), manifestKey);
            return logOutcome(new ConversionResult(previous.get(), manifestKey, true), started);
        }

        Run run = new Run(source, dataset, RunId.start(base.nextGeneration()), base.superseded(), deadline);
        Manifest manifest;
        try (SourceBytes in = new SourceBytes(content.open())) {
            try {
                // The parser closes what it reads; the count must outlive it to be checked.
                manifest = run.execute(CloseShieldInputStream.wrap(in));
                in.requireWhole(source);
            }
            catch (RejectedInputException e) {
                // Content the parser refuses at the point where a cut download ends may be the cut itself.
                in.requireSizeIfEnded(source);
                run.discard(null);
                manifest = run.rejected(e.getMessage(), in.count());
            }
            deadline.check("converting " + source.location() + " before its commit");
            catalog(run, manifest);
        }
        catch (IOException | RuntimeException | Error e) {
            run.discard(e);
            throw e;
        }
        finally {
            run.stopWriter();
        }
        SilverCommit.Outcome outcome = commit.commit(base, manifest, run.staged());
        return logOutcome(new ConversionResult(outcome.manifest(), manifestKey, !outcome.committedByThisRun()), started);
    }

    /**
     * Registers the run's partition, and the dataset's table, before anything of the run is published: a
     * catalog that fails fails the run with nothing committed (the caller discards its uploads), and a
     * committed manifest means Athena sees the data. A run that writes no part (a rejected or empty file,
     * or every row quarantined) registers nothing: there is no data to query, and the quarantine is not a
     * table.
     */
    private void catalog(Run run, Manifest manifest) throws IOException {
        if (Manifest.CONVERTED.equals(manifest.status()) && !manifest.parts().isEmpty()) {
            catalog.register(run.contract(), List.of(LocalDate.parse(manifest.ingestDate())));
        }
    }

    private ConversionResult logOutcome(ConversionResult result, long startedNanos) {
        Manifest manifest = result.manifest();
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("outcome", result.outcome());
        fields.put("dataset", manifest.dataset());
        fields.put("source", manifest.source().bucket().equals("local") ? manifest.source().key() : "s3://" + manifest.source().bucket() + "/" + manifest.source().key());
        fields.put("etag", manifest.source().etag());
        fields.put("rowsRead", manifest.rowsRead());
        fields.put("rowsWritten", manifest.rowsWritten());
        fields.put("rowsQuarantined", manifest.rowsQuarantined());
        fields.put("parts", manifest.parts().size());
        fields.put("bytesRead", manifest.bytesRead());
        fields.put("generation", manifest.generation());
        fields.put("run", manifest.run());
        fields.put("bytesWritten", manifest.parts().stream().mapToLong(PartInfo::bytes).sum());
        fields.put("seconds", Math.round(seconds * 1000) / 1000.0);
        fields.put("rowsPerSecond", result.unchanged() || seconds <= 0 ? 0 : Math.round(manifest.rowsRead() / seconds));
        if (manifest.reason() != null) {
            fields.put("reason", manifest.reason());
        }
        if (!manifest.droppedColumns().isEmpty()) {
            fields.put("droppedColumns", manifest.droppedColumns());
        }
        if (Manifest.REJECTED.equals(manifest.status())) {
            log.warn("source object rejected", fields);
        }
        else {
            log.info("source object processed", fields);
        }
        return result;
    }

    /** The state of one conversion: what has been written so far, so it can be committed or discarded. */
    private final class Run {
        private final SourceObject source;
        private final String dataset;
        private final LocalDate ingestDate;
        private final RunId id;
        private final List<String> supersedes;
        private final Deadline deadline;
        private final List<PartInfo> parts = new ArrayList<>();
        /** Closed uploads, invisible until the commit publishes them: parts, then the quarantine file. */
        private final List<ObjectUpload> staged = new ArrayList<>();
        private ParquetPartWriter openPart;
        private QuarantineWriter quarantine;
        private MessageType schema;
        private SchemaContract contract;
        private RowBatch filling;
        private RowBatch spare;
        private ExecutorService writer;
        private Future<?> inFlight;
        private long rowsRead;
        private long rowsWritten;
        private char delimiter = ',';
        /** What the text was decoded as: the dataset's declared charset, else UTF-8. */
        private String encoding;
        private List<String> header = List.of();

        Run(SourceObject source, String dataset, RunId id, List<String> supersedes, Deadline deadline) {
            this.source = source;
            this.dataset = dataset;
            this.ingestDate = source.ingestDate();
            this.id = id;
            this.supersedes = supersedes;
            this.deadline = deadline;
            this.encoding = csvOverrides.encodingOf(dataset).orElse(StandardCharsets.UTF_8).name();
        }

        List<ObjectUpload> staged() {
            return List.copyOf(staged);
        }

        /** The contract the run wrote in; set once the run has read a header and the contract is known. */
        SchemaContract contract() {
            if (contract == null) {
                throw new IllegalStateException("The run of " + source.location() + " has no schema contract yet");
            }
            return contract;
        }

        Manifest execute(InputStream in) throws IOException, RejectedInputException {
            try (CsvReader csv = CsvReader.open(in, csvOverrides.delimiterOf(dataset), csvOverrides.encodingOf(dataset), source.location(), dataset,
                    limits.maxRowChars())) {
                delimiter = csv.delimiter();
                encoding = csv.encoding().name();
                Optional<Row> headerRow = csv.next();
                if (headerRow.isEmpty()) {
                    return manifest(Manifest.EMPTY, "the file holds no header and no rows", List.of(), List.of(), List.of(), source.size());
                }
                int fields = headerRow.get().fields().size();
                if (fields > limits.maxColumns()) {
                    // The manifest of the rejection does not carry such a header.
                    throw new RejectedInputException("The header holds " + fields + " fields, more than " + ConversionLimits.MAX_COLUMNS
                            + " allows (" + limits.maxColumns() + "): the file is rejected so that memory stays bounded (raise "
                            + ConversionLimits.MAX_COLUMNS + ", with the function's memory, to convert it; a run of delimiters in the"
                            + " header is a damaged export).");
                }
                header = headerRow.get().fields();
                List<String> names = ColumnNames.normalize(header);
                quarantine = new QuarantineWriter(silver, layout.quarantineKey(dataset, ingestDate, source.key(), source.etag(), id), header);

                List<Row> sample = new ArrayList<>();
                Optional<SchemaContract> existing = contracts.load(dataset);
                if (existing.isEmpty()) {
                    readSample(csv, sample);
                    if (sample.isEmpty()) {
                        return manifest(Manifest.EMPTY, "the file holds a header and no rows", List.of(), List.of(), List.of(), source.size());
                    }
                }
                contract = existing.isPresent() ? existing.get() : inferContract(names, sample);
                int[] fieldOfColumn = fieldOfColumn(contract, names);
                schema = ParquetSchemas.messageType(contract);
                filling = new RowBatch(contract);
                spare = new RowBatch(contract);
                for (Row row : sample) {
                    accept(row, fieldOfColumn);
                }
                sample.clear();
                for (Optional<Row> row = csv.next(); row.isPresent(); row = csv.next()) {
                    accept(row.get(), fieldOfColumn);
                }
                flush();
                awaitWrite();
                if (openPart != null) {
                    finishPart();
                }
                Manifest.Quarantine quarantined = quarantine.finish().orElse(null);
                quarantine.upload().ifPresent(staged::add);
                List<String> dropped = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    if (contract.indexOf(names.get(i)) < 0) {
                        dropped.add(names.get(i));
                    }
                }
                List<String> missing = new ArrayList<>();
                for (Column column : contract.columns()) {
                    if (!names.contains(column.name())) {
                        missing.add(column.name());
                    }
                }
                // bytesRead is the size here: the caller fails the run unless the bytes counted turn out to be the size.
                return new Manifest(Manifest.FORMAT_VERSION, id.generation(), id.token(), rowsRead == 0 ? Manifest.EMPTY : Manifest.CONVERTED,
                        rowsRead == 0 ? "the file holds a header and no rows" : null,
                        dataset, Manifest.Source.of(source), ingestDate.toString(), String.valueOf(delimiter), encoding, header,
                        contract.columns(), dropped, missing, parts, quarantined,
                        rowsRead, rowsWritten, quarantine.rows(), source.size(), supersedes, clock.instant().toString(), CONVERTER);
            }
        }

        private void readSample(CsvReader csv, List<Row> sample) throws IOException, RejectedInputException {
            long bytes = 0;
            while (sample.size() < limits.chunkRows() && bytes < limits.chunkMaxBytes()) {
                Optional<Row> row = csv.next();
                if (row.isEmpty()) {
                    return;
                }
                sample.add(row.get());
                bytes += row.get().retainedBytes();
            }
        }

        private SchemaContract inferContract(List<String> names, List<Row> sample) throws IOException {
            List<String[]> values = new ArrayList<>(sample.size());
            for (Row row : sample) {
                if (row.fields().size() == names.size()) {
                    values.add(row.fields().toArray(String[]::new));
                }
            }
            var types = TypeInference.infer(values, names.size());
            List<Column> columns = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                columns.add(new Column(names.get(i), types.get(i), header.get(i)));
            }
            return contracts.createIfAbsent(new SchemaContract(dataset, columns, source.location(), clock.instant().toString()));
        }

        private void accept(Row row, int[] fieldOfColumn) throws IOException {
            rowsRead++;
            List<String> fields = row.fields();
            String reason;
            if (fields.size() != header.size()) {
                reason = "expected " + header.size() + " fields, found " + fields.size();
            }
            else {
                reason = filling.append(fields::get, fieldOfColumn);
            }
            if (reason != null) {
                quarantine.add(row.line(), reason, fields);
                return;
            }
            if (filling.size() >= limits.chunkRows() || filling.retainedBytes() >= limits.chunkMaxBytes()) {
                deadline.check("converting " + source.location() + " at line " + row.line());
                flush();
            }
        }

        /**
         * Hands the full chunk to the writer thread and goes on filling the other one: parsing and Parquet
         * encoding each take about half the time, so on two cores they overlap. One chunk is written at a
         * time, in order, so the output is the same as a single thread's.
         */
        private void flush() throws IOException {
            if (filling.size() == 0) {
                return;
            }
            awaitWrite();
            RowBatch full = filling;
            filling = spare;
            spare = full;
            if (writer == null) {
                writer = Executors.newSingleThreadExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "silver-parquet-writer");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            inFlight = writer.submit(() -> {
                write(full);
                return null;
            });
        }

        /** Runs on the writer thread. */
        private void write(RowBatch batch) throws IOException {
            if (openPart == null) {
                String key = layout.partKey(dataset, ingestDate, source.key(), source.etag(), id, parts.size() + 1);
                openPart = new ParquetPartWriter(silver, key, schema, limits.rowGroupBytes(), batch.highCardinalityColumns());
            }
            openPart.write(batch);
            rowsWritten += batch.size();
            batch.clear();
            if (openPart.dataSize() >= limits.partTargetBytes() || openPart.footerFull()) {
                finishPart();
            }
        }

        /** Closes the open part: its bytes are all sent, and it stays invisible until the commit. */
        private void finishPart() throws IOException {
            ParquetPartWriter part = openPart;
            openPart = null;
            parts.add(part.finish());
            staged.add(part.upload());
        }

        /** Waits for the chunk being written; its failure is rethrown here, on the reading thread. */
        private void awaitWrite() throws IOException {
            if (inFlight == null) {
                return;
            }
            Future<?> pending = inFlight;
            inFlight = null;
            try {
                pending.get();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while writing " + source.location());
            }
            catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IOException(cause);
            }
        }

        private int[] fieldOfColumn(SchemaContract contract, List<String> names) {
            int[] positions = new int[contract.columns().size()];
            for (int c = 0; c < positions.length; c++) {
                positions[c] = names.indexOf(contract.columns().get(c).name());
            }
            return positions;
        }

        private Manifest manifest(String status, String reason, List<Column> columns, List<String> dropped, List<String> missing, long bytesRead) {
            return new Manifest(Manifest.FORMAT_VERSION, id.generation(), id.token(), status, reason, dataset, Manifest.Source.of(source),
                    ingestDate.toString(), String.valueOf(delimiter), encoding, header, columns, dropped, missing, List.of(), null, 0, 0, 0,
                    bytesRead, supersedes, clock.instant().toString(), CONVERTER);
        }

        Manifest rejected(String reason, long bytesRead) {
            return manifest(Manifest.REJECTED, reason, List.of(), List.of(), List.of(), bytesRead);
        }

        void stopWriter() {
            if (writer != null) {
                writer.shutdownNow();
            }
        }

        /** Aborts every upload of this run: none is published yet, so nothing of it was ever visible. */
        void discard(Throwable cause) {
            try {
                awaitWrite();
            }
            catch (IOException | RuntimeException | Error e) {
                // The chunk being written failed too; what it wrote is discarded below like the rest.
            }
            List<ObjectUpload> uploads = new ArrayList<>(staged);
            if (openPart != null) {
                uploads.add(openPart.upload());
                openPart = null;
            }
            if (quarantine != null) {
                quarantine.upload().ifPresent(uploads::add);
            }
            Throwable attachTo = cause != null ? cause : new IOException("discarding " + source.location());
            commit.discard(uploads, List.of(), attachTo);
            staged.clear();
            parts.clear();
            rowsRead = 0;
            rowsWritten = 0;
        }
    }
}
