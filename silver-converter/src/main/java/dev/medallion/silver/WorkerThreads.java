package dev.medallion.silver;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends the threads a run starts (a pipeline's writer, the range readers) before the run returns. A warm
 * Lambda environment converts object after object in one JVM: a thread left running lives as long as the
 * JVM, with whatever it references, so each object converted would leave one behind.
 */
final class WorkerThreads {
    /** How long to wait for a thread that is still busy: one interrupted in the middle of a write or a read. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private WorkerThreads() {}

    /**
     * Interrupts what is still running, and waits for every thread of the executor to end, at most
     * {@code wait} ({@link #WAIT} but in tests). The wait holds even when the calling thread is interrupted, before or during
     * it: a run stopping because it was interrupted must still not leave its workers behind (they may be
     * writing a part). The caller's interrupt is kept for it to see once the wait is over.
     *
     * @return whether every thread ended within the wait
     */
    static boolean stop(ExecutorService executor, Duration wait) {
        executor.shutdownNow();
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                try {
                    return executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                }
                catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
