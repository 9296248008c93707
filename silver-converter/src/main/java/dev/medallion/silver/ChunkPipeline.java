package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.storage.ObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import dev.medallion.silver.parquet.ParquetPartWriter;
import dev.medallion.silver.parquet.ParquetSchemas;
import dev.medallion.silver.parquet.PartInfo;
import dev.medallion.silver.parquet.RowBatch;
import dev.medallion.silver.schema.NullMarkers;
import dev.medallion.silver.schema.SchemaContract;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Typed rows into Parquet parts, for one stream of rows: the reading thread fills a chunk, hands it to
 * the pipeline's writer thread when full and goes on filling the other one. Parsing and Parquet encoding
 * each take about half the time, so on two cores they overlap. One chunk is written at a time, in order,
 * so the output is the same as a single thread's. Parts are uploads that stay invisible until the commit
 * publishes them ({@link SilverCommit}).
 *
 * <p>Every storage call that writes a part is made on the writer thread, and the writer thread is never
 * interrupted: an AWS SDK call interrupted fails on the caller's side whatever S3 did with the request, so a
 * CreateMultipartUpload that S3 carried out would leave an upload whose id no one learnt, and an abort sent
 * while the interrupt is still set fails too ({@link WorkerThreads#stop}). An abandoned writer lets
 * the call under way finish and stops at its next write to its part ({@link StoppableUpload}), so every upload
 * S3 created is known by then, and aborted.
 *
 * <p>Who aborts a part of an abandoned pipeline: the run, with the uploads {@link #abandon} returns, once
 * the writer thread has ended; the writer thread itself when it has not ended within the wait (a storage
 * call that outlasts it), as soon as that call returns. Never both, never neither.
 */
final class ChunkPipeline {
    private final ObjectStore silver;
    private final ConversionLimits limits;
    private final MessageType schema;
    private final Supplier<String> partKeys;
    private final String threadName;
    private final Duration stopWait;
    /** Guards the hand-over of the writer's parts between the writer thread and {@link #abandon}. */
    private final Object ownership = new Object();
    private final List<PartInfo> parts = new ArrayList<>();
    /** Closed part uploads, in the order of {@link #parts}. */
    private final List<ObjectUpload> staged = new ArrayList<>();
    private RowBatch filling;
    private RowBatch spare;
    private ParquetPartWriter openPart;
    private ExecutorService writer;
    private Future<?> inFlight;
    private long rowsWritten;
    /** Whether a chunk is being written; guarded by {@link #ownership}. */
    private boolean writing;
    /** Set by {@link #abandon}: no chunk is handed over any more; guarded by {@link #ownership}. */
    private boolean abandoned;
    /** Set when {@link #abandon} stopped waiting for a write: the writer aborts its parts itself; guarded by {@link #ownership}. */
    private boolean orphaned;
    /**
     * Set by {@link #abandon}, read by the writer thread before each write to its part: it stops there. Shared
     * with the parts' uploads alone, which the run keeps until its commit, not the pipeline and its chunks.
     */
    private final AtomicBoolean stopping = new AtomicBoolean();

    /** What {@link #abandon} leaves to its caller. */
    record Abandoned(List<ObjectUpload> uploads, boolean writerStillRunning) {
        Abandoned {
            uploads = List.copyOf(uploads);
        }
    }

    /**
     * @param contractKey where the contract is, named in the reasons of refused rows
     * @param partKeys the key of each part this pipeline opens, unique within the run
     * @param threadName names the writer thread, for thread dumps and profiles
     * @param stopWait how long {@link #stop} and {@link #abandon} wait for a write under way ({@link WorkerThreads#WAIT} but in tests)
     */
    ChunkPipeline(ObjectStore silver, ConversionLimits limits, SchemaContract contract, String contractKey, Supplier<String> partKeys, String threadName,
            Duration stopWait) {
        this(silver, limits, contract, contractKey, NullMarkers.defaults(), partKeys, threadName, stopWait);
    }

    /** @param markers the texts the dataset's fields hold for a missing value ({@link NullMarkers}), written as null */
    ChunkPipeline(ObjectStore silver, ConversionLimits limits, SchemaContract contract, String contractKey, NullMarkers markers, Supplier<String> partKeys,
            String threadName, Duration stopWait) {
        this.silver = requireNonNull(silver, "silver is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.partKeys = requireNonNull(partKeys, "partKeys is null");
        this.threadName = requireNonNull(threadName, "threadName is null");
        this.stopWait = requireNonNull(stopWait, "stopWait is null");
        this.schema = ParquetSchemas.messageType(contract);
        this.filling = new RowBatch(contract, contractKey, markers);
        this.spare = new RowBatch(contract, contractKey, markers);
    }

    /** Appends a row to the chunk; returns null, or why the row does not fit the contract (it is then not appended). */
    String append(IntFunction<String> field, int[] fieldOfColumn) {
        return filling.append(field, fieldOfColumn);
    }

    /** Whether the chunk holds its rows or its bytes: time for {@link #flush}. */
    boolean full() {
        return filling.size() >= limits.chunkRows() || filling.retainedBytes() >= limits.chunkMaxBytes();
    }

    /** Hands the chunk to the writer thread, once the one before it is written. */
    void flush() throws IOException {
        if (filling.size() == 0) {
            return;
        }
        awaitWrite();
        RowBatch full = filling;
        filling = spare;
        spare = full;
        handOver(() -> write(full));
    }

    /** A step of the writer thread: a chunk to write, or the open part to finish. */
    @FunctionalInterface
    private interface WriterStep {
        void run() throws IOException;
    }

    /** Hands {@code step} to the writer thread, which is idle: the write before it was awaited. */
    private void handOver(WriterStep step) throws IOException {
        synchronized (ownership) {
            if (abandoned) {
                // A reading thread that outlived its run: nothing it reads may start a part no one would abort.
                throw stopped();
            }
            if (writer == null) {
                // Its thread references its name, not the pipeline: a thread that outlived its pipeline must not keep its chunks.
                writer = WorkerThreads.start(threadName, 1);
            }
            writing = true;
            inFlight = writer.submit(() -> {
                try {
                    step.run();
                }
                finally {
                    endWrite();
                }
                return null;
            });
        }
    }

    /**
     * Writes what is left, closes the open part (every part's bytes are then sent) and stops the writer
     * thread: nothing more is written, and an execution environment converts object after object.
     */
    void finish() throws IOException {
        flush();
        awaitWrite();
        if (openPart != null) {
            // On the writer thread too: a range's reading thread is interrupted when another range fails, and
            // the part's last storage calls (often its CreateMultipartUpload) must not be.
            handOver(this::finishPart);
            awaitWrite();
        }
        stop();
    }

    List<PartInfo> parts() {
        return List.copyOf(parts);
    }

    List<ObjectUpload> staged() {
        return List.copyOf(staged);
    }

    long rowsWritten() {
        return rowsWritten;
    }

    /**
     * Ends the pipeline: no chunk is handed over any more, and every upload it started, finished or not,
     * is aborted. Stops the writer thread first ({@link #stop}: a chunk being written is not interrupted but
     * stops at its next write to its part, a storage call under way finishing first, and the wait for the
     * thread to end holds even when the calling thread is interrupted). Once the writer has ended, every part
     * it opened is known, its upload id too once S3 created it, and returned for the caller to abort. If it
     * is still in a storage call when the wait is over, it aborts its parts itself when the call returns,
     * and none are returned.
     *
     * <p>What bounds the wait: the storage call under way, which the function's store gives at most its {@link
     * dev.medallion.common.storage.RequestTimeLimit} (half the invocation's time left as the call starts, the SDK's
     * {@code apiCallTimeout}), and the encoding of the rest of one chunk up to its next write; and in any case the
     * stop wait, past which the writer aborts its parts itself.
     */
    Abandoned abandon() {
        synchronized (ownership) {
            abandoned = true;
        }
        stopping.set(true);
        boolean ended = stop();
        synchronized (ownership) {
            // A write still queued when the stop began runs, and stops at once: only a thread still running owns its parts.
            if (!ended && writing) {
                orphaned = true;
                return new Abandoned(List.of(), true);
            }
        }
        // The chunk being written, if any, ended with the thread; its failure is of no interest any more.
        inFlight = null;
        List<ObjectUpload> uploads = ownUploads();
        return new Abandoned(uploads, false);
    }

    /**
     * Stops the writer thread and waits for it to end ({@link WorkerThreads}); call once done with the
     * pipeline, whatever happened ({@link #finish} does on success).
     *
     * @return whether the writer thread ended within the wait
     */
    boolean stop() {
        ExecutorService ending;
        synchronized (ownership) {
            ending = writer;
            writer = null;
        }
        if (ending == null) {
            return true;
        }
        // Idle once the last write was awaited (finish); a write still under way (abandon) is not interrupted, but
        // stops at its next write to its part.
        return WorkerThreads.stop(ending, stopWait);
    }

    /** Runs on the writer thread at the end of each write. */
    private void endWrite() {
        synchronized (ownership) {
            writing = false;
            if (!orphaned) {
                return;
            }
            // abandon gave up waiting for this write: no one else will abort what it opened. The thread is
            // not interrupted (stop does not), so the storage client sends the aborts.
            for (ObjectUpload upload : ownUploads()) {
                try {
                    upload.abort();
                }
                catch (RuntimeException e) {
                    // No one is left to tell: the bucket's lifecycle rule removes an uncompleted upload.
                }
            }
        }
    }

    /** The uploads of the parts written and of the open one, handed over and forgotten. */
    private List<ObjectUpload> ownUploads() {
        List<ObjectUpload> uploads = new ArrayList<>(staged);
        if (openPart != null) {
            uploads.add(openPart.upload());
            openPart = null;
        }
        staged.clear();
        parts.clear();
        rowsWritten = 0;
        return uploads;
    }

    /** Runs on the writer thread. */
    private void write(RowBatch batch) throws IOException {
        if (stopping.get()) {
            // Handed over before abandon and taken off the queue after it: nothing of it is kept.
            throw stopped();
        }
        if (openPart == null) {
            String key = partKeys.get();
            openPart = new ParquetPartWriter(new StoppableUpload(silver.create(key), stopping), key, silver.describe(key), schema, limits.rowGroupBytes(),
                    batch.highCardinalityColumns());
        }
        openPart.write(batch);
        rowsWritten += batch.size();
        batch.clear(limits.chunkMaxBytes());
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

    private static InterruptedIOException stopped() {
        return new InterruptedIOException("The Parquet writer of this run was stopped");
    }

    /**
     * A part's upload that takes no more bytes once the pipeline is abandoned: the writer thread, which is not
     * interrupted, stops at its next write rather than writing the rest of its chunk, and never starts a storage
     * call after the abandon. A call under way is not cut, and the upload stays as S3 left it, its id known, for
     * the abort. Publishing and aborting pass through: they are the run's, after the writer.
     */
    private static final class StoppableUpload extends ObjectUpload {
        private final ObjectUpload upload;
        private final AtomicBoolean stopping;

        StoppableUpload(ObjectUpload upload, AtomicBoolean stopping) {
            this.upload = requireNonNull(upload, "upload is null");
            this.stopping = requireNonNull(stopping, "stopping is null");
        }

        @Override
        public long position() {
            return upload.position();
        }

        @Override
        public void write(int b) throws IOException {
            checkNotStopping();
            upload.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            checkNotStopping();
            upload.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            checkNotStopping();
            upload.close();
        }

        @Override
        public void publish() throws IOException {
            upload.publish();
        }

        @Override
        public void abort() {
            upload.abort();
        }

        private void checkNotStopping() throws InterruptedIOException {
            if (stopping.get()) {
                throw stopped();
            }
        }
    }

    /**
     * Waits for the chunk being written; its failure is rethrown here, on the reading thread. An
     * interrupted wait leaves the write in flight, for a later wait.
     */
    private void awaitWrite() throws IOException {
        if (inFlight == null) {
            return;
        }
        try {
            inFlight.get();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while writing a Parquet part");
        }
        catch (ExecutionException e) {
            inFlight = null;
            Failures.rethrow(e.getCause());
        }
        inFlight = null;
    }
}
