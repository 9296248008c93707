package dev.medallion.silver;

import dev.medallion.common.config.ConversionLimits;
import dev.medallion.common.storage.LocalObjectStore;
import dev.medallion.common.storage.ObjectUpload;
import dev.medallion.silver.schema.Column;
import dev.medallion.silver.schema.ColumnType;
import dev.medallion.silver.schema.SchemaContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChunkPipelineTest {
    private static final SchemaContract CONTRACT = new SchemaContract("orders", List.of(new Column("id", ColumnType.BIGINT, "id")),
            "s3://bronze/orders/a.csv", "2026-12-01T10:00:00Z");

    @TempDir
    Path directory;

    /**
     * The byte ranges of a file stop one another by interrupting their reading threads. One interrupted
     * while it waited for its pipeline's write must not lose sight of that write: the part it opens
     * afterwards must be among the uploads the run aborts, or it is left behind (on S3, an uncompleted
     * multipart upload; here, a temporary file).
     */
    @Test
    void abandonWaitsForTheWriteTheInterruptedReadingThreadStoppedWaitingFor() throws Exception {
        CountDownLatch opening = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HookedStore store = new HookedStore(new LocalObjectStore(directory), new HookedStore.Hooks() {
            @Override
            public void beforeCreate(String key) {
                opening.countDown();
                // A writer busy opening its part, deaf to interrupts, as one in a blocking socket call is.
                boolean released = false;
                while (!released) {
                    try {
                        released = release.await(10, TimeUnit.SECONDS);
                    }
                    catch (InterruptedException e) {
                        // keep waiting
                    }
                }
            }
        });
        AtomicInteger parts = new AtomicInteger();
        ChunkPipeline pipeline = new ChunkPipeline(store, new ConversionLimits(1, 1 << 20, 1 << 20, 1 << 20), CONTRACT,
                () -> "orders/part-" + parts.incrementAndGet() + ".parquet", "silver-parquet-writer-test");
        ExecutorService reading = Executors.newSingleThreadExecutor();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<?> read = reading.submit(() -> {
                for (String id : List.of("1", "2")) {
                    assertEquals(null, pipeline.append(field -> id, new int[] {0}));
                    pipeline.flush();
                }
                return null;
            });
            assertEquals(true, opening.await(10, TimeUnit.SECONDS), "the first chunk's write opens its part");
            // The second flush waits for the first write; stop the reading thread there.
            reading.shutdownNow();
            ExecutionException stopped = assertThrows(ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS));
            assertInstanceOf(InterruptedIOException.class, stopped.getCause());

            Future<List<ObjectUpload>> abandoning = caller.submit(pipeline::abandon);
            assertThrows(TimeoutException.class, () -> abandoning.get(300, TimeUnit.MILLISECONDS),
                    "abandon returned while the part was still being opened, so it cannot abort it");
            release.countDown();
            List<ObjectUpload> uploads = abandoning.get(10, TimeUnit.SECONDS);
            pipeline.stop();
            uploads.forEach(ObjectUpload::abort);

            assertEquals(1, uploads.size(), "the part the write opened");
            assertEquals(List.of(), files(), "nothing is left once the uploads abandon returned are aborted");
        }
        finally {
            release.countDown();
            reading.shutdownNow();
            caller.shutdownNow();
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
