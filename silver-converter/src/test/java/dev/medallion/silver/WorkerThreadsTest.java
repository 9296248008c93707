package dev.medallion.silver;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerThreadsTest {
    /** A worker thread busy with a task that does not answer an interrupt for a while, as one in the middle of a write may not. */
    private record BusyWorker(ExecutorService executor, AtomicBoolean finished) {
        static BusyWorker start(long millis) throws InterruptedException {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean finished = new AtomicBoolean();
            executor.execute(() -> {
                started.countDown();
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                finished.set(true);
            });
            started.await();
            return new BusyWorker(executor, finished);
        }

        void assertEnded() {
            assertTrue(finished.get(), "the worker ran to its end before stop returned");
            assertTrue(executor.isTerminated());
        }
    }

    @Test
    void waitsForATaskUnderWayToEnd() throws Exception {
        BusyWorker worker = BusyWorker.start(300);

        assertTrue(WorkerThreads.stop(worker.executor(), WorkerThreads.WAIT));

        worker.assertEnded();
        assertFalse(Thread.currentThread().isInterrupted());
    }

    /**
     * A Parquet writer's thread may be in a storage call whose answer must not be lost: stop lets the
     * task under way run to its end without an interrupt, and the task handed over after it runs too, while
     * the idle thread is still woken to end.
     */
    @Test
    void stopInterruptsNoTask() throws Exception {
        ExecutorService executor = WorkerThreads.start("worker-threads-test", 1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Boolean> interrupted = new CopyOnWriteArrayList<>();
        executor.execute(() -> {
            started.countDown();
            try {
                release.await();
            }
            catch (InterruptedException e) {
                interrupted.add(true);
                return;
            }
            interrupted.add(Thread.currentThread().isInterrupted());
        });
        executor.execute(() -> interrupted.add(Thread.currentThread().isInterrupted()));
        started.await();
        Thread releasing = new Thread(() -> {
            try {
                Thread.sleep(200);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            release.countDown();
        });
        releasing.start();

        assertTrue(WorkerThreads.stop(executor, WorkerThreads.WAIT));

        assertEquals(List.of(false, false), interrupted, "both tasks ran to their end, neither interrupted");
        assertTrue(executor.isTerminated());
        releasing.join();
    }

    /** What a warm environment counts on: once stop returns, the threads are gone, not only out of the executor. */
    @Test
    void theThreadsOfAnExecutorItStartedAreGoneWhenStopReturns() throws Exception {
        ExecutorService executor = WorkerThreads.start("worker-threads-test", 2);
        executor.submit(() -> null).get();
        executor.submit(() -> null).get();

        assertTrue(WorkerThreads.stop(executor, WorkerThreads.WAIT));

        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("worker-threads-test") && thread.isAlive()).toList());
    }

    @Test
    void waitsEvenWhenTheCallingThreadIsInterruptedAndKeepsTheInterrupt() throws Exception {
        BusyWorker worker = BusyWorker.start(300);

        Thread.currentThread().interrupt();
        boolean ended;
        try {
            ended = WorkerThreads.stop(worker.executor(), WorkerThreads.WAIT);
        }
        finally {
            // Read and clear the flag, so that it cannot leak into the next test on this thread.
            assertTrue(Thread.interrupted(), "the caller's interrupt is kept");
        }

        assertTrue(ended);
        worker.assertEnded();
    }

    @Test
    void waitsThroughAnInterruptThatArrivesDuringTheWait() throws Exception {
        BusyWorker worker = BusyWorker.start(600);
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(100);
            }
            catch (InterruptedException e) {
                return;
            }
            caller.interrupt();
        });
        interrupter.start();

        boolean ended;
        try {
            ended = WorkerThreads.stop(worker.executor(), WorkerThreads.WAIT);
        }
        finally {
            interrupter.join();
            assertTrue(Thread.interrupted(), "the caller's interrupt is kept");
        }

        assertTrue(ended);
        worker.assertEnded();
    }
}
