package dev.medallion.silver;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Stops a run's byte range readers by interrupting them, as a reader blocked in a read of its range or
 * waiting for its writer needs, but never one in a storage call that starts or adds to an upload (the first
 * range's quarantine file, which its reader writes itself): interrupted, an AWS SDK call fails on the caller's
 * side whatever S3 did with the request ({@link WorkerThreads#stop}), so a CreateMultipartUpload S3
 * carried out would leave an upload whose id the run never learnt, nor aborted. A reader in such a call is
 * let finish it, its upload known to the run, and stops as the call returns.
 */
final class RangeReaderStop {
    /** A storage call of a reader. */
    @FunctionalInterface
    interface StorageCall {
        void run() throws IOException;
    }

    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final Set<Thread> readers = new HashSet<>();
    /** The readers in a {@link #uninterrupted} call; guarded by {@link #lock}. */
    private final Set<Thread> inStorageCall = new HashSet<>();
    /** Guarded by {@link #lock}. */
    private boolean stopped;

    /** Registers the calling thread as a reader until {@link #leave}; a reader starting after the stop does not start. */
    void enter() throws InterruptedIOException {
        synchronized (lock) {
            if (stopped) {
                throw stoppedReader();
            }
            readers.add(Thread.currentThread());
        }
    }

    /** The calling reader is done: its thread, back in its pool, is no longer interrupted. */
    void leave() {
        synchronized (lock) {
            readers.remove(Thread.currentThread());
        }
    }

    /**
     * Runs {@code call} on the calling reader with no interrupt from {@link #stop} while it runs. Once the readers
     * are stopped, it makes no call, and a call under way at the stop finishes, then the reader stops here.
     */
    void uninterrupted(StorageCall call) throws IOException {
        Thread reader = Thread.currentThread();
        synchronized (lock) {
            // An interrupt from stop comes with stopped set: a reader that sees it clear was not interrupted by it.
            if (stopped) {
                throw stoppedReader();
            }
            inStorageCall.add(reader);
        }
        boolean stoppedDuringCall;
        try {
            call.run();
        }
        finally {
            synchronized (lock) {
                inStorageCall.remove(reader);
                stoppedDuringCall = stopped;
            }
        }
        if (stoppedDuringCall) {
            throw stoppedReader();
        }
    }

    /** Interrupts every reader but one in an {@link #uninterrupted} call, which stops as the call returns; once. */
    void stop() {
        synchronized (lock) {
            if (stopped) {
                // A reader the first stop let finish its call is not to be interrupted in it now.
                return;
            }
            stopped = true;
            for (Thread reader : readers) {
                if (!inStorageCall.contains(reader)) {
                    reader.interrupt();
                }
            }
        }
    }

    private static InterruptedIOException stoppedReader() {
        return new InterruptedIOException("The byte range readers of this run were stopped");
    }
}
