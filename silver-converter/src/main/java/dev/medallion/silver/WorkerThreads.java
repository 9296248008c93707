package dev.medallion.silver;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends the threads a run starts (a pipeline's writer, the range readers) before the run returns. A warm
 * Lambda environment converts object after object in one JVM: a thread left running lives as long as the
 * JVM, with whatever it references, so each object converted would leave one behind.
 */
final class WorkerThreads {
    /** How long to wait for a thread that is still busy: one interrupted in the middle of a write or a read. */
    private static final long WAIT_SECONDS = 30;

    private WorkerThreads() {}

    /** Interrupts what is still running, and waits for every thread of the executor to end. */
    static void stop(ExecutorService executor) {
        executor.shutdownNow();
        try {
            executor.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
