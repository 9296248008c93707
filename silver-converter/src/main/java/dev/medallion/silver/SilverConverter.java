package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.layout.SilverLayout;
import dev.medallion.common.logging.JsonLog;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.silver.csv.CsvReader;
import dev.medallion.silver.csv.CsvReader.Row;
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
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * size. Data problems never throw: a bad row is quarantined, an unreadable file is rejected with a reason.
 * Storage failures do throw, after discarding what this run wrote, so the caller can retry.
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
    private final Map<String, Character> delimiterOverrides;
    private final SchemaContractStore contracts;
    private final ManifestStore manifests;
    private final JsonLog log;
    private final Clock clock;

    public SilverConverter(ObjectStore silver, SilverLayout layout, ConversionLimits limits, Map<String, Character> delimiterOverrides, JsonLog log, Clock clock) {
        this.silver = requireNonNull(silver, "silver is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.delimiterOverrides = Map.copyOf(delimiterOverrides);
        this.log = requireNonNull(log, "log is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.contracts = new SchemaContractStore(silver, layout);
        this.manifests = new ManifestStore(silver);
    }

    public ConversionResult convert(SourceObject source, String dataset, Content content) throws IOException {
        requireNonNull(source, "source is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(content, "content is null");
        long started = System.nanoTime();
        String manifestKey = layout.manifestKey(dataset, source.key());
        Optional<Manifest> previous = manifests.read(manifestKey);
        if (previous.isPresent() && previous.get().describes(source)) {
            ConversionResult result = new ConversionResult(previous.get(), manifestKey, true);
            logOutcome(result, started);
            return result;
        }

        Run run = new Run(source, dataset);
        Manifest manifest;
        try (InputStream in = content.open()) {
            manifest = run.execute(in);
        }
        catch (RejectedInputException e) {
            run.discard(null);
            manifest = run.rejected(e.getMessage());
        }
        catch (IOException | RuntimeException | Error e) {
            run.discard(e);
            throw e;
        }
        finally {
            run.stopWriter();
        }
        manifests.write(manifestKey, manifest);
        deleteStaleOutput(source, dataset, manifest, previous);
        ConversionResult result = new ConversionResult(manifest, manifestKey, false);
        logOutcome(result, started);
        return result;
    }

    /** Removes what earlier versions of this source, or failed runs, left beside the committed output. */
    private void deleteStaleOutput(SourceObject source, String dataset, Manifest manifest, Optional<Manifest> previous) throws IOException {
        Set<String> current = new HashSet<>();
        manifest.parts().forEach(part -> current.add(part.key()));
        if (manifest.quarantine() != null) {
            current.add(manifest.quarantine().key());
        }
        Set<String> stale = new HashSet<>();
        previous.ifPresent(old -> {
            old.parts().forEach(part -> stale.add(part.key()));
            if (old.quarantine() != null) {
                stale.add(old.quarantine().key());
            }
        });
        stale.addAll(silver.list(layout.partPrefix(dataset, source.ingestDate(), source.key())));
        stale.removeAll(current);
        if (!stale.isEmpty()) {
            silver.delete(stale);
        }
    }

    private void logOutcome(ConversionResult result, long startedNanos) {
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
        fields.put("bytesRead", manifest.source().size());
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
    }

    /** The state of one conversion: what has been written so far, so it can be committed or discarded. */
    private final class Run {
        private final SourceObject source;
        private final String dataset;
        private final LocalDate ingestDate;
        private final List<PartInfo> parts = new ArrayList<>();
        private ParquetPartWriter openPart;
        private QuarantineWriter quarantine;
        private MessageType schema;
        private RowBatch filling;
        private RowBatch spare;
        private ExecutorService writer;
        private Future<?> inFlight;
        private long rowsRead;
        private long rowsWritten;
        private char delimiter = ',';
        private List<String> header = List.of();

        Run(SourceObject source, String dataset) {
            this.source = source;
            this.dataset = dataset;
            this.ingestDate = source.ingestDate();
        }

        Manifest execute(InputStream in) throws IOException, RejectedInputException {
            try (CsvReader csv = CsvReader.open(in, Optional.ofNullable(delimiterOverrides.get(dataset)), source.location())) {
                delimiter = csv.delimiter();
                Optional<Row> headerRow = csv.next();
                if (headerRow.isEmpty()) {
                    return manifest(Manifest.EMPTY, "the file holds no header and no rows", List.of(), List.of(), List.of());
                }
                header = headerRow.get().fields();
                List<String> names = ColumnNames.normalize(header);
                quarantine = new QuarantineWriter(silver, layout.quarantineKey(dataset, ingestDate, source.key(), source.etag()), header);

                List<Row> sample = new ArrayList<>();
                Optional<SchemaContract> existing = contracts.load(dataset);
                if (existing.isEmpty()) {
                    readSample(csv, sample);
                    if (sample.isEmpty()) {
                        return manifest(Manifest.EMPTY, "the file holds a header and no rows", List.of(), List.of(), List.of());
                    }
                }
                SchemaContract contract = existing.isPresent() ? existing.get() : inferContract(names, sample);
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
                    parts.add(openPart.finish());
                    openPart = null;
                }
                Manifest.Quarantine quarantined = quarantine.finish().orElse(null);
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
                return new Manifest(Manifest.FORMAT_VERSION, rowsRead == 0 ? Manifest.EMPTY : Manifest.CONVERTED,
                        rowsRead == 0 ? "the file holds a header and no rows" : null,
                        dataset, Manifest.Source.of(source), ingestDate.toString(), String.valueOf(delimiter), header,
                        contract.columns(), dropped, missing, parts, quarantined,
                        rowsRead, rowsWritten, quarantine.rows(), clock.instant().toString(), CONVERTER);
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
                if (row.fields().size() == names.size() && !row.hasInvalidText()) {
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
            if (row.hasInvalidText()) {
                reason = "invalid UTF-8 byte sequence (shown as U+FFFD)";
            }
            else if (fields.size() != header.size()) {
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
                String key = layout.partKey(dataset, ingestDate, source.key(), source.etag(), parts.size() + 1);
                openPart = new ParquetPartWriter(silver, key, schema, limits.rowGroupBytes(), batch.highCardinalityColumns());
            }
            openPart.write(batch);
            rowsWritten += batch.size();
            batch.clear();
            if (openPart.dataSize() >= limits.partTargetBytes()) {
                parts.add(openPart.finish());
                openPart = null;
            }
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

        private Manifest manifest(String status, String reason, List<Column> columns, List<String> dropped, List<String> missing) {
            return new Manifest(Manifest.FORMAT_VERSION, status, reason, dataset, Manifest.Source.of(source), ingestDate.toString(),
                    String.valueOf(delimiter), header, columns, dropped, missing, List.of(), null, 0, 0, 0,
                    clock.instant().toString(), CONVERTER);
        }

        Manifest rejected(String reason) {
            return manifest(Manifest.REJECTED, reason, List.of(), List.of(), List.of());
        }

        void stopWriter() {
            if (writer != null) {
                writer.shutdownNow();
            }
        }

        /** Aborts open uploads and deletes the parts this run completed; a failure here is attached to {@code cause}. */
        void discard(Throwable cause) {
            try {
                awaitWrite();
            }
            catch (IOException | RuntimeException | Error e) {
                // The chunk being written failed too; what it wrote is discarded below like the rest.
            }
            try {
                if (openPart != null) {
                    openPart.abort();
                }
                if (quarantine != null) {
                    quarantine.abort();
                }
                List<String> written = parts.stream().map(PartInfo::key).toList();
                if (!written.isEmpty()) {
                    silver.delete(written);
                }
            }
            catch (IOException | RuntimeException e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                }
            }
            parts.clear();
            rowsRead = 0;
            rowsWritten = 0;
        }
    }
}
