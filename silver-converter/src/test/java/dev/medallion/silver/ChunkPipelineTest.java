package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.SchemaContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkPipelineTest {
    private static final SchemaContract CONTRACT = new SchemaContract("orders", List.of(new Column("id", ColumnType.BIGINT, "id")),
            "s3://bronze/orders/a.csv", "2026-12-01T10:00:00Z");

    @TempDir
    Path directory;

    /** A store whose part uploads are opened only once {@link #release} is called; deaf to interrupts, as a blocking socket call is. */
    private final CountDownLatch opening = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService reading = Executors.newSingleThreadExecutor();
    private final ExecutorService caller = Executors.newSingleThreadExecutor();
    /** The keys of the uploads aborted, by the pipeline's writer or by the test. */
    private final List<String> aborted = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopThreads() {
        release.countDown();
        reading.shutdownNow();
        caller.shutdownNow();
    }

    /**
     * The byte ranges of a file stop one another by interrupting their reading threads. One interrupted
     * while it waited for its pipeline's write must not lose sight of that write: the part it opens
     * afterwards must be aborted, by the writer as its write stops or among the uploads the run aborts,
     * or it is left behind (on S3, an uncompleted multipart upload; here, a temporary file).
     */
    @Test
    void abandonWaitsForTheWriteTheInterruptedReadingThreadStoppedWaitingFor() throws Exception {
        ChunkPipeline pipeline = pipelineOpeningItsFirstPart(WorkerThreads.WAIT);

        Future<ChunkPipeline.Abandoned> abandoning = caller.submit(pipeline::abandon);
        assertAbandonsThePartOnceOpened(pipeline, abandoning);
    }

    /**
     * A storage call deaf to interrupts can outlast the wait for the writer thread. {@code abandon} then
     * returns without the part that call is opening, and the writer thread aborts it itself once the call
     * returns: on S3 nothing is left, not even an uncompleted multipart upload for the lifecycle rule.
     */
    @Test
    void aWriterStillInAStorageCallWhenTheWaitIsOverAbortsThePartItOpensItself() throws Exception {
        ChunkPipeline pipeline = pipelineOpeningItsFirstPart(Duration.ofMillis(200));

        ChunkPipeline.Abandoned abandoned = caller.submit(pipeline::abandon).get(10, TimeUnit.SECONDS);
        assertTrue(abandoned.writerStillRunning());
        assertEquals(List.of(), abandoned.uploads(), "the writer still owns the part it is opening");

        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ConverterThreads.live().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(), ConverterThreads.live(), "the writer thread ends once its call returns");
        assertEquals(List.of(), files(), "the writer aborted the part it opened after the run had given up waiting for it");
    }

    /** A reading thread that outlived its run cannot hand the abandoned pipeline another chunk: no one would abort its part. */
    @Test
    void anAbandonedPipelineTakesNoMoreChunks() throws Exception {
        ChunkPipeline pipeline = new ChunkPipeline(new LocalObjectStore(directory), new ConversionLimits(1, 1 << 20, 1 << 20, 1 << 20), CONTRACT, "_schemas/orders.json",
                () -> "orders/part.parquet", "silver-parquet-writer-test", WorkerThreads.WAIT);
        assertEquals(new ChunkPipeline.Abandoned(List.of(), false), pipeline.abandon());

        assertEquals(null, pipeline.append(field -> "1", new int[] {0}));
        assertThrows(InterruptedIOException.class, pipeline::flush);
        assertEquals(List.of(), ConverterThreads.live(), "no writer thread was started");
        assertEquals(List.of(), files());
    }

    /** The same when the thread that abandons the pipeline is itself interrupted, as a run's thread stopping because of an interrupt is. */
    @Test
    void anInterruptedThreadAbandoningThePipelineStillWaitsForTheWrite() throws Exception {
        ChunkPipeline pipeline = pipelineOpeningItsFirstPart(WorkerThreads.WAIT);

        Future<ChunkPipeline.Abandoned> abandoning = caller.submit(() -> {
            Thread.currentThread().interrupt();
            try {
                return pipeline.abandon();
            }
            finally {
                assertTrue(Thread.interrupted(), "the caller's interrupt is kept");
            }
        });
        assertAbandonsThePartOnceOpened(pipeline, abandoning);
    }

    /** A pipeline whose writer is opening the first chunk's part (and waits for {@link #release}), its reading thread interrupted while waiting for that write. */
    private ChunkPipeline pipelineOpeningItsFirstPart(Duration stopWait) throws Exception {
        HookedStore store = new HookedStore(new LocalObjectStore(directory), new HookedStore.Hooks() {
            @Override
            public void beforeCreate(String key) {
                opening.countDown();
                HookedStore.awaitDeafToInterrupts(release);
            }

            @Override
            public void beforeAbort(String key) {
                aborted.add(key);
            }
        });
        AtomicInteger parts = new AtomicInteger();
        ChunkPipeline pipeline = new ChunkPipeline(store, new ConversionLimits(1, 1 << 20, 1 << 20, 1 << 20), CONTRACT, "_schemas/orders.json",
                () -> "orders/part-" + parts.incrementAndGet() + ".parquet", "silver-parquet-writer-test", stopWait);
        Future<?> read = reading.submit(() -> {
            for (String id : List.of("1", "2")) {
                assertEquals(null, pipeline.append(field -> id, new int[] {0}));
                pipeline.flush();
            }
            return null;
        });
        assertTrue(opening.await(10, TimeUnit.SECONDS), "the first chunk's write opens its part");
        // The second flush waits for the first write; stop the reading thread there.
        reading.shutdownNow();
        ExecutionException stopped = assertThrows(ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedIOException.class, stopped.getCause());
        return pipeline;
    }

    private void assertAbandonsThePartOnceOpened(ChunkPipeline pipeline, Future<ChunkPipeline.Abandoned> abandoning) throws Exception {
        assertThrows(TimeoutException.class, () -> abandoning.get(300, TimeUnit.MILLISECONDS),
                "abandon returned while the part was still being opened, so it cannot abort it");
        release.countDown();
        ChunkPipeline.Abandoned abandoned = abandoning.get(10, TimeUnit.SECONDS);
        assertFalse(abandoned.writerStillRunning());
        List<ObjectUpload> uploads = abandoned.uploads();
        pipeline.stop();
        uploads.forEach(ObjectUpload::abort);

        assertEquals(List.of("orders/part-1.parquet"), aborted.stream().distinct().toList(), "the part the write opened, aborted by its writer or"
                + " among the uploads abandon returned: " + uploads);
        assertEquals(List.of(), files(), "nothing is left once the uploads abandon returned are aborted");
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
