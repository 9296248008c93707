package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.silver.csv.CsvReader;
import dev.medallion.silver.csv.CsvReader.Row;
import dev.medallion.silver.csv.RejectedInputException;
import dev.medallion.silver.schema.NullMarkers;
import dev.medallion.silver.schema.SchemaContract;
import org.apache.commons.io.input.CloseShieldInputStream;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;

import static java.util.Objects.requireNonNull;

/**
 * Converts the source of one {@link ConversionRun} as byte ranges read at once ({@link RangeBoundaries} says where they
 * start): one reader per range, the first reading the header and making or loading the contract, each writing its own
 * parts; the first failure stops the others ({@link RangeReaderStop}); the ranges are then joined into the run in file
 * order, or given up, everything they wrote discarded, for the run to read the file as one stream. The run holds what
 * the ranges read and write, and builds the manifest.
 */
final class RangeConversion {
    private final ConversionRun run;
    private final ConversionRun.Context context;
    private final SourceObject source;
    private final String dataset;
    /**
     * The dataset's markers, the run's own: whether its quoted empty fields are empty strings and its quoted markers text
     * ({@code CSV_QUOTED_EMPTY_STRINGS}), as the run reads them, the quoted forms those of the run's columns.
     */
    private final NullMarkers nullMarkers;
    /**
     * Keeps range readers that outlive {@link #execute} (a storage call deaf to interrupts past the
     * wait for them) out of the run: once it is closed, a reader may no longer set the run's header,
     * quarantine file or contract, open a pipeline or refuse a row into the quarantine file, which the run,
     * already discarded or reading the file as one stream, would never abort or would mix up with its own.
     * Storage calls are made outside it, so closing it never waits for one: a call under way when it closes
     * finishes, and the reader stops at its next step.
     */
    private final Object rangeGate = new Object();
    /** Guarded by {@link #rangeGate}. */
    private boolean rangesClosed;

    /** @param run the run the ranges are read for, which this conversion fills: once, with {@link #execute} */
    RangeConversion(ConversionRun run, ConversionRun.Context context, SourceObject source, String dataset) {
        this.run = requireNonNull(run, "run is null");
        this.context = requireNonNull(context, "context is null");
        this.source = requireNonNull(source, "source is null");
        this.dataset = requireNonNull(dataset, "dataset is null");
        this.nullMarkers = run.nullMarkers();
    }

    /**
     * Converts the source as byte ranges read at once ({@link RangeBoundaries} says where they start),
     * or returns empty, having discarded what it wrote, when the ranges cannot be trusted: a boundary
     * turned out to fall inside a quoted field, the file was refused (the one-stream conversion that
     * follows gives the reason with the right line), the later ranges refused more rows than they
     * may hold until their line numbers are known, or the first range was too short to hold the rows a
     * new dataset's contract is inferred from. Storage failures, a short range and the deadline
     * throw, as in a one-stream conversion.
     */
    Optional<Manifest> execute(SilverConverter.Ranges ranges, int count) throws IOException {
        Optional<RangeBoundaries.Preflight> preflight = RangeBoundaries.preflight(ranges, source, dataset, context.csvOverrides(), context.limits());
        if (preflight.isEmpty()) {
            return Optional.empty();
        }
        List<Long> starts = RangeBoundaries.starts(ranges, source.size(), count, preflight.get());
        if (starts.size() < 2) {
            return Optional.empty();
        }
        CompletableFuture<int[]> columns = new CompletableFuture<>();
        List<RangeWorker> workers = new ArrayList<>();
        RangeReaderStop stop = new RangeReaderStop();
        for (int i = 0; i < starts.size(); i++) {
            long end = i + 1 < starts.size() ? starts.get(i + 1) : source.size();
            workers.add(new RangeWorker(i, starts.get(i), end, i + 1 < starts.size(), preflight.get(), ranges, columns, stop));
        }
        ExecutorService readers = WorkerThreads.start("silver-range-reader", workers.size());
        Throwable failure = null;
        String abandoned = null;
        try {
            CompletionService<Void> results = new ExecutorCompletionService<>(readers);
            for (RangeWorker worker : workers) {
                results.submit(worker);
            }
            for (int i = 0; i < workers.size(); i++) {
                try {
                    results.take().get();
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new InterruptedIOException("Interrupted while converting " + source.location());
                    break;
                }
                catch (ExecutionException e) {
                    // The first failure decides; the other ranges are stopped, and what they report after it is its echo.
                    if (failure == null && abandoned == null) {
                        if (e.getCause() instanceof RangesAbandoned gaveUp) {
                            abandoned = gaveUp.getMessage();
                        }
                        else {
                            failure = e.getCause();
                        }
                        columns.completeExceptionally(e.getCause());
                        stop.stop();
                    }
                }
            }
        }
        finally {
            // Every reader's task has returned by now, unless this thread was interrupted; the run then fails. A
            // reader still in a storage call after the wait writes only to its own pipeline, which the run
            // abandons if it was opened by then, and the closed gate stops it from opening one later.
            synchronized (rangeGate) {
                rangesClosed = true;
            }
            // Not the executor's interrupts: they would cut a reader's quarantine upload call too (RangeReaderStop).
            stop.stop();
            if (!WorkerThreads.stop(readers, context.threadStopWait())) {
                context.log().warn("a byte range reader was still in a storage call when its run ended; it stops at its next step once the call"
                        + " returns (a quarantine file's upload that call was starting is left to the bucket's lifecycle rule)",
                        Map.of("source", source.location(), "waitedSeconds", context.threadStopWait().toSeconds()));
            }
        }
        if (failure != null) {
            Failures.rethrow(failure);
        }
        for (int i = 0; abandoned == null && i + 1 < workers.size(); i++) {
            if (!workers.get(i).endedBetweenRecords) {
                abandoned = "the boundary at byte " + starts.get(i + 1) + " fell inside a quoted field";
            }
        }
        if (abandoned != null) {
            context.log().info("byte ranges given up, converting as one stream", Map.of("source", source.location(), "reason", abandoned));
            run.discardGivenUp("the byte ranges given up");
            return Optional.empty();
        }
        long lineOffset = 0;
        for (RangeWorker worker : workers) {
            run.takeRange(worker.rowsRead, worker.refused, lineOffset, worker.pipeline);
            lineOffset += worker.lineBreaks;
        }
        return Optional.of(run.converted());
    }

    /** A row a later range refused, held until the lines before the range are known: {@code line} counts from the range's start. */
    record Refused(long line, String reason, List<String> fields, boolean forAType) {}

    /**
     * Converts one byte range: the first reads the header and makes or loads the contract, which the
     * others wait for; each writes its own parts. Rows a later range refuses are held until the lines
     * before the range are known, at most {@link ConversionLimits#chunkMaxBytes()} of them.
     */
    private final class RangeWorker implements Callable<Void> {
        private final int index;
        private final long start;
        private final long end;
        private final boolean endMarked;
        private final RangeBoundaries.Preflight preflight;
        private final SilverConverter.Ranges ranges;
        private final CompletableFuture<int[]> columns;
        private final List<Refused> refused = new ArrayList<>();
        private long refusedBytes;
        private final RangeReaderStop stop;
        private ChunkPipeline pipeline;
        private long rowsRead;
        private boolean endedBetweenRecords;
        private long lineBreaks;

        RangeWorker(int index, long start, long end, boolean endMarked, RangeBoundaries.Preflight preflight, SilverConverter.Ranges ranges,
                CompletableFuture<int[]> columns, RangeReaderStop stop) {
            this.index = index;
            this.start = start;
            this.end = end;
            this.endMarked = endMarked;
            this.preflight = preflight;
            this.ranges = ranges;
            this.columns = columns;
            this.stop = requireNonNull(stop, "stop is null");
        }

        @Override
        public Void call() throws IOException, RangesAbandoned {
            stop.enter();
            try {
                return read();
            }
            finally {
                stop.leave();
            }
        }

        private Void read() throws IOException, RangesAbandoned {
            try (SourceBytes in = new SourceBytes(ranges.open(start, end))) {
                try (CsvReader csv = index == 0
                        ? CsvReader.openFirstRange(CloseShieldInputStream.wrap(in), context.csvOverrides().delimiterOf(dataset), context.csvOverrides().encodingOf(dataset),
                                context.csvOverrides().encodingSourceOf(dataset), source.location(), dataset, context.limits().maxRowChars(), endMarked,
                                nullMarkers)
                        : CsvReader.openRange(CloseShieldInputStream.wrap(in), preflight.delimiter(), preflight.charset(), context.csvOverrides().encodingSourceOf(dataset),
                                source.location(), dataset,
                                context.limits().maxRowChars(), endMarked, nullMarkers)) {
                    convert(csv);
                }
                in.requireCount(end - start, "bytes " + start + " to " + end + " of " + source.location());
            }
            catch (RejectedInputException e) {
                // Its offsets and lines count from the range's start; the one-stream conversion that follows gives the file's.
                throw new RangesAbandoned("the range from byte " + start + " was refused (offsets and lines from the range's start): " + e.getMessage());
            }
            return null;
        }

        private void convert(CsvReader csv) throws IOException, RejectedInputException, RangesAbandoned {
            List<Row> sample = new ArrayList<>();
            int[] fieldOfColumn;
            if (index == 0) {
                Optional<Row> headerRow = csv.next();
                if (headerRow.isEmpty() || !headerRow.get().fields().equals(preflight.header())) {
                    throw new RangesAbandoned("the first range's header differs from the one read before");
                }
                synchronized (rangeGate) {
                    requireRangesOpen();
                    run.readDialect(csv);
                    run.readHeader(headerRow.get());
                }
                Optional<SchemaContract> existing = run.existingContract();
                synchronized (rangeGate) {
                    requireRangesOpen();
                    run.readColumns(existing);
                }
                Optional<Row> afterSample = Optional.empty();
                if (existing.isEmpty()) {
                    boolean rangeEnded = run.readSample(csv, sample);
                    if (sample.isEmpty()) {
                        throw new RangesAbandoned("the first range holds no rows");
                    }
                    if (!rangeEnded && endMarked) {
                        // The sample's last row may be the range's last, cut short inside a quoted field with the end
                        // marker glued on (a row one stream reads whole, and may type otherwise): only what follows says.
                        afterSample = csv.next();
                        if (afterSample.isEmpty() && !csv.endedBetweenRecords()) {
                            throw new RangesAbandoned("the first range ends inside a quoted field of the rows the schema contract is inferred from");
                        }
                    }
                    if (rangeEnded && endMarked) {
                        // One stream would infer the contract from more rows than this range holds.
                        throw new RangesAbandoned("the first range ends inside the rows the schema contract is inferred from");
                    }
                }
                ConversionRun.Inferred inferred = null;
                if (existing.isEmpty()) {
                    synchronized (rangeGate) {
                        requireRangesOpen();
                    }
                    inferred = run.inferContract(sample);
                    // One stream infers from the same rows; the row read past them is converted next.
                    afterSample.ifPresent(sample::add);
                }
                synchronized (rangeGate) {
                    requireRangesOpen();
                    fieldOfColumn = run.useRangeContract(existing, inferred);
                }
                columns.complete(fieldOfColumn);
            }
            else {
                // Parse while the first range works out the contract.
                run.readSample(csv, sample);
                fieldOfColumn = awaitColumns();
            }
            QuarantineWriter runQuarantine;
            synchronized (rangeGate) {
                requireRangesOpen();
                pipeline = run.pipeline("silver-parquet-writer-" + index);
                runQuarantine = run.quarantine();
            }
            ConversionRun.RefusedRows refusedRows = index > 0 ? this::hold : (line, reason, fields, forAType) -> {
                synchronized (rangeGate) {
                    requireRangesOpen();
                }
                // The reader is not interrupted in it: the row may start the file's multipart upload (RangeReaderStop).
                stop.uninterrupted(() -> runQuarantine.add(line, reason, fields, forAType));
            };
            rowsRead = run.convertRows(csv, sample, pipeline, fieldOfColumn, refusedRows, start);
            endedBetweenRecords = csv.endedBetweenRecords();
            lineBreaks = endedBetweenRecords ? csv.lineBreaks() : 0;
        }

        /** Guarded by {@link #rangeGate}. */
        private void requireRangesOpen() throws RangesAbandoned {
            if (rangesClosed) {
                throw new RangesAbandoned("the run of the byte ranges ended before the range from byte " + start + " got this far");
            }
        }

        private void hold(long line, String reason, List<String> fields, boolean forAType) throws RangesAbandoned {
            refusedBytes += 64 + reason.length() * 2L + fields.stream().mapToLong(field -> 48 + 2L * field.length()).sum();
            if (refusedBytes > context.limits().chunkMaxBytes()) {
                throw new RangesAbandoned("the range from byte " + start + " refused more rows than it holds until its line numbers are known");
            }
            refused.add(new Refused(line, reason, List.copyOf(fields), forAType));
        }

        private int[] awaitColumns() throws IOException, RangesAbandoned {
            try {
                return columns.get();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while converting " + source.location());
            }
            catch (ExecutionException e) {
                throw new RangesAbandoned("the first range failed");
            }
        }
    }

    /** Ranges cannot be trusted for this file (see {@link #execute}): it is converted as one stream instead. */
    static final class RangesAbandoned extends RuntimeException {
        RangesAbandoned(String reason) {
            super(reason, null, false, false);
        }
    }
}
