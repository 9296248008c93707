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
 * <p>Who aborts a part of an abandoned pipeline: the run, with the uploads {@link #abandon} returns, once
 * the writer thread has ended; the writer thread itself when it has not ended within the wait (a storage
 * call deaf to interrupts), as soon as that call returns. Never both, never neither.
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
        synchronized (ownership) {
            if (abandoned) {
                // A reading thread that outlived its run: nothing it reads may start a part no one would abort.
                throw new InterruptedIOException("The Parquet writer of this run was stopped");
            }
            if (writer == null) {
                // Its thread references its name, not the pipeline: a thread that outlived its pipeline must not keep its chunks.
                writer = WorkerThreads.start(threadName, 1);
            }
            writing = true;
            inFlight = writer.submit(() -> {
                try {
                    write(full);
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
            finishPart();
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
     * is aborted. Stops the writer thread first ({@link #stop}: a chunk being written is interrupted, and
     * the wait for the thread to end holds even when the calling thread is interrupted). Once the writer
     * has ended, every part it opened is known, and returned for the caller to abort. If it is still in
     * a storage call when the wait is over, that call deaf to interrupts, it aborts its parts itself when
     * the call returns, and none are returned.
     */
    Abandoned abandon() {
        synchronized (ownership) {
            abandoned = true;
        }
        boolean ended = stop();
        synchronized (ownership) {
            // A write the stop took off the queue before it began never runs: only a thread still running owns its parts.
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
        ExecutorService stopping;
        synchronized (ownership) {
            stopping = writer;
            writer = null;
        }
        if (stopping == null) {
            return true;
        }
        // Idle once the last write was awaited (finish); a write still under way (abandon) is interrupted.
        return WorkerThreads.stop(stopping, stopWait);
    }

    /** Runs on the writer thread at the end of each write. */
    private void endWrite() {
        synchronized (ownership) {
            writing = false;
            if (!orphaned) {
                return;
            }
            // abandon gave up waiting for this write: no one else will abort what it opened. The thread's
            // interrupt (from stop) is cleared first, or the storage client would refuse the calls.
            Thread.interrupted();
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
        if (openPart == null) {
            openPart = new ParquetPartWriter(silver, partKeys.get(), schema, limits.rowGroupBytes(), batch.highCardinalityColumns());
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
