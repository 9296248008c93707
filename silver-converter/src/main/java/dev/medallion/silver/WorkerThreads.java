package dev.medallion.silver;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Starts and ends the threads a run uses (a pipeline's writer, the range readers): ended before the run
 * returns. A warm Lambda environment converts object after object in one JVM: a thread left running lives
 * as long as the JVM, with whatever it references, so each object converted would leave one behind.
 */
final class WorkerThreads {
    /** How long to wait for a thread that is still busy: one in the middle of a write or a read. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private WorkerThreads() {}

    /**
     * An executor of {@code count} daemon threads named {@code name}, for {@link #stop}. The threads
     * reference their name only, not what made them: one that outlived its run keeps nothing of it.
     */
    static ExecutorService start(String name, int count) {
        return new Workers(name, count);
    }

    /**
     * Lets each task already handed over run to its end, interrupting none, wakes idle threads to end, and waits for
     * every thread of the executor to end, at most {@code wait} ({@link #WAIT} but in tests): to have ended, not only
     * to have left the executor, for an executor made by {@link #start}. No task is interrupted because a thread may
     * be in a storage call whose answer must not be lost: interrupted, an AWS SDK call fails on the caller's side
     * whatever S3 did with the request (the SDK checks the interrupt between the stages of a call, {@code
     * InterruptMonitor} in its core, and the HTTP client's blocking I/O may be cut by it), and a call made while the
     * interrupt is still set, an abort included, fails the same way: a CreateMultipartUpload S3 carried out would
     * leave an upload no one learnt of. A task that must stop sooner is told so by its owner ({@link ChunkPipeline},
     * {@link RangeReaderStop}). The wait holds even when the calling thread is interrupted, before or during it: a
     * run stopping because it was interrupted must still not leave its workers behind (they may be writing a part).
     * The caller's interrupt is kept for it to see once the wait is over.
     *
     * @return whether every thread ended within the wait
     */
    static boolean stop(ExecutorService executor, Duration wait) {
        executor.shutdown();
        return awaitEnd(executor, wait);
    }

    private static boolean awaitEnd(ExecutorService executor, Duration wait) {
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                try {
                    if (!executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                        return false;
                    }
                    // A terminated executor's last thread may still be on its way out: wait for it to be gone.
                    if (executor instanceof Workers workers) {
                        for (Thread thread : workers.threads) {
                            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                            if (thread.isAlive()) {
                                return false;
                            }
                        }
                    }
                    return true;
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

    private static final class Workers extends ThreadPoolExecutor {
        private final List<Thread> threads = new CopyOnWriteArrayList<>();

        Workers(String name, int count) {
            super(count, count, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
            List<Thread> made = threads;
            setThreadFactory(runnable -> {
                Thread thread = new Thread(runnable, name);
                thread.setDaemon(true);
                made.add(thread);
                return thread;
            });
        }
    }
}
