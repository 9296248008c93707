package dev.medallion.bronze.upload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Uploads several files at once on a fixed number of threads. Each thread holds at most one part in
 * memory, so the run needs about {@code concurrency × part size} whatever the files' sizes.
 */
public final class UploadRun {
    private final FileUploader uploader;
    private final int concurrency;

    public UploadRun(FileUploader uploader, int concurrency) {
        this.uploader = requireNonNull(uploader, "uploader is null");
        if (concurrency < 1) {
            throw new IllegalArgumentException("Concurrency must be at least 1: " + concurrency);
        }
        this.concurrency = concurrency;
    }

    /** The outcome of every file, in the order given. */
    public List<UploadOutcome> run(List<PlannedFile> files, UploadListener listener) throws InterruptedException {
        requireNonNull(files, "files is null");
        requireNonNull(listener, "listener is null");
        listener.runStarted(files.size(), files.stream().mapToLong(PlannedFile::size).sum());
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(concurrency, Math.max(1, files.size())), uploadThreads());
        try {
            List<Future<UploadOutcome>> futures = new ArrayList<>(files.size());
            for (PlannedFile file : files) {
                futures.add(executor.submit(() -> {
                    UploadOutcome outcome = uploader.upload(file, listener);
                    listener.fileDone(outcome);
                    return outcome;
                }));
            }
            List<UploadOutcome> outcomes = new ArrayList<>(files.size());
            for (Future<UploadOutcome> future : futures) {
                outcomes.add(future.get());
            }
            return outcomes;
        }
        catch (ExecutionException e) {
            // The uploader turns every exception into an outcome; what arrives here is an Error.
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("Upload thread failed", e.getCause());
        }
        finally {
            executor.shutdownNow();
            listener.runDone();
        }
    }

    private static ThreadFactory uploadThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "upload-" + counter.incrementAndGet());
            // An interrupted run must not wait for uploads nobody will report.
            thread.setDaemon(true);
            return thread;
        };
    }
}
