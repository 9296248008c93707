package dev.medallion.silver;

import org.junit.jupiter.api.Test;

import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeReaderStopTest {
    private final RangeReaderStop stop = new RangeReaderStop();

    /** Runs {@code reader} on a thread of its own as a range reader: entered, and left at its end. */
    private Future<Void> startReader(RangeReaderStop.StorageCall reader) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                stop.enter();
                try {
                    reader.run();
                }
                finally {
                    stop.leave();
                }
                done.complete(null);
            }
            catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "range-reader-stop-test");
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    /**
     * A reader in a storage call (a quarantine file's CreateMultipartUpload) is not interrupted by the stop: the call
     * runs to its end, its answer kept, and the reader stops as it returns, its interrupt flag clear.
     */
    @Test
    void aReaderInAStorageCallFinishesItUninterruptedAndStopsAsItReturns() throws Exception {
        CountDownLatch inCall = new CountDownLatch(1);
        AtomicBoolean interruptedInCall = new AtomicBoolean();
        AtomicBoolean callEnded = new AtomicBoolean();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Future<Void> reader = startReader(() -> {
            try {
                stop.uninterrupted(() -> {
                    inCall.countDown();
                    try {
                        Thread.sleep(300);
                    }
                    catch (InterruptedException e) {
                        interruptedInCall.set(true);
                    }
                    callEnded.set(true);
                });
            }
            finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        assertTrue(inCall.await(10, TimeUnit.SECONDS));

        stop.stop();

        ExecutionException stopped = assertThrows(ExecutionException.class, () -> reader.get(10, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedIOException.class, stopped.getCause(), "the reader stopped as its call returned");
        assertTrue(callEnded.get(), "the call ran to its end");
        assertFalse(interruptedInCall.get(), "the call was not interrupted");
        assertFalse(interruptedAfter.get(), "nor was the reader after it: a stop interrupts once");
    }

    /** A reader blocked elsewhere (reading its range, waiting for its writer) is interrupted, and makes no storage call after. */
    @Test
    void aReaderOutsideAStorageCallIsInterruptedAndMakesNoCallAfter() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        AtomicBoolean called = new AtomicBoolean();
        Future<Void> reader = startReader(() -> {
            reading.countDown();
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(30));
            }
            catch (InterruptedException e) {
                // As a reader that catches the interrupt and goes on to refuse a row.
            }
            stop.uninterrupted(() -> called.set(true));
        });
        assertTrue(reading.await(10, TimeUnit.SECONDS));

        stop.stop();

        ExecutionException stopped = assertThrows(ExecutionException.class, () -> reader.get(10, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedIOException.class, stopped.getCause());
        assertFalse(called.get(), "no storage call after the stop");
    }

    @Test
    void aReaderStartingAfterTheStopDoesNotStart() {
        stop.stop();

        assertThrows(InterruptedIOException.class, stop::enter);
    }
}
