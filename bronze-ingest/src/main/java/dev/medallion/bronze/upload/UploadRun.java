package dev.medallion.bronze.upload;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    /**
     * The outcome of every file started, in the order given, and the files not started because S3 could not be reached
     * ({@link OutageStop}).
     */
    public Result run(List<PlannedFile> files, UploadListener listener) throws InterruptedException {
        requireNonNull(files, "files is null");
        requireNonNull(listener, "listener is null");
        listener.runStarted(files.size(), files.stream().mapToLong(PlannedFile::size).sum());
        OutageStop outage = new OutageStop();
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(concurrency, Math.max(1, files.size())), uploadThreads());
        List<PlannedFile> notAttempted = new ArrayList<>();
        try {
            List<Future<Optional<UploadOutcome>>> futures = new ArrayList<>(files.size());
            for (PlannedFile file : files) {
                // Queued in order, each checks the stop as a thread takes it: the files under way finish, the rest are left.
                futures.add(executor.submit(() -> {
                    if (outage.stopped()) {
                        return Optional.<UploadOutcome>empty();
                    }
                    UploadOutcome outcome = uploader.upload(file, listener);
                    outage.finished(outcome);
                    listener.fileDone(outcome);
                    return Optional.of(outcome);
                }));
            }
            List<UploadOutcome> outcomes = new ArrayList<>(files.size());
            for (int i = 0; i < files.size(); i++) {
                Optional<UploadOutcome> outcome = futures.get(i).get();
                if (outcome.isPresent()) {
                    outcomes.add(outcome.get());
                }
                else {
                    notAttempted.add(files.get(i));
                }
            }
            return new Result(outcomes, notAttempted, outage.wentThroughAfterStop());
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
            // A run cut short (an Error, an interrupt) ends the progress where it stands.
            listener.runDone(List.copyOf(notAttempted));
        }
    }

    /**
     * @param outcomes the files started, in the order given
     * @param notAttempted the files not started once the run stopped for S3 not being reachable ({@link OutageStop})
     * @param wentThroughAfterStop the files under way when the run stopped that went through after it: S3 answered again
     */
    public record Result(List<UploadOutcome> outcomes, List<PlannedFile> notAttempted, int wentThroughAfterStop) {
        public Result {
            outcomes = List.copyOf(requireNonNull(outcomes, "outcomes is null"));
            notAttempted = List.copyOf(requireNonNull(notAttempted, "notAttempted is null"));
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
